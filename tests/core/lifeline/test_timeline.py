"""A life as a line of letters, and in words: hand-made lives (real event classes, frames
as /proc would give them), and one made by real processes (a zombie joined)."""

from __future__ import annotations

import os

import pytest

from helpers.chinese import ENGLISH_RUN
from helpers.processes import proc_state
from helpers.waiting import wait_until
from proctui.core import events as ev
from proctui.core.lab import experiments
from proctui.core.lifeline.history import History
from proctui.core.lifeline.life_words import life_words, reaped_by
from proctui.core.lifeline.lives import Life, Reaper, ReapKind, Row
from proctui.core.lifeline.timeline import Window, axis, cells, legend, lifeline
from proctui.core.procfs.snapshot import snapshot_subtree

ME = 100
ME_ROW = Row(ME, 1, "S", "python", 1)


def life_of(history: History, pid: int) -> Life:
    life = history.lives.of(pid)
    assert life is not None
    return life


def child_row(pid: int, state: str, ppid: int = ME) -> Row:
    return Row(pid, ppid, state, "python", pid * 10)


@pytest.fixture
def zombie_history() -> History:
    """zombie-1 (PID 200): forked at 1 s, sleeping from 2 s, exits with code 3 at 10 s, a
    zombie until join() reaps it at 20 s; the session is watched for 30 s."""
    history = History(ME, started=0.0)
    history.add_event(ev.Forked(pid=200, label="zombie-1", role="zombie", start_method="fork", time=1.0))
    history.add_frame((ME_ROW, child_row(200, "S")), when=2.0)
    history.add_event(ev.Exited(pid=200, label="zombie-1", status=3 << 8, who_reaps=ev.WhoReaps.WAITPID, time=10.0))
    history.add_frame((ME_ROW, child_row(200, "Z")), when=10.5)
    history.add_event(ev.Reaped(pid=200, label="zombie-1", call=ev.ReapCall.JOIN, status=3 << 8, exitcode=3,
                                time=20.0))
    history.add_frame((ME_ROW,), when=20.5)
    return history


def test_a_zombie_joined_reads_start_sleep_exit_zombie_reap(zombie_history):
    life = life_of(zombie_history, 200)
    # One column a second: born in column 1, read sleeping from 2, exit at 10, reaped at 20.
    line = lifeline(life, Window(0.0, 30.0, 30), now=30.0)
    assert line == " f" + "S" * 8 + "x" + "Z" * 9 + "r" + " " * 9
    assert life_words(life, 30.0, "en") == [
        "zombie-1 (PID 200)", "fork", "exit 3", "zombie 10.0 s", "reaped by join() in PID 100"]


def test_a_zombie_not_yet_reaped_runs_on_to_now():
    history = History(ME, started=0.0)
    history.add_event(ev.Forked(pid=200, label="zombie-1", role="zombie", start_method="fork", time=1.0))
    history.add_frame((ME_ROW, child_row(200, "S")), when=2.0)
    history.add_event(ev.Exited(pid=200, label="zombie-1", status=3 << 8, who_reaps=ev.WhoReaps.WAITPID, time=10.0))
    history.add_frame((ME_ROW, child_row(200, "Z")), when=10.5)
    life = life_of(history, 200)
    line = lifeline(life, Window(0.0, 30.0, 30), now=15.0)
    assert line == " f" + "S" * 8 + "x" + "Z" * 5 + " " * 14  # to now, no reap mark
    said = life_words(life, 15.0, "en")
    assert "a zombie for 5.0 s, not reaped yet" in said
    assert not any(phrase.startswith("reaped") for phrase in said)


def test_a_short_zombie_is_never_lost_to_rounding():
    """Exit and join within 10 ms, inside one column of 10 s: the column says Z."""
    history = History(ME, started=0.0)
    history.add_event(ev.Forked(pid=200, label="child-1", role="child", start_method="spawn", time=0.0))
    history.add_frame((ME_ROW, child_row(200, "S")), when=0.1)
    history.add_event(ev.Exited(pid=200, label="child-1", status=15, who_reaps=ev.WhoReaps.WAITPID, time=55.0))
    history.add_event(ev.Reaped(pid=200, label="child-1", call=ev.ReapCall.JOIN, status=15, exitcode=-15,
                                time=55.01))
    line = lifeline(life_of(history, 200), Window(0.0, 100.0, 10), now=100.0)
    assert line == "sSSSSZ    "
    assert "zombie 0.010 s" in life_words(life_of(history, 200), 100.0, "en")
    assert "exit -15 (SIGTERM)" in life_words(life_of(history, 200), 100.0, "en")


def test_a_short_stop_wins_its_column():
    """/proc said T for a moment inside a column of S: the most telling letter shows."""
    history = History(ME, started=0.0)
    history.add_frame((ME_ROW, child_row(300, "S")), when=0.0)
    history.add_frame((ME_ROW, child_row(300, "T")), when=12.0)
    history.add_frame((ME_ROW, child_row(300, "S")), when=12.5)
    history.add_frame((ME_ROW, child_row(300, "R")), when=25.0)
    line = lifeline(life_of(history, 300), Window(0.0, 40.0, 4), now=40.0)
    assert line == "STRR"  # not seen starting: no start mark, the state it was read in


