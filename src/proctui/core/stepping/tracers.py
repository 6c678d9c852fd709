"""The two tracers of the stepped join, one behaviour (see stepper.py):

* CPython 3.10/3.11: ``sys.settrace`` (line and exception events) and
  ``sys.setprofile`` (``c_call``/``c_return`` around ``os.waitpid``), both set inside
  the joining thread only, so no other thread is slowed.
* CPython 3.12+: ``sys.settrace`` would slow every thread, so ``sys.monitoring`` local
  events are set on just the traced code objects. Monitoring is process-wide: events
  from other threads (another join, say) are ignored by thread id.

A tracer knows the join it traces only as a ``TracedJoin``: which code objects are
traced, in which thread, and where each event goes.
"""

from __future__ import annotations

import sys
import threading
import types
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Protocol, cast

from proctui.core.stepping.watched_calls import WATCHED_CODES, watched_name

if TYPE_CHECKING:
    from _typeshed import TraceFunction


class TracedJoin(Protocol):
    """The join being traced, as a tracer sees it (the Stepper is one). The event
    methods are called in the joining thread, from the tracer's callbacks."""

    @property
    def traced_codes(self) -> Mapping[types.CodeType, str]:
        """The code objects traced line by line, with their qualified names."""
        ...

    @property
    def join_code(self) -> types.CodeType:
        """BaseProcess.join's code: its return is the end of the join."""
        ...

    @property
    def thread_ident(self) -> int | None:
        """threading.get_ident() of the joining thread, once it runs."""
        ...

    def on_line(self, frame: types.FrameType) -> None:
        """A traced frame is about to run a line."""

    def on_call(self, frame: types.FrameType, callable_: object) -> None:
        """A traced frame is about to call a watched callable."""

    def on_c_call_returned(self, callable_: object) -> None:
        """A watched C function returned (its result is read back from the source's assignment)."""

    def on_python_call_returned(self, callable_: object, value: object) -> None:
        """A watched Python function returned ``value``."""

    def on_call_raised(self, callable_: object) -> None:
        """A watched C function raised."""

    def on_exception(self, error: BaseException) -> None:
        """An exception in a traced frame (settrace only: monitoring has no local event)."""

    def on_frame_return(self, frame: types.FrameType) -> None:
        """A traced frame returns."""


class Tracer(Protocol):
    """Reports the joining thread's events to the TracedJoin while installed."""

    def install(self) -> None: ...

    def release(self) -> None: ...


def tracer_for(join: TracedJoin) -> Tracer:
    """The tracer this interpreter offers: not yet installed (install() in the joining thread)."""
    if sys.version_info >= (3, 12):
        return MonitoringTracer(join)
    else:  # an else, not a fall-through: mypy reads it as 3.10/3.11 code, not as unreachable on 3.13
        return SettraceTracer(join)


class SettraceTracer:
    """CPython 3.10/3.11: trace and profile functions set in the joining thread only."""

    def __init__(self, join: TracedJoin) -> None:
        self._join = join

    def install(self) -> None:
        sys.settrace(self._on_frame_start)
        sys.setprofile(self._on_profile_event)

    def release(self) -> None:
        sys.settrace(None)
        sys.setprofile(None)

    def _on_frame_start(self, frame: types.FrameType, event: str, arg: object) -> TraceFunction | None:
        # Only the traced functions get a local trace function: every other frame of
        # the thread (the selectors under connection.wait, say) runs untraced.
        if frame.f_code in self._join.traced_codes:
            return self._on_traced_event
        return None

    def _on_traced_event(self, frame: types.FrameType, event: str, arg: object) -> TraceFunction:
        if event == "line":
            self._join.on_line(frame)
        elif event == "exception":
            # settrace's 'exception' event comes with sys.exc_info()'s triple.
            exc_info = cast("tuple[type[BaseException], BaseException, types.TracebackType]", arg)
            self._join.on_exception(exc_info[1])
        elif event == "return":
            self._join.on_frame_return(frame)
        return self._on_traced_event

    def _on_profile_event(self, frame: types.FrameType, event: str, arg: object) -> None:
        join = self._join
        if event == "c_call":
            if frame.f_code in join.traced_codes and watched_name(arg) is not None:
                join.on_call(frame, arg)
        elif event == "c_return":
            join.on_c_call_returned(arg)
        elif event == "c_exception":
            join.on_call_raised(arg)
        elif event == "call":
            callee = WATCHED_CODES.get(frame.f_code)
            if callee is not None and frame.f_back is not None and frame.f_back.f_code in join.traced_codes:
                join.on_call(frame.f_back, callee)
        elif event == "return":
            callee = WATCHED_CODES.get(frame.f_code)
            if callee is not None:
                join.on_python_call_returned(callee, arg)


