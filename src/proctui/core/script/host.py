"""What runs inside the script process of ``proctui run FILE``: the user's script as
``python FILE ARGS`` would run it, under a line tracer that pauses where proctui says.

    python [-O] -m proctui.core.script.host CHANNEL FILE [ARG...]

The script runs as ``__main__`` the way pdb runs one (bdb and ``pdb._ScriptTarget``):
``sys.argv`` is ``[FILE, *ARGS]``, ``sys.path[0]`` the script's directory, ``__main__``'s
namespace replaced, so spawn children find the main module by its ``__file__``. Its
current directory is proctui's; its interpreter proctui's own or the one ``--python``
named, with ``-O`` if asked.

Each traced process talks to proctui over its own connection to CHANNEL, a Unix socket
proctui listens on: JSON lines out (``hello``, ``paused``, ``stdin``, ``finished``),
commands in (``next``, ``step``, ``return``, ``continue``, ``break``). After
``os.fork()`` (the script's own, or multiprocessing's) the child opens a connection of
its own in an at-fork hook and hands proctui a pipe for its stdout and stderr, so that
every line in the log is said by the process that wrote it. A child forked while the
parent was being stepped keeps the tracer, so it pauses at the very next line: fork()
returns twice, and each side is stepped on its own. A child forked while the parent ran
free runs free.

It runs under the Python the user chose (``proctui run --python``, any CPython 3.10+,
maybe not proctui's own, in an environment without proctui's packages): this module and
what it imports of proctui's (``linux``, ``values``) need nothing but the standard
library (tests/core/script/test_script_python.py checks every module they load). proctui's own
code (the tracer, the channel) runs inside the trace function, which is never traced
itself.
"""

from __future__ import annotations

import bdb
import builtins
import dis
import functools
import io
import json
import os
import signal
import socket
import struct
import sys
import threading
import traceback
import types
from typing import Any

from proctui.core.linux import set_parent_death_signal
from proctui.core.stepping.values import describe_value

#: The opcodes a frame returns (or yields) at: a frame at none of them is left by an exception.
_RETURN_OPS = frozenset(dis.opmap[name] for name in ("RETURN_VALUE", "RETURN_CONST", "YIELD_VALUE",
                                                      "RETURN_GENERATOR") if name in dis.opmap)


def _at_return(frame: types.FrameType) -> bool:
    code = frame.f_code.co_code
    return 0 <= frame.f_lasti < len(code) and code[frame.f_lasti] in _RETURN_OPS


class BreakpointWatch:
    """3.12+: ``c`` with breakpoints set runs the script at its untraced speed.

    bdb keeps ``sys.settrace`` on while it continues to a breakpoint: a call into the
    tracer at every line, 15-20x slower. This watch asks ``sys.monitoring`` for line
    events instead, and turns each line that has no breakpoint off the first time it runs
    (``DISABLE``), so a loop costs nothing after its first pass. At a breakpoint the watch
    ends and bdb's own tracer takes over, as ``breakpoint()`` would start it: stepping
    from there is bdb's, the same on every version.
    """

    def __init__(self, tracer: ScriptTracer) -> None:
        monitoring = sys.monitoring  # type: ignore[attr-defined,unused-ignore]  # 3.12+; the caller checks
        self._monitoring = monitoring
        self._tracer = tracer
        self._tool = monitoring.DEBUGGER_ID
        monitoring.use_tool_id(self._tool, "proctui")  # ValueError if the script's own debugger has it
        monitoring.register_callback(self._tool, monitoring.events.LINE, self._line)
        self._thread = 0
        self.on = False

    @classmethod
    def for_tracer(cls, tracer: ScriptTracer) -> BreakpointWatch | None:
        """A watch, or None where there is no sys.monitoring (3.10, 3.11) or its debugger
        place is taken: then bdb's tracer stays on between breakpoints, as in pdb."""
        if not hasattr(sys, "monitoring"):
            return None
        try:
            return cls(tracer)
        except ValueError:
            return None

    def start(self) -> None:
        # Only the thread that was stepped, as sys.settrace traces only the thread that set it.
        self._thread = threading.get_ident()
        self.on = True
        self._monitoring.set_events(self._tool, self._monitoring.events.LINE)
        self._monitoring.restart_events()  # lines turned off last time may hold new breakpoints

    def stop(self) -> None:
        self.on = False
        self._monitoring.set_events(self._tool, 0)

    def _line(self, code: types.CodeType, line: int) -> Any:
        tracer = self._tracer
        at_break = line in tracer.breaks.get(tracer.canonic(code.co_filename), ())
        if not at_break:
            return self._monitoring.DISABLE
        if not self.on or threading.get_ident() != self._thread:
            return None
        self.stop()
        tracer.pause_at_breakpoint(sys._getframe(1))
        return None


