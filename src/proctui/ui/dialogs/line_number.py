"""Ask on which line of a file to set or clear a breakpoint (pdb's b)."""

from __future__ import annotations

from proctui.core.i18n import words
from proctui.ui.dialogs.number_prompt import NumberPromptScreen, NumberQuestion


class LineNumberScreen(NumberPromptScreen):
    def __init__(self, line: int, where: str, lang: str = "en") -> None:
        _ = words(lang)
        question = _("Set or clear a breakpoint on which line of {file}? Then Enter:").format(file=where)
        super().__init__(NumberQuestion(name="line-number", title=_("breakpoint"), question=question, value=line,
                                        failure=_("a line number is a whole number from 1"), minimum=1))
