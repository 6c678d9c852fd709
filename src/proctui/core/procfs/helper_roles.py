"""multiprocessing's own helper processes (the fork server, the resource tracker) and
proctui's wardens, told apart by their command lines.
"""

from __future__ import annotations

from collections.abc import Iterable

from proctui.core.i18n import N_
from proctui.core.procfs.snapshot import Snapshot

#: May be imported in another process (imported by the lab's children): it imports only the
#: standard library and other stdlib-only modules of proctui's
#: (tests/core/test_architecture.py).
STDLIB_ONLY = True

#: multiprocessing's helper processes, by what their command line runs.
FORK_SERVER = N_("fork server (its children's parent)")
_HELPER_ROLES = (
    ("multiprocessing.forkserver", FORK_SERVER),
    ("multiprocessing.resource_tracker", N_("resource tracker (spawn/forkserver helper)")),
    ("proctui.core.script.warden --for practice", N_("warden (ends the exercise if proctui is killed)")),
    ("proctui.core.script.warden", N_("warden (ends the script if proctui is killed)")),
)


def helper_role(pid: int) -> str | None:
    """What a multiprocessing helper process is for, from its command line; else None."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    for marker, role in _HELPER_ROLES:
        if marker in cmdline:
            return role
    return None


class HelperRoles:
    """multiprocessing's own helper processes among a parent's children (the fork server,
    the resource tracker), by PID. Each command line is read once per process: a PID
    seen again with the same start time is the same process."""

    def __init__(self, parent: int) -> None:
        self.parent = parent
        self._seen: dict[tuple[int, int], str | None] = {}
        self._last: tuple[Snapshot, set[int], frozenset[int], dict[int, str]] | None = None

    def among(self, snapshot: Snapshot, skip: Iterable[int], also_under: Iterable[int] = ()) -> dict[int, str]:
        """The helpers among the direct children of the parent (and of also_under: the
        processes of a script run by proctui, which start helpers of their own) in
        snapshot, but for skip (the same answer as last time for the same snapshot: a look
        at every process)."""
        skipped = set(skip)
        parents = frozenset((self.parent, *also_under))
        last = self._last
        if last is not None and last[0] is snapshot and last[1] == skipped and last[2] == parents:
            return last[3]
        roles: dict[int, str] = {}
        for pid, info in snapshot.procs.items():
            if info.ppid not in parents or pid in skipped:
                continue
            role = self.of(pid, info.start_ticks)
            if role is not None:
                roles[pid] = role
        self._last = (snapshot, skipped, parents, roles)
        return roles

    def of(self, pid: int, start_ticks: int) -> str | None:
        key = (pid, start_ticks)
        if key not in self._seen:
            self._seen[key] = helper_role(pid)
        return self._seen[key]

    def known(self, pid: int, start_ticks: int) -> str | None:
        """The role already read for this process, without reading anything."""
        return self._seen.get((pid, start_ticks))
