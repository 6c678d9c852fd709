"""Ask on which line of a file to set or clear a breakpoint (pdb's b)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.validation import Integer
from textual.widgets import Input, Label

from proctui.core.i18n import N_, words
from proctui.ui.screens.answer_once import AnswerOnceScreen


class LineNumberScreen(AnswerOnceScreen):
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="line-number.cancel")]

    DEFAULT_CSS = """
    LineNumberScreen { align: center middle; }
    LineNumberScreen > Vertical {
        width: 50; height: auto; border: round $accent; background: $surface; padding: 0 1;
    }
    LineNumberScreen Label.error { color: $error; }
    """

    def __init__(self, line: int, where: str, lang: str = "en") -> None:
        super().__init__()
        self._line = line
        self._where = where
        self._ = words(lang)

    def compose(self) -> ComposeResult:
        _ = self._
        with Vertical() as box:
            box.border_title = _("breakpoint")
            yield Label(_("Set or clear a breakpoint on which line of {file}? Then Enter:").format(file=self._where))
            line = Integer(minimum=1, failure_description=_("a line number is a whole number from 1"))
            yield Input(value=str(self._line), validators=[line], id="line-number")
            yield Label("", id="line-number-error", classes="error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        result = event.validation_result
        if result is not None and not result.is_valid:
            self.query_one("#line-number-error", Label).update("; ".join(result.failure_descriptions))
            return
        self._close(int(event.value))
