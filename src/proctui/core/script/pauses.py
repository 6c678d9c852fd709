"""Which processes of a script run by proctui wait for a command, and which are to be sent
on at their next pause without being shown: the book ``Scripts`` keeps for ``C``
(continue every process of the script) and ``--follow child`` (the parent runs free).

``C`` is said to the script as it is at that moment: every process paused then gets
``continue`` at once (as c in its viewer: a breakpoint stops it again); one between two
lines then (after n, s or r) gets it at its next pause; so does a child one of them forked
before C whose hello comes after it (fork returns twice: the child of a process being
stepped would pause at its next line). What starts later is stepped again as usual, but
for a child forked on the way to a breakpoint (3.10 and 3.11 keep the tracer on): it
cannot be told from one forked before C, and runs on.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from proctui.core.script.protocol import CommandName


@dataclass(frozen=True)
class SentOn:
    """proctui sent a process on without a key of the user's (``C``, ``--follow child``):
    its viewer says it runs. ``free``: it runs free for good (no breakpoint stops it)."""

    pid: int
    free: bool = False


class PauseBook:
    """Thread-safe: the channel's threads report pauses and ends, the UI sends commands."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._paused: set[int] = set()
        self._running: set[int] = set()  # said hello, not paused now, not ended
        self._at_next_pause: dict[int, CommandName] = {}  # the command its next pause gets at once
        self._continued: set[int] = set()  # sent on by C: what they fork before they hear of it runs on too

    def said_hello(self, pid: int, parent: int | None) -> None:
        with self._lock:
            self._running.add(pid)
            if parent is not None and parent in self._continued:
                self._at_next_pause.setdefault(pid, "continue")
                self._continued.add(pid)

    def paused(self, pid: int) -> CommandName | None:
        """pid has paused: the command to answer at once, or None (it waits for the user)."""
        with self._lock:
            answer = self._at_next_pause.pop(pid, None)
            if answer is None:  # shown to the user: stepped again from here
                self._running.discard(pid)
                self._paused.add(pid)
                self._continued.discard(pid)
            return answer

    def sent(self, pid: int) -> None:
        """A command went to pid: it runs until its next pause."""
        with self._lock:
            if pid in self._paused:
                self._paused.discard(pid)
                self._running.add(pid)

    def ended(self, pid: int) -> None:
        with self._lock:
            self._paused.discard(pid)
            self._running.discard(pid)
            self._at_next_pause.pop(pid, None)

    def is_paused(self, pid: int) -> bool:
        with self._lock:
            return pid in self._paused

    @property
    def paused_now(self) -> list[int]:
        with self._lock:
            return sorted(self._paused)

    def continue_all(self) -> list[int]:
        """C: the processes paused now (the caller sends them ``continue``); those running
        are answered ``continue`` at their next pause, and so are the children they fork
        before it."""
        with self._lock:
            paused = sorted(self._paused)
            # Those running now have not heard c: their next pause gets it. Those paused
            # get it now, as c in each viewer: a breakpoint stops them again. A child any
            # of them forked before C, whose hello comes only now, is sent on too.
            for pid in self._running:
                self._at_next_pause.setdefault(pid, "continue")
            self._running.update(paused)
            self._continued = set(self._running)
            self._paused.clear()
            return paused

    def free_at_next_pause(self, pid: int) -> bool:
        """``--follow child``: pid is to run free. True if it is paused now (the caller
        sends ``free`` at once); else its next pause is answered ``free``."""
        with self._lock:
            if pid in self._paused:
                self._paused.discard(pid)
                self._running.add(pid)
                return True
            if pid in self._running:
                self._at_next_pause[pid] = "free"
            return False
