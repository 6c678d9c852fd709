"""What a step of join() means, in words, for the code viewer.

The texts are built from the step itself (the call, its arguments and result, the raw
wait status) and from what the kernel says about the child right now (its state letter
in /proc), never from what we expect to happen. A word on the line a step is at comes
from ``notes``, which knows the lines of join, wait and poll by their function.
"""

from __future__ import annotations

import ast
import os
import platform
import sys
from collections.abc import Callable
from dataclasses import dataclass

from proctui.core.events import Disposition
from proctui.core.i18n import LANGUAGES, N_, words
from proctui.core.linux import decode_status, describe_exitcode
from proctui.core.procfs.stat import state_word
from proctui.core.start_method import StartMethod
from proctui.core.stepping.notes import note_for_line
from proctui.core.stepping.stepper import Step

#: Every sentence the code viewer can say, by key; {names} are facts of the step. The English
#: is the message id; its translations are in the catalogue (locale/).
PHRASES: dict[str, str] = {
    "waitpid_nohang": N_("Next: {call} with WNOHANG: it returns (0, 0) at once if the child has not exited, "
    "else reaps it."),
    "waitpid_zombie": N_("Next: {call}. The child is a zombie (Z in /proc): this call collects its exit "
    "status and the kernel frees PID {pid}. Watch its row vanish."),
    "waitpid_running": N_("Next: {call}. The child is {word} ({state}): waitpid will block in the kernel "
    "until it exits. {ending} The app stays usable."),
    "waitpid_stopped": N_("Next: {call}. The child is stopped (T): waitpid will block in the kernel until "
    "it exits. {ending}"),
    # How to end the child, from its SIGTERM disposition in /proc/PID/status.
    "end_default": N_("Press t or x to end it."),
    "end_caught": N_("x (SIGKILL) ends it; t runs its own SIGTERM handler (SigCgt in /proc/{pid}/status), "
    "which decides."),
    "end_ignored": N_("x (SIGKILL) ends it; t does nothing: it ignores SIGTERM (SigIgn in /proc/{pid}/status)."),
    "end_stopped_default": N_("x (SIGKILL) ends it at once; a SIGTERM (t) stays pending until s continues it."),
    "end_stopped_caught": N_("x (SIGKILL) ends it at once; a SIGTERM (t) stays pending until s continues it, "
    "and then its own handler (SigCgt in /proc/{pid}/status) decides."),
    "end_stopped_ignored": N_("x (SIGKILL) ends it at once; t does nothing: it ignores SIGTERM (SigIgn in "
    "/proc/{pid}/status)."),
    "next": N_("Next: {call}."),
    "waitpid_reaped": N_("waitpid returned ({pid}, {status}): {decoded}; os.waitstatus_to_exitcode() = "
    "{code}. The child is reaped: PID {pid} is gone from /proc."),
    "waitpid_zero": N_("waitpid returned (0, 0): with WNOHANG, the child has not exited yet; nothing reaped."),
    "waitpid_echild": N_("ECHILD: someone else already reaped this child. poll() swallows the error and "
    "returns None, so multiprocessing will think it is still running."),
    "waitpid_other": N_("waitpid: {result}"),
    "wait_call": N_("Next: {call}: sleep until the sentinel pipe is readable (every copy of its write end "
    "is closed: normally, when the child ends) or {limit} s pass. Waiting on a sentinel does not reap."),
    "wait_timeout_running": N_("connection.wait returned []: when the timeout passed the child was still "
    "running ({state}). wait() returns None; join returns without reaping."),
    "wait_timeout_exited": N_("connection.wait returned []: the timeout passed although the child has "
    "exited: its sentinel stays unreadable while any process (one the child forked) holds a copy of "
    "the pipe's write end. wait() returns None; join returns without reaping."),
    "wait_ready": N_("connection.wait returned {result}: the sentinel is readable, so the child has ended."),
    "wait_ready_forkserver": N_("connection.wait returned {result}: the sentinel is readable: the fork server "
    "has written the exit code into it (or has itself ended)."),
    "read_signed_call": N_("Next: {call}. Under forkserver the fork server, not proctui, is the child's "
    "parent: it has already reaped the child (so no zombie could be seen) and writes the exit code "
    "into the sentinel pipe. No waitpid() here."),
    "read_signed_return": N_("read_signed returned {result}: the exit code the fork server sent."),
    "read_signed_eof": N_("read_signed {result}: the sentinel ended with no exit code in it, so the fork "
    "server itself has ended. poll() sets returncode 255, whatever became of the child."),
    "raised": N_("join() raised {result}."),
    "raised_unstarted": N_("join() raised {result}. The Process was created but never started, so it has no "
    "Popen to wait on."),
    "raised_optimized": N_("join() raised {result}. With python -O the assert is gone, so join fails later, "
    "on None.wait()."),
    "done_running": N_("join() returned; exitcode is still None: the child was running when the timeout "
    "passed, and nothing was reaped."),
    "done_held": N_("join() returned; exitcode is still None: nothing was reaped, although the child had "
    "exited when the timeout passed: another process held its sentinel open."),
    "done_echild": N_("join() returned; exitcode is still None: someone else reaped the child (ECHILD), "
    "so multiprocessing never learnt its exit code."),
    "done": N_("join() returned; exitcode is now {code}: the child has been reaped."),
    "done_forkserver_lost": N_("join() returned; exitcode is 255 because the fork server ended without "
    "sending the child's status. The child itself is still running ({state})."),
    "forkserver": N_("forkserver: the fork server, not proctui, is this child's parent. It reaps the "
    "child itself and sends the exit code down the sentinel, so poll() never calls waitpid and no "
    "zombie can be seen"),
    "asserts_off": N_("asserts are off (python -O, sys.flags.optimize={level}): join of an unstarted "
    "process fails on None.wait() instead"),
    "asserts_on": N_("asserts are on (sys.flags.optimize=0); python -O would strip them"),
    "version": N_("Python {version} decodes with os.waitstatus_to_exitcode(sts); the article (3.3-3.8) "
    "used -os.WTERMSIG(sts) / os.WEXITSTATUS(sts)"),
}




