"""In Chinese at 80×24: every screen and every kind of event, and no English sentence
outside code, and nothing cut off.

One long walk drives the real app with keys (fork, zombie, orphan, daemons, pool,
signals, the stepped join, scope, start method, the prompts, the help, the lessons, the
command palette, the too-small screen, the refusals). At each stop it waits for what shows
the action happened, then reads the whole screen and looks for three or more English
words in a row, leaving out what is code: `backticks`, calls like join() or
os.waitpid(pid, 0), identifiers with _ or ., paths, SIG names, ALL-CAPS words, key names,
and the Python source in the code viewer. It also reads every line of the event log, the
help's whole content (not only what is scrolled into view), every palette command and
every lesson, and checks that nothing is cut at 80 columns: border titles and subtitles,
the selection line, the footer, the tree's rows, the lesson panel and the code viewer's
notes, and the help's tables (Rich cuts a word it cannot fold with …). What no key makes
happen here (error paths, Python 3.12's fork warning) is shown from test_render's samples,
so that every kind of event and every refusal is seen on the screen.

Every problem is collected and the test fails once, at the end, with all of them: one run
shows everything still to translate.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import pytest
from rich.cells import cell_len
from rich.console import Console
from textual.command import CommandPalette
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets._footer import FooterKey

from helpers.app_screen import logged, refused, screen_text, select
from helpers.event_samples import CHINESE_CASES  # a sample of every event and refusal, with facts
from helpers.waiting import pilot_wait_until
from proctui.core import events as ev
from proctui.core.events import Refusal
from proctui.core.procfs.helper_roles import helper_role
from proctui.core.teaching.lessons import load_glossary, load_lessons
from proctui.ui import actions
from proctui.ui.dialogs.exit_code import ExitCodeScreen
from proctui.ui.dialogs.help import HelpScreen
from proctui.ui.dialogs.too_small import TooSmallScreen
from proctui.ui.screens.lessons import LessonPicker

SIZE = (80, 24)

# -- English runs --------------------------------------------------------------------------

_NOT_CHINESE = r"[^\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]*"

#: What is code, not prose: it may stay English. Each match is replaced by a breaker, so
#: that the words on either side of a piece of code never join into one run.
_CODE = [
    re.compile(r"`[^`]*`"),  # `backticks`
    re.compile(r"[\w.]*\w\([^()]*\)"),  # calls: join(), os.waitpid(pid, 0) (applied until none is left)
    re.compile(r"\S*/\S*"),  # paths (/proc/PID/stat), t/x, on/off
    re.compile(r"\w*(?:_\w*|\.\w+)+"),  # identifiers with _ or . (os._exit, multiprocessing.Pool, SIG_IGN)
    re.compile(r"\bSIG[A-Z0-9]+\b"),  # signal names
    re.compile(r"\b[A-Z][A-Z0-9]+\b"),  # ALL CAPS: PID, PPID, WIFEXITED
    re.compile(r"\b(?:ctrl|shift|alt)\+\S+|\b(?:esc|enter|tab)\b"),  # key names
    re.compile(r"\w+=\S*"),  # name=value (daemon=True, maxtasksperchild=2)
    # Python's own words, quoted: an exception and its message, an assert statement, up
    # to the next Chinese character or Chinese punctuation.
    re.compile(r"\b[A-Z]\w*(?:Error|Exception|Warning)\b:?" + _NOT_CHINESE),
    re.compile(r"\bassert\b" + _NOT_CHINESE),
]
_BREAK = " ¦ "
#: English words in a row: letters, apart only by spaces and simple punctuation.
_RUN = re.compile(r"[A-Za-z]+(?:[ ,;:.'\-]+[A-Za-z]+)*")
_WORD = re.compile(r"[A-Za-z]+")


def strip_code(text: str) -> str:
    for pattern in _CODE:
        while True:
            stripped = pattern.sub(_BREAK, text)
            if stripped == text:
                break
            text = stripped
    return text


def english_runs(text: str) -> list[str]:
    """Every run of three or more English words in text, outside code. A single letter at
    either end of a run is a key, not a word ("w join f" is the footer: one word)."""
    runs = []
    for match in _RUN.finditer(strip_code(text)):
        words = list(_WORD.finditer(match.group(0)))
        while words and len(words[0].group(0)) == 1:
            words.pop(0)
        while words and len(words[-1].group(0)) == 1:
            words.pop()
        if len(words) >= 3:
            run = match.group(0)[words[0].start():words[-1].end()]
            runs.append(" ".join(run.split()))
    return runs


def test_english_runs_finds_sentences_and_leaves_code_alone():
    assert english_runs("start a child that exits at once") == ["start a child that exits at once"]
    assert english_runs("按 t 发送 SIGTERM，join() 回收它；os.waitpid(42, 0) 返回 (42, 0x0000)") == []
    assert english_runs("/proc/42/stat 的 PID PPID 字段") == []
    assert english_runs("`self._popen.wait(timeout)` 在 multiprocessing.Pool 里") == []
    assert english_runs("僵尸进程 (zombie)：still a zombie 直到") == ["still a zombie"]
    assert english_runs("fork -> spawn -> forkserver") == []
    assert english_runs("n 下一步 · c 继续 · esc close") == []  # two words: not a sentence
    assert english_runs("esc to close the viewer") == ["to close the viewer"]
    assert english_runs("t 终止 x 杀死 w join f 创建") == []  # keys and one word each
    assert english_runs("日志：AssertionError: daemonic processes are not allowed to have children。") == []
    assert english_runs("assert self._popen is not None, 'can only join a started process'：即") == []
    sentence = "proctui adopted it, so proctui reaps it"
    assert english_runs(f"日志：{sentence}。") == [sentence]


# -- where the problems are collected --------------------------------------------------------


@dataclass
class Findings:
    english: dict[str, list[str]] = field(default_factory=dict)  # run -> where it was seen
    cut: dict[str, list[str]] = field(default_factory=dict)  # what is cut -> where
    quoted: set[str] = field(default_factory=set)  # runs in text from outside proctui (not counted)
    screens: int = 0  # how many screens were read
    texts: int = 0  # how many texts were read (lines, titles, commands, lesson steps)

    def add_english(self, where: str, text: str, outside: Iterable[str] = ()) -> None:
        outside = [" ".join(value.split()) for value in outside]
        self.texts += 1
        text = " ".join(text.split())
        for value in outside:  # a quote, or the piece of it a wrapped line shows: not proctui's words
            while True:
                match = SequenceMatcher(None, text, value, autojunk=False).find_longest_match()
                if match.size < min(12, len(value)) or not value:
                    break
                self.quoted.update(english_runs(text[match.a:match.a + match.size]))
                text = text[:match.a] + _BREAK + text[match.a + match.size:]
        for run in english_runs(text):
            places = self.english.setdefault(run, [])
            if where not in places:
                places.append(where)

    def add_cut(self, where: str, what: str) -> None:
        places = self.cut.setdefault(what, [])
        if where not in places:
            places.append(where)

    def report(self) -> str:
        lines = []
        if self.english:
            lines.append(f"{len(self.english)} English runs outside code:")
            lines += [f"  {run!r}  [{_places(places)}]" for run, places in self.english.items()]
        if self.cut:
            lines.append(f"{len(self.cut)} things cut off at 80 columns:")
            lines += [f"  {what}  [{_places(places)}]" for what, places in self.cut.items()]
        return "\n".join(lines)


def _places(places: list[str], shown: int = 4) -> str:
    more = f", and {len(places) - shown} more" if len(places) > shown else ""
    return ", ".join(places[:shown]) + more


# -- reading the screen ---------------------------------------------------------------------


def _blank_region(lines: list[str], region) -> list[str]:
    """lines with the cells of region replaced by a breaker (cells, not characters: CJK is 2)."""
    out = []
    for y, line in enumerate(lines):
        if not region.y <= y < region.bottom:
            out.append(line)
            continue
        kept: list[str] = []
        x = 0
        for char in line:
            if region.x <= x < region.right:
                if not kept or kept[-1] != "¦":
                    kept.append("¦")
            else:
                kept.append(char)
            x += cell_len(char)
        out.append("".join(kept))
    return out


def quoted_values(app) -> list[str]:
    """Text in the log that comes from outside proctui: Python's warnings and tracebacks,
    the system's error messages. A child's own output is checked (children print in the
    user's language) except the lines of a Python traceback."""
    values = []
    for event in app.main_screen.event_log.events:
        for name in ("message", "error"):
            value = getattr(event, name, None)
            if isinstance(value, str) and value:
                values.append(value)
        if isinstance(event, ev.Output) and _is_python_traceback(event.line):
            values.append(event.line)
    return values


_TRACEBACK = re.compile(r"^(Traceback \(most recent call last\)|\s+File \"|\s+\S|\w+(Error|Exception|Warning)\b)")


def _is_python_traceback(line: str) -> bool:
    return bool(_TRACEBACK.match(line))


def check_screen(app, findings: Findings, where: str) -> str:
    """Read the screen as it is now; note English runs and lines wider than 80 cells."""
    text = screen_text(app)
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if cell_len(line) > SIZE[0] and app.size.width == SIZE[0]:
            findings.add_cut(where, f"screen line {number} is {cell_len(line)} cells: {line!r}")
    main = app.main_screen
    if app.screen is main and main.stepper_open:
        lines = _blank_region(lines, main.stepper_pane.code_view.region)  # the Python source of multiprocessing
    if app.screen is main and main.scope == "system":
        lines = _blank_region(lines, main.selection_bar.region)  # another program's command line
    outside = quoted_values(app)
    for line in lines:
        findings.add_english(where, line, outside)
    findings.screens += 1
    check_one_liners(app, findings, where)
    return text


def _label_cells(label) -> int:
    if isinstance(label, str):
        try:
            return Content.from_markup(label).cell_length
        except Exception:  # noqa: BLE001 - not markup: as written
            return cell_len(label)
    return cell_len(str(label))


def check_one_liners(app, findings: Findings, where: str) -> None:
    """Border titles and subtitles, the selection line, the footer: each is one line, and
    Textual cuts (with …) what does not fit."""
    if isinstance(app.screen, TooSmallScreen):  # it covers the main screen: nothing else shows
        screens = [app.screen]
    else:
        screens = [app.screen] if app.screen is app.main_screen else [app.screen, app.main_screen]
    outside = quoted_values(app)
    for screen in screens:
        for widget in screen.query("*"):
            if not widget.display or widget.region.width == 0:
                continue
            for kind in ("border_title", "border_subtitle"):
                label = getattr(widget, kind, None)
                if not label:
                    continue
                findings.add_english(f"{where}: {kind} of {widget.__class__.__name__}", str(label), outside)
                room = widget.outer_size.width - 4  # two corners, a blank each side
                if _label_cells(label) > room:
                    findings.add_cut(where, f"{kind} of #{widget.id or widget.__class__.__name__} "
                                            f"({_label_cells(label)} cells, room for {room}): {str(label)!r}")
    if app.main_screen in screens:
        check_main_screen_lines(app, findings, where)


def check_main_screen_lines(app, findings: Findings, where: str) -> None:
    """The main screen's own lines: the selection line, the boxes of a maximum height, the
    tree's rows and the footer."""
    main = app.main_screen
    bar = main.selection_bar
    if bar.display and bar.region.width and main.scope == "lab":  # a system row shows its command line
        shown = bar._shown.plain if bar._shown is not None else ""
        if cell_len(shown) > bar.content_size.width:
            findings.add_cut(where, f"selection line ({cell_len(shown)} cells, room for "
                                    f"{bar.content_size.width}): {shown!r}")
    # Text boxes of a maximum height: what does not fit is hidden, not scrolled.
    for box in (main.lesson_panel, main.stepper_pane.note, main.stepper_pane.frame_view):
        if box.display and box.region.width and box.content_size.height:
            needed = box.get_content_height(main.size, app.size, box.content_size.width)
            if needed > box.content_size.height:
                plain = getattr(box.visual, "plain", None) or str(box.content)
                findings.add_cut(where, f"#{box.id or box.__class__.__name__} needs {needed} lines, shows "
                                        f"{box.content_size.height}: ...{plain[-60:]!r}")
    tree = main.process_tree
    if tree.display and tree.region.width and main.scope == "lab":
        if tree.virtual_size.width > tree.scrollable_content_region.width:
            findings.add_cut(where, f"tree rows are {tree.virtual_size.width} cells wide, the tree shows "
                                    f"{tree.scrollable_content_region.width}")
    footer = main.footer
    if app.screen is main and footer.region.width:
        keys = list(footer.query(FooterKey))
        right = max((key.region.right for key in keys), default=0)
        if right > footer.region.right:
            hidden = [f"{key.key_display} {key.description}" for key in keys if key.region.right > footer.region.right]
            findings.add_cut(where, f"footer ({right} cells, room for {footer.region.right}): hides {hidden}")


def check_log(app, findings: Findings) -> None:
    outside = quoted_values(app)
    for line in app.main_screen.event_log.lines_text:
        findings.add_english("event log", line, outside)


def render_plain(renderable, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None, record=True, legacy_windows=False)
    console.print(renderable)
    return console.export_text()


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    subclasses: list[type] = cls.__subclasses__()
    for sub in subclasses:
        found |= {sub} | _subclasses(sub)
    return found


# -- the walk -------------------------------------------------------------------------------




def new_process(app, before: set[int], label_prefix: str, label_suffix: str = ""):
    found = [p for p in app.lab.processes
             if p.pid not in before and p.label.startswith(label_prefix) and p.label.endswith(label_suffix)]
    return found[0] if found else None


async def start(pilot, app, key: str, label_prefix: str, label_suffix: str = ""):
    """Press key and return the new lab process whose label starts with label_prefix."""
    before = {p.pid for p in app.lab.processes}
    await pilot.press(key)
    return await pilot_wait_until(pilot, lambda: new_process(app, before, label_prefix, label_suffix),
                                  what=f"{key}: {label_prefix}")


async def wait_logged(pilot, app, cls, what: str, **fields):
    return await pilot_wait_until(pilot, lambda: logged(app, cls, **fields), what=what)


async def until_shown(pilot, app, condition, what):
    """Wait for condition, then for the frame that shows it."""
    await pilot_wait_until(pilot, condition, what=what)
    await pilot.pause(0.05)


async def press_until(pilot, app, key, condition, what):
    main = app.main_screen
    for _ in range(60):  # steps: a hang guard
        if condition():
            return
        before = main.shown_step
        await pilot.press(key)
        await pilot_wait_until(pilot, lambda: main.shown_step is not before or main.stepper.done, what="a new step")
    raise AssertionError(f"never reached {what}")


def at_call(app, kind: str, call: str) -> bool:
    step = app.main_screen.shown_step
    return step is not None and step.kind == kind and (step.call or "").startswith(call)


# guarded False: the notice a Python without multiprocessing's private children set gets at
# start: this flag is all it depends on (as in test_app), so the walk sees it too.
@pytest.mark.parametrize("app", [{"lang": "zh", "guarded": False}], indirect=True, ids=["zh"])
async def test_in_chinese_every_screen_and_event_is_chinese_and_fits_80_columns(app):  # noqa: C901
    # (C901: one walk through every screen in order, read top to bottom as a story; each part
    # uses the processes the parts before it started.)
    findings = Findings()
    main = app.main_screen
    me = os.getpid()

    async def stop(where: str) -> str:
        return check_screen(app, findings, where)

    async with app.run_test(size=SIZE) as pilot:
        await until_shown(pilot, app, lambda: main.event_log.lines_text and main.process_tree.node_for(me),
                          "the first frame")
        await stop("main screen at start")

        # -- start things --------------------------------------------------------------
        child = await start(pilot, app, "f", "child")
        await wait_logged(pilot, app, ev.Output, "the child's first line", pid=child.pid)
        await select(pilot, app, child.pid)
        await stop("f: a forked child, selected")

        zombie = await start(pilot, app, "z", "zombie")
        await wait_logged(pilot, app, ev.Exited, "the zombie's exit", pid=zombie.pid)
        await select(pilot, app, zombie.pid)
        await until_shown(pilot, app, lambda: main.snapshot and (p := main.snapshot.procs.get(zombie.pid))
                          and p.is_zombie, "the zombie row")
        await stop("z: a zombie, selected")

        orphan_parent = await start(pilot, app, "o", "orphan")
        await wait_logged(pilot, app, ev.GrandchildForked, "the grandchild")
        await wait_logged(pilot, app, ev.Exited, "the orphan's parent's exit", pid=orphan_parent.pid)
        await stop("o: an orphan")

        waiting = await start(pilot, app, "O", "orphan", "-parent")
        await pilot_wait_until(pilot, lambda: len(logged(app, ev.Output, pid=waiting.pid)) >= 1,
                               what="the waiting parent's line")
        await select(pilot, app, waiting.pid)
        await stop("O: a parent that waits, with its grandchild")
        await pilot.press("t")
        await wait_logged(pilot, app, ev.Adopted, "the grandchild adopted", former_parent=waiting.pid)
        await pilot.pause(0.1)
        await stop("t on the waiting parent: its grandchild adopted")
        [adopted] = [p for p in app.lab.processes if p.former_parent == waiting.pid]
        await select(pilot, app, adopted.pid)
        await pilot.press("x")
        await pilot_wait_until(pilot, lambda: logged(app, ev.Reaped, pid=adopted.pid), what="the orphan reaped")

        daemon = await start(pilot, app, "d", "daemon")
        await pilot_wait_until(pilot, lambda: len(logged(app, ev.Output, pid=daemon.pid)) >= 2,
                               what="the daemon's refused start()")
        await stop("d: a daemon child refused a child")

        parent = await start(pilot, app, "D", "daemon-", "-parent")
        await stop("D: a daemon with its parent, running")
        await pilot_wait_until(pilot, lambda: logged(app, ev.Exited, pid=parent.pid),
                               what="the daemon's parent to return")
        its_daemon = parent.label.removesuffix("-parent") + "-daemon"
        await pilot_wait_until(pilot, lambda: logged(app, ev.Exited, label=its_daemon),
                               what="the daemon to be ended with its parent")
        await stop("D: the daemon died with its parent")

        await pilot.press("p")
        await wait_logged(pilot, app, ev.PoolMapped, "the pool's map")
        await stop("p: a pool mapped its tasks")
        await select(pilot, app, next(iter(app.lab.pool_workers())))
        await pilot.press("t")
        await pilot_wait_until(pilot, lambda: refused(app, Refusal.POOL_WORKER), what="t on a pool worker refused")
        await stop("t on a pool worker (refused)")
        await pilot.press("P")
        await wait_logged(pilot, app, ev.PoolClosing, "the pool closing")
        await pilot_wait_until(pilot, lambda: not app.lab.pool_workers(), what="the pool's workers gone")
        await stop("P: pool closed and joined")
        refusals = len(logged(app, ev.Refused))
        await pilot.press("P")  # the newest pool is closed already
        await pilot_wait_until(pilot, lambda: len(logged(app, ev.Refused)) > refusals, what="P refused")
        await stop(f"P again: refused ({logged(app, ev.Refused)[-1].reason.name})")

        handler = await start(pilot, app, "h", "handler")
        await wait_logged(pilot, app, ev.Output, "the handler's first line", pid=handler.pid)
        await select(pilot, app, handler.pid)
        await stop("h: a child with a SIGTERM handler")
        await pilot.press("t")
        await wait_logged(pilot, app, ev.Exited, "the handler's exit", pid=handler.pid)
        await stop("t on the handler child")

        ignorer = await start(pilot, app, "H", "ignorer")
        await wait_logged(pilot, app, ev.Output, "the ignorer's first line", pid=ignorer.pid)
        await select(pilot, app, ignorer.pid)
        await pilot.press("t")
        await wait_logged(pilot, app, ev.Signalled, "SIGTERM ignored", pid=ignorer.pid, signal=15)
        await stop("t on the ignoring child")
        await pilot.press("x")
        await wait_logged(pilot, app, ev.Exited, "the ignorer's exit", pid=ignorer.pid)
        await stop("x on the ignoring child")

        # -- the selected child: s, t, i ------------------------------------------------
        await select(pilot, app, child.pid)
        await pilot.press("s")
        await wait_logged(pilot, app, ev.Signalled, "SIGSTOP", pid=child.pid, signal=19)
        await stop("s: child stopped")
        await pilot.press("s")
        await wait_logged(pilot, app, ev.Signalled, "SIGCONT", pid=child.pid, signal=18)
        await pilot.press("i")
        await wait_logged(pilot, app, ev.StillAlive, "is_alive() on a live child", pid=child.pid)
        await stop("i on a live child")

        await select(pilot, app, zombie.pid)
        await pilot.press("s")
        await pilot_wait_until(pilot, lambda: refused(app, Refusal.ZOMBIE_CANNOT_STOP), what="s on a zombie refused")
        await stop("s on a zombie (refused)")
        await pilot.press("i")
        await wait_logged(pilot, app, ev.Reaped, "is_alive() reaping the zombie", pid=zombie.pid)
        await stop("i on a zombie: reaped")

        [grandchild] = [p for p in app.lab.processes if p.label.startswith("orphan-") and p.process is None]
        await select(pilot, app, grandchild.pid)
        await pilot.press("i")
        await pilot_wait_until(pilot, lambda: refused(app, Refusal.NO_PROCESS_OBJECT), what="i on a grandchild")
        await stop("i on an orphaned grandchild (refused)")
        await pilot.press("x")
        await wait_logged(pilot, app, ev.Signalled, "x on the grandchild", pid=grandchild.pid, signal=9)
        await pilot_wait_until(pilot, lambda: logged(app, ev.Reaped, pid=grandchild.pid)
                               or logged(app, ev.Exited, pid=grandchild.pid), what="the grandchild's end")
        await stop("x on an orphaned grandchild")

        await select(pilot, app, me)
        await pilot.press("t")
        await pilot_wait_until(pilot, lambda: refused(app, Refusal.PROCTUI_ITSELF), what="t on proctui refused")
        await stop("t on proctui itself (refused)")

        # -- the stepped join -----------------------------------------------------------
        zombie2 = await start(pilot, app, "z", "zombie")
        await wait_logged(pilot, app, ev.Exited, "the second zombie's exit", pid=zombie2.pid)
        await select(pilot, app, zombie2.pid)
        await pilot.press("w")
        await until_shown(pilot, app, lambda: main.stepper is not None and main.shown_step is not None,
                          "the code viewer")
        await stop("w: code viewer, first step")
        await press_until(pilot, app, "n", lambda: at_call(app, "call", "os.waitpid("), what="os.waitpid")
        await pilot.pause(0.1)
        await stop("w: code viewer at os.waitpid")
        await pilot.press("n")
        await until_shown(pilot, app, lambda: at_call(app, "return", "os.waitpid("), "waitpid's return")
        await stop("w: code viewer after os.waitpid")
        await pilot.press("c")
        await until_shown(pilot, app, lambda: main.stepper.done and logged(app, ev.Reaped, pid=zombie2.pid)
                          and "·" not in str(main.stepper_pane.border_subtitle), "join to finish")
        await stop("w: join finished")
        await pilot.press("escape")
        await until_shown(pilot, app, lambda: main.stepper is None, "the viewer to close")

        await select(pilot, app, child.pid)
        await pilot.press("W")
        await until_shown(pilot, app, lambda: main.stepper is not None and main.shown_step is not None,
                          "the code viewer (W)")
        await press_until(pilot, app, "n", lambda: at_call(app, "call", "connection.wait("), what="connection.wait")
        await stop("W: join(1.0) at connection.wait")
        await pilot.press("c")
        await until_shown(pilot, app, lambda: main.stepper.done and logged(app, ev.JoinReturned, pid=child.pid),
                          "join(1.0) to return")
        await stop("W: join(1.0) returned, child still running")
        await pilot.press("escape")
        await until_shown(pilot, app, lambda: main.stepper is None, "the viewer to close")

        await select(pilot, app, child.pid)
        await pilot.press("w")
        await until_shown(pilot, app, lambda: main.stepper is not None and main.shown_step is not None,
                          "the code viewer (blocking w)")
        await press_until(pilot, app, "n", lambda: at_call(app, "call", "os.waitpid("), what="os.waitpid (blocking)")
        await pilot.press("n")
        await until_shown(pilot, app, lambda: main.steps is not None and main.steps.blocked_in(),
                          "the join to block")
        await until_shown(pilot, app, lambda: "在内核里阻塞于" in "".join(screen_text(app).replace("│", "").split()),
                          "the blocked note")  # it comes 0.3 s after n, or later
        await stop("w on a running child: blocked in waitpid")
        await pilot.press("t")  # in the viewer: t ends the joined child
        await until_shown(pilot, app, lambda: at_call(app, "return", "os.waitpid("), "waitpid to return")
        await stop("t in the code viewer: waitpid returned")
        await pilot.press("c")
        await until_shown(pilot, app, lambda: main.stepper.done, "the join to finish")
        await pilot.press("escape")
        await until_shown(pilot, app, lambda: main.stepper is None, "the viewer to close")

        # -- the palette-only actions (run as the palette runs them) --------------------
        forks = len(logged(app, ev.Forked))
        await main.run_action("start('raising-child')")
        await main.run_action("start('exiting-child')")
        await pilot_wait_until(pilot, lambda: len(logged(app, ev.Forked)) == forks + 2, what="two more children")
        two = [event.pid for event in logged(app, ev.Forked)[-2:]]
        await pilot_wait_until(pilot, lambda: all(logged(app, ev.Exited, pid=pid) for pid in two),
                               what="the raising and the exiting child to exit")
        await pilot.pause(0.2)  # the traceback's last lines
        await stop("a child that raises, a child that calls sys.exit('message')")
        forks = len(logged(app, ev.Forked))
        await main.run_action("start('exit-256')")
        await pilot_wait_until(pilot, lambda: len(logged(app, ev.Forked)) == forks + 1, what="sys.exit(256)'s child")
        exit_256 = logged(app, ev.Forked)[-1].pid
        await wait_logged(pilot, app, ev.Exited, "sys.exit(256)'s exit", pid=exit_256)
        shell = await start(pilot, app, "dollar_sign", "shell", "-sleep")
        await select(pilot, app, shell.pid)
        await stop("$: a shell child and its sleep, the sleep selected")
        await pilot.press("t")
        await wait_logged(pilot, app, ev.Exited, "the shell's exit with $?", pid=shell.former_parent)
        await pilot.pause(0.1)
        await stop("t on the shell's child: the shell says $? = 143; sys.exit(256)")
        forks = len(logged(app, ev.Forked))
        await main.run_action("start('keyboard-interrupt')")
        await pilot_wait_until(pilot, lambda: len(logged(app, ev.Forked)) == forks + 1, what="the SIGINT child")
        interruptible = logged(app, ev.Forked)[-1].pid
        await wait_logged(pilot, app, ev.Output, "the SIGINT child's first line", pid=interruptible)
        await select(pilot, app, interruptible)
        await pilot.press("I")
        await wait_logged(pilot, app, ev.Exited, "KeyboardInterrupt's exit", pid=interruptible)
        await pilot.pause(0.2)  # the traceback's last lines
        await stop("I on a child with Python's SIGINT handler: KeyboardInterrupt")
        forks = len(logged(app, ev.Forked))
        await main.run_action("start('sigchld-ignored')")
        await pilot_wait_until(pilot, lambda: len(logged(app, ev.Forked)) == forks + 1, what="the SIGCHLD parent")
        sigchld = logged(app, ev.Forked)[-1].pid
        [its_child] = await pilot_wait_until(pilot, lambda: logged(app, ev.GrandchildForked, parent_pid=sigchld),
                                             what="its child")
        await wait_logged(pilot, app, ev.Output, "its child's first line", pid=its_child.pid)
        await select(pilot, app, its_child.pid)
        await pilot.press("t")
        await pilot_wait_until(pilot, lambda: len(logged(app, ev.Output, pid=sigchld)) >= 5, what="the parent's lines")
        await pilot.pause(0.1)
        await stop("t on the child of a parent that ignores SIGCHLD: reaped by the kernel")
        await main.run_action("join_unstarted")
        await until_shown(pilot, app, lambda: main.stepper is not None, "the never-started join")
        await pilot.press("c")
        await until_shown(pilot, app, lambda: main.stepper.done, "the assert")
        await stop("join of a never-started Process: the assert")
        await pilot.press("escape")
        await until_shown(pilot, app, lambda: main.stepper is None, "the viewer to close")
        was = app.lab.subreaper
        for on in (not was, was):  # SubreaperSet both ways
            await main.run_action("toggle_subreaper")
            await wait_logged(pilot, app, ev.SubreaperSet, f"subreaper {on}", on=on)
            await pilot.pause(0.05)
            await stop(f"subreaper {'on' if on else 'off'}")
            if not on:  # the grandchild leaves proctui's tree: the log says so
                lost = await start(pilot, app, "o", "orphan")
                await wait_logged(pilot, app, ev.OrphanLeavesTheTree, "the orphan leaving the tree")
                await wait_logged(pilot, app, ev.Exited, "the lost orphan's parent's exit", pid=lost.pid)
                await stop("o with proctui no subreaper: the orphan leaves the tree")
                # Out of the tree there is no row to press x on: what x would do, done here.
                for record in [p for p in app.lab.processes if p.process is None]:
                    app.lab.kill(record)
                    await pilot_wait_until(pilot, lambda: logged(app, ev.Signalled, pid=record.pid, signal=9),
                                           what="x on the lost grandchild")
            if on:
                orphan2 = await start(pilot, app, "o", "orphan")
                await wait_logged(pilot, app, ev.Exited, "the second orphan's parent's exit", pid=orphan2.pid)
                await pilot_wait_until(pilot, lambda: logged(app, ev.Adopted), what="the grandchild adopted")
                await stop("o with proctui a subreaper: adopted")
        await pilot.press("p")
        await pilot_wait_until(pilot, lambda: len(logged(app, ev.PoolCreated)) == 2, what="a second pool")
        await main.run_action("end_pool('terminate')")
        await wait_logged(pilot, app, ev.PoolTerminating, "the pool terminated")
        await pilot_wait_until(pilot, lambda: not app.lab.pool_workers(), what="the second pool's workers gone")
        await stop("pool: terminate()")

        # -- start method and scope ------------------------------------------------------
        for method in ("spawn", "forkserver", "fork"):
            await pilot.press("m")
            await wait_logged(pilot, app, ev.StartMethodChosen, f"start method {method}", start_method=method)
            await until_shown(pilot, app, lambda: method in str(main.process_tree.border_title), "the title")
            await stop(f"m: start method {method}")
            if method != "fork":  # a child of each: spawn brings the resource tracker, forkserver its server
                started = await start(pilot, app, "f", "child")
                await wait_logged(pilot, app, ev.Output, f"the {method} child's first line", pid=started.pid)
                await stop(f"f under {method}")
        # The helpers' rows, selected: their selection lines are the longest. (A snapshot
        # taken after the fork server started has them both.)
        def helpers_shown() -> list[int] | None:
            found = [pid for pid in main.snapshot.procs if helper_role(pid)]
            return found if len(found) >= 2 else None

        helpers = await pilot_wait_until(pilot, helpers_shown, what="a fork server and a resource tracker to select")
        for pid in helpers:
            await select(pilot, app, pid)
            await until_shown(pilot, app, lambda: f"PID {pid} ·" in str(main.selection_bar.render()),
                              "the helper's selection line")
            await stop(f"a multiprocessing helper selected: {helper_role(pid)}")

        await pilot.press("a")
        await until_shown(pilot, app, lambda: main.scope == "system" and main.snapshot
                          and 1 in main.snapshot.procs and main.process_tree.node_for(1), "the whole system")
        await stop("a: whole system")
        outsider = next(pid for pid in main.snapshot.procs
                        if pid != me and app.lab.get(pid) is None and main.process_tree.node_for(pid)
                        and pid not in app.lab.pool_workers())
        await select(pilot, app, outsider)
        await pilot.press("w")
        await pilot_wait_until(pilot, lambda: refused(app, Refusal.NOT_A_LAB_PROCESS, pid=outsider),
                               what="w on a non-lab process refused")
        await stop("w on a non-lab process (refused)")
        await pilot.press("a")
        await until_shown(pilot, app, lambda: main.scope == "lab" and "·" in str(main.process_tree.border_title)
                          and "system" not in str(main.process_tree.border_title), "lab scope again")
        await stop("a: back to the lab")

        # -- Z: the exit code prompt ------------------------------------------------------
        await pilot.press("Z")
        await until_shown(pilot, app, lambda: isinstance(app.screen, ExitCodeScreen), "the exit code prompt")
        await stop("Z: exit code prompt")
        prompt = app.screen.query_one("#exit-code", Input)
        prompt.value = "300"
        await pilot.press("enter")
        await until_shown(pilot, app, lambda: str(app.screen.query_one("#exit-code-error").content),
                          "the validation message")
        await stop("Z: 300 refused by the prompt")
        prompt.value = "7"
        before = {p.pid for p in app.lab.processes}
        await pilot.press("enter")
        zombie7 = await pilot_wait_until(pilot, lambda: new_process(app, before, "zombie"), what="the zombie (7)")
        await wait_logged(pilot, app, ev.Exited, "the exit with 7", pid=zombie7.pid)
        await stop("Z: a zombie with exit code 7")

        # -- ?: the help, all of it ------------------------------------------------------
        await pilot.press("question_mark")
        await until_shown(pilot, app, lambda: isinstance(app.screen, HelpScreen), "the help")
        await stop("help (top)")
        texts = [static.content for static in app.screen.query(Static) if isinstance(static.content, str)]
        sources = " ".join(texts
                           + [what for _, rows in actions.key_help(app.get_key_display, "zh") for _, what in rows]
                           + list(load_glossary("zh").values()))
        for static in app.screen.query(Static):
            width = static.content_size.width or 74
            plain = render_plain(static.content, width)
            for number, line in enumerate(plain.splitlines()):
                findings.add_english(f"help content ({static.id or 'intro'})", line)
                if cell_len(line.rstrip()) > width:
                    findings.add_cut("help content", f"line {number} is {cell_len(line)} cells: {line!r}")
                if "…" in line and "…" not in sources:  # Rich cut a word it could not fold
                    findings.add_cut("help content", f"cut with …: {line.strip()!r}")
        for _ in range(8):
            await pilot.press("pagedown")
        await pilot.pause(0.1)
        await stop("help (scrolled to the end)")
        await pilot.press("escape")
        await until_shown(pilot, app, lambda: app.screen is main, "the help to close")
        for term, meaning in load_glossary("zh").items():
            findings.add_english("glossary", f"{term} {meaning}")

        # -- l: lessons -----------------------------------------------------------------
        await pilot.press("l")
        await until_shown(pilot, app, lambda: isinstance(app.screen, LessonPicker), "the lesson picker")
        await stop("l: lesson picker")
        for option in app.screen.query_one(OptionList).options:
            findings.add_english("lesson picker option", str(option.prompt))
        await pilot.press("enter")
        await until_shown(pilot, app, lambda: main.lesson_run is not None and main.lesson_panel.region.height,
                          "a lesson")
        await stop("a lesson under way")
        await pilot.press("right_square_bracket")
        await pilot.pause(0.1)
        await stop("a lesson, next step")
        await pilot.press("l")
        await until_shown(pilot, app, lambda: main.lesson_run is None, "the lesson left")
        await stop("the lesson left")
        for lesson in load_lessons("zh"):
            findings.add_english(f"lesson {lesson.title}", lesson.title)
            for number, step in enumerate(lesson.steps, 1):
                for text in (step.say, step.do, step.look):
                    findings.add_english(f"lesson {lesson.title[:12]} step {number}", text)

        # -- ctrl+p: the command palette ---------------------------------------------------
        await pilot.press("ctrl+p")
        await until_shown(pilot, app, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.pause(0.5)  # its commands come in the background
        await stop("ctrl+p: command palette")
        for command in app.get_system_commands(main):
            findings.add_english(f"palette command {command.title!r}", command.title)
            findings.add_english(f"palette help of {command.title!r}", command.help or "")
        await pilot.press("escape")
        await until_shown(pilot, app, lambda: app.screen is main, "the palette to close")

        # -- too small -----------------------------------------------------------------
        await pilot.resize_terminal(60, 20)
        await until_shown(pilot, app, lambda: isinstance(app.screen, TooSmallScreen), "the too-small screen")
        await stop("terminal too small (60×20)")
        await pilot.resize_terminal(*SIZE)
        await until_shown(pilot, app, lambda: app.screen is main, "the app again")
        await stop("main screen at the end")

        # -- what no key can make happen here (an error path, Python 3.12's warning, the
        # blocking Lab.join): test_render's sample of each, said in the log at 80 columns
        by_keys = {type(event).__name__ for event in main.event_log.events}
        kinds = set(by_keys)
        reasons = {event.reason for event in logged(app, ev.Refused)}
        reasons_by_keys = sorted(reason.name for reason in reasons)
        todo = []
        for event in CHINESE_CASES:
            name = type(event).__name__
            if name not in kinds or (isinstance(event, ev.Refused) and event.reason not in reasons):
                kinds.add(name)
                if isinstance(event, ev.Refused):
                    reasons.add(event.reason)
                todo.append(event)
        for first in range(0, len(todo), 2):  # two at a time, so that each is on the screen
            shown = todo[first:first + 2]
            for event in shown:
                main.event_log.add_event(event)
            await pilot.pause(0.05)
            names = ", ".join(event.reason.name if isinstance(event, ev.Refused) else type(event).__name__
                              for event in shown)
            await stop(f"log: sample {names} (no key makes it here)")
        check_log(app, findings)
        await pilot.press("q")
    check_log(app, findings)  # with the quitting line

    print(f"read {findings.screens} screens and {findings.texts} texts")
    print("event kinds the keys made:", sorted(by_keys))
    print("refusals the keys made:", reasons_by_keys)
    print("event kinds shown from test_render's samples:", sorted(kinds - by_keys))
    every_kind = {cls.__name__ for cls in _subclasses(ev.LabEvent)}
    assert every_kind <= kinds, f"never shown: {sorted(every_kind - kinds)}"
    assert set(Refusal) <= reasons, f"never shown: {sorted(r.name for r in set(Refusal) - reasons)}"
    print("runs in quoted text (Python's or the system's words, not counted):", sorted(findings.quoted))
    report = findings.report()
    print(report)
    assert not report, report
