"""Copy-on-write: after fork() parent and child share every page until one of them writes.

The Lab fills ``workers.cow_list`` (16 MiB of pointers) in proctui once, before the first
copy-on-write child, and keeps it: every such child is forked with those pages. The child
says what the globals hold and waits; proctui reads its ``/proc/PID/smaps_rollup`` then.
Asked to write (``workers.COW_WRITE_SIGNAL``), the child changes ``cow_writer`` and
fills ``cow_list``; proctui reads smaps_rollup again, and says what its own copies hold.

The child tells proctui when to read through a pipe of its own ("ready", "written"), so
each reading is taken at the moment it stands for, not after a guessed delay.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING

from proctui.core.errors import LabError, refuse
from proctui.core.events import CowMemory, LabEvent, Refusal
from proctui.core.lab import workers
from proctui.core.lab.records import LabProcess
from proctui.core.procfs.memory import MemoryUse, read_memory_use

if TYPE_CHECKING:  # typeshed's Connection is generic; the real class is not subscriptable
    Report = Connection[object, object]
else:
    Report = Connection

#: How long a child may take to answer: a hang guard, far above what it needs.
ANSWER_SECONDS = 30.0



def _fill_cow_list() -> None:
    if not workers.cow_list:
        workers.cow_list[:] = [0] * workers.COW_LIST_LENGTH


def list_kb() -> int:
    """The size of cow_list's array of pointers, in kB, as smaps_rollup counts."""
    return workers.COW_LIST_LENGTH * 8 // 1024


class CopyOnWrite:
    """The Lab's room for copy-on-write children: their report pipes and first readings."""

    def __init__(self, emit: Callable[[LabEvent], None]) -> None:
        self._emit = emit
        self._lock = threading.Lock()
        self._waiting: dict[int, tuple[LabProcess, Report, MemoryUse]] = {}  # by PID: not written yet

    def start(self, start: Callable[[Report], LabProcess]) -> LabProcess:
        """Fork a child with ``start(report)``, wait until it is ready, read its memory."""
        _fill_cow_list()
        reader, writer = multiprocessing.get_context("fork").Pipe(duplex=False)
        try:
            record = start(writer)
        except LabError:
            reader.close()
            raise
        finally:
            writer.close()  # the child has its own copy
        memory = self._answer(record, reader, "ready")
        with self._lock:
            self._waiting[record.pid] = (record, reader, memory)
        self._emit(CowMemory(pid=record.pid, label=record.label, written=False, shared=memory.shared,
                             private_dirty=memory.private_dirty, pss=memory.pss, list_kb=list_kb()))
        return record

    def write(self, send: Callable[[LabProcess, int], None]) -> LabProcess:
        """Ask the newest child that has not written yet to write (``send`` signals it),
        wait for it, and read its memory again. From any thread: it waits for the child."""
        with self._lock:
            live = [pid for pid, (record, _, _) in self._waiting.items() if not record.reaped.is_set()]
            if not live:
                raise refuse(Refusal.NO_COW_CHILD)
            record, reader, before = self._waiting.pop(live[-1])
        try:
            send(record, workers.COW_WRITE_SIGNAL)
            after = self._answer(record, reader, "written")
        finally:
            reader.close()
        # Read after the child wrote: proctui's own copies, in proctui's own pages.
        self._emit(CowMemory(pid=record.pid, label=record.label, written=True, shared=after.shared,
                             private_dirty=after.private_dirty, pss=after.pss, list_kb=list_kb(),
                             was_shared=before.shared, was_private_dirty=before.private_dirty, was_pss=before.pss,
                             parent_writer=workers.cow_writer, parent_sum=sum(workers.cow_list)))
        return record

    def _answer(self, record: LabProcess, reader: Report, expected: str) -> MemoryUse:
        """The child's answer, then its smaps_rollup; LabError if it says nothing (or dies)."""
        try:
            answered = reader.poll(ANSWER_SECONDS) and reader.recv() == expected
        except (EOFError, OSError):
            answered = False
        memory = read_memory_use(record.pid) if answered else None
        if memory is None:
            reader.close()
            raise refuse(Refusal.CHILD_SILENT, pid=record.pid, label=record.label, value=expected)
        return memory

    def close(self) -> None:
        with self._lock:
            waiting, self._waiting = self._waiting, {}
        for _, reader, _ in waiting.values():
            reader.close()
