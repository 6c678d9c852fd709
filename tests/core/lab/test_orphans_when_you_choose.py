"""Lesson 12, orphans when you choose, with real processes: the grandchild lives under its
parent until the user ends the parent (t or x); then the kernel re-parents it to proctui,
the subreaper, and proctui reaps it. And, the parent waiting for as long as it likes,
nothing of it may outlive a SIGKILL of proctui."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from helpers.events import events_of, lines_printed
from helpers.processes import end_and_reap, family_of, gone, proc_info, proc_state
from helpers.waiting import wait_until
from proctui.core.events import Adopted, Adopter, Exited, ReapCall, Reaped, WhoReaps
from proctui.core.lab import experiments
from proctui.core.lab.lab import Lab


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
@pytest.mark.parametrize("how", ["terminate", "kill"])
def test_the_grandchild_stays_under_its_parent_until_the_parent_is_ended(method, how):
    lab = Lab(start_method=method)
    events: list = []
    lab.subscribe(events.append)
    try:
        parent, grandchild = experiments.orphan_when_you_choose(lab)
        assert grandchild.former_parent == parent.pid
        wait_until(lambda: any("I wait" in line for line in lines_printed(events, parent.pid)),
                   what="the parent's line")
        wait_until(lambda: lines_printed(events, grandchild.pid), what="the grandchild's first line")
        # The parent waits: the grandchild stays its child, for as long as the parent lives.
        wait_until(lambda: proc_state(parent.pid) == "S", what="the parent waiting")  # R just after its line
        assert proc_info(grandchild.pid).ppid == parent.pid
        assert not events_of(events, Adopted)
        getattr(lab, how)(parent)
        [adopted] = wait_until(lambda: events_of(events, Adopted, grandchild.pid), what="the adoption")
        assert (adopted.former_parent, adopted.adopter_pid, adopted.adopter) == (
            parent.pid, os.getpid(), Adopter.PROCTUI)
        assert proc_info(grandchild.pid).ppid == os.getpid()
        signum = signal.SIGTERM if how == "terminate" else signal.SIGKILL
        [exited] = wait_until(lambda: events_of(events, Exited, parent.pid), what="the parent's exit")
        if method == "forkserver":
            assert exited.who_reaps is WhoReaps.FORK_SERVER
        else:
            assert exited.exitcode == -signum
        wait_until(lambda: f"PPID is now {os.getpid()}" in " ".join(lines_printed(events, grandchild.pid)),
                   what="the grandchild's word on its adopter")
        lab.kill(grandchild)
        [reaped] = wait_until(lambda: events_of(events, Reaped, grandchild.pid), what="proctui reaping the orphan")
        assert reaped.call in (ReapCall.ADOPTED_CHILD, ReapCall.ADOPTED_ZOMBIE)
        assert gone(grandchild)
    finally:
        lab.shutdown()


PROCTUI_KILLED = textwrap.dedent(
    """
    import os, time
    from proctui.core.lab import experiments
    from proctui.core.lab.lab import Lab
    lab = Lab()
    parent, grandchild = experiments.orphan_when_you_choose(lab)
    print(parent.pid, grandchild.pid, flush=True)
    time.sleep(60)
    """
)


def test_a_sigkill_of_proctui_leaves_neither_the_parent_nor_the_grandchild():
    # proctui in a process of its own; this test run, a subreaper (conftest), adopts what
    # it leaves behind and would keep it alive: both must end by themselves.
    proctui = subprocess.Popen([sys.executable, "-c", PROCTUI_KILLED], stdout=subprocess.PIPE, text=True)
    assert proctui.stdout is not None
    family = family_of(proctui.pid)  # nothing below it yet: taken again below
    try:
        parent, grandchild = map(int, proctui.stdout.readline().split())
        family = family_of(proctui.pid)  # proctui, the parent and the grandchild
        assert proc_info(grandchild).ppid == parent
        proctui.kill()
        proctui.wait()
        for pid in (parent, grandchild):
            wait_until(lambda: proc_state(pid) in ("Z", None), what=f"{pid} to end by itself")
            try:
                os.waitpid(pid, 0)  # re-parented to this test run: ours to reap
            except ChildProcessError:
                pass
    finally:
        end_and_reap(family)  # nothing left, unless the test failed midway
        if proctui.poll() is None:
            proctui.kill()
        proctui.wait()
        proctui.stdout.close()
