"""proctui run FILE, the Lab's side: a real script process, stepped line by line through
the channel, with /proc checked at the steps that matter; fork() returning twice; and
the inputs that must be refused or survived."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.events import assert_refused, events_of
from helpers.processes import gone, proc_info, proc_state
from helpers.script_driver import EXAMPLES, SCRIPTS, Driver, run_to_the_end, source_line, where_fork_returned_0
from helpers.waiting import wait_until
from proctui.core.events import Output, ReapCall, Reaped, Refusal, Refused, ScriptForked, ScriptReadStdin
from proctui.core.lab.lab import Lab, LabError
from proctui.core.procfs.snapshot import children
from proctui.core.script.runner import Ended, Pause


def test_the_article_s_first_example_stepped_to_its_end(driver):
    """Under fork (chosen by the script: the default only up to 3.13): start() makes a
    child of the script process, fork() returns twice (a viewer for each side), the child
    is Z until the parent's os.waitpid, and gone after it."""
    script = driver.start("first_process.py", "fork")
    pause = driver.step_until(script, "next", lambda p: source_line(p) == "p.start()")
    assert pause.file == str(SCRIPTS / "first_process.py") and pause.func == "<module>"
    driver.send(script, "next")  # over start(): fork() returns in the parent and in the child
    parent_side = driver.pause_of(script)
    assert source_line(parent_side) == "p.join()"
    [forked] = wait_until(lambda: events_of(driver.events, ScriptForked), what="the child's hello")
    child = forked.pid
    assert forked.parent_pid == script and forked.traced and forked.via == "fork"
    assert proc_info(child).ppid == script  # in the kernel: the script process is its parent
    child_side = driver.pause_of(child)
    assert where_fork_returned_0(child_side), child_side
    assert child_side.stack[0].func == "<module>"  # the child's stack starts in the script
    # The child runs on to its end; nobody has waited for it: a zombie.
    driver.send(child, "continue")
    assert isinstance(driver.next_of(child), Ended)
    wait_until(lambda: proc_state(child) == "Z", what="the child a zombie")
    # Said by the child, on its own pipe (read by the watcher thread: awaited, not assumed).
    wait_until(lambda: any(f"[child-x] PID: {child}, PPID: {script}" in event.line
                           for event in events_of(driver.events, Output, child)), what="the child's line")
    # The parent steps into join() down to os.waitpid: the child is still Z there.
    at_waitpid = driver.step_until(script, "step", lambda p: "os.waitpid(" in source_line(p))
    assert at_waitpid.func.endswith("poll") and proc_state(child) == "Z"
    driver.send(script, "next")  # waitpid reaps it
    driver.pause_of(script)
    record = driver.lab.records.latest(child)  # made at its hello, with its start time
    assert record is not None and gone(record)
    driver.send(script, "continue")
    assert isinstance(driver.next_of(script), Ended)
    [reaped] = wait_until(lambda: events_of(driver.events, Reaped, script), what="the script reaped")
    assert (reaped.call, reaped.exitcode) == (ReapCall.SCRIPT, 0)
    assert any("exitcode 0" in event.line for event in events_of(driver.events, Output, script))


