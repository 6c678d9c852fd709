"""A ``multiprocessing.Pool`` the lab starts, with its workers shown and its reaping told.

Unlike the Lab's own children, pool workers are not ours to reap: Pool reaps them
itself, and proctui explains that rather than fighting it. ``Pool()`` starts three
threads in proctui: a task handler (feeds the task queue), a result handler (reads
results and runs callbacks) and a *worker handler*. The worker handler waits on every
worker's sentinel; when a worker exits (with ``maxtasksperchild`` it returns after that
many tasks) the handler's ``worker.exitcode`` polls ``waitpid(pid, WNOHANG)``, which
reaps it, then ``join()`` and ``del pool._pool[i]``, and it starts a replacement. So:

* a pool worker is never left a zombie for the user to see: it is reaped within
  moments of its exit, by a thread of proctui the user never called;
* replacements are forked by that worker handler *thread*, not by proctui's main
  thread. That is why pool workers get no ``PR_SET_PDEATHSIG`` (it fires when the
  forking thread ends, and would kill them when the handler thread does). They need
  none: a worker closes its copy of the task queue's write end, so once proctui is
  gone its ``get()`` sees end of file and it exits;
* under forkserver the fork server is every worker's parent and does the waitpid;
  ``exitcode`` reads the status from the sentinel instead;
* starting any other Process runs ``process._cleanup()``, which polls every child in
  ``multiprocessing.process._children``, pool workers included: it may be the one to
  reap an exited worker first. The Lab takes its own children out of that set; it
  cannot do so for a pool's, since the handler adds new ones whenever it likes;
* an idle worker waits for a task holding the task queue's lock. Kill it there and
  the lock is never released: no worker gets another task, and ``terminate()`` blocks
  for ever in ``_help_stuff_finish``, which takes that lock first (stop it there, and
  ``terminate()`` waits until it is continued). Pool does not recover from this, which
  is why proctui does not send signals to pool workers.

proctui watches a pool by reading ``pool._pool``, the handler's list of worker
Process objects, and each one's ``_popen.pid`` straight from the instance dictionary.
It never calls ``is_alive()``, ``exitcode`` or ``repr()`` on a worker: those poll, and
polling reaps. A PID that leaves the list has been reaped by the handler; one that
joins it was started by Pool() or by the handler.

Workers are forked from proctui, whose fd 1 and 2 are the terminal Textual draws on.
The pool's initializer points each worker's stdout and stderr at a pipe whose other
end a ChildWatcher reads into the event log.
"""

from __future__ import annotations

import itertools
import multiprocessing
import multiprocessing.pool
import multiprocessing.process
import os
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from proctui.core.errors import RefusedError
from proctui.core.events import (
    ForkWarned,
    LabEvent,
    PoolClosing,
    PoolCreated,
    PoolMapFailed,
    PoolMapped,
    PoolMapsDropped,
    PoolReap,
    PoolTaskDone,
    PoolTerminating,
    PoolWorkerReaped,
    PoolWorkerStarted,
    Refusal,
    Refused,
    output_events,
)
from proctui.core.lab import workers
from proctui.core.lab.watcher import ChildWatcher
from proctui.core.lab.workers import ChildOutput, take_over_stdio
from proctui.core.start_method import StartMethod

#: How long each mapped task sleeps: long enough to watch workers come and go.
TASK_SECONDS = 0.5

#: Where the pool's events go: the Lab's listeners.
Emit = Callable[[LabEvent], None]

# Set in each worker by its initializer, so tasks can say which pool they belong to.
_worker_pool_label = "pool"


class PoolError(RefusedError):
    """A pool operation proctui refused or the system failed: ``refusal`` says why."""

    def __init__(self, reason: Refusal, label: str | None = None, **facts: Any) -> None:
        super().__init__(Refused(reason=reason, label=label, **facts))


# -- what runs in the workers (top level, so spawn and forkserver can import it) -------


def become_pool_worker(pool_label: str, out: ChildOutput) -> None:
    """Pool(initializer=...): the first thing every worker runs, replacements included.

    Like the Lab's children, a worker forked from proctui inherits proctui's signal
    handlers and its terminal on fd 1 and 2; both are put right here. Unlike them, it
    asks for no parent-death signal (see the module docstring).
    """
    global _worker_pool_label
    _worker_pool_label = pool_label
    take_over_stdio(out)
    print(workers._("[{pool} worker PID {pid}] initializer ran: PPID {ppid}, stdout/stderr go to the log").format(
        pool=pool_label, pid=os.getpid(), ppid=os.getppid()))


def square_slowly(x: int) -> tuple[int, int, int]:
    """One mapped task: (the PID that ran it, x, x*x), after a pause the user can watch."""
    pid = os.getpid()
    print(workers._("[{pool} worker PID {pid}] task {task}").format(pool=_worker_pool_label, pid=pid, task=x))
    time.sleep(TASK_SECONDS)
    return pid, x, x * x


