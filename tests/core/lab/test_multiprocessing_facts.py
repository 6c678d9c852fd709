"""What the lessons and README say of multiprocessing itself, shown with plain
multiprocessing and real processes, without proctui's Lab and its guards: the evidence
for sentences that describe ordinary code (the Lab's own behaviour is tested elsewhere).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from helpers.processes import end_and_reap, family_of, gone, proc_info, proc_state, run_reaping_what_it_leaves
from helpers.waiting import wait_until
from proctui.core.procfs.stat import read_proc


def exit_at_once() -> None:
    os._exit(0)


def sleep_a_minute() -> None:
    import time

    time.sleep(60)


def test_in_ordinary_code_the_next_start_reaps_a_finished_child():
    """Lesson 2 and README: "in ordinary code so would the next start()" (process._cleanup())."""
    ctx = multiprocessing.get_context("fork")
    finished = ctx.Process(target=exit_at_once)
    finished.start()
    later = ctx.Process(target=exit_at_once)
    try:
        pid = finished.pid
        assert pid is not None
        wait_until(lambda: proc_state(pid) == "Z", what="a zombie nobody joined")
        zombie = proc_info(pid)
        later.start()  # polls every child multiprocessing knows: waitpid(WNOHANG) reaps the zombie
        assert gone(zombie)
        assert finished.exitcode == 0  # read from the Popen, which the poll filled in
    finally:
        finished.join()  # at once: reaped already, unless the test failed before later.start()
        if later.pid is not None:
            later.join()


def test_only_the_parent_may_join():
    """Lesson 5: join() asserts it is the parent ('can only join a child process')."""
    ctx = multiprocessing.get_context("fork")
    child = ctx.Process(target=sleep_a_minute)
    child.start()
    try:
        # A forked copy of this process holds the same Process object, but is not its parent.
        read_end, write_end = os.pipe()
        copy = os.fork()
        if copy == 0:  # pragma: no cover - runs in the copy
            try:
                try:
                    child.join()
                    message = b"joined"
                except AssertionError as error:
                    message = str(error).encode()
                os.write(write_end, message)
            finally:
                os._exit(0)  # whatever happened: the copy must never run on into pytest
        os.close(write_end)
        try:
            said = os.read(read_end, 200).decode()
        finally:
            os.close(read_end)
            os.waitpid(copy, 0)
        assert said == ("can only join a child process" if __debug__ else "joined")
    finally:
        child.kill()
        child.join()


# A parent with a daemon child, which then dies without running its exit handlers.
_PARENT_OF_A_DAEMON = textwrap.dedent("""
    import multiprocessing, os, signal, sys, time

    def daemon():
        time.sleep(60)

    if __name__ == "__main__":
        child = multiprocessing.get_context("fork").Process(target=daemon, daemon=True)
        child.start()
        print(child.pid, flush=True)
        how = sys.argv[1]
        if how == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        elif how == "_exit":
            os._exit(0)
        # "return": the exit handler terminates and joins the daemon
