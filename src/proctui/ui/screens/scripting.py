"""The main screen's side of ``proctui run``: starting a script, ``C`` (continue every
process of it) and what to follow at fork(). A base class of MainScreen, so that the
main screen's own class keeps to what the lab does."""

from __future__ import annotations

from collections.abc import Sequence

from textual.reactive import var
from textual.screen import Screen

from proctui.core.errors import LabError
from proctui.core.events import Refused
from proctui.core.i18n import N_
from proctui.core.lab.lab import Lab
from proctui.core.script.protocol import FOLLOW_CHOICES, Follow
from proctui.core.script.runner import ScriptToRun
from proctui.ui.dialogs.run_script import RunScriptScreen
from proctui.ui.widgets.event_log import EventLog
from proctui.ui.widgets.process_tree import ProcessTree
from proctui.ui.widgets.script_viewers import ScriptViewers

#: What the log says each choice of --follow means.
FOLLOW_SAID: dict[Follow, str] = {
    "both": N_("After a fork, both processes are stepped: each pauses at its next line (--follow both)."),
    "parent": N_("After a fork, only the parent is stepped: its children run free (--follow parent)."),
    "child": N_("After a fork, only the child is stepped: the parent runs free (--follow child)."),
}


class ScriptingScreen(Screen[None]):
    """What MainScreen needs for a script's viewers (set in its compose)."""

    script_open = var(False, toggle_class="-scripting")
    lab: Lab
    lang: str
    script_viewers: ScriptViewers
    event_log: EventLog
    process_tree: ProcessTree

    def refuse(self, refusal: Refused) -> None:
        raise NotImplementedError  # MainScreen's

    def action_run_script(self) -> None:
        def chosen(answer: ScriptToRun | None) -> None:
            if answer is not None:
                self.run_script(*answer)

        self.app.push_screen(RunScriptScreen(self.lang), chosen)

    def run_script(self, path: str, args: Sequence[str] = (), optimize: bool = False,
                   python: str | None = None, follow: Follow | None = None) -> None:
        """Start path as the script process, paused before its first line, under python
        (None: proctui's own), following what follow says at a fork (None: as chosen
        before); a refusal says why not."""
        if follow is not None:
            self.lab.scripts.follow = follow
        try:
            self.lab.scripts.start(path, tuple(args), optimize, on_pause=self.script_viewers.report, python=python)
        except LabError as exc:
            self.refuse(exc.refusal)
            return
        self.script_open = True

    def on_script_viewers_closed(self) -> None:
        self.script_open = False
        self.process_tree.focus()

    def action_continue_all_scripts(self) -> None:
        """C: every paused process of the script runs on; the log says how many."""
        if not self.script_open:
            self.event_log.add_message(N_("C continues a script run by proctui: r runs one"), error=True)
            return
        count = self.script_viewers.continue_all()
        self.event_log.add_message(N_("C: {count} paused processes of the script run on; "
                                      "those between two lines run on at their next pause"), count=count)

    def action_cycle_follow(self) -> None:
        """both -> parent -> child -> both: what is stepped after a fork, from each
        process's next command on (one running now learns it when it next pauses)."""
        scripts = self.lab.scripts
        scripts.follow = FOLLOW_CHOICES[(FOLLOW_CHOICES.index(scripts.follow) + 1) % len(FOLLOW_CHOICES)]
        self.event_log.add_message(FOLLOW_SAID[scripts.follow])
