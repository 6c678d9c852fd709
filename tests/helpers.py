"""Small helpers for tests that watch real processes."""

from __future__ import annotations

import asyncio
import os
import re
import select as select_module  # this module has a select() of its own, for tree rows
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol, TypeVar

import psutil
import pyte
import pytest
from textual.command import CommandList, CommandPalette

from proctui.core.events import Output, Refused
from proctui.core.i18n import words
from proctui.core.procfs.stat import ProcInfo, read_proc
from proctui.ui.actions import BY_ID

T = TypeVar("T")

# Where things are, for tests in any folder under tests/.
TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SCRIPTS = TESTS / "scripts"  # what the tests run with proctui run


def proc_state(pid: int) -> str | None:
    """The kernel's state letter for pid, or None once /proc/PID is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        return None
    return raw[raw.rindex(b")") + 2 :].split()[0].decode()


class Started(Protocol):
    """A process as the test saw it alive: a lab record, or a ProcInfo read then."""

    @property
    def pid(self) -> int: ...

    @property
    def start_ticks(self) -> int: ...


def gone(process: Started) -> bool:
    """Has this very process left /proc? Not only its PID: a PID freed is handed out again
    at once on a busy machine, and at once on purpose by a churner that sets
    /proc/sys/kernel/ns_last_pid (test_churn's does, in this run or in another one on the
    same machine), so a PID alone may name a stranger a moment after the reap."""
    info = read_proc(process.pid)
    return info is None or info.start_ticks != process.start_ticks


def proc_info(pid: int) -> ProcInfo:
    """read_proc for a PID the test knows /proc lists (fails the test if it does not)."""
    info = read_proc(pid)
    assert info is not None, f"/proc has no PID {pid}"
    return info


def wait_until(condition: Callable[[], T | None], timeout: float = 30.0, what: str = "condition") -> T:
    """Poll condition() until it is truthy, and return that value (so never None). The
    timeout is a hang guard, not a speed test: generous, as it costs time only when the
    test fails (a machine with two CPU hogs on two cores is slow, not broken)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


