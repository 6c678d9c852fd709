"""The main screen: the tree, the selection line, the code viewer, the lesson and the log,
and the keys that drive the Lab.

Data flows one way. Kernel -> /proc snapshot (in the app's reader thread) -> tree diff;
and key -> action -> Lab operation -> kernel -> Lab event -> log + an immediate snapshot.
The screen never forks, signals or waits itself: the Lab does. It asks the app for a
snapshot with a message (SnapshotWanted), and never calls into the app.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.message import Message
from textual.reactive import reactive, var
from textual.screen import Screen

from proctui.core.lab import Lab, LabError, LabEvent, LabProcess
from proctui.core.lesson_session import LessonSession
from proctui.core.lessons import LessonRun, load_lessons
from proctui.core.procs import LabSnapshots, Snapshot, helper_role, read_proc, snapshot_system
from proctui.core.step_session import StepSession
from proctui.core.stepper import Step, Stepper
from proctui.ui import actions
from proctui.ui.actions import BY_ID, Pane
from proctui.ui.screens.exit_code import ExitCodeScreen
from proctui.ui.screens.lessons import LessonPicker
from proctui.ui.widgets.event_log import EventLog
from proctui.ui.widgets.key_footer import KeyFooter
from proctui.ui.widgets.lesson_panel import LessonPanel
from proctui.ui.widgets.process_tree import ProcessTree, lab_shape, system_shape, with_gone_lab_processes
from proctui.ui.widgets.selection_bar import SelectionBar
from proctui.ui.widgets.stepper_pane import StepperPane

START_METHOD_NOTES = {
    "fork": "fork(): the child is a copy of proctui and starts running the target at once.",
    "spawn": "fork() + exec() of a fresh Python, which imports the target; the first spawn also "
    "starts multiprocessing's resource tracker.",
    "forkserver": "a fork server (started once, as a fresh Python) forks every child: it, not "
    "proctui, is their parent, and it reaps them.",
}


class MainScreen(Screen[None]):
    BINDINGS = actions.bindings(Pane.MAIN)

    @dataclass
    class SnapshotWanted(Message):
        """Read /proc again soon; handled by the app, which owns the reader thread
        (``on_main_screen_snapshot_wanted``). Requests coalesce: one read answers them all."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, MainScreen.SnapshotWanted)

    @dataclass
    class SnapshotTaken(Message, bubble=False):
        """A snapshot from the reader thread, or why there is none (``on_main_screen_snapshot_taken``)."""

        snapshot: Snapshot | None
        error: str | None = None

    @dataclass
    class LabEventArrived(Message, bubble=False):
        """A Lab event, carried from whichever thread raised it (``on_main_screen_lab_event_arrived``)."""

        event: LabEvent

    @dataclass
    class StepReached(Message, bubble=False):
        """The stepped join paused at a step (or ended), reported from its thread
        (``on_main_screen_step_reached``). Only one join is stepped at a time."""

        step: Step

    scope: reactive[str] = reactive("lab")
    stepper_open = var(False, toggle_class="-stepping")
    lesson_open = var(False, toggle_class="-lesson")

    def __init__(self, lab: Lab, *, scope: str = "lab", lang: str = "en", **kwargs) -> None:
        super().__init__(**kwargs)
        self.lab = lab
        self.lang = lang
        self.set_reactive(MainScreen.scope, scope)
        self.own_pid = os.getpid()
        self.snapshot: Snapshot | None = None
        self._unlogged_events: list[LabEvent] = []
        self._lab_snapshots = LabSnapshots(self.own_pid)
        self._roles_seen: dict[tuple[int, int], str | None] = {}
        self.steps: StepSession | None = None
        self.lesson: LessonSession | None = None

    @functools.cached_property
    def lessons(self):
        """Read from the data files when first needed (l, ctrl+p), not at start."""
        return load_lessons(self.lang)

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Kept as attributes: a query would search whichever screen is on top (help...).
        self.process_tree = ProcessTree(self.own_pid, id="tree")
        self.selection_bar = SelectionBar(id="selection")
        self.event_log = EventLog(id="log")
        self.stepper_pane = StepperPane(id="stepper")
        self.lesson_panel = LessonPanel(id="lesson").data_bind(compact=MainScreen.stepper_open)
        yield self.process_tree
        yield self.selection_bar
        yield self.stepper_pane
        yield self.lesson_panel
        yield self.event_log
        # Compact, and no palette hint (? lists ctrl+p): every key fits in 80 columns.
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.lab.subscribe(lambda event: self.post_message(self.LabEventArrived(event)))  # thread-safe
        self.event_log.border_title = "events"
        self._update_titles()
        self.process_tree.focus()
        self.event_log.add_message(
            f"proctui is PID {self.own_pid}, its parent PPID {os.getppid()}. "
            f"New children use start method '{self.lab.start_method}'. "
            "f forks a child, z leaves a zombie, l opens the lessons, ? lists every key."
        )
        # The first snapshot is read here (a few milliseconds), so that the first frame
        # already shows the tree; later ones come from the app's reader thread.
        try:
            self.snapshot = self.read_snapshot()
        except Exception as exc:  # as in the reader: a failed read never takes the app down
            self.event_log.add_message(f"reading /proc failed: {exc!r}", error=True)
        self.show_snapshot()

    def _update_titles(self) -> None:
        if self.scope == "lab":
            subreaper = " · subreaper" if self.lab.subreaper else ""
            title = f"lab: proctui and its children · start method {self.lab.start_method}{subreaper}"
        else:
            title = "whole system · read-only except lab rows"
        self.process_tree.border_title = title

    def watch_scope(self) -> None:
        if self.is_mounted:
            self._update_titles()
            self.request_snapshot()

    # -- kernel -> tree ------------------------------------------------------------------

    def request_snapshot(self) -> None:
        """Ask for /proc to be read again soon (from any thread: post_message is thread-safe)."""
        self.post_message(self.SnapshotWanted())

    def read_snapshot(self) -> Snapshot:
        """In the reader thread: the whole system, or proctui's subtree and every lab process."""
        if self.scope == "system":
            return snapshot_system()
        return self._lab_snapshots(extra=[record.pid for record in self.lab.processes])

    def snapshot_from_reader(self, snapshot: Snapshot | None, error: str | None) -> None:
        """The reader thread's report."""
        self.post_message(self.SnapshotTaken(snapshot, error=error))

    def on_main_screen_snapshot_taken(self, message: SnapshotTaken) -> None:
        unlogged, self._unlogged_events = self._unlogged_events, []
        for event in unlogged:
            self.event_log.add_event(event)
        if message.snapshot is None:
            self.event_log.add_message(message.error or "reading /proc failed", error=True)
        else:
            self.snapshot = message.snapshot
            self.show_snapshot()

    def show_snapshot(self) -> None:
        if self.snapshot is None or not self.process_tree.is_mounted:
            return
        if self.scope == "lab":
            shape = lab_shape(self.snapshot, self.own_pid)
        else:
            shape = system_shape(self.snapshot)
        records = {record.pid: record for record in self.lab.processes}
        shape = with_gone_lab_processes(shape, self.snapshot, records, self.own_pid)
        workers = self.lab.pool_workers()
        self.process_tree.show(shape, self.snapshot, records, self._helper_roles(records, workers), workers)
        self._show_selection()
        self._check_lesson()

    def _helper_roles(self, records: dict[int, LabProcess], workers: dict[int, str]) -> dict[int, str]:
        """multiprocessing's own helper processes among proctui's children, by PID.

        Only proctui's direct children that are not lab processes are looked at, and each
        command line is read once per process (a PID with the same start time)."""
        assert self.snapshot is not None
        roles: dict[int, str] = {}
        for pid, info in self.snapshot.procs.items():
            if info.ppid != self.own_pid or pid in records or pid in workers:
                continue
            key = (pid, info.start_ticks)
            if key not in self._roles_seen:
                self._roles_seen[key] = helper_role(pid)
            role = self._roles_seen[key]
            if role is not None:
                roles[pid] = role
        return roles

    @on(ProcessTree.NodeHighlighted)
    def _show_selection(self) -> None:
        pid = self.process_tree.selected_pid
        if pid is None and self.scope == "lab":
            pid = self.own_pid
        info = self.snapshot.procs.get(pid) if (self.snapshot and pid is not None) else None
        role = None
        if pid is not None:
            role = self.lab.pool_workers().get(pid) or self._roles_seen.get((pid, info.start_ticks if info else -1))
        self.selection_bar.show_selection(info, self.lab.get(pid) if pid else None, self.own_pid, role)

    # -- lab events -> log -----------------------------------------------------------------

    def on_main_screen_lab_event_arrived(self, message: LabEventArrived) -> None:
        if self.lesson is not None:
            self.lesson.note_event(message.event)
        # The line goes into the log with the snapshot this event asks for, so that the
        # line and the changed row reach the screen in one frame (one layout, not two).
        self._unlogged_events.append(message.event)
        self.request_snapshot()

    def say(self, text: str, error: bool = False) -> None:
        """Tell the user something in the log (and, for refusals, in a toast)."""
        self.event_log.add_message(text, error=error)
        if error:
            self.notify(text, severity="warning", timeout=4)

    def palette_commands(self) -> Iterator[SystemCommand]:
        """The command palette's lab actions, and a command per lesson."""
        yield from actions.palette(self.run_action)
        for index, lesson in enumerate(self.lessons):
            yield SystemCommand(f"Lesson {lesson.title}", lesson.steps[0].do,
                                functools.partial(self.start_lesson, index))

    # -- actions that start things -----------------------------------------------------------

    def action_start(self, action_id: str) -> None:
        """Whatever a generic action's Lab method starts (see actions.ACTIONS)."""
        self._start(getattr(self.lab, BY_ID[action_id].lab))

    def _start(self, start: Callable[[], object]) -> None:
        try:
            start()
        except LabError as exc:
            self.say(str(exc), error=True)

    def action_zombie_with_code(self) -> None:
        def chosen(code: int | None) -> None:
            if code is not None:
                self._start(lambda: self.lab.leave_zombie(code))

        self.app.push_screen(ExitCodeScreen(), chosen)

    def action_orphan(self) -> None:
        if not self.lab.subreaper:
            self.event_log.add_message(
                "proctui is not a child subreaper now: the orphan goes to PID 1 or the nearest subreaper "
                "above proctui, and leaves this tree (on some machines PID 1 kills what it adopts)"
            )
        self._start(self.lab.make_orphan)

    def action_end_pool(self, how: str) -> None:
        pools = self.lab.pools
        if not pools:
            self.say("no pool is open: p starts one", error=True)
            return
        self._end_pool(pools[-1], how)

    @work(thread=True, group="pool", exit_on_error=False)
    def _end_pool(self, pool, how: str) -> None:
        # join() waits for the workers to finish their tasks: in a thread, so the app stays live.
        if how == "terminate":
            pool.terminate()
        else:
            pool.close_and_join()
        self.request_snapshot()

    def action_cycle_start_method(self) -> None:
        method = self.lab.cycle_start_method()
        self._update_titles()
        self.event_log.add_message(f"start method for new children: {method}. {START_METHOD_NOTES[method]}")

    def action_toggle_subreaper(self) -> None:
        try:
            self.lab.set_subreaper(not self.lab.subreaper)
        except OSError as exc:
            self.say(f"prctl(PR_SET_CHILD_SUBREAPER) failed: {exc}", error=True)
            return
        if self.lab.subreaper:
            self.event_log.add_message("prctl(PR_SET_CHILD_SUBREAPER, 1): orphans below proctui now come to proctui")
        else:
            self.event_log.add_message(
                "prctl(PR_SET_CHILD_SUBREAPER, 0): orphans now go to PID 1 or the nearest subreaper above proctui"
            )
        self._update_titles()

    def action_toggle_scope(self) -> None:
        self.scope = "system" if self.scope == "lab" else "lab"

    # -- actions on the selected row, or on the stepped child ------------------------------

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
        worker = self.lab.pool_workers().get(pid)
        if worker is not None:
            self.say(f"PID {pid} is {worker}: its pool owns it. P closes and joins the pool; the palette "
                     "can terminate it. Nothing done.", error=True)
        elif record is None:
            self.say(
                f"PID {pid} is not a lab process: proctui only acts on processes it started. Nothing done.",
                error=True,
            )
        return record

    def action_signal_selected(self, action_id: str) -> None:
        """t, x, s, i: the action's Lab method on the selected row's lab process."""
        action = BY_ID[action_id]
        self._send(self._selected_lab_process(action.verb), getattr(self.lab, action.lab))

    def action_signal_stepped(self, action_id: str) -> None:
        """t and x in the code viewer: they act on the child whose join is stepped."""
        action = BY_ID[action_id]
        pid = self.steps.pid if self.steps is not None else None
        record = self.lab.get(pid) if pid is not None else None
        if record is None:
            self.say(f"the stepped join has no live child to {action.verb}", error=True)
            return
        self._send(record, getattr(self.lab, action.lab))

    def _send(self, record: LabProcess | None, send: Callable[[LabProcess], object]) -> None:
        if record is None:
            return
        try:
            send(record)
        except LabError as exc:
            self.say(str(exc), error=True)

    # -- the stepper ---------------------------------------------------------------------

    @property
    def stepping(self) -> bool:
        """A join is being stepped through and has not finished."""
        return self.steps is not None and self.steps.running

    @property
    def stepper(self) -> Stepper | None:
        """The open viewer's Stepper (finished or not), or None."""
        return self.steps.stepper if self.steps is not None else None

    @property
    def shown_step(self) -> Step | None:
        return self.steps.shown if self.steps is not None else None

    def action_join_selected(self, timeout: float | None = None) -> None:
        if self.stepping:
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
        self._open_stepper(StepSession(stepper, f"{record.label}.join({'' if timeout is None else timeout})",
                                       record.pid))

    def action_join_unstarted(self) -> None:
        """The article's assert: join() on a Process that was created but never started."""
        if self.stepping:
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
        self._open_stepper(StepSession(stepper, f"{process.name}.join()", None))

    def _open_stepper(self, session: StepSession) -> None:
        self.steps = session
        self.stepper_open = True
        self.stepper_pane.focus()
        if session.stepper.step is not None:
            self._show_step(session.stepper.step)

    def _step_from_any_thread(self, step: Step) -> None:
        self.post_message(self.StepReached(step))

    def on_main_screen_step_reached(self, message: StepReached) -> None:
        if self.steps is not None and self.steps.is_new(message.step):
            self._show_step(message.step)
        self.request_snapshot()  # the tree shows the kernel's view at this very step

    def _show_step(self, step: Step) -> None:
        assert self.steps is not None
        pid = self.steps.pid
        info = read_proc(pid) if pid is not None else None  # the kernel's view at this very step
        record = self.lab.get(pid) if pid is not None else None
        view = self.steps.show(step, child_state=info.state if info else None,
                               start_method=record.start_method if record else None)
        self.stepper_pane.show_step(view)
        self.refresh_bindings()  # n and c come and go with the join
        self._check_lesson()

    def action_step_next(self) -> None:
        assert self.steps is not None  # check_action lets n through only while stepping
        self.steps.next()
        self.set_timer(0.3, self._show_if_blocked)

    def action_step_continue(self) -> None:
        assert self.steps is not None
        self.steps.finish()
        self.set_timer(0.3, self._show_if_blocked)

    def _show_if_blocked(self) -> None:
        call = self.steps.blocked_in() if self.steps is not None else None
        if call:
            self.stepper_pane.show_blocked(call)

    def action_close_stepper(self) -> None:
        self.steps = None
        self.stepper_open = False
        self.refresh_bindings()
        self.process_tree.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The code viewer's n and c work while a join runs; its escape once it is over.
        if action in ("step_next", "step_continue"):
            return self.stepping
        if action == "close_stepper":
            return self.steps is not None and not self.stepping
        return True

    # -- lessons ---------------------------------------------------------------------------

    @property
    def lesson_run(self) -> LessonRun | None:
        return self.lesson.run if self.lesson is not None else None

    def action_lessons(self) -> None:
        if self.lesson is not None:
            self.lesson = None
            self.lesson_open = False
            self.event_log.add_message("left the lesson; l chooses one again")
            return
        title = "lessons" if self.lang == "en" else "课程"
        self.app.push_screen(LessonPicker(self.lessons, title),
                             lambda index: self.start_lesson(index) if index is not None else None)

    def start_lesson(self, index: int) -> None:
        self.lesson = LessonSession(self.lessons, index)
        self.lesson_open = True
        self._show_lesson()
        self._check_lesson()

    def action_lesson_forward(self) -> None:
        lesson = self.lesson
        if lesson is None:
            return
        if lesson.at_end:
            following = lesson.next_lesson()
            if following is not None:
                self.start_lesson(following)
        elif lesson.forward():
            self._show_lesson()

    def action_lesson_back(self) -> None:
        if self.lesson is not None and self.lesson.back():
            self._show_lesson()

    def _check_lesson(self) -> None:
        """Move the lesson on if the real state has reached its step's goal."""
        if self.lesson is None or self.snapshot is None:
            return
        if self.lesson.check(processes=self.lab.processes, procs=self.snapshot.procs, own_pid=self.own_pid,
                             step=self.shown_step, start_method=self.lab.start_method):
            self._show_lesson()

    def _show_lesson(self) -> None:
        if self.lesson is not None:
            self.lesson_panel.show_run(self.lesson.shown(), self.lang, self.lesson.number)
