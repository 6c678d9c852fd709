"""The action registry is the one declaration of every key: what it makes must agree with
README.md, with the methods it names, and with what the app offers."""

from __future__ import annotations

import sys

from textual.binding import Binding, BindingType
from textual.dom import DOMNode

from helpers.paths import ROOT
from proctui.core.lab.lab import Lab
from proctui.ui import actions
from proctui.ui.actions import ACTIONS, Pane, Target
from proctui.ui.app import ProcTUI
from proctui.ui.screens.main import MainScreen
from proctui.ui.widgets.process_tree import ProcessTree
from proctui.ui.widgets.script_viewer import ScriptViewer
from proctui.ui.widgets.stepper_pane import StepperPane
from proctui.ui.widgets.timeline import Timeline

sys.path.insert(0, str(ROOT / "scripts"))
import readme_keys  # type: ignore[import-not-found]

OWNERS: dict[Pane, type[DOMNode]] = {
    Pane.APP: ProcTUI, Pane.MAIN: MainScreen, Pane.TREE: ProcessTree, Pane.STEPPER: StepperPane,
    Pane.SCRIPT: ScriptViewer, Pane.TIMELINE: Timeline,
}


def as_bindings(declared: list[BindingType]) -> list[Binding]:
    """BINDINGS as Binding objects: Textual also allows tuples there, the registry makes none."""
    bindings = []
    for binding in declared:
        assert isinstance(binding, Binding), binding
        bindings.append(binding)
    return bindings


def action_id(binding: Binding) -> str:
    """The action a binding was made for: its id, less the ".N" of an action's Nth extra key."""
    assert binding.id is not None, binding
    parts = binding.id.split(".")
    return ".".join(parts[:-1]) if len(parts) > 1 and parts[-1].isdigit() else binding.id


def test_readme_keys_table_is_the_registrys():
    text = (ROOT / "README.md").read_text()
    start, end = readme_keys.table_span(text)
    assert text[start:end] == actions.readme_keys_table(), "run: python scripts/readme_keys.py"


def test_ids_are_unique_and_every_key_is_documented():
    ids = [action.id for action in ACTIONS]
    assert len(ids) == len(set(ids))
    binding_ids = [b.id for pane in OWNERS for b in as_bindings(actions.bindings(pane))]
    assert len(binding_ids) == len(set(binding_ids))
    for action in ACTIONS:
        assert action.title and action.help, action.id


def test_every_action_names_a_method_that_exists():
    for action in ACTIONS:
        if action.target is Target.TEXTUAL:
            continue
        owner = {Target.APP: ProcTUI, Target.SCREEN: MainScreen}.get(action.target) or OWNERS[action.pane]
        name = action.run.split("(")[0]
        assert callable(getattr(owner, f"action_{name}", None)), f"{action.id}: {owner.__name__}.action_{name}"
        if action.run == "start":
            assert (action.experiment is None) != (action.worker is None), action.id  # one thing to start
        if action.run in ("signal_selected", "signal_stepped"):
            assert action.verb and action.on_process is not None, action.id


def test_the_owners_bind_what_the_registry_declares():
    for pane, owner in OWNERS.items():
        declared = [(key, a.id) for a in ACTIONS if a.pane is pane and a.target is not Target.TEXTUAL for key in a.keys]
        assert [(b.key, action_id(b)) for b in as_bindings(owner.BINDINGS)] == declared


async def test_the_palette_lists_every_lab_action_and_every_lesson():
    lab = Lab()
    app = ProcTUI(lab, refresh_seconds=0.5, lang="en")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            titles = [command.title for command in app.get_system_commands(app.screen)]
            for action in ACTIONS:
                if action.target is Target.SCREEN and action.palette:
                    assert action.title in titles
            for lesson in app.main_screen.lessons:
                assert f"Lesson: {lesson.title}" in titles
            palette_keys = {a.id for a in ACTIONS if a.palette}
            assert {"fork", "zombie", "orphan", "daemon", "pool", "terminate", "kill", "join", "is-alive",
                    "join-unstarted", "raising-child", "exiting-child", "subreaper", "pool-terminate"} <= palette_keys
            [fork] = [c for c in app.get_system_commands(app.screen) if c.title == "Fork a child"]
            await fork.callback()  # what choosing it in the palette runs
            assert len(lab.processes) == 1
    finally:
        lab.shutdown()
