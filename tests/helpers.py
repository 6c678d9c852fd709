"""Small helpers for tests that watch real processes."""

from __future__ import annotations

import asyncio
import time


def proc_state(pid: int) -> str | None:
    """The kernel's state letter for pid, or None once /proc/PID is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        return None
    return raw[raw.rindex(b")") + 2 :].split()[0].decode()


def wait_until(condition, timeout: float = 10.0, what: str = "condition"):
    """Poll condition() until it is truthy. The timeout is a hang guard, not a speed test."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


async def pilot_wait_until(pilot, condition, timeout: float = 10.0, what: str = "condition"):
    """wait_until for app tests: lets the app run while we wait."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)
        await asyncio.sleep(0)


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
    node = app.process_tree.node_for(pid)
    return None if node is None else str(node.label)


def log_has(app, fragment: str) -> bool:
    return any(fragment in line for line in app.event_log.lines_text)


async def select(pilot, app, pid: int) -> None:
    """Put the tree's cursor on pid's row (and focus the tree), as the arrows would."""
    await pilot_wait_until(pilot, lambda: app.process_tree.node_for(pid) is not None, what=f"row {pid}")
    app.process_tree.move_cursor(app.process_tree.node_for(pid))
    app.process_tree.focus()
    await pilot.pause()
    assert app.process_tree.selected_pid == pid
