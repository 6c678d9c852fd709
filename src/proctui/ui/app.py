"""ProcTUI: the tree, the selection line and the event log, and the keys that drive the Lab.

Data flows one way. Kernel -> /proc snapshot (in a worker thread) -> tree diff; and
key -> action -> Lab operation -> kernel -> Lab event -> log + an immediate snapshot.
The app never forks, signals or waits itself: the Lab does.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from dataclasses import dataclass

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Tree

from proctui.core import explain
from proctui.core.lab import Lab, LabError, LabEvent, LabProcess
from proctui.core.lessons import LessonRun, Progress, default_language, load_glossary, load_lessons
from proctui.core.procs import LabSnapshots, Snapshot, helper_role, read_proc, snapshot_system
from proctui.core.reader import SnapshotReader
from proctui.core.stepper import Step, Stepper
from proctui.ui.screens.exit_code import ExitCodeScreen
from proctui.ui.screens.help import HelpScreen
from proctui.ui.screens.lessons import LessonPicker
from proctui.ui.screens.main import MainScreen
from proctui.ui.themes import THEMES
from proctui.ui.screens.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallScreen
from proctui.ui.widgets.event_log import EventLog
from proctui.ui.widgets.key_footer import KeyFooter
from proctui.ui.widgets.lesson_panel import LessonPanel
from proctui.ui.widgets.process_tree import ProcessTree, lab_shape, system_shape, with_gone_lab_processes
from proctui.ui.widgets.selection_bar import SelectionBar
from proctui.ui.widgets.stepper_pane import StepperPane


#: join(timeout) from W: long enough to read, short enough to wait for.
JOIN_TIMEOUT = 1.0

START_METHOD_NOTES = {
    "fork": "fork(): the child is a copy of proctui and starts running the target at once.",
    "spawn": "fork() + exec() of a fresh Python, which imports the target; the first spawn also "
    "starts multiprocessing's resource tracker.",
    "forkserver": "a fork server (started once, as a fresh Python) forks every child: it, not "
    "proctui, is their parent, and it reaps them.",
}

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

    # What starts things, and what works everywhere. Keys that act on the selected row
    # live on ProcessTree, keys that drive a stepped join on StepperPane, so the footer
    # shows what applies to the focused pane and fits in 80 columns.
    BINDINGS = [
        Binding("f", "fork", "Fork", id="fork", tooltip="fork: start a child that prints its PID/PPID and sleeps"),
        Binding("z", "zombie", "Zombie", id="zombie", tooltip="start a child that exits at once and is not reaped"),
        Binding("Z", "zombie_with_code", "Zombie…", show=False, id="zombie-code",
                tooltip="the same, with an exit code you choose"),
        Binding("o", "orphan", "Orphan", id="orphan",
                tooltip="a child forks a grandchild, then os._exit(): an orphaned grandchild"),
        Binding("d", "daemon", "Daemon", show=False, id="daemon",
                tooltip="a daemon=True child (which may not have children of its own)"),
        Binding("D", "daemon_with_parent", "Daemon…", show=False, id="daemon-parent",
                tooltip="a child with a daemon child, which exits: the daemon dies with it"),
        Binding("p", "pool", "Pool", id="pool",
                tooltip="a multiprocessing.Pool (2 workers, maxtasksperchild=2) maps 6 tasks"),
        Binding("P", "pool_close", "Pool close", show=False, id="pool-close",
                tooltip="close() and join() the newest pool"),
        Binding("m", "cycle_start_method", "Method", show=False, id="start-method",
                tooltip="start method for new children: fork -> spawn -> forkserver"),
        Binding("a", "toggle_scope", "Scope", show=False, id="scope", tooltip="tree scope: lab only <-> whole system"),
        Binding("l", "lessons", "Lessons", id="lessons", tooltip="lessons: choose one, or leave the one under way"),
        Binding("right_square_bracket", "lesson_forward", "Next step", show=False, id="lesson-next",
                tooltip="lesson: skip to the next step (or the next lesson)"),
        Binding("left_square_bracket", "lesson_back", "Back", show=False, id="lesson-back",
                tooltip="lesson: back to the previous step"),
        Binding("question_mark", "help", "Help", id="help", tooltip="this help"),
        Binding("q", "quit", "Quit", id="quit", tooltip="quit: end and reap every lab process first"),
        # In the app's raw terminal ctrl+c is a key, not SIGINT; users expect it to quit.
        Binding("ctrl+c", "quit", "Quit", show=False, id="quit-ctrl-c", tooltip="quit, as q does"),
    ]

    scope: reactive[str] = reactive("lab")

    def __init__(
        self,
        lab: Lab | None = None,
        *,
        refresh_seconds: float = 1.0,
        scope: str = "lab",
        lang: str | None = None,
        theme: str = "dark",
    ) -> None:
        super().__init__()
        self.lang = lang or default_language()
        self.lesson_run: LessonRun | None = None
        self._lesson_number = 0
        self._lesson_events: list[LabEvent] = []
        self._shown_lesson_index: int | None = None  # the step the lesson panel shows
        self.theme = THEMES[theme]
        self.lab = lab if lab is not None else Lab()
        self.refresh_seconds = refresh_seconds
        self.set_reactive(ProcTUI.scope, scope)
        self.own_pid = os.getpid()
        self.snapshot: Snapshot | None = None
        self._reader: SnapshotReader | None = None
        self._unlogged_events: list[LabEvent] = []
        self._lab_snapshots = LabSnapshots(self.own_pid)
        self.stepper: Stepper | None = None
        self._stepped_pid: int | None = None  # None for a never-started process
        self._stepper_sources: dict[str, tuple[list[str], int]] = {}
        self._shown_step: Step | None = None
        self._roles_seen: dict[tuple[int, int], str | None] = {}

    @functools.cached_property
    def lessons(self):
        """Read from the data files when first needed (l, ctrl+p), not at start."""
        return load_lessons(self.lang)

    @functools.cached_property
    def glossary(self) -> dict[str, str]:
        return load_glossary(self.lang)

    # -- layout ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Kept as attributes: a query would search whichever screen is on top (help...).
        self.process_tree = ProcessTree(self.own_pid, id="tree")
        self.selection_bar = SelectionBar(id="selection")
        self.event_log = EventLog(id="log")
        self.stepper_pane = StepperPane(id="stepper")
        self.lesson_panel = LessonPanel(id="lesson")
        yield self.process_tree
        yield self.selection_bar
        yield self.stepper_pane
        yield self.lesson_panel
        yield self.event_log
        # Compact, and no palette hint (? lists ctrl+p): every key fits in 80 columns.
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.lab.subscribe(self._lab_event_from_any_thread)
        self.event_log.border_title = "events"
        self._update_titles()
        self.process_tree.focus()
        self.event_log.add_message(
            f"proctui is PID {self.own_pid}, its parent PPID {os.getppid()}. "
            f"New children use start method '{self.lab.start_method}'. "
            "f forks a child, z leaves a zombie, l opens the lessons, ? lists every key."
        )
        # The first snapshot is read here (a few milliseconds), so that the first frame
        # already shows the tree; later ones come from the reader thread.
        try:
            self.snapshot = self._read_snapshot()
        except Exception as exc:  # as in the reader: a failed read never takes the app down
            self.event_log.add_message(f"reading /proc failed: {exc!r}", error=True)
        self._show_snapshot()
        self._reader = SnapshotReader(self._read_snapshot, self._snapshot_from_reader)
        self.set_interval(self.refresh_seconds, self.request_snapshot)
        self.check_size()

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
        """Read /proc again soon (in the reader thread; never two reads at once)."""
        if self._reader is not None:
            self._reader.request()

    def _read_snapshot(self) -> Snapshot:
        """In the reader thread: the whole system, or proctui's subtree and every lab process."""
        if self.scope == "system":
            return snapshot_system()
        return self._lab_snapshots(extra=[record.pid for record in self.lab.processes])

    def _snapshot_from_reader(self, snapshot: Snapshot | None, error: str | None) -> None:
        self.post_message(SnapshotTaken(snapshot, error=error))  # post_message is thread-safe

    def on_snapshot_taken(self, message: SnapshotTaken) -> None:
        unlogged, self._unlogged_events = self._unlogged_events, []
        for event in unlogged:
            self.event_log.add_event(event)
        if message.snapshot is None:
            self.event_log.add_message(message.error or "reading /proc failed", error=True)
        else:
            self.snapshot = message.snapshot
            self._show_snapshot()

    def _show_snapshot(self) -> None:
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

    def _show_selection(self) -> None:
        pid = self.process_tree.selected_pid
        if pid is None and self.scope == "lab":
            pid = self.own_pid
        info = self.snapshot.procs.get(pid) if (self.snapshot and pid is not None) else None
        role = None
        if pid is not None:
            role = self.lab.pool_workers().get(pid) or self._roles_seen.get((pid, info.start_ticks if info else -1))
        self.selection_bar.show_selection(info, self.lab.get(pid) if pid else None, self.own_pid, role)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        self._show_selection()

    # -- lab events -> log -----------------------------------------------------------------

    def _lab_event_from_any_thread(self, event: LabEvent) -> None:
        self.post_message(LabEventArrived(event))

    def on_lab_event_arrived(self, message: LabEventArrived) -> None:
        if self.lesson_run is not None:
            self._lesson_events.append(message.event)
        if self._reader is None:
            self.event_log.add_event(message.event)
            return
        # The line goes into the log with the snapshot this event asks for, so that the
        # line and the changed row reach the screen in one frame (one layout, not two).
        self._unlogged_events.append(message.event)
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

    def action_orphan(self) -> None:
        if not self.lab.subreaper:
            self.event_log.add_message(
                "proctui is not a child subreaper now: the orphan goes to PID 1 or the nearest subreaper "
                "above proctui, and leaves this tree (on some machines PID 1 kills what it adopts)"
            )
        self._start(self.lab.make_orphan)

    def action_daemon(self) -> None:
        self._start(self.lab.start_daemon)

    def action_daemon_with_parent(self) -> None:
        self._start(self.lab.daemon_dies_with_parent)

    def action_pool(self) -> None:
        self._start(self.lab.start_pool)

    def action_pool_close(self) -> None:
        self._end_newest_pool("close and join")

    def action_pool_terminate(self) -> None:
        self._end_newest_pool("terminate")

    def _end_newest_pool(self, how: str) -> None:
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
        self.call_from_thread(self.request_snapshot)

    def action_raising_child(self) -> None:
        self._start(self.lab.start_raising_child)

    def action_exiting_child(self) -> None:
        self._start(self.lab.start_exiting_with_message)

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

    def action_terminate(self) -> None:
        self._signal("terminate", self.lab.terminate)

    def action_kill(self) -> None:
        self._signal("kill", self.lab.kill)

    def action_stop_or_continue(self) -> None:
        self._signal("stop or continue", self.lab.stop_or_continue)

    def action_is_alive(self) -> None:
        self._signal("call is_alive() on", self.lab.is_alive)

    def action_terminate_stepped(self) -> None:
        self._signal_stepped("terminate", self.lab.terminate)

    def action_kill_stepped(self) -> None:
        self._signal_stepped("kill", self.lab.kill)

    def _signal_stepped(self, verb: str, send) -> None:
        """t and x in the code viewer: they act on the child whose join is stepped."""
        record = self.lab.get(self._stepped_pid) if self._stepped_pid is not None else None
        if record is None:
            self.say(f"the stepped join has no live child to {verb}", error=True)
            return
        try:
            send(record)
        except LabError as exc:
            self.say(str(exc), error=True)

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
        call = f"{record.label}.join({'' if timeout is None else timeout})"
        self._open_stepper(stepper, call, record.pid)

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
        self._open_stepper(stepper, f"{process.name}.join()", None)

    def _open_stepper(self, stepper: Stepper, call: str, pid: int | None) -> None:
        self.stepper = stepper
        self._stepped_pid = pid
        self._stepper_sources = stepper.sources()
        self.stepper_pane.begin(call)
        self.process_tree.screen.add_class("-stepping")
        self._show_lesson()
        self.stepper_pane.focus()
        if stepper.step is not None:
            self._show_step(stepper.step)

    @property
    def stepping(self) -> bool:
        """A join is being stepped through and has not finished."""
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
        info = read_proc(pid) if pid is not None else None  # the kernel's view at this very step
        record = self.lab.get(pid) if pid is not None else None
        note = explain.viewer_note(
            step,
            pid=pid,
            child_state=info.state if info else None,
            sources=self._stepper_sources,
            first=self.stepper_pane.steps_taken == 0,
            start_method=record.start_method if record else None,
        )
        self._shown_step = step
        self.stepper_pane.show_step(step, self._stepper_sources, note)
        self.refresh_bindings()  # n and c come and go with the join
        self._check_lesson()

    def action_step_next(self) -> None:
        assert self.stepper is not None  # check_action lets n through only while stepping
        self.stepper.advance()
        self.set_timer(0.3, self._show_if_blocked)

    def action_step_continue(self) -> None:
        assert self.stepper is not None
        self.stepper.cancel()
        self.set_timer(0.3, self._show_if_blocked)

    def _show_if_blocked(self) -> None:
        stepper = self.stepper
        if stepper is not None and not stepper.done and not stepper.paused and stepper.inside_call:
            self.stepper_pane.show_blocked(stepper.inside_call)

    def action_close_stepper(self) -> None:
        self.stepper = None
        self.process_tree.screen.remove_class("-stepping")
        self._show_lesson()
        self.refresh_bindings()
        self.process_tree.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The code viewer's n and c work while a join runs; its escape once it is over.
        if action in ("step_next", "step_continue"):
            return self.stepping
        if action == "close_stepper":
            return self.stepper is not None and not self.stepping
        return True

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        lab = [
            ("Fork a child", "f: a child that prints its PID and PPID, then sleeps", self.action_fork),
            ("Leave a zombie", "z: a child that exits at once and is not reaped", self.action_zombie),
            ("Make an orphan", "o: a child forks a grandchild and leaves with os._exit()", self.action_orphan),
            ("Daemon child", "d: daemon=True; it may not have children", self.action_daemon),
            ("Pool", "p: a Pool of 2 workers maps 6 tasks", self.action_pool),
            ("Terminate the selected process", "t: Process.terminate(), SIGTERM", self.action_terminate),
            ("Kill the selected process", "x: Process.kill(), SIGKILL", self.action_kill),
            ("Join the selected process", "w: step through join() down to os.waitpid", self.action_join),
            ("Zombie with an exit code…", "a child that exits at once with a code you choose", self.action_zombie_with_code),
            ("Daemon dies with its parent", "a child with a daemon child returns: its exit handler terminates the daemon",
             self.action_daemon_with_parent),
            ("Child that raises", "its target raises: the traceback goes to the log, exit code 1",
             self.action_raising_child),
            ("Child that calls sys.exit('message')", "the message goes to the log, exit code 1",
             self.action_exiting_child),
            ("is_alive() on the selected process", "Process.is_alive() polls with waitpid(WNOHANG): on a zombie, it reaps",
             self.action_is_alive),
            ("Stop / continue the selected process", "SIGSTOP or SIGCONT (s)", self.action_stop_or_continue),
            (f"Join with a timeout ({JOIN_TIMEOUT} s)",
             "step through join(timeout) of the selected lab process: the connection.wait branch (W)",
             self.action_join_with_timeout),
            ("Join a Process that was never started",
             "step through join() of a Process whose start() was never called: the article's assert",
             self.action_join_unstarted),
            ("Start method: next", "fork -> spawn -> forkserver for new children (m)", self.action_cycle_start_method),
            ("Subreaper on/off", "whether orphans below proctui are re-parented to proctui (prctl 36)",
             self.action_toggle_subreaper),
            ("Pool: close and join", "close() the newest pool, then join() it (P)", self.action_pool_close),
            ("Pool: terminate", "terminate() the newest pool: SIGTERM to its workers", self.action_pool_terminate),
            ("Tree scope: lab / whole system", "a", self.action_toggle_scope),
        ]
        for title, help_text, callback in lab:
            yield SystemCommand(title, help_text, callback)
        for index, lesson in enumerate(self.lessons):
            yield SystemCommand(f"Lesson {lesson.title}", lesson.steps[0].do,
                                lambda index=index: self.start_lesson(index))

    # -- terminal size -------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        return MainScreen(id="main")

    def check_size(self) -> None:
        """Cover the app with a clear message while the terminal is below 80x24."""
        width, height = self.size
        too_small = width < MIN_WIDTH or height < MIN_HEIGHT
        showing = isinstance(self.screen, TooSmallScreen)
        if too_small and not showing:
            self.push_screen(TooSmallScreen())
        elif too_small and showing:
            self.screen.show_size(width, height)
        elif showing:
            self.pop_screen()

    # -- lessons ---------------------------------------------------------------------------

    def action_lessons(self) -> None:
        if self.lesson_run is not None:
            self.lesson_run = None
            self.process_tree.screen.remove_class("-lesson")
            self.event_log.add_message("left the lesson; l chooses one again")
            return
        title = "lessons" if self.lang == "en" else "课程"
        self.push_screen(LessonPicker(self.lessons, title),
                         lambda index: self.start_lesson(index) if index is not None else None)

    def start_lesson(self, index: int) -> None:
        self._lesson_number = index
        self.lesson_run = LessonRun(self.lessons[index])
        self._lesson_events = []
        self.process_tree.screen.add_class("-lesson")
        self._show_lesson()
        self._check_lesson()

    def action_lesson_forward(self) -> None:
        run = self.lesson_run
        if run is None:
            return
        if run.finished or (run.index == len(run.lesson.steps) - 1):
            if self._lesson_number + 1 < len(self.lessons):
                self.start_lesson(self._lesson_number + 1)
            return
        run.forward()
        self._lesson_events = []
        self._show_lesson()

    def action_lesson_back(self) -> None:
        if self.lesson_run is not None and self.lesson_run.back():
            self._lesson_events = []
            self._show_lesson()

    def _check_lesson(self) -> None:
        """Move the lesson on if the real state has reached its step's goal."""
        run = self.lesson_run
        if run is None or self.snapshot is None:
            return
        progress = Progress(
            events=self._lesson_events,
            processes=self.lab.processes,
            procs=self.snapshot.procs,
            own_pid=self.own_pid,
            step=self._shown_step if self.stepper is not None else None,
            start_method=self.lab.start_method,
        )
        was_finished = run.finished
        if run.check(progress):
            self._lesson_events = []
        if run.finished != was_finished or run.index != self._shown_lesson_index:
            self._show_lesson()

    def _show_lesson(self) -> None:
        run = self.lesson_run
        if run is None:
            return
        self._shown_lesson_index = run.index
        self.lesson_panel.show_run(run, self.lang, self._lesson_number, compact=self.stepper is not None)

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

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.key_help(), self.glossary))

    def key_help(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Every key the user can press and what it does, read from the bindings."""

        def rows(bindings) -> list[tuple[str, str]]:
            return [
                (self.get_key_display(b), b.tooltip or b.description)
                for b in bindings
                if isinstance(b, Binding)
            ]

        return [
            ("start things, and everywhere", rows(self.BINDINGS)),
            ("process tree (the selected row)", [("↑ ↓", "move the cursor"), *rows(ProcessTree.BINDINGS),
                                                 ("enter", "expand or collapse the selected row")]),
            ("code viewer (a stepped join)", rows(StepperPane.BINDINGS)),
            ("panes", [("tab / shift+tab", "next / previous pane"),
                       ("ctrl+p", "command palette: every action above, and more, by name")]),
        ]

    async def action_quit(self) -> None:
        self.event_log.add_message("quitting: ending and reaping every lab process")
        self.lab.shutdown()
        self.exit()

    def on_unmount(self) -> None:
        # Whatever way the app ends, nothing it started may outlive it.
        if self._reader is not None:
            self._reader.stop()
            self._reader = None
        self.lab.shutdown()
