"""The code viewer: where the stepped join() is, what it holds, and what the step means."""

from __future__ import annotations

import os

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from proctui.core.stepper import Step
from proctui.ui.widgets.code_view import CodeView
from proctui.ui.widgets.frame_view import FrameView


def short_path(filename: str) -> str:
    """multiprocessing/popen_fork.py rather than a full path into the stdlib."""
    parent, name = os.path.split(filename)
    return f"{os.path.basename(parent)}/{name}"


class StepperPane(Vertical, can_focus=True):
    BINDINGS = [
        Binding("n", "app.step_next", "Next", id="step-next", tooltip="run to the next step of join()"),
        Binding("c", "app.step_continue", "Cont", id="step-continue", tooltip="continue to the end of join()"),
        Binding("t", "app.terminate_stepped", "Term", show=False, id="stepped-terminate",
                tooltip="terminate() the child being joined: SIGTERM"),
        Binding("x", "app.kill_stepped", "Kill", show=False, id="stepped-kill",
                tooltip="kill() the child being joined: SIGKILL"),
        Binding("escape", "app.close_stepper", "Close", id="stepper-close", tooltip="close the code viewer"),
    ]

    DEFAULT_CSS = """
    StepperPane { height: 1fr; min-height: 9; border: round $secondary; border-title-align: left; }
    StepperPane:focus { border: round $accent-lighten-2; }
    StepperPane > #step-note { height: auto; max-height: 4; color: $text; text-style: italic; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.code_view = CodeView(id="code")
        self.frame_view = FrameView(id="frame")
        self.note = Static(id="step-note")
        self.steps_taken = 0
        self.subject = ""

    def compose(self) -> ComposeResult:
        yield self.code_view
        yield self.frame_view
        yield self.note

    def begin(self, subject: str) -> None:
        """A new join is being stepped; subject says which, e.g. 'zombie-1.join()'."""
        self.subject = subject
        self.steps_taken = 0

    def show_step(self, step: Step, sources: dict[str, tuple[list[str], int]], note: str) -> None:
        self.steps_taken += 1
        frame = step.frame
        lines, first = sources.get(frame.func, ([], frame.lineno))
        self.code_view.show(lines, first, frame.lineno, failed=step.kind == "exception")
        self.frame_view.show(step.stack)
        self.note.update(Text(note))
        where = f"{short_path(frame.filename)}:{frame.lineno}"
        state = {"done": "finished", "exception": "failed"}.get(step.kind, f"step {self.steps_taken}")
        self.border_title = f"{self.subject} · {where} · {state}"
        self.border_subtitle = "n next · c continue · esc close" if step.kind not in ("done", "exception") else "esc close"

    def show_blocked(self, call: str) -> None:
        self.note.update(
            Text(f"Blocked in the kernel inside {call}: the child is still running. "
                 "The app stays usable: press t or x on the child to end it.", style="bold")
        )
