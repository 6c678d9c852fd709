"""What a process is blocked on, read from /proc, with real processes blocked for real:
in waitpid, a read, a poll, a lock, a sleep; stopped, a zombie, gone, running."""

from __future__ import annotations

import multiprocessing
import os
import select
import selectors
import signal
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from helpers.processes import end_and_reap, family_of, proc_state
from helpers.waiting import wait_until
from proctui.core.procfs.syscalls import parse_syscall, syscall_names
from proctui.core.procfs.waits import Waiting, what_waits

FORK = multiprocessing.get_context("fork")


@contextmanager
def forked(body: Callable[[], object]) -> Iterator[int]:
    """A child of the test that runs body, then exits; killed and reaped with whatever it
    started when the test is done with it."""
    pid = os.fork()
    if pid == 0:
        try:
            body()
        finally:
            os._exit(0)
    try:
        yield pid
    finally:
        end_and_reap(family_of(pid))


def sleep_forever() -> None:
    while True:
        time.sleep(60)


def start_sleeper() -> int:
    """A child of the calling process that sleeps until killed."""
    pid = os.fork()
    if pid == 0:
        try:
            sleep_forever()
        finally:
            os._exit(0)
    return pid


def close_inherited(*keep: int) -> None:
    """Close every descriptor from 3 up but keep: a poll whose descriptor list is only in
    its memory is read as a wait on every pipe the process reads, and a test runner may
    hand the test both ends of a pipe of its own (CI does), which would make each forked
    process a writer of a pipe the other reads."""
    low = 3
    for fd in sorted(keep):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, os.sysconf("SC_OPEN_MAX"))


def tell(fd: int, *pids: int) -> None:
    os.write(fd, b"".join(pid.to_bytes(4, "little") for pid in pids))


def heard(fd: int, count: int) -> list[int]:
    data = b""
    while len(data) < 4 * count:
        data += os.read(fd, 4 * count - len(data))
    return [int.from_bytes(data[i:i + 4], "little") for i in range(0, len(data), 4)]


def blocked(pid: int, among: tuple[int, ...], kind: str, syscall: str | None = None) -> Waiting:
    """what_waits, once pid is in the state the test set up (a process needs a moment to
    get there: fork, imports, the call itself)."""
    def ready() -> Waiting | None:
        found = what_waits(pid, among)
        return found if found.kind == kind and (syscall is None or found.syscall == syscall) else None

    return wait_until(ready, what=f"{pid} to be {kind} in {syscall}")


@pytest.fixture
def report() -> Iterator[tuple[int, int]]:
    """A pipe a child writes the PIDs of its own children into."""
    r, w = os.pipe()
    yield r, w
    os.close(r)
    os.close(w)


# -- waitpid ---------------------------------------------------------------------------


def test_waitpid_on_a_stopped_child_waits_for_that_child(report):
    r, w = report

    def parent() -> None:
        child = start_sleeper()
        other = start_sleeper()
        tell(w, child, other)
        os.waitpid(child, 0)  # a stopped child does not end it: no WUNTRACED

    with forked(parent) as parent_pid:
        child, other = heard(r, 2)
        os.kill(child, signal.SIGSTOP)
        wait_until(lambda: proc_state(child) == "T", what="the child stopped")
        found = blocked(parent_pid, (parent_pid, other, child, os.getpid()), "child", "wait4")
        assert found.on_pids == (child,)
        assert found.wait_arg == child
        assert found.state == "S" and found.wchan != "0"
        assert what_waits(child).kind == "stopped"


def test_waitpid_of_any_child_waits_for_each_child_among_those_given(report):
    r, w = report

    def parent() -> None:
        first, second = start_sleeper(), start_sleeper()
        tell(w, first, second)
        os.waitpid(-1, 0)

    with forked(parent) as parent_pid, forked(sleep_forever) as stranger:
        first, second = heard(r, 2)
        found = blocked(parent_pid, (stranger, second, os.getpid(), first, parent_pid), "child", "wait4")
        assert found.wait_arg == -1
        assert found.on_pids == (second, first)  # in the order given; not the stranger, not itself
        assert what_waits(parent_pid, (stranger, second)).on_pids == (second,)  # only among those given


