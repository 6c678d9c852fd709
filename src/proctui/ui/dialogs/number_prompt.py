"""A modal question answered with a whole number (an exit code, a line number): the
number, or None for esc; a value out of range is said under the input, in the user's
language, and the question stays."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.validation import Integer
from textual.widgets import Input, Label

from proctui.core.i18n import N_
from proctui.ui.dialogs.answer_once import AnswerOnceScreen


class NumberPromptScreen(AnswerOnceScreen):
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="number-prompt.cancel")]

    DEFAULT_CSS = """
    NumberPromptScreen { align: center middle; }
    NumberPromptScreen > Vertical {
        width: 60; max-width: 100%; height: auto; border: round $accent; background: $surface; padding: 0 1;
    }
    NumberPromptScreen Label.error { color: $error; }
    """

    def __init__(self, *, name: str, title: str, question: str, value: int, failure: str,
                 minimum: int, maximum: int | None = None) -> None:
        """name: the input's id (the error line's is name-error); the texts are said already."""
        super().__init__()
        self._name = name
        self._title = title
        self._question = question
        self._value = value
        # Our own failure text: Integer's default is Textual's English.
        self._validator = Integer(minimum=minimum, maximum=maximum, failure_description=failure)

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self._title
            yield Label(self._question)
            yield Input(value=str(self._value), validators=[self._validator], id=self._name)
            yield Label("", id=f"{self._name}-error", classes="error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        result = event.validation_result
        if result is not None and not result.is_valid:
            self.query_one(f"#{self._name}-error", Label).update("; ".join(result.failure_descriptions))
            return
        self._close(int(event.value))
