"""The stepper in the real app, driven by keys: the tree changes at the very step."""

from __future__ import annotations

import pytest

from helpers.app_screen import (
    lab_processes,
    live_row,
    logged,
    on_screen,
    palette_command,
    row_text,
    screen_text,
    select,
)
from helpers.processes import gone, proc_state
from helpers.waiting import pilot_wait_until
from proctui.core.events import Disposition, Output, Signalled
from proctui.core.lab.lab import Lab
from proctui.ui.app import ProcTUI

SIZE = (80, 24)






#: Only events move the tree here: a refresh never comes between a step and what it shows.
EVENTS_ONLY = pytest.mark.parametrize("app", [{"refresh_seconds": 3600}], indirect=True, ids=["events-only"])


async def press_until(pilot, app, key, condition, what="step"):
    for _ in range(60):  # steps: a hang guard
        if condition():
            return
        before = app.main_screen.shown_step
        await pilot.press(key)
        await pilot_wait_until(pilot, lambda: app.main_screen.shown_step is not before or app.main_screen.stepper.done,
                               what="a new step")
    raise AssertionError(f"never reached {what}")


def step_call(app) -> str:
    """The call text of the step the join is paused at ("" if none is shown)."""
    step = app.main_screen.shown_step
    return "" if step is None else (step.call or "")


def at_waitpid(app, kind):
    step = app.main_screen.shown_step
    return step is not None and step.kind == kind and (step.call or "").startswith("os.waitpid(")


