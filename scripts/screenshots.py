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

from proctui.core.lab import Lab
from proctui.ui.app import ProcTUI
from proctui.ui.screens.help import HelpScreen

OUT = Path(__file__).resolve().parent.parent / "screenshots"
SIZE = (80, 24)


async def wait_for(pilot, condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"screenshot: timed out waiting for {condition.__doc__ or condition}")
        await pilot.pause(0.05)


def row(app, pid):
    node = app.main_screen.process_tree.node_for(pid)
    return str(node.label) if node else ""


async def shot_tree(name: str, keys: list[str], scope: str = "lab") -> None:
    lab = Lab()
    app = ProcTUI(lab, scope=scope, lang="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: row(app, os.getpid()) or scope == "system")
            for key in keys:
                await pilot.press(key)
                await pilot.pause(0.05)
            await wait_for(pilot, lambda: all(row(app, r.pid) for r in lab.processes))
            await wait_for(pilot, lambda: all("Z zombie" in row(app, r.pid)
                                              for r in lab.processes if r.role == "zombie"))
            await pilot.pause(0.3)
            if lab.processes:
                app.main_screen.process_tree.move_cursor(app.main_screen.process_tree.node_for(lab.processes[-1].pid))
            await pilot.pause(0.3)
            app.save_screenshot(filename=f"{name}.svg", path=str(OUT))
            print(f"screenshots/{name}.svg")
    finally:
        lab.shutdown()


async def shot_stepper_at_waitpid() -> None:
    """The code viewer paused before os.waitpid of a zombie, still Z in the tree."""
    lab = Lab()
    app = ProcTUI(lab, lang="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f", "z")
            await wait_for(pilot, lambda: len(lab.processes) == 2 and all(row(app, r.pid) for r in lab.processes))
            zombie = lab.processes[1]
            await wait_for(pilot, lambda: "Z zombie" in row(app, zombie.pid))
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
            app.save_screenshot(filename="stepper-waitpid.svg", path=str(OUT))
            print("screenshots/stepper-waitpid.svg")
            await pilot.press("n")
            await wait_for(pilot, lambda: not row(app, zombie.pid))
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


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    await shot_tree("tree-zombie", ["f", "z", "f", "z"])
    await shot_tree("tree-kinds", ["o", "D", "p"])
    await shot_tree("tree-system", ["f", "z"], scope="system")
    await shot_stepper_at_waitpid()
    await shot_lesson("en")
    await shot_lesson("zh")
    await shot_help()


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
