"""Practice (``proctui practice``): predict, then see. The exercise, without processes.

After OSTEP's ``fork.py`` homework: a sequence of actions on processes named a, b, c…
(forks, exits, signals, joins), and before each a question: the tree after it, a state
letter, the exit code ``join()`` gives, who adopts an orphan, what ``is_alive()`` says.
Unlike ``fork.py``, nothing here is the answer key: ``practice_run`` performs each action
on real processes and marks the answer against what ``/proc`` and the processes say.

This module only *proposes*: ``Model`` is a small simulation of what should happen, used
to generate actions that can be performed (never a join of a running child, which would
wait for ever) and to draw the choices a learner picks among. Same seed, same exercise.
"""

from __future__ import annotations

import enum
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from proctui.core.i18n import N_, words

NAMES = "abcdefghijklmnopqrstuvwxyz"
ROOT = "a"


class Kind(enum.Enum):
    FORK = "fork"
    DAEMON = "daemon"  # fork a daemon=True child
    EXIT = "exit"  # os._exit(code): no exit handler
    RETURN = "return"  # the target returns: the exit handler runs
    TERMINATE = "terminate"
    KILL = "kill"
    STOP = "stop"
    CONT = "continue"
    JOIN = "join"
    IS_ALIVE = "is_alive"


@dataclass(frozen=True)
class Act:
    """One action: who acts (or is signalled), on whom, with which exit code."""

    kind: Kind
    who: str
    other: str | None = None  # the child forked, joined or asked about
    code: int = 0  # EXIT's exit code

    def describe(self, lang: str) -> str:
        _ = words(lang)
        return _(_ACT_WORDS[self.kind]).format(who=self.who, other=self.other, code=self.code)


_ACT_WORDS = {
    Kind.FORK: N_("{who} forks {other}"),
    Kind.DAEMON: N_("{who} starts {other} with daemon=True"),
    Kind.EXIT: N_("{who} calls os._exit({code})"),
    Kind.RETURN: N_("{who}'s target returns (its exit handler runs)"),
    Kind.TERMINATE: N_("{who}.terminate(): SIGTERM to {who}"),
    Kind.KILL: N_("{who}.kill(): SIGKILL to {who}"),
    Kind.STOP: N_("SIGSTOP to {who}"),
    Kind.CONT: N_("SIGCONT to {who}"),
    Kind.JOIN: N_("{who} calls {other}.join()"),
    Kind.IS_ALIVE: N_("{who} calls {other}.is_alive()"),
}


class Ask(enum.Enum):
    TREE = "tree"  # the process tree after the action
    STATE = "state"  # a state letter, or gone
    EXITCODE = "exitcode"  # what join() leaves in exitcode
    ADOPTER = "adopter"  # who is the parent of an orphan afterwards
    ALIVE = "alive"  # what is_alive() returns
    ACTION = "action"  # reverse mode: which action made the second tree
    NONE = "none"  # no question (final mode, or a teacher's choice)


#: The answer of a STATE question when /proc no longer has the process.
GONE = "gone"
STATES = ("R", "S", "T", "Z", GONE)
#: ADOPTER answers that are no process of the exercise.
INIT = "init"
PROCTUI = "proctui"


@dataclass(frozen=True)
class Node:
    parent: str | None
    mark: str = ""  # "Z" (a zombie) or "T" (stopped): the rest are all alive


#: A process tree: name -> its parent and mark; a process that is gone is not in it.
Tree = dict[str, Node]


def canonical(tree: Tree) -> frozenset[tuple[str, str | None, str]]:
    return frozenset((name, node.parent, node.mark) for name, node in tree.items())


def draw(tree: Tree) -> list[str]:
    """The tree as fork.py draws it: one process a line, children below, in name order."""
    lines: list[str] = []
    roots = sorted(name for name, node in tree.items() if node.parent not in tree)

    def walk(name: str, prefix: str, last: bool, top: bool) -> None:
        mark = tree[name].mark
        label = f"{name} {mark}" if mark else name
        lines.append(label if top else f"{prefix}{'└── ' if last else '├── '}{label}")
        kids = sorted(child for child, node in tree.items() if node.parent == name)
        for index, kid in enumerate(kids):
            walk(kid, prefix if top else prefix + ("    " if last else "│   "), index == len(kids) - 1, False)

    for root in roots:
        walk(root, "", True, True)
    return lines or ["(none)"]


