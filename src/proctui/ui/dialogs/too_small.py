"""Shown while the terminal is smaller than proctui can be used in."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Static

from proctui.core.i18n import words

MIN_WIDTH, MIN_HEIGHT = 80, 24


class TooSmallScreen(Screen[None]):
    DEFAULT_CSS = """
    TooSmallScreen { align: center middle; }
    TooSmallScreen > Static { width: auto; height: auto; text-style: bold; }
    """

    def __init__(self, width: int, height: int, lang: str = "en") -> None:
        super().__init__()
        self._ = words(lang)
        # Made here, not in compose: a resize may ask for show_size before compose ran.
        self._message = Static(id="too-small-message")
        self.show_size(width, height)

    def compose(self) -> ComposeResult:
        yield self._message

    def show_size(self, width: int, height: int) -> None:
        self._message.update(self._("terminal too small: need {need}, have {have}").format(
            need=f"{MIN_WIDTH}×{MIN_HEIGHT}", have=f"{width}×{height}"))


def guard_size(app: App[Any], size: Size, lang: str) -> None:
    """Cover app with a clear message while the terminal is below 80x24; take it away after."""
    width, height = size
    too_small = width < MIN_WIDTH or height < MIN_HEIGHT
    screen = app.screen
    if not isinstance(screen, TooSmallScreen):
        if too_small:
            app.push_screen(TooSmallScreen(width, height, lang))
    elif too_small:
        screen.show_size(width, height)
    else:
        app.pop_screen()