""")


@pytest.mark.parametrize(("how", "lives_on"), [("kill", True), ("_exit", True), ("return", False)])
def test_a_daemon_outlives_a_parent_that_dies_without_its_exit_handler(how, lives_on):
    """Lesson 8: the exit handler ends a daemon when the parent exits normally; after
    SIGKILL or os._exit no handler runs and the daemon lives on, an orphan. (The test run
    is a child subreaper: the orphan comes here, where it can be seen and ended.)"""
    parent = subprocess.Popen([sys.executable, "-c", _PARENT_OF_A_DAEMON, how], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    family = []
    try:
        daemon = int(parent.stdout.readline())
        seen = read_proc(daemon)  # None only if its parent's exit handler has ended it already
        family = family_of(parent.pid)  # the parent (ours until reaped) and the daemon, if still below it
        parent.wait(30)
        if lives_on:
            wait_until(lambda: proc_info(daemon).ppid == os.getpid(), what="the orphaned daemon adopted here")
            family += family_of(daemon)  # adopted: ours until we reap it
            assert proc_state(daemon) in ("S", "R")
        else:
            assert parent.returncode == 0
            assert seen is None or gone(seen)  # terminated and joined by its parent
    finally:
        # The adopted daemon is ours to end and reap; so is the parent, should the test
        # fail while it lives.
        end_and_reap(family)
        if parent.poll() is None:
            parent.kill()
        parent.wait()
        parent.stdout.close()


def test_the_default_start_method_on_linux_is_fork_up_to_3_13_and_forkserver_from_3_14():
    """Lessons 10 and 17, the welcome line and ScriptStartMethod: on Linux the default is
    fork up to 3.13 and forkserver from 3.14, and get_all_start_methods() names it first
    (what proctui reads, as it sets nothing)."""
    code = "import multiprocessing as m; print(m.get_all_start_methods()[0], m.get_start_method())"
    said = subprocess.run([sys.executable, "-c", code],
                          capture_output=True, text=True, timeout=30)
    expected = "forkserver" if sys.version_info >= (3, 14) else "fork"
    assert said.stdout.split() == [expected, expected]


# A plain script's child, interrupted (what Process.interrupt() does from 3.14 on).
_INTERRUPTED_CHILD = textwrap.dedent("""
    import multiprocessing, os, signal, sys, time

    def sleep_a_minute(ready):
        ready.send("ready")  # a pipe write: no lock shared with the parent, which SIGINT could leave held
        time.sleep(60)

    if __name__ == "__main__":
        # What python installs when its shell started it with SIGINT at SIG_DFL, as a
        # terminal's shell does (a test run may have been started with SIGINT ignored).
        signal.signal(signal.SIGINT, signal.default_int_handler)
        ctx = multiprocessing.get_context(sys.argv[1])
        waiting, ready = ctx.Pipe(duplex=False)
        child = ctx.Process(target=sleep_a_minute, args=(ready,))
        child.start()
        waiting.recv()
        os.kill(child.pid, signal.SIGINT)
        child.join()
        print(child.exitcode)
""")


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_a_plain_script_s_child_gets_keyboard_interrupt_and_exits_1(tmp_path, method):
    """Lesson 3: SIGINT to a plain script's child raises KeyboardInterrupt there (Python's
    own handler, inherited under fork, installed afresh by a spawn child's Python and
    given back to a forkserver child): exit code 1. proctui's f child exits -2 instead
    (test_signals_lesson.test_sigint_left_to_its_default_action_kills_minus_2)."""
    script = tmp_path / "interrupted.py"
    script.write_text(_INTERRUPTED_CHILD)
    said = run_reaping_what_it_leaves([sys.executable, str(script), method])
    assert said.stdout == "1\n", said.stderr
    assert "KeyboardInterrupt" in said.stderr


# Who imports the main module, and who unpickles the Process, under forkserver.
_FORKSERVER_MAIN = textwrap.dedent("""
    import multiprocessing, os, sys

    print(f"top {__name__} {os.getpid()} {os.getppid()}", flush=True)


    def _unpickled():
        print(f"unpickled {os.getpid()}", flush=True)
        return None


    class SaysWhereItIsUnpickled:
        def __reduce__(self):
            return (_unpickled, ())


    def target(ignored):
        print(f"target {os.getpid()} {os.getppid()}", flush=True)


    def start_one():
        child = multiprocessing.get_context("forkserver").Process(target=target, args=(SaysWhereItIsUnpickled(),))
        try:
            child.start()
        except ConnectionError as error:
            print(f"start raised {type(error).__name__}", flush=True)
            return
        child.join()
        print(f"exitcode {child.pid} {child.exitcode}", flush=True)


    if sys.argv[1] == "unguarded":
        start_one()
    elif __name__ == "__main__":
        start_one()
        start_one()
