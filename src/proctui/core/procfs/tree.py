"""The process tree as data: which process is shown under which, and, from one refresh to
the next, which rows go, which come and which are drawn again.

Plain data, no Textual: the tree widget only applies a ``TreeChange`` to its nodes. The
cost of a refresh follows what changed, not how many rows there are: rows that stayed
are never looked at one by one (a set difference of the two shapes finds the rest), and
the rows kept are indexed by parent, so a removed row's subtree is found without a walk
of the whole tree.
"""

from __future__ import annotations

import bisect
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, Literal, NamedTuple, TypeVar

from proctui.core.procfs.filter import CommandLines, matching, with_ancestors
from proctui.core.procfs.snapshot import Snapshot
from proctui.core.procfs.stat import ProcInfo

#: What the tree shows: proctui and its descendants (and every lab process), or every
#: user-space process of the system.
Scope = Literal["lab", "system"]

#: The data of the synthetic root of the whole-system tree (no process has PID 0 in /proc).
SYSTEM_ROOT = 0


@dataclass(frozen=True, slots=True)
class TreeShape:
    """Which process sits under which, and in what order, for one refresh."""

    root: int  # the PID shown at the root (SYSTEM_ROOT for the whole system)
    parent_of: dict[int, int]  # every shown PID except the root -> the PID it is shown under

    def children(self) -> dict[int, list[int]]:
        kids: dict[int, list[int]] = {}
        for pid, parent in self.parent_of.items():
            kids.setdefault(parent, []).append(pid)
        for pids in kids.values():
            pids.sort()
        return kids

    def top_down(self) -> list[int]:
        """Shown PIDs, every parent before its children."""
        kids = self.children()
        order: list[int] = []
        order.extend(kids.get(self.root, []))
        for pid in order:  # breadth first: the list grows behind the loop
            order.extend(kids.get(pid, []))
        return order


def lab_shape(snapshot: Snapshot, own_pid: int) -> TreeShape:
    """proctui at the root and its descendants under it, as the kernel links them."""
    parent_of = {pid: snapshot.procs[pid].ppid for pid in snapshot.descendants(own_pid)}
    return TreeShape(own_pid, parent_of)


def system_shape(snapshot: Snapshot) -> TreeShape:
    """Every user-space process; those whose parent we cannot see hang off the root."""
    shown = {pid for pid, info in snapshot.procs.items() if not info.kernel_thread}
    parent_of = {}
    for pid in shown:
        ppid = snapshot.parent_link(pid)
        parent_of[pid] = ppid if ppid in shown else SYSTEM_ROOT
    return TreeShape(SYSTEM_ROOT, parent_of)


def filtered(shape: TreeShape, snapshot: Snapshot, labels: dict[int, str], command_lines: CommandLines,
             text: str) -> tuple[TreeShape, list[int]]:
    """shape cut down to the processes text matches and their ancestors, and the matches
    (top to bottom, as the tree shows them)."""
    shown = {pid: info for pid, info in snapshot.procs.items() if pid in shape.parent_of}
    found = set(matching(text, shown, labels, command_lines))
    kept = TreeShape(shape.root, with_ancestors(found, shape.parent_of, shape.root))
    return kept, [pid for pid in kept.top_down() if pid in found]


def with_rows_under(shape: TreeShape, pids: Iterable[int], parent: int) -> TreeShape:
    """shape plus a row for each of pids under parent (rows /proc no longer has: the lab's
    forkserver children that exited and have not been joined)."""
    extra = dict.fromkeys(pids, parent)
    if not extra:
        return shape
    return TreeShape(shape.root, {**shape.parent_of, **extra})


FactsT = TypeVar("FactsT", bound=Hashable)


#: What a row is drawn from: its /proc line (None: a row /proc no longer has, drawn from
#: its facts) and what else is known of it (the lab's record, a helper's role...). A row
#: whose source is equal to last time's is not drawn again (most rows, most refreshes). A
#: tuple: made and compared for every row of the lab at each refresh (a frozen dataclass
#: cost twice the whole diff with 1,000 lab children).
RowSource = tuple[ProcInfo | None, FactsT | None]


@dataclass(slots=True)
class TreeChange:
    """What one refresh does to the rows, in the order it is done: the widget removes,
    then adds, then draws again."""

    reset: bool = False  # another root: every row goes, the tree starts again
    every_row: bool = False  # every row is drawn again (in another language)
    removed: list[int] = field(default_factory=list)  # rows removed, each with its subtree
    dropped: list[int] = field(default_factory=list)  # every PID whose row went (removed and below)
    sourced: list[int] = field(default_factory=list)  # rows with a new source: not yet drawn from it
    redrawn: list[int] = field(default_factory=list)  # rows that stayed and are drawn again
    added: list[tuple[int, int, int]] = field(default_factory=list)  # (pid, parent, index among its siblings)
    regrouped: set[int] = field(default_factory=set)  # rows whose children changed


