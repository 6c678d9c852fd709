"""What the code viewer says, built from real steps of a real join."""

from __future__ import annotations

import multiprocessing
import os
import re
import sys
from typing import Any

from helpers.processes import proc_state
from helpers.waiting import wait_until
from proctui.core.i18n import words
from proctui.core.start_method import StartMethod
from proctui.core.stepping import explain
from proctui.core.stepping.stepper import Stepper


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
    stepper = Stepper(process)
    try:
        wait_until(lambda: proc_state(pid) == "Z", what="a zombie")
        stepper.start()
        sources = stepper.sources()
        notes = []
        step = stepper.step
        assert step is not None
        first = True
        while True:
            child = explain.JoinFacts(pid=pid, state=proc_state(pid), start_method="fork")
            notes.append(explain.viewer_note(step, child, sources=sources, first=first, lang=lang))
            first = False
            if step.kind in ("done", "exception"):
                break
            step = stepper.next()
        return pid, notes
    finally:
        # Even if a note failed midway: the stepped join runs to its end and reaps the child.
        if stepper.step is not None:
            stepper.run_to_end()
        else:
            process.join()


def test_the_notes_follow_a_real_join_of_a_zombie():
    pid, notes = notes_of_a_zombie_join("en")
    text = "\n".join(notes)
    assert "asserts are on" in notes[0] or sys.flags.optimize
    assert "The child is a zombie (Z in /proc)" in text
    assert f"waitpid returned ({pid}, 0x0700): WIFEXITED, WEXITSTATUS=7" in text
    assert "decodes with os.waitstatus_to_exitcode(sts)" in text  # 3.9+: not the article's code
    assert notes[-1] == "join() returned; exitcode is now 7: the child has been reaped."


def test_the_same_join_in_chinese():
    pid, notes = notes_of_a_zombie_join("zh")
    text = "\n".join(notes)
    assert "断言是开着的" in notes[0] or sys.flags.optimize
    assert "子进程是僵尸进程（/proc 里是 Z）" in text
    assert f"waitpid 返回 ({pid}, 0x0700)：WIFEXITED, WEXITSTATUS=7" in text
    assert notes[-1] == "join() 返回了；exitcode 现在是 7：子进程已被回收。"
    english = re.compile(r"(?<![\w.])[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}(?![\w(.])")
    assert not [note for note in notes if english.search(note)], notes


def test_every_note_exists_in_both_languages_with_the_same_facts():
    placeholders = re.compile(r"{(\w+)}")
    for key, english in explain.PHRASES.items():
        chinese = words("zh")(english)
        assert chinese != english, f"untranslated: {key}"
        assert set(placeholders.findall(english)) == set(placeholders.findall(chinese)), key
        assert re.search(r"[\u4e00-\u9fff]", chinese) or key == "waitpid_other", key  # a bare result


def test_forkserver_and_blocking_notes():
    note = explain.start_method_note("forkserver")
    assert note is not None and "fork server, not proctui" in note
    assert explain.start_method_note("fork") is None
    from proctui.core.stepping.stepper import Frame, Step

    frame = Frame("Popen.poll", "popen_fork.py", 27, {})
    call = Step("call", frame, (frame,), call="os.waitpid(42, 0)")
    assert "will block in the kernel" in explain.step_note(call, explain.JoinFacts(42, "S"))
    # A stopped child: SIGTERM stays pending until SIGCONT (test_sigterm_to_a_stopped_child_...).
    stopped = explain.step_note(call, explain.JoinFacts(42, "T"))
    assert "x (SIGKILL) ends it at once" in stopped and "Press t or x" not in stopped
    nohang = Step("call", frame, (frame,), call="os.waitpid(42, 1)")
    assert "WNOHANG" in explain.step_note(nohang, explain.JoinFacts(42, "S"))


def sleep_a_minute():
    import time

    time.sleep(60)


