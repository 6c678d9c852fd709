"""The session as it happened: every event, in the order the Lab said them, and each
frame (what /proc said of the lab's processes) that differed from the one before.

Written from several threads (the Lab's for events, the reader's for frames) and read by
the UI's: appends go under a lock, and a reader sees a prefix (lists only grow, except
that a flood of printed lines is trimmed, below). What is kept is bounded: every event
that is no printed line, and the newest ``MOST_OUTPUT`` printed lines.

A moment of the session is an event: back in time, the tree shows the frame the first
read at or after it found, and the processes gone by then.
"""

from __future__ import annotations

import bisect
import itertools
import threading
import time
from collections.abc import Callable, Iterable
from typing import NamedTuple

from proctui.core import events as ev
from proctui.core.events import LabEvent
from proctui.core.lifeline.lives import Life, Lives, Row
from proctui.core.procfs.snapshot import Snapshot


class Frame(NamedTuple):
    """The lab's processes as one /proc read found them."""

    time: float
    rows: tuple[Row, ...]


class SeenAgain(NamedTuple):
    """A read of /proc that found the last frame's rows again, after an event: the moment
    of that event shows that frame (see ``History.moment``)."""

    time: float


class Moment(NamedTuple):
    """One event of the session and the world it left."""

    serial: int  # the event's number in the session (1 is the first), kept when older lines are let go
    event: LabEvent
    frame: Frame | None  # the tree that stood after it (None: no frame read yet)
    ghosts: list[Life]  # the lab's processes gone by then
    position: int  # its place among the events kept (0-based)
    kept: int  # how many events are kept


#: What a listener is told: an event, a frame, or that a read found the last frame again.
Entry = LabEvent | Frame | SeenAgain

_OUTPUT = (ev.Output, ev.OutputNotShown)


def frame_rows(snapshot: Snapshot, own_pid: int) -> tuple[Row, ...]:
    """A snapshot's processes as rows, proctui's own state left out (it is R or S at random,
    whatever its main thread did at the instant of the read)."""
    return tuple(Row(info.pid, info.ppid, "S" if info.pid == own_pid else info.state, info.name, info.start_ticks)
                 for info in sorted(snapshot.procs.values(), key=lambda info: info.pid))


class History:
    """A session's events and frames, and the lives made from them."""

    #: Printed lines kept: a flood of them is the session too, but its oldest lines are let go.
    MOST_OUTPUT = 50_000

    def __init__(self, own_pid: int, started: float | None = None) -> None:
        self.own_pid = own_pid
        self.started = time.time() if started is None else started
        self.lives = Lives(own_pid)
        self._events: list[LabEvent] = []
        self._serials: list[int] = []  # each kept event's serial, ascending
        self._next_serial = itertools.count(1)
        self._outputs = 0  # printed lines among the kept events
        self.frames: list[Frame] = []
        self._frame_times: list[float] = []
        self._seen_until: list[float] = []  # each frame's last read, as far as an event needed it
        self._event_since_read = False
        self._lock = threading.Lock()
        self._listeners: list[Callable[[Entry], None]] = []

    def subscribe(self, listener: Callable[[Entry], None]) -> None:
        """listener(entry) for every event and frame added from now on, in order (under the lock)."""
        self._listeners.append(listener)

    def __len__(self) -> int:
        return len(self._events)

    # -- writing -----------------------------------------------------------------------------

    def add_event(self, event: LabEvent) -> None:
        with self._lock:
            self._events.append(event)
            self._serials.append(next(self._next_serial))
            self._event_since_read = True
            self.lives.add_event(event)
            if isinstance(event, _OUTPUT):
                self._outputs += 1
                if self._outputs > self.MOST_OUTPUT:
                    self._let_old_lines_go()
            for listener in self._listeners:
                listener(event)

    def add_frame(self, rows: tuple[Row, ...], when: float | None = None) -> Frame | None:
        """A /proc read's rows; kept (and returned) only if they differ from the last frame's."""
        with self._lock:
            when = time.time() if when is None else when
            if self.frames and self.frames[-1].rows == rows:
                if self._event_since_read:  # an event came, and nothing it did shows in /proc
                    self._seen(when)
                return None
            self._event_since_read = False
            frame = Frame(when, rows)
            self.frames.append(frame)
            self._frame_times.append(frame.time)
            self._seen_until.append(frame.time)
            self.lives.add_frame(frame.time, rows)
            for listener in self._listeners:
                listener(frame)
            return frame

    def saw_frame_again(self, when: float) -> None:
        """A record's SeenAgain line: a read at when found the last frame's rows again."""
        with self._lock:
            if self.frames:
                self._seen(when)

    def _seen(self, when: float) -> None:
        self._event_since_read = False
        self._seen_until[-1] = when
        for listener in self._listeners:
            listener(SeenAgain(when))

    def add_snapshot(self, snapshot: Snapshot) -> Frame | None:
        return self.add_frame(frame_rows(snapshot, self.own_pid))

    def _let_old_lines_go(self) -> None:
        """The oldest half of the printed lines kept, let go at once (so that a flood costs
        a copy of the list now and then, not one at each line)."""
        drop = self._outputs // 2
        kept_events, kept_serials = [], []
        for event, serial in zip(self._events, self._serials, strict=True):
            if drop and isinstance(event, _OUTPUT):
                drop -= 1
                continue
            kept_events.append(event)
            kept_serials.append(serial)
        self._outputs -= self._outputs // 2
        self._events, self._serials = kept_events, kept_serials

    # -- reading -----------------------------------------------------------------------------

    def events(self) -> list[LabEvent]:
        return list(self._events)

    def window(self, start: int, stop: int) -> list[LabEvent]:
        """The kept events from position start to stop (what fits on screen)."""
        return self._events[max(0, start):stop]

    def position_of(self, serial: int) -> int:
        """The place of the event numbered serial among those kept (or of the next one kept)."""
        return min(bisect.bisect_left(self._serials, serial), max(0, len(self._serials) - 1))

    def moment(self, position: int) -> Moment:
        """The event at position among those kept, and the world it left: the frame the
        first read at or after it found (the app reads /proc again at once after an event
        that changes the tree), else the last one read. After a burst of events read as one, each of
        them shows the frame after the burst: ``Moment.frame.time`` says when it was read."""
        with self._lock:
            event = self._events[position]
            index = bisect.bisect_left(self._frame_times, event.time)
            if index and self._seen_until[index - 1] >= event.time:
                index -= 1  # the first read after it found the frame before it again
            frame = self.frames[min(index, len(self.frames) - 1)] if self.frames else None
            until = frame.time if frame is not None and frame.time > event.time else event.time
            return Moment(self._serials[position], event, frame, self.lives.ghosts(at=until), position,
                          len(self._events))

    def ghosts(self) -> list[Life]:
        with self._lock:
            return self.lives.ghosts()

    def entries(self) -> Iterable[Entry]:
        """Every event and frame (and the last read of each frame an event needed), in the
        order of their times: for a record begun after the session."""
        with self._lock:
            seen = [SeenAgain(until) for frame, until in zip(self.frames, self._seen_until, strict=True)
                    if until > frame.time]
            entries: list[Entry] = [*self._events, *self.frames, *seen]
        return sorted(entries, key=lambda entry: entry.time)