def test_a_forkserver_child_is_reaped_at_exit_and_never_a_zombie():
    history = History(ME, started=0.0)
    history.add_event(ev.Forked(pid=200, label="child-1", role="child", start_method="forkserver", time=0.0))
    history.add_frame((ME_ROW, child_row(200, "S", ppid=150)), when=0.5)
    history.add_event(ev.Exited(pid=200, label="child-1", status=0, who_reaps=ev.WhoReaps.FORK_SERVER,
                                reaper_pid=150, time=5.5))
    line = lifeline(life_of(history, 200), Window(0.0, 10.0, 10), now=10.0)
    assert line == "vSSSSx    "
    assert "Z" not in line
    said = life_words(life_of(history, 200), 10.0, "en")
    assert said[-1] == "reaped at once by its parent, the fork server (PID 150)"
    assert not any("zombie" in phrase for phrase in said)


def test_an_orphan_shows_its_re_parenting_and_an_unknown_reaper_says_so():
    history = History(ME, started=0.0)
    history.add_frame((ME_ROW, child_row(400, "S", ppid=300)), when=1.0)
    history.add_event(ev.Adopted(pid=400, label=None, former_parent=300, adopter_pid=ME,
                                 adopter=ev.Adopter.PROCTUI, time=4.0))
    history.add_frame((ME_ROW,), when=8.0)  # gone, and no event said who reaped it
    life = life_of(history, 400)
    line = lifeline(life, Window(0.0, 10.0, 10), now=10.0)
    assert line == " SSS^SSS? "
    said = life_words(life, 10.0, "en")
    assert "re-parented to PID 100" in said
    assert said[-2] == "gone; who reaped it is not known (its last parent: PID 100)"


def test_every_reaper_has_its_own_words_in_both_languages():
    for lang in ("en", "zh"):
        said = {kind: reaped_by(Reaper(kind, pid=42, call="os.waitpid", parent=7), lang) for kind in ReapKind}
        assert len(set(said.values())) == len(ReapKind), said
        assert all("42" in text for kind, text in said.items() if kind is not ReapKind.UNKNOWN)
        assert "7" in said[ReapKind.UNKNOWN]
        without = {kind: reaped_by(Reaper(kind), lang) for kind in ReapKind}
        assert all("{" not in text for text in without.values())
    zh = reaped_by(Reaper(ReapKind.JOIN, pid=42), "zh")
    assert "回收" in zh and not ENGLISH_RUN.search(zh)


def test_a_script_s_reaper_names_its_call_and_line():
    reaper = Reaper(ReapKind.SCRIPT, pid=42, via="join", call="os.waitpid", file="demo.py", line=12)
    assert reaped_by(reaper, "en") == "reaped by join() in PID 42 at demo.py:12"
    own = Reaper(ReapKind.SCRIPT, pid=42, via=None, call="os.waitpid", file="demo.py", line=14)
    assert reaped_by(own, "en") == "reaped by os.waitpid() in PID 42 at demo.py:14"
    cleanup = Reaper(ReapKind.SCRIPT, pid=42, via="start", call="os.waitpid")
    assert reaped_by(cleanup, "zh").startswith("由 PID 42 里的 start()")


def test_the_axis_says_how_long_ago_and_fits_its_width():
    window = Window(70.0, 100.0, 40)
    line = axis(window, 100.0, "en")
    assert len(line) == 40 and line.startswith("-30 s") and line.endswith("now") and "-15 s" in line
    zh = axis(window, 100.0, "zh")
    assert cells(zh) == 40 and zh.startswith("-30 秒") and zh.endswith("现在")
    assert axis(Window(0.0, 3600.0, 40), 3600.0, "en").startswith("-60 min")
    assert axis(Window(0.0, 7200.0, 40), 7200.0, "en").startswith("-2 h")
    assert axis(Window(0.0, 30.0, 7), 30.0, "en") == "    now"  # too narrow for both ends


def test_the_legend_says_only_the_letters_shown_and_fits():
    said = legend(["fSSxZZr"], 80, "en")
    assert said == "Z zombie  x exited  r reaped  f fork  S sleeping"
    assert legend(["fSSxZZr"], 20, "en") == "Z zombie  x exited"
    assert "僵尸" in legend(["Z"], 80, "zh")


def test_a_life_outside_the_window_is_blank(zombie_history):
    assert lifeline(life_of(zombie_history, 200), Window(25.0, 30.0, 5), now=30.0) == "     "


# -- real processes -------------------------------------------------------------------------


def test_a_real_zombie_shows_z_over_its_interval_and_who_reaped_it(lab):
    history = History(os.getpid())
    lab.subscribe(history.add_event)

    def read_frame() -> None:
        history.add_snapshot(snapshot_subtree(os.getpid(), [record.pid for record in lab.processes]))

    zombie = experiments.leave_zombie(lab, exit_code=3)
    wait_until(lambda: proc_state(zombie.pid) == "Z", what="the child to become a zombie")
    read_frame()
    assert lab.join(zombie) == 3
    read_frame()
    life = life_of(history, zombie.pid)
    since_time = life.zombie_since()
    assert life.reaped is not None and since_time is not None
    window = Window(life.born, life.reaped, 40)
    line = lifeline(life, window, now=life.reaped)
    since, until = window.column(since_time), window.column(life.reaped)
    assert "Z" in line[since:until + 1]
    assert set(line[since:until + 1]) <= {"f", "x", "Z", "r"}
    assert set(line[since + 1:until]) <= {"Z"}  # between its exit and its reaping: a zombie, all along
    assert "Z" not in line[:since]
    assert line[until + 1:].strip() == ""
    said = life_words(life, life.reaped, "en")
    assert said[-1] == f"reaped by join() in PID {os.getpid()}"
    assert any(phrase.startswith("zombie ") and phrase.endswith(" s") for phrase in said)
    assert "exit 3" in said
