"""The timeline: one lifeline per process over wall time, drawn from the session's history.

Each line is a name column (PID and label), the lifeline (``core/lifeline/timeline.py``:
letters that read without colour) and, where the pane is wide, the life in words; the
selected life's words are in the border's subtitle at any width. The first line is the time
axis, the last the legend (only the letters on screen, so that it fits at 80 columns).

Only the lines on screen are drawn (``render_line``), each from its life alone, so the
pane costs what it shows, not how many lives the session had.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from proctui.core.i18n import words
from proctui.core.lifeline.history import History
from proctui.core.lifeline.life_words import fit_life_words, life_words, name_of
from proctui.core.lifeline.lives import Life
from proctui.core.lifeline.timeline import Window, ago, axis, cells, legend, lifeline
from proctui.ui import actions
from proctui.ui.actions import Pane

#: What each letter looks like: the letter carries the meaning, colour only helps (NO_COLOR).
_STYLES = {
    "Z": Style(bold=True, color="red"), "x": Style(bold=True, color="yellow"), "r": Style(bold=True, color="cyan"),
    "?": Style(bold=True, color="yellow"), "^": Style(bold=True, color="magenta"),
    "T": Style(bold=True, color="yellow"), "t": Style(bold=True, color="yellow"), "R": Style(color="green"),
    "D": Style(color="magenta"), "S": Style(dim=True), ".": Style(dim=True),
    "f": Style(bold=True, color="green"), "s": Style(bold=True, color="green"),
    "v": Style(bold=True, color="green"), "p": Style(bold=True, color="green"), "+": Style(bold=True, color="green"),
}
_PLAIN = Style()
_DIM = Style(dim=True)
_SELECTED = Style(bold=True, reverse=True)
_CURSOR = Style(reverse=True)
_CURSOR_BLANK = ":"  # the cursor's column where a life is blank: a dotted line down the pane
_GUTTER = ">"  # the selected line, readable without colour

_NAME_MIN = 10  # the name column ("> 4242 zombie-1 "): gutter, PID, label, as wide as the longest
_NAME_SHARE = 4  # ... but no more than a quarter of the pane
_MIN_SPAN = 10.0  # seconds: a young session is drawn on this much time, filling in from the left
_WORDS_FROM = 100  # columns for lifeline and words, from which each line says its words too


@dataclass(frozen=True)
class _Layout:
    width: int
    height: int
    name_width: int  # the name column's, gutter included
    line_width: int  # the lifeline's columns
    words_width: int  # 0: the words only in the subtitle
    window: Window


class Timeline(Widget, can_focus=True):
    """The lives of a History: the lab's (with a label) first, then the others /proc showed
    (the fork server, the resource tracker...), unless ``show_others`` is off."""

    DEFAULT_CSS = """
    Timeline {
        height: 10; border: round $panel-lighten-2; border-title-align: left;
        border-subtitle-align: left;
    }
    Timeline:focus { border: round $accent-lighten-2; }
    """
    BINDINGS = actions.bindings(Pane.TIMELINE)

    @dataclass
    class LifeSelected(Message):
        """The user moved to another life (``on_timeline_life_selected``): its PID, and its
        key among the session's lives (a PID may have had several)."""

        pid: int
        key: int

    def __init__(self, history: History, lang: str = "en", *, show_others: bool = True,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.history = history
        self.lang = lang
        self.show_others = show_others
        self.now = time.time()
        self.cursor: float | None = None  # back in time: the moment shown, marked down the pane
        self._order: list[Life] = []  # the lives listed, top to bottom
        self._row_of: dict[int, int] = {}  # life key -> its place in _order
        self._selected_key: int | None = None
        self._top = 0  # the first life on screen
        self._stale = True  # the lives listed must be gathered again before they are drawn
        self._update_pending = False
        self._longest_name = 0  # among the lives listed
        self._lines: dict[int, str] = {}  # life key -> its lifeline, for the layout below
        self._layout: _Layout | None = None
        self._say_titles()

    # -- what the lead calls ------------------------------------------------------------

    def refresh_lives(self, now: float | None = None) -> None:
        """The history changed (a snapshot, an event): drawn again once, however many calls
        come before the next refresh. now: the right edge (a replay's last moment)."""
        self.now = time.time() if now is None else now
        self._stale = True
        if not self._update_pending:
            self._update_pending = True
            self.call_later(self._update)

    def select_pid(self, pid: int) -> bool:
        """Select pid's latest life (the tree's row was selected); posts nothing back."""
        self._gather()
        life = self.history.lives.of(pid)
        if life is None or life.key not in self._row_of:
            return False
        self._select(life.key)
        return True

    def set_cursor(self, when: float | None) -> None:
        """Mark the moment when down the pane (None: back to now)."""
        self.cursor = when
        self._say_titles()
        self.refresh()

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self._say_titles()
        self.refresh()

    def set_show_others(self, show: bool) -> None:
        """Whether the processes proctui did not start (seen in /proc) are listed too."""
        self.show_others = show
        self._stale = True
        self._update()

    @property
    def selected(self) -> Life | None:
        self._gather()
        row = self._row_of.get(self._selected_key) if self._selected_key is not None else None
        return self._order[row] if row is not None else None

    @property
    def selected_pid(self) -> int | None:
        life = self.selected
        return life.pid if life is not None else None

    @property
    def lives_shown(self) -> list[Life]:
        self._gather()
        return list(self._order)

    # -- keys -------------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        self._move_to(self._selected_row() + step)

    def action_move_to(self, row: int) -> None:
        self._gather()
        self._move_to(row if row >= 0 else len(self._order) - 1)

    def _move_to(self, row: int) -> None:
        self._gather()
        if not self._order:
            return
        life = self._order[max(0, min(row, len(self._order) - 1))]
        if life.key != self._selected_key:
            self._select(life.key)
            self.post_message(self.LifeSelected(life.pid, life.key))

    # -- state ------------------------------------------------------------------------------

    def _update(self) -> None:
        self._update_pending = False
        self._gather()
        self._say_titles()
        self.refresh()

    def _gather(self) -> None:
        """The lives to list, in order: the lab's, then the others (the history's lives only
        grow; a label may come after a frame, so they are sorted again, in O(lives))."""
        if not self._stale:
            return
        self._stale = False
        self._lines.clear()
        lives = list(self.history.lives.all)
        labelled = [life for life in lives if life.label is not None]
        others = [life for life in lives if life.label is None] if self.show_others else []
        self._order = labelled + others
        self._row_of = {life.key: row for row, life in enumerate(self._order)}
        # In characters, not cells (a tenth of the cost, and names are ASCII but for rare
        # ones; the column cuts by cells): only the column's width depends on it.
        self._longest_name = max((len(str(life.pid)) + 1 + len(name_of(life)) for life in self._order), default=0)
        if self._selected_key not in self._row_of:
            self._selected_key = self._order[0].key if self._order else None
        self._scroll_to_selected()

    def _selected_row(self) -> int:
        self._gather()
        return self._row_of.get(self._selected_key, 0) if self._selected_key is not None else 0

    def _select(self, key: int) -> None:
        self._selected_key = key
        self._scroll_to_selected()
        self._say_titles()
        self.refresh()

    def _rows_shown(self) -> int:
        height = self.size.height
        return max(1, height - 2) if height >= 3 else max(1, height)

    def _scroll_to_selected(self) -> None:
        row = self._row_of.get(self._selected_key, 0) if self._selected_key is not None else 0
        shown = self._rows_shown()
        top = self._top
        if row < top:
            top = row
        elif row >= top + shown:
            top = row - shown + 1
        top = max(0, min(top, max(0, len(self._order) - shown)))
        if top != self._top:
            self._top = top
            self._lines.clear()  # what is kept is what is on screen

    def on_mount(self) -> None:
        self._update()

    def on_resize(self) -> None:
        self._scroll_to_selected()
        self._say_titles()

    def _say_titles(self) -> None:
        _ = words(self.lang)
        title = _("timeline")
        if self.cursor is not None:
            title = _("timeline · back in time: {ago}").format(ago=ago(self.now - self.cursor, self.lang))
        self.border_title = title
        life = self.selected
        if life is None:
            self.border_subtitle = _("no process yet")
            return
        self.border_subtitle = fit_life_words(life, life_words(life, self.now, self.lang),
                                              max(10, self.size.width - 4))

    # -- drawing ----------------------------------------------------------------------------

    def _layout_now(self) -> _Layout:
        width, height = self.size.width, self.size.height
        layout = self._layout
        if (layout is not None and layout.width == width and layout.height == height
                and layout.window.end == self.now and not self._stale):
            return layout
        self._gather()
        self._lines.clear()
        name_width = max(_NAME_MIN, min(self._longest_name + 3, width // _NAME_SHARE))
        area = max(1, width - name_width)
        line_width, words_width = area, 0
        if area >= _WORDS_FROM:
            line_width = max(60, area // 2)
            words_width = area - line_width - 1
        start = min(self.history.started, self.now - _MIN_SPAN)
        self._layout = _Layout(width, height, name_width, line_width, words_width, Window(start, self.now, line_width))
        return self._layout

    def _line_of(self, life: Life, layout: _Layout) -> str:
        line = self._lines.get(life.key)
        if line is None:
            line = self._lines[life.key] = lifeline(life, layout.window, self.now)
        return line

    def _cursor_column(self, layout: _Layout) -> int | None:
        if self.cursor is None or not layout.window.holds(self.cursor):
            return None
        return layout.window.column(self.cursor)

    def render_line(self, y: int) -> Strip:
        layout = self._layout_now()
        if layout.height >= 3 and y == 0:
            return self._axis_strip(layout)
        if layout.height >= 3 and y == layout.height - 1:
            return self._legend_strip(layout)
        row = self._top + y - (1 if layout.height >= 3 else 0)
        if row >= len(self._order):
            return Strip.blank(layout.width, _PLAIN)
        return self._life_strip(self._order[row], layout)

    def _axis_strip(self, layout: _Layout) -> Strip:
        line = axis(layout.window, self.now, self.lang)
        segments = [Segment(" " * layout.name_width, _PLAIN)]
        column = self._cursor_column(layout)
        if column is None:
            segments.append(Segment(line, _DIM))
        else:
            # The cursor's column, on the axis: a '|' where the axis is blank.
            before, at, after = _split_at(line, column)
            segments += [Segment(before, _DIM), Segment("|" if at == " " else at, _CURSOR), Segment(after, _DIM)]
        return Strip(segments).adjust_cell_length(layout.width, _PLAIN)

    def _legend_strip(self, layout: _Layout) -> Strip:
        shown = self._order[self._top:self._top + self._rows_shown()]
        said = legend((self._line_of(life, layout) for life in shown), layout.width - 1, self.lang)
        return Strip([Segment(" " + said, _DIM)]).adjust_cell_length(layout.width, _PLAIN)

    def _life_strip(self, life: Life, layout: _Layout) -> Strip:
        selected = life.key == self._selected_key
        name_cells = _cut(_name_column(life), layout.name_width - 3)
        segments = [Segment(_GUTTER if selected else " ", _SELECTED if selected else _PLAIN),
                    Segment(" " + name_cells, _SELECTED if selected else (_PLAIN if life.label else _DIM)),
                    Segment(" " * (layout.name_width - 2 - cells(name_cells)), _PLAIN)]
        line = self._line_of(life, layout)
        column = self._cursor_column(layout)
        for index, letter in enumerate(line):
            if index == column:
                segments.append(Segment(_CURSOR_BLANK if letter == " " else letter,
                                        _STYLES.get(letter, _PLAIN) + _CURSOR))
            else:
                segments.append(Segment(letter, _STYLES.get(letter, _PLAIN)))
        if layout.words_width:
            said = fit_life_words(life, life_words(life, self.now, self.lang), layout.words_width)
            segments.append(Segment(" " + said, _PLAIN if selected else _DIM))
        return Strip(Segment.simplify(segments)).adjust_cell_length(layout.width, _PLAIN)


def _split_at(line: str, column: int) -> tuple[str, str, str]:
    """line (one cell a character before column, as the axis's ASCII and the labels' first
    cells are) cut around the cell at column."""
    taken = 0
    for index, char in enumerate(line):
        if taken >= column:
            return line[:index], char, line[index + 1:]
        taken += cells(char)
    return line, " ", ""


def _name_column(life: Life) -> str:
    return f"{life.pid} {name_of(life)}"


def _cut(text: str, width: int) -> str:
    out = ""
    for char in text:
        if cells(out + char) > width:
            break
        out += char
    return out
