"""Lesson 11, exit codes, with real processes: what a shell says ($?, 128+N) beside what
multiprocessing says (-N), and the exit codes of sys.exit(256), of an uncaught exception
and of sys.exit("message"), checked on the interpreter that runs the tests (make
test-versions runs this file on every 3.10-3.13). The plain-multiprocessing facts come
first, without the Lab; then the Lab's children that show them."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
import types

import pytest

from helpers.events import events_of
from helpers.processes import end_and_reap, family_of, gone, proc_info, proc_state
from helpers.waiting import wait_until
from proctui.core.events import Exited, Output, WhoReaps
from proctui.core.lab import experiments
from proctui.core.lab.lab import Lab


def exit_256() -> None:
    sys.exit(256)


def exit_none() -> None:
    sys.exit(None)


def exit_message(code: str | float) -> None:
    sys.stderr = open(os.environ["EXIT_STATUS_STDERR"], "w")  # the child exits with it open
    sys.exit(code)  # type: ignore[arg-type]  # a float, on purpose: typeshed allows str | int | None


def exit_256_saying_how_the_process_ends(mark: str) -> None:
    """sys.exit(256), with a profile function that writes down each call of sys.exit or
    os._exit in this thread from here on, and the exit code its caller hands it (the
    caller's local code, or exitcode in spawn_main): the calls after the target's own."""
    fd = os.open(mark, os.O_WRONLY | os.O_CREAT, 0o600)
    write = os.write  # bound now: the profile function may run while the process winds down

    def profile(frame: types.FrameType, event: str, arg: object) -> None:
        name = getattr(arg, "__name__", None)
        if event == "c_call" and name in ("exit", "_exit"):
            local = frame.f_locals
            code = local.get("code", local.get("exitcode"))
            write(fd, f"{getattr(arg, '__module__', '?')}.{name}({code})\n".encode())

    sys.setprofile(profile)
    sys.exit(256)


def raise_error() -> None:
    raise RuntimeError("on purpose")


def interrupted() -> None:
    # Python's own SIGINT handler, as a plain program has it (the test run's may differ).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(60)


def sleep_a_minute() -> None:
    time.sleep(60)


@pytest.mark.parametrize("method", ["fork", "spawn"])
@pytest.mark.parametrize(("target", "exitcode"), [
    (exit_256, 0),  # 256 & 0xFF
    (exit_none, 0),
    (raise_error, 1),
    (interrupted, 1),  # KeyboardInterrupt, uncaught
])
def test_what_multiprocessing_reports_for_each_way_out(method, target, exitcode):
    child = multiprocessing.get_context(method).Process(target=target)
    child.start()
    child.join()
    assert child.exitcode == exitcode


@pytest.mark.parametrize("code", ["goodbye", 1.5])
def test_sys_exit_with_what_is_not_an_int_writes_it_to_stderr_and_gives_1(tmp_path, monkeypatch, code):
    """Lesson 11: "a code that is not an int (a str, or even 1.5)": _bootstrap() tests
    isinstance(code, int), so a number that is no int is written out too."""
    stderr = tmp_path / "stderr"
    monkeypatch.setenv("EXIT_STATUS_STDERR", str(stderr))
    child = multiprocessing.get_context("fork").Process(target=exit_message, args=(code,))
    child.start()
    child.join()
    assert child.exitcode == 1
    assert stderr.read_text() == f"{code}\n"


@pytest.mark.parametrize(("method", "last_call"), [
    ("fork", "posix._exit(256)"),  # popen_fork.Popen._launch
    ("forkserver", "posix._exit(256)"),  # forkserver.main, in the forked child
    ("spawn", "sys.exit(256)"),  # spawn.spawn_main: the child's Python ends itself
])
def test_sys_exit_256_reaches_the_kernel_through_os_exit_or_sys_exit(tmp_path, method, last_call):
    """Lesson 11: under fork and forkserver multiprocessing passes 256 to os._exit(); a
    spawn child ends with sys.exit(256). The exit code is 0 either way."""
    mark = tmp_path / "calls"
    child = multiprocessing.get_context(method).Process(target=exit_256_saying_how_the_process_ends,
                                                        args=(str(mark),))
    child.start()
    child.join()
    assert child.exitcode == 0
    assert mark.read_text().splitlines() == ["sys.exit(None)", last_call]  # the target's own, then the last


def test_a_signal_is_minus_n_to_multiprocessing_and_128_plus_n_to_a_shell():
    child = multiprocessing.get_context("fork").Process(target=sleep_a_minute)
    child.start()
    child.terminate()
    child.join()
    assert child.exitcode == -signal.SIGTERM
    shell = subprocess.Popen(["sh", "-c", 'sleep 60 & echo $!; wait $!; echo $?'], stdout=subprocess.PIPE, text=True)
    assert shell.stdout is not None
    try:
        sleeper = int(shell.stdout.readline())
        os.kill(sleeper, signal.SIGTERM)
        assert shell.stdout.read() == f"{128 + signal.SIGTERM}\n"
        assert shell.wait() == 0  # the shell itself exited normally: echo's status
    finally:
        if shell.poll() is None:  # the test failed midway (once reaped, its PID may be another's)
            end_and_reap(family_of(shell.pid))
        shell.wait()
        shell.stdout.close()


# -- the Lab's children -------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_shell_child_prints_143_and_exits_with_it(method, lang):
    lab = Lab(start_method=method)
    lab.language = lang
    events: list = []
    lab.subscribe(events.append)
    try:
        shell, sleep = experiments.start_shell(lab)
        # The shell's child is below the shell, which is below proctui (or its fork server).
        wait_until(lambda: proc_state(sleep.pid) == "S" and proc_info(sleep.pid).ppid == shell.pid,
                   what="the shell's child sleeping")
        wait_until(lambda: "sleep" in open(f"/proc/{sleep.pid}/cmdline").read(), what="the child exec'd sleep")
        assert open(f"/proc/{shell.pid}/comm").read().strip() == "sh"
        lab.terminate(sleep)
        [exited] = wait_until(lambda: events_of(events, Exited, shell.pid), what="the shell's exit")
        # Each has its own pidfd: the two exits may be noticed in either order.
        [child_exit] = wait_until(lambda: events_of(events, Exited, sleep.pid), what="the sleep's exit")
        assert child_exit.who_reaps is WhoReaps.PARENT and child_exit.reaper_pid == shell.pid
        if method == "forkserver":  # the fork server reaped the shell: the status is in its sentinel
            assert exited.who_reaps is WhoReaps.FORK_SERVER
        else:
            assert exited.status is not None and os.WIFEXITED(exited.status)
            assert exited.exitcode == 128 + signal.SIGTERM
        # "$? = 143", not "143" alone: the line before it names the sleep's PID, which may
        # hold 143 (21430, say: it did once on a busy machine).
        [said] = wait_until(lambda: [e.line for e in events_of(events, Output, shell.pid) if "$? = 143" in e.line],
                            what="the shell's $? line")
        assert said.startswith(f"[{shell.label}] sh -c")
        assert ("wait" in said) if lang == "en" else ("返回" in said)
        assert lab.join(shell) == 128 + signal.SIGTERM
    finally:
        lab.shutdown()


def test_terminating_the_shell_itself_is_minus_15_and_its_child_goes_with_it(lab, lab_events):
    shell, sleep = experiments.start_shell(lab)
    wait_until(lambda: proc_state(sleep.pid) == "S" and proc_info(sleep.pid).ppid == shell.pid, what="the sleep")
    lab.terminate(shell)
    assert lab.join(shell) == -signal.SIGTERM
    # The sleep's parent-death signal (armed before it became sleep) ends it; proctui,
    # the subreaper that adopted it, reaps it.
    wait_until(sleep.reaped.is_set, what="the sleep to die with the shell and be reaped")
    assert gone(sleep)


def test_sys_exit_256_is_exit_code_0(lab, lab_events):
    child = experiments.start_exit_256(lab)
    [exited] = wait_until(lambda: events_of(lab_events, Exited, child.pid), what="its exit")
    assert exited.status == 0 and exited.exitcode == 0
    assert lab.join(child) == 0
    wait_until(lambda: any("sys.exit(256)" in e.line for e in events_of(lab_events, Output, child.pid)),
               what="its line")
