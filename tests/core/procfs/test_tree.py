"""The process tree as data (core/procfs/tree.py), without Textual: the shapes built from
real snapshots of real children, and the diff from one refresh to the next (rows removed,
added, drawn again), which must say exactly what changed and nothing more."""

from __future__ import annotations

import os
import random
import subprocess

from helpers.processes import end_and_reap, family_of
from helpers.waiting import wait_until
from proctui.core.procfs.filter import CommandLines
from proctui.core.procfs.snapshot import Snapshot, snapshot_subtree, snapshot_system
from proctui.core.procfs.stat import ProcInfo
from proctui.core.procfs.tree import (
    SYSTEM_ROOT,
    TreeChange,
    TreeRows,
    TreeShape,
    filtered,
    lab_shape,
    system_shape,
    with_rows_under,
)


def _sh_with_a_sleeping_child(word: str) -> tuple[subprocess.Popen[bytes], int]:
    """A shell (our child, word in its command line) whose own child sleeps; the
    grandchild's PID once it has exec'd."""
    shell = subprocess.Popen(["sh", "-c", "sleep 30 & wait", word])
    grandchild = wait_until(
        lambda: [pid for pid, info in snapshot_subtree(shell.pid).procs.items()
                 if info.ppid == shell.pid and info.name == "sleep"],
        what="the sleeping grandchild",
    )[0]
    return shell, grandchild


def _end(shell: subprocess.Popen[bytes]) -> None:
    """Kill the shell and its child, and reap both (an orphan comes to the test run)."""
    end_and_reap(family_of(shell.pid))
    shell.wait()


def test_lab_shape_puts_our_children_under_us_and_theirs_under_them():
    shell, grandchild = _sh_with_a_sleeping_child("lab-shape")
    try:
        shape = lab_shape(snapshot_subtree(os.getpid()), os.getpid())
        assert shape.root == os.getpid()
        assert shape.parent_of[shell.pid] == os.getpid()
        assert shape.parent_of[grandchild] == shell.pid
        order = shape.top_down()
        assert order.index(shell.pid) < order.index(grandchild)
        assert shape.children()[shell.pid] == [grandchild]
    finally:
        _end(shell)


def test_system_shape_hides_kernel_threads_and_hangs_the_unseen_parents_off_the_root():
    shell, grandchild = _sh_with_a_sleeping_child("system-shape")
    try:
        snapshot = snapshot_system()
        shape = system_shape(snapshot)
        assert shape.root == SYSTEM_ROOT
        assert shape.parent_of[grandchild] == shell.pid and shape.parent_of[shell.pid] == os.getpid()
        assert not any(snapshot.procs[pid].kernel_thread for pid in shape.parent_of)
        assert all(parent == SYSTEM_ROOT or parent in shape.parent_of for parent in shape.parent_of.values())
        # Every shown process is reached from the root, once.
        assert sorted(shape.top_down()) == sorted(shape.parent_of)
    finally:
        _end(shell)


def test_filtered_keeps_the_matches_and_their_ancestors():
    shell, grandchild = _sh_with_a_sleeping_child("needle-in-the-tree")
    try:
        snapshot = snapshot_subtree(os.getpid())
        shape = lab_shape(snapshot, os.getpid())
        kept, matches = filtered(shape, snapshot, {}, CommandLines(), "NEEDLE-in")  # by command line, any case
        assert matches == [shell.pid]  # the shell's command line holds the word, not the sleep's
        assert kept.parent_of == {shell.pid: os.getpid()}
        kept, matches = filtered(shape, snapshot, {shell.pid: "child-1"}, CommandLines(), "child-1")  # by label
        assert matches == [shell.pid] and kept.parent_of == {shell.pid: os.getpid()}
        kept, matches = filtered(shape, snapshot, {}, CommandLines(), str(grandchild))  # by PID
        assert grandchild in matches  # and its ancestors are kept with it
        assert kept.parent_of[grandchild] == shell.pid and kept.parent_of[shell.pid] == os.getpid()
    finally:
        _end(shell)


