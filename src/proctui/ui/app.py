"""ProcTUI: the app's global concerns only.

It owns the Lab and the thread that reads /proc snapshots, picks the theme, covers the
screen while the terminal is too small, shows the help, and quits. Everything on the
screen (the panes, their keys, the stepped join, the lesson) is the main screen's:
screens/main.py.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, TypedDict

from textual import events
from textual.actions import ActionParseResult
from textual.app import App, SystemCommand
from textual.command import CommandPalette
from textual.dom import DOMNode
from textual.geometry import Size
from textual.screen import Screen
from textual.theme import ThemeProvider

from proctui.core.i18n import N_, words
from proctui.core.lab.lab import Lab
from proctui.core.practice.model import Exercise
from proctui.core.procfs.reader import SnapshotReader
from proctui.core.procfs.snapshot import Snapshot
from proctui.core.procfs.tree import Scope
from proctui.core.script.runner import ScriptToRun
from proctui.core.teaching.lessons import default_language, load_glossary
from proctui.ui import actions
from proctui.ui.actions import Pane
from proctui.ui.dialogs.help import HelpScreen
from proctui.ui.dialogs.too_small import guard_size
from proctui.ui.screens.main import MainScreen
from proctui.ui.screens.main_messages import LanguageChosen, LessonStepShown, SnapshotTaken, SnapshotWanted
from proctui.ui.themes import THEMES

if TYPE_CHECKING:  # Unpack is typing's from 3.11; only mypy reads it here
    from typing_extensions import Unpack

#: Textual's system commands kept in the palette, by their English titles (gettext ids);
#: their help texts are ids too: Textual's words, translated in the catalogue.
_TEXTUAL_COMMANDS = {N_("Theme"), N_("Quit"), N_("Maximize"), N_("Minimize")}
_TEXTUAL_COMMAND_HELP = (
    N_("Change the current theme"),
    N_("Quit the application as soon as possible"),
    N_("Maximize the focused widget"),
    N_("Minimize the widget and restore to normal size"),
)


class AppOptions(TypedDict, total=False):
    """How the app starts: each a keyword of ProcTUI, each optional."""

    refresh_seconds: float  # how often /proc is read again (default 1 s)
    scope: Scope  # what the tree shows first: "lab" (default) or "system"
    lang: str | None  # "en" or "zh"; None: from the environment
    theme: str  # a name in THEMES (default "dark")
    script: ScriptToRun | tuple[str, tuple[str, ...], bool] | None  # proctui run FILE: started once up
    practice: tuple[Exercise, str | None] | None  # proctui practice: the exercise, where its transcript goes


class ProcTUI(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "proctui"

    # Help and quit work on every screen; the keys that start things or act on a pane
    # are the main screen's and its panes', so the footer shows what applies to the
    # focused pane and fits in 80 columns.
    BINDINGS = actions.bindings(Pane.APP)

    def __init__(self, lab: Lab | None = None, **options: Unpack[AppOptions]) -> None:
        # mypy checks the names; this is for everyone else (a test's parameters, a script):
        # a misspelled option must fail, as a keyword-only parameter does, not be ignored.
        unknown = sorted(set(options) - set(AppOptions.__annotations__))
        if unknown:
            raise TypeError(f"ProcTUI() got unexpected keyword arguments: {', '.join(unknown)}")
        super().__init__()
        self.lang = options.get("lang") or default_language()
        self.theme = THEMES[options.get("theme", "dark")]
        self.lab = lab if lab is not None else Lab()
        self.refresh_seconds = options.get("refresh_seconds", 1.0)
        self._reader: SnapshotReader | None = None
        # Made here, not when Textual asks for it, so that it can be looked at (tests,
        # benchmarks) before the app runs.
        # proctui run FILE: the screen starts it once it is up.
        self.main_screen = MainScreen(self.lab, scope=options.get("scope", "lab"), lang=self.lang,
                                      script=options.get("script"), id="main")
        self._practice = options.get("practice")  # proctui practice: the exercise and where its transcript goes
        #: --record: where a lesson step is marked (the cast's marker), or None
        self.recording_marks: Callable[[str], object] | None = None

    @property
    def glossary(self) -> dict[str, str]:
        """Read when the help opens, in the language of the moment."""
        return load_glossary(self.lang)

    def get_default_screen(self) -> Screen[None]:
        return self.main_screen

    def on_mount(self) -> None:
        main = self.main_screen

        def report(snapshot: Snapshot | None, error: str | None) -> None:
            """The reader thread's report, to the screen (post_message is thread-safe)."""
            main.post_message(SnapshotTaken(snapshot, error=error))

        self._reader = SnapshotReader(main.read_snapshot, report)
        self.set_interval(self.refresh_seconds, self._reader.request)
        self.check_size(self.size)
        if self._practice is not None:
            exercise, transcript = self._practice
            self.call_after_refresh(main.open_practice, exercise, transcript)

    async def run_action(self, action: str | ActionParseResult, default_namespace: DOMNode | None = None,
                         namespaces: Mapping[str, DOMNode] | None = None) -> bool:
        """Every key's and the palette's action: one that acts on the processes of now
        brings the main screen back from the past first (back in time is a view)."""
        if isinstance(action, str):
            self.main_screen.leave_the_past_for(action)
        return await super().run_action(action, default_namespace, namespaces)

    def on_main_screen_lesson_step_shown(self, message: LessonStepShown) -> None:
        if self.recording_marks is not None:
            self.recording_marks(message.text)

    def on_main_screen_language_chosen(self, message: LanguageChosen) -> None:
        self.lang = message.lang

    def on_main_screen_snapshot_wanted(self, message: SnapshotWanted) -> None:
        """Read /proc again soon (in the reader thread; never two reads at once)."""
        if self._reader is not None:
            self._reader.request()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's own commands in the user's language, then proctui's.

        Textual's "Keys" is left out: its panel lists the bindings' English message ids,
        and ? shows every key in the user's language. Its "Screenshot" is made again here
        so that the toast that follows is in the user's language too.
        """
        _ = words(self.lang)
        for command in super().get_system_commands(screen):
            if command.title in _TEXTUAL_COMMANDS:
                yield command._replace(title=_(command.title), help=_(command.help))
        yield SystemCommand(_("Screenshot"), _("Save an SVG picture of the screen in the current directory"),
                            self._save_screenshot)
        yield from self.main_screen.palette_commands()

    def _save_screenshot(self) -> None:
        path = self.save_screenshot(path=os.getcwd())
        _ = words(self.lang)
        self.notify(_("Saved the screen to {path}").format(path=path), timeout=6)

    def action_command_palette(self) -> None:
        # Textual's own, with its placeholder in the user's language.
        _ = words(self.lang)
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=_("Search for commands…")))

    def search_themes(self) -> None:
        _ = words(self.lang)
        self.push_screen(CommandPalette(providers=[ThemeProvider], placeholder=_("Search for themes…")))

    # -- terminal size -------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self.check_size(event.size)

    def check_size(self, size: Size) -> None:
        """Cover the app with a clear message while the terminal is below 80x24."""
        guard_size(self, size, self.lang)

    # -- help and quitting -------------------------------------------------------------------

    def action_help(self) -> None:
        self.push_screen(HelpScreen(actions.key_help(self.get_key_display, self.lang), self.glossary, self.lang))

    async def action_quit(self) -> None:
        self.main_screen.event_log.add_message(N_("quitting: ending and reaping every lab process"))
        self.lab.shutdown()
        self.exit()

    def on_unmount(self) -> None:
        # Whatever way the app ends, nothing it started may outlive it.
        if self._reader is not None:
            self._reader.stop()
            self._reader = None
        self.lab.shutdown()
