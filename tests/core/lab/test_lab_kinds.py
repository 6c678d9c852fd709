"""Every kind of lab process, with real processes: orphans, daemons, stop/continue,
is_alive(), errors in children, and the start methods. Events are checked by their
fields; a child's own output is checked as the line it printed."""

from __future__ import annotations

import os
import signal
import sys
import textwrap

import pytest

from helpers.events import assert_refused, events_of, lines_printed
from helpers.processes import gone, proc_info, proc_state, run_reaping_what_it_leaves
from helpers.waiting import wait_until
from proctui.core.events import (
    Adopted,
    Adopter,
    Exited,
    JoinReturned,
    LabEvent,
    PoolHangs,
    PoolTaskDone,
    ReapCall,
    Reaped,
    Refusal,
    Signalled,
    StillAlive,
    WhoReaps,
)
from proctui.core.lab import experiments
from proctui.core.lab.family import Family
from proctui.core.lab.lab import Lab, LabError


def test_an_orphan_is_re_parented_to_proctui_and_reaped_by_it(lab, lab_events):
    parent, grandchild = experiments.make_orphan(lab)
    assert grandchild.label.endswith("-grandchild") and grandchild.former_parent == parent.pid
    wait_until(lambda: proc_state(parent.pid) == "Z", what="the parent to exit (os._exit) and be a zombie")
    wait_until(lambda: proc_info(grandchild.pid).ppid == os.getpid(), what="re-parenting to us")
    # The lab learns of it from the parent's exit event, in its watcher thread.
    wait_until(lambda: grandchild.adopted_by == os.getpid(), what="the lab to see the adoption")
    [adopted] = wait_until(lambda: events_of(lab_events, Adopted, grandchild.pid), what="the adoption's event")
    assert (adopted.label, adopted.former_parent, adopted.adopter_pid, adopted.adopter) == (
        grandchild.label, parent.pid, os.getpid(), Adopter.PROCTUI)
    wait_until(lambda: any("PPID is now" in line for line in lines_printed(lab_events, grandchild.pid)),
               what="the grandchild's own word")

    with pytest.raises(LabError) as refused:
        lab.join(grandchild)
    assert_refused(refused, Refusal.NOT_PROCTUIS_CHILD, pid=grandchild.pid, other_pid=parent.pid)
    lab.terminate(grandchild)
    [sent] = events_of(lab_events, Signalled, grandchild.pid)
    assert sent.method is None  # no Process object in proctui: not a terminate() of ours
    wait_until(grandchild.reaped.is_set, what="proctui to reap its adopted orphan")
    assert gone(grandchild)  # really reaped, not a zombie of ours
    assert grandchild.exitcode == -signal.SIGTERM
    [reaped] = wait_until(lambda: events_of(lab_events, Reaped, grandchild.pid), what="the reap's event")
    # Reaped by proctui, as its adopter: when the watcher sees it exit, or as an adopted zombie.
    assert reaped.call in (ReapCall.ADOPTED_CHILD, ReapCall.ADOPTED_ZOMBIE)
    assert (reaped.label, reaped.status, reaped.exitcode) == (grandchild.label, 0x000F, -signal.SIGTERM)
    assert lab.join(parent) == 0


def test_the_adoption_is_reported_when_the_parent_exits_before_the_grandchild_is_recorded(
        lab, lab_events, monkeypatch):
    # The orphan's parent exits right after it names its grandchild. On a busy machine
    # the watcher thread can handle that exit before the main thread has recorded the
    # grandchild; the adoption must still be reported (CI once missed it). Delay the
    # grandchild's record, not the parent, to make that order certain.
    record_grandchild = Family.record_grandchild
    late = []

    def record_late(self, parent, who, pid):
        wait_until(lambda: proc_state(parent.pid) == "Z", what="the parent to exit first")
        wait_until(lambda: parent.exit_handled, what="the watcher to handle the parent's exit first")
        late.append(pid)
        return record_grandchild(self, parent, who, pid)

    monkeypatch.setattr(Family, "record_grandchild", record_late)
    parent, grandchild = experiments.make_orphan(lab)
    assert late == [grandchild.pid]  # the delay really happened
    wait_until(lambda: grandchild.adopted_by == os.getpid(), what="the lab to see the adoption")
    adoptions = wait_until(lambda: events_of(lab_events, Adopted), what="the adoption's event")
    assert [(e.pid, e.label, e.adopter) for e in adoptions] == [(grandchild.pid, grandchild.label, Adopter.PROCTUI)]
    lab.kill(grandchild)
    wait_until(grandchild.reaped.is_set, what="proctui to reap its adopted orphan")
    assert lab.join(parent) == 0


