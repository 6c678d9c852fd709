"""Regenerate screenshots/*.svg from the real app with real processes: `make screenshots`.

Each shot drives the app with keys through Pilot, waits for what it shows to be true in
the kernel too, and saves the screen as SVG at 80x24 (the size proctui is built for).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

from proctui.core.lab.lab import Lab
from proctui.core.procfs.tree import Scope
from proctui.ui.app import ProcTUI
from proctui.ui.dialogs.help import HelpScreen

OUT = Path(__file__).resolve().parent.parent / "screenshots"
SIZE = (80, 24)
# As a user types it, from the project's directory (make screenshots runs there).
EXAMPLE_11 = os.path.relpath(Path(__file__).resolve().parent.parent / "examples" / "11_where_did_my_zombie_go.py")
EXAMPLE_12 = os.path.relpath(Path(__file__).resolve().parent.parent / "examples" / "12_queue_workers.py")


async def wait_for(pilot, condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"screenshot: timed out waiting for {condition.__doc__ or condition}")
        await pilot.pause(0.05)


def row(app, pid):
    text = app.main_screen.process_tree.row_text(pid)
    return str(text) if text is not None else ""


def shows_state(app, pid, letter):
    """The row of pid shows the kernel's state letter (in any language)."""
    return f" {letter} " in row(app, pid)


