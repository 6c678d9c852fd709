"""The lifeline's keys: gone processes kept as rows (g), the timeline pane (T), and back
in time (, . < > and Esc). A base class of MainScreen (as ScriptingScreen is), so that
the main screen's own class keeps to what the lab does, and of ReplayScreen (proctui
replay), which has the past only.

Back in time is a view, not an undo: nothing is run again. The tree shows the frame
recorded after the cursor's event, the log shows the events around it, and the tree's
border says how far back it is. An action that acts on the processes (f, t, w...) acts
on now, so the screen comes back to now before it runs (``ProcTUI.run_action``).
"""

from __future__ import annotations

import time

from textual.actions import SkipAction
from textual.reactive import var
from textual.screen import Screen
from textual.widget import Widget

from proctui.core.events import Tone
from proctui.core.i18n import words
from proctui.core.lifeline.history import History, Moment
from proctui.ui.actions import ACTS_ON_NOW, run_name
from proctui.ui.screens.past_view import past_content
from proctui.ui.widgets.past_events import PastEvents
from proctui.ui.widgets.process_tree import ProcessTree, TreeContent
from proctui.ui.widgets.selection_bar import SelectionBar
from proctui.ui.widgets.timeline import Timeline

#: A frame first read this long after its event is said in the border (seconds).
FRAME_LATE = 0.5


