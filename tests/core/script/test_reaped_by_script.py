"""Who reaped each child of a script run by proctui: the script's processes say it from
inside (their os.waitpid/os.waitid... wrapped, script/host_reaper.py), with what it was
for (join(), start()'s cleanup, the fork server...) and the script's line. Real scripts,
real processes; the events' fields and the records, never the words."""

from __future__ import annotations

import os

import pytest

from helpers.events import events_of
from helpers.paths import SCRIPTS
from helpers.script_driver import Driver, continue_all_to_the_end, run_to_the_end
from helpers.waiting import wait_until
from proctui.core.events import Exited, ReapedByScript, ReapedVia, ScriptForked

SCRIPT = SCRIPTS / "reapers.py"


def line_of(comment: str) -> int:
    """The line of reapers.py that carries comment: found by its text, never by number."""
    lines = SCRIPT.read_text().splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.rstrip().endswith(f"# {comment}"))


def run(driver: Driver, *args: str) -> int:
    script = driver.start("reapers.py", *args)
    driver.pause_of(script)
    assert continue_all_to_the_end(driver, script) == 0
    return script


def reaped(driver: Driver, child: int | None) -> ReapedByScript:
    [event] = wait_until(lambda: events_of(driver.events, ReapedByScript, child), what=f"{child} reaped")
    return event


def children(driver: Driver, count: int = 1) -> list[ScriptForked]:
    """The script's children, once count of them have said hello (read in threads of their own)."""

    def said() -> list[ScriptForked] | None:
        forked = events_of(driver.events, ScriptForked)
        return forked if len(forked) >= count else None

    return wait_until(said, what=f"{count} hellos")


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_join_reaps_its_child_at_the_scripts_join_line(driver, method):
    script = run(driver, "join", method)
    [forked] = children(driver)
    event = reaped(driver, forked.pid)
    assert (event.reaper_pid, event.reaper_label) == (script, driver.lab.records.latest(script).label)
    assert (event.call, event.via, event.through) == ("os.waitpid", ReapedVia.JOIN, "multiprocessing.process.join")
    assert (event.file, event.line, event.function) == (os.path.realpath(SCRIPT), line_of("the join line"), "join")
    assert (event.status, event.exitcode, event.label) == (0, 0, forked.label)
    # The record agrees: reaped, with the exit code and the moment its parent gave.
    record = driver.lab.records.latest(forked.pid)
    assert record.reaped.is_set() and record.exitcode == 0 and record.exit_status == 0
    # Said in the order it happened: the exit (the watcher's pidfd), then the reap.
    [exited] = events_of(driver.events, Exited, forked.pid)
    assert driver.events.index(exited) < driver.events.index(event)
    assert record.exited_at is not None and record.exited_at <= record.reaped_at


def test_the_scripts_own_waitpid_is_said_as_its_own(driver):
    run(driver, "waitpid")
    [forked] = children(driver)
    event = reaped(driver, forked.pid)
    assert (event.call, event.via, event.through) == ("os.waitpid", None, None)
    assert (event.line, event.function) == (line_of("the waitpid line"), "waitpid")
    assert (event.status, event.exitcode) == (3 << 8, 3)
    assert driver.lab.records.latest(forked.pid).exitcode == 3


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_second_start_reaps_the_first_child_in_its_cleanup(driver, method):
    run(driver, "cleanup", method)
    first, second = children(driver, 2)
    event = reaped(driver, first.pid)
    assert (event.via, event.through) == (ReapedVia.START, "multiprocessing.process.start")
    assert (event.line, event.function) == (line_of("the second start line"), "cleanup")
    assert event.exitcode == 5
    assert reaped(driver, second.pid).via is ReapedVia.JOIN  # the second one by its join()


