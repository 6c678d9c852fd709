"""The stepper against real children: each step is a real line or a real system call.

The expected line sequence is never written down here: it is recorded from the same
join() of a twin child by a plain sys.settrace, and line numbers are checked against
the running interpreter's code objects and source, so the tests hold on every CPython
the project supports, though their stdlib lines differ.
"""

from __future__ import annotations

import ast
import dis
import inspect
import itertools
import json
import multiprocessing
import multiprocessing.forkserver
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import types
from collections.abc import Iterable
from typing import Any

import pytest

from helpers.paths import ROOT, TESTS
from helpers.processes import gone, proc_info, proc_state
from proctui.core.linux import decode_status
from proctui.core.procfs.stat import read_proc
from proctui.core.stepping.stepper import Step, Stepper

# Spawn and forkserver children import their target by module name, with the sys.path
# they inherit from us.
sys.path.insert(0, str(TESTS))
import stepper_targets

SRC = ROOT / "src"
JOIN = "BaseProcess.join"
WAIT = "Popen.wait"
POLL = "Popen.poll"


# -- helpers ---------------------------------------------------------------------


class Kit:
    """Starts children and steppers for one test and leaves nothing behind."""

    def __init__(self) -> None:
        self.processes: list[multiprocessing.process.BaseProcess] = []
        self.steppers: list[Stepper] = []

    def start(self, method: str, target, *args) -> multiprocessing.process.BaseProcess:
        # typeshed's get_context(str) is a BaseContext, without Process: each method's own context has it.
        context: Any = multiprocessing.get_context(method)
        process = context.Process(target=target, args=args, name=f"stepped-{method}")
        process.start()
        # Process.start() first polls, and so reaps, every exited child in this private
        # set: a test's next start() would take the zombie it waits for. clean_up joins it.
        multiprocessing.process._children.discard(process)  # type: ignore[attr-defined]  # not in typeshed
        self.processes.append(process)
        return process

    def stepper(self, process, **kwargs) -> Stepper:
        stepper = Stepper(process, **kwargs)
        self.steppers.append(stepper)
        return stepper

    def clean_up(self) -> None:
        for stepper in self.steppers:
            stepper.cancel()
        for process in self.processes:
            process.kill()
            process.join(timeout=30)
        for stepper in self.steppers:
            if stepper.step is not None:
                final = stepper.wait_step(timeout=30)
                assert final is not None and stepper.done, "a stepper thread is still joining"
        for process in self.processes:
            assert process.pid is not None  # it was started
            info = read_proc(process.pid)
            assert info is None or info.ppid != os.getpid(), f"child {process.pid} left behind"


@pytest.fixture
def kit():
    kit = Kit()
    yield kit
    kit.clean_up()


