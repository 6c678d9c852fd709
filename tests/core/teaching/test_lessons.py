"""Every lesson walked to its end with real processes, in English and in Chinese, the
way a student would: from the first lesson to the last, moving on with ]."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from rich.cells import cell_len

from helpers.app_screen import logged, palette_command, screen_text, select
from helpers.paths import ROOT
from helpers.waiting import pilot_wait_until
from proctui.core.events import Output, ScriptForked, Signalled
from proctui.core.lab.lab import Lab
from proctui.core.teaching.lessons import GOALS, LANGUAGES, LessonRun, load_glossary, load_lessons
from proctui.ui.app import ProcTUI
from proctui.ui.dialogs.exit_code import ExitCodeScreen
from proctui.ui.dialogs.run_script import RunScriptScreen
from proctui.ui.screens.lessons import LessonPicker

SIZE = (80, 24)
#: examples/ as typed from where the tests (and so proctui) run.
EXAMPLES = Path(os.path.relpath(ROOT / "examples"))


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


async def next_step(pilot, app):
    """n, and wait for the viewer to show the next step: a second n before the first is
    shown could step past the line a lesson waits for."""
    steps = await pilot_wait_until(pilot, lambda: app.main_screen.steps, what="the viewer")
    shown = steps.steps_shown
    await pilot.press("n")
    await pilot_wait_until(pilot, lambda: steps.steps_shown > shown, what="the next step")


async def lesson_join(pilot, app):
    await pilot.press("z")
    await step_to(pilot, app, 1)
    await select(pilot, app, newest(app, "zombie").pid)
    await pilot.press("w")
    await step_to(pilot, app, 2)
    for _ in range(60):
        if app.main_screen.lesson_run.index >= 3:
            break
        await next_step(pilot, app)
    await step_to(pilot, app, 3)
    await pilot.press("n")
    await step_to(pilot, app, 4)
    await pilot.press("T")  # the timeline, then back in time to the zombie
    for _ in range(len(app.main_screen.history)):
        await pilot.press("comma")
        await pilot.pause(0.05)
        if app.main_screen.lesson_run.index >= 5:
            break
    await finish(pilot, app)
    await pilot.press("escape", "T")  # now again, the timeline closed: the code viewer has the focus again
    await pilot_wait_until(pilot, lambda: app.main_screen.stepper_pane.has_focus, what="the code viewer's focus")
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
    killed = newest(app, "child")
    await pilot.press("f")
    await pilot_wait_until(pilot, lambda: newest(app, "child") is not killed, what="a third child")
    await select(pilot, app, newest(app, "child").pid)
    await pilot.press("I")
    await step_to(pilot, app, 3)
    await pilot.press("Z")
    await pilot_wait_until(pilot, lambda: isinstance(app.screen, ExitCodeScreen), what="the exit code prompt")
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
    await pilot_wait_until(pilot, lambda: app.main_screen.stepper is not None, what="the viewer")
    await pilot.press("c")
    await finish(pilot, app)
    await pilot.press("escape")


async def lesson_timeout(pilot, app):
    child = await started(pilot, app, "f", "child")
    await select(pilot, app, child.pid)
    await pilot.press("W")
    await pilot_wait_until(pilot, lambda: app.main_screen.stepper is not None, what="the viewer")
    await pilot.press("c")
    await finish(pilot, app)
    await pilot.press("escape")


async def lesson_orphans(pilot, app):
    await pilot.press("o")
    await step_to(pilot, app, 1)
    await select(pilot, app, newest(app, "grandchild").pid)
    await pilot.press("T")  # its lifeline is the one selected: the tree's row was
    await step_to(pilot, app, 2)
    await pilot.press("T")
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


async def lesson_exit_status(pilot, app):
    await pilot.press("dollar_sign")
    sleep = await pilot_wait_until(pilot, lambda: [r for r in app.lab.processes
                                                   if r.label.startswith("shell-") and r.label.endswith("-sleep")],
                                   what="the shell's child")
    await select(pilot, app, sleep[-1].pid)
    await pilot.press("t")
    await step_to(pilot, app, 1)
    before = newest(app, "child")
    await pilot.press("f")
    await pilot_wait_until(pilot, lambda: newest(app, "child") is not before, what="another child")
    await select(pilot, app, newest(app, "child").pid)
    await pilot.press("t")
    await step_to(pilot, app, 2)
    # What the palette runs for each command (the palette's own typing is test_actions').
    await app.main_screen.run_action("start('exit-256')")
    await step_to(pilot, app, 3)
    await app.main_screen.run_action("start('raising-child')")
    await step_to(pilot, app, 4)
    await app.main_screen.run_action("start('exiting-child')")
    await finish(pilot, app)


async def lesson_orphans_later(pilot, app):
    before = {r.pid for r in app.lab.processes}
    await pilot.press("O")
    await step_to(pilot, app, 1)
    parent = next(r for r in app.lab.processes if r.pid not in before and r.role == "waiting parent")
    await select(pilot, app, parent.pid)
    await pilot.press("t")
    await step_to(pilot, app, 2)
    orphan = next(r for r in app.lab.processes if r.former_parent == parent.pid)
    await select(pilot, app, orphan.pid)
    await pilot.press("x")
    await finish(pilot, app)


async def started(pilot, app, start, role):
    """Start something (a key, or what a palette command runs), and wait for its new
    process of this role to have said its first line (its handler is set by then)."""
    before = {r.pid for r in app.lab.processes}
    if start.startswith("start("):
        await app.main_screen.run_action(start)
    else:
        await pilot.press(start)
    record = await pilot_wait_until(pilot, lambda: next((r for r in app.lab.processes
                                                         if r.pid not in before and r.role == role), None),
                                    what=f"a new {role}")
    await pilot_wait_until(pilot, lambda: said_anything(app, record.pid), what=f"{role}'s first line")
    return record


def said_anything(app, pid):
    return [e for e in app.main_screen.event_log.events if isinstance(e, Output) and e.pid == pid]


async def lesson_signals(pilot, app):
    handler = await started(pilot, app, "h", "handler")
    await select(pilot, app, handler.pid)
    await pilot.press("t")
    await step_to(pilot, app, 1)
    interruptible = await started(pilot, app, "start('keyboard-interrupt')", "interruptible")
    await select(pilot, app, interruptible.pid)
    await pilot.press("I")
    await step_to(pilot, app, 2)
    child = await started(pilot, app, "f", "child")
    await select(pilot, app, child.pid)
    await pilot.press("s")
    await pilot_wait_until(pilot, lambda: logged(app, Signalled, pid=child.pid, signal=signal.SIGSTOP),
                           what="SIGSTOP")
    await pilot.press("s")
    await step_to(pilot, app, 3)
    parent = await started(pilot, app, "start('sigchld-ignored')", "ignores SIGCHLD")
    grandchild = await pilot_wait_until(pilot, lambda: next((r for r in app.lab.processes
                                                             if r.former_parent == parent.pid), None),
                                        what="its child")
    await select(pilot, app, grandchild.pid)
    await pilot.press("t")
    await step_to(pilot, app, 4)
    await finish(pilot, app)


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
    await step_to(pilot, app, 2, timeout=40)
    for step in (3, 4):  # two steps to read, the last one the lesson's last
        await pilot.press("right_square_bracket")
        await step_to(pilot, app, step)
    await finish(pilot, app)


async def focus_viewer(pilot, app, pid):
    """Tab until the viewer of pid has the focus, as a student moves between panes."""
    viewers = app.main_screen.script_viewers.viewers
    for _ in range(8):
        if pid in viewers and viewers[pid].has_focus:
            return viewers[pid]
        await pilot.press("tab")
        await pilot.pause()
    raise AssertionError(f"Tab never reached the viewer of {pid}: {app.focused}")


async def run_and_step_past_start(pilot, app, args):
    """r, the example with its arguments, Enter; n until the child says hello; its PID."""
    await pilot.press("r")
    await pilot_wait_until(pilot, lambda: isinstance(app.screen, RunScriptScreen), what="the prompt")
    await pilot.press(*f"{EXAMPLES / '11_where_did_my_zombie_go.py'} {args}")
    await pilot.press("enter")
    main = app.main_screen
    script = await pilot_wait_until(
        pilot, lambda: next((v for v in main.script_viewers.viewers.values() if v.pause is not None and v.has_focus),
                            None), what="the script paused at its first line")
    seen = {event.pid for event in logged(app, ScriptForked)}
    for _ in range(40):
        new = [event.pid for event in logged(app, ScriptForked) if event.pid not in seen]
        if new:
            return script.pid, new[0]
        if script.pause is not None:
            shown = script.pause
            await pilot.press("n")
            await pilot_wait_until(pilot, lambda: script.pause is not shown or any(
                event.pid not in seen for event in logged(app, ScriptForked)), what="the next line")
        else:
            await pilot.pause(0.05)
    raise AssertionError("no child after 40 lines")


async def lesson_default_method(pilot, app):
    for args, reached in (("forkserver", 1), ("fork", 3)):
        script, child = await run_and_step_past_start(pilot, app, args)
        await pilot_wait_until(pilot, lambda: child in app.main_screen.script_viewers.viewers, what="its viewer")
        await focus_viewer(pilot, app, child)
        await pilot.press("c")
        await step_to(pilot, app, reached, timeout=30)
        await focus_viewer(pilot, app, script)
        await pilot.press("c")
        await pilot_wait_until(pilot, lambda: not app.main_screen.script_open, timeout=30, what="the script to end")
        if args == "forkserver":
            await pilot.press("right_square_bracket")  # the step to read
            await step_to(pilot, app, 2)
    await finish(pilot, app, timeout=30)


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
    "exit_status": lesson_exit_status,
    "orphans_later": lesson_orphans_later,
    "signals": lesson_signals,
    "cow": lesson_cow,
    "queue_deadlock": lesson_queue_deadlock,
    "main_guard": lesson_main_guard,
    "default_method": lesson_default_method,
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
            await pilot_wait_until(pilot, lambda: isinstance(app.screen, LessonPicker), what="the lesson picker")
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
            await pilot_wait_until(pilot, lambda: app.main_screen.lesson_run is None, what="the lesson left")
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
            await pilot_wait_until(pilot, lambda: lesson_run(app).index == 2, what="two steps on")
            await pilot.press("left_square_bracket")
            await pilot_wait_until(pilot, lambda: lesson_run(app).index == 1, what="one step back")
            await pilot_wait_until(pilot, lambda: "step 2/6" in (app.main_screen.lesson_panel.border_title or ""),
                                   what="the panel's title")
    finally:
        lab.shutdown()


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_every_step_fits_the_lesson_panel_at_80x24(lang):
    """The panel has a maximum height: what does not fit is hidden, not scrolled. Every
    step of every lesson, moved through with ] as a student skips, must fit whole (a last
    step to read also shows the line that says the lesson is complete)."""
    lab = Lab()
    app = ProcTUI(lab, refresh_seconds=0.5, lang=lang)
    cut = []
    try:
        async with app.run_test(size=SIZE) as pilot:
            main = app.main_screen
            main.start_lesson(0)
            for lesson in main.lessons:
                for number in range(1, len(lesson.steps) + 1):
                    await pilot_wait_until(pilot, lambda: lesson_run(app).lesson is lesson
                                           and lesson_run(app).index == number - 1, what=f"{lesson.id} {number}")
                    box = main.lesson_panel

                    def fits() -> bool:
                        return box.get_content_height(main.size, app.size,
                                                      box.content_size.width) <= box.content_size.height

                    try:  # the panel is laid out again after the step changes: give it the time
                        await pilot_wait_until(pilot, fits, timeout=5, what=f"{lesson.id} step {number} to fit")
                    except AssertionError:
                        needed = box.get_content_height(main.size, app.size, box.content_size.width)
                        cut.append(f"{lesson.id} step {number}: needs {needed} lines, shows {box.content_size.height}")
                    await pilot.press("right_square_bracket")
    finally:
        lab.shutdown()
    assert not cut, cut
