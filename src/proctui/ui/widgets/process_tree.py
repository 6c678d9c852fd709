"""The live process tree: the kernel's view, one row per process, diffed by PID."""

from __future__ import annotations

import os
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from proctui.core.i18n import words
from proctui.core.lab import LabProcess
from proctui.core.procs import ProcInfo, Snapshot
from proctui.core.start_methods import start_method
from proctui.core.tree_filter import CommandLines, matching, with_ancestors
from proctui.ui import actions
from proctui.ui.actions import Pane

#: The data of the synthetic root of the whole-system tree (no process has PID 0 in /proc).
SYSTEM_ROOT = 0

# How each state looks; the words carry the meaning, colour only helps.
_STATE_STYLES = {
    "Z": "bold white on red",
    "T": "bold black on yellow",
    "t": "bold black on yellow",
    "R": "bold green",
    "D": "bold magenta",
}


# Wide enough for "S sleeping", so names line up; a zombie's longer "Z zombie <defunct>"
# pushes its row right, which only makes it stand out more. Width is scarce at 80 columns.
# In cells, not characters: "S 睡眠" is 6 cells.
_STATE_WIDTH = 10


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
        queue = list(kids.get(self.root, []))
        while queue:
            pid = queue.pop(0)
            order.append(pid)
            queue.extend(kids.get(pid, []))
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


def render_row(info: ProcInfo, record: LabProcess | None, own_pid: int, helper: str | None = None,
               pool_worker: str | None = None, lang: str = "en") -> Text:
    """One row: PID, the kernel's state letter and its meaning, name, and what the lab knows."""
    _ = words(lang)
    row = Text()
    row.append(f"{info.pid:>6} ", style="bold" if record else "")
    if info.pid == own_pid:
        # No state letter for proctui itself: it is whatever its main thread was doing
        # the instant the reader thread looked (R or S, at random), and each flip of the
        # root row makes Tree repaint every line.
        own = _("self")
        row.append(own + " " * max(1, _STATE_WIDTH + 1 - cell_len(own)), style="dim")
        row.append("proctui", style="bold cyan")
        row.append(_(" (this app) PPID {ppid}").format(ppid=info.ppid), style="cyan")
        return row
    state = f"{info.state} {_(info.state_word)}"
    if info.is_zombie:
        state += " <defunct>"  # what ps prints for a zombie
    row.append(state, style=_STATE_STYLES.get(info.state, ""))
    row.append(" " * max(1, _STATE_WIDTH + 1 - cell_len(state)))
    row.append(info.name, style="" if (record or pool_worker) else "dim")
    if pool_worker is not None:
        row.append(f"  {pool_worker}", style="bold cyan")
    if helper is not None:
        row.append(f"  {_(helper)}", style="italic cyan")
    if record is not None:
        row.append("  ")
        row.append(record.label, style="bold cyan")
        # The script process of proctui run: its file, not a start method (it is no Process).
        aside = os.path.basename(record.script_path) if record.script_path else record.start_method
        row.append(f" {aside}", style="dim")
        if record.process is not None and record.process.daemon:  # a stored flag: reading it reaps nothing
            row.append(" daemon", style="magenta")  # the attribute's name: daemon=True
        if record.former_parent is not None and info.ppid != record.former_parent:
            row.append(_(" orphan of {pid}").format(pid=record.former_parent), style="bold yellow")
        exit_text = record.exit_text
        if exit_text is not None:
            row.append(_(" exit {code}").format(code=exit_text), style="yellow")
    return row


def render_gone_row(record: LabProcess, lang: str = "en") -> Text:
    """A lab process that /proc no longer has but that nobody has joined yet.

    Only a forkserver child gets here: its parent, the fork server, reaps it the moment
    it exits. The row stays (from the exit event) so that it can still be joined: join()
    reads the exit code from the sentinel.
    """
    _ = words(lang)
    row = Text()
    row.append(f"{record.pid:>6} ", style="bold")
    state = _("- gone (reaped)")
    row.append(state, style="dim")
    row.append(" " * max(1, _STATE_WIDTH + 1 - cell_len(state)))
    row.append(record.label, style="bold cyan")
    row.append(f" {record.start_method}", style="dim")
    row.append(_(" by the fork server; w joins"), style="italic")
    return row


