"""The end of the Lab: every process it started is ended and reaped, whatever state it is in.

SIGCONT + SIGTERM to each, then SIGKILL after a grace period; pools are ended alongside,
each in a thread of its own, because ``Pool.terminate()`` can hang for ever.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable

from proctui.core.errors import LabError
from proctui.core.events import LabEvent, PoolHangs
from proctui.core.lab.pool import LabPool, PoolError
from proctui.core.lab.records import LabProcess
from proctui.core.lab.sending import refuse_foreign
from proctui.core.linux import pidfd_exits_within
from proctui.core.procfs.stat import read_proc


class Ending:
    def __init__(
        self,
        own_pid: int,
        emit: Callable[[LabEvent], None],
        signal_unreaped: Callable[[LabProcess, int], None],
    ) -> None:
        self._own_pid = own_pid
        self._emit = emit
        self._signal_unreaped = signal_unreaped

    def end(self, live: list[LabProcess], pools: list[LabPool], grace: float) -> None:
        """End and reap live and pools by about grace seconds (twice that if some need SIGKILL)."""
        deadline = time.monotonic() + grace
        enders = [(pool, self._start_ending_pool(pool)) for pool in pools]
        for record in live:
            self._reap(record, deadline)
        for record in live:
            if not record.reaped.is_set():
                self._signal_unreaped(record, signal.SIGKILL)
                self._reap(record, time.monotonic() + grace)
        for pool, ender in enders:
            self._finish_ending_pool(pool, ender, deadline)

    # -- pools ---------------------------------------------------------------------------

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
        self._emit(PoolHangs(label=pool.label))
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
            info = read_proc(pid)
            if info is None:
                return False
            if info.is_zombie:
                if info.ppid == self._own_pid:
                    _reap_by_pidfd(pidfd)
                return False
            parent = read_proc(info.ppid)
            if info.ppid != self._own_pid and (parent is None or parent.ppid != self._own_pid):
                return False
            try:
                refuse_foreign(info, self._own_pid)
                signal.pidfd_send_signal(pidfd, signal.SIGKILL)
            except (LabError, ProcessLookupError):
                return False
            if info.ppid == self._own_pid:
                _reap_by_pidfd(pidfd)
            return True
        finally:
            os.close(pidfd)

    # -- lab processes ---------------------------------------------------------------------

    def _reap(self, record: LabProcess, deadline: float) -> None:
        """Reap record's process by deadline, unless a join (plain or stepped) does it first."""
        if record.process is None:
            # A grandchild: the watcher reaps it if it is ours by adoption; else its parent does.
            while not record.reaped.wait(0.01) and time.monotonic() < deadline:
                if record.view() is None:
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
            opened = record.pidfd_if_same()
            if opened is not None:
                try:
                    if not pidfd_exits_within(opened[0], max(0.0, deadline - time.monotonic())):
                        self._signal_unreaped(record, signal.SIGKILL)
                        pidfd_exits_within(opened[0], None)
                finally:
                    os.close(opened[0])
            with record.signal_lock:
                record.process.join()  # reaps a child of ours; a forkserver child's code comes from the server
                record.mark_reaped()
        finally:
            record.reap_lock.release()


def _reap_by_pidfd(pidfd: int) -> None:
    try:
        os.waitid(os.P_PIDFD, pidfd, os.WEXITED)  # reaps this very process, whatever its PID
    except ChildProcessError:
        pass  # the pool's worker handler reaped it first
