"""Shared fixtures. The one that matters most: no test may leave a process behind.

The test process makes itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so an
orphan that a test creates is re-parented to the test run instead of PID 1, and the
leak check below still sees it (on machines where PID 1 kills what it adopts, an orphan
would otherwise vanish and prove nothing).
"""

from __future__ import annotations

import os
import time

import psutil
import pytest

from proctui.core.events import LabEvent
from proctui.core.lab.lab import Lab
from proctui.core.linux import PR_SET_CHILD_SUBREAPER, prctl

# multiprocessing's helper processes live for the whole run once started (spawn's
# resource tracker, forkserver's server): they are the interpreter's, not a test's.
_SESSION_HELPERS = ("multiprocessing.resource_tracker", "multiprocessing.forkserver")


def pytest_configure(config: pytest.Config) -> None:
    prctl(PR_SET_CHILD_SUBREAPER, 1)


def _descendants() -> dict[int, psutil.Process]:
    found = {}
    for proc in psutil.Process().children(recursive=True):
        try:
            cmdline = " ".join(proc.cmdline())
        except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
            cmdline = ""
        if any(helper in cmdline for helper in _SESSION_HELPERS):
            continue
        found[proc.pid] = proc
    return found


def _describe(proc: psutil.Process) -> str:
    try:
        status = proc.status()
    except psutil.Error:
        return f"{proc.pid} (gone)"
    try:
        command = " ".join(proc.cmdline()) or proc.name()
    except psutil.Error:  # a zombie has no command line left
        command = "<defunct>"
    return f"{proc.pid} {status} {command}"


@pytest.fixture(autouse=True)
def no_process_left_behind():
    """Fail the test if it leaves a child, a zombie or an orphan of the test run."""
    before = set(_descendants())
    yield
    deadline = time.monotonic() + 2
    while True:
        left = {pid: p for pid, p in _descendants().items() if pid not in before}
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    if not left:
        return
    described = [_describe(p) for p in left.values()]
    for proc in left.values():
        try:
            proc.kill()
        except psutil.Error:
            pass
    for pid in left:
        try:
            os.waitpid(pid, 0)  # ours (a child or an adopted orphan): reap it
        except ChildProcessError:
            pass
    pytest.fail("test left processes behind:\n  " + "\n  ".join(described))


@pytest.fixture
def lab():
    lab = Lab()
    yield lab
    lab.shutdown()


@pytest.fixture
def lab_events(lab):
    """Every event the lab emits, in order."""
    events: list[LabEvent] = []
    lab.subscribe(events.append)
    return events


@pytest.fixture
def driver(lab, lab_events):
    """A script run by the lab, stepped from the test (tests/helpers/script_driver.py)."""
    from helpers.script_driver import Driver

    return Driver(lab, lab_events)


@pytest.fixture
def app(request, lab):
    """The real app on the test's Lab, refreshing its tree every half second. Other options
    through indirect parametrisation, e.g. ``@pytest.mark.parametrize("app", [{"lang": "zh"}],
    indirect=True)``: any keyword of ProcTUI, and ``guarded: False`` for the Lab a Python
    without multiprocessing's private children set gets (its notice at start)."""
    from proctui.ui.app import ProcTUI  # here, so that tests of the domain never load Textual

    options = dict(getattr(request, "param", {}))
    if "guarded" in options:
        lab.guarded = options.pop("guarded")
    options.setdefault("refresh_seconds", 0.5)
    return ProcTUI(lab, **options)


pytest_plugins = ["pytester"]
