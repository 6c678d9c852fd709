"""Practice (``proctui practice``): predict, then see. The exercise, without processes.

After OSTEP's ``fork.py`` homework: a sequence of actions on processes named a, b, c…
(forks, exits, signals, joins), and before each a question: the tree after it, a state
letter, the exit code ``join()`` gives, who adopts an orphan, what ``is_alive()`` says.
Unlike ``fork.py``, nothing here is the answer key: ``run`` performs each action on
real processes and marks the answer against what ``/proc`` and the processes say.

This module only *proposes*: ``Model`` is a small simulation of what should happen, used
to generate actions that can be performed (never a join of a running child, which would
wait for ever) and to draw the choices a learner picks among. The questions and the
exercises made from a seed are in ``questions``, a teacher's file in ``exercise_file``,
what a student hands in in ``transcript``.
"""


from __future__ import annotations

import enum
import re
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



class Mode(enum.Enum):
    FORWARD = "forward"  # predict what each action does
    REVERSE = "reverse"  # given the trees before and after, name the action
    FINAL = "final"  # every action shown, only the final tree asked


#: The modes' names, as the screen and the transcript say them.
MODE_WORDS = (N_("forward"), N_("reverse"), N_("final"))


@dataclass(frozen=True)
class Move:
    """One action of an exercise, and the question asked before it."""

    act: Act
    ask: Ask | None = None  # None: the mode's own question


@dataclass(frozen=True)
class Exercise:
    title: str
    moves: tuple[Move, ...]
    mode: Mode = Mode.FORWARD
    seed: int | None = None


def exercise_facts(exercise: Exercise) -> dict[str, Any]:
    """What makes an exercise the same on two machines (for tests and transcripts)."""
    return {"title": exercise.title, "mode": exercise.mode.value,
            "steps": [(s.act.kind.value, s.act.who, s.act.other, s.act.code, s.ask and s.ask.value)
                      for s in exercise.moves]}