@EVENTS_ONLY
async def test_stepping_a_zombie_to_waitpid_makes_it_vanish_at_that_step(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("z")
        [zombie] = await lab_processes(pilot, app, 1)
        await pilot_wait_until(pilot, lambda: "Z zombie" in (row_text(app, zombie.pid) or ""), what="zombie row")
        await select(pilot, app, zombie.pid)
        await pilot.press("w")
        await pilot_wait_until(pilot, lambda: app.main_screen.stepper is not None, what="the stepper")
        await on_screen(pilot, app, "▶", "self._check_closed()", "asserts are on")  # join's first line, marked

        await press_until(pilot, app, "n", lambda: at_waitpid(app, "call"), what="the waitpid call")
        await pilot.pause(0.2)
        assert proc_state(zombie.pid) == "Z"
        assert "Z zombie" in (row_text(app, zombie.pid) or "")
        await on_screen(pilot, app, f"Next: os.waitpid({zombie.pid}, 0)", "Popen.poll")

        await pilot.press("n")
        await pilot_wait_until(pilot, lambda: at_waitpid(app, "return"), what="the waitpid return")
        assert gone(zombie)
        await pilot_wait_until(pilot, lambda: live_row(app, zombie.pid) is None, what="the row to vanish")
        await on_screen(pilot, app, f"waitpid returned ({zombie.pid}, 0x0000): WIFEXITED, WEXITSTATUS=0")

        await pilot.press("c")
        await pilot_wait_until(pilot, lambda: app.main_screen.stepper.done, what="join to finish")
        await pilot_wait_until(pilot, lambda: "finished" in app.main_screen.stepper_pane.border_title, what="finished")
        await pilot.press("escape")
        await pilot_wait_until(pilot, lambda: app.main_screen.stepper is None, what="the viewer to close")


@EVENTS_ONLY
async def test_a_blocking_waitpid_leaves_the_app_usable_until_t(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        [child] = await lab_processes(pilot, app, 1)
        await select(pilot, app, child.pid)
        await pilot.press("w")
        await pilot_wait_until(pilot, lambda: app.main_screen.stepper is not None, what="the stepper")
        await press_until(pilot, app, "n", lambda: at_waitpid(app, "call"), what="the waitpid call")
        await on_screen(pilot, app, "will block in the kernel until it exits")
        await pilot.press("n")
        await pilot_wait_until(pilot, lambda: "Blocked in the kernel inside os.waitpid" in screen_text(app),
                               what="the blocked note")
        # The UI still works: fork another child while the join blocks.
        await pilot.press("f")
        await pilot_wait_until(pilot, lambda: len(app.lab.processes) == 2, what="another fork")
        await select(pilot, app, child.pid)
        await pilot.press("t")
        await pilot_wait_until(pilot, lambda: at_waitpid(app, "return"), what="waitpid to return")
        assert app.main_screen.shown_step.status == 0x000F
        await on_screen(pilot, app, "WIFSIGNALED, WTERMSIG=15 (SIGTERM)", "= -15 (SIGTERM)")


@EVENTS_ONLY
async def test_the_viewer_offers_t_only_where_it_ends_the_child(app):
    """H's child ignores SIGTERM (SigIgn in /proc/PID/status): at the waitpid call and
    while it blocks, the note says t does nothing, and it does nothing; x ends it."""
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("H")
        [child] = await lab_processes(pilot, app, 1)
        await pilot_wait_until(pilot, lambda: logged(app, Output, pid=child.pid), what="SIG_IGN set")
        await select(pilot, app, child.pid)
        await pilot.press("w")
        await pilot_wait_until(pilot, lambda: app.main_screen.stepper is not None, what="the stepper")
        await press_until(pilot, app, "n", lambda: at_waitpid(app, "call"), what="the waitpid call")
        ignored = f"t does nothing: it ignores SIGTERM (SigIgn in /proc/{child.pid}/status)"
        await on_screen(pilot, app, "will block in the kernel until it exits", ignored)
        assert "Press t or x" not in screen_text(app)
        await pilot.press("n")
        await on_screen(pilot, app, "Blocked in the kernel inside os.waitpid", ignored)
        await pilot.press("t")
        [sent] = await pilot_wait_until(pilot, lambda: logged(app, Signalled, pid=child.pid), what="SIGTERM sent")
        assert sent.disposition is Disposition.IGNORED and proc_state(child.pid) in ("S", "R")
        await pilot.press("x")
        await pilot_wait_until(pilot, lambda: at_waitpid(app, "return"), what="waitpid to return")
        assert app.main_screen.shown_step.status == 0x0009  # SIGKILL's, not SIGTERM's


@EVENTS_ONLY
async def test_join_with_timeout_walks_the_connection_wait_branch(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        [child] = await lab_processes(pilot, app, 1)
        await select(pilot, app, child.pid)
        await pilot.press("W")
        await pilot_wait_until(pilot, lambda: app.main_screen.stepper is not None, what="the stepper")
        await press_until(pilot, app, "n", lambda: step_call(app).startswith("connection.wait("),
                          what="connection.wait")
        await pilot.press("n")
        await pilot_wait_until(
            pilot, lambda: app.main_screen.shown_step.kind == "return" and app.main_screen.shown_step.result == "[]",
            what="[] returned",
        )
        await on_screen(pilot, app, "when the timeout passed the child was still running (S)")
        await pilot.press("c")
        await pilot_wait_until(pilot, lambda: app.main_screen.stepper.done, what="join to return")
        assert app.main_screen.stepper.result is None
        assert proc_state(child.pid) in ("S", "R")
        assert app.lab.get(child.pid) is child


@EVENTS_ONLY
async def test_join_of_a_never_started_process_shows_the_assert(app):
    async with app.run_test(size=SIZE) as pilot:
        await palette_command(pilot, app, "join-unstarted")
        await pilot_wait_until(pilot, lambda: app.main_screen.stepper is not None, what="the stepper")
        await pilot.press("c")
        await pilot_wait_until(pilot, lambda: app.main_screen.stepper.done, what="the failure")
        await pilot_wait_until(pilot, lambda: "failed" in app.main_screen.stepper_pane.border_title, what="failed")
        await on_screen(pilot, app, "✗", "can only join a started process", "AssertionError")


@EVENTS_ONLY
async def test_keys_n_and_c_show_only_while_stepping(app):
    async with app.run_test(size=SIZE) as pilot:
        def footer() -> str | None:
            line = screen_text(app).splitlines()[-1]
            return line if "Fork" in line else None

        assert "Next" not in await pilot_wait_until(pilot, footer, what="the footer")
        await pilot.press("z")
        [zombie] = await lab_processes(pilot, app, 1)
        await select(pilot, app, zombie.pid)
        await pilot.press("w")
        await pilot_wait_until(pilot, lambda: "Next" in screen_text(app).splitlines()[-1], what="n in the footer")
        assert "? Help" in screen_text(app).splitlines()[-1]  # everything still fits at 80 columns
        await pilot.press("c")
        await pilot_wait_until(pilot, lambda: "Next" not in screen_text(app).splitlines()[-1], what="n gone")


async def test_forkserver_join_says_who_reaped_the_child():
    lab = Lab(start_method="forkserver")
    # The fork server reaps its child just after the exit event: the row turns "gone"
    # at the next refresh.
    app = ProcTUI(lab, refresh_seconds=0.5)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("z")
            [zombie] = await lab_processes(pilot, app, 1)
            await pilot_wait_until(pilot, lambda: zombie.exited_at is not None, what="the exit")
            # The fork server, its parent, reaps it at once (just after the exit event): /proc
            # has no zombie, but the row stays (from the exit event) so that it can still be joined.
            await pilot_wait_until(pilot, lambda: gone(zombie), what="the fork server's reap")
            await pilot_wait_until(pilot, lambda: "gone (reaped)" in (row_text(app, zombie.pid) or ""), what="row")
            await select(pilot, app, zombie.pid)
            await pilot.press("w")
            await pilot_wait_until(pilot, lambda: app.main_screen.stepper is not None, what="the stepper")
            await on_screen(pilot, app, "the fork server, not proctui, is this child's parent")
            await press_until(pilot, app, "n", lambda: step_call(app).startswith("forkserver.read_signed("),
                              what="read_signed")
            await pilot.press("c")
            await pilot_wait_until(pilot, lambda: app.main_screen.stepper is not None and app.main_screen.stepper.done,
                                   what="join to finish")
            stepper = app.main_screen.stepper
            assert stepper is not None
            assert stepper.result == 0
    finally:
        lab.shutdown()


async def test_quit_while_a_join_is_paused_leaves_nothing():
    lab = Lab()
    app = ProcTUI(lab, refresh_seconds=3600)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f", "z")
            child, zombie = await lab_processes(pilot, app, 2)
            await select(pilot, app, child.pid)
            await pilot.press("w", "n", "n")
            await pilot_wait_until(pilot, lambda: app.main_screen.stepper is not None, what="the stepper")
            await pilot.press("q")
        assert lab.processes == []
        assert gone(child) and gone(zombie)
    finally:
        lab.shutdown()  # what q did, unless the test failed before it


async def test_in_chinese_the_viewer_explains_each_step_in_chinese():
    lab = Lab()
    app = ProcTUI(lab, refresh_seconds=3600, lang="zh")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("z")
            [zombie] = await lab_processes(pilot, app, 1)
            await pilot_wait_until(pilot, lambda: row_text(app, zombie.pid), what="the zombie row")
            await select(pilot, app, zombie.pid)
            await pilot.press("w")
            await pilot_wait_until(pilot, lambda: app.main_screen.stepper is not None, what="the stepper")
            await press_until(pilot, app, "n", lambda: at_waitpid(app, "call"), what="the waitpid call")
            pane = app.main_screen.stepper_pane
            await pilot_wait_until(pilot, lambda: "第" in str(pane.border_title), what="the title in Chinese")
            # Chinese has no spaces between words: the screen without any, lines joined.
            await pilot_wait_until(pilot, lambda: f"下一步：os.waitpid({zombie.pid},0)。子进程是僵尸进程" in (
                text := "".join(screen_text(app).replace("│", "").split())) and "n下一步·c执行到底" in text,
                what="the step said in Chinese")
    finally:
        lab.shutdown()