def test_with_rows_under_adds_rows_and_leaves_the_shape_alone_when_there_are_none():
    shape = TreeShape(1, {2: 1})
    assert with_rows_under(shape, [], 1) is shape
    assert with_rows_under(shape, [7, 8], 2).parent_of == {2: 1, 7: 2, 8: 2}
    assert shape.parent_of == {2: 1}  # a new shape: the old one is not changed


# -- the diff, on plain data ------------------------------------------------------------------


def info(pid: int, ppid: int, state: str = "S", start: int = 0) -> ProcInfo:
    return ProcInfo(pid=pid, ppid=ppid, state=state, name=f"p{pid}", start_ticks=start or pid, uid=None,
                    kernel_thread=False)


def procs_of(shape: TreeShape) -> dict[int, ProcInfo]:
    return {pid: info(pid, parent) for pid, parent in shape.parent_of.items()}


class Mirror:
    """A tree that only applies changes, as the widget does: each node's children in the
    order the change put them. It must always agree with the shape."""

    def __init__(self) -> None:
        self.children: dict[int, list[int]] = {}

    def apply(self, change: TreeChange) -> None:
        if change.reset:
            self.children.clear()
        for pid in change.removed:
            for siblings in self.children.values():
                if pid in siblings:
                    siblings.remove(pid)
        for pid in change.dropped:
            self.children.pop(pid, None)
        for pid, parent, index in change.added:
            self.children.setdefault(parent, []).insert(index, pid)

    def agrees_with(self, shape: TreeShape) -> bool:
        return {p: kids for p, kids in self.children.items() if kids} == shape.children()


def test_the_first_refresh_adds_every_row_parents_first_in_pid_order():
    rows: TreeRows[str] = TreeRows()
    shape = TreeShape(1, {5: 1, 3: 1, 9: 3, 4: 9})
    change = rows.update(shape, procs_of(shape), {})
    assert change.reset and not change.removed and not change.redrawn
    assert [pid for pid, _, _ in change.added] == [3, 9, 4, 5]  # 4's parent 9 comes first
    assert sorted(change.sourced) == [3, 4, 5, 9]
    mirror = Mirror()
    mirror.apply(change)
    assert mirror.agrees_with(shape)
    assert rows.children(1) == [3, 5] and rows.has_row(1) and rows.has_row(4) and not rows.has_row(2)


def test_the_same_shape_again_changes_nothing_but_the_rows_with_facts():
    rows: TreeRows[str] = TreeRows()
    shape = TreeShape(1, {2: 1, 3: 2})
    procs = procs_of(shape)
    rows.update(shape, procs, {3: "child-1"})
    change = rows.update(shape, procs, {3: "child-1"})
    assert change == TreeChange()  # the facts are equal to last time's: not drawn again
    change = rows.update(shape, procs, {3: "child-1 exit 0"})
    assert change.redrawn == [3] and change.sourced == [3] and not change.added and not change.removed
    assert rows.sources[3] == (procs[3], "child-1 exit 0")


def test_only_rows_whose_proc_line_is_another_one_are_drawn_again():
    rows: TreeRows[str] = TreeRows()
    shape = TreeShape(SYSTEM_ROOT, {pid: SYSTEM_ROOT for pid in range(1, 10_001)})
    procs = procs_of(shape)
    rows.update(shape, procs, {})
    # A new snapshot keeps unchanged lines as the same objects (as the system table does).
    again = dict(procs)
    again[77] = info(77, SYSTEM_ROOT, state="R")
    change = rows.update(TreeShape(SYSTEM_ROOT, dict(shape.parent_of)), again, {})
    assert change.sourced == [77] and change.redrawn == [77]
    assert not change.added and not change.removed and not change.regrouped


