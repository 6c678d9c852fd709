"""The lesson under way: what to do, why, and what to look at."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from proctui.core.i18n import words
from proctui.core.teaching.lessons import LessonRun


class LessonPanel(Static):
    DEFAULT_CSS = """
    LessonPanel {
        height: auto; max-height: 8; border: round $success; border-title-align: left;
        padding: 0 1;
    }
    """

    #: The code viewer is open too: show only what to do and what to look at.
    compact: reactive[bool] = reactive(False, repaint=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: tuple[LessonRun, str, int] | None = None

    def show_run(self, run: LessonRun, lang: str, number: int) -> None:
        self._shown = (run, lang, number)
        self._draw()

    def watch_compact(self) -> None:
        self._draw()

    def _draw(self) -> None:
        if self._shown is None:
            return
        run, lang, _number = self._shown
        _ = words(lang)
        step = run.step
        total = len(run.lesson.steps)
        position = _("step {n}/{total}").format(n=run.index + 1, total=total)
        self.border_title = f"{run.lesson.title} · {position}"
        self.border_subtitle = _("] next · [ back · l leave")
        text = Text()
        if not self.compact:
            text.append(step.say + "\n")
        text.append(_("Do: "), style="bold")
        text.append(step.do + "\n", style="bold")
        text.append(_("Look: "), style="italic")
        text.append(step.look, style="italic")
        if run.finished:
            text.append("\n" + _("Lesson complete. ] starts the next one · l chooses another"), style="bold green")
        self.update(text)
