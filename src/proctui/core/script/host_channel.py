"""A process of the script's connection to proctui (``host_channel``: the script's side;
runner.py holds proctui's). JSON lines over a Unix socket, file descriptors beside them
(SCM_RIGHTS); the messages are protocol.py's.

Runs in the script's processes: the standard library only.
"""

from __future__ import annotations

import json
import os
import socket
import threading

from proctui.core.script.protocol import Command, FromHost, SteppingAnswer

#: Runs in another process (inside the user's script (see host.py)): it may import only the
#: standard library and stdlib-only modules of proctui's (tests/core/test_architecture.py).
RUNS_IN_ANOTHER_PROCESS = True


class Channel:
    """This process's connection to proctui."""

    def __init__(self, path: str) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self._reader = self.sock.makefile("rb")
        # A thread of the script (one that starts a subprocess) may send while the main
        # thread sends a pause: one message at a time, never two interleaved.
        self._sending = threading.Lock()
        self._sender: int | None = None  # the thread inside send(), lock held
        self._deferred: list[bytes] = []  # send_from_anywhere's, sent by the send() it interrupted

    def send(self, message: FromHost, fds: list[int] | None = None) -> None:
        data = (json.dumps(message) + "\n").encode()
        with self._sending:
            self._send_held(data, fds)

    def _send_held(self, data: bytes, fds: list[int] | None = None) -> None:
        self._sender = threading.get_ident()
        try:
            if fds:
                socket.send_fds(self.sock, [data], fds)
            else:
                self.sock.sendall(data)
            while self._deferred:
                self.sock.sendall(self._deferred.pop(0))
        finally:
            self._sender = None

    def send_from_anywhere(self, message: FromHost) -> None:
        """send(), from code that may run inside a signal handler: the script's SIGCHLD
        handler that reaps runs in the main thread, maybe while it is inside send(), whose
        lock it would wait for for ever. Then the message is left for that send() to pass
        on after its own. Under another thread's send, it waits its turn (a second at most:
        a handler that ran between send()'s lock and its note of the thread; then the
        message is dropped rather than the script held)."""
        data = (json.dumps(message) + "\n").encode()
        if self._sender == threading.get_ident():
            self._deferred.append(data)
            return
        if not self._sending.acquire(timeout=1.0):
            return
        try:
            self._send_held(data)
        finally:
            self._sending.release()

    def receive_command(self) -> Command | None:
        """The next command; None once proctui has gone: run on, as nobody will step us any more."""
        line = self._reader.readline()
        if not line:
            return None
        command: Command = json.loads(line)
        return command

    def receive_stepping(self) -> bool:
        """A fork server child's answer to its hello: whether it pauses at its target
        (False once proctui has gone)."""
        line = self._reader.readline()
        if not line:
            return False
        answer: SteppingAnswer = json.loads(line)
        return bool(answer.get("stepping"))

    def drop_inherited(self) -> None:
        """In a forked child, close its copy of the parent's connection: close, not
        shutdown, so the parent's stays open; and proctui sees the parent's end of file
        when the parent ends, not when its last child does."""
        self._reader.close()
        os.close(self.sock.detach())

    def close(self) -> None:
        try:
            self._reader.close()
            self.sock.close()
        except OSError:
            pass
