"""The whole system's process table, kept from one read to the next (``SystemTable``):
what the tree's system scope shows, at the cost of what changed."""

from __future__ import annotations

import os
from collections.abc import Iterable

from proctui.core.procfs.snapshot import Snapshot
from proctui.core.procfs.stat import ProcInfo, read_proc


def list_proc() -> dict[int, int]:
    """Every PID in /proc, with the inode number of its directory, from one listing.

    The listing's inode numbers come with the directory entries (getdents), at no cost
    beyond the listing itself. procfs makes a new inode for /proc/PID when a process is
    first looked up and drops it when the process is reaped, so a PID listed with
    another inode than last time may be another process (or the same one, looked up
    again after the kernel let its inode go: its start time tells)."""
    with os.scandir("/proc") as entries:
        return {int(entry.name): entry.inode() for entry in entries if entry.name.isdigit()}


class SystemTable:
    """The whole system's process table, kept from one read to the next, so that a read
    costs what changed and what is watched rather than one ``stat`` per process.

    Each read lists /proc once. A PID that is new, or listed with a new inode (a PID
    reused by another process), is read; so is every watched PID (the rows on screen,
    the lab's processes): their state letters are read each time. A process whose
    parent went away (gone from /proc, replaced, or seen to turn zombie) is read again,
    since the kernel has re-parented it. Every other process keeps the line read
    before: what changes in it (the state letter, the name after an exec) is not on
    screen until its row is. A process that is gone is dropped at once, watched or not.
    """

    def __init__(self) -> None:
        self._inodes: dict[int, int] = {}
        self._procs: dict[int, ProcInfo] = {}
        self._last: Snapshot | None = None
        self.last_read: frozenset[int] = frozenset()  # whose stat the last read opened (tests, benchmarks)

    def read(self, watched: Iterable[int] = ()) -> Snapshot:
        """The table now. A process whose line has not changed keeps the very same
        ProcInfo; if nothing changed at all, the very same Snapshot comes back, so that
        what is drawn from it need not be worked out again."""
        listing = list_proc()
        known, inodes = self._procs, self._inodes
        # Unchanged and unwatched: kept. A dict of the PIDs still listed with the same inode.
        procs = {pid: known[pid] for pid, inode in listing.items() if inodes.get(pid) == inode and pid in known}
        fresh = {pid for pid in listing if pid not in procs}
        fresh.update(pid for pid in watched if pid in procs)
        # The parents whose children the kernel has handed on: those gone from /proc, and
        # below, those whose PID another process now has and those seen to turn zombie.
        went_away = known.keys() - listing.keys()
        changed = self._read_fresh(fresh, procs, went_away) or bool(went_away)
        # A new process (a new PID, or a PID another process now has): its parent, if kept
        # or read before it. Between that read and the child's, the parent may have exited
        # and its PID gone to the child's true parent (a reused PID forks at once); and a
        # kept line's inode is no proof either (procfs may list a PID with the dentry of its
        # previous owner until the kernel flushes it). Its start time tells; at most one
        # read per parent.
        # A PID whose owner changed within one clock tick keeps its start time: a changed
        # PPID tells too (a re-parented child costs one read of its new parent, no more).
        born = [pid for pid in fresh if pid in procs and (pid not in known
                                                          or known[pid].start_ticks != procs[pid].start_ticks
                                                          or known[pid].ppid != procs[pid].ppid)]
        parents = {procs[pid].ppid for pid in born}
        changed = _check_parents(parents & procs.keys(), procs, went_away) or changed
        fresh.update(parents & procs.keys())
        _reread_reparented(born, procs)
        again: list[int] = []
        if went_away:
            again = [pid for pid, info in procs.items() if info.ppid in went_away and pid not in fresh]
            for pid in again:
                info = read_proc(pid, owner=False)
                if info is None:
                    del procs[pid]
                elif info != procs[pid]:
                    procs[pid] = info
        self._inodes = listing
        self.last_read = frozenset(fresh.union(again))
        if not changed and self._last is not None and procs.keys() == self._last.procs.keys():
            return self._last
        self._procs = procs
        self._last = Snapshot(procs)
        return self._last

    def _read_fresh(self, fresh: set[int], procs: dict[int, ProcInfo], went_away: set[int]) -> bool:
        """Read every fresh PID into procs; add to went_away the PIDs whose processes handed
        their children on (another process has the PID now, or it turned zombie). Whether
        any line changed."""
        known = self._procs
        changed = False
        for pid in fresh:
            info = read_proc(pid, owner=False)
            before = known.get(pid)
            if info is None:
                procs.pop(pid, None)
                changed = changed or before is not None
                continue
            if info == before:
                info = before  # the same line: the same object, so a row drawn from it is not drawn again
            else:
                changed = True
                if before is not None and before.start_ticks != info.start_ticks:
                    went_away.add(pid)
                elif info.state == "Z" and (before is None or before.state != "Z"):
                    went_away.add(pid)
            procs[pid] = info
        return changed


def _check_parents(parents: set[int], procs: dict[int, ProcInfo], went_away: set[int]) -> bool:
    """Read each parent again: one gone or replaced since its line was read is dropped or
    replaced, and added to went_away. Whether any was."""
    changed = False
    for ppid in parents:
        info = read_proc(ppid, owner=False)
        if info is None or info.start_ticks != procs[ppid].start_ticks:
            changed = True
            went_away.add(ppid)
            if info is None:
                del procs[ppid]
            else:
                procs[ppid] = info
    return changed


def _reread_reparented(born: list[int], procs: dict[int, ProcInfo]) -> None:
    """A parent younger than its child is a newcomer that took the PID after the child's
    parent left: the child has been re-parented since it was read. Read it again."""
    for pid in born:
        child = procs.get(pid)
        parent = procs.get(child.ppid) if child is not None else None
        if child is not None and parent is not None and parent.start_ticks > child.start_ticks:
            info = read_proc(pid, owner=False)
            if info is None:
                del procs[pid]
            else:
                procs[pid] = info
