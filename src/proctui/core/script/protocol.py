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
* ``finished``: the script process ran the script to its end (its exit code);
* ``reaped``: one of its wait calls (``os.waitpid``...) returned a child's exit: who
  reaped which child, for what, from which line of the script (host_reaper.py). The fork
  server, which keeps no connection, sends it on one made for it alone.

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


#: The wait calls a process of the script reaps with, as the script calls them.
ReapCallName = Literal["os.waitpid", "os.waitid", "os.wait", "os.wait3", "os.wait4"]

#: The multiprocessing call a reap was made for (host_reaper.py reads it from the stack:
#: the outermost of these between the wait and the script's line): Process's join(),
#: is_alive(), start() (its _cleanup() polls every child started before), active_children(),
#: the exitcode property, close(), repr(), terminate()/kill()/interrupt() (a wait when
#: os.kill fails); a Pool's worker handler thread, its join(), its terminate (also its
#: __exit__ and finalizer); multiprocessing's exit handler (atexit); the fork server's loop.
ReapVia = Literal["join", "is_alive", "start", "active_children", "exitcode", "close", "repr", "terminate",
                  "kill", "interrupt", "pool worker handler", "pool join", "pool terminate", "exit handler",
                  "fork server"]


class ReapedMessage(TypedDict):
    type: Literal["reaped"]
    pid: int  # the reaper: the process that made the call
    child: int  # the PID the call returned: the child it reaped
    status: int  # the raw wait status (waitid's si_code and si_status packed as the kernel packs them)
    call: ReapCallName
    via: ReapVia | None  # None: not one of multiprocessing's calls above (the script's own wait, say)
    through: str | None  # the outermost multiprocessing function on the way, "multiprocessing.process.join"
    at: float  # time.time() as the call returned
    # The script's frame that led to it: the first outside the standard library (multiprocessing,
    # os, subprocess, threading...) and proctui's own; None where there is none (the fork
    # server, the exit handler, a pool's handler thread).
    file: str | None
    line: int | None
    function: str | None


FromHost = (HelloMessage | PausedMessage | OutputMessage | StdinMessage | FreeMessage | FinishedMessage
            | ReapedMessage)


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
