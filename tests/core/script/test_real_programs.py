"""Real multiprocessing programs (tests/scripts/real/, one of each kind a learner meets)
run to their end under proctui run, as the user would with C (Scripts.continue_all: from
then on no process of the script pauses again), and with n three times on the script first: each prints what
plain `python FILE` prints and exits with the same code, and nothing is left behind.
A third way steps with n into the main block first, where the children start and pause
(each sent on with c).

Plain python runs with stdout and stderr on one pipe, as the script's host merges them
per process, and without PYTHONUNBUFFERED (the runner sets it for the script; in plain
python it would write a print's text and its newline apart, and two processes' lines
could meet on the one pipe: the programs flush where processes print together, as a
terminal's line buffering would).

What is compared: the lines of all the script's processes (the Lab's Output events), in
order where the program's order is fixed and only one process prints (lines of two
processes reach proctui on two pipes, so their relative order there is not the
program's), else as a multiset; a traceback by its last line, the exception, since the
frames above it name proctui's and plain python's paths."""

from __future__ import annotations

import contextlib
import os
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import pytest

from helpers.events import events_of
from helpers.paths import SCRIPTS
from helpers.processes import gone, run_reaping_what_it_leaves
from helpers.script_driver import Driver, continue_all_to_the_end, run_to_the_end
from helpers.waiting import wait_until
from proctui.core.events import Output, ScriptForked
from proctui.core.script.pauses import SentOn
from proctui.core.script.runner import Ended, Pause

Compared = Literal["ordered", "multiset"]
ORDERED: Compared = "ordered"
MULTISET: Compared = "multiset"


@dataclass(frozen=True)
class Program:
    name: str
    compared: Compared
    why: str  # why the program's own order is fixed, or not
    args: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.name.removesuffix(".py")


PROGRAMS = [
    Program("queue_workers.py", ORDERED, "the parent prints the results sorted; the workers print nothing"),
    Program("value_lock.py", ORDERED, "only the parent prints, after every join()"),
    Program("condition.py", MULTISET, "the consumer prints in the order produced and the parent after both joins, "
            "but their lines reach proctui on two pipes"),
    Program("semaphore.py", MULTISET, "each worker prints as it leaves the semaphore, in the order they got in"),
    Program("event.py", MULTISET, "the workers' lines and the parent's last lines interleave as they run"),
    Program("manager.py", ORDERED, "only the parent prints, sorted"),
    Program("apply_async.py", MULTISET, "callbacks run in the order the tasks finish"),
    Program("imap.py", ORDERED, "imap keeps the input's order; one process prints"),
    Program("imap_unordered.py", MULTISET, "results come in the order the workers finish"),
    Program("map_million.py", ORDERED, "a count and a checksum, printed by the parent"),
    Program("zero_division_caught.py", ORDERED, "one task at a time (apply), printed by the parent"),
    Program("zero_division_uncaught.py", ORDERED, "the parent prints, then its traceback ends it"),
    Program("terminate.py", ORDERED, "only the parent prints, each line after the last one's cause"),
    Program("pool_dropped.py", ORDERED, "only the parent prints; gc.collect() joins the workers before it goes on"),
    Program("argv_pool.py", ORDERED, "only the parent prints; map keeps the input's order", ("3", "12")),
]


def as_compared(lines: list[str]) -> list[str]:
    """The lines, a traceback (a Pool's re-raised one starts with the worker's, as a
    RemoteTraceback) cut down to its last line: the exception."""
    for index, line in enumerate(lines):
        if line.startswith(("Traceback (most recent call last):", "multiprocessing.pool.RemoteTraceback:")):
            return [*lines[:index], lines[-1]]
    return lines


@dataclass(frozen=True)
class Run:
    lines: list[str]
    exitcode: int


@cache
def plain_python(program: Program) -> Run:
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    done = run_reaping_what_it_leaves([sys.executable, str(SCRIPTS / "real" / program.name), *program.args],
                                      merged=True, env=env)
    return Run(as_compared(done.stdout.splitlines()), done.returncode)


def continue_from_the_first_pause(driver: Driver, script: int) -> None:
    driver.pause_of(script)


