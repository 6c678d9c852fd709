"""The footer: Textual's Footer in the user's language, rebuilt only when the keys it
shows have changed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from proctui.core.i18n import words


class KeyFooter(Footer):
    """Footer rebuilds all its keys (some thirty widgets here) at every change of the
    active bindings, even when the keys shown stay the same; at start-up three such
    changes come in a row (auto-focus, screen resume, an idle callback), and the
    rebuilds cost 120 ms before the first full frame. This one rebuilds only if what it
    would show differs from what it shows.

    Only public parts of Footer are used: bindings_changed (what the screen's signal
    calls) and recompose (what bindings_changed schedules); FooterKey is what Footer
    yields, and its description and tooltip are put in the user's language here.
    """

    _shown: tuple[object, ...] | None = None

    def __init__(self, *, compact: bool = False, show_command_palette: bool = True, language: str = "en") -> None:
        super().__init__(compact=compact, show_command_palette=show_command_palette)
        self.language = language

    def set_language(self, language: str) -> None:
        self.language = language
        if self.is_mounted:
            self.call_later(self.recompose)

    def compose(self) -> ComposeResult:
        # Footer shows nothing until its first bindings change, one frame after the
        # screen's first. By now the screen has focused its first widget, so the keys
        # are known: say the bindings changed (which is what makes Footer show them),
        # and draw them in this very frame. The recompose it schedules finds them shown.
        super().bindings_changed(self.screen)
        self._shown = self._keys_to_show()
        _ = words(self.language)
        for widget in super().compose():
            # The bindings' descriptions and tooltips are the English message ids
            # (ui/actions.py); a FooterKey draws description when rendered.
            if isinstance(widget, FooterKey):
                widget.description = _(widget.description)
                if widget.tooltip:
                    widget.tooltip = _(str(widget.tooltip))
            yield widget

    def _keys_to_show(self) -> tuple[object, ...]:
        """What compose() would draw: each shown binding, whether it is enabled, its
        tooltip, in which language."""
        return (self.language, *(
            (binding.key, binding.action, binding.description, binding.key_display, enabled, tooltip)
            for _node, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show
        ))

    async def recompose(self) -> None:
        keys = self._keys_to_show()
        if keys == self._shown:
            return
        self._shown = keys
        await super().recompose()
