"""Exits, grandchildren and adoption: what the Lab does when the watcher says a process ended.

A grandchild (started by a lab child, not by proctui) has no Process object in
proctui. When its parent dies first, the kernel re-parents it — to proctui, a child
subreaper — and then nobody but proctui can reap it: multiprocessing never heard of it.
The same goes for a zombie grandchild that its dying parent never reaped.
"""

from __future__ import annotations

import os
import signal
import threading

from proctui.core.events import (
    Adopted,
    Adopter,
    Disposition,
    Exited,
    GrandchildForked,
    ReapCall,
    Reaped,
    WhoReaps,
)
from proctui.core.lab.records import SCRIPT_CHILD_ROLE, SCRIPT_ROLE, Labelled, LabProcess
from proctui.core.lab.rooms import LabForFamily
from proctui.core.lab.sending import disposition
from proctui.core.lab.start_methods import start_method
from proctui.core.linux import peek_exit_status
from proctui.core.procfs.snapshot import children


class Family:
    def __init__(self, lab: LabForFamily) -> None:
        self._lab = lab
        # An orphan's parent may exit (and the watcher handle it) before the main thread
        # has recorded the grandchild it named. Under this lock one of the two, never
        # both nor neither, reports the adoption: see record_grandchild and on_exit.
        self._lock = threading.Lock()

    def record_grandchild(self, parent: LabProcess, who: Labelled, pid: int) -> LabProcess:
        label = who.label
        with self._lock:
            grandchild = self._lab.records.add_started_by(label, who.role, pid, parent.start_method, parent.pid)
            parent_gone = parent.exit_handled
        self._lab.emit(GrandchildForked(pid=pid, label=label, parent_pid=parent.pid, parent_label=parent.label))
        if parent_gone:
            # The watcher handled the parent's exit before this record existed, so it
            # could not report the adoption: we do.
            self._report_adoption(grandchild)
        return grandchild

    # -- from the watcher thread -----------------------------------------------------------

    def on_exit(self, record: LabProcess) -> None:
        with self._lock:
            record.exit_handled = True
            orphans = [r for r in self._lab.records.live() if r.former_parent == record.pid]
        for orphan in orphans:
            self._report_adoption(orphan)
        try:
            if record.process is None:
                self._on_grandchild_exit(record)
            else:
                event = start_method(record.start_method).exited(record)
                if event is not None:
                    self._lab.emit(event)
        finally:
            record.exit_said.set()
            self.reap_adopted_zombies()

    def _report_adoption(self, orphan: LabProcess) -> None:
        """Its parent just exited: say who the kernel re-parented the grandchild to.

        The kernel re-parents a dying process's children before it notifies anyone of
        the death, so /proc already shows the adopter when the parent's exit is noticed.
        """
        info = orphan.view()
        if info is None:
            return
        orphan.adopted_by = info.ppid
        if info.ppid == self._lab.pid:
            adopter = Adopter.PROCTUI
        elif info.ppid == 1:
            adopter = Adopter.INIT
        else:
            adopter = Adopter.SUBREAPER_ABOVE
        self._lab.emit(Adopted(pid=orphan.pid, label=orphan.label, former_parent=orphan.former_parent,
                           adopter_pid=info.ppid, adopter=adopter))

    def _on_grandchild_exit(self, record: LabProcess) -> None:
        """A grandchild ended. If the kernel made it ours (adoption), reap it now:
        multiprocessing never heard of it, so nobody else will."""
        status = peek_exit_status(record.pid)
        if status is not None:
            with record.signal_lock:
                os.waitpid(record.pid, 0)
                record.mark_reaped(status=status)
            # The script process of proctui run is proctui's own child, not an adopted one.
            call = ReapCall.SCRIPT if record.role == SCRIPT_ROLE else ReapCall.ADOPTED_CHILD
            self._lab.emit(Reaped(pid=record.pid, label=record.label, call=call, status=status,
                              exitcode=record.exitcode))
            return
        # Someone else's child (its first parent, or another adopter): they reap it.
        with record.signal_lock:
            record.mark_reaped()
        if record.role == "daemon":
            self._lab.emit(Exited(pid=record.pid, label=record.label, status=None, who_reaps=WhoReaps.EXIT_HANDLER,
                              reaper_pid=record.former_parent))
        else:
            parent = record.adopted_by or record.former_parent
            # A parent that ignores SIGCHLD has no zombie to reap: the kernel reaped it as it
            # exited (read from the parent's SigIgn mask, now). A child a script's fork server
            # forked (it said so at its hello) is reaped by the fork server, its parent.
            if parent is not None and disposition(parent, signal.SIGCHLD) is Disposition.IGNORED:
                who = WhoReaps.KERNEL
            elif record.role == SCRIPT_CHILD_ROLE and record.start_method == "forkserver" and record.adopted_by is None:
                who = WhoReaps.FORK_SERVER
            else:
                who = WhoReaps.PARENT
            self._lab.emit(Exited(pid=record.pid, label=record.label, status=None, who_reaps=who, reaper_pid=parent))

    def reap_adopted_zombies(self) -> None:
        """Reap the zombies that the kernel handed to proctui as a subreaper.

        A grandchild that died before its parent is re-parented to us as a zombie when
        the parent dies without reaping it (killed, or os._exit). multiprocessing knows
        nothing of it, so if we did not reap it, nobody would. Zombies that multiprocessing
        will reap (our own Process children, pool workers) are left alone, each waited for
        by its own PID: never waitpid(-1), which would steal their statuses.
        """
        if not self._lab.subreaper:
            return
        # The Lab holds start_lock from a child's start() until its record exists: a child
        # that exits at once (an orphan's parent) must not be taken for an adopted stranger
        # in between.
        with self._lab.start_lock:
            self._reap_strangers()

    def _reap_strangers(self) -> None:
        # Our Process children, and the script process, which its own exit reaps (on_exit).
        ours = {r.pid for r in self._lab.records.live() if r.process is not None or r.role == SCRIPT_ROLE}
        ours.update(self._lab.pool_workers())
        for info in children(self._lab.pid):  # not every process on the system: at 10,000, 150 ms
            pid = info.pid
            if not info.is_zombie or pid in ours:
                continue
            try:
                _, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                continue
            record = self._lab.records.latest(pid)
            if record is not None and not record.is_same_process(info):
                record = None  # an older lab process had this PID
            if record is not None:
                with record.signal_lock:
                    record.mark_reaped(status=status)
            self._lab.emit(Reaped(pid=pid, label=record.label if record else None, call=ReapCall.ADOPTED_ZOMBIE,
                              status=status, exitcode=os.waitstatus_to_exitcode(status)))
