"""What a process is blocked on, read from /proc: the system call its main thread is in
(/proc/PID/syscall), the kernel function it sleeps in (wchan), and, where the call's
arguments name it, the processes it waits for.

The main thread is the one a script's own code runs in; a join() with no timeout is a
wait4 there, a Queue.get() a read on the queue's pipe (or a futex, while another process
holds the queue's read lock), a Lock, Condition, Semaphore or Event a futex, a
join(timeout) or connection.wait() a poll. Nothing here reads a process's memory
(/proc/PID/mem) or stops it: what the arguments point to (poll's list of descriptors)
stays unknown, and is said to be.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Literal

from proctui.core.procfs.pipes import OpenFilesOf, access_mode, can_read, open_files
from proctui.core.procfs.syscalls import SyscallNow, read_syscall
from proctui.core.procfs.unix_peers import unix_peer

WaitKind = Literal["running", "stopped", "gone", "zombie", "child", "pipe", "socket", "lock", "sleep", "other"]

# waitid(2)'s idtype
P_ALL, P_PID, P_PGID, P_PIDFD = 0, 1, 2, 3


@dataclass(frozen=True)
class Waiting:
    """What pid's main thread was blocked on when read.

    on_pids: processes among the `among` given to what_waits that the call it is blocked
    in waits for, read from the call's own arguments: waitpid's pid; every child (or
    group member) for waitpid(-1), waitpid(0) or waitpid(-PGID); for a read of a pipe the
    holders of its write end, for a write its readers; for a Unix socket the holders of
    the socket at the other end; for epoll the same for each descriptor of its interest
    list. It "waits for" one of them: any one may end the wait (by exiting, writing,
    closing). () when none of `among` is one, or when it cannot be known: a futex
    (kind "lock") never names who will release it.

    maybe_pids: for poll, ppoll, select and pselect6, whose list of descriptors is in the
    process's memory: the processes among `among` that could end the wait if it polls
    what it may, i.e. the write ends' holders of every pipe it holds a read end of, and
    the peers of every Unix socket it holds. It "may wait for" them. A join(timeout) or
    connection.wait([sentinel]) polls a sentinel whose write end the child holds (fork,
    spawn), so the child is among them, with any other holder of a pipe the process
    reads (a Queue's writers); under forkserver the sentinel's write end is the fork
    server's, so the fork server is named, not the child.

    Every pid in on_pids and maybe_pids is in `among` and is not pid itself.
    """

    pid: int
    state: str  # the /proc state letter of its main thread: R S D T t Z…; "" when gone
    wchan: str  # the kernel function it sleeps in ("0" or "" when running or hidden)
    syscall: str | None  # the call its main thread is in; None when running or unknown
    kind: WaitKind
    on_pids: tuple[int, ...] = ()
    fd: int | None = None  # the descriptor it reads, writes or waits on, when an argument names one
    maybe_pids: tuple[int, ...] = ()
    syscall_number: int | None = None  # kept for a call this module does not name
    # waitpid's pid argument (waitid's said as waitpid's): N, -1 any child, 0 its group, -PGID
    wait_arg: int | None = None
    fd_target: str | None = None  # what fd names: "pipe:[123]", "socket:[456]", a path
    threads: int = 0  # how many threads it has (1: only the main thread)


@dataclass(frozen=True)
class _Found:
    kind: WaitKind
    on_pids: tuple[int, ...] = ()
    fd: int | None = None
    maybe_pids: tuple[int, ...] = ()
    wait_arg: int | None = None
    fd_target: str | None = None


@dataclass(frozen=True)
class _Stat:
    state: str
    ppid: int
    pgrp: int
    threads: int


def _read_stat(pid: int) -> _Stat | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read()
        fields = raw[raw.rindex(b")") + 2:].split()
        return _Stat(state=fields[0].decode(), ppid=int(fields[1]), pgrp=int(fields[2]), threads=int(fields[17]))
    except (OSError, ValueError, IndexError):
        return None


def _read_wchan(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/wchan", "rb") as f:
            return f.read().decode(errors="replace").strip()
    except OSError:
        return ""


class _Look:
    """One reading of one process: its call, and the others it may wait for, whose
    descriptors are listed once, and only if a question needs them."""

    def __init__(self, pid: int, stat: _Stat, call: SyscallNow, wchan: str, among: Iterable[int]) -> None:
        self.pid = pid
        self.stat = stat
        self.call = call
        self.wchan = wchan
        self.others = tuple(p for p in dict.fromkeys(among) if p != pid)
        self._files: OpenFilesOf | None = None

    @property
    def files(self) -> OpenFilesOf:
        if self._files is None:
            self._files = OpenFilesOf(self.others)
        return self._files

    def target(self, fd: int) -> str | None:
        try:
            return os.readlink(f"/proc/{self.pid}/fd/{fd}")
        except OSError:
            return None

    def at_the_other_end(self, target: str, reading: bool) -> tuple[WaitKind, tuple[int, ...]]:
        """Who can end a read (reading=True) or a write of target: a pipe's other end, a
        Unix socket's peer."""
        if target.startswith("pipe:["):
            return "pipe", tuple(self.files.holders(target, writing=reading))
        if target.startswith("socket:["):
            peer = unix_peer(int(target[8:-1]))
            return "socket", tuple(self.files.holders(f"socket:[{peer}]", writing=None)) if peer else ()
        return "other", ()


# -- each call -------------------------------------------------------------------------

def _children(look: _Look, wanted: int) -> tuple[int, ...]:
    """The processes among the others that waitpid(wanted) waits for."""
    if wanted > 0:
        return (wanted,) if wanted in look.others else ()
    group = look.stat.pgrp if wanted == 0 else -wanted
    found = []
    for other in look.others:
        stat = _read_stat(other)
        if stat is not None and stat.ppid == look.pid and (wanted == -1 or stat.pgrp == group):
            found.append(other)
    return tuple(found)


def _wait4(look: _Look) -> _Found:
    wanted = look.call.int_arg(0)
    return _Found(kind="child", on_pids=_children(look, wanted), wait_arg=wanted)


def _pidfd_pid(pid: int, fd: int) -> int | None:
    try:
        with open(f"/proc/{pid}/fdinfo/{fd}") as info:
            return next(int(line.split()[1]) for line in info if line.startswith("Pid:"))
    except (OSError, StopIteration, ValueError, IndexError):
        return None


def _waitid(look: _Look) -> _Found:
    idtype, ident = look.call.int_arg(0), look.call.int_arg(1)
    wanted: int | None
    if idtype == P_ALL:
        wanted = -1
    elif idtype == P_PID:
        wanted = ident
    elif idtype == P_PGID:
        wanted = -ident if ident else 0  # 0: its own group (Linux 5.4+)
    elif idtype == P_PIDFD:
        wanted = _pidfd_pid(look.pid, ident)
    else:
        wanted = None
    on = _children(look, wanted) if wanted is not None else ()
    return _Found(kind="child", on_pids=on, wait_arg=wanted, fd=ident if idtype == P_PIDFD else None)


def _transfer(look: _Look, reading: bool) -> _Found:
    fd = look.call.int_arg(0)
    target = look.target(fd)
    if target is None:
        return _Found(kind="other", fd=fd)
    kind, on = look.at_the_other_end(target, reading)
    return _Found(kind=kind, on_pids=on, fd=fd, fd_target=target)


def _polled(look: _Look, fds: Iterable[int] | None) -> tuple[WaitKind, tuple[int, ...]]:
    """Who can end a wait on fds (all of the process's own when None): the other end of
    each pipe it reads and of each Unix socket. The kind is "pipe" if a pipe's holder is
    among them, else "socket" if a socket's is, else "other"."""
    own = open_files(look.pid)
    chosen = own if fds is None else {fd: own[fd] for fd in fds if fd in own}
    pipes: list[int] = []
    sockets: list[int] = []
    for fd, target in chosen.items():
        if target.startswith("pipe:[") and can_read(access_mode(look.pid, fd)):
            pipes.extend(look.at_the_other_end(target, reading=True)[1])
        elif target.startswith("socket:["):
            sockets.extend(look.at_the_other_end(target, reading=True)[1])
    found = tuple(dict.fromkeys(pipes + sockets))
    return ("pipe" if pipes else "socket" if sockets else "other"), found


def _poll(look: _Look) -> _Found:
    name = look.call.name
    # poll(fds, nfds, timeout) and ppoll; select(nfds, readfds, writefds, exceptfds, timeout) and pselect6
    nothing_polled = (look.call.args[1] == 0 if name in ("poll", "ppoll")
                      else look.call.args[0] == 0 or not any(look.call.args[1:4]))
    if nothing_polled:  # Python 3.10's time.sleep is a select() of no descriptor
        return _Found(kind="sleep")
    kind, maybe = _polled(look, None)
    return _Found(kind=kind, maybe_pids=maybe)


def _epoll_interest(pid: int, epfd: int) -> list[int] | None:
    """The descriptors an epoll instance watches: its fdinfo's "tfd:" lines."""
    try:
        with open(f"/proc/{pid}/fdinfo/{epfd}") as info:
            return [int(line.split()[1]) for line in info if line.startswith("tfd:")]
    except (OSError, ValueError, IndexError):
        return None


def _epoll(look: _Look) -> _Found:
    epfd = look.call.int_arg(0)
    interest = _epoll_interest(look.pid, epfd)
    if interest is None:
        kind, maybe = _polled(look, None)
        return _Found(kind=kind, maybe_pids=maybe, fd=epfd)
    kind, on = _polled(look, interest)
    return _Found(kind=kind, on_pids=on, fd=epfd, fd_target=look.target(epfd))


def _restarted(look: _Look) -> _Found:
    """restart_syscall: a sleep, poll or futex wait interrupted by a signal handler and
    resumed by the kernel; its wchan still says which."""
    if "nanosleep" in look.wchan:
        return _Found(kind="sleep")
    if "futex" in look.wchan:
        return _Found(kind="lock")
    if "poll" in look.wchan or "select" in look.wchan:
        kind, maybe = _polled(look, None)
        return _Found(kind=kind, maybe_pids=maybe)
    return _Found(kind="other")


def _fixed(kind: WaitKind) -> Callable[[_Look], _Found]:
    return lambda look: _Found(kind=kind)


def _socket_only(look: _Look) -> _Found:
    fd = look.call.int_arg(0)
    return _Found(kind="socket", fd=fd, fd_target=look.target(fd))


_BY_CALL: dict[str, Callable[[_Look], _Found]] = {
    "wait4": _wait4,
    "waitid": _waitid,
    **dict.fromkeys(("read", "readv", "recvfrom", "recvmsg"), lambda look: _transfer(look, reading=True)),
    **dict.fromkeys(("write", "writev", "sendto", "sendmsg"), lambda look: _transfer(look, reading=False)),
    **dict.fromkeys(("poll", "ppoll", "select", "pselect6"), _poll),
    **dict.fromkeys(("epoll_wait", "epoll_pwait", "epoll_pwait2"), _epoll),
    **dict.fromkeys(("futex", "futex_waitv"), _fixed("lock")),
    **dict.fromkeys(("nanosleep", "clock_nanosleep"), _fixed("sleep")),
    **dict.fromkeys(("accept", "accept4", "connect"), _socket_only),
    "restart_syscall": _restarted,
}


def what_waits(pid: int, among: Collection[int] = ()) -> Waiting:
    """What pid's main thread is blocked on now, and which of the processes among
    `among` it waits for (see Waiting). Read from /proc only; never stops or reaps it.

    A stopped (T, t) process is "stopped" and a zombie "zombie" whatever call they were
    in; "running" is on a CPU or about to be; pause, sigsuspend and a call this module
    does not name are "other", with the call's name or number kept.
    """
    stat = _read_stat(pid)
    if stat is None:
        return Waiting(pid=pid, state="", wchan="", syscall=None, kind="gone")
    wchan = _read_wchan(pid)
    call = read_syscall(pid) if stat.state != "Z" else None
    number = call.number if call is not None else None
    name = call.name if call is not None else None

    def said(found: _Found, call_shown: bool = True) -> Waiting:
        return Waiting(pid=pid, state=stat.state, wchan=wchan, syscall=name if call_shown else None,
                       syscall_number=number if call_shown else None, threads=stat.threads,
                       kind=found.kind, on_pids=found.on_pids, fd=found.fd, maybe_pids=found.maybe_pids,
                       wait_arg=found.wait_arg, fd_target=found.fd_target)

    if stat.state == "Z":
        return said(_Found(kind="zombie"))
    if stat.state in ("T", "t"):
        return said(_Found(kind="stopped"))  # the call it was in, if any, is kept
    if stat.state == "R" or (call is not None and call.running):
        return said(_Found(kind="running"), call_shown=False)
    read = _BY_CALL.get(name or "")
    if call is None or read is None:
        return said(_Found(kind="other"))
    return said(read(_Look(pid, stat, call, wchan, among)))
