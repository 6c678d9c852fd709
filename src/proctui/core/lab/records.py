"""What the Lab remembers about each process it started, and the one way to tell that a
PID still names that very process.

Which state a process is in (running, stopped, zombie) is never stored here: that is
the kernel's to say, through /proc (see ``procfs``). A record keeps only what the kernel
forgets: the label, how it was started, and its exit code once it has been reaped.
"""

from __future__ import annotations

import itertools
import multiprocessing.process
import os
import threading
import time
from dataclasses import dataclass, field
from typing import NamedTuple

from proctui.core.i18n import N_
from proctui.core.linux import describe_exitcode
from proctui.core.procfs.stat import ProcInfo, read_proc
from proctui.core.start_method import StartMethod

#: Every role a lab process is started as (LabProcess.role), marked for the catalogue:
#: the log and the selection line say it in the user's language.
ROLES = (N_("child"), N_("zombie"), N_("orphan"), N_("grandchild"), N_("daemon"), N_("daemon parent"),
         N_("raises"), N_("exits"), N_("handler"), N_("ignorer"), N_("script"), N_("script child"),
         N_("practice"), N_("shell"), N_("exit256"), N_("waiting parent"),
         N_("interruptible"), N_("ignores SIGCHLD"), N_("cow"), N_("queue"))
#: proctui run's script process: proctui's child with no Process object, reaped by proctui.
SCRIPT_ROLE = "script"
#: A process the script forked (it said hello on the channel).
SCRIPT_CHILD_ROLE = "script child"


class Labelled(NamedTuple):
    """A process about to be started: what it is started as, and its label ("orphan-1-parent")."""

    role: str
    label: str


@dataclass(eq=False)
class LabProcess:
    """What the Lab remembers about one process it started."""

    label: str
    role: str  # what it was started as: "child", "zombie", "orphan", "daemon", ...
    pid: int
    start_method: StartMethod
    started_at: float
    start_ticks: int  # from /proc/PID/stat: with pid, names this very process
    # Filled in by events, never guessed:
    exit_status: int | None = None  # raw wait status, read with waitid(WNOWAIT) at exit
    exited_at: float | None = None
    exitcode: int | None = None  # multiprocessing's exitcode, once it has been reaped
    reaped_at: float | None = None
    # Never render this object: repr(Process) calls poll(), which reaps. None for a
    # grandchild: its Process object lives (or lived) in its parent, not in proctui.
    process: multiprocessing.process.BaseProcess | None = field(repr=False, default=None)
    former_parent: int | None = None  # a grandchild's parent, the process that started it
    script_path: str | None = None  # proctui run's script process: the file it runs
    adopted_by: int | None = None  # who the kernel re-parented an orphaned grandchild to
    exit_handled: bool = False  # the watcher has seen it exit (set under Lab's family lock)
    reaped: threading.Event = field(repr=False, default_factory=threading.Event)
    # Set once the Lab has said the exit (Family.on_exit emitted it): what a process of the
    # script says of the reap comes after it (Scripts), in the order it happened.
    exit_said: threading.Event = field(repr=False, default_factory=threading.Event)
    # Held by whoever is reaping this process (a join, or shutdown), so two threads
    # never wait for the same child: the loser's waitpid() would fail with ECHILD.
    reap_lock: threading.Lock = field(repr=False, default_factory=threading.Lock)
    # Held while signalling this process and while reaping it, so a signal can never
    # land on a reaped PID that the kernel has handed to someone else. Reaping takes it
    # only once the child is already a zombie, so it is never held for long.
    signal_lock: threading.Lock = field(repr=False, default_factory=threading.Lock)
    # A pidfd opened when the record was made, while the PID surely named this process.
    # Unlike a PID (or a PID with its start time, which has a 10 ms grain), it can never
    # come to name another process: signals and waits go through copies of it. Closed
    # once the process is reaped; _pidfd_lock keeps a copy from being taken meanwhile.
    pidfd: int | None = field(repr=False, default=None)
    _pidfd_lock: threading.Lock = field(repr=False, default_factory=threading.Lock)

    @property
    def exit_text(self) -> str | None:
        """The exit code to show: from join() once reaped, else from the peeked status."""
        if self.exitcode is not None:
            return describe_exitcode(self.exitcode)
        if self.exit_status is not None:
            return describe_exitcode(os.waitstatus_to_exitcode(self.exit_status))
        return None

    def is_same_process(self, info: ProcInfo | None) -> bool:
        """Does this /proc view show the very process this record names (not a newcomer
        that was handed its PID)?"""
        return info is not None and info.pid == self.pid and info.start_ticks == self.start_ticks

    def view(self) -> ProcInfo | None:
        """The kernel's view of this very process, or None if its PID names it no more."""
        info = read_proc(self.pid)
        return info if self.is_same_process(info) else None

    def pidfd_if_same(self) -> tuple[int, ProcInfo] | None:
        """A pidfd on this very process (a copy of the record's own; the caller closes it),
        and its /proc view, if it is not reaped and its PID still names it (a zombie
        included), else None. A signal through it can only reach this process: if the
        process was reaped meanwhile, pidfd_send_signal fails with ESRCH."""
        with self._pidfd_lock:
            if self.pidfd is None:
                return None
            pidfd = os.dup(self.pidfd)
        info = self.view()
        if info is None:
            os.close(pidfd)
            return None
        return pidfd, info

    def mark_reaped(self, *, status: int | None = None, exitcode: int | None = None) -> None:
        """The one way to record that this process has been reaped (by anyone).

        Call it with signal_lock held, from before the reaping call: once the kernel has
        forgotten the process its PID may name another, so no signal may go out in
        between. With a status, the exit code is derived from it. With a Process
        object, multiprocessing's exitcode is taken and the object closed."""
        if self.process is not None and exitcode is None and status is None:
            exitcode = self.process.exitcode  # join() has polled already: no new reap here
            try:
                self.process.close()  # frees the sentinel; the exit code stays known to us
            except ValueError:
                pass  # someone else reaped it (join() found no child): multiprocessing thinks it runs
        if status is not None:
            self.exit_status = status
            exitcode = os.waitstatus_to_exitcode(status)
        if exitcode is not None or self.reaped_at is None:
            self.exitcode = exitcode
        now = time.time()
        if self.exited_at is None:
            self.exited_at = now
        if self.reaped_at is None or status is not None or exitcode is not None:
            self.reaped_at = now
        # Else its reaper, a process of the script, has said already when and how
        # (reaped_by_its_parent): its word, not the moment the watcher saw the exit.
        self.reaped.set()
        with self._pidfd_lock:
            if self.pidfd is not None:
                os.close(self.pidfd)
                self.pidfd = None

    def reaped_by_its_parent(self, status: int, at: float) -> None:
        """A process of the script reaped this child of its own, and said so (its wait
        call's status, and the moment it returned): the exit code and the moment of the
        reap are its word. The watcher marks the record reaped when the child exits
        (mark_reaped: it cannot see the parent's wait); before or after, these stay.
        Call it with signal_lock held, as mark_reaped."""
        self.exit_status = status
        self.exitcode = os.waitstatus_to_exitcode(status)
        if self.exited_at is None or self.exited_at > at:
            self.exited_at = at  # the watcher has not seen the exit yet: it was no later than this
        self.reaped_at = at

    def __repr__(self) -> str:
        return f"<LabProcess {self.label} pid={self.pid} {self.start_method}>"


