"""The Lab with real processes: what /proc says, what the events say, what join returns.

Events are checked by their fields, never by their sentences: what the English log says
for each is tests/core/teaching/test_render.py's to check."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading

import pytest

from helpers.events import assert_refused, events_of
from helpers.processes import gone, proc_state
from helpers.waiting import wait_until
from proctui.core.events import (
    Exited,
    JoinBlocks,
    JoinReturned,
    JoinStepped,
    LabEvent,
    Output,
    ReapCall,
    Reaped,
    Refusal,
    Signalled,
    StillAlive,
    WhoReaps,
)
from proctui.core.lab import experiments
from proctui.core.lab.lab import Lab, LabError


def test_zombie_is_z_in_proc_and_survives_more_starts(lab, lab_events):
    zombie = experiments.leave_zombie(lab, exit_code=3)
    wait_until(lambda: proc_state(zombie.pid) == "Z", what="the child to become a zombie")

    # Starting more children runs multiprocessing.process._cleanup(), which polls (and
    # so reaps) every child in process._children: the lab's zombie must not be among them.
    others = [experiments.fork_child(lab), experiments.leave_zombie(lab)]
    multiprocessing.active_children()
    assert proc_state(zombie.pid) == "Z"

    assert lab.join(zombie) == 3
    assert gone(zombie)
    assert lab.get(zombie.pid) is None
    lab.kill(others[0])
    for record in others:
        lab.join(record)


def test_exit_is_noticed_at_once_without_reaping(lab):
    seen = []
    exited = threading.Event()

    def on_event(event):
        if isinstance(event, Exited):
            # Read /proc from inside the event: the child must still be a zombie.
            state = None if event.pid is None else proc_state(event.pid)
            seen.append((event.pid, state, event.who_reaps, event.status, event.exitcode))
            exited.set()

    lab.subscribe(on_event)
    zombie = experiments.leave_zombie(lab)
    assert exited.wait(30)
    assert seen == [(zombie.pid, "Z", WhoReaps.WAITPID, 0, 0)]
    assert zombie.exit_status == 0
    assert zombie.exitcode is None  # known from waitid(WNOWAIT), not yet reaped
    lab.join(zombie)


@pytest.mark.parametrize(
    ("end", "exitcode", "status"),
    [
        ("terminate", -signal.SIGTERM, 0x000F),
        ("kill", -signal.SIGKILL, 0x0009),
    ],
)
def test_signals_give_negative_exit_codes(lab, lab_events, end, exitcode, status):
    child = experiments.fork_child(lab)
    wait_until(lambda: events_of(lab_events, Output, child.pid), what="the child's greeting")
    getattr(lab, end)(child)
    wait_until(lambda: proc_state(child.pid) == "Z", what="the signalled child to be a zombie")
    assert lab.join(child) == exitcode
    [reaped] = events_of(lab_events, Reaped, child.pid)
    assert (reaped.label, reaped.call, reaped.status, reaped.exitcode) == (child.label, ReapCall.JOIN, status, exitcode)
    [sent] = events_of(lab_events, Signalled, child.pid)
    assert (sent.label, sent.signal, sent.method, sent.was_zombie) == (child.label, -exitcode, end, False)


@pytest.mark.parametrize("code", [0, 3])
def test_exit_codes_of_children_that_exit(lab, lab_events, code):
    child = experiments.leave_zombie(lab, exit_code=code)
    assert lab.join(child) == code
    [reaped] = events_of(lab_events, Reaped, child.pid)
    assert (reaped.call, reaped.status, reaped.exitcode) == (ReapCall.JOIN, code << 8, code)


def test_child_output_reaches_the_log(lab, lab_events):
    child = experiments.fork_child(lab)
    line = f"[child {child.label}] PID: {child.pid}, PPID: {os.getpid()}"  # what the child printed
    wait_until(lambda: [e for e in events_of(lab_events, Output, child.pid)
                        if (e.label, e.line) == (child.label, line)], what=line)
    lab.terminate(child)
    lab.join(child)


def test_join_of_a_running_child_blocks_until_it_ends(lab, lab_events):
    child = experiments.fork_child(lab)
    result = []
    joiner = threading.Thread(target=lambda: result.append(lab.join(child)))
    joiner.start()
    wait_until(lambda: events_of(lab_events, JoinBlocks, child.pid), what="the join to block")
    assert proc_state(child.pid) in ("S", "R")
    assert result == []
    lab.terminate(child)
    joiner.join(30)
    assert result == [-signal.SIGTERM]


def test_a_reaped_process_is_never_signalled_again(lab):
    child = experiments.leave_zombie(lab)
    lab.join(child)
    with pytest.raises(LabError) as refused:
        lab.kill(child)
    assert_refused(refused, Refusal.ALREADY_REAPED, pid=child.pid, label=child.label)
    with pytest.raises(LabError) as refused:
        lab.join(child)
    assert_refused(refused, Refusal.ALREADY_REAPED, pid=child.pid, label=child.label)


def test_terminate_on_a_zombie_does_nothing_and_says_so(lab, lab_events):
    zombie = experiments.leave_zombie(lab, exit_code=7)
    wait_until(lambda: proc_state(zombie.pid) == "Z", what="a zombie")
    lab.terminate(zombie)
    [sent] = events_of(lab_events, Signalled, zombie.pid)
    assert (sent.signal, sent.method, sent.was_zombie) == (signal.SIGTERM, "terminate", True)
    assert proc_state(zombie.pid) == "Z"
    assert lab.join(zombie) == 7  # the signal changed nothing: it still exits with 7


def test_the_child_limit_refuses_a_fork(lab):
    small = Lab(max_children=1)
    try:
        first = experiments.fork_child(small)
        with pytest.raises(LabError) as refused:
            experiments.fork_child(small)
        assert_refused(refused, Refusal.TOO_MANY, count=1, limit=1)
        assert len(small.processes) == 1
        small.kill(first)
        small.join(first)
    finally:
        small.shutdown()


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_other_start_methods_send_output_to_the_log(method):
    lab = Lab(start_method=method)
    events: list[LabEvent] = []
    lab.subscribe(events.append)
    try:
        child = experiments.fork_child(lab)
        wait_until(lambda: events_of(events, Output, child.pid), timeout=30, what="output")
        outputs = [e.line for e in events_of(events, Output, child.pid)]
        assert f"PID: {child.pid}" in outputs[0], outputs
        assert child.start_method == method
        lab.terminate(child)
        assert lab.join(child) == -signal.SIGTERM
    finally:
        lab.shutdown()


def test_shutdown_ends_and_reaps_every_kind_of_process():
    lab = Lab()
    try:
        running = experiments.fork_child(lab)
        stopped = experiments.fork_child(lab)
        zombie = experiments.leave_zombie(lab)
        joined_in_thread = experiments.fork_child(lab)
        joiner = threading.Thread(target=lambda: lab.join(joined_in_thread))
        joiner.start()
        os.kill(stopped.pid, signal.SIGSTOP)
        wait_until(lambda: proc_state(stopped.pid) == "T", what="a stopped child")
        wait_until(lambda: proc_state(zombie.pid) == "Z", what="a zombie")
    except BaseException:
        lab.shutdown()  # the test failed before its shutdown
        raise

    lab.shutdown()
    joiner.join(30)

    for record in (running, stopped, zombie, joined_in_thread):
        assert gone(record), record
    assert lab.processes == []
    with pytest.raises(LabError) as refused:
        experiments.fork_child(lab)
    assert_refused(refused, Refusal.LAB_CLOSED)


def test_records_never_render_the_process_object(lab):
    zombie = experiments.leave_zombie(lab)
    wait_until(lambda: proc_state(zombie.pid) == "Z", what="a zombie")
    # repr(Process) would poll() and reap: the record's repr must not touch it.
    assert str(zombie.pid) in repr(zombie)
    assert proc_state(zombie.pid) == "Z"
    lab.join(zombie)


# -- stepping through join() ---------------------------------------------------------


def step_until(stepper, predicate, limit: int = 200):
    step = stepper.step
    for _ in range(limit):
        if predicate(step):
            return step
        step = stepper.next()
    raise AssertionError(f"no such step within {limit}; last: {step}")


def is_waitpid(kind):
    return lambda step: step.kind == kind and (step.call or "").startswith("os.waitpid(")


def test_a_stepped_join_reaps_at_the_waitpid_step(lab, lab_events):
    zombie = experiments.leave_zombie(lab, exit_code=3)
    wait_until(lambda: proc_state(zombie.pid) == "Z", what="a zombie")
    stepper = lab.step_join(zombie)
    assert stepper.step.frame.func == "BaseProcess.join"

    before = step_until(stepper, is_waitpid("call"))
    assert before.call == f"os.waitpid({zombie.pid}, 0)"
    assert proc_state(zombie.pid) == "Z"
    assert not zombie.reaped.is_set()

    after = stepper.next()
    assert is_waitpid("return")(after) and after.status == 0x0300
    assert gone(zombie)
    assert zombie.reaped.is_set() and zombie.exitcode == 3
    # Paused right after the kernel forgot the child: its PID is not ours to signal.
    with pytest.raises(LabError) as refused:
        lab.kill(zombie)
    assert_refused(refused, Refusal.ALREADY_REAPED, pid=zombie.pid)
    [reaped] = events_of(lab_events, Reaped, zombie.pid)
    assert (reaped.call, reaped.syscall, reaped.status, reaped.exitcode) == (
        ReapCall.STEPPED_JOIN, f"os.waitpid({zombie.pid}, 0)", 0x0300, 3)

    final = stepper.run_to_end()
    assert final.kind == "done" and final.result == "3"
    assert lab.get(zombie.pid) is None


def test_a_stepped_join_with_timeout_leaves_a_running_child_alone(lab, lab_events):
    child = experiments.fork_child(lab)
    stepper = lab.step_join(child, timeout=0.1)
    final = stepper.run_to_end()
    assert final.kind == "done" and final.result == "None"
    assert proc_state(child.pid) in ("S", "R")
    assert lab.get(child.pid) is child
    [returned] = events_of(lab_events, JoinReturned, child.pid)
    assert (returned.label, returned.timeout) == (child.label, 0.1)
    assert events_of(lab_events, Reaped, child.pid) == []
    lab.terminate(child)
    assert lab.join(child) == -signal.SIGTERM  # the stepper let go of it


def test_only_one_join_at_a_time(lab):
    zombie = experiments.leave_zombie(lab)
    stepper = lab.step_join(zombie)
    with pytest.raises(LabError) as refused:
        lab.join(zombie)
    assert_refused(refused, Refusal.JOIN_WAITING, pid=zombie.pid, label=zombie.label)
    with pytest.raises(LabError) as refused:
        lab.step_join(zombie)
    assert_refused(refused, Refusal.JOIN_WAITING, pid=zombie.pid, label=zombie.label)
    stepper.run_to_end()


def test_forkserver_join_is_reaped_by_the_fork_server(lab_events):
    lab = Lab(start_method="forkserver")
    events: list[LabEvent] = []
    lab.subscribe(events.append)
    try:
        zombie = experiments.leave_zombie(lab, exit_code=5)
        wait_until(lambda: events_of(events, Output, zombie.pid), timeout=30, what="output")
        stepper = lab.step_join(zombie)
        final = stepper.run_to_end()
        assert final.result == "5"
        assert zombie.reaped.is_set() and zombie.exitcode == 5
        [reaped] = events_of(events, Reaped, zombie.pid)
        # No waitpid of ours: the fork server reaped it and join() read the code from the sentinel.
        assert (reaped.call, reaped.status, reaped.exitcode) == (ReapCall.SENTINEL, None, 5)
    finally:
        lab.shutdown()


def test_shutdown_with_a_paused_stepper_leaves_nothing():
    lab = Lab()
    try:
        running = experiments.fork_child(lab)
        zombie = experiments.leave_zombie(lab)
        timed = experiments.fork_child(lab)
        wait_until(lambda: proc_state(zombie.pid) == "Z", what="a zombie")
        steppers = [lab.step_join(running), lab.step_join(zombie), lab.step_join(timed, timeout=30)]
        for stepper in steppers:
            stepper.next()
    except BaseException:
        lab.shutdown()  # the test failed before its shutdown
        raise
    lab.shutdown()
    for record in (running, zombie, timed):
        assert gone(record), record
        assert record.reaped.is_set()
    for stepper in steppers:
        step = stepper.wait_step(30)
        assert step is not None and step.kind == "done"


def test_joining_a_never_started_process_fails_at_the_assert(lab, lab_events):
    label, stepper = experiments.step_unstarted_join(lab)
    [said] = [e for e in lab_events if isinstance(e, JoinStepped)]
    assert (said.label, said.pid, said.started) == (label, None, False)
    final = stepper.run_to_end()
    assert final.kind == "exception"
    assert final.result == "AssertionError: can only join a started process"


def test_continue_at_once_still_reports_the_real_waitpid(lab, lab_events):
    zombie = experiments.leave_zombie(lab, exit_code=4)
    wait_until(lambda: proc_state(zombie.pid) == "Z", what="a zombie")
    final = lab.step_join(zombie).run_to_end()
    assert final.result == "4"
    [reaped] = events_of(lab_events, Reaped, zombie.pid)
    assert (reaped.call, reaped.syscall, reaped.status, reaped.exitcode) == (
        ReapCall.STEPPED_JOIN, f"os.waitpid({zombie.pid}, 0)", 0x0400, 4)


def test_under_forkserver_is_alive_reads_the_sentinel_and_reaps_nothing():
    # The fork server is the child's parent and reaps it at once; is_alive() -> poll()
    # only reads the exit code the server wrote into the sentinel. No waitpid of ours.
    lab = Lab(start_method="forkserver")
    events: list[LabEvent] = []
    lab.subscribe(events.append)
    try:
        zombie = experiments.leave_zombie(lab, exit_code=6)
        [exited] = wait_until(lambda: events_of(events, Exited, zombie.pid), timeout=30, what="the exit")
        assert exited.who_reaps is WhoReaps.FORK_SERVER and exited.status is None
        wait_until(lambda: gone(zombie), what="the fork server to reap it")
        assert lab.is_alive(zombie) is False
        [reaped] = events_of(events, Reaped, zombie.pid)
        assert (reaped.call, reaped.status, reaped.exitcode) == (ReapCall.IS_ALIVE_SENTINEL, None, 6)
        assert zombie.reaped.is_set() and zombie.exitcode == 6
        # And on a running child it waits 0 s on the sentinel: no waitpid is said either.
        child = experiments.fork_child(lab)
        assert lab.is_alive(child) is True
        [alive] = events_of(events, StillAlive, child.pid)
        assert alive.on_sentinel
    finally:
        lab.shutdown()


def test_kill_of_a_zombie_is_accepted_and_changes_nothing(lab, lab_events):
    zombie = experiments.leave_zombie(lab, exit_code=9)
    wait_until(lambda: proc_state(zombie.pid) == "Z", what="a zombie")
    lab.kill(zombie)  # the kernel takes the signal: no error
    [sent] = events_of(lab_events, Signalled, zombie.pid)
    assert sent.signal == signal.SIGKILL and sent.was_zombie
    assert proc_state(zombie.pid) == "Z"
    assert lab.join(zombie) == 9  # not -9: the signal changed nothing
