"""Ask which exit code the next zombie should leave behind."""

from __future__ import annotations

from proctui.core.i18n import words
from proctui.ui.dialogs.number_prompt import NumberPromptScreen, NumberQuestion


class ExitCodeScreen(NumberPromptScreen):
    def __init__(self, lang: str = "en") -> None:
        _ = words(lang)
        super().__init__(NumberQuestion(name="exit-code", title=_("leave a zombie"),
                                        question=_("Exit code for the child (0-255), then Enter:"), value=3,
                                        failure=_("an exit code is a whole number from 0 to 255"), minimum=0,
                                        maximum=255))
