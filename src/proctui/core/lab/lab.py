"""The Lab: the one place in proctui that starts, signals and reaps processes.

Every process the Lab starts is a real ``multiprocessing.Process`` of an explicit
context. The Lab's job is as much about what it must *not* do: anything that reaps a
finished child makes a zombie vanish behind the user's back (see ``guards``). So:

* the Lab's children never enter ``multiprocessing.process._children``: no later
  ``start()`` or ``active_children()`` polls them; only an explicit join reaps them;
* exits are noticed through a pidfd, which says "exited" without reaping;
* a child's fate is read with ``waitid(WNOWAIT)``, which leaves it waitable;
* a ``Process`` object is never printed: records have a ``repr`` of their own.

The Lab's rooms: ``records`` (what it remembers, one identity check, one way to mark a
record reaped), ``events`` (what it reports, as data), ``guards`` (against hidden
reaping), ``start_methods`` (what differs between fork, spawn and forkserver),
``family`` (exits, grandchildren, adoption), ``sending`` (signals), ``stepped_join``
and ``shutdown``. This class ties them together and is what the UI calls.
"""

from __future__ import annotations

import functools
import multiprocessing
import multiprocessing.process
import os
import signal
import threading
import warnings
from collections.abc import Callable

from proctui.core.errors import LabError, refuse
from proctui.core.events import (
    Emulated,
    Forked,
    ForkWarned,
    JoinBlocks,
    LabEvent,
    ReapCall,
    Reaped,
    Refusal,
    Signalled,
    StartMethodChosen,
    StillAlive,
    SubreaperSet,
    WatchFailed,
    output_events,
)
from proctui.core.lab import workers
from proctui.core.lab.copy_on_write import CopyOnWrite
from proctui.core.lab.family import Family
from proctui.core.lab.guards import (
    forget_lab_child,
    keep_lab_children_out_of_multiprocessing,
    mark_as_lab_child,
    stderr_with_a_fileno,
)
from proctui.core.lab.pool import LabPool, PoolError, PoolOptions
from proctui.core.lab.queue_deadlock import QueueDeadlock
from proctui.core.lab.records import SCRIPT_CHILD_ROLE, SCRIPT_ROLE, Labelled, LabProcess, Records
from proctui.core.lab.sayer import OnOutput
from proctui.core.lab.sending import (
    await_state,
    check_not_reaped,
    check_same_process,
    disposition,
    interrupt_by_method,
    send,
)
from proctui.core.lab.shutdown import Ending
from proctui.core.lab.start_methods import START_METHODS, start_method
from proctui.core.lab.stepped_join import SteppedJoins, check_joinable, hold_reap_lock
from proctui.core.lab.watcher import ChildWatcher
from proctui.core.linux import PR_SET_CHILD_SUBREAPER, peek_exit_status, pidfd_exits_within, prctl
from proctui.core.procfs.stat import ProcInfo
from proctui.core.script.runner import Scripts
from proctui.core.start_method import StartMethod, is_start_method
from proctui.core.stepping.stepper import Step, Stepper

__all__ = ["DEFAULT_MAX_CHILDREN", "START_METHODS", "Lab", "LabError", "LabEvent", "LabProcess"]

DEFAULT_MAX_CHILDREN = 64

Listener = Callable[[LabEvent], object]  # what a listener returns is not used
Worker = Callable[..., None]


