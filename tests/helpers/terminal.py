"""proctui in a real terminal: the installed console script, and a pty drawn with pyte."""

from __future__ import annotations

import os
import select as select_module  # this module has a select() of its own, for tree rows
import shutil
import sys
import time
from pathlib import Path

import pyte
import pytest


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
