"""Every kind of lab process, with real processes: orphans, daemons, stop/continue,
is_alive(), errors in children, and the start methods."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from helpers import proc_state, wait_until
from proctui.core.lab import EventKind, Lab, LabError
from proctui.core.procs import read_proc


def texts(events, kind=None, pid=None):
    return [e.text for e in events if (kind is None or e.kind is kind) and (pid is None or e.pid == pid)]


def test_an_orphan_is_re_parented_to_proctui_and_reaped_by_it(lab, lab_events):
    parent, grandchild = lab.make_orphan()
    assert grandchild.label.endswith("(grandchild)") and grandchild.former_parent == parent.pid
    wait_until(lambda: proc_state(parent.pid) == "Z", what="the parent to exit (os._exit) and be a zombie")
    wait_until(lambda: read_proc(grandchild.pid).ppid == os.getpid(), what="re-parenting to us")
    # The lab learns of it from the parent's exit event, in its watcher thread.
    wait_until(lambda: grandchild.adopted_by == os.getpid(), what="the lab to see the adoption")
    assert any("re-parented it to PID" in t and "subreaper" in t for t in texts(lab_events, EventKind.NOTE))
    wait_until(lambda: any("PPID is now" in t for t in texts(lab_events, EventKind.OUTPUT, grandchild.pid)),
               what="the grandchild's own word")

    with pytest.raises(LabError, match="only its parent can join"):
        lab.join(grandchild)
    lab.terminate(grandchild)
    wait_until(grandchild.reaped.is_set, what="proctui to reap its adopted orphan")
    assert proc_state(grandchild.pid) is None  # really reaped, not a zombie of ours
    assert grandchild.exitcode == -signal.SIGTERM
    assert lab.join(parent) == 0


def test_the_adoption_is_reported_when_the_parent_exits_before_the_grandchild_is_recorded(
        lab, lab_events, monkeypatch):
    # The orphan's parent exits right after it names its grandchild. On a busy machine
    # the watcher thread can handle that exit before the main thread has recorded the
    # grandchild; the adoption must still be reported (CI once missed it). Delay the
    # grandchild's record, not the parent, to make that order certain.
    record_grandchild = Lab._record_grandchild

    def record_late(self, parent, label, kind, pid):
        wait_until(lambda: proc_state(parent.pid) == "Z", what="the parent to exit first")
        wait_until(lambda: parent.exit_handled, what="the watcher to handle the parent's exit first")
        return record_grandchild(self, parent, label, kind, pid)

    monkeypatch.setattr(Lab, "_record_grandchild", record_late)
    parent, grandchild = lab.make_orphan()
    wait_until(lambda: grandchild.adopted_by == os.getpid(), what="the lab to see the adoption")
    notes = [t for t in texts(lab_events, EventKind.NOTE) if "re-parented it to PID" in t]
    assert len(notes) == 1 and grandchild.label in notes[0]
    lab.kill(grandchild)
    wait_until(grandchild.reaped.is_set, what="proctui to reap its adopted orphan")
    assert lab.join(parent) == 0


ORPHAN_WITHOUT_SUBREAPER = textwrap.dedent(
    """
    import os, sys, time
    from proctui.core.lab import Lab
    from proctui.core.procs import read_proc
    lab = Lab(subreaper=False)
    parent, grandchild = lab.make_orphan()
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
    # the nearest one above that process, so the orphan must land here, not there.
    out = subprocess.run([sys.executable, "-c", ORPHAN_WITHOUT_SUBREAPER], capture_output=True, text=True,
                         check=True, timeout=60)
    lab_pid, grandchild_pid, adopter = map(int, out.stdout.split())
    assert adopter != lab_pid
    assert adopter == os.getpid()
    wait_until(lambda: proc_state(grandchild_pid) in ("Z", None), what="the killed orphan")
    try:
        os.waitpid(grandchild_pid, 0)  # adopted by us: ours to reap
    except ChildProcessError:
        pass


def test_a_daemon_may_not_have_children(lab, lab_events):
    daemon = lab.start_daemon()
    wait_until(lambda: len(texts(lab_events, EventKind.OUTPUT, daemon.pid)) >= 2, what="the daemon's two lines")
    said = texts(lab_events, EventKind.OUTPUT, daemon.pid)
    assert "daemon=True" in said[0]
    if sys.flags.optimize:
        assert "asserts are off" in said[1]
    else:
        assert "AssertionError: daemonic processes are not allowed to have children" in said[1]
    assert proc_state(daemon.pid) == "S"