@dataclass
class Proc:
    """What the model believes of one process."""

    parent: str | None  # its parent now
    starter: str | None  # who started it (its Process object is there); None for a
    alive: bool = True  # False: a zombie
    stopped: bool = False
    daemon: bool = False
    exitcode: int | None = None  # once it has exited, as multiprocessing gives it
    joinable: bool = True  # its starter still holds it, not yet joined


@dataclass
class Model:
    """A small simulation of the kernel and of multiprocessing, for proposing only."""

    procs: dict[str, Proc] = field(default_factory=lambda: {ROOT: Proc(parent=None, starter=None)})
    _gone: set[str] = field(default_factory=set)  # names used once, never again

    def copy(self) -> Model:
        return Model({name: replace(proc) for name, proc in self.procs.items()}, set(self._gone))

    def tree(self) -> Tree:
        return {name: Node(proc.parent, "" if proc.alive and not proc.stopped else ("T" if proc.alive else "Z"))
                for name, proc in self.procs.items()}

    def running(self, name: str) -> bool:
        proc = self.procs.get(name)
        return proc is not None and proc.alive and not proc.stopped

    def children(self, name: str) -> list[str]:
        return sorted(child for child, proc in self.procs.items() if proc.parent == name)

    def live_children(self, name: str) -> list[str]:
        """Its children that have not exited: what its death makes orphans (an exited one
        is reaped at once by whoever adopts it)."""
        return [child for child in self.children(name) if self.procs[child].alive]

    def started_by(self, name: str) -> list[str]:
        """Children name started and still holds (joinable), in name order."""
        return sorted(child for child, proc in self.procs.items() if proc.starter == name and proc.joinable)

    def next_name(self) -> str | None:
        used = self.procs_ever
        return next((name for name in NAMES if name not in used), None)

    @property
    def procs_ever(self) -> set[str]:
        return set(self.procs) | self._gone

    # -- what an action does, as far as the model knows -----------------------------------

    def apply(self, act: Act) -> None:
        kind, who = act.kind, act.who
        if kind in (Kind.FORK, Kind.DAEMON):
            self._cleanup(who)  # start() first reaps the starter's exited children
            assert act.other is not None
            self.procs[act.other] = Proc(parent=who, starter=who, daemon=kind is Kind.DAEMON)
        elif kind is Kind.EXIT:
            self._exit(who, act.code & 0xFF)
        elif kind is Kind.TERMINATE:
            self._exit(who, -15)
        elif kind is Kind.KILL:
            self._exit(who, -9)
        elif kind is Kind.RETURN:
            # The exit handler: daemon children terminated, then every child joined.
            for child in self.started_by(who):
                if self.procs[child].daemon and self.procs[child].alive:
                    self._exit(child, -15)
            for child in self.started_by(who):
                self._reap(child)
            self._exit(who, 0)
        elif kind is Kind.STOP:
            self.procs[who].stopped = True
        elif kind is Kind.CONT:
            self.procs[who].stopped = False
        elif kind is Kind.JOIN:
            assert act.other is not None
            self._reap(act.other)
        elif kind is Kind.IS_ALIVE:
            assert act.other is not None
            if not self.procs[act.other].alive:
                self._reap(act.other)
        self._settle()

    def _cleanup(self, starter: str) -> None:
        for child in self.started_by(starter):
            if not self.procs[child].alive:
                self._reap(child)

    def _exit(self, name: str, exitcode: int) -> None:
        proc = self.procs[name]
        proc.alive, proc.stopped, proc.exitcode = False, False, exitcode
        for child in self.children(name):
            self.procs[child].parent = ROOT  # a is the subreaper: orphans go to it
        for other in self.procs.values():
            if other.starter == name:
                other.joinable = False  # its Process object died with name

    def _reap(self, name: str) -> None:
        del self.procs[name]
        self._gone.add(name)

    def _settle(self) -> None:
        """a reaps the orphans it adopted once they have exited (as init would)."""
        for name, proc in list(self.procs.items()):
            if not proc.alive and proc.parent == ROOT and proc.starter != ROOT:
                self._reap(name)

    # -- what can be done next -------------------------------------------------------------

    def return_waits_for(self, name: str) -> str | None:
        """A child that would keep name's exit handler waiting for ever, if name returned:
        one still running that is no daemon (the handler join()s it), or a stopped daemon
        (the handler's terminate() leaves SIGTERM pending until SIGCONT, and its join()
        waits for a child that never runs)."""
        for child in self.started_by(name):
            proc = self.procs[child]
            if proc.alive and (not proc.daemon or proc.stopped):
                return child
        return None

    def possible(self) -> Iterator[Act]:
        """Every action that can be performed now without waiting for ever."""
        new = self.next_name()
        for name in sorted(self.procs):
            proc = self.procs[name]
            # A daemon may not have children: an assert in start().
            if self.running(name) and new is not None and not proc.daemon:
                yield Act(Kind.FORK, name, new)
                yield Act(Kind.DAEMON, name, new)
            if name == ROOT:
                continue
            if self.running(name):
                yield Act(Kind.EXIT, name, code=0)
                yield Act(Kind.TERMINATE, name)
                yield Act(Kind.STOP, name)
                if not self.return_waits_for(name):
                    yield Act(Kind.RETURN, name)  # else its exit handler's join() would wait
            if proc.alive:
                yield Act(Kind.KILL, name)
            if proc.stopped:
                yield Act(Kind.CONT, name)
        for name in sorted(self.procs):
            if not self.running(name):
                continue
            for child in self.started_by(name):
                if not self.procs[child].alive:
                    yield Act(Kind.JOIN, name, child)
                yield Act(Kind.IS_ALIVE, name, child)


