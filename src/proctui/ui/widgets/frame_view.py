"""The call stack (join > wait > poll) and the current frame's locals, on a few lines."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from proctui.core.i18n import words
from proctui.core.stepping.stepper import Frame

# Locals that hold a wait status: show the hex the W* macros take apart.
_STATUS_NAMES = ("sts", "status")


def describe_stack_and_locals(stack: list[tuple[str, int]], local_values: dict[str, str], lang: str = "en",
                              hidden: int = 0) -> Text:
    """Two lines: the stack, outermost first (func:line › ...), and the innermost frame's
    locals, already described (never by their repr: repr of a Process reaps). hidden:
    how many outer frames are left out (shown as "…")."""
    _ = words(lang)
    stack_label, locals_label = _("stack"), _("locals")
    width = max(cell_len(stack_label), cell_len(locals_label)) + 1  # the values line up
    text = Text()
    text.append(stack_label + " " * (width - cell_len(stack_label)), style="dim")
    if hidden:
        text.append("… › ", style="dim")
    for depth, (func, lineno) in enumerate(stack):
        if depth:
            text.append(" › ", style="dim")
        text.append(func, style="bold" if depth == len(stack) - 1 else "")
        text.append(f":{lineno}", style="dim")
    text.append("\n" + locals_label + " " * (width - cell_len(locals_label)), style="dim")
    shown = Text()
    for name, value in local_values.items():
        if shown:
            shown.append("  ")
        shown.append(name, style="bold")
        shown.append(f"={value}")
    text.append_text(shown or Text(_("(none)"), style="dim"))
    return text


class FrameView(Static):
    DEFAULT_CSS = """
    FrameView { height: auto; max-height: 4; }
    """

    def show(self, stack: tuple[Frame, ...], lang: str = "en") -> None:
        local_values = {}
        if stack:
            for name, value in stack[-1].locals.items():
                if name in _STATUS_NAMES and value.lstrip("-").isdigit():
                    local_values[name] = f"{value} ({int(value):#06x})"  # the hex the W* macros take apart
                else:
                    local_values[name] = value
        self.update(describe_stack_and_locals([(frame.func, frame.lineno) for frame in stack], local_values, lang))
