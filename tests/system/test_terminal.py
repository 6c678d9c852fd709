"""The installed `proctui` in a real pseudo-terminal of 80x24, read back with pyte."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import signal
import struct
import subprocess
import termios
import time

import psutil
import pyte

from helpers.processes import end_and_reap, family_of
from helpers.terminal import PtyScreen, installed_proctui
from helpers.waiting import wait_until
from proctui.core.lifeline.asciicast import read_cast

COLUMNS, LINES = 80, 24
DOWN = "\x1b[B"


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


def test_installed_proctui_in_a_real_terminal():
    term = Terminal([installed_proctui()])
    try:
        term.wait_for("lab: proctui and its children")
        app_pid = term.process.pid
        screen = term.wait_for("proctui (this app)")
        assert re.search(rf"{app_pid} self +proctui \(this app\) PPID {os.getpid()}", screen)
        term.wait_for("q Quit")
        assert "f Fork" in term.text()

        term.press("f")
        term.wait_for("child-1 fork")
        [child] = psutil.Process(app_pid).children()
        child_pid = child.pid
        # A child just forked may still be running its first lines (R) on a busy machine:
        # wait for the kernel to say it sleeps, as the row will.
        term.wait_for(f"{child_pid} S sleeping")
        term.wait_for(f"[child child-1] PID: {child_pid}, PPID: {app_pid}")

        term.press("z")
        term.wait_for("Z zombie <defunct>")
        zombie = next(p for p in psutil.Process(app_pid).children() if p.pid != child_pid)
        zombie_pid = zombie.pid
        assert zombie.status() == psutil.STATUS_ZOMBIE

        # Down to child-1 (the row under the root), then terminate it.
        term.press(DOWN)
        term.wait_for(f"child-1 PID {child_pid}")
        term.press("t")
        term.wait_for("exit -15 (SIGTERM)")

        # Down to the zombie, and step through its join() down to os.waitpid.
        term.press(DOWN)
        term.wait_for(f"zombie-1 PID {zombie_pid}")
        term.press("w")
        term.wait_for("zombie-1.join()")
        term.wait_for("· step 1")
        for _ in range(60):
            if f"Next: os.waitpid({zombie_pid}, 0)" in term.flowing_text():
                break
            term.next_step()
        else:
            raise AssertionError(f"never reached os.waitpid:\n{term.text()}")
        term.wait_for(f"{zombie_pid} Z zombie <defunct>")
        assert zombie.status() == psutil.STATUS_ZOMBIE
        term.press("n")
        term.wait_for(f"waitpid returned ({zombie_pid}, 0x0000): WIFEXITED, WEXITSTATUS=0")
        assert not zombie.is_running()  # by its start time too: its PID may be someone else's by now
        term.wait_gone(f"{zombie_pid} Z zombie")
        term.press("c")
        term.wait_for("finished")
        term.press("\x1b")
        term.wait_gone("esc close")  # the viewer's own line

        # The SIGTERM'd child is a zombie too; the cursor fell back onto its row (the
        # last one) when the zombie's row went: join it in one go.
        term.wait_for(f"child-1 PID {child_pid}")
        term.press("w")
        term.wait_for("child-1.join()")
        term.press("c")
        term.wait_for(f"({child_pid}, 0x000f) -> exitcode -15")
        term.press("\x1b")
        term.wait_gone("esc close")

        term.press("?")
        term.wait_for("help: keys")
        term.press("\x1b")
        term.wait_gone("help: keys")

        term.press("q")
        assert term.wait_exit() == 0
        for proc in (child, zombie):
            assert not proc.is_running(), f"{proc.pid} outlived proctui"
    finally:
        term.close()


def test_help_and_version_need_no_terminal():
    out = subprocess.run([installed_proctui(), "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("proctui ")
    bad = subprocess.run([installed_proctui(), "--start-method", "vfork"], capture_output=True, text=True)
    assert bad.returncode == 2
    assert "invalid choice: 'vfork'" in bad.stderr


def test_a_recording_plays_back_what_the_terminal_showed(tmp_path, monkeypatch):
    """The terminal half of a record (until --record FILE, PROCTUI_CAST=FILE): every
    frame proctui drew, and the window's new size, as asciicast v3 that a player (here
    pyte) draws again."""
    record = tmp_path / "session.cast"
    monkeypatch.setenv("PROCTUI_CAST", str(record))
    term = Terminal([installed_proctui()], resizable=True)
    try:
        term.wait_for("q Quit")
        term.press("f")
        term.wait_for("child-1 fork")
        [child] = psutil.Process(term.process.pid).children()
        row = f"{child.pid} S sleeping"
        term.wait_for(row)
        term.resize(100, 30)

        def drawn_at_the_new_size() -> bool:
            term.read(0.05)
            return "Quit" in term.screen.display[-1]

        wait_until(drawn_at_the_new_size, what="a frame of 100x30")
        term.press("q")
        assert term.wait_exit() == 0
    finally:
        term.close()

    cast = read_cast(record)
    assert (cast.cols, cast.rows) == (COLUMNS, LINES)
    assert cast.header["term"]["type"] == "xterm-256color"
    assert not cast.truncated
    assert [event.data for event in cast.events if event.code == "r"] == ["100x30"]
    assert (cast.events[-1].code, cast.events[-1].data) == ("x", "0")
    screen = pyte.Screen(cast.cols, cast.rows)
    stream = pyte.Stream(screen)
    shown = ""
    for event in cast.events:
        if event.code == "r":
            columns, lines = map(int, event.data.split("x"))
            screen.resize(lines, columns)
        elif event.code == "o":
            stream.feed(event.data)
            shown = "\n".join(screen.display)
            if row in shown and screen.columns == 100 and "Quit" in screen.display[-1]:
                break
    else:
        raise AssertionError(f"the recording never showed {row!r} at 100x30; at its end:\n{shown}")
    assert "proctui (this app)" in shown
    assert "child-1 fork" in " ".join(" ".join(line.strip().strip("│") for line in screen.display).split())
