"""Gone processes stay visible, and back in time shows the tree as it was: the real app,
real processes, and what the kernel and the events said."""

from __future__ import annotations

import os

import pytest

from helpers.app_screen import lab_processes, logged, on_screen, refused, row_text, select
from helpers.processes import gone, proc_state
from helpers.waiting import pilot_wait_until
from proctui.core.events import Exited, ReapCall, Reaped, Refusal
from proctui.core.lifeline.life_words import seconds_text
from proctui.ui.widgets.past_events import CURSOR_MARK

SIZE = (80, 24)


async def zombie_reaped_by_is_alive(pilot, app):
    """z, then i on the zombie's row: its exit, its interval, and its reaping by is_alive()."""
    await pilot.press("z")
    [zombie] = await lab_processes(pilot, app, 1)
    await pilot_wait_until(pilot, lambda: "<defunct>" in (row_text(app, zombie.pid) or ""), what="Z row")
    assert proc_state(zombie.pid) == "Z"
    await select(pilot, app, zombie.pid)
    await pilot.press("i")
    await pilot_wait_until(pilot, lambda: logged(app, Reaped, pid=zombie.pid), what="the reaping")
    return zombie


async def test_a_reaped_zombie_stays_as_a_dim_row_saying_who_reaped_it(app):
    async with app.run_test(size=SIZE) as pilot:
        zombie = await zombie_reaped_by_is_alive(pilot, app)
        [exited] = logged(app, Exited, pid=zombie.pid)
        [reaped] = logged(app, Reaped, pid=zombie.pid, call=ReapCall.IS_ALIVE)
        zombie_for = f"zombie {seconds_text(reaped.time - exited.time)} s"  # from the kernel's exit to the waitpid
        await pilot_wait_until(pilot, lambda: "- gone" in (row_text(app, zombie.pid) or ""), what="the ghost row")
        assert gone(zombie)  # the row stays; /proc has no such process
        row = row_text(app, zombie.pid) or ""
        assert f"{zombie.label} fork · exit 0 · {zombie_for} · reaped by is_alive() in PID {os.getpid()}" in row
        # It is in its place: under proctui, where it lived.
        tree = app.main_screen.process_tree
        assert tree.node_for(zombie.pid).parent is tree.root

        await pilot.press("t")  # on the ghost: nothing to send, and it says why
        await pilot_wait_until(pilot, lambda: refused(app, Refusal.ALREADY_REAPED, pid=zombie.pid), what="refusal")

        await pilot.press("g")
        await pilot_wait_until(pilot, lambda: row_text(app, zombie.pid) is None, what="ghosts hidden")
        await pilot.press("g")
        await pilot_wait_until(pilot, lambda: "- gone" in (row_text(app, zombie.pid) or ""), what="ghosts again")


async def test_back_in_time_shows_the_zombie_then_forward_to_now(app):
    async with app.run_test(size=SIZE) as pilot:
        zombie = await zombie_reaped_by_is_alive(pilot, app)
        await pilot_wait_until(pilot, lambda: "- gone" in (row_text(app, zombie.pid) or ""), what="the ghost row")
        main = app.main_screen
        # Back, one event at a time, to the moment the kernel said it exited.
        for _ in range(len(main.history)):
            await pilot.press("comma")
            await pilot_wait_until(pilot, lambda: main.back_in_time, what="back in time")
            if isinstance(main.past_events.history.moment(main.past_events.position).event, Exited):
                break
        row = await pilot_wait_until(pilot, lambda: row_text(app, zombie.pid), what="the row then")
        assert "Z zombie <defunct>" in row  # what /proc said then, as it was recorded
        await on_screen(pilot, app, "back in time: event", "Esc: now")
        cursor = [line for line in main.past_events.lines_text if line.startswith(CURSOR_MARK)]
        assert cursor and f"child {zombie.pid} ({zombie.label}) exited" in cursor[0]

        await pilot.press("greater_than_sign")  # the next change: is_alive() reaped it
        await pilot_wait_until(pilot, lambda: "- gone" in (row_text(app, zombie.pid) or ""), what="the ghost then")
        await pilot.press("escape")
        await pilot_wait_until(pilot, lambda: not main.back_in_time, what="now again")
        assert "back in time" not in str(main.process_tree.border_title)


async def test_an_action_in_the_past_acts_on_now(app):
    async with app.run_test(size=SIZE) as pilot:
        zombie = await zombie_reaped_by_is_alive(pilot, app)
        main = app.main_screen
        await pilot.press("less_than_sign", "less_than_sign")
        await pilot_wait_until(pilot, lambda: main.back_in_time, what="back in time")
        await pilot.press("f")  # forks now: the view comes back to now first
        await pilot_wait_until(pilot, lambda: not main.back_in_time, what="now again")
        [child] = await lab_processes(pilot, app, 1)
        await pilot_wait_until(pilot, lambda: row_text(app, child.pid), what="the new child's row")
        assert "- gone" in (row_text(app, zombie.pid) or "")
        app.lab.kill(child)
        app.lab.join(child)


@pytest.mark.parametrize("app", [{"lang": "zh"}], indirect=True)
async def test_the_past_and_the_gone_in_chinese(app):
    async with app.run_test(size=SIZE) as pilot:
        zombie = await zombie_reaped_by_is_alive(pilot, app)
        await pilot_wait_until(pilot, lambda: "已消失" in (row_text(app, zombie.pid) or ""), what="the ghost row")
        assert f"由 PID {os.getpid()} 里的 is_alive() 回收" in (row_text(app, zombie.pid) or "")
        await pilot.press("comma")
        await on_screen(pilot, app, "回到过去：第", "Esc 回到现在")
