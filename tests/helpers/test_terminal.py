"""PtyScreen draws what a real program writes to a real pty."""

from __future__ import annotations

import os
import pty
import subprocess

from helpers.terminal import PtyScreen
from helpers.waiting import wait_until


def test_a_pty_screen_shows_what_a_program_drew_and_finds_a_wrapped_line_whole():
    # As the app draws a log line too long for its pane: wrapped at words, inside a box.
    master, slave = pty.openpty()
    screen = PtyScreen(master, 40, 5)
    drawn = "one\\r\\n│two words│\\r\\n│that wrap│\\r\\n│here│"
    program = subprocess.Popen(["printf", drawn], stdout=slave, stderr=slave)
    os.close(slave)
    try:
        def shown() -> str | None:
            screen.read(0.05)
            return screen.text() if "here" in screen.text() else None

        text = wait_until(shown, what="the program's lines")
        assert text.splitlines()[:2] == ["one".ljust(40), "│two words│".ljust(40)]
        assert "two words that wrap here" not in text
        assert "one two words that wrap here" in screen.flowing_text()
    finally:
        program.wait(10)
        os.close(master)
