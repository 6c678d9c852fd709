"""The help screen: every key, generated from the bindings themselves so it cannot drift."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from proctui.core.i18n import N_, words

INTRO = N_(
    "proctui starts real child processes with Python's multiprocessing and shows them "
    "as the kernel sees them (/proc). Select a row with the arrows, then act on it. "
    "Only lab processes (the ones proctui started) can be signalled or joined."
)


KeyHelp = list[tuple[str, list[tuple[str, str]]]]


def keys_table(groups: KeyHelp) -> Group:
    """A heading and a two-column table per group (one table would size its key column
    by the longest heading)."""
    parts: list[Text | Table] = []
    for title, rows in groups:
        parts.append(Text(title, style="bold underline"))
        table = Table(box=None, show_header=False, padding=(0, 1), expand=False)
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        for key, what in rows:
            table.add_row(Text(key), Text(what))  # plain text: "[sentinel]" is not markup
        parts.append(table)
    return Group(*parts)


def glossary_table(glossary: dict[str, str], heading: str) -> Group:
    table = Table(box=None, show_header=False, padding=(0, 1), expand=False)
    table.add_column(style="bold", no_wrap=True)
    # fold: Chinese has no spaces to wrap at, and Rich would cut a long meaning with "…".
    table.add_column(overflow="fold")
    for term, meaning in glossary.items():
        table.add_row(term, meaning)
    return Group(Text(heading, style="bold underline"), table)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", N_("Close"), id="help.close"),
        Binding("question_mark", "dismiss", N_("Close"), show=False, id="help.close-again"),
        Binding("q", "dismiss", N_("Close"), show=False, id="help.close-q"),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, groups: KeyHelp, glossary: dict[str, str], lang: str) -> None:
        super().__init__()
        self._groups = groups
        self._glossary = glossary
        self._ = words(lang)

    def compose(self) -> ComposeResult:
        _ = self._
        with VerticalScroll() as scroll:
            scroll.border_title = _("help: keys (esc to close)")
            yield Static(_(INTRO), classes="intro")
            yield Static(keys_table(self._groups), id="help-keys")
            yield Static(glossary_table(self._glossary, _("glossary")), id="help-glossary")
