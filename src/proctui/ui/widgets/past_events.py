"""The log as it stood at a moment of the past: the events around the one the back-in-time
cursor is on, that one marked. It takes the live log's place while the cursor is not at
now, and draws only the lines that fit (a session's length costs nothing here)."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from proctui.core.i18n import words
from proctui.core.lifeline.history import History
from proctui.core.teaching.render import render
from proctui.ui.widgets.event_log import event_line

#: What marks the cursor's event without colour (NO_COLOR): an arrow, and reverse video.
CURSOR_MARK = "▶ "


class PastEvents(Widget):
    DEFAULT_CSS = """
    PastEvents { overflow: hidden; }
    """

    def __init__(self, history: History, lang: str = "en", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.history = history
        self.lang = lang
        self.position: int | None = None  # the cursor's event among those kept
        self.border_title = self._title()

    def _title(self) -> str:
        _ = words(self.lang)
        return _("events, back in time")

    def show(self, position: int) -> None:
        self.position = position
        self.refresh()

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.border_title = self._title()
        self.refresh()

    def render(self) -> Text:
        if self.position is None or not len(self.history):
            return Text()
        height = max(1, self.content_size.height)
        # The cursor's event two thirds down: what led to it matters more than what followed.
        first = max(0, self.position - (2 * height) // 3)
        lines = []
        for index, event in enumerate(self.history.window(first, first + height), start=first):
            line = event_line(event.time, event.tone, render(event, self.lang))
            line.no_wrap = True
            if index == self.position:
                line = Text.assemble(CURSOR_MARK, line)
                line.stylize("reverse")
            else:
                line = Text.assemble("  ", line)
            line.truncate(max(1, self.content_size.width))
            lines.append(line)
        return Text("\n").join(lines)

    @property
    def lines_text(self) -> list[str]:
        """The lines as plain text (for tests and screen readers)."""
        return self.render().plain.split("\n")
