"""Lessons: guided steps that advance when the real state is reached, not on a timer.

The texts are data (``proctui/lessons/<lang>.toml``); each step names a *goal*, a check
over what really happened: the lab's events since the step began, the kernel's view of
the lab processes, and where a stepped join stands. Every language file must have the
same lessons, steps and goals, so a lesson behaves the same whatever the language.
"""

from __future__ import annotations

import locale
import os
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, TypeVar

from proctui.core import events as ev
from proctui.core.events import LabEvent
from proctui.core.i18n import LANGUAGES as LANGUAGES  # re-exported: the languages lessons exist in
from proctui.core.lab.records import LabProcess
from proctui.core.lab.workers import SIGTERM_HANDLER_EXIT_CODE
from proctui.core.procfs.stat import ProcInfo
from proctui.core.start_method import StartMethod
from proctui.core.stepping.stepper import Step

E = TypeVar("E", bound=LabEvent)


@dataclass(frozen=True)
class LessonStep:
    say: str  # why, and what is going on
    do: str  # which key to press
    look: str  # what to look at once done
    goal: str  # the name of a check in GOALS


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    steps: tuple[LessonStep, ...]


@dataclass(frozen=True)
class Seen:
    """What the app sees of the real world right now: a lesson session adds the events since
    its step began, and a goal reads the whole as a Progress."""

    processes: Sequence[LabProcess]  # lab processes not yet reaped
    procs: dict[int, ProcInfo]  # the latest /proc snapshot
    own_pid: int
    step: Step | None  # where a stepped join stands, if one is open
    start_method: StartMethod
    join_blocked_in: str | None = None  # the call the stepped join runs inside, not paused: blocked
    past_procs: dict[int, ProcInfo] | None = None  # back in time: the processes the tree shows as they were
    timeline_pid: int | None = None  # the timeline is open: the PID of its selected lifeline


@dataclass(frozen=True)
class Progress:
    """What the app can tell a goal about the real world right now."""

    events: Sequence[LabEvent]  # lab events since the step began
    processes: Sequence[LabProcess]  # lab processes not yet reaped
    procs: dict[int, ProcInfo]  # the latest /proc snapshot
    own_pid: int
    step: Step | None  # where a stepped join stands, if one is open
    start_method: StartMethod
    join_blocked_in: str | None = None  # the call the stepped join runs inside, not paused: blocked
    past_procs: dict[int, ProcInfo] | None = None  # back in time: the processes the tree shows as they were
    timeline_pid: int | None = None  # the timeline is open: the PID of its selected lifeline


def _happened(progress: Progress, kind: type[E], test: Callable[[E], bool] = lambda e: True) -> bool:
    """Has an event of this class, passing test, happened since the step began?"""
    return any(isinstance(e, kind) and test(e) for e in progress.events)


def _lab_state(progress: Progress, role: str, state: str) -> bool:
    return any(
        r.role == role and (info := progress.procs.get(r.pid)) is not None and info.state == state
        for r in progress.processes
    )


def _exited_with(progress: Progress, exitcode: int) -> bool:
    return _happened(progress, ev.Exited, lambda e: e.exitcode == exitcode)


def _exited_as(progress: Progress, role: str, exitcode: int) -> bool:
    """Has a lab process of this role exited with this exit code since the step began?
    Its role is the one it was started as (a Forked event of the step, or its record)."""
    pids = {e.pid for e in progress.events if isinstance(e, ev.Forked) and e.role == role}
    pids.update(r.pid for r in progress.processes if r.role == role)
    return _happened(progress, ev.Exited, lambda e: e.pid in pids and e.exitcode == exitcode)


def _grandchild_under_waiting_parent(progress: Progress) -> bool:
    """A grandchild whose parent, a waiting parent, is alive and is its parent in /proc."""
    waiting = {r.pid for r in progress.processes if r.role == "waiting parent"}
    return any(
        r.former_parent in waiting and (info := progress.procs.get(r.pid)) is not None
        and info.ppid == r.former_parent and (parent := progress.procs.get(r.former_parent)) is not None
        and parent.state == "S"
        for r in progress.processes
    )


def _ended_parent_orphan_adopted(progress: Progress) -> bool:
    """proctui adopted an orphan whose parent the user signalled in this step."""
    signalled = {e.pid for e in progress.events if isinstance(e, ev.Signalled)}
    return _happened(progress, ev.Adopted,
                     lambda e: e.adopter_pid == progress.own_pid and e.former_parent in signalled)


def _stopped_and_continued(progress: Progress) -> bool:
    stopped = {e.pid for e in progress.events if isinstance(e, ev.Signalled) and e.signal == signal.SIGSTOP}
    return _happened(progress, ev.Signalled, lambda e: e.signal == signal.SIGCONT and e.pid in stopped)


def _at_call(progress: Progress, kind: str, call: str) -> bool:
    step = progress.step
    return step is not None and step.kind == kind and (step.call or "").startswith(call)


def _child_said_who_it_is(e: ev.Output) -> bool:
    return e.label is not None and e.label.startswith("child-") and e.pid is not None


