"""The outcome of each question, and the transcript a student can hand in."""

from __future__ import annotations

from dataclasses import dataclass

from proctui.core.i18n import words
from proctui.core.practice.model import Ask, Exercise, Move
from proctui.core.practice.questions import Question


@dataclass
class Outcome:
    """One question asked, answered and marked against what really happened."""

    move: Move
    question: Question
    answer: str | None  # what the learner chose (None: not asked)
    real: str  # what /proc and the processes said
    correct: bool | None  # None: nothing was asked
    tree_before: str = ""
    tree_after: str = ""


def transcript(exercise: Exercise, outcomes: list[Outcome], lang: str) -> str:
    """The exercise as Markdown a student can hand in: each question, the answer, and
    what the kernel said."""
    _ = words(lang)
    asked = [o for o in outcomes if o.correct is not None]
    right = sum(1 for o in asked if o.correct)
    out = ["# " + _("proctui practice: {title}").format(title=exercise.title), ""]
    facts = [_("mode: {mode}").format(mode=exercise.mode.value)]
    if exercise.seed is not None:
        facts.append(_("seed: {seed}").format(seed=exercise.seed))
    facts.append(_("score: {right} of {asked}").format(right=right, asked=len(asked)))
    out += [" · ".join(facts), ""]
    for number, outcome in enumerate(outcomes, 1):
        out.append(f"## {number}. {outcome.move.act.describe(lang)}")
        out.append("")
        if outcome.correct is None:
            out += [_("(no question)"), ""]
            continue
        out.append(f"**{outcome.question.text(outcome.move.act, lang)}**")
        out.append("")
        if outcome.question.ask in (Ask.TREE, Ask.ACTION):
            if outcome.tree_before and outcome.question.ask is Ask.ACTION:
                out += [_("Before:"), "", "```", outcome.tree_before, "```", ""]
            out += [_("Answer:"), "", "```", outcome.answer or "", "```", ""]
            out += [_("What the kernel said:"), "", "```", outcome.real, "```", ""]
        else:
            out.append(_("Answer: {answer} · what the kernel said: {real}").format(
                answer=outcome.answer, real=outcome.real))
            out.append("")
        out += [_("right") if outcome.correct else _("wrong"), ""]
    return "\n".join(out)