async def shot_tree(name: str, keys: list[str], scope: Scope = "lab") -> None:
    lab = Lab()
    app = ProcTUI(lab, scope=scope, lang="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: row(app, os.getpid()) or scope == "system")
            for key in keys:
                await pilot.press(key)
                await pilot.pause(0.05)
            await wait_for(pilot, lambda: all(row(app, r.pid) for r in lab.processes))
            await wait_for(pilot, lambda: all(shows_state(app, r.pid, "Z")
                                              for r in lab.processes if r.role == "zombie"))
            await pilot.pause(0.3)
            if lab.processes:
                app.main_screen.process_tree.move_cursor(app.main_screen.process_tree.node_for(lab.processes[-1].pid))
            await pilot.pause(0.3)
            app.save_screenshot(filename=f"{name}.svg", path=str(OUT))
            print(f"screenshots/{name}.svg")
    finally:
        lab.shutdown()


async def shot_stepper_at_waitpid(lang: str) -> None:
    """The code viewer paused before os.waitpid of a zombie, still Z in the tree; in
    English, the step after it too (the zombie gone: its dim row says so)."""
    suffix = "" if lang == "en" else f"-{lang}"
    lab = Lab()
    app = ProcTUI(lab, lang=lang)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f", "z")
            await wait_for(pilot, lambda: len(lab.processes) == 2 and all(row(app, r.pid) for r in lab.processes))
            zombie = lab.processes[1]
            await wait_for(pilot, lambda: shows_state(app, zombie.pid, "Z"))
            app.main_screen.process_tree.move_cursor(app.main_screen.process_tree.node_for(zombie.pid))
            await pilot.pause(0.1)
            await pilot.press("w")
            await wait_for(pilot, lambda: app.main_screen.stepper is not None)
            for _ in range(60):
                step = app.main_screen.shown_step
                if step is not None and step.kind == "call" and (step.call or "").startswith("os.waitpid("):
                    break
                await pilot.press("n")
                await pilot.pause(0.1)
            await pilot.pause(0.3)
            app.save_screenshot(filename=f"stepper-waitpid{suffix}.svg", path=str(OUT))
            print(f"screenshots/stepper-waitpid{suffix}.svg")
            if lang != "en":
                return
            await pilot.press("n")
            await wait_for(pilot, lambda: app.main_screen.process_tree.ghost_at(zombie.pid) is not None)
            await pilot.pause(0.3)
            app.save_screenshot(filename="stepper-reaped.svg", path=str(OUT))
            print("screenshots/stepper-reaped.svg")
    finally:
        lab.shutdown()


async def shot_lesson(lang: str) -> None:
    """The join lesson, after its first step (a zombie) was reached."""
    lab = Lab()
    app = ProcTUI(lab, lang=lang)
    try:
        async with app.run_test(size=SIZE) as pilot:
            app.main_screen.start_lesson(1)
            await pilot.press("z")
            await wait_for(pilot, lambda: app.main_screen.lesson_run is not None
                           and app.main_screen.lesson_run.index == 1)
            await pilot.pause(0.3)
            app.save_screenshot(filename=f"lesson-{lang}.svg", path=str(OUT))
            print(f"screenshots/lesson-{lang}.svg")
    finally:
        lab.shutdown()


async def shot_log(lang: str) -> None:
    """The log after f, z, t (on the child of f) and o: a fork, a zombie, SIGTERM and its
    exit, an orphan re-parented."""
    from proctui.core.events import Adopted, Exited

    lab = Lab()
    app = ProcTUI(lab, lang=lang)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f", "z")
            await wait_for(pilot, lambda: len(lab.processes) == 2 and all(row(app, r.pid) for r in lab.processes))
            child = lab.processes[0]
            tree = app.main_screen.process_tree
            tree.move_cursor(tree.node_for(child.pid))
            await wait_for(pilot, lambda: tree.selected_pid == child.pid)
            await pilot.press("t")
            await wait_for(pilot, lambda: any(isinstance(e, Exited) and e.pid == child.pid
                                              for e in app.main_screen.event_log.events))
            await pilot.press("o")
            await wait_for(pilot, lambda: any(isinstance(e, Adopted) for e in app.main_screen.event_log.events))
            # The log maximized (as the palette's Maximize does), so every line of it shows.
            log = app.main_screen.event_log
            log.focus()
            app.screen.maximize(log)
            await pilot.pause(0.5)
            app.save_screenshot(filename=f"log-{lang}.svg", path=str(OUT))
            print(f"screenshots/log-{lang}.svg")
    finally:
        lab.shutdown()


async def step_over_start(pilot, app) -> int:
    """n on the script's viewer until it pauses at p.start(), then n over it, until the
    child's viewer has paused beside it; the script's PID."""
    import linecache

    viewers = app.main_screen.script_viewers
    await wait_for(pilot, lambda: len(viewers.viewers) == 1)
    [viewer] = viewers.viewers.values()
    for _ in range(40):
        await wait_for(pilot, lambda: viewer.pause is not None)
        pause = viewer.pause
        if pause is not None and linecache.getline(pause.file, pause.line).strip() == "p.start()":
            break
        await pilot.press("n")
        await pilot.pause(0.05)
    await pilot.press("n")
    await wait_for(pilot, lambda: len(viewers.viewers) == 2
                   and all(v.pause is not None for v in viewers.viewers.values()), timeout=30)
    return viewer.pid


async def shot_run_fork(lang: str) -> None:
    """proctui run examples/11_where_did_my_zombie_go.py fork, one step past p.start():
    fork() returned twice, a viewer for the parent and one for the child (fork named on the
    command line: the default is forkserver from Python 3.14)."""
    from proctui.core.events import ScriptForked

    lab = Lab()
    lab.language = lang
    app = ProcTUI(lab, lang=lang, script=(EXAMPLE_11, ("fork",), False))
    suffix = "" if lang == "en" else f"-{lang}"
    try:
        async with app.run_test(size=SIZE) as pilot:
            await step_over_start(pilot, app)
            await wait_for(pilot, lambda: any(isinstance(e, ScriptForked) for e in app.main_screen.event_log.events))
            await pilot.pause(0.5)
            app.save_screenshot(filename=f"run-fork{suffix}.svg", path=str(OUT))
            print(f"screenshots/run-fork{suffix}.svg")
    finally:
        lab.shutdown()


async def shot_run_forkserver(lang: str) -> None:
    """proctui run examples/11_where_did_my_zombie_go.py forkserver, one step past
    p.start(): the script's fork server forked the child (the tree: script, fork server,
    child); then, the child run to its end and the script to its own, the log maximized:
    whose PID the child's PPID is, and who reaped it."""
    from proctui.core.events import Reaped, ScriptForked

    example = EXAMPLE_11
    lab = Lab()
    lab.language = lang
    app = ProcTUI(lab, lang=lang, script=(example, ("forkserver",), False))
    suffix = "" if lang == "en" else f"-{lang}"
    try:
        async with app.run_test(size=SIZE) as pilot:
            script = await step_over_start(pilot, app)
            await wait_for(pilot, lambda: any(isinstance(e, ScriptForked) for e in app.main_screen.event_log.events))
            [forked] = [e for e in app.main_screen.event_log.events if isinstance(e, ScriptForked)]
            assert forked.pid is not None  # a hello names its process
            await wait_for(pilot, lambda: row(app, forked.pid) and row(app, forked.parent_pid))
            await pilot.pause(0.5)
            app.save_screenshot(filename=f"run-forkserver{suffix}.svg", path=str(OUT))
            print(f"screenshots/run-forkserver{suffix}.svg")
            lab.scripts.command(forked.pid, "continue")
            lab.scripts.command(script, "continue")
            await wait_for(pilot, lambda: any(isinstance(e, Reaped) and e.pid == script
                                              for e in app.main_screen.event_log.events), timeout=30)
            log = app.main_screen.event_log
            log.focus()
            app.screen.maximize(log)
            await pilot.pause(0.5)
            app.save_screenshot(filename=f"log-forkserver{suffix}.svg", path=str(OUT))
            print(f"screenshots/log-forkserver{suffix}.svg")
    finally:
        lab.shutdown()


async def shot_run_many(lang: str) -> None:
    """proctui run examples/12_queue_workers.py fork, n over each start() and on into
    results.get(): four workers paused where fork() returned 0, more viewers than fit (the
    tabs name them all), and the script's viewer saying what it is blocked on."""
    import linecache

    lab = Lab()
    lab.language = lang
    app = ProcTUI(lab, lang=lang, script=(EXAMPLE_12, ("fork",), False))
    suffix = "" if lang == "en" else f"-{lang}"
    try:
        async with app.run_test(size=SIZE) as pilot:
            viewers = app.main_screen.script_viewers
            await wait_for(pilot, lambda: len(viewers.viewers) == 1)
            [viewer] = viewers.viewers.values()
            for _ in range(100):
                await wait_for(pilot, lambda: viewer.pause is not None
                               and all(v.pause is not None for v in viewers.viewers.values()), timeout=30)
                pause = viewer.pause
                assert pause is not None
                if linecache.getline(pause.file, pause.line).strip().startswith("squares = "):
                    break
                viewer.focus()
                await pilot.press("n")
                await pilot.pause(0.05)
            viewer.focus()
            await pilot.press("n")  # into results.get(): blocked on the workers, paused
            await wait_for(pilot, lambda: "PID" in str(viewer.note.render()), timeout=10)
            await pilot.press("tab")  # the first worker, beside the script
            await pilot.pause(0.5)
            app.save_screenshot(filename=f"run-many{suffix}.svg", path=str(OUT))
            print(f"screenshots/run-many{suffix}.svg")
    finally:
        lab.shutdown()


async def shot_practice(lang: str) -> None:
    """proctui practice --seed 4: the third question (a tree to choose), answered: the
    verdict, the kernel's tree on the left, a check mark on the tree it drew."""
    from proctui.core.practice.questions import generate
    from proctui.ui.screens.practice import PracticeScreen

    lab = Lab()
    app = ProcTUI(lab, lang=lang, practice=(generate(4, count=8), None))
    suffix = "" if lang == "en" else f"-{lang}"
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, PracticeScreen))
            screen = app.screen
            assert isinstance(screen, PracticeScreen)  # for mypy: the wait above made sure
            for key in ("1", "enter", "1", "enter", "2"):
                await wait_for(pilot, lambda: not screen.busy)
                await pilot.press(key)
            await wait_for(pilot, lambda: not screen.busy and screen.outcome is not None)
            await pilot.pause(0.3)
            app.save_screenshot(filename=f"practice{suffix}.svg", path=str(OUT))
            print(f"screenshots/practice{suffix}.svg")
    finally:
        lab.shutdown()


