"""A modal question answered with a whole number (an exit code, a line number): the
number, or None for esc; a value out of range is said under the input, in the user's
language, and the question stays."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.validation import Integer
from textual.widgets import Input, Label

from proctui.core.i18n import N_
from proctui.ui.dialogs.answer_once import AnswerOnceScreen


@dataclass(frozen=True)
class NumberQuestion:
    """What the prompt asks; the texts are said already (in the user's language)."""

    name: str  # the input's id (the error line's is name-error)
    title: str
    question: str
    value: int  # the answer offered
    failure: str  # what is said of a number out of range
    minimum: int
    maximum: int | None = None


class NumberPromptScreen(AnswerOnceScreen):
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="number-prompt.cancel")]

    DEFAULT_CSS = """
    NumberPromptScreen { align: center middle; }
    NumberPromptScreen > Vertical {
        width: 60; max-width: 100%; height: auto; border: round $accent; background: $surface; padding: 0 1;
    }
    NumberPromptScreen Label.error { color: $error; }
    """

    def __init__(self, asked: NumberQuestion) -> None:
        super().__init__()
        self._asked = asked
        # Our own failure text: Integer's default is Textual's English.
        self._validator = Integer(minimum=asked.minimum, maximum=asked.maximum, failure_description=asked.failure)

    def compose(self) -> ComposeResult:
        asked = self._asked
        with Vertical() as box:
            box.border_title = asked.title
            yield Label(asked.question)
            yield Input(value=str(asked.value), validators=[self._validator], id=asked.name)
            yield Label("", id=f"{asked.name}-error", classes="error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        result = event.validation_result
        if result is not None and not result.is_valid:
            self.query_one(f"#{self._asked.name}-error", Label).update("; ".join(result.failure_descriptions))
            return
        self._close(int(event.value))
