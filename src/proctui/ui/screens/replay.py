"""proctui replay FILE: a recorded session's tree, log and timeline, with the back-in-time
keys, and no process started: what the record holds is all there is. It opens at the
session's last event, the timeline shown; , . < > move through it."""

from __future__ import annotations

import os

from textual.app import ComposeResult
from textual.widgets import Static

from proctui.core.i18n import N_, words
from proctui.core.lifeline.history import History
from proctui.core.lifeline.record import RecordHeader
from proctui.core.teaching.lessons import LANGUAGES
from proctui.ui.actions import BY_ID
from proctui.ui.screens.lifeline import LifelineScreen
from proctui.ui.widgets.past_events import PastEvents
from proctui.ui.widgets.process_tree import ProcessTree
from proctui.ui.widgets.selection_bar import SelectionBar
from proctui.ui.widgets.timeline import Timeline

#: The keys a replay has: those of the lifeline, and the language.
REPLAY_ACTIONS = ("ghosts", "timeline", "time-back", "time-forward", "time-back-change", "time-forward-change",
                  "language")
_HINT = N_("{file} · , . an event · < > a change · T timeline · g gone rows · q quit")


class ReplayScreen(LifelineScreen):
    BINDINGS = [binding for action_id in REPLAY_ACTIONS for binding in BY_ID[action_id].bindings()]

    def __init__(self, path: str, header: RecordHeader, history: History, lang: str) -> None:
        super().__init__(id="replay")
        self.path = path
        self.header = header
        self.history = history
        self.own_pid = header.own_pid
        self.lang = lang
        ends = [history.window(len(history) - 1, len(history))[0].time] if len(history) else []
        if history.frames:
            ends.append(history.frames[-1].time)
        self.ends_at = max(ends) if ends else header.started

    def compose(self) -> ComposeResult:
        self.process_tree = ProcessTree(self.own_pid, id="tree")
        self.selection_bar = SelectionBar(id="selection")
        self.timeline = Timeline(self.history, self.lang, id="timeline")
        self.past_events = PastEvents(self.history, self.lang, id="past")
        self.hint = Static(id="replay-hint")
        yield self.process_tree
        yield self.selection_bar
        yield self.timeline
        yield self.past_events
        yield self.hint

    def on_mount(self) -> None:
        self.past_open = True
        self.timeline_open = True
        self._say_hint()
        self.process_tree.focus()
        if len(self.history):
            self.action_time_back()  # from the end: the last event
        else:
            _ = words(self.lang)
            self.process_tree.border_title = _("this record holds no events")
        self.refresh_timeline()

    def _say_hint(self) -> None:
        _ = words(self.lang)
        self.hint.update(_(_HINT).format(file=os.path.basename(self.path)))

    def show_selection(self) -> None:
        pid = self.process_tree.selected_pid
        self.said_gone_or_past(self.own_pid if pid is None else pid)

    def on_process_tree_node_highlighted(self) -> None:
        self.show_selection()

    def action_toggle_language(self) -> None:
        self.lang = LANGUAGES[(LANGUAGES.index(self.lang) + 1) % len(LANGUAGES)]
        self.past_events.set_language(self.lang)
        self.timeline.set_language(self.lang)
        self._say_hint()
        self.show_past()