def test_the_article_s_first_example_under_forkserver_stepped_to_its_end(driver):
    """Under forkserver (the default from 3.14): start() forks nothing in the script. The
    fork server, a process below the script, forks the child: its parent. The child's
    viewer opens at its target's first line; once it exits, the fork server reaps it at
    once (gone before the parent's join(), no zombie under the script); the parent's
    join() calls no waitpid: it reads the exit code the fork server wrote on the sentinel."""
    script = driver.start("first_process.py", "forkserver")
    driver.step_until(script, "next", lambda p: source_line(p) == "p.start()")
    driver.send(script, "next")  # over start(): the fork server forks; the script does not
    assert source_line(driver.pause_of(script)) == "p.join()"
    [forked] = wait_until(lambda: events_of(driver.events, ScriptForked), timeout=30, what="the child's hello")
    child, server = forked.pid, forked.parent_pid
    assert forked.traced and forked.via == "forkserver" and server != script
    assert proc_info(child).ppid == server and proc_info(server).ppid == script
    with open(f"/proc/{server}/cmdline", "rb") as f:
        assert b"multiprocessing.forkserver" in f.read()
    child_side = driver.pause_of(child)
    assert (child_side.func, child_side.via) == ("test", "forkserver")
    assert source_line(child_side).startswith('print("[child-%s] PID')
    assert [frame.func for frame in child_side.stack] == ["test"]  # it never ran the script's frames
    driver.send(child, "continue")
    assert isinstance(driver.next_of(child), Ended)
    record = driver.lab.records.latest(child)
    assert record is not None
    wait_until(lambda: gone(record), what="the child reaped by the fork server")
    assert not [info for info in children(script) if info.state == "Z"]
    wait_until(lambda: any(f"[child-x] PID: {child}, PPID: {server}" in event.line
                           for event in events_of(driver.events, Output, child)), what="the child's line")
    # The parent steps into join(), down to reading the sentinel: no waitpid on the way.
    lines: list[str] = []

    def at_the_read(pause: Pause) -> bool:
        lines.append(source_line(pause))
        return "read_signed(self.sentinel)" in lines[-1]

    at_read = driver.step_until(script, "step", at_the_read)
    assert at_read.file.endswith("popen_forkserver.py") and at_read.func.endswith("poll")
    assert not [line for line in lines if "waitpid" in line], lines
    driver.send(script, "continue")
    assert isinstance(driver.next_of(script), Ended)
    [reaped] = wait_until(lambda: events_of(driver.events, Reaped, script), what="the script reaped")
    assert (reaped.call, reaped.exitcode) == (ReapCall.SCRIPT, 0)
    assert any("exitcode 0" in event.line for event in events_of(driver.events, Output, script))


def test_a_fork_child_pauses_where_fork_returned_0_not_in_a_later_at_fork_hook(driver):
    """At-fork hooks registered after proctui's (the script's own here; random's and 3.14's
    resource tracker's when first imported after the script began) run in the child before
    fork() returns 0 there: they run, untraced, and the child's viewer opens in _launch."""
    script = driver.start("fork_hook.py")
    driver.step_until(script, "next", lambda p: source_line(p) == "p.start()")
    driver.send(script, "next")
    [forked] = wait_until(lambda: events_of(driver.events, ScriptForked), what="the child's hello")
    assert forked.traced and forked.via == "fork"
    child_side = driver.pause_of(forked.pid)
    assert where_fork_returned_0(child_side), child_side
    driver.send(forked.pid, "continue")
    assert isinstance(driver.next_of(forked.pid), Ended)
    assert run_to_the_end(driver, script, "continue") == 0
    wait_until(lambda: [e.line for e in events_of(driver.events, Output, forked.pid)] == ["hook ran: yes"],
               what="the child's line")


def test_a_script_run_free_to_its_end(driver):
    script = driver.start("loop.py")
    driver.pause_of(script)
    driver.send(script, "continue")
    assert isinstance(driver.next_of(script), Ended)
    [reaped] = wait_until(lambda: events_of(driver.events, Reaped, script), what="the script reaped")
    assert reaped.exitcode == 0
    assert [event.line for event in events_of(driver.events, Output, script)] == ["total 10"]


def test_a_breakpoint_stops_a_continue(driver):
    script = driver.start("loop.py")
    first = driver.pause_of(script)
    path = str(SCRIPTS / "loop.py")
    driver.send(script, "break", file=path, line=3)
    again = driver.pause_of(script)  # the same place, with the breakpoint listed
    assert (again.line, again.breaks) == (first.line, (3,))
    driver.send(script, "continue")
    stopped = driver.pause_of(script)
    assert (stopped.line, stopped.locals["i"]) == (3, "0")
    driver.send(script, "continue")
    assert driver.pause_of(script).locals["i"] == "1"  # the breakpoint stays
    driver.send(script, "break", file=path, line=3)  # cleared
    driver.pause_of(script)
    driver.send(script, "continue")
    assert isinstance(driver.next_of(script), Ended)