def with_gone_lab_processes(shape: TreeShape, snapshot: Snapshot, records: dict[int, LabProcess],
                            own_pid: int) -> TreeShape:
    """shape plus a row under proctui for each forkserver child that has exited (the event
    said so) and is gone from /proc, but has not been joined."""
    gone = [
        pid
        for pid, record in records.items()
        if pid not in snapshot.procs and not start_method(record.start_method).proctui_is_parent
        and record.exited_at is not None
    ]
    if not gone:
        return shape
    return TreeShape(shape.root, {**shape.parent_of, **{pid: own_pid for pid in gone}})


def _pid_of(node: TreeNode[int]) -> int:
    """A node's PID: TreeNode types its data as optional, but every node here, the root
    too, is made with its PID."""
    assert node.data is not None
    return node.data


class ProcessTree(Tree[int]):
    """Each node's data is its PID. Refreshes add, move, relabel and remove nodes by PID,
    so the cursor and every expanded node stay where the user left them."""

    BINDINGS = actions.bindings(Pane.TREE)

    def __init__(self, own_pid: int, **kwargs) -> None:
        super().__init__("proctui", data=own_pid, **kwargs)
        self.own_pid = own_pid
        self.guide_depth = 3
        self._node_by_pid: dict[int, TreeNode[int]] = {}
        self._row_keys: dict[int, tuple | None] = {}  # what each row was last drawn from
        self._shape: TreeShape | None = None
        self._lang = "en"
        self.matches: list[int] | None = None  # while filtered: the matching PIDs, top to bottom
        self._filter_note = ""  # what the filter found, in the border beside the count
        self._count_note = ""
        self.root.expand()

    def show_title(self, scope: str, start_method: str, subreaper: bool, lang: str) -> None:
        """The border says what the tree shows: the lab (and how children start) or all."""
        _ = words(lang)
        if scope == "lab":
            title = _("lab: proctui and its children · start method {method}").format(method=start_method)
            title += _(" · subreaper") if subreaper else ""
        else:
            title = _("whole system · read-only except lab rows")
        self.border_title = title

    @property
    def selected_pid(self) -> int | None:
        node = self.cursor_node
        if node is None or node.data in (None, SYSTEM_ROOT):
            return None
        return node.data

    def node_for(self, pid: int) -> TreeNode[int] | None:
        if self._shape is not None and pid == self._shape.root:
            return self.root
        return self._node_by_pid.get(pid)

    def show(self, shape: TreeShape, snapshot: Snapshot, records: dict[int, LabProcess],
             helpers: dict[int, str] | None = None, pool_workers: dict[int, str] | None = None,
             lang: str = "en", total: int | None = None) -> None:
        """Make the tree match ``shape``, touching only the rows that changed. total: how
        many processes there are to show, when a filter shows fewer."""
        if lang != self._lang:
            self._lang = lang
            self._row_keys = dict.fromkeys(self._row_keys)  # every row is said again
        cursor_pid = self.cursor_node.data if self.cursor_node is not None else None
        cursor_line = self.cursor_line
        if self._shape is None or self._shape.root != shape.root:
            self._node_by_pid.clear()
            self._row_keys.clear()
            self.clear()
            self.root.data = shape.root
            self.root.expand()
        self._shape = shape

        # Drop rows whose process is gone or now has another parent (re-parenting:
        # Tree has no "move", so a moved row is removed here and added again below).
        for pid in list(self._node_by_pid):
            node = self._node_by_pid.get(pid)
            if node is None:
                continue  # went with an ancestor removed earlier in this loop
            if shape.parent_of.get(pid) != (node.parent.data if node.parent else None):
                self._remove(node)

        kids = shape.children()
        helpers = helpers or {}
        pool_workers = pool_workers or {}
        for pid in shape.top_down():
            info = snapshot.procs.get(pid)
            node = self._node_by_pid.get(pid)
            record = records.get(pid)
            # A row is drawn from its /proc line and what the lab knows of it: if that is
            # what it was drawn from last time, there is nothing to redo (most rows, most
            # refreshes). A record's label, start method and daemon flag never change.
            # A gone forkserver child (no /proc line) is drawn from its record each time.
            key = None if info is None else (
                info, helpers.get(pid), pool_workers.get(pid), record,
                record.exit_text if record else None, record.former_parent if record else None,
            )
            if node is None or key is None or self._row_keys.get(pid) != key:
                self._row_keys[pid] = key
                if info is not None:
                    label = render_row(info, record, self.own_pid, helpers.get(pid), pool_workers.get(pid), lang)
                else:
                    label = render_gone_row(records[pid], lang)
                if node is None:
                    parent = self.node_for(shape.parent_of[pid])
                    assert parent is not None
                    later = [sibling for sibling in parent.children if _pid_of(sibling) > pid]
                    node = parent.add(label, data=pid, before=later[0] if later else None, expand=True)
                    self._node_by_pid[pid] = node
                elif node.label != label:
                    node.set_label(label)
            # Setting allow_expand, even to the same value, makes Tree render every line
            # again: only say it when it changes.
            expandable = bool(kids.get(pid))
            if node.allow_expand != expandable:
                node.allow_expand = expandable
        root_label = self._root_label(shape, snapshot)
        if self.root.label != root_label:
            self.root.set_label(root_label)
        # The count changes all the time: in the border, since a new root label makes
        # Tree repaint every line (each line's cache key holds the root's).
        count = ""
        if shape.root == SYSTEM_ROOT:
            _ = words(lang)
            count = _("{count} processes, kernel threads hidden").format(
                count=len(shape.parent_of) if total is None else total)
        self._count_note = count
        self._say_subtitle()
        self._restore_cursor(cursor_pid, cursor_line)

    def set_filter_note(self, note: str) -> None:
        self._filter_note = note
        self._say_subtitle()

    def _say_subtitle(self) -> None:
        subtitle = " · ".join(note for note in (self._filter_note, self._count_note) if note)
        if self.border_subtitle != subtitle:
            self.border_subtitle = subtitle

    def _root_label(self, shape: TreeShape, snapshot: Snapshot) -> Text:
        if shape.root == SYSTEM_ROOT:
            _ = words(self._lang)
            return Text(_("whole system"), style="bold")
        info = snapshot.procs.get(shape.root)
        if info is None:
            return Text(f"proctui {shape.root}")
        return render_row(info, None, self.own_pid, lang=self._lang)

    def _remove(self, node: TreeNode[int]) -> None:
        stack = [node]
        while stack:
            current = stack.pop()
            pid = _pid_of(current)
            self._node_by_pid.pop(pid, None)
            self._row_keys.pop(pid, None)
            stack.extend(current.children)
        node.remove()

    def _restore_cursor(self, pid: int | None, line: int) -> None:
        """Keep the cursor on the same process; if it went away, on the same line, as
        htop does, so the row that took its place is selected."""
        target = self.node_for(pid) if pid is not None else None
        # Tree numbers its lines lazily (at idle, or when asked for a line): last_line,
        # public, numbers them now, so that target.line (read by move_cursor) is current.
        last_line = self.last_line
        if target is None:
            if line >= 0:
                self.cursor_line = min(line, last_line)
            return
        if target.line != self.cursor_line or self.cursor_node is not target:
            self.move_cursor(target)

    def action_next_match(self, step: int) -> None:
        """n / N while filtered: the next (previous) match below (above) the cursor, round."""
        if not self.matches:
            return
        current = self.selected_pid
        order = self.matches
        if current in order:
            target = order[(order.index(current) + step) % len(order)]
        else:
            target = order[0] if step > 0 else order[-1]
        node = self.node_for(target)
        if node is not None:
            self.move_cursor(node)

    def action_collapse_here(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded and node.children:
            node.collapse()
        elif node.parent is not None:
            self.move_cursor(node.parent)

    def action_expand_here(self) -> None:
        node = self.cursor_node
        if node is not None and node.children:
            node.expand()