def test_a_daemon_child_dies_when_its_parent_exits(lab, lab_events):
    parent, daemon = lab.daemon_dies_with_parent(linger=0.3)
    assert proc_state(daemon.pid) in ("S", "R")
    assert read_proc(daemon.pid).ppid == parent.pid
    wait_until(daemon.reaped.is_set, what="the daemon to end with its parent")
    assert proc_state(daemon.pid) is None
    assert any("exit handler terminate()s and joins every daemonic child" in t
               for t in texts(lab_events, EventKind.EXITED, daemon.pid))
    assert lab.join(parent) == 0  # the parent returned normally


def test_stop_and_continue_follow_the_kernel(lab):
    child = lab.fork_child()
    wait_until(lambda: proc_state(child.pid) == "S", what="S")
    lab.stop_or_continue(child)
    wait_until(lambda: proc_state(child.pid) == "T", what="T stopped")
    lab.stop_or_continue(child)
    wait_until(lambda: proc_state(child.pid) == "S", what="S again")
    zombie = lab.leave_zombie()
    wait_until(lambda: proc_state(zombie.pid) == "Z", what="Z")
    with pytest.raises(LabError, match="zombie"):
        lab.stop_or_continue(zombie)


def test_is_alive_reaps_a_zombie(lab, lab_events):
    child = lab.fork_child()
    assert lab.is_alive(child) is True
    zombie = lab.leave_zombie(exit_code=2)
    wait_until(lambda: proc_state(zombie.pid) == "Z", what="Z")
    assert lab.is_alive(zombie) is False
    assert proc_state(zombie.pid) is None  # is_alive() reaped it
    assert zombie.reaped.is_set() and zombie.exitcode == 2
    assert any(f"waitpid({zombie.pid}, WNOHANG) -> ({zombie.pid}, 0x0200) -> False" in t
               for t in texts(lab_events, EventKind.REAPED, zombie.pid))


def test_a_child_that_raises_shows_its_traceback_and_exits_1(lab, lab_events):
    child = lab.start_raising_child()
    assert lab.join(child) == 1
    wait_until(lambda: any("RuntimeError" in t for t in texts(lab_events, EventKind.OUTPUT, child.pid)),
               what="the traceback")
    said = texts(lab_events, EventKind.OUTPUT, child.pid)
    assert any("Traceback (most recent call last):" in t for t in said)
    assert said[-1].endswith(f"RuntimeError: {child.label} raised this on purpose")


def test_sys_exit_with_a_message_shows_it_and_exits_1(lab, lab_events):
    child = lab.start_exiting_with_message()
    assert lab.join(child) == 1
    wait_until(lambda: any("goodbye from sys.exit()" in t for t in texts(lab_events, EventKind.OUTPUT, child.pid)),
               what="the message")


def test_start_methods_cycle_and_each_child_keeps_its_own():
    lab = Lab()
    try:
        assert [lab.cycle_start_method() for _ in range(3)] == ["spawn", "forkserver", "fork"]
        lab.cycle_start_method()
        spawned = lab.fork_child()
        lab.cycle_start_method()
        served = lab.fork_child()
        assert (spawned.start_method, served.start_method) == ("spawn", "forkserver")
        # Under forkserver the child's parent is the fork server, itself a child of ours.
        server = read_proc(served.pid).ppid
        assert server != os.getpid() and read_proc(server).ppid == os.getpid()
        assert read_proc(spawned.pid).ppid == os.getpid()
    finally:
        lab.shutdown()


def test_shutdown_ends_every_kind():
    lab = Lab()
    made = [lab.fork_child(), lab.leave_zombie(), *lab.make_orphan(), lab.start_daemon(),
            *lab.daemon_dies_with_parent(linger=30)]
    stopped = made[0]
    lab.stop_or_continue(stopped)
    wait_until(lambda: proc_state(stopped.pid) == "T", what="T")
    lab.shutdown()
    for record in made:
        assert proc_state(record.pid) is None, record


def test_shutdown_survives_a_pool_whose_idle_worker_was_killed():
    # A worker killed while it waits for a task dies holding the task queue's lock:
    # Pool.terminate() would then block for ever. Shutdown must still end everything.
    lab = Lab()
    events = []
    lab.subscribe(events.append)
    pool = lab.start_pool(processes=2, maxtasksperchild=None, tasks=2)
    workers = wait_until(lambda: len(pool.workers()) == 2 and pool.workers(), what="two workers")
    wait_until(lambda: all(proc_state(pid) == "S" for pid in workers), what="idle workers")
    import time

    time.sleep(1.5)  # the two tasks (0.5 s each) are done: both workers wait for work
    for pid in workers:  # one of them holds the lock
        os.kill(pid, signal.SIGKILL)
    lab.shutdown(grace=0.5)
    assert any("terminate() hangs" in e.text for e in events)
    for pid in workers:
        assert proc_state(pid) is None, pid
