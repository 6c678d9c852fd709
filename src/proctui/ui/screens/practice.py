"""Practice: predict, then see (``proctui practice``, or e in the app).

One screen for the whole exercise: the tree as the kernel has it now, the action about
to happen, the question and its numbered choices (trees side by side), then the verdict:
the answer beside what the kernel said. Actions run in a thread (each waits for the
kernel to show it), so the screen never freezes; the exercise's processes end when the
screen closes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Static

from proctui.core.i18n import N_, words
from proctui.core.lab.lab import Lab, LabError
from proctui.core.practice.model import Ask, Exercise, Mode, parse_tree_text
from proctui.core.practice.run import PracticeError, PracticeRun
from proctui.core.practice.transcript import Outcome, transcript
from proctui.core.teaching.render import render

#: How many choices a question can have (the keys 1-5).
_KEYS = ("1", "2", "3", "4", "5")


class PracticeScreen(Screen[None]):
    BINDINGS = [
        *(Binding(key, f"choose({index})", N_("Choose"), show=False, id=f"practice.choose-{key}")
          for index, key in enumerate(_KEYS)),
        Binding("enter", "next", N_("Next"), id="practice.next"),
        Binding("space", "next", N_("Next"), show=False, id="practice.next-space"),
        Binding("escape", "leave", N_("Leave"), id="practice.leave"),
    ]

    DEFAULT_CSS = """
    PracticeScreen { layout: vertical; }
    PracticeScreen #practice-head { height: 1; text-style: bold; background: $accent 30%; padding: 0 1; }
    PracticeScreen #practice-top { height: auto; max-height: 12; }
    PracticeScreen #practice-now { width: 30; height: auto; border: round $primary; padding: 0 1; }
    PracticeScreen #practice-ask { width: 1fr; height: auto; border: round $accent; padding: 0 1; }
    PracticeScreen #practice-choices { height: auto; max-height: 10; }
    PracticeScreen .practice-tree { width: 1fr; height: auto; border: round $secondary; padding: 0 1; }
    PracticeScreen .practice-tree.chosen { border: heavy $accent; }
    PracticeScreen #practice-verdict { height: auto; padding: 0 1; }
    PracticeScreen #practice-keys { dock: bottom; height: 1; color: $text-muted; padding: 0 1; }
    """

    def __init__(self, lab: Lab, exercise: Exercise, lang: str, transcript_path: str | None = None) -> None:
        super().__init__(id="practice")
        self.lab = lab
        self.exercise = exercise
        self.lang = lang
        self.transcript_path = transcript_path
        self.run: PracticeRun | None = None
        self.chosen: int | None = None
        self.busy = True  # the kernel is being asked: keys wait
        self.outcome: Outcome | None = None  # the last step's, while its verdict shows
        self.failed: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="practice-head")
        with Horizontal(id="practice-top"):
            yield Static("", id="practice-now")
            yield Static("", id="practice-ask")
        yield Horizontal(id="practice-choices")
        with Vertical(id="practice-verdict-box"):
            yield Static("", id="practice-verdict")
        yield Static("", id="practice-keys")

    def on_mount(self) -> None:
        self._say_keys()
        run = PracticeRun(self.lab, self.exercise, self.lang)
        self.run = run
        try:
            run.start()  # a lab child: started from the main thread
        except LabError as error:
            self._fail(render(error.refusal, self.lang))
            return
        self.run_worker(self._start, thread=True, exclusive=True, group="practice")

    # -- the kernel, from a thread ---------------------------------------------------------

    def _start(self) -> None:
        self._from_thread(lambda run: None, self._show_question)

    def _answer(self, answer: str | None) -> None:
        self._from_thread(lambda run: run.mark(answer) if run.acted else run.perform(answer), self._show_verdict)

    def _from_thread(self, step: Callable[[PracticeRun], object], then: Callable[..., None]) -> None:
        """step (an answer marked, or nothing), then the next question made ready (in
        reverse mode its action is done first: the learner names it); then() with step's
        result, or the reason the exercise cannot go on."""
        run = self.run
        assert run is not None
        try:
            result = step(run)
            if not run.finished:
                run.prepare()
                if self.exercise.mode is Mode.REVERSE:
                    run.act()
        except (PracticeError, OSError) as error:
            self.app.call_from_thread(self._fail, str(error))
            return
        if result is None:
            self.app.call_from_thread(then)
        else:
            self.app.call_from_thread(then, result)

    def _fail(self, why: str) -> None:
        _ = words(self.lang)
        self.failed = why
        self.busy = False
        self.query_one("#practice-verdict", Static).update(
            Text(_("The exercise cannot go on: {why}").format(why=why), style="bold red"))

    # -- what the screen shows ---------------------------------------------------------------

    def _head(self) -> str:
        _ = words(self.lang)
        run = self.run
        facts = [_("Practice: {title}").format(title=self.exercise.title), _(self.exercise.mode.value)]
        if run is not None:
            # While a verdict shows, the step it is about; else the one asked now.
            number = len(run.outcomes) if self.outcome is not None else run.index + 1
            facts.append(_("step {number} of {count}").format(
                number=min(number, len(self.exercise.moves)), count=len(self.exercise.moves)))
            right, asked = run.score
            facts.append(_("right {right} of {asked}").format(right=right, asked=asked))
        return " · ".join(facts)

    def _show_question(self) -> None:
        run = self.run
        assert run is not None
        _ = words(self.lang)
        self.busy = False
        self.outcome = None
        self.chosen = None
        question = run.question
        assert question is not None
        act = run.move.act
        self.query_one("#practice-head", Static).update(self._head())
        now = self.query_one("#practice-now", Static)
        now.border_title = _("before") if self.exercise.mode is Mode.REVERSE else _("now")
        now.update(run.tree_before)
        ask = Text()
        if self.exercise.mode is Mode.REVERSE:
            ask.append(_("after") + "\n", style="bold")
            ask.append(run.tree_after + "\n\n")
        else:
            ask.append(_("Next: "), style="bold")
            ask.append(act.describe(self.lang) + "\n")
        ask.append(question.text(act, self.lang) + "\n", style="bold")
        trees = question.ask is Ask.TREE
        if not trees:
            for index, choice in enumerate(question.choices):
                ask.append(f"{_KEYS[index]} ", style="bold reverse")
                ask.append(f" {choice}   " if question.ask is not Ask.ACTION else f" {choice}\n")
        self.query_one("#practice-ask", Static).update(ask)
        self._show_choice_trees(question.choices if trees else ())
        self.query_one("#practice-verdict", Static).update(
            _("Press a number to answer.") if question.choices else _("Press Enter to see it happen."))
        self._say_keys()

    def _show_choice_trees(self, trees: tuple[str, ...], marks: dict[int, str] | None = None) -> None:
        box = self.query_one("#practice-choices", Horizontal)
        box.remove_children()
        panes = []
        for index, tree in enumerate(trees):
            pane = Static(tree, classes="practice-tree")
            pane.border_title = f"{_KEYS[index]}{marks.get(index, '') if marks else ''}"
            if self.chosen == index:
                pane.add_class("chosen")
            panes.append(pane)
        if panes:
            box.mount_all(panes)

    def _show_verdict(self, outcome: Outcome) -> None:
        _ = words(self.lang)
        run = self.run
        assert run is not None
        self.busy = False
        self.outcome = outcome
        self.query_one("#practice-head", Static).update(self._head())
        if outcome.question.ask is Ask.TREE:  # which tree the kernel drew: ✓ on it
            self._show_choice_trees(outcome.question.choices, {
                index: " ✓" for index, choice in enumerate(outcome.question.choices)
                if parse_tree_text(choice) == parse_tree_text(outcome.real)})
        verdict = Text()
        if outcome.correct is None:
            verdict.append(_("Done: {action}.").format(action=outcome.move.act.describe(self.lang)))
        elif outcome.correct:
            verdict.append(_("Right: ") + _("the kernel agrees."), style="bold green")
        else:
            verdict.append(_("Wrong: ") + _("you said {answer}; the kernel says {real}.").format(
                answer=_("(no answer)") if outcome.answer is None else
                (_("tree {number}").format(number=self.chosen + 1) if outcome.question.ask is Ask.TREE
                 and self.chosen is not None else outcome.answer),
                real=_("the tree on the left") if outcome.question.ask is Ask.TREE else outcome.real),
                style="bold red")
        now = self.query_one("#practice-now", Static)
        now.border_title = _("what the kernel says")
        now.update(outcome.tree_after)
        if self.exercise.mode is not Mode.REVERSE:
            done = Text()
            done.append(_("Just done: "), style="bold")
            done.append(outcome.move.act.describe(self.lang) + "\n")
            done.append(outcome.question.text(outcome.move.act, self.lang), style="bold")
            self.query_one("#practice-ask", Static).update(done)
        if run.finished:
            verdict.append("\n")
            right, asked = run.score
            verdict.append(_("The end: {right} of {asked} right.").format(right=right, asked=asked), style="bold")
            written = self._write_transcript()
            if written:
                verdict.append(" " + written)
        self.query_one("#practice-verdict", Static).update(verdict)
        self._say_keys()

    def _write_transcript(self) -> str:
        if self.transcript_path is None or self.run is None:
            return ""
        _ = words(self.lang)
        try:
            Path(self.transcript_path).write_text(transcript(self.exercise, self.run.outcomes, self.lang),
                                                  encoding="utf-8")
        except OSError as error:
            return _("The transcript could not be written to {path}: {error}").format(
                path=self.transcript_path, error=error.strerror)
        return _("Transcript: {path}").format(path=self.transcript_path)

    def _say_keys(self) -> None:
        _ = words(self.lang)
        if self.outcome is not None and self.run is not None and self.run.finished:
            keys = _("Esc leave")
        elif self.outcome is not None:
            keys = _("Enter next question · Esc leave")
        else:
            keys = _("1-5 answer · Enter watch (no question) · Esc leave")
        self.query_one("#practice-keys", Static).update(keys)

    # -- keys ------------------------------------------------------------------------------------

    def action_choose(self, index: int) -> None:
        run = self.run
        if self.busy or run is None or self.outcome is not None or run.question is None or self.failed:
            return
        choices = run.question.choices
        if index >= len(choices):
            return
        self.chosen = index
        self.busy = True
        if run.question.ask is Ask.TREE:
            self._show_choice_trees(choices)
        _ = words(self.lang)
        self.query_one("#practice-verdict", Static).update(_("Asking the kernel…"))
        self.run_worker(lambda: self._answer(choices[index]), thread=True, group="practice")

    def action_next(self) -> None:
        run = self.run
        if self.busy or run is None or self.failed:
            return
        if self.outcome is not None:
            if not run.finished:
                self._show_question()
            return
        if run.question is not None and not run.question.choices:
            self.busy = True
            self.run_worker(lambda: self._answer(None), thread=True, group="practice")

    def action_leave(self) -> None:
        self.dismiss()

    def on_unmount(self) -> None:
        if self.run is not None:
            self.run.close()
