"""The viewers of a script run by proctui: one for each of its paused processes, side
by side. A viewer comes when its process first pauses and goes when it ends."""

from __future__ import annotations

from dataclasses import dataclass

from textual.containers import Horizontal
from textual.message import Message

from proctui.core.lab.records import Records
from proctui.core.script.runner import Ended, Pause, Scripts
from proctui.ui.widgets.script_viewer import ScriptViewer


class ScriptViewers(Horizontal):
    DEFAULT_CSS = """
    ScriptViewers { height: 1fr; min-height: 9; }
    """

    @dataclass
    class Reported(Message, bubble=False):
        """A pause or an end, carried from the channel's thread (``on_script_viewers_reported``)."""

        item: Pause | Ended

    class Closed(Message):
        """Every process of the script has ended (``on_script_viewers_closed``)."""

    def __init__(self, scripts: Scripts, records: Records, language: str = "en", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.scripts = scripts
        self._records = records  # the lab's: what each process is called
        self.language = language
        self.viewers: dict[int, ScriptViewer] = {}

    def report(self, item: Pause | Ended) -> None:
        """From the channel's threads: post_message is thread-safe."""
        self.post_message(self.Reported(item))

    async def on_script_viewers_reported(self, message: Reported) -> None:
        item = message.item
        if isinstance(item, Ended):
            viewer = self.viewers.pop(item.pid, None)
            if viewer is not None:
                had_focus = viewer.has_focus
                await viewer.remove()
                if had_focus and self.viewers:
                    next(iter(self.viewers.values())).focus()
            if not self.viewers:
                self.post_message(self.Closed())
            return
        viewer = self.viewers.get(item.pid)
        if viewer is None:
            viewer = ScriptViewer(item.pid, self._label_of(item.pid), self.language, id=f"script-{item.pid}")
            self.viewers[item.pid] = viewer
            await self.mount(viewer)
            if len(self.viewers) == 1:
                # Now, not at the next idle as focus() would: a key pressed the moment the
                # viewer shows (a user quick on n) must reach it, not the tree.
                self.screen.set_focus(viewer)
        viewer.show(item)

    def _label_of(self, pid: int) -> str:
        record = self._records.latest(pid)
        return record.label if record is not None else f"PID {pid}"

    async def on_script_viewer_closed(self, message: ScriptViewer.Closed) -> None:
        await self.on_script_viewers_reported(self.Reported(Ended(message.pid)))

    def on_script_viewer_command(self, message: ScriptViewer.Command) -> None:
        self.scripts.command(message.pid, message.what, **message.facts)

    def set_language(self, language: str) -> None:
        self.language = language
        for viewer in self.viewers.values():
            viewer.language = language
            if viewer.pause is not None:
                viewer.show(viewer.pause)
