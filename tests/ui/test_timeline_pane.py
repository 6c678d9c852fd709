"""The timeline pane, alone in a small app: its keys and messages, selection from outside,
the back-in-time cursor, Chinese, and what it shows at 80x24 (with NO_COLOR too)."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static

from helpers.app_screen import screen_text
from helpers.waiting import pilot_wait_until
from proctui.core import events as ev
from proctui.core.lifeline.history import History
from proctui.core.lifeline.lives import Row
from proctui.ui.widgets.timeline import Timeline

ME = 100
NOW = 30.0


def session() -> History:
    """Over 30 s: zombie-1 forked, exits with code 3 at 10 s, joined at 20 s; child-1 spawned,
    stopped from 10 s to 20 s, still sleeping; the fork server (no label) seen in /proc."""
    history = History(ME, started=0.0)
    me = Row(ME, 1, "S", "python", 1)
    history.add_frame((me, Row(150, ME, "S", "python3", 5)), when=0.5)  # seen before the lab's children
    history.add_event(ev.Forked(pid=200, label="zombie-1", role="zombie", start_method="fork", time=1.0))
    history.add_event(ev.Forked(pid=201, label="child-1", role="child", start_method="spawn", time=2.0))
    history.add_frame((me, Row(150, ME, "S", "python3", 5), Row(200, ME, "S", "python", 6),
                       Row(201, ME, "S", "python", 7)), when=2.5)
    history.add_event(ev.Exited(pid=200, label="zombie-1", status=3 << 8, who_reaps=ev.WhoReaps.WAITPID, time=10.0))
    history.add_frame((me, Row(150, ME, "S", "python3", 5), Row(200, ME, "Z", "python", 6),
                       Row(201, ME, "T", "python", 7)), when=10.2)
    history.add_event(ev.Reaped(pid=200, label="zombie-1", call=ev.ReapCall.JOIN, status=3 << 8, exitcode=3,
                                time=20.0))
    history.add_frame((me, Row(150, ME, "S", "python3", 5), Row(201, ME, "S", "python", 7)), when=20.3)
    return history


class TimelineApp(App[None]):
    CSS = "Timeline { height: 10; }"

    def __init__(self, history: History, lang: str = "en") -> None:
        super().__init__()
        self.history = history
        self.lang = lang
        self.selected: list[tuple[int, int]] = []

    def compose(self) -> ComposeResult:
        yield Static("the tree would be here", id="above")
        yield Timeline(self.history, self.lang, id="timeline")

    def on_mount(self) -> None:
        timeline = self.query_one(Timeline)
        timeline.refresh_lives(NOW)
        timeline.focus()

    def on_timeline_life_selected(self, message: Timeline.LifeSelected) -> None:
        self.selected.append((message.pid, message.key))


def pane_lines(app: TimelineApp) -> list[str]:
    """The pane as drawn on screen, border included."""
    timeline = app.query_one(Timeline)
    lines = screen_text(app).splitlines()
    top = timeline.region.y
    return lines[top:top + timeline.outer_size.height]


def life_line(app: TimelineApp, pid: int) -> str:
    return next(line for line in pane_lines(app) if f" {pid} " in line)


async def test_up_and_down_post_the_life_selected():
    history = session()
    app = TimelineApp(history)
    async with app.run_test(size=(80, 24)) as pilot:
        timeline = app.query_one(Timeline)
        assert [life.pid for life in timeline.lives_shown] == [200, 201, 150]  # the lab's first
        assert timeline.selected is not None and timeline.selected.pid == 200
        await pilot.press("down")
        await pilot_wait_until(pilot, lambda: app.selected, what="a LifeSelected")
        child = history.lives.of(201)
        assert child is not None and app.selected == [(201, child.key)]
        await pilot.press("j", "k", "up")
        await pilot_wait_until(pilot, lambda: len(app.selected) == 4, what="three more")
        assert [pid for pid, _key in app.selected] == [201, 150, 201, 200]
        await pilot.press("up")  # at the top: nothing to move to, nothing said
        await pilot.pause()
        assert len(app.selected) == 4


async def test_select_pid_selects_without_posting_back():
    app = TimelineApp(session())
    async with app.run_test(size=(80, 24)) as pilot:
        timeline = app.query_one(Timeline)
        assert timeline.select_pid(201)
        await pilot.pause()
        assert app.selected == []
        line = life_line(app, 201)
        assert line.startswith("│> 201 child-1")  # the gutter marks it, no colour needed
        assert life_line(app, 200).startswith("│  200 zombie-1")
        assert "exit" not in (timeline.border_subtitle or "")  # child-1 lives: no exit to say
        assert not timeline.select_pid(999)


async def test_the_cursor_marks_its_moment_down_the_pane():
    app = TimelineApp(session())
    async with app.run_test(size=(80, 24)) as pilot:
        timeline = app.query_one(Timeline)
        before = pane_lines(app)
        timeline.set_cursor(25.0)  # zombie-1 was reaped at 20 s: its line is blank there
        await pilot.pause()
        lines = pane_lines(app)
        assert "-5 s" in lines[0]  # the title says how far back
        axis, zombie = lines[1], life_line(app, 200)
        column = axis.index("|")
        assert before[1][column] == " "
        assert zombie[column] == ":"  # the marker through a blank
        assert life_line(app, 201)[column] == "S"  # and a life's letter stays, reversed
        strip = timeline.render_line(2)  # child-1's line
        styles = [segment.style for segment in strip if segment.text == "S" and segment.style and segment.style.reverse]
        assert len(styles) == 1
        timeline.set_cursor(None)
        await pilot.pause()
        assert "|" not in pane_lines(app)[1] and ":" not in life_line(app, 200)


async def test_at_80x24_each_life_reads_and_the_selected_one_is_said():
    app = TimelineApp(session())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = pane_lines(app)
        assert lines[0].startswith("╭─ timeline")
        assert lines[1].split("│")[1].strip().startswith("-30 s") and lines[1].rstrip("│ ").endswith("now")
        zombie = life_line(app, 200)
        assert "f" in zombie and "x" in zombie and "ZZZZ" in zombie and "r" in zombie
        assert zombie.index("x") < zombie.index("Z") < zombie.index("r")
        assert "T" in life_line(app, 201) and "s" in life_line(app, 201)
        assert "Z zombie" in lines[-2] and "x exited" in lines[-2] and "r reaped" in lines[-2]
        # The selected life in words, whole, in the bottom border.
        assert "exit 3 · zombie 10.0 s · reaped by join() in PID 100" in lines[-1]
        assert all(len(line) == 80 for line in lines)


async def test_chinese_words_and_a_switch_of_language():
    app = TimelineApp(session(), lang="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = pane_lines(app)
        assert "时间线" in lines[0] and "现在" in lines[1] and "-30 秒" in lines[1]
        assert "Z 僵尸" in lines[-2]
        assert "由 PID 100 里的 join() 回收" in lines[-1] and "僵尸 10.0 秒" in lines[-1]
        app.query_one(Timeline).set_language("en")
        await pilot.pause()
        assert "Z zombie" in pane_lines(app)[-2]


async def test_no_color_the_letters_and_the_gutter_carry_it(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = TimelineApp(session())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down")
        await pilot_wait_until(pilot, lambda: app.selected, what="a LifeSelected")
        assert life_line(app, 201).startswith("│> 201")
        assert "ZZZZ" in life_line(app, 200)


async def test_others_can_be_left_out():
    app = TimelineApp(session())
    async with app.run_test(size=(80, 24)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.set_show_others(False)
        await pilot.pause()
        assert [life.pid for life in timeline.lives_shown] == [200, 201]
        assert not any(" 150 " in line for line in pane_lines(app))


@pytest.mark.parametrize("count", [1000])
async def test_a_thousand_lives_cost_only_the_lines_on_screen(count):
    history = History(ME, started=0.0)
    me = Row(ME, 1, "S", "python", 1)
    history.add_frame((me, *(Row(1000 + n, ME, "S", "python", n + 10) for n in range(count))), when=1.0)
    for n in range(count):
        history.add_event(ev.Forked(pid=1000 + n, label=f"child-{n}", role="child", start_method="fork", time=1.0))
    app = TimelineApp(history)
    async with app.run_test(size=(80, 24)) as pilot:
        timeline = app.query_one(Timeline)
        await pilot.press("end")
        await pilot_wait_until(pilot, lambda: app.selected, what="the last life")
        assert app.selected[-1][0] == 1000 + count - 1
        await pilot.pause()
        assert f"child-{count - 1}" in "\n".join(pane_lines(app))
        # Only the lines on screen were drawn: their lifelines, not a thousand.
        assert 0 < len(timeline._lines) <= timeline.size.height
