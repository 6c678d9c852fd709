"""proctui --record FILE, then proctui replay FILE, as a teacher and a student would use
them: in real terminals, real processes in the session, none in the replay."""

from __future__ import annotations

import subprocess

import psutil

from helpers.terminal import Terminal, installed_proctui
from proctui.core.events import Exited, Forked, Reaped
from proctui.core.lifeline.record import read_record


def record_a_zombie(tmp_path) -> tuple[str, int]:
    """z, then i on the zombie (is_alive() reaps it), then q: the record's path and the zombie's PID."""
    path = str(tmp_path / "lesson.jsonl")
    term = Terminal([installed_proctui(), "--record", path])
    try:
        term.wait_for("q Quit")
        term.press("z")
        term.wait_for("<defunct>")
        term.wait_for("it stays a zombie until waitpid")  # its exit in the log
        [zombie] = psutil.Process(term.process.pid).children()
        term.press("\x1b[B")  # down: the zombie's row
        term.press("i")
        term.wait_for("- gone")
        term.press("q")
        assert term.wait_exit() == 0
    finally:
        term.close()
    return path, zombie.pid


def test_a_recorded_session_replays_back_in_time_without_a_process(tmp_path):
    path, zombie = record_a_zombie(tmp_path)
    header, history = read_record(path)
    kinds = [type(event) for event in history.events() if event.pid == zombie]
    assert kinds[:1] == [Forked] and Exited in kinds and Reaped in kinds
    assert header.cast == "lesson.cast" and (tmp_path / "lesson.cast").exists()

    term = Terminal([installed_proctui(), "replay", path])
    try:
        term.wait_for("g gone rows · q quit")
        term.wait_for(f"{zombie} - gone")  # at the end: its ghost
        assert psutil.Process(term.process.pid).children() == []  # a replay starts no process
        for _ in range(len(history)):  # back, one change at a time, to the zombie
            term.press("<")
            term.read(0.2)
            if f"{zombie} Z zombie <defunct>" in term.text():
                break
        term.wait_for(f"{zombie} Z zombie <defunct>")
        term.wait_for("replay: event")
        term.press(">")
        term.wait_for(f"{zombie} - gone")
        term.press("q")
        assert term.wait_exit() == 0
    finally:
        term.close()


def test_replay_of_what_is_no_record_says_why(tmp_path):
    (tmp_path / "notes.txt").write_text("hello\n")
    out = subprocess.run([installed_proctui(), "replay", str(tmp_path / "notes.txt")], capture_output=True,
                         text=True, stdin=subprocess.DEVNULL)
    assert out.returncode == 2
    assert "is not a proctui record (made with proctui --record FILE)" in out.stderr
    out = subprocess.run([installed_proctui(), "--lang", "zh", "replay", str(tmp_path / "notes.txt")],
                         capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert "不是 proctui 的记录文件" in out.stderr


def test_a_record_that_cannot_be_written_is_said_before_anything_starts(tmp_path):
    out = subprocess.run([installed_proctui(), "--record", str(tmp_path / "no" / "such" / "dir.jsonl")],
                         capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert out.returncode == 2
    assert "cannot record to" in out.stderr and "No such file or directory" in out.stderr