# -- the pool, as seen from proctui ------------------------------------------------------


def _worker_processes(pool: multiprocessing.pool.Pool) -> dict[int, multiprocessing.process.BaseProcess]:
    """The pool's workers now, by PID, read without asking any Process anything.

    ``pool._pool`` is only changed by the worker handler; copying it is one step under
    the GIL. A Process is appended after start(), so its ``_popen`` has a PID.
    """
    return {vars(vars(process)["_popen"])["pid"]: process for process in list(pool._pool)}  # type: ignore[attr-defined]  # Pool's own list; typeshed leaves it out


def _recorded_exitcode(process: multiprocessing.process.BaseProcess) -> int | None:
    """The exit code a join() stored in the worker's Popen: reading it reaps nothing."""
    code: int | None = vars(vars(process)["_popen"])["returncode"]
    return code


@dataclass(frozen=True)
class PoolOptions:
    """How a pool is made: Pool(processes, maxtasksperchild=...), its workers printing in lang."""

    processes: int = 2
    maxtasksperchild: int | None = 2
    lang: str = "en"


class LabPool:
    """One multiprocessing.Pool the lab started."""

    def __init__(self, label: str, start_method: StartMethod, emit: Emit, options: PoolOptions = PoolOptions()) -> None:
        """Start the Pool and its first workers (which print in options.lang). Call from
        proctui's main thread."""
        processes, maxtasksperchild, lang = options.processes, options.maxtasksperchild, options.lang
        if processes < 1:
            raise PoolError(Refusal.POOL_NEEDS_A_WORKER, value=str(processes))
        if maxtasksperchild is not None and maxtasksperchild < 1:
            raise PoolError(Refusal.POOL_BAD_MAXTASKS, value=str(maxtasksperchild))
        try:
            ctx = multiprocessing.get_context(start_method)
        except ValueError as exc:
            raise PoolError(Refusal.UNKNOWN_START_METHOD, value=start_method) from exc
        self.label = label
        self.start_method = start_method
        self.processes = processes
        self.maxtasksperchild = maxtasksperchild
        self._emit = emit
        self._lock = threading.Lock()  # guards everything below that workers() diffs
        self._current: dict[int, tuple[str, multiprocessing.process.BaseProcess]] = {}
        self._labels: dict[int, str] = {}  # every worker PID ever seen, for naming results
        self._numbers = itertools.count(1)
        self._awaiting_replacement: deque[str] = deque()  # "pool-1 worker 1 (PID 4240)"
        self._maps: list[multiprocessing.pool.MapResult[tuple[int, int, int]]] = []
        self._closing = False
        self._closed = False

        self._output_r, self._output_w = os.pipe()
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", DeprecationWarning)
                self._mp_pool: multiprocessing.pool.Pool | None = ctx.Pool(
                    processes,
                    initializer=become_pool_worker,
                    # The write end must stay open while the pool lives: under spawn and
                    # forkserver each replacement worker gets its own copy via DupFd.
                    initargs=(label, ChildOutput(self._output_w, lang)),
                    maxtasksperchild=maxtasksperchild,
                )
        except BaseException as exc:
            # Pool() has ended the workers it started; nothing else holds the pipe.
            os.close(self._output_r)
            os.close(self._output_w)
            if isinstance(exc, OSError):
                raise PoolError(Refusal.POOL_FAILED, error=exc.strerror or str(exc)) from exc
            raise

        self._emit(PoolCreated(label=label, processes=processes, maxtasksperchild=maxtasksperchild,
                               start_method=start_method))
        for warning in caught:
            if "fork" in str(warning.message):
                self._emit(ForkWarned(label=label, message=str(warning.message), in_pool=True))
                break
        self._emit_all(self._refresh(by_handler=False))
        # Lines written so far wait in the pipe; from here on each one is logged, and
        # each one also refreshes the worker list, so a worker is noticed as it starts.
        self._watcher = ChildWatcher()
        self._watcher.watch_output(self._output_r, self._on_output)

    # -- the worker list ---------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._closed

    def workers(self) -> dict[int, str]:
        """PID -> label for the workers the pool has now; logs who came and who went."""
        self._emit_all(self._refresh(by_handler=True))
        with self._lock:
            return {pid: label for pid, (label, _) in self._current.items()}

    def _refresh(self, by_handler: bool) -> list[LabEvent]:
        """Compare pool._pool with what we saw last; return the events to emit."""
        with self._lock:
            if self._closed:
                return []
            return self._diff(by_handler)

    def _diff(self, by_handler: bool) -> list[LabEvent]:
        assert self._mp_pool is not None
        now = _worker_processes(self._mp_pool)
        events: list[LabEvent] = []
        # Gone first: the handler reaps exited workers before it starts replacements.
        for pid in [pid for pid in self._current if pid not in now]:
            label, process = self._current.pop(pid)
            events.append(self._worker_reaped(PoolReap.HANDLER, label, pid, _recorded_exitcode(process)))
            self._awaiting_replacement.append(f"{label} (PID {pid})")
        for pid, process in now.items():
            if pid in self._current:
                continue
            label = f"{self.label} worker {next(self._numbers)}"
            self._current[pid] = (label, process)
            self._labels[pid] = label
            replaces = self._awaiting_replacement.popleft() if self._awaiting_replacement else None
            events.append(PoolWorkerStarted(pid=pid, label=label, pool=self.label, start_method=self.start_method,
                                            by_handler=by_handler, processes=self.processes, replaces=replaces))
        return events

    def _worker_reaped(self, by: PoolReap, label: str, pid: int, exitcode: int | None) -> PoolWorkerReaped:
        return PoolWorkerReaped(pid=pid, label=label, pool=self.label, by=by, exitcode=exitcode,
                                start_method=self.start_method, maxtasksperchild=self.maxtasksperchild)

    def _on_output(self, lines: list[str], newline: bool, skipped: int) -> None:
        self._emit_all(self._refresh(by_handler=True))
        self._emit_all(output_events(lines, newline, skipped, label=self.label))

    def _emit_all(self, events: list[LabEvent]) -> None:
        # Outside self._lock: a listener may wait for the UI thread, which may be in workers().
        for event in events:
            self._emit(event)

    # -- work --------------------------------------------------------------------------

    def map(self, count: int = 6) -> None:
        """map_async square_slowly over range(count); results are logged when all are done."""
        with self._lock:
            if self._closed or self._closing or self._mp_pool is None:
                raise PoolError(Refusal.POOL_CLOSED, self.label, verb="map")
            # chunksize=1: each number is one task, as maxtasksperchild counts them
            # (map's default would batch several numbers into one task).
            result = self._mp_pool.map_async(
                square_slowly, range(count), chunksize=1, callback=self._on_results, error_callback=self._on_error
            )
            self._maps.append(result)
        self._emit(PoolMapped(label=self.label, tasks=count, processes=self.processes, seconds=TASK_SECONDS))

    def _on_results(self, results: list[tuple[int, int, int]]) -> None:
        # In the pool's result handler thread, once every task of the map is done.
        self._emit_all(self._refresh(by_handler=True))
        for pid, x, square in results:
            self._emit(PoolTaskDone(pid=pid, label=self._labels.get(pid), pool=self.label, x=x, square=square))

    def _on_error(self, exc: BaseException) -> None:
        self._emit(PoolMapFailed(label=self.label, error=f"{type(exc).__name__}: {exc}"))

    # -- the end -----------------------------------------------------------------------

    def close_and_join(self) -> None:
        """pool.close(), then pool.join(). Blocks until the queued tasks are done."""
        with self._lock:
            if self._closed:
                raise PoolError(Refusal.POOL_CLOSED, self.label)
            if self._closing:
                raise PoolError(Refusal.POOL_JOIN_WAITING, self.label)
            self._closing = True
            pool = self._mp_pool
        assert pool is not None
        pool.close()
        self._emit(PoolClosing(label=self.label))
        pool.join()
        # terminate() may have finished the pool while we waited: then it has said it all.
        self._finish(PoolReap.JOIN)

    def terminate(self) -> None:
        """pool.terminate(): SIGTERM to every worker still running, then join each."""
        with self._lock:
            if self._closed:
                raise PoolError(Refusal.POOL_CLOSED, self.label)
            unfinished = sum(1 for result in self._maps if not result.ready())
            pool = self._mp_pool
        assert pool is not None
        self._emit(PoolTerminating(label=self.label))
        pool.terminate()
        self._finish(PoolReap.TERMINATE)
        if unfinished:
            self._emit(PoolMapsDropped(label=self.label, unfinished=unfinished))

    def _finish(self, by: PoolReap) -> None:
        """After Pool.join() or terminate(): log the last reaps and let go of everything."""
        with self._lock:
            if self._closed:
                return
            # Workers the handler reaped (or started) since the last look, then the rest,
            # which join() or terminate() has just reaped: pool._pool still lists them.
            events = self._diff(by_handler=True)
            for pid, (label, process) in self._current.items():
                events.append(self._worker_reaped(by, label, pid, _recorded_exitcode(process)))
            self._current.clear()
            self._closed = True
            # Let the Pool go: it holds pipes and semaphores until it is collected.
            self._maps.clear()
            self._mp_pool = None
        os.close(self._output_w)
        # Every worker has exited, so all they wrote is in the pipe: stop() reads it into
        # the log and closes the read end. Waiting for end of file instead could wait for
        # ever: a process forked from proctui while the pool lived holds a copy of the
        # write end.
        self._watcher.stop()
        self._emit_all(events)

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<LabPool {self.label} {self.start_method} processes={self.processes} {state}>"
