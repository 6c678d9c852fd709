"""Ask which exit code the next zombie should leave behind."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.validation import Integer
from textual.widgets import Input, Label

from proctui.core.i18n import N_, words
from proctui.ui.screens.answer_once import AnswerOnceScreen


class ExitCodeScreen(AnswerOnceScreen):
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="exit-code.cancel")]

    DEFAULT_CSS = """
    ExitCodeScreen { align: center middle; }
    ExitCodeScreen > Vertical {
        width: 50; height: auto; border: round $accent; background: $surface; padding: 0 1;
    }
    ExitCodeScreen Label.error { color: $error; }
    """

    def __init__(self, lang: str = "en") -> None:
        super().__init__()
        self._ = words(lang)

    def compose(self) -> ComposeResult:
        _ = self._
        with Vertical() as box:
            box.border_title = _("leave a zombie")
            yield Label(_("Exit code for the child (0-255), then Enter:"))
            # Our own failure text: Integer's default is Textual's English.
            exit_code = Integer(minimum=0, maximum=255,
                                failure_description=_("an exit code is a whole number from 0 to 255"))
            yield Input(value="3", validators=[exit_code], id="exit-code")
            yield Label("", id="exit-code-error", classes="error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        result = event.validation_result
        if result is not None and not result.is_valid:
            self.query_one("#exit-code-error", Label).update("; ".join(result.failure_descriptions))
            return
        self._close(int(event.value))
