"""Real processes as the kernel has them: their state, whether they are gone, ending and reaping what a test
leaves."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterable, Mapping
from typing import Protocol

import psutil

from helpers.waiting import wait_until
from proctui.core.procfs.stat import ProcInfo, read_proc


def proc_state(pid: int) -> str | None:
    """The kernel's state letter for pid, or None once /proc/PID is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        return None
    return raw[raw.rindex(b")") + 2 :].split()[0].decode()


class Started(Protocol):
    """A process as the test saw it alive: a lab record, or a ProcInfo read then."""

    @property
    def pid(self) -> int: ...

    @property
    def start_ticks(self) -> int: ...


def gone(process: Started) -> bool:
    """Has this very process left /proc? Not only its PID: a PID freed is handed out again
    at once on a busy machine, and at once on purpose by a churner that sets
    /proc/sys/kernel/ns_last_pid (test_churn's does, in this run or in another one on the
    same machine), so a PID alone may name a stranger a moment after the reap."""
    info = read_proc(process.pid)
    return info is None or info.start_ticks != process.start_ticks


def proc_info(pid: int) -> ProcInfo:
    """read_proc for a PID the test knows /proc lists (fails the test if it does not)."""
    info = read_proc(pid)
    assert info is not None, f"/proc has no PID {pid}"
    return info


def family_of(pid: int) -> list[psutil.Process]:
    """pid and every process below it now ([] once pid is gone), as psutil objects: they
    remember each process's start time, so a PID reused later is never signalled. Only for
    a pid the test knows is still its own (a child not yet reaped holds its PID)."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def end_and_reap(family: Iterable[psutil.Process], timeout: float = 20.0) -> None:
    """A test's way out, failing or not: SIGKILL what still runs of family, and reap each
    one that is, or becomes, the test run's own. The test run is a child subreaper
    (conftest.py): an orphan is re-parented here, and stays a zombie until we reap it."""
    family = list(family)
    for proc in family:
        try:
            proc.kill()
        except psutil.Error:
            pass  # gone already
    deadline = time.monotonic() + timeout
    for proc in family:
        while time.monotonic() < deadline:
            try:
                if os.waitpid(proc.pid, os.WNOHANG)[0]:
                    break
            except ChildProcessError:
                # Not ours: reaped by its own parent, or a zombie below a parent that is on
                # its way out (its children come here as it dies).
                if not proc.is_running():
                    break
            time.sleep(0.01)


def run_reaping_what_it_leaves(command: list[str], timeout: float = 60, *, merged: bool = False,
                               env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess:
    """subprocess.run, then reap what the run left to the test run (a child subreaper):
    multiprocessing's helpers (a resource tracker, a fork server), which leave once their
    parent has gone, or an orphan the command ended. After a failed run (an exit status
    other than 0, a timeout), or a helper that does not leave, what is left is killed and
    reaped. merged: stderr into stdout's pipe, as a terminal shows them (stderr is then None)."""
    before = {child.pid for child in psutil.Process().children()}

    def left() -> list[psutil.Process]:
        return [child for child in psutil.Process().children() if child.pid not in before]

    try:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT if merged else subprocess.PIPE,
                              text=True, timeout=timeout, env=env)
        if done.returncode != 0:
            return done  # the caller says why; what it left is ended below
        for orphan in left():
            wait_until(lambda: proc_state(orphan.pid) in ("Z", None), what=f"the run's orphan {orphan.pid} to exit")
            try:
                os.waitpid(orphan.pid, 0)
            except ChildProcessError:
                pass
        return done
    finally:
        end_and_reap(left())