def _say(lang: str, key: str, **facts: object) -> str:
    return words(lang if lang in LANGUAGES else "en")(PHRASES[key]).format(**facts)


@dataclass(frozen=True)
class JoinFacts:
    """What is known of the joined child at a step.

    Now: its PID, the kernel's state letter for it (None if /proc has no such PID) and
    what it does with SIGTERM. Earlier in the join, recorded by the stepper when it
    happened: timeout_state, the child's state when connection.wait gave up ("" if
    gone), and echild, whether a waitpid failed with ECHILD.
    """

    pid: int | None
    state: str | None
    sigterm: Disposition = Disposition.DEFAULT
    start_method: StartMethod | None = None
    timeout_state: str | None = None
    echild: bool = False

    @property
    def state_at_timeout(self) -> str | None:
        """The child's state when the join gave up, if it did; else its state now."""
        return self.state if self.timeout_state is None else self.timeout_state


def _call_args(call: str) -> list[str]:
    """The arguments of a call text like 'os.waitpid(4242, 0)', as source fragments."""
    try:
        node = ast.parse(call, mode="eval").body
    except SyntaxError:
        return []
    if not isinstance(node, ast.Call):
        return []
    return [ast.unparse(arg) for arg in node.args]


def _running(child_state: str | None) -> bool:
    return child_state is not None and child_state not in "ZX"


def ending_note(pid: int | None, child_state: str | None, sigterm: Disposition, lang: str = "en") -> str:
    """How the user can end the child: its state letter now, and what it does with SIGTERM
    (sending.disposition: /proc/PID/status), so that t is offered only where it ends it."""
    stopped = child_state in ("T", "t")
    key = {Disposition.DEFAULT: "default", Disposition.CAUGHT: "caught", Disposition.IGNORED: "ignored"}[sigterm]
    return _say(lang, f"end_stopped_{key}" if stopped else f"end_{key}", pid=pid)


# -- one function per kind of step: what it means, from the step and the child's facts --------


def _waitpid_call(step: Step, child: JoinFacts, lang: str) -> str:
    call = step.call or ""
    args = _call_args(call)
    if (args[1] if len(args) > 1 else "0") != "0":
        return _say(lang, "waitpid_nohang", call=call)
    if child.state == "Z":
        return _say(lang, "waitpid_zombie", call=call, pid=child.pid)
    ending = ending_note(child.pid, child.state, child.sigterm, lang)
    if child.state in ("T", "t"):
        return _say(lang, "waitpid_stopped", call=call, ending=ending)
    if child.state is not None:  # alive: not a zombie (that was just above)
        word = words(lang)(state_word(child.state))
        return _say(lang, "waitpid_running", call=call, word=word, state=child.state, ending=ending)
    return _say(lang, "next", call=call)


def _waitpid_return(step: Step, child: JoinFacts, lang: str) -> str:
    result = step.result
    if step.status is not None:
        code = describe_exitcode(os.waitstatus_to_exitcode(step.status))
        return _say(lang, "waitpid_reaped", pid=child.pid, status=f"{step.status:#06x}",
                    decoded=decode_status(step.status), code=code)
    if result == "(0, 0)":
        return _say(lang, "waitpid_zero")
    if (result or "").startswith("raised ChildProcessError"):
        return _say(lang, "waitpid_echild")
    return _say(lang, "waitpid_other", result=result)


def _wait_call(step: Step, child: JoinFacts, lang: str) -> str:
    args = _call_args(step.call or "")
    return _say(lang, "wait_call", call=step.call, limit=args[1] if len(args) > 1 else "None")