def test_the_fork_server_says_it_reaps_its_children(driver):
    run(driver, "join", "forkserver")
    [forked] = children(driver)
    event = reaped(driver, forked.pid)
    server = forked.parent_pid
    assert (event.reaper_pid, event.reaper_label, event.via) == (server, None, ReapedVia.FORK_SERVER)
    assert event.through == "multiprocessing.forkserver.main"
    assert (event.file, event.line, event.function) == (None, None, None)  # no line of the script's
    assert (event.call, event.exitcode) == ("os.waitpid", 0)


def test_a_sigchld_handler_that_reaps_is_said_with_its_line(driver):
    run(driver, "sigchld")
    [forked] = children(driver)
    event = reaped(driver, forked.pid)
    assert (event.via, event.line, event.function) == (None, line_of("the handler's waitpid line"), "on_sigchld")
    assert event.exitcode == 7


def test_the_pools_worker_handler_reaps_the_workers_that_exit(driver):
    """maxtasksperchild=1: four tasks need four workers, so the handler thread reaps at
    least two (worker.exitcode polls) to start their replacements; it runs in a thread of
    its own, with no line of the script's below it."""
    run(driver, "pool", "fork")
    workers = children(driver, 4)
    said = [reaped(driver, worker.pid) for worker in workers]
    by_handler = [event for event in said if event.via is ReapedVia.POOL_WORKER_HANDLER]
    assert len(by_handler) >= 2
    assert all((event.file, event.line) == (None, None) for event in by_handler)
    for event in said:
        assert event.via in (ReapedVia.POOL_WORKER_HANDLER, ReapedVia.POOL_JOIN), event
        if event.via is ReapedVia.POOL_JOIN:
            assert event.line == line_of("the pool join line")


def test_a_daemon_left_running_is_reaped_by_the_exit_handler(driver):
    run(driver, "daemon", "fork")
    [forked] = children(driver)
    event = reaped(driver, forked.pid)
    assert (event.via, event.file, event.exitcode) == (ReapedVia.EXIT_HANDLER, None, -15)  # terminate()'s SIGTERM


def test_a_spawn_child_says_the_reaps_of_its_own_children(driver):
    """A spawn child is a fresh interpreter: its waits are wrapped by sitecustomize."""
    script = run(driver, "nested")
    child, grandchild = children(driver, 2)
    assert (child.via, grandchild.via, grandchild.parent_pid) == ("spawn", "fork", child.pid)
    event = reaped(driver, grandchild.pid)
    assert (event.reaper_pid, event.reaper_label) == (child.pid, child.label)
    assert (event.via, event.line, event.function) == (ReapedVia.JOIN, line_of("the spawn child's join line"),
                                                       "fork_and_join")
    assert event.exitcode == 4
    assert reaped(driver, child.pid).reaper_pid == script


def test_a_reap_in_the_standard_librarys_own_code_names_no_line_of_it(driver):
    """concurrent.futures joins its workers in a thread of its own: a reap there has no
    line of the script's, and the line is never one of the standard library's."""
    run(driver, "futures")
    said = [reaped(driver, worker.pid) for worker in children(driver, 2)]
    assert all(event.via is ReapedVia.JOIN for event in said)
    assert all(event.file in (None, os.path.realpath(SCRIPT)) for event in said), said


def test_a_step_into_a_wrapped_wait_never_pauses_in_proctui(driver):
    """s on the script's os.waitpid line: the wrapper is proctui's (never paused in), so
    the next pause is the script's next line, as with the real call."""
    script = driver.start("reapers.py", "waitpid")
    driver.pause_of(script)
    driver.step_until(script, "next", lambda p: p.line == line_of("the dispatch line"))
    driver.send(script, "step")
    driver.step_until(script, "next", lambda p: p.line == line_of("the waitpid line"))
    [forked] = children(driver)
    driver.pause_of(forked.pid)
    driver.send(forked.pid, "continue")
    driver.send(script, "step")
    after = driver.pause_of(script)
    assert (after.file, after.line) == (os.path.realpath(SCRIPT), line_of("the waitpid line") + 1)
    assert reaped(driver, forked.pid).line == line_of("the waitpid line")
    assert run_to_the_end(driver, script, "continue") == 0
