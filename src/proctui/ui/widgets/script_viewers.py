"""The viewers of a script run by proctui: one for each of its paused processes. A viewer
comes when its process first pauses and goes when it ends.

As many as fit at a readable width (``VIEWER_WIDTH`` columns each) stand side by side;
when more are open, a line of tabs above them names every one (label, PID, the line it
is paused at), and Tab in a viewer moves to the next, showing it. While a viewer's
process runs, the viewer says what it is blocked on, read from /proc every refresh
(``core.procfs.waits``), and which paused process of the script it waits for.
"""

from __future__ import annotations

import linecache
from dataclasses import dataclass

from textual.containers import Horizontal, Vertical
from textual.message import Message

from proctui.core.lab.records import SCRIPT_CHILD_ROLE, SCRIPT_ROLE, Records
from proctui.core.procfs.waits import what_waits
from proctui.core.script.pauses import SentOn
from proctui.core.script.runner import Ended, Pause, Scripts
from proctui.core.script.wait_note import wait_note
from proctui.ui.widgets.script_viewer import ScriptViewer
from proctui.ui.widgets.viewer_tabs import ViewerTab, ViewerTabs

#: The narrowest a viewer stands beside others (its border, the line numbers, some 33 columns of
#: code): two at 80 columns, so that fork() returning twice is seen side by side there.
VIEWER_WIDTH = 40
#: How often a running process's wait is read again (seconds): "running…" says no more than this long.
LOOK_EVERY = 0.5


