"""Every lesson walked to its end with real processes, in English and in Chinese, the
way a student would: from the first lesson to the last, moving on with ]."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rich.cells import cell_len

from helpers import palette_command, pilot_wait_until, screen_text, select
from proctui.core.lab import Lab
from proctui.core.lessons import GOALS, LANGUAGES, LessonRun, load_glossary, load_lessons
from proctui.ui.app import ProcTUI
from proctui.ui.screens.run_script import RunScriptScreen

SIZE = (80, 24)
#: examples/ as typed from where the tests (and so proctui) run.
EXAMPLES = Path(os.path.relpath(Path(__file__).resolve().parent.parent / "examples"))


def lesson_run(app: ProcTUI) -> LessonRun:
    """The lesson being taught; the caller knows one is."""
    run = app.main_screen.lesson_run
    assert run is not None, "no lesson is running"
    return run


def test_every_language_has_the_same_lessons_steps_and_goals():
    shapes = {lang: [(lesson.id, [s.goal for s in lesson.steps]) for lesson in load_lessons(lang)]
              for lang in LANGUAGES}
    assert shapes["en"] == shapes["zh"]
    assert load_glossary("en").keys() and len(load_glossary("en")) == len(load_glossary("zh"))
    used = {goal for _, goals in shapes["en"] for goal in goals}
    assert used <= set(GOALS)



async def step_to(pilot, app, index, timeout=20.0):
    await pilot_wait_until(pilot, lambda: app.main_screen.lesson_run.index >= index, timeout=timeout,
                           what=f"{app.main_screen.lesson_run.lesson.id} step {index + 1}")


async def finish(pilot, app, timeout=20.0):
    await pilot_wait_until(pilot, lambda: app.main_screen.lesson_run.finished, timeout=timeout,
                           what=f"the end of {app.main_screen.lesson_run.lesson.id}")


def newest(app, kind):
    return [r for r in app.lab.processes if r.role == kind][-1]


async def close_stepper(pilot, app):
    await pilot.press("c")
    await pilot_wait_until(pilot, lambda: app.main_screen.stepper.done, what="join to finish")
    await pilot.press("escape")
    await pilot_wait_until(pilot, lambda: app.main_screen.stepper is None, what="the viewer to close")


async def lesson_process(pilot, app):
    await pilot.press("f")
    await finish(pilot, app)


async def lesson_join(pilot, app):
    await pilot.press("z")
    await step_to(pilot, app, 1)
    await select(pilot, app, newest(app, "zombie").pid)
    await pilot.press("w")
    await step_to(pilot, app, 2)
    for _ in range(60):
        if app.main_screen.lesson_run.index >= 3:
            break
        await pilot.press("n")
        await pilot.pause(0.05)
    await step_to(pilot, app, 3)
    await pilot.press("n")
    await finish(pilot, app)
    await close_stepper(pilot, app)


async def lesson_exitcodes(pilot, app):
    await pilot.press("f")
    child = await pilot_wait_until(pilot, lambda: newest(app, "child"), what="a child")
    await select(pilot, app, child.pid)
    await pilot.press("t")
    await step_to(pilot, app, 1)
    await pilot.press("f")
    await pilot_wait_until(pilot, lambda: newest(app, "child") is not child, what="another child")
    await select(pilot, app, newest(app, "child").pid)
    await pilot.press("x")
    await step_to(pilot, app, 2)
    await pilot.press("Z")
    await pilot.press("backspace", "3", "enter")
    await finish(pilot, app)


async def lesson_is_alive(pilot, app):
    await pilot.press("z")
    zombie = await pilot_wait_until(pilot, lambda: newest(app, "zombie"), what="a zombie")
    await pilot_wait_until(pilot, lambda: zombie.exit_status is not None, what="its exit")
    await select(pilot, app, zombie.pid)
    await pilot.press("i")
    await finish(pilot, app)


async def lesson_assert(pilot, app):
    app.main_screen.action_join_unstarted()  # what ctrl+p "Join a Process that was never started" runs
    await pilot.press("c")
    await finish(pilot, app)
    await pilot.press("escape")


async def lesson_timeout(pilot, app):
    await pilot.press("f")
    await pilot.pause(0.1)
    await select(pilot, app, newest(app, "child").pid)
    await pilot.press("W")
    await pilot_wait_until(pilot, lambda: app.main_screen.stepper is not None, what="the viewer")
    await pilot.press("c")
    await finish(pilot, app)
    await pilot.press("escape")


async def lesson_orphans(pilot, app):
    await pilot.press("o")
    await step_to(pilot, app, 1)
    await select(pilot, app, newest(app, "grandchild").pid)
    await pilot.press("x")
    await finish(pilot, app)


async def lesson_daemons(pilot, app):
    await pilot.press("d")
    await step_to(pilot, app, 1)
    await pilot.press("D")
    await finish(pilot, app, timeout=30)


async def lesson_pool(pilot, app):
    await pilot.press("p")
    await step_to(pilot, app, 1, timeout=30)
    await pilot.press("P")
    await finish(pilot, app, timeout=30)


async def lesson_methods(pilot, app):
    await pilot.press("m")
    await step_to(pilot, app, 1)
    await pilot.press("f")
    await step_to(pilot, app, 2, timeout=30)
    await pilot.press("m", "f")
    await finish(pilot, app, timeout=30)
    await pilot.press("m")


async def lesson_cow(pilot, app):
    await palette_command(pilot, app, "cow")
    await step_to(pilot, app, 1)
    await palette_command(pilot, app, "cow-write")
    await step_to(pilot, app, 2, timeout=30)
    await select(pilot, app, newest(app, "cow").pid)
    await pilot.press("x")
    await finish(pilot, app)


async def lesson_queue_deadlock(pilot, app):
    await palette_command(pilot, app, "queue")
    await step_to(pilot, app, 1, timeout=40)
    await select(pilot, app, newest(app, "queue").pid)
    await pilot.press("w")
    steps = await pilot_wait_until(pilot, lambda: app.main_screen.steps, what="the viewer")
    for _ in range(60):
        step = app.main_screen.shown_step
        if step is not None and step.kind == "call" and (step.call or "").startswith("os.waitpid("):
            break
        shown = steps.steps_shown
        await pilot.press("n")
        await pilot_wait_until(pilot, lambda: steps.steps_shown > shown, what="the next step")
    await pilot.press("n")  # into waitpid, which blocks
    await step_to(pilot, app, 2)
    await palette_command(pilot, app, "queue-get")
    await step_to(pilot, app, 3, timeout=40)
    await close_stepper(pilot, app)
    await finish(pilot, app)


async def run_example(pilot, app, name):
    """r, the example's path as typed from where proctui was started, Enter, then c."""
    await pilot.press("r")
    await pilot_wait_until(pilot, lambda: isinstance(app.screen, RunScriptScreen), what="the prompt")
    await pilot.press(*str(EXAMPLES / name))
    await pilot.press("enter")
    main = app.main_screen
    viewer = await pilot_wait_until(
        pilot, lambda: [v for v in main.script_viewers.viewers.values() if v.pause is not None and v.has_focus],
        what="the script paused at its first line")
    await pilot.press("c")
    await pilot_wait_until(pilot, lambda: viewer[0].pid not in main.script_viewers.viewers or not main.script_open,
                           timeout=40, what="the script to end")