def test_waitid_of_one_pid_waits_for_it(report):
    r, w = report

    def parent() -> None:
        child = start_sleeper()
        tell(w, child)
        os.waitid(os.P_PID, child, os.WEXITED)

    with forked(parent) as parent_pid:
        (child,) = heard(r, 1)
        found = blocked(parent_pid, (parent_pid, child), "child", "waitid")
        assert found.on_pids == (child,)
        assert found.wait_arg == child


# -- pipes and sockets -------------------------------------------------------------------


def test_a_read_of_a_pipe_waits_for_the_holders_of_its_write_end():
    r, w = os.pipe()
    try:
        def writer() -> None:
            os.close(r)
            sleep_forever()

        def reader() -> None:
            os.close(w)
            os.read(r, 1)

        with forked(writer) as writer_pid, forked(reader) as reader_pid, forked(sleep_forever) as holds_both:
            # holds_both has both ends (inherited); the test holds the write end too, and is not among those given.
            found = blocked(reader_pid, (reader_pid, writer_pid, holds_both), "pipe", "read")
            assert found.on_pids == (writer_pid, holds_both)
            assert found.fd == r
            assert found.fd_target == f"pipe:[{os.fstat(r).st_ino}]"
    finally:
        os.close(r)
        os.close(w)


def test_a_read_end_holder_is_not_a_writer():
    r, w = os.pipe()
    try:
        def only_reads() -> None:
            os.close(w)
            sleep_forever()

        def reader() -> None:
            os.close(w)
            os.read(r, 1)

        with forked(only_reads) as other_reader, forked(reader) as reader_pid:
            found = blocked(reader_pid, (other_reader, os.getpid()), "pipe", "read")
            assert found.on_pids == (os.getpid(),)  # the test holds the write end; the other reader does not
    finally:
        os.close(r)
        os.close(w)


def test_a_write_to_a_full_pipe_waits_for_its_readers():
    r, w = os.pipe()
    try:
        def reads_nothing() -> None:
            os.close(w)
            sleep_forever()

        def writer() -> None:
            os.close(r)
            os.write(w, b"x" * (1 << 20))  # more than a pipe holds: blocks until someone reads

        with forked(reads_nothing) as reader_pid, forked(writer) as writer_pid:
            found = blocked(writer_pid, (writer_pid, reader_pid), "pipe", "write")
            assert found.on_pids == (reader_pid,)
    finally:
        os.close(r)
        os.close(w)


def test_a_recv_on_a_socketpair_waits_for_the_holder_of_the_other_end():
    mine, theirs = socket.socketpair()  # what multiprocessing.Pipe() makes
    try:
        def peer() -> None:
            mine.close()
            sleep_forever()

        def receiver() -> None:
            theirs.close()
            mine.recv(1)

        with forked(peer) as peer_pid, forked(receiver) as receiver_pid, forked(sleep_forever) as bystander:
            # The bystander holds both ends; the receiver's own end is not "the other end".
            found = blocked(receiver_pid, (receiver_pid, peer_pid, bystander), "socket", "recvfrom")
            assert found.on_pids == (peer_pid, bystander)
            assert found.fd == mine.fileno()
    finally:
        mine.close()
        theirs.close()


# -- poll, select, epoll ---------------------------------------------------------------


def _wait_on_sentinel_with_connection_wait(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])


def _wait_on_sentinel_with_select(sentinel: int) -> None:
    select.select([sentinel], [], [])


@pytest.mark.parametrize(("waiting", "call"), [(_wait_on_sentinel_with_connection_wait, "poll"),
                                               (_wait_on_sentinel_with_select, "pselect6")])
def test_a_poll_on_a_sentinel_may_wait_for_the_child(report, waiting, call):
    r, w = report

    def parent() -> None:
        close_inherited(w)  # r too: so that the child's copy of w is no pipe the parent reads
        child = FORK.Process(target=sleep_forever)
        child.start()
        assert child.pid is not None
        tell(w, child.pid)
        waiting(child.sentinel)

    def stranger_body() -> None:
        close_inherited()
        sleep_forever()

    with forked(parent) as parent_pid, forked(stranger_body) as stranger:
        (child,) = heard(r, 1)
        found = blocked(parent_pid, (parent_pid, stranger, child), "pipe")
        if call == "pselect6" and found.syscall == "select":
            call = "select"  # a libc that calls select itself
        if call == "poll" and found.syscall == "ppoll":
            call = "ppoll"  # Python 3.15's select.poll() calls ppoll
        assert found.syscall == call
        assert found.maybe_pids == (child,)  # the sentinel's write end is the child's
        assert found.on_pids == ()  # which descriptors it polls is in its memory: only "may"


