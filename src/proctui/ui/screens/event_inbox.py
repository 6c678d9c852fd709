"""The Lab's events on their way to the log: put from whichever thread raised them, taken
by the main screen a refresh at a time.

A script may print 100,000 lines in a second. One Textual message, one snapshot and one
log line each would hold the UI for seconds: here the events wait in one list, and one
message wakes the screen. The log shows the newest lines printed, at LINES_PER_SECOND
(a burst of LINES_AT_ONCE after a quiet time: a script's whole output, mostly): the log
lays out each line it writes (about half a millisecond a line), and no one reads faster.
The older lines of a flood are not shown: an OutputNotShown says how many, placed where
they would have been, under their process (with those the Lab's OutputSayer left out
already). Every event taken is still handed to the lesson as data; only when more than
MOST_WAITING lines wait (the UI far behind) do the oldest go untaken, counted the same way.
An event other than a line printed is never left out.

Plain Python, no Textual: tested on its own.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from proctui.core.events import LabEvent, Output, OutputNotShown
from proctui.core.lab.sayer import LineBudget

LINES_PER_SECOND = 200  # lines printed written to the log, in a long flood
LINES_AT_ONCE = 1000  # ... and at once, after a quiet time
MOST_WAITING = 20_000  # lines printed that may wait for a take; older ones are only counted
OUTPUT_PERIOD = 0.25  # seconds between takes while only lines printed wait (nothing on the tree changes)

_Writer = tuple[int | None, str | None, bool]  # (pid, label, by_script)


def _writer(event: Output | OutputNotShown) -> _Writer:
    return (event.pid, event.label, event.by_script)


def _lines(event: LabEvent) -> int:
    """How many lines printed an event stands for."""
    if isinstance(event, Output):
        return 1
    return event.count if isinstance(event, OutputNotShown) else 0


class EventInbox:
    def __init__(self, budget: LineBudget | None = None, most_waiting: int = MOST_WAITING) -> None:
        self._budget = budget or LineBudget(LINES_PER_SECOND, LINES_AT_ONCE)
        self._most_waiting = most_waiting
        self._lock = threading.Lock()
        self._waiting: deque[LabEvent] = deque()
        self._lines = 0  # Output events in _waiting
        # An event other than a line printed came since the screen last asked for a
        # snapshot (claim_urgent): it may change the tree.
        self._urgent = False
        self._early: list[LabEvent] = []  # other events pushed out of _waiting by a flood, in order
        self._untaken: dict[_Writer, int] = {}  # lines let go in a flood
        self._scheduled = False

    def put(self, event: LabEvent) -> bool:
        """From any thread. True when the screen must be told: the inbox was empty, or the
        first event that may change the tree has come (it asks for a snapshot)."""
        with self._lock:
            wake = not self._waiting and not self._early
            if isinstance(event, Output):
                self._lines += 1
            elif not isinstance(event, OutputNotShown) and not self._urgent:
                self._urgent = wake = True
            self._waiting.append(event)
            while self._lines > self._most_waiting:
                self._let_oldest_go()
            return wake

    def _let_oldest_go(self) -> None:
        oldest = self._waiting.popleft()
        if isinstance(oldest, Output | OutputNotShown):
            self._lines -= isinstance(oldest, Output)
            key = _writer(oldest)
            self._untaken[key] = self._untaken.get(key, 0) + _lines(oldest)
        else:
            self._early.append(oldest)

    def claim_urgent(self) -> bool:
        """True if an event that may change the tree came since the last claim: the
        caller asks for a snapshot. An event that comes while that snapshot is read (and
        so may not be in it) wakes the screen again, to ask for another."""
        with self._lock:
            urgent, self._urgent = self._urgent, False
            return urgent

    def schedule(self) -> bool:
        """True if no take is scheduled yet (and from now on one is, until the next take)."""
        with self._lock:
            scheduled, self._scheduled = self._scheduled, True
            return not scheduled

    def take(self, note: Callable[[LabEvent], object]) -> list[LabEvent]:
        """In the UI thread: note(event) for every event waiting, in order; what the log
        writes of them: every event but the oldest lines printed beyond the budget, and for
        each process whose lines were left out, how many, where they were."""
        with self._lock:
            events = [*self._early, *self._waiting]
            skipped = dict(self._untaken)
            lines = self._lines
            self._waiting.clear()
            self._early.clear()
            self._untaken.clear()
            self._lines = 0
            self._scheduled = False
        to_skip = lines - self._budget.take(lines)
        shown: list[LabEvent] = []
        # Where each count goes: before the event shown at this index, after the counts
        # there with a lower number (in the order their last lines were left out).
        where: dict[_Writer, tuple[int, int]] = {key: (0, -1) for key in skipped}
        for number, event in enumerate(events):
            note(event)
            if isinstance(event, OutputNotShown) or (isinstance(event, Output) and to_skip):
                key = _writer(event)
                to_skip -= isinstance(event, Output)
                skipped[key] = skipped.get(key, 0) + _lines(event)
                where[key] = (len(shown), number)
                continue
            if isinstance(event, Output) and (key := _writer(event)) in skipped:
                shown.append(self._not_shown(key, skipped.pop(key)))  # just above its first line shown
                del where[key]
            shown.append(event)
        # Processes none of whose lines are shown: their count where their last line was.
        for before, (key, (at, _)) in enumerate(sorted(where.items(), key=lambda item: item[1])):
            shown.insert(at + before, self._not_shown(key, skipped[key]))
        return shown

    @staticmethod
    def _not_shown(key: _Writer, count: int) -> OutputNotShown:
        pid, label, by_script = key
        return OutputNotShown(pid=pid, label=label, by_script=by_script, count=count)
