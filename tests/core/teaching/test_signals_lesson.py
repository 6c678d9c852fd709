"""Lesson 13, signals and handlers, with real processes: SIGINT through the Lab (Python's
handler -> KeyboardInterrupt -> exit code 1; the default action -> -2), and a parent that
sets SIGCHLD to SIG_IGN, first with plain multiprocessing (the facts the lesson states,
checked on the interpreter that runs the tests), then as the Lab's child."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sys
import textwrap
import threading

import pytest

from helpers.app_screen import logged, refused, select
from helpers.events import assert_refused, events_of, lines_printed
from helpers.processes import gone, proc_state, run_reaping_what_it_leaves
from helpers.waiting import pilot_wait_until, wait_until
from proctui.core.events import Disposition, Emulated, Exited, JoinBlocks, Output, Refusal, Signalled, WhoReaps
from proctui.core.lab import experiments, workers
from proctui.core.lab.lab import Lab, LabError
from proctui.ui.app import ProcTUI

# -- SIGINT ------------------------------------------------------------------------------------


#: Process.interrupt() is new in 3.14: before, proctui sends SIGINT itself and says it emulates it.
HAS_INTERRUPT = hasattr(multiprocessing.Process, "interrupt")


def how_sent(sent: Signalled, where_safe: Emulated | None = None) -> None:
    """The event says how SIGINT went: the real p.interrupt() where this Python has it and
    proctui may call it (where_safe None), else through the pidfd, and why."""
    assert sent.signal == signal.SIGINT and sent.method == "interrupt"
    if not HAS_INTERRUPT:
        assert not sent.called and sent.emulated is Emulated.NO_METHOD
    elif where_safe is None:
        assert sent.called and sent.emulated is None
    else:
        assert not sent.called and sent.emulated is where_safe


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_sigint_raises_keyboard_interrupt_in_a_child_with_pythons_handler(method):
    lab = Lab(start_method=method)
    events: list = []
    lab.subscribe(events.append)
    try:
        child = lab.start_child("interruptible", workers.keyboard_interrupt_child)
        wait_until(lambda: lines_printed(events, child.pid), what="the handler to be installed")
        lab.interrupt(child)
        [sent] = events_of(events, Signalled, child.pid)
        assert sent.disposition is Disposition.CAUGHT
        # The fork server reaps its children whenever they end: interrupt()'s kill by PID
        # could reach a newcomer, so proctui keeps to the pidfd there.
        how_sent(sent, Emulated.FORK_SERVER_REAPS if method == "forkserver" else None)
        [exited] = wait_until(lambda: events_of(events, Exited, child.pid), what="its exit")
        if method != "forkserver":  # no status of ours to read: the fork server reaped it
            assert exited.exitcode == 1 and exited.status is not None and os.WIFEXITED(exited.status)
        wait_until(lambda: any(line.startswith("KeyboardInterrupt") for line in lines_printed(events, child.pid)),
                   what="the traceback's last line")
        assert lab.join(child) == 1
    finally:
        lab.shutdown()


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_sigint_left_to_its_default_action_kills_minus_2(method):
    lab = Lab(start_method=method)
    events: list = []
    lab.subscribe(events.append)
    try:
        child = experiments.fork_child(lab)
        wait_until(lambda: lines_printed(events, child.pid), what="the child's first line")
        lab.interrupt(child)
        [sent] = events_of(events, Signalled, child.pid)
        assert sent.disposition is Disposition.DEFAULT
        how_sent(sent)
        assert lab.join(child) == -signal.SIGINT
        with pytest.raises(LabError) as refusal:
            lab.interrupt(child)  # reaped now: nothing to send it to
        assert_refused(refusal, Refusal.ALREADY_REAPED, pid=child.pid)
        assert len(events_of(events, Signalled, child.pid)) == 1
    finally:
        lab.shutdown()


def test_sigint_while_a_join_waits_goes_through_the_pidfd(lab, lab_events):
    """A join under way reaps the child the moment it ends (the stepped join's waitpid
    under no lock of ours): interrupt()'s kill by PID is not safe then, the pidfd is."""
    child = experiments.fork_child(lab)
    wait_until(lambda: lines_printed(lab_events, child.pid), what="the child's first line")
    joined: list = []
    joining = threading.Thread(target=lambda: joined.append(lab.join(child)))
    joining.start()
    try:
        wait_until(lambda: events_of(lab_events, JoinBlocks, child.pid), what="the join to block")
        lab.interrupt(child)
        [sent] = events_of(lab_events, Signalled, child.pid)
        how_sent(sent, Emulated.JOIN_UNDER_WAY)
    finally:
        joining.join(30)
    assert joined == [-signal.SIGINT]


def test_sigint_to_a_pid_that_names_another_process_sends_nothing(lab, lab_events):
    """The identity check comes before interrupt(): a record whose PID and start time no
    longer match (the check's view of a reused PID) is refused, and nothing is sent. The
    child is stopped, so a SIGINT sent to it would stay pending, where /proc shows it."""
    child = experiments.fork_child(lab)
    wait_until(lambda: lines_printed(lab_events, child.pid), what="the child's first line")
    lab.stop_or_continue(child)
    wait_until(lambda: proc_state(child.pid) == "T", what="stopped")
    true_start, child.start_ticks = child.start_ticks, child.start_ticks + 1
    try:
        with pytest.raises(LabError) as refusal:
            lab.interrupt(child)
        assert_refused(refusal, Refusal.PID_REUSED, pid=child.pid, label=child.label)
        pending = int(_status_field(child.pid, "SigPnd"), 16) | int(_status_field(child.pid, "ShdPnd"), 16)
        assert not pending & (1 << (signal.SIGINT - 1))
        assert not [e for e in events_of(lab_events, Signalled, child.pid) if e.signal == signal.SIGINT]
    finally:
        child.start_ticks = true_start
    lab.stop_or_continue(child)
    lab.interrupt(child)
    assert lab.join(child) == -signal.SIGINT


