"""Reading /proc: parsing, and agreement with what the kernel says about real processes."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import threading

from helpers.processes import end_and_reap, family_of, gone, proc_state
from helpers.waiting import wait_until
from proctui.core.procfs.snapshot import Snapshot, snapshot_subtree, snapshot_system
from proctui.core.procfs.stat import parse_stat, read_proc, state_word


def test_comm_with_spaces_and_parentheses_is_parsed():
    raw = b"42 (a) b (c)) S 1 42 42 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 12345 0 0"
    info = parse_stat(42, raw, uid=0)
    assert (info.name, info.state, info.ppid, info.start_ticks) == ("a) b (c)", "S", 1, 12345)


def test_read_proc_of_self_agrees_with_os():
    info = read_proc(os.getpid())
    assert info is not None
    assert info.ppid == os.getppid()
    assert info.state == "R"  # reading its own stat, it is running
    assert info.uid == os.getuid()
    assert not info.kernel_thread


def test_states_follow_the_kernel_through_stop_continue_and_exit():
    child = subprocess.Popen(["sleep", "30"])
    try:
        wait_until(lambda: proc_state(child.pid) == "S", what="S")
        os.kill(child.pid, signal.SIGSTOP)
        wait_until(lambda: proc_state(child.pid) == "T", what="T")
        stopped = read_proc(child.pid)
        assert stopped is not None and stopped.state_word == "stopped"
        os.kill(child.pid, signal.SIGKILL)
        wait_until(lambda: proc_state(child.pid) == "Z", what="Z")  # not reaped yet
        zombie = read_proc(child.pid)
        assert zombie is not None and zombie.is_zombie
    finally:
        child.kill()
        child.wait()
    assert gone(zombie)  # by its start time too: the PID may be someone else's by now


def test_snapshots_link_children_to_parents():
    child = subprocess.Popen(["sh", "-c", "sleep 30 & wait"])
    try:
        # Until it has exec'd sleep: between fork and exec the grandchild is still called sh.
        grandchild = wait_until(
            lambda: [p for p, i in snapshot_system().procs.items() if i.ppid == child.pid and i.name == "sleep"],
            what="grandchild",
        )[0]
        subtree = snapshot_subtree(os.getpid())
        below_us = list(subtree.descendants(os.getpid()))
        assert below_us.index(child.pid) < below_us.index(grandchild)  # depth first
        assert subtree.children_of()[child.pid] == [grandchild]
        assert subtree.procs[grandchild].name == "sleep"
    finally:
        # The shell and its sleep, found now (the test may have failed before it knew the
        # sleep's PID); the sleep is re-parented to the test run (a subreaper) and reaped.
        end_and_reap(family_of(child.pid))
        child.wait()


def test_every_state_letter_has_a_word():
    for letter in "RSDZTtXIPWK":
        assert state_word(letter) != "unknown"


def test_a_ppid_that_names_a_younger_process_is_not_a_parent_link():
    # Read in this order, a snapshot can hold a child whose parent exited, and a new
    # process that was given the parent's PID: the kernel never makes a parent younger
    # than its child, so that link is stale and the child has no parent in the snapshot.
    me = read_proc(os.getpid())
    assert me is not None
    child = subprocess.Popen(["sleep", "30"])
    try:
        info = wait_until(lambda: read_proc(child.pid))
        snapshot = Snapshot({me.pid: me, child.pid: info})
        assert snapshot.parent_link(child.pid) == me.pid
        assert child.pid in snapshot.children_of()[me.pid]
        stranger = dataclasses.replace(me, start_ticks=info.start_ticks + 1)  # our PID, born later
        stale = Snapshot({me.pid: stranger, child.pid: info})
        assert stale.parent_link(child.pid) is None
        assert me.pid not in stale.children_of()
    finally:
        child.kill()
        child.wait()


def test_the_subtree_walk_finds_children_of_every_thread_and_matches_a_full_scan():
    # A child forked by another thread is listed in that thread's children file only.
    from proctui.core.procfs.snapshot import children_files_exist

    started: list[subprocess.Popen] = []
    forker = threading.Thread(target=lambda: started.append(subprocess.Popen(["sleep", "30"])))
    forker.start()
    forker.join()
    here = subprocess.Popen(["sh", "-c", "sleep 30 & wait"])
    try:
        grandchild = wait_until(lambda: next((pid for pid, i in snapshot_system().procs.items()
                                              if i.ppid == here.pid), None), what="grandchild")
        walked = snapshot_subtree(os.getpid())
        full = snapshot_system()
        scanned = {os.getpid(), *full.descendants(os.getpid())}
        assert {started[0].pid, here.pid, grandchild} <= set(walked.procs)
        if children_files_exist():
            assert set(walked.procs) == scanned
        extra = snapshot_subtree(started[0].pid, extra=[here.pid])
        assert set(extra.procs) == {started[0].pid, here.pid}  # extra: the PID itself, not its subtree
    finally:
        end_and_reap([*family_of(here.pid), *(p for process in started for p in family_of(process.pid))])
        for process in [here, *started]:
            process.wait()
