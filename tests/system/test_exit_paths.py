"""However proctui ends, nothing it started outlives it: the installed `proctui` in a real
pty, with every kind of lab process alive, ended each way a user or the system ends it.

Each run goes under ``subreaper.py``, a child subreaper of the test's own that plays the
login shell: it holds the terminal and makes proctui its foreground job. Whatever
proctui leaves behind is re-parented to it and *stays alive* there (PID 1 here would
kill it and hide the leak), and it writes down every orphan it has to reap. So each
test checks two things within two seconds of the ending:

* nothing at all is left below the subreaper, alive or zombie;
* for an orderly ending, proctui itself ended and reaped all its lab processes: the only
  orphans that may reach the subreaper are multiprocessing's fork server and resource
  tracker, which leave on their own once proctui is gone (their pipes close).
  Without proctui's cleanup, the subreaper would have had to reap every zombie, stopped
  child and pool worker too, and the test fails. A SIGKILL gives proctui no chance to
  clean up: there the children end themselves (parent-death signals), and only the
  first check applies.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import time

import pytest

from helpers.paths import SCRIPTS
from helpers.subreaper_session import (
    DOWN,
    Session,
    assert_nothing_left,
    cmdline_of,
    stat_of,
)
from helpers.terminal import installed_proctui
from subreaper import descendants


def leads_a_session(pid: int) -> bool:
    try:
        return os.getsid(pid) == pid
    except ProcessLookupError:
        return False




def make_every_kind(session: Session) -> dict[str, set[int]]:
    """Through the keys: a running child, a stopped one, a zombie, an orphaned grandchild,
    a daemon, two pools (each pool's workers inherit the other's task queue), a spawned
    child (and its resource tracker), a forkserver child (and its fork server). Returns
    the PIDs of each kind, checked against /proc, so that an exit test can never pass
    because a kind was missing."""
    app = session.app_pid
    session.wait_for("lab: proctui")
    session.press("f")
    session.wait_for("child-1 fork")
    session.press(DOWN)  # child-1 is the row under proctui's
    session.wait_for("child-1 PID")
    session.press("s")  # stop it
    session.wait_for("T stopped")
    session.press("zodpp")
    session.press("m")
    session.press("f")  # a spawned child; the resource tracker starts with it
    session.wait_for("child-2 spawn")
    session.press("m")
    session.press("f")  # the fork server starts, and forks child-3
    session.wait_for("child-3 forkserver")
    for label in ("zombie-1", "orphan of", "daemon-1", "pool-1 worker", "pool-2 worker", "resource tracker",
                  "fork server"):
        session.wait_for(label)

    kinds: dict[str, set[int]] = {}
    deadline = time.monotonic() + 20
    while True:
        stats = {pid: stat_of(pid) for pid in descendants(app)}
        below = {pid: stat for pid, stat in stats.items() if stat is not None}
        children = {pid for pid, (_, ppid) in below.items() if ppid == app}
        server = {pid for pid in children if "multiprocessing.forkserver" in cmdline_of(pid)}
        kinds = {
            "stopped": {pid for pid, (state, _) in below.items() if state == "T"},
            # zombie-1 and the orphan's parent, which left with os._exit()
            "zombie": {pid for pid in children if below[pid][0] == "Z"},
            "fork server": server,
            "forkserver child": {pid for pid, (_, ppid) in below.items() if ppid in server},
            "resource tracker": {pid for pid in children if "multiprocessing.resource_tracker" in cmdline_of(pid)},
            "spawned child": {pid for pid in children if "multiprocessing.spawn" in cmdline_of(pid)},
            # child-1 (stopped), the orphaned grandchild, daemon-1 and four pool workers at
            # least: copies of proctui itself
            "forked": {pid for pid in children if below[pid][0] != "Z" and cmdline_of(pid) == cmdline_of(app)},
        }
        if (len(kinds["zombie"]) >= 2 and len(kinds["forked"]) >= 7
                and all(kinds[kind] for kind in kinds)):
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"not every kind of lab process is there: {kinds}\n{session.text()}")
        session.read(0.05)
    # Its row as a snapshot shows it once it sleeps under proctui (a snapshot taken as it
    # started may have shown it R): read until the screen shows that.
    deadline = time.monotonic() + 20
    while not (orphan := re.search(r"(\d+) S sleeping +\S+ +orphan-1-grandchild fork orphan of (\d+)",
                                   session.flowing_text())):
        assert time.monotonic() < deadline, session.text()
        session.read(0.05)
    assert stat_of(int(orphan[1])) == ("S", app)  # re-parented to proctui, the subreaper
    kinds["orphaned grandchild"] = {int(orphan[1])}
    return kinds




def helpers_of(kinds: dict[str, set[int]]) -> set[int]:
    return kinds["fork server"] | kinds["resource tracker"]


def assert_died_of(status: int, signum: int) -> None:
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signum, (
        f"proctui should have cleaned up and then died of {signal.Signals(signum).name}; status {status}"
    )


# -- the exit paths ------------------------------------------------------------------------


# In the app's raw terminal ctrl+c is a key (0x03), not SIGINT: the app must quit on it.
@pytest.mark.parametrize("key", ["q", "\x03"], ids=["q", "ctrl+c"])
def test_a_quit_key_ends_and_reaps_everything(session_factory, key):
    session = session_factory()
    kinds = make_every_kind(session)
    since = time.monotonic()
    session.press(key)
    assert_nothing_left(session, since, helpers_of(kinds))
    assert session.final_status() == 0


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_ends_and_reaps_everything(session_factory, signum):
    session = session_factory()
    kinds = make_every_kind(session)
    since = time.monotonic()
    os.kill(session.app_pid, signum)
    assert_nothing_left(session, since, helpers_of(kinds))
    assert_died_of(session.final_status(), signum)
    assert "Traceback" not in session.text()


def test_the_terminal_going_away_ends_and_reaps_everything(session_factory):
    # An SSH connection drops in the middle of a lesson, with a join blocked in waitpid:
    # sshd closes the pty, the kernel hangs the terminal up and SIGHUPs the shell, which
    # SIGHUPs its foreground job, proctui's process group, lab children included.
    session = session_factory()
    kinds = make_every_kind(session)
    session.press("l")
    session.wait_for("1. Process")
    session.press("\r")  # the first lesson
    session.wait_for("step 1/")
    session.press("w")  # join child-1, which is stopped: the join blocks in os.waitpid
    session.wait_for("child-1.join()")
    session.press("c")
    session.wait_for("Blocked in the kernel inside os.waitpid")
    since = time.monotonic()
    session.close_terminal()
    os.killpg(session.app_pid, signal.SIGHUP)
    assert_nothing_left(session, since, helpers_of(kinds))
    assert_died_of(session.final_status(), signal.SIGHUP)


def test_a_hung_up_terminal_ends_proctui_even_without_sighup(session_factory):
    # No SIGHUP reaches proctui (a shell that does not pass it on, nohup, setsid):
    # the terminal hanging up is enough.
    session = session_factory()
    kinds = make_every_kind(session)
    since = time.monotonic()
    session.close_terminal()
    assert_nothing_left(session, since, helpers_of(kinds))
    assert_died_of(session.final_status(), signal.SIGHUP)


CRASHING_PROCTUI = """
import sys
from proctui.ui.app import ProcTUI

