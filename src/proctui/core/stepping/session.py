"""One stepped join as the code viewer shows it: the Stepper, whose join it is, the
sources it steps through, and the step shown last.

Plain Python, no UI: the screen hands it each step with what the kernel says of the
child at that moment, and it returns what the viewer should show.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from proctui.core.events import Disposition
from proctui.core.procfs.threads import ThreadWait, read_threads
from proctui.core.start_method import StartMethod
from proctui.core.stepping import explain
from proctui.core.stepping.stepper import Step, Stepper


@dataclass(frozen=True)
class StepView:
    """Everything the code viewer draws for one step."""

    step: Step
    subject: str  # which join, e.g. "zombie-1.join()"
    number: int  # 1 for the first step shown
    lines: list[str]  # the source of the function the step is in ...
    first_line: int  # ... and the file line number of its first line
    note: str  # what the step means


class StepSession:
    """A join being stepped through, from the moment the viewer opens until it closes.

    ``pid`` and ``start_method`` are None for a Process that was never started."""

    def __init__(self, stepper: Stepper, subject: str, pid: int | None,
                 start_method: StartMethod | None = None) -> None:
        self.stepper = stepper
        self.subject = subject
        self.pid = pid
        self.start_method = start_method
        self.sources = stepper.sources()
        self.shown: Step | None = None
        self.steps_shown = 0

    @property
    def running(self) -> bool:
        """The join has not finished: n and c still have something to do."""
        return not self.stepper.done

    def is_new(self, step: Step) -> bool:
        """The first step is shown when the viewer opens, and reported again from the thread."""
        return step is not self.shown

    def show(self, step: Step, *, child_state: str | None, lang: str = "en",
             sigterm: Disposition = Disposition.DEFAULT) -> StepView:
        """What to show at ``step``, in lang; child_state is the kernel's state letter of the
        child now (None once it is gone), sigterm what it does with SIGTERM now."""
        child = explain.JoinFacts(
            pid=self.pid,
            state=child_state,
            sigterm=sigterm,
            start_method=self.start_method,
            # Recorded by the joining thread when they happened, not read now.
            timeout_state=self.stepper.state_at_timeout,
            echild=self.stepper.saw_echild,
        )
        note = explain.viewer_note(step, child, sources=self.sources, first=self.steps_shown == 0, lang=lang)
        self.shown = step
        self.steps_shown += 1
        lines, first_line = self.sources.get(step.frame.func, ([], step.frame.lineno))
        return StepView(step, self.subject, self.steps_shown, lines, first_line, note)

    def next(self) -> None:
        self.stepper.advance()

    def finish(self) -> None:
        """Run the join to its end without stopping."""
        self.stepper.cancel()

    def blocked_in(self) -> str | None:
        """The call the join is blocked in (it runs, not paused, inside a call), or None."""
        stepper = self.stepper
        if not stepper.done and not stepper.paused and stepper.inside_call:
            return stepper.inside_call
        return None

    def joining_thread(self) -> ThreadWait | None:
        """What the kernel says of the joining thread now (its state, where it sleeps)."""
        tid = self.stepper.thread_id
        return next((thread for thread in read_threads(os.getpid()) if thread.tid == tid), None)
