"""ProcTUI: the tree, the selection line and the event log, and the keys that drive the Lab.

Data flows one way. Kernel -> /proc snapshot (in a worker thread) -> tree diff; and
key -> action -> Lab operation -> kernel -> Lab event -> log + an immediate snapshot.
The app never forks, signals or waits itself: the Lab does.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from collections.abc import Iterable

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Tree

from proctui.core import explain
from proctui.core.lab import Lab, LabError, LabEvent, LabProcess
from proctui.core.procs import Snapshot, read_proc, snapshot_system
from proctui.core.stepper import Step, Stepper
from proctui.ui.screens.exit_code import ExitCodeScreen
from proctui.ui.screens.help import HelpScreen
from proctui.ui.widgets.event_log import EventLog
from proctui.ui.widgets.process_tree import ProcessTree, lab_shape, system_shape, with_gone_lab_processes
from proctui.ui.widgets.selection_bar import SelectionBar
from proctui.ui.widgets.stepper_pane import StepperPane

#: join(timeout) from W: long enough to read, short enough to wait for.
JOIN_TIMEOUT = 1.0

SCOPES = ("lab", "system")


@dataclass
class LabEventArrived(Message):
    """A Lab event, carried from whichever thread raised it to the app's thread."""

    event: LabEvent


@dataclass
class StepReached(Message):
    """The stepped join paused at a step (or ended), reported from its thread.

    Only one join is stepped at a time, so a step always belongs to ``app.stepper``."""

    step: Step


@dataclass
class SnapshotTaken(Message):
    snapshot: Snapshot | None
    error: str | None = None