""")


def _lines(said: str, word: str) -> list[list[str]]:
    return [line.split()[1:] for line in said.splitlines() if line.split()[:1] == [word]]


def test_who_imports_the_main_module_under_forkserver(tmp_path):
    """Lesson 16, the script viewer's note and DESIGN: a forkserver child is a fork of the
    fork server, and the child (not the fork server) unpickles the Process. Up to 3.13 the
    fork server never imports the main module (it keeps the key main_path, the data's key
    is init_main_from_path), so each child imports it as __mp_main__; from 3.14 the fork
    server imports it once, and its children do not."""
    script = tmp_path / "guarded.py"
    script.write_text(_FORKSERVER_MAIN)
    said = run_reaping_what_it_leaves([sys.executable, str(script), "guarded"])
    assert said.returncode == 0, said.stderr
    me = said.stdout.splitlines()[0].split()
    assert me[:2] == ["top", "__main__"]
    script_pid = me[2]
    targets = _lines(said.stdout, "target")
    assert len(targets) == 2
    fork_server = {ppid for _, ppid in targets}
    assert len(fork_server) == 1 and script_pid not in fork_server  # both children of one fork server
    children = {pid for pid, _ in targets}
    assert {pid for [pid] in _lines(said.stdout, "unpickled")} == children  # each child, not the server
    assert [code for _, code in _lines(said.stdout, "exitcode")] == ["0", "0"]
    importers = {pid for name, pid, _ in _lines(said.stdout, "top") if name == "__mp_main__"}
    if sys.version_info >= (3, 14):
        assert importers == fork_server  # once, by the fork server
    else:
        assert importers == children  # by each child


def test_without_the_main_guard_under_forkserver(tmp_path):
    """Lesson 16: with no main guard, up to 3.13 the child's import of the script starts a
    Process while it is still bootstrapping: RuntimeError, exit code 1. On 3.14 the fork
    server's own import fails so: the fork server dies, and the script's start() fails
    with it (ConnectionResetError as a rule; refused, should the fork server be gone
    before start() connects). On 3.15 the fork server ignores the failure (on_error=
    'ignore'), the child imports the script again, and exits 1."""
    script = tmp_path / "unguarded.py"
    script.write_text(_FORKSERVER_MAIN)
    said = run_reaping_what_it_leaves([sys.executable, str(script), "unguarded"])
    importers = [pid for name, pid, _ in _lines(said.stdout, "top") if name == "__mp_main__"]
    if sys.version_info[:2] == (3, 14):
        assert _lines(said.stdout, "start")[0][1] in ("ConnectionResetError", "ConnectionRefusedError"), said.stdout
        assert len(importers) == 1  # the fork server, which died of it
        assert not _lines(said.stdout, "target")
    else:
        [[child, code]] = _lines(said.stdout, "exitcode")
        assert code == "1" and child in importers and not _lines(said.stdout, "target")
        assert "RuntimeError" in said.stderr
        assert len(importers) == (2 if sys.version_info >= (3, 15) else 1)  # 3.15: the fork server too


# A parent that stops its daemon child, then ends normally: its exit handler runs.
_PARENT_OF_A_STOPPED_DAEMON = textwrap.dedent("""
    import multiprocessing, os, signal, time

    def daemon():
        time.sleep(60)

    if __name__ == "__main__":
        child = multiprocessing.get_context("fork").Process(target=daemon, daemon=True)
        child.start()
        os.kill(child.pid, signal.SIGSTOP)
        # Stopped for sure before the exit handler's SIGTERM: a SIGTERM that finds it still
        # running (the SIGSTOP not yet acted on) kills it at once.
        while open(f"/proc/{child.pid}/stat").read().rsplit(")", 1)[1].split()[0] != "T":
            time.sleep(0.01)
        print(child.pid, flush=True)
        # The end of the script: multiprocessing's exit handler terminate()s the daemon
        # and join()s it.
""")


def _status_word(pid: int, name: str) -> str:
    with open(f"/proc/{pid}/status") as status:
        return next(line.split()[1] for line in status if line.startswith(name + ":"))


def test_a_stopped_daemon_keeps_its_parent_s_exit_handler_waiting():
    """practice: a process may not "return" while its daemon child is stopped. The exit
    handler's terminate() leaves SIGTERM pending (ShdPnd) in the stopped daemon, and its
    join() sleeps in waitpid (wchan do_wait) for a child that cannot run: until SIGCONT,
    when the daemon dies of the pending SIGTERM and the parent ends."""
    parent = subprocess.Popen([sys.executable, "-c", _PARENT_OF_A_STOPPED_DAEMON], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    family = []
    try:
        daemon = int(parent.stdout.readline())
        family = family_of(parent.pid)
        sigterm = 1 << (signal.SIGTERM - 1)
        wait_until(lambda: int(_status_word(daemon, "ShdPnd"), 16) & sigterm, what="terminate()'s SIGTERM pending")
        wait_until(lambda: open(f"/proc/{parent.pid}/wchan").read() == "do_wait", what="the parent in waitpid")
        assert proc_state(daemon) == "T" and parent.poll() is None
        os.kill(daemon, signal.SIGCONT)
        assert parent.wait(30) == 0  # the daemon ran, died of the SIGTERM, was joined
    finally:
        end_and_reap(family)
        if parent.poll() is None:
            parent.kill()
        parent.wait()
        parent.stdout.close()
