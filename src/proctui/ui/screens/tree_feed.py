"""What the process tree shows, from the kernel: the main screen's side of the one-way flow
kernel -> /proc snapshot -> tree shape -> ProcessTree.

It reads the lab's subtree or the whole system (in the app's reader thread), and turns a
snapshot into the tree's content for the scope: the shape, the lab's rows that /proc no
longer has, the helpers and pool workers the lab names, and the filter's cut. No widget:
the screen hands what it makes to the tree.
"""

from __future__ import annotations

from collections.abc import Iterable

from proctui.core.lab.lab import Lab, LabProcess
from proctui.core.lab.records import SCRIPT_CHILD_ROLE, SCRIPT_ROLE
from proctui.core.lab.start_methods import start_method
from proctui.core.lifeline.ghosts import MOST_GHOSTS, with_ghost_rows
from proctui.core.lifeline.history import History
from proctui.core.lifeline.lives import Life
from proctui.core.procfs.filter import CommandLines
from proctui.core.procfs.helper_roles import HelperRoles
from proctui.core.procfs.snapshot import LabSnapshots, Snapshot
from proctui.core.procfs.stat import ProcInfo
from proctui.core.procfs.system_table import SystemTable
from proctui.core.procfs.tree import Scope, TreeShape, filtered, lab_shape, system_shape, with_rows_under
from proctui.ui.widgets.process_tree import TreeContent


class TreeFeed:
    def __init__(self, lab: Lab, own_pid: int, history: History) -> None:
        self.lab = lab
        self.own_pid = own_pid
        self.history = history  # each read's lab frame goes there: ghosts, the timeline, the past
        self._lab_snapshots = LabSnapshots(own_pid)
        self._system_table = SystemTable()  # the whole system, read as it changes and as it is seen
        self._command_lines = CommandLines()  # read once per process, for the filter
        self._helpers = HelperRoles(own_pid)  # the fork server, the resource tracker
        self._shaped: tuple[Snapshot, Scope, TreeShape] | None = None  # the last shape worked out, and from what

    def read(self, scope: Scope, on_screen: Iterable[int]) -> Snapshot:
        """In the reader thread: the whole system, or proctui's subtree and every lab process."""
        lab_pids = [record.pid for record in self.lab.processes]
        lab_snapshot = self._lab_snapshots(extra=lab_pids)
        self.history.add_snapshot(lab_snapshot)  # the lab's frame, in either scope: its lives go on
        if scope == "system":
            # The rows on screen (a frozenset the UI thread replaces, never changes) and
            # the lab's processes are read each time; the rest as they come and go.
            snapshot = self._system_table.read(watched=[self.own_pid, *lab_pids, *on_screen])
        else:
            snapshot = lab_snapshot
        self.lab.scripts.note_family(snapshot)  # what a script starts is ended with it, orphaned or not
        return snapshot

    def content(self, snapshot: Snapshot, scope: Scope, filter_text: str, lang: str,
                ghosts: bool = True) -> tuple[TreeContent, list[int] | None]:
        """The tree's content for snapshot, and the filter's matches (None: no filter);
        ghosts: the rows of the lab's gone processes too (lab scope, unfiltered)."""
        records = {record.pid: record for record in self.lab.processes}
        shape = with_rows_under(self._shape_of(snapshot, scope), self._gone_lab_processes(snapshot, records),
                                self.own_pid)
        total = len(shape.parent_of)
        shape, matches = self._filtered(shape, snapshot, records, filter_text)
        gone_rows: dict[int, Life] = {}
        if scope == "lab" and ghosts and not filter_text:
            shape, gone_rows = with_ghost_rows(shape, self.history.ghosts()[-MOST_GHOSTS:], records)
        workers = self.lab.pool_workers()
        # A script's processes start helpers of their own (its fork server, its resource tracker).
        scripts = [pid for pid, record in records.items() if record.role in (SCRIPT_ROLE, SCRIPT_CHILD_ROLE)]
        helpers = self._helpers.among(snapshot, skip=[*records, *workers], also_under=scripts)
        return TreeContent(shape, snapshot, records, helpers, workers, lang, total, gone_rows), matches

    def role_of(self, pid: int, info: ProcInfo | None) -> str | None:
        """What the lab calls a process it did not start itself: a pool worker, a helper."""
        return self.lab.pool_workers().get(pid) or self._helpers.known(pid, info.start_ticks if info else -1)

    def read_command_lines(self, snapshot: Snapshot) -> None:
        """Read the command lines the filter looks through (in a thread, while the first
        key is being typed, not at it)."""
        for info in list(snapshot.procs.values()):
            self._command_lines.of(info)

    def _shape_of(self, snapshot: Snapshot, scope: Scope) -> TreeShape:
        """The tree's shape for this snapshot in this scope. The system table hands back
        the very same snapshot when nothing changed: then so is the shape, and the tree
        has nothing to compare."""
        if self._shaped is not None and self._shaped[0] is snapshot and self._shaped[1] == scope:
            return self._shaped[2]
        shape = lab_shape(snapshot, self.own_pid) if scope == "lab" else system_shape(snapshot)
        self._shaped = (snapshot, scope, shape)
        return shape

    def _gone_lab_processes(self, snapshot: Snapshot, records: dict[int, LabProcess]) -> list[int]:
        """The forkserver children that have exited (the event said so) and are gone from
        /proc, but have not been joined: their rows stay under proctui, so that w joins them."""
        return [pid for pid, record in records.items()
                if pid not in snapshot.procs and not start_method(record.start_method).proctui_is_parent
                and record.exited_at is not None]

    def _filtered(self, shape: TreeShape, snapshot: Snapshot, records: dict[int, LabProcess],
                  text: str) -> tuple[TreeShape, list[int] | None]:
        if not text:
            return shape, None
        labels = {pid: record.label for pid, record in records.items()}
        shape, matches = filtered(shape, snapshot, labels, self._command_lines, text)
        # Command lines of processes that have gone are of no use: a filter left on for hours
        # on a churning machine would keep every one.
        self._command_lines.forget_all_but((info.pid, info.start_ticks) for info in snapshot.procs.values())
        return shape, matches

