"""proctui in a real terminal: the installed console script, and a pty drawn with pyte."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select as select_module  # this module has a select() of its own, for tree rows
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pyte
import pytest

from helpers.processes import end_and_reap, family_of


def installed_proctui() -> str:
    """The proctui console script installed next to the Python running the tests."""
    found = shutil.which("proctui", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("the proctui console script is not installed next to this Python (pip install -e .)")
    return found


class PtyScreen:
    """The master side of a pty, and a pyte screen that shows what the program drew."""

    def __init__(self, master: int, columns: int, lines: int) -> None:
        self.master = master
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)

    def read(self, seconds: float = 0.05) -> None:
        """Draw what the program writes for up to ``seconds`` (less once it stops writing)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select_module.select([self.master], [], [], left)
            if not ready:
                return
            try:
                data = os.read(self.master, 65536)
            except OSError:  # the program has gone and the terminal with it
                return
            if not data:
                return
            self.stream.feed(data)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def flowing_text(self) -> str:
        """The screen with box borders gone and lines joined, so that a log line the
        app wrapped at the pane's edge can be found whole."""
        lines = (line.strip().strip("│").strip() for line in self.screen.display)
        return " ".join(" ".join(lines).split())

    def press(self, keys: str) -> None:
        os.write(self.master, keys.encode())


#: The terminal proctui is tried in: the smallest it is made for.
COLUMNS, LINES = 80, 24


class Terminal(PtyScreen):
    """A pty with a program in it, and a pyte screen that shows what it drew."""

    def __init__(self, argv: list[str], columns: int = COLUMNS, lines: int = LINES, *,
                 resizable: bool = False) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(lines)}
        env.pop("NO_COLOR", None)
        if resizable:  # the size from the pty only: COLUMNS and LINES would win over it
            del env["COLUMNS"], env["LINES"]
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, close_fds=True
        )
        os.close(slave)
        super().__init__(master, columns, lines)

    def resize(self, columns: int, lines: int) -> None:
        """The window resized (proctui's session has no controlling terminal, so the
        kernel sends no SIGWINCH: the test does)."""
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        self.screen.resize(lines, columns)
        self.process.send_signal(signal.SIGWINCH)

    def wait_for(self, fragment: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.read(0.05)
            if fragment in self.text() or fragment in self.flowing_text():
                return self.text()
        raise AssertionError(f"{fragment!r} never appeared on screen:\n{self.text()}")

    def wait_gone(self, fragment: str, timeout: float = 20.0) -> None:
        """Wait until the screen no longer shows fragment (a lone ESC is told apart from
        an escape sequence by a pause: waiting for what it closes is that pause)."""
        deadline = time.monotonic() + timeout
        while fragment in self.text() or fragment in self.flowing_text():
            if time.monotonic() > deadline:
                raise AssertionError(f"{fragment!r} is still on screen:\n{self.text()}")
            self.read(0.05)

    def shown_step(self) -> int:
        """The step number the code viewer's title shows (0 if none)."""
        found = re.findall(r"· step (\d+)", self.text())
        return int(found[-1]) if found else 0

    def next_step(self) -> None:
        """n, and wait for the viewer to show the next step: a second n before the first
        is drawn could step past the line the test waits for."""
        before = self.shown_step()
        self.press("n")
        deadline = time.monotonic() + 20
        while self.shown_step() == before:
            if time.monotonic() > deadline:
                raise AssertionError(f"n did not move on from step {before}:\n{self.text()}")
            self.read(0.05)
        self.read(0.1)  # the rest of the frame that drew it

    def wait_exit(self, timeout: float = 30.0) -> int:
        """Wait for the program to end, reading what it writes meanwhile (a full pty
        buffer would block its last writes, and so its exit)."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"proctui did not exit:\n{self.text()}")
            self.read(0.05)
        return self.process.returncode

    def close(self) -> None:
        """End proctui if the test did not (it failed midway): SIGTERM, on which proctui
        ends and reaps all it started (test_exit_paths). Should it hang, SIGKILL: its
        children then end themselves and are re-parented to the test run, which reaps them."""
        if self.process.poll() is None:  # (once reaped, its PID may be another's: not looked at)
            family = family_of(self.process.pid)
            self.process.terminate()
            deadline = time.monotonic() + 15
            while self.process.poll() is None and time.monotonic() < deadline:
                self.read(0.05)  # a full pty would block its last writes, and so its exit
            end_and_reap(family)
        self.process.wait(10)
        os.close(self.master)
