"""The terminal half of a record: what proctui drew, as an asciicast v3 file.

asciicast v3 (https://docs.asciinema.org/manual/asciicast/v3/) is newline-delimited
JSON: a header object, then one ``[interval, code, data]`` array a line, where the
interval is the seconds since the *previous* event (v2 had times since the start).
Codes written here: ``o`` (output), ``m`` (a marker: asciinema's player shows it on the
progress bar and, with ``pauseOnMarkers``, pauses there), ``r`` (the terminal resized to
``COLSxROWS``) and ``x`` (the exit status). Any asciinema player plays the file as is.

`CastWriter` is called from several threads (the UI's frames, the Lab's events), so each
line is written whole under a lock; the file is buffered and flushed at each marker, at
most every FLUSH_EVERY seconds, and on close, so that recording costs little beside
drawing. `read_cast` reads a file back, with absolute times, for tests and replays.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TextIO

#: The asciicast version written, and the newest one read.
VERSION: Final = 3

#: Output waits in the file's buffer at most this long when an event follows it (a
#: marker is flushed at once: it is where a reader of a live file wants to be).
FLUSH_EVERY: Final = 0.5

_BUFFER_BYTES: Final = 1 << 16  # a full frame of a big terminal is tens of KiB


class CastError(ValueError):
    """A file that cannot be read as an asciicast v3 recording; the message says why."""


@dataclass(frozen=True)
class CastEvent:
    """One event of a recording: ``time`` is seconds since the start (the sum of the
    intervals so far), ``interval`` seconds since the previous event."""

    time: float
    interval: float
    code: str
    data: str


@dataclass(frozen=True)
class Cast:
    """A recording read back. ``truncated``: its last line was cut short (a recording
    whose writer died mid-line) and was left out."""

    header: dict[str, Any]
    events: list[CastEvent]
    truncated: bool = False

    @property
    def cols(self) -> int:
        return int(self.header["term"]["cols"])

    @property
    def rows(self) -> int:
        return int(self.header["term"]["rows"])

    @property
    def markers(self) -> list[tuple[float, str]]:
        """(time, label) of each marker, in order."""
        return [(event.time, event.data) for event in self.events if event.code == "m"]


def _seconds(micros: int) -> str:
    """Microseconds as JSON seconds, exactly: the intervals, summed, give each event's
    time to the microsecond, however long the recording (floats would drift)."""
    whole, fraction = divmod(micros, 1_000_000)
    return f"{whole}.{fraction:06d}"


class CastWriter:
    """Writes an asciicast v3 file: the header at once, then each event as it comes.

    ``target`` is a path (the file is created, and closed by `close`) or an open text
    file (flushed by `close`, left open for its owner). Safe to call from any thread;
    once closed, every call is ignored (a frame or an event may come after the app's
    end: it is not an error). A write that fails (a full disk) ends the recording, not
    the session: the writer closes itself and keeps the error in ``error``.
    """

    #: Where the intervals come from; a test may put a clock of its own here.
    clock = staticmethod(time.monotonic)

    def __init__(self, target: str | os.PathLike[str] | TextIO, cols: int, rows: int, *,
                 title: str | None = None, env: Mapping[str, str] | None = None) -> None:
        if isinstance(target, (str, os.PathLike)):
            # backslashreplace: a lone surrogate (from undecodable bytes) cannot be UTF-8;
            # written as \udcXX inside a JSON string, it is still valid JSON.
            self._file: TextIO | None = open(  # closed by close()
                target, "w", encoding="utf-8", errors="backslashreplace", buffering=_BUFFER_BYTES)
            self._owns_file = True
        else:
            self._file = target
            self._owns_file = False
        self._lock = threading.Lock()
        self._size = (cols, rows)
        term: dict[str, Any] = {"cols": cols, "rows": rows}
        environment = dict(env or {})
        if "TERM" in environment:  # v3 keeps the terminal's type in term, not env
            term["type"] = environment.pop("TERM")
        header: dict[str, Any] = {"version": VERSION, "term": term, "timestamp": int(time.time())}
        if title is not None:
            header["title"] = title
        if environment:
            header["env"] = environment
        self._file.write(json.dumps(header, ensure_ascii=False) + "\n")
        self._file.flush()
        self.error: OSError | None = None
        self._start = self.clock()
        self._last_micros = 0  # the previous event's time since the start
        self._last_flush = self._start

    @property
    def closed(self) -> bool:
        return self._file is None

    @property
    def size(self) -> tuple[int, int]:
        """The terminal's size as last recorded: (cols, rows)."""
        return self._size

    def output(self, data: str) -> None:
        """What was written to the terminal."""
        if data:
            self._event("o", data)

    def marker(self, label: str) -> None:
        """A point worth pausing at (a lesson step, an event), named by label."""
        self._event("m", label, flush=True)

    def resize(self, cols: int, rows: int) -> None:
        """The terminal's new size; the same size again writes nothing."""
        with self._lock:
            if (cols, rows) == self._size or self._file is None:
                return
            self._size = (cols, rows)
            self._write_locked("r", f"{cols}x{rows}", flush=False)

    def close(self, exit_status: int | None = None) -> None:
        """Write the exit status (if given) and what is buffered; later calls do nothing."""
        with self._lock:
            if self._file is None:
                return
            if exit_status is not None:
                self._write_locked("x", str(exit_status), flush=False)
            self._close_locked()

    def _close_locked(self) -> None:
        file, self._file = self._file, None
        if file is None:
            return
        try:
            if self._owns_file:
                file.close()
            else:
                file.flush()
        except OSError as error:
            self.error = self.error or error

    def _event(self, code: str, data: str, *, flush: bool = False) -> None:
        with self._lock:
            if self._file is not None:
                self._write_locked(code, data, flush=flush)

    def _write_locked(self, code: str, data: str, *, flush: bool) -> None:
        assert self._file is not None
        now = self.clock()
        # max(): events from two threads may read the clock in one order and take the
        # lock in the other; an interval is never negative.
        micros = max(self._last_micros, round((now - self._start) * 1_000_000))
        interval, self._last_micros = micros - self._last_micros, micros
        try:
            self._file.write(f'[{_seconds(interval)}, "{code}", {json.dumps(data, ensure_ascii=False)}]\n')
            if flush or now - self._last_flush >= FLUSH_EVERY:
                self._file.flush()
                self._last_flush = now
        except OSError as error:
            self.error = error
            self._close_locked()


