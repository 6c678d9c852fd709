"""A teacher's exercise file (``proctui practice FILE``): TOML read into an Exercise,
every action checked to be possible where it stands, every error said with its line and
key in words a teacher can act on."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, replace
from typing import Any

from proctui.core.i18n import words
from proctui.core.practice.model import ROOT, Act, Ask, Exercise, Kind, Mode, Model, Move


class ExerciseFileError(ValueError):
    """A file that is no exercise: says which line and key, in words a teacher can act on."""


_DO_PATTERNS: list[tuple[str, Kind]] = [
    (r"(?P<who>[a-z]) forks daemon (?P<other>[a-z])", Kind.DAEMON),
    (r"(?P<who>[a-z]) forks (?P<other>[a-z])", Kind.FORK),
    (r"(?P<who>[a-z]) exits(?: with)?(?: (?P<code>-?\d+))?", Kind.EXIT),
    (r"(?P<who>[a-z]) returns", Kind.RETURN),
    (r"terminate (?P<who>[a-z])", Kind.TERMINATE),
    (r"kill (?P<who>[a-z])", Kind.KILL),
    (r"stop (?P<who>[a-z])", Kind.STOP),
    (r"continue (?P<who>[a-z])", Kind.CONT),
    (r"(?P<who>[a-z]) joins (?P<other>[a-z])", Kind.JOIN),
    (r"(?P<who>[a-z]) asks (?P<other>[a-z])\.is_alive\(\)", Kind.IS_ALIVE),
]

#: What `do` may say, for the error message.
DO_FORMS = ("a forks b", "a forks daemon b", "b exits 3", "b returns", "terminate b", "kill b", "stop b",
            "continue b", "a joins b", "a asks b.is_alive()")


def parse_do(text: str) -> Act | None:
    for pattern, kind in _DO_PATTERNS:
        match = re.fullmatch(pattern, text.strip())
        if match:
            code = match.groupdict().get("code")
            return Act(kind, match["who"], match.groupdict().get("other"), int(code) if code else 0)
    return None


def load_exercise(path: str, lang: str = "en") -> Exercise:
    """A teacher's TOML file: ``title``, optional ``mode``, and ``[[step]]`` tables with
    ``do`` (an action, as DO_FORMS) and optionally ``ask`` (a question: tree, state,
    exitcode, adopter, alive, none). Every action is checked to be possible where it
    stands (a join of a running child would wait for ever, so it is refused). Errors
    are said in lang, with the file's line and the key."""
    _ = words(lang)
    text = _read(path, lang)
    data = _parse(path, text, lang)
    file = _ExerciseFile(path, text.splitlines(), lang)
    title, mode = _heading(file, data)
    raw_steps = data.get("step")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ExerciseFileError(f"{path}: " + _("no [[step]] tables: an exercise needs at least one action"))
    model = Model()
    moves = []
    for index, raw in enumerate(raw_steps):
        unknown = set(raw) - {"do", "ask"}
        if unknown:
            raise file.fail(index, sorted(unknown)[0], _("not a key of a step (do, ask)"))
        act = _act(file, index, raw.get("do"), model)
        moves.append(Move(act, _ask(file, index, raw.get("ask"), act, model)))
        model.apply(act)
    return Exercise(title=title, moves=tuple(moves), mode=mode)


@dataclass(frozen=True)
class _ExerciseFile:
    """The file being read: where a key is, to say where an error is."""

    path: str
    lines: list[str]
    lang: str

    def line_of(self, step: int | None, key: str) -> int:
        """The line of key in the step-th [[step]] table (or at the top), 1-based."""
        lines = self.lines
        tables = [number for number, line in enumerate(lines) if re.match(r"\s*\[\[\s*step\s*\]\]", line)]
        start = tables[step] if step is not None and step < len(tables) else 0
        end = tables[step + 1] if step is not None and step + 1 < len(tables) else len(lines)
        if step is None:
            end = tables[0] if tables else len(lines)
        for number in range(start, end):
            if re.match(rf"\s*{re.escape(key)}\s*=", lines[number]):
                return number + 1
        return start + 1

    def fail(self, step: int | None, key: str, why: str) -> ExerciseFileError:
        return ExerciseFileError(f"{self.path}:{self.line_of(step, key)}: {key}: {why}")


def _read(path: str, lang: str) -> str:
    _ = words(lang)
    try:
        with open(path, encoding="utf-8") as source:
            return source.read()
    except OSError as error:
        raise ExerciseFileError(f"{path}: " + _("cannot be read ({error})").format(error=error.strerror)) from error


def _parse(path: str, text: str, lang: str) -> dict[str, Any]:
    _ = words(lang)
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ExerciseFileError(f"{path}: " + _("not TOML ({error})").format(error=error)) from error


