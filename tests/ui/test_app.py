"""The real app, driven by keys through Pilot, with real processes underneath."""

from __future__ import annotations

import os
import signal
import subprocess

from helpers.app_screen import lab_processes, live_row, logged, refused, row_text, screen_text, select
from helpers.processes import gone, proc_state
from helpers.waiting import pilot_wait_until
from proctui.core.events import (
    Exited,
    Forked,
    HiddenReapingUnguarded,
    Output,
    ReapCall,
    Reaped,
    Refusal,
    Refused,
    Signalled,
)
from proctui.core.lab.lab import Lab
from proctui.core.procfs.tree import SYSTEM_ROOT
from proctui.ui.app import ProcTUI
from proctui.ui.dialogs.exit_code import ExitCodeScreen
from proctui.ui.dialogs.help import HelpScreen
from proctui.ui.widgets.process_tree import ProcessTree
from proctui.ui.widgets.stepper_pane import StepperPane

SIZE = (80, 24)







async def test_tree_is_rooted_at_proctui_with_pid_and_ppid(app):
    async with app.run_test(size=SIZE) as pilot:
        root = await pilot_wait_until(pilot, lambda: row_text(app, os.getpid()), what="the root row")
        assert app.main_screen.process_tree.root.data == os.getpid()
        assert f"{os.getpid()}" in root and f"PPID {os.getppid()}" in root
        assert "proctui" in root


