"""LabPool with real pools: which PIDs /proc shows, what the events say, who reaps whom.

Events are checked by their fields; a worker's own output is checked as the line it
printed. What the English log says for each event is tests/core/teaching/test_render.py's to check."""

from __future__ import annotations

import gc
import json
import os
import re
import signal
import subprocess
import sys
import textwrap

import psutil
import pytest

from helpers.events import assert_refused
from helpers.processes import end_and_reap, family_of, gone, proc_info, proc_state, run_reaping_what_it_leaves
from helpers.waiting import wait_until
from proctui.core.events import (
    LabEvent,
    Output,
    PoolClosing,
    PoolMapsDropped,
    PoolReap,
    PoolTaskDone,
    PoolWorkerReaped,
    PoolWorkerStarted,
    Refusal,
)
from proctui.core.lab.pool import LabPool, PoolError, PoolOptions
from proctui.core.procfs.stat import ProcInfo, read_proc
from proctui.core.start_method import StartMethod

TASK_LINE = re.compile(r"^\[pool-1 worker PID (\d+)\] task (\d+)$")  # printed by the task itself


class PoolRecorder:
    """Starts LabPools and keeps every event they emit, in order."""

    def __init__(self) -> None:
        self.events: list[LabEvent] = []
        self.pools: list[LabPool] = []
        self.workers_seen: dict[int, ProcInfo] = {}  # each worker as /proc showed it when it was said started

    def emit(self, event: LabEvent) -> None:
        if isinstance(event, PoolWorkerStarted) and event.pid is not None:
            info = read_proc(event.pid)
            if info is not None:
                self.workers_seen[event.pid] = info
        self.events.append(event)  # one append: safe from any thread

    def gone(self, pid: int) -> bool:
        """Has this worker left /proc? By its start time too: a PID freed may be reused at once."""
        seen = self.workers_seen.get(pid)
        return read_proc(pid) is None if seen is None else gone(seen)

    def start(self, start_method: StartMethod = "fork", **options) -> LabPool:
        pool = LabPool("pool-1", start_method, self.emit, PoolOptions(**options))
        self.pools.append(pool)
        return pool

    def of(self, cls: type[LabEvent]) -> list:
        return [e for e in list(self.events) if isinstance(e, cls)]

    def results(self) -> list[tuple[int, int, int, str, PoolTaskDone]]:
        """(x, x*x, pid, label, event) for each task result logged so far."""
        return [(e.x, e.square, e.pid, e.label, e) for e in self.of(PoolTaskDone)]

    def lines_of_task(self, x: int) -> list[Output]:
        return [e for e in self.of(Output) if (m := TASK_LINE.match(e.line)) and int(m[2]) == x]


@pytest.fixture
def pools():
    recorder = PoolRecorder()
    try:
        yield recorder
    finally:
        for pool in recorder.pools:
            if not pool.closed:
                pool.terminate()


def started_pids(recorder: PoolRecorder) -> list[int]:
    return [e.pid for e in recorder.of(PoolWorkerStarted)]


def test_workers_are_labelled_children_of_this_process(pools):
    before = {child.pid for child in psutil.Process().children()}
    pool = pools.start(processes=2)

    workers = pool.workers()
    assert sorted(workers.values()) == ["pool-1 worker 1", "pool-1 worker 2"]
    assert set(workers) == {child.pid for child in psutil.Process().children()} - before
    for pid in workers:
        assert proc_info(pid).ppid == os.getpid()
        assert pid in pool.workers()
    assert os.getpid() not in pool.workers()
    started = pools.of(PoolWorkerStarted)
    assert [(e.pid, e.label) for e in started] == sorted(workers.items(), key=lambda item: item[1])
    # Started by Pool(2) itself, with fork(), replacing nobody.
    assert [(e.pool, e.by_handler, e.processes, e.start_method, e.replaces) for e in started] == [
        ("pool-1", False, 2, "fork", None)] * 2


def test_each_result_names_the_worker_that_ran_it(pools):
    pool = pools.start(processes=2, maxtasksperchild=None)
    workers = pool.workers()

    pool.map(6)
    assert pools.results() == []  # map() returned at once: every task sleeps

    wait_until(lambda: len(pools.results()) == 6, what="six results")
    results = pools.results()
    assert sorted(x for x, *_ in results) == list(range(6))
    for x, square, pid, label, event in results:
        assert square == x * x
        assert workers[pid] == label
        assert (event.pid, event.label) == (pid, label)


