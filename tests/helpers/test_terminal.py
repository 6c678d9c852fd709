"""PtyScreen draws what a real program writes to a real pty."""

from __future__ import annotations

import os
import pty
import subprocess

from helpers.terminal import PtyScreen
from helpers.waiting import wait_until


def test_a_pty_screen_shows_what_a_program_drew():
    master, slave = pty.openpty()
    screen = PtyScreen(master, 40, 5)
    program = subprocess.Popen(["printf", "one\\r\\ntwo words that wrap here"], stdout=slave, stderr=slave)
    os.close(slave)
    try:
        def shown() -> str | None:
            screen.read(0.05)
            return screen.text() if "two" in screen.text() else None

        text = wait_until(shown, what="the program's two lines")
        assert text.splitlines()[0].rstrip() == "one"
        assert "one two words that wrap here" in screen.flowing_text()
    finally:
        program.wait(10)
        os.close(master)
