"""The lesson under way: what to do, why, and what to look at."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from proctui.core.lessons import LessonRun

# Words of the panel itself, in the lesson's language.
_WORDS = {
    "en": {"step": "step {n}/{total}", "do": "Do", "look": "Look", "keys": "] next · [ back · l leave",
           "done": "Lesson complete. ] starts the next one · l chooses another"},
    "zh": {"step": "第 {n}/{total} 步", "do": "做", "look": "看", "keys": "] 下一步 · [ 上一步 · l 离开",
           "done": "本课完成。] 开始下一课 · l 选择其他课程"},
}


class LessonPanel(Static):
    DEFAULT_CSS = """
    LessonPanel {
        height: auto; max-height: 8; border: round $success; border-title-align: left;
        padding: 0 1;
    }
    """

    def show_run(self, run: LessonRun, lang: str, number: int, compact: bool) -> None:
        """compact: the code viewer is open too; show only what to do and what to look at."""
        words = _WORDS[lang]
        step = run.step
        total = len(run.lesson.steps)
        position = words["step"].format(n=run.index + 1, total=total)
        self.border_title = f"{run.lesson.title} · {position}"
        self.border_subtitle = words["keys"]
        text = Text()
        if not compact:
            text.append(step.say + "\n")
        text.append(f"{words['do']}: ", style="bold")
        text.append(step.do + "\n", style="bold")
        text.append(f"{words['look']}: ", style="italic")
        text.append(step.look, style="italic")
        if run.finished:
            text.append("\n" + words["done"], style="bold green")
        self.update(text)