# Ids 1, 2 and 5 are by convention coverage's, profilers' and optimizers'.
_FREE_TOOL_IDS = (0, 3, 4)  # 0 is sys.monitoring.DEBUGGER_ID


# sys.monitoring is new in 3.12: behind this check mypy reads the class as 3.12+ code
# (make test runs mypy as for 3.10 and for 3.13), and tracer_for() makes the same test.
if sys.version_info >= (3, 12):

    class MonitoringTracer:
        """CPython 3.12+: sys.monitoring local events on the traced code objects only."""

        def __init__(self, join: TracedJoin) -> None:
            self._join = join
            self._tool_id = -1

        @staticmethod
        def _claim_tool_id() -> int:
            for tool_id in _FREE_TOOL_IDS:
                try:
                    sys.monitoring.use_tool_id(tool_id, "proctui stepper")
                except ValueError:
                    continue
                return tool_id
            raise RuntimeError(f"sys.monitoring tool ids {_FREE_TOOL_IDS} are all in use")

        def _callbacks(self) -> dict[int, Callable[..., object] | None]:
            events = sys.monitoring.events
            return {
                events.LINE: self._on_line,
                events.CALL: self._on_call,
                events.C_RETURN: self._on_c_return,
                events.C_RAISE: self._on_c_raise,
                events.PY_RETURN: self._on_py_return,
            }

        def _local_events(self) -> dict[types.CodeType, int]:
            events = sys.monitoring.events
            # C_RETURN and C_RAISE come only with CALL; PY_RETURN of join is the 'done' frame.
            traced = events.LINE | events.CALL | events.C_RETURN | events.C_RAISE
            wanted = {code: traced for code in self._join.traced_codes}
            wanted[self._join.join_code] |= events.PY_RETURN
            wanted.update({code: events.PY_RETURN for code in WATCHED_CODES})
            return wanted

        def install(self) -> None:
            self._tool_id = self._claim_tool_id()
            for event, callback in self._callbacks().items():
                sys.monitoring.register_callback(self._tool_id, event, callback)
            for code, events in self._local_events().items():
                sys.monitoring.set_local_events(self._tool_id, code, events)

        def release(self) -> None:
            for code in self._local_events():
                sys.monitoring.set_local_events(self._tool_id, code, 0)
            for event in self._callbacks():
                sys.monitoring.register_callback(self._tool_id, event, None)
            sys.monitoring.free_tool_id(self._tool_id)

        # Every callback is called for every thread that runs the traced code; only the
        # joining thread's events count. Never return sys.monitoring.DISABLE: it would
        # switch the event off for every thread. sys._getframe(1) is the monitored frame.

        def _is_ours(self) -> bool:
            return threading.get_ident() == self._join.thread_ident

        def _on_line(self, code: types.CodeType, line: int) -> None:
            if self._is_ours():
                self._join.on_line(sys._getframe(1))

        def _on_call(self, code: types.CodeType, offset: int, callable_: object, arg0: object) -> None:
            if self._is_ours() and watched_name(callable_) is not None:
                self._join.on_call(sys._getframe(1), callable_)

        def _on_c_return(self, code: types.CodeType, offset: int, callable_: object, arg0: object) -> None:
            if self._is_ours():
                self._join.on_c_call_returned(callable_)

        def _on_c_raise(self, code: types.CodeType, offset: int, callable_: object, arg0: object) -> None:
            if self._is_ours():
                self._join.on_call_raised(callable_)

        def _on_py_return(self, code: types.CodeType, offset: int, value: object) -> None:
            if not self._is_ours():
                return
            if code in self._join.traced_codes:
                self._join.on_frame_return(sys._getframe(1))
            else:
                self._join.on_python_call_returned(WATCHED_CODES[code], value)
