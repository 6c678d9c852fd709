"""The Lab: the one place in proctui that starts, signals and reaps processes.

Every process the Lab starts is a real ``multiprocessing.Process`` of an explicit
context. The Lab's job is as much about what it must *not* do: anything that reaps a
finished child makes a zombie vanish behind the user's back. multiprocessing reaps
in ``is_alive()``, ``.exitcode``, ``repr(process)``, ``active_children()``, ``join()``,
``close()``, and in ``start()`` of *any* other Process, which calls
``process._cleanup()`` to poll every child in ``multiprocessing.process._children``.
So:

* the Lab's children never enter ``_children`` (see ``_ChildrenButTheLab``): no later
  ``start()`` or ``active_children()`` polls them; only an explicit join reaps them;
* exits are noticed through a pidfd, which says "exited" without reaping;
* a child's fate is read with ``waitid(WNOWAIT)``, which leaves it waitable;
* a ``Process`` object is never printed: records have a ``repr`` of their own.

Which state a process is in (running, stopped, zombie) is never stored here: that is
the kernel's to say, through /proc (see ``procs``). A record keeps only what the kernel
forgets: the label, how it was started, and its exit code once it has been reaped.
"""

from __future__ import annotations

import contextlib
import enum
import itertools
import multiprocessing
import multiprocessing.process
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

from proctui.core import procs, workers
from proctui.core.linux import (
    PR_SET_CHILD_SUBREAPER,
    decode_status,
    prctl,
    describe_exitcode,
    peek_exit_status,
    pidfd_exits_within,
    signal_name,
)
from proctui.core.pool import LabPool, PoolError
from proctui.core.stepper import Step, Stepper
from proctui.core.watcher import ChildWatcher

START_METHODS = ("fork", "spawn", "forkserver")
DEFAULT_MAX_CHILDREN = 64


class LabError(Exception):
    """An operation the Lab refused or the system failed; the message is for the user."""


class EventKind(enum.Enum):
    STARTED = "started"
    OUTPUT = "output"
    EXITED = "exited"
    SIGNALLED = "signalled"
    JOINING = "joining"
    REAPED = "reaped"
    NOTE = "note"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class LabEvent:
    """Something that happened to a lab process, said at the system-call level."""

    kind: EventKind
    text: str
    pid: int | None = None
    label: str | None = None
    time: float = field(default_factory=time.time)


@dataclass(eq=False)
class LabProcess:
    """What the Lab remembers about one process it started."""

    label: str
    kind: str  # what it was started as: "child", "zombie", "orphan", "daemon", ...
    pid: int
    start_method: str
    started_at: float
    start_ticks: int  # from /proc/PID/stat: with pid, names this very process
    # Filled in by events, never guessed:
    exit_status: int | None = None  # raw wait status, read with waitid(WNOWAIT) at exit
    exited_at: float | None = None
    exitcode: int | None = None  # multiprocessing's exitcode, once join() has reaped it
    reaped_at: float | None = None
    # Never render this object: repr(Process) calls poll(), which reaps. None for a
    # grandchild: its Process object lives (or lived) in its parent, not in proctui.
    process: multiprocessing.process.BaseProcess | None = field(repr=False, default=None)
    former_parent: int | None = None  # a grandchild's parent, the process that started it
    adopted_by: int | None = None  # who the kernel re-parented an orphaned grandchild to
    exit_handled: bool = False  # the watcher has seen it exit (set under Lab._family_lock)
    reaped: threading.Event = field(repr=False, default_factory=threading.Event)
    # Held by whoever is reaping this process (a join, or shutdown), so two threads
    # never wait for the same child: the loser's waitpid() would fail with ECHILD.
    reap_lock: threading.Lock = field(repr=False, default_factory=threading.Lock)
    # Held while signalling this process and while reaping it, so a signal can never
    # land on a reaped PID that the kernel has handed to someone else. Reaping takes it
    # only once the child is already a zombie, so it is never held for long.
    signal_lock: threading.Lock = field(repr=False, default_factory=threading.Lock)

    @property
    def exit_text(self) -> str | None:
        """The exit code to show: from join() once reaped, else from the peeked status."""
        if self.exitcode is not None:
            return describe_exitcode(self.exitcode)
        if self.exit_status is not None:
            return describe_exitcode(os.waitstatus_to_exitcode(self.exit_status))
        return None

    def __repr__(self) -> str:
        return f"<LabProcess {self.label} pid={self.pid} {self.start_method}>"


Listener = Callable[[LabEvent], None]


@contextlib.contextmanager
def _stderr_with_a_fileno():
    """Give sys.stderr a real file descriptor while a process starts.

    spawn and forkserver start multiprocessing's resource tracker with
    ``sys.stderr.fileno()`` among the descriptors it keeps; under a running Textual app
    sys.stderr is a print capture whose fileno() is -1, and the start fails with
    "bad value(s) in fds_to_keep". /dev/null serves: the descriptor is only kept open.
    """
    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    if usable:
        yield
        return
    saved = sys.stderr
    with open(os.devnull, "w") as devnull:
        sys.stderr = devnull
        try:
            yield
        finally:
            sys.stderr = saved


