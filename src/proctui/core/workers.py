"""What lab children run: top-level functions, so spawn and forkserver can import them.

A forked child starts as a copy of proctui, a multi-threaded Textual app: only the
forking thread survives, sys.stdout is Textual's print capture, fd 1 and 2 are the
terminal proctui draws on, and signal handlers are proctui's. So every target first
calls ``_become_lab_child``: its stdout and stderr go to a pipe that ends in the event
log, and the signals a user sends have their default effect. After that, children only
print, sleep and exit; multiprocessing's fork path leaves through ``os._exit``.
"""

from __future__ import annotations

import io
import os
import signal
import sys
import time

from proctui.core.linux import set_parent_death_signal


class ChildOutput:
    """The write end of the pipe that carries one child's stdout and stderr to the log.

    Under fork the child simply inherits the descriptor. Under spawn and forkserver the
    Process's arguments are pickled, so the descriptor is handed over with
    ``reduction.DupFd``, the way multiprocessing passes its own Connection objects.
    """

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __reduce__(self):
        from multiprocessing import reduction

        return (_rebuild_child_output, (reduction.DupFd(self.fd),))

    def __repr__(self) -> str:
        return f"ChildOutput(fd={self.fd})"


def _rebuild_child_output(dup_fd) -> ChildOutput:
    return ChildOutput(dup_fd.detach())


# Signals whose handlers a forked child would otherwise inherit from proctui.
_RESET_SIGNALS = ("SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGWINCH", "SIGCHLD", "SIGTSTP", "SIGCONT")


def _become_lab_child(out: ChildOutput) -> None:
    for name in _RESET_SIGNALS:
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    os.dup2(out.fd, 1)
    os.dup2(out.fd, 2)
    if out.fd not in (1, 2):
        os.close(out.fd)
    # Fresh text streams on the pipe: the inherited sys.stdout may be Textual's capture
    # object, whose lock another (now vanished) thread may have held at fork time.
    sys.stdout = sys.__stdout__ = io.TextIOWrapper(
        io.FileIO(1, "w", closefd=False), encoding="utf-8", errors="replace", line_buffering=True
    )
    sys.stderr = sys.__stderr__ = io.TextIOWrapper(
        io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace", line_buffering=True
    )
    # If proctui dies without ending us (SIGKILL), the kernel ends us too. This fires
    # when the *thread* that forked us exits, which is why the Lab forks only from
    # proctui's main thread. If proctui died before this line, we are already orphaned.
    set_parent_death_signal(signal.SIGKILL)
    import multiprocessing

    parent = multiprocessing.parent_process()
    if parent is not None and not parent.is_alive():
        os._exit(1)


def sleeper(label: str, out: ChildOutput) -> None:
    """The article's first child: say who we are and who our parent is, then wait."""
    _become_lab_child(out)
    print(f"[child {label}] PID: {os.getpid()}, PPID: {os.getppid()}")
    while True:
        # Sleeps until a signal ends it: terminate(), kill(), or proctui quitting.
        time.sleep(3600)


def exit_at_once(label: str, out: ChildOutput, exit_code: int) -> None:
    """A child that ends straight away: it stays a zombie until its parent reaps it."""
    _become_lab_child(out)
    print(f"[zombie {label}] PID: {os.getpid()}, PPID: {os.getppid()}, exiting with code {exit_code}")
    sys.exit(exit_code)
