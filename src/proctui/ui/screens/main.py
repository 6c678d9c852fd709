"""The screen the app's panes live on; it tells the app when the terminal is resized."""

from __future__ import annotations

from textual import events
from textual.screen import Screen


class MainScreen(Screen[None]):
    def on_resize(self, event: events.Resize) -> None:
        self.app.check_size()