#: How many locals a pause reports (the viewer shows a line or two of them).
_MAX_LOCALS = 16


class Channel:
    """This process's connection to proctui."""

    def __init__(self, path: str) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self._reader = self.sock.makefile("rb")
        # A thread of the script (one that starts a subprocess) may send while the main
        # thread sends a pause: one message at a time, never two interleaved.
        self._sending = threading.Lock()

    def send(self, message: dict[str, Any], fds: list[int] | None = None) -> None:
        data = (json.dumps(message) + "\n").encode()
        with self._sending:
            if fds:
                socket.send_fds(self.sock, [data], fds)
            else:
                self.sock.sendall(data)

    def receive(self) -> dict[str, Any]:
        line = self._reader.readline()
        if not line:  # proctui went away: run on, as nobody will step us any more
            return {"cmd": "gone"}
        message: dict[str, Any] = json.loads(line)
        return message

    def close(self) -> None:
        try:
            self._reader.close()
            self.sock.close()
        except OSError:
            pass


class ScriptTracer(bdb.Bdb):
    """pdb's engine, with proctui in place of pdb's prompt."""

    def __init__(self, channel: Channel | None, mainfile: str) -> None:
        # Never stop in proctui's own code (this module's at-fork hook runs traced), nor in
        # bdb's (3.13's set_step() calls methods of its own, traced once set).
        super().__init__(skip=["proctui.*", "bdb"])
        self.channel = channel
        self.mainpyfile = self.canonic(mainfile)
        self._wait_for_mainpyfile = True  # as pdb: no pause before the script's first line
        self._gone = False
        # Frames an exception is passing through: their "return" is not a return (its value
        # is None), so it is reported as the exception leaving them. A line event in the
        # frame (an except clause) means it was caught.
        self._unwinding: dict[int, Any] = {}
        self._raising: Any = None  # the exception leaving the frame whose return event this is
        self.via = "start"  # how this process came to be: start (the script), fork, spawn
        # Made at the first c with a breakpoint set: until then the monitoring tool's
        # place stays free for a script that takes it for a debugger of its own.
        self.watch: BreakpointWatch | None = None
        self._watch_tried = False
        self._method_said: dict[str, Any] | None = None  # the start method facts proctui has

    def is_skipped_module(self, module_name: str | None) -> bool:
        # bdb asks at every line event; its own check runs fnmatch over the patterns each time.
        return module_name is not None and (module_name == "bdb" or module_name.startswith("proctui."))

    def stop_here(self, frame: types.FrameType) -> bool:
        # Continuing (c) stops at no line but a breakpoint's: said before bdb looks up the
        # frame's module to skip proctui's, at every line of a loop on its way (3.10, 3.11).
        if self.stoplineno == -1 and self.stopframe is not None:
            return False
        return super().stop_here(frame)

    # Not trace_dispatch itself, which runs at every line: a layer there made a traced
    # loop twice as slow as pdb's (bench/script_run.py). Exceptions and returns are rarer.
    def dispatch_exception(self, frame: types.FrameType, arg: Any) -> Any:
        self._unwinding[id(frame)] = arg
        return super().dispatch_exception(frame, arg)

    def dispatch_return(self, frame: types.FrameType, arg: Any) -> Any:
        # The frame goes (its id may be reused): forget it now. It leaves by the exception
        # only if it is not at a return (or yield) instruction: one caught in the frame
        # was followed by more lines, and the frame returns normally.
        raising = self._unwinding.pop(id(frame), None)
        self._raising = raising if raising is not None and not _at_return(frame) else None
        return super().dispatch_return(frame, arg)

    # -- where bdb stops -----------------------------------------------------------------

    def user_call(self, frame: types.FrameType, argument_list: Any) -> None:
        # A step into a function pauses at its first line, not at the call event.
        return

    def user_line(self, frame: types.FrameType) -> None:
        if self._wait_for_mainpyfile:
            if self.mainpyfile != self.canonic(frame.f_code.co_filename) or frame.f_lineno <= 0:
                return
            self._wait_for_mainpyfile = False
        self._pause(frame, "line")

    def user_return(self, frame: types.FrameType, return_value: Any) -> None:
        raising, self._raising = self._raising, None
        if self._wait_for_mainpyfile:
            return
        if raising is not None:
            kind, value, _ = raising
            self._pause(frame, "exception", f"{kind.__name__}: {value}")
        else:
            self._pause(frame, "return", describe_value(return_value))

    def user_exception(self, frame: types.FrameType, exc_info: Any) -> None:
        if self._wait_for_mainpyfile:
            return
        kind, value, _ = exc_info
        self._pause(frame, "exception", f"{kind.__name__}: {value}")

    # -- running free between breakpoints -----------------------------------------------

    def set_continue(self) -> None:
        if self._gone:
            self.clear_all_breaks()  # nobody is left to step us: no breakpoint can stop us
        if self.breaks and not self._watch_tried:
            self._watch_tried = True
            self.watch = BreakpointWatch.for_tracer(self)
        if not self.breaks or self.watch is None:
            super().set_continue()
            return
        # bdb's way without breakpoints (the tracer off, every frame's f_trace gone), then
        # the watch finds the breakpoints.
        breaks, self.breaks = self.breaks, {}
        try:
            super().set_continue()
        finally:
            self.breaks = breaks
        self.watch.start()

    def pause_at_breakpoint(self, frame: types.FrameType) -> None:
        """The watch reached a breakpoint: bdb's tracer back on, as ``bdb.set_trace(frame)``
        starts it but keeping bdb's bottom frame, then the pause."""
        if hasattr(self, "enterframe"):  # 3.13's bdb
            self.enterframe = frame
        current: types.FrameType | None = frame
        while current is not None and not self._is_ours(current):
            current.f_trace = self.trace_dispatch
            if hasattr(self, "frame_trace_lines_opcodes"):  # 3.13's bdb restores these at continue
                self.frame_trace_lines_opcodes[current] = (current.f_trace_lines, current.f_trace_opcodes)
                current.f_trace_lines = True
            current = current.f_back
        sys.settrace(self.trace_dispatch)
        self._pause(frame, "line")

    def stop_tracing(self) -> None:
        """The script (or a spawn child's target) has ended: no tracer, no watch."""
        sys.settrace(None)
        if self.watch is not None and self.watch.on:
            self.watch.stop()

    # -- a pause -------------------------------------------------------------------------

    def _pause(self, frame: types.FrameType, event: str, result: str | None = None) -> None:
        channel = self.channel
        if self._gone or channel is None:
            self.set_continue()
            return
        channel.send(self._paused(frame, event, result))
        while True:
            command = channel.receive()
            what = command.get("cmd")
            if what == "next":
                self.set_next(frame)
            elif what == "step":
                self.set_step()
            elif what == "return":
                self.set_return(frame)
            elif what in ("continue", "gone"):
                self._gone = what == "gone"
                self.set_continue()
                os.environ["PROCTUI_STEPPING"] = "0"  # what a spawn child started now inherits
            elif what == "break":
                self._toggle_break(str(command.get("file", "")), int(command.get("line", 0)))
                channel.send(self._paused(frame, event, result))
                continue
            else:
                continue  # not a command we know: wait for one we do
            if what in ("next", "step", "return"):
                os.environ["PROCTUI_STEPPING"] = "1"
            return

    def _toggle_break(self, filename: str, lineno: int) -> None:
        filename = self.canonic(filename)
        if self.get_break(filename, lineno):
            self.clear_break(filename, lineno)
        else:
            self.set_break(filename, lineno)

    def _paused(self, frame: types.FrameType, event: str, result: str | None) -> dict[str, Any]:
        stack = []
        current: types.FrameType | None = frame
        while current is not None and not self._is_ours(current):
            stack.append({"func": current.f_code.co_qualname if hasattr(current.f_code, "co_qualname")
                          else current.f_code.co_name,
                          "file": current.f_code.co_filename, "line": current.f_lineno})
            current = current.f_back
        stack.reverse()
        filename = self.canonic(frame.f_code.co_filename)
        paused: dict[str, Any] = {
            "type": "paused",
            "pid": os.getpid(),
            "event": event,
            "file": filename,
            "line": frame.f_lineno,
            "func": stack[-1]["func"] if stack else frame.f_code.co_name,
            "stack": stack,
            "locals": _describe_locals(frame),
            "result": result,
            "breaks": sorted(self.get_file_breaks(filename)),
            "via": self.via,
        }
        method = start_method_facts()
        if method != self._method_said:  # said once, and again when the script changes it
            self._method_said = method
            paused["method"] = method
        return paused

    @staticmethod
    def _is_ours(frame: types.FrameType) -> bool:
        """bdb's and this module's frames: below the script, never shown."""
        name = frame.f_code.co_filename
        return name in (__file__, bdb.__file__) or name == "<string>"


