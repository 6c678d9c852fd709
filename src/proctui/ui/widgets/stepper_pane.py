"""The code viewer: where the stepped join() is, what it holds, and what the step means."""

from __future__ import annotations

import os

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from proctui.core.step_session import StepView
from proctui.ui import actions
from proctui.ui.actions import Pane
from proctui.ui.widgets.code_view import CodeView
from proctui.ui.widgets.frame_view import FrameView


def short_path(filename: str) -> str:
    """multiprocessing/popen_fork.py rather than a full path into the stdlib."""
    parent, name = os.path.split(filename)
    return f"{os.path.basename(parent)}/{name}"


class StepperPane(Vertical, can_focus=True):
    BINDINGS = actions.bindings(Pane.STEPPER)

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

    def compose(self) -> ComposeResult:
        yield self.code_view
        yield self.frame_view
        yield self.note

    def show_step(self, view: StepView) -> None:
        step = view.step
        frame = step.frame
        self.code_view.show(view.lines, view.first_line, frame.lineno, failed=step.kind == "exception")
        self.frame_view.show(step.stack)
        self.note.update(Text(view.note))
        where = f"{short_path(frame.filename)}:{frame.lineno}"
        state = {"done": "finished", "exception": "failed"}.get(step.kind, f"step {view.number}")
        self.border_title = f"{view.subject} · {where} · {state}"
        self.border_subtitle = "n next · c continue · esc close" if step.kind not in ("done", "exception") else "esc close"

    def show_blocked(self, call: str) -> None:
        self.note.update(
            Text(f"Blocked in the kernel inside {call}: the child is still running. "
                 "The app stays usable: press t or x on the child to end it.", style="bold")
        )
