"""What a process prints, made lines by the ChildWatcher and its OutputSayer, from real
processes writing to real pipes: a flood of 100,000 lines each said once and in order,
two processes at once, a partial line said when its pipe goes quiet and at its end, a
progress bar redrawn with carriage returns, a line with no newline that never ends."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from helpers.waiting import wait_until
from proctui.core.lab.sayer import LAST_WORDS, PARTIAL_MAX, LineBudget
from proctui.core.lab.watcher import ChildWatcher


class Heard:
    """What on_output was given for one pipe, in order: (line, ended with its newline), and
    how many lines a flood left out, as ("", skipped) entries where they were said."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, bool]] = []
        self.skipped: list[tuple[int, int]] = []  # (index in lines where said, count)
        self._lock = threading.Lock()

    def __call__(self, lines: list[str], newline: bool, skipped: int) -> None:
        last = len(lines) - 1
        with self._lock:
            if skipped:
                self.skipped.append((len(self.lines), skipped))
            self.lines.extend((line, newline or n < last) for n, line in enumerate(lines))

    def texts(self) -> list[str]:
        with self._lock:
            return [line for line, _ in self.lines]

    def stream(self) -> str:
        """What was printed, put back together: a line said without its newline (a busy
        machine may make a pipe look quiet mid-line) runs on into the next."""
        with self._lock:
            return "".join(line + ("\n" if newline else "") for line, newline in self.lines)

    def count(self) -> int:
        with self._lock:
            return len(self.lines)

    def accounted(self) -> int:
        """Lines said with their newline, and lines counted as left out."""
        with self._lock:
            return sum(newline for _, newline in self.lines) + sum(count for _, count in self.skipped)

    def whole_lines(self) -> list[str]:
        """The lines said, pieces put together; a piece whose rest was left out, dropped."""
        with self._lock:
            gaps = {at for at, _ in self.skipped}
            whole: list[str] = []
            pending = ""
            for at, (line, newline) in enumerate(self.lines):
                if at in gaps:
                    pending = ""
                pending += line
                if newline:
                    whole.append(pending)
                    pending = ""
            return whole


@pytest.fixture
def watcher() -> Iterator[ChildWatcher]:
    errors: list[BaseException] = []
    watcher = ChildWatcher(on_error=errors.append)
    yield watcher
    watcher.stop()
    assert not errors


def printing(watcher: ChildWatcher, code: str, heard: Heard, *, stdin: bool = False) -> subprocess.Popen[bytes]:
    """A Python process that runs code with its stdout on a pipe the watcher reads."""
    r, w = os.pipe()
    child = subprocess.Popen([sys.executable, "-c", code], stdout=w, stdin=subprocess.PIPE if stdin else None)
    os.close(w)  # the child's is the only write end: its exit is the pipe's end
    watcher.watch_output(r, heard)
    return child


def numbers(lines: list[str], prefix: str) -> list[int]:
    assert all(line.startswith(prefix) for line in lines), [line for line in lines if not line.startswith(prefix)][:3]
    return [int(line.removeprefix(prefix)) for line in lines]


def test_every_line_of_a_flood_is_said_in_order_or_counted(watcher):
    heard = Heard()
    child = printing(watcher, "import sys\nsys.stdout.writelines(f'line {i}\\n' for i in range(100_000))", heard)
    assert child.wait(timeout=60) == 0
    wait_until(lambda: heard.accounted() >= 100_000, timeout=60, what="100,000 lines said or counted")
    assert heard.accounted() == 100_000
    said = numbers(heard.whole_lines(), "line ")
    assert said == sorted(set(said)) and said[-1] == 99_999  # in order, once each, the newest kept
    # A flood is more than anyone reads: its newest lines are said, the rest counted.
    assert heard.skipped and len(said) < 100_000


def test_a_short_burst_is_said_whole(watcher):
    heard = Heard()
    child = printing(watcher, "for i in range(5000): print('line', i)", heard)
    assert child.wait(timeout=60) == 0
    expected = "".join(f"line {i}\n" for i in range(5000))
    wait_until(lambda: len(heard.stream()) >= len(expected), timeout=60, what="5,000 lines said")
    assert heard.stream() == expected and not heard.skipped


