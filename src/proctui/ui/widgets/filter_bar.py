"""The tree's filter (``/``): a line under the tree that filters it as you type."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from proctui.core.i18n import N_, words


class FilterBar(Input):
    """Typing filters the tree at once (``Input.Changed`` bubbles to the screen); Enter
    goes back to the tree with the filter kept; Esc clears it and goes back."""

    DEFAULT_CSS = """
    FilterBar, FilterBar:focus { display: none; height: 1; border: none; padding: 0 1; background: $boost; }
    FilterBar.-shown { display: block; }
    """
    BINDINGS = [Binding("escape", "clear", N_("Clear the filter"), id="filter.clear")]

    class Done(Message):
        """Enter or Esc: back to the tree (``cleared`` for Esc)."""

        def __init__(self, cleared: bool) -> None:
            super().__init__()
            self.cleared = cleared

    def set_language(self, lang: str) -> None:
        _ = words(lang)
        self.placeholder = _("filter: PID, name, label or command line · Enter keeps it · Esc clears it")

    def note(self, matches: list[int] | None, lang: str) -> str:
        """What the filter found, for the tree's border (matches None: no filter)."""
        _ = words(lang)
        text = self.value.strip()
        if not text or matches is None:
            return ""
        if matches:
            return _("/{text}: {count} found").format(count=len(matches), text=text)
        return _("/{text}: no process matches").format(text=text)

    def open(self) -> None:
        self.add_class("-shown")
        self.focus()

    def action_clear(self) -> None:
        self.value = ""
        self.remove_class("-shown")
        self.post_message(self.Done(cleared=True))

    async def action_submit(self) -> None:
        if not self.value:
            self.remove_class("-shown")
        self.post_message(self.Done(cleared=not self.value))
