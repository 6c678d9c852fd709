"""What happens to lab processes, as data: one class per kind of happening, its facts as fields.

An event is not a sentence. Text is made from an event by the renderer, in the user's
language (``proctui.core.teaching.render``); anything that decides (a lesson goal, an exercise, a test)
reads the fields, so rewording or translating a log line never changes what it decides.

The Lab, its pools and the UI's refusals share this one vocabulary. Every field is a
fact the kernel or the call itself reported (a wait status, a PID, a state letter from
/proc), never a guess.
"""

from __future__ import annotations

import enum
import inspect
import os
import sys
import time
from collections.abc import Callable
from dataclasses import Field, field
from typing import TYPE_CHECKING, Any, ClassVar

# The core needs nothing but the standard library (tests run it as another user with
# only src/ on the path). dataclass_transform only tells type checkers; at run time it
# returns the class as it is.
if sys.version_info >= (3, 11):
    from typing import dataclass_transform
elif TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:
    def dataclass_transform(**_: object) -> Callable[[type], type]:
        return lambda cls: cls


class Tone(enum.Enum):
    """How a log line looks (colour, a tag without colour): what sort of thing happened."""

    STARTED = "started"
    OUTPUT = "output"
    EXITED = "exited"
    SIGNALLED = "signalled"
    JOINING = "joining"
    REAPED = "reaped"
    NOTE = "note"
    ERROR = "error"


_REQUIRED = object()


def _now() -> float:
    return time.time()


def _take_fields(cls: type) -> tuple[tuple[str, Any, bool], ...]:
    """The fields cls itself declares: (name, default or a dataclasses.Field, compared).
    Their defaults move off the class, so that an instance's own values are what is read."""
    own = []
    for name, kind in inspect.get_annotations(cls).items():
        if str(kind).startswith("ClassVar"):
            continue
        default = cls.__dict__.get(name, _REQUIRED)
        own.append((name, default, not isinstance(default, Field) or default.compare))
        if default is not _REQUIRED:
            delattr(cls, name)
    return tuple(own)


