"""An exercise performed on real processes: the kernel is the answer key.

``PracticeRun`` starts a (a lab child, the exercise's subreaper) and, action by action,
tells the processes what to do (``puppet``), waits until the kernel shows it
done, and reads the answer: the tree and the state letters from ``/proc``, the exit
code ``join()`` left and what ``is_alive()`` returned from the process that called them.
The model (``model.py``) only proposed the choices.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import threading
import time
from typing import Any

from proctui.core.errors import LabError
from proctui.core.i18n import words
from proctui.core.lab.records import LabProcess
from proctui.core.practice import puppet as practice_puppet
from proctui.core.practice.model import (
    GONE,
    INIT,
    PROCTUI,
    ROOT,
    Act,
    Ask,
    Exercise,
    Kind,
    Mode,
    Model,
    Move,
    Node,
    Tree,
    canonical,
    parse_tree_text,
    tree_text,
)
from proctui.core.practice.questions import Question, ask_for, other_actions
from proctui.core.practice.transcript import Outcome
from proctui.core.procfs.stat import ProcInfo, read_proc
from proctui.core.script.warden import Warden

#: How long an action may take to show in /proc before it is said not to have (a hang
#: guard: a signal to a stopped process, say, stays pending, and that is the answer).
_SETTLE = 5.0


class PracticeError(RuntimeError):
    """The exercise cannot go on (a process did not answer): said, never guessed around."""


class PracticeRun:
    """One exercise under way: its processes, and each question's outcome."""

    def __init__(self, lab: Any, exercise: Exercise, lang: str = "en") -> None:
        from proctui.core.script.runner import ScriptChannel

        self.lab = lab
        self.exercise = exercise
        self.lang = lang
        self._ = words(lang)  # what it says when the exercise cannot go on
        self.model = Model()  # what practice proposed: choices only
        self.rng = random.Random(exercise.seed if exercise.seed is not None else exercise.title)
        self.outcomes: list[Outcome] = []
        self.index = 0  # the move under way
        self.pids: dict[str, int] = {}  # name -> PID, from each process's hello
        self._ticks: dict[int, int] = {}  # PID -> start ticks: the process, not the number
        self._replies: queue.Queue[dict[str, Any]] = queue.Queue()
        self._hello = threading.Condition()
        self.channel = ScriptChannel(self._message, lambda pid: None)
        self.warden = Warden("practice")
        self.root: LabProcess | None = None
        self.question: Question | None = None  # the question of the move under way
        self.tree_before = ""
        self.tree_after = ""
        self.acted = False  # the move's action has been done, its answer not yet marked
        self._real = ""  # what the kernel said, as the question asks it
        self._real_tree: frozenset[tuple[str, str | None, str]] = frozenset()

    # -- the processes --------------------------------------------------------------------

    def start(self) -> None:
        """Start a (from the main thread, as every lab child is): prepare() waits for it.
        And a warden, which ends every process of the exercise if proctui is killed with
        SIGKILL (a stopped one would never see the channel close)."""
        self.warden.start()
        self.root = self.lab.start_child("practice", practice_puppet.root, (self.channel.path, self.warden.pipe))

    def close(self) -> None:
        """SIGKILL every process of the exercise; the root last, through the lab, which
        reaps it. Once the others are dead they are all a's children (a zombie whose
        parent died was re-parented to a, the subreaper), and a reaps them: none is left
        to proctui or to init."""
        others = [pid for name, pid in self.pids.items() if name != ROOT]
        for pid in others:
            self._signal(pid, signal.SIGKILL)
        self._until(lambda: all(self._state_of(pid) in ("Z", GONE) for pid in others))
        if ROOT in self.pids and self._state(ROOT) not in ("Z", GONE):
            try:
                self._tell(ROOT, cmd="reap_all")
                self._reply("reaped")
            except PracticeError:
                pass  # a is not answering: proctui's Lab reaps what comes to it
        if self.root is not None and not self.root.reaped.is_set():
            try:
                self.lab.kill(self.root)
                self.lab.join(self.root)  # a practice's root is nobody's lesson in zombies
            except LabError:
                pass  # reaped already
        self.lab.family.reap_adopted_zombies()
        self.channel.close()
        self.warden.release()

    def _message(self, message: dict[str, Any], fds: list[int]) -> None:
        for fd in fds:
            os.close(fd)
        if message.get("type") == "hello":
            pid = int(message["pid"])
            info = read_proc(pid)
            with self._hello:
                self.pids[str(message["name"])] = pid
                if info is not None:
                    self._ticks[pid] = info.start_ticks
                    self.warden.tell(f"pid {pid} {info.start_ticks}")
                self._hello.notify_all()
        else:
            self._replies.put(message)

    def _await_hello(self, name: str) -> int:
        with self._hello:
            if not self._hello.wait_for(lambda: name in self.pids, timeout=_SETTLE * 2):
                raise PracticeError(self._("{name} never said hello: it did not start").format(name=name))
            return self.pids[name]

    def _reply(self, kind: str) -> dict[str, Any]:
        deadline = time.monotonic() + _SETTLE * 2
        while True:
            try:
                message = self._replies.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise PracticeError(self._("no answer ({kind}) came from the process told").format(kind=kind)) from None
            if message.get("type") == "error":
                raise PracticeError(self._("a process of the exercise could not do it: {error}").format(
                    error=message.get("error")))
            if message.get("type") == kind:
                return message

    def _tell(self, whom: str, **command: Any) -> None:
        if not self.channel.send(self.pids[whom], command):
            raise PracticeError(self._("{name} is not listening any more").format(name=whom))

    def _current(self, pid: int) -> ProcInfo | None:
        """pid's /proc line if it is still the process that said hello (same start time):
        else None, gone or its PID somebody else's now. Every read of the answer key."""
        info = read_proc(pid)
        return info if info is not None and info.start_ticks == self._ticks.get(pid) else None

    def _signal(self, pid: int, signum: int) -> None:
        if self._current(pid) is not None:
            os.kill(pid, signum)

    def _state(self, name: str) -> str:
        pid = self.pids.get(name)
        return GONE if pid is None else self._state_of(pid)

    def _state_of(self, pid: int) -> str:
        info = self._current(pid)
        return GONE if info is None else info.state

    def _until(self, condition: Any) -> bool:
        deadline = time.monotonic() + _SETTLE
        while not condition():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.005)
        return True

    # -- the answer key: /proc ------------------------------------------------------------------

    def real_tree(self) -> Tree:
        """The exercise's processes as /proc has them now: parent (by name where it is one
        of them) and mark (Z, T)."""
        by_pid = {pid: name for name, pid in self.pids.items()}
        tree: Tree = {}
        for name, pid in self.pids.items():
            info = self._current(pid)
            if info is None:
                continue
            mark = info.state if info.state in ("Z", "T", "t") else ""
            tree[name] = Node(by_pid.get(info.ppid), "T" if mark == "t" else mark)
        return tree

    def _parent_name(self, name: str) -> str:
        info = self._current(self.pids[name])
        if info is None:
            return GONE
        by_pid = {p: n for n, p in self.pids.items()}
        if info.ppid in by_pid:
            return by_pid[info.ppid]
        if info.ppid == 1:
            return INIT
        if info.ppid == self.lab.pid:
            return PROCTUI
        parent = read_proc(info.ppid)  # neither ours nor known: named by what /proc calls it
        return f"PID {info.ppid} ({parent.name if parent else '?'})"

    # -- one move --------------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.index >= len(self.exercise.moves)

    @property
    def move(self) -> Move:
        return self.exercise.moves[self.index]

    def prepare(self) -> Question:
        """The question of the move under way, before its action is performed."""
        self._await_hello(ROOT)
        move = self.move
        mode = self.exercise.mode
        self.tree_before = tree_text(self.real_tree())
        after = self.model.copy()
        after.apply(move.act)
        if mode is Mode.REVERSE:
            acts = [move.act, *other_actions(self.model, move.act, self.rng)]
            self.rng.shuffle(acts)
            # Where nothing else could have made the second tree, there is nothing to ask.
            self.question = (Question(Ask.ACTION, choices=tuple(act.describe(self.lang) for act in acts))
                             if len(acts) > 1 else Question(Ask.NONE))
        elif mode is Mode.FINAL:
            last = self.index == len(self.exercise.moves) - 1
            if last:
                final = ask_for(move.act, self.model, after, self.rng, Ask.TREE)
                self.question = final
            else:
                self.question = Question(Ask.NONE)
        else:
            self.question = ask_for(move.act, self.model, after, self.rng, move.ask)
        return self.question

    def act(self) -> None:
        """Do the move's action on the real processes, and read what the kernel says
        (before the learner answers, in reverse mode; after, in the others)."""
        move = self.move
        question = self.question or self.prepare()
        said = self._do(move.act)
        tree = self.real_tree()
        self.tree_after = tree_text(tree)
        if question.ask is Ask.TREE:
            self._real = self.tree_after
        elif question.ask is Ask.ACTION:
            self._real = move.act.describe(self.lang)
        elif question.ask is Ask.STATE:
            self._real = self._state(question.about or move.act.who)
        elif question.ask is Ask.ADOPTER:
            self._real = self._parent_name(question.about or "")
        else:
            self._real = said  # join's exit code, is_alive's answer (or nothing)
        self._real_tree = canonical(tree)
        self.acted = True

    def mark(self, answer: str | None) -> Outcome:
        """The learner's answer against what the kernel said; then on to the next move."""
        if not self.acted:
            self.act()
        move = self.move
        question = self.question or Question(Ask.NONE)
        if question.ask is Ask.NONE:
            correct: bool | None = None
            answer = None
        elif question.ask is Ask.TREE:
            correct = answer is not None and parse_tree_text(answer) == self._real_tree
        else:
            correct = answer == self._real
        outcome = Outcome(move, question, answer, self._real if question.ask is not Ask.NONE else "",
                          correct, self.tree_before, self.tree_after)
        self.outcomes.append(outcome)
        self.model.apply(move.act)
        self.index += 1
        self.question = None
        self.acted = False
        return outcome

    def perform(self, answer: str | None) -> Outcome:
        """Forward and final modes: the answer first, then the action, then the mark."""
        self.act()
        return self.mark(answer)

    def _do(self, act: Act) -> str:
        """Perform act; what the acting process said (join's exit code, is_alive's answer)."""
        kind, who = act.kind, act.who
        said = ""
        if kind in (Kind.FORK, Kind.DAEMON):
            self._tell(who, cmd="fork", name=act.other, daemon=kind is Kind.DAEMON)
            self._reply("forked")
            self._await_hello(act.other or "")
        elif kind in (Kind.EXIT, Kind.RETURN, Kind.TERMINATE, Kind.KILL):
            if kind is Kind.EXIT:
                self._tell(who, cmd="exit", code=act.code)
            elif kind is Kind.RETURN:
                self._tell(who, cmd="return")
            else:
                self._signal(self.pids[who], signal.SIGTERM if kind is Kind.TERMINATE else signal.SIGKILL)
            # Exited when a zombie or reaped; its children are re-parented by then.
            self._until(lambda: self._state(who) in ("Z", GONE))
        elif kind is Kind.STOP:
            self._signal(self.pids[who], signal.SIGSTOP)
            self._until(lambda: self._state(who) in ("T", "t"))
        elif kind is Kind.CONT:
            self._signal(self.pids[who], signal.SIGCONT)
            self._until(lambda: self._state(who) not in ("T", "t"))
        elif kind is Kind.JOIN:
            self._tell(who, cmd="join", name=act.other)
            said = str(self._reply("joined")["exitcode"])
        elif kind is Kind.IS_ALIVE:
            self._tell(who, cmd="is_alive", name=act.other)
            said = str(self._reply("is_alive")["value"])
        # a reaps the orphans it adopted that have exited, as init would: then /proc is read.
        self._tell(ROOT, cmd="settle")
        self._reply("settled")
        self._until(lambda: all(self._state(name) not in ("R", "D") for name in self.pids))
        return said

    @property
    def score(self) -> tuple[int, int]:
        asked = [o for o in self.outcomes if o.correct is not None]
        return sum(1 for o in asked if o.correct), len(asked)
