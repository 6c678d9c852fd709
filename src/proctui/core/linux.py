"""The few Linux system calls Python's os module does not wrap, and wait-status decoding."""

from __future__ import annotations

import ctypes
import os
import select
import signal
import time

#: May be imported in another process (imported by the lab's children and the script's
#: processes): it imports only the standard library and other stdlib-only modules of
#: proctui's (tests/core/test_architecture.py).
STDLIB_ONLY = True

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36

# The C library this interpreter is already linked with: CDLL(None) looks symbols up in
# the running process, so no ctypes.util.find_library(), which runs ldconfig or gcc.
_libc = ctypes.CDLL(None, use_errno=True)


def prctl(option: int, arg: int = 0) -> int:
    result: int = _libc.prctl(option, ctypes.c_ulong(arg), 0, 0, 0)  # restype is c_int
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return result


def set_parent_death_signal(sig: int) -> None:
    """Ask the kernel to send us ``sig`` when the thread that forked us exits."""
    prctl(PR_SET_PDEATHSIG, sig)


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def describe_exitcode(exitcode: int | None) -> str:
    """multiprocessing's exitcode as a reader wants it: ``-15 (SIGTERM)``, ``3``."""
    if exitcode is None:
        return "None"
    if exitcode < 0:
        return f"{exitcode} ({signal_name(-exitcode)})"
    return str(exitcode)


def status_from_siginfo(si_code: int, si_status: int) -> int:
    """The raw waitpid() status word the kernel would report for this waitid() result.

    waitid(WNOWAIT) lets us read a child's fate without reaping it, but it reports
    (si_code, si_status) rather than the packed status waitpid() returns; this packs it
    the way the kernel does (see wait_task_zombie in kernel/exit.c).
    """
    if si_code == os.CLD_EXITED:
        return (si_status & 0xFF) << 8
    if si_code == os.CLD_KILLED:
        return si_status & 0x7F
    if si_code == os.CLD_DUMPED:
        return (si_status & 0x7F) | 0x80
    raise ValueError(f"not an exit si_code: {si_code}")


def decode_status(status: int) -> str:
    """A wait status taken apart with the W* macros, as the stepper and the log show it."""
    if os.WIFEXITED(status):
        return f"WIFEXITED, WEXITSTATUS={os.WEXITSTATUS(status)}"
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        core = ", core dumped" if os.WCOREDUMP(status) else ""
        return f"WIFSIGNALED, WTERMSIG={sig} ({signal_name(sig)}){core}"
    if os.WIFSTOPPED(status):
        sig = os.WSTOPSIG(status)
        return f"WIFSTOPPED, WSTOPSIG={sig} ({signal_name(sig)})"
    return f"status {status:#06x}"


def peek_exit_status(pid: int) -> int | None:
    """The raw status of child ``pid`` if it has exited, *without reaping it*.

    waitid(P_PID, pid, WEXITED | WNOWAIT | WNOHANG) leaves the child waitable, so
    multiprocessing's own waitpid() still finds it. None while the child runs, and
    None if it has already been reaped.
    """
    try:
        info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT | os.WNOHANG)
    except ChildProcessError:
        return None
    if info is None or info.si_pid == 0:
        return None
    return status_from_siginfo(info.si_code, info.si_status)


def pidfd_exits_within(pidfd: int, timeout: float | None) -> bool:
    """Wait until the process behind pidfd has exited, for at most timeout seconds (None:
    for ever); it stays unreaped. A pidfd turns readable at exit, which waitid() has no
    timeout to wait for."""
    return bool(select.select([pidfd], [], [], timeout)[0])


def read_line(fd: int, timeout: float) -> str:
    """One line from a pipe, or what came before end of file or the timeout."""
    deadline = time.monotonic() + timeout
    got = b""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    while b"\n" not in got:
        left = deadline - time.monotonic()
        if left <= 0 or not poller.poll(left * 1000):
            break
        chunk = os.read(fd, 64)
        if not chunk:
            break
        got += chunk
    return got.split(b"\n", 1)[0].decode(errors="replace")
