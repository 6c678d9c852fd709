"""The call stack (join > wait > poll) and the current frame's locals, on a few lines."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from proctui.core.stepper import Frame

# Locals that hold a wait status: show the hex the W* macros take apart.
_STATUS_NAMES = ("sts", "status")


def describe_locals(frame: Frame) -> Text:
    text = Text()
    for name, value in frame.locals.items():
        shown = value
        if name in _STATUS_NAMES and value.lstrip("-").isdigit():
            shown = f"{value} ({int(value):#06x})"
        if text:
            text.append("  ")
        text.append(name, style="bold")
        text.append(f"={shown}")
    return text or Text("(none)", style="dim")


class FrameView(Static):
    DEFAULT_CSS = """
    FrameView { height: auto; max-height: 4; }
    """

    def show(self, stack: tuple[Frame, ...]) -> None:
        text = Text()
        text.append("stack  ", style="dim")
        for depth, frame in enumerate(stack):
            if depth:
                text.append(" › ", style="dim")
            text.append(frame.func, style="bold" if depth == len(stack) - 1 else "")
            text.append(f":{frame.lineno}", style="dim")
        text.append("\nlocals ", style="dim")
        text.append_text(describe_locals(stack[-1]) if stack else Text(""))
        self.update(text)