def test_stepping_from_a_breakpoint_reached_by_continue(driver):
    """c runs free to a breakpoint (on 3.12+ under sys.monitoring, bdb's tracer off):
    there, n goes on to the next line and to the function's return, c comes back to the
    breakpoint with the next argument, and a thread that runs the line does not stop
    (the stepped thread is the one that pauses, as under bdb's tracer)."""
    script = driver.start("breaks.py")
    driver.pause_of(script)
    path = str(SCRIPTS / "breaks.py")
    driver.send(script, "break", file=path, line=7)
    driver.pause_of(script)
    driver.send(script, "continue")
    at_break = driver.pause_of(script)
    assert (at_break.func, at_break.line, at_break.locals) == ("square", 7, {"n": "0"})
    assert [frame.func for frame in at_break.stack] == ["<module>", "square"]
    driver.send(script, "next")
    after = driver.pause_of(script)
    assert (after.line, after.event, after.locals["result"]) == (8, "line", "0")
    driver.send(script, "next")
    returned = driver.pause_of(script)
    assert (returned.event, returned.result) == ("return", "0")
    for n in ("1", "2"):
        driver.send(script, "continue")
        again = driver.pause_of(script)
        assert (again.line, again.locals) == (7, {"n": n})
    driver.send(script, "break", file=path, line=23)
    driver.pause_of(script)
    driver.send(script, "continue")  # the thread squares 0, 1, 2 on line 7, and does not stop
    last = driver.pause_of(script)
    assert (last.line, last.func, last.locals["total"]) == (23, "<module>", "5")
    assert run_to_the_end(driver, script, "continue") == 0
    # Between breakpoints, 3.12+ runs with no line tracer at all (sys.monitoring finds them).
    tracer_on = sys.version_info < (3, 12)
    assert [event.line for event in events_of(driver.events, Output, script)] == [
        f"line tracer on: {tracer_on}", "total 5"]


def test_a_child_forked_on_the_way_to_a_breakpoint_pauses_where_fork_returned_0(driver):
    """c with a breakpoint set, under fork: a child forked before it is reached pauses at
    once, as a child forked while its parent is stepped does; the parent stops at the
    breakpoint."""
    script = driver.start("first_process.py", "fork")
    driver.pause_of(script)
    driver.send(script, "break", file=str(SCRIPTS / "first_process.py"), line=18)
    driver.pause_of(script)
    driver.send(script, "continue")
    assert source_line(driver.pause_of(script)) == "p.join()"
    [forked] = wait_until(lambda: events_of(driver.events, ScriptForked), what="the child's hello")
    assert forked.traced and forked.via == "fork"
    child_side = driver.pause_of(forked.pid)
    assert where_fork_returned_0(child_side), child_side
    driver.send(forked.pid, "continue")
    assert isinstance(driver.next_of(forked.pid), Ended)
    assert run_to_the_end(driver, script, "continue") == 0


def test_a_forkserver_child_started_on_the_way_to_a_breakpoint_runs_free(driver):
    """c with a breakpoint set, under forkserver: the child is the fork server's, a fork
    of a process never stepped, and the script was not stepped when it was started: it
    runs free, and the fork server reaps it; the parent stops at the breakpoint."""
    script = driver.start("first_process.py", "forkserver")
    driver.pause_of(script)
    driver.send(script, "break", file=str(SCRIPTS / "first_process.py"), line=18)
    driver.pause_of(script)
    driver.send(script, "continue")
    assert source_line(driver.pause_of(script)) == "p.join()"
    [forked] = wait_until(lambda: events_of(driver.events, ScriptForked), timeout=30, what="the child's hello")
    assert not forked.traced and forked.via == "forkserver" and forked.parent_pid != script
    record = driver.lab.records.latest(forked.pid)
    assert record is not None
    # Nobody sends it on: had it paused, it would wait for ever.
    wait_until(lambda: gone(record), what="the child run free and reaped by the fork server")
    assert run_to_the_end(driver, script, "continue") == 0


def test_return_runs_until_the_function_returns(driver):
    script = driver.start("raises.py")
    driver.step_until(script, "step", lambda p: p.func == "fail")
    driver.send(script, "return")
    after = driver.pause_of(script)
    # fail() does not return: it raises, and the tracer stops where the exception is.
    assert after.event == "exception" and "ValueError: raised on purpose" in (after.result or "")


def test_an_uncaught_exception_is_told_as_python_tells_it_and_exits_1(driver):
    script = driver.start("raises.py")
    driver.pause_of(script)
    driver.send(script, "continue")
    assert isinstance(driver.next_of(script), Ended)
    [reaped] = wait_until(lambda: events_of(driver.events, Reaped, script), what="the script reaped")
    assert reaped.exitcode == 1
    lines = [event.line for event in events_of(driver.events, Output, script)]
    assert lines[0] == "Traceback (most recent call last):" and lines[-1] == "ValueError: raised on purpose"
    # Only the script's frames: none of the host's (core/script/*.py) nor bdb's.
    assert not [line for line in lines if "proctui/core/script/" in line or "bdb.py" in line], lines


