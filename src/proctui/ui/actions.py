"""Every action of proctui, declared once: its keys, its words, where it shows, what it runs.

The Textual bindings of the app, the main screen, the process tree and the code viewer,
the command palette, the help screen (?), the footer and README.md's keys table are all
made from ACTIONS below; nothing else spells out what an action is called or does.

A new lab action is one declaration here: a generic ``run`` and what it runs are enough for
it to get its key, its footer entry, its palette entry, its help line and its README row:
``start`` with an ``experiment`` (a function of ``core.lab.experiments``, given the Lab) or
a ``worker`` for something that starts processes; ``signal_selected`` with ``on_process``
(a Lab method, given the Lab and the selected row's record) for something done to a row.

Titles, help texts and footer words are English literals marked with ``N_()``: they are
the gettext message ids, translated where they are shown (help, palette, footer), so that
a switch of language at run time changes them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from functools import partial

from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.keys import format_key

from proctui.core.i18n import N_, words
from proctui.core.lab import experiments, workers
from proctui.core.lab.lab import Lab, LabProcess

#: What a generic "start" runs: an experiment, given the Lab.
Experiment = Callable[[Lab], object]
#: What "signal_selected" and "signal_stepped" run: a Lab method, given the Lab and the record.
ProcessCall = Callable[[Lab, LabProcess], object]


class Pane(Enum):
    """Where an action's keys work."""

    APP = "app"  # on every screen (help, quit): bound on the App
    MAIN = "main"  # whichever pane of the main screen has focus: bound on MainScreen
    TREE = "tree"  # the process tree has focus; acts on its selected row
    STEPPER = "stepper"  # the code viewer has focus; acts on the stepped join
    SCRIPT = "script"  # a script viewer has focus (proctui run): pdb's letters, for its process
    TIMELINE = "timeline"  # the timeline pane has focus: its lifelines
    PANES = "panes"  # moving between panes (Textual's own keys)


class Target(Enum):
    """Whose action_ method runs it."""

    APP = "app"
    SCREEN = "screen"  # the main screen
    PANE = "pane"  # the pane widget its key is bound on (the tree's own cursor moves)
    TEXTUAL = "textual"  # a key Textual binds itself: declared here only to be documented


@dataclass(frozen=True)
class Action:
    id: str  # also the Binding's id, so keymaps can rebind it
    keys: tuple[str, ...]  # Textual key names; () for an action only the palette offers
    title: str  # its name in the command palette
    help: str  # what it does: the help screen, the footer's tooltip, the palette, README
    run: str  # the action method (without action_), possibly with arguments
    pane: Pane = Pane.MAIN
    target: Target = Target.SCREEN
    footer: str = ""  # its word in the footer; "" keeps it out of the footer
    palette: bool = True  # offered in the command palette (only screen actions can be)
    experiment: Experiment | None = None  # run="start": what it starts (the run gets the action's id)
    on_process: ProcessCall | None = None  # run="signal_*": what it does to the process
    verb: str = ""  # what the user asks to do to a process, in refusals: "select one to {verb}"
    worker: Callable[..., None] | None = None  # run="start": a lab child runs worker(label, out)
    role: str = ""  # ... and its rows and labels say this ("handler" -> handler-1)

    @property
    def action(self) -> str:
        """The action string, as the pane it is bound on runs it."""
        generic = self.experiment or self.on_process or self.worker
        run = f"{self.run}({self.id!r})" if generic else self.run
        if self.target is Target.PANE or self.target is Target.TEXTUAL:
            return run
        if self.target is Target.APP:
            return run if self.pane is Pane.APP else f"app.{run}"
        return run if self.pane is Pane.MAIN else f"screen.{run}"

    def bindings(self) -> list[Binding]:
        """One Binding a key; only the first key shows in the footer."""
        return [
            Binding(key, self.action, self.footer or self.title, show=bool(self.footer) and n == 0,
                    id=self.id if n == 0 else f"{self.id}.{n}", tooltip=self.help)
            for n, key in enumerate(self.keys)
        ]


