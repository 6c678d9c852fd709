"""Gone processes stay visible, and back in time shows the tree as it was: the real app,
real processes, and what the kernel and the events said."""

from __future__ import annotations

import os

import pytest

from helpers.app_screen import lab_processes, logged, on_screen, refused, row_text, select
from helpers.processes import gone, proc_state
from helpers.waiting import pilot_wait_until
from proctui.core.events import Adopted, Exited, Forked, ReapCall, Reaped, Refusal
from proctui.core.lifeline.history import History
from proctui.core.lifeline.life_words import seconds_text
from proctui.core.lifeline.lives import Row
from proctui.core.lifeline.record import RecordHeader, RecordWriter, read_record
from proctui.ui.app import ProcTUI
from proctui.ui.screens.past_view import past_content
from proctui.ui.screens.practice import PracticeScreen
from proctui.ui.widgets.past_events import CURSOR_MARK

SIZE = (80, 24)


async def zombie_reaped_by_is_alive(pilot, app):
    """z, then i on the zombie's row: its exit, its interval, and its reaping by is_alive()."""
    await pilot.press("z")
    [zombie] = await lab_processes(pilot, app, 1)
    await pilot_wait_until(pilot, lambda: "<defunct>" in (row_text(app, zombie.pid) or ""), what="Z row")
    assert proc_state(zombie.pid) == "Z"
    await pilot_wait_until(pilot, lambda: logged(app, Exited, pid=zombie.pid), what="its exit in the log")
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
        assert f"{zombie.label} fork · exit 0 · {zombie_for} · reaped by" in row  # cut to 80 columns
        # The whole of it on the selection line (the cursor is on its row).
        await on_screen(pilot, app, f"exit 0 · {zombie_for} · reaped by is_alive() in PID {os.getpid()}")
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
        await on_screen(pilot, app, f"由 PID {os.getpid()} 里的 is_alive() 回收")
        await pilot.press("comma")
        await on_screen(pilot, app, "回到过去：第", "Esc 回到现在")


