"""A lesson's events since its step began stay bounded when a script floods: the oldest
lines printed go, every other event stays, the newest lines stay."""

from __future__ import annotations

from proctui.core.events import Forked, Output
from proctui.core.teaching.lesson_session import MOST_EVENTS, LessonSession
from proctui.core.teaching.lessons import load_lessons


def test_a_flood_of_lines_lets_the_oldest_lines_go_and_keeps_every_other_event():
    session = LessonSession(load_lessons("en"), 0)
    forked = Forked(pid=7, label="child-1", role="child", start_method="fork")
    session.note_event(forked)
    for n in range(100_000):
        session.note_event(Output(pid=7, label="child-1", line=f"line {n}"))
    assert len(session.events) <= 2 * MOST_EVENTS
    assert session.events[0] is forked
    lines = [event.line for event in session.events if isinstance(event, Output)]
    assert lines[-1] == "line 99999" and len(lines) >= MOST_EVENTS // 2
    assert lines == [f"line {n}" for n in range(100_000 - len(lines), 100_000)]  # the newest, in order