class ProcTUI(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "proctui"

    BINDINGS = [
        Binding("f", "fork", "Fork", id="fork", tooltip="fork: start a child that prints its PID/PPID and sleeps"),
        Binding("z", "zombie", "Zombie", id="zombie", tooltip="start a child that exits at once and is not reaped"),
        Binding(
            "Z",
            "zombie_with_code",
            "Zombie…",
            show=False,
            id="zombie-code",
            tooltip="the same, with an exit code you choose",
        ),
        Binding("t", "terminate", "Term", id="terminate", tooltip="terminate() the selected lab process: SIGTERM"),
        Binding("x", "kill", "Kill", id="kill", tooltip="kill() the selected lab process: SIGKILL"),
        Binding("w", "join", "Join", id="join", tooltip="join() the selected lab process, step by step in the code viewer"),
        Binding(
            "W",
            "join_with_timeout",
            "Join(1s)",
            show=False,
            id="join-timeout",
            tooltip=f"join({JOIN_TIMEOUT}) step by step: the connection.wait branch",
        ),
        Binding("n", "step_next", "Next", id="step-next", tooltip="stepper: run the next line of join()"),
        Binding("c", "step_continue", "Cont", id="step-continue", tooltip="stepper: continue to the end of join()"),
        Binding("escape", "close_stepper", "Close", show=False, id="stepper-close", tooltip="close the code viewer"),
        Binding("a", "toggle_scope", "Scope", id="scope", tooltip="tree scope: lab only <-> whole system"),
        Binding("question_mark", "help", "Help", id="help", tooltip="this help"),
        Binding("q", "quit", "Quit", id="quit", tooltip="quit: end and reap every lab process first"),
    ]

    scope: reactive[str] = reactive("lab")

    def __init__(
        self,
        lab: Lab | None = None,
        *,
        refresh_seconds: float = 1.0,
        scope: str = "lab",
    ) -> None:
        super().__init__()
        self.lab = lab if lab is not None else Lab()
        self.refresh_seconds = refresh_seconds
        self.set_reactive(ProcTUI.scope, scope)
        self.own_pid = os.getpid()
        self.snapshot: Snapshot | None = None
        self._snapshot_busy = False
        self._snapshot_again = False
        self.stepper: Stepper | None = None
        self._stepped_pid: int | None = None  # None for a never-started process
        self._stepper_sources: dict[str, tuple[list[str], int]] = {}
        self._shown_step: Step | None = None

    # -- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Kept as attributes: a query would search whichever screen is on top (help...).
        self.process_tree = ProcessTree(self.own_pid, id="tree")
        self.selection_bar = SelectionBar(id="selection")
        self.event_log = EventLog(id="log")
        self.stepper_pane = StepperPane(id="stepper")
        yield self.process_tree
        yield self.selection_bar
        yield self.stepper_pane
        yield self.event_log
        # Compact, and no palette hint (? lists ctrl+p): every key fits in 80 columns.
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.lab.subscribe(self._lab_event_from_any_thread)
        self.event_log.border_title = "events"
        self._update_titles()
        self.process_tree.focus()
        self.event_log.add_message(
            f"proctui is PID {self.own_pid}, its parent PPID {os.getppid()}. "
            f"New children use start method '{self.lab.start_method}'. "
            "f forks a child, z leaves a zombie, ? lists every key."
        )
        self.set_interval(self.refresh_seconds, self.request_snapshot)
        self.request_snapshot()

    def _update_titles(self) -> None:
        if self.scope == "lab":
            title = f"lab: proctui and its children · start method {self.lab.start_method}"
        else:
            title = "whole system · read-only except lab rows"
        self.process_tree.border_title = title

    def watch_scope(self) -> None:
        if self.is_mounted:
            self._update_titles()
            self.request_snapshot()

    # -- kernel -> tree ------------------------------------------------------------------

    def request_snapshot(self) -> None:
        """Read /proc again soon. Never two reads at once: a request during a read
        makes one more read after it, so the latest event is always shown."""
        if self._snapshot_busy:
            self._snapshot_again = True
            return
        self._snapshot_busy = True
        self._read_proc()

    @work(thread=True, group="snapshot", exit_on_error=False)
    def _read_proc(self) -> None:
        try:
            self.post_message(SnapshotTaken(snapshot_system()))
        except Exception as exc:  # a snapshot must never take the app down
            self.post_message(SnapshotTaken(None, error=f"reading /proc failed: {exc!r}"))

    def on_snapshot_taken(self, message: SnapshotTaken) -> None:
        self._snapshot_busy = False
        if message.snapshot is None:
            self.event_log.add_message(message.error or "reading /proc failed", error=True)
        else:
            self.snapshot = message.snapshot
            self._show_snapshot()
        if self._snapshot_again:
            self._snapshot_again = False
            self.request_snapshot()

    def _show_snapshot(self) -> None:
        if self.snapshot is None or not self.process_tree.is_mounted:
            return
        if self.scope == "lab":
            shape = lab_shape(self.snapshot, self.own_pid)
        else:
            shape = system_shape(self.snapshot)
        records = {record.pid: record for record in self.lab.processes}
        shape = with_gone_lab_processes(shape, self.snapshot, records, self.own_pid)
        self.process_tree.show(shape, self.snapshot, records)
        self._show_selection()

    def _show_selection(self) -> None:
        pid = self.process_tree.selected_pid
        if pid is None and self.scope == "lab":
            pid = self.own_pid
        info = self.snapshot.procs.get(pid) if (self.snapshot and pid is not None) else None
        self.selection_bar.show_selection(info, self.lab.get(pid) if pid else None, self.own_pid)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        self._show_selection()

    # -- lab events -> log -----------------------------------------------------------------

    def _lab_event_from_any_thread(self, event: LabEvent) -> None:
        self.post_message(LabEventArrived(event))

    def on_lab_event_arrived(self, message: LabEventArrived) -> None:
        self.event_log.add_event(message.event)
        self.request_snapshot()

    def say(self, text: str, error: bool = False) -> None:
        """Tell the user something in the log (and, for refusals, in a toast)."""
        self.event_log.add_message(text, error=error)
        if error:
            self.notify(text, severity="warning", timeout=4)

    # -- actions -----------------------------------------------------------------------------

    def action_fork(self) -> None:
        self._start(self.lab.fork_child)

    def action_zombie(self) -> None:
        self._start(self.lab.leave_zombie)

    def action_zombie_with_code(self) -> None:
        def chosen(code: int | None) -> None:
            if code is not None:
                self._start(lambda: self.lab.leave_zombie(code))

        self.push_screen(ExitCodeScreen(), chosen)

    def _start(self, start) -> None:
        try:
            start()
        except LabError as exc:
            self.say(str(exc), error=True)

    def _selected_lab_process(self, verb: str) -> LabProcess | None:
        """The selected row's lab record, or None after telling the user why not."""
        pid = self.process_tree.selected_pid
        if pid is None:
            self.say(f"select a lab process to {verb} first", error=True)
            return None
        if pid == self.own_pid:
            self.say(f"PID {pid} is proctui itself: it will not {verb} itself. Nothing done.", error=True)
            return None
        record = self.lab.get(pid)
        if record is None:
            self.say(
                f"PID {pid} is not a lab process: proctui only acts on processes it started. Nothing done.",
                error=True,
            )
        return record

    def action_terminate(self) -> None:
        self._signal("terminate", self.lab.terminate)

    def action_kill(self) -> None:
        self._signal("kill", self.lab.kill)

    def _signal(self, verb: str, send) -> None:
        record = self._selected_lab_process(verb)
        if record is None:
            return
        try:
            send(record)
        except LabError as exc:
            self.say(str(exc), error=True)

    # -- the stepper ---------------------------------------------------------------------

    def action_join(self) -> None:
        self._join_selected(timeout=None)

    def action_join_with_timeout(self) -> None:
        self._join_selected(timeout=JOIN_TIMEOUT)

    def _join_selected(self, timeout: float | None) -> None:
        if self._stepping():
            self.say("a join is being stepped through: n steps, c finishes it", error=True)
            self.stepper_pane.focus()
            return
        record = self._selected_lab_process("join")
        if record is None:
            return
        try:
            stepper = self.lab.step_join(record, timeout, on_step=self._step_from_any_thread)
        except (LabError, RuntimeError) as exc:
            self.say(str(exc), error=True)
            return
        call = f"{record.label}.join({'' if timeout is None else timeout})"
        self._open_stepper(stepper, call, record.pid)

    def action_join_unstarted(self) -> None:
        """The article's assert: join() on a Process that was created but never started."""
        if self._stepping():
            self.say("a join is being stepped through: n steps, c finishes it", error=True)
            return
        process = self.lab.unstarted_process()
        stepper = Stepper(process, on_step=self._step_from_any_thread)
        self.event_log.add_message(f"{process.name} = Process(...) is created but never started; stepping its join()")
        try:
            stepper.start()
        except RuntimeError as exc:
            self.say(str(exc), error=True)
            return
        self._open_stepper(stepper, f"{process.name}.join()", None)

    def _open_stepper(self, stepper: Stepper, call: str, pid: int | None) -> None:
        self.stepper = stepper
        self._stepped_pid = pid
        self._stepper_sources = stepper.sources()
        self.stepper_pane.begin(call)
        self.screen.add_class("-stepping")
        self.stepper_pane.focus()
        if stepper.step is not None:
            self._show_step(stepper.step)

    def _stepping(self) -> bool:
        return self.stepper is not None and not self.stepper.done

    def _step_from_any_thread(self, step: Step) -> None:
        self.post_message(StepReached(step))

    def on_step_reached(self, message: StepReached) -> None:
        # The first step is shown when the viewer opens, and reported again from the thread.
        if self.stepper is not None and message.step is not self._shown_step:
            self._show_step(message.step)
        self.request_snapshot()  # the tree shows the kernel's view at this very step

    def _show_step(self, step: Step) -> None:
        pid = self._stepped_pid
        info = read_proc(pid) if pid is not None else None
        note = explain.step_note(step, pid, info.state if info else None)
        if not note and step.kind == "line":
            lines, first = self._stepper_sources.get(step.frame.func, ([], 0))
            index = step.frame.lineno - first
            source_line = lines[index] if 0 <= index < len(lines) else ""
            note = explain.line_note(source_line) or ""
            if "waitstatus_to_exitcode" in source_line:
                note = f"{note}. {explain.version_note(explain.poll_source(self._stepper_sources)) or ''}"
        if self.stepper_pane.steps_taken == 0:
            note = f"{note} ({explain.assertions_note()})".strip()
            record = self.lab.get(pid) if pid is not None else None
            method_note = explain.start_method_note(record.start_method) if record else None
            if method_note:
                note = f"{method_note}. {note}"
        self._shown_step = step
        self.stepper_pane.show_step(step, self._stepper_sources, note)
        self.refresh_bindings()  # n and c come and go with the join

    def action_step_next(self) -> None:
        if not self._stepping():
            self.say("no join is being stepped: select a lab process and press w", error=True)
            return
        assert self.stepper is not None
        self.stepper.advance()
        self.set_timer(0.3, self._show_if_blocked)

    def action_step_continue(self) -> None:
        if not self._stepping():
            self.say("no join is being stepped: select a lab process and press w", error=True)
            return
        assert self.stepper is not None
        self.stepper.cancel()
        self.set_timer(0.3, self._show_if_blocked)

    def _show_if_blocked(self) -> None:
        stepper = self.stepper
        if stepper is not None and not stepper.done and not stepper.paused and stepper.inside_call:
            self.stepper_pane.show_blocked(stepper.inside_call)

    def action_close_stepper(self) -> None:
        if self.stepper is None:
            return
        if self._stepping():
            self.say("the join is still going: c finishes it (it waits for the child to exit)", error=True)
            return
        self.stepper = None
        self.screen.remove_class("-stepping")
        self.refresh_bindings()
        self.process_tree.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # n and c only mean something while a join is being stepped: show them then.
        if action in ("step_next", "step_continue"):
            return self._stepping()
        if action == "close_stepper":
            return self.stepper is not None
        return True

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            f"Join with a timeout ({JOIN_TIMEOUT} s)",
            "step through join(timeout) of the selected lab process: the connection.wait branch",
            self.action_join_with_timeout,
        )
        yield SystemCommand(
            "Join a Process that was never started",
            "step through join() of a Process whose start() was never called: the article's assert",
            self.action_join_unstarted,
        )

    def action_toggle_scope(self) -> None:
        self.scope = "system" if self.scope == "lab" else "lab"

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.key_help()))

    def key_help(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Every key the user can press and what it does, read from the bindings."""

        def rows(bindings) -> list[tuple[str, str]]:
            return [
                (self.get_key_display(b), b.tooltip or b.description)
                for b in bindings
                if isinstance(b, Binding)
            ]

        return [
            ("lab and app", rows(self.BINDINGS)),
            ("process tree", [("↑ ↓", "move the cursor"), *rows(ProcessTree.BINDINGS),
                              ("enter", "expand or collapse the selected row")]),
            ("everywhere", [("tab / shift+tab", "next / previous pane"), ("ctrl+p", "command palette")]),
        ]

    async def action_quit(self) -> None:
        self.event_log.add_message("quitting: ending and reaping every lab process")
        self.lab.shutdown()
        self.exit()

    def on_unmount(self) -> None:
        # Whatever way the app ends, nothing it started may outlive it.
        self.lab.shutdown()