def _heading(file: _ExerciseFile, data: dict[str, Any]) -> tuple[str, Mode]:
    """The title and the mode, and no key an exercise does not know."""
    _ = words(file.lang)
    title = data.get("title", file.path)
    if not isinstance(title, str):
        raise file.fail(None, "title", _("should be a string"))
    mode_name = data.get("mode", "forward")
    try:
        mode = Mode(mode_name)
    except ValueError:
        raise file.fail(None, "mode", _("{value} is none of forward, reverse, final").format(
            value=repr(mode_name))) from None
    unknown = set(data) - {"title", "mode", "step"}
    if unknown:
        raise file.fail(None, sorted(unknown)[0], _("not a key of an exercise (title, mode, [[step]])"))
    return title, mode


def _act(file: _ExerciseFile, index: int, do: object, model: Model) -> Act:
    """The index-th step's action, possible where it stands."""
    _ = words(file.lang)
    if not isinstance(do, str):
        raise file.fail(index, "do", _("missing or not a string: say what happens, as {example}").format(
            example=repr(DO_FORMS[0])))
    act = parse_do(do)
    if act is None:
        raise file.fail(index, "do", _("{value} is no action proctui knows: one of {forms}").format(
            value=repr(do), forms=", ".join(DO_FORMS)))
    if act.kind in (Kind.FORK, Kind.DAEMON) and act.other in model.procs_ever:
        raise file.fail(index, "do", _("{name} has been used already: a new process needs a new name").format(
            name=act.other))
    if act not in set(model.possible()) and not _possible_with_new_name(model, act):
        raise file.fail(index, "do", _why_impossible(model, act, file.lang))
    return act


def _ask(file: _ExerciseFile, index: int, ask: object, act: Act, model: Model) -> Ask | None:
    """The index-th step's question (None: the mode's own), one that can be asked of act."""
    _ = words(file.lang)
    try:
        chosen = Ask(ask) if ask is not None else None
    except ValueError:
        raise file.fail(index, "ask", _("{value} is none of tree, state, exitcode, adopter, alive, none").format(
            value=repr(ask))) from None
    if chosen is Ask.ADOPTER and (act.kind not in (Kind.EXIT, Kind.RETURN, Kind.TERMINATE, Kind.KILL)
                                  or not model.live_children(act.who)):
        raise file.fail(index, "ask", _("adopter is asked when a process with a running child ends"))
    if chosen is Ask.EXITCODE and act.kind is not Kind.JOIN:
        raise file.fail(index, "ask", _("exitcode is asked of a join"))
    if chosen is Ask.ALIVE and act.kind is not Kind.IS_ALIVE:
        raise file.fail(index, "ask", _("alive is asked of an is_alive()"))
    return chosen


def _possible_with_new_name(model: Model, act: Act) -> bool:
    """A fork names its child freely (not only the next letter)."""
    if act.kind not in (Kind.FORK, Kind.DAEMON):
        return act.kind is Kind.EXIT and replace(act, code=0) in set(model.possible())
    return replace(act, other=model.next_name()) in set(model.possible())


def _why_impossible(model: Model, act: Act, lang: str) -> str:
    _ = words(lang)
    proc = model.procs.get(act.who)
    if proc is None:
        return _("there is no process {name} at this point").format(name=act.who)
    if act.who == ROOT and act.kind in (Kind.EXIT, Kind.RETURN, Kind.TERMINATE, Kind.KILL, Kind.STOP):
        return _("a is the root of the exercise: it stays to the end")
    if not proc.alive:
        return _("{name} has exited already").format(name=act.who)
    if proc.stopped and act.kind is not Kind.KILL:
        return _("{name} is stopped: continue it first").format(name=act.who)
    if act.kind in (Kind.FORK, Kind.DAEMON) and proc.daemon:
        return _("{name} is a daemon: a daemon may not have children").format(name=act.who)
    if act.kind in (Kind.JOIN, Kind.IS_ALIVE):
        child = model.procs.get(act.other or "")
        if child is None or child.starter != act.who or not child.joinable:
            return _("{other} is no child {name} started and still holds").format(other=act.other, name=act.who)
        if act.kind is Kind.JOIN and child.alive:
            return _("{other} is still running: join() would wait for ever").format(other=act.other)
    if act.kind is Kind.RETURN:
        waits_for = model.return_waits_for(act.who)
        if waits_for is not None and model.procs[waits_for].daemon:
            return _("{name}'s daemon child {other} is stopped: its exit handler's terminate() leaves SIGTERM "
                     "pending, and its join() would wait for ever").format(name=act.who, other=waits_for)
        return _("{name} still has a running child: its exit handler's join() would wait for ever").format(
            name=act.who)
    return _("not possible at this point")