async def pilot_wait_until(pilot, condition: Callable[[], T | None], timeout: float = 30.0,
                           what: str = "condition") -> T:
    """wait_until for app tests: lets the app run while we wait. What a key does is such a
    condition too: press() returns once the process looks idle, which on a busy machine
    can be before the key has reached its action (or the action's thread has finished)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)
        await asyncio.sleep(0)


async def lab_processes(pilot, app, count: int) -> list:
    """The lab's processes once it has count of them (the keys that start them act when
    the app gets to them)."""
    return await pilot_wait_until(pilot, lambda: list(app.lab.processes) if len(app.lab.processes) == count else None,
                                  what=f"{count} lab processes")


async def on_screen(pilot, app, *fragments: str) -> str:
    """Wait until the screen shows every fragment, as drawn or with the box borders gone
    and lines joined (a line wrapped at a pane's edge is found whole); the screen's text."""
    def shows() -> str | None:
        text = screen_text(app)
        flowing = " ".join(text.replace("│", " ").split())
        return text if all(f in text or f in flowing for f in fragments) else None

    return await pilot_wait_until(pilot, shows, what=f"{fragments} on screen")


def screen_text(app) -> str:
    """What the app's screen shows now, as plain text (rendered as for a screenshot)."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system=None, record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


def row_text(app, pid: int) -> str | None:
    """The tree row of pid as plain text, or None if the tree has no such row."""
    row = app.main_screen.process_tree.row_text(pid)
    return None if row is None else str(row)


def logged(app, cls: type, **fields) -> list:
    """The events of class cls the app's log holds whose fields have these values
    (the facts, never the words a renderer made of them)."""
    return [event for event in app.main_screen.event_log.events
            if isinstance(event, cls) and all(getattr(event, name) == value for name, value in fields.items())]


def said(app, pid: int, fragment: str) -> bool:
    """Did process pid itself write a line holding fragment (its own words, as it wrote them)?"""
    return any(fragment in event.line for event in logged(app, Output, pid=pid))


def refused(app, reason, **fields) -> bool:
    """Has the app logged a refusal for this reason (with these facts)?"""
    return bool(logged(app, Refused, reason=reason, **fields))


async def select(pilot, app, pid: int) -> None:
    """Put the tree's cursor on pid's row (and focus the tree), as the arrows would."""
    await pilot_wait_until(pilot, lambda: app.main_screen.process_tree.node_for(pid) is not None, what=f"row {pid}")
    tree = app.main_screen.process_tree
    tree.last_line  # noqa: B018 - numbers Tree's lines now (it does so lazily), so that the node's line is current
    tree.move_cursor(tree.node_for(pid))
    app.main_screen.process_tree.focus()
    await pilot_wait_until(pilot, lambda: app.main_screen.process_tree.selected_pid == pid, what=f"cursor on {pid}")


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


def family_of(pid: int) -> list[psutil.Process]:
    """pid and every process below it now ([] once pid is gone), as psutil objects: they
    remember each process's start time, so a PID reused later is never signalled. Only for
    a pid the test knows is still its own (a child not yet reaped holds its PID)."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def end_and_reap(family: Iterable[psutil.Process], timeout: float = 20.0) -> None:
    """A test's way out, failing or not: SIGKILL what still runs of family, and reap each
    one that is, or becomes, the test run's own. The test run is a child subreaper
    (conftest.py): an orphan is re-parented here, and stays a zombie until we reap it."""
    family = list(family)
    for proc in family:
        try:
            proc.kill()
        except psutil.Error:
            pass  # gone already
    deadline = time.monotonic() + timeout
    for proc in family:
        while time.monotonic() < deadline:
            try:
                if os.waitpid(proc.pid, os.WNOHANG)[0]:
                    break
            except ChildProcessError:
                # Not ours: reaped by its own parent, or a zombie below a parent that is on
                # its way out (its children come here as it dies).
                if not proc.is_running():
                    break
            time.sleep(0.01)


def run_reaping_what_it_leaves(command: list[str], timeout: float = 60) -> subprocess.CompletedProcess:
    """subprocess.run, then reap what the run left to the test run (a child subreaper):
    multiprocessing's helpers (a resource tracker, a fork server), which leave once their
    parent has gone, or an orphan the command ended. After a failed run (an exit status
    other than 0, a timeout), or a helper that does not leave, what is left is killed and
    reaped."""
    before = {child.pid for child in psutil.Process().children()}

    def left() -> list[psutil.Process]:
        return [child for child in psutil.Process().children() if child.pid not in before]

    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            return done  # the caller says why; what it left is ended below
        for orphan in left():
            wait_until(lambda: proc_state(orphan.pid) in ("Z", None), what=f"the run's orphan {orphan.pid} to exit")
            try:
                os.waitpid(orphan.pid, 0)
            except ChildProcessError:
                pass
        return done
    finally:
        end_and_reap(left())


def events_of(events, cls, pid=None) -> list:
    """The events of class cls (about pid, if given), in the order they happened."""
    return [e for e in list(events) if isinstance(e, cls) and (pid is None or e.pid == pid)]


def assert_refused(exc_info, reason, **facts) -> None:
    """The LabError (or PoolError) says why, as data: its refusal's reason and facts."""
    refusal = exc_info.value.refusal
    assert refusal.reason is reason, refusal
    for name, value in facts.items():
        assert getattr(refusal, name) == value, (name, refusal)


# Three or more English words in a row, outside code (a word with ._()=/ or a digit is
# code): what no Chinese sentence of proctui may hold.
ENGLISH_RUN = re.compile(r"(?<![\w.])[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}(?![\w(.])")


async def palette_command(pilot, app, action_id):
    """ctrl+p, the action's title typed in the app's language, and enter on it: as a user would."""
    title = words(app.main_screen.lang)(BY_ID[action_id].title)
    await pilot.press("ctrl+p")
    await pilot_wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
    palette = app.screen
    await pilot.press(*title)
    commands = palette.query_one(CommandList)

    def first_is_it():
        return commands.option_count and str(commands.get_option_at_index(0).prompt).startswith(title)

    await pilot_wait_until(pilot, first_is_it, what=f"{title!r} first in the palette")
    if commands.highlighted is None:  # the palette may highlight the first match by itself
        await pilot.press("down")
    await pilot_wait_until(pilot, lambda: commands.highlighted == 0 and first_is_it(), what=f"{title!r} highlighted")
    await pilot.press("enter")
    await pilot_wait_until(pilot, lambda: app.screen is app.main_screen, what="the palette to close")
