"""What the code viewer says, built from real steps of a real join."""

from __future__ import annotations

import multiprocessing
import os
import sys

from helpers import proc_state, wait_until
from proctui.core import explain
from proctui.core.stepper import Stepper


def exit_with_seven():
    os._exit(7)


def test_the_notes_follow_a_real_join_of_a_zombie():
    process = multiprocessing.get_context("fork").Process(target=exit_with_seven)
    process.start()
    pid = process.pid
    assert pid is not None
    # No later start() may reap it. (A private set, so typeshed does not declare it.)
    multiprocessing.process._children.discard(process)  # type: ignore[attr-defined]  # private, not in typeshed
    wait_until(lambda: proc_state(pid) == "Z", what="a zombie")
    stepper = Stepper(process)
    stepper.start()
    sources = stepper.sources()
    notes = []
    step = stepper.step
    assert step is not None
    first = True
    while True:
        notes.append(explain.viewer_note(step, pid=pid, child_state=proc_state(pid),
                                         sources=sources, first=first, start_method="fork"))
        first = False
        if step.kind in ("done", "exception"):
            break
        step = stepper.next()
    text = "\n".join(notes)
    assert "asserts are on" in notes[0] or sys.flags.optimize
    assert "The child is a zombie (Z in /proc)" in text
    assert f"waitpid returned ({pid}, 0x0700): WIFEXITED, WEXITSTATUS=7" in text
    assert "decodes with os.waitstatus_to_exitcode(sts)" in text  # 3.9+: not the article's code
    assert notes[-1] == "join() returned: exitcode 7. The child is reaped."


def test_forkserver_and_blocking_notes():
    note = explain.start_method_note("forkserver")
    assert note is not None and "fork server, not proctui" in note
    assert explain.start_method_note("fork") is None
    from proctui.core.stepper import Frame, Step

    frame = Frame("Popen.poll", "popen_fork.py", 27, {})
    call = Step("call", frame, (frame,), call="os.waitpid(42, 0)")
    assert "will block in the kernel" in explain.step_note(call, 42, "S")
    assert "Press t or x" in explain.step_note(call, 42, "T")
    nohang = Step("call", frame, (frame,), call="os.waitpid(42, 1)")
    assert "WNOHANG" in explain.step_note(nohang, 42, "S")
