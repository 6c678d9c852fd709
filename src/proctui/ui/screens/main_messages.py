"""The main screen's messages: between the screen, the app's reader thread and the Lab's
threads. They live in this module, not inside MainScreen; their namespace makes each
handler ``on_main_screen_<name>``, as if they were defined inside the screen."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from proctui.core.procfs.snapshot import Snapshot


@dataclass
class SnapshotWanted(Message, namespace="main_screen"):
    """Read /proc again soon; handled by the app, which owns the reader thread
    (``on_main_screen_snapshot_wanted``). Requests coalesce: one read answers them all."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SnapshotWanted)


@dataclass
class SnapshotTaken(Message, bubble=False, namespace="main_screen"):
    """A snapshot from the reader thread, or why there is none (``on_main_screen_snapshot_taken``)."""

    snapshot: Snapshot | None
    error: str | None = None


@dataclass
class EventsWaiting(Message, bubble=False, namespace="main_screen"):
    """Lab events wait in the screen's EventInbox, put there from whichever thread raised
    them (``on_main_screen_events_waiting``): one message for many."""


@dataclass
class LanguageChosen(Message, namespace="main_screen"):
    """The user switched the language (``on_main_screen_language_chosen``): the app's
    own words (help, glossary) follow."""

    lang: str


@dataclass
class LessonStepShown(Message, namespace="main_screen"):
    """A lesson's step is shown for the first time (``on_main_screen_lesson_step_shown``):
    a recording marks it."""

    text: str
