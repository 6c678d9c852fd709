"""Children with a SIGTERM disposition of their own: terminate() does what they say.

Real processes and the kernel's answers: /proc/PID/status's SigCgt and SigIgn masks
before the signal, the state letter after it, and the wait status of the exit.
"""

from __future__ import annotations

import os
import signal
import threading

import pytest

from helpers.events import events_of
from helpers.processes import proc_state
from helpers.waiting import wait_until
from proctui.core.events import Disposition, Exited, JoinBlocks, Output, Reaped, Signalled, WhoReaps
from proctui.core.lab import experiments, workers


def _greeted(events, pid):
    return events_of(events, Output, pid)


def test_terminate_runs_the_childs_own_handler_which_picks_the_exit_code(lab, lab_events):
    child = lab.start_child("handler", workers.sigterm_handler)
    wait_until(lambda: _greeted(lab_events, child.pid), what="the handler to be installed")
    lab.terminate(child)
    [sent] = events_of(lab_events, Signalled, child.pid)
    assert sent.signal == signal.SIGTERM and sent.method == "terminate"
    assert sent.disposition is Disposition.CAUGHT  # read from SigCgt before sending
    wait_until(lambda: events_of(lab_events, Exited, child.pid), what="the handler's exit")
    [exited] = events_of(lab_events, Exited, child.pid)
    assert exited.who_reaps is WhoReaps.WAITPID
    assert exited.exitcode == workers.SIGTERM_HANDLER_EXIT_CODE  # its own code, not -15
    assert proc_state(child.pid) == "Z"
    assert any("got SIGTERM" in e.line for e in _greeted(lab_events, child.pid))
    assert lab.join(child) == workers.SIGTERM_HANDLER_EXIT_CODE
    [reaped] = events_of(lab_events, Reaped, child.pid)
    assert reaped.status == workers.SIGTERM_HANDLER_EXIT_CODE << 8


def test_a_child_that_ignores_sigterm_runs_on_until_kill(lab, lab_events):
    child = lab.start_child("ignorer", workers.sigterm_ignorer)
    wait_until(lambda: _greeted(lab_events, child.pid), what="SIG_IGN to be set")
    wait_until(lambda: proc_state(child.pid) == "S", what="the child to sleep")
    lab.terminate(child)
    [sent] = events_of(lab_events, Signalled, child.pid)
    assert sent.disposition is Disposition.IGNORED  # read from SigIgn before sending
    # The kernel discards an ignored signal at once: the child is still there. (That it
    # never died of it is proven below: it dies of SIGKILL, not SIGTERM.)
    assert proc_state(child.pid) in ("S", "R")
    assert not events_of(lab_events, Exited, child.pid)
    lab.kill(child)
    wait_until(lambda: events_of(lab_events, Exited, child.pid), what="SIGKILL to end it")
    assert lab.join(child) == -signal.SIGKILL


def test_sigint_ends_a_child_that_ignores_sigterm(lab, lab_events):
    """H's help says I ends it too: lab children leave SIGINT at its default action, and
    ignoring SIGTERM changes nothing of that (SigIgn has bit 15 only, not bit 2)."""
    child = lab.start_child("ignorer", workers.sigterm_ignorer)
    wait_until(lambda: _greeted(lab_events, child.pid), what="SIG_IGN to be set")
    lab.interrupt(child)
    [sent] = events_of(lab_events, Signalled, child.pid)
    assert sent.signal == signal.SIGINT and sent.disposition is Disposition.DEFAULT
    [exited] = wait_until(lambda: events_of(lab_events, Exited, child.pid), what="SIGINT to end it")
    assert exited.status is not None and os.WIFSIGNALED(exited.status)
    assert os.WTERMSIG(exited.status) == signal.SIGINT
    assert lab.join(child) == -signal.SIGINT


@pytest.mark.parametrize(("worker", "sigterm"), [
    (workers.sigterm_ignorer, Disposition.IGNORED), (workers.sigterm_handler, Disposition.CAUGHT),
    (workers.sleeper, Disposition.DEFAULT)])
def test_a_blocked_join_says_what_sigterm_does_to_this_child(lab, lab_events, worker, sigterm):
    """JoinBlocks carries the child's SIGTERM disposition, read from /proc when the join
    began: the log says "t does not" end an ignorer, as it is true of this very child."""
    child = lab.start_child("joined", worker)
    wait_until(lambda: _greeted(lab_events, child.pid), what="its disposition set")
    result = []
    joiner = threading.Thread(target=lambda: result.append(lab.join(child)))
    joiner.start()
    try:
        [blocked] = wait_until(lambda: events_of(lab_events, JoinBlocks, child.pid), what="the join to block")
        assert blocked.sigterm is sigterm
    finally:
        lab.kill(child)
        joiner.join(30)
    assert result == [-signal.SIGKILL]


def test_a_default_child_is_told_apart_from_both(lab, lab_events):
    child = experiments.fork_child(lab)
    wait_until(lambda: _greeted(lab_events, child.pid), what="the child's greeting")
    lab.terminate(child)
    [sent] = events_of(lab_events, Signalled, child.pid)
    assert sent.disposition is Disposition.DEFAULT
    assert lab.join(child) == -signal.SIGTERM
