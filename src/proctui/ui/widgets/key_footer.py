"""The footer: Textual's Footer, rebuilt only when the keys it shows have changed."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """Footer rebuilds all its keys (some thirty widgets here) at every change of the
    active bindings, even when the keys shown stay the same; at start-up three such
    changes come in a row (auto-focus, screen resume, an idle callback), and the
    rebuilds cost 120 ms before the first full frame. This one rebuilds once per burst,
    and only if what it would show differs from what it shows.
    """

    _rebuild_pending = False
    _shown: tuple | None = None

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True  # as Footer.bindings_changed: compose shows keys from now on
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    def compose(self):
        # Footer shows nothing until its first bindings change, one frame after the
        # screen's first: by now the screen has focused its first widget, so the keys
        # are known, and the change that follows finds them already shown.
        self._bindings_ready = True
        self._shown = self._keys_to_show()
        yield from super().compose()

    def _keys_to_show(self) -> tuple:
        """What compose() would draw: each shown binding, whether it is enabled, its tooltip."""
        return tuple(
            (binding.key, binding.action, binding.description, binding.key_display, enabled, tooltip)
            for _node, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show
        )

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        keys = self._keys_to_show()
        if keys == self._shown:
            return
        self._shown = keys
        await self.recompose()