@dataclass(frozen=True)
class Question:
    ask: Ask
    about: str | None = None  # the process a STATE, ADOPTER question is about
    choices: tuple[str, ...] = ()  # what a learner picks among (trees: drawn, joined by newlines)

    def text(self, act: Act | None, lang: str) -> str:
        _ = words(lang)
        return _(_ASK_WORDS[self.ask]).format(about=self.about, who=act.who if act else "",
                                              other=act.other if act else "")


_ASK_WORDS = {
    Ask.TREE: N_("Process tree after it?"),
    Ask.STATE: N_("State of {about} after it, in /proc?"),
    Ask.EXITCODE: N_("What does {other}.exitcode say after join()?"),
    Ask.ADOPTER: N_("Whose child is {about} after it?"),
    Ask.ALIVE: N_("What does {other}.is_alive() return?"),
    Ask.ACTION: N_("Which action turned the first tree into the second?"),
    Ask.NONE: N_("Watch it happen."),
}


def tree_text(tree: Tree) -> str:
    return "\n".join(draw(tree))


def parse_tree_text(text: str) -> frozenset[tuple[str, str | None, str]]:
    """A drawn tree back to its canonical form (to compare a chosen tree with the real one)."""
    stack: list[tuple[int, str]] = []
    found = set()
    for line in text.splitlines():
        match = re.match(r"^([ │├└─]*)(\w)(?: (Z|T))?$", line)
        if match is None:
            continue
        depth = len(match.group(1)) // 4
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parent = stack[-1][1] if stack else None
        found.add((match.group(2), parent, match.group(3) or ""))
        stack.append((depth, match.group(2)))
    return frozenset(found)