def test_two_processes_printing_at_once_each_keep_their_order(watcher):
    first, second = Heard(), Heard()
    code = "import sys\nfor i in range(20_000): print('{} ' + str(i), flush=i % 7 == 0)"
    children = [printing(watcher, code.format("first"), first), printing(watcher, code.format("second"), second)]
    assert [child.wait(timeout=60) for child in children] == [0, 0]
    wait_until(lambda: first.accounted() >= 20_000 and second.accounted() >= 20_000, timeout=60, what="both said")
    for heard, name in ((first, "first"), (second, "second")):
        assert heard.accounted() == 20_000
        said = numbers(heard.whole_lines(), f"{name} ")
        assert said == sorted(set(said)) and said[-1] == 19_999


def test_a_partial_line_is_said_when_its_pipe_goes_quiet_and_the_rest_comes_as_a_line(watcher):
    heard = Heard()
    # Prints a line and a half, then waits on its stdin: the half has no newline yet.
    child = printing(watcher, "import sys\nprint('whole')\nprint('working', end='', flush=True)\n"
                              "sys.stdin.readline()\nprint('... done')", heard, stdin=True)
    try:
        wait_until(lambda: heard.count() >= 2, what="the partial line said")
        assert heard.lines == [("whole", True), ("working", False)]
        assert child.poll() is None  # said while its writer still waits, the newline not yet written
    finally:
        assert child.stdin is not None
        child.stdin.write(b"go\n")
        child.stdin.close()
    assert child.wait(timeout=30) == 0
    wait_until(lambda: heard.count() >= 3, what="the rest of the line")
    assert heard.lines[2] == ("... done", True)


def test_a_last_line_without_a_newline_is_said_at_the_pipe_end(watcher):
    heard = Heard()
    child = printing(watcher, "import sys\nsys.stdout.write('first\\nlast, no newline')", heard)
    assert child.wait(timeout=30) == 0
    wait_until(lambda: heard.count() >= 2, what="the last words")
    assert heard.lines == [("first", True), ("last, no newline", False)]


def test_a_progress_bar_is_said_as_a_terminal_shows_it_at_the_end(watcher):
    heard = Heard()
    child = printing(watcher, "import sys\nsys.stdout.write('\\r10%\\r50%\\r100%\\n' + 'ok\\r\\n')", heard)
    assert child.wait(timeout=30) == 0
    wait_until(lambda: heard.count() >= 2, what="two lines")
    assert heard.lines == [("100%", True), ("ok", True)]


def test_a_line_that_never_ends_is_said_in_bounded_pieces(watcher):
    heard = Heard()
    size = 5 * PARTIAL_MAX + 17
    child = printing(watcher, f"import sys\nsys.stdout.write('x' * {size})\nsys.stdout.flush()\n"
                              "sys.stdin.readline()", heard, stdin=True)
    try:
        wait_until(lambda: sum(len(text) for text in heard.texts()) >= size, what="every x said")
        assert all(len(text) <= PARTIAL_MAX for text in heard.texts())
        assert not any(newline for _, newline in heard.lines)
    finally:
        assert child.stdin is not None
        child.stdin.close()
    assert child.wait(timeout=30) == 0


def test_a_long_line_with_its_newline_is_said_in_pieces_too(watcher):
    heard = Heard()
    child = printing(watcher, f"print('y' * {3 * PARTIAL_MAX + 5})\nprint('short')", heard)
    assert child.wait(timeout=30) == 0
    wait_until(lambda: heard.stream().endswith("short\n"), what="the short line after the long one")
    assert heard.stream() == "y" * (3 * PARTIAL_MAX + 5) + "\nshort\n"
    assert len(heard.lines) >= 5 and all(len(text) <= PARTIAL_MAX for text in heard.texts())


def test_a_process_last_words_are_said_whatever_the_budget():
    errors: list[BaseException] = []
    watcher = ChildWatcher(on_error=errors.append, budget=LineBudget(rate=0, burst=0))  # no line at all
    try:
        heard = Heard()
        child = printing(watcher, "for i in range(1000): print('line', i)", heard)
        assert child.wait(timeout=30) == 0
        wait_until(lambda: heard.accounted() >= 1000, what="the last words")
        assert heard.skipped == [(0, 1000 - LAST_WORDS)]
        assert heard.whole_lines() == [f"line {i}" for i in range(1000 - LAST_WORDS, 1000)]
    finally:
        watcher.stop()
    assert not errors