class ScriptViewers(Vertical):
    DEFAULT_CSS = """
    ScriptViewers { height: 1fr; min-height: 9; }
    ScriptViewers > #viewer-row { height: 1fr; }
    """

    @dataclass
    class Reported(Message, bubble=False):
        """A pause, an end or a send-on, carried from the channel's thread (``on_script_viewers_reported``)."""

        item: Pause | Ended | SentOn

    class Closed(Message):
        """Every process of the script has ended (``on_script_viewers_closed``)."""

    def __init__(self, scripts: Scripts, records: Records, language: str = "en", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.scripts = scripts
        self._records = records  # the lab's: what each process is called
        self.language = language
        self.viewers: dict[int, ScriptViewer] = {}  # in the order they came
        self.tabs = ViewerTabs()
        self.row = Horizontal(id="viewer-row")
        self._first_shown = 0  # the index of the leftmost viewer shown side by side
        self._looking = False  # a read of the running processes' waits is under way

    def compose(self):  # type: ignore[no-untyped-def]  # ComposeResult
        yield self.tabs
        yield self.row

    def on_mount(self) -> None:
        self.tabs.display = False
        self.set_interval(LOOK_EVERY, self._look_at_running)

    def report(self, item: Pause | Ended | SentOn) -> None:
        """From the channel's threads: post_message is thread-safe."""
        self.post_message(self.Reported(item))

    async def on_script_viewers_reported(self, message: Reported) -> None:
        item = message.item
        if isinstance(item, Ended):
            await self._close(item.pid)
            return
        viewer = self.viewers.get(item.pid)
        if isinstance(item, SentOn):
            if viewer is not None:
                viewer.show_running(free=item.free)
                self._show_tabs()
            return
        if viewer is None:
            viewer = ScriptViewer(item.pid, self._label_of(item.pid), self.language, id=f"script-{item.pid}")
            self.viewers[item.pid] = viewer
            await self.row.mount(viewer)
            if len(self.viewers) == 1:
                # Now, not at the next idle as focus() would: a key pressed the moment the
                # viewer shows (a user quick on n) must reach it, not the tree.
                self.screen.set_focus(viewer)
            self._arrange()
        viewer.show(item)
        if not self.scripts.pauses.is_paused(item.pid):
            # C sent it on between its pause and this message: it runs, as the book says.
            viewer.show_running(free=False)
        self._show_tabs()

    async def _close(self, pid: int) -> None:
        viewer = self.viewers.pop(pid, None)
        if viewer is not None:
            had_focus = viewer.has_focus
            await viewer.remove()
            if had_focus and self.viewers:
                self._focus(min(self._first_shown, len(self.viewers) - 1))
            self._arrange()
        if not self.viewers:
            self.post_message(self.Closed())

    def _label_of(self, pid: int) -> str:
        record = self._records.latest(pid)
        return record.label if record is not None else f"PID {pid}"

    # -- which viewers stand side by side ----------------------------------------------------

    @property
    def fit(self) -> int:
        """How many viewers stand side by side at a readable width (at least one)."""
        return max(1, (self.size.width or 80) // VIEWER_WIDTH)

    def _arrange(self) -> None:
        """Show a window of ``fit`` viewers that holds the focused one; hide the others."""
        order = list(self.viewers.values())
        focused = next((n for n, viewer in enumerate(order) if viewer.has_focus), None)
        fit = self.fit
        if focused is not None:
            if focused < self._first_shown:
                self._first_shown = focused
            elif focused >= self._first_shown + fit:
                self._first_shown = focused - fit + 1
        self._first_shown = max(0, min(self._first_shown, len(order) - fit))
        for n, viewer in enumerate(order):
            viewer.display = self._first_shown <= n < self._first_shown + fit
        self.tabs.display = len(order) > fit
        self._show_tabs()

    def _show_tabs(self) -> None:
        if not self.tabs.display:
            return
        self.tabs.show_tabs([ViewerTab(pid, viewer.label, viewer.pause.line if viewer.pause else None,
                                       bool(viewer.display), viewer.has_focus)
                             for pid, viewer in self.viewers.items()], self.language)

    def on_resize(self) -> None:
        self._arrange()

    def on_descendant_focus(self) -> None:
        self._arrange()

    def _focus(self, index: int) -> None:
        order = list(self.viewers.values())
        viewer = order[index]
        viewer.display = True  # focusable only once shown
        self.screen.set_focus(viewer)
        self._arrange()

    def on_script_viewer_move(self, message: ScriptViewer.Move) -> None:
        """Tab / Shift+Tab in a viewer: the next or previous viewer, shown if it was not;
        past the last (or before the first), the next pane as Tab always goes."""
        order = list(self.viewers)
        if message.pid not in order:
            return
        index = order.index(message.pid) + message.step
        if 0 <= index < len(order):
            self._focus(index)
        elif message.step > 0:
            self.screen.focus_next()
        else:
            self.screen.focus_previous()

    # -- what a running process waits for ----------------------------------------------------

    def _look_at_running(self) -> None:
        """Read, in a thread, what each viewer's running process is blocked on."""
        running = {pid: viewer.sent_from for pid, viewer in self.viewers.items() if viewer.pause is None}
        if not running or self._looking:
            return
        self._looking = True
        self.run_worker(lambda: self._read_waits(running, self.language), thread=True, group="waits")

    def _read_waits(self, running: dict[int, tuple[str, int, str] | None], language: str) -> None:
        names = {record.pid: record.label for record in self._records.live()
                 if record.role in (SCRIPT_ROLE, SCRIPT_CHILD_ROLE)}
        paused = self.scripts.pauses.paused_now
        notes = {}
        for pid, sent_from in running.items():
            at = None
            if sent_from is not None and sent_from[2] == "next":  # still inside that line
                at = (sent_from[1], linecache.getline(sent_from[0], sent_from[1]).strip())
            notes[pid] = wait_note(what_waits(pid, names), names, paused, language, at)
        self.app.call_from_thread(self._show_waits, notes)

    def _show_waits(self, notes: dict[int, str]) -> None:
        self._looking = False
        for pid, note in notes.items():
            viewer = self.viewers.get(pid)
            if viewer is not None and note:
                viewer.show_waiting(note)

    # -- commands ------------------------------------------------------------------------------

    def on_script_viewer_command(self, message: ScriptViewer.Command) -> None:
        self.scripts.command(message.pid, message.what, **message.facts)
        self._show_tabs()  # its tab says it runs

    def continue_all(self) -> int:
        """C: every process of the script runs on; how many were paused."""
        sent = self.scripts.continue_all()
        for pid in sent:
            viewer = self.viewers.get(pid)
            if viewer is not None:
                viewer.show_running()
        self._show_tabs()
        return len(sent)

    async def on_script_viewer_closed(self, message: ScriptViewer.Closed) -> None:
        await self._close(message.pid)

    def set_language(self, language: str) -> None:
        self.language = language
        for viewer in self.viewers.values():
            viewer.language = language
            if viewer.pause is not None:
                viewer.show(viewer.pause)
        self._show_tabs()