def read_cast(path: str | os.PathLike[str]) -> Cast:
    """Read an asciicast v3 file: its header, and its events with absolute times.

    Comment lines (``#``) and blank lines are skipped. A last line cut short (no
    newline after it, and not JSON) is left out and the cast says ``truncated``; any
    other line that is not an event is an error. Raises CastError (a ValueError) for a
    file that is not an asciicast, one of another version, or a bad line, naming it.
    """
    name = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CastError(f"{name}: not an asciicast recording (not UTF-8 text)") from None
    lines = text.split("\n")
    header = _header(name, lines[0])
    events: list[CastEvent] = []
    micros = 0
    truncated = False
    last = len(lines) - 1  # after a final newline, lines[last] is "" and skipped
    for index, line in enumerate(lines[1:], start=1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            interval, code, data = _event(line)
        except ValueError as bad:
            if index == last:
                truncated = True
                break
            raise CastError(f"{name}, line {index + 1}: {bad}") from None
        micros += round(interval * 1_000_000)
        events.append(CastEvent(time=micros / 1_000_000, interval=interval, code=code, data=data))
    return Cast(header=header, events=events, truncated=truncated)


def _header(name: str, line: str) -> dict[str, Any]:
    try:
        header = json.loads(line)
    except ValueError:
        header = None
    if not isinstance(header, dict) or "version" not in header:
        raise CastError(f"{name}: not an asciicast recording (its first line is no asciicast header)")
    version = header["version"]
    if not isinstance(version, int) or isinstance(version, bool):
        raise CastError(f"{name}: not an asciicast recording (version {version!r})")
    if version > VERSION:
        raise CastError(f"{name}: asciicast version {version} is newer than this proctui reads ({VERSION})")
    if version < VERSION:
        raise CastError(f"{name}: asciicast version {version}; proctui reads version {VERSION} only")
    term = header.get("term")
    if not (isinstance(term, dict) and _positive_int(term.get("cols")) and _positive_int(term.get("rows"))):
        raise CastError(f"{name}: the header has no terminal size (term.cols, term.rows)")
    return header


def _positive_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _event(line: str) -> tuple[float, str, str]:
    """One event line's fields; ValueError (JSON's, or ours) saying what is wrong."""
    event = json.loads(line)
    if not (isinstance(event, list) and len(event) == 3):
        raise ValueError(f"not an event (an [interval, code, data] array): {line[:60]!r}")
    interval, code, data = event
    if isinstance(interval, bool) or not isinstance(interval, (int, float)) or interval < 0:
        raise ValueError(f"not an interval in seconds: {interval!r}")
    if not (isinstance(code, str) and isinstance(data, str)):
        raise ValueError(f"an event's code and data are strings: {line[:60]!r}")
    return float(interval), code, data
