"""A process's threads, and the kernel function each one waits in (wchan): where a
join() or a queue's feeder thread is blocked."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class ThreadWait:
    """One thread of a process as the kernel shows it: its state letter, and the kernel
    function it sleeps in (``/proc/PID/task/TID/wchan``; "0" when it runs, or is hidden)."""

    tid: int
    state: str
    wchan: str


def read_threads(pid: int) -> tuple[ThreadWait, ...]:
    """Every thread of pid, main thread first; () once the process is gone."""
    try:
        tids = sorted(int(name) for name in os.listdir(f"/proc/{pid}/task"))
    except (FileNotFoundError, ProcessLookupError):
        return ()
    found = []
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat", "rb") as f:
                raw = f.read()
            with open(f"/proc/{pid}/task/{tid}/wchan", "rb") as f:
                wchan = f.read().decode(errors="replace").strip() or "0"
        except (FileNotFoundError, ProcessLookupError):
            continue  # the thread ended while we looked
        found.append(ThreadWait(tid=tid, state=raw[raw.rindex(b")") + 2:].split()[0].decode(), wchan=wchan))
    return tuple(found)
