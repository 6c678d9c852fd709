"""Joins stepped through in the code viewer: the real ``process.join(timeout)`` under the
stepper, paused at its first line.

The stepper's own ``os.waitpid`` reaps the child, at the step the user takes; the record
learns of it from that step. Under forkserver no waitpid of ours happens at all: the
fork server reaped the child and join() reads its exit code from the sentinel.
"""

from __future__ import annotations

from collections.abc import Callable

from proctui.core.errors import refuse
from proctui.core.events import JoinReturned, JoinStepped, LabEvent, ReapCall, Reaped, Refusal
from proctui.core.lab.records import LabProcess
from proctui.core.lab.start_methods import start_method
from proctui.core.procfs.pipes import pipe_writers
from proctui.core.stepping.stepper import Step, Stepper


def check_joinable(record: LabProcess) -> None:
    if record.process is None:
        raise refuse(Refusal.NOT_PROCTUIS_CHILD, pid=record.pid, label=record.label, other_pid=record.former_parent)


def hold_reap_lock(record: LabProcess) -> None:
    """Take record's reap lock for a join, or refuse: one join at a time, none after the reap."""
    if not record.reap_lock.acquire(blocking=False):
        raise refuse(Refusal.JOIN_WAITING, pid=record.pid, label=record.label)
    if record.reaped.is_set():
        record.reap_lock.release()
        raise refuse(Refusal.ALREADY_REAPED, pid=record.pid, label=record.label)


class SteppedJoins:
    def __init__(self, emit: Callable[[LabEvent], None]) -> None:
        self._emit = emit
        self._steppers: dict[int, Stepper] = {}  # joins being stepped through, by PID

    def start(self, record: LabProcess, timeout: float | None,
              on_step: Callable[[Step], None] | None) -> Stepper:
        check_joinable(record)
        assert record.process is not None
        hold_reap_lock(record)

        def stepped(step: Step) -> None:
            if step.kind == "return" and step.status is not None and stepper.reaped_status is not None:
                self._reaped(record, step.call or "os.waitpid()", stepper.reaped_status)
            if step.kind in ("done", "exception"):
                self._finish(record, stepper)
            if on_step is not None:
                on_step(step)

        stepper = Stepper(record.process, on_step=stepped)
        self._steppers[record.pid] = stepper
        self._emit(JoinStepped(pid=record.pid, label=record.label, timeout=timeout))
        try:
            stepper.start(timeout)
        except BaseException:
            record.reap_lock.release()
            raise
        return stepper

    def cancel_all(self) -> None:
        """No more pauses: every stepped join now finishes by itself."""
        for stepper in list(self._steppers.values()):
            stepper.cancel()

    def _reaped(self, record: LabProcess, call: str, status: int) -> None:
        """The stepped join's os.waitpid has reaped record's child."""
        if record.reaped.is_set():
            return
        # The kernel has just forgotten the child: from here its PID may name another
        # process, so no signal may go to it.
        with record.signal_lock:
            record.mark_reaped(status=status)
        self._emit(Reaped(pid=record.pid, label=record.label, call=ReapCall.STEPPED_JOIN, status=status,
                          exitcode=record.exitcode, syscall=call))

    def _finish(self, record: LabProcess, stepper: Stepper) -> None:
        self._steppers.pop(record.pid, None)
        assert record.process is not None
        if stepper.reaped_status is not None:
            # Steps after c (continue) are not reported, but the waitpid happened.
            self._reaped(record, f"os.waitpid({record.pid}, 0)", stepper.reaped_status)
        elif stepper.result is not None:
            event = start_method(record.start_method).reaped_elsewhere(record, stepper.result)
            if event is not None:
                self._emit(event)
        if record.reaped.is_set():
            record.process.close()
        elif stepper.error is None:
            # Why it returned unreaped: the child runs on, or its sentinel is still held open.
            info = record.view()
            writers = tuple(pipe_writers(record.process.sentinel))
            self._emit(JoinReturned(pid=record.pid, label=record.label, timeout=stepper.timeout,
                                    child_state=info.state if info else None, sentinel_writers=writers))
        record.reap_lock.release()
