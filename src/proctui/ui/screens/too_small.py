"""Shown while the terminal is smaller than proctui can be used in."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 80, 24


class TooSmallScreen(Screen[None]):
    DEFAULT_CSS = """
    TooSmallScreen { align: center middle; }
    TooSmallScreen > Static { width: auto; height: auto; text-style: bold; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="too-small-message")

    def on_mount(self) -> None:
        self.show_size(self.app.size.width, self.app.size.height)

    def on_resize(self, event: events.Resize) -> None:
        self.app.check_size()

    def show_size(self, width: int, height: int) -> None:
        self.query_one(Static).update(
            f"terminal too small: need {MIN_WIDTH}×{MIN_HEIGHT}, have {width}×{height}"
        )
