"""The event log: what each action did, at the level of system calls, and child output."""

from __future__ import annotations

import time

from rich.text import Text
from textual.widgets import RichLog

from proctui.core.lab import EventKind, LabEvent

_KIND_STYLES = {
    EventKind.STARTED: "green",
    EventKind.OUTPUT: "",
    EventKind.EXITED: "yellow",
    EventKind.SIGNALLED: "magenta",
    EventKind.JOINING: "cyan",
    EventKind.REAPED: "bold cyan",
    EventKind.NOTE: "italic",
    EventKind.ERROR: "bold red",
}

# Words that tell the kind of a line without colour (NO_COLOR, 16-colour terminals).
_KIND_TAGS = {
    EventKind.OUTPUT: "out ",
    EventKind.ERROR: "err ",
}


class EventLog(RichLog):
    def __init__(self, **kwargs) -> None:
        super().__init__(max_lines=2000, wrap=True, markup=False, highlight=False, **kwargs)
        #: Every line written, as plain text: what tests and screen readers can rely on.
        self.lines_text: list[str] = []

    def add_event(self, event: LabEvent) -> None:
        self._add(event.time, event.kind, event.text)

    def add_message(self, text: str, error: bool = False) -> None:
        self._add(time.time(), EventKind.ERROR if error else EventKind.NOTE, text)

    def _add(self, when: float, kind: EventKind, text: str) -> None:
        stamp = time.strftime("%H:%M:%S", time.localtime(when))
        line = Text()
        line.append(f"{stamp} ", style="dim")
        tag = _KIND_TAGS.get(kind, "")
        if tag:
            line.append(tag, style="dim")
        line.append(text, style=_KIND_STYLES.get(kind, ""))
        self.lines_text.append(f"{tag}{text}")
        del self.lines_text[:-2000]
        self.write(line)
