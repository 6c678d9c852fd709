"""The installed `proctui` in a real pseudo-terminal of 80x24, read back with pyte."""

from __future__ import annotations

import os
import re
import subprocess

import psutil
import pyte

from helpers.terminal import COLUMNS, LINES, Terminal, installed_proctui
from helpers.waiting import wait_until
from proctui.core.lifeline.asciicast import read_cast

DOWN = "\x1b[B"


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
        term.wait_for(f"{zombie_pid} - gone")  # its row stays, dim: how it ended and who reaped it
        term.press("c")
        term.wait_for("finished")
        term.press("\x1b")
        term.wait_gone("esc close")  # the viewer's own line

        # The SIGTERM'd child is a zombie too; the cursor is still on the gone zombie's
        # row: up to the child's, and join it in one go.
        term.press("\x1b[A")
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


def test_a_recording_plays_back_what_the_terminal_showed(tmp_path):
    """The terminal half of a record (--record FILE writes FILE's .cast): every frame
    proctui drew, and the window's new size, as asciicast v3 that a player (here pyte)
    draws again; a marker where the child was forked, so that a player pauses there."""
    record = tmp_path / "session.cast"
    term = Terminal([installed_proctui(), "--record", str(tmp_path / "session.jsonl")], resizable=True)
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
    assert any(f"-> child {child.pid}" in label for _, label in cast.markers)  # Forked, as the log says it
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
