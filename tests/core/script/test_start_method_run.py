"""proctui run says the script's start method and shows its consequences, whatever the
running Python's default is (forkserver on Linux from 3.14, fork before): which method a
process of the script uses (as multiprocessing itself answers), who forked each child,
whose PID a child's "PPID" line holds, and who reaps it. Real script processes, their
events' fields and /proc; never the words."""

from __future__ import annotations

import multiprocessing

import pytest

from helpers.events import events_of
from helpers.processes import gone, proc_info, proc_state
from helpers.script_driver import Driver, run_to_the_end, source_line
from helpers.waiting import wait_until
from proctui.core.events import Exited, Output, ParentIs, ScriptForked, ScriptStartMethod, WhoReaps
from proctui.core.script.runner import Ended

DEFAULT = multiprocessing.get_all_start_methods()[0]  # the script runs under this same Python


def said_by(driver: Driver, pid: int, start: str) -> Output:
    return wait_until(lambda: next((e for e in events_of(driver.events, Output, pid) if e.line.startswith(start)),
                                   None), what=f"{pid}'s line {start!r}")


def test_the_default_start_method_is_said_once_multiprocessing_is_imported(driver):
    script = driver.start("start_method_story.py")
    driver.pause_of(script)
    after_import = driver.step_until(script, "next", lambda p: source_line(p) == "if __name__ == \"__main__\":")
    [said] = events_of(driver.events, ScriptStartMethod, script)
    assert (said.default, said.chosen, said.method) == (DEFAULT, None, DEFAULT)
    assert after_import.start_method == DEFAULT
    # Said once: the following pauses carry it, the log does not repeat it.
    driver.send(script, "next")
    assert driver.pause_of(script).start_method == DEFAULT
    assert len(events_of(driver.events, ScriptStartMethod)) == 1
    assert run_to_the_end(driver, script, "continue") == 0


def test_a_start_method_the_script_sets_is_said_with_the_default(driver):
    chosen = "spawn"
    script = driver.start("start_method_story.py", chosen)
    driver.pause_of(script)
    driver.step_until(script, "next", lambda p: p.start_method == chosen)
    said = events_of(driver.events, ScriptStartMethod, script)
    assert said[-1].chosen == chosen and said[-1].default == DEFAULT
    assert run_to_the_end(driver, script, "continue") == 0


def test_under_forkserver_the_fork_server_forks_and_reaps_and_the_ppid_line_says_so(driver):
    """The script's own fork() never runs: the child's parent in /proc is the fork server,
    which the script started; the child's "PPID" line holds the fork server's PID and the
    event says so; the child is reaped by the fork server before the script's join() runs,
    so it is never a zombie under the script."""
    script = driver.start("start_method_story.py", "forkserver")
    driver.step_until(script, "next", lambda p: source_line(p) == "p.start()")
    driver.send(script, "next")
    [forked] = wait_until(lambda: events_of(driver.events, ScriptForked), timeout=30, what="the child's hello")
    child, server = forked.pid, forked.parent_pid
    assert forked.via == "forkserver" and forked.requested_by == script
    assert proc_info(child).ppid == server != script  # the kernel's view: the fork server is its parent
    assert proc_info(server).ppid == script  # and the script started the fork server
    assert driver.pause_of(child).via == "forkserver"
    parent_side = driver.pause_of(script)
    assert source_line(parent_side) == "p.join()"
    driver.send(child, "continue")
    assert isinstance(driver.next_of(child), Ended)
    line = said_by(driver, child, "[child-x]")
    assert line.line == f"[child-x] PID: {child}, PPID: {server}"
    assert (line.parent_pid, line.parent_is) == (server, ParentIs.FORK_SERVER)
    # The script is paused before join(): nobody of the script has waited, yet the child
    # is gone: its parent, the fork server, reaped it.
    record = driver.lab.records.latest(child)
    assert record is not None
    wait_until(lambda: gone(record), what="the child reaped by the fork server")
    [exited] = wait_until(lambda: events_of(driver.events, Exited, child), what="the child's exit")
    assert (exited.who_reaps, exited.reaper_pid) == (WhoReaps.FORK_SERVER, server)
    assert run_to_the_end(driver, script, "continue") == 0
    assert said_by(driver, script, "exitcode").line == "exitcode 0"


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_under_fork_and_spawn_the_ppid_line_names_the_script(driver, method):
    script = driver.start("start_method_story.py", method)
    driver.step_until(script, "next", lambda p: source_line(p) == "p.start()")
    parent_line = said_by(driver, script, "[parent]")
    assert (parent_line.parent_pid, parent_line.parent_is) == (driver.lab.pid, ParentIs.PROCTUI)
    driver.send(script, "next")
    [forked] = wait_until(lambda: events_of(driver.events, ScriptForked), timeout=30, what="the child's hello")
    assert forked.via == method and forked.parent_pid == script and forked.requested_by is None
    driver.pause_of(forked.pid)  # paused where fork() returned 0, or at the target (spawn)
    driver.send(forked.pid, "continue")
    line = said_by(driver, forked.pid, "[child-x]")
    assert (line.parent_pid, line.parent_is, line.parent_label) == (script, ParentIs.SCRIPT, "script-1")
    if method == "fork":
        wait_until(lambda: proc_state(forked.pid) == "Z", what="the child a zombie under the script")
    assert run_to_the_end(driver, script, "continue") == 0


async def test_the_app_says_this_python_s_default_beside_the_lab_s_method():
    """The lab chooses its start method explicitly (fork, as the article); the first line of
    the log says the running Python's own default too, which a learner's script gets."""
    from proctui.core.lab.lab import Lab
    from proctui.ui.app import ProcTUI

    lab = Lab()
    app = ProcTUI(lab, refresh_seconds=0.5, lang="en")
    try:
        async with app.run_test(size=(100, 30)):
            [(_, facts), *_] = app.main_screen.event_log.messages
            assert (facts["method"], facts["default"]) == (lab.start_method, DEFAULT)
    finally:
        lab.shutdown()