def test_worker_output_reaches_the_log(pools):
    pool = pools.start(processes=2, maxtasksperchild=None)
    workers = pool.workers()
    pool.map(2)

    for x in range(2):
        [line] = wait_until(lambda: pools.lines_of_task(x), what=f"task {x}'s line")
        match = TASK_LINE.match(line.line)
        assert match, line.line
        assert int(match[1]) in workers
        assert (line.label, line.pid) == ("pool-1", None)  # one pipe for the whole pool
    greetings = [e.line for e in pools.of(Output) if "initializer ran" in e.line]
    assert sorted(greetings) == sorted(
        f"[pool-1 worker PID {pid}] initializer ran: PPID {os.getpid()}, stdout/stderr go to the log"
        for pid in workers
    )


def test_maxtasksperchild_makes_the_handler_reap_and_replace_workers(pools):
    pool = pools.start(processes=2, maxtasksperchild=1)
    first = set(pool.workers())
    pool.map(4)

    # Four tasks, one per worker: four workers run one each and exit, and each is
    # replaced while the pool runs, so six workers in all.
    wait_until(lambda: len(pool.workers()) == 2 and len(started_pids(pools)) == 6, what="six workers")
    assert len(set(started_pids(pools))) == 6
    assert {e.label for e in pools.of(PoolWorkerStarted)} == {f"pool-1 worker {n}" for n in range(1, 7)}
    replacements = [e for e in pools.of(PoolWorkerStarted) if e.pid not in first]
    assert len(replacements) == 4
    # Each replacement was started by the worker handler thread, in place of a worker it reaped.
    reaped_names = {f"{e.label} (PID {e.pid})" for e in pools.of(PoolWorkerReaped)}
    assert all(e.by_handler and e.replaces in reaped_names for e in replacements), replacements
    assert len({e.replaces for e in replacements}) == 4

    wait_until(lambda: len(pools.results()) == 4, what="four results")
    ran_tasks = {pid for _, _, pid, _, _ in pools.results()}
    assert len(ran_tasks) == 4
    reaped = pools.of(PoolWorkerReaped)
    assert {e.pid for e in reaped} == ran_tasks
    for event in reaped:
        # The worker handler thread joined it after it exited by itself (maxtasksperchild=1
        # reached, exitcode 0); under fork its worker.exitcode did the waitpid(pid, WNOHANG).
        assert (event.pool, event.by, event.exitcode, event.maxtasksperchild, event.start_method) == (
            "pool-1", PoolReap.HANDLER, 0, 1, "fork")
        assert pools.gone(event.pid)  # reaped, not a zombie: /proc has forgotten it
    assert set(pool.workers()) == set(started_pids(pools)) - ran_tasks


def test_close_and_join_waits_for_the_tasks_then_reaps_every_worker(pools):
    pool = pools.start(processes=2, maxtasksperchild=2)
    pool.map(6)

    pool.close_and_join()

    assert pool.closed
    assert pool.workers() == {}
    assert len(pools.results()) == 6  # join() waited for the tasks and their callback
    pids = started_pids(pools)
    assert len(pids) > 2  # with 6 tasks, maxtasksperchild=2 replaced some workers
    for pid in pids:
        assert pools.gone(pid), pid
        assert pid not in pool.workers()
    reaped = pools.of(PoolWorkerReaped)
    assert sorted(e.pid for e in reaped) == sorted(pids)  # each worker reaped once, and said so
    by_join = [e for e in reaped if e.by is PoolReap.JOIN]
    assert len(by_join) == 2 and all(e.exitcode == 0 for e in by_join)
    assert all(e.by is PoolReap.HANDLER for e in reaped if e not in by_join)
    assert [e.label for e in pools.of(PoolClosing)] == ["pool-1"]

    with pytest.raises(PoolError) as refused:
        pool.map(1)
    assert_refused(refused, Refusal.POOL_CLOSED, label="pool-1", verb="map")
    with pytest.raises(PoolError) as refused:
        pool.close_and_join()
    assert_refused(refused, Refusal.POOL_CLOSED, label="pool-1", verb=None)
    with pytest.raises(PoolError) as refused:
        pool.terminate()
    assert_refused(refused, Refusal.POOL_CLOSED, label="pool-1", verb=None)