class LifelineScreen(Screen[None]):
    """What a screen needs for the lifeline (its widgets are made in the screen's compose)."""

    past_open = var(False, toggle_class="-past")
    timeline_open = var(False, toggle_class="-timeline")
    history: History
    own_pid: int
    lang: str
    process_tree: ProcessTree
    selection_bar: SelectionBar
    past_events: PastEvents
    timeline: Timeline
    #: g: the rows of gone processes are shown (in lab scope, and in the past).
    ghosts_shown = True
    #: The event the back-in-time cursor is on (its serial: positions move when old lines
    #: are let go), or None: now.
    _past: int | None = None
    #: Replay: the session is over, so "how far back" counts from its end, not from now.
    ends_at: float | None = None
    #: What the tree shows of the past (None: now): the selection line reads its rows.
    past_shown: TreeContent | None = None
    _focused_before: Widget | None = None  # what had the focus when T opened the timeline
    past_at = 0.0  # when the frame the past shows was read
    _moment: Moment | None = None  # the moment the past shows

    @property
    def back_in_time(self) -> bool:
        return self._past is not None

    def show_snapshot(self) -> None:
        """The tree as it is now (MainScreen's)."""

    def redraw(self) -> None:
        """Everything said again (another language, ghosts on or off): the past if the
        cursor is in it, else now."""
        if self._past is not None:
            self.show_past()
        else:
            self.show_snapshot()

    def update_titles(self) -> None:
        """The tree's border, as now (MainScreen's)."""

    def show_selection(self) -> None:
        """The line about the selected row (MainScreen's)."""

    def said_gone_or_past(self, pid: int | None) -> bool:
        """The selection line for a gone process's row, or for a row back in time: True if
        it was one of those (said), False for a row of now."""
        self.tree_row_selected(pid)
        ghost = self.process_tree.ghost_at(pid) if pid is not None else None
        if ghost is not None:
            self.selection_bar.show_ghost(ghost.life, self.lang)
            return True
        if self.past_shown is None:
            return False
        info = self.past_shown.snapshot.procs.get(pid) if pid is not None else None
        record = self.past_shown.records.get(pid) if pid is not None else None
        self.selection_bar.show_past(info, record, self.past_at, self.lang)
        return True

    def lifeline_changed(self) -> None:
        """The past shown, or the timeline's selection, changed: a lesson may move on (MainScreen's)."""

    # -- g: ghosts ---------------------------------------------------------------------------

    def action_toggle_ghosts(self) -> None:
        self.ghosts_shown = not self.ghosts_shown
        self.redraw()

    # -- T: the timeline -----------------------------------------------------------------------

    def action_toggle_timeline(self) -> None:
        self.timeline_open = not self.timeline_open
        if self.timeline_open:
            self._focused_before = self.focused
            self.refresh_timeline()
            pid = self.process_tree.selected_pid
            if pid is not None:
                self.timeline.select_pid(pid)
            self.timeline.focus()
        elif self.timeline.has_focus:
            # Back where T was pressed (the code viewer, a script's viewer), if it is still there.
            before = self._focused_before
            (before if before is not None and before.is_attached and before.display else self.process_tree).focus()
        self.lifeline_changed()

    def refresh_timeline(self) -> None:
        if self.timeline_open:
            self.timeline.refresh_lives(self.ends_at)

    def on_timeline_life_selected(self, message: Timeline.LifeSelected) -> None:
        """A lifeline chosen: its row in the tree is selected too (the timeline keeps focus)."""
        node = self.process_tree.node_for(message.pid)
        if node is not None and node is not self.process_tree.cursor_node:
            self.process_tree.move_cursor(node)
        self.lifeline_changed()

    def tree_row_selected(self, pid: int | None) -> None:
        """The tree's cursor moved: its process's lifeline is selected too."""
        if self.timeline_open and pid is not None:
            self.timeline.select_pid(pid)

    # -- , . < > Esc: back in time -------------------------------------------------------------

    def action_time_back(self, changes_only: bool = False) -> None:
        count = len(self.history)
        if not count:
            return
        start = count if self._past is None else self.history.position_of(self._past)
        position = self._step(start, -1, changes_only)
        if position is not None:
            self._show_moment(position)

    def action_time_forward(self, changes_only: bool = False) -> None:
        if self._past is None:
            return
        position = self._step(self.history.position_of(self._past), +1, changes_only)
        if position is not None:
            self._show_moment(position)
        elif self.ends_at is None:
            self.back_to_now()

    def action_time_now(self) -> None:
        if self._past is None:
            raise SkipAction  # Esc is the panes' too (close a viewer, clear the filter)
        self.back_to_now()

    def _step(self, position: int, by: int, changes_only: bool) -> int | None:
        """The position one event (or one change) away, or None past either end."""
        count = len(self.history)
        position += by
        while 0 <= position < count:
            if not changes_only or self.history.window(position, position + 1)[0].tone is not Tone.OUTPUT:
                return position
            position += by
        return max(0, min(position, count - 1)) if by < 0 and count else None

    def _show_moment(self, position: int) -> None:
        moment = self.history.moment(position)
        self._past = moment.serial
        self.past_open = True
        self.show_past(moment)

    def show_past(self, moment: Moment | None = None) -> None:
        """The tree, the log and the border as they were at the cursor's moment."""
        if self._past is None:
            return
        if moment is None:
            moment = self.history.moment(self.history.position_of(self._past))
        self._moment = moment
        content = past_content(moment, self.history.lives, self.own_pid, self.lang, self.ghosts_shown)
        self.past_shown = content
        self.past_at = moment.frame.time if moment.frame is not None else moment.event.time
        self.process_tree.show(content)
        self.past_events.show(moment.position)
        self.timeline.set_cursor(moment.event.time)
        self.show_selection()
        self.lifeline_changed()
        self.process_tree.border_title = self._how_far_back(moment)

    def _how_far_back(self, moment: Moment) -> str:
        _ = words(self.lang)
        end = self.ends_at if self.ends_at is not None else time.time()
        said = _("replay: event {number} of {count} · {clock} · {seconds:.1f} s before the end") \
            if self.ends_at is not None else \
            _("back in time: event {number} of {count} · {clock} · {seconds:.1f} s before now · Esc: now")
        title = said.format(number=moment.position + 1, count=moment.kept,
                            clock=time.strftime("%H:%M:%S", time.localtime(moment.event.time)),
                            seconds=max(0.0, end - moment.event.time))
        if moment.frame is not None and moment.frame.time - moment.event.time >= FRAME_LATE:
            # Read well after the event (a burst of events read as one frame): the tree may
            # show what came after it. A frame read before and found again after is not late.
            title += _(" · tree read {seconds:+.1f} s").format(seconds=moment.frame.time - moment.event.time)
        return title

    def past_goes_on(self) -> None:
        """A refresh while back in time: the past does not change; the timeline grows
        behind it, and the border's "s before now" counts on."""
        self.refresh_timeline()
        if self._moment is not None:
            self.process_tree.border_title = self._how_far_back(self._moment)

    def back_to_now(self) -> None:
        if self._past is None or self.ends_at is not None:  # a replay has no now: it stays in the past
            return
        self._past = None
        self._moment = None
        self.past_shown = None
        self.past_open = False
        self.timeline.set_cursor(None)
        self.update_titles()
        self.show_snapshot()

    def leave_the_past_for(self, action: str) -> None:
        """Before an action that acts on the processes of now: back to now."""
        if self._past is not None and run_name(action) in ACTS_ON_NOW:
            self.back_to_now()
