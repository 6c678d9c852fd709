"""Shown while the terminal is smaller than proctui can be used in."""

from __future__ import annotations

from textual.app import ComposeResult
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
