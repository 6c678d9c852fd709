"""One process of a script run by proctui (``proctui run FILE``), paused where its tracer
stopped: the source with the line marked, the stack, the locals; pdb's letters move it on.

After fork() there is one viewer for each side: the parent, where fork returned the
child's PID, and the child, where it returned 0. Each is stepped on its own.
"""

from __future__ import annotations

import linecache
from dataclasses import dataclass, field

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from proctui.core.i18n import words
from proctui.core.script.protocol import CommandName
from proctui.core.script.runner import Pause
from proctui.core.stepping.notes import pause_note
from proctui.ui import actions
from proctui.ui.actions import Pane
from proctui.ui.dialogs.line_number import LineNumberScreen
from proctui.ui.widgets.code_view import CodeView
from proctui.ui.widgets.frame_view import describe_stack_and_locals
from proctui.ui.widgets.stepper_pane import short_path

#: How many frames of the stack a viewer shows (the innermost).
_SHOWN_FRAMES = 3


class ScriptViewer(Vertical, can_focus=True):
    BINDINGS = actions.bindings(Pane.SCRIPT)

    DEFAULT_CSS = """
    ScriptViewer { width: 1fr; border: round $secondary; border-title-align: left; }
    ScriptViewer:focus { border: round $accent-lighten-2; }
    ScriptViewer > .script-frame { height: auto; max-height: 3; }
    ScriptViewer > .script-note { height: auto; max-height: 4; text-style: italic; }
    /* Running: the last pause's stack and locals are past; what it waits for takes their room. */
    ScriptViewer.-running > .script-frame { display: none; }
    ScriptViewer.-running > .script-note { max-height: 8; }
    ScriptViewer.-running > CodeView { min-height: 1; }  /* the line it runs, at least */
    """

    @dataclass
    class Command(Message):
        """Send the viewer's process on, or toggle a breakpoint (``on_script_viewer_command``)."""

        pid: int
        what: CommandName
        facts: dict[str, object] = field(default_factory=dict)

    def __init__(self, pid: int, label: str, language: str = "en", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.pid = pid
        self.label = label
        self.language = language
        self.pause: Pause | None = None  # None while the process runs
        # Where the user sent it on from with n or r (file, line): until it pauses again it
        # is inside that line (n) or that function (r), which is what a wait is said of.
        self.sent_from: tuple[str, int, str] | None = None
        self.free = False  # it runs free for good (--follow child): it will not pause again
        self._shown_once = False
        self.code_view = CodeView()
        self.frame_view = Static(classes="script-frame")
        self.note = Static(classes="script-note")

    def compose(self) -> ComposeResult:
        yield self.code_view
        yield self.frame_view
        yield self.note

    def show(self, pause: Pause) -> None:
        first = not self._shown_once  # the first pause says how this process came to be
        self._shown_once = True
        self.pause = pause
        self.remove_class("-running")
        _ = words(self.language)
        lines = linecache.getlines(pause.file)
        if lines:
            self.code_view.show(lines, 1, pause.line, failed=pause.event == "exception",
                                breaks=frozenset(pause.breaks))
        else:
            self.code_view.show([_("(no source for {file})").format(file=pause.file) + "\n"], pause.line, None)
        # The innermost frames only: side by side after a fork, a deep stack (start() down
        # to _launch) would take the note's lines.
        stack = [(frame.func, frame.line) for frame in pause.stack[-_SHOWN_FRAMES:]]
        hidden = max(0, len(pause.stack) - _SHOWN_FRAMES)
        self.frame_view.update(describe_stack_and_locals(stack, pause.locals, self.language, hidden))
        if pause.event == "return":
            note = _("{func} returns {value}").format(func=pause.func, value=pause.result)
        elif pause.event == "exception":
            note = _("{func} raised {error}").format(func=pause.func, error=pause.result)
        elif first and pause.via == "spawn":
            note = _("Before this line: a fresh Python (spawn) imported the script as __mp_main__ "
                     "(so what is under if __name__ == \"__main__\" did not run), then unpickled the Process.")
        elif first and pause.via == "forkserver":
            # Which of the two imported the script depends on the script's Python, which
            # may not be proctui's: both are said.
            note = _("Before this line: the fork server, a Python the script started once, forked this child, "
                     "and the child unpickled the Process. Up to Python 3.13 the child first imported the "
                     "script as __mp_main__; from 3.14 the fork server imported it once, and the child did "
                     "not. The fork server, not the script, is its parent.")
        elif first and pause.via == "fork":
            note = _("fork() has just returned 0: this is the child. The parent's viewer is where it "
                     "returned the child's PID.")
        else:
            note = ""
        # What this line of multiprocessing's own source does (s into start() or join()).
        said = pause_note(pause, self.language, first=first)
        if said is not None:
            note = f"{note} {said.text}".strip()
        self.note.update(Text(note))
        title = f"{self.label} · PID {self.pid} · {short_path(pause.file)}:{pause.line}"
        if pause.start_method is not None:  # what its p.start() uses: said once multiprocessing is imported
            title += " · " + _("start method {method}").format(method=pause.start_method)
        self.border_title = title
        self._say_keys()
        self.app.refresh_bindings()

    def _say_keys(self) -> None:
        if self.pause is None:
            return
        _ = words(self.language)
        # Side by side after a fork, a viewer has half the width: then the letters only.
        wide = self.size.width >= 60
        self.border_subtitle = _("n next · s step · r return · c continue · b break") if wide else "n s r c b"

    def on_resize(self) -> None:
        self._say_keys()

    def show_running(self, free: bool = False) -> None:
        """Sent on: by a key of the user's, by C, or for good (free: --follow child lets the
        parent of a followed child go). What it waits for replaces the note once /proc says."""
        self.pause = None
        self.add_class("-running")
        self.free = self.free or free
        _ = words(self.language)
        if self.free:
            self.border_subtitle = _("runs free (--follow child)")
            self.note.update(Text(_("This process forked a child and runs free from there: with --follow child "
                                    "only the child is stepped. Its output goes on in the log.")))
        else:
            self.border_subtitle = _("running…")
        self.app.refresh_bindings()

    def show_waiting(self, said: str) -> None:
        """What the process is blocked on now, as /proc tells it (``wait_note``)."""
        if self.pause is None:
            self.note.update(Text(said))

    def action_script_command(self, what: CommandName) -> None:
        pause = self.pause
        if pause is not None:
            self.sent_from = (pause.file, pause.line, what) if what in ("next", "return") else None
            self.post_message(self.Command(self.pid, what))
            self.show_running()

    @dataclass
    class Move(Message):
        """Tab / Shift+Tab: to the next or previous viewer (``on_script_viewer_move``)."""

        pid: int
        step: int

    def action_next_viewer(self, step: int) -> None:
        self.post_message(self.Move(self.pid, step))

    @dataclass
    class Closed(Message):
        """The user closed this viewer; its process runs on (``on_script_viewer_closed``)."""

        pid: int

    def action_close_viewer(self) -> None:
        if self.pause is not None:
            self.post_message(self.Command(self.pid, "continue"))
        self.pause = None
        self.post_message(self.Closed(self.pid))

    def action_toggle_break(self) -> None:
        pause = self.pause
        if pause is None:
            return

        def chosen(line: int | None) -> None:
            if line is not None and self.pause is pause:
                self.post_message(self.Command(self.pid, "break", {"file": pause.file, "line": line}))

        self.app.push_screen(LineNumberScreen(pause.line, short_path(pause.file), self.language), chosen)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("script_command", "toggle_break"):
            return self.pause is not None
        return True
