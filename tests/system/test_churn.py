"""Churn, limits and failures: processes that come and go while proctui reads /proc, a
child limit, and forks the kernel refuses (a pids cgroup for the app, RLIMIT_NPROC for
the Lab as an unprivileged user).

The churner below starts and ends processes as fast as it can and, where it may, hands
a PID that has just been freed to a brand-new, unrelated process at once (through
/proc/sys/kernel/ns_last_pid), so that a snapshot read while it runs sees processes
vanish, turn zombie, and PIDs change owner between two reads. It writes down who the
true parent of each of its processes is, by (PID, start time), so the test can tell a
wrong parent from a right one.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import proctui
from helpers.app_screen import send
from helpers.churn import CHURNER
from helpers.subreaper_session import assert_nothing_left
from helpers.terminal import installed_proctui
from proctui.core.lab.lab import Lab
from proctui.core.procfs.stat import read_proc
from proctui.core.procfs.tree import SYSTEM_ROOT
from proctui.ui.app import ProcTUI

SIZE = (80, 24)



def tree_rows(app) -> list[tuple[tuple[int, int], tuple[int, int] | None, int | None]]:
    """Each row shown: ((pid, start), (parent pid, parent start) or None for the root, and
    the PPID the snapshot the tree was built from gives), with that snapshot's start times."""
    procs = app.main_screen.snapshot.procs
    rows = []
    for pid, node in list(app.main_screen.process_tree._node_by_pid.items()):
        info = procs.get(pid)
        if info is None:
            continue  # a lab row kept from an event (forkserver child), not from /proc
        parent = node.parent.data if node.parent is not None else None
        shown_under = None if parent in (None, SYSTEM_ROOT) else (parent, procs[parent].start_ticks)
        rows.append(((pid, info.start_ticks), shown_under, info.ppid))
    return rows


#: How long the churn lasts at least, and how many snapshots the app must have shown in it:
#: a busy machine churns and reads more slowly, so there the churn goes on until both.
CHURN_SECONDS, CHURN_SNAPSHOTS = 4.0, 40


@pytest.fixture(scope="module")
def churn(tmp_path_factory):
    """proctui in system scope, refreshing every 50 ms for four seconds of churn (or until
    it has shown 40 snapshots of it), the cursor moving all the while (the selection line
    reads psutil for the selected row). Returns what the tree showed after each snapshot,
    the churner's truth and its PID."""
    churn_dir = tmp_path_factory.mktemp("churn")
    truth_path, stop_path = churn_dir / "truth", churn_dir / "stop"
    churner = subprocess.Popen([sys.executable, "-c", CHURNER, "120", "30000", "20000", str(truth_path),
                                str(stop_path)], stdout=subprocess.PIPE, text=True)
    assert churner.stdout is not None  # stdout=PIPE
    seen: list = []
    # The snapshot shown last, held (an id() is reused once its object is freed), and a count.
    last: list = [None]
    shown = [0]

    async def watch() -> None:
        lab = Lab()
        app = ProcTUI(lab, refresh_seconds=0.05, scope="system")
        show = app.main_screen.show_snapshot

        def show_and_look() -> None:  # every snapshot the tree shows, the moment it shows it
            show()
            if app.main_screen.snapshot is not None and app.main_screen.snapshot is not last[0]:
                last[0] = app.main_screen.snapshot
                shown[0] += 1
                seen.extend(tree_rows(app))

        app.main_screen.show_snapshot = show_and_look  # type: ignore[method-assign]  # wraps it to see every snapshot
        try:
            async with app.run_test(size=SIZE) as pilot:
                since = time.monotonic()
                while churner.poll() is None:
                    await pilot.pause(0.01)
                    send(app, "down" if shown[0] % 7 else "home")
                    if time.monotonic() - since > CHURN_SECONDS and shown[0] >= CHURN_SNAPSHOTS:
                        stop_path.touch()
                await pilot.pause(0)
                await pilot.pause(0)
                assert app.is_running
        finally:
            lab.shutdown()

    try:
        asyncio.run(watch())
    finally:
        stop_path.touch()
        churner.wait(150)
    made = int(churner.stdout.read())
    churner.stdout.close()
    assert made > 300, made  # it did churn
    assert shown[0] >= CHURN_SNAPSHOTS, shown[0]
    truth = {}
    for line in truth_path.read_text().splitlines():
        pid, start, ppid, pstart = map(int, line.split())
        truth[(pid, start)] = (ppid, pstart)
    return seen, truth, churner.pid


def test_churn_in_system_scope_never_crashes_and_the_tree_shows_the_snapshot(churn):
    seen, _, _ = churn  # the app ran through it all without an exception
    for child, shown_under, ppid in seen:
        if shown_under is not None:
            assert shown_under[0] == ppid, (child, shown_under, ppid)


def test_churn_in_system_scope_never_shows_a_wrong_parent(churn):
    seen, truth, churner_pid = churn
    # A parent is always older than its child: a row under a younger "parent" is under
    # a stranger that took the real parent's PID.
    younger = [(child, parent) for child, parent, _ in seen if parent and parent[1] > child[1]]
    assert not younger, f"rows shown under a process younger than themselves: {younger[:5]}"
    churner_itself = {parent for parent in truth.values() if parent[0] == churner_pid}
    checked = 0
    for child, parent, _ in seen:
        if child in truth and parent is not None:
            checked += 1
            real = truth[child]
            # Its parent, or the churner once its parent has gone (it is a subreaper). Never
            # an earlier or later owner of its parent's PID: the table reads a new process's
            # parent again after the child (procfs.system_table.SystemTable.read).
            assert parent == real or parent in churner_itself, (child, parent, real)
    print(f"{checked} rows of the churner's processes checked")
    assert checked > 50, checked