class Lab:
    def __init__(
        self, start_method: str = "fork", max_children: int = DEFAULT_MAX_CHILDREN, subreaper: bool = True
    ) -> None:
        if not is_start_method(start_method):  # a name from the command line
            raise refuse(Refusal.UNKNOWN_START_METHOD, value=start_method)
        self.start_method: StartMethod = start_method
        self.max_children = max_children
        self.pid = os.getpid()
        self.records = Records()
        self.language = "en"  # what children started from now on print in (workers.ChildOutput)
        self._listeners: list[Listener] = []
        self._watcher = ChildWatcher(on_error=lambda exc: self.emit(WatchFailed(error=repr(exc))))
        self._warned_threaded_fork = False
        self._pools: list[LabPool] = []
        self._closed = False
        #: False on a Python without ``multiprocessing.process._children`` (see guards).
        self.guarded = keep_lab_children_out_of_multiprocessing()
        self.start_lock = threading.Lock()  # see Family
        # shutdown() may be called from the UI, from main()'s finally and from the
        # watchdog of a signal at once: the first does the work, the others wait for it.
        self._shutdown_lock = threading.Lock()
        self.family = Family(self)
        self._stepped = SteppedJoins(self.emit)
        self.cow = CopyOnWrite(self.emit)  # copy-on-write children: their report pipes
        self.queues = QueueDeadlock(self.emit)  # queue children: their queues, until read
        #: proctui run's room: the script process and what it forks.
        self.scripts = Scripts(self)
        self.subreaper = False
        if subreaper:
            self.set_subreaper(True)

    def set_subreaper(self, on: bool) -> None:
        """Make proctui a child subreaper (or not): orphaned descendants come to it, not
        to PID 1 or another subreaper further up."""
        try:
            prctl(PR_SET_CHILD_SUBREAPER, 1 if on else 0)
        except OSError as exc:
            raise refuse(Refusal.SUBREAPER_FAILED, error=str(exc)) from exc
        changed = on != self.subreaper
        self.subreaper = on
        if changed:
            self.emit(SubreaperSet(on=on))

    def cycle_start_method(self) -> str:
        """fork -> spawn -> forkserver -> fork, for children started from now on."""
        self.start_method = START_METHODS[(START_METHODS.index(self.start_method) + 1) % len(START_METHODS)]
        self.emit(StartMethodChosen(start_method=self.start_method))
        return self.start_method

    # -- observers -------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        """listener(event) is called for every event, from whichever thread caused it."""
        self._listeners.append(listener)

    def emit(self, event: LabEvent) -> None:
        """Tell every listener (the experiments, and the Lab's rooms, report through it too)."""
        for listener in list(self._listeners):
            listener(event)

    # -- records ---------------------------------------------------------------------

    def get(self, pid: int) -> LabProcess | None:
        """The lab record for this PID, if it is a lab process not yet reaped."""
        return self.records.get(pid)

    @property
    def processes(self) -> list[LabProcess]:
        """Lab processes not yet reaped, oldest first."""
        return self.records.live()

    # -- starting --------------------------------------------------------------------

    def start_child(self, role: str, worker: Worker, args: tuple[object, ...] = (), daemon: bool = False) -> LabProcess:
        """Start ``worker(label, out, *args)`` as a lab child labelled role-N."""
        return self.start_labelled(Labelled(role, self.records.next_label(role)), worker, args, daemon=daemon)

    def new_pool(self, processes: int, maxtasksperchild: int | None) -> LabPool:
        """A multiprocessing.Pool of our own start method, labelled pool-N, not yet given tasks."""
        self.check_room(processes)
        label = self.records.next_label("pool")
        try:
            with stderr_with_a_fileno():
                options = PoolOptions(processes, maxtasksperchild, self.language)
                pool = LabPool(label, self.start_method, self.emit, options)
        except PoolError as exc:
            raise LabError(exc.refusal) from exc
        self._pools.append(pool)
        return pool

    @property
    def pools(self) -> list[LabPool]:
        """Pools not yet closed and joined or terminated, oldest first."""
        return [pool for pool in self._pools if not pool.closed]

    def pool_workers(self) -> dict[int, str]:
        """PID -> label of every current pool worker."""
        found: dict[int, str] = {}
        for pool in self.pools:
            found.update(pool.workers())
        return found

    def signal_for_a_lesson(self, record: LabProcess, signum: int) -> None:
        """Send a signal a lab child waits for (no Process method sends it)."""
        with record.signal_lock:
            self._send(record, signum)
        self.emit(Signalled(pid=record.pid, label=record.label, signal=signum))

    def start_with_grandchild(self, parent: Labelled, target: Worker, grandchild: Labelled,
                              extra_args: tuple[object, ...] = ()) -> tuple[LabProcess, LabProcess]:
        """Start ``target(label, out, workers.Grandchild(its label, its out, report), *extra_args)``,
        a child that starts a grandchild and tells us its PID through ``report``."""
        grandchild_read, grandchild_write = os.pipe()
        report_read, report_write = multiprocessing.get_context(self.start_method).Pipe(duplex=False)
        try:
            started = self.start_labelled(
                parent, target,
                (workers.Grandchild(grandchild.label, workers.ChildOutput(grandchild_write, self.language),
                                    report_write), *extra_args),
            )
        except LabError:
            os.close(grandchild_read)
            raise
        finally:
            os.close(grandchild_write)
            report_write.close()
        with report_read:
            if not report_read.poll(30):
                os.close(grandchild_read)
                raise refuse(Refusal.NO_GRANDCHILD_REPORT, pid=started.pid, label=parent.label)
            grandchild_pid = report_read.recv()
        return started, self.add_grandchild(started, grandchild, grandchild_pid, grandchild_read)

    def add_grandchild(self, parent: LabProcess, grandchild: Labelled, pid: int, output_fd: int) -> LabProcess:
        """Record a child's child, whose output comes through output_fd, and watch it."""
        record = self.family.record_grandchild(parent, grandchild, pid)
        self.watch(record, output_fd)
        return record

    def start_labelled(self, who: Labelled, target: Worker, extra_args: tuple[object, ...] = (),
                       daemon: bool = False) -> LabProcess:
        """Start ``target(label, out, *extra_args)`` as a lab child with this role and label."""
        role, label = who
        if threading.current_thread() is not threading.main_thread():
            # PR_SET_PDEATHSIG fires when the forking *thread* ends, so a child forked
            # from a short-lived worker thread would be killed as soon as it returns.
            raise refuse(Refusal.NOT_MAIN_THREAD)
        self.check_room(1)
        read_fd, write_fd = os.pipe()
        process = start_method(self.start_method).new_process(
            target=target, args=(label, workers.ChildOutput(write_fd, self.language), *extra_args), name=label,
            daemon=daemon
        )
        mark_as_lab_child(process)
        with self.start_lock:
            try:
                with warnings.catch_warnings(record=True) as caught, stderr_with_a_fileno():
                    warnings.simplefilter("always", DeprecationWarning)
                    process.start()
            except OSError as exc:
                os.close(read_fd)
                raise refuse(Refusal.FORK_FAILED, verb=start_method(self.start_method).start_call(),
                             error=exc.strerror or str(exc)) from exc
            finally:
                # The child has its own copy now (or none was made): ours would keep the pipe
                # open after the child is gone.
                os.close(write_fd)
            forget_lab_child(process)
            assert process.pid is not None
            record = self.records.add(label, role, process.pid, self.start_method, process=process)
        self._report_fork_warning(caught)
        self.emit(Forked(pid=record.pid, label=label, role=role, start_method=self.start_method, daemon=daemon))
        self.watch(record, read_fd)
        return record

    def check_room(self, wanted: int) -> None:
        """Refuse (LabError) unless wanted more processes keep within max_children."""
        if self._closed:
            raise refuse(Refusal.LAB_CLOSED)
        live = len(self.processes) + sum(pool.processes for pool in self.pools)
        if live + wanted > self.max_children:
            raise refuse(Refusal.TOO_MANY, count=live, limit=self.max_children, value=str(wanted))

    def watch(self, record: LabProcess, output_fd: int) -> None:
        """Log record's output, and notice its exit the moment it happens."""

        by_script = record.role in (SCRIPT_ROLE, SCRIPT_CHILD_ROLE)

        def said(lines: list[str], newline: bool, skipped: int) -> None:
            # A script's line that holds its writer's parent's PID says whose PID that is.
            facts_of = functools.partial(self.scripts.parent_mentioned, record) if by_script else None
            for event in output_events(lines, newline, skipped, pid=record.pid, label=record.label,
                                       by_script=by_script, facts_of=facts_of):
                self.emit(event)

        self._watcher.watch_output(output_fd, said)
        # A copy of the record's own pidfd, which names the very process it was made for
        # (a PID read later may be another's); None if that process is gone (reaped).
        held = record.pidfd_if_same()
        if held is None:
            # Gone, and reaped by its parent, before it could be watched (a script that
            # starts and joins short processes in a loop): its end is said now, or its
            # record would stay alive for ever and count against --max-children.
            self.family.on_exit(record)
            return
        self._watcher.watch_exit(held[0], functools.partial(self.family.on_exit, record), output_fd=output_fd)

    def watch_output(self, fd: int, said: OnOutput) -> None:
        """said(lines, newline, skipped) for the lines of the pipe fd as they come (sayer.OnOutput;
        the watcher closes fd at its end)."""
        self._watcher.watch_output(fd, said)

    def _report_fork_warning(self, caught: list[warnings.WarningMessage]) -> None:
        for warning in caught:
            if "fork" in str(warning.message) and not self._warned_threaded_fork:
                self._warned_threaded_fork = True
                self.emit(ForkWarned(message=str(warning.message)))

    # -- signals ---------------------------------------------------------------------

    def terminate(self, record: LabProcess) -> None:
        """Process.terminate(): SIGTERM."""
        self._signal(record, "terminate", signal.SIGTERM)

    def kill(self, record: LabProcess) -> None:
        """Process.kill(): SIGKILL."""
        self._signal(record, "kill", signal.SIGKILL)

    def interrupt(self, record: LabProcess) -> None:
        """Process.interrupt() (3.14+): SIGINT. Python's own handler raises KeyboardInterrupt;
        a process that left SIGINT to its default (a lab child) dies of it.

        Where it is safe, the real ``p.interrupt()`` is called; elsewhere proctui sends
        SIGINT through the pidfd, as every other signal, and the event says why."""
        process = record.process
        if process is None:  # a grandchild: its Process object (if any) is in its parent
            self._signal(record, None, signal.SIGINT)
            return
        if not hasattr(process, "interrupt"):
            self._signal(record, "interrupt", signal.SIGINT, Emulated.NO_METHOD)
            return
        if not start_method(record.start_method).proctui_is_parent:
            # The fork server reaps the child whenever it ends, without telling us: by
            # PID, interrupt() could reach a process that was given the PID since.
            self._signal(record, "interrupt", signal.SIGINT, Emulated.FORK_SERVER_REAPS)
            return
        if not record.reap_lock.acquire(blocking=False):
            # A join holds it. A stepped join's os.waitpid reaps the child the moment it
            # ends, under no lock of ours: the PID could then pass to another process.
            self._signal(record, "interrupt", signal.SIGINT, Emulated.JOIN_UNDER_WAY)
            return
        try:
            handling, info = interrupt_by_method(record, process, self.records, self.pid)
        finally:
            record.reap_lock.release()
        self.emit(Signalled(pid=record.pid, label=record.label, signal=signal.SIGINT, method="interrupt",
                             called=True, was_zombie=info.is_zombie, disposition=handling))
        if not info.is_zombie:
            await_state(record.pid, lambda info: info.is_zombie, timeout=0.02)

    def _send(self, record: LabProcess, signum: int) -> ProcInfo:
        return send(record, signum, self.records.is_current(record), self.pid)

    def _signal(self, record: LabProcess, method: str | None, signum: int, emulated: Emulated | None = None) -> None:
        with record.signal_lock:
            # Read before sending: whether the receiver has a handler of its own for it.
            handling = disposition(record.pid, signum)
            # Process.terminate() / kill() would call kill(pid, sig); _send sends the
            # same signal through a pidfd instead, and the event says so.
            info = self._send(record, signum)
        # A grandchild has no Process object here: no terminate() or kill() of ours.
        self.emit(Signalled(pid=record.pid, label=record.label, signal=signum,
                             method=method if record.process is not None else None,
                             was_zombie=info.is_zombie, disposition=handling, emulated=emulated))
        if not info.is_zombie:
            # The child dies when the kernel next runs it, usually within a millisecond.
            # Waiting a little for that (after the event, so the log keeps cause before
            # effect) lets the snapshot the event asks for show the zombie already: one
            # frame, not two.
            await_state(record.pid, lambda info: info.is_zombie, timeout=0.02)

    def stop_or_continue(self, record: LabProcess) -> None:
        """SIGSTOP a running process, SIGCONT a stopped one (the kernel's T state)."""
        with record.signal_lock:
            info = check_same_process(record, self.records.is_current(record), self.pid)
            if info.is_zombie:
                raise refuse(Refusal.ZOMBIE_CANNOT_STOP, pid=record.pid, label=record.label)
            signum = signal.SIGCONT if info.state in "Tt" else signal.SIGSTOP
            self._send(record, signum)
            # kill() returns once the signal is pending; the child stops (or runs on) when
            # the kernel next deals with it, usually within a millisecond. Wait for that,
            # briefly, so that the snapshot this event asks for shows the new state.
            stopping = signum == signal.SIGSTOP
            await_state(record.pid, lambda info: info.is_zombie or (info.state in "Tt") == stopping, timeout=0.05)
        self.emit(Signalled(pid=record.pid, label=record.label, signal=signum))

    def _signal_unreaped(self, record: LabProcess, signum: int) -> None:
        """Signal a lab process not yet reaped, if it is still the one we started."""
        with record.signal_lock:
            if record.reaped.is_set():
                return
            try:
                self._send(record, signum)
            except LabError:
                pass  # gone, or its PID now names another process: nothing to end

    # -- reaping ---------------------------------------------------------------------

    def is_alive(self, record: LabProcess) -> bool:
        """Process.is_alive(), which polls with waitpid(WNOHANG): on a zombie, that reaps it."""
        if record.process is None:
            raise refuse(Refusal.NO_PROCESS_OBJECT, pid=record.pid, label=record.label)
        with record.signal_lock:
            # No identity check by PID: nothing is sent to it. Until we reap it, a child of
            # ours keeps its PID (a zombie holds it), and a forkserver child's poll() reads
            # its sentinel, not its PID.
            check_not_reaped(record, self.records.is_current(record))
            status = peek_exit_status(record.pid)
            alive = record.process.is_alive()
            if not alive:
                record.mark_reaped()
        ours = start_method(record.start_method).proctui_is_parent
        if alive:
            self.emit(StillAlive(pid=record.pid, label=record.label, on_sentinel=not ours))
            return True
        self.emit(Reaped(pid=record.pid, label=record.label, status=status, exitcode=record.exitcode,
                          call=ReapCall.IS_ALIVE if ours else ReapCall.IS_ALIVE_SENTINEL))
        return False

    def join(self, record: LabProcess) -> int | None:
        """Process.join(): wait for the child to exit, then reap it. Blocks; returns exitcode.

        Call it from a worker thread: with a running child it waits until the child ends.
        """
        check_joinable(record)
        assert record.process is not None
        hold_reap_lock(record)
        try:
            status = peek_exit_status(record.pid)
            if status is None:
                self.emit(JoinBlocks(pid=record.pid, label=record.label,
                                      sigterm=disposition(record.pid, signal.SIGTERM)))
                opened = record.pidfd_if_same()  # never wait on a PID that may name another process
                if opened is not None:
                    try:
                        pidfd_exits_within(opened[0], None)
                    finally:
                        os.close(opened[0])
                status = peek_exit_status(record.pid)
            with record.signal_lock:
                record.process.join()  # multiprocessing's own waitpid() reaps it here
                record.mark_reaped()
                if status is not None:
                    record.exit_status = status
        finally:
            record.reap_lock.release()
        self.emit(Reaped(pid=record.pid, label=record.label, call=ReapCall.JOIN, status=status,
                          exitcode=record.exitcode))
        return record.exitcode

    def step_join(
        self, record: LabProcess, timeout: float | None = None, on_step: Callable[[Step], None] | None = None
    ) -> Stepper:
        """Start the real ``process.join(timeout)`` under the stepper, paused at its first line
        (see ``stepped_join``). ``on_step`` is called from the joining thread."""
        return self._stepped.start(record, timeout, on_step)

    # -- the end ---------------------------------------------------------------------

    def shutdown(self, grace: float = 1.0) -> None:
        """End and reap every lab process: SIGCONT + SIGTERM, then SIGKILL after grace.

        From any thread, as often as you like: a call while another is under way waits
        for it, so when any call returns, everything has been reaped. Pools are ended
        alongside the other processes, so that all of it takes little more than grace.
        """
        with self._shutdown_lock:
            if self._closed:
                return
            self._closed = True
            # First what a script started that the Lab has no record of, while it is still
            # below the script process; then a paused process of the script runs on, into
            # our SIGTERM.
            self.scripts.end_family()
            self.scripts.close()
            live = self.processes
            for record in live:
                self._signal_unreaped(record, signal.SIGCONT)  # a stopped child cannot act on SIGTERM
                self._signal_unreaped(record, signal.SIGTERM)
            self._stepped.cancel_all()
            self.cow.close()
            self.queues.close()
            Ending(self.pid, self.emit, self._signal_unreaped).end(live, self.pools, grace)
            self.family.reap_adopted_zombies()
            # The warden ends what is left of a script's process group (its fork server, its
            # resource tracker, which would have left on their own): their zombies are ours.
            if self.scripts.release_warden():
                self.family.reap_adopted_zombies()
            self._watcher.stop()
