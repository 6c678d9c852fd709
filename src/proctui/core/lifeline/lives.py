"""Each process's life, from the events and the frames of a session: how it started,
each state /proc gave it, each re-parenting, its exit, and who reaped it.

Nothing here is guessed. A state is what a frame (a /proc read) said; an exit and a reap
are what an event said (a pidfd, a ``waitpid`` that returned, a call seen inside a
script's process). Where nothing said who reaped a process that has gone from /proc, its
reaper is ``ReapKind.UNKNOWN``, and the words for it say so.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from proctui.core import events as ev
from proctui.core.events import LabEvent


class Row(NamedTuple):
    """One process in a frame: what /proc/PID/stat said of it."""

    pid: int
    ppid: int
    state: str
    name: str
    start_ticks: int


class ReapKind(enum.Enum):
    """Who took a process's exit status (so that it stopped being a zombie)."""

    JOIN = "join"  # Process.join() in proctui
    STEPPED_JOIN = "stepped join"  # the stepped join's own os.waitpid, in proctui
    IS_ALIVE = "is_alive"  # Process.is_alive() in proctui
    FORK_SERVER = "fork server"  # its parent, the fork server, at once
    POOL_HANDLER = "pool handler"  # a Pool's worker handler thread
    POOL_JOIN = "pool join"  # Pool.join()
    POOL_TERMINATE = "pool terminate"  # Pool.terminate()
    SUBREAPER = "subreaper"  # proctui as child subreaper (init's role), an adopted orphan
    PROCTUI = "proctui"  # proctui run's script process, reaped by proctui, its parent
    EXIT_HANDLER = "exit handler"  # a daemon: its exiting parent's exit handler
    KERNEL = "kernel"  # its parent ignores SIGCHLD: no zombie at all
    SCRIPT = "script"  # a process of the script: its own os.waitpid / os.waitid, seen there
    UNKNOWN = "unknown"  # gone from /proc, and nothing said who reaped it


@dataclass(frozen=True, slots=True)
class Reaper:
    kind: ReapKind
    pid: int | None = None  # the reaping process, where it is known
    label: str | None = None  # ... and its label
    via: str | None = None  # SCRIPT: the call it was made for ("join()"), None: os.waitpid itself
    call: str | None = None  # SCRIPT: "os.waitpid", ...
    file: str | None = None  # SCRIPT: the script's line that led to it
    line: int | None = None
    parent: int | None = None  # UNKNOWN: the parent it had when it was last seen


_BY_CALL = {
    ev.ReapCall.JOIN: ReapKind.JOIN, ev.ReapCall.STEPPED_JOIN: ReapKind.STEPPED_JOIN,
    ev.ReapCall.IS_ALIVE: ReapKind.IS_ALIVE, ev.ReapCall.ADOPTED_CHILD: ReapKind.SUBREAPER,
    ev.ReapCall.ADOPTED_ZOMBIE: ReapKind.SUBREAPER, ev.ReapCall.SCRIPT: ReapKind.PROCTUI,
}
_BY_POOL = {ev.PoolReap.HANDLER: ReapKind.POOL_HANDLER, ev.PoolReap.JOIN: ReapKind.POOL_JOIN,
            ev.PoolReap.TERMINATE: ReapKind.POOL_TERMINATE}


