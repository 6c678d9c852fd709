"""Every example in examples/, stepped under proctui run from its first line to its end:
the script process answered with n, line by line through its main file, every other
process with c; at the lines that matter, before each runs, /proc is asked what the
example's header says it shows under the start method in effect: the example's own where
it sets one (04: fork; 09, 10: spawn), else this Python's default (fork up to 3.13,
forkserver from 3.14 on Linux).

Under fork the script forks the child: it is the script's child, its viewer opens where
fork() returned 0, it is Z once it has exited until the wait that reaps it, and gone after.
Under forkserver the fork server (a process below the script) forks it: that is its parent,
its viewer opens at its target's first line, and once it has exited the fork server reaps
it at once, before the script's join(): no zombie under the script."""

from __future__ import annotations

import multiprocessing
import queue
import sys
from collections.abc import Callable

import pytest

from helpers.events import events_of
from helpers.processes import gone as has_gone
from helpers.processes import proc_info, proc_state
from helpers.script_driver import EXAMPLES, Driver, source_line, where_fork_returned_0
from helpers.waiting import wait_until
from proctui.core.events import Output, Reaped, ScriptForked
from proctui.core.procfs.snapshot import children
from proctui.core.script.runner import Ended, Pause

Check = Callable[["Walk"], None]

# This Python's default start method: the first of the list, as multiprocessing documents.
DEFAULT_METHOD = multiprocessing.get_all_start_methods()[0]
# The examples that choose their start method, whatever the default (each header says why).
CHOSEN = {"04_is_alive.py": "fork", "09_no_main_guard.py": "spawn", "10_main_guard.py": "spawn"}


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except (FileNotFoundError, ProcessLookupError):
        return ""  # gone meanwhile


