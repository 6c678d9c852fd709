"""The system call a thread is blocked in, read from /proc/PID/syscall: its name (for
the calls that say what a process waits for) and its six arguments.

The numbers differ between machines: x86_64 has its own table, aarch64 the generic one
of asm-generic/unistd.h (which has no poll, select, epoll_wait or pause: glibc calls
ppoll, pselect6, epoll_pwait and rt_sigsuspend there). Only the calls a Python program
blocks in are named; any other keeps its number.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass

_X86_64 = {
    0: "read", 1: "write", 7: "poll", 19: "readv", 20: "writev", 23: "select", 34: "pause",
    35: "nanosleep", 42: "connect", 43: "accept", 44: "sendto", 45: "recvfrom", 46: "sendmsg",
    47: "recvmsg", 61: "wait4", 128: "rt_sigtimedwait", 130: "rt_sigsuspend", 202: "futex",
    219: "restart_syscall", 230: "clock_nanosleep", 232: "epoll_wait", 247: "waitid",
    270: "pselect6", 271: "ppoll", 281: "epoll_pwait", 288: "accept4", 441: "epoll_pwait2",
    449: "futex_waitv",
}
_GENERIC = {
    22: "epoll_pwait", 63: "read", 64: "write", 65: "readv", 66: "writev", 72: "pselect6",
    73: "ppoll", 95: "waitid", 98: "futex", 101: "nanosleep", 115: "clock_nanosleep",
    128: "restart_syscall", 133: "rt_sigsuspend", 137: "rt_sigtimedwait", 202: "accept",
    203: "connect", 206: "sendto", 207: "recvfrom", 211: "sendmsg", 212: "recvmsg",
    242: "accept4", 260: "wait4", 441: "epoll_pwait2", 449: "futex_waitv",
}
_TABLES = {"x86_64": _X86_64, "aarch64": _GENERIC, "arm64": _GENERIC}


def syscall_names(machine: str | None = None) -> dict[int, str]:
    """The names this module knows on machine (platform.machine() by default); {} on a
    machine it has no table for, where every call keeps its number."""
    return _TABLES.get(machine or platform.machine(), {})


_NAMES = syscall_names()


@dataclass(frozen=True)
class SyscallNow:
    """What /proc/PID/syscall says: running (in user space, or on a CPU), in no system
    call (number -1: stopped between calls, or in a fault), or blocked in number with
    args. name is None for a call this module does not name."""

    running: bool
    number: int | None = None
    name: str | None = None
    args: tuple[int, ...] = ()

    def int_arg(self, index: int) -> int:
        """Argument index as the C int the kernel reads from it (a pid, a descriptor):
        the low 32 bits, signed. A caller may leave the register's upper half unset, so
        -1 can arrive as 0xffffffff as well as 0xffffffffffffffff."""
        low = self.args[index] & 0xFFFFFFFF
        return low - (1 << 32) if low & 0x80000000 else low


def parse_syscall(text: str, names: dict[int, str] | None = None) -> SyscallNow:
    """One /proc/PID/syscall line: "running", "-1 SP PC", or "NR ARG0 … ARG5 SP PC"."""
    words = text.split()
    if not words or words[0] == "running":
        return SyscallNow(running=True)
    number = int(words[0])
    if number < 0:
        return SyscallNow(running=False)
    table = _NAMES if names is None else names
    return SyscallNow(running=False, number=number, name=table.get(number),
                      args=tuple(int(word, 16) for word in words[1:7]))


def read_syscall(pid: int, tid: int | None = None) -> SyscallNow | None:
    """The call pid's thread tid (its main thread by default) is in now; None when the
    process is gone or the kernel will not say (another user's process, or a kernel
    built without it)."""
    path = f"/proc/{pid}/task/{tid}/syscall" if tid is not None else f"/proc/{pid}/syscall"
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return None
    try:
        return parse_syscall(text)
    except ValueError:
        return None
