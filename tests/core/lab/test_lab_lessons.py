"""The lab actions of lessons 14 and 15, with real processes (lesson 16 runs examples:
test_examples): copy-on-write read from the child's real /proc/PID/smaps_rollup; the
Queue deadlock, with the real join stepped into its blocking waitpid and the kernel's
word on where each thread sleeps."""

from __future__ import annotations

import os
import signal

import pytest

from helpers.events import assert_refused, events_of, lines_printed
from helpers.processes import proc_state
from helpers.waiting import wait_until
from proctui.core.events import CowMemory, QueueGot, ReapCall, Reaped, Refusal, Signalled, WhereBlocked
from proctui.core.lab import experiments, workers
from proctui.core.lab.copy_on_write import list_kb
from proctui.core.lab.lab import Lab, LabError
from proctui.core.lab.queue_deadlock import QUEUE_BYTES
from proctui.core.procfs.memory import read_memory_use
from proctui.core.procfs.threads import read_threads
from proctui.ui.actions import BY_ID


def test_a_forked_child_shares_proctuis_pages_until_it_writes(lab, lab_events):
    child = experiments.start_cow_child(lab)
    [before] = events_of(lab_events, CowMemory, child.pid)
    assert not before.written and before.copied is None
    # Right after fork() the child's memory is nearly all shared with proctui, the list too.
    assert before.shared > before.list_kb == list_kb() > before.private_dirty
    wait_until(lambda: any("cow_writer = 'proctui', sum(cow_list) = 0" in line
                           for line in lines_printed(lab_events, child.pid)), what="the child's first line")

    assert experiments.cow_write(lab) is child
    [sent] = events_of(lab_events, Signalled, child.pid)
    assert sent.signal == workers.COW_WRITE_SIGNAL
    [_, after] = events_of(lab_events, CowMemory, child.pid)
    assert after.written and after.was_private_dirty == before.private_dirty
    # Every page of the list it wrote is a page of its own now: the kernel copied them.
    assert after.copied is not None and after.copied >= after.list_kb
    assert after.shared < before.shared
    # proctui's own copies: what it holds now, read in proctui.
    assert (after.parent_writer, after.parent_sum) == ("proctui", 0)
    assert (workers.cow_writer, sum(workers.cow_list)) == ("proctui", 0)
    length = workers.COW_LIST_LENGTH
    wait_until(lambda: any(f"cow_writer = '{child.label}', sum(cow_list) = {length} (they were 'proctui' and 0)"
                           in line for line in lines_printed(lab_events, child.pid)), what="the child's second line")
    # And the kernel agrees now, read again without the Lab.
    memory = read_memory_use(child.pid)
    assert memory is not None and memory.private_dirty >= after.list_kb
    wait_until(lambda: proc_state(child.pid) == "S", what="the child asleep after its second line")

    with pytest.raises(LabError) as refused:
        experiments.cow_write(lab)  # it has written already: no child is waiting to
    assert_refused(refused, Refusal.NO_COW_CHILD)
    lab.terminate(child)
    assert lab.join(child) == -signal.SIGTERM


def test_copy_on_write_needs_fork():
    lab = Lab(start_method="spawn")
    try:
        with pytest.raises(LabError) as refused:
            experiments.start_cow_child(lab)
        assert_refused(refused, Refusal.COW_NEEDS_FORK, value="spawn")
        assert lab.processes == []
    finally:
        lab.shutdown()


def test_a_child_killed_before_it_writes_is_said_silent(lab, lab_events):
    child = experiments.start_cow_child(lab)
    lab.kill(child)
    wait_until(lambda: proc_state(child.pid) == "Z", what="the child to die")
    with pytest.raises(LabError) as refused:
        experiments.cow_write(lab)
    assert_refused(refused, Refusal.CHILD_SILENT, pid=child.pid, value="written")
    assert lab.join(child) == -signal.SIGKILL


def test_a_child_with_a_full_queue_cannot_exit_until_proctui_gets(lab, lab_events):
    child = experiments.start_queue_child(lab)
    [where] = wait_until(lambda: events_of(lab_events, WhereBlocked, child.pid), timeout=40,
                         what="where its threads wait")
    # Two threads: the main one (first), and the queue's feeder, asleep in the kernel's pipe write.
    assert where.feeder_blocked and len(where.threads) == 2, where
    assert where.threads[0][0] == child.pid
    # The main thread, once past put() and its line, waits for the feeder (it may still have
    # been running when the feeder blocked, on a busy machine: R in the event).
    wait_until(lambda: [t.state for t in read_threads(child.pid)][:1] == ["S"], what="the main thread asleep")
    assert where.pipe_size is not None and where.pipe_size < QUEUE_BYTES
    wait_until(lambda: any("put() returned" in line for line in lines_printed(lab_events, child.pid)),
               what="put() to return")

    # join() before get(): the real join, stepped to its waitpid(pid, 0), which blocks.
    stepper = lab.step_join(child)
    step = stepper.step
    while not (step is not None and step.kind == "call" and (step.call or "").startswith("os.waitpid(")):
        step = stepper.next()
    assert step.call == f"os.waitpid({child.pid}, 0)"
    stepper.advance()
    tid = stepper.thread_id

    def joining_thread_asleep_in_wait():
        return [t for t in read_threads(os.getpid()) if t.tid == tid and t.state == "S" and "wait" in t.wchan]

    wait_until(joining_thread_asleep_in_wait, what="the kernel to show the join asleep in waitpid")
    assert stepper.inside_call == f"os.waitpid({child.pid}, 0)" and not stepper.paused and not stepper.done
    wait_until(lambda: proc_state(child.pid) == "S", what="the child asleep")  # not a zombie: it has not exited

    # The fix: get(). The feeder thread finishes, the child exits, and waitpid returns.
    assert experiments.queue_get(lab) is child
    [got] = events_of(lab_events, QueueGot, child.pid)
    assert got.size == QUEUE_BYTES
    # What the palette and lesson 15 call it: 10 MiB (10 MB would be 10,000,000 bytes).
    assert got.size % 2**20 == 0 and f"{got.size // 2**20} MiB" in BY_ID["queue"].title
    returned = stepper.wait_step(30)
    assert returned is not None and returned.kind == "return" and returned.status == 0
    [reaped] = wait_until(lambda: events_of(lab_events, Reaped, child.pid), what="the reap")
    assert (reaped.call, reaped.exitcode) == (ReapCall.STEPPED_JOIN, 0)
    assert stepper.run_to_end().result == "0"
    with pytest.raises(LabError) as refused:
        experiments.queue_get(lab)
    assert_refused(refused, Refusal.NO_QUEUE)
