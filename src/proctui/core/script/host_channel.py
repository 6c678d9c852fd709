"""A process of the script's connection to proctui (``host_channel``: the script's side;
runner.py holds proctui's). JSON lines over a Unix socket, file descriptors beside them
(SCM_RIGHTS).

Runs in the script's processes: the standard library only.
"""

from __future__ import annotations

import json
import os
import socket
import threading
from typing import Any


class Channel:
    """This process's connection to proctui."""

    def __init__(self, path: str) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self._reader = self.sock.makefile("rb")
        # A thread of the script (one that starts a subprocess) may send while the main
        # thread sends a pause: one message at a time, never two interleaved.
        self._sending = threading.Lock()

    def send(self, message: dict[str, Any], fds: list[int] | None = None) -> None:
        data = (json.dumps(message) + "\n").encode()
        with self._sending:
            if fds:
                socket.send_fds(self.sock, [data], fds)
            else:
                self.sock.sendall(data)

    def receive(self) -> dict[str, Any]:
        line = self._reader.readline()
        if not line:  # proctui went away: run on, as nobody will step us any more
            return {"cmd": "gone"}
        message: dict[str, Any] = json.loads(line)
        return message

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
