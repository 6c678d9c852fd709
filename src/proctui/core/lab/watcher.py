"""One thread that notices child exits and child output the moment they happen.

A pidfd (pidfd_open, Linux 5.3+) becomes readable when its process exits, that is when
it turns into a zombie. Polling it tells us about the exit *without reaping*, unlike
is_alive() or waitpid(), so the zombie stays for the user to see. The same poll loop
reads each child's output pipe, the moment it is readable, and hands what it read to the
OutputSayer's thread, which makes lines of it (sayer.py): reading never waits for that.
Each pipe is made as large as the kernel lets an unprivileged process make it (1 MiB),
for the moments this thread waits for the GIL.
"""

from __future__ import annotations

import fcntl
import os
import select
import threading
from collections.abc import Callable
from dataclasses import dataclass

from proctui.core.lab.sayer import LineBudget, OnOutput, OutputSayer, Pipe

PIPE_SIZE = 1 << 20  # /proc/sys/fs/pipe-max-size's default: what an unprivileged process may ask
READ_SIZE = 1 << 18  # bytes a read takes at most: a flood is read in few wake-ups


@dataclass(slots=True)
class _Watch:
    on_exit: Callable[[], None] | None = None
    output: Pipe | None = None
    # For an exit watch: the child's output pipe, read before the exit is reported so
    # the log shows a child's last words before its death.
    output_fd: int | None = None


class ChildWatcher:
    def __init__(self, on_error: Callable[[BaseException], None] | None = None,
                 budget: LineBudget | None = None) -> None:
        """budget: how many lines printed become events (the OutputSayer's default if None)."""
        # A failing callback must not end the thread: every later exit would go unseen.
        self._on_error = on_error
        self._sayer = OutputSayer(on_error, budget)
        self._poll = select.poll()
        self._watches: dict[int, _Watch] = {}
        self._lock = threading.Lock()
        self._pending: list[tuple[int, _Watch]] = []
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)
        self._poll.register(self._wake_r, select.POLLIN)
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="proctui-child-watcher", daemon=True)
        self._thread.start()

    def watch_exit(self, pidfd: int, on_exit: Callable[[], None], output_fd: int | None = None) -> None:
        """Call on_exit (in the sayer's thread, after the lines read before) once the
        process behind pidfd has exited.

        The watcher owns pidfd from now on and closes it after the exit.
        """
        self._add(pidfd, _Watch(on_exit=on_exit, output_fd=output_fd))

    def watch_output(self, fd: int, on_output: OnOutput) -> None:
        """Call on_output (in the sayer's thread) with the lines read from fd until end of
        file; then close fd."""
        try:
            fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
        except OSError:  # not a pipe, or over the user's pipe quota: the size it has
            pass
        self._add(fd, _Watch(output=Pipe(on_output)))

    def _add(self, fd: int, watch: _Watch) -> None:
        with self._lock:
            if self._stopping:
                os.close(fd)  # nobody will watch it any more
                return
            self._pending.append((fd, watch))
            self._wake()

    def _wake(self) -> None:
        # Called with self._lock held, so the wake pipe is still open (stop closes it
        # only after taking the lock and seeing the thread gone).
        try:
            os.write(self._wake_w, b"x")
        except BlockingIOError:
            pass  # already woken

    def stop(self) -> None:
        """Stop the thread; it closes every descriptor it still watches, and what it read
        is said."""
        with self._lock:
            if self._stopping:
                return
            self._stopping = True
            self._wake()
        self._thread.join(timeout=2)
        self._sayer.stop()
        if not self._thread.is_alive():
            os.close(self._wake_r)
            os.close(self._wake_w)

    def _run(self) -> None:
        while not self._stopping:
            for fd, events in self._poll.poll():
                if fd == self._wake_r:
                    os.read(self._wake_r, 4096)
                    self._take_pending()
                    continue
                watch = self._watches.get(fd)
                if watch is None:
                    continue
                try:
                    if watch.on_exit is not None:
                        self._forget(fd)
                        self._read_available(watch.output_fd)
                        self._sayer.call(watch.on_exit)
                    else:
                        self._read_output(fd, watch, events)
                except Exception as exc:  # noqa: BLE001 - reported, and the watch goes on
                    if self._on_error is not None:
                        self._on_error(exc)
        self._take_pending()
        for fd in list(self._watches):
            watch = self._watches[fd]
            if watch.output is not None:
                self._drain(fd, watch.output)
            self._forget(fd)

    def _take_pending(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
        for fd, watch in pending:
            self._watches[fd] = watch
            self._poll.register(fd, select.POLLIN)

    def _forget(self, fd: int) -> None:
        self._watches.pop(fd, None)
        self._poll.unregister(fd)
        os.close(fd)

    def _read_output(self, fd: int, watch: _Watch, events: int) -> None:
        assert watch.output is not None
        try:
            chunk = os.read(fd, READ_SIZE)
        except OSError:
            chunk = b""
        if not chunk:
            self._sayer.ended(watch.output)
            self._forget(fd)
            return
        self._sayer.read(watch.output, chunk)

    def _read_available(self, fd: int | None) -> None:
        """Read what is in an output pipe now, without waiting for more."""
        if fd is None:
            return
        watch = self._watches.get(fd)
        if watch is None or watch.output is None:
            return
        blocking = os.get_blocking(fd)
        os.set_blocking(fd, False)
        try:
            while True:
                try:
                    chunk = os.read(fd, READ_SIZE)
                except (BlockingIOError, InterruptedError):
                    return
                if not chunk:
                    return  # end of file: the poll loop will see it and close fd
                self._sayer.read(watch.output, chunk)
        finally:
            os.set_blocking(fd, blocking)

    def _drain(self, fd: int, pipe: Pipe) -> None:
        os.set_blocking(fd, False)
        while True:
            try:
                chunk = os.read(fd, READ_SIZE)
            except (BlockingIOError, OSError):
                break
            if not chunk:
                break
            self._sayer.read(pipe, chunk)
        self._sayer.ended(pipe)
