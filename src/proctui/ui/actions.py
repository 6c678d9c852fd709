"""Every action of proctui, declared once: its keys, its words, where it shows, what it runs.

The Textual bindings of the app, the main screen, the process tree and the code viewer,
the command palette, the help screen (?), the footer and README.md's keys table are all
made from ACTIONS below; nothing else spells out what an action is called or does.

A new lab action is one declaration here: a Lab method in ``lab`` and a generic ``run``
(``start`` for something that starts processes, ``signal_selected`` for something done to
the selected row) are enough for it to get its key, its footer entry, its palette entry,
its help line and its README row.

Titles, help texts and footer words are plain English string literals, one per field,
so that a gettext ``_()`` can later wrap them where they are shown (``_(action.help)``),
with the literals here marked for extraction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from functools import partial

from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.keys import format_key

from proctui.core import workers


class Pane(Enum):
    """Where an action's keys work."""

    APP = "app"  # on every screen (help, quit): bound on the App
    MAIN = "main"  # whichever pane of the main screen has focus: bound on MainScreen
    TREE = "tree"  # the process tree has focus; acts on its selected row
    STEPPER = "stepper"  # the code viewer has focus; acts on the stepped join
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
    lab: str = ""  # the Lab method a generic run calls (it gets the action's id)
    verb: str = ""  # what the user asks to do to a process, in refusals: "select one to {verb}"
    worker: Callable[..., None] | None = None  # run="start": a lab child runs worker(label, out)
    role: str = ""  # ... and its rows and labels say this ("handler" -> handler-1)

    @property
    def action(self) -> str:
        """The action string, as the pane it is bound on runs it."""
        run = f"{self.run}({self.id!r})" if self.lab or self.worker else self.run
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
    Action("fork", ("f",), "Fork a child",
           "fork: start a child that prints its PID/PPID and sleeps",
           "start", footer="Fork", lab="fork_child"),
    Action("zombie", ("z",), "Leave a zombie", "start a child that exits at once and is not reaped",
           "start", footer="Zombie", lab="leave_zombie"),
    Action("zombie-code", ("Z",), "Zombie with an exit code…",
           "the same, with an exit code you choose", "zombie_with_code"),
    Action("orphan", ("o",), "Make an orphan",
           "a child forks a grandchild, then os._exit(): an orphaned grandchild", "start", footer="Orphan",
           lab="make_orphan"),
    Action("daemon", ("d",), "Daemon child",
           "a daemon=True child (which may not have children of its own)", "start", lab="start_daemon"),
    Action("daemon-parent", ("D",), "Daemon dies with its parent",
           "a child with a daemon child, which exits: the daemon dies with it",
           "start", lab="daemon_dies_with_parent"),
    Action("pool", ("p",), "Pool", "a multiprocessing.Pool (2 workers, maxtasksperchild=2) maps 6 tasks",
           "start", footer="Pool", lab="start_pool"),
    Action("pool-close", ("P",), "Pool: close and join", "close() and join() the newest pool",
           "end_pool('close and join')"),
    Action("pool-terminate", (), "Pool: terminate", "pool: terminate() the newest pool: SIGTERM to its workers",
           "end_pool('terminate')"),
    Action("sigterm-handler", ("h",), "Child with a SIGTERM handler",
           "a child whose own SIGTERM handler says 'got SIGTERM' and exits with code 3: then press t",
           "start", worker=workers.sigterm_handler, role="handler"),
    Action("sigterm-ignorer", ("H",), "Child that ignores SIGTERM",
           "a child that ignores SIGTERM (SIG_IGN): t changes nothing, only x (SIGKILL) ends it",
           "start", worker=workers.sigterm_ignorer, role="ignorer"),
    Action("raising-child", (), "Child that raises",
           "its target raises: the traceback goes to the log, exit code 1", "start", lab="start_raising_child"),
    Action("exiting-child", (), "Child that calls sys.exit('message')",
           "the message goes to the log, exit code 1", "start", lab="start_exiting_with_message"),
    Action("join-unstarted", (), "Join a Process that was never started",
           "step through join() of a Process whose start() was never called: the article's assert",
           "join_unstarted"),
    Action("start-method", ("m",), "Start method: next",
           "start method for new children: fork -> spawn -> forkserver", "cycle_start_method"),
    Action("subreaper", (), "Subreaper on/off",
           "whether orphans below proctui are re-parented to proctui (prctl 36)", "toggle_subreaper"),
    Action("scope", ("a",), "Tree scope: lab / whole system",
           "tree scope: lab only <-> whole system", "toggle_scope"),
    Action("language", ("L",), "Language: English / 中文",
           "language: English <-> 中文 for the log, the lessons and the glossary, now", "toggle_language"),
    Action("lessons", ("l",), "Lessons", "lessons: choose one, or leave the one under way", "lessons",
           footer="Lessons", palette=False),
    Action("lesson-next", ("right_square_bracket",), "Lesson: next step",
           "lesson: skip to the next step (or the next lesson)", "lesson_forward", palette=False),
    Action("lesson-back", ("left_square_bracket",), "Lesson: back", "lesson: back to the previous step",
           "lesson_back", palette=False),
    # -- every screen ----------------------------------------------------------------------
    Action("help", ("question_mark",), "Help", "help: every key, and a glossary", "help",
           pane=Pane.APP, target=Target.APP, footer="Help", palette=False),
    Action("quit", ("q",), "Quit", "quit: end and reap every lab process first", "quit",
           pane=Pane.APP, target=Target.APP, footer="Quit", palette=False),
    # In the app's raw terminal ctrl+c is a key, not SIGINT; users expect it to quit.
    Action("quit-ctrl-c", ("ctrl+c",), "Quit", "quit, as q does", "quit",
           pane=Pane.APP, target=Target.APP, palette=False),
    # -- the process tree: the selected row ------------------------------------------------
    Action("tree.move", ("up", "down"), "Move", "move the cursor", "",
           pane=Pane.TREE, target=Target.TEXTUAL, palette=False),
    Action("terminate", ("t",), "Terminate the selected process", "terminate() the selected lab process: SIGTERM",
           "signal_selected", pane=Pane.TREE, footer="Term", lab="terminate", verb="terminate"),
    Action("kill", ("x",), "Kill the selected process", "kill() the selected lab process: SIGKILL",
           "signal_selected", pane=Pane.TREE, footer="Kill", lab="kill", verb="kill"),
    Action("stop", ("s",), "Stop / continue the selected process",
           "stop / continue the selected lab process: SIGSTOP / SIGCONT",
           "signal_selected", pane=Pane.TREE, lab="stop_or_continue", verb="stop or continue"),
    Action("join", ("w",), "Join the selected process",
           "join() the selected lab process, step by step (code viewer)",
           "join_selected()", pane=Pane.TREE, footer="Join"),
    Action("join-timeout", ("W",), "Join with a timeout (1.0 s)",
           "join(1.0) step by step: the connection.wait([sentinel], timeout) branch",
           "join_selected(1.0)", pane=Pane.TREE),
    Action("is-alive", ("i",), "is_alive() on the selected process",
           "is_alive() on the selected lab process: on a zombie, it reaps",
           "signal_selected", pane=Pane.TREE, lab="is_alive", verb="call is_alive() on"),
    Action("tree.down", ("j",), "Down", "move down (as ↓)", "cursor_down",
           pane=Pane.TREE, target=Target.PANE, palette=False),
    Action("tree.up", ("k",), "Up", "move up (as ↑)", "cursor_up", pane=Pane.TREE, target=Target.PANE, palette=False),
    Action("tree.collapse", ("left",), "Collapse", "collapse the row, or go to its parent", "collapse_here",
           pane=Pane.TREE, target=Target.PANE, palette=False),
    Action("tree.expand", ("right",), "Expand", "expand the row", "expand_here",
           pane=Pane.TREE, target=Target.PANE, palette=False),
    Action("tree.toggle", ("enter",), "Expand / collapse", "expand or collapse the selected row", "",
           pane=Pane.TREE, target=Target.TEXTUAL, palette=False),
    # -- the code viewer: the stepped join -------------------------------------------------
    Action("step-next", ("n",), "Step: next", "run to the next step of join()", "step_next",
           pane=Pane.STEPPER, target=Target.PANE, footer="Next", palette=False),
    Action("step-continue", ("c",), "Step: continue", "continue to the end of join()", "step_continue",
           pane=Pane.STEPPER, target=Target.PANE, footer="Cont", palette=False),
    Action("stepped-terminate", ("t",), "Terminate the joined child",
           "terminate() the child being joined: SIGTERM", "signal_stepped",
           pane=Pane.STEPPER, palette=False, lab="terminate", verb="terminate"),
    Action("stepped-kill", ("x",), "Kill the joined child", "kill() the child being joined: SIGKILL",
           "signal_stepped", pane=Pane.STEPPER, palette=False, lab="kill", verb="kill"),
    Action("stepper-close", ("escape",), "Close the code viewer", "close the code viewer", "close_stepper",
           pane=Pane.STEPPER, target=Target.PANE, footer="Close", palette=False),
    # -- between panes (Textual's own keys) ------------------------------------------------
    Action("focus", ("tab", "shift+tab"), "Next / previous pane", "next / previous pane", "",
           pane=Pane.PANES, target=Target.TEXTUAL, palette=False),
    Action("palette", ("ctrl+p",), "Command palette",
           "command palette: every action above, and more, by name", "",
           pane=Pane.PANES, target=Target.TEXTUAL, palette=False),
)

