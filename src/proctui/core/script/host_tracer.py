"""The tracer in each traced process of the script: pdb's engine (bdb), with proctui in
place of pdb's prompt. At each pause it sends ``paused`` (where, the stack, the locals
described without running their code, the start method facts when they change) and
waits for a command.

proctui's own code (the tracer, the channel) runs inside the trace function, which is
never traced itself; its frames (``is_ours``) are never shown.

Runs in the script's processes: the standard library only.
"""

from __future__ import annotations

import bdb
import dis
import os
import sys
import types
from typing import TYPE_CHECKING, Any, cast

from proctui.core.script.breakpoints import BreakpointWatch
from proctui.core.script.host_channel import Channel
from proctui.core.script.protocol import (
    BreakCommand,
    Follow,
    PausedMessage,
    PauseEvent,
    StackEntry,
    StartMethodFacts,
    StepCommand,
    Via,
    is_follow,
)
from proctui.core.stepping.values import describe_value

if TYPE_CHECKING:
    from proctui.core.start_method import StartMethod

#: Runs in another process (inside the user's script (see host.py)): it may import only the
#: standard library and stdlib-only modules of proctui's (tests/core/test_architecture.py).
RUNS_IN_ANOTHER_PROCESS = True

#: The opcodes a frame returns (or yields) at: a frame at none of them is left by an exception.
_RETURN_OPS = frozenset(dis.opmap[name] for name in ("RETURN_VALUE", "RETURN_CONST", "YIELD_VALUE",
                                                      "RETURN_GENERATOR") if name in dis.opmap)


def _at_return(frame: types.FrameType) -> bool:
    code = frame.f_code.co_code
    return 0 <= frame.f_lasti < len(code) and code[frame.f_lasti] in _RETURN_OPS


#: How many locals a pause reports (the viewer shows a line or two of them).
_MAX_LOCALS = 16


#: The folder of the host's modules (host, host_tracer, fork_hooks, ...): a frame of a file
#: there is proctui's. (runner and warden lie there too, and never run in the script.)
_HERE = os.path.dirname(__file__)


def is_ours(frame: types.FrameType) -> bool:
    """bdb's and the host's frames: below the script, never shown."""
    name = frame.f_code.co_filename
    return os.path.dirname(name) == _HERE or name == bdb.__file__ or name == "<string>"


class ScriptTracer(bdb.Bdb):
    """pdb's engine, with proctui in place of pdb's prompt."""

    def __init__(self, channel: Channel | None, mainfile: str) -> None:
        # Never stop in proctui's own code (fork_hooks' at-fork hook runs traced), nor in
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
        self.via: Via = "start"  # how this process came to be: start (the script), fork, spawn
        # Made at the first c with a breakpoint set: until then the monitoring tool's
        # place stays free for a script that takes it for a debugger of its own.
        self.watch: BreakpointWatch | None = None
        self._watch_tried = False
        self._method_said: StartMethodFacts | None = None  # the start method facts proctui has
        # What is stepped after this process forks (--follow): proctui's choice at start, in
        # the environment (a spawn child inherits it), then with each command.
        follow = os.environ.get("PROCTUI_FOLLOW", "both")
        self.follow: Follow = follow if is_follow(follow) else "both"

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

    def stop_waiting_for_mainfile(self) -> None:
        """Pause at the next line anywhere, not only from the main file's first line on
        (a spawn child's or fork server child's Process target)."""
        self._wait_for_mainpyfile = False

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
        while current is not None and not is_ours(current):
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

    def _pause(self, frame: types.FrameType, event: PauseEvent, result: str | None = None) -> None:
        channel = self.channel
        if self._gone or channel is None:
            self.set_continue()
            return
        channel.send(self._paused(frame, event, result))
        while True:
            command = channel.receive_command()
            what = "gone" if command is None else command.get("cmd")
            if what in ("next", "step", "return", "continue", "free"):
                self._take_follow(cast("StepCommand", command))  # the protocol's, by its cmd
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
            elif what == "free":
                self.run_free()
            elif what == "break":
                toggle = cast("BreakCommand", command)  # the protocol's, by its cmd
                self._toggle_break(str(toggle.get("file", "")), int(toggle.get("line", 0)))
                channel.send(self._paused(frame, event, result))
                continue
            else:
                continue  # not a command we know: wait for one we do
            if what in ("next", "step", "return"):
                # A spawn child started while we are stepped pauses at its target, unless
                # only the parent is followed.
                os.environ["PROCTUI_STEPPING"] = "0" if self.follow == "parent" else "1"
            return

    def _take_follow(self, command: StepCommand) -> None:
        follow = command.get("follow")
        if follow is not None and is_follow(follow):
            self.follow = follow
            os.environ["PROCTUI_FOLLOW"] = follow  # what a spawn child started from now on inherits

    def run_free(self) -> None:
        """Run on for good: no breakpoint stops this process any more (--follow child lets
        the parent go; --follow parent, the child)."""
        self.clear_all_breaks()
        self.set_continue()
        if self.watch is not None and self.watch.on:
            self.watch.stop()
        os.environ["PROCTUI_STEPPING"] = "0"

    def _toggle_break(self, filename: str, lineno: int) -> None:
        filename = self.canonic(filename)
        if self.get_break(filename, lineno):
            self.clear_break(filename, lineno)
        else:
            self.set_break(filename, lineno)

    def _paused(self, frame: types.FrameType, event: PauseEvent, result: str | None) -> PausedMessage:
        stack: list[StackEntry] = []
        current: types.FrameType | None = frame
        while current is not None and not is_ours(current):
            stack.append({"func": current.f_code.co_qualname if hasattr(current.f_code, "co_qualname")
                          else current.f_code.co_name,
                          "file": current.f_code.co_filename, "line": current.f_lineno})
            current = current.f_back
        stack.reverse()
        filename = self.canonic(frame.f_code.co_filename)
        paused: PausedMessage = {
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


def start_method_facts() -> StartMethodFacts | None:
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
    # As multiprocessing spells them (on Linux, 3.10-3.15: fork, spawn, forkserver).
    return {"python": python, "default": cast("StartMethod", str(default)),
            "chosen": None if chosen is None else cast("StartMethod", str(chosen))}


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
