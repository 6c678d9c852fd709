"""The lesson under way (l, ], [): which lesson, at which step, in which language, drawn in
the lesson panel and moved on when the real state reaches its step's goal.

The main screen owns one and hands it what it sees (events, the snapshot, the stepped
join); the guide keeps the LessonSession and tells the panel what to show.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator

from textual.app import SystemCommand

from proctui.core.i18n import words
from proctui.core.lab.lab import LabEvent
from proctui.core.teaching.lesson_session import LessonSession
from proctui.core.teaching.lessons import Lesson, LessonRun, load_lessons
from proctui.ui.widgets.lesson_panel import LessonPanel


class LessonGuide:
    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.session: LessonSession | None = None
        self.panel: LessonPanel | None = None  # given once the screen has composed it
        #: Told each step once, as it is first shown ("lesson Zombies, step 2 of 5: ..."):
        #: a recording marks it, so that a player pauses there.
        self.on_step: Callable[[str], object] | None = None
        self._step_said: tuple[str, int] | None = None
        self._lessons: dict[str, tuple[Lesson, ...]] = {}

    @property
    def lessons(self) -> tuple[Lesson, ...]:
        """Read from the data files when first needed (l, ctrl+p), not at start."""
        if self.lang not in self._lessons:
            self._lessons[self.lang] = load_lessons(self.lang)
        return self._lessons[self.lang]

    @property
    def run(self) -> LessonRun | None:
        return self.session.run if self.session is not None else None

    def palette_commands(self, start: Callable[[int], object]) -> Iterator[SystemCommand]:
        """A command palette entry per lesson: start(its index) starts it."""
        _ = words(self.lang)
        for index, lesson in enumerate(self.lessons):
            yield SystemCommand(_("Lesson: {title}").format(title=lesson.title), lesson.steps[0].do,
                                functools.partial(start, index))

    def set_language(self, lang: str) -> None:
        """The same lesson goes on, at the same step, in lang."""
        self.lang = lang
        if self.session is not None:
            self.session.use_lessons(self.lessons)
            self.show()

    def start(self, index: int) -> None:
        self.session = LessonSession(self.lessons, index)
        self.show()

    def leave(self) -> None:
        self.session = None

    def note_event(self, event: LabEvent) -> None:
        if self.session is not None:
            self.session.note_event(event)

    def forward(self) -> bool:
        """] : the next step, or on the last one the next lesson; True if a lesson started
        (its first step's goal may already be met)."""
        session = self.session
        if session is None:
            return False
        if session.at_end:
            following = session.next_lesson()
            if following is not None:
                self.start(following)
                return True
        elif session.forward():
            self.show()
        return False

    def back(self) -> None:
        if self.session is not None and self.session.back():
            self.show()

    def show(self) -> None:
        if self.session is not None and self.panel is not None:
            run = self.session.shown()
            self.panel.show_run(run, self.lang, self.session.number)
            if self.on_step is not None and self._step_said != (run.lesson.id, run.index):
                self._step_said = (run.lesson.id, run.index)
                _ = words(self.lang)
                self.on_step(_("lesson {title}, step {number} of {count}: {do}").format(
                    title=run.lesson.title, number=run.index + 1, count=len(run.lesson.steps), do=run.step.do))