def start_method_facts() -> dict[str, Any] | None:
    """Which start method a plain ``Process(...).start()`` of this process uses, as
    multiprocessing answers it, once the script has imported multiprocessing (None before:
    importing it here would change what the script's own import does). Public API only:
    ``get_all_start_methods()`` lists the default first (3.10-3.15 on Linux), and
    ``get_start_method(allow_none=True)`` is the one set, or None, and sets nothing."""
    multiprocessing = sys.modules.get("multiprocessing")
    if multiprocessing is None:
        return None
    try:
        default = multiprocessing.get_all_start_methods()[0]
        chosen = multiprocessing.get_start_method(allow_none=True)
    except (AttributeError, IndexError, ValueError, RuntimeError):
        return None  # half imported, or replaced by the script: nothing sure to say
    if chosen == default:
        # The first start() fixes the default as the method in use (DefaultContext.get_context):
        # nothing was chosen that the default did not already say.
        chosen = None
    python = ".".join(str(part) for part in sys.version_info[:3])
    return {"python": python, "default": str(default),
            "chosen": None if chosen is None else str(chosen)}


def _describe_locals(frame: types.FrameType) -> dict[str, str]:
    """The frame's locals, each described without running its repr (repr of a Process reaps)."""
    described = {}
    for name, value in list(frame.f_locals.items()):
        if name.startswith("__") and name.endswith("__"):
            continue
        if isinstance(value, types.ModuleType) or (
                frame.f_code.co_name == "<module>" and isinstance(value, (type, types.FunctionType))):
            continue  # at module level, imports and definitions are not what a learner watches
        described[name] = describe_value(value)
        if len(described) >= _MAX_LOCALS:
            break
    return described


