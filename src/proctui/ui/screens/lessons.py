"""Choose a lesson."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from proctui.core.i18n import N_
from proctui.core.teaching.lessons import Lesson
from proctui.ui.dialogs.answer_once import AnswerOnceScreen


class LessonPicker(AnswerOnceScreen):
    """Returns the index of the chosen lesson, or None."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="lessons.cancel"),
                Binding("l", "cancel", N_("Cancel"), show=False, id="lessons.close")]

    DEFAULT_CSS = """
    LessonPicker { align: center middle; }
    LessonPicker > Vertical {
        width: 70; max-width: 100%; height: auto; max-height: 100%;
        border: round $success; background: $surface;
    }
    LessonPicker OptionList { height: auto; max-height: 16; border: none; }
    """

    def __init__(self, lessons: tuple[Lesson, ...], title: str) -> None:
        super().__init__()
        self._lessons = lessons
        self._title = title

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self._title
            yield OptionList(*[Option(lesson.title, id=lesson.id) for lesson in self._lessons])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._close(event.option_index)
