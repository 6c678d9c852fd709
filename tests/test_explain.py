"""What the code viewer says, built from real steps of a real join."""

from __future__ import annotations

import multiprocessing
import os
import re
import sys

from helpers import proc_state, wait_until
from proctui.core import explain
from proctui.core.stepper import Stepper


def exit_with_seven():
    os._exit(7)


def notes_of_a_zombie_join(lang: str) -> tuple[int, list[str]]:
    """Every note the viewer shows while stepping a real join() of a zombie that exited 7."""
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
                                         sources=sources, first=first, start_method="fork", lang=lang))
        first = False
        if step.kind in ("done", "exception"):
            break
        step = stepper.next()
    return pid, notes


def test_the_notes_follow_a_real_join_of_a_zombie():
    pid, notes = notes_of_a_zombie_join("en")
    text = "\n".join(notes)
    assert "asserts are on" in notes[0] or sys.flags.optimize
    assert "The child is a zombie (Z in /proc)" in text
    assert f"waitpid returned ({pid}, 0x0700): WIFEXITED, WEXITSTATUS=7" in text
    assert "decodes with os.waitstatus_to_exitcode(sts)" in text  # 3.9+: not the article's code
    assert notes[-1] == "join() returned: exitcode 7. The child is reaped."


def test_the_same_join_in_chinese():
    pid, notes = notes_of_a_zombie_join("zh")
    text = "\n".join(notes)
    assert "断言是开着的" in notes[0] or sys.flags.optimize
    assert "子进程是僵尸进程（/proc 里是 Z）" in text
    assert f"waitpid 返回 ({pid}, 0x0700)：WIFEXITED, WEXITSTATUS=7" in text
    assert notes[-1] == "join() 返回：退出码 7。子进程已被回收。"
    english = re.compile(r"(?<![\w.])[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}(?![\w(.])")
    assert not [note for note in notes if english.search(note)], notes


def test_every_note_exists_in_both_languages_with_the_same_facts():
    placeholders = re.compile(r"{(\w+)}")
    assert explain.PHRASES["en"].keys() == explain.PHRASES["zh"].keys()
    for key, english in explain.PHRASES["en"].items():
        chinese = explain.PHRASES["zh"][key]
        assert set(placeholders.findall(english)) == set(placeholders.findall(chinese)), key
        assert re.search(r"[\u4e00-\u9fff]", chinese) or key == "waitpid_other", key  # a bare result


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
