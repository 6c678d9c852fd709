"""/ filters the tree as you type: by PID, name, label or command line; matches keep
their ancestors; n and N move between them; a filter that matches nothing says so; Esc
clears it. Real lab processes, the real app."""

from __future__ import annotations

import pytest

from helpers.app_screen import on_screen, screen_text
from helpers.waiting import pilot_wait_until
from proctui.core.lab import experiments
from proctui.core.lab.lab import Lab
from proctui.core.procfs.filter import CommandLines, matching, with_ancestors
from proctui.core.procfs.stat import read_proc
from proctui.ui.app import ProcTUI

SIZE = (80, 24)


async def filter_with(pilot, app, *keys: str) -> None:
    """/, then keys typed into the filter once it has the focus (typed into the tree, the
    h of "child" would start a child)."""
    await pilot.press("slash")
    await pilot_wait_until(pilot, lambda: app.main_screen.filter_bar.has_focus, what="the filter's input")
    await pilot.press(*keys)


def shown(app) -> set[int]:
    tree = app.main_screen.process_tree
    return set(tree._node_by_pid)


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_slash_filters_the_tree_and_esc_clears_it(lang):
    lab = Lab()
    app = ProcTUI(lab, refresh_seconds=0.5, lang=lang)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("f", "f", "z")
            await pilot_wait_until(pilot, lambda: len(lab.processes) == 3, what="three lab children")
            first, second, zombie = lab.processes
            await pilot_wait_until(pilot, lambda: {first.pid, second.pid, zombie.pid} <= shown(app), what="rows")
            await filter_with(pilot, app, *"child-2")
            await pilot_wait_until(pilot, lambda: shown(app) == {second.pid}, what="only child-2 left")
            await on_screen(pilot, app, "/child-2: 1 found" if lang == "en" else "/child-2：找到 1 个")
            await pilot.press("enter")  # back to the tree, the filter kept, the cursor on the match
            tree = app.main_screen.process_tree
            await pilot_wait_until(pilot, lambda: tree.has_focus and tree.selected_pid == second.pid,
                                   what="the cursor on the match")
            # A PID matches too; n and N go round the matches.
            await filter_with(pilot, app, *["backspace"] * 7, *str(zombie.pid))
            await pilot_wait_until(pilot, lambda: zombie.pid in shown(app), what="the zombie by its PID")
            await filter_with(pilot, app, *["backspace"] * 10, *"xyz-no-such")
            await pilot_wait_until(pilot, lambda: not shown(app), what="nothing shown")
            nothing = "no process matches" if lang == "en" else "没有匹配的进程"
            await pilot_wait_until(pilot, lambda: nothing in screen_text(app), what="the filter says so")
            await pilot.press("escape")  # cleared
            await pilot_wait_until(pilot, lambda: {first.pid, second.pid, zombie.pid} <= shown(app),
                                   what="every row back")
            assert not tree.matches
            await pilot_wait_until(pilot, lambda: nothing not in screen_text(app), what="the note gone")
            # Every lab child is "child" or "zombie" by label: n and N move between matches.
            await filter_with(pilot, app, *"child", "enter")
            await pilot_wait_until(pilot, lambda: tree.selected_pid == first.pid, what="the first match")
            await pilot.press("n")
            await pilot_wait_until(pilot, lambda: tree.selected_pid == second.pid, what="n: the next match")
            await pilot.press("n")
            await pilot_wait_until(pilot, lambda: tree.selected_pid == first.pid, what="n: round to the first")
            await pilot.press("N")
            await pilot_wait_until(pilot, lambda: tree.selected_pid == second.pid, what="N: back round")
    finally:
        lab.shutdown()


def test_matches_keep_their_ancestors_and_command_lines_are_read_once(lab):
    child = experiments.fork_child(lab)
    info = read_proc(child.pid)
    assert info is not None
    lines = CommandLines()
    procs = {child.pid: info}
    # The child is a fork of this Python: its command line is this test run's.
    assert matching("pytest", procs, {}, lines) == [child.pid]
    assert matching(child.label.upper(), procs, {child.pid: child.label}, lines) == [child.pid]
    assert matching("no-such-thing", procs, {}, lines) == []
    assert with_ancestors([4], {4: 3, 3: 2, 2: 1, 9: 1}, root=1) == {4: 3, 3: 2, 2: 1}
