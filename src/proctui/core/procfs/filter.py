"""Finding a process among thousands: ``/`` in the tree, as htop's F4 filter and btop's f.

A filter keeps the processes whose PID, name (comm), lab label or command line contains
what was typed (case-insensitive), and the tree keeps their ancestors so that it stays
a tree. Command lines are read from ``/proc/PID/cmdline`` once per process (by PID and
start time: a reused PID is another process), so a keystroke costs a look through what
is already known, not a read of every process.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from proctui.core.procfs.stat import ProcInfo


class CommandLines:
    """``/proc/PID/cmdline`` of each process, read once, kept while the process lives."""

    def __init__(self) -> None:
        self._known: dict[tuple[int, int], str] = {}

    def of(self, info: ProcInfo) -> str:
        key = (info.pid, info.start_ticks)
        found = self._known.get(key)
        if found is None:
            try:
                with open(f"/proc/{info.pid}/cmdline", "rb") as read:
                    raw = read.read()
            except OSError:
                raw = b""
            found = raw.replace(b"\0", b" ").decode("utf-8", "replace").strip().lower()
            if raw or info.is_zombie:  # an empty read of a live process may be an exec in progress
                self._known[key] = found
        return found

    def forget_all_but(self, alive: Iterable[tuple[int, int]]) -> None:
        keep = set(alive)
        for key in [key for key in self._known if key not in keep]:
            del self._known[key]


def matching(text: str, procs: Mapping[int, ProcInfo], labels: Mapping[int, str],
             command_lines: CommandLines) -> list[int]:
    """The PIDs (in order) whose PID, name, label or command line contains text."""
    wanted = text.strip().lower()
    if not wanted:
        return sorted(procs)
    found = []
    for pid in sorted(procs):
        info = procs[pid]
        if (wanted in str(pid) or wanted in info.name.lower() or wanted in labels.get(pid, "").lower()
                or wanted in command_lines.of(info)):
            found.append(pid)
    return found


def with_ancestors(matches: Iterable[int], parent_of: Mapping[int, int], root: int) -> dict[int, int]:
    """parent_of cut down to the matches and every ancestor of one (up to root)."""
    kept: dict[int, int] = {}
    for match in matches:
        pid = match
        while pid != root and pid in parent_of and pid not in kept:
            kept[pid] = parent_of[pid]
            pid = parent_of[pid]
    return kept
