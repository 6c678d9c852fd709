"""The session's history from real processes: a zombie's interval and its reaper are what
the kernel (a frame said Z) and the events (exit, waitpid) said."""

from __future__ import annotations

import os

import pytest

from helpers.events import events_of
from helpers.paths import SCRIPTS
from helpers.processes import proc_state
from helpers.script_driver import continue_all_to_the_end
from helpers.waiting import wait_until
from proctui.core.events import Exited, Output, Reaped, ReapedByScript, ScriptForked, WhoReaps
from proctui.core.lab import experiments
from proctui.core.lifeline.history import History
from proctui.core.lifeline.life_words import reaped_by
from proctui.core.lifeline.lives import ReapKind, Row
from proctui.core.procfs.snapshot import snapshot_subtree


@pytest.fixture
def history(lab):
    history = History(os.getpid())
    lab.subscribe(history.add_event)
    return history


def read_frame(history: History, lab) -> None:
    history.add_snapshot(snapshot_subtree(os.getpid(), [record.pid for record in lab.processes]))


def test_a_zombie_keeps_its_interval_and_its_reaper(lab, history):
    zombie = experiments.leave_zombie(lab, exit_code=3)
    wait_until(lambda: proc_state(zombie.pid) == "Z", what="the child to become a zombie")
    # The exit as the watcher thread says it (its pidfd), as the log shows it before a join.
    wait_until(lambda: [e for e in history.events() if isinstance(e, Exited) and e.pid == zombie.pid],
               what="the exit event")
    read_frame(history, lab)
    life = history.lives.of(zombie.pid)
    assert life is not None and life.label == zombie.label and life.how == lab.start_method
    assert life.state_at(history.frames[-1].time) == "Z"  # what /proc said
    assert life.reaper_now() is None  # not reaped yet: no ghost
    assert history.ghosts() == []

    assert lab.join(zombie) == 3
    read_frame(history, lab)
    exited = next(event for event in history.events() if isinstance(event, Exited) and event.pid == zombie.pid)
    reaped = next(event for event in history.events() if isinstance(event, Reaped) and event.pid == zombie.pid)
    assert life.exitcode == 3
    assert life.zombie_seconds() == pytest.approx(reaped.time - exited.time)
    assert life.reaper_now().kind is ReapKind.JOIN and life.reaper_now().pid == os.getpid()
    assert history.ghosts() == [life]


def test_back_in_time_a_moment_shows_the_zombie_and_later_its_ghost(lab, history):
    zombie = experiments.leave_zombie(lab)
    wait_until(lambda: history.lives.of(zombie.pid) and history.lives.of(zombie.pid).exited, what="the exit event")
    wait_until(lambda: proc_state(zombie.pid) == "Z", what="a zombie")
    read_frame(history, lab)
    lab.join(zombie)
    read_frame(history, lab)
    events = history.events()
    at_exit = next(i for i, event in enumerate(events) if isinstance(event, Exited))
    at_reap = next(i for i, event in enumerate(events) if isinstance(event, Reaped))
    then = history.moment(at_exit)
    assert {row.pid: row.state for row in then.frame.rows}[zombie.pid] == "Z"
    assert then.ghosts == []
    after = history.moment(at_reap)
    assert zombie.pid not in {row.pid for row in after.frame.rows}
    assert [life.pid for life in after.ghosts] == [zombie.pid]


def test_a_pid_used_again_is_another_life(history):
    me = Row(os.getpid(), 1, "S", "python", 1)
    history.add_frame((me, Row(4242, os.getpid(), "S", "a", 10)), when=1.0)
    history.add_frame((me,), when=2.0)
    history.add_frame((me, Row(4242, os.getpid(), "R", "b", 20)), when=3.0)
    first, second = history.lives.all
    assert (first.pid, first.gone, first.name) == (4242, 2.0, "a")
    assert (second.pid, second.gone, second.name, second.born) == (4242, None, "b", 3.0)


def test_an_unchanged_frame_is_not_kept():
    history = History(1)
    rows = (Row(1, 0, "S", "init", 1), Row(2, 1, "S", "a", 5))
    assert history.add_frame(rows, when=1.0) is not None
    assert history.add_frame(rows, when=2.0) is None
    assert len(history.frames) == 1


def test_a_flood_of_lines_is_bounded_and_other_events_are_kept(monkeypatch):
    monkeypatch.setattr(History, "MOST_OUTPUT", 100)
    history = History(1)
    history.add_event(Exited(pid=5, label="zombie-1", status=0, who_reaps=WhoReaps.WAITPID))
    for n in range(1000):
        history.add_event(Output(pid=6, label="child-1", line=str(n)))
    kept = history.events()
    assert isinstance(kept[0], Exited)
    lines = [event.line for event in kept if isinstance(event, Output)]
    assert len(lines) <= 100 and lines[-1] == "999"
    assert history.moment(len(history) - 1).serial == 1001
    last = history.moment(history.position_of(1001)).event
    assert isinstance(last, Output) and last.line == "999"


def test_a_moment_shows_what_the_first_read_after_it_found():
    history = History(1)
    me = Row(1, 0, "S", "init", 1)
    history.add_frame((me, Row(5, 1, "S", "a", 9)), when=1.0)
    history.add_event(Output(pid=5, label="child-1", line="hello", time=2.0))  # changes nothing in /proc
    history.add_frame((me, Row(5, 1, "S", "a", 9)), when=2.5)  # found again: not kept, but seen
    history.add_event(Exited(pid=5, label="child-1", status=0, who_reaps=WhoReaps.WAITPID, time=3.0))
    history.add_frame((me, Row(5, 1, "Z", "a", 9)), when=3.1)
    first, second = history.moment(0).frame, history.moment(1).frame
    assert first is not None and second is not None
    assert [row.state for row in first.rows] == ["S", "S"]  # not the later Z
    assert [row.state for row in second.rows] == ["S", "Z"]


def test_a_scripts_child_is_said_reaped_by_the_scripts_own_join_at_its_line(driver):
    """proctui run: who reaped the script's child is what the script's own process said."""
    script = driver.start("reapers.py", "join", "fork")
    driver.pause_of(script)
    assert continue_all_to_the_end(driver, script) == 0
    [forked] = wait_until(lambda: events_of(driver.events, ScriptForked), what="the child's hello")
    wait_until(lambda: events_of(driver.events, ReapedByScript, forked.pid), what="its reaping")
    history = History(os.getpid())
    for event in list(driver.events):
        history.add_event(event)
    life = history.lives.of(forked.pid)
    assert life is not None and life in history.ghosts()
    reaper = life.reaper_now()
    assert reaper is not None and (reaper.kind, reaper.pid) == (ReapKind.SCRIPT, script)
    join_line = next(number for number, line in enumerate((SCRIPTS / "reapers.py").read_text().splitlines(), 1)
                     if line.rstrip().endswith("# the join line"))
    assert reaped_by(reaper, "en") == f"reaped by join() in PID {script} at {SCRIPTS / 'reapers.py'}:{join_line}"
