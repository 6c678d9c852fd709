"""One thread that reads the process table when asked, and hands each snapshot on.

Reading /proc must not block the UI, and two reads must never run at once: requests
that arrive during a read are folded into one more read after it, so the latest event
is always shown and a burst of events costs two reads, not one per event.

A plain thread waiting on an Event costs nothing while idle. (Textual's thread workers
did the same job with a Worker object, three state messages and an executor hand-off
per read: a third of proctui's idle CPU.)
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from proctui.core.procfs.snapshot import Snapshot

#: deliver(snapshot, None) after a read, or deliver(None, message) if it failed.
Deliver = Callable[[Snapshot | None, str | None], None]


class SnapshotReader:
    def __init__(self, read: Callable[[], Snapshot], deliver: Deliver) -> None:
        self._read = read
        self._deliver = deliver
        self._wanted = threading.Event()
        self._stopping = threading.Event()  # set by stop(), from another thread
        self._thread = threading.Thread(target=self._run, name="proctui-snapshot", daemon=True)
        self._thread.start()

    def request(self) -> None:
        """Read again soon. Safe from any thread; never blocks."""
        self._wanted.set()

    def stop(self, timeout: float = 2.0) -> None:
        self._stopping.set()
        self._wanted.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            if self._stopping.is_set():
                return
            self._wanted.clear()  # before the read: a request during it means one more
            try:
                snapshot = self._read()
            except Exception as exc:  # noqa: BLE001 - a failed read must never end the thread
                self._deliver(None, f"reading /proc failed: {exc!r}")
                continue
            if self._stopping.is_set():
                return
            self._deliver(snapshot, None)