BY_ID = {action.id: action for action in ACTIONS}

#: The help screen's groups: a heading and the panes whose keys it lists.
HELP_GROUPS: tuple[tuple[str, tuple[Pane, ...]], ...] = (
    ("start things, and everywhere", (Pane.MAIN, Pane.APP)),
    ("process tree (the selected row)", (Pane.TREE,)),
    ("code viewer (a stepped join)", (Pane.STEPPER,)),
    ("panes", (Pane.PANES,)),
)


def bindings(pane: Pane) -> list[BindingType]:
    """The BINDINGS of whatever the keys of ``pane`` are bound on, typed as Textual types
    BINDINGS (Binding or tuple); every item is a Binding."""
    return [binding for action in ACTIONS
            if action.pane is pane and action.target is not Target.TEXTUAL
            for binding in action.bindings()]


def keys_text(action: Action, key_display: Callable[[Binding], str]) -> str:
    return " / ".join(key_display(Binding(key, action.action)) for key in action.keys)


def key_help(key_display: Callable[[Binding], str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The help screen's groups: (heading, [(keys, what they do)]); key_display is the
    app's, so the help shows keys as the footer does."""
    return [
        (heading, [(keys_text(action, key_display), action.help)
                   for action in ACTIONS if action.pane in panes and action.keys])
        for heading, panes in HELP_GROUPS
    ]


def palette(run_action: Callable[[str], object]) -> Iterator[SystemCommand]:
    """The command palette's entry for each action the main screen runs; run_action is
    the main screen's."""
    for action in ACTIONS:
        if action.palette and action.target is Target.SCREEN:
            keys = ", ".join(format_key(key) for key in action.keys)
            help_text = f"{action.help} ({keys})" if keys else action.help
            yield SystemCommand(action.title, help_text, partial(run_action, action.action.removeprefix("screen.")))


#: README's word for where a key works.
_WHERE = {Pane.APP: "anywhere", Pane.MAIN: "any pane", Pane.TREE: "tree", Pane.STEPPER: "code viewer",
          Pane.PANES: "any pane"}


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
