"""Signals to lab processes: only to the very process a record names, never to a stranger.

Every signal goes through a pidfd opened *before* the identity check: if the check
passes, the pidfd names the process that passed it, so a PID that is reaped and handed
to another process in between cannot receive the signal.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable

from proctui.core.errors import LabError, refuse
from proctui.core.events import Disposition, Refusal
from proctui.core.lab.records import LabProcess
from proctui.core.procfs import procs


def refuse_foreign(info: procs.ProcInfo, own_pid: int) -> None:
    """Never, whatever a record says: proctui itself, PID 1, another user's process."""
    if info.pid <= 1:
        raise refuse(Refusal.INIT, pid=info.pid)
    if info.pid == own_pid:
        raise refuse(Refusal.PROCTUI_ITSELF, pid=info.pid)
    if info.uid != os.geteuid():
        raise refuse(Refusal.OTHER_USER, pid=info.pid, uid=info.uid)


def no_longer(record: LabProcess) -> LabError:
    return refuse(Refusal.PID_REUSED, pid=record.pid, label=record.label)


def check_same_process(record: LabProcess, is_current: bool, own_pid: int) -> procs.ProcInfo:
    """Refuse unless record.pid still names the very process we started; its /proc view."""
    check_not_reaped(record, is_current)
    info = record.view()
    if info is None:
        raise no_longer(record)
    refuse_foreign(info, own_pid)
    return info


def check_not_reaped(record: LabProcess, is_current: bool) -> None:
    if not is_current:
        raise refuse(Refusal.ALREADY_REAPED, pid=record.pid, label=record.label, verb="signal")


def send(record: LabProcess, signum: int, is_current: bool, own_pid: int) -> procs.ProcInfo:
    """Send signum to the very process record names, or send nothing and raise LabError.
    Returns the /proc view the check passed on. Call with record.signal_lock held."""
    check_not_reaped(record, is_current)
    opened = record.pidfd_if_same()
    if opened is None:
        raise no_longer(record)
    pidfd, info = opened
    try:
        refuse_foreign(info, own_pid)
        try:
            signal.pidfd_send_signal(pidfd, signum)
        except ProcessLookupError:
            raise no_longer(record) from None
        return info
    finally:
        os.close(pidfd)


def call_method(record: LabProcess, method: Callable[[], None], is_current: bool, own_pid: int) -> procs.ProcInfo:
    """Call a Process method that sends its signal by PID (``interrupt()``: popen_fork's
    ``os.kill(self.pid, SIGINT)``) once record passes the check ``send`` makes, or call
    nothing and raise LabError. Returns the /proc view the check passed on.

    A PID is not a pidfd: this is safe only while nobody can reap the process, so that
    its PID cannot pass to another. The caller makes sure of it (``Lab.interrupt``): it
    holds record.signal_lock and record.reap_lock, and proctui is the process's parent."""
    check_not_reaped(record, is_current)
    opened = record.pidfd_if_same()
    if opened is None:
        raise no_longer(record)
    pidfd, info = opened
    os.close(pidfd)
    refuse_foreign(info, own_pid)
    method()
    return info


def disposition(pid: int, signum: int) -> Disposition:
    """What the process does with signum, from the SigIgn and SigCgt masks of
    /proc/PID/status (bit signum-1 of each); DEFAULT if they cannot be read."""
    try:
        with open(f"/proc/{pid}/status") as status:
            masks = dict(line.split(":", 1) for line in status if line.startswith(("SigIgn", "SigCgt")))
    except (OSError, ValueError):
        return Disposition.DEFAULT
    bit = 1 << (signum - 1)
    if int(masks.get("SigIgn", "0"), 16) & bit:
        return Disposition.IGNORED
    if int(masks.get("SigCgt", "0"), 16) & bit:
        return Disposition.CAUGHT
    return Disposition.DEFAULT


def await_state(pid: int, done: Callable[[procs.ProcInfo], bool], timeout: float) -> None:
    """Until the kernel shows pid done (or gone), for at most timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = procs.read_proc(pid, owner=False)
        if info is None or done(info):
            return
        time.sleep(0.0005)