def test_terminate_ends_a_map_in_flight(pools):
    pool = pools.start(processes=2, maxtasksperchild=None)
    workers = pool.workers()
    pool.map(20)
    wait_until(lambda: pools.lines_of_task(0) and pools.lines_of_task(1), what="two tasks running")

    pool.terminate()

    assert pool.closed
    for pid in workers:
        assert pools.gone(pid), pid
    reaped = pools.of(PoolWorkerReaped)
    assert sorted(e.pid for e in reaped) == sorted(workers)
    assert all((e.by, e.exitcode) == (PoolReap.TERMINATE, -signal.SIGTERM) for e in reaped), reaped
    assert pools.results() == []
    assert [(e.label, e.unfinished) for e in pools.of(PoolMapsDropped)] == [("pool-1", 1)]


def test_a_worker_killed_mid_task_is_replaced_and_its_task_lost(pools):
    # Killed from outside proctui (proctui refuses to signal pool workers). Mid-task a
    # worker holds no lock, so the pool survives; an idle one would die holding the task
    # queue's lock, and the pool would hang for good.
    pool = pools.start(processes=1, maxtasksperchild=None)
    [worker] = pool.workers()
    pool.map(1)
    wait_until(lambda: pools.lines_of_task(0), what="the task running")

    os.kill(worker, signal.SIGKILL)

    [reaped] = wait_until(lambda: pools.of(PoolWorkerReaped), what="the handler to reap it")
    assert reaped.pid == worker and pools.gone(worker)
    # Killed, so its task is lost: the handler reaped it with exitcode -9.
    assert (reaped.by, reaped.exitcode) == (PoolReap.HANDLER, -signal.SIGKILL)
    # The handler reaps, then drops it from the pool, then starts its replacement.
    def replaced() -> list[int] | None:
        now = list(pool.workers())
        return now if now and worker not in now else None

    [replacement] = wait_until(replaced, what="its replacement, alone")
    pool.terminate()
    assert pools.results() == []
    assert [(e.label, e.unfinished) for e in pools.of(PoolMapsDropped)] == [("pool-1", 1)]
    assert pools.gone(replacement)


@pytest.mark.parametrize("end", ["close_and_join", "terminate"])
def test_a_finished_pool_leaves_no_pipe_open(pools, end):
    def open_pipes() -> set[str]:
        found = set()
        for fd in os.listdir("/proc/self/fd"):
            try:
                target = os.readlink(f"/proc/self/fd/{fd}")
            except OSError:
                continue  # the descriptor listdir itself used
            if target.startswith("pipe:"):
                found.add(target)
        return found

    before = open_pipes()
    pool = pools.start(processes=2, maxtasksperchild=1)
    pool.map(3)
    wait_until(lambda: pools.lines_of_task(0), what="a task running")
    getattr(pool, end)()
    gc.collect()  # the Pool's own queues are closed when it is collected
    assert open_pipes() <= before


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_other_start_methods_map_and_log_output(pools, method):
    pool = pools.start(method, processes=2, maxtasksperchild=None)
    workers = pool.workers()
    pool.map(2)

    wait_until(lambda: len(pools.results()) == 2, what="two results")
    assert {pid for _, _, pid, _, _ in pools.results()} <= set(workers)
    for x in range(2):  # its line comes through the pool's output pipe, its result another way
        wait_until(lambda: pools.lines_of_task(x), what=f"task {x}'s line")
    for pid in workers:
        # A spawned worker is our child; a forkserver one is the fork server's.
        assert (proc_info(pid).ppid == os.getpid()) == (method == "spawn")
    pool.close_and_join()
    assert all(pools.gone(pid) for pid in workers)


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_workers_never_write_to_the_real_stdout_or_stderr(tmp_path, method):
    # Run the pool in a process of its own, whose fd 1 and 2 stand for proctui's terminal.
    script = tmp_path / "run_pool.py"
    script.write_text(textwrap.dedent("""
        import json, sys
        from proctui.core.events import Output
        from proctui.core.lab.pool import LabPool, PoolOptions

        if __name__ == "__main__":
            method, log_path = sys.argv[1:]
            events = []
            pool = LabPool("pool-1", method, events.append, PoolOptions(processes=2, maxtasksperchild=1))
            pool.map(3)
            pool.close_and_join()
            with open(log_path, "w") as log:
                json.dump([e.line for e in events if isinstance(e, Output)], log)
    """))
    log_path = tmp_path / "events.json"
    # Under spawn and forkserver the interpreter we run starts a resource tracker (and a
    # fork server) that outlive it; the test run, a child subreaper, adopts them, and they
    # exit once their parent's end of their pipe is closed.
    done = run_reaping_what_it_leaves([sys.executable, str(script), method, str(log_path)])
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    logged = json.loads(log_path.read_text())
    for x in range(3):
        assert any((m := TASK_LINE.match(text)) and int(m[2]) == x for text in logged), logged


