"""80x24 is enough for everything; below it, a clear message that goes away on resize."""

from __future__ import annotations

from helpers.app_screen import on_screen, screen_text
from helpers.waiting import pilot_wait_until
from proctui.core.lab.lab import Lab
from proctui.ui.app import ProcTUI
from proctui.ui.dialogs.help import HelpScreen
from proctui.ui.dialogs.too_small import TooSmallScreen


async def test_below_80x24_says_so_and_recovers_on_resize():
    lab = Lab()
    app = ProcTUI(lab, refresh_seconds=0.5)
    try:
        async with app.run_test(size=(70, 20)) as pilot:
            await pilot_wait_until(pilot, lambda: isinstance(app.screen, TooSmallScreen), what="the message")
            await on_screen(pilot, app, "terminal too small: need 80×24, have 70×20")
            await pilot.resize_terminal(79, 30)
            await pilot_wait_until(pilot, lambda: "have 79×30" in screen_text(app), what="the new size")
            await pilot.resize_terminal(80, 24)
            await pilot_wait_until(pilot, lambda: not isinstance(app.screen, TooSmallScreen), what="the app")
            await pilot.press("f")  # and it works
            await pilot_wait_until(pilot, lambda: lab.processes, what="a child")
    finally:
        lab.shutdown()


async def test_at_80x24_the_footer_and_help_fit():
    lab = Lab()
    app = ProcTUI(lab, refresh_seconds=0.5)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot_wait_until(pilot, lambda: all(key in screen_text(app).splitlines()[-1]
                                                      for key in ("q Quit", "? Help", "l Lessons")), what="the footer")
            await pilot.press("question_mark")
            await pilot_wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
            # The help scrolls at this size: its end (the glossary) is reachable by keys.
            for _ in range(100):
                await pilot.press("down")
            await on_screen(pilot, app, "subreaper")
    finally:
        lab.shutdown()


async def test_states_are_readable_without_colour(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    lab = Lab()
    app = ProcTUI(lab, refresh_seconds=0.5)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("z", "f")
            await pilot_wait_until(pilot, lambda: len(lab.processes) == 2, what="two children")
            _zombie, child = lab.processes
            await pilot_wait_until(pilot, lambda: "Z zombie <defunct>" in screen_text(app), what="the zombie words")
            # A child just forked may still be R in the snapshot that showed the zombie.
            await pilot_wait_until(pilot, lambda: f"{child.pid} S sleeping" in screen_text(app), what="S sleeping")
    finally:
        lab.shutdown()