ORPHAN_WITHOUT_SUBREAPER = textwrap.dedent(
    """
    import os, sys, time
    from proctui.core.lab import experiments
    from proctui.core.lab.lab import Lab
    from proctui.core.procfs.stat import read_proc
    lab = Lab(subreaper=False)
    parent, grandchild = experiments.make_orphan(lab)
    deadline = time.monotonic() + 10
    while read_proc(grandchild.pid).ppid == parent.pid and time.monotonic() < deadline:
        time.sleep(0.01)
    print(os.getpid(), grandchild.pid, read_proc(grandchild.pid).ppid, flush=True)
    os.kill(grandchild.pid, 9)
    lab.shutdown()
    """
)


def test_without_the_subreaper_the_orphan_goes_to_the_nearest_subreaper():
    # In a separate process: the test run itself is a subreaper (conftest), and it is
    # the nearest one above that process, so the orphan must land here, not there. The
    # killed orphan is ours to reap (and a live one, should the run fail, ours to end).
    out = run_reaping_what_it_leaves([sys.executable, "-c", ORPHAN_WITHOUT_SUBREAPER])
    assert out.returncode == 0, out.stderr
    lab_pid, _grandchild, adopter = map(int, out.stdout.split())
    assert adopter != lab_pid
    assert adopter == os.getpid()


def test_a_daemon_may_not_have_children(lab, lab_events):
    daemon = experiments.start_daemon(lab)
    wait_until(lambda: len(lines_printed(lab_events, daemon.pid)) >= 2, what="the daemon's two lines")
    lines = lines_printed(lab_events, daemon.pid)
    assert "daemon=True" in lines[0]
    if sys.flags.optimize:
        assert "asserts are off" in lines[1]
    else:
        assert "AssertionError: daemonic processes are not allowed to have children" in lines[1]
    wait_until(lambda: proc_state(daemon.pid) == "S", what="the daemon asleep after its lines")


def test_a_daemon_child_dies_when_its_parent_exits(lab, lab_events):
    # Its parent returns after linger seconds: long enough for a busy machine to look first.
    parent, daemon = experiments.daemon_dies_with_parent(lab, linger=2.0)
    assert proc_state(daemon.pid) in ("S", "R")
    assert proc_info(daemon.pid).ppid == parent.pid
    wait_until(daemon.reaped.is_set, what="the daemon to end with its parent")
    # Not ours to reap: its parent's exit handler terminate()s and joins it. The watcher
    # sees the exit the moment it happens, which may be before that join() reaps it.
    wait_until(lambda: gone(daemon), what="its parent's join() to reap it")
    [exited] = wait_until(lambda: events_of(lab_events, Exited, daemon.pid), what="the daemon's exit event")
    assert (exited.who_reaps, exited.reaper_pid, exited.status) == (WhoReaps.EXIT_HANDLER, parent.pid, None)
    assert events_of(lab_events, Reaped, daemon.pid) == []
    assert lab.join(parent) == 0  # the parent returned normally


def test_stop_and_continue_follow_the_kernel(lab):
    child = experiments.fork_child(lab)
    wait_until(lambda: proc_state(child.pid) == "S", what="S")
    lab.stop_or_continue(child)
    wait_until(lambda: proc_state(child.pid) == "T", what="T stopped")
    lab.stop_or_continue(child)
    wait_until(lambda: proc_state(child.pid) == "S", what="S again")
    zombie = experiments.leave_zombie(lab)
    wait_until(lambda: proc_state(zombie.pid) == "Z", what="Z")
    with pytest.raises(LabError) as refused:
        lab.stop_or_continue(zombie)
    assert_refused(refused, Refusal.ZOMBIE_CANNOT_STOP, pid=zombie.pid, label=zombie.label)


def test_is_alive_reaps_a_zombie(lab, lab_events):
    child = experiments.fork_child(lab)
    assert lab.is_alive(child) is True
    [alive] = events_of(lab_events, StillAlive, child.pid)
    assert not alive.on_sentinel  # fork: poll() is waitpid(WNOHANG)
    zombie = experiments.leave_zombie(lab, exit_code=2)
    wait_until(lambda: proc_state(zombie.pid) == "Z", what="Z")
    assert lab.is_alive(zombie) is False
    assert gone(zombie)  # is_alive() reaped it
    assert zombie.reaped.is_set() and zombie.exitcode == 2
    [reaped] = events_of(lab_events, Reaped, zombie.pid)
    assert (reaped.call, reaped.status, reaped.exitcode) == (ReapCall.IS_ALIVE, 0x0200, 2)


