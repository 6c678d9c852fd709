"""Where the rows of gone processes go in the tree: each in its place, under the parent
it last had, as long as no living process has its PID."""

from __future__ import annotations

from collections.abc import Iterable

from proctui.core.lifeline.lives import Life
from proctui.core.procfs.tree import TreeShape

#: Ghost rows shown at most (the newest): a pool that churns its workers for an hour
#: would otherwise bury the living under the dead. The timeline keeps every life.
MOST_GHOSTS = 100


def with_ghost_rows(shape: TreeShape, lives: list[Life], known: Iterable[int]) -> tuple[TreeShape, dict[int, Life]]:
    """shape plus a row for each gone life, in its place: under the parent it last had if
    that row is shown (alive, or a ghost itself), else under the root. A PID that names
    a living row, or a lab record's row (known), is that row's: the ghost gives way. Of
    two lives of one PID, the newer is shown."""
    taken = {shape.root, *shape.parent_of, *known}
    newest: dict[int, Life] = {}
    for life in lives:
        if life.pid not in taken:
            newest[life.pid] = life
    parent_of = dict(shape.parent_of)
    for pid, life in newest.items():
        parent = life.parent_at(life.ended or life.born)
        above = newest.get(parent) if parent is not None else None
        shown = parent is not None and (parent in shape.parent_of or parent == shape.root
                                        or (above is not None and above.born <= life.born and above is not life))
        parent_of[pid] = parent if shown and parent is not None else shape.root
    _break_cycles(parent_of, shape.root, newest)
    return TreeShape(shape.root, parent_of), newest


def _break_cycles(parent_of: dict[int, int], root: int, ghosts: dict[int, Life]) -> None:
    """Ghosts of reused PIDs could name each other as parents: such a ring hangs off the root."""
    for pid in ghosts:
        seen = {pid}
        above = parent_of[pid]
        while above != root and above in parent_of:
            if above in seen:
                parent_of[pid] = root
                break
            seen.add(above)
            above = parent_of[above]