async def shot_help() -> None:
    lab = Lab()
    app = ProcTUI(lab, lang="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("question_mark")
            await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
            await pilot.pause(0.3)
            app.save_screenshot(filename="help.svg", path=str(OUT))
            print("screenshots/help.svg")
    finally:
        lab.shutdown()


async def shot_lifeline(lang: str) -> None:
    """A zombie reaped by is_alive() (its ghost row), an orphan, the timeline; then back in
    time to the moment the zombie existed."""
    lab = Lab(start_method="fork")
    app = ProcTUI(lab, lang=lang, refresh_seconds=0.3)
    suffix = "" if lang == "en" else f"-{lang}"
    try:
        async with app.run_test(size=SIZE) as pilot:
            main = app.main_screen
            await wait_for(pilot, lambda: row(app, os.getpid()))
            await pilot.press("f")
            await wait_for(pilot, lambda: len(lab.processes) == 1 and row(app, lab.processes[0].pid))
            await pilot.press("z")
            await wait_for(pilot, lambda: any(r.role == "zombie" and shows_state(app, r.pid, "Z")
                                              for r in lab.processes))
            [zombie] = [r for r in lab.processes if r.role == "zombie"]
            await pilot.pause(1.0)
            tree = main.process_tree
            tree.move_cursor(tree.node_for(zombie.pid))
            await pilot.press("i")
            await wait_for(pilot, lambda: tree.ghost_at(zombie.pid) is not None)
            await pilot.press("o")
            await wait_for(pilot, lambda: any(r.former_parent for r in lab.processes if r.role == "grandchild"))
            await pilot.pause(1.0)
            tree.move_cursor(tree.node_for(zombie.pid))
            await pilot.press("T")
            await pilot.pause(0.5)
            app.save_screenshot(filename=f"lifeline{suffix}.svg", path=str(OUT))
            print(f"screenshots/lifeline{suffix}.svg")
            for _ in range(len(main.history)):
                await pilot.press("less_than_sign")
                await pilot.pause(0.1)
                if main.past_shown is not None and main.past_shown.snapshot.procs.get(zombie.pid) is not None \
                        and main.past_shown.snapshot.procs[zombie.pid].is_zombie:
                    break
            await pilot.pause(0.3)
            app.save_screenshot(filename=f"lifeline-past{suffix}.svg", path=str(OUT))
            print(f"screenshots/lifeline-past{suffix}.svg")
    finally:
        lab.shutdown()


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    await shot_tree("tree-zombie", ["f", "z", "f", "z"])
    await shot_tree("tree-kinds", ["o", "D", "p"])
    await shot_tree("tree-system", ["f", "z"], scope="system")
    await shot_stepper_at_waitpid("en")
    await shot_stepper_at_waitpid("zh")
    await shot_log("zh")
    await shot_lesson("en")
    await shot_lesson("zh")
    await shot_help()
    await shot_run_fork("en")
    await shot_run_fork("zh")
    await shot_run_forkserver("en")
    await shot_run_forkserver("zh")
    await shot_run_many("en")
    await shot_run_many("zh")
    await shot_practice("en")
    await shot_practice("zh")
    await shot_lifeline("en")
    await shot_lifeline("zh")


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