def _daemon_refused(e: ev.Output) -> bool:
    # The daemon's own words (or, under -O, its note that asserts are off): see workers.daemon_child.
    return "daemonic processes are not allowed to have children" in e.line or "asserts are off" in e.line


def _script_said(progress: Progress, line: str, by_a_fresh_child: bool = False) -> bool:
    """Did a process of a script run by proctui print a line starting so? With
    by_a_fresh_child, one its script started with spawn or forkserver (a fresh Python)."""
    pids = {e.pid for e in progress.events if isinstance(e, ev.ScriptForked) and e.via in ("spawn", "forkserver")}
    return _happened(progress, ev.Output, lambda e: e.by_script and e.line.startswith(line)
                     and (not by_a_fresh_child or e.pid in pids))


def _forkserver_child_reaped_by_server(progress: Progress) -> bool:
    children = {e.pid: e.parent_pid for e in progress.events if isinstance(e, ev.ScriptForked)
                and e.via == "forkserver"}
    return _happened(progress, ev.Exited, lambda e: e.who_reaps is ev.WhoReaps.FORK_SERVER
                     and e.pid in children and e.reaper_pid == children[e.pid] and e.pid not in progress.procs)


def _fork_child_zombie_under_script(progress: Progress) -> bool:
    return any(isinstance(e, ev.ScriptForked) and e.via == "fork" and e.pid is not None
               and (info := progress.procs.get(e.pid)) is not None and info.is_zombie and info.ppid == e.parent_pid
               for e in progress.events)


def _zombie_back_in_time(progress: Progress) -> bool:
    """Back in time, the tree shows a zombie as /proc showed it then."""
    past = progress.past_procs
    return past is not None and any(info.is_zombie for pid, info in past.items() if pid != progress.own_pid)


def _orphan_on_the_timeline(progress: Progress) -> bool:
    """The timeline is open on the lifeline of an orphan the kernel re-parented."""
    return progress.timeline_pid is not None and any(
        record.pid == progress.timeline_pid and record.former_parent is not None for record in progress.processes)


GOALS: dict[str, Callable[[Progress], bool]] = {
    # Reading steps: the user moves on with ] when ready.
    "read": lambda p: False,
    "child_started": lambda p: _happened(p, ev.Output, _child_said_who_it_is) and _lab_state(p, "child", "S"),
    "zombie_exists": lambda p: _lab_state(p, "zombie", "Z"),
    "join_stepping": lambda p: p.step is not None,
    "at_waitpid": lambda p: _at_call(p, "call", "os.waitpid("),
    "reaped": lambda p: _happened(p, ev.Reaped),
    "terminated": lambda p: _exited_with(p, -signal.SIGTERM),
    "killed": lambda p: _exited_with(p, -signal.SIGKILL),
    # SIGINT left to its default action (every lab child but the interruptible one): -2.
    "interrupted": lambda p: _happened(p, ev.Signalled, lambda e: e.signal == signal.SIGINT)
    and _exited_with(p, -signal.SIGINT),
    "exit_code_chosen": lambda p: _happened(p, ev.Exited, lambda e: e.exitcode is not None and e.exitcode > 0),
    # Under forkserver is_alive() reaps nothing: it reads the sentinel (the fork server reaped).
    "reaped_by_is_alive": lambda p: _happened(
        p, ev.Reaped, lambda e: e.call in (ev.ReapCall.IS_ALIVE, ev.ReapCall.IS_ALIVE_SENTINEL)),
    "assert_failed": lambda p: p.step is not None and p.step.kind == "exception"
    and "can only join a started process" in (p.step.result or ""),
    "join_timed_out": lambda p: p.step is not None and p.step.kind == "done" and p.step.result == "None",
    "orphan_adopted": lambda p: _happened(p, ev.Adopted, lambda e: e.adopter_pid == p.own_pid),
    "orphan_on_the_timeline": _orphan_on_the_timeline,
    "zombie_back_in_time": _zombie_back_in_time,
    "orphan_reaped": lambda p: _happened(p, ev.Reaped, lambda e: e.call is ev.ReapCall.ADOPTED_CHILD),
    "daemon_refused": lambda p: _happened(p, ev.Output, _daemon_refused),
    "daemon_died_with_parent": lambda p: _happened(p, ev.Exited, lambda e: e.who_reaps is ev.WhoReaps.EXIT_HANDLER),
    "pool_results": lambda p: sum(isinstance(e, ev.PoolTaskDone) for e in p.events) >= 6,
    "pool_joined": lambda p: _happened(p, ev.PoolWorkerReaped, lambda e: e.by is ev.PoolReap.JOIN),
    "spawn_method": lambda p: p.start_method == "spawn",
    "spawn_child": lambda p: _happened(p, ev.Forked, lambda e: e.start_method == "spawn"),
    "forkserver_child": lambda p: _happened(p, ev.Forked, lambda e: e.start_method == "forkserver"),
    # Exit codes: the shell's own exit code is the $? it printed, 128 + SIGTERM.
    "shell_exit_143": lambda p: _exited_as(p, "shell", 128 + signal.SIGTERM),
    "exit_256_is_0": lambda p: _exited_as(p, "exit256", 0),
    "raised_exit_1": lambda p: _exited_as(p, "raises", 1),
    "message_exit_1": lambda p: _exited_as(p, "exits", 1),
    # Orphans when you choose.
    "grandchild_under_waiting_parent": _grandchild_under_waiting_parent,
    "parent_ended_orphan_adopted": _ended_parent_orphan_adopted,
    # Signals and handlers.
    "handler_exit_3": lambda p: _exited_as(p, "handler", SIGTERM_HANDLER_EXIT_CODE),
    "interrupted_exit_1": lambda p: _happened(p, ev.Signalled, lambda e: e.signal == signal.SIGINT)
    and _exited_as(p, "interruptible", 1),
    "stopped_and_continued": _stopped_and_continued,
    "reaped_by_kernel": lambda p: _happened(p, ev.Exited, lambda e: e.who_reaps is ev.WhoReaps.KERNEL),
    "feeder_blocked": lambda p: _happened(p, ev.WhereBlocked, lambda e: e.feeder_blocked),
    "join_blocked_in_waitpid": lambda p: (p.join_blocked_in or "").startswith("os.waitpid("),
    # proctui read the queue, and then the stepped join's waitpid returned: the child is reaped.
    "got_then_reaped": lambda p: _happened(p, ev.QueueGot) and _happened(
        p, ev.Reaped, lambda e: e.call is ev.ReapCall.STEPPED_JOIN),
    # examples/09_no_main_guard.py: the child ran the top level as __mp_main__ and its start()
    # raised; the parent's join gave exit code 1 (each line as the processes printed it).
    "main_guard_missing": lambda p: _script_said(p, "[__mp_main__]", True) and _script_said(p, "RuntimeError", True)
    and _script_said(p, "[__main__] p.exitcode = 1"),
    # examples/10_main_guard.py: the child imported the script too, then ran its target.
    "main_guard_kept": lambda p: _script_said(p, "[__mp_main__]", True) and _script_said(p, "[hello]", True)
    and _script_said(p, "[__main__] p.exitcode = 0"),
    # examples/11_where_did_my_zombie_go.py under forkserver: the fork server forked the child
    # and reaped it (its exit said so), and /proc no longer has it.
    "forkserver_child_reaped_by_server": _forkserver_child_reaped_by_server,
    # ... and under fork: the script's child is a zombie under the script, in /proc.
    "fork_child_zombie_under_script": _fork_child_zombie_under_script,
    "script_joined": lambda p: _script_said(p, "[parent] joined: exitcode"),
    "cow_shared": lambda p: _happened(p, ev.CowMemory, lambda e: not e.written),
    # The kernel copied at least every page of the list the child wrote: read from smaps_rollup.
    "cow_copied": lambda p: _happened(p, ev.CowMemory, lambda e: (e.copied or 0) >= e.list_kb),
}


