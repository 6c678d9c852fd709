"""What a refusal says: one message for each reason the lab (or ``proctui run``) refused.

The messages name the refusal's facts ({pid}, {value}, ...) and a few facts made from
them ({who}, {python}, {doing}, ...), so that each language's sentence is one template
in the catalogue, in its own word order.
"""

from __future__ import annotations

from collections.abc import Callable

from proctui.core.events import Refusal, Refused
from proctui.core.i18n import N_
from proctui.core.linux import describe_exitcode
from proctui.core.script.interpreter import NEWEST, OLDEST, release

Words = Callable[[str], str]

# What the user asked to do, as the UI names it (its English verb), for {doing}.
VERBS = (N_("terminate"), N_("kill"), N_("join"), N_("call is_alive() on"), N_("stop or continue"),
         N_("interrupt"))

_R = Refusal
_SAID: dict[Refusal, str] = {
    _R.UNKNOWN_START_METHOD: N_("unknown start method {value!r}: choose one of fork, spawn, forkserver"),
    _R.EXIT_CODE_RANGE: N_("exit code must be 0..255, not {value}"),
    _R.NOT_MAIN_THREAD: N_("lab processes are started from the main thread only"),
    _R.FORK_FAILED: N_("{verb} failed: {error}: the system refused a new process"),
    _R.LAB_CLOSED: N_("the lab is shut down"),
    _R.TOO_MANY: N_("{count} lab processes already (the limit is {limit}): not starting {value} more"),
    _R.NO_GRANDCHILD_REPORT: N_("{who} never said which grandchild it started"),
    _R.ZOMBIE_CANNOT_STOP: N_("{who} is a zombie: it cannot stop or continue"),
    _R.NO_PROCESS_OBJECT: N_("{label} has no Process object in proctui: is_alive() is its parent's to call"),
    _R.NOT_PROCTUIS_CHILD: N_("{who} was started by PID {other_pid}, not by proctui: only its parent can join() "
                              "it. If proctui adopts it, proctui reaps it when it exits."),
    _R.PID_REUSED: N_("PID {pid} is no longer {label}: nothing sent"),
    _R.ALREADY_REAPED: N_("{who} has already been reaped"),
    _R.JOIN_WAITING: N_("a join of {who} is already waiting"),
    _R.INIT: N_("PID {pid} is init: proctui never signals it. Nothing sent"),
    _R.PROCTUI_ITSELF: N_("PID {pid} is proctui itself: it will not {doing} itself. Nothing done."),
    _R.OTHER_USER: N_("PID {pid} belongs to user {uid}, not to you: proctui never signals it. Nothing sent"),
    _R.NOTHING_SELECTED: N_("select a lab process to {doing} first"),
    _R.NOT_A_LAB_PROCESS: N_("PID {pid} is not a lab process: proctui only acts on processes it started. "
                             "Nothing done."),
    _R.POOL_WORKER: N_("PID {pid} is {label}: its pool owns it. P closes and joins the pool; the palette can "
                       "terminate it. Nothing done."),
    _R.POOL_NEEDS_A_WORKER: N_("a pool needs at least one worker, not {value}"),
    _R.POOL_BAD_MAXTASKS: N_("maxtasksperchild must be None or at least 1, not {value}"),
    _R.POOL_FAILED: N_("Pool() failed: {error}: the system refused a new process"),
    _R.POOL_CLOSED: N_("{label} is already closed"),
    _R.POOL_JOIN_WAITING: N_("{label}.join() is already waiting"),
    _R.NO_POOL: N_("no pool is open: p starts one"),
    _R.ALREADY_STEPPING: N_("a join is being stepped through: n steps, c finishes it"),
    _R.NO_STEPPED_CHILD: N_("the stepped join has no live child to {doing}"),
    _R.SUBREAPER_FAILED: N_("prctl(PR_SET_CHILD_SUBREAPER) failed: {error}"),
    _R.CANNOT_STEP: N_("join() cannot be stepped through on this Python: {error}"),
    _R.SCRIPT_MISSING: N_("{value}: no such file. Nothing was run."),
    _R.SCRIPT_IS_DIRECTORY: N_("{value} is a directory, not a script. Nothing was run."),
    _R.SCRIPT_NOT_PYTHON: N_("{value} is not a Python script ({why}). Nothing was run."),
    _R.SCRIPT_SYNTAX: N_("{value}:{line}:{column}: SyntaxError: {error}{under}. Nothing was run.\n{caret}"),
    _R.PYTHON_NOT_ON_PATH: N_("--python {value}: no program of that name on PATH. Nothing was run."),
    _R.PYTHON_MISSING: N_("--python {value}: no such file. Nothing was run."),
    _R.PYTHON_IS_DIRECTORY: N_("--python {python} is a directory, not a Python. Nothing was run."),
    _R.PYTHON_NOT_EXECUTABLE: N_("--python {python} is not executable (you have no permission to run it). "
                                 "Nothing was run."),
    _R.PYTHON_NOT_PYTHON: N_("--python {python} is not a Python: asked for its version, it {answer}. proctui runs "
                             "scripts under {accepted}. Nothing was run."),
    _R.PYTHON_NOT_CPYTHON: N_("--python {python} is {version}, not CPython: proctui runs scripts under {accepted} "
                              "only (its tracer relies on CPython's own multiprocessing). Nothing was run."),
    _R.PYTHON_VERSION: N_("--python {python} is Python {version}: proctui runs scripts under {accepted}. "
                          "Nothing was run."),
    _R.SCRIPT_FORKS_TOO_MANY: N_("PID {other_pid} forked PID {pid}, one past the limit of {limit} lab processes "
                                 "(--max-children): proctui ended it with SIGKILL"),
    _R.COW_NEEDS_FORK: N_("copy-on-write needs fork: under {value} the child is a fresh Python that shares no "
                          "page with proctui (m chooses fork). Nothing started."),
    _R.NO_COW_CHILD: N_("no copy-on-write child is waiting to write: start one first (ctrl+p: Copy-on-write "
                        "child)"),
    _R.CHILD_SILENT: N_("{who} never said {value!r} (it ended, or hangs): nothing was read"),
    _R.NO_QUEUE: N_("no queue waits to be read: start one first (ctrl+p: Queue: a child puts 10 MiB)"),
    _R.QUEUE_EMPTY: N_("nothing came on the queue of {who} (it ended, or hangs): nothing was read"),
    _R.SCRIPT_RUNNING: N_("a script is running already ({label}, PID {pid}): end it first (t or x)"),
}

