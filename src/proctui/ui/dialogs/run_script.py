"""Ask for a script to run (r, or the palette's "Run a script…"), with paths completed."""

from __future__ import annotations

import os
import shlex

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label

from proctui.core.i18n import N_, words
from proctui.core.script.runner import ScriptToRun, parse_run


class PathSuggester(Suggester):
    """Completes the path being typed from what is on disk (→ or End takes it), as a shell's Tab would."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return complete_path(value)


def complete_path(value: str) -> str | None:
    """The first name on disk that completes the path typed (a directory gets its /): the
    script's, or --python's. One listdir of a local directory: quick enough to run between
    two key presses."""
    head, _, partial = value.rpartition(" ")
    if not _before_the_file(head.split(" ") if head else []):
        return None  # the script's arguments are not paths of ours
    completed = _complete(partial)
    return None if completed is None else f"{head} {completed}" if head else completed


def _before_the_file(words_typed: list[str]) -> bool:
    """Whether the words typed so far are only run's options: the next is the script's
    path (or --python's)."""
    rest = list(words_typed)
    while rest:
        word = rest.pop(0)
        if word == "--python":
            if not rest:
                return True  # --python's own path comes next
            rest.pop(0)
        elif word != "-O" and not word.startswith("--python="):
            return False
    return True


def _complete(partial: str) -> str | None:
    directory, prefix = os.path.split(partial)
    try:
        names = sorted(name for name in os.listdir(os.path.expanduser(directory) or ".")
                       if name.startswith(prefix) and not name.startswith("."))
    except OSError:
        return None
    if not names:
        return None
    name = names[0]
    if os.path.isdir(os.path.join(os.path.expanduser(directory) or ".", name)):
        name += "/"
    return os.path.join(directory, name)


class RunScriptScreen(ModalScreen[ScriptToRun | None]):
    """Answers what to run, as ``proctui run`` takes it (``[--python PYTHON] [-O] FILE
    [ARGS...]``), or None."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="run-script.cancel")]

    DEFAULT_CSS = """
    RunScriptScreen { align: center middle; }
    RunScriptScreen > Vertical {
        width: 74; max-width: 100%; height: auto; border: round $accent; background: $surface; padding: 0 1;
    }
    RunScriptScreen Label.error { color: $error; }
    """

    def __init__(self, lang: str = "en") -> None:
        super().__init__()
        self._ = words(lang)
        self._answered = False

    def compose(self) -> ComposeResult:
        _ = self._
        with Vertical() as box:
            box.border_title = _("run a script")
            yield Label(_("A Python file and its arguments, as proctui run takes them: [--python PYTHON] [-O] "
                          "FILE [ARGS...] (→ completes a path), then Enter:"))
            yield Input(placeholder="examples/01_process.py", suggester=PathSuggester(), id="script-path")
            yield Label("", id="script-path-error", classes="error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            words_typed = shlex.split(event.value)
        except ValueError as error:  # an unclosed quote
            self.query_one("#script-path-error", Label).update(str(error))
            return
        if not words_typed:
            self.query_one("#script-path-error", Label).update(self._("type the path of a script"))
            return
        try:
            answer = parse_run(words_typed)
        except ValueError as missing:  # -O alone, --python without its PYTHON
            self.query_one("#script-path-error", Label).update(self._(str(missing)))
            return
        self._close(answer)

    def action_cancel(self) -> None:
        self._close(None)

    def _close(self, answer: ScriptToRun | None) -> None:
        if not self._answered:  # keys typed ahead may submit twice: answer once
            self._answered = True
            self.dismiss(answer)