def test_a_script_that_reads_stdin_gets_end_of_file_and_the_log_says_so(driver):
    script = driver.start("reads_stdin.py")
    driver.pause_of(script)
    driver.send(script, "continue")
    assert isinstance(driver.next_of(script), Ended)
    wait_until(lambda: events_of(driver.events, ScriptReadStdin, script), what="the stdin read")
    [reaped] = wait_until(lambda: events_of(driver.events, Reaped, script), what="the script reaped")
    assert reaped.exitcode == 1  # input() raises EOFError, uncaught
    assert any(event.line.startswith("EOFError") for event in events_of(driver.events, Output, script))


def test_arguments_and_the_main_guard_are_as_python_file_gives_them(driver, tmp_path):
    script_file = tmp_path / "argv.py"
    script_file.write_text("import sys, os\nprint(__name__, sys.argv[1:], os.path.dirname(__file__) == sys.path[0])\n")
    lab = driver.lab
    record = lab.scripts.start(str(script_file), ("a", "b c"), on_pause=driver._reported.put)
    driver.pause_of(record.pid)
    driver.send(record.pid, "continue")
    wait_until(lambda: events_of(driver.events, Reaped, record.pid), what="the script reaped")
    assert [e.line for e in events_of(driver.events, Output, record.pid)] == ["__main__ ['a', 'b c'] True"]


@pytest.mark.parametrize("code", ["None", "256", "-1", "True", "2**63 - 1", "2**70", "-2**70", "1.5", "'goodbye'",
                                  "b'bytes'"])
def test_sys_exit_ends_the_script_as_python_file_ends_it(driver, tmp_path, code):
    """host's _exit_code mirrors the interpreter's handling of SystemExit: the same
    exit code as python FILE on this very interpreter (an int too large for a C long is
    255, not its low 8 bits), and what is no int written to stderr as python writes it."""
    script_file = tmp_path / "exits.py"
    script_file.write_text(f"import sys\nsys.exit({code})\n")
    python = subprocess.run([sys.executable, str(script_file)], capture_output=True, text=True, timeout=60)
    record = driver.lab.scripts.start(str(script_file), (), on_pause=driver._reported.put)
    driver.pause_of(record.pid)
    driver.send(record.pid, "continue")
    [reaped] = wait_until(lambda: events_of(driver.events, Reaped, record.pid), what="the script reaped")
    assert reaped.exitcode == python.returncode
    if not isinstance(eval(code), int):  # an int's stderr is empty (but for 3.12-3.13.0's stray OverflowError)
        assert [e.line for e in events_of(driver.events, Output, record.pid)] == python.stderr.splitlines()


@pytest.mark.parametrize(("name", "reason"), [
    ("missing.py", Refusal.SCRIPT_MISSING),
    ("", Refusal.SCRIPT_IS_DIRECTORY),  # tests/scripts itself
])
def test_a_path_that_is_no_script_is_refused_and_nothing_runs(lab, lab_events, name, reason):
    with pytest.raises(LabError) as refused:
        lab.scripts.start(str(SCRIPTS / name))
    assert_refused(refused, reason)
    assert lab.processes == []


def test_a_binary_file_is_refused(lab):
    with pytest.raises(LabError) as refused:
        lab.scripts.start(os.path.realpath("/bin/true"))
    assert_refused(refused, Refusal.SCRIPT_NOT_PYTHON)
    assert lab.processes == []


def test_a_syntax_error_is_refused_with_its_line_and_column(lab):
    with pytest.raises(LabError) as refused:
        lab.scripts.start(str(SCRIPTS / "bad_syntax.py"))
    error = refused.value.refusal
    assert error.reason is Refusal.SCRIPT_SYNTAX
    assert error.line == 2 and error.column is not None and error.text is not None and "x = 1" in error.text
    assert lab.processes == []


def test_one_script_at_a_time(driver):
    script = driver.start("loop.py")
    driver.pause_of(script)
    with pytest.raises(LabError) as refused:
        driver.lab.scripts.start(str(SCRIPTS / "loop.py"))
    assert_refused(refused, Refusal.SCRIPT_RUNNING, pid=script)
    # Quitting while the script is paused ends it: the lab fixture's shutdown, and the
    # leak check, see that nothing is left.



@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.name)
@pytest.mark.parametrize("what", ["continue", "next"])
def test_every_example_runs_to_its_end_under_proctui(driver, example, what):
    """Each example, every process of it answered with c (or n, line by line: fork()
    returning twice, each side stepped), ends with exit code 0 as python FILE does."""
    script = driver.lab.scripts.start(str(example), on_pause=driver._reported.put).pid
    assert run_to_the_end(driver, script, what) == 0
    said = " ".join(event.line for event in events_of(driver.events, Output))
    # 02's third child raises; 09's spawned child fails on start() (no __main__ guard).
    assert "Traceback" not in said or example.name in ("02_join_exitcode.py", "09_no_main_guard.py"), said


