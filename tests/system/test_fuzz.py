"""Only our own processes: proctui never signals a process it did not start, whatever
the keys, the PID reuse or the record.

Sentinels stand outside the lab: real processes that write down every signal they get
(all but SIGKILL and SIGSTOP can be caught; those two would show as death or `T`).
One is a child of the test process, which under Pilot *is* proctui, so it sits in the
lab tree as a non-lab row; one belongs to another user. Then thousands of random keys
go into the running app, in both tree scopes, and every sentinel must come out
untouched, with no exception in the app and no lab process left after quit.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest

from helpers.app_screen import refused, select, send
from helpers.events import assert_refused
from helpers.processes import gone, proc_info, proc_state
from helpers.waiting import pilot_wait_until, wait_until
from proctui.core.events import Forked, GrandchildForked, LabEvent, Refusal, Refused, Signalled
from proctui.core.lab import experiments
from proctui.core.lab.lab import Lab, LabError, LabProcess
from proctui.core.procfs.stat import read_proc
from proctui.ui.app import ProcTUI

SIZE = (80, 24)
NOBODY = 65534

SENTINEL = r"""
import os, signal, time
def note(signum, frame):
    os.write(1, (signal.Signals(signum).name + "\n").encode())
for signum in signal.valid_signals():
    if signum not in (signal.SIGKILL, signal.SIGSTOP):
        try:
            signal.signal(signum, note)
        except (OSError, ValueError):
            pass
os.write(1, b"ready\n")
while True:
    time.sleep(3600)