def _tree_variants(before: Model, after: Model, act: Act) -> list[Tree]:
    """Plausible wrong trees: nothing changed; zombies shown as gone or gone as zombies;
    orphans under their grandparent instead of a."""
    variants = [before.tree()]
    right = after.tree()
    no_zombies = {name: node for name, node in right.items() if node.mark != "Z"}
    variants.append(no_zombies)
    if act.kind in (Kind.EXIT, Kind.TERMINATE, Kind.KILL, Kind.RETURN):
        grandparent = before.procs[act.who].parent
        moved = {name: (Node(grandparent, node.mark) if before.procs.get(name) and before.procs[name].parent == act.who
                        else node) for name, node in right.items()}
        variants.append(moved)
        kept = dict(right)
        kept[act.who] = Node(before.procs[act.who].parent, "Z")
        for name in before.children(act.who):
            if name in right:
                kept[name] = Node(act.who, right[name].mark)
        variants.append(kept)
    if act.kind in (Kind.FORK, Kind.DAEMON):
        with_zombies = before.tree()
        with_zombies[act.other or "?"] = Node(act.who)
        variants.append(with_zombies)
    return variants


def ask_for(act: Act, before: Model, after: Model, rng: random.Random, ask: Ask | None = None) -> Question:
    """The question of the forward mode for act (or the one a teacher chose)."""
    if ask is None:
        ask = _default_ask(act, before)
    if ask is Ask.TREE:
        right = after.tree()
        trees = [right]
        for variant in _tree_variants(before, after, act):
            if all(canonical(variant) != canonical(tree) for tree in trees):
                trees.append(variant)
        trees = trees[:4]
        rng.shuffle(trees)
        return Question(Ask.TREE, choices=tuple(tree_text(tree) for tree in trees))
    if ask is Ask.STATE:
        return Question(Ask.STATE, about=act.other if act.kind in (Kind.JOIN, Kind.IS_ALIVE) else act.who,
                        choices=STATES)
    if ask is Ask.EXITCODE:
        other = before.procs.get(act.other or "")
        expected = other.exitcode if other is not None else None
        wrong: list[int | None] = [0, 1, -15, -9, 143, 137, 255, None]
        rng.shuffle(wrong)
        choices: list[str] = []
        for code in [expected, *wrong]:
            if str(code) not in choices:
                choices.append(str(code))
        picked = choices[:4]
        rng.shuffle(picked)
        return Question(Ask.EXITCODE, choices=tuple(picked))
    if ask is Ask.ALIVE:
        return Question(Ask.ALIVE, choices=("True", "False"))
    if ask is Ask.ADOPTER:
        orphan = before.live_children(act.who)[0]
        grandparent = before.procs[act.who].parent
        choices = []
        for who in (ROOT, act.who, grandparent, INIT, PROCTUI):
            if who is not None and who not in choices:
                choices.append(who)
        return Question(Ask.ADOPTER, about=orphan, choices=tuple(choices[:4]))
    return Question(Ask.NONE)


def _default_ask(act: Act, before: Model) -> Ask:
    if act.kind in (Kind.FORK, Kind.DAEMON, Kind.RETURN):
        return Ask.TREE
    if act.kind in (Kind.EXIT, Kind.TERMINATE, Kind.KILL):
        return Ask.ADOPTER if before.live_children(act.who) else Ask.STATE
    if act.kind is Kind.JOIN:
        return Ask.EXITCODE
    if act.kind is Kind.IS_ALIVE:
        return Ask.ALIVE
    return Ask.STATE


class Mode(enum.Enum):
    FORWARD = "forward"  # predict what each action does
    REVERSE = "reverse"  # given the trees before and after, name the action
    FINAL = "final"  # every action shown, only the final tree asked


#: The modes' names, as the screen and the transcript say them.
MODE_WORDS = (N_("forward"), N_("reverse"), N_("final"))


@dataclass(frozen=True)
class Step:
    act: Act
    ask: Ask | None = None  # None: the mode's own question


@dataclass(frozen=True)
class Exercise:
    title: str
    steps: tuple[Step, ...]
    mode: Mode = Mode.FORWARD
    seed: int | None = None