def test_a_script_that_forks_in_a_loop_is_stopped_at_the_limit(lab_events):
    """--max-children holds for what the script forks: each child past the limit is ended
    at its hello, before it runs any of the script's code, and the log says so."""
    lab = Lab(max_children=5)
    lab.subscribe(lab_events.append)
    driver = Driver(lab, lab_events)
    try:
        script = driver.start("fork_loop.py")
        driver.pause_of(script)
        driver.send(script, "continue")
        assert isinstance(driver.next_of(script, timeout=30), Ended)
        wait_until(lambda: events_of(lab_events, Reaped, script), what="the script reaped")
        # Each refusal is said by the channel thread that killed the child, just after the
        # kill, which the script may see first.
        def refusals() -> list[Refused] | None:
            found = [e for e in events_of(lab_events, Refused) if e.reason is Refusal.SCRIPT_FORKS_TOO_MANY]
            return found if len(found) >= 16 else None

        over = wait_until(refusals, what="16 refusals")
        assert len(over) == 16 and all(e.other_pid == script and e.limit == 5 for e in over)
        assert [e.line for e in events_of(lab_events, Output, script)] == ["killed 16 terminated 4"]
    finally:
        lab.shutdown()


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_a_spawn_or_forkserver_child_pauses_at_its_target(driver, method):
    """A fresh interpreter (spawn) or a fork of the fork server connects through the
    sitecustomize proctui puts on the script's path: while the script is stepped, the
    child's viewer opens at the first line of its target; its output is its own."""
    script = driver.start("other_start_method.py", method)
    driver.step_until(script, "next", lambda p: source_line(p) == "p.start()")
    driver.send(script, "next")
    [started] = wait_until(lambda: events_of(driver.events, ScriptForked), timeout=30, what="the child's hello")
    assert started.traced and started.via == method
    child_side = driver.pause_of(started.pid)
    assert (child_side.func, child_side.via) == ("target", method)
    assert child_side.file == str(SCRIPTS / "other_start_method.py")
    assert child_side.locals == {"name": "'y'"}
    if method == "forkserver":
        assert proc_info(started.pid).ppid == started.parent_pid != script  # the fork server is its parent
    driver.send(started.pid, "continue")
    assert isinstance(driver.next_of(started.pid), Ended)
    assert run_to_the_end(driver, script, "continue") == 0
    [said] = wait_until(lambda: events_of(driver.events, Output, started.pid), what="the child's line")
    assert said.line.startswith(f"child y {started.pid} ")


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_a_spawn_child_of_a_subclass_pauses_at_its_own_run(driver, method):
    """A Process subclass that overrides run() has no target: its child pauses at the
    first line of its run()."""
    script = driver.start("subclass_run.py", method)
    driver.step_until(script, "next", lambda p: source_line(p) == "p.start()")
    driver.send(script, "next")
    [started] = wait_until(lambda: events_of(driver.events, ScriptForked), timeout=30, what="the child's hello")
    child_side = driver.pause_of(started.pid)
    run = "Worker.run" if sys.version_info >= (3, 11) else "run"  # co_qualname is 3.11's
    assert (child_side.func, source_line(child_side)) == (run, 'print("run of", self.name)')
    assert [frame.func for frame in child_side.stack] == [run]
    driver.send(started.pid, "continue")
    assert isinstance(driver.next_of(started.pid), Ended)
    assert run_to_the_end(driver, script, "continue") == 0
    [said] = wait_until(lambda: events_of(driver.events, Output, started.pid), what="the child's line")
    assert said.line == "run of w"


@pytest.mark.parametrize(("lang", "said"), [("en", "could not connect to proctui"), ("zh", "没能连上 proctui")])
def test_a_spawn_child_that_cannot_connect_says_so_and_runs_on(tmp_path, lang, said):
    """sitecustomize never breaks the interpreter it runs in: when a spawn child cannot
    reach proctui, it says so on stderr, in the user's language, and its code still runs."""
    import subprocess

    import proctui

    site = Path(proctui.__file__).parent / "core" / "script" / "site"
    env = dict(os.environ, PYTHONPATH=str(site), PROCTUI_CHANNEL=str(tmp_path / "no-such-socket"), PROCTUI_LANG=lang)
    done = subprocess.run([sys.executable, "-c", "from multiprocessing.spawn import spawn_main; print('ran')",
                           "--multiprocessing-fork"], env=env, capture_output=True, text=True, timeout=30)
    assert (done.returncode, done.stdout) == (0, "ran\n")
    assert said in done.stderr and "FileNotFoundError" in done.stderr


