"""A session written down (``proctui --record FILE``) and read back (``proctui replay FILE``).

One JSON object a line: a header first, then each event (``{"event": ...}``, see
``codec``) and each frame (``{"frame": ...}``) as they came, and a closing line when
the session ends. A reader refuses, with the reason, what is not a record, a record of a
newer format, and a record cut short (no closing line, or a line cut in the middle).
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass
from typing import IO, Any

from proctui.core.i18n import N_
from proctui.core.lifeline.codec import RecordError, event_from_json, event_to_json
from proctui.core.lifeline.history import Entry, Frame, History, SeenAgain
from proctui.core.lifeline.lives import Row

#: What a record's first line says it is.
MAGIC = "proctui record"
#: The format this proctui writes, and the newest it reads.
FORMAT = 1
#: Lines written are flushed to the file at least this often (seconds), and at the end.
FLUSH_EVERY = 0.5


@dataclass(frozen=True)
class RecordHeader:
    own_pid: int
    started: float
    lang: str
    python: str
    cast: str | None  # the terminal's half, an asciicast v3 file beside it (its name)


class RecordWriter:
    """Writes a History's events and frames to FILE as they come (a History listener)."""

    def __init__(self, path: str, header: RecordHeader) -> None:
        self.path = path
        self._file: IO[str] | None = open(path, "w", encoding="utf-8")  # open until close()
        self._lock = threading.Lock()
        self._flushed = time.monotonic()
        self.count = 0
        self._write({"record": MAGIC, "format": FORMAT, "own_pid": header.own_pid, "started": header.started,
                     "lang": header.lang, "python": header.python, "cast": header.cast})

    def follow(self, history: History) -> None:
        """Write what history holds already, then each entry added to it."""
        for entry in history.entries():
            self(entry)
        history.subscribe(self)

    def __call__(self, entry: Entry) -> None:
        if isinstance(entry, Frame):
            self._write({"frame": {"time": entry.time, "rows": [list(row) for row in entry.rows]}})
        elif isinstance(entry, SeenAgain):
            self._write({"seen": entry.time})
        else:
            self._write({"event": event_to_json(entry)})
        self.count += 1

    def _write(self, data: dict[str, Any]) -> None:
        line = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
        with self._lock:
            if self._file is None:
                return
            self._file.write(line)
            if time.monotonic() - self._flushed > FLUSH_EVERY:
                self._file.flush()
                self._flushed = time.monotonic()

    def close(self) -> None:
        self._write({"end": {"time": time.time(), "entries": self.count}})
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


def read_record(path: str) -> tuple[RecordHeader, History]:
    """The session a record holds, as a History, or a RecordError saying why not."""
    try:
        with open(path, "rb") as file:
            raw = file.read()
    except IsADirectoryError:
        raise RecordError(N_("{path} is a directory, not a record"), path=path) from None
    except OSError as exc:
        raise RecordError(N_("{path}: {problem}"), path=path,
                          problem=os.strerror(exc.errno) if exc.errno else str(exc)) from None
    lines = raw.split(b"\n")
    header = _header(path, lines[0])
    history = History(header.own_pid, header.started)
    ended = False
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        if ended:
            raise RecordError(N_("{path}, line {number}: more after the record's closing line"), path=path,
                              number=number)
        try:
            data = json.loads(line)
        except ValueError:
            raise RecordError(N_("{path} is cut short: line {number} is incomplete (the session did not end "
                                 "while it was recorded)"), path=path, number=number) from None
        ended = _add(history, data, path, number)
    if not ended:
        raise RecordError(N_("{path} is cut short after {count} events: it has no closing line (the session "
                             "did not end while it was recorded)"), path=path, count=len(history))
    return header, history


def _add(history: History, data: object, path: str, number: int) -> bool:
    """One line's event or frame into history; True for the closing line."""
    try:
        if isinstance(data, dict) and "event" in data:
            history.add_event(event_from_json(data["event"]))
        elif isinstance(data, dict) and "frame" in data:
            frame = data["frame"]
            history.add_frame(tuple(Row(*row) for row in frame["rows"]), float(frame["time"]))
        elif isinstance(data, dict) and "seen" in data:
            history.saw_frame_again(float(data["seen"]))
        elif isinstance(data, dict) and "end" in data:
            return True
        else:
            raise RecordError(N_("not an event: {data}"), data=str(data)[:80])
    except RecordError as error:
        raise RecordError(N_("{path}, line {number}: {problem}"), path=path, number=number,
                          problem=str(error)) from None
    except (KeyError, TypeError, ValueError):
        raise RecordError(N_("{path}, line {number}: not a frame: {data}"), path=path, number=number,
                          data=str(data)[:80]) from None
    return False


def _header(path: str, first: bytes) -> RecordHeader:
    try:
        data = json.loads(first)
    except ValueError:
        data = None
    if isinstance(data, dict) and "version" in data and "term" in data:
        raise RecordError(N_("{path} is the terminal's half of a record (an asciicast): asciinema play {path} "
                             "plays it; proctui replay reads the record beside it"), path=path)
    if not isinstance(data, dict) or data.get("record") != MAGIC:
        raise RecordError(N_("{path} is not a proctui record (made with proctui --record FILE)"), path=path)
    written = data.get("format")
    if not isinstance(written, int) or written > FORMAT:
        raise RecordError(N_("{path} is a record of format {written}, newer than this proctui reads "
                             "(format {format}): a newer proctui made it"), path=path, written=written, format=FORMAT)
    return RecordHeader(data["own_pid"], data["started"], data.get("lang", "en"), data.get("python", ""),
                        data.get("cast"))
