"""Every example in examples/, stepped under proctui run from its first line to its end:
the script process answered with n, line by line through its main file, every other
process with c; at the lines that matter, before each runs, /proc is asked what the
example says it shows (the child exists after start(), is Z before the wait that reaps
it, is gone after; a terminated child is Z until join(); is_alive() reaps...)."""

from __future__ import annotations

import queue
from collections.abc import Callable

import pytest

from helpers import events_of, proc_info, proc_state, wait_until
from helpers import gone as has_gone
from proctui.core.events import Output, Reaped, ScriptForked
from proctui.core.script_run import Ended, Pause
from script_driver import EXAMPLES, Driver, source_line

Check = Callable[["Walk"], None]


class Walk:
    """One example stepped by the script process's lines; what it forked, as it said hello."""

    def __init__(self, driver: Driver, name: str) -> None:
        self.driver = driver
        [self.path] = [example for example in EXAMPLES if example.name == name]
        self.script = 0
        self.lines: list[str] = []  # the script's lines, as it paused at them

    def pump(self) -> None:
        """Every other process runs on: a child paused where fork returned 0 is sent on with
        c, also while a check waits for it to reach a state."""
        driver = self.driver
        while True:
            try:
                item = driver._reported.get_nowait()
            except queue.Empty:
                return
            if item.pid == self.script:
                driver.held.append(item)
            elif isinstance(item, Pause):
                driver.lab.scripts.command(item.pid, "continue")

    def children(self, count: int) -> list[int]:
        """The PIDs of the first count processes the script forked (awaited: a child's hello
        comes on its own connection, maybe after its parent's next pause)."""
        def forked() -> list[int] | None:
            self.pump()
            pids = [event.pid for event in events_of(self.driver.events, ScriptForked)]
            return pids[:count] if len(pids) >= count else None

        return wait_until(forked, what=f"{count} children's hellos")

    def child_named(self, name: str) -> int:
        """The PID a child said is its own ("[child-NAME] PID: ..."): two children's hellos
        come on connections of their own, in either order, so the order says nothing."""
        def said() -> int | None:
            self.pump()
            for event in events_of(self.driver.events, Output):
                if event.line.startswith(f"[child-{name}] PID: "):
                    return int(event.line.split("PID: ")[1].split(",")[0])
            return None

        return wait_until(said, what=f"child {name}'s own line")

    def state_becomes(self, pid: int, letters: str) -> None:
        def reached() -> bool:
            self.pump()
            return proc_state(pid) in tuple(letters)

        wait_until(reached, what=f"{pid} in state {letters}")

    def a_child_of_the_script(self, pid: int) -> None:
        assert proc_info(pid).ppid == self.script

    def gone(self, pid: int) -> None:
        # By its start time too, from the record made at its hello: a PID freed may be
        # someone else's a moment later.
        record = self.driver.lab.records.latest(pid)
        assert record is not None, f"{pid} never said hello"
        assert has_gone(record), f"{pid} is still in /proc"

    def said(self) -> list[str]:
        return [event.line for event in events_of(self.driver.events, Output, self.script)]

    def output_of(self, pid: int, complete: Callable[[list[str]], bool]) -> list[str]:
        """The lines pid wrote, once complete(lines): its own pipe is read by the watcher
        thread, maybe after the script's end has been seen."""
        def lines() -> list[str] | None:
            found = [event.line for event in events_of(self.driver.events, Output, pid)]
            return found if complete(found) else None

        return wait_until(lines, what=f"the lines of {pid}")

    def run(self, checks: dict[str, list[Check]], optimize: bool = False) -> int:
        """Step the script through its file; at each line in checks, its checks, in turn
        (a line run more than once, in a loop, takes the next check each time)."""
        driver = self.driver
        self.script = driver.lab.scripts.start(str(self.path), optimize=optimize,
                                               on_pause=driver._reported.put).pid
        pending = {line: list(each) for line, each in checks.items()}
        while True:
            self.pump()
            item = driver.held.pop(0) if driver.held else driver._reported.get(timeout=30)
            if isinstance(item, Ended):
                if item.pid == self.script:
                    break
                continue
            assert isinstance(item, Pause)
            if item.pid != self.script:
                driver.lab.scripts.command(item.pid, "continue")  # a child runs on
                continue
            if item.file == str(self.path) and item.event == "line":
                line = source_line(item)
                self.lines.append(line)
                if pending.get(line):
                    pending[line].pop(0)(self)
            driver.lab.scripts.command(self.script, "next")
        assert not any(pending.values()), f"never reached: {pending}"
        [reaped] = wait_until(lambda: events_of(driver.events, Reaped, self.script), what="the script reaped")
        assert reaped.exitcode is not None
        return reaped.exitcode