"""


class Sentinel:
    """A process outside the lab that reports every signal it receives on its stdout."""

    def __init__(self, argv: list[str]) -> None:
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE)
        assert self.process.stdout is not None  # stdout=PIPE
        self.stdout = self.process.stdout
        self.pid = self.process.pid
        try:
            assert self.stdout.readline() == b"ready\n"
            os.set_blocking(self.stdout.fileno(), False)
            info = read_proc(self.pid)
            assert info is not None
        except BaseException:
            self.end()  # the fixture never got it
            raise
        self.start_ticks = info.start_ticks

    def signals_received(self) -> list[str]:
        try:
            data = self.stdout.read() or b""
        except BlockingIOError:
            data = b""
        return data.decode().split()

    def assert_untouched(self) -> None:
        info = read_proc(self.pid)
        assert info is not None and info.start_ticks == self.start_ticks, f"sentinel {self.pid} is gone"
        assert info.state not in "TtZ", f"sentinel {self.pid} is in state {info.state}"
        assert self.signals_received() == [], f"sentinel {self.pid} got signals"

    def end(self) -> None:
        self.process.kill()
        self.process.wait()
        self.stdout.close()


def other_users_python() -> str | None:
    """A Python another user may run (ours may live under /root), and a way to become them."""
    python = shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin")
    if os.geteuid() != 0 or shutil.which("setpriv") is None or python is None:
        return None
    return python


@pytest.fixture
def sentinels():
    made: list[Sentinel] = []

    def make(argv: list[str]) -> Sentinel:
        made.append(Sentinel(argv))
        return made[-1]

    mine = make([sys.executable, "-c", SENTINEL])
    python = other_users_python()
    theirs = None
    if python is not None:
        theirs = make(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", python, "-c", SENTINEL])
        info = read_proc(theirs.pid)
        assert info is not None and info.uid == NOBODY
    yield mine, theirs, make
    for sentinel in made:
        sentinel.end()


# -- targeted: t, x, s (and w, i) on rows that are not lab processes ----------------------------


async def test_keys_on_other_rows_send_nothing_and_say_why(sentinels):
    mine, theirs, _ = sentinels
    lab = Lab()
    lab_events: list[LabEvent] = []
    lab.subscribe(lab_events.append)
    app = ProcTUI(lab, refresh_seconds=0.3)
    try:
        async with app.run_test(size=SIZE) as pilot:
            # Lab scope: the sentinel is a child of proctui's process, but not a lab process.
            await select(pilot, app, mine.pid)
            for key in "txswiI":
                await pilot.press(key)
                await pilot.pause()
            await pilot_wait_until(pilot, lambda: refused(app, Refusal.NOT_A_LAB_PROCESS, pid=mine.pid),
                                   what="the sentinel's row refused")
            await pilot.press("a")
            # System scope: PID 1, proctui itself, another user's process.
            others = [1, os.getpid()] + ([theirs.pid] if theirs else [])
            for pid in others:
                await select(pilot, app, pid)
                for key in "txsI":
                    await pilot.press(key)
                    await pilot.pause()
            await pilot_wait_until(pilot, lambda: refused(app, Refusal.NOT_A_LAB_PROCESS, pid=1), what="PID 1 refused")
            await pilot_wait_until(pilot, lambda: refused(app, Refusal.PROCTUI_ITSELF, pid=os.getpid()),
                                   what="proctui refused")
            if theirs:
                await pilot_wait_until(pilot, lambda: refused(app, Refusal.NOT_A_LAB_PROCESS, pid=theirs.pid),
                                       what="another user's process refused")
            # Nothing was started, so nothing could be signalled.
            assert not [e for e in lab_events if isinstance(e, (Forked, GrandchildForked, Signalled))], lab_events
            assert lab.processes == []
    finally:
        lab.shutdown()
    mine.assert_untouched()
    if theirs:
        theirs.assert_untouched()
    assert proc_state(1) not in ("T", None)


# -- the Lab's last line of defence: whatever a record says --------------------------------------


def planted(lab: Lab, pid: int) -> LabProcess:
    """A lab record for a process the lab did not start, as a bug could make one."""
    record = lab.records.add("planted", "child", pid, "fork")
    assert record.start_ticks == proc_info(pid).start_ticks and lab.get(pid) is record
    return record


def test_the_lab_never_signals_itself_pid_1_or_another_user(lab, sentinels):
    _, theirs, _ = sentinels
    # Only SIGKILL and SIGSTOP for PID 1: the kernel drops them for init, so even a broken
    # guard could not harm this machine.
    init = planted(lab, 1)
    with pytest.raises(LabError) as refused:
        lab.kill(init)
    assert_refused(refused, Refusal.INIT, pid=1)
    with pytest.raises(LabError) as refused:
        lab.stop_or_continue(init)
    assert_refused(refused, Refusal.INIT, pid=1)
    me = planted(lab, os.getpid())
    for operation in (lab.terminate, lab.kill, lab.stop_or_continue, lab.interrupt):
        with pytest.raises(LabError) as refused:
            operation(me)
        assert_refused(refused, Refusal.PROCTUI_ITSELF, pid=os.getpid())
    if theirs is not None:
        record = planted(lab, theirs.pid)
        for operation in (lab.terminate, lab.kill, lab.stop_or_continue, lab.interrupt):
            with pytest.raises(LabError) as refused:
                operation(record)
            assert_refused(refused, Refusal.OTHER_USER, pid=theirs.pid, uid=NOBODY)
        theirs.assert_untouched()
    # Shutdown goes through the same guard: it must skip all three, silently.
    lab.shutdown(grace=0.2)
    if theirs is not None:
        theirs.assert_untouched()


def start_with_pid(make, pid: int):
    """A sentinel that gets this very PID, through /proc/sys/kernel/ns_last_pid, or None."""
    for _ in range(20):
        try:
            with open("/proc/sys/kernel/ns_last_pid", "w") as f:
                f.write(str(pid - 1))
        except OSError:
            return None
        sentinel = make([sys.executable, "-c", SENTINEL])
        if sentinel.pid == pid:
            return sentinel
    return None


def test_a_reused_pid_gets_nothing(lab, sentinels):
    # A forkserver child is reaped by the fork server the moment it exits, while the
    # lab keeps its record until join(): its PID is free for anyone, and t, x or s on
    # the old row must not reach the newcomer.
    _, _, make = sentinels
    lab.start_method = "forkserver"
    child = experiments.fork_child(lab)
    os.kill(child.pid, signal.SIGKILL)
    wait_until(lambda: gone(child), what="the fork server to reap it")
    newcomer = start_with_pid(make, child.pid)
    if newcomer is None:
        pytest.skip("cannot choose the next PID here (/proc/sys/kernel/ns_last_pid needs CAP_SYS_ADMIN)")
    # The worst case: the newcomer started in the same clock tick as the child (start
    # times have a 10 ms grain, and a busy machine once got there), so the PID and start
    # time check passes. Only the record's own pidfd, opened at start, tells them apart.
    info = read_proc(newcomer.pid)
    assert info is not None
    child.start_ticks = info.start_ticks
    for operation in (lab.terminate, lab.kill, lab.stop_or_continue, lab.interrupt):
        with pytest.raises(LabError) as refused:
            operation(child)
        assert_refused(refused, Refusal.PID_REUSED, pid=child.pid, label=child.label)
    lab.shutdown(grace=0.2)  # it holds the same record: it must not signal the newcomer either
    newcomer.assert_untouched()
    assert child.exitcode == -signal.SIGKILL  # join() read it from the fork server


# -- the fuzz ----------------------------------------------------------------------------------

#: Every key of the app except the ones that leave it (q, ctrl+q, ctrl+c) and the command
#: palette (its system commands can quit or save screenshots); a, the scope, is pressed
#: between the two rounds. The keys that signal come often.
KEYS = (
    list("txs") * 12 + list("fzodpwWinc") * 3 + list("DPm") + ["l", "question_mark", "Z"]
    + ["up", "down", "j", "k", "left", "right"] * 10
    + ["enter", "home", "end", "pageup", "pagedown", "space", "backspace", "left_square_bracket",
       "right_square_bracket"] * 3
    + ["tab", "shift+tab"] + ["escape"] * 8  # escape often: it closes whatever screen is on top
)
KEYS_PER_SCOPE = 1000
#: A cap, not a target: on a slow machine fewer keys go in (the test says how many)...
SECONDS_PER_SCOPE = 15.0
#: ... but never fewer than these: on a machine too busy for them in 15 s, it takes longer.
KEYS_AT_LEAST = 200
#: Keys arrive in bursts, as they do from a terminal over SSH (one read, many keys).
BURST = 20






async def until(condition, timeout: float = 1.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.005)


async def fuzz(pilot, rng: random.Random, keys: int, seconds: float) -> int:
    """Random keys in bursts, into whatever screen is on top; returns how many were sent.
    After each burst the app takes it all before the next one comes."""
    sent = 0
    deadline = time.monotonic() + seconds
    while sent < keys and (time.monotonic() < deadline or sent < KEYS_AT_LEAST):
        for _ in range(BURST):
            send(pilot.app, rng.choice(KEYS))
            sent += 1
        # Every pump on screen takes what it has queued (twice: the app hands keys on
        # to the screen and the focused widget), without waiting for the CPU to go idle.
        await pilot.pause(0)
        await pilot.pause(0)
    return sent


async def test_thousands_of_random_keys_touch_nothing_outside_the_lab(sentinels):
    mine, theirs, _ = sentinels
    rng = random.Random(6)
    lab = Lab(max_children=12)
    signalled = []
    started: list[LabProcess | None] = []  # every lab process started, reaped ones included, as its record was then

    def on_event(event) -> None:
        if isinstance(event, Signalled):
            signalled.append(event)
        elif isinstance(event, (Forked, GrandchildForked)):
            # Emitted right after the record is made, before anyone could reap the process.
            started.append(None if event.pid is None else lab.records.latest(event.pid))

    lab.subscribe(on_event)
    app = ProcTUI(lab, refresh_seconds=0.2)
    pressed = {}
    try:
        async with app.run_test(size=SIZE) as pilot:
            for scope in ("lab", "system"):
                if app.main_screen.scope != scope:
                    await pilot.press("a")
                    await until(lambda: app.main_screen.scope == scope)
                pressed[scope] = await fuzz(pilot, rng, KEYS_PER_SCOPE, SECONDS_PER_SCOPE)
                await pilot.pause(0.3)
            assert app.is_running
            log = list(app.main_screen.event_log.events)
            while len(app.screen_stack) > 1:
                await pilot.press("escape")
            await app.action_quit()
            await pilot.pause()
    finally:
        lab.shutdown()
    print(f"keys pressed: {pressed}; lab processes started: {len(started)}, signalled: {len(signalled)}")
    assert None not in started
    assert min(pressed.values()) >= KEYS_AT_LEAST, pressed  # the time cap may stop it early, but not that early
    assert len(started) >= 10  # the fuzz really made processes to signal...
    assert signalled  # ... signalled some of them (how many depends on timing: focus wanders) ...
    # ... and was refused elsewhere
    assert sum(isinstance(e, Refused) and e.reason is Refusal.NOT_A_LAB_PROCESS for e in log) >= 10
    assert lab.processes == []
    for record in started:
        assert record is not None  # checked above
        info = read_proc(record.pid)
        assert info is None or info.start_ticks != record.start_ticks, record
    mine.assert_untouched()
    if theirs:
        theirs.assert_untouched()


def a_lesson_started(app) -> bool:
    return app.main_screen.lesson_run is not None and app.screen is app.main_screen


def back_on_the_main_screen(app) -> bool:
    # Typed ahead, 1 and Enter may reach the prompt before its input has the focus: a
    # zombie is not promised, only that the prompt came and went without harm.
    return app.screen is app.main_screen


@pytest.mark.parametrize(("keys", "done"), [(["l", "enter", "enter"], a_lesson_started),
                                            (["Z", "1", "enter", "escape"], back_on_the_main_screen)],
                         ids=["lesson picker", "exit code"])
async def test_keys_typed_ahead_into_a_prompt(keys, done):
    # Over SSH keys typed ahead arrive in one read: the app gets them all at once. Each
    # of these once dismissed its screen twice and popped the main screen with it.
    lab = Lab()
    app = ProcTUI(lab, refresh_seconds=0.5)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            for key in keys:
                send(app, key)
            # Each pause takes what every pump had queued when it began; a key goes from the
            # app to the screen to the focused widget, and a screen is pushed or popped later.
            for _ in range(6):
                await pilot.pause()
            await pilot_wait_until(pilot, lambda: done(app), what="what the keys do, done")
            assert app.is_running and app.screen is app.main_screen
            await app.action_quit()
    finally:
        lab.shutdown()