class TreeRows(Generic[FactsT]):
    """The rows a tree shows, as the last refresh left them: each one's parent, its
    children in PID order (the order the tree shows them), and what it is drawn from.
    ``update`` makes them match a new shape and says what changed."""

    def __init__(self) -> None:
        self.shape: TreeShape | None = None
        self.sources: dict[int, RowSource[FactsT]] = {}  # what each row is drawn from
        self._children: dict[int, list[int]] = {}  # each row (the root too) -> its children, sorted
        self._procs: dict[int, ProcInfo] = {}  # the snapshot the rows were last compared with

    def children(self, pid: int) -> list[int]:
        return self._children.get(pid, [])

    def has_row(self, pid: int) -> bool:
        """pid is shown: as a row, or as the root."""
        return self.shape is not None and (pid == self.shape.root or pid in self.shape.parent_of)

    def update(self, shape: TreeShape, procs: dict[int, ProcInfo], facts: Mapping[int, FactsT],
               every_row: bool = False) -> TreeChange:
        """Make the rows match shape. procs: the snapshot's /proc lines (the system table
        keeps an unchanged line as the same object, so an unchanged row is found by
        identity); facts: what else is known of some rows (few: the lab's); every_row:
        every row is drawn again (another language)."""
        change = TreeChange(every_row=every_row)
        previous = self.shape
        if previous is None or previous.root != shape.root:
            change.reset = True
            self.sources.clear()
            self._children.clear()
        kept = _Kept(previous.parent_of if previous is not None and not change.reset else {}, set())
        same_shape = previous is shape  # the screen hands the same shape on for the same snapshot
        if previous is not None and not change.reset and not same_shape:
            self._remove_moved(previous, shape, kept, change)
        self._resource(shape, procs, facts, kept, change)
        if not same_shape:
            self._add_new(shape, kept, change)
        self.shape = shape
        return change

    def _remove_moved(self, previous: TreeShape, shape: TreeShape, kept: _Kept, change: TreeChange) -> None:
        """Drop rows whose process is gone or now has another parent (re-parenting: a tree
        has no "move", so a moved row is removed here and added again later). A set
        difference of the two shapes: no Python loop over rows that stayed."""
        for pid, parent in previous.parent_of.items() - shape.parent_of.items():
            if pid in kept.gone:  # it went with an ancestor removed before
                continue
            change.regrouped.add(parent)
            change.removed.append(pid)
            siblings = self._children[parent]
            del siblings[bisect.bisect_left(siblings, pid)]
            stack = [pid]
            while stack:
                current = stack.pop()
                kept.gone.add(current)
                change.dropped.append(current)
                self.sources.pop(current, None)
                stack.extend(self._children.pop(current, ()))

    def _resource(self, shape: TreeShape, procs: dict[int, ProcInfo], facts: Mapping[int, FactsT],
                  kept: _Kept, change: TreeChange) -> None:
        """Rows that may be drawn from something new: those not there yet, those whose
        /proc line is another one, and every row facts are known about."""
        parent_of, before, every_row = shape.parent_of, self._procs, change.every_row
        if every_row:
            maybe = list(parent_of)
        else:
            changed = [] if procs is before else [pid for pid in parent_of if procs.get(pid) is not before.get(pid)]
            known = [pid for pid in facts if pid in parent_of]
            maybe = list(dict.fromkeys([*changed, *known, *kept.new_rows(parent_of)]))  # each once, in order
        self._procs = procs
        sources, facts_of = self.sources, facts.get
        for pid in maybe:
            info = procs.get(pid)
            source = (info, facts_of(pid))
            if every_row or info is None or sources.get(pid) != source:
                sources[pid] = source
                change.sourced.append(pid)
                if kept.has(pid):
                    change.redrawn.append(pid)

    def _add_new(self, shape: TreeShape, kept: _Kept, change: TreeChange) -> None:
        """New rows, each after its parent, in PID order among its siblings."""
        parent_of, root = shape.parent_of, shape.root
        added: set[int] = set()
        for pid in sorted(kept.new_rows(parent_of)):
            chain = [pid]
            while (above := parent_of[chain[-1]]) != root and not kept.has(above) and above not in added:
                chain.append(above)
            for new in reversed(chain):
                if new in added:
                    continue
                parent = parent_of[new]
                siblings = self._children.setdefault(parent, [])
                index = bisect.bisect_left(siblings, new)
                siblings.insert(index, new)
                added.add(new)
                change.added.append((new, parent, index))
                change.regrouped.add(parent)


class _Kept(NamedTuple):
    """The rows of the last refresh still there: its shape's, less those removed now
    (named, not copied: a copy of 10,000 rows at each refresh is for nothing)."""

    before: dict[int, int]  # the last refresh's rows -> their parents
    gone: set[int]  # removed by this refresh

    def has(self, pid: int) -> bool:
        return pid in self.before and pid not in self.gone

    def new_rows(self, parent_of: dict[int, int]) -> list[int]:
        """The rows of parent_of not kept (in no particular order)."""
        if parent_of is self.before:
            return []
        return [*(parent_of.keys() - self.before.keys()), *(pid for pid in self.gone if pid in parent_of)]
