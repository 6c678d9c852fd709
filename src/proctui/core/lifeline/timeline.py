"""A life drawn as a line of letters over wall time, one column a slice of time: the
timeline pane's rows, and its time axis.

The line reads without colour, as the tree does. Upper case is what /proc said (the
kernel's own state letters, as ``ps`` and the tree show them); lower case and signs are
what an event said:

    f s v p   how it started: fork, spawn, forkserver, posix_spawn (a script), + another way
    R S D T   the state /proc gave it in that slice (running, sleeping, disk sleep, stopped...)
    Z         a zombie: from its exit to its reaping
    x         it exited
    r         it was reaped (the words say by whom); ? gone, and who reaped it is not known
    ^         re-parented (the words say to whom)
    .         alive, but no /proc read has seen it yet

Blank: not born yet, or ended. Cost: one life, O(its states + the width), never a loop over
the session's events.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

from proctui.core.i18n import N_, words
from proctui.core.lifeline.lives import Life, ReapKind

#: How it started, as the first column of its life shows it.
START_MARKS = {"fork": "f", "spawn": "s", "forkserver": "v", "posix_spawn": "p"}
OTHER_START = "+"  # started some other way we were told of (none today; a new start method)
EXIT, REAPED, NOT_KNOWN, REPARENTED, UNSEEN, ZOMBIE = "x", "r", "?", "^", ".", "Z"

# Which state letter a column shows when /proc gave several in its slice: the most telling
# one, so that a short stop or zombie is never lost to rounding (a column is often a second
# or more, and a zombie joined at once lasts a few milliseconds). Anything not listed (S, I,
# an unknown letter) ranks lowest.
_STATE_RANK = {"Z": 5, "T": 4, "t": 4, "D": 3, "R": 2}


class Window(NamedTuple):
    """The slice of wall time the pane shows, across ``width`` columns."""

    start: float
    end: float
    width: int

    @property
    def step(self) -> float:
        return (self.end - self.start) / self.width

    def column(self, when: float) -> int:
        """The column whose slice holds when (clamped to the window's edges)."""
        if self.end <= self.start:
            return self.width - 1
        return min(self.width - 1, max(0, math.floor((when - self.start) / self.step)))

    def holds(self, when: float) -> bool:
        return self.start <= when <= self.end


class _Span(NamedTuple):
    first: int  # its first column in the window
    last: int  # its last column
    ends_inside: bool  # it ended within the window (an end mark is drawn)


def _span(life: Life, window: Window, now: float) -> _Span | None:
    """The columns a life covers, or None if it lies wholly outside the window."""
    end = life.ended
    last_time = now if end is None else end
    if life.born > window.end or last_time < window.start:
        return None
    return _Span(window.column(life.born), window.column(min(last_time, window.end)),
                 end is not None and window.holds(end))


def _state_cells(life: Life, window: Window, span: _Span) -> list[str]:
    """Each column of the span: the most telling state /proc gave it in that slice ('.'
    where no read had seen it yet). One pass over the columns and the states together."""
    states = life.states
    cells = []
    index = 0  # the first state that begins after the current column's start
    current: str | None = None  # the state in effect at the current column's start
    for col in range(span.first, span.last + 1):
        slice_start = window.start + col * window.step
        slice_end = slice_start + window.step
        while index < len(states) and states[index][0] <= slice_start:
            current = states[index][1]
            index += 1
        best = current
        inside = index
        while inside < len(states) and states[inside][0] < slice_end:
            letter = states[inside][1]
            if best is None or _STATE_RANK.get(letter, 0) >= _STATE_RANK.get(best, 0):
                best = letter
            inside += 1
        cells.append(UNSEEN if best is None else best)
    return cells


def _zombie_columns(life: Life, window: Window, now: float) -> range | None:
    """The columns of its zombie interval: from its exit (or the first Z /proc gave) to
    its reaping (or its end if nobody said, or now); None if it was never a zombie that
    lasted (a forkserver child is reaped by the fork server the moment it exits)."""
    since = life.zombie_since()
    if since is None:
        return None
    until = life.reaped if life.reaped is not None else (life.ended if life.ended is not None else now)
    if until <= since or until < window.start or since > window.end:
        return None
    return range(window.column(since), window.column(min(until, window.end)) + 1)


def lifeline(life: Life, window: Window, now: float) -> str:
    """The life as window.width characters: its states, its zombie interval as Z, and its
    marks (start, exit, reap, re-parent). A mark takes a column only where the zombie
    still keeps one Z: a zombie, however short, always shows."""
    span = _span(life, window, now)
    if span is None:
        return " " * window.width
    cells = [" "] * window.width
    cells[span.first:span.last + 1] = _state_cells(life, window, span)
    zombie = _zombie_columns(life, window, now)
    if zombie is not None:
        for col in zombie:
            cells[col] = ZOMBIE
    marked: set[int] = set()

    def mark(col: int, letter: str) -> None:
        if col in marked:
            return
        if zombie is not None and col in zombie and sum(1 for c in zombie if c not in marked and c != col) == 0:
            return
        cells[col] = letter
        marked.add(col)

    # In this order: a column with two marks shows the first.
    if life.how is not None and window.holds(life.born):
        mark(span.first, START_MARKS.get(life.how, OTHER_START))
    if life.exited is not None and window.holds(life.exited):
        mark(window.column(life.exited), EXIT)
    if span.ends_inside:
        reaper = life.reaper_now()
        mark(span.last, NOT_KNOWN if reaper is None or reaper.kind is ReapKind.UNKNOWN else REAPED)
    for when, _parent in life.parents:
        if window.holds(when):
            mark(window.column(when), REPARENTED)
    return "".join(cells)


# -- the legend ---------------------------------------------------------------------------

#: Each letter's meaning, in the order the legend says them (the most telling first, so
#: that what a narrow pane cuts off is what matters least).
LEGEND: tuple[tuple[str, str], ...] = (
    (ZOMBIE, N_("zombie")), (EXIT, N_("exited")), (REAPED, N_("reaped")),
    (NOT_KNOWN, N_("reaper not known")), (REPARENTED, N_("re-parented")), ("T", N_("stopped")),
    ("f", "fork"), ("s", "spawn"), ("v", "forkserver"), ("p", "posix_spawn"), (OTHER_START, N_("started")),
    ("R", N_("running")), ("S", N_("sleeping")), ("D", N_("disk sleep")), ("t", N_("tracing stop")),
    ("I", N_("idle")), (UNSEEN, N_("not read yet")),
)


def legend(shown: Iterable[str], width: int, lang: str) -> str:
    """The meaning of the letters in shown (the lines on screen), as many as fit in width
    cells: 'Z zombie  x exited  r reaped ...'."""
    _ = words(lang)
    present = set().union(*(set(line) for line in shown))
    said = ""
    for letter, meaning in LEGEND:
        if letter not in present:
            continue
        item = f"{letter} {_(meaning)}"
        candidate = f"{said}  {item}" if said else item
        if cells(candidate) > width:
            break
        said = candidate
    return said


# -- the axis -----------------------------------------------------------------------------


def cells(text: str) -> int:
    """How many terminal cells text takes: a wide (CJK) character takes two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def ago(seconds: float, lang: str) -> str:
    """How long before now, as the axis says it: '-45 s', '-3 min', '-2 h'."""
    _ = words(lang)
    if seconds < 0.5:
        return _("now")
    if seconds < 120:
        return _("-{n} s").format(n=round(seconds))
    if seconds < 7200:
        return _("-{n} min").format(n=round(seconds / 60))
    return _("-{n} h").format(n=round(seconds / 3600))


def axis(window: Window, now: float, lang: str) -> str:
    """The time axis, window.width cells: how long ago its left edge, its middle and its
    right edge were ('-30 s', 'now'), the middle left out where it does not fit."""
    width = window.width
    left = ago(now - window.start, lang)
    right = ago(now - window.end, lang)
    middle = ago(now - (window.start + window.end) / 2, lang)
    if cells(left) + cells(right) + 1 > width:
        return _fit(right, width, align_right=True)
    middle_at = width // 2 - cells(middle) // 2
    middle_end = middle_at + cells(middle)
    if middle_at >= cells(left) + 2 and middle_end + 2 <= width - cells(right):
        return (left + " " * (middle_at - cells(left)) + middle
                + " " * (width - cells(right) - middle_end) + right)
    return left + " " * (width - cells(left) - cells(right)) + right


def _fit(text: str, width: int, *, align_right: bool = False) -> str:
    """text cut or padded to width cells."""
    out = ""
    for char in text:
        if cells(out + char) > width:
            break
        out += char
    pad = " " * (width - cells(out))
    return pad + out if align_right else out + pad
