"""Driving a script run by proctui from a test: its pauses and ends as they come, each
answered with pdb's letters (tests/core/script/test_script_run.py, tests/core/script/test_examples.py)."""

from __future__ import annotations

import linecache
import queue
import sys

from helpers.events import events_of
from helpers.paths import ROOT, SCRIPTS
from helpers.waiting import wait_until
from proctui.core.events import LabEvent, Reaped
from proctui.core.lab.lab import Lab
from proctui.core.script.pauses import SentOn
from proctui.core.script.protocol import CommandName, Follow
from proctui.core.script.runner import Ended, Pause

EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


class Driver:
    """A Lab with a script started, and its pauses and ends as they come."""

    def __init__(self, lab: Lab, events: list[LabEvent]) -> None:
        self.lab = lab
        self.events = events
        self._reported: queue.Queue[Pause | Ended | SentOn] = queue.Queue()
        self.held: list[Pause | Ended | SentOn] = []
        self.paused: dict[int, Pause] = {}  # the pause each process waits at, not yet answered

    def start(self, name: str, *args: str, follow: Follow = "both") -> int:
        self.lab.scripts.follow = follow
        record = self.lab.scripts.start(str(SCRIPTS / name), args, on_pause=self._reported.put)
        return record.pid

    def next_of(self, pid: int, timeout: float = 30.0) -> Pause | Ended | SentOn:
        """The next pause (or end) of pid; what comes from other processes meanwhile is kept."""
        for index, item in enumerate(self.held):
            if item.pid == pid:
                return self.held.pop(index)
        while True:
            item = self._reported.get(timeout=timeout)
            if item.pid == pid:
                return item
            self.held.append(item)

    def pause_of(self, pid: int) -> Pause:
        item = self.next_of(pid)
        assert isinstance(item, Pause), f"{pid} ended instead of pausing"
        self.paused[pid] = item
        return item

    def next_of_running_others(self, pid: int, timeout: float = 30.0) -> Pause | Ended | SentOn:
        """The next pause (or end) of pid; any other process that pauses meanwhile is sent
        on with c (as C does), so pid never waits for ever on a paused child. A pause of
        pid is kept as where it waits (run_to_the_end answers it); an end is held for
        run_to_the_end too."""
        while True:
            item = self.held.pop(0) if self.held else self._reported.get(timeout=timeout)
            if item.pid != pid:
                if isinstance(item, Pause):
                    self.lab.scripts.command(item.pid, "continue")
                continue
            if isinstance(item, Pause):
                self.paused[pid] = item
            else:
                self.held.append(item)
            return item

    def send(self, pid: int, what: CommandName, **facts: object) -> None:
        self.paused.pop(pid, None)
        assert self.lab.scripts.command(pid, what, **facts)

    def step_until(self, pid: int, what: CommandName, condition, limit: int = 400) -> Pause:
        """Send what until a pause of pid meets condition, from where it waits now."""
        pause = self.paused.get(pid) or self.pause_of(pid)
        for _ in range(limit):
            if condition(pause):
                return pause
            self.send(pid, what)
            pause = self.pause_of(pid)
        raise AssertionError(f"no such pause of {pid} within {limit} steps; last: {pause}")


def source_line(pause: Pause) -> str:
    return linecache.getline(pause.file, pause.line).strip()


def where_fork_returned_0(pause: Pause) -> bool:
    """Is pause at the first line a fork child of multiprocessing runs once os.fork() has
    returned 0 in it, in popen_fork's _launch: `if self.pid == 0:` up to 3.13; from 3.14
    the finally around os.fork() comes first (it runs in both processes)."""
    first = "if self.pid == 0:" if sys.version_info < (3, 14) else "_fork_intent.preserve_fd = False"
    return (pause.file.endswith("multiprocessing/popen_fork.py") and pause.func.endswith("_launch")
            and source_line(pause) == first)


def run_to_the_end(driver: Driver, script: int, what: CommandName, limit: int = 5000) -> int:
    """Answer every pause of every process of the script with what, until the script
    process ends; its exit code."""
    for pid in list(driver.paused):  # pauses already taken, not yet answered
        driver.send(pid, what)
    for _ in range(limit):
        item = driver.held.pop(0) if driver.held else driver._reported.get(timeout=30)
        if isinstance(item, Pause):
            driver.lab.scripts.command(item.pid, what)
        elif isinstance(item, Ended) and item.pid == script:
            break
    else:
        raise AssertionError(f"{script} did not end within {limit} pauses")
    [reaped] = wait_until(lambda: events_of(driver.events, Reaped, script), what="the script reaped")
    assert reaped.exitcode is not None
    return reaped.exitcode


def continue_all_to_the_end(driver: Driver, script: int, timeout: float = 60.0) -> int:
    """C (Scripts.continue_all) on the script as it is now, then nothing more: no process
    of it may pause again (what was paused, or between two lines, or forked meanwhile runs
    on) until the script process ends; its exit code."""
    driver.paused.clear()  # answered by C
    driver.lab.scripts.continue_all()
    while True:
        item = driver.held.pop(0) if driver.held else driver._reported.get(timeout=timeout)
        if isinstance(item, Pause) and not driver.lab.scripts.pauses.is_paused(item.pid):
            # Reported before C (the book had it paused, so C sent it on), read only now:
            # a pause after C would leave it paused in the book.
            continue
        assert not isinstance(item, Pause), f"C left {item.pid} paused at {item.file}:{item.line}"
        if isinstance(item, Ended) and item.pid == script:
            break
    [reaped] = wait_until(lambda: events_of(driver.events, Reaped, script), what="the script reaped")
    assert reaped.exitcode is not None
    return reaped.exitcode
