"""The whole system's table, read as it changes and as it is seen (issue 14, item 1).

A read lists /proc once and opens the stat of what is new, what is watched (the rows on
screen, the lab) and what the kernel re-parented; every other line is kept. These tests
check, with real processes, that what is kept is still true where it matters: a watched
process's state letter is the kernel's; a child whose parent went away (reaped, turned
zombie, or its PID taken by another process) is read again; a PID reused by another
process is a new process; and, in the app under a churner that forks, exits, re-parents
and reuses PIDs, a row on screen says what /proc says within one refresh.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from functools import partial

import psutil
import pytest

from helpers.app_screen import row_text, select
from helpers.churn import CHURNER
from helpers.processes import proc_state
from helpers.waiting import pilot_wait_until, wait_until
from proctui.core.lab.lab import Lab
from proctui.core.procfs.snapshot import snapshot_system
from proctui.core.procfs.stat import read_proc
from proctui.core.procfs.system_table import SystemTable
from proctui.ui.app import ProcTUI


def _runs_sleep(pid: int) -> bool:
    info = read_proc(pid)
    return info is not None and info.name == "sleep"


def _stopped(pid: int) -> bool:
    return proc_state(pid) == "T"


@contextmanager
def sleepers(count: int):
    """count `sleep` children of the test, killed and reaped at the end whatever happens."""
    started: list[subprocess.Popen] = []
    try:
        for _ in range(count):
            started.append(subprocess.Popen(["sleep", "600"], stdin=subprocess.DEVNULL))
        for p in started:  # each has exec'd sleep: its name will not change under us
            wait_until(partial(_runs_sleep, p.pid), what="exec")
        yield started
    finally:
        for p in started:
            p.kill()
        for p in started:
            p.wait()


def test_a_read_opens_only_what_is_new_watched_or_re_parented():
    table = SystemTable()
    with sleepers(40) as started:
        first = table.read()
        assert {p.pid for p in started} <= first.procs.keys()
        watched = started[0].pid
        second = table.read(watched=[watched])
        # Nothing of ours changed: only the watched one is read again, the others kept as
        # they were (the very same objects), however busy the rest of the machine is.
        assert watched in table.last_read
        assert not {p.pid for p in started[1:]} & table.last_read
        assert all(second.procs[p.pid] is first.procs[p.pid] for p in started[1:])
        assert len(table.last_read) < len(second.procs)


def test_a_watched_process_says_the_kernels_state_and_a_kept_one_says_the_last_it_read():
    table = SystemTable()
    with sleepers(2) as (seen, unseen):
        first = table.read()
        for p in (seen, unseen):
            os.kill(p.pid, signal.SIGSTOP)
            wait_until(partial(_stopped, p.pid), what="stopped")
        snapshot = table.read(watched=[seen.pid])
        assert snapshot.procs[seen.pid].state == "T"
        # Not on screen: not read (the point of the table), so still what the first read said.
        assert snapshot.procs[unseen.pid] is first.procs[unseen.pid] and first.procs[unseen.pid].state != "T"
        assert table.read(watched=[unseen.pid]).procs[unseen.pid].state == "T"  # on screen: read


PARENT = r"""
import os, sys, time
child = os.fork()
if child == 0:
    time.sleep(600)
    os._exit(0)
