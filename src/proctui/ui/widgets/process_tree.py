"""The live process tree: the kernel's view, one row per process, diffed by PID."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from proctui.core.i18n import words
from proctui.core.lab.lab import LabProcess
from proctui.core.lifeline.life_words import ghost_words, name_of
from proctui.core.lifeline.lives import Life, Reaper
from proctui.core.procfs.snapshot import Snapshot
from proctui.core.procfs.stat import ProcInfo
from proctui.core.procfs.tree import SYSTEM_ROOT, RowSource, Scope, TreeChange, TreeRows, TreeShape
from proctui.core.start_method import StartMethod
from proctui.ui import actions
from proctui.ui.actions import Pane

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
_DEFUNCT = " <defunct>"  # what ps prints for a zombie


class GhostFacts(NamedTuple):
    """A gone process of the lab or of a script: its life, and what of it may still change
    (who reaped it can be said after it left /proc)."""

    life: Life
    reaper: Reaper | None
    exitcode: int | None
    zombie_seconds: float | None


class LabFacts(NamedTuple):
    """What the lab knows of a row beyond its /proc line: its record, a helper's role, a
    pool worker's name. A record's exit and former parent change; its label never does."""

    record: LabProcess | None
    helper: str | None
    pool_worker: str | None
    exit_text: str | None
    former_parent: int | None
    ghost: GhostFacts | None = None


def ghost_facts(life: Life) -> GhostFacts:
    return GhostFacts(life, life.reaper_now(), life.exitcode, life.zombie_seconds())


def render_row(info: ProcInfo, facts: LabFacts | None, own_pid: int, lang: str = "en") -> Text:
    """One row: PID, the kernel's state letter and its meaning, name, and what the lab knows."""
    _ = words(lang)
    record, helper, pool_worker = (facts.record, facts.helper, facts.pool_worker) if facts else (None, None, None)
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
        state += _DEFUNCT
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


def render_ghost_row(ghost: GhostFacts, lang: str = "en") -> Text:
    """A process of the lab or of a script that is gone: dim, in its place, with how it
    ended (the words carry it without colour: "- gone")."""
    _ = words(lang)
    life = ghost.life
    row = Text(style="dim")
    row.append(f"{life.pid:>6} ")
    state = _("- gone")
    row.append(state)
    row.append(" " * max(1, _STATE_WIDTH + 1 - cell_len(state)))
    row.append(name_of(life), style="bold")
    if life.how:
        row.append(f" {life.how}")
    row.append(" · " + ghost_words(life, lang), style="italic")
    return row


def _pid_of(node: TreeNode[int]) -> int:
    """A node's PID: TreeNode types its data as optional, but every node here, the root
    too, is made with its PID."""
    assert node.data is not None
    return node.data


#: What a row's node carries as its label: rows are drawn when they are on screen
#: (``render_label``), from the source ``show`` wrote down for them (``TreeRows.sources``).
_UNDRAWN = Text()
#: The meta Tree gives the expand icon, so that a click on it toggles the node.
_TOGGLE = Style.from_meta({"toggle": True})


@dataclass(frozen=True, slots=True)
class TreeContent:
    """What the tree is to show at one refresh."""

    shape: TreeShape
    snapshot: Snapshot
    records: dict[int, LabProcess]
    helpers: dict[int, str] = field(default_factory=dict)  # helper processes' roles
    pool_workers: dict[int, str] = field(default_factory=dict)  # pool workers' names
    lang: str = "en"
    total: int | None = None  # how many processes there are to show, when a filter shows fewer
    ghosts: dict[int, Life] = field(default_factory=dict)  # rows of gone processes, by PID

    def lab_facts(self) -> dict[int, LabFacts]:
        """What the lab knows, for each row it knows something about (there are few)."""
        facts = {}
        for pid in (*self.records, *self.helpers, *self.pool_workers):
            record = self.records.get(pid)
            facts[pid] = LabFacts(record, self.helpers.get(pid), self.pool_workers.get(pid),
                                  record.exit_text if record else None, record.former_parent if record else None)
        for pid, life in self.ghosts.items():
            facts[pid] = LabFacts(None, None, None, None, None, ghost_facts(life))
        return facts