async def test_practice_processes_leave_their_gone_rows_and_lifelines(app):
    """e, the first question, Esc: the exercise's processes end, and the main screen keeps
    them as gone rows and lifelines, as it keeps the lab's."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        screen = await pilot_wait_until(pilot, lambda: app.screen if isinstance(app.screen, PracticeScreen) else None,
                                        what="the practice screen")
        await pilot_wait_until(pilot, lambda: screen.run is not None and screen.run.question is not None
                               and not screen.busy, what="the first question")
        assert screen.run is not None
        root = screen.run.pids["a"]
        await pilot.press("escape")
        await pilot_wait_until(pilot, lambda: app.screen is app.main_screen, what="back on the main screen")
        await pilot_wait_until(pilot, lambda: "- gone" in (row_text(app, root) or ""), what="a's gone row")
        await pilot.press("T")
        timeline = app.main_screen.timeline
        await pilot_wait_until(pilot, lambda: root in [life.pid for life in timeline.lives_shown], what="a's lifeline")


async def test_a_replay_shows_at_each_event_what_the_session_showed(app, tmp_path):
    """The session's history written as a record and read back: at every event, the past
    the replay makes is the one the session made (rows, parents, states, labels, gone rows)."""
    async with app.run_test(size=SIZE) as pilot:
        await zombie_reaped_by_is_alive(pilot, app)
        await pilot.press("o")
        await pilot_wait_until(pilot, lambda: logged(app, Adopted), what="the orphan adopted")
        main = app.main_screen
        await pilot_wait_until(pilot, lambda: main.shown_snapshots > 2, what="a frame after it")
        writer = RecordWriter(str(tmp_path / "s.jsonl"), RecordHeader(main.own_pid, main.history.started, "en", "",
                                                                      None))
        writer.follow(main.history)
        writer.close()
        live = main.history
        _, replayed = read_record(str(tmp_path / "s.jsonl"))
        assert len(replayed) == len(live) > 5
        for position in range(len(live)):
            then, again = (past_content(history.moment(position), history.lives, main.own_pid, "en")
                           for history in (live, replayed))
            assert again.shape == then.shape, position
            assert {pid: (info.state, info.ppid) for pid, info in again.snapshot.procs.items()} == \
                {pid: (info.state, info.ppid) for pid, info in then.snapshot.procs.items()}, position
            assert {pid: record.label for pid, record in again.records.items()} == \
                {pid: record.label for pid, record in then.records.items()}, position
            assert {pid: (life.label, life.reaper_now(), life.exitcode) for pid, life in again.ghosts.items()} == \
                {pid: (life.label, life.reaper_now(), life.exitcode) for pid, life in then.ghosts.items()}, position


async def test_without_colour_the_words_carry_the_gone_and_the_past(monkeypatch, lab):
    monkeypatch.setenv("NO_COLOR", "1")
    app = ProcTUI(lab, refresh_seconds=0.5)
    async with app.run_test(size=SIZE) as pilot:
        assert app.no_color
        zombie = await zombie_reaped_by_is_alive(pilot, app)
        await on_screen(pilot, app, f"{zombie.pid} - gone")
        await pilot.press("T")
        await on_screen(pilot, app, "Z zombie")  # the timeline's legend: letters, not colours
        await pilot.press("comma")
        await on_screen(pilot, app, "back in time: event", CURSOR_MARK.strip())


def test_a_process_reaped_after_the_last_read_shows_gone_as_the_event_said():
    """The last read of a session may come before its last reaps (proctui quitting): the
    past at that reap shows the row gone, as the event said, not as the older read did."""
    history = History(100)
    me = Row(100, 1, "S", "proctui", 1)
    history.add_event(Forked(pid=5, label="child-1", role="child", start_method="fork", time=1.0))
    history.add_frame((me, Row(5, 100, "S", "python", 9)), when=1.5)
    history.add_event(Reaped(pid=5, label="child-1", call=ReapCall.JOIN, status=0, exitcode=0, time=2.0))
    before, after = (past_content(history.moment(position), history.lives, 100, "en") for position in (0, 1))
    assert 5 in before.snapshot.procs and not before.ghosts
    assert 5 not in after.snapshot.procs and after.ghosts[5].label == "child-1"


async def test_a_lifeline_selects_its_row_and_a_row_its_lifeline(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "f")
        first, second = await lab_processes(pilot, app, 2)
        await pilot_wait_until(pilot, lambda: row_text(app, second.pid), what="the second child's row")
        await select(pilot, app, first.pid)
        await pilot.press("T")
        timeline = app.main_screen.timeline
        await pilot_wait_until(pilot, lambda: timeline.has_focus and timeline.selected_pid == first.pid,
                               what="the first child's lifeline, as its row was selected")
        await pilot.press("down")
        await pilot_wait_until(pilot, lambda: app.main_screen.process_tree.selected_pid == second.pid,
                               what="the second child's row, as its lifeline was selected")
        await pilot.press("T")
        await pilot_wait_until(pilot, lambda: app.main_screen.process_tree.has_focus, what="the tree's focus again")
        for record in (first, second):
            app.lab.kill(record)
            app.lab.join(record)


async def test_the_past_is_said_again_in_the_other_language_and_without_ghosts(app):
    async with app.run_test(size=SIZE) as pilot:
        zombie = await zombie_reaped_by_is_alive(pilot, app)
        main = app.main_screen
        await pilot_wait_until(pilot, lambda: main.process_tree.ghost_at(zombie.pid), what="the ghost row")
        await pilot.press("comma")  # the last event: the reaping, the ghost in its place
        await pilot_wait_until(pilot, lambda: main.back_in_time and main.process_tree.ghost_at(zombie.pid),
                               what="back in time, the ghost there")
        await pilot.press("g")
        await pilot_wait_until(pilot, lambda: row_text(app, zombie.pid) is None, what="the past without ghosts")
        await pilot.press("L")
        await on_screen(pilot, app, "回到过去：第")
        assert main.back_in_time
