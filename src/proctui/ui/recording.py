"""What proctui draws, also written to an asciicast (the terminal half of --record).

Textual writes every frame through its driver's ``write``; the app builds its driver
from ``App.driver_class`` when it runs (not under ``run_test``, which always uses the
headless driver). `start_cast` gives the app a Linux driver whose writes also go to a
`CastWriter`: what reaches the terminal is unchanged, and an app not recording keeps
Textual's own driver, so recording costs nothing unless asked for.
"""

from __future__ import annotations

import os
import shutil
from typing import Any, ClassVar

from textual import events
from textual.app import App
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

from proctui.core.lifeline.asciicast import CastWriter


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
