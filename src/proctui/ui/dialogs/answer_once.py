"""A modal question that is answered once, however many keys were typed ahead."""

from __future__ import annotations

from textual.screen import ModalScreen


class AnswerOnceScreen(ModalScreen[int | None]):
    """Answers with an int, or None for cancel (its subclasses bind a key to cancel).

    Keys typed ahead (one read over SSH can carry several) can select, submit or cancel
    again before the screen is gone; a second dismiss() would pop the screen below it.
    """

    _answered = False

    def action_cancel(self) -> None:
        self._close(None)

    def _close(self, result: int | None) -> None:
        if not self._answered:
            self._answered = True
            self.dismiss(result)