@dataclass(eq=False, slots=True)
class Life:
    """One process, from its first sign (an event or a frame) to its last."""

    key: int  # its place among the session's lives: a PID may be used again
    pid: int
    born: float
    start_ticks: int | None = None
    label: str | None = None  # the lab's name for it; None: a process proctui did not start
    name: str | None = None  # comm, from /proc
    how: str | None = None  # "fork", "spawn", "forkserver", "posix_spawn"; None: not seen starting
    parent: int | None = None  # the PID it was first seen under
    script: str | None = None  # proctui run's script process: the file it runs
    states: list[tuple[float, str]] = field(default_factory=list)  # each /proc state letter, from when
    parents: list[tuple[float, int]] = field(default_factory=list)  # each re-parenting, to whom
    exited: float | None = None  # the kernel said it exited (a pidfd)
    status: int | None = None  # the raw wait status, where it was read
    exitcode: int | None = None
    reaped: float | None = None
    reaper: Reaper | None = None
    gone: float | None = None  # the first frame it was no longer in

    @property
    def ended(self) -> float | None:
        """When it stopped being a process of /proc: reaped, or seen gone."""
        if self.reaped is not None and self.gone is not None:
            return min(self.reaped, self.gone)
        return self.reaped if self.reaped is not None else self.gone

    def state_at(self, when: float) -> str | None:
        """The state letter /proc last gave it at or before when (None: not seen yet)."""
        letter = None
        for time, state in self.states:
            if time > when:
                break
            letter = state
        return letter

    def zombie_since(self) -> float | None:
        """When it became a zombie: its exit event, else the first frame that said Z."""
        if self.exited is not None:
            return self.exited
        return next((time for time, state in self.states if state == "Z"), None)

    def zombie_seconds(self) -> float | None:
        """How long it was a zombie: from its exit to its reaping, where both are known."""
        since = self.zombie_since()
        if since is None or self.reaped is None:
            return None
        return max(0.0, self.reaped - since)

    def reaper_now(self) -> Reaper | None:
        """Who reaped it; UNKNOWN once it is gone and nothing said; None while it lives."""
        if self.reaper is not None:
            return self.reaper
        if self.ended is None:
            return None
        return Reaper(ReapKind.UNKNOWN, parent=self.parents[-1][1] if self.parents else self.parent)

    def parent_at(self, when: float) -> int | None:
        parent = self.parent
        for time, ppid in self.parents:
            if time > when:
                break
            parent = ppid
        return parent


