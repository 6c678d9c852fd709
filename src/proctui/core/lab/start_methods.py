"""What differs between fork, spawn and forkserver, in one place: one class per method.

As in CPython's ``popen_fork.py`` / ``popen_spawn_posix.py`` / ``popen_forkserver.py``,
each class keeps the interface of the one it extends and overrides only what differs:

* fork: the child is a copy of proctui and proctui is its parent, so it stays a
  zombie after exiting until proctui's waitpid() (a join) reaps it;
* spawn: the same, but the child is a fresh Python (fork() + exec()) that imports the
  target, and the first spawn also starts multiprocessing's resource tracker;
* forkserver: a fork server (started once, as a fresh Python) forks every child. It,
  not proctui, is their parent: it reaps each child the moment it exits (no zombie)
  and sends the exit code down the sentinel, which is where join() reads it.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from multiprocessing.process import BaseProcess

from proctui.core.events import Exited, ReapCall, Reaped, WhoReaps
from proctui.core.lab.records import LabProcess
from proctui.core.linux import peek_exit_status
from proctui.core.start_method import START_METHOD_NAMES, StartMethod


class ForkStart:
    name: StartMethod = "fork"
    #: The child is a fresh interpreter that imports the target (not a copy of proctui).
    fresh_interpreter = False
    #: proctui is the child's parent: it (and only it) can reap the child.
    proctui_is_parent = True

    def exited(self, record: LabProcess) -> Exited | None:
        """The event for record's exit, read without reaping; None if a join was first."""
        status = peek_exit_status(record.pid)
        if status is None:
            return None  # a join() reaped it first, and reports the status itself
        record.exit_status = status
        record.exited_at = time.time()
        return Exited(pid=record.pid, label=record.label, status=status, who_reaps=WhoReaps.WAITPID)

    def reaped_elsewhere(self, record: LabProcess, exitcode: int | None) -> Reaped | None:
        """A join ended with no waitpid() of ours: who reaped the child, if not us."""
        return None

    def start_call(self) -> str:
        """The call that failed when the system refuses a new process."""
        return "fork()"

    def new_process(self, target: Callable[..., object], name: str, args: tuple[object, ...] = (),
                    daemon: bool = False) -> BaseProcess:
        """``Process(...)`` of this method's own context, not started."""
        context = multiprocessing.get_context(self.name)
        process: BaseProcess = context.Process(  # type: ignore[attr-defined]  # every concrete context has one; typeshed's BaseContext does not
            target=target, args=args, name=name, daemon=daemon
        )
        return process


class SpawnStart(ForkStart):
    name: StartMethod = "spawn"
    fresh_interpreter = True

    def start_call(self) -> str:
        return f"start() ({self.name})"


class ForkserverStart(SpawnStart):
    name: StartMethod = "forkserver"
    proctui_is_parent = False

    def exited(self, record: LabProcess) -> Exited | None:
        # Not our child: its parent, the fork server, has reaped it already; there is no
        # status for us to read.
        if record.reaped.is_set():
            return None
        record.exited_at = time.time()
        return Exited(pid=record.pid, label=record.label, status=None, who_reaps=WhoReaps.FORK_SERVER)

    def reaped_elsewhere(self, record: LabProcess, exitcode: int | None) -> Reaped | None:
        if exitcode is None:
            return None
        # The fork server reaped the child and sent its exit code down the sentinel.
        with record.signal_lock:
            record.mark_reaped(exitcode=exitcode)
        return Reaped(pid=record.pid, label=record.label, call=ReapCall.SENTINEL, status=None, exitcode=exitcode)


METHODS: dict[StartMethod, ForkStart] = {
    method.name: method for method in (ForkStart(), SpawnStart(), ForkserverStart())
}
START_METHODS = START_METHOD_NAMES


def start_method(name: StartMethod) -> ForkStart:
    return METHODS[name]