def test_a_gone_process_takes_its_subtree_and_a_moved_one_comes_back_under_its_new_parent():
    rows: TreeRows[str] = TreeRows()
    mirror = Mirror()
    before = TreeShape(1, {2: 1, 3: 2, 4: 3, 5: 1})
    mirror.apply(rows.update(before, procs_of(before), {}))
    # 2 exits: its child 3 is re-parented to 1 (4 stays under 3).
    after = TreeShape(1, {3: 1, 4: 3, 5: 1})
    change = rows.update(after, procs_of(after), {})
    assert change.removed in ([2], [3, 2])  # 3 is removed on its own only if it comes first
    assert set(change.dropped) == {2, 3, 4}  # 3 and 4 went with 2 (a tree has no "move")
    assert [pid for pid, _, _ in change.added] == [3, 4]
    assert change.regrouped >= {1, 3}
    assert not change.redrawn  # the rows drawn again are rows that stayed
    mirror.apply(change)
    assert mirror.agrees_with(after)


def test_another_root_starts_again_and_another_language_draws_every_row():
    rows: TreeRows[str] = TreeRows()
    lab = TreeShape(100, {101: 100})
    rows.update(lab, procs_of(lab), {})
    system = TreeShape(SYSTEM_ROOT, {1: SYSTEM_ROOT, 100: 1, 101: 100})
    change = rows.update(system, procs_of(system), {})
    assert change.reset and [pid for pid, _, _ in change.added] == [1, 100, 101]
    change = rows.update(system, procs_of(system), {}, every_row=True)
    assert change.every_row and sorted(change.redrawn) == [1, 100, 101] and not change.added


def test_a_row_without_a_proc_line_is_drawn_from_its_facts_each_time():
    rows: TreeRows[str] = TreeRows()
    shape = TreeShape(1, {2: 1})
    rows.update(shape, {}, {2: "gone child"})
    change = rows.update(shape, {}, {2: "gone child"})
    assert change.redrawn == [2] and rows.sources[2] == (None, "gone child")


def test_random_refreshes_always_leave_the_tree_as_the_shape_says():
    """Processes come, go and are re-parented at random; the changes applied one after
    another must give the shape's tree every time, with siblings in PID order."""
    chance = random.Random(21)
    rows: TreeRows[str] = TreeRows()
    mirror = Mirror()
    parent_of: dict[int, int] = {}
    next_pid = 2
    for _ in range(300):
        for _ in range(chance.randrange(4)):  # forks
            parent_of[next_pid] = chance.choice([1, *parent_of])
            next_pid += 1
        for pid in chance.sample(sorted(parent_of), k=min(len(parent_of), chance.randrange(3))):  # exits
            orphans = [child for child, parent in parent_of.items() if parent == pid]
            del parent_of[pid]
            for child in orphans:  # re-parented to the root, as to init
                parent_of[child] = 1
        shape = TreeShape(1, dict(parent_of))
        change = rows.update(shape, procs_of(shape), {})
        mirror.apply(change)
        assert mirror.agrees_with(shape)


def test_a_snapshot_of_a_real_child_diffs_to_its_row_and_back():
    rows: TreeRows[str] = TreeRows()
    me = os.getpid()
    first = snapshot_subtree(me)
    rows.update(lab_shape(first, me), first.procs, {})
    child = subprocess.Popen(["sleep", "30"])
    try:
        wait_until(lambda: child.pid in snapshot_subtree(me).procs, what="the child in /proc")
        second = snapshot_subtree(me)
        change = rows.update(lab_shape(second, me), second.procs, {})
        assert (child.pid, me) in [(pid, parent) for pid, parent, _ in change.added]
    finally:
        child.kill()
        child.wait()
    third = Snapshot({pid: line for pid, line in snapshot_subtree(me).procs.items() if pid != child.pid})
    change = rows.update(lab_shape(third, me), third.procs, {})
    assert child.pid in change.removed