class _ChildrenButTheLab(set):
    """``multiprocessing.process._children``, which never takes in a Lab child.

    ``start()`` adds each new Process to that set, and every later ``start()``, in any
    thread, polls (so reaps) all of them. Taking a Lab child out right after its start()
    is not enough: a Pool's worker handler thread starts replacement workers whenever it
    likes, and a child that exits at once (a zombie, an orphan's parent) could be reaped
    by it in between.
    """

    def add(self, process) -> None:
        if not getattr(process, "_proctui_lab_child", False):
            super().add(process)


def _keep_lab_children_out_of_multiprocessing() -> None:
    if not isinstance(multiprocessing.process._children, _ChildrenButTheLab):
        multiprocessing.process._children = _ChildrenButTheLab(multiprocessing.process._children)


def _no_longer(record: LabProcess) -> str:
    return f"PID {record.pid} is no longer {record.label}: nothing sent"


class Lab:
    def __init__(
        self, start_method: str = "fork", max_children: int = DEFAULT_MAX_CHILDREN, subreaper: bool = True
    ) -> None:
        if start_method not in START_METHODS:
            raise LabError(f"unknown start method {start_method!r}: choose one of {', '.join(START_METHODS)}")
        self.start_method = start_method
        self.max_children = max_children
        self.pid = os.getpid()
        self._records: dict[int, LabProcess] = {}
        self._counters: dict[str, itertools.count] = {}
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self._watcher = ChildWatcher(
            on_error=lambda exc: self._emit(EventKind.ERROR, f"internal error while watching children: {exc!r}")
        )
        self._warned_threaded_fork = False
        self._steppers: dict[int, Stepper] = {}  # joins being stepped through, by PID
        self._pools: list[LabPool] = []
        self._closed = False
        _keep_lab_children_out_of_multiprocessing()
        # Held from a child's start() until its record exists, and while adopted zombies
        # are reaped: a child that exits at once (an orphan's parent) must not be taken for
        # an adopted stranger in between.
        self._start_lock = threading.Lock()
        # shutdown() may be called from the UI, from main()'s finally and from the
        # watchdog of a signal at once: the first does the work, the others wait for it.
        self._shutdown_lock = threading.Lock()
        # An orphan's parent may exit (and the watcher handle it) before the main thread
        # has recorded the grandchild it named. Under this lock one of the two, never
        # both nor neither, reports the adoption: see _record_grandchild and _on_exit.
        self._family_lock = threading.Lock()
        self.subreaper = False
        if subreaper:
            self.set_subreaper(True)

    def set_subreaper(self, on: bool) -> None:
        """Make proctui a child subreaper (or not): orphaned descendants come to it, not
        to PID 1 or another subreaper further up."""
        prctl(PR_SET_CHILD_SUBREAPER, 1 if on else 0)
        self.subreaper = on

    def cycle_start_method(self) -> str:
        """fork -> spawn -> forkserver -> fork, for children started from now on."""
        self.start_method = START_METHODS[(START_METHODS.index(self.start_method) + 1) % len(START_METHODS)]
        return self.start_method

    # -- observers -------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        """listener(event) is called for every event, from whichever thread caused it."""
        self._listeners.append(listener)

    def _emit(self, kind: EventKind, text: str, record: LabProcess | None = None) -> None:
        self._emit_about(kind, text, record.pid if record else None, record.label if record else None)

    def _emit_about(self, kind: EventKind, text: str, pid: int | None, label: str | None) -> None:
        event = LabEvent(kind, text, pid, label)
        for listener in list(self._listeners):
            listener(event)

    # -- records ---------------------------------------------------------------------

    def get(self, pid: int) -> LabProcess | None:
        """The lab record for this PID, if it is a lab process not yet reaped."""
        record = self._records.get(pid)
        if record is None or record.reaped.is_set():
            return None
        return record

    @property
    def processes(self) -> list[LabProcess]:
        """Lab processes not yet reaped, oldest first."""
        # list() first: a copy taken in one step, so any thread may ask while another forks.
        return [r for r in list(self._records.values()) if not r.reaped.is_set()]

    @property
    def history(self) -> list[LabProcess]:
        """Every process the Lab started, reaped ones included."""
        return list(self._records.values())

    def _next_number(self, kind: str) -> int:
        return next(self._counters.setdefault(kind, itertools.count(1)))

    def _next_label(self, kind: str) -> str:
        return f"{kind}-{self._next_number(kind)}"

    # -- starting --------------------------------------------------------------------

    def fork_child(self) -> LabProcess:
        """Start a child that prints its PID and PPID, then sleeps until it is ended."""
        label = self._next_label("child")
        return self._start("child", label, workers.sleeper, ())

    def leave_zombie(self, exit_code: int = 0) -> LabProcess:
        """Start a child that exits at once with exit_code; it stays a zombie until joined."""
        if not 0 <= exit_code <= 255:
            raise LabError(f"exit code must be 0..255, not {exit_code}")
        label = self._next_label("zombie")
        return self._start("zombie", label, workers.exit_at_once, (exit_code,))

    def make_orphan(self) -> tuple[LabProcess, LabProcess]:
        """A child starts a grandchild and leaves with os._exit(): the grandchild is orphaned.

        With proctui a child subreaper, the kernel re-parents the grandchild to proctui,
        which then has to reap it itself (multiprocessing never heard of it).
        """
        number = self._next_number("orphan")
        parent, grandchild = self._start_with_grandchild(
            "orphan", f"orphan-{number} (parent)", workers.orphan_parent,
            "grandchild", f"orphan-{number} (grandchild)", (),
        )
        return parent, grandchild

    def start_daemon(self) -> LabProcess:
        """A daemon=True child of proctui; it tries, and fails, to start a child of its own."""
        return self._start("daemon", self._next_label("daemon"), workers.daemon_child, daemon=True)

    def daemon_dies_with_parent(self, linger: float = 3.0) -> tuple[LabProcess, LabProcess]:
        """A normal child with a daemon child, which returns after linger seconds: its
        exit handler terminates the daemon."""
        number = self._next_number("daemon")
        return self._start_with_grandchild(
            "daemon parent", f"daemon-{number} (parent)", workers.daemon_parent,
            "daemon", f"daemon-{number} (daemon)", (linger,),
        )

    def start_pool(self, processes: int = 2, maxtasksperchild: int | None = 2, tasks: int = 6) -> LabPool:
        """A multiprocessing.Pool of our own start method, mapping ``tasks`` tasks."""
        self._check_room(processes)
        label = self._next_label("pool")
        try:
            with _stderr_with_a_fileno():
                pool = LabPool(label, self.start_method, self._pool_event, processes, maxtasksperchild)
        except PoolError as exc:
            raise LabError(str(exc)) from exc
        self._pools.append(pool)
        pool.map(tasks)
        return pool

    def _pool_event(self, kind: str, text: str, pid: int | None = None, label: str | None = None) -> None:
        self._emit_about(EventKind(kind), text, pid, label)

    @property
    def pools(self) -> list[LabPool]:
        """Pools not yet closed and joined or terminated, oldest first."""
        return [pool for pool in self._pools if not pool.closed]

    def pool_workers(self) -> dict[int, str]:
        """PID -> label of every current pool worker."""
        found: dict[int, str] = {}
        for pool in self.pools:
            found.update(pool.workers())
        return found

    def start_raising_child(self) -> LabProcess:
        """A child whose target raises: its traceback reaches the log, exit code 1."""
        return self._start("raises", self._next_label("raises"), workers.raise_error)

    def start_exiting_with_message(self) -> LabProcess:
        """A child that calls sys.exit("message"): the message reaches the log, exit code 1."""
        return self._start("exits", self._next_label("exits"), workers.exit_with_message)

    def _start_with_grandchild(self, kind: str, label: str, target, grandchild_kind: str, grandchild_label: str,
                               extra_args: tuple) -> tuple[LabProcess, LabProcess]:
        """Start a child that starts a grandchild and tells us its PID through a pipe."""
        grandchild_read, grandchild_write = os.pipe()
        report_read, report_write = multiprocessing.get_context(self.start_method).Pipe(duplex=False)
        try:
            parent = self._start(
                kind, label, target,
                (grandchild_label, workers.ChildOutput(grandchild_write), report_write, *extra_args),
            )
        except LabError:
            os.close(grandchild_read)
            raise
        finally:
            os.close(grandchild_write)
            report_write.close()
        with report_read:
            if not report_read.poll(30):
                os.close(grandchild_read)
                raise LabError(f"{label} (PID {parent.pid}) never said which grandchild it started")
            grandchild_pid = report_read.recv()
        grandchild = self._record_grandchild(parent, grandchild_label, grandchild_kind, grandchild_pid)
        self._watch(grandchild, grandchild_read)
        return parent, grandchild

    def _record_grandchild(self, parent: LabProcess, label: str, kind: str, pid: int) -> LabProcess:
        with self._family_lock:
            grandchild = self._record(label, kind, pid, former_parent=parent.pid)
            parent_gone = parent.exit_handled
        self._emit(
            EventKind.STARTED,
            f"{parent.label} forked grandchild {pid} ({label}); proctui has no Process object for it",
            grandchild,
        )
        if parent_gone:
            # The watcher handled the parent's exit before this record existed, so it
            # could not report the adoption: we do.
            self._report_adoption(grandchild)
        return grandchild

    def _start(self, kind: str, label: str, target, extra_args: tuple = (), daemon: bool = False) -> LabProcess:
        if threading.current_thread() is not threading.main_thread():
            # PR_SET_PDEATHSIG fires when the forking *thread* ends, so a child forked
            # from a short-lived worker thread would be killed as soon as it returns.
            raise LabError("lab processes are started from the main thread only")
        self._check_room(1)
        ctx = multiprocessing.get_context(self.start_method)
        read_fd, write_fd = os.pipe()
        process = ctx.Process(
            target=target, args=(label, workers.ChildOutput(write_fd), *extra_args), name=label, daemon=daemon
        )
        process._proctui_lab_child = True  # never polled by another start(): see _ChildrenButTheLab
        with self._start_lock:
            try:
                with warnings.catch_warnings(record=True) as caught, _stderr_with_a_fileno():
                    warnings.simplefilter("always", DeprecationWarning)
                    process.start()
            except OSError as exc:
                os.close(read_fd)
                syscall = "fork()" if self.start_method == "fork" else f"start() ({self.start_method})"
                raise LabError(f"{syscall} failed: {exc.strerror or exc}: the system refused a new process") from exc
            finally:
                # The child has its own copy now (or none was made): ours would keep the pipe
                # open after the child is gone.
                os.close(write_fd)
            # It is the user's to reap: no later start() (its _cleanup()) or active_children()
            # may poll it. (It never got into _children; this is in case someone replaced the set.)
            multiprocessing.process._children.discard(process)
            assert process.pid is not None
            record = self._record(label, kind, process.pid, process=process)
        self._report_fork_warning(caught)
        call = "fork()" if self.start_method == "fork" else f"{self.start_method}: fork() + exec()"
        if self.start_method == "forkserver":
            call = "forkserver: the fork server forks"
        daemonic = ", daemon=True" if daemon else ""
        self._emit(EventKind.STARTED, f"{label}.start() -> {call} -> child {process.pid} ({kind}{daemonic})", record)
        self._watch(record, read_fd)
        return record

    def _check_room(self, wanted: int) -> None:
        if self._closed:
            raise LabError("the lab is shut down")
        live = len(self.processes) + sum(pool.processes for pool in self.pools)
        if live + wanted > self.max_children:
            raise LabError(
                f"{live} lab processes already (the limit is {self.max_children}): not starting {wanted} more"
            )

    def _record(self, label: str, kind: str, pid: int, **extra) -> LabProcess:
        info = procs.read_proc(pid)
        record = LabProcess(
            label=label,
            kind=kind,
            pid=pid,
            start_method=self.start_method,
            started_at=time.time(),
            start_ticks=info.start_ticks if info else -1,
            **extra,
        )
        with self._lock:
            self._records[pid] = record
        return record

    def _watch(self, record: LabProcess, output_fd: int) -> None:
        """Log record's output, and notice its exit the moment it happens."""
        self._watcher.watch_output(output_fd, lambda line, r=record: self._on_output(r, line))
        try:
            pidfd = os.pidfd_open(record.pid)
        except ProcessLookupError:
            return
        self._watcher.watch_exit(pidfd, lambda r=record: self._on_exit(r), output_fd=output_fd)

    def _report_fork_warning(self, caught: list[warnings.WarningMessage]) -> None:
        for warning in caught:
            if "fork" in str(warning.message) and not self._warned_threaded_fork:
                self._warned_threaded_fork = True
                self._emit(
                    EventKind.NOTE,
                    f"Python warns: {warning.message} proctui's children only print, sleep "
                    "and exit, which is safe in a child of a threaded process.",
                )

    # -- events from the watcher thread ------------------------------------------------

    def _on_output(self, record: LabProcess, line: str) -> None:
        self._emit(EventKind.OUTPUT, f"[{record.pid}] {line}", record)

    def _on_exit(self, record: LabProcess) -> None:
        with self._family_lock:
            record.exit_handled = True
            orphans = self._grandchildren_of(record)
        for orphan in orphans:
            self._report_adoption(orphan)
        try:
            self._on_lab_process_exit(record)
        finally:
            self._reap_adopted_zombies()

    def _on_lab_process_exit(self, record: LabProcess) -> None:
        if record.process is None:
            self._on_grandchild_exit(record)
            return
        status = peek_exit_status(record.pid)
        if status is None:
            if record.start_method == "forkserver" and not record.reaped.is_set():
                # Not our child: its parent, the fork server, has reaped it already.
                record.exited_at = time.time()
                self._emit(
                    EventKind.EXITED,
                    f"child {record.pid} ({record.label}) exited; its parent is the fork server, which "
                    "reaps it at once (no zombie). join() reads its exit code from the sentinel.",
                    record,
                )
            return  # otherwise a join() reaped it first, and reports the status itself
        record.exit_status = status
        record.exited_at = time.time()
        code = describe_exitcode(os.waitstatus_to_exitcode(status))
        self._emit(
            EventKind.EXITED,
            f"child {record.pid} ({record.label}) exited, status {status:#06x} "
            f"({decode_status(status)}) -> exitcode {code}; it stays a zombie until waitpid({record.pid})",
            record,
        )

    def _reap_adopted_zombies(self) -> None:
        """Reap the zombies that the kernel handed to proctui as a subreaper.

        A grandchild that died before its parent is re-parented to us as a zombie when
        the parent dies without reaping it (killed, or os._exit). multiprocessing knows
        nothing of it, so if we did not reap it, nobody would. Zombies that multiprocessing
        will reap (our own Process children, pool workers) are left alone, each waited for
        by its own PID: never waitpid(-1), which would steal their statuses.
        """
        if not self.subreaper:
            return
        with self._start_lock:
            self._reap_strangers()

    def _reap_strangers(self) -> None:
        ours = {r.pid for r in self.processes if r.process is not None}
        ours.update(self.pool_workers())
        for pid, info in procs.snapshot_system().procs.items():
            if info.ppid != self.pid or not info.is_zombie or pid in ours:
                continue
            try:
                _, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                continue
            record = self._records.get(pid)
            if record is not None and record.start_ticks != info.start_ticks:
                record = None  # an older lab process had this PID
            if record is not None:
                with record.signal_lock:
                    record.exit_status = status
                    record.exitcode = os.waitstatus_to_exitcode(status)
                    record.reaped_at = time.time()
                    record.reaped.set()
            name = record.label if record is not None else f"PID {pid}"
            self._emit_about(
                EventKind.REAPED,
                f"waitpid({pid}, WNOHANG) -> ({pid}, {status:#06x}): proctui reaped {name}, a zombie it "
                "adopted as subreaper when its parent died without reaping it",
                pid,
                record.label if record else None,
            )

    def _grandchildren_of(self, record: LabProcess) -> list[LabProcess]:
        return [r for r in self.processes if r.former_parent == record.pid]

    def _report_adoption(self, orphan: LabProcess) -> None:
        """Its parent just exited: say who the kernel re-parented the grandchild to.

        The kernel re-parents a dying process's children before it notifies anyone of
        the death, so /proc already shows the adopter when the parent's exit is noticed.
        """
        info = procs.read_proc(orphan.pid)
        if info is None or info.start_ticks != orphan.start_ticks:
            return
        orphan.adopted_by = info.ppid
        if info.ppid == self.pid:
            who = "proctui, a child subreaper (prctl PR_SET_CHILD_SUBREAPER)"
        elif info.ppid == 1:
            who = "PID 1, init"
        else:
            who = "the nearest child subreaper above proctui"
        self._emit(
            EventKind.NOTE,
            f"{orphan.label} (PID {orphan.pid}) lost its parent {orphan.former_parent}: "
            f"the kernel re-parented it to PID {info.ppid}, {who}",
            orphan,
        )

    def _on_grandchild_exit(self, record: LabProcess) -> None:
        """A grandchild ended. If the kernel made it ours (adoption), reap it now:
        multiprocessing never heard of it, so nobody else will."""
        status = peek_exit_status(record.pid)
        if status is not None:
            with record.signal_lock:
                os.waitpid(record.pid, 0)
                record.exit_status = status
                record.exitcode = os.waitstatus_to_exitcode(status)
                record.exited_at = record.reaped_at = time.time()
                record.reaped.set()
            self._emit(
                EventKind.REAPED,
                f"{record.label} exited; proctui adopted it, so proctui reaps it: waitpid({record.pid}, 0) -> "
                f"({record.pid}, {status:#06x}) -> exitcode {describe_exitcode(record.exitcode)}",
                record,
            )
            return
        # Someone else's child (its first parent, or another adopter): they reap it.
        with record.signal_lock:
            record.exited_at = record.reaped_at = time.time()
            record.reaped.set()
        if record.kind == "daemon":
            why = (f"its parent {record.former_parent} is exiting: multiprocessing's exit handler "
                   "terminate()s and joins every daemonic child")
        else:
            why = f"its parent PID {record.adopted_by or record.former_parent} reaps it"
        self._emit(EventKind.EXITED, f"{record.label} (PID {record.pid}) ended; {why}", record)

    # -- signals ---------------------------------------------------------------------

    def terminate(self, record: LabProcess) -> None:
        """Process.terminate(): SIGTERM."""
        self._signal(record, "terminate", signal.SIGTERM)

    def kill(self, record: LabProcess) -> None:
        """Process.kill(): SIGKILL."""
        self._signal(record, "kill", signal.SIGKILL)

    def _signal(self, record: LabProcess, method: str, signum: int) -> None:
        with record.signal_lock:
            info = self._send(record, signum)
            # Process.terminate() / kill() would call kill(pid, sig); _send sends the
            # same signal through a pidfd instead, and the log says so.
            text = f"kill({record.pid}, {signal_name(signum)}) -> {record.label}"
            if record.process is not None:
                text = f"{record.label}.{method}() is " + text
            text += " (sent through a pidfd: only this very process can get it)"
        if info is not None and info.is_zombie:
            text += f": {record.pid} is a zombie; a dead process cannot be signalled, only reaped"
        self._emit(EventKind.SIGNALLED, text, record)
        if info is not None and not info.is_zombie:
            # The child dies when the kernel next runs it, usually within a millisecond.
            # Waiting a little for that (after the event, so the log keeps cause before
            # effect) lets the snapshot the event asks for show the zombie already: one
            # frame, not two.
            self._await(record.pid, lambda info: info.is_zombie, timeout=0.02)

    def stop_or_continue(self, record: LabProcess) -> None:
        """SIGSTOP a running process, SIGCONT a stopped one (the kernel's T state)."""
        with record.signal_lock:
            info = self._check_same_process(record)
            if info.is_zombie:
                raise LabError(f"{record.label} (PID {record.pid}) is a zombie: it cannot stop or continue")
            signum = signal.SIGCONT if info.state in "Tt" else signal.SIGSTOP
            self._send(record, signum)
            # kill() returns once the signal is pending; the child stops (or runs on) when
            # the kernel next deals with it, usually within a millisecond. Wait for that,
            # briefly, so that the snapshot this event asks for shows the new state.
            stopping = signum == signal.SIGSTOP
            self._await(record.pid, lambda info: info.is_zombie or (info.state in "Tt") == stopping, timeout=0.05)
        effect = "it runs again" if signum == signal.SIGCONT else "the kernel stops it (T) until SIGCONT"
        self._emit(EventKind.SIGNALLED, f"kill({record.pid}, {signal_name(signum)}) -> {record.label}: {effect}",
                   record)

    @staticmethod
    def _await(pid: int, done: Callable[[procs.ProcInfo], bool], timeout: float) -> None:
        """Until the kernel shows pid done (or gone), for at most timeout seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            info = procs.read_proc(pid, owner=False)
            if info is None or done(info):
                return
            time.sleep(0.0005)

    def is_alive(self, record: LabProcess) -> bool:
        """Process.is_alive(), which polls with waitpid(WNOHANG): on a zombie, that reaps it."""
        if record.process is None:
            raise LabError(f"{record.label} has no Process object in proctui: is_alive() is its parent's to call")
        with record.signal_lock:
            self._check_same_process(record)
            status = peek_exit_status(record.pid)
            alive = record.process.is_alive()
            if not alive:
                self._mark_reaped(record)
        call = f"{record.label}.is_alive() -> poll() -> waitpid({record.pid}, WNOHANG)"
        if alive:
            self._emit(EventKind.NOTE, f"{call} -> (0, 0) -> True: still running, nothing reaped", record)
        else:
            shown = f"{status:#06x}" if status is not None else "?"
            self._emit(
                EventKind.REAPED,
                f"{call} -> ({record.pid}, {shown}) -> False. is_alive() just reaped it: exitcode "
                f"{describe_exitcode(record.exitcode)}, and PID {record.pid} is gone",
                record,
            )
        return alive

    @staticmethod
    def _check_joinable(record: LabProcess) -> None:
        if record.process is None:
            raise LabError(
                f"{record.label} (PID {record.pid}) was started by PID {record.former_parent}, not by proctui: "
                "only its parent can join() it. If proctui adopts it, proctui reaps it when it exits."
            )

    def _check_same_process(self, record: LabProcess) -> procs.ProcInfo:
        """Refuse unless record.pid still names the very process we started; its /proc view."""
        self._check_not_reaped(record)
        info = procs.read_proc(record.pid)
        if info is None or info.start_ticks != record.start_ticks:
            raise LabError(_no_longer(record))
        self._refuse_foreign(info)
        return info

    def _check_not_reaped(self, record: LabProcess) -> None:
        if record.reaped.is_set() or self._records.get(record.pid) is not record:
            raise LabError(f"{record.label} (PID {record.pid}) has already been reaped: nothing sent")

    def _refuse_foreign(self, info: procs.ProcInfo) -> None:
        """Never, whatever a record says: proctui itself, PID 1, another user's process."""
        if info.pid <= 1:
            raise LabError(f"PID {info.pid} is init: proctui never signals it. Nothing sent")
        if info.pid == self.pid:
            raise LabError(f"PID {info.pid} is proctui itself: it never signals itself. Nothing sent")
        if info.uid != os.geteuid():
            raise LabError(f"PID {info.pid} belongs to user {info.uid}, not to you: proctui never signals it. "
                           "Nothing sent")

    def _send(self, record: LabProcess, signum: int) -> procs.ProcInfo:
        """Send signum to the very process record names, or send nothing and raise LabError.

        Through a pidfd, opened *before* the identity check: if the check passes, the
        pidfd names the process that passed it, so a PID that is reaped and handed to
        another process in between cannot receive the signal. Call with signal_lock held.
        """
        self._check_not_reaped(record)
        opened = self._pidfd_if_same(record)
        if opened is None:
            raise LabError(_no_longer(record))
        pidfd, info = opened
        try:
            self._refuse_foreign(info)
            try:
                signal.pidfd_send_signal(pidfd, signum)
            except ProcessLookupError:
                raise LabError(_no_longer(record)) from None
            return info
        finally:
            os.close(pidfd)

    # -- reaping ---------------------------------------------------------------------

    def join(self, record: LabProcess) -> int:
        """Process.join(): wait for the child to exit, then reap it. Blocks; returns exitcode.

        Call it from a worker thread: with a running child it waits until the child ends.
        """
        self._check_joinable(record)
        if not record.reap_lock.acquire(blocking=False):
            raise LabError(f"a join of {record.label} (PID {record.pid}) is already waiting")
        try:
            if record.reaped.is_set():
                raise LabError(f"{record.label} (PID {record.pid}) has already been reaped")
            status = peek_exit_status(record.pid)
            if status is None:
                self._emit(
                    EventKind.JOINING,
                    f"{record.label}.join() -> waitpid({record.pid}, 0) blocks: "
                    f"the child is still running (end it with t or x)",
                    record,
                )
                opened = self._pidfd_if_same(record)  # never wait on a PID that may name another process
                if opened is not None:
                    try:
                        pidfd_exits_within(opened[0], None)
                    finally:
                        os.close(opened[0])
                status = peek_exit_status(record.pid)
            with record.signal_lock:
                record.process.join()  # multiprocessing's own waitpid() reaps it here
                exitcode = record.process.exitcode
                self._mark_reaped(record)
        finally:
            record.reap_lock.release()
        if status is not None:
            record.exit_status = status
        status_text = f"{status:#06x}" if status is not None else "?"
        self._emit(
            EventKind.REAPED,
            f"{record.label}.join() -> waitpid({record.pid}, 0) -> ({record.pid}, {status_text}) "
            f"-> exitcode {describe_exitcode(exitcode)}; PID {record.pid} is gone",
            record,
        )
        return exitcode  # type: ignore[return-value]

    @staticmethod
    def _start_ending_pool(pool: LabPool) -> threading.Thread:
        """pool.terminate() in a thread of its own, so that a hang cannot hold up shutdown.

        A worker killed from outside while it waited for a task dies holding the task
        queue's lock, and Pool.terminate() then blocks for ever on that lock.
        """

        def terminate() -> None:
            try:
                pool.terminate()
            except PoolError:
                pass  # closed meanwhile by a close_and_join() that just finished

        ender = threading.Thread(target=terminate, name=f"proctui-end-{pool.label}", daemon=True)
        ender.start()
        return ender

    def _finish_ending_pool(self, pool: LabPool, ender: threading.Thread, deadline: float) -> None:
        """If pool.terminate() has not finished by deadline, kill and reap its workers here
        and leave the pool behind."""
        ender.join(max(0.0, deadline - time.monotonic()))
        if not ender.is_alive():
            return
        self._emit_about(EventKind.ERROR, f"{pool.label}.terminate() hangs (a worker died holding the "
                         "task queue's lock): killing its workers", None, pool.label)
        # terminate() has told the worker handler to stop, but it may have started
        # replacements for the dead workers just before: look again until none is alive.
        for _ in range(50):
            killed = [pid for pid in pool.workers() if self._kill_pool_worker(pid)]
            if not killed:
                break
            time.sleep(0.01)

    def _kill_pool_worker(self, pid: int) -> bool:
        """SIGKILL a pool worker of ours, and reap it if it is our child (not the fork server's).

        The PID comes from the pool's list, which the worker handler thread may have just
        reaped it from: a pidfd, checked against /proc, makes sure that the process we
        signal is a live child of proctui or of our fork server, never a newcomer."""
        try:
            pidfd = os.pidfd_open(pid)
        except ProcessLookupError:
            return False
        try:
            info = procs.read_proc(pid)
            if info is None:
                return False
            if info.is_zombie:
                if info.ppid == self.pid:
                    self._reap_by_pidfd(pidfd)
                return False
            parent = procs.read_proc(info.ppid)
            if info.ppid != self.pid and (parent is None or parent.ppid != self.pid):
                return False
            try:
                self._refuse_foreign(info)
                signal.pidfd_send_signal(pidfd, signal.SIGKILL)
            except (LabError, ProcessLookupError):
                return False
            if info.ppid == self.pid:
                self._reap_by_pidfd(pidfd)
            return True
        finally:
            os.close(pidfd)

    @staticmethod
    def _reap_by_pidfd(pidfd: int) -> None:
        try:
            os.waitid(os.P_PIDFD, pidfd, os.WEXITED)  # reaps this very process, whatever its PID
        except ChildProcessError:
            pass  # the pool's worker handler reaped it first

    def _reap_for_shutdown(self, record: LabProcess, deadline: float) -> None:
        """Reap record's process by deadline, unless a join (plain or stepped) does it first."""
        if record.process is None:
            # A grandchild: the watcher reaps it if it is ours by adoption; else its parent does.
            while not record.reaped.wait(0.01) and time.monotonic() < deadline:
                info = procs.read_proc(record.pid)
                if info is None or info.start_ticks != record.start_ticks:
                    break
            return
        # A join holding the lock ends soon: our SIGTERM ends its child, or its timeout.
        if not record.reap_lock.acquire(timeout=max(0.0, deadline - time.monotonic())):
            record.reaped.wait(timeout=max(0.0, deadline - time.monotonic()))
            return
        try:
            if record.reaped.is_set():
                return
            # Wait through a pidfd on the very process we started, never on its bare PID:
            # a forkserver child is reaped by the fork server, and its PID may name another
            # process by now (even a child of ours, which waitid() would wait for).
            opened = self._pidfd_if_same(record)
            if opened is not None:
                try:
                    if not pidfd_exits_within(opened[0], max(0.0, deadline - time.monotonic())):
                        self._signal_unreaped(record, signal.SIGKILL)
                        pidfd_exits_within(opened[0], None)
                finally:
                    os.close(opened[0])
            with record.signal_lock:
                record.process.join()  # reaps a child of ours; a forkserver child's code comes from the server
                self._mark_reaped(record)
        finally:
            record.reap_lock.release()

    @staticmethod
    def _pidfd_if_same(record: LabProcess) -> tuple[int, procs.ProcInfo] | None:
        """A pidfd on record's process, and its /proc view, if its PID still names it (a
        zombie included), else None. The pidfd is opened *before* the check: if the check
        passes, the pidfd names the process that passed it, whatever happens to the PID."""
        try:
            pidfd = os.pidfd_open(record.pid)
        except ProcessLookupError:
            return None
        info = procs.read_proc(record.pid)
        if info is None or info.start_ticks != record.start_ticks:
            os.close(pidfd)
            return None
        return pidfd, info

    def _signal_unreaped(self, record: LabProcess, signum: int) -> None:
        """Signal a lab process not yet reaped, if it is still the one we started."""
        with record.signal_lock:
            if record.reaped.is_set():
                return
            try:
                self._send(record, signum)
            except LabError:
                pass  # gone, or its PID now names another process: nothing to end

    def _mark_reaped(self, record: LabProcess) -> None:
        """After multiprocessing's join() has reaped record's process."""
        record.exitcode = record.process.exitcode
        try:
            record.process.close()  # frees the sentinel; exitcode stays known to us
        except ValueError:
            pass  # someone else reaped it (join() found no child): multiprocessing thinks it runs
        record.reaped_at = time.time()
        record.reaped.set()

    # -- stepping through join() ------------------------------------------------------------

    def step_join(
        self, record: LabProcess, timeout: float | None = None, on_step: Callable[[Step], None] | None = None
    ) -> Stepper:
        """Start the real ``process.join(timeout)`` under the stepper, paused at its first line.

        The stepper's own ``os.waitpid`` reaps the child, at the step the user takes; the
        record learns of it from that step. ``on_step`` is called from the joining thread.
        """
        self._check_joinable(record)
        if not record.reap_lock.acquire(blocking=False):
            raise LabError(f"a join of {record.label} (PID {record.pid}) is already waiting")
        if record.reaped.is_set():
            record.reap_lock.release()
            raise LabError(f"{record.label} (PID {record.pid}) has already been reaped")

        def stepped(step: Step) -> None:
            if step.kind == "return" and step.status is not None and stepper.reaped_status is not None:
                self._stepped_join_reaped(record, step.call or "os.waitpid()", stepper.reaped_status)
            if step.kind in ("done", "exception"):
                self._finish_stepped_join(record, stepper)
            if on_step is not None:
                on_step(step)

        stepper = Stepper(record.process, on_step=stepped)
        self._steppers[record.pid] = stepper
        call = f"{record.label}.join({'' if timeout is None else timeout})"
        self._emit(EventKind.JOINING, f"{call}: stepping through join() in the code viewer", record)
        try:
            stepper.start(timeout)
        except BaseException:
            record.reap_lock.release()
            raise
        return stepper

    def _stepped_join_reaped(self, record: LabProcess, call: str, status: int) -> None:
        """The stepped join's os.waitpid has reaped record's child."""
        if record.reaped.is_set():
            return
        # The kernel has just forgotten the child: from here its PID may name another
        # process, so no signal may go to it.
        with record.signal_lock:
            record.exit_status = status
            record.exitcode = os.waitstatus_to_exitcode(status)
            record.reaped_at = time.time()
            record.reaped.set()
        self._emit(
            EventKind.REAPED,
            f"{call} -> ({record.pid}, {status:#06x}) -> exitcode {describe_exitcode(record.exitcode)}; "
            f"PID {record.pid} is gone",
            record,
        )

    def _finish_stepped_join(self, record: LabProcess, stepper: Stepper) -> None:
        self._steppers.pop(record.pid, None)
        if stepper.reaped_status is not None:
            # Steps after c (continue) are not reported, but the waitpid happened.
            self._stepped_join_reaped(record, f"os.waitpid({record.pid}, 0)", stepper.reaped_status)
        elif stepper.result is not None and record.start_method == "forkserver":
            # The fork server reaped the child and sent its exit code down the sentinel;
            # no waitpid of ours was involved.
            with record.signal_lock:
                record.exitcode = stepper.result
                record.reaped_at = time.time()
                record.reaped.set()
            self._emit(
                EventKind.REAPED,
                f"{record.label}.join() -> exitcode {describe_exitcode(stepper.result)} "
                "(read from the sentinel: the fork server reaped it)",
                record,
            )
        if record.reaped.is_set():
            record.process.close()
        elif stepper.error is None:
            self._emit(
                EventKind.NOTE,
                f"{record.label}.join({stepper.timeout}) returned None: the child is still running, not reaped",
                record,
            )
        record.reap_lock.release()

    def unstarted_process(self) -> multiprocessing.process.BaseProcess:
        """A Process created but never started: what join() refuses (the article's assert)."""
        label = self._next_label("unstarted")
        ctx = multiprocessing.get_context(self.start_method)
        return ctx.Process(target=workers.sleeper, name=label)

    # -- the end ---------------------------------------------------------------------

    def shutdown(self, grace: float = 1.0) -> None:
        """End and reap every lab process: SIGCONT + SIGTERM, then SIGKILL after grace.

        From any thread, as often as you like: a call while another is under way waits
        for it, so when any call returns, everything has been reaped. Pools are ended
        alongside the other processes, so that all of it takes little more than grace.
        """
        with self._shutdown_lock:
            if self._closed:
                return
            self._closed = True
            live = self.processes
            for record in live:
                self._signal_unreaped(record, signal.SIGCONT)  # a stopped child cannot act on SIGTERM
                self._signal_unreaped(record, signal.SIGTERM)
            for stepper in list(self._steppers.values()):
                stepper.cancel()  # no more pauses: a stepped join now finishes by itself
            deadline = time.monotonic() + grace
            enders = [(pool, self._start_ending_pool(pool)) for pool in self.pools]
            for record in live:
                self._reap_for_shutdown(record, deadline)
            for record in live:
                if not record.reaped.is_set():
                    self._signal_unreaped(record, signal.SIGKILL)
                    self._reap_for_shutdown(record, time.monotonic() + grace)
            for pool, ender in enders:
                self._finish_ending_pool(pool, ender, deadline)
            self._reap_adopted_zombies()
            self._watcher.stop()
