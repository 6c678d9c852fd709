"""The call stack (join > wait > poll) and the current frame's locals, on a few lines."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from proctui.core.i18n import words
from proctui.core.stepper import Frame

# Locals that hold a wait status: show the hex the W* macros take apart.
_STATUS_NAMES = ("sts", "status")


def describe_locals(frame: Frame, none: str = "(none)") -> Text:
    text = Text()
    for name, value in frame.locals.items():
        shown = value
        if name in _STATUS_NAMES and value.lstrip("-").isdigit():
            shown = f"{value} ({int(value):#06x})"
        if text:
            text.append("  ")
        text.append(name, style="bold")
        text.append(f"={shown}")
    return text or Text(none, style="dim")


class FrameView(Static):
    DEFAULT_CSS = """
    FrameView { height: auto; max-height: 4; }
    """

    def show(self, stack: tuple[Frame, ...], lang: str = "en") -> None:
        _ = words(lang)
        stack_label, locals_label = _("stack"), _("locals")
        width = max(cell_len(stack_label), cell_len(locals_label)) + 1  # the values line up
        text = Text()
        text.append(stack_label + " " * (width - cell_len(stack_label)), style="dim")
        for depth, frame in enumerate(stack):
            if depth:
                text.append(" › ", style="dim")
            text.append(frame.func, style="bold" if depth == len(stack) - 1 else "")
            text.append(f":{frame.lineno}", style="dim")
        text.append("\n" + locals_label + " " * (width - cell_len(locals_label)), style="dim")
        text.append_text(describe_locals(stack[-1], _("(none)")) if stack else Text(""))
        self.update(text)
