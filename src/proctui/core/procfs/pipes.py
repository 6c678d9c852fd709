"""Who holds a pipe open: what keeps a sentinel from reporting end of file, and whom a
process blocked on a pipe waits for."""

from __future__ import annotations

import os
from collections.abc import Iterable

from proctui.core.procfs.stat import all_pids


def open_files(pid: int) -> dict[int, str]:
    """What each descriptor of pid names, as /proc/PID/fd shows it ("pipe:[123]",
    "socket:[456]", a path…); {} once the process is gone or hidden from us. A descriptor
    closed while we read is left out."""
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return {}
    found = {}
    for name in fds:
        try:
            found[int(name)] = os.readlink(f"/proc/{pid}/fd/{name}")
        except OSError:
            continue
    return found


def access_mode(pid: int, fd: int) -> int | None:
    """os.O_RDONLY, os.O_WRONLY or os.O_RDWR: how pid's fd was opened (its fdinfo's
    flags); None if it is closed or hidden. Both ends of a pipe name the same inode, so
    this is what tells the write end from the read end."""
    try:
        with open(f"/proc/{pid}/fdinfo/{fd}") as info:
            flags = next(int(line.split()[1], 8) for line in info if line.startswith("flags:"))
    except (OSError, StopIteration, ValueError):
        return None
    return flags & os.O_ACCMODE


def can_write(mode: int | None) -> bool:
    return mode is not None and mode != os.O_RDONLY


def can_read(mode: int | None) -> bool:
    return mode is not None and mode != os.O_WRONLY


class OpenFilesOf:
    """The open descriptors of some processes, read once, to find who holds what:
    one listing of each process's fds however many pipes are looked up."""

    def __init__(self, pids: Iterable[int]) -> None:
        self._by_target: dict[str, list[tuple[int, int]]] = {}
        for pid in dict.fromkeys(pids):
            for fd, name in open_files(pid).items():
                self._by_target.setdefault(name, []).append((pid, fd))

    def holders(self, target: str, writing: bool | None) -> list[int]:
        """The processes, in the order given, holding target ("pipe:[123]") open for
        writing (writing=True), for reading (False), or either way (None)."""
        found: list[int] = []
        for pid, fd in self._by_target.get(target, ()):
            if pid in found:
                continue
            if writing is None:
                found.append(pid)
                continue
            mode = access_mode(pid, fd)
            if can_write(mode) if writing else can_read(mode):
                found.append(pid)
        return found


def pipe_writers(read_fd: int) -> list[int]:
    """The processes, other than this one, that hold the write end of the pipe whose read
    end is our read_fd: while any of them does, the read end never reports end of file.

    A multiprocessing sentinel is such a read end: it turns readable when every copy of
    the child's write end is closed, which is usually when the child exits, but not if
    a process the child forked inherited a copy. Both ends of a pipe show as the same
    ``pipe:[inode]`` in /proc/PID/fd; /proc/PID/fdinfo's flags tell the write end
    (O_WRONLY). Processes we may not look into are left out.
    """
    target = f"pipe:[{os.fstat(read_fd).st_ino}]"
    me = os.getpid()
    return OpenFilesOf(pid for pid in all_pids() if pid != me).holders(target, writing=True)