print(child, flush=True)
sys.stdin.read()  # exits when the test closes its stdin
"""


@contextmanager
def parent_with_child():
    """A parent (our child) with a sleeping child of its own; both ended at the end."""
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None and parent.stdin is not None
    child = int(parent.stdout.readline())
    try:
        yield parent, child
    finally:
        parent.kill()
        parent.wait()
        try:
            os.kill(child, signal.SIGKILL)  # re-parented to the test run (a subreaper): reap it
            os.waitpid(child, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


@pytest.mark.parametrize("parent_goes", ["reaped", "zombie on screen"])
def test_a_child_whose_parent_went_away_is_read_again_with_its_new_parent(parent_goes):
    table = SystemTable()
    with parent_with_child() as (parent, child):
        assert table.read().procs[child].ppid == parent.pid
        assert parent.stdin is not None
        parent.stdin.close()  # the parent exits; the kernel hands its child to the test run
        if parent_goes == "reaped":
            parent.wait()
            watched: list[int] = []
        else:
            wait_until(lambda: proc_state(parent.pid) == "Z", what="the parent a zombie")
            watched = [parent.pid]  # its row on screen: read, seen to turn Z
        snapshot = table.read(watched=watched)  # the child itself is not watched
        assert snapshot.procs[child].ppid == os.getpid()
        assert child in table.last_read


def _take_pid(pid: int, attempts: int = 50) -> subprocess.Popen | None:
    """A new `sleep` with this PID (through ns_last_pid), or None if we may not write
    ns_last_pid or another fork on the machine took it first."""
    for _ in range(attempts):
        if read_proc(pid) is not None:
            return None  # somebody else's now
        try:
            with open("/proc/sys/kernel/ns_last_pid", "w") as f:
                f.write(str(pid - 1))
        except OSError:
            return None
        new = subprocess.Popen(["sleep", "600"], stdin=subprocess.DEVNULL)
        if new.pid == pid:
            return new
        new.kill()
        new.wait()
    return None


def test_a_pid_taken_by_another_process_is_a_new_process_and_its_old_children_are_read_again():
    table = SystemTable()
    with parent_with_child() as (parent, child):
        before = table.read().procs[parent.pid]
        assert parent.stdin is not None
        parent.stdin.close()
        parent.wait()  # reaped: its PID is free, and its child the test run's
        stranger = _take_pid(parent.pid)
        try:
            # Ours, or (on a busy machine) some other process that took the PID first.
            taken = read_proc(parent.pid)
            if taken is None:
                pytest.skip("could not hand the freed PID to a new process (ns_last_pid not writable)")
            snapshot = table.read()  # nothing watched: the listing alone tells the PID changed hands
            now = snapshot.procs.get(parent.pid)
            if now is not None:  # (somebody else's may have gone again already)
                assert now.start_ticks != before.start_ticks
            assert snapshot.procs[child].ppid == os.getpid()
            assert snapshot.parent_link(child) == os.getpid()
            if stranger is not None:
                assert now is not None and now.ppid == os.getpid() and now.name == "sleep"
        finally:
            if stranger is not None:
                stranger.kill()
                stranger.wait()


def test_a_child_born_under_a_pid_the_table_remembers_for_another_process_shows_its_true_parent():
    """The race of issue 21's churn failure, made to happen: the table kept a line for the
    parent's PID that belongs to the PID's earlier owner (procfs may list a reused PID with
    its earlier owner's dentry, and so its inode, until the kernel flushes it: no listing
    can tell), and the child's PID was another process's in the read before (so the child
    is not a new PID either). What the previous read remembered is set by hand, as that
    interleaving would leave it; the processes and /proc are real. The child must be shown
    under its true parent, never under the earlier owner's identity."""
    from dataclasses import replace

    table = SystemTable()
    with parent_with_child() as (parent, child):
        table.read()
        real_parent = table._procs[parent.pid]
        real_child = table._procs[child]
        # The earlier owners: the same PIDs, older start times (born before, gone since).
        table._procs[parent.pid] = replace(real_parent, start_ticks=real_parent.start_ticks - 100)
        table._procs[child] = replace(real_child, start_ticks=real_child.start_ticks - 50, ppid=1)
        table._inodes[child] = -1  # the earlier owner's /proc/PID: another inode than the child's
        snapshot = table.read()  # the parent's PID is listed with the same inode: kept, were it not checked
        assert snapshot.procs[child].start_ticks == real_child.start_ticks
        assert snapshot.procs[parent.pid].start_ticks == real_parent.start_ticks
        assert snapshot.parent_link(child) == parent.pid


def test_gone_processes_leave_the_table_watched_or_not():
    table = SystemTable()
    with sleepers(3) as started:
        table.read()
        for p in started:
            p.kill()
            p.wait()
        snapshot = table.read(watched=[started[0].pid])
        assert not {p.pid for p in started} & snapshot.procs.keys()