def test_a_child_that_raises_shows_its_traceback_and_exits_1(lab, lab_events):
    child = experiments.start_raising_child(lab)
    assert lab.join(child) == 1
    wait_until(lambda: any("RuntimeError" in line for line in lines_printed(lab_events, child.pid)),
               what="the traceback")
    lines = lines_printed(lab_events, child.pid)
    assert any("Traceback (most recent call last):" in line for line in lines)
    assert lines[-1].endswith(f"RuntimeError: {child.label} raised this on purpose")


def test_sys_exit_with_a_message_shows_it_and_exits_1(lab, lab_events):
    child = experiments.start_exiting_with_message(lab)
    assert lab.join(child) == 1
    wait_until(lambda: any("goodbye from sys.exit()" in line for line in lines_printed(lab_events, child.pid)),
               what="the message")


def test_start_methods_cycle_and_each_child_keeps_its_own():
    lab = Lab()
    try:
        assert [lab.cycle_start_method() for _ in range(3)] == ["spawn", "forkserver", "fork"]
        lab.cycle_start_method()
        spawned = experiments.fork_child(lab)
        lab.cycle_start_method()
        served = experiments.fork_child(lab)
        assert (spawned.start_method, served.start_method) == ("spawn", "forkserver")
        # Under forkserver the child's parent is the fork server, itself a child of ours.
        server = proc_info(served.pid).ppid
        assert server != os.getpid() and proc_info(server).ppid == os.getpid()
        assert proc_info(spawned.pid).ppid == os.getpid()
    finally:
        lab.shutdown()


def test_shutdown_ends_every_kind():
    lab = Lab()
    try:
        made = [experiments.fork_child(lab), experiments.leave_zombie(lab), *experiments.make_orphan(lab),
                experiments.start_daemon(lab), *experiments.daemon_dies_with_parent(lab, linger=30)]
        stopped = made[0]
        lab.stop_or_continue(stopped)
        wait_until(lambda: proc_state(stopped.pid) == "T", what="T")
    except BaseException:
        lab.shutdown()  # the test failed before its shutdown
        raise
    lab.shutdown()
    for record in made:
        assert gone(record), record


def test_shutdown_survives_a_pool_whose_idle_worker_was_killed():
    # A worker killed while it waits for a task dies holding the task queue's lock:
    # Pool.terminate() would then block for ever. Shutdown must still end everything.
    lab = Lab()
    events: list[LabEvent] = []
    lab.subscribe(events.append)
    try:
        pool = experiments.start_pool(lab, processes=2, maxtasksperchild=None, tasks=2)
        workers = wait_until(lambda: pool.workers() if len(pool.workers()) == 2 else None, what="two workers")
        seen = [proc_info(pid) for pid in workers]
        # Both tasks done, and both workers asleep again: waiting for work (they sleep in a
        # task too, so the results must come first).
        wait_until(lambda: len([e for e in events if isinstance(e, PoolTaskDone)]) == 2, what="both results")
        wait_until(lambda: all(proc_state(pid) == "S" for pid in workers), what="idle workers")
        for pid in workers:  # one of them holds the lock
            os.kill(pid, signal.SIGKILL)
    except BaseException:
        lab.shutdown()  # the test failed before its shutdown
        raise
    lab.shutdown(grace=0.5)
    assert [e.label for e in events if isinstance(e, PoolHangs)] == [pool.label]
    for info in seen:
        assert gone(info), info


def test_a_timed_join_of_an_exited_parent_waits_while_its_grandchild_holds_the_sentinel(lab, lab_events):
    # The orphan's parent has exited (Z), yet join(1.0) times out: the grandchild it forked
    # inherited the write end of the parent's sentinel pipe, so the pipe never reads as closed.
    parent, grandchild = experiments.make_orphan(lab)
    wait_until(lambda: proc_state(parent.pid) == "Z", what="the parent to exit")
    final = lab.step_join(parent, timeout=1.0).run_to_end()
    assert final.result == "None"
    [returned] = events_of(lab_events, JoinReturned, parent.pid)
    assert returned.child_state == "Z"
    assert returned.sentinel_writers == (grandchild.pid,)  # from /proc/PID/fd and fdinfo
    assert not parent.reaped.is_set()
    lab.kill(grandchild)
    wait_until(grandchild.reaped.is_set, what="proctui to reap the grandchild")
    assert lab.join(parent) == 0