async def lesson_main_guard(pilot, app):
    await run_example(pilot, app, "09_no_main_guard.py")
    await step_to(pilot, app, 1, timeout=40)
    await run_example(pilot, app, "10_main_guard.py")
    await finish(pilot, app, timeout=40)


WALKS = {
    "process": lesson_process,
    "join": lesson_join,
    "exitcodes": lesson_exitcodes,
    "is_alive": lesson_is_alive,
    "assert": lesson_assert,
    "timeout": lesson_timeout,
    "orphans": lesson_orphans,
    "daemons": lesson_daemons,
    "pool": lesson_pool,
    "methods": lesson_methods,
    "cow": lesson_cow,
    "queue_deadlock": lesson_queue_deadlock,
    "main_guard": lesson_main_guard,
}


def assert_fits(app):
    for line in screen_text(app).splitlines():
        assert cell_len(line) <= SIZE[0], line


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_every_lesson_from_first_to_last(lang):
    lab = Lab()
    app = ProcTUI(lab, refresh_seconds=0.5, lang=lang)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("l")
            await pilot.pause(0.2)
            await pilot.press("enter")  # the first lesson
            await pilot_wait_until(pilot, lambda: app.main_screen.lesson_run is not None, what="a lesson")
            assert set(WALKS) == {lesson.id for lesson in app.main_screen.lessons}
            for number, lesson in enumerate(app.main_screen.lessons):
                assert lesson_run(app).lesson is lesson
                assert lesson.title in (app.main_screen.lesson_panel.border_title or "")
                assert_fits(app)  # CJK text is double width: it must still fit in 80 columns
                await WALKS[lesson.id](pilot, app)
                assert lesson_run(app).finished
                if number + 1 < len(app.main_screen.lessons):
                    await pilot.press("right_square_bracket")
                    await pilot_wait_until(pilot, lambda: lesson_run(app).lesson is not lesson, what="next lesson")
            await pilot.press("l")  # leave
            assert app.main_screen.lesson_run is None
    finally:
        lab.shutdown()


async def test_back_and_skip_move_between_steps():
    lab = Lab()
    app = ProcTUI(lab, refresh_seconds=0.5, lang="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            app.main_screen.start_lesson(1)
            await pilot.pause()
            assert lesson_run(app).index == 0
            await pilot.press("right_square_bracket", "right_square_bracket")
            assert lesson_run(app).index == 2
            await pilot.press("left_square_bracket")
            assert lesson_run(app).index == 1
            assert "step 2/5" in (app.main_screen.lesson_panel.border_title or "")
    finally:
        lab.shutdown()
