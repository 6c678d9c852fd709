"""What the tests read of real processes, checked against real processes: a stopped
child, a zombie, a reaped one, and a family ended and reaped whatever it left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from helpers.processes import end_and_reap, family_of, gone, proc_info, proc_state, run_reaping_what_it_leaves
from helpers.waiting import wait_until


def test_proc_state_follows_a_child_from_stopped_to_zombie_to_gone():
    child = subprocess.Popen(["sleep", "30"])
    try:
        seen = proc_info(child.pid)
        os.kill(child.pid, signal.SIGSTOP)
        wait_until(lambda: proc_state(child.pid) == "T", what="T")
        os.kill(child.pid, signal.SIGKILL)
        wait_until(lambda: proc_state(child.pid) == "Z", what="Z")
        assert not gone(seen)  # a zombie is still the very process, until it is reaped
        child.wait()
        assert gone(seen)
    finally:
        end_and_reap(family_of(child.pid))


def test_end_and_reap_leaves_nothing_of_a_family():
    parent = subprocess.Popen(["sh", "-c", "sleep 30 & sleep 30 & wait"])
    wait_until(lambda: len(family_of(parent.pid)) == 3, what="the parent and its two children")
    family = family_of(parent.pid)
    end_and_reap(family)
    assert not any(proc.is_running() for proc in family)  # by start time: a freed PID may be reused


def test_run_reaping_what_it_leaves_reaps_the_orphan_a_command_leaves():
    # The child outlives its parent: re-parented to the test run (a child subreaper), it
    # would stay a zombie here if nobody reaped it.
    code = "import os, time\nif os.fork() == 0:\n    time.sleep(0.3)\n    os._exit(0)\nprint(os.getpid())"
    done = run_reaping_what_it_leaves([sys.executable, "-c", code])
    assert done.returncode == 0, done.stderr
    assert not [child for child in os.listdir("/proc") if child.isdigit() and proc_state(int(child)) == "Z"
                and proc_info(int(child)).ppid == os.getpid()]
