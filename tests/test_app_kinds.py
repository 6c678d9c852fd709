"""Issue-4 keys in the real app: o, d, D, s, m, p, and the palette's is_alive()."""

from __future__ import annotations

import os

import pytest

from helpers import (
    logged,
    palette_command,
    pilot_wait_until,
    proc_info,
    proc_state,
    refused,
    row_text,
    said,
    screen_text,
    select,
)
from proctui.core.events import Adopted, CowMemory, PoolTaskDone, ReapCall, Reaped, Refusal
from proctui.core.lab import Lab
from proctui.ui.app import ProcTUI

SIZE = (80, 24)


@pytest.fixture
def app():
    lab = Lab()
    yield ProcTUI(lab, refresh_seconds=0.5)
    lab.shutdown()





async def run_command(pilot, name):
    await pilot.press("ctrl+p")
    await pilot.pause(0.3)
    await pilot.press(*name)
    await pilot.pause(0.5)
    await pilot.press("enter")
    await pilot.pause(0.2)


async def test_o_shows_the_orphan_move_under_proctui(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        parent, grandchild = app.lab.processes
        await pilot_wait_until(pilot, lambda: row_text(app, grandchild.pid), what="the grandchild row")
        await pilot_wait_until(
            pilot,
            lambda: app.main_screen.process_tree.node_for(grandchild.pid).parent is app.main_screen.process_tree.root,
            what="the grandchild under proctui")
        assert proc_info(grandchild.pid).ppid == os.getpid()
        assert f"orphan of {parent.pid}" in (row_text(app, grandchild.pid) or "")
        assert "orphan-1-grandchild" in (row_text(app, grandchild.pid) or "")
        await pilot_wait_until(pilot, lambda: logged(app, Adopted, pid=grandchild.pid, adopter_pid=os.getpid()),
                               what="the adoption in the log")
        await select(pilot, app, grandchild.pid)
        await pilot.press("x")
        await pilot_wait_until(pilot, lambda: row_text(app, grandchild.pid) is None, what="reaped by proctui")
        assert proc_state(grandchild.pid) is None
        await pilot_wait_until(
            pilot, lambda: logged(app, Reaped, pid=grandchild.pid, exitcode=-9), what="the reap in the log")


async def test_d_and_shift_d_show_the_daemon_rules(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        [daemon] = app.lab.processes
        await pilot_wait_until(
            pilot, lambda: said(app, daemon.pid, "daemonic processes are not allowed to have children"),
            what="the AssertionError in the log")
        assert "daemon" in (row_text(app, daemon.pid) or "")
        app.lab.daemon_dies_with_parent(linger=0.5)  # D, with a shorter wait
        parent, grandchild = app.lab.processes[1:]
        await pilot_wait_until(pilot, lambda: row_text(app, grandchild.pid), what="the daemon grandchild row")
        tree = app.main_screen.process_tree
        assert tree.node_for(grandchild.pid).parent is tree.node_for(parent.pid)
        await pilot_wait_until(pilot, lambda: row_text(app, grandchild.pid) is None, what="it dies with its parent")
        assert proc_state(grandchild.pid) is None
        await pilot_wait_until(pilot, lambda: "Z zombie" in (row_text(app, parent.pid) or ""), what="parent exits")


async def test_s_stops_and_continues(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        [child] = app.lab.processes
        await select(pilot, app, child.pid)
        await pilot.press("s")
        await pilot_wait_until(pilot, lambda: "T stopped" in (row_text(app, child.pid) or ""), what="T stopped")
        assert proc_state(child.pid) == "T"
        await pilot.press("s")
        await pilot_wait_until(pilot, lambda: "S sleeping" in (row_text(app, child.pid) or ""), what="S again")


async def test_m_cycles_start_methods_and_helpers_are_labelled(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        assert app.lab.start_method == "spawn"
        await pilot.press("f")
        await pilot.press("m")
        assert app.lab.start_method == "forkserver"
        await pilot.press("f")
        spawned, served = app.lab.processes
        await pilot_wait_until(pilot, lambda: row_text(app, served.pid), timeout=30, what="the forkserver child")
        server = app.main_screen.process_tree.node_for(served.pid).parent
        assert server.data == proc_info(served.pid).ppid != os.getpid()
        assert "fork server" in str(row_text(app, server.data))
        assert "spawn" in (row_text(app, spawned.pid) or "") and "forkserver" in (row_text(app, served.pid) or "")
        await pilot_wait_until(pilot, lambda: any("resource tracker" in str(row_text(app, n.data))
                                                  for n in app.main_screen.process_tree.root.children),
                               what="resource tracker")
        await pilot.press("m")
        assert app.lab.start_method == "fork"
        assert "start method fork" in app.main_screen.process_tree.border_title


async def test_is_alive_from_the_palette_reaps_the_zombie(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("z")
        [zombie] = app.lab.processes
        await pilot_wait_until(pilot, lambda: "Z zombie" in (row_text(app, zombie.pid) or ""), what="Z")
        await select(pilot, app, zombie.pid)
        await run_command(pilot, "is_alive")
        await pilot_wait_until(pilot, lambda: row_text(app, zombie.pid) is None, what="the zombie to be reaped")
        assert proc_state(zombie.pid) is None
        assert logged(app, Reaped, pid=zombie.pid, call=ReapCall.IS_ALIVE, exitcode=0)


async def test_p_starts_a_pool_whose_workers_are_labelled_rows(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        [pool] = app.lab.pools
        workers = await pilot_wait_until(pilot, pool.workers, what="pool workers")
        for pid, label in workers.items():
            await pilot_wait_until(pilot, lambda: row_text(app, pid), what=label)
            assert label in (row_text(app, pid) or "")
            assert proc_info(pid).ppid == os.getpid()
        await select(pilot, app, next(iter(workers)))
        await pilot.press("t")
        assert refused(app, Refusal.POOL_WORKER, pid=next(iter(workers)))
        await pilot_wait_until(pilot, lambda: len(logged(app, PoolTaskDone, pool=pool.label)) >= 6,
                               timeout=30, what="six task results")
        await pilot.press("P")
        await pilot_wait_until(pilot, lambda: pool.closed, timeout=30, what="close and join")
        for pid in workers:
            assert proc_state(pid) is None


async def test_child_errors_reach_the_log(app):
    async with app.run_test(size=SIZE) as pilot:
        await run_command(pilot, "Child that raises")
        await run_command(pilot, "sys.exit('message')")
        raiser, exiter = app.lab.processes
        await pilot_wait_until(pilot, lambda: said(app, raiser.pid, "RuntimeError: raises-1 raised this on purpose"),
                               what="the traceback")
        await pilot_wait_until(pilot, lambda: said(app, exiter.pid, "exits-1: goodbye from sys.exit()"),
                               what="the message")
        await pilot_wait_until(pilot, lambda: "exit 1" in (row_text(app, raiser.pid) or ""), what="exit 1")
        await pilot_wait_until(pilot, lambda: "exit 1" in (row_text(app, exiter.pid) or ""), what="exit 1")
        text = screen_text(app)
        assert "raises-1" in text and "exits-1" in text


async def test_the_palette_starts_a_copy_on_write_child_and_makes_it_write(app):
    async with app.run_test(size=SIZE) as pilot:
        await palette_command(pilot, app, "cow-write")  # no child waits to write yet
        await pilot_wait_until(pilot, lambda: refused(app, Refusal.NO_COW_CHILD), what="the refusal")
        await palette_command(pilot, app, "cow")
        child = await pilot_wait_until(pilot, lambda: [r for r in app.lab.processes if r.role == "cow"],
                                       what="a copy-on-write child")
        await pilot_wait_until(pilot, lambda: logged(app, CowMemory, pid=child[0].pid, written=False),
                               what="its first reading in the log")
        await palette_command(pilot, app, "cow-write")
        [after] = await pilot_wait_until(pilot, lambda: logged(app, CowMemory, pid=child[0].pid, written=True),
                                         what="its second reading in the log")
        assert after.parent_writer == "proctui" and after.parent_sum == 0
        await pilot_wait_until(pilot, lambda: "smaps_rollup" in screen_text(app), what="the log line on screen")


async def test_queue_get_with_no_queue_says_why(app):
    async with app.run_test(size=SIZE) as pilot:
        await palette_command(pilot, app, "queue-get")
        await pilot_wait_until(pilot, lambda: refused(app, Refusal.NO_QUEUE), what="the refusal")