async def test_f_forks_a_child_shown_under_proctui(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        [child] = await lab_processes(pilot, app, 1)
        row = await pilot_wait_until(pilot, lambda: row_text(app, child.pid), what="the child's row")
        assert "child-1" in row and "fork" in row
        assert app.main_screen.process_tree.node_for(child.pid).parent is app.main_screen.process_tree.root
        await pilot_wait_until(pilot, lambda: "S sleeping" in (row_text(app, child.pid) or ""), what="S sleeping")
        await pilot_wait_until(pilot, lambda: proc_state(child.pid) == "S", what="/proc to agree")
        assert logged(app, Forked, pid=child.pid, label="child-1", start_method="fork")
        await pilot_wait_until(
            pilot,
            lambda: logged(app, Output, pid=child.pid, line=f"[child child-1] PID: {child.pid}, PPID: {os.getpid()}"),
            what="the child's own output in the log",
        )


async def test_z_leaves_a_zombie_and_w_reaps_it(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("z")
        [zombie] = await lab_processes(pilot, app, 1)
        await pilot_wait_until(pilot, lambda: "Z zombie <defunct>" in (row_text(app, zombie.pid) or ""),
                               what="the zombie row")
        assert proc_state(zombie.pid) == "Z"  # the row says zombie because /proc says Z
        # The state comes from a snapshot, the exit code from the exit event: either may be first.
        await pilot_wait_until(pilot, lambda: "exit 0" in (row_text(app, zombie.pid) or ""), what="exit 0")

        await select(pilot, app, zombie.pid)
        await pilot.press("w", "c")  # join, stepped straight through
        await pilot_wait_until(pilot, lambda: live_row(app, zombie.pid) is None, what="the zombie row to go")
        assert gone(zombie)
        assert logged(app, Reaped, pid=zombie.pid, call=ReapCall.STEPPED_JOIN, status=0, exitcode=0)


async def test_t_and_x_signal_the_selected_child(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "f")
        first, second = await lab_processes(pilot, app, 2)
        await select(pilot, app, first.pid)
        await pilot.press("t")
        await pilot_wait_until(pilot, lambda: "Z zombie" in (row_text(app, first.pid) or ""), what="SIGTERM'd")
        await pilot_wait_until(pilot, lambda: "exit -15 (SIGTERM)" in (row_text(app, first.pid) or ""),
                               what="exit -15")
        await pilot_wait_until(pilot, lambda: logged(app, Signalled, pid=first.pid, signal=signal.SIGTERM,
                                                     method="terminate"), what="the signal in the log")

        await select(pilot, app, second.pid)
        await pilot.press("x")
        await pilot_wait_until(pilot, lambda: "Z zombie" in (row_text(app, second.pid) or ""), what="SIGKILL'd")
        await pilot_wait_until(pilot, lambda: "exit -9 (SIGKILL)" in (row_text(app, second.pid) or ""),
                               what="exit -9")

        await pilot.press("w", "c")  # join, stepped straight through
        await pilot_wait_until(pilot, lambda: logged(app, Reaped, pid=second.pid, status=0x0009, exitcode=-9),
                               what="the reap of the killed child")


async def test_w_on_a_running_child_waits_and_the_app_stays_live(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        [child] = await lab_processes(pilot, app, 1)
        await select(pilot, app, child.pid)
        await pilot.press("w", "c")  # join, stepped straight through
        await pilot_wait_until(pilot, lambda: "Blocked in the kernel inside os.waitpid" in screen_text(app),
                               what="blocking")
        # The join blocks in a worker thread; keys still work meanwhile.
        await pilot.press("f")
        await pilot_wait_until(pilot, lambda: len(app.lab.processes) == 2, what="a second fork")
        await select(pilot, app, child.pid)
        await pilot.press("t")
        await pilot_wait_until(pilot, lambda: live_row(app, child.pid) is None, what="join to reap it")
        await pilot_wait_until(pilot, lambda: logged(app, Reaped, pid=child.pid, status=0x000F, exitcode=-15),
                               what="the reap in the log")


async def test_keys_refuse_rows_that_are_not_lab_processes(app):
    # A process of the test run's own: it shows under proctui, but the lab did not start it.
    bystander = subprocess.Popen(["sleep", "60"])
    try:
        async with app.run_test(size=SIZE) as pilot:
            await select(pilot, app, bystander.pid)
            await pilot.press("t", "x", "w")
            await pilot_wait_until(pilot, lambda: len(refused_events(app, Refusal.NOT_A_LAB_PROCESS,
                                                                     pid=bystander.pid)) == 3,
                                   what="t, x and w refused")
            await select(pilot, app, os.getpid())
            await pilot.press("x")
            await pilot_wait_until(pilot, lambda: refused(app, Refusal.PROCTUI_ITSELF, pid=os.getpid()),
                                   what="x on proctui refused")
            # Untouched: a SIGKILL would have left it Z for ever, a SIGSTOP T (it is ours to reap).
            await pilot_wait_until(pilot, lambda: proc_state(bystander.pid) == "S", what="the bystander asleep")
    finally:
        bystander.send_signal(signal.SIGKILL)
        bystander.wait()


async def test_a_switches_to_the_whole_system_and_back(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        [child] = await lab_processes(pilot, app, 1)
        await pilot_wait_until(pilot, lambda: row_text(app, child.pid), what="the child")
        await pilot.press("a")
        await pilot_wait_until(pilot, lambda: app.main_screen.process_tree.root.data == SYSTEM_ROOT,
                               what="the system tree")
        await pilot_wait_until(pilot, lambda: row_text(app, 1), what="PID 1")
        # proctui and its child are in the system tree too, the child still under proctui.
        tree = app.main_screen.process_tree
        assert tree.node_for(child.pid).parent is tree.node_for(os.getpid())
        assert "child-1" in (row_text(app, child.pid) or "")
        await select(pilot, app, 1)
        await pilot.press("x")
        await pilot_wait_until(pilot, lambda: refused(app, Refusal.NOT_A_LAB_PROCESS, pid=1), what="x on PID 1")
        await pilot.press("a")
        await pilot_wait_until(pilot, lambda: app.main_screen.process_tree.root.data == os.getpid(),
                               what="the lab tree")
        await pilot_wait_until(pilot, lambda: row_text(app, 1) is None, what="PID 1's row gone")


async def test_refreshes_keep_the_cursor_on_the_same_process(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "f")
        _first, second = await lab_processes(pilot, app, 2)
        await select(pilot, app, second.pid)
        await pilot.press("z", "f")
        children = await lab_processes(pilot, app, 4)
        await pilot_wait_until(pilot, lambda: all(row_text(app, c.pid) for c in children), what="their rows")
        await pilot.pause(0.7)  # at least one timed refresh too
        assert app.main_screen.process_tree.selected_pid == second.pid
        # When the selected process goes, the cursor stays on its line (as in htop).
        await pilot.press("x", "w", "c")
        await pilot_wait_until(pilot, lambda: live_row(app, second.pid) is None, what="reaped")
        assert app.main_screen.process_tree.selected_pid is not None


async def test_help_lists_every_binding(app):
    async with app.run_test(size=(130, 120)) as pilot:  # room for all the help at once
        await pilot.press("question_mark")
        await pilot_wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        bindings = [*app.BINDINGS, *app.main_screen.BINDINGS, *ProcessTree.BINDINGS, *StepperPane.BINDINGS]

        def every_binding_shown() -> str | None:
            shown = screen_text(app)
            every = all(f"{app.get_key_display(b)}  " in shown and b.tooltip in shown for b in bindings)
            return shown if every else None

        try:  # the help is drawn after its screen is pushed
            await pilot_wait_until(pilot, every_binding_shown, what="every binding in the help")
        except AssertionError:
            pass  # said binding by binding below
        shown = screen_text(app)
        for binding in bindings:
            assert f"{app.get_key_display(binding)}  " in shown
            assert binding.tooltip in shown
        await pilot.press("escape")
        await pilot_wait_until(pilot, lambda: not isinstance(app.screen, HelpScreen), what="the help to close")


async def test_shift_z_asks_for_the_exit_code(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("Z")
        await pilot_wait_until(pilot, lambda: isinstance(app.screen, ExitCodeScreen), what="the prompt")
        await pilot.press("backspace", "4", "2", "enter")
        [zombie] = await pilot_wait_until(pilot, lambda: app.lab.processes, what="the zombie")
        await pilot_wait_until(pilot, lambda: "exit 42" in (row_text(app, zombie.pid) or ""), what="exit 42")


async def test_q_ends_and_reaps_everything():
    lab = Lab()
    app = ProcTUI(lab, refresh_seconds=0.5)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f", "z", "f")
            records = await lab_processes(pilot, app, 3)
            os.kill(records[2].pid, signal.SIGSTOP)
            await pilot_wait_until(pilot, lambda: proc_state(records[2].pid) == "T", what="stopped")
            await pilot_wait_until(pilot, lambda: "T stopped" in (row_text(app, records[2].pid) or ""),
                                   what="T row")
            await pilot.press("q")
        assert lab.processes == []
        for record in records:
            assert gone(record)
    finally:
        lab.shutdown()  # what q did, unless the test failed before it


async def test_a_stop_from_outside_shows_at_the_next_refresh():
    """README: no event tells proctui of a SIGSTOP it did not send (a pidfd becomes
    readable only at exit): the row says T once /proc is read again, at the next refresh."""
    lab = Lab()
    app = ProcTUI(lab, refresh_seconds=3600)  # the refresh happens below, when the test asks
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f")
            [child] = await lab_processes(pilot, app, 1)
            await pilot_wait_until(pilot, lambda: logged(app, Output, pid=child.pid), what="its first line")
            await pilot_wait_until(pilot, lambda: row_text(app, child.pid), what="its row")
            events = len(app.main_screen.event_log.events)
            os.kill(child.pid, signal.SIGSTOP)
            await pilot_wait_until(pilot, lambda: proc_state(child.pid) == "T", what="stopped")
            await pilot.pause()
            assert len(app.main_screen.event_log.events) == events  # nothing was said of it
            assert "T stopped" not in (row_text(app, child.pid) or "")
            app.main_screen.request_snapshot()  # /proc read again, as at each refresh
            await pilot_wait_until(pilot, lambda: "T stopped" in (row_text(app, child.pid) or ""), what="T row")
    finally:
        lab.shutdown()


async def test_lab_events_update_the_tree_without_waiting_for_a_refresh():
    lab = Lab()
    app = ProcTUI(lab, refresh_seconds=3600)  # the timer never fires during this test
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot_wait_until(pilot, lambda: row_text(app, os.getpid()), what="the first snapshot")
            await pilot.press("z")
            [zombie] = await lab_processes(pilot, app, 1)
            await pilot_wait_until(pilot, lambda: "Z zombie" in (row_text(app, zombie.pid) or ""), what="Z row")
            await select(pilot, app, zombie.pid)
            await pilot.press("w", "c")  # join, stepped straight through
            await pilot_wait_until(pilot, lambda: live_row(app, zombie.pid) is None, what="the row to go")
    finally:
        lab.shutdown()


async def test_refreshes_keep_collapsed_rows_collapsed(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        [child] = await lab_processes(pilot, app, 1)
        await pilot_wait_until(pilot, lambda: row_text(app, child.pid), what="the child")
        await select(pilot, app, os.getpid())
        tree = app.main_screen.process_tree
        await pilot.press("left")  # collapse proctui's row
        await pilot_wait_until(pilot, lambda: not tree.root.is_expanded, what="proctui's row collapsed")
        await pilot.press("f")
        _, second = await lab_processes(pilot, app, 2)
        await pilot_wait_until(pilot, lambda: tree.node_for(second.pid) is not None, what="its row, hidden")
        await pilot.pause(0.7)  # and a timed refresh
        assert not tree.root.is_expanded
        await pilot.press("right")
        await pilot_wait_until(pilot, lambda: tree.root.is_expanded, what="expanded again")


async def test_in_chinese_the_log_says_each_event_in_chinese():
    app = ProcTUI(Lab(), refresh_seconds=0.2, lang="zh")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("z")
            [zombie] = await lab_processes(pilot, app, 1)
            await pilot_wait_until(pilot, lambda: logged(app, Exited, pid=zombie.pid), what="the exit")
            lines = app.main_screen.event_log.lines_text
            await pilot_wait_until(pilot, lambda: any(f"在 waitpid({zombie.pid}) 之前，它一直是僵尸进程" in line
                                                      for line in lines), what="the exit, said in Chinese")
            assert any(f"-> 子进程 {zombie.pid}（僵尸）" in line for line in lines)  # said before the exit
            await select(pilot, app, os.getpid())
            await pilot.press("x")
            await pilot_wait_until(pilot, lambda: refused(app, Refusal.PROCTUI_ITSELF, pid=os.getpid()),
                                   what="the refusal")
            assert any("就是 proctui 自己" in line for line in lines)
    finally:
        app.lab.shutdown()


def refused_events(app, reason, **fields) -> list:
    """The refusals the app has logged for this reason (with these facts)."""
    return logged(app, Refused, reason=reason, **fields)


async def test_shift_l_switches_the_language_of_the_log_and_the_lesson_at_once(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        [child] = await lab_processes(pilot, app, 1)
        await pilot_wait_until(pilot, lambda: logged(app, Forked, pid=child.pid), what="the fork in the log")
        log = app.main_screen.event_log
        assert any(f"-> child {child.pid} (child)" in line for line in log.lines_text)
        await pilot.press("l")
        await pilot_wait_until(pilot, lambda: app.screen is not app.main_screen, what="the lesson picker")
        await pilot.press("enter")
        await pilot_wait_until(pilot, lambda: app.main_screen.lesson_run is not None, what="a lesson")
        await pilot.press("L")
        await pilot_wait_until(pilot, lambda: app.main_screen.lang == "zh", what="Chinese")
        # The same event, said again: the facts stay, the words change.
        assert any(f"-> 子进程 {child.pid}（子进程）" in line for line in log.lines_text)
        assert not any(f"-> child {child.pid} (child)" in line for line in log.lines_text)
        run = app.main_screen.lesson_run
        assert run is not None and run.lesson.title.startswith("1. 进程")
        await pilot_wait_until(pilot, lambda: "进程" in str(app.main_screen.lesson_panel.border_title),
                               what="the lesson panel in Chinese")
        await pilot_wait_until(pilot, lambda: app.lang == "zh", what="the app to follow")
        assert "zombie 僵尸进程" in app.glossary
        await pilot.press("L")
        await pilot_wait_until(pilot, lambda: app.main_screen.lang == "en", what="English again")
        assert any(f"-> child {child.pid} (child)" in line for line in log.lines_text)
        await pilot_wait_until(pilot, lambda: app.lang == "en", what="the app to follow")
        assert app.glossary.keys() and "zombie 僵尸进程" not in app.glossary


async def test_a_python_whose_multiprocessing_has_no_children_set_is_told_plainly():
    # On a future Python without multiprocessing.process._children the Lab cannot guard
    # its zombies (guards.keep_lab_children_out_of_multiprocessing returns False): say so.
    lab = Lab()
    lab.guarded = False
    app = ProcTUI(lab, refresh_seconds=0.5)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot_wait_until(pilot, lambda: logged(app, HiddenReapingUnguarded), what="the notice")
    finally:
        lab.shutdown()
    guarded = Lab()
    app = ProcTUI(guarded, refresh_seconds=0.5)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot_wait_until(pilot, lambda: app.main_screen.event_log.lines_text, what="the first line")
            assert guarded.guarded and not logged(app, HiddenReapingUnguarded)
    finally:
        guarded.shutdown()