ACTIONS: tuple[Action, ...] = (
    # -- the main screen: start things; these keys work whichever pane has focus --------
    Action("fork", ("f",), N_("Fork a child"),
           N_("fork: start a child that prints its PID/PPID and sleeps"),
           "start", footer=N_("Fork"), experiment=experiments.fork_child),
    Action("zombie", ("z",), N_("Leave a zombie"), N_("start a child that exits at once and is not reaped"),
           "start", footer=N_("Zombie"), experiment=experiments.leave_zombie),
    Action("zombie-code", ("Z",), N_("Zombie with an exit code…"),
           N_("the same, with an exit code you choose"), "zombie_with_code"),
    Action("orphan", ("o",), N_("Make an orphan"),
           N_("a child forks a grandchild, then os._exit(): an orphaned grandchild"), "start", footer=N_("Orphan"),
           experiment=experiments.make_orphan),
    Action("orphan-later", ("O",), N_("Orphan when you choose"),
           N_("a child forks a grandchild and waits: t or x on the child orphans the grandchild"),
           "start", experiment=experiments.orphan_when_you_choose),
    Action("daemon", ("d",), N_("Daemon child"),
           N_("a daemon=True child: its own start() of a child fails on an assert"),
           "start", experiment=experiments.start_daemon),
    Action("daemon-parent", ("D",), N_("Daemon dies with its parent"),
           N_("a child with a daemon child returns normally: its exit handler terminates the daemon"),
           "start", experiment=experiments.daemon_dies_with_parent),
    Action("pool", ("p",), N_("Pool"), N_("a multiprocessing.Pool (2 workers, maxtasksperchild=2) maps 6 tasks"),
           "start", footer=N_("Pool"), experiment=experiments.start_pool),
    Action("pool-close", ("P",), N_("Pool: close and join"), N_("close() and join() the newest pool"),
           "end_pool('close and join')"),
    Action("pool-terminate", (), N_("Pool: terminate"), N_("pool: terminate() the newest pool: SIGTERM to its workers"),
           "end_pool('terminate')"),
    Action("sigterm-handler", ("h",), N_("Child with a SIGTERM handler"),
           N_("a child whose own SIGTERM handler says 'got SIGTERM' and exits with code 3: then press t"),
           "start", worker=workers.sigterm_handler, role="handler"),
    Action("sigterm-ignorer", ("H",), N_("Child that ignores SIGTERM"),
           N_("a child that ignores SIGTERM (SIG_IGN): t changes nothing; x or I (SIGINT: -2) ends it"),
           "start", worker=workers.sigterm_ignorer, role="ignorer"),
    Action("raising-child", (), N_("Child that raises"),
           N_("its target raises: the traceback goes to the log, exit code 1"), "start",
           experiment=experiments.start_raising_child),
    Action("exiting-child", (), N_("Child that calls sys.exit('message')"),
           N_("the message goes to the log, exit code 1"), "start", experiment=experiments.start_exiting_with_message),
    Action("shell", ("dollar_sign",), N_("Shell child: sh -c and $?"),
           N_("sh -c as a child: it waits for its sleep; t on the sleep, and the shell says $? = 143"),
           "start", experiment=experiments.start_shell),
    Action("exit-256", (), N_("Child that calls sys.exit(256)"),
           N_("an exit status has 8 bits: sys.exit(256) gives exit code 0"), "start",
           experiment=experiments.start_exit_256),
    Action("keyboard-interrupt", (), N_("Child with Python's SIGINT handler"),
           N_("a child where SIGINT raises KeyboardInterrupt, as in a plain script: then press I"),
           "start", worker=workers.keyboard_interrupt_child, role="interruptible"),
    Action("sigchld-ignored", (), N_("Parent that ignores SIGCHLD"),
           N_("a child sets SIGCHLD to SIG_IGN and forks: end its child, and is_alive() still says True"),
           "start", experiment=experiments.ignore_sigchld_then_fork),
    Action("cow", (), N_("Copy-on-write child"),
           N_("fork a child that shares proctui's 16 MiB cow_list; the log shows its /proc/PID/smaps_rollup"),
           "start", experiment=experiments.start_cow_child),
    Action("cow-write", (), N_("Copy-on-write: the child writes"),
           N_("the newest copy-on-write child changes a global and fills cow_list: smaps_rollup again"),
           "cow_write"),
    Action("queue", (), N_("Queue: a child puts 10 MiB"),
           N_("a child puts 10 MiB on a Queue and returns: it cannot exit until proctui calls get()"),
           "start", experiment=experiments.start_queue_child),
    Action("queue-get", (), N_("Queue: get()"),
           N_("proctui calls get() on the newest queue child's queue: the pipe drains, the child can exit"),
           "queue_get"),
    Action("join-unstarted", (), N_("Join a Process that was never started"),
           N_("step through join() of a Process whose start() was never called: the article's assert"),
           "join_unstarted"),
    Action("start-method", ("m",), N_("Start method: next"),
           N_("start method for new children: fork -> spawn -> forkserver"), "cycle_start_method"),
    Action("subreaper", (), N_("Subreaper on/off"),
           N_("whether orphans below proctui are re-parented to proctui (prctl 36)"), "toggle_subreaper"),
    Action("scope", ("a",), N_("Tree scope: lab / whole system"),
           N_("tree scope: lab only <-> whole system"), "toggle_scope"),
    Action("run-script", ("r",), N_("Run a script…"),
           N_("run a Python script of yours, paused before its first line, stepped with pdb's letters"),
           "run_script"),
    Action("practice", ("e",), N_("Practice…"),
           N_("practice: predict what each action does to real processes, then see what the kernel says"),
           "practice"),
    Action("language", ("L",), N_("Language: English / 中文"),
           N_("language: English <-> 中文, for everything on screen, now"), "toggle_language"),
    Action("script-continue-all", ("C",), N_("Script: continue all"),
           N_("proctui run: every paused process of the script runs on (c in each viewer)"),
           "continue_all_scripts"),
    Action("script-follow", (), N_("Script: what to follow at fork()"),
           N_("proctui run: after a fork, step both processes, the parent only, or the child only (--follow)"),
           "cycle_follow"),
    # -- the lifeline: gone processes, the timeline, back in time -------------------------
    Action("ghosts", ("g",), N_("Gone processes: show / hide"),
           N_("show or hide the rows of gone processes: how each ended, and who reaped it"),
           "toggle_ghosts"),
    Action("timeline", ("T",), N_("Timeline"),
           N_("the timeline: one lifeline per process, its states, exit, zombie interval, reaper"),
           "toggle_timeline"),
    Action("time-back", ("comma",), N_("Back in time: one event"),
           N_("back in time one event: the tree shows the processes as they were then (Esc: now)"),
           "time_back(False)"),
    Action("time-forward", ("full_stop",), N_("Forward in time: one event"),
           N_("forward in time one event; past the last one, now again"), "time_forward(False)"),
    Action("time-back-change", ("less_than_sign",), N_("Back in time: the previous change"),
           N_("back in time to the previous event that is not a printed line"), "time_back(True)"),
    Action("time-forward-change", ("greater_than_sign",), N_("Forward in time: the next change"),
           N_("forward in time to the next event that is not a printed line"), "time_forward(True)"),
    Action("time-now", ("escape",), N_("Back to now"), N_("back in time: return to now"), "time_now"),
    Action("lessons", ("l",), N_("Lessons"), N_("lessons: choose one, or leave the one under way"), "lessons",
           footer=N_("Lessons"), palette=False),
    Action("lesson-next", ("right_square_bracket",), N_("Lesson: next step"),
           N_("lesson: skip to the next step (or the next lesson)"), "lesson_forward", palette=False),
    Action("lesson-back", ("left_square_bracket",), N_("Lesson: back"), N_("lesson: back to the previous step"),
           "lesson_back", palette=False),
    # -- every screen ----------------------------------------------------------------------
    Action("help", ("question_mark",), N_("Help"), N_("help: every key, and a glossary"), "help",
           pane=Pane.APP, target=Target.APP, footer=N_("Help"), palette=False),
    Action("quit", ("q",), N_("Quit"), N_("quit: end and reap every lab process first"), "quit",
           pane=Pane.APP, target=Target.APP, footer=N_("Quit"), palette=False),
    # In the app's raw terminal ctrl+c is a key, not SIGINT; users expect it to quit.
    Action("quit-ctrl-c", ("ctrl+c",), N_("Quit"), N_("quit, as q does"), "quit",
           pane=Pane.APP, target=Target.APP, palette=False),
    # -- the process tree: the selected row ------------------------------------------------
    Action("tree.move", ("up", "down"), N_("Move"), N_("move the cursor"), "",
           pane=Pane.TREE, target=Target.TEXTUAL, palette=False),
    Action("terminate", ("t",), N_("Terminate the selected process"),
           N_("terminate() the selected lab process: SIGTERM"),
           "signal_selected", pane=Pane.TREE, footer=N_("Term"), on_process=Lab.terminate, verb="terminate"),
    Action("kill", ("x",), N_("Kill the selected process"), N_("kill() the selected lab process: SIGKILL"),
           "signal_selected", pane=Pane.TREE, footer=N_("Kill"), on_process=Lab.kill, verb="kill"),
    Action("stop", ("s",), N_("Stop / continue the selected process"),
           N_("stop / continue the selected lab process: SIGSTOP / SIGCONT"),
           "signal_selected", pane=Pane.TREE, on_process=Lab.stop_or_continue, verb="stop or continue"),
    Action("interrupt", ("I",), N_("Interrupt the selected process"),
           N_("SIGINT to the selected lab process, as Process.interrupt() (3.14) sends"),
           "signal_selected", pane=Pane.TREE, on_process=Lab.interrupt, verb="interrupt"),
    Action("join", ("w",), N_("Join the selected process"),
           N_("join() the selected lab process, step by step (code viewer)"),
           "join_selected()", pane=Pane.TREE, footer=N_("Join")),
    Action("join-timeout", ("W",), N_("Join with a timeout (1.0 s)"),
           N_("join(1.0) step by step: the connection.wait([sentinel], timeout) branch"),
           "join_selected(1.0)", pane=Pane.TREE),
    Action("is-alive", ("i",), N_("is_alive() on the selected process"),
           N_("is_alive() on the selected lab process: on a zombie it reaps (fork, spawn)"),
           "signal_selected", pane=Pane.TREE, on_process=Lab.is_alive, verb="call is_alive() on"),
    Action("tree.down", ("j",), N_("Down"), N_("move down (as ↓)"), "cursor_down",
           pane=Pane.TREE, target=Target.PANE, palette=False),
    Action("tree.up", ("k",), N_("Up"), N_("move up (as ↑)"), "cursor_up",
           pane=Pane.TREE, target=Target.PANE, palette=False),
    Action("tree.collapse", ("left",), N_("Collapse"), N_("collapse the row, or go to its parent"), "collapse_here",
           pane=Pane.TREE, target=Target.PANE, palette=False),
    Action("tree.expand", ("right",), N_("Expand"), N_("expand the row"), "expand_here",
           pane=Pane.TREE, target=Target.PANE, palette=False),
    Action("tree.toggle", ("enter",), N_("Expand / collapse"), N_("expand or collapse the selected row"), "",
           pane=Pane.TREE, target=Target.TEXTUAL, palette=False),
    Action("tree.filter", ("slash",), N_("Filter the tree…"),
           N_("filter the tree as you type: PID, name, label or command line (Esc clears)"), "filter",
           pane=Pane.TREE),
    Action("tree.next-match", ("n",), N_("Next match"), N_("filtered: move to the next match"), "next_match(1)",
           pane=Pane.TREE, target=Target.PANE, palette=False),
    Action("tree.previous-match", ("N",), N_("Previous match"), N_("filtered: move to the previous match"),
           "next_match(-1)", pane=Pane.TREE, target=Target.PANE, palette=False),
    # -- the code viewer: the stepped join -------------------------------------------------
    Action("step-next", ("n",), N_("Step: next"), N_("run to the next step of join()"), "step_next",
           pane=Pane.STEPPER, target=Target.PANE, footer=N_("Next"), palette=False),
    Action("step-continue", ("c",), N_("Step: continue"), N_("continue to the end of join()"), "step_continue",
           pane=Pane.STEPPER, target=Target.PANE, footer=N_("Cont"), palette=False),
    Action("stepped-terminate", ("t",), N_("Terminate the joined child"),
           N_("terminate() the child being joined: SIGTERM"), "signal_stepped",
           pane=Pane.STEPPER, palette=False, on_process=Lab.terminate, verb="terminate"),
    Action("stepped-kill", ("x",), N_("Kill the joined child"), N_("kill() the child being joined: SIGKILL"),
           "signal_stepped", pane=Pane.STEPPER, palette=False, on_process=Lab.kill, verb="kill"),
    Action("stepper-close", ("escape",), N_("Close the code viewer"), N_("close the code viewer"), "close_stepper",
           pane=Pane.STEPPER, target=Target.PANE, footer=N_("Close"), palette=False),
    # -- a script viewer: one process of a script run by proctui (pdb's letters) ---------------
    Action("script-next", ("n",), N_("Script: next line"), N_("run to the next line of this function (pdb's n)"),
           "script_command('next')", pane=Pane.SCRIPT, target=Target.PANE, footer=N_("Next"), palette=False),
    Action("script-step", ("s",), N_("Script: step into"),
           N_("step into the call on this line, even into multiprocessing (pdb's s)"),
           "script_command('step')", pane=Pane.SCRIPT, target=Target.PANE, footer=N_("Step"), palette=False),
    Action("script-return", ("r",), N_("Script: run to return"),
           N_("run until this function returns (pdb's r)"),
           "script_command('return')", pane=Pane.SCRIPT, target=Target.PANE, palette=False),
    Action("script-continue", ("c",), N_("Script: continue"),
           N_("run on to a breakpoint, or to the end (pdb's c)"),
           "script_command('continue')", pane=Pane.SCRIPT, target=Target.PANE, footer=N_("Cont"), palette=False),
    Action("script-break", ("b",), N_("Script: breakpoint"), N_("set or clear a breakpoint on a line (pdb's b)"),
           "toggle_break", pane=Pane.SCRIPT, target=Target.PANE, palette=False),
    Action("script-close", ("escape",), N_("Script: close this viewer"),
           N_("close this viewer and let its process run on"),
           "close_viewer", pane=Pane.SCRIPT, target=Target.PANE, palette=False),
    Action("script-next-viewer", ("tab",), N_("Script: next viewer"),
           N_("the next viewer, shown if it was not (from the last one: the next pane)"),
           "next_viewer(1)", pane=Pane.SCRIPT, target=Target.PANE, palette=False),
    Action("script-previous-viewer", ("shift+tab",), N_("Script: previous viewer"),
           N_("the previous viewer, shown if it was not (from the first one: the previous pane)"),
           "next_viewer(-1)", pane=Pane.SCRIPT, target=Target.PANE, palette=False),
    # -- between panes (Textual's own keys) ------------------------------------------------
    # -- the timeline pane: its lifelines --------------------------------------------------------
    Action("timeline.up", ("up", "k"), N_("Timeline: up"), N_("the lifeline above (and its row in the tree)"),
           "move(-1)", pane=Pane.TIMELINE, target=Target.PANE, palette=False),
    Action("timeline.down", ("down", "j"), N_("Timeline: down"), N_("the lifeline below (and its row in the tree)"),
           "move(1)", pane=Pane.TIMELINE, target=Target.PANE, palette=False),
    Action("timeline.first", ("home",), N_("Timeline: first"), N_("the first lifeline"), "move_to(0)",
           pane=Pane.TIMELINE, target=Target.PANE, palette=False),
    Action("timeline.last", ("end",), N_("Timeline: last"), N_("the last lifeline"), "move_to(-1)",
           pane=Pane.TIMELINE, target=Target.PANE, palette=False),
    Action("focus", ("tab", "shift+tab"), N_("Next / previous pane"), N_("next / previous pane"), "",
           pane=Pane.PANES, target=Target.TEXTUAL, palette=False),
    Action("palette", ("ctrl+p",), N_("Command palette"),
           N_("command palette: every action above, and more, by name"), "",
           pane=Pane.PANES, target=Target.TEXTUAL, palette=False),
)