class _EndOfFileStdin(io.TextIOBase):
    """stdin of a script run by proctui: end of file at once, and proctui is told so."""

    def __init__(self, tell: Any) -> None:
        self._tell = tell

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        self._tell()
        return ""

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]  # TextIOBase types it int
        self._tell()
        return ""


class Host:
    """One process of the script: the script process itself, or a forked child of it."""

    def __init__(self, channel_path: str, mainfile: str, connect: bool = True) -> None:
        self.channel_path = channel_path
        # The fork server connects none of its own: only its children do (after a fork).
        self.channel: Channel | None = Channel(channel_path) if connect else None
        self.tracer = ScriptTracer(self.channel, mainfile)

    def take_output(self, via: str, traced: bool) -> None:
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
            tracer._wait_for_mainpyfile = False
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

    def after_fork_in_child(self) -> None:
        """A fork of the script (os.fork or multiprocessing's): a channel and an output
        pipe of the child's own, and the tracer still set only if the parent was being
        stepped (fork returns twice: each side pauses at the next line)."""
        watching = self.tracer.watch is not None and self.tracer.watch.on
        traced = sys.gettrace() is not None or watching
        from_fork_server = self.channel is None
        inherited = self.channel
        if inherited is not None:
            # The parent's connection is the parent's: close our copy of it (close, not
            # shutdown, so the parent's stays open; and proctui sees the parent's end of
            # file when the parent ends, not when its last child does).
            inherited._reader.close()
            os.close(inherited.sock.detach())
        self.channel = Channel(self.channel_path)
        self.tracer.channel = self.channel
        if from_fork_server:
            # The fork server runs free for ever; whether this child pauses at its target
            # is the script's to say: proctui knows whether it is being stepped, and answers
            # this hello with it.
            self.tracer.via = "forkserver"
            self.take_output("forkserver", False)
            if self.channel.receive().get("stepping"):
                self.trace_the_target()
            return
        self.tracer.via = "fork"
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
            while frame is not None and not ScriptTracer._is_ours(frame):
                frame.f_trace = self.tracer.trace_dispatch
                frame = frame.f_back


