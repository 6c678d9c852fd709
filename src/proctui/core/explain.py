"""What a step of join() means, in words, for the code viewer.

The texts are built from the step itself (the call, its arguments and result, the raw
wait status) and from what the kernel says about the child right now (its state letter
in /proc), never from what we expect to happen.
"""

from __future__ import annotations

import ast
import os
import platform
import sys

from proctui.core.linux import decode_status, describe_exitcode
from proctui.core.procs import state_word
from proctui.core.stepper import Step

# Lines of join/wait/poll worth a word, found by their text (line numbers move between
# releases; the text of these lines has not changed since 3.4).
_LINE_NOTES = (
    ("self._check_closed()", "join() on a closed Process raises ValueError"),
    ("self._parent_pid == os.getpid()", "only the process that started the child may join it"),
    ("self._popen is not None", "start() creates the Popen; without it there is nothing to wait for"),
    ("self._popen.wait(timeout)", "the real work: Popen.wait() of the start method in use"),
    ("_children.discard(self)", "the child is reaped: multiprocessing stops tracking it"),
    ("if self.returncode is None:", "returncode is set once the child has been reaped; then it is reused"),
    ("if not wait([self.sentinel], timeout)", "sleep until the sentinel is readable (the child ended) or the timeout"),
    ("self.poll(os.WNOHANG if timeout == 0.0 else 0)", "flag 0 blocks until the child exits; WNOHANG would not"),
    ("os.waitstatus_to_exitcode(sts)", "decode the wait status: exit code, or -signal number"),
    ("os.WIFSIGNALED(sts)", "killed by a signal?"),
    ("self.returncode = -os.WTERMSIG(sts)", "signalled children get a negative exit code"),
)


def line_note(source_line: str) -> str | None:
    text = source_line.strip()
    for fragment, note in _LINE_NOTES:
        if fragment in text:
            return note
    return None


def _call_args(call: str) -> list[str]:
    """The arguments of a call text like 'os.waitpid(4242, 0)', as source fragments."""
    try:
        node = ast.parse(call, mode="eval").body
    except SyntaxError:
        return []
    if not isinstance(node, ast.Call):
        return []
    return [ast.unparse(arg) for arg in node.args]


def step_note(step: Step, pid: int | None, child_state: str | None) -> str:
    """One or two sentences on the step the join is paused at.

    child_state is the kernel's state letter for the child now, None if /proc has no
    such PID.
    """
    call = step.call or ""
    if step.kind == "call" and call.startswith("os.waitpid("):
        args = _call_args(call)
        flag = args[1] if len(args) > 1 else "0"
        if flag != "0":
            return (f"Next: {call} with WNOHANG: it returns (0, 0) at once if the child has not "
                    "exited, else reaps it.")
        if child_state == "Z":
            return (f"Next: {call}. The child is a zombie (Z in /proc): this call collects its exit "
                    f"status and the kernel frees PID {pid}. Watch its row vanish.")
        if child_state is not None:  # alive: not a zombie (that was just above)
            return (f"Next: {call}. The child is {state_word(child_state)} ({child_state}): waitpid will "
                    "block in the kernel until it exits. Press t or x to end it; the app stays usable.")
        return f"Next: {call}."
    if step.kind == "return" and call.startswith("os.waitpid("):
        if step.status is not None:
            code = os.waitstatus_to_exitcode(step.status)
            return (f"waitpid returned ({pid}, {step.status:#06x}): {decode_status(step.status)}; "
                    f"os.waitstatus_to_exitcode() = {describe_exitcode(code)}. "
                    f"The child is reaped: PID {pid} is gone from /proc.")
        if step.result == "(0, 0)":
            return "waitpid returned (0, 0): with WNOHANG, the child has not exited yet; nothing reaped."
        if (step.result or "").startswith("raised ChildProcessError"):
            return ("ECHILD: someone else already reaped this child. poll() swallows the error and "
                    "returns None, so multiprocessing will think it is still running.")
        return f"waitpid: {step.result}"
    if step.kind == "call" and call.startswith("connection.wait("):
        args = _call_args(call)
        limit = args[1] if len(args) > 1 else "None"
        return (f"Next: {call}: sleep until the sentinel pipe is readable (every copy of its write end "
                f"is closed: normally, when the child ends) or {limit} s pass. Waiting on a sentinel "
                "does not reap.")
    if step.kind == "return" and call.startswith("connection.wait("):
        if step.result == "[]":
            if child_state is not None and child_state not in "ZX":
                return (f"connection.wait returned []: the timeout passed and the child is still running "
                        f"({child_state}). wait() returns None; join returns without reaping.")
            return ("connection.wait returned []: the timeout passed although the child has exited: its "
                    "sentinel stays unreadable while any process (one the child forked) holds a copy of "
                    "the pipe's write end. wait() returns None; join returns without reaping.")
        return f"connection.wait returned {step.result}: the sentinel is readable, so the child has ended."
    if step.kind == "call" and call.startswith("forkserver.read_signed("):
        return (f"Next: {call}. Under forkserver the fork server, not proctui, is the child's parent: "
                "it has already reaped the child (so no zombie could be seen) and writes the exit "
                "code into the sentinel pipe. No waitpid() here.")
    if step.kind == "return" and call.startswith("forkserver.read_signed("):
        return f"read_signed returned {step.result}: the exit code the fork server sent."
    if step.kind == "exception":
        note = f"join() raised {step.result}."
        if "can only join a started process" in (step.result or ""):
            note += " The Process was created but never started, so it has no Popen to wait on."
        elif "NoneType" in (step.result or "") and "wait" in (step.result or ""):
            note += " With python -O the assert is gone, so join fails later, on None.wait()."
        return note
    if step.kind == "done":
        if step.result == "None":
            if child_state is not None and child_state not in "ZX":
                return "join() returned None; the child is still running (exitcode None): nothing was reaped."
            return ("join() returned None (exitcode None): nothing was reaped, although the child has exited: "
                    "its sentinel was still held open when the timeout passed.")
        exitcode = int(step.result) if step.result and step.result.lstrip("-").isdigit() else None
        return f"join() returned: exitcode {describe_exitcode(exitcode)}. The child is reaped."
    return ""


