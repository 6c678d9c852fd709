"""The thread that turns what the ChildWatcher read into lines, and says them.

The watcher's thread only reads: a pipe is emptied the moment it is readable, so a process
printing 100,000 lines a second never waits on a full pipe while proctui makes an event of
each line (several microseconds a line, with the UI thread wanting the GIL too). What it
read waits here, in the order read, with the exits it noticed between, so that a
process's last lines are still said before its death. Only when MOST_QUEUED bytes wait
does the watcher wait in turn: memory stays bounded, and the writer waits on its pipe.

A flood is said by its newest lines. No one reads 100,000 lines a second, and an event a
line would cost proctui a core: lines become events at LINES_PER_SECOND at most (a burst
of BURST at once), the newest of what waits; the older ones are counted, and the count
is said with the next lines of their process (``skipped``), or at its pipe's end. Every
newline a process prints is either said (a line with its newline) or counted. The budget
is shared fairly between the pipes that print at once, and a process's LAST_WORDS lines
are said at its pipe's end, whatever the budget.

A line is said when its newline comes. A partial line (``print(x, end=' ')``, a ``write()``
with no newline, a progress bar redrawn with ``\\r``) does not wait for ever: it is said
without its newline when its pipe has been quiet for QUIET seconds, when it has waited
LONGEST_WAIT, when it reaches PARTIAL_MAX bytes, or at the pipe's end; the rest of the
line comes later as a line of its own. No line said is longer than PARTIAL_MAX bytes: a
longer one is said in pieces. A line holding ``\\r`` is said as a terminal shows
it at the end: what follows its last carriage return.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

#: on_output(lines, newline, skipped): the lines read; whether the last of them ended with
#: its newline (False: a partial line said before its newline came; every other one did);
#: and how many lines of the same pipe, before these, are not said (a flood). lines may
#: be empty: only a count, at the pipe's end.
OnOutput = Callable[[list[str], bool, int], None]

QUIET = 0.2  # seconds without a byte on the pipe: its partial line is said
LONGEST_WAIT = 1.0  # seconds a partial line waits at most, however busy its pipe
PARTIAL_MAX = 65536  # bytes of a line without a newline said at once: memory stays bounded
MOST_QUEUED = 16 << 20  # bytes read and not yet said before the watcher waits
LINES_PER_SECOND = 2000  # lines made events, all pipes together, in a long flood
BURST = 20_000  # lines made events at once after a quiet time (a script's whole output, mostly)
LAST_WORDS = 20  # lines of a flood said at its pipe's end, whatever the budget


class LineBudget:
    """How many lines may be said now: a token bucket, refilled at rate a second up to
    burst. Not thread-safe: one thread takes from it."""

    def __init__(self, rate: float, burst: int) -> None:
        self._rate = rate
        self._burst = burst
        self._tokens = float(burst)
        self._at = time.monotonic()

    def take(self, wanted: int) -> int:
        """How many of wanted lines may be said (each taken from the budget)."""
        now = time.monotonic()
        self._tokens = min(float(self._burst), self._tokens + (now - self._at) * self._rate)
        self._at = now
        given = min(wanted, int(self._tokens))
        self._tokens -= given
        return given


@dataclass(slots=True, eq=False)
class Pipe:
    """One output pipe's lines in the making (touched by the sayer's thread only)."""

    on_output: OnOutput
    partial: bytes = b""
    partial_since: float = 0.0  # time.monotonic() when the partial line began
    last_read: float = 0.0  # when its last bytes were read
    unsaid: int = 0  # lines left out of a flood, not yet said with the pipe's next lines
    # The newest of those, said at the pipe's end if no line of it came after them: a
    # process's last words are said, however much it printed before.
    tail: deque[tuple[bytes, bool]] = field(default_factory=lambda: deque(maxlen=LAST_WORDS))


@dataclass(slots=True)
class _Lines:
    """Lines of one pipe, to be said in order with what comes before and after them."""

    pipe: Pipe
    lines: list[bytes]
    newline: bool  # the last of them came with its newline


# What waits: bytes read from a pipe, the pipe's end (None), or an exit's callback.
_Item = tuple[Pipe, bytes | None, float] | Callable[[], None]
# What is said, in order: lines, a pipe's end, an exit's callback.
_Said = _Lines | Pipe | Callable[[], None]


class OutputSayer:
    def __init__(self, on_error: Callable[[BaseException], None] | None = None,
                 budget: LineBudget | None = None) -> None:
        self._on_error = on_error
        self._budget = budget or LineBudget(LINES_PER_SECOND, BURST)
        self._items: deque[_Item] = deque()
        self._queued = 0  # bytes in _items
        self._changed = threading.Condition()
        self._stopping = False
        self._partials: set[Pipe] = set()  # pipes holding a partial line
        self._thread = threading.Thread(target=self._run, name="proctui-output", daemon=True)
        self._thread.start()

    # -- from the watcher's thread ---------------------------------------------------------

    def read(self, pipe: Pipe, data: bytes) -> None:
        """data was read from pipe (waits while MOST_QUEUED bytes wait already)."""
        with self._changed:
            while self._queued > MOST_QUEUED and not self._stopping:
                self._changed.wait()
            self._items.append((pipe, data, time.monotonic()))
            self._queued += len(data)
            self._changed.notify_all()

    def ended(self, pipe: Pipe) -> None:
        """pipe is at its end: its partial line, if any, is said."""
        self._put((pipe, None, time.monotonic()))

    def call(self, callback: Callable[[], None]) -> None:
        """callback() in this thread, once what was read before is said (an exit)."""
        self._put(callback)

    def _put(self, item: _Item) -> None:
        with self._changed:
            self._items.append(item)
            self._changed.notify_all()

    def stop(self) -> None:
        """Say what waits, then end the thread."""
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=2)

    # -- in its own thread -------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._changed:
                if not self._items and not self._stopping:
                    self._changed.wait(self._partial_timeout())
                items = list(self._items)
                self._items.clear()
                self._queued = 0
                self._changed.notify_all()  # the watcher may read again
                stopping = self._stopping
            said: list[_Said] = []
            for item in items:
                self._guarded(self._take, item, said)
            if stopping and not items:
                for pipe in list(self._partials):
                    self._flush_partial(pipe, said)
            else:
                self._flush_waiting_partials(said)
            self._keep_newest(said)
            for one in said:
                self._guarded(self._say, one)
            if stopping and not items:
                return

    def _guarded(self, do: Callable[..., None], *what: object) -> None:
        try:
            do(*what)
        except Exception as exc:  # noqa: BLE001 - a failing callback must not end the thread
            if self._on_error is not None:
                self._on_error(exc)

    def _take(self, item: _Item, said: list[_Said]) -> None:
        """What item gives to say, in order, into said."""
        if callable(item):
            said.append(item)
            return
        pipe, data, when = item
        if data is None:
            self._flush_partial(pipe, said)
            said.append(pipe)
        else:
            self._split(pipe, data, when, said)

    def _keep_newest(self, said: list[_Said]) -> None:
        """Leave out the oldest lines beyond the budget, each pipe keeping its fair share
        of it (its newest lines), counted in their pipe's unsaid: each line's end (a piece
        said without its newline is no line of its own: its line is counted where its
        newline is, said or left out). The newest lines left out wait in the pipe's tail."""
        per_pipe: dict[Pipe, int] = {}
        for one in said:
            if isinstance(one, _Lines):
                per_pipe[one.pipe] = per_pipe.get(one.pipe, 0) + len(one.lines)
        total = sum(per_pipe.values())
        given = self._budget.take(total)
        if given >= total:
            return
        over = {pipe: count - kept for pipe, count, kept in _fair_shares(per_pipe, given)}
        for one in said:
            if not isinstance(one, _Lines) or over[one.pipe] <= 0:
                continue
            cut = min(over[one.pipe], len(one.lines))
            all_of_it = cut == len(one.lines)
            one.pipe.unsaid += cut - (all_of_it and not one.newline)
            tail = [(line, True) for line in one.lines[max(0, cut - LAST_WORDS):cut]]
            if all_of_it and not one.newline:
                tail[-1] = (tail[-1][0], False)
            one.pipe.tail.extend(tail)
            del one.lines[:cut]
            over[one.pipe] -= cut

    def _say(self, one: _Said) -> None:
        if isinstance(one, _Lines):
            if one.lines:
                one.pipe.tail.clear()  # older than these: only counted
                skipped, one.pipe.unsaid = one.pipe.unsaid, 0
                one.pipe.on_output([_shown(line) for line in one.lines], one.newline, skipped)
        elif isinstance(one, Pipe):  # its end: its last words, if a flood left them out
            self._say_last_words(one)
        else:
            one()

    @staticmethod
    def _say_last_words(pipe: Pipe) -> None:
        tail = list(pipe.tail)
        pipe.tail.clear()
        skipped = pipe.unsaid - sum(newline for _, newline in tail)
        pipe.unsaid = 0
        run: list[str] = []
        for line, newline in tail:
            run.append(_shown(line))
            if not newline:  # a piece said without its newline ends a call
                pipe.on_output(run, False, skipped)
                run, skipped = [], 0
        if run or skipped:
            pipe.on_output(run, True, skipped)

    def _partial_timeout(self) -> float | None:
        """How long to wait before a partial line is due; None: for ever."""
        due = min((min(pipe.last_read + QUIET, pipe.partial_since + LONGEST_WAIT) for pipe in self._partials),
                  default=None)
        return None if due is None else max(0.0, due - time.monotonic()) + 0.001

    def _flush_waiting_partials(self, said: list[_Said]) -> None:
        with self._changed:
            if self._items:  # read while these were taken: maybe the rest of a partial line
                return
        now = time.monotonic()
        for pipe in list(self._partials):
            if now - pipe.last_read >= QUIET or now - pipe.partial_since >= LONGEST_WAIT:
                self._flush_partial(pipe, said)

    def _split(self, pipe: Pipe, data: bytes, when: float, said: list[_Said]) -> None:
        pipe.last_read = when
        if not pipe.partial:
            pipe.partial_since = when
        *lines, partial = (pipe.partial + data).split(b"\n")
        if lines:
            pipe.partial_since = when  # a new line began
        # A progress bar redrawn with \r: only its last drawing is kept, as on a terminal.
        cut = partial.rfind(b"\r", 0, len(partial) - 1)
        pipe.partial = partial[cut:] if cut > 0 else partial
        if lines:
            self._whole(pipe, lines, said)
        while len(pipe.partial) >= PARTIAL_MAX:
            piece, pipe.partial = pipe.partial[:PARTIAL_MAX], pipe.partial[PARTIAL_MAX:]
            said.append(_Lines(pipe, [piece], newline=False))
        if pipe.partial:
            self._partials.add(pipe)
        else:
            self._partials.discard(pipe)

    @staticmethod
    def _whole(pipe: Pipe, lines: list[bytes], said: list[_Said]) -> None:
        """Lines that came with their newline; one longer than PARTIAL_MAX is said in
        pieces of that size, all but the last without a newline."""
        if all(len(line) <= PARTIAL_MAX for line in lines):
            said.append(_Lines(pipe, lines, newline=True))
            return
        whole: list[bytes] = []
        for line in lines:
            rest = line
            while len(rest) > PARTIAL_MAX:
                if whole:
                    said.append(_Lines(pipe, whole, newline=True))
                    whole = []
                said.append(_Lines(pipe, [rest[:PARTIAL_MAX]], newline=False))
                rest = rest[PARTIAL_MAX:]
            whole.append(rest)
        said.append(_Lines(pipe, whole, newline=True))

    def _flush_partial(self, pipe: Pipe, said: list[_Said]) -> None:
        self._partials.discard(pipe)
        if pipe.partial:
            partial, pipe.partial = pipe.partial, b""
            said.append(_Lines(pipe, [partial], newline=False))


def _fair_shares(counts: dict[Pipe, int], given: int) -> list[tuple[Pipe, int, int]]:
    """(pipe, count, kept): given lines shared out, each pipe kept as many as the others
    or all of its own if fewer (a quiet pipe beside a flooding one keeps its lines)."""
    shares = []
    left = given
    ordered = sorted(counts.items(), key=lambda item: item[1])
    for n, (pipe, count) in enumerate(ordered):
        kept = min(count, left // (len(ordered) - n))
        shares.append((pipe, count, kept))
        left -= kept
    return shares


def _shown(line: bytes) -> str:
    """A line as a terminal shows it at the end: after its last carriage return (a
    progress bar's last drawing; the \\r of a \\r\\n ending is dropped)."""
    text = line.decode("utf-8", "replace")
    if "\r" in text:
        text = text.rstrip("\r")
        text = text[text.rfind("\r") + 1:]
    return text