#: Where the verb the user asked for changes what is said.
_SAID_FOR_VERB: dict[tuple[Refusal, str | None], str] = {
    (_R.ALREADY_REAPED, "signal"): N_("{who} has already been reaped: nothing sent"),
    (_R.PROCTUI_ITSELF, None): N_("PID {pid} is proctui itself: it never signals itself. Nothing sent"),
    (_R.POOL_CLOSED, "map"): N_("{label} is closed: a closed Pool takes no new tasks"),
}


def syntax_caret(text: str | None, column: int | None) -> str:
    """The line of a syntax error and a caret under its column, as Python shows them."""
    line = (text or "").rstrip("\n")
    stripped = line.lstrip()
    column = max(1, (column or 1) - (len(line) - len(stripped)))
    return f"    {stripped}\n    {' ' * (column - 1)}^"


def python_named(e: Refused, _: Words) -> str:
    """--python's PYTHON as given, and the file it stands for if that reads otherwise."""
    given = e.value or ""
    if not e.program or e.program == given:
        return given
    return _(N_("{value} ({program})")).format(value=given, program=e.program)


def _no_python_answer(e: Refused, _: Words) -> str:
    if e.error is not None:
        return _(N_("could not be run ({error})")).format(error=e.error)
    if e.limit is not None:
        return _(N_("gave no answer within {limit} s")).format(limit=e.limit)
    said = _(N_("answered {text!r}")).format(text=e.text) if e.text else _(N_("answered nothing"))
    return _(N_("{said} and exited with {code}")).format(said=said, code=describe_exitcode(e.exitcode))


def _made_facts(e: Refused, _: Words) -> dict[str, object]:
    """The facts the messages name that the refusal holds only in parts."""
    return {
        "who": _(N_("{label} (PID {pid})")).format(label=e.label, pid=e.pid),
        # gettext("") is the catalogue's header: only a verb is looked up.
        "doing": _(e.verb) if e.verb else "",
        "python": python_named(e, _),
        "accepted": _(N_("CPython {oldest} to {newest}")).format(oldest=release(OLDEST), newest=release(NEWEST)),
        "why": e.error or _(N_("it holds NUL bytes: a binary file")),
        "under": _(N_(" (under Python {version})")).format(version=e.version) if e.version else "",
    }


def refusal_sentence(e: Refused, _: Words) -> str:
    """What the user reads for this refusal, in the language of ``_``."""
    message = _SAID_FOR_VERB.get((e.reason, e.verb), _SAID[e.reason])
    facts = {**e.facts(), **_made_facts(e, _)}
    if e.reason is Refusal.PYTHON_NOT_PYTHON:
        facts["answer"] = _no_python_answer(e, _)
    if e.reason is Refusal.SCRIPT_SYNTAX:
        facts["caret"] = syntax_caret(e.text, e.column)
    return _(message).format_map(facts)