def start_method_note(start_method: str) -> str | None:
    """Said once, when a join starts: how this start method's join learns of the exit."""
    if start_method == "forkserver":
        return ("forkserver: the fork server, not proctui, is this child's parent. It reaps the "
                "child itself and sends the exit code down the sentinel, so poll() never calls "
                "waitpid and no zombie can be seen")
    return None


def assertions_note() -> str:
    if sys.flags.optimize:
        return (f"asserts are off (python -O, sys.flags.optimize={sys.flags.optimize}): join of an "
                "unstarted process fails on None.wait() instead")
    return "asserts are on (sys.flags.optimize=0); python -O would strip them"


def version_note(poll_source: str) -> str | None:
    """How this interpreter's poll() differs from the article's Python 3.3-3.8 code."""
    if "waitstatus_to_exitcode" in poll_source:
        return (f"Python {platform.python_version()} decodes with os.waitstatus_to_exitcode(sts); the "
                "article (3.3-3.8) used -os.WTERMSIG(sts) / os.WEXITSTATUS(sts)")
    return None


def poll_source(stepper_sources: dict[str, tuple[list[str], int]]) -> str:
    lines, _ = stepper_sources.get("Popen.poll", ([], 0))
    return "".join(lines)


def viewer_note(
    step: Step,
    *,
    pid: int | None,
    child_state: str | None,
    sources: dict[str, tuple[list[str], int]],
    first: bool,
    start_method: str | None,
) -> str:
    """Everything the code viewer says under the code at this step.

    The step's own meaning if it has one; else a word on the line it is at. The first
    step also says whether asserts are on and, for forkserver, who the parent is.
    """
    note = step_note(step, pid, child_state)
    if not note and step.kind == "line":
        lines, first_line = sources.get(step.frame.func, ([], 0))
        index = step.frame.lineno - first_line
        source_line = lines[index] if 0 <= index < len(lines) else ""
        note = line_note(source_line) or ""
        if "waitstatus_to_exitcode" in source_line:
            note = f"{note}. {version_note(poll_source(sources)) or ''}"
    if first:
        note = f"{note} ({assertions_note()})".strip()
        method_note = start_method_note(start_method) if start_method else None
        if method_note:
            note = f"{method_note}. {note}"
    return note
