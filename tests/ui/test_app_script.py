"""proctui run FILE in the app: the script's viewer, pdb's letters, a second viewer when
fork() returns twice, and the viewers gone when the script ends; r and its prompt."""

from __future__ import annotations

import linecache
from typing import NamedTuple

from helpers.app_screen import logged, refused, script_viewer
from helpers.paths import SCRIPTS
from helpers.processes import proc_info
from helpers.script_driver import where_fork_returned_0
from helpers.waiting import pilot_wait_until
from proctui.core.events import ReapCall, Reaped, Refusal, ScriptForked, ScriptStarted
from proctui.core.lab.lab import Lab, LabProcess
from proctui.ui.app import ProcTUI
from proctui.ui.dialogs.run_script import RunScriptScreen, complete_path
from proctui.ui.widgets.script_viewer import ScriptViewer

SIZE = (80, 24)


def at_line(viewer: ScriptViewer) -> str:
    pause = viewer.pause
    return linecache.getline(pause.file, pause.line).strip() if pause is not None else ""


class OverStart(NamedTuple):
    """What step_over_start leaves paused: the script and its viewer, the child's hello and
    the child's viewer."""

    script: LabProcess
    viewer: ScriptViewer
    forked: ScriptForked
    child_viewer: ScriptViewer


async def step_over_start(pilot, app, method: str) -> OverStart:
    """proctui run on the article's first example with method; n up to p.start(), then n
    over it: the script's viewer, and the child's hello (which opens a second viewer)."""
    main = app.main_screen
    viewer = await script_viewer(pilot, app)
    [script] = logged(app, ScriptStarted)
    assert f"PID {script.pid}" in str(viewer.border_title) and "first_process.py:" in str(viewer.border_title)
    for _ in range(20):
        if at_line(viewer) == "p.start()":
            break
        before = viewer.pause
        await pilot.press("n")
        # A new pause, not the one n answered (which the viewer may not have let go of
        # yet when press() returns): another n too soon could step over start().
        await pilot_wait_until(pilot, lambda: viewer.pause is not None and viewer.pause is not before,
                               what="the next pause")
    await pilot.press("n")  # over start()
    await pilot_wait_until(pilot, lambda: len(main.script_viewers.viewers) == 2, what="the child's viewer",
                           timeout=30)
    # The child's hello comes on a connection of its own, its pause on another.
    [forked] = await pilot_wait_until(pilot, lambda: logged(app, ScriptForked), what="the child's hello")
    assert forked.via == method
    child_viewer = main.script_viewers.viewers[forked.pid]
    await pilot_wait_until(pilot, lambda: child_viewer.pause is not None and viewer.pause is not None,
                           what="both sides paused")
    return OverStart(script, viewer, forked, child_viewer)


async def run_to_its_end(pilot, app, started: OverStart) -> None:
    script, viewer, forked, child_viewer = started
    main = app.main_screen
    await pilot.press("tab")
    await pilot_wait_until(pilot, lambda: child_viewer.has_focus, what="the child's viewer focused")
    await pilot.press("escape")  # its viewer closes, and the child runs on to its end
    await pilot_wait_until(pilot, lambda: forked.pid not in main.script_viewers.viewers,
                           what="the child's viewer gone")
    viewer.focus()
    await pilot.press("c")
    await pilot_wait_until(pilot, lambda: logged(app, Reaped, pid=script.pid, call=ReapCall.SCRIPT),
                           what="the script reaped")
    await pilot_wait_until(pilot, lambda: not main.script_open and main.process_tree.has_focus,
                           what="the viewers closed, the tree focused again")


async def test_proctui_run_steps_the_script_and_fork_opens_a_second_viewer():
    """Under fork (the script chooses it: the default only up to 3.13), fork() returns
    twice: the child's viewer opens where it returned 0, beside the parent's."""
    lab = Lab()
    app = ProcTUI(lab, refresh_seconds=0.5, script=(str(SCRIPTS / "first_process.py"), ("fork",), False))
    try:
        async with app.run_test(size=SIZE) as pilot:
            started = await step_over_start(pilot, app, "fork")
            script, viewer, forked, child_viewer = started
            assert forked.pid is not None
            assert child_viewer.pause is not None and where_fork_returned_0(child_viewer.pause)
            assert at_line(viewer) == "p.join()"
            assert proc_info(forked.pid).ppid == script.pid
            await run_to_its_end(pilot, app, started)
    finally:
        lab.shutdown()


async def test_proctui_run_under_forkserver_opens_the_child_s_viewer_at_its_target():
    """Under forkserver (the default from 3.14) the script's start() forks nothing: the
    fork server's child has a viewer of its own, opened at the first line of its target,
    and the fork server, below the script, is its parent."""
    lab = Lab()
    app = ProcTUI(lab, refresh_seconds=0.5, script=(str(SCRIPTS / "first_process.py"), ("forkserver",), False))
    try:
        async with app.run_test(size=SIZE) as pilot:
            started = await step_over_start(pilot, app, "forkserver")
            script, viewer, forked, child_viewer = started
            assert forked.pid is not None
            assert child_viewer.pause is not None and child_viewer.pause.func == "test"
            assert at_line(child_viewer).startswith('print("[child-%s] PID')
            assert at_line(viewer) == "p.join()"
            server = forked.parent_pid
            assert server != script.pid and proc_info(forked.pid).ppid == server
            assert proc_info(server).ppid == script.pid
            await run_to_its_end(pilot, app, started)
    finally:
        lab.shutdown()


async def test_r_asks_for_a_script_and_a_missing_one_is_refused():
    lab = Lab()
    app = ProcTUI(lab, refresh_seconds=0.5)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("r")
            await pilot_wait_until(pilot, lambda: isinstance(app.screen, RunScriptScreen), what="the prompt")
            for key in "nope.py":
                await pilot.press(key)
            await pilot.press("enter")
            await pilot_wait_until(pilot, lambda: refused(app, Refusal.SCRIPT_MISSING, value="nope.py"),
                                   what="the refusal")
            assert not app.main_screen.script_open and lab.processes == []
    finally:
        lab.shutdown()


def test_the_prompt_completes_paths(tmp_path, monkeypatch):
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "01_process.py").write_text("")
    monkeypatch.chdir(tmp_path)
    assert complete_path("exa") == "examples/"
    assert complete_path("examples/0") == "examples/01_process.py"
    assert complete_path("examples/9") is None
    assert complete_path("examples/01_process.py arg") is None  # arguments are not paths
