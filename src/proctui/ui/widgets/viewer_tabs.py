"""One line above a script's viewers when more of them are open than fit side by side:
every viewer's label, PID and where it is (the line it is paused at, or that it runs),
the focused one marked, those not shown now dimmed. Tab in a viewer goes to the next one,
and shows it."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from proctui.core.i18n import words


@dataclass(frozen=True)
class ViewerTab:
    pid: int
    label: str
    line: int | None  # where it is paused; None while it runs
    shown: bool  # side by side now
    focused: bool


class ViewerTabs(Static):
    DEFAULT_CSS = """
    ViewerTabs { height: 1; width: 1fr; }
    """

    def show_tabs(self, tabs: list[ViewerTab], language: str) -> None:
        self.update(tabs_line(tabs, self.size.width or 80, language))


def _tab_text(tab: ViewerTab, language: str) -> str:
    _ = words(language)
    where = f":{tab.line}" if tab.line is not None else " " + _("runs")
    return f" {tab.label} {tab.pid}{where} "


def tabs_line(tabs: list[ViewerTab], width: int, language: str) -> Text:
    """The tabs that fit in width around the focused one (or the first shown), with how
    many are left out on each side ("‹3", "2›")."""
    _ = words(language)
    texts = [_tab_text(tab, language) for tab in tabs]
    middle = next((n for n, tab in enumerate(tabs) if tab.focused),
                  next((n for n, tab in enumerate(tabs) if tab.shown), 0))
    first, last = middle, middle  # the window grows around the middle while it fits
    used = len(texts[middle]) if texts else 0
    room = max(0, width - 6)  # the counts at both ends
    while True:
        grew = False
        if last + 1 < len(texts) and used + len(texts[last + 1]) + 1 <= room:
            last += 1
            used += len(texts[last]) + 1
            grew = True
        if first > 0 and used + len(texts[first - 1]) + 1 <= room:
            first -= 1
            used += len(texts[first]) + 1
            grew = True
        if not grew:
            break
    line = Text(no_wrap=True, overflow="ellipsis")
    if first > 0:
        line.append(f"‹{first} ", style="bold")
    for n in range(first, last + 1):
        tab = tabs[n]
        style = "reverse bold" if tab.focused else ("bold" if tab.shown else "dim")
        if n > first:
            line.append("│", style="dim")
        line.append(texts[n], style=style)
    if last + 1 < len(tabs):
        line.append(f" {len(tabs) - last - 1}›", style="bold")
    line.append("  " + _("Tab: next viewer"), style="dim")
    return line
