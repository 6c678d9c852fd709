"""The warden of a script run by proctui: what ends the script's processes when proctui
is killed with SIGKILL and can end nothing itself.

    python -m proctui.core.script.warden < PIPE

proctui starts it beside the script process and writes to it, on a pipe, the script's
process group and every process of the script it learns of (PID and start time: a hello
on the channel, a look at /proc). The warden only reads. When the pipe reaches end of
file, proctui has gone, whichever way: the warden then SIGKILLs every process it was told
of that is still the same process (same start time), and every process still in the
script's process group (a subprocess, a multiprocessing child: all that did not leave it
with setsid or setpgid, and those that did were told of). After an orderly end proctui
has ended and reaped everything already, and the warden finds nothing to do.

It is no ancestor of the script, so it changes nothing the script sees: orphans of the
script are still adopted by proctui, the nearest subreaper.
"""

from __future__ import annotations

import os
import signal
import sys
import time

#: Runs in another process (the warden, a process of its own that outlives proctui to end
#: the script's processes): it may import only the standard library and stdlib-only modules
#: of proctui's (tests/core/test_architecture.py).
RUNS_IN_ANOTHER_PROCESS = True


def _stat(pid: int) -> list[bytes] | None:
    """The fields of /proc/PID/stat after the command name (state first), or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            raw = stat.read()
    except OSError:
        return None
    return raw[raw.rindex(b")") + 2 :].split()


def _start_ticks(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[19]) if fields else None


def _group_of(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[2]) if fields else None


def cmdline(pid: int) -> bytes:
    """/proc/PID/cmdline as it is (NUL between the words), or b"" once it is gone."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as read:
            return read.read()
    except OSError:
        return b""


def end_everything(told: dict[int, int], group: int | None, group_since: int, mark: bytes = b"") -> None:
    """SIGKILL every process told of (if still the same), every one left in the group, and
    every copy of the script process (a fork of it keeps its command line, which names the
    run's own channel: mark), even one that left the group and was never told of."""
    own = os.getpid()
    for _ in range(3):  # what was forking while we looked is looked for again
        doomed = [pid for pid, ticks in told.items() if _start_ticks(pid) == ticks]
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == own:
                continue
            pid = int(entry)
            ticks = _start_ticks(pid)
            # Started after the script: not a newcomer that took the group's number.
            if ticks is None or ticks < group_since:
                continue
            if (group is not None and _group_of(pid) == group) or (mark and mark in cmdline(pid)):
                doomed.append(pid)
        if not doomed:
            return
        for pid in doomed:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _wait_until_dead(doomed)


def _state(pid: int) -> bytes | None:
    fields = _stat(pid)
    return fields[0] if fields else None


def _wait_until_dead(pids: list[int], seconds: float = 2.0) -> None:
    """SIGKILL is delivered when the process next runs: wait (on a busy machine, a while)
    until each is a zombie or gone, so that whoever reaps after us finds them dead."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(_state(pid) not in (None, b"Z", b"X") for pid in pids):
        time.sleep(0.005)


class Warden:
    """proctui's side of a warden: start one, tell it what to end, let it go.

    ``purpose`` names what it guards on its command line (``--for practice``), so that
    the tree can say what it is for.
    """

    def __init__(self, purpose: str = "script") -> None:
        self.purpose = purpose
        self.pid: int | None = None
        self._pipe: int | None = None  # what we tell it through

    def start(self, env: dict[str, str] | None = None) -> bool:
        self.release()
        read_end, write_end = os.pipe()
        argv = [sys.executable, "-m", "proctui.core.script.warden", "--for", self.purpose]
        try:
            self.pid = os.posix_spawn(
                sys.executable, argv, env if env is not None else dict(os.environ),
                file_actions=[(os.POSIX_SPAWN_DUP2, read_end, 0), (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)])
        except OSError:
            os.close(write_end)
            self.pid = None
            return False
        finally:
            os.close(read_end)
        self._pipe = write_end
        return True

    @property
    def pipe(self) -> tuple[int, int]:
        """Our end of its pipe and the pipe's inode ((-1, 0) if none): a child forked from
        proctui holds a copy, and while any copy is open the warden never sees end of file.
        Such a child closes it (``close_copy``)."""
        if self._pipe is None:
            return -1, 0
        return self._pipe, os.fstat(self._pipe).st_ino


    def tell(self, line: str) -> None:
        if self._pipe is not None:
            try:
                os.write(self._pipe, (line + "\n").encode())
            except OSError:
                pass

    def release(self) -> bool:
        """proctui has ended everything itself: the warden is let go (end of file), and
        reaped once it has ended what is left. False if there was none."""
        had_one = self.pid is not None
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None
        if self.pid is not None:
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
            self.pid = None
        return had_one


def close_copy(pipe: tuple[int, int]) -> None:
    """In a child: close our copy of a warden's pipe, if it has one (a fork) and the
    descriptor is still that pipe (under spawn the number may be another file's)."""
    fd, inode = pipe
    try:
        if fd >= 0 and os.fstat(fd).st_ino == inode:
            os.close(fd)
    except OSError:
        pass


def main() -> int:
    told: dict[int, int] = {}
    group: int | None = None
    group_since = 0
    mark = b""
    for line in sys.stdin.buffer:  # until proctui is gone: end of file
        words = line.split()
        if len(words) == 3 and words[0] == b"group":
            group, group_since = int(words[1]), int(words[2])
        elif len(words) == 3 and words[0] == b"pid":
            told[int(words[1])] = int(words[2])
        elif len(words) == 2 and words[0] == b"mark":
            mark = words[1]
    end_everything(told, group, group_since, mark)
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a ctrl+c meant for proctui is not for us
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # nor a terminal hanging up: end of file is
    sys.exit(main())
