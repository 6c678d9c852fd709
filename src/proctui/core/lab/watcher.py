"""One thread that notices child exits and child output the moment they happen.

A pidfd (pidfd_open, Linux 5.3+) becomes readable when its process exits, that is when
it turns into a zombie. Polling it tells us about the exit *without reaping*, unlike
is_alive() or waitpid(), so the zombie stays for the user to see. The same poll loop
reads each child's output pipe.
"""

from __future__ import annotations

import os
import select
import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class _Watch:
    on_exit: Callable[[], None] | None = None
    on_output: Callable[[str], None] | None = None
    partial: bytes = b""
    # For an exit watch: the child's output pipe, read before the exit is reported so
    # the log shows a child's last words before its death.
    output_fd: int | None = None


class ChildWatcher:
    def __init__(self, on_error: Callable[[BaseException], None] | None = None) -> None:
        # A failing callback must not end the thread: every later exit would go unseen.
        self._on_error = on_error
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
        """Call on_exit (in the watcher thread) once the process behind pidfd has exited.

        The watcher owns pidfd from now on and closes it after the exit.
        """
        self._add(pidfd, _Watch(on_exit=on_exit, output_fd=output_fd))

    def watch_output(self, fd: int, on_line: Callable[[str], None]) -> None:
        """Call on_line for each line read from fd until end of file; then close fd."""
        self._add(fd, _Watch(on_output=on_line))

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
        """Stop the thread; it closes every descriptor it still watches."""
        with self._lock:
            if self._stopping:
                return
            self._stopping = True
            self._wake()
        self._thread.join(timeout=2)
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
                        watch.on_exit()
                    else:
                        self._read_output(fd, watch, events)
                except Exception as exc:  # noqa: BLE001 - reported, and the watch goes on
                    if self._on_error is not None:
                        self._on_error(exc)
        self._take_pending()
        for fd in list(self._watches):
            watch = self._watches[fd]
            if watch.on_output is not None:
                self._drain(fd, watch)
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
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            chunk = b""
        if not chunk:
            self._flush_partial(watch)
            self._forget(fd)
            return
        self._emit_lines(watch, chunk)

    def _read_available(self, fd: int | None) -> None:
        """Read what is in an output pipe now, without waiting for more."""
        if fd is None:
            return
        watch = self._watches.get(fd)
        if watch is None or watch.on_output is None:
            return
        blocking = os.get_blocking(fd)
        os.set_blocking(fd, False)
        try:
            while True:
                try:
                    chunk = os.read(fd, 65536)
                except (BlockingIOError, InterruptedError):
                    return
                if not chunk:
                    return  # end of file: the poll loop will see it and close fd
                self._emit_lines(watch, chunk)
        finally:
            os.set_blocking(fd, blocking)

    def _drain(self, fd: int, watch: _Watch) -> None:
        os.set_blocking(fd, False)
        while True:
            try:
                chunk = os.read(fd, 65536)
            except (BlockingIOError, OSError):
                break
            if not chunk:
                break
            self._emit_lines(watch, chunk)
        self._flush_partial(watch)

    def _emit_lines(self, watch: _Watch, chunk: bytes) -> None:
        assert watch.on_output is not None
        data = watch.partial + chunk
        *lines, watch.partial = data.split(b"\n")
        for line in lines:
            watch.on_output(line.decode("utf-8", "replace"))

    def _flush_partial(self, watch: _Watch) -> None:
        if watch.partial and watch.on_output is not None:
            watch.on_output(watch.partial.decode("utf-8", "replace"))
            watch.partial = b""