def generate(seed: int, count: int = 6, mode: Mode = Mode.FORWARD) -> Exercise:
    """count actions, the same for the same seed on every machine (and Python: only
    random.Random's documented reproducible methods are used)."""
    rng = random.Random(seed)
    model = Model()
    steps = []
    weights = {Kind.FORK: 6, Kind.DAEMON: 1, Kind.EXIT: 3, Kind.RETURN: 1, Kind.TERMINATE: 2, Kind.KILL: 1,
               Kind.STOP: 1, Kind.CONT: 3, Kind.JOIN: 4, Kind.IS_ALIVE: 2}
    for number in range(count):
        possible = list(model.possible())
        if number < 2:  # the first actions make a tree to play with
            possible = [act for act in possible if act.kind is Kind.FORK] or possible
        chosen = _choose(rng, possible, weights)
        if chosen.kind is Kind.EXIT:
            chosen = replace(chosen, code=rng.choice((0, 1, 2, 3, 7, 42)))
        steps.append(Step(chosen))
        model.apply(chosen)
    return Exercise(title=f"seed {seed}", steps=tuple(steps), mode=mode, seed=seed)


def _choose(rng: random.Random, possible: list[Act], weights: dict[Kind, int]) -> Act:
    total = sum(weights[act.kind] for act in possible)
    pick = rng.randrange(total)
    for act in possible:
        pick -= weights[act.kind]
        if pick < 0:
            return act
    return possible[-1]


def other_actions(model: Model, performed: Act, rng: random.Random, count: int = 3) -> list[Act]:
    """Reverse mode's wrong answers: actions possible now whose tree would differ."""
    after = model.copy()
    after.apply(performed)
    seen = {canonical(after.tree())}
    others = []
    candidates = list(model.possible())
    rng.shuffle(candidates)
    for act in candidates:
        trial = model.copy()
        trial.apply(act)
        key = canonical(trial.tree())
        if key not in seen:
            seen.add(key)
            others.append(act)
        if len(others) == count:
            break
    return others


# -- a teacher's exercise file ----------------------------------------------------------------


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
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10
        import tomli as tomllib
    try:
        with open(path, encoding="utf-8") as source:
            text = source.read()
    except OSError as error:
        raise ExerciseFileError(f"{path}: " + _("cannot be read ({error})").format(error=error.strerror)) from error
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ExerciseFileError(f"{path}: " + _("not TOML ({error})").format(error=error)) from error
    lines = text.splitlines()

    def line_of(step: int | None, key: str) -> int:
        """The line of key in the step-th [[step]] table (or at the top), 1-based."""
        tables = [number for number, line in enumerate(lines) if re.match(r"\s*\[\[\s*step\s*\]\]", line)]
        start = tables[step] if step is not None and step < len(tables) else 0
        end = tables[step + 1] if step is not None and step + 1 < len(tables) else len(lines)
        if step is None:
            end = tables[0] if tables else len(lines)
        for number in range(start, end):
            if re.match(rf"\s*{re.escape(key)}\s*=", lines[number]):
                return number + 1
        return start + 1

    def fail(step: int | None, key: str, why: str) -> ExerciseFileError:
        return ExerciseFileError(f"{path}:{line_of(step, key)}: {key}: {why}")

    title = data.get("title", path)
    if not isinstance(title, str):
        raise fail(None, "title", _("should be a string"))
    mode_name = data.get("mode", "forward")
    try:
        mode = Mode(mode_name)
    except ValueError:
        raise fail(None, "mode", _("{value} is none of forward, reverse, final").format(
            value=repr(mode_name))) from None
    unknown = set(data) - {"title", "mode", "step"}
    if unknown:
        raise fail(None, sorted(unknown)[0], _("not a key of an exercise (title, mode, [[step]])"))
    raw_steps = data.get("step")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ExerciseFileError(f"{path}: " + _("no [[step]] tables: an exercise needs at least one action"))
    model = Model()
    steps = []
    for index, raw in enumerate(raw_steps):
        unknown = set(raw) - {"do", "ask"}
        if unknown:
            raise fail(index, sorted(unknown)[0], _("not a key of a step (do, ask)"))
        do = raw.get("do")
        if not isinstance(do, str):
            raise fail(index, "do", _("missing or not a string: say what happens, as {example}").format(
                example=repr(DO_FORMS[0])))
        act = parse_do(do)
        if act is None:
            raise fail(index, "do", _("{value} is no action proctui knows: one of {forms}").format(
                value=repr(do), forms=", ".join(DO_FORMS)))
        if act.kind in (Kind.FORK, Kind.DAEMON):
            if act.other in model.procs_ever:
                raise fail(index, "do", _("{name} has been used already: a new process needs a new name").format(
                    name=act.other))
            act = replace(act, other=act.other)
        if act not in set(model.possible()) and not _possible_with_new_name(model, act):
            raise fail(index, "do", _why_impossible(model, act, lang))
        ask = raw.get("ask")
        try:
            chosen = Ask(ask) if ask is not None else None
        except ValueError:
            raise fail(index, "ask", _("{value} is none of tree, state, exitcode, adopter, alive, none").format(
                value=repr(ask))) from None
        if chosen is Ask.ADOPTER and (act.kind not in (Kind.EXIT, Kind.RETURN, Kind.TERMINATE, Kind.KILL)
                                      or not model.live_children(act.who)):
            raise fail(index, "ask", _("adopter is asked when a process with a running child ends"))
        if chosen is Ask.EXITCODE and act.kind is not Kind.JOIN:
            raise fail(index, "ask", _("exitcode is asked of a join"))
        if chosen is Ask.ALIVE and act.kind is not Kind.IS_ALIVE:
            raise fail(index, "ask", _("alive is asked of an is_alive()"))
        steps.append(Step(act, chosen))
        model.apply(act)
    return Exercise(title=title, steps=tuple(steps), mode=mode)


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


