"""Issue-4 keys in the real app: o, d, D, s, m, p, and the palette's is_alive()."""

from __future__ import annotations

import os

from helpers.app_screen import (
    lab_processes,
    live_row,
    logged,
    on_screen,
    palette_command,
    refused,
    row_text,
    said,
    select,
)
from helpers.processes import gone, proc_info, proc_state
from helpers.waiting import pilot_wait_until
from proctui.core.events import Adopted, CowMemory, PoolTaskDone, ReapCall, Reaped, Refusal
from proctui.core.lab import experiments

SIZE = (80, 24)





async def test_o_shows_the_orphan_move_under_proctui(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        parent, grandchild = await lab_processes(pilot, app, 2)
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
        await pilot_wait_until(pilot, lambda: live_row(app, grandchild.pid) is None, what="reaped by proctui")
        assert gone(grandchild)
        await pilot_wait_until(
            pilot, lambda: logged(app, Reaped, pid=grandchild.pid, exitcode=-9), what="the reap in the log")


async def test_d_and_shift_d_show_the_daemon_rules(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        [daemon] = await lab_processes(pilot, app, 1)
        await pilot_wait_until(
            pilot, lambda: said(app, daemon.pid, "daemonic processes are not allowed to have children"),
            what="the AssertionError in the log")
        # Its output may come before the first snapshot that shows its row.
        await pilot_wait_until(pilot, lambda: "daemon" in (row_text(app, daemon.pid) or ""), what="the daemon row")
        # D, with a shorter wait than its 3 s, long enough for a busy machine to show the
        # grandchild's row before its parent returns and ends it.
        experiments.daemon_dies_with_parent(app.lab, linger=2.0)
        parent, grandchild = app.lab.processes[1:]
        await pilot_wait_until(pilot, lambda: row_text(app, grandchild.pid), what="the daemon grandchild row")
        tree = app.main_screen.process_tree
        assert tree.node_for(grandchild.pid).parent is tree.node_for(parent.pid)
        await pilot_wait_until(pilot, lambda: live_row(app, grandchild.pid) is None, what="it dies with its parent")
        await pilot_wait_until(pilot, lambda: gone(grandchild), what="its parent to reap it")
        await pilot_wait_until(pilot, lambda: "Z zombie" in (row_text(app, parent.pid) or ""), what="parent exits")


async def test_s_stops_and_continues(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        [child] = await lab_processes(pilot, app, 1)
        await select(pilot, app, child.pid)
        await pilot.press("s")
        await pilot_wait_until(pilot, lambda: "T stopped" in (row_text(app, child.pid) or ""), what="T stopped")
        assert proc_state(child.pid) == "T"
        await pilot.press("s")
        await pilot_wait_until(pilot, lambda: "S sleeping" in (row_text(app, child.pid) or ""), what="S again")


async def test_m_cycles_start_methods_and_helpers_are_labelled(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await pilot_wait_until(pilot, lambda: app.lab.start_method == "spawn", what="spawn")
        await pilot.press("f")
        await lab_processes(pilot, app, 1)
        await pilot.press("m")
        await pilot_wait_until(pilot, lambda: app.lab.start_method == "forkserver", what="forkserver")
        await pilot.press("f")
        spawned, served = await lab_processes(pilot, app, 2)
        await pilot_wait_until(pilot, lambda: row_text(app, served.pid), timeout=30, what="the forkserver child")
        server = app.main_screen.process_tree.node_for(served.pid).parent
        assert server.data == proc_info(served.pid).ppid != os.getpid()
        assert "fork server" in str(row_text(app, server.data))
        assert "spawn" in (row_text(app, spawned.pid) or "") and "forkserver" in (row_text(app, served.pid) or "")
        await pilot_wait_until(pilot, lambda: any("resource tracker" in str(row_text(app, n.data))
                                                  for n in app.main_screen.process_tree.root.children),
                               what="resource tracker")
        await pilot.press("m")
        await pilot_wait_until(pilot, lambda: app.lab.start_method == "fork", what="fork")
        await pilot_wait_until(pilot, lambda: "start method fork" in app.main_screen.process_tree.border_title,
                               what="the tree's title")


async def test_is_alive_from_the_palette_reaps_the_zombie(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("z")
        [zombie] = await lab_processes(pilot, app, 1)
        await pilot_wait_until(pilot, lambda: "Z zombie" in (row_text(app, zombie.pid) or ""), what="Z")
        await select(pilot, app, zombie.pid)
        await palette_command(pilot, app, "is-alive")
        await pilot_wait_until(pilot, lambda: live_row(app, zombie.pid) is None, what="the zombie to be reaped")
        assert gone(zombie)
        await pilot_wait_until(pilot, lambda: logged(app, Reaped, pid=zombie.pid, call=ReapCall.IS_ALIVE, exitcode=0),
                               what="the reap in the log")


async def test_p_starts_a_pool_whose_workers_are_labelled_rows(app):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        [pool] = await pilot_wait_until(pilot, lambda: app.lab.pools, what="the pool")
        workers = await pilot_wait_until(pilot, pool.workers, what="pool workers")
        seen = {}
        for pid, label in workers.items():
            await pilot_wait_until(pilot, lambda: row_text(app, pid), what=label)
            assert label in (row_text(app, pid) or "")
            seen[pid] = proc_info(pid)
            assert seen[pid].ppid == os.getpid()
        await select(pilot, app, next(iter(workers)))
        await pilot.press("t")
        await pilot_wait_until(pilot, lambda: refused(app, Refusal.POOL_WORKER, pid=next(iter(workers))),
                               what="t on a worker refused")
        await pilot_wait_until(pilot, lambda: len(logged(app, PoolTaskDone, pool=pool.label)) >= 6,
                               timeout=30, what="six task results")
        await pilot.press("P")
        await pilot_wait_until(pilot, lambda: pool.closed, timeout=30, what="close and join")
        for pid in workers:
            assert gone(seen[pid])


async def test_child_errors_reach_the_log(app):
    async with app.run_test(size=SIZE) as pilot:
        await palette_command(pilot, app, "raising-child")
        await palette_command(pilot, app, "exiting-child")
        raiser, exiter = await lab_processes(pilot, app, 2)
        await pilot_wait_until(pilot, lambda: said(app, raiser.pid, "RuntimeError: raises-1 raised this on purpose"),
                               what="the traceback")
        await pilot_wait_until(pilot, lambda: said(app, exiter.pid, "exits-1: goodbye from sys.exit()"),
                               what="the message")
        await pilot_wait_until(pilot, lambda: "exit 1" in (row_text(app, raiser.pid) or ""), what="exit 1")
        await pilot_wait_until(pilot, lambda: "exit 1" in (row_text(app, exiter.pid) or ""), what="exit 1")
        await on_screen(pilot, app, "raises-1", "exits-1")


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
        await on_screen(pilot, app, "smaps_rollup")


async def test_queue_get_with_no_queue_says_why(app):
    async with app.run_test(size=SIZE) as pilot:
        await palette_command(pilot, app, "queue-get")
        await pilot_wait_until(pilot, lambda: refused(app, Refusal.NO_QUEUE), what="the refusal")