BY_ID = {action.id: action for action in ACTIONS}

#: The help screen's groups: a heading and the panes whose keys it lists.
HELP_GROUPS: tuple[tuple[str, tuple[Pane, ...]], ...] = (
    (N_("start things, and everywhere"), (Pane.MAIN, Pane.APP)),
    (N_("process tree (the selected row)"), (Pane.TREE,)),
    (N_("code viewer (a stepped join)"), (Pane.STEPPER,)),
    (N_("script viewer (proctui run)"), (Pane.SCRIPT,)),
    (N_("timeline (T)"), (Pane.TIMELINE,)),
    (N_("panes"), (Pane.PANES,)),
)


#: What may be done while back in time without coming back to now first: looking (the
#: time keys, the timeline, ghosts, help, the language, lessons' words). Every other action
#: of ACTIONS acts on the processes of now, so the screen returns to now before it runs.
VIEWING = frozenset({"toggle_ghosts", "toggle_timeline", "time_back", "time_forward", "time_now", "help",
                     "quit", "toggle_language", "lessons", "lesson_forward", "lesson_back", "command_palette"})


def run_name(action: str) -> str:
    """An action string's method name: "screen.start('fork')" -> "start"."""
    return action.split("(", 1)[0].rsplit(".", 1)[-1]