# -- the outcome, and a transcript ------------------------------------------------------------------


@dataclass
class Outcome:
    """One question asked, answered and marked against what really happened."""

    step: Step
    question: Question
    answer: str | None  # what the learner chose (None: not asked)
    real: str  # what /proc and the processes said
    correct: bool | None  # None: nothing was asked
    tree_before: str = ""
    tree_after: str = ""


def transcript(exercise: Exercise, outcomes: list[Outcome], lang: str) -> str:
    """The exercise as Markdown a student can hand in: each question, the answer, and
    what the kernel said."""
    _ = words(lang)
    asked = [o for o in outcomes if o.correct is not None]
    right = sum(1 for o in asked if o.correct)
    out = ["# " + _("proctui practice: {title}").format(title=exercise.title), ""]
    facts = [_("mode: {mode}").format(mode=exercise.mode.value)]
    if exercise.seed is not None:
        facts.append(_("seed: {seed}").format(seed=exercise.seed))
    facts.append(_("score: {right} of {asked}").format(right=right, asked=len(asked)))
    out += [" · ".join(facts), ""]
    for number, outcome in enumerate(outcomes, 1):
        out.append(f"## {number}. {outcome.step.act.describe(lang)}")
        out.append("")
        if outcome.correct is None:
            out += [_("(no question)"), ""]
            continue
        out.append(f"**{outcome.question.text(outcome.step.act, lang)}**")
        out.append("")
        if outcome.question.ask in (Ask.TREE, Ask.ACTION):
            if outcome.tree_before and outcome.question.ask is Ask.ACTION:
                out += [_("Before:"), "", "```", outcome.tree_before, "```", ""]
            out += [_("Answer:"), "", "```", outcome.answer or "", "```", ""]
            out += [_("What the kernel said:"), "", "```", outcome.real, "```", ""]
        else:
            out.append(_("Answer: {answer} · what the kernel said: {real}").format(
                answer=outcome.answer, real=outcome.real))
            out.append("")
        out += [_("right") if outcome.correct else _("wrong"), ""]
    return "\n".join(out)


def exercise_facts(exercise: Exercise) -> dict[str, Any]:
    """What makes an exercise the same on two machines (for tests and transcripts)."""
    return {"title": exercise.title, "mode": exercise.mode.value,
            "steps": [(s.act.kind.value, s.act.who, s.act.other, s.act.code, s.ask and s.ask.value)
                      for s in exercise.steps]}
