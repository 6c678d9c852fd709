"""The lesson under way: its LessonRun, which lesson of the list it is, and the lab events
since its step began.

Plain Python, no UI: the screen hands it events and the state of the world, and it says
whether the lesson panel must show something new.
"""

from __future__ import annotations

from collections.abc import Sequence

from proctui.core.events import Output
from proctui.core.lab.lab import LabEvent
from proctui.core.teaching.lessons import Lesson, LessonRun, Progress, Seen

#: Events kept since a step began before the oldest lines printed are let go: a script
#: may print 100,000 lines in one step, and every goal reads the events at each refresh.
MOST_EVENTS = 2000


class LessonSession:
    def __init__(self, lessons: Sequence[Lesson], number: int) -> None:
        self.lessons = lessons
        self.number = number  # the index of this lesson in ``lessons``
        self.run = LessonRun(lessons[number])
        self.events: list[LabEvent] = []  # since the step began; opaque here, read by the goals
        self._trim_at = MOST_EVENTS
        self._shown_index: int | None = None  # the step the panel shows

    def use_lessons(self, lessons: Sequence[Lesson]) -> None:
        """The same lessons in another language: the same lesson, at the same step."""
        if [lesson.id for lesson in lessons] != [lesson.id for lesson in self.lessons]:
            raise ValueError("not the same lessons")
        self.lessons = lessons
        self.run.lesson = lessons[self.number]
        self._shown_index = None  # the panel must draw it again

    def note_event(self, event: LabEvent) -> None:
        self.events.append(event)
        if len(self.events) > self._trim_at:
            self._let_old_lines_go()

    def _let_old_lines_go(self) -> None:
        """Keep every event but the oldest Output lines: the newest MOST_EVENTS // 2 stay
        (a goal reads what was printed, and the few events that changed the processes)."""
        lines = [n for n, event in enumerate(self.events) if isinstance(event, Output)]
        going = set(lines[:max(0, len(lines) - MOST_EVENTS // 2)])
        self.events = [event for n, event in enumerate(self.events) if n not in going]
        self._trim_at = max(MOST_EVENTS, 2 * len(self.events))  # never a trim per event

    @property
    def at_end(self) -> bool:
        """On the last step (or finished): ] goes on to the next lesson, if there is one."""
        return self.run.finished or self.run.index == len(self.run.lesson.steps) - 1

    def next_lesson(self) -> int | None:
        return self.number + 1 if self.number + 1 < len(self.lessons) else None

    def forward(self) -> bool:
        """Skip to the next step of this lesson; False on its last step."""
        if self.at_end or not self.run.forward():
            return False
        self.events = []
        return True

    def back(self) -> bool:
        if not self.run.back():
            return False
        self.events = []
        return True

    def check(self, seen: Seen) -> bool:
        """Move on if the real state has reached the step's goal. True if the panel must
        show the lesson again (a new step, or the lesson finished)."""
        progress = Progress(events=self.events, processes=seen.processes, procs=seen.procs, own_pid=seen.own_pid,
                            step=seen.step, start_method=seen.start_method, join_blocked_in=seen.join_blocked_in,
                            past_procs=seen.past_procs, timeline_pid=seen.timeline_pid)
        was_finished = self.run.finished
        if self.run.check(progress):
            self.events = []
        return self.run.finished != was_finished or self.run.index != self._shown_index

    def shown(self) -> LessonRun:
        """The run, for the panel to show; from now on, its step counts as shown."""
        self._shown_index = self.run.index
        return self.run