def test_the_table_agrees_with_a_full_read_on_every_process_it_reads_again():
    """Against snapshot_system (every stat read), on processes of ours that do not change
    between the two reads: the same lines, and the same parent for every child of ours."""
    table = SystemTable()
    with sleepers(5) as started, parent_with_child() as (parent, child):
        table.read()
        os.kill(started[1].pid, signal.SIGSTOP)
        wait_until(lambda: proc_state(started[1].pid) == "T", what="stopped")
        ours = [p.pid for p in started] + [parent.pid, child]
        mine = table.read(watched=ours)
        full = snapshot_system()
        for pid in ours:  # a state letter may flip between S and R from one read to the next: not T
            same = ("pid", "ppid", "name", "start_ticks", "kernel_thread")
            assert [getattr(mine.procs[pid], f) for f in same] == [getattr(full.procs[pid], f) for f in same]
        assert mine.procs[started[1].pid].state == full.procs[started[1].pid].state == "T"


# -- the app: a row on screen is the kernel's within one refresh, under churn -------------------


async def _snapshots_after(pilot, app, count: int) -> None:
    """Let count more snapshots reach the tree (each read after the previous one shown)."""
    shown = app.main_screen.shown_snapshots
    await pilot_wait_until(pilot, lambda: app.main_screen.shown_snapshots >= shown + count, timeout=30,
                           what=f"{count} more snapshots")


def test_rows_on_screen_follow_the_kernel_within_one_refresh_under_churn(tmp_path):
    # The churner forks, exits, re-parents and hands freed PIDs to new processes.
    stop = tmp_path / "stop"  # the churner ends (and ends its sleepers) when this file is made
    churner = subprocess.Popen([sys.executable, "-c", CHURNER, "120", "30000", "20000", str(tmp_path / "truth"),
                                str(stop)], stdout=subprocess.DEVNULL, start_new_session=True)

    async def run() -> None:
        lab = Lab()
        app = ProcTUI(lab, refresh_seconds=0.1, scope="system")
        try:
            async with app.run_test(size=(120, 40)) as pilot:
                tree = app.main_screen.process_tree
                with sleepers(1) as (sleeper,):
                    await pilot_wait_until(pilot, lambda: row_text(app, sleeper.pid), timeout=30, what="its row")
                    ours = tree.node_for(os.getpid())
                    assert ours is not None
                    ours.collapse()  # as ← on the test run's row: the sleeper's row is out of view
                    await pilot_wait_until(pilot, lambda: tree.on_screen and sleeper.pid not in tree.on_screen,
                                           what="the sleeper's row out of view")
                    os.kill(sleeper.pid, signal.SIGSTOP)
                    wait_until(lambda: proc_state(sleeper.pid) == "T", what="stopped")
                    await _snapshots_after(pilot, app, 2)
                    # On screen now: the snapshot read after the next one shown says T.
                    ours.expand()
                    await select(pilot, app, sleeper.pid)
                    await pilot_wait_until(pilot, lambda: sleeper.pid in tree.on_screen, what="on screen")
                    await _snapshots_after(pilot, app, 2)
                    assert " T stopped " in str(row_text(app, sleeper.pid))
                    # And while it is on screen: continued, S within one refresh.
                    os.kill(sleeper.pid, signal.SIGCONT)
                    wait_until(lambda: proc_state(sleeper.pid) == "S", what="continued")
                    await _snapshots_after(pilot, app, 2)
                    assert sleeper.pid in tree.on_screen
                    assert " S sleeping " in str(row_text(app, sleeper.pid))
                    assert churner.poll() is None  # all of it under churn
        finally:
            lab.shutdown()

    try:
        asyncio.run(run())
    finally:
        stop.touch()
        try:
            churner.wait(30)
        except subprocess.TimeoutExpired:
            pass
        _end_group(churner)


def _end_group(leader: subprocess.Popen) -> None:
    """SIGKILL a process and every process of its group, and reap them all: the leader's
    children come to the test run (a subreaper) when it dies."""
    if leader.poll() is None:
        os.killpg(leader.pid, signal.SIGKILL)
        leader.wait()

    def reap_the_group() -> bool:
        left = [p.pid for p in psutil.Process().children() if _group_of(p.pid) == leader.pid]
        for pid in left:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
        return not left

    wait_until(reap_the_group, what="the churner's processes reaped")


def _group_of(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None


