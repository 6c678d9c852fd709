"""The event helpers pick by class and PID, in order, from a real Lab's events."""

from __future__ import annotations

from helpers.events import events_of, lines_printed
from helpers.waiting import wait_until
from proctui.core.events import Exited, Forked
from proctui.core.lab import experiments


def test_events_of_and_lines_printed_read_one_child_of_a_real_lab(lab, lab_events):
    first = experiments.fork_child(lab)
    second = experiments.fork_child(lab)
    # Each child prints its own PID once: its line, and only its, is the one picked.
    for child in (first, second):
        [line] = wait_until(lambda: lines_printed(lab_events, child.pid), what=f"{child.pid}'s line")
        assert f"PID: {child.pid}," in line
    lab.kill(first)
    wait_until(lambda: events_of(lab_events, Exited, first.pid), what="the first child's exit")
    assert [e.pid for e in events_of(lab_events, Forked)] == [first.pid, second.pid]
    assert events_of(lab_events, Exited, second.pid) == []