class FrozenInstanceError(AttributeError):
    """An event's facts do not change once it has happened."""


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(field,))
class _Facts:
    """The machinery of events. Each subclass declares its facts as annotated fields, as a frozen keyword-only
    dataclass would (and type checkers treat it as one: ``dataclass_transform``). The
    machinery is this base class's, not ``@dataclass``'s: the thirty-odd event classes
    are defined at every start of proctui, and ``@dataclass(frozen=True)`` costs about
    0.4 ms a class, 15 ms in all (measured with ``python -X importtime``), on the way
    to the first frame.
    """

    #: The fields of each class, in declaration order, base first: (name, default or a
    #: dataclasses.Field, compared).
    _fields: ClassVar[tuple[tuple[str, Any, bool], ...]] = ()
    # What __init__ reads, made once a class: a line a script prints is an event (Output),
    # and a loop over _fields cost 5.5 us an event, 0.55 s of 100,000 lines.
    _plain_defaults: ClassVar[dict[str, Any]] = {}
    _factories: ClassVar[tuple[tuple[str, Callable[[], object]], ...]] = ()
    _required: ClassVar[frozenset[str]] = frozenset()
    _names: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._fields = (*cls._fields, *_take_fields(cls))
        cls._plain_defaults = {name: default for name, default, _ in cls._fields
                               if default is not _REQUIRED and not isinstance(default, Field)}
        cls._factories = tuple((name, default.default_factory) for name, default, _ in cls._fields  # type: ignore[misc]  # our Fields all have a factory
                               if isinstance(default, Field))
        cls._required = frozenset(name for name, default, _ in cls._fields if default is _REQUIRED)
        cls._names = frozenset(name for name, _, _ in cls._fields)

    def __init__(self, **facts: Any) -> None:
        if not facts.keys() <= self._names:
            raise TypeError(f"{type(self).__name__}() has no field {', '.join(facts.keys() - self._names)}")
        if not self._required <= facts.keys():
            raise TypeError(f"{type(self).__name__}() needs {'=, '.join(sorted(self._required - facts.keys()))}=")
        values = self._plain_defaults.copy()
        for name, make in self._factories:
            if name not in facts:
                values[name] = make()
        values.update(facts)
        # Past __setattr__, which refuses every change once the event exists.
        self.__dict__.update(values)

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def _facts(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name, _, compared in self._fields if compared)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, _Facts)
        return self._facts() == other._facts()

    def __hash__(self) -> int:
        return hash((type(self), self._facts()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name, _, _ in self._fields)
        return f"{type(self).__name__}({shown})"

    def facts(self) -> dict[str, Any]:
        """Every fact by its field's name: what a sentence's {fields} are filled with."""
        return {name: getattr(self, name) for name, _, _ in self._fields}

    def replace(self, **changes: Any) -> Any:
        """A copy with some facts changed, as ``dataclasses.replace`` makes."""
        return type(self)(**{**self.facts(), **changes})


class LabEvent(_Facts):
    """Something that happened; ``pid`` and ``label`` name the process it happened to."""

    tone: ClassVar[Tone] = Tone.NOTE
    pid: int | None = None
    label: str | None = None
    time: float = field(default_factory=_now, compare=False)






def exitcode_of(status: int | None) -> int | None:
    """multiprocessing's exitcode for a raw wait status (-N for signal N), or None."""
    return None if status is None else os.waitstatus_to_exitcode(status)


# -- starting ----------------------------------------------------------------------------


class Forked(LabEvent):
    """``label.start()`` made a child of proctui (or of the fork server)."""

    tone: ClassVar[Tone] = Tone.STARTED
    role: str  # what it was started as: "child", "zombie", "orphan", ...
    start_method: str
    daemon: bool = False


class ScriptStarted(LabEvent):
    """proctui run FILE: the script process started, paused before the script's first line."""

    tone: ClassVar[Tone] = Tone.STARTED
    path: str
    args: tuple[str, ...] = ()
    optimize: bool = False
    python: str = ""  # the interpreter it runs under (proctui's own, or --python's), as executed
    python_version: str = ""  # that interpreter's version: "3.14.0"


class ScriptForked(LabEvent):
    """A process of the script forked (os.fork, its own or multiprocessing's): the child
    said hello on a channel of its own."""

    tone: ClassVar[Tone] = Tone.STARTED
    parent_pid: int
    traced: bool  # forked while its parent was stepped: its own viewer, paused at the next line
    via: str = "fork"  # "spawn": a fresh interpreter, started by the script's spawn, not a fork
    # Under forkserver: the process that started the fork server (its parent in /proc when
    # the child said hello), whose start() asked for this child. None where unknown.
    requested_by: int | None = None


class ScriptStartMethod(LabEvent):
    """A process of the script has multiprocessing imported: which start method its
    ``p.start()`` uses, as multiprocessing itself answers (``get_all_start_methods()[0]``
    is the default, ``get_start_method(allow_none=True)`` the one set, if any). Said
    when first known and whenever it changes."""

    python: str  # the script's Python, platform.python_version()
    default: str  # this Python's default start method on this platform
    chosen: str | None = None  # set by set_start_method(), or None: the default is used

    @property
    def method(self) -> str:
        """The start method a plain ``Process(...).start()`` uses now."""
        return self.chosen or self.default


class ScriptReadStdin(LabEvent):
    """A process of the script read its stdin, which is at end of file."""


class GrandchildForked(LabEvent):
    """A lab child started a child of its own, which proctui has no Process object for."""

    tone: ClassVar[Tone] = Tone.STARTED
    parent_pid: int
    parent_label: str


class ForkWarned(LabEvent):
    """Python warned that fork() was called in a multi-threaded process."""

    message: str
    in_pool: bool = False  # Pool(): its worker handler thread forks too


# -- output ------------------------------------------------------------------------------


class Output(LabEvent):
    """A line a process wrote. One pipe carries a child's stdout and stderr alike, so
    the two streams arrive in the order written and cannot be told apart."""

    tone: ClassVar[Tone] = Tone.OUTPUT
    line: str
    # Written by a process of a script run by proctui: its lines do not name it, as the
    # lab's children's do, so the log says its label beside its PID.
    by_script: bool = False
    # False: said before its newline came (a partial line: the pipe went quiet, it waited
    # long, or the process ended without one); what follows it comes as a line of its own.
    newline: bool = True
    # The line holds the writer's parent's PID (a "PPID: N" line, say): whose PID that is,
    # from the writer's hello (its PPID then) and what proctui knows of that process.
    parent_pid: int | None = None
    parent_is: ParentIs | None = None
    parent_label: str | None = None  # a process of the script's own label (ParentIs.SCRIPT)


class OutputNotShown(LabEvent):
    """count lines a process printed that the log does not show: a flood, printed faster
    than anyone reads, of which proctui keeps the newest lines (the log's count of what it
    left out, or what was never made an Output; see lab/sayer.py)."""

    tone: ClassVar[Tone] = Tone.OUTPUT
    count: int
    by_script: bool = False


def output_events(lines: list[str], newline: bool, skipped: int,
                  facts_of: Callable[[str], dict[str, Any]] | None = None, **writer: Any) -> list[LabEvent]:
    """The events of what one pipe said (lab/sayer.py's OnOutput): how many lines before
    these were left out of a flood, if any, then an Output a line, with facts_of(line).
    writer: the facts that name who wrote them (pid, label, by_script)."""
    said: list[LabEvent] = []
    if skipped:
        said.append(OutputNotShown(count=skipped, **writer))
    last = len(lines) - 1
    for n, line in enumerate(lines):
        facts = facts_of(line) if facts_of is not None else {}
        said.append(Output(line=line, newline=newline or n < last, **writer, **facts))
    return said


class ParentIs(enum.Enum):
    """Who the parent of a process of the script is, as far as proctui knows for sure."""

    PROCTUI = "proctui"  # the script process's parent
    FORK_SERVER = "fork server"  # a child started under forkserver
    SCRIPT = "script"  # another process of the script (parent_label names it)


# -- exits and reaping -------------------------------------------------------------------


class WhoReaps(enum.Enum):
    """Who will collect the exit status of a process that has just exited."""

    WAITPID = "waitpid"  # a zombie until its parent (proctui) calls waitpid()
    FORK_SERVER = "fork server"  # its parent, the fork server, reaps it at once
    PARENT = "parent"  # a grandchild: its parent (or whoever adopted it) reaps it
    EXIT_HANDLER = "exit handler"  # a daemon: its exiting parent's exit handler terminates and joins it
    KERNEL = "kernel"  # a grandchild whose parent ignores SIGCHLD (SigIgn): the kernel reaped it at once


class Exited(LabEvent):
    """The kernel reported the process's exit (through a pidfd), before anyone reaped it."""

    tone: ClassVar[Tone] = Tone.EXITED
    status: int | None  # the raw wait status, read with waitid(WNOWAIT); None if not ours to read
    who_reaps: WhoReaps
    reaper_pid: int | None = None  # for PARENT and EXIT_HANDLER

    @property
    def exitcode(self) -> int | None:
        return exitcode_of(self.status)


class ReapCall(enum.Enum):
    """Which call reaped a process (took its exit status, so its PID is free again)."""

    JOIN = "join"  # Process.join() -> waitpid(pid, 0)
    STEPPED_JOIN = "stepped join"  # the stepped join's own os.waitpid
    SENTINEL = "sentinel"  # forkserver: join() read the code the fork server sent
    IS_ALIVE = "is_alive"  # Process.is_alive() -> poll() -> waitpid(pid, WNOHANG)
    IS_ALIVE_SENTINEL = "is_alive sentinel"  # forkserver: is_alive() -> poll() read the code from the sentinel
    ADOPTED_CHILD = "adopted child"  # an adopted grandchild, waitpid(pid, 0) by proctui
    ADOPTED_ZOMBIE = "adopted zombie"  # a zombie handed to proctui as subreaper, waitpid(pid, WNOHANG)
    SCRIPT = "script"  # the script process of proctui run, proctui's own child: waitpid(pid, 0) by proctui


class Reaped(LabEvent):
    """proctui reaped one of its processes: its PID is gone."""

    tone: ClassVar[Tone] = Tone.REAPED
    call: ReapCall
    status: int | None  # None where the status never reached proctui (forkserver)
    exitcode: int | None
    syscall: str | None = None  # the stepped join's call, as the stepper saw it


class ReapedVia(enum.Enum):
    """The multiprocessing call a process of the script reaped a child in, read from its
    Python stack at the wait (script/host_reaper.py): the outermost of these on the way."""

    JOIN = "join"  # Process.join() -> Popen.wait() -> poll() -> os.waitpid(pid, 0)
    IS_ALIVE = "is_alive"  # Process.is_alive() -> poll() -> os.waitpid(pid, WNOHANG)
    START = "start"  # Process.start() -> process._cleanup(): polls every child started before
    ACTIVE_CHILDREN = "active_children"  # multiprocessing.active_children() -> _cleanup()
    EXITCODE = "exitcode"  # the Process.exitcode property -> poll()
    CLOSE = "close"  # Process.close() -> poll()
    REPR = "repr"  # repr(process) -> poll()
    TERMINATE = "terminate"  # terminate() -> _send_signal() -> wait(0.1), when os.kill failed
    KILL = "kill"
    INTERRUPT = "interrupt"
    POOL_WORKER_HANDLER = "pool worker handler"  # Pool's handler thread: worker.exitcode, or a start()
    POOL_JOIN = "pool join"  # Pool.join() -> each worker's join()
    POOL_TERMINATE = "pool terminate"  # Pool.terminate() (or __exit__, or its finalizer) -> each worker's join()
    EXIT_HANDLER = "exit handler"  # multiprocessing's atexit handler: active_children(), join()
    FORK_SERVER = "fork server"  # the fork server's loop, os.waitpid(-1, WNOHANG), as each child exits


class ReapedByScript(LabEvent):
    """A process of the script reaped one of its children (pid, label): its own wait call
    (call: "os.waitpid", "os.waitid"...) returned the child's exit status, as the reaping
    process itself said, from inside (script/host_reaper.py). Only for a process proctui
    has a record of (one that said hello): a subprocess's reaping is not said."""

    tone: ClassVar[Tone] = Tone.REAPED
    reaper_pid: int
    reaper_label: str | None  # None: no record of it (the fork server)
    call: str
    status: int  # the raw wait status
    via: ReapedVia | None  # None: none of multiprocessing's calls (the script's own os.waitpid, say)
    through: str | None = None  # the outermost multiprocessing function on the way: "multiprocessing.process.join"
    # The script's line that led to it (its frame's file, line, function); None where there
    # is none: the fork server's loop, multiprocessing's exit handler, a pool's handler thread.
    file: str | None = None
    line: int | None = None
    function: str | None = None

    @property
    def exitcode(self) -> int:
        return os.waitstatus_to_exitcode(self.status)


class PoolReap(enum.Enum):
    HANDLER = "handler"  # the worker handler thread, after a worker exited by itself
    JOIN = "join"  # Pool.join()
    TERMINATE = "terminate"  # Pool.terminate()


class PoolWorkerReaped(LabEvent):
    """A pool reaped one of its workers (Pool reaps its own, not proctui)."""

    tone: ClassVar[Tone] = Tone.REAPED
    pool: str
    by: PoolReap
    exitcode: int | None
    start_method: str
    maxtasksperchild: int | None


class Adopter(enum.Enum):
    PROCTUI = "proctui"  # proctui, a child subreaper
    INIT = "init"  # PID 1
    SUBREAPER_ABOVE = "subreaper above"  # the nearest child subreaper above proctui


class Adopted(LabEvent):
    """The process lost its parent, and the kernel re-parented it (read from /proc)."""

    former_parent: int | None
    adopter_pid: int
    adopter: Adopter


# -- signals and waiting ----------------------------------------------------------------


class Disposition(enum.Enum):
    """What the receiver does with a signal, read from /proc/PID/status before sending."""

    DEFAULT = "default"
    CAUGHT = "caught"  # a handler of its own (SigCgt)
    IGNORED = "ignored"  # SIG_IGN (SigIgn)


class Emulated(enum.Enum):
    """Why proctui sent the signal of a Process method (interrupt()) through its own pidfd
    instead of calling the method, which sends it with os.kill(pid)."""

    NO_METHOD = "no method"  # this Python's Process has no such method (interrupt() is new in 3.14)
    FORK_SERVER_REAPS = "fork server reaps"  # forkserver: the fork server reaps the child when it ends
    JOIN_UNDER_WAY = "join under way"  # a join of the child is under way: it reaps the child when it ends


class Signalled(LabEvent):
    """proctui sent a signal to the process, through a pidfd on that very process (or,
    with called, through the Process method itself)."""

    tone: ClassVar[Tone] = Tone.SIGNALLED
    signal: int
    # The Process method the signal is ("terminate", "kill", "interrupt"); None: no Process object.
    method: str | None = None
    was_zombie: bool = False
    disposition: Disposition = Disposition.DEFAULT
    # True: proctui called the method itself (p.interrupt(), 3.14+): multiprocessing's os.kill(pid).
    called: bool = False
    # Why the method was not called, where proctui sent its signal in its place.
    emulated: Emulated | None = None


class JoinBlocks(LabEvent):
    """join() on a running child: its waitpid(pid, 0) waits until the child ends."""

    tone: ClassVar[Tone] = Tone.JOINING
    #: What the child does with SIGTERM (/proc/PID/status, when the join began): whether t can end it.
    sigterm: Disposition = Disposition.DEFAULT


class JoinStepped(LabEvent):
    """The real join(timeout) runs in the code viewer, one line a step."""

    tone: ClassVar[Tone] = Tone.JOINING
    timeout: float | None
    started: bool = True  # False: a Process created but never started (the article's assert)


class JoinReturned(LabEvent):
    """A join(timeout) returned before the child was reaped: why, from the kernel."""

    timeout: float | None
    child_state: str | None = None  # the state letter in /proc when join returned (None: gone)
    sentinel_writers: tuple[int, ...] = ()  # processes holding the write end of its sentinel pipe


class StillAlive(LabEvent):
    """is_alive() found the child running: with waitpid(WNOHANG) under fork and spawn; by
    waiting 0 s on its sentinel under forkserver, whose poll() calls no waitpid."""

    on_sentinel: bool = False


class CowMemory(LabEvent):
    """proctui read ``/proc/PID/smaps_rollup`` of a copy-on-write child (kB, the kernel's
    sums): once before the child wrote (was_* None), and once after it wrote, with what
    proctui's own copies of the globals hold then."""

    written: bool
    shared: int  # Shared_Clean + Shared_Dirty: pages proctui still maps too
    private_dirty: int  # pages the child wrote after the fork: copies of its own
    pss: int
    list_kb: int  # the size of proctui's cow_list's pointers, in kB
    was_shared: int | None = None
    was_private_dirty: int | None = None
    was_pss: int | None = None
    parent_writer: str | None = None  # proctui's own cow_writer, read after the child wrote
    parent_sum: int | None = None  # sum(cow_list) in proctui, read after the child wrote

    @property
    def copied(self) -> int | None:
        """How many kB of private pages the write added: what the kernel copied."""
        return None if self.was_private_dirty is None else self.private_dirty - self.was_private_dirty


class WhereBlocked(LabEvent):
    """Where each thread of a process waits, read from ``/proc/PID/task/TID/stat`` and
    ``wchan``: (tid, state letter, kernel function), the main thread (tid == pid) first."""

    threads: tuple[tuple[int, str, str], ...]
    pipe_size: int | None = None  # the queue's pipe's capacity in bytes (F_GETPIPE_SZ)

    @property
    def feeder_blocked(self) -> bool:
        """Another thread than the main one sleeps in the kernel's pipe write: the queue's
        feeder thread, writing into a full pipe."""
        return any(tid != self.pid and state == "S" and "pipe" in wchan for tid, state, wchan in self.threads)


class QueueGot(LabEvent):
    """proctui called get() on the queue a lab child put its object on."""

    size: int  # bytes received


# -- pools -------------------------------------------------------------------------------


class PoolCreated(LabEvent):
    processes: int
    maxtasksperchild: int | None
    start_method: str


class PoolWorkerStarted(LabEvent):
    tone: ClassVar[Tone] = Tone.STARTED
    pool: str
    start_method: str
    by_handler: bool  # the worker handler thread started it (else Pool() itself)
    processes: int
    replaces: str | None = None  # "pool-1 worker 1 (PID 4240)"


class PoolMapped(LabEvent):
    tasks: int
    processes: int
    seconds: float


class PoolTaskDone(LabEvent):
    """One task's result; pid and label name the worker that ran it."""

    tone: ClassVar[Tone] = Tone.OUTPUT
    pool: str
    x: int
    square: int


class PoolClosing(LabEvent):
    pass


class PoolTerminating(LabEvent):
    pass


class PoolMapsDropped(LabEvent):
    unfinished: int


class PoolMapFailed(LabEvent):
    tone: ClassVar[Tone] = Tone.ERROR
    error: str


class PoolHangs(LabEvent):
    """terminate() did not finish: a worker died holding the task queue's lock."""

    tone: ClassVar[Tone] = Tone.ERROR


# -- the lab's own settings ---------------------------------------------------------------


class StartMethodChosen(LabEvent):
    """Children started from now on use this start method."""

    start_method: str


class SubreaperSet(LabEvent):
    """prctl(PR_SET_CHILD_SUBREAPER, on): whether orphans below proctui come to proctui."""

    on: bool


class HiddenReapingUnguarded(LabEvent):
    """This Python's multiprocessing has no ``process._children`` set (a release newer
    than proctui knows): proctui cannot keep other starts from reaping its zombies."""

    tone: ClassVar[Tone] = Tone.ERROR


class OrphanLeavesTheTree(LabEvent):
    """An orphan is about to be made while proctui is no subreaper: the kernel will hand
    the grandchild to PID 1 or a subreaper above proctui."""


# -- things that went wrong --------------------------------------------------------------


class WatchFailed(LabEvent):
    tone: ClassVar[Tone] = Tone.ERROR
    error: str


class Refusal(enum.Enum):
    """Why proctui did not do what was asked. Nothing was done in each case."""

    UNKNOWN_START_METHOD = "unknown start method"
    EXIT_CODE_RANGE = "exit code range"
    NOT_MAIN_THREAD = "not main thread"
    FORK_FAILED = "fork failed"
    LAB_CLOSED = "lab closed"
    TOO_MANY = "too many"
    NO_GRANDCHILD_REPORT = "no grandchild report"
    ZOMBIE_CANNOT_STOP = "zombie cannot stop"
    NO_PROCESS_OBJECT = "no process object"
    NOT_PROCTUIS_CHILD = "not proctui's child"
    PID_REUSED = "pid reused"
    ALREADY_REAPED = "already reaped"
    JOIN_WAITING = "join waiting"
    INIT = "init"
    PROCTUI_ITSELF = "proctui itself"
    OTHER_USER = "other user"
    NOTHING_SELECTED = "nothing selected"
    NOT_A_LAB_PROCESS = "not a lab process"
    POOL_WORKER = "pool worker"
    POOL_NEEDS_A_WORKER = "pool needs a worker"
    POOL_BAD_MAXTASKS = "pool bad maxtasksperchild"
    POOL_FAILED = "pool failed"
    POOL_CLOSED = "pool closed"
    POOL_JOIN_WAITING = "pool join waiting"
    NO_POOL = "no pool"
    ALREADY_STEPPING = "already stepping"
    NO_STEPPED_CHILD = "no stepped child"
    SUBREAPER_FAILED = "subreaper failed"
    SCRIPT_MISSING = "script missing"
    SCRIPT_IS_DIRECTORY = "script is a directory"
    SCRIPT_NOT_PYTHON = "script not python"
    SCRIPT_SYNTAX = "script syntax"
    SCRIPT_RUNNING = "script running"
    SCRIPT_FORKS_TOO_MANY = "script forks too many"
    PYTHON_NOT_ON_PATH = "python not on PATH"  # proctui run --python NAME: no such program on PATH
    PYTHON_MISSING = "python missing"  # --python PATH: no such file
    PYTHON_IS_DIRECTORY = "python is a directory"
    PYTHON_NOT_EXECUTABLE = "python not executable"
    PYTHON_NOT_PYTHON = "python not python"  # it did not answer as a Python does
    PYTHON_NOT_CPYTHON = "python not CPython"  # PyPy, say
    PYTHON_VERSION = "python version"  # a CPython outside the versions a script may run under
    CANNOT_STEP = "cannot step"
    COW_NEEDS_FORK = "copy-on-write needs fork"
    NO_COW_CHILD = "no copy-on-write child"
    CHILD_SILENT = "child silent"
    NO_QUEUE = "no queue"
    QUEUE_EMPTY = "queue empty"


class Refused(LabEvent):
    """An operation proctui refused, or that the system failed; the fields hold the facts
    a sentence about it needs."""

    tone: ClassVar[Tone] = Tone.ERROR
    reason: Refusal
    verb: str | None = None  # what the user asked for: "terminate", "join", ...
    value: str | None = None  # the value refused (a start method, an exit code)
    count: int | None = None  # how many there are, or were asked for
    limit: int | None = None
    error: str | None = None  # the system's own words (strerror)
    other_pid: int | None = None  # a process's parent
    uid: int | None = None  # a process's owner
    line: int | None = None  # a script's syntax error: where, and the line's text
    column: int | None = None
    text: str | None = None  # ... or what a program asked for its version answered
    program: str | None = None  # the file a --python PYTHON stands for (looked up on PATH, made absolute)
    version: str | None = None  # what that Python said it is: "2.7.18"; "PyPy 3.10.14" if it is no CPython
    exitcode: int | None = None  # how that program ended