def test_a_child_killed_after_the_timeout_is_said_to_have_been_running_then():
    """The notes on a join(timeout) that gave up say what was true when it gave up, not
    what is true when they are shown: a child killed after the timeout was running then."""
    process = multiprocessing.get_context("fork").Process(target=sleep_a_minute)
    process.start()
    pid = process.pid
    assert pid is not None
    multiprocessing.process._children.discard(process)  # type: ignore[attr-defined]  # private, not in typeshed
    try:
        stepper = Stepper(process)
        stepper.start(0.2)
        step = stepper.step
        while step is not None and not (step.kind == "return" and step.result == "[]"):
            step = stepper.next()
        assert step is not None and stepper.state_at_timeout in ("S", "R")
        os.kill(pid, 9)
        wait_until(lambda: proc_state(pid) == "Z", what="a zombie")
        note = explain.step_note(step, explain.JoinFacts(pid, "Z", timeout_state=stepper.state_at_timeout))
        assert "when the timeout passed the child was still running" in note, note
        stepper.cancel()
        wait_until(lambda: stepper.done, what="join to end")
        final = stepper.step
        assert final is not None and final.kind == "done" and final.result == "None"
        note = explain.step_note(final, explain.JoinFacts(pid, "Z", timeout_state=stepper.state_at_timeout))
        assert "the child was running when the timeout passed" in note, note
        # Without what the stepper recorded, the state now would have been taken for then.
        assert "another process held its sentinel open" in explain.step_note(final, explain.JoinFacts(pid, "Z"))
    finally:
        process.kill()
        process.join()


def test_sigterm_to_a_stopped_child_waits_until_it_continues():
    """What the note on a stopped child says: SIGTERM stays pending, only SIGKILL acts."""
    import signal

    process = multiprocessing.get_context("fork").Process(target=sleep_a_minute)
    process.start()
    pid = process.pid
    assert pid is not None
    try:
        os.kill(pid, signal.SIGSTOP)
        wait_until(lambda: proc_state(pid) == "T", what="stopped")
        os.kill(pid, signal.SIGTERM)
        # Pending, not delivered: /proc says so (ShdPnd holds bit 15), and it stays T.
        wait_until(lambda: int(_status_field(pid, "ShdPnd"), 16) & (1 << (signal.SIGTERM - 1)), what="pending")
        assert proc_state(pid) == "T"
        os.kill(pid, signal.SIGCONT)
        process.join(10)
        assert process.exitcode == -signal.SIGTERM
    finally:
        process.kill()
        process.join()


def _status_field(pid: int, name: str) -> str:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(name + ":"):
                return line.split()[1]
    raise AssertionError(f"no {name} in /proc/{pid}/status")


def line_keys_of_a_join(method: StartMethod, target, timeout: float | None = None) -> list[tuple[str, str | None]]:
    """(line, key of its note) for each line step of a real join of a child of method."""
    import linecache

    from proctui.core.stepping.notes import note_for_line

    context: Any = multiprocessing.get_context(method)
    process = context.Process(target=target)
    process.start()
    multiprocessing.process._children.discard(process)  # type: ignore[attr-defined]  # private, not in typeshed
    stepper = Stepper(process)
    seen = []
    try:
        if method != "forkserver" and target is exit_with_seven:
            wait_until(lambda: proc_state(process.pid) == "Z", what="a zombie")
        stepper.start(timeout)
        sources = stepper.sources()
        step = stepper.step
        while step is not None and step.kind not in ("done", "exception"):
            if step.kind == "line":
                line = linecache.getline(step.frame.filename, step.frame.lineno).strip()
                note = note_for_line(step.frame.filename, step.frame.func, line, step.frame.locals)
                child = explain.JoinFacts(pid=process.pid, state=None, start_method=method)
                shown = explain.viewer_note(step, child, sources=sources, first=False)
                assert note is None or shown.startswith(note.text), (note, shown)
                seen.append((line, note.key if note is not None else None))
            step = stepper.next()
        return seen
    finally:
        if stepper.step is not None:
            stepper.run_to_end()
        process.kill()
        process.join()


