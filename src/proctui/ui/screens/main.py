"""The main screen: the tree, the selection line, the code viewer, the lesson and the log,
and the keys that drive the Lab.

Data flows one way. Kernel -> /proc snapshot (in the app's reader thread) -> tree diff;
and key -> action -> Lab operation -> kernel -> Lab event -> log + an immediate snapshot.
The screen never forks, signals or waits itself: the Lab does. It asks the app for a
snapshot with a message (SnapshotWanted), and never calls into the app.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterator

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.reactive import reactive, var

from proctui.core.errors import RefusedError
from proctui.core.events import HiddenReapingUnguarded, Refusal, Refused
from proctui.core.i18n import N_, words
from proctui.core.lab import experiments
from proctui.core.lab.lab import Lab, LabError, LabProcess
from proctui.core.lab.pool import LabPool
from proctui.core.lifeline.history import History
from proctui.core.practice.model import Exercise
from proctui.core.practice.questions import generate
from proctui.core.procfs.snapshot import Snapshot
from proctui.core.procfs.tree import Scope
from proctui.core.script.runner import ScriptToRun
from proctui.core.stepping.session import StepSession
from proctui.core.stepping.stepper import Step, Stepper
from proctui.core.teaching.lessons import LANGUAGES, Lesson, LessonRun, Seen
from proctui.core.teaching.render import render
from proctui.ui import actions
from proctui.ui.actions import BY_ID, Pane
from proctui.ui.dialogs.exit_code import ExitCodeScreen
from proctui.ui.screens.event_inbox import OUTPUT_PERIOD, EventInbox
from proctui.ui.screens.lesson_guide import LessonGuide
from proctui.ui.screens.lessons import LessonPicker
from proctui.ui.screens.lifeline import LifelineScreen
from proctui.ui.screens.main_messages import (
    EventsWaiting,
    LanguageChosen,
    LessonStepShown,
    SnapshotTaken,
    SnapshotWanted,
)
from proctui.ui.screens.practice import PracticeScreen
from proctui.ui.screens.scripting import ScriptingScreen
from proctui.ui.screens.selected import lab_process_at
from proctui.ui.screens.tree_feed import TreeFeed
from proctui.ui.screens.welcome import say_welcome
from proctui.ui.widgets.event_log import EventLog
from proctui.ui.widgets.filter_bar import FilterBar
from proctui.ui.widgets.key_footer import KeyFooter
from proctui.ui.widgets.lesson_panel import LessonPanel
from proctui.ui.widgets.past_events import PastEvents
from proctui.ui.widgets.process_tree import ProcessTree
from proctui.ui.widgets.script_viewers import ScriptViewers
from proctui.ui.widgets.selection_bar import SelectionBar
from proctui.ui.widgets.stepper_pane import StepperPane
from proctui.ui.widgets.timeline import Timeline


class MainScreen(LifelineScreen, ScriptingScreen):
    BINDINGS = actions.bindings(Pane.MAIN)

    scope: reactive[Scope] = reactive("lab")
    stepper_open = var(False, toggle_class="-stepping")
    lesson_open = var(False, toggle_class="-lesson")

    def __init__(self, lab: Lab, *, scope: Scope = "lab", lang: str = "en",
                 script: ScriptToRun | tuple[str, tuple[str, ...], bool] | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self._script = script  # proctui run [--python PYTHON] [-O] FILE [ARGS]: started at mount
        self.lab = lab
        self.lang = lang
        lab.language = lang  # what its children print in
        self.set_reactive(MainScreen.scope, scope)
        self.own_pid = os.getpid()
        self.snapshot: Snapshot | None = None
        self.shown_snapshots = 0  # how many the reader has read and the tree shown (for tests)
        self._inbox = EventInbox()  # the Lab's events, from its threads, till the log takes them
        # The session as it happens (ghost rows, the timeline, back in time, --record):
        # every event from the first, every frame the reader reads.
        self.history = History(self.own_pid)
        lab.subscribe(self.history.add_event)
        self._feed = TreeFeed(lab, self.own_pid, self.history)  # kernel -> what the tree shows
        self.lesson_guide = LessonGuide(lang)

    @property
    def lessons(self) -> tuple[Lesson, ...]:
        return self.lesson_guide.lessons

    def action_toggle_language(self) -> None:
        """English <-> Chinese, now: the log is said again, the lesson goes on in the other."""
        self.lang = LANGUAGES[(LANGUAGES.index(self.lang) + 1) % len(LANGUAGES)]
        for pane in (self.event_log, self.script_viewers, self.footer, self.filter_bar, self.past_events,
                     self.timeline):
            pane.set_language(self.lang)
        self.stepper_pane.language = self.lang  # from its next step on
        self.lab.language = self.lang  # what the next children print
        self.update_titles()
        self.redraw()
        self._say_matches()
        self.lesson_guide.set_language(self.lang)
        self.post_message(LanguageChosen(self.lang))

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Kept as attributes: a query would search whichever screen is on top (help...).
        self.process_tree = ProcessTree(self.own_pid, id="tree")
        self.selection_bar = SelectionBar(id="selection")
        self.timeline = Timeline(self.history, self.lang, id="timeline")
        self.event_log = EventLog(self.lang, id="log")
        self.past_events = PastEvents(self.history, self.lang, id="past")
        self.footer = KeyFooter(compact=True, show_command_palette=False, language=self.lang)
        self.stepper_pane = StepperPane(self.lang, id="stepper")
        self.script_viewers = ScriptViewers(self.lab.scripts, self.lab.records, self.lang, id="scripts")
        self.lesson_panel = LessonPanel(id="lesson").data_bind(compact=MainScreen.stepper_open)
        self.lesson_guide.panel = self.lesson_panel
        self.lesson_guide.on_step = lambda text: self.post_message(LessonStepShown(text))
        self.filter_bar = FilterBar(id="filter")
        self.filter_bar.set_language(self.lang)
        yield self.process_tree
        yield self.filter_bar
        yield self.selection_bar
        yield self.timeline
        yield self.stepper_pane
        yield self.script_viewers
        yield self.lesson_panel
        yield self.event_log
        yield self.past_events
        # Compact, and no palette hint (? lists ctrl+p): every key fits in 80 columns.
        yield self.footer

    def on_mount(self) -> None:
        self.lab.subscribe(lambda event: self._inbox.put(event) and self.post_message(EventsWaiting()))  # thread-safe
        if not self.lab.guarded:  # a Python without the private set the Lab guards
            self.event_log.add_event(HiddenReapingUnguarded())
        self.update_titles()
        self.process_tree.focus()
        say_welcome(self.event_log, self.lab.start_method)
        # The first snapshot is read here (a few milliseconds), so that the first frame
        # already shows the tree; later ones come from the app's reader thread.
        try:
            self.snapshot = self.read_snapshot()
        except Exception as exc:  # noqa: BLE001 - as in the reader: a failed read never takes the app down
            self.event_log.add_message(N_("reading /proc failed: {problem}"), error=True, problem=repr(exc))
        self.show_snapshot()
        if self._script is not None:
            self.run_script(*self._script)

    def update_titles(self) -> None:
        self.process_tree.show_title(self.scope, self.lab.start_method, self.lab.subreaper, self.lang)

    def watch_scope(self) -> None:
        if self.is_mounted:
            self.update_titles()
            self.request_snapshot()

    # -- kernel -> tree ------------------------------------------------------------------

    def request_snapshot(self) -> None:
        """Ask for /proc to be read again soon (from any thread: post_message is thread-safe)."""
        self.post_message(SnapshotWanted())

    def read_snapshot(self) -> Snapshot:
        """In the reader thread: the whole system, or proctui's subtree and every lab process."""
        return self._feed.read(self.scope, self.process_tree.on_screen)

    def on_main_screen_snapshot_taken(self, message: SnapshotTaken) -> None:
        self._log_waiting()
        if message.snapshot is None:
            self.event_log.add_message(message.error or N_("reading /proc failed"), error=True)
        else:
            self.snapshot = message.snapshot
            self.show_snapshot()
            self.shown_snapshots += 1

    def show_snapshot(self) -> None:
        if self.back_in_time:
            self.past_goes_on()
            return
        if self.snapshot is None or not self.process_tree.is_mounted:
            return
        content, self.process_tree.matches = self._feed.content(self.snapshot, self.scope,
                                                                 self.filter_bar.value.strip(), self.lang,
                                                                 ghosts=self.ghosts_shown)
        self.process_tree.show(content)
        self.refresh_timeline()
        self.show_selection()
        self._check_lesson()

    # -- / : the filter --------------------------------------------------------------------

    def action_filter(self) -> None:
        self.filter_bar.open()
        snapshot = self.snapshot
        if snapshot is not None:
            # Read the command lines while the first key is being typed, not at it.
            self.run_worker(lambda: self._feed.read_command_lines(snapshot), thread=True, group="filter",
                            exclusive=True)

    def on_input_changed(self, event: FilterBar.Changed) -> None:
        if event.input is self.filter_bar:
            self.show_snapshot()  # at once, from the snapshot we have: not at the next refresh
            self._say_matches()

    def on_filter_bar_done(self, event: FilterBar.Done) -> None:
        self.process_tree.focus()
        self.show_snapshot()
        self._say_matches()
        if not event.cleared:
            self.process_tree.action_next_match(1)

    def _say_matches(self) -> None:
        self.process_tree.set_filter_note(self.filter_bar.note(self.process_tree.matches, self.lang))

    @on(ProcessTree.NodeHighlighted)
    def show_selection(self) -> None:
        pid = self.process_tree.selected_pid
        if pid is None and self.scope == "lab":
            pid = self.own_pid
        if self.said_gone_or_past(pid):  # a gone process's row, or back in time: the row as it was
            return
        info = self.snapshot.procs.get(pid) if (self.snapshot and pid is not None) else None
        role = self._feed.role_of(pid, info) if pid is not None else None
        self.selection_bar.show_selection(info, self.lab.get(pid) if pid else None, self.own_pid, role, self.lang)

    # -- lab events -> log -----------------------------------------------------------------

    def on_main_screen_events_waiting(self) -> None:
        # Logged with the snapshot an event asks for (line and row in one frame); output alone, bounded, soon after.
        if self._inbox.claim_urgent():
            self.request_snapshot()
        elif self._inbox.schedule():
            self.set_timer(OUTPUT_PERIOD, self._log_waiting)

    def _log_waiting(self) -> None:
        self.event_log.add_taken(self._inbox.take(self.lesson_guide.note_event))

    def refuse(self, refusal: Refused) -> None:
        """Something asked for was not done: the log says why, and so does a toast."""
        self.event_log.add_event(refusal)
        self.notify(render(refusal, self.lang), severity="warning", timeout=4)

    def palette_commands(self) -> Iterator[SystemCommand]:
        """The command palette's lab actions, and a command per lesson."""
        yield from actions.palette(self.run_action, self.lang)
        yield from self.lesson_guide.palette_commands(self.start_lesson)

    # -- actions that start things -----------------------------------------------------------

    def action_start(self, action_id: str) -> None:
        """What a generic action starts (actions.ACTIONS): its worker as a lab child, or its experiment."""
        action = BY_ID[action_id]
        if action.worker is not None:
            worker = action.worker
            self._start(lambda: self.lab.start_child(action.role or action.id, worker))
        elif action.experiment is not None:
            experiment = action.experiment
            self._start(lambda: experiment(self.lab))

    def _start(self, start: Callable[[], object]) -> None:
        try:
            start()
        except LabError as exc:
            self.refuse(exc.refusal)

    def action_zombie_with_code(self) -> None:
        def chosen(code: int | None) -> None:
            if code is not None:
                self._start(lambda: experiments.leave_zombie(self.lab, code))

        self.app.push_screen(ExitCodeScreen(self.lang), chosen)

    def action_end_pool(self, how: str) -> None:
        if pools := self.lab.pools:
            self._end_pool(pools[-1], how)
        else:
            self.refuse(Refused(reason=Refusal.NO_POOL))

    @work(thread=True, group="pool", exit_on_error=False)
    def _end_pool(self, pool: LabPool, how: str) -> None:
        # join() waits for the workers' tasks: in a thread, so the app stays live. A pool still
        # joining, or closed meanwhile, is refused (PoolError): said, not lost.
        end = pool.terminate if how == "terminate" else pool.close_and_join
        try:
            end()
        except RefusedError as exc:
            self.app.call_from_thread(self.refuse, exc.refusal)
        self.request_snapshot()

    @work(thread=True, group="cow", exit_on_error=False)
    def action_cow_write(self) -> None:
        # The Lab waits for the child to write 16 MiB: in a thread, so the app stays live.
        try:
            experiments.cow_write(self.lab)
        except LabError as exc:
            self.app.call_from_thread(self.refuse, exc.refusal)

    @work(thread=True, group="queue", exit_on_error=False)
    def action_queue_get(self) -> None:
        # get() waits for 10 MiB to come through the pipe: in a thread, so the app stays live.
        try:
            experiments.queue_get(self.lab)
        except LabError as exc:
            self.app.call_from_thread(self.refuse, exc.refusal)

    def action_cycle_start_method(self) -> None:
        self.lab.cycle_start_method()  # its event says what the method means
        self.update_titles()

    def action_toggle_subreaper(self) -> None:
        self._start(lambda: self.lab.set_subreaper(not self.lab.subreaper))
        self.update_titles()

    def action_toggle_scope(self) -> None:
        self.scope = "system" if self.scope == "lab" else "lab"

    # -- actions on the selected row, or on the stepped child ------------------------------

    def _selected_lab_process(self, verb: str) -> LabProcess | None:
        """The selected row's lab record, or None after telling the user why not."""
        pid = self.process_tree.selected_pid
        ghost = self.process_tree.ghost_at(pid) if pid is not None else None
        if pid is not None and ghost is not None and self.lab.get(pid) is None:  # a gone process's row
            self.refuse(Refused(reason=Refusal.ALREADY_REAPED, pid=pid, label=ghost.life.label, verb=verb))
            return None
        record, refusal = lab_process_at(pid, self.own_pid, self.lab, verb)
        if refusal is not None:
            self.refuse(refusal)
        return record

    def action_signal_selected(self, action_id: str) -> None:
        """t, x, s, i: the action's Lab method on the selected row's lab process."""
        action = BY_ID[action_id]
        self._send(self._selected_lab_process(action.verb), action.on_process)

    def action_signal_stepped(self, action_id: str) -> None:
        """t and x in the code viewer: they act on the child whose join is stepped."""
        action = BY_ID[action_id]
        pid = self.steps.pid if self.steps is not None else None
        record = self.lab.get(pid) if pid is not None else None
        if record is None:
            self.refuse(Refused(reason=Refusal.NO_STEPPED_CHILD, verb=action.verb))
            return
        self._send(record, action.on_process)

    def _send(self, record: LabProcess | None, send: actions.ProcessCall | None) -> None:
        if record is None or send is None:
            return
        try:
            send(self.lab, record)
        except LabError as exc:
            self.refuse(exc.refusal)

    # -- the stepper: the code viewer owns the session, the screen opens it ------------------

    @property
    def steps(self) -> StepSession | None:
        """The open viewer's stepped join (finished or not), or None."""
        return self.stepper_pane.session if self.is_mounted else None

    @property
    def stepper(self) -> Stepper | None:
        return self.steps.stepper if self.steps is not None else None

    @property
    def shown_step(self) -> Step | None:
        return self.steps.shown if self.steps is not None else None

    def _may_open_stepper(self) -> bool:
        if self.stepper_pane.stepping:
            self.refuse(Refused(reason=Refusal.ALREADY_STEPPING))
            self.stepper_pane.focus()
            return False
        return True

    def action_join_selected(self, timeout: float | None = None) -> None:
        record = self._selected_lab_process("join") if self._may_open_stepper() else None
        if record is not None:
            subject = f"{record.label}.join({'' if timeout is None else timeout})"
            self._open_stepper(lambda on_step: StepSession(self.lab.step_join(record, timeout, on_step=on_step),
                                                           subject, record.pid, record.start_method))

    def action_join_unstarted(self) -> None:
        """The article's assert: join() on a Process that was created but never started."""
        if self._may_open_stepper():
            self._open_stepper(self._unstarted_join)

    def _unstarted_join(self, on_step: Callable[[Step], None]) -> StepSession:
        label, stepper = experiments.step_unstarted_join(self.lab, on_step=on_step)
        return StepSession(stepper, f"{label}.join()", None)

    def _open_stepper(self, start: Callable[[Callable[[Step], None]], StepSession]) -> None:
        """Open the viewer on the stepped join start makes, or say why there is none."""
        try:
            session = start(self.stepper_pane.report_step)
        except LabError as exc:
            self.refuse(exc.refusal)
            return
        except RuntimeError as exc:  # a stepper that cannot run on this Python says why
            self.refuse(Refused(reason=Refusal.CANNOT_STEP, error=str(exc)))
            return
        self.stepper_open = True
        self.stepper_pane.open(session)

    def on_stepper_pane_step_shown(self) -> None:
        self.request_snapshot()  # the tree shows the kernel's view at this very step
        self._check_lesson()

    def on_stepper_pane_closed(self) -> None:
        self.stepper_open = False
        self.process_tree.focus()

    # -- lessons ---------------------------------------------------------------------------

    @property
    def lesson_run(self) -> LessonRun | None:
        return self.lesson_guide.run

    def action_practice(self) -> None:
        """e: a new exercise, its seed drawn here and shown, so it can be done again."""
        self.open_practice(generate(random.randrange(1, 10_000), count=8))

    def open_practice(self, exercise: Exercise, transcript: str | None = None) -> None:
        self.app.push_screen(PracticeScreen(self.lab, exercise, self.lang, transcript))

    def action_lessons(self) -> None:
        if self.lesson_guide.session is not None:
            self.lesson_guide.leave()
            self.lesson_open = False
            self.event_log.add_message(N_("left the lesson; l chooses one again"))
            return
        _ = words(self.lang)
        self.app.push_screen(LessonPicker(self.lessons, _("lessons")),
                             lambda index: self.start_lesson(index) if index is not None else None)

    def start_lesson(self, index: int) -> None:
        self.lesson_guide.start(index)
        self.lesson_open = True
        self._check_lesson()

    def action_lesson_forward(self) -> None:
        if self.lesson_guide.forward():
            self.lesson_open = True
            self._check_lesson()

    def action_lesson_back(self) -> None:
        self.lesson_guide.back()

    def lifeline_changed(self) -> None:
        self._check_lesson()

    def _check_lesson(self) -> None:
        """Move the lesson on if the real state has reached its step's goal."""
        lesson = self.lesson_guide.session
        if lesson is not None and self.snapshot is not None and lesson.check(Seen(
                processes=self.lab.processes, procs=self.snapshot.procs, own_pid=self.own_pid, step=self.shown_step,
                start_method=self.lab.start_method,
                join_blocked_in=self.steps.blocked_in() if self.steps is not None else None,
                past_procs=self.past_shown.snapshot.procs if self.past_shown is not None else None,
                timeline_pid=self.timeline.selected_pid if self.timeline_open else None)):
            self.lesson_guide.show()
