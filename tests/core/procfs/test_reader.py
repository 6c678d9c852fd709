"""The snapshot reader thread: requests during a read fold into one more read; a failed
read is reported and the thread goes on; stop() ends the thread."""

from __future__ import annotations

import threading

from helpers.waiting import wait_until
from proctui.core.procfs.reader import SnapshotReader
from proctui.core.procfs.snapshot import Snapshot, snapshot_system


def test_requests_during_a_read_make_exactly_one_more_read():
    in_read, release = threading.Event(), threading.Event()
    reads, delivered = [], []

    def slow_read() -> Snapshot:
        reads.append(1)
        in_read.set()
        release.wait(10)
        return snapshot_system()

    reader = SnapshotReader(slow_read, lambda snapshot, error: delivered.append((snapshot, error)))
    try:
        reader.request()
        assert in_read.wait(10)
        for _ in range(50):
            reader.request()  # all while the first read is running
        release.set()
        wait_until(lambda: len(delivered) == 2, what="two snapshots")
        assert len(reads) == 2 and all(snapshot is not None for snapshot, _ in delivered)
    finally:
        release.set()
        reader.stop()
    assert not reader._thread.is_alive()


def test_a_failed_read_is_reported_and_the_thread_goes_on():
    outcomes = iter([OSError("EMFILE: too many open files"), None])
    delivered = []

    def read() -> Snapshot:
        failure = next(outcomes, None)
        if failure is not None:
            raise failure
        return snapshot_system()

    reader = SnapshotReader(read, lambda snapshot, error: delivered.append((snapshot, error)))
    try:
        reader.request()
        wait_until(lambda: len(delivered) == 1, what="the error")
        snapshot, error = delivered[0]
        assert snapshot is None and error is not None and "too many open files" in error
        reader.request()
        wait_until(lambda: len(delivered) == 2, what="a snapshot after the error")
        assert delivered[1][0] is not None
    finally:
        reader.stop()
