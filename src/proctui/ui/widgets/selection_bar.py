"""One line under the tree about the selected process: who it is and what may be done to it."""

from __future__ import annotations

import time

from rich.text import Text
from textual.widgets import Static

from proctui.core.i18n import words
from proctui.core.lab.lab import LabProcess
from proctui.core.lifeline.life_words import fit_life_words, life_words
from proctui.core.lifeline.lives import Life
from proctui.core.procfs.stat import ProcInfo


def describe_selection(info: ProcInfo | None, record: LabProcess | None, own_pid: int,
                       role: str | None = None, lang: str = "en") -> Text:
    """role: what a non-lab process is to proctui (a pool worker, a multiprocessing helper)."""
    if info is None:
        return Text("")
    _ = words(lang)
    # One line: a label or command line too long for it ends in "…", never silently.
    text = Text(no_wrap=True, overflow="ellipsis")
    if info.pid == own_pid:
        text.append(_("PID {pid} is proctui itself, the parent of every lab child").format(pid=info.pid),
                    style="cyan")
        return text
    if record is not None:
        started = time.strftime("%H:%M:%S", time.localtime(record.started_at))
        text.append(f"{record.label}", style="bold cyan")
        if record.process is None:
            # A grandchild: what matters is who started it, not when.
            text.append(_(" PID {pid} · started by PID {parent} · t/x end it").format(
                pid=info.pid, parent=record.former_parent))
            return text
        # The start time as htop's START column shows it: no word, so the line fits 80 columns.
        text.append(_(" PID {pid} · {role} · {method} · {time}").format(
            pid=info.pid, role=_(record.role), method=record.start_method, time=started))
        if info.is_zombie:
            text.append(_(" · w reaps it"), style="yellow")
        else:
            text.append(_(" · t/x end it, w joins"))
        return text
    if role is not None:
        text.append(f"PID {info.pid} · ", style="dim")
        text.append(_(role), style="bold cyan")
        # The role says what multiprocessing runs it for; short, so a helper's line fits.
        text.append(_(" · not a lab process"), style="dim")
        return text
    import psutil  # here: only a selected system row needs it, not every start

    try:
        # psutil for the one selected row only: cmdline and owner are not in /proc/PID/stat.
        proc = psutil.Process(info.pid)
        with proc.oneshot():
            cmdline = " ".join(proc.cmdline()) or f"[{info.name}]"
            user = proc.username()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        cmdline, user = info.name, "?"
    text.append(_("PID {pid} · {user} · not a lab process (read-only) · ").format(pid=info.pid, user=user),
                style="dim")
    text.append(cmdline)
    return text


class SelectionBar(Static):
    DEFAULT_CSS = """
    SelectionBar { height: 1; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: Text | None = None

    def show_ghost(self, life: Life, lang: str = "en") -> None:
        """A gone process's row is selected: the whole of what its row says, in one line."""
        phrases = life_words(life, life.ended if life.ended is not None else life.born, lang)
        self._say(Text(fit_life_words(life, phrases, self._room()), style="italic"))

    def _room(self) -> int:
        """Its width in cells (before the first layout, the app's less the margins)."""
        return max(10, self.content_size.width or self.app.size.width - 2)

    def show_past(self, info: ProcInfo | None, record: LabProcess | None, at: float, lang: str = "en") -> None:
        """Back in time: the selected row as /proc showed it then (nothing can be done to it)."""
        _ = words(lang)
        if info is None:
            text = Text("")
        else:
            name = record.label if record is not None and record.label else info.name
            text = Text(_("{name} (PID {pid}) · {state} · as /proc showed it at {clock}").format(
                name=name, pid=info.pid, state=f"{info.state} {_(info.state_word)}",
                clock=time.strftime("%H:%M:%S", time.localtime(at))), style="italic")
            text.truncate(self._room(), overflow="ellipsis")
        self._say(text)

    def show_selection(self, info: ProcInfo | None, record: LabProcess | None, own_pid: int,
                       role: str | None = None, lang: str = "en") -> None:
        self._say(describe_selection(info, record, own_pid, role, lang))

    def _say(self, text: Text) -> None:
        # Every refresh asks; an update() with the same text would still lay out the
        # screen again and repaint this line and the scroll bars: bytes and CPU for nothing.
        if text != self._shown:
            self._shown = text
            self.update(text)
