"""The Queue deadlock: a child puts a large object on a Queue, and its parent joins it
before calling get().

proctui is the parent here: the Lab makes the Queue (of the lab's start method), starts
the child with it, and calls get() only when asked. In between, the learner joins the
child with the stepped join (w): its waitpid blocks, because the child cannot exit while
its queue's feeder thread waits for the pipe to drain, which only proctui's get() does.

A thread of the room reads the child's threads in /proc until the feeder thread sleeps
in the kernel's pipe write, and reports where each thread waits (``WhereBlocked``): the
kernel's word, not a guess. The deadline is a hang guard; on a kernel that hides wchan
the report comes at the deadline, with what the kernel showed.
"""

from __future__ import annotations

import fcntl
import multiprocessing
import queue as queue_module
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from proctui.core.errors import LabError, refuse
from proctui.core.events import LabEvent, QueueGot, Refusal, WhereBlocked
from proctui.core.lab.records import LabProcess
from proctui.core.procfs.threads import read_threads
from proctui.core.start_method import StartMethod

if TYPE_CHECKING:
    from multiprocessing.queues import Queue

#: What the child puts: far more than a pipe holds (64 KiB on Linux unless changed).
QUEUE_BYTES = 10 * 1024 * 1024
#: A hang guard for the child's threads to block, and for get(): far above what they need.
ANSWER_SECONDS = 30.0


def _pipe_size(queue: Queue[bytes]) -> int | None:
    """The capacity of the queue's pipe (F_GETPIPE_SZ), read on proctui's read end."""
    reader = getattr(queue, "_reader", None)  # multiprocessing's own Connection, not in typeshed
    try:
        return fcntl.fcntl(reader.fileno(), fcntl.F_GETPIPE_SZ) if reader is not None else None
    except (OSError, AttributeError):
        return None


class QueueDeadlock:
    """The Lab's room for queue children: each child's Queue, until proctui reads it."""

    def __init__(self, emit: Callable[[LabEvent], None]) -> None:
        self._emit = emit
        self._lock = threading.Lock()
        self._queues: dict[int, tuple[LabProcess, Queue[bytes]]] = {}  # by PID: not read yet

    def start(self, start_method: StartMethod, start: Callable[[Queue[bytes]], LabProcess]) -> LabProcess:
        """Make a Queue, start a child with ``start(queue)``, and watch where its threads wait."""
        queue: Queue[bytes] = multiprocessing.get_context(start_method).Queue()
        try:
            record = start(queue)
        except LabError:
            queue.close()
            raise
        with self._lock:
            self._queues[record.pid] = (record, queue)
        threading.Thread(target=self._watch_threads, args=(record, _pipe_size(queue)),
                         name=f"proctui-queue-{record.pid}", daemon=True).start()
        return record

    def _watch_threads(self, record: LabProcess, pipe_size: int | None) -> None:
        deadline = time.monotonic() + ANSWER_SECONDS
        while True:
            threads = read_threads(record.pid)
            if not threads or threads[0].state == "Z" or record.reaped.is_set():
                return  # it ended (killed, say) before it blocked: nothing to report
            event = WhereBlocked(pid=record.pid, label=record.label, pipe_size=pipe_size,
                                 threads=tuple((t.tid, t.state, t.wchan) for t in threads))
            if event.feeder_blocked or time.monotonic() > deadline:
                self._emit(event)
                return
            time.sleep(0.01)

    def get(self) -> LabProcess:
        """proctui's queue.get() on the newest queue not read yet. Waits for the data:
        call it from a worker thread."""
        with self._lock:
            if not self._queues:
                raise refuse(Refusal.NO_QUEUE)
            record, queue = self._queues.pop(list(self._queues)[-1])
        try:
            data = queue.get(timeout=ANSWER_SECONDS)
        except queue_module.Empty:
            raise refuse(Refusal.QUEUE_EMPTY, pid=record.pid, label=record.label) from None
        finally:
            queue.close()
        self._emit(QueueGot(pid=record.pid, label=record.label, size=len(data)))
        return record

    def close(self) -> None:
        with self._lock:
            queues, self._queues = self._queues, {}
        for _, queue in queues.values():
            queue.close()