#: The method names of every action that acts on now.
ACTS_ON_NOW = frozenset(run_name(action.run) for action in ACTIONS if action.run) - VIEWING


def bindings(pane: Pane) -> list[BindingType]:
    """The BINDINGS of whatever the keys of ``pane`` are bound on, typed as Textual types
    BINDINGS (Binding or tuple); every item is a Binding."""
    return [binding for action in ACTIONS
            if action.pane is pane and action.target is not Target.TEXTUAL
            for binding in action.bindings()]


def keys_text(action: Action, key_display: Callable[[Binding], str]) -> str:
    return " / ".join(key_display(Binding(key, action.action)) for key in action.keys)


def key_help(key_display: Callable[[Binding], str], lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The help screen's groups: (heading, [(keys, what they do)]); key_display is the
    app's, so the help shows keys as the footer does."""
    _ = words(lang)
    return [
        (_(heading), [(keys_text(action, key_display), _(action.help))
                   for action in ACTIONS if action.pane in panes and action.keys])
        for heading, panes in HELP_GROUPS
    ]


def palette(run_action: Callable[[str], object], lang: str) -> Iterator[SystemCommand]:
    """The command palette's entry for each action the main screen runs; run_action is
    the main screen's."""
    _ = words(lang)
    for action in ACTIONS:
        if action.palette and action.target is Target.SCREEN:
            keys = ", ".join(format_key(key) for key in action.keys)
            help_text = f"{_(action.help)} ({keys})" if keys else _(action.help)
            yield SystemCommand(_(action.title), help_text, partial(run_action, action.action.removeprefix("screen.")))


#: README's word for where a key works.
_WHERE = {Pane.APP: "anywhere", Pane.MAIN: "any pane", Pane.TREE: "tree", Pane.STEPPER: "code viewer",
          Pane.SCRIPT: "script viewer", Pane.TIMELINE: "timeline", Pane.PANES: "any pane"}


def _readme_key(key: str) -> str:
    return format_key(key).replace("⏎", "enter")


def readme_keys_table(actions: Iterable[Action] = ACTIONS) -> str:
    """README.md's keys table: a row per action with keys, and what only the palette offers."""
    actions = tuple(actions)
    palette_only = [action.title for action in actions if not action.keys and action.palette]
    rows = ["| key | where | action |", "|---|---|---|"]
    for action in actions:
        if not action.keys:
            continue
        text = action.help
        if action.id == "palette":
            text += " (with no key of their own: " + "; ".join(palette_only) + ")"
        rows.append(f"| {' / '.join(_readme_key(key) for key in action.keys)} | {_WHERE[action.pane]} | {text} |")
    return "\n".join(rows) + "\n"
