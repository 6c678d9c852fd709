"""The code viewer: where the stepped join() is, what it holds, and what the step means.

It owns the stepped join while its viewer is open (a ``StepSession``) and its keys: n, c
and esc. Steps come from the joining thread as ``StepperPane.StepReached``; the pane
shows each with the kernel's view of the child at that very step, then posts
``StepShown`` so the screen can refresh the tree and the lesson.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from proctui.core.events import Disposition
from proctui.core.i18n import words
from proctui.core.lab.sending import disposition
from proctui.core.procfs.stat import read_proc
from proctui.core.stepping import explain
from proctui.core.stepping.session import StepSession, StepView
from proctui.core.stepping.stepper import Step
from proctui.ui import actions
from proctui.ui.actions import Pane
from proctui.ui.widgets.code_view import CodeView
from proctui.ui.widgets.frame_view import FrameView


def short_path(filename: str) -> str:
    """multiprocessing/popen_fork.py rather than a full path into the stdlib."""
    parent, name = os.path.split(filename)
    return f"{os.path.basename(parent)}/{name}"




class StepperPane(Vertical, can_focus=True):
    BINDINGS = actions.bindings(Pane.STEPPER)

    DEFAULT_CSS = """
    StepperPane { height: 1fr; min-height: 9; border: round $secondary; border-title-align: left; }
    StepperPane:focus { border: round $accent-lighten-2; }
    StepperPane > #step-note { height: auto; max-height: 4; color: $text; text-style: italic; }
    """

    @dataclass
    class StepReached(Message, bubble=False):
        """The stepped join paused at a step (or ended), posted from its thread to the pane
        (``on_stepper_pane_step_reached``)."""

        step: Step

    @dataclass
    class StepShown(Message):
        """The pane shows a new step: the tree and the lesson should look again
        (``on_stepper_pane_step_shown``)."""

        step: Step

    class Closed(Message):
        """The user closed the viewer (``on_stepper_pane_closed``)."""

    def __init__(self, language: str = "en", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.code_view = CodeView(id="code")
        self.frame_view = FrameView(id="frame")
        self.note = Static(id="step-note")
        self.session: StepSession | None = None
        self.language = language

    def compose(self) -> ComposeResult:
        yield self.code_view
        yield self.frame_view
        yield self.note

    @property
    def stepping(self) -> bool:
        """A join is being stepped through and has not finished."""
        return self.session is not None and self.session.running

    def open(self, session: StepSession) -> None:
        self.session = session
        self.focus()
        if session.stepper.step is not None:
            self._show(session.stepper.step)

    def report_step(self, step: Step) -> None:
        """From the joining thread: post_message is thread-safe."""
        self.post_message(self.StepReached(step))

    def on_stepper_pane_step_reached(self, message: StepReached) -> None:
        if self.session is not None and self.session.is_new(message.step):
            self._show(message.step)

    def _show(self, step: Step) -> None:
        assert self.session is not None
        pid = self.session.pid
        info = read_proc(pid) if pid is not None else None  # the kernel's view at this very step
        sigterm = disposition(pid, signal.SIGTERM) if info is not None and pid is not None else Disposition.DEFAULT
        self.show_step(self.session.show(step, child_state=info.state if info else None, lang=self.language,
                                         sigterm=sigterm))
        self.app.refresh_bindings()  # n and c come and go with the join
        self.post_message(self.StepShown(step))

    def show_step(self, view: StepView) -> None:
        step = view.step
        frame = step.frame
        self.code_view.show(view.lines, view.first_line, frame.lineno, failed=step.kind == "exception")
        self.frame_view.show(step.stack, self.language)
        self.note.update(Text(view.note))
        _ = words(self.language)
        where = f"{short_path(frame.filename)}:{frame.lineno}"
        if step.kind in ("done", "exception"):
            state = _("finished") if step.kind == "done" else _("failed")
        else:
            state = _("step {n}").format(n=view.number)
        self.border_title = f"{view.subject} · {where} · {state}"
        running = step.kind not in ("done", "exception")
        self.border_subtitle = _("n next · c continue · esc close") if running else _("esc close")

    # -- keys ------------------------------------------------------------------------------

    def action_step_next(self) -> None:
        assert self.session is not None  # check_action lets n through only while stepping
        self.session.next()
        self.set_timer(0.3, self._show_if_blocked)

    def action_step_continue(self) -> None:
        assert self.session is not None
        self.session.finish()
        self.set_timer(0.3, self._show_if_blocked)

    def _show_if_blocked(self) -> None:
        session = self.session
        if session is None:
            return
        call = session.blocked_in()
        if not call:
            # Still on its way (a busy machine may not have run the joining thread within
            # 0.3 s): look again, until it pauses at a step, ends, or blocks in a call.
            if not session.stepper.done and not session.stepper.paused:
                self.set_timer(0.3, self._show_if_blocked)
            return
        _ = words(self.language)
        pid = session.pid
        info = read_proc(pid) if pid is not None else None
        # What ends this very child: t only where SIGTERM does (its disposition, its state).
        ending = explain.ending_note(pid, info.state if info else None,
                                     disposition(pid, signal.SIGTERM) if pid is not None else Disposition.DEFAULT,
                                     self.language)
        text = _("Blocked in the kernel inside {call}: the child has not exited. {ending} "
                 "The app stays usable.").format(call=call, ending=ending)
        thread = session.joining_thread()
        if thread is not None:  # the kernel's own view of the joining thread
            text += " " + _("/proc/{pid}/task/{tid}: {state} in {wchan}.").format(
                pid=os.getpid(), tid=thread.tid, state=thread.state, wchan=thread.wchan)
        self.note.update(Text(text, style="bold"))

    def action_close_stepper(self) -> None:
        self.session = None
        self.app.refresh_bindings()
        self.post_message(self.Closed())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # n and c work while a join runs; esc once it is over.
        if action in ("step_next", "step_continue"):
            return self.stepping
        if action == "close_stepper":
            return self.session is not None and not self.stepping
        return True
