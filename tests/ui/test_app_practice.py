"""proctui practice in the app: e (and proctui practice), the question before each
action, the verdict against the kernel after it, the score, the transcript; at 80×24 in
both languages; and nothing of the exercise left once the screen is left."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers.app_screen import screen_text
from helpers.chinese import ENGLISH_RUN
from helpers.waiting import pilot_wait_until
from proctui.core.lab.lab import Lab
from proctui.core.practice.model import Ask
from proctui.core.practice.questions import generate
from proctui.core.practice.run import PracticeRun
from proctui.ui.app import ProcTUI
from proctui.ui.screens.practice import PracticeScreen

SIZE = (80, 24)


async def screen_with(pilot, app, condition, what: str) -> str:
    """The screen's text, once it meets condition: a step's words are drawn after the step."""
    return await pilot_wait_until(pilot, lambda: text if condition(text := screen_text(app)) else None, what=what)


async def practice_screen(pilot, app) -> PracticeScreen:
    def shown() -> PracticeScreen | None:
        return app.screen if isinstance(app.screen, PracticeScreen) else None

    return await pilot_wait_until(pilot, shown, what="the practice screen")


def run_of(screen: PracticeScreen) -> PracticeRun:
    assert screen.run is not None
    return screen.run


def fits(text: str) -> None:
    from rich.cells import cell_len

    for line in text.splitlines():
        assert cell_len(line) <= SIZE[0], line


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_an_exercise_answered_with_the_keys_to_its_end(lang, tmp_path):
    """proctui practice --seed 4 --transcript FILE: each question waits for a number; the
    verdict says what the kernel said (right where the run marked it right); the score
    and the transcript at the end; Esc ends every process of the exercise."""
    transcript = tmp_path / "practice.md"
    lab = Lab()
    app = ProcTUI(lab, refresh_seconds=0.5, lang=lang, practice=(generate(4, count=5), str(transcript)))
    right_word, wrong_word = ("Right", "Wrong") if lang == "en" else ("答对了", "答错了")
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await practice_screen(pilot, app)
            pids: dict[str, int] = {}
            for step in range(5):
                await pilot_wait_until(pilot, lambda: not screen.busy and run_of(screen).question is not None
                                       and screen.outcome is None, what=f"question {step + 1}")
                question = run_of(screen).question
                assert question is not None
                asked = question.text(run_of(screen).move.act, lang)
                text = await screen_with(pilot, app, lambda text: asked in text, f"question {step + 1} on screen")
                fits(text)
                if lang == "zh":
                    assert not ENGLISH_RUN.search(text.replace("os._exit", "")), text
                pids.update(run_of(screen).pids)
                await pilot.press("2" if question.ask is Ask.TREE and len(question.choices) > 1 else "1")
                await pilot_wait_until(pilot, lambda: not screen.busy and screen.outcome is not None,
                                       what=f"the verdict of {step + 1}")
                outcome = screen.outcome
                assert outcome is not None
                verdict = right_word if outcome.correct else wrong_word
                text = await screen_with(pilot, app, lambda text: verdict in text and all(
                    line in text for line in outcome.tree_after.splitlines()),  # the kernel's tree
                    f"the verdict of {step + 1} on screen")
                fits(text)
                if step < 4:
                    await pilot.press("enter")
            right, total = run_of(screen).score
            assert total == 5
            the_end = f"The end: {right} of 5 right." if lang == "en" else f"结束：答对 {right} / 5。"
            await screen_with(pilot, app, lambda text: the_end in text, "the score")
            heading = "# proctui practice: seed 4" if lang == "en" else "# proctui 练习：seed 4"
            await pilot_wait_until(pilot, lambda: transcript.exists() and transcript.read_text().startswith(heading),
                                   what="the transcript")
            run = run_of(screen)
            pids.update(run.pids)
            await pilot.press("escape")
            await pilot_wait_until(pilot, lambda: not isinstance(app.screen, PracticeScreen), what="the screen gone")
            # Each checked by its start time too (the run's own identity-checked read): a PID
            # freed may be someone else's a moment later.
            await pilot_wait_until(pilot, lambda: all(run._current(pid) is None for pid in pids.values()),
                                   what="every process of the exercise ended and reaped")
    finally:
        lab.shutdown()


async def test_e_opens_an_exercise_and_esc_leaves_it_at_once():
    lab = Lab()
    app = ProcTUI(lab, refresh_seconds=0.5, lang="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("e")
            screen = await practice_screen(pilot, app)
            await pilot_wait_until(pilot, lambda: run_of(screen).question is not None and not screen.busy,
                                   what="the first question")
            assert screen.exercise.title.startswith("seed ")  # the seed is shown: it can be done again
            await screen_with(pilot, app, lambda text: screen.exercise.title in text, "the seed on screen")
            run = run_of(screen)
            root = run.pids["a"]
            await pilot.press("escape")
            await pilot_wait_until(pilot, lambda: run._current(root) is None, what="a ended and reaped")
    finally:
        lab.shutdown()


def test_a_malformed_file_stops_proctui_practice_with_its_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('title = "x"\n[[step]]\ndo = "a forks b"\n[[step]]\ndo = "a joins b"\n')
    done = subprocess.run([sys.executable, "-m", "proctui", "--lang", "zh", "practice", "--file", str(path)],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert done.stderr.strip() == f"{path}:5: do: b 仍在运行：join() 会一直等下去"