def next_three_times(driver: Driver, script: int) -> Pause | Ended | SentOn:
    """n three times from the first pause: over the imports and defs."""
    driver.pause_of(script)
    return next_times(driver, script, 3)


def next_three_times_in_main(driver: Driver, script: int) -> None:
    """n until the first line of the main block, then three times more: over the lines
    that make the queues and start the processes, each of which pauses (under fork where
    fork() returned 0; under spawn at its target) and is sent on with c."""
    item: Pause | Ended | SentOn = driver.pause_of(script)
    while isinstance(item, Pause) and not in_main(item):
        item = next_times(driver, script, 1)
    if isinstance(item, Pause):
        next_times(driver, script, 3)


def next_times(driver: Driver, script: int, times: int) -> Pause | Ended | SentOn:
    """n on the script times (fewer if it ends), every other process's pause answered with c."""
    item: Pause | Ended | SentOn = driver.paused[script]
    for _ in range(times):
        driver.send(script, "next")
        item = driver.next_of_running_others(script)
        if isinstance(item, Ended):
            break
    return item


def in_main(pause: Pause) -> bool:
    main = next(number for number, line in enumerate(Path(pause.file).read_text().splitlines(), 1)
                if line.startswith("if __name__ =="))
    return pause.func == "<module>" and pause.line > main


WAYS: dict[str, Callable[[Driver, int], object]] = {
    "C": continue_from_the_first_pause,
    "n3-then-C": next_three_times,
    "n-into-main-n3-then-C": next_three_times_in_main,
}


def under_proctui(driver: Driver, program: Program, way: str) -> int:
    """Run program the way named, to its end; its exit code."""
    script = driver.start(f"real/{program.name}", *program.args)
    WAYS[way](driver, script)
    exitcode = continue_all_to_the_end(driver, script)  # C
    # Nothing of the script left in the kernel, asked of /proc by PID and start time (not
    # of the Lab's records, which miss children reaped before their hello was read: see
    # test_the_lab_knows_every_child_of_a_start_join_loop_ended).
    pids = [script, *(event.pid for event in events_of(driver.events, ScriptForked))]
    family = [driver.lab.records.latest(pid) for pid in pids]
    wait_until(lambda: all(record is None or gone(record) for record in family),
               what="every process of the script gone")
    return exitcode


def lines_of_the_script(driver: Driver) -> list[str]:
    return [event.line for event in events_of(driver.events, Output) if event.by_script]


def same_lines(program: Program, ran: list[str], plain: list[str]) -> bool:
    return ran == plain if program.compared == ORDERED else Counter(ran) == Counter(plain)


@pytest.mark.parametrize("way", list(WAYS))
@pytest.mark.parametrize("program", PROGRAMS, ids=str)
def test_a_real_program_prints_and_exits_as_under_plain_python(driver, program, way):
    plain = plain_python(program)
    assert plain.lines, f"{program.name} printed nothing under plain python"
    assert under_proctui(driver, program, way) == plain.exitcode
    # Every process has gone, but the watcher may not have read the last of each pipe yet:
    # the lines are awaited, and compared (with the difference shown) once they are all
    # there or the deadline has passed.
    with contextlib.suppress(AssertionError):
        wait_until(lambda: same_lines(program, as_compared(lines_of_the_script(driver)), plain.lines), timeout=10)
    ran_lines = as_compared(lines_of_the_script(driver))
    if program.compared == ORDERED:
        assert ran_lines == plain.lines
    else:
        assert Counter(ran_lines) == Counter(plain.lines)


def test_the_lab_knows_every_child_of_a_start_join_loop_ended(driver):
    """300 short processes started and joined one at a time: once the script has ended,
    the Lab holds no live record of any of them. (A child reaped by the script before
    proctui read its hello kept a live record for ever; past 64 of them each new child
    was killed at its hello as one too many.)"""
    script = driver.start("real/start_join_loop.py")
    driver.pause_of(script)
    assert run_to_the_end(driver, script, "continue") == 0
    forked = [driver.lab.records.latest(e.pid) for e in events_of(driver.events, ScriptForked)]
    wait_until(lambda: all(record is None or gone(record) for record in forked), what="every child gone")
    assert not driver.lab.records.live()
    assert lines_of_the_script(driver) == ["done"]