@pytest.fixture
def walk(driver):
    return lambda name: Walk(driver, name)


def test_01_process(walk):
    w = walk("01_process.py")

    def started(w):  # after start(), before the parent's next line
        [child] = w.children(1)
        w.a_child_of_the_script(child)

    def before_join(w):
        [child] = w.children(1)
        w.state_becomes(child, "Z")  # it printed and returned; nobody has waited for it

    def after_join(w):
        w.gone(w.children(1)[0])

    assert w.run({
        'print(f"[parent] started child {p.name!r}, PID {p.pid}")': [started],
        "p.join()  # the parent reaps the child (the wait family inside)": [before_join],
        'print(f"[parent] joined {p.name!r}, exit code {p.exitcode}")': [after_join],
    }) == 0
    child = w.children(1)[0]
    assert w.said()[-1] == "[parent] joined 'first', exit code 0"
    w.output_of(child, lambda lines: any(f"PID: {child}, PPID: {w.script}" in line for line in lines))


def test_02_join_exitcode(walk):
    w = walk("02_join_exitcode.py")

    def zombie(n):
        def check(w):
            child = w.children(n)[-1]
            w.a_child_of_the_script(child)
            w.state_becomes(child, "Z")
        return check

    def gone(n):
        return lambda w: w.gone(w.children(n)[-1])

    assert w.run({
        "p.join()": [zombie(1), zombie(2), zombie(3)],
        'print(f"[parent] joined {p.name}: exitcode {p.exitcode}")': [gone(1), gone(2), gone(3)],
    }) == 0
    assert [line for line in w.said() if "joined" in line] == [
        "[parent] joined returns: exitcode 0", "[parent] joined exits: exitcode 3",
        "[parent] joined raises: exitcode 1"]


def test_03_terminate_kill(walk):
    w = walk("03_terminate_kill.py")

    def both_asleep(w):
        for child in (w.child_named("a"), w.child_named("b")):
            w.a_child_of_the_script(child)
            w.state_becomes(child, "S")

    def a_terminated(w):  # SIGTERM has ended a; nobody has reaped it
        w.state_becomes(w.child_named("a"), "Z")
        assert proc_state(w.child_named("b")) == "S"

    def a_reaped(w):
        w.gone(w.child_named("a"))
        assert proc_state(w.child_named("b")) == "S"

    def b_killed(w):
        w.state_becomes(w.child_named("b"), "Z")

    def b_reaped(w):
        w.gone(w.child_named("b"))

    assert w.run({
        "a.terminate()  # SIGTERM": [both_asleep],
        "a.join()": [a_terminated],
        "name = signal.Signals(-a.exitcode).name": [a_reaped],
        "b.join()": [b_killed],
        "name = signal.Signals(-b.exitcode).name": [b_reaped],
    }) == 0
    assert [line for line in w.said() if "exitcode" in line] == [
        "[parent] a: exitcode -15 (SIGTERM)", "[parent] b: exitcode -9 (SIGKILL)"]


def test_04_is_alive(walk):
    w = walk("04_is_alive.py")

    def waiting(w):
        [child] = w.children(1)
        w.a_child_of_the_script(child)
        w.state_becomes(child, "S")  # in go_on.wait()

    def zombie_after_waitid(w):  # WNOWAIT: waited for, not reaped
        assert proc_state(w.children(1)[0]) == "Z"

    def reaped_by_is_alive(w):
        w.gone(w.children(1)[0])

    assert w.run({
        "go_on.set()": [waiting],
        'print(f"[parent] is_alive() after its exit: {p.is_alive()}")': [zombie_after_waitid],
        'print(f"[parent] exitcode: {p.exitcode}")': [reaped_by_is_alive],
    }) == 0
    assert "[parent] is_alive() while it waits: True" in w.said()
    assert "[parent] is_alive() after its exit: False" in w.said()


@pytest.mark.parametrize("optimize", [False, True], ids=["asserts", "-O"])
def test_05_assert(walk, optimize):
    w = walk("05_assert.py")

    def nothing_started(w):
        assert not events_of(w.driver.events, ScriptForked)

    def zombie(w):
        [child] = w.children(1)
        w.a_child_of_the_script(child)
        w.state_becomes(child, "Z")

    def gone(w):
        w.gone(w.children(1)[0])

    assert w.run({
        "p.join()  # never started": [nothing_started],
        "p.start()": [nothing_started],
        "p.join()": [zombie],
        'print(f"[parent] after start() and join(): exitcode {p.exitcode}")': [gone],
    }, optimize=optimize) == 0
    said = w.said()
    assert f"[parent] asserts are on: {not optimize}" in said
    assert any(line.startswith("[parent] AttributeError" if optimize else "[parent] AssertionError")
               for line in said)


