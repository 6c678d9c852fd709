"""Source of the function the join is in, with real line numbers and the current line marked."""

from __future__ import annotations

import textwrap

from rich.text import Text
from textual.widget import Widget

# Marks in the gutter: they carry the meaning where colour cannot (NO_COLOR, 16 colours).
CURRENT = "▶"
FAILED = "✗"
BREAK = "●"


class CodeView(Widget):
    """Shows a window of the source around the current line, which it keeps in view."""

    DEFAULT_CSS = """
    CodeView { height: 1fr; min-height: 3; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[Text] = []
        self._first_line = 1
        self._current: int | None = None
        self._failed = False
        self._breaks: frozenset[int] = frozenset()

    def show(self, source_lines: list[str], first_line: int, current: int | None, failed: bool = False,
             breaks: frozenset[int] = frozenset()) -> None:
        """source_lines as inspect.getsourcelines gives them; current is a file line number."""
        code = textwrap.dedent("".join(source_lines))
        from rich.syntax import Syntax  # pygments: imported at the first join, not at start

        highlighted = Syntax(code, "python", theme="ansi_dark").highlight(code)
        self._lines = highlighted.split("\n", allow_blank=True)[: len(source_lines)]
        self._first_line = first_line
        self._current = current
        self._failed = failed
        self._breaks = breaks
        self.refresh()

    def render(self) -> Text:
        if not self._lines:
            return Text("")
        height = max(1, self.size.height)
        index = (self._current - self._first_line) if self._current is not None else 0
        top = max(0, min(index - height // 2, len(self._lines) - height))
        shown = Text()
        width = len(str(self._first_line + len(self._lines)))
        for offset, line in enumerate(self._lines[top : top + height]):
            number = self._first_line + top + offset
            is_current = number == self._current
            mark = (FAILED if self._failed else CURRENT) if is_current else (BREAK if number in self._breaks else " ")
            gutter_style = ("bold red" if self._failed else "bold yellow") if is_current else "dim"
            shown.append(f"{mark}{number:>{width}} ", style=gutter_style)
            body = line.copy()
            # One source line per screen line: wrapping would break the numbering.
            body.truncate(max(1, self.size.width - width - 2), overflow="ellipsis")
            if is_current:
                body.stylize("reverse")
            shown.append_text(body)
            shown.append("\n")
        shown.rstrip()
        return shown
