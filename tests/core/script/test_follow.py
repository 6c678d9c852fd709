"""C (continue every process of the script) and --follow both|parent|child, the Lab's
side: real scripts whose children are forked, spawned or forked by the fork server, with
what each process does checked in the channel's pauses, the events and /proc."""

from __future__ import annotations

import pytest

from helpers.events import events_of, lines_printed
from helpers.processes import proc_state
from helpers.script_driver import Driver, source_line, where_fork_returned_0
from helpers.waiting import wait_until
from proctui.core.events import Reaped, ScriptForked
from proctui.core.script.pauses import SentOn
from proctui.core.script.runner import Ended, Pause


def _script_reaped(driver: Driver, script: int) -> Reaped:
    [reaped] = wait_until(lambda: events_of(driver.events, Reaped, script), what="the script reaped")
    return reaped


def _forked(driver: Driver, count: int) -> list[ScriptForked]:
    def found() -> list[ScriptForked] | None:
        forked = events_of(driver.events, ScriptForked)
        return forked if len(forked) >= count else None

    return wait_until(found, timeout=30, what=f"{count} children's hellos")


def test_c_all_continues_every_paused_process_and_the_script_ends(driver):
    """n over each start(): three children paused where fork returned 0, and the script
    paused at its join loop; C sends them all on, and the script ends with every line."""
    script = driver.start("three_workers.py", "fork")
    driver.step_until(script, "next", lambda p: source_line(p) == "w.join()")
    children = [forked.pid for forked in _forked(driver, 3) if forked.pid is not None]
    for child in children:
        assert where_fork_returned_0(driver.pause_of(child))
    assert sorted(driver.lab.scripts.pauses.paused_now) == sorted([script, *children])
    sent = driver.lab.scripts.continue_all()
    assert sorted(sent) == sorted([script, *children])
    assert _script_reaped(driver, script).exitcode == 0
    said = lines_printed(driver.events, script)
    assert said[-1] == "all joined [0, 0, 0]"
    # Each child said its own line, under its own PID (their hellos come in any order).
    assert sorted(line for child in children for line in lines_printed(driver.events, child)) == [
        f"worker {n} done" for n in range(3)]
    assert all(len(lines_printed(driver.events, child)) == 1 for child in children)
    assert driver.lab.scripts.pauses.paused_now == []


def test_c_all_while_a_process_is_between_two_lines_sends_it_on_at_its_next_pause(driver):
    """C reaches a process that runs (after n) when it next pauses, and the child it forks
    before it heard of C: nothing is left paused."""
    script = driver.start("three_workers.py", "fork")
    driver.step_until(script, "next", lambda p: source_line(p) == "w.start()")
    driver.send(script, "next")  # forking now: the script and its first child will pause soon
    driver.lab.scripts.continue_all()
    assert _script_reaped(driver, script).exitcode == 0
    assert lines_printed(driver.events, script)[-1] == "all joined [0, 0, 0]"


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_follow_parent_lets_the_children_run_free(driver, method):
    """--follow parent: n over start() pauses the script at its next line, and the child
    never pauses (traced False in its hello): it runs to its end and is a zombie until
    the script's join (fork, spawn)."""
    script = driver.start("other_start_method.py" if method != "fork" else "first_process.py", method,
                          follow="parent")
    driver.step_until(script, "next", lambda p: source_line(p) == "p.start()")
    driver.send(script, "next")
    assert source_line(driver.pause_of(script)) == "p.join()"
    [forked] = _forked(driver, 1)
    assert not forked.traced and forked.pid is not None
    if method != "forkserver":  # the fork server reaps its own children
        child = forked.pid
        wait_until(lambda: proc_state(child) == "Z", what="the free child run to its end")
    driver.send(script, "continue")
    assert _script_reaped(driver, script).exitcode == 0
    assert not any(isinstance(item, Pause) and item.pid == forked.pid for item in driver.held)


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_follow_child_lets_the_parent_run_free(driver, method):
    """--follow child: n over start() pauses the child (where fork returned 0, or at its
    target), and the script runs free (SentOn free); it then waits in join() for the
    paused child, and ends once the child is continued."""
    script = driver.start("other_start_method.py" if method != "fork" else "first_process.py", method,
                          follow="child")
    driver.step_until(script, "next", lambda p: source_line(p) == "p.start()")
    driver.send(script, "next")
    [forked] = _forked(driver, 1)
    assert forked.traced and forked.pid is not None
    child_side = driver.pause_of(forked.pid)
    if method == "fork":
        assert where_fork_returned_0(child_side)
    else:
        assert child_side.func == "target"
    # The script's next report is that it runs free (a spawn parent may pause at the line
    # after start() first, before the child's hello: then it is sent on from there).
    item = driver.next_of(script)
    if isinstance(item, Pause):
        assert source_line(item) == "p.join()" and method != "fork"
        item = driver.next_of(script)
    assert item == SentOn(script, free=True)
    assert not driver.lab.scripts.stepping
    # Blocked in join() on the paused child: the script is asleep, not ended.
    wait_until(lambda: proc_state(script) == "S", what="the script asleep in join()")
    assert not events_of(driver.events, Reaped, script)
    driver.send(forked.pid, "continue")
    assert isinstance(driver.next_of(forked.pid), Ended)
    assert _script_reaped(driver, script).exitcode == 0
    assert isinstance(driver.next_of(script), Ended)