class Walk:
    """One example stepped by the script process's lines; what it forked, as it said hello."""

    def __init__(self, driver: Driver, name: str) -> None:
        self.driver = driver
        [self.path] = [example for example in EXAMPLES if example.name == name]
        self.method = CHOSEN.get(name, DEFAULT_METHOD)
        self.script = 0
        self.lines: list[str] = []  # the script's lines, as it paused at them
        self.first_pause: dict[int, Pause] = {}  # where each other process's viewer opened

    def other_paused(self, item: Pause) -> None:
        """A process other than the script paused: noted, then sent on with c."""
        self.first_pause.setdefault(item.pid, item)
        self.driver.lab.scripts.command(item.pid, "continue")

    def pump(self) -> None:
        """Every other process runs on: a child paused where fork returned 0 (or at its
        target's first line) is sent on with c, also while a check waits for it to reach a
        state."""
        driver = self.driver
        while True:
            try:
                item = driver._reported.get_nowait()
            except queue.Empty:
                return
            if item.pid == self.script:
                driver.held.append(item)
            elif isinstance(item, Pause):
                self.other_paused(item)

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

    def forked(self, pid: int) -> ScriptForked:
        [event] = events_of(self.driver.events, ScriptForked, pid)
        return event

    def fork_server(self) -> int:
        """The fork server: the one process below the script that runs multiprocessing's."""
        [server] = [info.pid for info in children(self.script)
                    if "multiprocessing.forkserver" in cmdline(info.pid)]
        return server

    def parent(self) -> int:
        """Whose child a child of the example is, under the method in effect: the script's
        under fork and spawn, the fork server's under forkserver."""
        return self.fork_server() if self.method == "forkserver" else self.script

    def said_hello_as_the_method_says(self, pid: int) -> None:
        """pid came to be by the method in effect, the child of the process the method
        says: its hello tells how, and its parent as os.getppid() gave it then."""
        forked = self.forked(pid)
        assert (forked.via, forked.parent_pid) == (self.method, self.parent())

    def started_as_the_method_says(self, pid: int) -> None:
        """As said_hello_as_the_method_says, and in /proc now: a child known to be alive."""
        self.said_hello_as_the_method_says(pid)
        assert proc_info(pid).ppid == self.parent()

    def below_its_parent_unless_reaped(self, pid: int) -> None:
        """A child that may have run to its end already: under fork it is there still
        (nobody but the script can reap it, and the script has not waited), below the
        script; under forkserver, if the fork server has not reaped it yet, below that."""
        if self.method == "forkserver" and self.gone_now(pid):
            return
        assert proc_info(pid).ppid == self.parent()

    def no_zombie_under_the_script(self) -> None:
        assert not [info for info in children(self.script) if info.state == "Z"]

    def exited_not_yet_joined(self, pid: int) -> None:
        """pid has exited (it ran to its end: c), and the script has not joined it yet.
        Under fork a zombie under the script: nobody has waited for it. Under forkserver
        gone already: the fork server, its parent, reaped it at once, and the script has
        no zombie."""
        if self.method == "forkserver":
            def reaped() -> bool:
                self.pump()
                return self.gone_now(pid)

            wait_until(reaped, what=f"{pid} reaped by the fork server")
            self.no_zombie_under_the_script()
        else:
            self.state_becomes(pid, "Z")
            assert proc_info(pid).ppid == self.script

    def gone_now(self, pid: int) -> bool:
        # By its start time too, from the record made at its hello: a PID freed may be
        # someone else's a moment later.
        record = self.driver.lab.records.latest(pid)
        assert record is not None, f"{pid} never said hello"
        return has_gone(record)

    def gone(self, pid: int) -> None:
        assert self.gone_now(pid), f"{pid} is still in /proc"

    def paused_first_as_the_method_says(self, pid: int, target: str) -> None:
        """Where pid's viewer opened: under fork where fork() returned 0 (a copy of the
        script, stepped on from there, as the script was); under forkserver and spawn at
        the first line of its target (a process that never ran the script's frames)."""
        first = wait_until(lambda: self.first_pause.get(pid), what=f"{pid}'s first pause")
        if self.method == "fork":
            assert where_fork_returned_0(first), first
        else:
            assert (first.event, first.func, first.via) == ("line", target, self.method), first

    def said(self) -> list[str]:
        return [event.line for event in events_of(self.driver.events, Output, self.script)]

    def output_of(self, pid: int, complete: Callable[[list[str]], bool]) -> list[str]:
        """The lines pid wrote, once complete(lines): its own pipe is read by the watcher
        thread, maybe after the script's end has been seen."""
        def lines() -> list[str] | None:
            found = [event.line for event in events_of(self.driver.events, Output, pid)]
            return found if complete(found) else None

        return wait_until(lines, what=f"the lines of {pid}")

    def run(self, checks: dict[str, list[Check]], optimize: bool = False, args: tuple[str, ...] = ()) -> int:
        """Step the script through its file; at each line in checks, its checks, in turn
        (a line run more than once, in a loop, takes the next check each time)."""
        driver = self.driver
        self.script = driver.lab.scripts.start(str(self.path), args, optimize=optimize,
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
                self.other_paused(item)  # a child runs on
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
    """The default start method, whichever it is: the header says both."""
    w = walk("01_process.py")
    server: list[int] = []

    def started(w):  # after start(), before the parent's next line
        [child] = w.children(1)
        w.said_hello_as_the_method_says(child)
        w.below_its_parent_unless_reaped(child)
        if w.method == "forkserver":
            server.append(w.fork_server())

    def before_join(w):
        w.exited_not_yet_joined(w.children(1)[0])  # it printed and returned: c in its viewer

    def after_join(w):
        w.gone(w.children(1)[0])

    assert w.run({
        'print(f"[parent] started child {p.name!r}, PID {p.pid}")': [started],
        "p.join()  # the parent reaps the child (the wait family inside)": [before_join],
        'print(f"[parent] joined {p.name!r}, exit code {p.exitcode}")': [after_join],
    }) == 0
    child = w.children(1)[0]
    w.paused_first_as_the_method_says(child, "test")
    assert w.said()[-1] == "[parent] joined 'first', exit code 0"
    # Its PPID, as it printed it: the script's under fork, the fork server's under forkserver.
    ppid = server[0] if w.method == "forkserver" else w.script
    w.output_of(child, lambda lines: any(f"PID: {child}, PPID: {ppid}" in line for line in lines))


def test_02_join_exitcode(walk):
    w = walk("02_join_exitcode.py")

    def exited(n):
        def check(w):
            child = w.children(n)[-1]
            w.said_hello_as_the_method_says(child)
            w.exited_not_yet_joined(child)
        return check

    def gone(n):
        return lambda w: w.gone(w.children(n)[-1])

    assert w.run({
        "p.join()": [exited(1), exited(2), exited(3)],
        'print(f"[parent] joined {p.name}: exitcode {p.exitcode}")': [gone(1), gone(2), gone(3)],
    }) == 0
    for child, target in zip(w.children(3), ("returns", "exits", "raises"), strict=True):
        w.paused_first_as_the_method_says(child, target)
    assert [line for line in w.said() if "joined" in line] == [
        "[parent] joined returns: exitcode 0", "[parent] joined exits: exitcode 3",
        "[parent] joined raises: exitcode 1"]


def test_03_terminate_kill(walk):
    w = walk("03_terminate_kill.py")

    def both_asleep(w):
        for child in (w.child_named("a"), w.child_named("b")):
            w.started_as_the_method_says(child)
            w.state_becomes(child, "S")

    def a_terminated(w):  # SIGTERM has ended a; the script has not joined it
        w.exited_not_yet_joined(w.child_named("a"))
        assert proc_state(w.child_named("b")) == "S"

    def a_reaped(w):
        w.gone(w.child_named("a"))
        assert proc_state(w.child_named("b")) == "S"

    def b_killed(w):
        w.exited_not_yet_joined(w.child_named("b"))

    def b_reaped(w):
        w.gone(w.child_named("b"))

    assert w.run({
        "a.terminate()  # SIGTERM": [both_asleep],
        "a.join()": [a_terminated],
        "name = signal.Signals(-a.exitcode).name": [a_reaped],
        "b.join()": [b_killed],
        "name = signal.Signals(-b.exitcode).name": [b_reaped],
    }) == 0
    for child in (w.child_named("a"), w.child_named("b")):
        w.paused_first_as_the_method_says(child, "sleeper")
    assert [line for line in w.said() if "exitcode" in line] == [
        "[parent] a: exitcode -15 (SIGTERM)", "[parent] b: exitcode -9 (SIGKILL)"]


def test_04_is_alive(walk):
    """fork on every Python, as the example chooses: os.waitid() is the parent's to call."""
    w = walk("04_is_alive.py")
    assert w.method == "fork"

    def waiting(w):
        [child] = w.children(1)
        w.started_as_the_method_says(child)
        w.state_becomes(child, "S")  # in go_on.wait()

    def zombie_after_waitid(w):  # WNOWAIT: waited for, not reaped
        child = w.children(1)[0]
        assert proc_state(child) == "Z" and proc_info(child).ppid == w.script

    def reaped_by_is_alive(w):
        w.gone(w.children(1)[0])

    assert w.run({
        "go_on.set()": [waiting],
        'print(f"[parent] is_alive() after its exit: {p.is_alive()}")': [zombie_after_waitid],
        'print(f"[parent] exitcode: {p.exitcode}")': [reaped_by_is_alive],
    }) == 0
    w.paused_first_as_the_method_says(w.children(1)[0], "worker")
    assert "[parent] is_alive() while it waits: True" in w.said()
    assert "[parent] is_alive() after its exit: False" in w.said()


@pytest.mark.parametrize("optimize", [False, True], ids=["asserts", "-O"])
def test_05_assert(walk, optimize):
    w = walk("05_assert.py")

    def nothing_started(w):
        assert not events_of(w.driver.events, ScriptForked)

    def exited(w):
        [child] = w.children(1)
        w.said_hello_as_the_method_says(child)
        w.exited_not_yet_joined(child)

    def gone(w):
        w.gone(w.children(1)[0])

    assert w.run({
        "p.join()  # never started": [nothing_started],
        "p.start()": [nothing_started],
        "p.join()": [exited],
        'print(f"[parent] after start() and join(): exitcode {p.exitcode}")': [gone],
    }, optimize=optimize) == 0
    w.paused_first_as_the_method_says(w.children(1)[0], "test")
    said = w.said()
    assert f"[parent] asserts are on: {not optimize}" in said
    assert any(line.startswith("[parent] AttributeError" if optimize else "[parent] AssertionError")
               for line in said)
    assert said[-1] == "[parent] after start() and join(): exitcode 0"


def test_06_daemon(walk):
    w = walk("06_daemon.py")
    daemon: list[int] = []

    def asleep(w):
        daemon.extend(w.children(1))
        w.started_as_the_method_says(daemon[0])
        w.state_becomes(daemon[0], "S")

    assert w.run({'print("[parent] returning without join()")': [asleep]}) == 0
    # The script's exit handler terminated it, and its parent reaped it (the script's
    # join() under fork, the fork server under forkserver): nothing is left of it.
    w.gone(daemon[0])
    w.paused_first_as_the_method_says(daemon[0], "daemon_work")
    assert not any("woke up" in e.line for e in events_of(w.driver.events, Output))


def test_07_pool(walk):
    w = walk("07_pool.py")
    workers: list[int] = []
    ppids: list[int] = []

    def two_workers(w):
        workers.extend(w.children(2))
        for pid in workers:
            w.started_as_the_method_says(pid)
        ppids.append(w.parent())

    def workers_gone(w):
        for pid in workers:
            w.gone(pid)

    assert w.run({
        "for n, sq, pid, ppid in pool.map(square, range(4)):": [two_workers],
        'print("[parent] pool closed and joined")': [workers_gone],
    }) == 0
    for pid in workers:
        w.paused_first_as_the_method_says(pid, "worker")  # multiprocessing.pool.worker
    said = w.said()
    mapped = [line for line in said if line.startswith("[parent] map:")]
    assert len(mapped) == 4
    # Each task ran in one of the two workers, whose parent it printed.
    assert all(any(f"worker {pid} (PPID {ppids[0]})" in line for pid in workers) for line in mapped), mapped
    assert any(line.startswith("[parent] apply_async: 10*10=100") for line in said)


def test_08_queue_deadlock(walk):
    w = walk("08_queue_deadlock.py")

    def blocked(w):  # join(timeout) gave up: the child is alive, blocked writing the queue's pipe
        [child] = w.children(1)
        w.started_as_the_method_says(child)
        w.state_becomes(child, "S")
        assert proc_state(child) != "Z"

    def gone(w):
        w.gone(w.children(1)[0])

    assert w.run({
        'print(f"[parent] after join(timeout=1.0): alive {p.is_alive()}")': [blocked],
        'print(f"[parent] joined: exitcode {p.exitcode}")': [gone],
    }) == 0
    w.paused_first_as_the_method_says(w.children(1)[0], "producer")
    said = w.said()
    assert "[parent] after join(timeout=1.0): alive True" in said
    assert "[parent] exitcode None: nobody read the queue" in said
    assert f"[parent] got {10 * 1024 * 1024} bytes" in said  # 10 MiB
    assert "[parent] joined: exitcode 0" in said


def _spawned_child(w):
    [child] = w.children(1)
    w.said_hello_as_the_method_says(child)
    return child


def test_09_no_main_guard(walk):
    """spawn on every Python, as the example chooses."""
    w = walk("09_no_main_guard.py")
    assert w.method == "spawn"

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
    """spawn on every Python, as the example chooses."""
    w = walk("10_main_guard.py")
    assert w.method == "spawn"

    def child_ended(w):
        w.gone(_spawned_child(w))

    assert w.run({'print(f"[{__name__}] p.exitcode = {p.exitcode}")': [child_ended]}) == 0
    child = w.children(1)[0]
    w.paused_first_as_the_method_says(child, "hello")
    lines = w.output_of(child, lambda lines: len(lines) >= 2)
    assert lines == [f"[__mp_main__] PID: {child}, PPID: {w.script}: the top level runs",
                     f"[hello] PID: {child}, PPID: {w.script}: the target ran"]
    assert w.said()[-1] == "[__main__] p.exitcode = 0"


def test_every_example_is_walked_here():
    walked = {name[len("test_"):] for name in globals() if name[len("test_"):][:2].isdigit()}
    assert {path.stem for path in EXAMPLES} == walked


@pytest.mark.parametrize("method", ["forkserver", "fork", None])
def test_11_where_did_my_zombie_go(walk, method):
    """Lesson 17's script, under the method named on its command line (or the default):
    under forkserver the fork server forks the child and reaps it before join() (no Z
    under the script; the fork server is the one child of the script that runs it), and
    on 3.14+ it imported the script itself, once; under fork the child is Z under the
    script until join()."""
    w = walk("11_where_did_my_zombie_go.py")
    w.method = method or DEFAULT_METHOD

    def started(w):
        [child] = w.children(1)
        w.said_hello_as_the_method_says(child)
        w.below_its_parent_unless_reaped(child)

    def before_join(w):
        w.exited_not_yet_joined(w.children(1)[0])

    def after_join(w):
        w.gone(w.children(1)[0])

    assert w.run({
        'print(f"[parent] started child {p.pid}: whose child is it? (the tree)")': [started],
        "p.join()  # fork: waitpid() reaps the zombie; forkserver: the exit code from the sentinel": [before_join],
        'print(f"[parent] joined: exitcode {p.exitcode}")': [after_join],
    }, args=(method,) if method else ()) == 0
    child = w.children(1)[0]
    w.paused_first_as_the_method_says(child, "child")
    assert w.said()[-1] == "[parent] joined: exitcode 0"
    parent = w.forked(child).parent_pid
    w.output_of(child, lambda lines: f"[child] PID: {child}, PPID: {parent}" in lines)
    # Who ran the top level again: under forkserver, the fork server itself from 3.14 (a
    # line of its own PID), each child before; under fork, nobody.
    again = [e for e in events_of(w.driver.events, Output) if e.line.startswith("[__mp_main__]")]
    if w.method == "fork":
        assert again == []
    else:
        importer = parent if sys.version_info >= (3, 14) else child
        wait_until(lambda: [e.pid for e in events_of(w.driver.events, Output)
                            if e.line.startswith("[__mp_main__]")] == [importer], what="the top level run again")


def test_12_queue_workers(walk):
    """Four workers on two Queues, stepped by the script's lines (each worker sent on with
    c as it pauses): the twenty squares come back in order, and every worker is joined."""
    w = walk("12_queue_workers.py")
    workers: list[int] = []

    def four_workers(w):
        workers.extend(w.children(4))
        for pid in workers:
            w.started_as_the_method_says(pid)

    def workers_gone(w):
        for pid in workers:
            w.gone(pid)

    assert w.run({
        "for n in range(20):": [four_workers],
        'print("every worker joined:", [w.exitcode for w in workers])': [workers_gone],
    }) == 0
    for pid in workers:
        w.paused_first_as_the_method_says(pid, "worker")
    said = w.said()
    assert said[:20] == [f"{n} squared is {n * n}" for n in range(20)]
    assert said[-1] == "every worker joined: [0, 0, 0, 0]"
