"""Snapshots of the kernel's process table, or of one subtree of it, read straight
from /proc.

Processes come and go while a snapshot is read (a PID listed by ``os.listdir`` may be
gone by the time its ``stat`` is opened, or may belong to another user); such a PID is
simply left out of that snapshot rather than failing the whole read.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from proctui.core.procfs.stat import ProcInfo, all_pids, read_proc, read_procs

#: May be imported in another process (imported by the lab's children): it imports only the
#: standard library and other stdlib-only modules of proctui's
#: (tests/core/test_architecture.py).
STDLIB_ONLY = True


@dataclass(slots=True)
class Snapshot:
    """The process table (or the part of it we looked at) at one moment."""

    procs: dict[int, ProcInfo]

    def parent_link(self, pid: int) -> int | None:
        """The PPID of pid if it still names its parent in this snapshot, else None.

        A snapshot reads one /proc/PID/stat after another. If a parent exits after its
        child's line was read and a new process is given the parent's PID before that
        PID's line is read, the child's PPID names a stranger. A parent is never younger
        than its child, so a PPID that names a younger process is such a stale link.
        """
        info = self.procs[pid]
        parent = self.procs.get(info.ppid)
        if parent is not None and parent.start_ticks > info.start_ticks:
            return None
        return info.ppid

    def children_of(self) -> dict[int, list[int]]:
        """ppid -> sorted child PIDs, for every process in the snapshot (stale links left out)."""
        kids: dict[int, list[int]] = {}
        for info in self.procs.values():
            ppid = self.parent_link(info.pid)
            if ppid is not None:
                kids.setdefault(ppid, []).append(info.pid)
        for pids in kids.values():
            pids.sort()
        return kids

    def descendants(self, root: int) -> Iterator[int]:
        """root's descendants as the kernel links them (PPID), depth first."""
        kids = self.children_of()
        stack = list(reversed(kids.get(root, [])))
        while stack:
            pid = stack.pop()
            yield pid
            stack.extend(reversed(kids.get(pid, [])))


def snapshot_system() -> Snapshot:
    """Every process on the system."""
    return Snapshot(read_procs(all_pids()))


def snapshot_subtree(root: int, extra: Iterable[int] = ()) -> Snapshot:
    """root and its descendants, plus the PIDs in ``extra`` wherever they now live.

    The kernel links a process to its parent, and (with CONFIG_PROC_CHILDREN) lists each
    thread's children in /proc/PID/task/TID/children. Walking those reads two small files
    per process of the subtree instead of every /proc/PID/stat on the system, which is
    what makes an idle lab scope cheap. Without those files, every process is read, as
    ps and htop do. ``extra`` lets the lab keep showing processes of its own that have
    been re-parented away from us.

    The kernel documents the children files as able to miss a child while its siblings
    exit at that very moment; a snapshot is a sequence of reads anyway (see
    Snapshot.parent_link), and the next one shows it.
    """
    if not children_files_exist():
        return _subtree_of(snapshot_system(), root, extra)
    found: dict[int, ProcInfo] = {}
    stack = [root]
    while stack:
        pid = stack.pop()
        if pid in found:
            continue
        info = read_proc(pid, owner=False)
        if info is None:
            continue
        found[pid] = info
        stack.extend(children_of_process(pid, info.threads))
    for pid in extra:
        if pid not in found:
            info = read_proc(pid, owner=False)
            if info is not None:
                found[pid] = info
    return Snapshot(found)


def _subtree_of(full: Snapshot, root: int, extra: Iterable[int]) -> Snapshot:
    """The part of a whole-system snapshot that snapshot_subtree(root, extra) reads."""
    keep = {root, *full.descendants(root)}
    keep.update(extra)
    return Snapshot({pid: full.procs[pid] for pid in keep if pid in full.procs})


def children_of_process(pid: int, threads: int = 0) -> list[int]:
    """The PIDs the kernel lists as pid's children, from every thread's children file.

    Children belong to the thread that forked them (or, when adopted, to the thread the
    kernel chose), so all threads are read; ``threads`` == 1 saves listing them."""
    if threads == 1:
        tids = [str(pid)]
    else:
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            return []
    kids: list[int] = []
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", "rb") as f:
                kids.extend(int(child) for child in f.read().split())
        except OSError:
            continue  # the thread or the process has gone
    return kids


def children(pid: int) -> list[ProcInfo]:
    """pid's children now: from its threads' children files where the kernel has them (a
    few reads), else from every /proc/PID/stat."""
    if not children_files_exist():
        return [info for info in snapshot_system().procs.values() if info.ppid == pid]
    found = (read_proc(child, owner=False) for child in children_of_process(pid))
    return [info for info in found if info is not None and info.ppid == pid]


@functools.cache
def children_files_exist() -> bool:
    """Whether this kernel has /proc/PID/task/TID/children (CONFIG_PROC_CHILDREN)."""
    return os.path.exists(f"/proc/self/task/{os.getpid()}/children")


class LabSnapshots:
    """Snapshots of one subtree, read whichever way costs fewer reads.

    Walking the children files reads about two files per process of the subtree;
    reading every /proc/PID/stat reads one per process on the system. With a thousand
    lab children and few other processes, the second is cheaper; the last sizes seen
    decide.
    """

    def __init__(self, root: int) -> None:
        self.root = root
        self._subtree_size = 1
        self._system_size = len(all_pids())

    def __call__(self, extra: Iterable[int] = ()) -> Snapshot:
        if children_files_exist() and 2 * self._subtree_size < self._system_size:
            snapshot = snapshot_subtree(self.root, extra)
            self._subtree_size = len(snapshot.procs)
            if self._subtree_size * 4 > self._system_size:  # growing: look at the system again
                self._system_size = len(all_pids())
            return snapshot
        full = snapshot_system()
        self._system_size = len(full.procs)
        snapshot = _subtree_of(full, self.root, extra)
        self._subtree_size = len(snapshot.procs)
        return snapshot
