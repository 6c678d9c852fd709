"""The main screen's EventInbox on its own (it is plain Python): a flood of lines printed
is handed on to the lesson and shown bounded, with a count of what was left out, under
its process and where it was; an event that changes the tree is never left out."""

from __future__ import annotations

import threading

from proctui.core.events import Exited, Forked, LabEvent, Output, OutputNotShown, WhoReaps
from proctui.core.lab.sayer import LineBudget
from proctui.ui.screens.event_inbox import LINES_AT_ONCE, EventInbox


def line(pid: int, n: int) -> Output:
    return Output(pid=pid, label=f"script-child-{pid}", line=f"line {n}", by_script=True)


def at_most(lines: int) -> LineBudget:
    """A budget of lines lines in all, never refilled."""
    return LineBudget(rate=0, burst=lines)


def taken(inbox: EventInbox) -> tuple[list[LabEvent], list[LabEvent]]:
    noted: list[LabEvent] = []
    shown = inbox.take(noted.append)
    return noted, shown


def lines_of(events: list[LabEvent]) -> list[str]:
    assert all(isinstance(event, Output) for event in events)
    return [event.line for event in events if isinstance(event, Output)]


def said(shown: list[LabEvent]) -> list[tuple[int | None, int | str]]:
    return [(s.pid, s.count) if isinstance(s, OutputNotShown) else (s.pid, s.line) for s in shown]  # type: ignore[attr-defined]


def test_a_hundred_thousand_lines_are_noted_and_the_newest_are_shown_under_a_count():
    inbox = EventInbox()
    wakes = [inbox.put(line(7, n)) for n in range(100_000)]
    assert wakes[0] and not any(wakes[1:])  # one message to the screen for the whole burst
    assert not inbox.claim_urgent()
    noted, shown = taken(inbox)
    # The lesson reads what was printed: it is handed what the inbox kept (MOST_WAITING at most).
    assert lines_of(noted) == [f"line {n}" for n in range(100_000 - len(noted), 100_000)]
    first = shown[0]
    assert isinstance(first, OutputNotShown)
    assert (first.pid, first.label, first.by_script) == (7, "script-child-7", True)
    assert first.count == 100_000 - LINES_AT_ONCE
    assert lines_of(shown[1:]) == [f"line {n}" for n in range(100_000 - LINES_AT_ONCE, 100_000)]
    assert taken(inbox) == ([], [])


def test_the_counts_of_two_processes_go_above_each_ones_first_line_shown():
    inbox = EventInbox(budget=at_most(4))
    for n in range(10):
        inbox.put(line(1, n))
    for n in range(5):
        inbox.put(line(2, n))
    inbox.put(line(1, 10))
    _, shown = taken(inbox)
    # 16 lines, 4 shown: the newest 4 (2's last three, then 1's last); each count just
    # above its process's first line shown.
    assert said(shown) == [(2, 2), (2, "line 2"), (2, "line 3"), (2, "line 4"), (1, 10), (1, "line 10")]


def test_a_count_from_the_lab_joins_the_inbox_s_own():
    inbox = EventInbox(budget=at_most(2))
    inbox.put(OutputNotShown(pid=1, label="script-child-1", by_script=True, count=5000))  # left out by the sayer
    for n in range(5000, 5003):
        inbox.put(line(1, n))
    noted, shown = taken(inbox)
    assert len(noted) == 4  # the lesson is handed the count as it came
    assert said(shown) == [(1, 5001), (1, "line 5001"), (1, "line 5002")]
    # Alone, at a pipe's end: said where it came.
    inbox.put(line(2, 0))
    inbox.put(OutputNotShown(pid=1, label="script-child-1", by_script=True, count=9))
    _, shown = taken(inbox)
    assert said(shown) == [(2, 1), (1, 9)]  # the budget is spent: line 0 of 2 is counted too, first


def test_an_event_that_changes_the_tree_is_never_left_out_and_wakes_the_screen():
    inbox = EventInbox(budget=at_most(10), most_waiting=50)
    inbox.put(line(3, 0))
    forked = Forked(pid=4, label="script-child-4", role="child", start_method="fork")
    assert inbox.put(forked)  # the first event that may change the tree asks for a snapshot
    assert inbox.claim_urgent() and not inbox.claim_urgent()
    for n in range(1, 1000):
        inbox.put(line(3, n))
    exited = Exited(pid=4, label="script-child-4", status=0, who_reaps=WhoReaps.PARENT, reaper_pid=3)
    # Come after the screen asked for a snapshot (which may be read before it): it wakes
    # the screen again, to ask for another.
    assert inbox.put(exited) and inbox.claim_urgent()
    noted, shown = taken(inbox)
    assert forked in noted and exited in noted and forked in shown and exited in shown
    # Far behind (more than most_waiting lines), the oldest lines are only counted.
    assert sum(isinstance(event, Output) for event in noted) == 50
    outputs = [s for s in shown if isinstance(s, Output)]
    assert len(outputs) == 10 and outputs[-1].line == "line 999"
    assert sum(s.count for s in shown if isinstance(s, OutputNotShown)) + len(outputs) == 1000
    assert shown.index(forked) < shown.index(exited)
    assert not inbox.claim_urgent()


def test_lines_put_from_several_threads_are_all_counted_or_shown():
    inbox = EventInbox(budget=LineBudget(rate=1000, burst=100), most_waiting=1000)
    shown: list[LabEvent] = []

    def printer(pid: int) -> None:
        for n in range(20_000):
            inbox.put(line(pid, n))

    threads = [threading.Thread(target=printer, args=(pid,)) for pid in (1, 2, 3)]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        shown.extend(inbox.take(lambda event: None))
    shown.extend(inbox.take(lambda event: None))
    for pid in (1, 2, 3):
        counted = sum(s.count for s in shown if isinstance(s, OutputNotShown) and s.pid == pid)
        lines = [int(s.line.split()[1]) for s in shown if isinstance(s, Output) and s.pid == pid]
        assert counted + len(lines) == 20_000
        assert lines == sorted(lines)  # each in its order
