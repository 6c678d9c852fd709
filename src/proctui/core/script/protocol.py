"""The channel between proctui (runner.py) and each process of the script (host.py and
the modules beside it): one JSON object a line over a Unix socket, with file descriptors
beside some (SCM_RIGHTS). Every message is one of these TypedDicts, on both sides.

From a process of the script (``FromHost``), told apart by ``type``:

* ``hello``: a process connects, once; a forked, spawned or fork server child passes the
  read end of its output pipe with it;
* ``paused``: where its tracer stopped; it then waits for a command;
* ``output``: a process that will not say hello (a subprocess, the fork server itself)
  passes its output pipe, said under its PID;
* ``stdin``: the script read its stdin (end of file at once);
* ``free``: it runs free from now on, as ``--follow child`` asks of a parent that forked;
* ``finished``: the script process ran the script to its end (its exit code).

To a process of the script (``ToHost``): a command, pdb's n, s, r, c (``StepCommand``,
with what to follow at its next fork), ``free`` (run on with no breakpoint: ``--follow
child`` lets the parent of a followed child go), or a breakpoint toggled
(``BreakCommand``); and, to a fork server child's hello only, whether it pauses at its
target (``SteppingAnswer``).

Imported in the script's processes too: the standard library only.
"""

from __future__ import annotations

from typing import Literal, TypedDict, TypeGuard

from proctui.core.start_method import StartMethod

#: May be imported in another process (imported by the script's processes): it imports only
#: the standard library and other stdlib-only modules of proctui's
#: (tests/core/test_architecture.py).
STDLIB_ONLY = True

#: How a process of the script came to be: the script process itself (proctui's
#: posix_spawn), an os.fork() (the script's or multiprocessing's), a spawn child, a child
#: of the fork server.
Via = Literal["start", "fork", "spawn", "forkserver"]

#: Why a process paused: before a line, at a function's return (result: the value), or
#: where an exception passes (result: the error).
PauseEvent = Literal["line", "return", "exception"]

#: pdb's n, s, r, c; run free (no breakpoint stops it any more); and a breakpoint toggled.
CommandName = Literal["next", "step", "return", "continue", "free", "break"]

#: What is stepped after a fork() of a process being stepped (gdb's follow-fork-mode, and
#: what pdb's users ask for): both sides (each pauses at its next line), the parent only
#: (the child runs free), or the child only (the parent runs free). A spawn or fork server
#: child of a process being stepped follows the same choice.
Follow = Literal["both", "parent", "child"]
FOLLOW_CHOICES: tuple[Follow, ...] = ("both", "parent", "child")


def is_follow(word: str) -> TypeGuard[Follow]:
    return word in FOLLOW_CHOICES


class HelloMessage(TypedDict):
    type: Literal["hello"]
    pid: int
    ppid: int
    via: Via
    traced: bool  # it pauses at its next line (a fork of a process being stepped)


class StackEntry(TypedDict):
    func: str
    file: str
    line: int


class StartMethodFacts(TypedDict):
    """What a plain ``Process(...).start()`` of the process uses, as its multiprocessing says."""

    python: str  # its version, "3.13.0"
    default: StartMethod
    chosen: StartMethod | None  # set_start_method's, when it differs from the default


class _PausedFacts(TypedDict):
    type: Literal["paused"]
    pid: int
    event: PauseEvent
    file: str
    line: int
    func: str
    stack: list[StackEntry]  # outermost first
    locals: dict[str, str]  # described without running their code
    result: str | None
    breaks: list[int]  # the breakpoints set in file
    via: Via


class PausedMessage(_PausedFacts, total=False):
    # Only when it changed since the last pause said it (None: multiprocessing is gone).
    method: StartMethodFacts | None


class OutputMessage(TypedDict):
    type: Literal["output"]
    pid: int
    ppid: int
    program: str  # what runs in it, as the log names it


class StdinMessage(TypedDict):
    type: Literal["stdin"]
    pid: int


class FreeMessage(TypedDict):
    type: Literal["free"]
    pid: int


class FinishedMessage(TypedDict):
    type: Literal["finished"]
    pid: int
    code: int


FromHost = HelloMessage | PausedMessage | OutputMessage | StdinMessage | FreeMessage | FinishedMessage


class _StepFacts(TypedDict):
    cmd: Literal["next", "step", "return", "continue", "free"]


class StepCommand(_StepFacts, total=False):
    follow: Follow  # from now on, at each fork (and spawn) of this process


class BreakCommand(TypedDict):
    cmd: Literal["break"]
    file: str
    line: int


Command = StepCommand | BreakCommand


class SteppingAnswer(TypedDict):
    stepping: bool


ToHost = StepCommand | BreakCommand | SteppingAnswer