def _status_field(pid: int, name: str) -> str:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(name + ":"):
                return line.split()[1]
    raise AssertionError(f"no {name} in /proc/{pid}/status")


async def test_shift_i_interrupts_the_selected_lab_process_and_refuses_proctui():
    lab = Lab()
    app = ProcTUI(lab, refresh_seconds=0.3)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await app.main_screen.run_action("start('keyboard-interrupt')")
            [child] = await pilot_wait_until(pilot, lambda: lab.processes, what="the child")
            await pilot_wait_until(pilot, lambda: lab_said(app, child.pid), what="its handler installed")
            await select(pilot, app, child.pid)
            await pilot.press("I")
            [exited] = await pilot_wait_until(pilot, lambda: logged(app, Exited, pid=child.pid), what="its exit")
            assert exited.exitcode == 1
            await select(pilot, app, os.getpid())
            await pilot.press("I")
            await pilot_wait_until(pilot, lambda: refused(app, Refusal.PROCTUI_ITSELF, pid=os.getpid()),
                                   what="I on proctui refused")
    finally:
        lab.shutdown()


def lab_said(app, pid):
    return [e for e in app.main_screen.event_log.events if isinstance(e, Output) and e.pid == pid]


# -- SIGCHLD set to SIG_IGN ----------------------------------------------------------------------

PLAIN_PARENT = textwrap.dedent(
    """
    import json, multiprocessing, os, signal, sys, time
    from multiprocessing.connection import wait

    def brief():
        time.sleep(0.2)

    if __name__ == "__main__":
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)
        ctx = multiprocessing.get_context(sys.argv[1])
        facts = {}
        running = ctx.Process(target=brief)
        running.start()
        facts["alive_while_running"] = running.is_alive()
        running.join()  # blocks in waitpid(pid, 0) until the child has gone, then ECHILD
        facts["running_joined_exitcode"] = running.exitcode
        facts["gone_after_join"] = not os.path.exists(f"/proc/{running.pid}")
        child = ctx.Process(target=brief)
        child.start()
        wait([child.sentinel])
        while os.path.exists(f"/proc/{child.pid}"):  # the kernel finishes with it (no zombie ever)
            try:
                with open(f"/proc/{child.pid}/stat") as stat:
                    assert stat.read().rsplit(")", 1)[1].split()[0] != "Z"
            except (FileNotFoundError, ProcessLookupError):
                break  # gone between the check and the read (ESRCH on a busy machine)
            time.sleep(0.001)
        try:
            os.waitpid(child.pid, os.WNOHANG)
        except ChildProcessError as error:
            facts["waitpid_errno"] = error.errno
        facts["is_alive"] = child.is_alive()
        facts["exitcode"] = child.exitcode
        child.join()
        facts["joined_exitcode"] = child.exitcode
        print(json.dumps(facts))
    """
)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_with_sigchld_ignored_multiprocessing_thinks_a_gone_child_runs(method, tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(PLAIN_PARENT)
    # Under spawn its resource tracker is orphaned to this test run (a subreaper), which
    # reaps it once it leaves (and ends what is left of a failed run).
    out = run_reaping_what_it_leaves([sys.executable, str(script), method])
    assert out.returncode == 0, out.stderr
    facts = json.loads(out.stdout)
    assert facts == {
        "alive_while_running": True,
        "running_joined_exitcode": None,  # join() waited for the child, and learnt nothing
        "gone_after_join": True,
        "waitpid_errno": 10,  # ECHILD
        "is_alive": True,  # of a process that no longer exists
        "exitcode": None,
        "joined_exitcode": None,  # join() returned (at once: nothing left to wait for)
    }


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_the_labs_sigchld_ignoring_parent_says_what_multiprocessing_makes_of_it(method):
    lab = Lab(start_method=method)
    events: list = []
    lab.subscribe(events.append)
    try:
        parent, child = experiments.ignore_sigchld_then_fork(lab)
        wait_until(lambda: lines_printed(events, child.pid), what="the child's first line")
        lab.terminate(child)
        [exited] = wait_until(lambda: events_of(events, Exited, child.pid), what="the child's exit")
        assert exited.who_reaps is WhoReaps.KERNEL and exited.reaper_pid == parent.pid
        # No zombie: the kernel reaps it as it exits (the exit event may come a moment before).
        wait_until(lambda: gone(child), what="the kernel to reap it")
        def ended() -> list[str] | None:
            lines = lines_printed(events, parent.pid)
            return lines if lines and "exitcode" in lines[-1] else None

        lines = wait_until(ended, what="the parent's last line")
        assert lines[0].endswith("is_alive() -> True")
        assert lines[1].endswith("exists: False")
        assert lines[2].endswith("ChildProcessError(10, 'No child processes')")  # ECHILD
        assert lines[3].endswith("is_alive() -> True")
        assert lines[4].endswith("exitcode -> None")
    finally:
        lab.shutdown()