def test_a_poll_of_nothing_is_a_sleep():
    with forked(lambda: select.select([], [], [], 60)) as pid:
        assert blocked(pid, (), "sleep").syscall in ("pselect6", "select")


def test_epoll_waits_for_the_writers_of_what_it_watches():
    watched_r, watched_w = os.pipe()
    ignored_r, ignored_w = os.pipe()
    try:
        def watched_writer() -> None:
            os.close(ignored_w)
            sleep_forever()

        def ignored_writer() -> None:
            os.close(watched_w)
            sleep_forever()

        def waiter() -> None:
            os.close(watched_w)
            os.close(ignored_w)
            with selectors.EpollSelector() as chosen:
                chosen.register(watched_r, selectors.EVENT_READ)
                chosen.select()

        with forked(watched_writer) as watched_pid, forked(ignored_writer) as ignored_pid, \
                forked(waiter) as waiter_pid:
            found = blocked(waiter_pid, (watched_pid, ignored_pid), "pipe")
            assert found.syscall in ("epoll_wait", "epoll_pwait")
            assert found.on_pids == (watched_pid,)  # it holds the ignored pipe's read end but does not watch it
    finally:
        for fd in (watched_r, watched_w, ignored_r, ignored_w):
            os.close(fd)


# -- locks, sleeps, and the states that are not a wait -----------------------------------


def test_a_process_blocked_on_a_lock_another_holds_waits_on_a_lock_no_one_can_name():
    lock = FORK.Lock()
    lock.acquire()  # held by the test process
    try:
        with forked(lock.acquire) as pid:
            found = blocked(pid, (pid, os.getpid()), "lock", "futex")
            assert found.on_pids == () and found.maybe_pids == ()
    finally:
        lock.release()


def test_time_sleep_is_a_sleep():
    with forked(lambda: time.sleep(60)) as pid:
        found = blocked(pid, (), "sleep")
        assert found.syscall in ("clock_nanosleep", "nanosleep", "select", "pselect6")
        assert found.threads == 1


def test_a_stopped_process_is_stopped():
    with forked(sleep_forever) as pid:
        wait_until(lambda: what_waits(pid).kind == "sleep", what="asleep")
        os.kill(pid, signal.SIGSTOP)
        found = blocked(pid, (), "stopped")
        assert found.state == "T"


def test_a_zombie_is_a_zombie_and_then_gone():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    try:
        found = blocked(pid, (), "zombie")
        assert found.state == "Z" and found.on_pids == ()
    finally:
        os.waitpid(pid, 0)


def test_a_pid_no_process_has_is_gone():
    with open("/proc/sys/kernel/pid_max") as f:
        beyond = int(f.read()) + 1
    assert what_waits(beyond) == Waiting(pid=beyond, state="", wchan="", syscall=None, kind="gone")


def test_a_busy_loop_is_running():
    def spin() -> None:
        while True:
            pass

    with forked(spin) as pid:
        found = blocked(pid, (), "running")
        assert found.syscall is None and found.on_pids == ()


# -- reading /proc/PID/syscall -----------------------------------------------------------


def test_a_pid_argument_is_read_as_a_c_int_however_the_register_was_filled():
    for minus_one in ("0xffffffff", "0xffffffffffffffff"):
        call = parse_syscall(f"61 {minus_one} 0x0 0x0 0x0 0x0 0x0 0x7ffc 0x7f00", syscall_names("x86_64"))
        assert (call.name, call.int_arg(0)) == ("wait4", -1)
    assert parse_syscall("running").running
    assert parse_syscall("-1 0x7ffc 0x7f00").number is None
    arm = parse_syscall("260 0x2a 0x0 0x0 0x0 0x0 0x0 0x7ffc 0x7f00", syscall_names("aarch64"))
    assert (arm.name, arm.int_arg(0)) == ("wait4", 42)