def test_06_daemon(walk):
    w = walk("06_daemon.py")
    daemon: list[int] = []

    def asleep(w):
        daemon.extend(w.children(1))
        w.a_child_of_the_script(daemon[0])
        w.state_becomes(daemon[0], "S")

    assert w.run({'print("[parent] returning without join()")': [asleep]}) == 0
    # The script's exit handler terminated and reaped it: nothing is left of it.
    w.gone(daemon[0])
    assert not any("woke up" in e.line for e in events_of(w.driver.events, Output))


def test_07_pool(walk):
    w = walk("07_pool.py")
    workers: list[int] = []

    def two_workers(w):
        workers.extend(w.children(2))
        for pid in workers:
            w.a_child_of_the_script(pid)

    def workers_gone(w):
        for pid in workers:
            w.gone(pid)

    assert w.run({
        "for n, sq, pid, ppid in pool.map(square, range(4)):": [two_workers],
        'print("[parent] pool closed and joined")': [workers_gone],
    }) == 0
    said = w.said()
    assert len([line for line in said if line.startswith("[parent] map:")]) == 4
    assert any(line.startswith("[parent] apply_async: 10*10=100") for line in said)


def test_08_queue_deadlock(walk):
    w = walk("08_queue_deadlock.py")

    def blocked(w):  # join(timeout) gave up: the child is alive, blocked writing the queue's pipe
        [child] = w.children(1)
        w.a_child_of_the_script(child)
        w.state_becomes(child, "S")
        assert proc_state(child) != "Z"

    def gone(w):
        w.gone(w.children(1)[0])

    assert w.run({
        'print(f"[parent] after join(timeout=1.0): alive {p.is_alive()}")': [blocked],
        'print(f"[parent] joined: exitcode {p.exitcode}")': [gone],
    }) == 0
    said = w.said()
    assert "[parent] after join(timeout=1.0): alive True" in said
    assert "[parent] exitcode None: nobody read the queue" in said
    assert f"[parent] got {10 * 1024 * 1024} bytes" in said
    assert "[parent] joined: exitcode 0" in said


def _spawned_child(w):
    [child] = w.children(1)
    [forked] = events_of(w.driver.events, ScriptForked, child)
    assert forked.via == "spawn" and forked.parent_pid == w.script
    return child


def test_09_no_main_guard(walk):
    w = walk("09_no_main_guard.py")

    def child_ended(w):  # join() has returned: the spawned child ended before its target ran
        w.gone(_spawned_child(w))

    assert w.run({'print(f"[{__name__}] p.exitcode = {p.exitcode}")': [child_ended]}) == 0
    child = w.children(1)[0]
    # Its traceback ends with the RuntimeError's message.
    lines = w.output_of(child, lambda lines: any("bootstrapping phase" in line for line in lines))
    # The child imported the script as __mp_main__ and ran its top level, up to start().
    assert f"[__mp_main__] PID: {child}, PPID: {w.script}: the top level runs" in lines
    assert any(line.startswith("RuntimeError") for line in lines), lines
    assert any("bootstrapping phase" in line for line in lines), lines
    assert not any(line.startswith("[hello]") for line in lines)
    assert w.said()[0].startswith(f"[__main__] PID: {w.script},")
    assert w.said()[-1] == "[__main__] p.exitcode = 1"


def test_10_main_guard(walk):
    w = walk("10_main_guard.py")

    def child_ended(w):
        w.gone(_spawned_child(w))

    assert w.run({'print(f"[{__name__}] p.exitcode = {p.exitcode}")': [child_ended]}) == 0
    child = w.children(1)[0]
    lines = w.output_of(child, lambda lines: len(lines) >= 2)
    assert lines == [f"[__mp_main__] PID: {child}, PPID: {w.script}: the top level runs",
                     f"[hello] PID: {child}, PPID: {w.script}: the target ran"]
    assert w.said()[-1] == "[__main__] p.exitcode = 0"


def test_every_example_is_walked_here():
    walked = {name[len("test_"):] for name in globals() if name[len("test_"):][:2].isdigit()}
    assert {path.stem for path in EXAMPLES} == walked
