"""3.12+: ``c`` with breakpoints set, at the script's untraced speed (``BreakpointWatch``).

Runs in the script's processes: the standard library only.
"""

from __future__ import annotations

import sys
import threading
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from proctui.core.script.host_tracer import ScriptTracer

#: Runs in another process (inside the user's script (see host.py)): it may import only the
#: standard library and stdlib-only modules of proctui's (tests/core/test_architecture.py).
RUNS_IN_ANOTHER_PROCESS = True


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
