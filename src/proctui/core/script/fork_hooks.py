"""Each process of the script as proctui knows it (``Host``): its channel and tracer, and
how a new process connects. A forked child (the script's own ``os.fork()`` or
multiprocessing's) opens a connection of its own in an at-fork hook and hands proctui a
pipe for its stdout and stderr, so that every line in the log is said by the process
that wrote it; it keeps the tracer if the parent was being stepped (fork returns twice:
each side pauses at its next line). A spawn child or a fork server child pauses at the
first line of its Process's target when the script was being stepped.

Runs in the script's processes: the standard library only.
"""

from __future__ import annotations

import functools
import os
import sys
import types
from typing import Any

from proctui.core.script.host_channel import Channel
from proctui.core.script.host_tracer import ScriptTracer, is_ours
from proctui.core.script.protocol import Via

#: Runs in another process (inside the user's script (see host.py)): it may import only the
#: standard library and stdlib-only modules of proctui's (tests/core/test_architecture.py).
RUNS_IN_ANOTHER_PROCESS = True


class Host:
    """One process of the script: the script process itself, or a forked child of it."""

    def __init__(self, channel_path: str, mainfile: str, connect: bool = True) -> None:
        self.channel_path = channel_path
        # The fork server connects none of its own: only its children do (after a fork).
        self.channel: Channel | None = Channel(channel_path) if connect else None
        self.tracer = ScriptTracer(self.channel, mainfile)

    def take_output(self, via: Via, traced: bool) -> None:
        """Say hello with the read end of a new pipe, and make it our stdout and stderr."""
        assert self.channel is not None
        read_end, write_end = os.pipe()
        self.channel.send({"type": "hello", "pid": os.getpid(), "ppid": os.getppid(), "via": via,
                           "traced": traced}, fds=[read_end])
        os.close(read_end)
        os.dup2(write_end, 1)
        os.dup2(write_end, 2)
        os.close(write_end)

    def trace_the_target(self) -> None:
        """Pause at the first line of what the Process runs: its target, or the run() of a
        Process subclass that overrides it (a spawn child: nothing of the script ran here
        before it but the import of its main module as __mp_main__)."""
        import multiprocessing.process

        base = multiprocessing.process.BaseProcess
        original_run = base.run
        tracer = self.tracer

        def run_traced(process: multiprocessing.process.BaseProcess) -> None:
            run = type(process).run
            target = getattr(process, "_target", None)
            tracer.stop_waiting_for_mainfile()
            try:
                if run is original_run and target is not None:
                    # What BaseProcess.run does, from a frame of ours (never stopped in), so
                    # the next line not of proctui's is the target's first.
                    tracer.set_trace(sys._getframe())
                    target(*getattr(process, "_args", ()), **getattr(process, "_kwargs", {}))
                elif run is not original_run:
                    tracer.set_trace(sys._getframe())
                    run(process)  # the subclass's own run(): its first line
                else:
                    original_run(process)  # no target, nothing to run
            finally:
                tracer.stop_tracing()

        bootstrap = getattr(base, "_bootstrap", None)
        if bootstrap is None:
            # Not 3.10-3.14's multiprocessing: a subclass's own run() is not reached this
            # way, and runs free; a target still pauses at its first line.
            base.run = run_traced  # type: ignore[method-assign,assignment]
            return

        def _bootstrap(process: multiprocessing.process.BaseProcess, *args: Any, **kwargs: Any) -> Any:
            # _bootstrap calls self.run(): the instance's run, which comes first, is ours.
            process.run = functools.partial(run_traced, process)  # type: ignore[method-assign]
            return bootstrap(process, *args, **kwargs)

        # In this child only: its Process is about to be unpickled and bootstrapped.
        base._bootstrap = _bootstrap  # type: ignore[attr-defined]

    def say_stdin_read(self) -> None:
        try:
            if self.channel is not None:
                self.channel.send({"type": "stdin", "pid": os.getpid()})
        except OSError:
            pass

    def after_fork_in_parent(self) -> None:
        """--follow child: the parent of a child that will be stepped runs free from its
        fork on, and says so (its viewer then tells why it no longer pauses)."""
        watching = self.tracer.watch is not None and self.tracer.watch.on
        if self.tracer.follow != "child" or self.channel is None or not (sys.gettrace() is not None or watching):
            return
        self.tracer.run_free()
        try:
            self.channel.send({"type": "free", "pid": os.getpid()})
        except OSError:
            pass

    def after_fork_in_child(self) -> None:
        """A fork of the script (os.fork or multiprocessing's): a channel and an output
        pipe of the child's own, and the tracer still set only if the parent was being
        stepped (fork returns twice: each side pauses at the next line)."""
        watching = self.tracer.watch is not None and self.tracer.watch.on
        traced = sys.gettrace() is not None or watching
        from_fork_server = self.channel is None
        inherited = self.channel
        if inherited is not None:
            inherited.drop_inherited()  # the parent's connection is the parent's
        self.channel = Channel(self.channel_path)
        self.tracer.channel = self.channel
        if from_fork_server:
            # The fork server runs free for ever; whether this child pauses at its target
            # is the script's to say: proctui knows whether it is being stepped, and answers
            # this hello with it.
            self.tracer.via = "forkserver"
            self.take_output("forkserver", False)
            if self.channel.receive_stepping():
                self.trace_the_target()
            return
        self.tracer.via = "fork"
        if traced and self.tracer.follow == "parent":
            # --follow parent: only the parent is stepped; the child runs free, breakpoints
            # and all (its copy of the tracer goes).
            self.tracer.run_free()
            traced = False
        self.take_output("fork", traced)
        if traced:
            # The parent's stop condition (say, the next line of the frame that called
            # p.start()) may never come in the child, which leaves from inside the fork's
            # caller: the child pauses at its very next line, where fork() returned 0.
            # bdb traces only the frames it may stop in, so the caller of os.fork (say,
            # popen_fork's _launch) gets the trace function too, as bdb.set_trace does.
            if watching:
                # The parent ran to a breakpoint under the watch (3.12+): in the child, as
                # under bdb's tracer on 3.10/3.11, the child pauses where fork returned 0.
                self.tracer.watch.stop()  # type: ignore[union-attr]  # watching says it is there
                sys.settrace(self.tracer.trace_dispatch)
            # The next line of the frame that called os.fork(), not the next line anywhere:
            # the at-fork hooks registered after this one run next, before fork() returns 0
            # here (random's reseeding, 3.14's resource tracker, the script's own), and a
            # step would pause in the first of them.
            self.tracer.set_next(sys._getframe(1))
            frame: types.FrameType | None = sys._getframe(1)
            while frame is not None and not is_ours(frame):
                frame.f_trace = self.tracer.trace_dispatch
                frame = frame.f_back
