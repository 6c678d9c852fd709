"""What a running script process's viewer says it waits for (core/script/wait_note.py),
from what_waits' reading of real blocked processes, in English and Chinese."""

from __future__ import annotations

import os
import signal

import pytest

from helpers.waiting import wait_until
from proctui.core.procfs.waits import Waiting, what_waits
from proctui.core.script.wait_note import wait_note


def _blocked_in_waitpid_on_a_stopped_child() -> tuple[int, int]:
    """A parent blocked in waitpid() on its child, which is stopped: (parent, child)."""
    read_end, write_end = os.pipe()
    parent = os.fork()
    if parent == 0:  # pragma: no cover - the forked parent
        os.close(read_end)
        child = os.fork()
        if child == 0:
            os.kill(os.getpid(), signal.SIGSTOP)
            os._exit(0)
        os.write(write_end, str(child).encode())
        os.waitpid(child, 0)
        os._exit(0)
    os.close(write_end)
    child = int(os.read(read_end, 32))
    os.close(read_end)
    return parent, child


def test_a_join_on_a_paused_child_names_it_and_says_what_to_press():
    parent, child = _blocked_in_waitpid_on_a_stopped_child()
    try:
        def in_waitpid() -> Waiting | None:
            waiting = what_waits(parent, [child])
            return waiting if waiting.kind == "child" else None

        waiting = wait_until(in_waitpid, what="the parent in waitpid()")
        names = {parent: "script-1", child: "script-child-1"}
        said = wait_note(waiting, names, paused=[child], language="en", at=(12, "p.join()"))
        assert said == (f"Line 12, p.join(): Blocked in waitpid() for script-child-1 (PID {child}), paused in its "
                        "viewer: Tab to it and press c, or C to continue all.")
        running = wait_note(waiting, names, paused=[], language="en")
        assert running == f"Blocked in waitpid() for script-child-1 (PID {child})."
        zh = wait_note(waiting, names, paused=[child], language="zh", at=(12, "p.join()"))
        assert f"script-child-1 (PID {child})" in zh and "waitpid()" in zh and "Blocked" not in zh
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(parent, 0)


@pytest.mark.parametrize("kind", ["running", "sleep", "stopped", "zombie", "lock", "child", "pipe", "socket",
                                  "other"])
def test_every_kind_is_said_in_both_languages(kind):
    """Each kind of wait has its sentence, and its Chinese (no English word of it left);
    a long list names two processes and counts the rest."""
    pids = (101, 102, 103, 104) if kind in ("child", "pipe", "socket") else ()
    waiting = Waiting(pid=100, state="S", wchan="do_wait", syscall="read", kind=kind, on_pids=pids)
    names = {pid: f"script-child-{pid - 100}" for pid in pids}
    english = wait_note(waiting, names, paused=[101, 102, 103, 104], language="en")
    chinese = wait_note(waiting, names, paused=[101, 102, 103, 104], language="zh")
    assert english and chinese and english != chinese
    for word in ("Blocked", "paused", "Running", "Asleep", "Stopped", "Exited", "more"):
        assert word not in chinese
    if pids:
        assert "script-child-1 (PID 101), script-child-2 (PID 102) and 2 more" in english
        assert "script-child-3" not in english
        assert english.endswith("Tab to them and press c, or C to continue all.")


def test_a_poll_names_who_may_end_it_and_a_gone_process_says_nothing():
    polled = Waiting(pid=100, state="S", wchan="poll_schedule_timeout", syscall="poll", kind="other",
                     maybe_pids=(101,))
    assert wait_note(polled, {101: "script-child-1"}, paused=[], language="en") == (
        "Blocked in poll() on pipes or sockets (a Queue, a Connection, a sentinel): one of "
        "script-child-1 (PID 101) may end the wait.")
    gone = Waiting(pid=100, state="", wchan="", syscall=None, kind="gone")
    assert wait_note(gone, {}, paused=[], language="en") == ""
