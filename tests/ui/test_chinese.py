"""proctui in Chinese beyond the log: what the children print, and every word of the
main screen following L at once (the tree's state words, the selection line, the titles,
the footer). tests/ui/test_zh_walk.py walks every screen in Chinese; these check that the
switch changes what is already on screen, and that the words come from the real state.
"""

from __future__ import annotations

import signal

import pytest
from textual.widgets._footer import FooterKey

from helpers.app_screen import row_text, select
from helpers.events import events_of
from helpers.waiting import pilot_wait_until, wait_until
from proctui.core.events import LabEvent, Output
from proctui.core.lab import experiments
from proctui.core.lab.lab import Lab
from proctui.ui.app import ProcTUI

SIZE = (80, 24)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_child_prints_in_the_language_it_was_started_in(method):
    # As the article's own example prints "[子进程-x]PID：…": the child's own line, which
    # a switch of language later does not change (it is what the process wrote).
    lab = Lab(start_method=method)
    events: list[LabEvent] = []
    lab.subscribe(events.append)
    try:
        lab.language = "zh"
        chinese = experiments.fork_child(lab)
        lab.language = "en"
        english = experiments.fork_child(lab)
        for child, line in ((chinese, f"[子进程 {chinese.label}]PID：{chinese.pid}，PPID："),
                            (english, f"[child {english.label}] PID: {english.pid}, PPID: ")):
            said = wait_until(lambda: events_of(events, Output, child.pid), timeout=30, what="the child's line")
            assert line in said[0].line, said[0].line
            lab.terminate(child)
            assert lab.join(child) == -signal.SIGTERM
    finally:
        lab.shutdown()


def footer_words(app) -> list[str]:
    return [str(key.description) for key in app.main_screen.footer.query(FooterKey)]


async def test_l_says_the_tree_the_selection_the_titles_and_the_footer_again():
    lab = Lab()
    app = ProcTUI(lab, lang="en", refresh_seconds=0.5)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f")
            await pilot_wait_until(pilot, lambda: lab.processes, what="the fork")
            [child] = lab.processes
            await pilot_wait_until(pilot, lambda: "S sleeping" in (row_text(app, child.pid) or ""),
                                   what="the child asleep, in English")
            await select(pilot, app, child.pid)
            screen = app.main_screen
            await pilot_wait_until(pilot, lambda: "t/x end it" in str(screen.selection_bar.render()),
                                   what="the selection line")
            assert "Fork" in footer_words(app) and "start method fork" in str(screen.process_tree.border_title)
            await pilot.press("L")
            # The kernel's letter stays; the word is said again in Chinese, without a new /proc state.
            await pilot_wait_until(pilot, lambda: "S 睡眠" in (row_text(app, child.pid) or ""),
                                   what="the state word in Chinese")
            await pilot_wait_until(pilot, lambda: "创建" in footer_words(app), what="the footer in Chinese")
            assert "Fork" not in footer_words(app)
            await pilot_wait_until(pilot, lambda: "t/x 结束它" in str(screen.selection_bar.render()),
                                   what="the selection line in Chinese")
            assert "启动方法 fork" in str(screen.process_tree.border_title)
            assert screen.event_log.border_title == "事件"
            # What the children print from now on is Chinese too.
            assert lab.language == "zh"
            await pilot.press("L")
            await pilot_wait_until(pilot, lambda: "S sleeping" in (row_text(app, child.pid) or ""),
                                   what="the state word in English again")
            await pilot_wait_until(pilot, lambda: "Fork" in footer_words(app), what="the footer in English again")
            assert lab.language == "en"
    finally:
        lab.shutdown()