def _wait_return(step: Step, child: JoinFacts, lang: str) -> str:
    if step.result == "[]":
        state = child.state_at_timeout
        if _running(state):
            return _say(lang, "wait_timeout_running", state=state)
        return _say(lang, "wait_timeout_exited")
    key = "wait_ready_forkserver" if child.start_method == "forkserver" else "wait_ready"
    return _say(lang, key, result=step.result)


def _read_signed_call(step: Step, child: JoinFacts, lang: str) -> str:
    return _say(lang, "read_signed_call", call=step.call)


def _read_signed_return(step: Step, child: JoinFacts, lang: str) -> str:
    key = "read_signed_eof" if (step.result or "").startswith("raised") else "read_signed_return"
    return _say(lang, key, result=step.result)


def _raised(step: Step, child: JoinFacts, lang: str) -> str:
    result = step.result or ""
    if "can only join a started process" in result:
        return _say(lang, "raised_unstarted", result=step.result)
    if "NoneType" in result and "wait" in result:
        return _say(lang, "raised_optimized", result=step.result)
    return _say(lang, "raised", result=step.result)


def _done(step: Step, child: JoinFacts, lang: str) -> str:
    result = step.result
    if result == "None":
        if child.echild:
            return _say(lang, "done_echild")
        return _say(lang, "done_running" if _running(child.state_at_timeout) else "done_held")
    exitcode = int(result) if result and result.lstrip("-").isdigit() else None
    if child.start_method == "forkserver" and exitcode == 255 and _running(child.state):
        return _say(lang, "done_forkserver_lost", state=child.state)
    return _say(lang, "done", code=describe_exitcode(exitcode))


_Note = Callable[[Step, JoinFacts, str], str]

#: The steps that mean something of their own: (step kind, the call it is in), by prefix.
_NOTES_BY_CALL: tuple[tuple[str, str, _Note], ...] = (
    ("call", "os.waitpid(", _waitpid_call),
    ("return", "os.waitpid(", _waitpid_return),
    ("call", "connection.wait(", _wait_call),
    ("return", "connection.wait(", _wait_return),
    ("call", "forkserver.read_signed(", _read_signed_call),
    ("return", "forkserver.read_signed(", _read_signed_return),
)
_NOTES_BY_KIND: dict[str, _Note] = {"exception": _raised, "done": _done}


def step_note(step: Step, child: JoinFacts, lang: str = "en") -> str:
    """One or two sentences on the step the join is paused at ("" if it means nothing
    of its own), from the step itself and what is known of the child."""
    call = step.call or ""
    for kind, prefix, note in _NOTES_BY_CALL:
        if step.kind == kind and call.startswith(prefix):
            return note(step, child, lang)
    by_kind = _NOTES_BY_KIND.get(step.kind)
    return by_kind(step, child, lang) if by_kind is not None else ""


def start_method_note(start_method: StartMethod, lang: str = "en") -> str | None:
    """Said once, when a join starts: how this start method's join learns of the exit."""
    if start_method == "forkserver":
        return _say(lang, "forkserver")
    return None


def assertions_note(lang: str = "en") -> str:
    if sys.flags.optimize:
        return _say(lang, "asserts_off", level=sys.flags.optimize)
    return _say(lang, "asserts_on")


def version_note(poll_source: str, lang: str = "en") -> str | None:
    """How this interpreter's poll() differs from the article's Python 3.3-3.8 code."""
    if "waitstatus_to_exitcode" in poll_source:
        return _say(lang, "version", version=platform.python_version())
    return None


def poll_source(stepper_sources: dict[str, tuple[list[str], int]]) -> str:
    lines, _ = stepper_sources.get("Popen.poll", ([], 0))
    return "".join(lines)


def _line_note(step: Step, sources: dict[str, tuple[list[str], int]], lang: str) -> str:
    """A word on the line the step is at, from notes."""
    lines, first_line = sources.get(step.frame.func, ([], 0))
    index = step.frame.lineno - first_line
    source_line = lines[index] if 0 <= index < len(lines) else ""
    found = note_for_line(step.frame.filename, step.frame.func, source_line, step.frame.locals, lang)
    note = found.text if found is not None else ""
    if "waitstatus_to_exitcode" in source_line:
        note = f"{note}. {version_note(poll_source(sources), lang) or ''}"
    return note


def viewer_note(step: Step, child: JoinFacts, *, sources: dict[str, tuple[list[str], int]], first: bool,
                lang: str = "en") -> str:
    """Everything the code viewer says under the code at this step, in lang.

    The step's own meaning if it has one; else a word on the line it is at. The first
    step also says whether asserts are on and, for forkserver, who the parent is.
    """
    note = step_note(step, child, lang)
    if not note and step.kind == "line":
        note = _line_note(step, sources, lang)
    if first:
        note = f"{note} ({assertions_note(lang)})".strip()
        method_note = start_method_note(child.start_method, lang) if child.start_method else None
        if method_note:
            note = f"{method_note}. {note}"
    return note