class ProcessTree(Tree[int]):
    """Each node's data is its PID. Refreshes add, move and remove nodes by PID, so the
    cursor and every expanded node stay where the user left them.

    The cost of a refresh follows what changed, not how many rows there are: rows are
    added and removed as processes come and go, and a row is drawn (``render_label``)
    only when it is on screen, from the source ``show`` last wrote down for it. Which
    PIDs are on screen (``on_screen``) tells the snapshot reader what to read again."""

    BINDINGS = actions.bindings(Pane.TREE)

    def __init__(self, own_pid: int, *, id: str | None = None) -> None:
        super().__init__("proctui", data=own_pid, id=id)
        self.own_pid = own_pid
        self.guide_depth = 3
        self._rows: TreeRows[LabFacts] = TreeRows()  # which row is under which, and drawn from what
        self._node_by_pid: dict[int, TreeNode[int]] = {}
        self._labels: dict[int, Text] = {}  # rows drawn since their source last changed
        self._widths: dict[int, int] = {}  # each row's width in cells, known without drawing it
        self._lang = "en"
        self.matches: list[int] | None = None  # while filtered: the matching PIDs, top to bottom
        self._filter_note = ""  # what the filter found, in the border beside the count
        self._count_note = ""
        #: The PIDs of the rows on screen, replaced (never changed) at each paint: read by
        #: the snapshot reader's thread, which reads their /proc lines each time.
        self.on_screen: frozenset[int] = frozenset()
        self.root.expand()

    def show_title(self, scope: Scope, start_method: StartMethod, subreaper: bool, lang: str) -> None:
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
        shape = self._rows.shape
        if shape is not None and pid == shape.root:
            return self.root
        return self._node_by_pid.get(pid)

    def ghost_at(self, pid: int) -> GhostFacts | None:
        """What a gone process's row is drawn from, if pid's row is one."""
        source = self._rows.sources.get(pid)
        facts = source[1] if source is not None else None
        return facts.ghost if facts is not None else None

    def row_text(self, pid: int) -> Text | None:
        """The row of pid as it is (or would be) drawn, or None if there is no such row."""
        node = self.node_for(pid)
        if node is None:
            return None
        if node is not self.root:
            return self._label_of(pid)
        return node.label if isinstance(node.label, Text) else Text(node.label)

    def show(self, content: TreeContent) -> None:
        """Make the tree match ``content.shape``, touching only the rows that changed (the
        diff is worked out by ``TreeRows``; this applies it to the nodes)."""
        every_row = content.lang != self._lang  # every row is said again in the other language
        self._lang = content.lang
        cursor_pid = self.cursor_node.data if self.cursor_node is not None else None
        cursor_line = self.cursor_line
        change = self._rows.update(content.shape, content.snapshot.procs, content.lab_facts(), every_row)
        self._apply(change)
        root_label = self._root_label(content.shape, content.snapshot)
        if self.root.label != root_label:
            self.root.set_label(root_label)
        # The count changes all the time: in the border, since a new root label makes
        # Tree repaint every line (each line's cache key holds the root's).
        count = ""
        if content.shape.root == SYSTEM_ROOT:
            _ = words(self._lang)
            count = _("{count} processes, kernel threads hidden").format(
                count=len(content.shape.parent_of) if content.total is None else content.total)
        self._count_note = count
        self._say_subtitle()
        self._restore_cursor(cursor_pid, cursor_line)

    def _apply(self, change: TreeChange) -> None:
        """The nodes follow the rows: removed, measured, added, their icons said, drawn."""
        if change.reset:
            self._node_by_pid.clear()
            self._labels.clear()
            self._widths.clear()
            self.clear()
            assert self._rows.shape is not None
            self.root.data = self._rows.shape.root
            self.root.expand()
        for pid in change.removed:
            self._node_by_pid[pid].remove()
        for pid in change.dropped:
            self._node_by_pid.pop(pid, None)
            self._labels.pop(pid, None)
            self._widths.pop(pid, None)
        for pid in change.sourced:
            self._labels.pop(pid, None)
            width = self._width_of(self._rows.sources[pid])
            if width is None:
                self._label_of(pid)  # a lab row: drawn now to be measured (there are few)
            else:
                self._widths[pid] = width
        # Rows to draw again, found before any row is added: a new row is drawn when seen.
        redraw = [self._node_by_pid[pid] for pid in change.redrawn]
        for pid, parent, index in change.added:
            under = self.node_for(parent)
            assert under is not None
            self._node_by_pid[pid] = under.add(_UNDRAWN, data=pid, before=index, expand=True, allow_expand=False)
        # Setting allow_expand, even to the same value, makes Tree render every line
        # again: only say it when it changes.
        for pid in change.regrouped:
            node = self.node_for(pid)
            if node is not None and node is not self.root and node.allow_expand != bool(node.children):
                node.allow_expand = bool(node.children)
        # After every row has come and gone, so that Tree numbers its lines once: a node's
        # refresh marks it changed (its cached line is stale) and repaints it if on screen.
        for node in redraw:
            node.refresh()

    def _width_of(self, source: RowSource[LabFacts]) -> int | None:
        """A row's width in cells without drawing it (as render_row lays it out): PID,
        state, name, for a row of the system; None for a row the lab knows more about,
        or proctui's own (drawn to be measured: there are few)."""
        info, facts = source
        if info is None or info.pid == self.own_pid or facts is not None:
            return None
        state = f"{info.state} {words(self._lang)(info.state_word)}{_DEFUNCT if info.is_zombie else ''}"
        return 7 + max(cell_len(state) + 1, _STATE_WIDTH + 1) + cell_len(info.name)

    def _label_of(self, pid: int) -> Text:
        label = self._labels.get(pid)
        if label is None:
            info, facts = self._rows.sources[pid]
            if info is not None:
                label = render_row(info, facts, self.own_pid, self._lang)
            elif facts is not None and facts.ghost is not None:
                label = render_ghost_row(facts.ghost, self._lang)
                # Cut to the tree's width (…): a gone row says it all on the selection line.
                label.truncate(self._room_for(pid), overflow="ellipsis")
            else:
                # A row without a /proc line is a lab process's
                assert facts is not None and facts.record is not None
                label = render_gone_row(facts.record, self._lang)
            self._labels[pid] = label
            self._widths[pid] = label.cell_len
        return label

    def _room_for(self, pid: int) -> int:
        """The cells a row of pid has before the tree must scroll sideways."""
        # Its depth from the shape (a new row is measured before its node exists).
        shape, depth, above = self._rows.shape, 0, pid
        while shape is not None and above in shape.parent_of and depth < 64:
            above, depth = shape.parent_of[above], depth + 1
        # The widget's own width less its border and a vertical scroll bar (which comes and
        # goes with the rows), and the guides; the region Textual scrolls changes with both.
        return max(20, self.size.width - 2 - 2 - depth * self.guide_depth - len(self.ICON_NODE))

    def on_resize(self) -> None:
        """Gone rows are cut to the width: measured again at the new one."""
        for pid, (_info, facts) in self._rows.sources.items():
            if facts is not None and facts.ghost is not None:
                self._labels.pop(pid, None)
                self._label_of(pid)

    def render_label(self, node: TreeNode[int], base_style: Style, style: Style) -> Text:
        """A row, drawn now that it is on screen (Tree asks for the lines it paints)."""
        if node is self.root:
            return super().render_label(node, base_style, style)
        label = self._label_of(_pid_of(node)).copy()
        label.stylize(style)
        if node.allow_expand:
            prefix = (self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE, base_style + _TOGGLE)
        else:
            prefix = ("", base_style)
        return Text.assemble(prefix, label)

    def get_label_width(self, node: TreeNode[int]) -> int:
        """Tree asks every row's width (for the scroll bar) whenever a row comes or goes:
        from what is known, without drawing rows that are not on screen."""
        if node is self.root:
            return super().get_label_width(node)
        return self._widths.get(_pid_of(node), 0) + (len(self.ICON_NODE) if node.allow_expand else 0)

    def render_lines(self, crop: Region) -> list[Strip]:
        lines = super().render_lines(crop)
        top = self.scroll_offset.y
        shown = frozenset(
            node.data for node in (self.get_node_at_line(y) for y in range(top, top + self.size.height))
            if node is not None and node.data is not None
        )
        if shown != self.on_screen:
            self.on_screen = shown
        return lines

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
        return render_row(info, None, self.own_pid, self._lang)

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
        elif target.line != line:
            # Rows came or went above it: Tree moved the cursor with its row but did not
            # scroll, so the selected row could drift out of view (htop keeps it in view).
            self.scroll_to_node(target, animate=False)

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