def test_workers_exit_by_themselves_when_proctui_is_killed(tmp_path):
    # Pool workers arm a catchable parent-death signal and leave with exit code 0 once
    # getppid() says their parent process is gone (workers._leave_when_parent_process_dies).
    # The test run is a child subreaper, so the orphans come to us and we can watch them end.
    script = tmp_path / "pool_then_wait.py"
    script.write_text(textwrap.dedent("""
        import json, time
        from proctui.core.lab.pool import LabPool, PoolOptions

        pool = LabPool("pool-1", "fork", lambda event: None, PoolOptions(processes=2, maxtasksperchild=None))
        print(json.dumps(list(pool.workers())), flush=True)
        time.sleep(600)
    """))
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None  # stdout=PIPE
    family = []
    try:
        workers = json.loads(parent.stdout.readline())
        family = family_of(parent.pid)  # its workers with it: ended if the test fails
    finally:
        parent.kill()
        parent.wait()
        parent.stdout.close()
    try:
        assert len(workers) == 2
        for pid in workers:
            wait_until(lambda: proc_state(pid) == "Z", what=f"orphaned worker {pid} to exit")
            assert proc_info(pid).ppid == os.getpid()  # adopted by the subreaper
            _, status = os.waitpid(pid, 0)
            assert os.waitstatus_to_exitcode(status) == 0  # it returned; nobody killed it
    finally:
        end_and_reap(family)


ORPHANED_BEFORE_FIRST_LINE = """
import json, multiprocessing, os, sys, time
from proctui.core.lab import workers

def late(how):
    # Stands for a child the scheduler had not run yet when proctui was SIGKILLed.
    while os.getppid() == multiprocessing.parent_process().pid:
        time.sleep(0.005)
    out = workers.ChildOutput(os.open(os.devnull, os.O_WRONLY))
    if how == "pool worker":
        workers.take_over_stdio(out)
    else:
        workers._become_lab_child(out)
    time.sleep(600)  # only reached if it failed to notice

ctx = multiprocessing.get_context("fork")
late_child = ctx.Process(target=late, args=(sys.argv[1],))
late_child.start()
# A later sibling inherits the write end of late_child's parent sentinel, so the
# sentinel says "parent alive" for as long as the sibling lives (the test ends it).
sibling = ctx.Process(target=time.sleep, args=(60,))
sibling.start()
print(json.dumps([late_child.pid, sibling.pid]), flush=True)
time.sleep(600)
"""


@pytest.mark.parametrize("how", ["pool worker", "lab child"])
def test_a_child_whose_parent_died_before_its_first_line_leaves(tmp_path, how):
    script = tmp_path / "orphaned_early.py"
    script.write_text(ORPHANED_BEFORE_FIRST_LINE)
    parent = subprocess.Popen([sys.executable, str(script), how], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None  # stdout=PIPE
    family = []
    try:
        late, sibling = json.loads(parent.stdout.readline())
        family = family_of(parent.pid)  # both children, ended if the test fails
    finally:
        parent.kill()
        parent.wait()
        parent.stdout.close()
    try:
        # The sibling is still asleep (60 s, however slow the machine) while the late child
        # decides, both adopted by us.
        wait_until(lambda: proc_state(late) == "Z", what=f"child {late}, orphaned before it armed anything, to leave")
        assert proc_state(sibling) in ("S", "R")
        _, status = os.waitpid(late, 0)
        assert os.waitstatus_to_exitcode(status) == (0 if how == "pool worker" else 1)
    finally:
        end_and_reap(family)  # the sibling, which has done its part