def test_a_spawn_child_started_while_running_free_runs_free(driver):
    script = driver.start("other_start_method.py", "spawn")
    driver.pause_of(script)
    driver.send(script, "continue")
    assert isinstance(driver.next_of(script), Ended)
    # Its hello came on a connection of its own, and the script's output is all read once
    # it is reaped (not yet when its channel says it ends).
    [started] = wait_until(lambda: events_of(driver.events, ScriptForked), what="the child's hello")
    assert not started.traced and started.via == "spawn"
    wait_until(lambda: events_of(driver.events, Reaped, script), what="the script reaped")
    assert [e.line for e in events_of(driver.events, Output, script)] == ["exitcode 0"]


def test_a_subprocess_s_output_is_said_under_its_own_pid(driver):
    """fork_exec runs no at-fork hook, so a subprocess says no hello: the script's host
    gives it a pipe of its own where it would have written to its parent's (stdout, or
    stderr sent to stdout), and the log says its lines under its PID and program name.
    Output the script captures (PIPE) stays the script's."""
    script = driver.start("subprocesses.py")
    driver.pause_of(script)
    assert run_to_the_end(driver, script, "continue") == 0
    [said] = wait_until(lambda: events_of(driver.events, Output, script), what="the script's line")
    _, echo, shell, _, captured = said.line.split()
    assert captured == "captured"
    by_echo = wait_until(lambda: events_of(driver.events, Output, int(echo)), what="echo's line")
    by_sh = wait_until(lambda: events_of(driver.events, Output, int(shell)), what="sh's line")
    assert [(e.line, e.label, e.by_script) for e in by_echo] == [("said by echo", "echo", True)]
    assert [(e.line, e.label) for e in by_sh] == [("said by sh", "sh")]
    assert [e.line for e in events_of(driver.events, Output, script)] == [said.line]


def test_ending_the_lab_ends_all_the_script_started(lab_events):
    """A subprocess (no hello: fork_exec runs no at-fork hook) and a daemon that
    double-forked and left the session: shutdown leaves nothing (the leak check)."""
    lab = Lab()
    lab.subscribe(lab_events.append)
    driver = Driver(lab, lab_events)
    try:
        script = driver.start("leaves_things.py")
        driver.pause_of(script)
        driver.send(script, "continue")
        [started] = wait_until(lambda: [e for e in events_of(lab_events, Output, script) if "started" in e.line],
                               what="the script's subprocess")
        sleeper = int(started.line.split()[1])
        wait_until(lambda: proc_state(sleeper) == "S", what="the subprocess asleep")
        asleep, record = proc_info(sleeper), lab.get(script)
        assert record is not None
    except BaseException:
        lab.shutdown()  # the test failed before its shutdown
        raise
    lab.shutdown()
    assert gone(asleep) and gone(record)


@pytest.mark.parametrize("end", ["terminate", "kill"])
def test_a_script_that_never_ends_is_ended_with_t_or_x(driver, end):
    """c, then t or x on the script process: it ends, and proctui reaps it."""
    script = driver.start("forever.py")
    driver.pause_of(script)
    driver.send(script, "continue")
    wait_until(lambda: proc_state(script) == "S", what="the script running its loop")
    record = driver.lab.get(script)
    assert record is not None
    getattr(driver.lab, end)(record)
    assert isinstance(driver.next_of(script), Ended)
    [reaped] = wait_until(lambda: events_of(driver.events, Reaped, script), what="the script reaped")
    assert reaped.call is ReapCall.SCRIPT and reaped.exitcode == (-15 if end == "terminate" else -9)


def test_a_function_that_catches_its_exception_is_said_to_return(driver):
    """r after an exception caught in the same frame: the frame returns 5, it is not left
    by the exception (only a frame not at a return instruction is)."""
    script = driver.start("catches.py")
    driver.step_until(script, "step", lambda p: p.func == "caught")
    driver.send(script, "return")
    after = driver.pause_of(script)
    assert (after.event, after.result, after.func) == ("return", "5", "caught")
