"""The app of ``proctui replay FILE``: one screen, the recorded session's; no Lab, no
reader thread, no process started. The terminal's size is guarded as in the lab."""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.geometry import Size

from proctui.core.lifeline.history import History
from proctui.core.lifeline.record import RecordHeader
from proctui.ui.actions import BY_ID
from proctui.ui.dialogs.too_small import guard_size
from proctui.ui.screens.replay import ReplayScreen
from proctui.ui.themes import THEMES


class ReplayApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "proctui replay"
    BINDINGS = [*BY_ID["quit"].bindings(), *BY_ID["quit-ctrl-c"].bindings()]

    def __init__(self, path: str, header: RecordHeader, history: History, lang: str, theme: str = "dark") -> None:
        super().__init__()
        self.lang = lang
        self.theme = THEMES[theme]
        self.replay_screen = ReplayScreen(path, header, history, lang)

    def get_default_screen(self) -> ReplayScreen:
        return self.replay_screen

    def on_mount(self) -> None:
        self.check_size(self.size)

    def on_resize(self, event: events.Resize) -> None:
        self.check_size(event.size)

    def check_size(self, size: Size) -> None:
        guard_size(self, size, self.replay_screen.lang)

    async def action_quit(self) -> None:
        self.exit()