def _file_identity(fd: int) -> tuple[int, int] | None:
    try:
        status = os.fstat(fd)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def give_subprocesses_their_own_output(host: Host) -> None:
    """A subprocess (``subprocess.Popen``) would write to the pipe it inherits from its
    parent, and its lines would be logged under the parent's PID: fork_exec runs no
    at-fork hook, so it never says hello. Instead, a stdout or stderr that would be the
    parent's own output pipe becomes a new pipe, whose read end proctui gets with the
    subprocess's PID. What the script redirected elsewhere (``PIPE``, a file) is left as
    it is. Popen._execute_child is private: where it is missing or takes other
    arguments, subprocesses write to their parent's pipe, as before."""
    import inspect
    import subprocess

    original = getattr(subprocess.Popen, "_execute_child", None)
    if original is None:
        return
    signature = inspect.signature(original)
    if not {"args", "c2pwrite", "errwrite"} <= signature.parameters.keys():
        return

    def _execute_child(popen: subprocess.Popen[Any], *args: Any, **kwargs: Any) -> None:
        channel = host.channel
        if channel is None:
            original(popen, *args, **kwargs)
            return
        bound = signature.bind(popen, *args, **kwargs)
        ours = {_file_identity(1), _file_identity(2)} - {None}
        read_end = write_end = -1
        for name, inherited in (("c2pwrite", 1), ("errwrite", 2)):
            fd = bound.arguments[name]
            if _file_identity(inherited if fd == -1 else fd) in ours:
                if write_end == -1:
                    read_end, write_end = os.pipe()
                bound.arguments[name] = write_end
        if write_end == -1:
            original(*bound.args, **bound.kwargs)
            return
        try:
            original(*bound.args, **bound.kwargs)
        except BaseException:
            os.close(read_end)
            raise
        finally:
            os.close(write_end)  # Popen closes the child's end only for a PIPE of its own
        # What runs in it, as Popen finds it: the shell (shell=True), the executable, or argv[0].
        given = bound.arguments["args"]
        first = [given] if isinstance(given, (str, bytes, os.PathLike)) else list(given)[:1]
        if bound.arguments.get("shell"):
            first = [bound.arguments.get("executable") or "/bin/sh"]
        elif bound.arguments.get("executable"):
            first = [bound.arguments["executable"]]
        program = os.path.basename(os.fsdecode(first[0])) if first else "?"
        try:
            channel.send({"type": "output", "pid": popen.pid, "ppid": os.getpid(), "program": program},
                         fds=[read_end])
        except OSError:
            pass  # proctui has gone: nobody reads it, as nobody reads ours
        finally:
            os.close(read_end)

    subprocess.Popen._execute_child = _execute_child  # type: ignore[attr-defined]


def say_output_as_own(channel_path: str, program: str) -> None:
    """Make this process's stdout and stderr a pipe of its own, whose read end proctui
    gets with our PID (an ``output`` message, as a subprocess's), on a connection made
    for that alone. If proctui cannot be reached, the output stays where it was."""
    read_end, write_end = os.pipe()
    try:
        channel = Channel(channel_path)
        try:
            channel.send({"type": "output", "pid": os.getpid(), "ppid": os.getppid(), "program": program},
                         fds=[read_end])
        finally:
            channel.close()
    except OSError:
        os.close(write_end)
        return
    finally:
        os.close(read_end)
    os.dup2(write_end, 1)
    os.dup2(write_end, 2)
    os.close(write_end)


def start_in_spawned_process(fork_server: bool) -> None:
    """From sitecustomize, in an interpreter a process of the script started: a spawn
    child connects and takes its own output (and pauses at its target if the script was
    being stepped when it was started); the fork server connects none of its own, but its
    children do, as forks (its at-fork hook)."""
    channel_path = os.environ["PROCTUI_CHANNEL"]
    mainfile = os.environ.get("PROCTUI_SCRIPT", "")
    if fork_server:
        # Connected only in its children, by the hook: each says hello as a fork. What the
        # fork server itself prints (3.14+ imports the main module in it, once) is said
        # under its own PID, not its parent's, whose output it would otherwise share.
        say_output_as_own(channel_path, "fork server")
        host = Host(channel_path, mainfile, connect=False)
        os.register_at_fork(after_in_child=host.after_fork_in_child)
        give_subprocesses_their_own_output(host)
        return
    stepping = os.environ.get("PROCTUI_STEPPING") == "1"
    host = Host(channel_path, mainfile)
    host.tracer.via = "spawn"
    host.take_output("spawn", stepping)
    os.register_at_fork(after_in_child=host.after_fork_in_child)
    give_subprocesses_their_own_output(host)
    if stepping:
        host.trace_the_target()


