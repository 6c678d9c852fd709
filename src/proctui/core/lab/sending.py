"""Signals to lab processes: only to the very process a record names, never to a stranger.

Every signal goes through a pidfd opened *before* the identity check: if the check
passes, the pidfd names the process that passed it, so a PID that is reaped and handed
to another process in between cannot receive the signal.
"""

from __future__ import annotations

import multiprocessing.process
import os
import signal
import time
from collections.abc import Callable

from proctui.core.errors import LabError, refuse
from proctui.core.events import Disposition, Refusal
from proctui.core.lab.records import LabProcess, Records
from proctui.core.procfs.stat import ProcInfo, read_proc


def refuse_foreign(info: ProcInfo, own_pid: int) -> None:
    """Never, whatever a record says: proctui itself, PID 1, another user's process."""
    if info.pid <= 1:
        raise refuse(Refusal.INIT, pid=info.pid)
    if info.pid == own_pid:
        raise refuse(Refusal.PROCTUI_ITSELF, pid=info.pid)
    if info.uid != os.geteuid():
        raise refuse(Refusal.OTHER_USER, pid=info.pid, uid=info.uid)


def no_longer(record: LabProcess) -> LabError:
    return refuse(Refusal.PID_REUSED, pid=record.pid, label=record.label)


def check_same_process(record: LabProcess, is_current: bool, own_pid: int) -> ProcInfo:
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


def send(record: LabProcess, signum: int, is_current: bool, own_pid: int) -> ProcInfo:
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


def call_method(record: LabProcess, method: Callable[[], None], is_current: bool, own_pid: int) -> ProcInfo:
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


def interrupt_by_method(record: LabProcess, process: multiprocessing.process.BaseProcess, records: Records,
                        own_pid: int) -> tuple[Disposition, ProcInfo]:
    """The real ``process.interrupt()`` on record's process: what the process did with
    SIGINT before, and the /proc view the check passed on. Call it with record.reap_lock
    held, and only where proctui is the process's parent (fork, spawn)."""
    # Why the PID is safe here. proctui is the child's parent (fork, spawn), so its PID
    # names it until proctui reaps it (a zombie keeps it). Every reaping of a lab child
    # in proctui takes one of the two locks now held: join, the stepped join and
    # shutdown hold the reap lock, is_alive and every mark_reaped the signal lock.
    # multiprocessing's own reapers never see it (guards: start() and
    # active_children() poll _children, which refuses lab children; a Process is never
    # repr'd), and proctui never sets SIGCHLD to SIG_IGN. So from the check in
    # call_method to the end of the call the PID is this very child's. In 3.14 and
    # 3.15 interrupt() is _check_closed() and popen_fork.Popen._send_signal(SIGINT):
    # nothing if returncode is set (only a reap sets it: none here), else
    # os.kill(pid, SIGINT), which cannot fail with ProcessLookupError on an unreaped
    # child, nor with EPERM on our own; its other branch (OSError: wait(0.1), which
    # could reap) is checked for below all the same.
    with record.signal_lock:
        handling = disposition(record.pid, signal.SIGINT)
        info = call_method(record, process.interrupt, records.is_current(record), own_pid)  # type: ignore[attr-defined]
        if _popen_returncode(process) is not None:
            record.mark_reaped()  # interrupt() reaped it after all (see above): say so
    return handling, info


def _popen_returncode(process: multiprocessing.process.BaseProcess) -> object:
    """process._popen.returncode, read from the instances' own dicts: never through poll(),
    exitcode or repr, which reap."""
    popen = vars(process).get("_popen")
    return getattr(popen, "__dict__", {}).get("returncode")


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


def await_state(pid: int, done: Callable[[ProcInfo], bool], timeout: float) -> None:
    """Until the kernel shows pid done (or gone), for at most timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = read_proc(pid, owner=False)
        if info is None or done(info):
            return
        time.sleep(0.0005)
