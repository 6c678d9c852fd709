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

from proctui.core.linux import describe_exitcode
from proctui.core.watcher import ChildWatcher
from proctui.core.workers import ChildOutput, take_over_stdio

#: How long each mapped task sleeps: long enough to watch workers come and go.
TASK_SECONDS = 0.5

#: emit(kind, text, pid=None, label=None); kind is a value of lab.EventKind.
Emit = Callable[..., None]

# Set in each worker by its initializer, so tasks can say which pool they belong to.
_worker_pool_label = "pool"


class PoolError(Exception):
    """A pool operation proctui refused or the system failed; the message is for the user."""


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
    print(f"[{pool_label} worker PID {os.getpid()}] initializer ran: PPID {os.getppid()}, stdout/stderr go to the log")


def square_slowly(x: int) -> tuple[int, int, int]:
    """One mapped task: (the PID that ran it, x, x*x), after a pause the user can watch."""
    pid = os.getpid()
    print(f"[{_worker_pool_label} worker PID {pid}] task {x}")
    time.sleep(TASK_SECONDS)
    return pid, x, x * x


# -- the pool, as seen from proctui ------------------------------------------------------


def _worker_processes(pool: multiprocessing.pool.Pool) -> dict[int, multiprocessing.process.BaseProcess]:
    """The pool's workers now, by PID, read without asking any Process anything.

    ``pool._pool`` is only changed by the worker handler; copying it is one step under
    the GIL. A Process is appended after start(), so its ``_popen`` has a PID.
    """
    return {vars(vars(process)["_popen"])["pid"]: process for process in list(pool._pool)}


def _recorded_exitcode(process: multiprocessing.process.BaseProcess) -> int | None:
    """The exit code a join() stored in the worker's Popen: reading it reaps nothing."""
    return vars(vars(process)["_popen"])["returncode"]