class Lives:
    """Every life of a session, updated as events and frames come (each in O(what it names))."""

    def __init__(self, own_pid: int) -> None:
        self.own_pid = own_pid
        self.all: list[Life] = []
        self._by_pid: dict[int, Life] = {}  # each PID's latest life
        self._last_rows: dict[int, Row] = {}
        self._ghosts: dict[int, Life] = {}  # by key, in the order they went: those with a label that ended
        self._by_start: dict[tuple[int, int], Life] = {}  # (PID, start time): the one process it names

    def __iter__(self) -> Iterator[Life]:
        return iter(self.all)

    def __len__(self) -> int:
        return len(self.all)

    def of(self, pid: int) -> Life | None:
        """pid's latest life."""
        return self._by_pid.get(pid)

    def named(self, pid: int, start_ticks: int) -> Life | None:
        """The life of the process a frame's row names (its PID and start time)."""
        return self._by_start.get((pid, start_ticks))

    def _new(self, pid: int, when: float) -> Life:
        life = Life(len(self.all), pid, when)
        self.all.append(life)
        self._by_pid[pid] = life
        return life

    def _current(self, pid: int, when: float, *, starting: bool = False) -> Life:
        """pid's life; a new one if it has none, or if this names a new start and the
        last one has ended (the PID was used again)."""
        life = self._by_pid.get(pid)
        if life is None or (starting and life.ended is not None) or (starting and life.exited is not None):
            life = self._new(pid, when)
        return life

    # -- events --------------------------------------------------------------------------

    def add_event(self, event: LabEvent) -> None:
        pid = event.pid
        if pid is None or pid == self.own_pid:
            return
        how = _start_of(event)
        if how is not None:
            started = self._current(pid, event.time, starting=True)
            started.how = how
            started.label = event.label or started.label
            started.parent = getattr(event, "parent_pid", None) or started.parent
            started.born = min(started.born, event.time)
            if isinstance(event, ev.ScriptStarted):
                started.script = event.path
            return
        life = self._by_pid.get(pid)
        if life is None:
            if not isinstance(event, (ev.Exited, ev.Reaped, ev.PoolWorkerReaped, ev.Adopted, ev.ReapedByScript)):
                return  # a line printed, a refusal: no life begins with it
            life = self._new(pid, event.time)
        if event.label and life.label is None:
            life.label = event.label
        self._note(life, event)
        self._maybe_ghost(life)

    def _maybe_ghost(self, life: Life) -> None:
        if life.label is not None and life.ended is not None and life.key not in self._ghosts:
            self._ghosts[life.key] = life

    def _note(self, life: Life, event: LabEvent) -> None:
        if isinstance(event, ev.Exited):
            life.exited, life.status = event.time, event.status
            life.exitcode = event.exitcode if event.status is not None else life.exitcode
            if event.who_reaps in (ev.WhoReaps.FORK_SERVER, ev.WhoReaps.KERNEL):
                # Its parent reaps it at once: it is never a zombie that anyone can see.
                kind = ReapKind.FORK_SERVER if event.who_reaps is ev.WhoReaps.FORK_SERVER else ReapKind.KERNEL
                life.reaped, life.reaper = event.time, Reaper(kind, pid=event.reaper_pid)
            elif event.who_reaps is ev.WhoReaps.EXIT_HANDLER:
                life.reaper = Reaper(ReapKind.EXIT_HANDLER, pid=event.reaper_pid)
        elif isinstance(event, ev.Reaped):
            if event.exitcode is not None:
                life.exitcode = event.exitcode
            if event.call in (ev.ReapCall.SENTINEL, ev.ReapCall.IS_ALIVE_SENTINEL):
                return  # forkserver: join() read the code the fork server sent; the fork server reaped it
            life.reaped = event.time if life.reaped is None else life.reaped
            life.reaper = Reaper(_BY_CALL.get(event.call, ReapKind.JOIN), pid=self.own_pid)
        elif isinstance(event, ev.PoolWorkerReaped):
            if event.exitcode is not None:
                life.exitcode = event.exitcode
            life.reaped = event.time if life.reaped is None else life.reaped
            life.reaper = Reaper(_BY_POOL[event.by], pid=self.own_pid)
        elif isinstance(event, ev.Adopted):
            life.parents.append((event.time, event.adopter_pid))
        elif isinstance(event, ev.ReapedByScript):
            self._reaped_by_script(life, event)

    @staticmethod
    def _reaped_by_script(life: Life, event: ev.ReapedByScript) -> None:
        """Seen inside the script's process: its wait returned this child's status. The
        event is said after the reap; the Exited before it is the zombie's start."""
        life.status, life.exitcode = event.status, event.exitcode
        life.reaped = event.time if life.reaped is None else life.reaped
        if event.via is ev.ReapedVia.FORK_SERVER:  # its parent, the fork server, as it exited
            life.reaper = Reaper(ReapKind.FORK_SERVER, pid=event.reaper_pid)
            return
        life.reaper = Reaper(ReapKind.SCRIPT, pid=event.reaper_pid, label=event.reaper_label,
                             via=event.via.value if event.via is not None else None, call=event.call,
                             file=event.file, line=event.line)

    # -- frames ----------------------------------------------------------------------------

    def add_frame(self, when: float, rows: Iterable[Row]) -> None:
        """What /proc said at when: states and parents that changed, births and goings."""
        now: dict[int, Row] = {}
        for row in rows:
            if row.pid == self.own_pid:
                continue
            now[row.pid] = row
            before = self._last_rows.get(row.pid)
            if before == row:
                continue
            life = self._by_pid.get(row.pid)
            if life is None or life.gone is not None or (
                    life.start_ticks is not None and life.start_ticks != row.start_ticks):
                life = self._new(row.pid, when)
            if life.start_ticks is None:
                life.start_ticks, life.parent = row.start_ticks, life.parent or row.ppid
                self._by_start[row.pid, row.start_ticks] = life
            life.name = row.name
            if not life.states or life.states[-1][1] != row.state:
                life.states.append((when, row.state))
            if before is not None and before.start_ticks == row.start_ticks and before.ppid != row.ppid:
                if not life.parents or life.parents[-1][1] != row.ppid:
                    life.parents.append((when, row.ppid))
        for pid in self._last_rows.keys() - now.keys():
            life = self._by_pid.get(pid)
            if life is not None and life.gone is None:
                life.gone = when
                self._maybe_ghost(life)
        self._last_rows = now

    def ghosts(self, at: float | None = None) -> list[Life]:
        """The lab's and the scripts' processes (those with a label) gone by at (None: now)."""
        if at is None:
            return list(self._ghosts.values())
        return [life for life in self._ghosts.values() if (ended := life.ended) is not None and ended <= at]


def _start_of(event: LabEvent) -> str | None:
    """How the process an event names was started, if the event is its start."""
    if isinstance(event, ev.Forked):
        return event.start_method
    if isinstance(event, ev.ScriptStarted):
        return "posix_spawn"
    if isinstance(event, ev.ScriptForked):
        return event.via
    if isinstance(event, ev.GrandchildForked):
        return "fork"
    if isinstance(event, ev.PoolWorkerStarted):
        return event.start_method
    return None
