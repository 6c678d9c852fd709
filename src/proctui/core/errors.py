"""What the core raises when it refuses or the system fails: the refusal, as data.

The UI catches these and says ``error.refusal`` in the user's language
(``teaching.render``); ``str()`` of one is the English sentence, for a traceback or a
test. They live apart from ``events``, which is pure data and imports nothing of the
project, because saying a refusal needs the renderer.
"""

from __future__ import annotations

from typing import Any

from proctui.core.events import Refusal, Refused


class RefusedError(Exception):
    """Nothing was done, and ``refusal`` says why."""

    def __init__(self, refusal: Refused) -> None:
        super().__init__(refusal)
        self.refusal = refusal

    def __str__(self) -> str:
        # Imported when said, not when raised: the renderer's sentences name facts of
        # modules (the script runner's accepted Pythons) that raise these errors.
        from proctui.core.teaching.render import render

        return render(self.refusal)


class LabError(RefusedError):
    """An operation the Lab refused or the system failed: nothing was done."""


def refuse(reason: Refusal, **facts: Any) -> LabError:
    """``raise refuse(Refusal.TOO_MANY, count=3, limit=2)``."""
    return LabError(Refused(reason=reason, **facts))