class LabPool:
    """One multiprocessing.Pool the lab started."""

    def __init__(
        self,
        label: str,
        start_method: str,
        emit: Emit,
        processes: int = 2,
        maxtasksperchild: int | None = 2,
    ) -> None:
        """Start the Pool and its first workers. Call from proctui's main thread."""
        if processes < 1:
            raise PoolError(f"a pool needs at least one worker, not {processes}")
        if maxtasksperchild is not None and maxtasksperchild < 1:
            raise PoolError(f"maxtasksperchild must be None or at least 1, not {maxtasksperchild}")
        try:
            ctx = multiprocessing.get_context(start_method)
        except ValueError as exc:
            raise PoolError(f"unknown start method {start_method!r}") from exc
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
        self._maps: list[multiprocessing.pool.MapResult] = []
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
                    initargs=(label, ChildOutput(self._output_w)),
                    maxtasksperchild=maxtasksperchild,
                )
        except BaseException as exc:
            # Pool() has ended the workers it started; nothing else holds the pipe.
            os.close(self._output_r)
            os.close(self._output_w)
            if isinstance(exc, OSError):
                raise PoolError(f"Pool() failed: {exc.strerror or exc}: the system refused a new process") from exc
            raise

        limit = "no limit" if maxtasksperchild is None else f"maxtasksperchild={maxtasksperchild}"
        self._emit(
            "note",
            f"{label} = Pool({processes}, {limit}) ({start_method}): proctui now has a worker handler thread "
            "(replaces exited workers and reaps them), a task handler and a result handler thread",
            None,
            label,
        )
        for warning in caught:
            if "fork" in str(warning.message):
                self._emit(
                    "note",
                    f"Python warns: {warning.message} Pool workers only set up their output, run tasks and "
                    "return; the worker handler thread forks the replacements, from a thread too.",
                    None,
                    label,
                )
                break
        self._emit_all(self._refresh(started_by=f"Pool({processes})"))
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
        self._emit_all(self._refresh(started_by="the pool's worker handler thread"))
        with self._lock:
            return {pid: label for pid, (label, _) in self._current.items()}

    def owns(self, pid: int) -> bool:
        """Is pid a worker of this pool now?"""
        with self._lock:
            return not self._closed and pid in _worker_processes(self._mp_pool)

    def _refresh(self, started_by: str) -> list[tuple]:
        """Compare pool._pool with what we saw last; return the events to emit."""
        with self._lock:
            if self._closed:
                return []
            return self._diff(started_by)

    def _diff(self, started_by: str) -> list[tuple]:
        now = _worker_processes(self._mp_pool)
        events = []
        # Gone first: the handler reaps exited workers before it starts replacements.
        for pid in [pid for pid in self._current if pid not in now]:
            label, process = self._current.pop(pid)
            events.append(("reaped", self._handler_reaped_text(label, pid, process), pid, label))
            self._awaiting_replacement.append(f"{label} (PID {pid})")
        for pid, process in now.items():
            if pid in self._current:
                continue
            label = f"{self.label} worker {next(self._numbers)}"
            self._current[pid] = (label, process)
            self._labels[pid] = label
            text = f"{label} (PID {pid}) started by {started_by}"
            if self._awaiting_replacement:
                text += f" to replace {self._awaiting_replacement.popleft()}"
            events.append(("started", f"{text}: {self._how_started()}", pid, label))
        return events

    def _how_started(self) -> str:
        if self.start_method == "fork":
            return "fork()"
        if self.start_method == "spawn":
            return "spawn: fork() + exec() of a fresh python"
        return "forkserver: the fork server forks it"

    def _handler_reaped_text(self, label: str, pid: int, process) -> str:
        code = _recorded_exitcode(process)
        if code == 0 and self.maxtasksperchild is not None:
            why = f"maxtasksperchild={self.maxtasksperchild} reached, exitcode 0"
        else:
            why = f"exitcode {describe_exitcode(code)}"
        if self.start_method == "forkserver":
            how = "the fork server reaped it and worker.exitcode read the status from the sentinel"
        else:
            how = f"its worker.exitcode called waitpid({pid}, WNOHANG), which reaped it"
        text = (
            f"the pool's worker handler thread joined {label} (PID {pid}) after it exited ({why}): "
            f"{how}, then del pool._pool[i]. Pool reaps its own workers"
        )
        if code is not None and code < 0:
            text += (
                ". A killed worker's task is lost, so its map never completes; and had it been waiting "
                "for a task it died holding the task queue's lock, which no other worker (nor "
                "terminate()) can ever take: the pool hangs"
            )
        return text

    def _on_output(self, line: str) -> None:
        self._emit_all(self._refresh(started_by="the pool's worker handler thread"))
        self._emit("output", line, None, self.label)

    def _emit_all(self, events: list[tuple]) -> None:
        # Outside self._lock: a listener may wait for the UI thread, which may be in workers().
        for kind, text, pid, label in events:
            self._emit(kind, text, pid, label)

    # -- work --------------------------------------------------------------------------

    def map(self, count: int = 6) -> None:
        """map_async square_slowly over range(count); results are logged when all are done."""
        with self._lock:
            if self._closed or self._closing:
                raise PoolError(f"{self.label} is closed: a closed Pool takes no new tasks")
            # chunksize=1: each number is one task, as maxtasksperchild counts them
            # (map's default would batch several numbers into one task).
            result = self._mp_pool.map_async(
                square_slowly, range(count), chunksize=1, callback=self._on_results, error_callback=self._on_error
            )
            self._maps.append(result)
        self._emit(
            "note",
            f"{self.label}.map_async(square_slowly, range({count}), chunksize=1): {count} tasks queued "
            f"for {self.processes} workers, {TASK_SECONDS} s each",
            None,
            self.label,
        )

    def _on_results(self, results: list[tuple[int, int, int]]) -> None:
        # In the pool's result handler thread, once every task of the map is done.
        self._emit_all(self._refresh(started_by="the pool's worker handler thread"))
        for pid, x, square in results:
            label = self._labels.get(pid)
            worker = f" ({label})" if label else ""
            self._emit("output", f"{self.label}: task {x} -> {square} on PID {pid}{worker}", pid, label)

    def _on_error(self, exc: BaseException) -> None:
        self._emit("error", f"{self.label}: map failed: {type(exc).__name__}: {exc}", None, self.label)

    # -- the end -----------------------------------------------------------------------

    def close_and_join(self) -> None:
        """pool.close(), then pool.join(). Blocks until the queued tasks are done."""
        with self._lock:
            if self._closed:
                raise PoolError(f"{self.label} is already closed")
            if self._closing:
                raise PoolError(f"{self.label}.join() is already waiting")
            self._closing = True
            pool = self._mp_pool
        pool.close()
        self._emit(
            "note",
            f"{self.label}.close(): no new tasks. When the queued ones are done the worker handler stops "
            f"and each worker gets a None sentinel and exits; {self.label}.join() waits for that",
            None,
            self.label,
        )
        pool.join()
        # terminate() may have finished the pool while we waited: then it has said it all.
        self._finish(lambda label, pid, code: (
            f"{self.label}.join(): waited for {label} (PID {pid}) to exit and reaped it, "
            f"exitcode {describe_exitcode(code)}{self._forkserver_aside()}"
        ))

    def terminate(self) -> None:
        """pool.terminate(): SIGTERM to every worker still running, then join each."""
        with self._lock:
            if self._closed:
                raise PoolError(f"{self.label} is already closed")
            unfinished = sum(1 for result in self._maps if not result.ready())
            pool = self._mp_pool
        self._emit(
            "note",
            f"{self.label}.terminate(): stop the handler threads, kill(pid, SIGTERM) every worker still "
            "running, then join() each",
            None,
            self.label,
        )
        pool.terminate()
        self._finish(lambda label, pid, code: (
            f"{self.label}.terminate(): {label} (PID {pid}) ended with exitcode {describe_exitcode(code)} "
            f"and was reaped by join(){self._forkserver_aside()}"
        ))
        if unfinished:
            self._emit(
                "note",
                f"{self.label}: {unfinished} map(s) never finished: terminate() drops their tasks and "
                "their callbacks never run",
                None,
                self.label,
            )

    def _forkserver_aside(self) -> str:
        if self.start_method == "forkserver":
            return " (the fork server did the waitpid; join() read the status from the sentinel)"
        return ""

    def _finish(self, reaped_text: Callable[[str, int, int | None], str]) -> None:
        """After Pool.join() or terminate(): log the last reaps and let go of everything."""
        with self._lock:
            if self._closed:
                return
            # Workers the handler reaped (or started) since the last look, then the rest,
            # which join() or terminate() has just reaped: pool._pool still lists them.
            events = self._diff(started_by="the pool's worker handler thread")
            for pid, (label, process) in self._current.items():
                events.append(("reaped", reaped_text(label, pid, _recorded_exitcode(process)), pid, label))
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