class Records:
    """Every lab process by PID, and the labels given so far."""

    def __init__(self) -> None:
        self._by_pid: dict[int, LabProcess] = {}
        self._counters: dict[str, itertools.count[int]] = {}
        self._lock = threading.Lock()

    def add(self, label: str, role: str, pid: int, start_method: StartMethod,
            process: multiprocessing.process.BaseProcess | None = None) -> LabProcess:
        """A process proctui started itself, with its Process object (the script process,
        which proctui spawns without one, has none)."""
        pidfd, start_ticks = _identity(pid)
        return self._keep(LabProcess(label=label, role=role, pid=pid, start_method=start_method,
                                     started_at=time.time(), start_ticks=start_ticks, process=process, pidfd=pidfd))

    def add_started_by(self, label: str, role: str, pid: int, start_method: StartMethod, parent: int) -> LabProcess:
        """A process another process of the lab started (a grandchild, a script's child):
        parent is the PID of the process that started it."""
        pidfd, start_ticks = _identity(pid)
        return self._keep(LabProcess(label=label, role=role, pid=pid, start_method=start_method,
                                     started_at=time.time(), start_ticks=start_ticks, former_parent=parent,
                                     pidfd=pidfd))

    def _keep(self, record: LabProcess) -> LabProcess:
        with self._lock:
            self._by_pid[record.pid] = record
        return record

    def get(self, pid: int) -> LabProcess | None:
        """The record for this PID, if it is a lab process not yet reaped."""
        record = self._by_pid.get(pid)
        if record is None or record.reaped.is_set():
            return None
        return record

    def latest(self, pid: int) -> LabProcess | None:
        """The newest record for this PID, reaped or not."""
        return self._by_pid.get(pid)

    def live(self) -> list[LabProcess]:
        """Lab processes not yet reaped, oldest first."""
        # list() first: a copy taken in one step, so any thread may ask while another forks.
        return [r for r in list(self._by_pid.values()) if not r.reaped.is_set()]

    def is_current(self, record: LabProcess) -> bool:
        """Not reaped, and still the record its PID maps to."""
        return not record.reaped.is_set() and self._by_pid.get(record.pid) is record

    def next_number(self, role: str) -> int:
        return next(self._counters.setdefault(role, itertools.count(1)))

    def next_label(self, role: str) -> str:
        return f"{role}-{self.next_number(role)}"


def _identity(pid: int) -> tuple[int | None, int]:
    """A pidfd of pid and its start time, in that order: then the /proc view is of the
    very process the pidfd names. (None, -1) for what is gone already."""
    try:
        pidfd: int | None = os.pidfd_open(pid)
    except ProcessLookupError:
        pidfd = None
    info = read_proc(pid)
    return pidfd, info.start_ticks if info else -1
