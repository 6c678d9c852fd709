"""proctui run in the app with many processes: ten children paused at once at 80x24 (one
viewer side by side, the rest named in tabs, Tab to each), C to continue them all, and
a viewer whose process is blocked in join() on a paused child saying so."""

from __future__ import annotations

import linecache

import pytest

from helpers.app_screen import logged, script_viewer
from helpers.paths import SCRIPTS
from helpers.waiting import pilot_wait_until
from proctui.core.events import Output, ReapCall, Reaped
from proctui.core.script.runner import ScriptToRun
from proctui.ui.widgets.script_viewer import ScriptViewer
from proctui.ui.widgets.script_viewers import VIEWER_WIDTH


def at_line(viewer: ScriptViewer) -> str:
    pause = viewer.pause
    return linecache.getline(pause.file, pause.line).strip() if pause is not None else ""


async def next_until(pilot, viewer: ScriptViewer, code: str) -> None:
    for _ in range(30):
        if at_line(viewer) == code:
            return
        before = viewer.pause
        await pilot.press("n")
        await pilot_wait_until(pilot, lambda: viewer.pause is not None and viewer.pause is not before,
                               what="the next pause")
    raise AssertionError(f"never at {code!r}; at {at_line(viewer)!r}")


@pytest.mark.parametrize("size", [(80, 24), (130, 30)])
async def test_ten_paused_children_stay_readable_and_c_continues_them_all(lab, size):
    from proctui.ui.app import ProcTUI

    app = ProcTUI(lab, refresh_seconds=0.5, script=ScriptToRun(str(SCRIPTS / "many_workers.py"), ("fork", "10")))
    async with app.run_test(size=size) as pilot:
        main = app.main_screen
        viewers = main.script_viewers
        viewer = await script_viewer(pilot, app)
        await next_until(pilot, viewer, "workers = [started(ctx, n) for n in range(int(sys.argv[2]) "
                                        "if len(sys.argv) > 2 else 10)]")
        await pilot.press("n")  # ten forks in one line: ten children pause where fork() returned 0
        await pilot_wait_until(pilot, lambda: len(viewers.viewers) == 11
                               and all(v.pause is not None for v in viewers.viewers.values()),
                               timeout=60, what="eleven paused viewers")
        shown = [v for v in viewers.viewers.values() if v.display]
        assert len(shown) == viewers.fit == max(1, viewers.size.width // VIEWER_WIDTH)
        assert all(v.outer_size.width >= VIEWER_WIDTH for v in shown), [v.outer_size.width for v in shown]
        # The tabs name the focused viewer, with its PID and line, and say how many are left out.
        assert viewers.tabs.display
        tabs = str(viewers.tabs.render())
        assert viewer.pause is not None
        assert f"{viewer.label} {viewer.pid}:{viewer.pause.line}" in tabs and "›" in tabs
        # Tab goes through every viewer, each shown when it has focus.
        seen = {viewer.pid}
        for _ in range(10):
            await pilot.press("tab")
            await pilot_wait_until(pilot, lambda: (f := app.focused) is not None and isinstance(f, ScriptViewer)
                                   and f.pid not in seen, what="the next viewer focused")
            focused = app.focused
            assert isinstance(focused, ScriptViewer) and focused.display
            await pilot_wait_until(pilot, lambda: f"{focused.label} {focused.pid}:" in str(viewers.tabs.render()),
                                   what="the focused viewer's tab")
            seen.add(focused.pid)
        assert seen == set(viewers.viewers)
        await pilot.press("C")
        await pilot_wait_until(pilot, lambda: logged(app, Reaped, pid=viewer.pid, call=ReapCall.SCRIPT),
                               timeout=60, what="the script reaped")
        await pilot_wait_until(pilot, lambda: not main.script_open, what="every viewer closed")
        lines = [event.line for event in logged(app, Output) if event.by_script]
        assert sorted(line for line in lines if line.startswith("worker")) == sorted(
            f"worker {n} done" for n in range(10))
        assert "all joined 10" in lines


async def test_a_script_blocked_in_join_on_a_paused_child_says_so(lab):
    """n on p.join() while the child is paused where fork() returned 0: the script's
    viewer says it is blocked in waitpid() for that child, paused in its viewer."""
    from proctui.ui.app import ProcTUI

    app = ProcTUI(lab, refresh_seconds=0.5, script=ScriptToRun(str(SCRIPTS / "first_process.py"), ("fork",)))
    async with app.run_test(size=(100, 30)) as pilot:
        main = app.main_screen
        viewer = await script_viewer(pilot, app)
        await next_until(pilot, viewer, "p.start()")
        await pilot.press("n")
        await pilot_wait_until(pilot, lambda: len(main.script_viewers.viewers) == 2
                               and all(v.pause is not None for v in main.script_viewers.viewers.values()),
                               timeout=30, what="both sides paused")
        [child] = [v for v in main.script_viewers.viewers.values() if v is not viewer]
        assert at_line(viewer) == "p.join()" and viewer.pause is not None
        line = viewer.pause.line
        await pilot.press("n")  # into join(): waitpid() on the paused child
        said = (f"Line {line}, p.join(): Blocked in waitpid() for {child.label} (PID {child.pid}), "
                "paused in its viewer: Tab to it and press c, or C to continue all.")
        await pilot_wait_until(pilot, lambda: str(viewer.note.render()) == said, timeout=10,
                               what="the script's viewer saying what it waits for")
        await pilot.press("tab")
        await pilot_wait_until(pilot, lambda: child.has_focus, what="the child's viewer focused")
        await pilot.press("c")
        await pilot_wait_until(pilot, lambda: logged(app, Reaped, pid=viewer.pid, call=ReapCall.SCRIPT)
                               or viewer.pause is not None, timeout=30, what="the script past join()")


async def test_follow_child_lets_the_script_run_free_and_the_palette_changes_what_is_followed(lab):
    """proctui run --follow child: n over p.start() opens the child's viewer, and the
    script's viewer says it runs free; the palette's "what to follow" goes both -> parent
    -> child and the log says each."""
    from textual.command import CommandList, CommandPalette

    from proctui.ui.app import ProcTUI

    app = ProcTUI(lab, refresh_seconds=0.5, script=ScriptToRun(str(SCRIPTS / "first_process.py"), ("fork",),
                                                                 follow="child"))
    async with app.run_test(size=(100, 30)) as pilot:
        main = app.main_screen
        viewer = await script_viewer(pilot, app)
        await next_until(pilot, viewer, "p.start()")
        await pilot.press("n")
        await pilot_wait_until(pilot, lambda: len(main.script_viewers.viewers) == 2, timeout=30,
                               what="the child's viewer")
        [child] = [v for v in main.script_viewers.viewers.values() if v is not viewer]
        await pilot_wait_until(pilot, lambda: child.pause is not None
                               and viewer.border_subtitle == "runs free (--follow child)",
                               what="the child paused, the script free")
        await pilot_wait_until(pilot, lambda: f"waitpid() for {child.label} (PID {child.pid}), paused"
                               in str(viewer.note.render()), what="the free script waiting in join()")
        # The palette: from child on to both, then parent.
        for follow, said in (("both", "both processes are stepped"), ("parent", "only the parent is stepped")):
            await pilot.press("ctrl+p")
            await pilot_wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
            await pilot.press(*"what to follow")
            await pilot_wait_until(pilot, lambda: isinstance(app.screen, CommandPalette)
                                   and app.screen.query_one(CommandList).option_count == 1, what="the command")
            await pilot.press("enter")
            await pilot_wait_until(pilot, lambda: lab.scripts.follow == follow, what=f"follow {follow}")
            await pilot_wait_until(pilot, lambda: any(said in line for line in main.event_log.lines_text),
                                   what="the log saying it")
        child.focus()
        await pilot.press("c")
        await pilot_wait_until(pilot, lambda: logged(app, Reaped, pid=viewer.pid, call=ReapCall.SCRIPT),
                               timeout=30, what="the script reaped")