# -- limits and failures ----------------------------------------------------------------------


def test_the_child_limit_refuses_a_fork_and_says_so(session_factory):
    session = session_factory([installed_proctui(), "--max-children", "3"], columns=100, lines=30)
    session.wait_for("Quit")
    session.press("fff")
    session.wait_for("child-3")
    session.press("fz")
    session.wait_for("3 lab processes already (the limit is 3): not starting 1 more")
    app_children = [pid for pid in session.below() if (info := read_proc(pid)) and info.ppid == session.app_pid]
    assert len(app_children) == 3
    since = time.monotonic()
    session.press("q")
    assert_nothing_left(session, since, helpers=set())


#: A Lab under RLIMIT_NPROC, as a user with no other process (root ignores the limit).
NPROC_LAB = """
from proctui.core.lab import experiments
from proctui.core.lab.lab import Lab, LabError
lab = Lab()  # two threads of its own (the watcher reads, the sayer makes lines): with the main thread, three of five
made, refused = [], []
for _ in range(4):
    try:
        made.append(experiments.fork_child(lab))
    except LabError as exc:
        refused.append(str(exc))
print(len(made))
print(refused[0])
lab.kill(made[0])
lab.join(made[0])
print(experiments.fork_child(lab).label)  # room again: it forks as before
lab.shutdown()
"""
UNUSED_UID = 54321


def readable_by_anyone(path: Path) -> bool:
    """path is world-readable, and every directory above it world-readable and -searchable."""
    return bool(os.stat(path).st_mode & 0o004) and all(os.stat(p).st_mode & 0o005 == 0o005 for p in path.parents)


def test_rlimit_nproc_refuses_a_fork_with_a_clear_message():
    python = shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin")
    src = Path(proctui.__file__).parents[1]
    if os.geteuid() != 0 or not shutil.which("setpriv") or not shutil.which("prlimit") or python is None:
        pytest.skip("needs root, setpriv and prlimit to run a Lab as another user under RLIMIT_NPROC")
    version = subprocess.run([python, "-c", "import sys; print(sys.version_info >= (3, 10))"],
                             capture_output=True, text=True).stdout.strip()
    if version != "True" or not readable_by_anyone(src / "proctui" / "core" / "lab" / "lab.py"):
        pytest.skip(f"{python} is older than 3.10, or {src} is not readable by another user")
    done = subprocess.run(
        ["setpriv", f"--reuid={UNUSED_UID}", f"--regid={UNUSED_UID}", "--clear-groups",
         "prlimit", "--nproc=5", "env", f"PYTHONPATH={src}", python, "-c", NPROC_LAB],
        capture_output=True, text=True, timeout=60, cwd="/",
    )
    assert done.returncode == 0, done.stderr
    made, refused, again = done.stdout.splitlines()
    assert made == "2"
    assert refused == "fork() failed: Resource temporarily unavailable: the system refused a new process"
    assert again == "child-5"  # (child-3 and child-4 were the ones refused)


PIDS_CGROUP = Path("/sys/fs/cgroup/pids")


@pytest.fixture
def pids_cgroup(tmp_path):
    """A cgroup of our own with the pids controller (cgroup v1 or v2), or skip."""
    for root in (PIDS_CGROUP, Path("/sys/fs/cgroup")):
        if (root / "cgroup.procs").exists() and (root != Path("/sys/fs/cgroup") or
                                                 "pids" in (root / "cgroup.controllers").read_text()):
            group = root / f"proctui-test-{os.getpid()}"
            try:
                group.mkdir()
            except OSError:
                continue
            if not (group / "pids.max").exists():
                group.rmdir()
                continue
            try:
                yield group
            finally:
                deadline = time.monotonic() + 10
                while True:
                    try:
                        group.rmdir()
                        break
                    except OSError:  # a process is still in it
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.05)
            return
    pytest.skip("no pids cgroup we may create here: cannot make the kernel refuse a fork")


def test_a_fork_the_system_refuses_gives_a_clear_message_and_the_app_keeps_working(
    pids_cgroup, session_factory
):
    # The kernel's own refusal: the pids controller makes fork() fail with EAGAIN, as
    # RLIMIT_NPROC would (root is exempt from that one).
    session = session_factory(columns=100, lines=30)
    (pids_cgroup / "cgroup.procs").write_text(str(session.app_pid))
    session.wait_for("Quit")
    session.press("f")
    session.wait_for("child-1")
    tasks = int((pids_cgroup / "pids.current").read_text())
    (pids_cgroup / "pids.max").write_text(str(tasks))  # not one more process (or thread)
    session.press("f")
    session.wait_for("fork() failed: Resource temporarily unavailable: the system refused a new process")
    assert "child-2" not in session.text()
    session.press("p")
    session.wait_for("Pool() failed")
    (pids_cgroup / "pids.max").write_text("max")
    session.press("f")  # the app kept working: now it forks again
    session.wait_for("child-3 fork")  # (child-2 was the one refused)
    since = time.monotonic()
    session.press("q")
    assert_nothing_left(session, since, helpers=set())
    assert session.final_status() == 0, session.text()
