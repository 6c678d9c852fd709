"""The event log: what each action did, at the level of system calls, and child output."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from rich.text import Text
from textual.widgets import RichLog

from proctui.core.events import LabEvent, Tone
from proctui.core.i18n import words
from proctui.core.teaching.render import render

_TONE_STYLES = {
    Tone.STARTED: "green",
    Tone.OUTPUT: "",
    Tone.EXITED: "yellow",
    Tone.SIGNALLED: "magenta",
    Tone.JOINING: "cyan",
    Tone.REAPED: "bold cyan",
    Tone.NOTE: "italic",
    Tone.ERROR: "bold red",
}

# Words that tell the tone of a line without colour (NO_COLOR, 16-colour terminals).
_TONE_TAGS = {
    Tone.OUTPUT: "out ",
    Tone.ERROR: "err ",
}


def say_message(text: str, facts: dict[str, object], language: str) -> str:
    """A message id in language, its fields filled (text with no facts is not a format:
    a system error may hold braces)."""
    said = words(language)(text)
    return said.format(**facts) if facts else said


def event_line(when: float, tone: Tone, text: str) -> Text:
    """One line of the log: its time, a tag where colour alone would tell its tone, the words."""
    stamp = time.strftime("%H:%M:%S", time.localtime(when))
    line = Text()
    line.append(f"{stamp} ", style="dim")
    tag = _TONE_TAGS.get(tone, "")
    if tag:
        line.append(tag, style="dim")
    line.append(text, style=_TONE_STYLES.get(tone, ""))
    return line


class EventLog(RichLog):
    def __init__(self, language: str = "en", *, id: str | None = None) -> None:
        super().__init__(max_lines=2000, wrap=True, markup=False, highlight=False, id=id)
        self.language = language
        self.border_title = self._title(language)
        #: Every line written, as plain text: what screen readers can rely on.
        self.lines_text: list[str] = []
        # What was written, in order, so the log can be said again in another language:
        # an event, or a message's (time, tone, message id, facts).
        self._entries: list[LabEvent | tuple[float, Tone, str, dict[str, object]]] = []
        # Lines held to be written at once (see _written_at_once), or None: each is written as it comes.
        self._held: list[Text] | None = None

    @staticmethod
    def _title(language: str) -> str:
        _ = words(language)
        return _("events")

    @property
    def events(self) -> list[LabEvent]:
        """Every event logged, as data: what tests and lessons rely on (never the words)."""
        return [entry for entry in self._entries if isinstance(entry, LabEvent)]

    @property
    def messages(self) -> list[tuple[str, dict[str, object]]]:
        """proctui's own messages logged, as (message id, facts): never the words either."""
        return [(entry[2], entry[3]) for entry in self._entries if not isinstance(entry, LabEvent)]

    def add_event(self, event: LabEvent) -> None:
        self._entries.append(event)
        del self._entries[:-2000]
        self._add(event.time, event.tone, render(event, self.language))

    def add_taken(self, taken: Sequence[LabEvent]) -> None:
        """What the main screen's EventInbox hands on, written at once."""
        with self._written_at_once():
            for event in taken:
                self.add_event(event)

    @contextmanager
    def _written_at_once(self) -> Iterator[None]:
        """The lines added inside, in one write: each RichLog.write measures, lays out and
        refreshes on its own, so a take's lines cost one call's overhead, not one a line.
        Laying a line out still costs about half a millisecond (Rich's wrap): what bounds
        the log's cost is how many lines the EventInbox hands it, not this."""
        self._held = []
        try:
            yield
        finally:
            held, self._held = self._held, None
            if held:
                self.write(Text("\n").join(held))

    def add_message(self, text: str, error: bool = False, **facts: object) -> None:
        """text: the English message id (marked N_() where it is written) with {fields}
        that facts fill; said in the log's language now, and again at each switch."""
        entry = (time.time(), Tone.ERROR if error else Tone.NOTE, text, facts)
        self._entries.append(entry)
        del self._entries[:-2000]
        self._add_message(*entry)

    def _add_message(self, when: float, tone: Tone, text: str, facts: dict[str, object]) -> None:
        self._add(when, tone, say_message(text, facts, self.language))

    def set_language(self, language: str) -> None:
        """Say every line logged so far again, in language."""
        if language == self.language:
            return
        self.language = language
        self.border_title = self._title(language)
        self.clear()
        self.lines_text.clear()
        with self._written_at_once():
            for entry in self._entries:
                if isinstance(entry, LabEvent):
                    self._add(entry.time, entry.tone, render(entry, language))
                else:
                    self._add_message(*entry)

    def _add(self, when: float, tone: Tone, text: str) -> None:
        line = event_line(when, tone, text)
        self.lines_text.append(f"{_TONE_TAGS.get(tone, '')}{text}")
        del self.lines_text[:-2000]
        if self._held is None:
            self.write(line)
        else:
            self._held.append(line)
