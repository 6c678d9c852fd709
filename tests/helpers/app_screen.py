"""The app under Pilot: what its screen, tree and log show, and moving its cursor as a user would."""

from __future__ import annotations

import unicodedata

from textual import events
from textual.command import CommandList, CommandPalette
from textual.keys import REPLACED_KEYS, _get_unicode_name_from_key

from helpers.waiting import pilot_wait_until
from proctui.core.events import Output, Refused, ScriptStarted
from proctui.core.i18n import words
from proctui.ui.actions import BY_ID


def key_event(key: str) -> events.Key:
    """The event Pilot.press() sends for key (see App._press_keys)."""
    original = REPLACED_KEYS.get(key, key)
    char: str | None
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


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


def live_row(app, pid: int) -> str | None:
    """The row of pid if it is a process /proc has; None if there is no row, or only the
    row a gone process leaves (a ghost: "- gone", who reaped it)."""
    if app.main_screen.process_tree.ghost_at(pid) is not None:
        return None
    return row_text(app, pid)


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


def send(app, key: str) -> None:
    """A key to the driver, as Pilot.press() sends it, without its wait for the whole
    process to go idle after each key (which a lab busy forking makes take 0.1 s)."""
    event = key_event(key)
    event.set_sender(app)
    app._driver.send_message(event)


async def script_viewer(pilot, app):
    """The viewer of the script proctui run started, once it is paused at its first line
    and focused."""
    main = app.main_screen
    await pilot_wait_until(pilot, lambda: logged(app, ScriptStarted) and main.script_viewers.viewers,
                           what="the script's viewer")
    [script] = logged(app, ScriptStarted)
    viewer = main.script_viewers.viewers[script.pid]
    await pilot_wait_until(pilot, lambda: viewer.pause is not None and viewer.has_focus, what="the first pause")
    return viewer