def wait_for_state(pid: int, states: str, timeout: float = 30.0) -> None:
    """Poll /proc until the process is in one of ``states``; reading /proc never reaps."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = read_proc(pid)
        if info is not None and info.state in states:
            return
        time.sleep(0.01)
    raise AssertionError(f"process {pid} never reached state {states!r}")


def kill_orphan(pid: int, timeout: float = 30.0) -> None:
    """Kill an orphan and see it reaped: by its adopter, PID 1, or by us when this test
    run is a child subreaper (tests/conftest.py makes it one)."""
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = read_proc(pid)
        if info is None:
            return
        if info.is_zombie and info.ppid == os.getpid():
            os.waitpid(pid, 0)
            return
        time.sleep(0.01)
    raise AssertionError(f"orphan {pid} was never reaped")


def all_steps(stepper: Stepper) -> list[Step]:
    """Start (if needed) and step to the end, one next() at a time."""
    if stepper.step is None:
        stepper.start()
    first = stepper.step
    assert first is not None
    steps = [first]
    while steps[-1].kind not in ("done", "exception"):
        steps.append(stepper.next())
    return steps


def line_steps(steps: list[Step]) -> list[tuple[str, int]]:
    return [(step.frame.func, step.frame.lineno) for step in steps if step.kind == "line"]


def traced_functions(process) -> dict[str, types.FunctionType]:
    popen_class = type(vars(process)["_popen"])
    return {JOIN: type(process).join, WAIT: popen_class.wait, POLL: popen_class.poll}


def reference_lines(process, timeout: float | None = None) -> list[tuple[str, int]]:
    """The line events of join/wait/poll as a plain sys.settrace records them."""
    names = {function.__code__: name for name, function in traced_functions(process).items()}
    seen: list[tuple[str, int]] = []

    def local_trace(frame, event, arg):
        if event == "line":
            seen.append((names[frame.f_code], frame.f_lineno))
        return local_trace

    def global_trace(frame, event, arg):
        return local_trace if frame.f_code in names else None

    def join_traced():
        sys.settrace(global_trace)
        try:
            process.join(timeout)
        finally:
            sys.settrace(None)

    thread = threading.Thread(target=join_traced)
    thread.start()
    thread.join()
    return seen


def code_lines(function) -> set[int]:
    # From 3.13 a line is None for code of no source line (typeshed still says int).
    starts: Iterable[tuple[int, int | None]] = dis.findlinestarts(function.__code__)
    return {line for _, line in starts if line is not None}


def first_body_line(function) -> int:
    lines, start = inspect.getsourcelines(function)
    definition = ast.parse(textwrap.dedent("".join(lines))).body[0]
    assert isinstance(definition, (ast.FunctionDef, ast.AsyncFunctionDef))
    body = definition.body
    if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring runs no code
    return start + body[0].lineno - 1


def source_line(function, lineno: int) -> str:
    lines, start = inspect.getsourcelines(function)
    return lines[lineno - start]


def line_containing(function, text: str) -> int:
    lines, start = inspect.getsourcelines(function)
    return next(start + i for i, line in enumerate(lines) if text in line)


def calls(steps: list[Step], name: str) -> list[Step]:
    return [step for step in steps
            if step.kind in ("call", "return") and step.call is not None and step.call.startswith(name + "(")]


# -- the path through join ----------------------------------------------------------


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_steps_are_the_lines_the_interpreter_runs(kit, method):
    child = kit.start(method, stepper_targets.exit_with, 0)
    twin = kit.start(method, stepper_targets.exit_with, 0)
    wait_for_state(child.pid, "Z")
    wait_for_state(twin.pid, "Z")
    stepper = kit.stepper(child)
    functions = traced_functions(child)

    steps = all_steps(stepper)

    assert line_steps(steps) == reference_lines(twin)
    first = steps[0]
    assert (first.kind, first.frame.func, first.frame.lineno) == ("line", JOIN, first_body_line(functions[JOIN]))
    sources = stepper.sources()
    assert set(sources) == {JOIN, WAIT, POLL}
    for step in steps:
        function = functions[step.frame.func]
        assert step.frame.lineno in code_lines(function)
        lines, start = sources[step.frame.func]
        assert start == function.__code__.co_firstlineno
        assert start <= step.frame.lineno < start + len(lines)
        assert step.stack[-1] == step.frame
        assert [frame.func for frame in step.stack] == [JOIN, WAIT, POLL][: len(step.stack)]
    assert [func for func, _ in itertools.groupby(func for func, _ in line_steps(steps))] == [JOIN, WAIT, POLL, JOIN]

    call, returned = calls(steps, "os.waitpid")
    assert call.kind == "call" and returned.kind == "return"
    assert call.call == returned.call == f"os.waitpid({child.pid}, 0)"
    assert "os.waitpid(" in source_line(functions[POLL], call.frame.lineno)
    assert steps[steps.index(call) - 1].frame.lineno == call.frame.lineno  # the line, then the call in it
    assert returned.result == f"({child.pid}, 0)" and returned.status == 0
    assert returned.frame.locals["sts"] == "0"

    done = steps[-1]
    assert (done.kind, done.result, stepper.result, stepper.error) == ("done", "0", 0, None)
    assert stepper.done and not stepper.paused


def test_locals_are_described_without_touching_the_process(kit):
    child = kit.start("fork", stepper_targets.exit_with, 0)
    wait_for_state(child.pid, "Z")
    steps = all_steps(kit.stepper(child))

    join_locals = steps[0].frame.locals
    assert join_locals == {"self": f"<ForkProcess name=stepped-fork pid={child.pid}>", "timeout": "None"}
    poll = next(step for step in steps if step.frame.func == POLL)
    sentinel = vars(child)["_popen"].sentinel
    assert poll.frame.locals["self"] == f"<Popen pid={child.pid} returncode=None sentinel={sentinel}>"


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_zombie_is_gone_right_after_the_waitpid_step(kit, method):
    child = kit.start(method, stepper_targets.exit_with, 0)
    wait_for_state(child.pid, "Z")
    stepper = kit.stepper(child)
    stepper.start()

    step = stepper.step
    while step.kind != "call":
        # Looking at locals must not reap: the child stays a zombie up to waitpid.
        assert proc_state(child.pid) == "Z", f"reaped before waitpid, at {step}"
        step = stepper.next()
    assert step.call == f"os.waitpid({child.pid}, 0)"
    assert proc_state(child.pid) == "Z"
    zombie = proc_info(child.pid)

    step = stepper.next()
    assert step.kind == "return"
    assert gone(zombie), "/proc still lists the child after waitpid returned"
    assert stepper.run_to_end().result == "0"


# -- wait statuses ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("how", "raw", "exitcode", "macros"),
    [
        ("exit 0", 0x0000, 0, "WIFEXITED, WEXITSTATUS=0"),
        ("sys.exit(3)", 0x0300, 3, "WIFEXITED, WEXITSTATUS=3"),
        ("SIGTERM", 0x000F, -15, "WIFSIGNALED, WTERMSIG=15 (SIGTERM)"),
        ("SIGKILL", 0x0009, -9, "WIFSIGNALED, WTERMSIG=9 (SIGKILL)"),
    ],
)
def test_waitpid_status_is_decoded(kit, how, raw, exitcode, macros):
    if how.startswith("SIG"):
        child = kit.start("fork", stepper_targets.sleep_a_while)
        wait_for_state(child.pid, "S")
        os.kill(child.pid, getattr(signal, how))
    else:
        child = kit.start("fork", stepper_targets.exit_with, exitcode)
    wait_for_state(child.pid, "Z")

    steps = all_steps(kit.stepper(child))

    returned = calls(steps, "os.waitpid")[1]
    assert returned.status == raw
    assert returned.result == f"({child.pid}, {raw})"
    # As explain.py and the lab's log take it apart.
    assert decode_status(raw) == macros
    assert os.waitstatus_to_exitcode(raw) == exitcode
    assert steps[-1].result == str(exitcode)


# -- forkserver -----------------------------------------------------------------------


def test_forkserver_reads_the_status_from_the_sentinel(kit):
    child = kit.start("forkserver", stepper_targets.exit_with, 3)
    twin = kit.start("forkserver", stepper_targets.exit_with, 3)
    # The fork server forked it, so the fork server is its parent and reaps it: we never see a zombie.
    info = read_proc(child.pid)
    assert info is None or info.ppid != os.getpid()  # None: reaped by the fork server already
    stepper = kit.stepper(child)

    steps = all_steps(stepper)

    assert line_steps(steps) == reference_lines(twin)
    assert calls(steps, "os.waitpid") == []
    sentinel = vars(child)["_popen"].sentinel
    wait_call, wait_return = calls(steps, "connection.wait")
    assert wait_call.call == f"connection.wait([{sentinel}], None)"
    assert wait_return.result == f"[{sentinel}]"
    read_call, read_return = calls(steps, "forkserver.read_signed")
    assert read_call.call == f"forkserver.read_signed({sentinel})"
    assert read_return.result == "3" and read_return.status is None
    assert read_return.frame.func == POLL
    assert "read_signed(" in source_line(traced_functions(child)[POLL], read_return.frame.lineno)
    assert (steps[-1].kind, steps[-1].result, stepper.result) == ("done", "3", 3)


def test_forkserver_killed_read_signed_raises_eof(kit):
    child = kit.start("forkserver", stepper_targets.sleep_a_while)
    wait_for_state(child.pid, "S")
    server: Any = multiprocessing.forkserver._forkserver  # its private attributes are not in typeshed
    os.kill(server._forkserver_pid, signal.SIGKILL)
    server._stop()  # reaps the dead server, so multiprocessing starts a new one when asked
    try:
        steps = all_steps(kit.stepper(child))

        # The server held the only write end of the status pipe: EOF, though the child lives on.
        read_return = calls(steps, "forkserver.read_signed")[1]
        assert read_return.result == "raised EOFError: unexpected EOF"
        poll_lines = [lineno for func, lineno in line_steps(steps) if func == POLL]
        assert line_containing(traced_functions(child)[POLL], "self.returncode = 255") in poll_lines
        assert steps[-1].result == "255"
        assert proc_state(child.pid) in ("S", "R")
    finally:
        # Orphaned by the server's death, and adopted by this test run: the kit's join
        # reads the server's pipe and cannot reap it, so it is killed and reaped here.
        kill_orphan(child.pid)


# -- failures --------------------------------------------------------------------------


def test_unstarted_process_fails_the_assert(kit):
    process = multiprocessing.get_context("fork").Process(target=stepper_targets.exit_with, args=(0,))
    stepper = kit.stepper(process)
    assert set(stepper.sources()) == {JOIN}

    steps = all_steps(stepper)

    join = type(process).join
    failed = steps[-1]
    assert failed.kind == "exception"
    assert failed.result == "AssertionError: can only join a started process"
    assert failed.frame.lineno == line_containing(join, "can only join a started process")
    assert [lineno for _, lineno in line_steps(steps)][-1] == failed.frame.lineno
    assert isinstance(stepper.error, AssertionError) and stepper.result is None
    assert stepper.optimize_level == sys.flags.optimize == 0


def test_unstarted_process_under_python_dash_o():
    script = textwrap.dedent(
        """
        import json, multiprocessing
        from proctui.core.stepping.stepper import Stepper
        stepper = Stepper(multiprocessing.get_context("fork").Process(target=print))
        stepper.start()
        steps = [stepper.step]
        while not stepper.done:
            steps.append(stepper.next())
        print(json.dumps({
            "optimize": stepper.optimize_level,
            "steps": [[s.kind, s.frame.lineno, s.result] for s in steps],
        }))
        """
    )
    env = {**os.environ, "PYTHONPATH": str(SRC), "PYTHONDONTWRITEBYTECODE": "1"}
    completed = subprocess.run(
        [sys.executable, "-O", "-c", script], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    report = json.loads(completed.stdout)

    join = multiprocessing.process.BaseProcess.join
    kind, lineno, result = report["steps"][-1]
    assert report["optimize"] == 1
    # The asserts are compiled out, so join goes on to None.wait().
    assert kind == "exception"
    assert result == "AttributeError: 'NoneType' object has no attribute 'wait'"
    assert lineno == line_containing(join, "self._popen.wait(timeout)")
    stepped = {lineno for _, lineno, _ in report["steps"]}
    assert line_containing(join, "can only join a started process") not in stepped


def test_closed_process_fails_before_any_wait(kit):
    child = multiprocessing.get_context("fork").Process(target=stepper_targets.exit_with, args=(0,))
    child.start()
    child.join()
    child.close()

    steps = all_steps(kit.stepper(child))

    assert [step.kind for step in steps] == ["line", "exception"]
    assert steps[-1].result == "ValueError: process object is closed"
    assert steps[-1].frame.lineno == first_body_line(type(child).join)


def test_stolen_status_makes_waitpid_raise(kit):
    child = kit.start("fork", stepper_targets.exit_with, 0)
    wait_for_state(child.pid, "Z")
    os.waitpid(child.pid, 0)  # what proctui must never do: reap a child behind multiprocessing's back

    stepper = kit.stepper(child)
    steps = all_steps(stepper)

    returned = calls(steps, "os.waitpid")[1]
    assert returned.result == "raised ChildProcessError: [Errno 10] No child processes"
    assert returned.status is None
    # poll() swallows the error: join returns, and the exit code is lost for good.
    assert (steps[-1].kind, steps[-1].result, stepper.result) == ("done", "None", None)


# -- timeouts, blocking, threads -----------------------------------------------------------


def test_join_with_timeout_returns_while_the_child_lives(kit):
    child = kit.start("fork", stepper_targets.sleep_a_while)
    wait_for_state(child.pid, "S")
    stepper = kit.stepper(child)
    stepper.start(timeout=0.2)

    steps = all_steps(stepper)

    sentinel = vars(child)["_popen"].sentinel
    wait_call, wait_return = calls(steps, "connection.wait")
    assert wait_call.call == f"connection.wait([{sentinel}], 0.2)"
    assert wait_return.result == "[]"
    assert calls(steps, "os.waitpid") == []
    assert (steps[-1].kind, steps[-1].result, stepper.result) == ("done", "None", None)
    assert proc_state(child.pid) in ("S", "R")
    assert line_steps(steps) == reference_lines(child, timeout=0.2)

    child.terminate()
    child.join()
    assert child.exitcode == -signal.SIGTERM


def test_blocking_waitpid_is_reported_while_it_blocks(kit):
    child = kit.start("fork", stepper_targets.sleep_a_while)
    wait_for_state(child.pid, "S")
    stepper = kit.stepper(child)
    stepper.start()
    while stepper.step.kind != "call":
        stepper.next()

    stepper.advance()
    assert stepper.wait_step(timeout=0.3) is None
    assert not stepper.paused and not stepper.done
    assert stepper.inside_call == f"os.waitpid({child.pid}, 0)"

    child.terminate()
    returned = stepper.wait_step(timeout=30)
    assert returned is not None and returned.kind == "return"
    assert returned.status == signal.SIGTERM and stepper.inside_call is None
    assert stepper.run_to_end().result == "-15"


def test_other_threads_joining_are_not_paused(kit):
    stepped = kit.start("fork", stepper_targets.exit_with, 0)
    other = kit.start("fork", stepper_targets.exit_with, 4)
    wait_for_state(stepped.pid, "Z")
    stepper = kit.stepper(stepped)
    stepper.start()
    paused_at = stepper.step

    other.join(timeout=30)  # in this thread, through the very code objects being traced

    assert other.exitcode == 4
    assert stepper.paused and stepper.step is paused_at
    assert stepper.run_to_end().result == "0"


def test_two_joins_stepped_at_once_keep_apart(kit):
    first = kit.start("fork", stepper_targets.exit_with, 1)
    second = kit.start("fork", stepper_targets.exit_with, 2)
    wait_for_state(first.pid, "Z")
    wait_for_state(second.pid, "Z")
    steppers = [kit.stepper(first), kit.stepper(second)]
    for stepper in steppers:
        stepper.start()
    steps: list[list[Step]] = [[stepper.step] for stepper in steppers]

    while not all(stepper.done for stepper in steppers):
        for stepper, taken in zip(steppers, steps, strict=True):
            if not stepper.done:
                taken.append(stepper.next())

    assert line_steps(steps[0]) == line_steps(steps[1])
    assert calls(steps[0], "os.waitpid")[0].call == f"os.waitpid({first.pid}, 0)"
    assert calls(steps[1], "os.waitpid")[0].call == f"os.waitpid({second.pid}, 0)"
    assert [stepper.result for stepper in steppers] == [1, 2]


def test_on_step_sees_every_step_and_cancel_lets_go(kit):
    child = kit.start("fork", stepper_targets.exit_with, 0)
    wait_for_state(child.pid, "Z")
    zombie = proc_info(child.pid)
    seen: list[Step] = []
    stepper = kit.stepper(child, on_step=seen.append)
    stepper.start()
    returned = [stepper.step] + [stepper.next() for _ in range(3)]

    stepper.cancel()  # as at quit: no more pauses, the join runs to its end

    final = stepper.wait_step(timeout=30)
    assert final is not None and final.kind == "done" and final.result == "0"
    assert gone(zombie)
    assert stepper.run_to_end() is final  # the thread has ended: on_step has had every call
    assert seen == [*returned, final]


def test_stepping_twice_is_refused(kit):
    child = kit.start("fork", stepper_targets.exit_with, 0)
    stepper = kit.stepper(child)
    with pytest.raises(RuntimeError):
        stepper.next()
    stepper.start()
    with pytest.raises(RuntimeError):
        stepper.start()
    stepper.run_to_end()