def _run(host: Host, mainfile: str, args: list[str]) -> int:
    """Run mainfile as __main__ under the tracer; its exit code, as python FILE would give."""
    with open(mainfile, "rb") as source:
        code = compile(source.read(), mainfile, "exec")
    sys.argv = [mainfile, *args]
    sys.path[0] = os.path.dirname(mainfile)
    import __main__

    __main__.__dict__.clear()
    # As runpy.run_path gives a script: spawn reads __spec__ (None: a file, not a module)
    # and then __file__, to import the main module in its children as __mp_main__.
    __main__.__dict__.update({"__name__": "__main__", "__file__": mainfile, "__builtins__": builtins,
                              "__spec__": None, "__loader__": None, "__package__": None, "__cached__": None})
    assert host.channel is not None
    host.channel.send({"type": "hello", "pid": os.getpid(), "ppid": os.getppid(), "via": "start", "traced": True})
    try:
        host.tracer.run(code, __main__.__dict__, __main__.__dict__)
    except SystemExit as exit_:
        host.tracer.stop_tracing()
        return _exit_code(exit_.code)
    except BaseException:  # noqa: BLE001 - the script's own error: said as python would, exit code 1
        host.tracer.stop_tracing()
        kind, value, tb = sys.exc_info()
        while tb is not None and ScriptTracer._is_ours(tb.tb_frame):
            tb = tb.tb_next  # the traceback starts in the script, as python FILE's does
        traceback.print_exception(kind, value, tb)
        return 1
    finally:
        host.tracer.stop_tracing()
    return 0


#: The C long that CPython reads an int exit code into (a long long from 3.14, the same
#: 64 bits on Linux's 64-bit ABIs; a long has 32 on 32-bit ones).
_C_LONG_BITS = 64 if sys.version_info >= (3, 14) else 8 * struct.calcsize("l")


def _exit_code(code: object) -> int:
    """sys.exit(code) as the interpreter turns it into an exit status, as CPython's
    Python/pythonrun.c does it (_Py_HandleSystemExit; parse_exit_code from 3.14): None is 0;
    an int (PyLong_Check: a bool too) is read as a C long and cast to a C int, whose low 8
    bits the kernel keeps; an int too large for a C long fails to convert, and the exit
    code is -1, 255 to the kernel; anything else (a str, 1.5) is written to stderr as
    str() gives it, then a newline, and the exit code is 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        limit = 1 << (_C_LONG_BITS - 1)
        if not -limit <= code < limit:
            return 0xFF
        return code & 0xFF
    # PyFile_WriteObject(code, sys.stderr, Py_PRINT_RAW); with no sys.stderr, C's stderr.
    # An error while writing is cleared: the exit code is 1 all the same.
    try:
        if sys.stderr is None:
            os.write(2, f"{code}\n".encode(errors="backslashreplace"))
        else:
            sys.stderr.write(str(code))
            sys.stderr.write("\n")
    except Exception:  # noqa: BLE001 - as CPython: a failed write does not change the exit code
        pass
    return 1


def main(argv: list[str]) -> int:
    channel_path, mainfile, *args = argv
    parent = int(os.environ.get("PROCTUI_PID", "0"))
    # Ended by the kernel if proctui dies without ending us.
    set_parent_death_signal(signal.SIGKILL)
    if parent and os.getppid() != parent:
        return 1
    host = Host(channel_path, os.path.realpath(mainfile))
    sys.stdin = _EndOfFileStdin(host.say_stdin_read)
    os.register_at_fork(after_in_child=host.after_fork_in_child)
    give_subprocesses_their_own_output(host)
    code = _run(host, os.path.realpath(mainfile), args)
    try:
        if host.channel is not None:
            host.channel.send({"type": "finished", "pid": os.getpid(), "code": code})
    except OSError:
        pass
    sys.stdout.flush()
    return code


if __name__ == "__main__":
    # As pdb does: run from the module imported under its own name, because __main__'s
    # namespace is about to become the script's (this copy's globals would go with it).
    from proctui.core.script import host as script_host  # noqa: PLW0406 - on purpose: see above

    sys.exit(script_host.main(sys.argv[1:]))