def crash(self):
    raise RuntimeError("an unhandled exception in the UI, raised by the test")

ProcTUI.action_help = crash  # ? now raises inside the running app
from proctui.cli import main
sys.exit(main())
"""


def test_an_unhandled_exception_in_the_ui_ends_and_reaps_everything(session_factory):
    session = session_factory([sys.executable, "-c", CRASHING_PROCTUI])
    kinds = make_every_kind(session)
    since = time.monotonic()
    session.press("?")
    assert_nothing_left(session, since, helpers_of(kinds))
    assert session.final_status() == 1 << 8  # exit code 1
    session.wait_for("an unhandled exception in the UI, raised by the test", timeout=5)


def test_sigkill_of_proctui_leaves_nothing_behind(session_factory):
    # No cleanup is possible: the children must end themselves. They are re-parented to
    # the subreaper, which keeps them alive; each one must go within two seconds.
    session = session_factory()
    make_every_kind(session)
    # Idle pools are the hard case: their workers would wait for ever on a task queue
    # that the other pool's workers keep open, unless they end themselves.
    session.wait_for("pool-1: task 5 -> 25")
    session.wait_for("pool-2: task 5 -> 25")
    everything = set(descendants(session.app_pid))
    since = time.monotonic()
    os.kill(session.app_pid, signal.SIGKILL)
    assert_nothing_left(session, since, helpers=None)
    assert_died_of(session.final_status(), signal.SIGKILL)
    # They really were orphaned to the subreaper, not ended by proctui.
    deadline = time.monotonic() + 20
    while not everything <= session.adopted() and time.monotonic() < deadline:
        time.sleep(0.02)  # the subreaper writes each one down just after it has reaped it
    assert everything <= session.adopted()


def test_the_subreaper_keeps_what_a_command_leaves_behind(session_factory):
    # The check above is only worth something if a survivor would be seen: a command
    # that leaves a sleeping orphan must fail it.
    session = session_factory(["sh", "-c", "sleep 30 & exit 0"])
    assert session.final_status() == 0
    since = time.monotonic()
    with pytest.raises(AssertionError, match="still there"):
        assert_nothing_left(session, since, helpers=set())
    [orphan] = session.below()
    stat = stat_of(orphan)
    assert stat is not None and stat[1] == session.reaper.pid


# -- terminals -----------------------------------------------------------------------------

TERMINALS = {
    "LANG=C TERM=linux": {"LANG": "C", "LC_ALL": "C", "TERM": "linux"},
    # No UTF-8 anywhere: Python keeps the C locale's ASCII for its streams.
    "ASCII stdio TERM=xterm": {"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0",
                               "TERM": "xterm"},
    "latin-1 locale TERM=screen-256color": {"LANG": "en_US.ISO-8859-1", "LC_ALL": "en_US.ISO-8859-1",
                                            "TERM": "screen-256color"},
    "NO_COLOR TERM=xterm-256color": {"NO_COLOR": "1", "TERM": "xterm-256color", "LANG": "C.UTF-8"},
}


def drag_the_window(session: Session, sizes: list[tuple[int, int]], times: int = 50) -> None:
    """A window dragged about: many sizes in half a second."""
    for i in range(times):
        session.resize(*sizes[i % len(sizes)])
        session.read(0.01)
    session.resize(100, 30)


def still_works_then_quits(session: Session, next_child: str) -> None:
    session.press("f")  # still alive and listening
    session.wait_for(next_child)
    since = time.monotonic()
    session.press("q")
    assert_nothing_left(session, since, helpers=set())
    session.read(0.3)
    assert session.final_status() == 0, session.text()
    assert "Traceback" not in session.text()


@pytest.mark.parametrize("env", list(TERMINALS.values()), ids=list(TERMINALS))
def test_terminals_locales_and_rapid_resizes(session_factory, env):
    session = session_factory(env=env, columns=80, lines=24)
    session.wait_for("Quit")
    session.wait_for("╭─ lab: proctui")  # UTF-8 box drawing, whatever the locale says
    session.press("fz")
    session.wait_for("zombie-1")
    drag_the_window(session, [(80, 24), (200, 60), (81, 25), (132, 43), (100, 24), (80, 50)])
    still_works_then_quits(session, "child-2")


def test_rapid_resizes_through_too_small_sizes(session_factory):
    session = session_factory(columns=80, lines=24)
    session.wait_for("Quit")
    drag_the_window(session, [(80, 24), (20, 5), (200, 60), (1, 1), (79, 23), (132, 43), (40, 12), (0, 0)])
    still_works_then_quits(session, "child-1")


@pytest.mark.parametrize("how", ["q", "SIGTERM", "SIGHUP", "SIGKILL"])
def test_a_running_script_and_all_it_started_end_with_proctui(session_factory, how):
    """proctui run with a script that started a subprocess and a daemon that double-forked
    and called setsid(): every ending ends all of it. proctui reaps it all itself, except
    after SIGKILL: then its warden ends it, and the subreaper above reaps."""
    script = str(SCRIPTS / "leaves_things.py")
    session = session_factory([installed_proctui(), "run", script])
    session.wait_for("leaves_things.py")
    session.wait_for("c Cont")  # the footer: the script's viewer has the keys
    session.press("c")
    deadline = time.monotonic() + 30
    # The subprocess, and the daemon that left the session (a python below proctui, in a
    # session of its own), are running.
    while not (any(cmdline_of(pid).startswith("sleep 60") for pid in session.below())
               and any(leads_a_session(pid) for pid in session.below())):
        assert time.monotonic() < deadline, f"the script's processes never came:\n{session.text()}"
        session.read(0.05)
    since = time.monotonic()
    if how == "q":
        session.press("q")
    elif how == "SIGTERM":
        os.kill(session.app_pid, signal.SIGTERM)
    elif how == "SIGKILL":
        os.kill(session.app_pid, signal.SIGKILL)
    else:
        session.close_terminal()
        os.killpg(session.app_pid, signal.SIGHUP)
    assert_nothing_left(session, since, None if how == "SIGKILL" else set())


PRACTICE = """title = "exit paths"
[[step]]
do = "a forks b"
[[step]]
do = "b forks c"
[[step]]
do = "stop c"
[[step]]
do = "b forks d"
"""


@pytest.mark.parametrize("how", ["q", "SIGTERM", "SIGKILL"])
def test_an_exercise_under_way_ends_with_proctui(session_factory, tmp_path, how):
    """proctui practice with a tree of real processes, one of them stopped (it would
    never see its channel close): every ending ends all of them; after SIGKILL the
    exercise's warden does."""
    exercise = tmp_path / "exercise.toml"
    exercise.write_text(PRACTICE)
    session = session_factory([installed_proctui(), "practice", "--file", str(exercise)])
    for step in range(1, 5):
        session.wait_for(f"step {step} of 4")
        session.wait_for("Press a number")
        session.press("1")
        session.wait_for("Enter next question" if step < 4 else "The end")
        if step < 4:
            session.press("\r")
    stopped = [pid for pid in session.below() if (stat_of(pid) or ("", 0))[0] == "T"]
    assert stopped, session.text()
    since = time.monotonic()
    if how == "q":
        session.press("q")
    elif how == "SIGTERM":
        os.kill(session.app_pid, signal.SIGTERM)
    else:
        os.kill(session.app_pid, signal.SIGKILL)
    assert_nothing_left(session, since, None if how == "SIGKILL" else set())
