"""proctui --record FILE: the session's events to FILE, and what proctui draws to an
asciicast beside it (the terminal half).

Textual writes every frame through its driver's ``write``; the app builds its driver
from ``App.driver_class`` when it runs (not under ``run_test``, which always uses the
headless driver). `start_cast` gives the app a Linux driver whose writes also go to a
`CastWriter`: what reaches the terminal is unchanged, and an app not recording keeps
Textual's own driver, so recording costs nothing unless asked for.
"""

from __future__ import annotations

import os
import platform
import shutil
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

from proctui.core.events import LabEvent, Tone
from proctui.core.lifeline.asciicast import CastWriter
from proctui.core.lifeline.history import Entry
from proctui.core.lifeline.record import RecordHeader, RecordWriter
from proctui.core.teaching.render import render

if TYPE_CHECKING:  # the app imports nothing of this module: only --record does
    from proctui.ui.app import ProcTUI


class _RecordingDriver(LinuxDriver):
    """Textual's Linux driver, teeing its output and the terminal's size to ``cast``."""

    cast: ClassVar[CastWriter]  # given by recording_driver's subclass

    def write(self, data: str) -> None:
        super().write(data)
        self.cast.output(data)

    def process_message(self, message: Message) -> None:
        # A terminal that reports its size in band (mode 2048) says so in its input.
        if isinstance(message, events.Resize):
            self.cast.resize(message.size.width, message.size.height)
        super().process_message(message)

    def _get_terminal_size(self) -> tuple[int, int]:
        # Otherwise SIGWINCH: Textual posts the new size straight to the app, having read
        # it here (and the first size too, which the header already has: no event then).
        width, height = super()._get_terminal_size()
        self.cast.resize(width, height)
        return width, height


def recording_driver(cast: CastWriter) -> type[LinuxDriver]:
    """A driver class for ``App.driver_class`` whose output also goes to cast."""
    return type("RecordingDriver", (_RecordingDriver,), {"cast": cast})


def start_cast(path: str | os.PathLike[str], app: App[Any], *, title: str = "proctui") -> CastWriter:
    """Record what app draws to an asciicast v3 file at path, from when it runs.

    Call before ``app.run()``; the caller owns the writer: ``marker(label)`` at each
    lesson step and event (from any thread), and ``close(app.return_code)`` after the
    app has ended. The header's size is the terminal's now, read as Textual reads it
    (COLUMNS and LINES first), so the first frame needs no resize event.
    """
    cols, rows = shutil.get_terminal_size()
    env = {name: os.environ[name] for name in ("TERM", "LANG") if os.environ.get(name)}
    cast = CastWriter(path, cols, rows, title=title, env=env)
    app.driver_class = recording_driver(cast)
    return cast


def cast_path_for(record_path: str) -> str:
    """Where the terminal half of a record goes: beside it, ``session.jsonl`` -> ``session.cast``."""
    stem = record_path[: -len(".jsonl")] if record_path.endswith(".jsonl") else record_path
    return stem + ".cast"


class Recording:
    """proctui --record FILE: the session's events and frames to FILE (JSON lines, what
    ``proctui replay`` reads) and what the terminal showed to FILE's ``.cast`` (asciicast
    v3, what any asciinema player plays), with a marker at each event that is not a
    printed line and at each lesson step, so that a player pauses where it matters.

    Opened before the app runs (a path that cannot be written fails here, with nothing
    started); closed once it has ended."""

    def __init__(self, record_path: str, app: ProcTUI) -> None:
        self.record_path = record_path
        self.cast_path = cast_path_for(record_path)
        self._app = app
        history = app.main_screen.history
        header = RecordHeader(history.own_pid, history.started, app.lang, platform.python_version(),
                              os.path.basename(self.cast_path))
        self.writer = RecordWriter(record_path, header)
        try:
            self.cast = start_cast(self.cast_path, app)
        except OSError:
            self.writer.close()
            raise
        self.writer.follow(history)
        history.subscribe(self._mark)
        app.recording_marks = self.cast.marker

    def _mark(self, entry: Entry) -> None:
        # A printed line is no place to pause (a flood would be thousands of pauses).
        if isinstance(entry, LabEvent) and entry.tone is not Tone.OUTPUT:
            self.cast.marker(render(entry, self._app.lang))

    def close(self, exit_status: int | None) -> None:
        self.writer.close()
        self.cast.close(exit_status)