def keys_at(seen: list[tuple[str, str | None]], line: str) -> set[str | None]:
    return {key for at, key in seen if at == line}


def test_each_line_of_a_real_join_gets_the_note_of_its_own_function():
    """The same line text means another thing in another function: poll's waitpid under
    fork (flag 0 here: it blocks, then reaps), forkserver's poll (no waitpid at all), and
    a join(timeout) that gives up (W)."""
    fork = line_keys_of_a_join("fork", exit_with_seven)
    assert keys_at(fork, "res = self._popen.wait(timeout)") == {"join_wait"}
    assert keys_at(fork, "pid, sts = os.waitpid(self.pid, flag)") == {"waitpid_blocks"}
    assert keys_at(fork, "if pid == self.pid:") == {"poll_reaped"}  # the child's PID came back: reaped
    assert keys_at(fork, "_children.discard(self)") == {"join_discard"}
    forkserver = line_keys_of_a_join("forkserver", exit_with_seven)
    assert keys_at(forkserver, "if not wait([self.sentinel], timeout):") == {"fs_poll_wait"}
    assert keys_at(forkserver, "self.returncode = forkserver.read_signed(self.sentinel)") == {"fs_poll_read"}
    assert not [line for line, _ in forkserver if "os.waitpid(" in line]
    gave_up = line_keys_of_a_join("spawn", sleep_a_minute, timeout=0.2)
    assert keys_at(gave_up, "if not wait([self.sentinel], timeout):") == {"wait_sentinel"}
    assert keys_at(gave_up, "return None") == {"wait_gave_up"}
    assert not keys_at(gave_up, "_children.discard(self)")  # join returned before it: unreaped


def ignore_sigterm_and_sleep(ready) -> None:
    import signal
    import time

    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    ready.set()
    time.sleep(60)


def test_sigterm_to_a_stopped_child_that_ignores_it_is_discarded_at_once():
    """What the note on a stopped child that ignores SIGTERM says: t does nothing (not
    "pending until s"): the kernel drops an ignored signal when it is sent, stopped or not."""
    import signal

    from proctui.core.events import Disposition
    from proctui.core.lab.sending import disposition
    from proctui.core.stepping.stepper import Frame, Step

    ctx = multiprocessing.get_context("fork")
    ready = ctx.Event()
    process = ctx.Process(target=ignore_sigterm_and_sleep, args=(ready,))
    process.start()
    pid = process.pid
    assert pid is not None
    try:
        assert ready.wait(30)
        os.kill(pid, signal.SIGSTOP)
        wait_until(lambda: proc_state(pid) == "T", what="stopped")
        assert disposition(pid, signal.SIGTERM) is Disposition.IGNORED
        os.kill(pid, signal.SIGTERM)
        bit = 1 << (signal.SIGTERM - 1)
        assert not int(_status_field(pid, "ShdPnd"), 16) & bit and not int(_status_field(pid, "SigPnd"), 16) & bit
        frame = Frame("Popen.poll", "popen_fork.py", 27, {})
        call = Step("call", frame, (frame,), call=f"os.waitpid({pid}, 0)")
        for lang, says, never in (("en", "t does nothing: it ignores SIGTERM", "stays pending"),
                                  ("zh", "t 没有用：它忽略 SIGTERM", "一直挂着")):
            note = explain.step_note(call, explain.JoinFacts(pid, "T", sigterm=disposition(pid, signal.SIGTERM)), lang)
            assert says in note and never not in note, note
        os.kill(pid, signal.SIGCONT)
        wait_until(lambda: proc_state(pid) in ("S", "R"), what="running again, SIGTERM long gone")
    finally:
        process.kill()
        process.join()
