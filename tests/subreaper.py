"""Run a command under a child subreaper of the test's own, as a login shell would run it.

    python tests/subreaper.py STATUS_FILE COMMAND [ARG...]

Why: on the machines proctui is tested on, PID 1 kills every process it adopts within
half a second, so an orphan re-parented to PID 1 proves nothing about cleanup. This
process makes itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER): whatever the
command leaves behind is re-parented here and *stays alive*, where a test can count it.
Like init, it reaps every child it adopts, so what remains below it is alive or, for a
moment, a zombie on its way out.

Started with its terminal on fd 0 in a new session (``start_new_session=True``), it
also plays the shell: it takes that terminal as its controlling terminal and runs the
command as the terminal's foreground process group, so that a closing terminal and a
job-control SIGHUP reach the command as they would over SSH. It ignores SIGHUP itself.

STATUS_FILE gets ``started PID`` and later ``exited PID STATUS`` for the command, and
``adopted PID STATUS`` for each orphan that ended here (the command did not reap it).
SIGTERM ends it: it kills (SIGKILL) everything still below it, reaps it all, and exits.
"""

from __future__ import annotations

import fcntl
import os
import signal
import sys
import termios
import time

from proctui.core.linux import PR_SET_CHILD_SUBREAPER, prctl


def descendants(root: int) -> list[int]:
    """Every process below root, by the PPID links in /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                raw = f.read()
            ppid = int(raw[raw.rindex(b")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            continue  # gone while we looked
        children.setdefault(ppid, []).append(int(entry))
    found, stack = [], list(children.get(root, []))
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def log(status_file: str, line: str) -> None:
    with open(status_file, "a") as f:
        f.write(line + "\n")


class Stop(Exception):
    pass


def stop(signum, frame) -> None:
    raise Stop


def kill_everything_below() -> None:
    me = os.getpid()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        below = descendants(me)
        for pid in below:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            if not below:
                return
        time.sleep(0.01)


def main() -> int:
    status_file, command = sys.argv[1], sys.argv[2:]
    prctl(PR_SET_CHILD_SUBREAPER, 1)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTTOU, signal.SIG_IGN)  # tcsetpgrp() from the background
    signal.signal(signal.SIGTERM, stop)
    has_terminal = os.isatty(0)
    if has_terminal:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    pid = os.fork()
    if pid == 0:
        try:
            os.setpgid(0, 0)
            if has_terminal:
                os.tcsetpgrp(0, os.getpgrp())  # the foreground job, as a shell makes it
            for signum in (signal.SIGHUP, signal.SIGTTOU, signal.SIGTERM):
                signal.signal(signum, signal.SIG_DFL)
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    try:
        os.setpgid(pid, pid)
    except (PermissionError, ProcessLookupError):
        pass  # the child did it first (and may have exec'd already)
    log(status_file, f"started {pid}")
    try:
        while True:
            try:
                reaped, status = os.waitpid(-1, 0)
            except ChildProcessError:
                time.sleep(0.01)  # nothing below us now; wait for SIGTERM
                continue
            if reaped == pid:
                log(status_file, f"exited {pid} {status}")
            else:
                log(status_file, f"adopted {reaped} {status}")  # an orphan the command left to us
    except Stop:
        pass
    kill_everything_below()
    return 0


if __name__ == "__main__":
    sys.exit(main())