def _load(lang: str) -> dict[str, Any]:
    # Imported here: the lessons are read when first asked for, not at every start.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10
        import tomli as tomllib
    if lang not in LANGUAGES:
        raise ValueError(f"no lessons in {lang!r}: choose one of {', '.join(LANGUAGES)}")
    return tomllib.loads(resources.files("proctui.lessons").joinpath(f"{lang}.toml").read_text("utf-8"))


def load_glossary(lang: str) -> dict[str, str]:
    """Term -> meaning, for the help screen."""
    return dict(_load(lang)["glossary"])


def load_lessons(lang: str) -> tuple[Lesson, ...]:
    """The lessons in one language, from the package's data files."""
    data = _load(lang)
    lessons = []
    for entry in data["lesson"]:
        steps = tuple(LessonStep(s["say"].strip(), s["do"].strip(), s["look"].strip(), s["goal"])
                      for s in entry["step"])
        for step in steps:
            if step.goal not in GOALS:
                raise ValueError(f"lesson {entry['id']!r} ({lang}) names an unknown goal {step.goal!r}")
        lessons.append(Lesson(entry["id"], entry["title"], steps))
    return tuple(lessons)


def default_language() -> str:
    """zh where the locale says Chinese, else en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    try:
        code = locale.getlocale()[0] or ""
    except ValueError:
        code = ""
    return "zh" if code.lower().startswith("zh") else "en"


class LessonRun:
    """One lesson under way: which step, and whether its goal has been reached."""

    def __init__(self, lesson: Lesson) -> None:
        self.lesson = lesson
        self.index = 0
        self.reached = False

    @property
    def step(self) -> LessonStep:
        return self.lesson.steps[self.index]

    @property
    def finished(self) -> bool:
        return self.index == len(self.lesson.steps) - 1 and (self.reached or self.step.goal == "read")

    def check(self, progress: Progress) -> bool:
        """Has the step's goal been reached? Moves on to the next step if so."""
        if GOALS[self.step.goal](progress):
            self.reached = True
            return self.forward()
        return False

    def forward(self) -> bool:
        if self.index < len(self.lesson.steps) - 1:
            self.index += 1
            self.reached = False
            return True
        return False

    def back(self) -> bool:
        if self.index > 0:
            self.index -= 1
            self.reached = False
            return True
        return False
