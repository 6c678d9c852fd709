"""Who holds a pipe open: what keeps a sentinel from reporting end of file."""

from __future__ import annotations

import os

from proctui.core.procfs.stat import all_pids


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
    writers: list[int] = []
    for pid in all_pids():
        if pid == me:
            continue
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") != target:
                    continue
                with open(f"/proc/{pid}/fdinfo/{fd}") as info:
                    flags = next(int(line.split()[1], 8) for line in info if line.startswith("flags:"))
            except (OSError, StopIteration, ValueError):
                continue
            if flags & os.O_ACCMODE != os.O_RDONLY:
                writers.append(pid)
                break
    return writers
