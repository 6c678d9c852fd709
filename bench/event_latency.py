"""Target 4: lab events on screen, median <= 50 ms, event-driven (htop: up to 1.5 s).

Each event is timed from the moment it is caused to the read from the pty that put the
changed row on the screen (pyte draws every byte as it arrives):

- proctui, lab scope, default refresh (1 s): a key press that forks a child (`f`: its row
  appears), stops it (`s`: `T stopped`), continues it (`s`: `S sleeping`), terminates it
  (`t`: `Z zombie`), and reaps it (`i`, is_alive() on the zombie: its row goes). Also an
  exit proctui did not cause: the benchmark SIGKILLs the child itself (`Z zombie`).
- htop, default delay (1.5 s), filtered (-F) to the benchmark's own `sleep 4242`
  processes so that their rows are on screen: the same kernel events, caused by the
  benchmark: a child started, SIGSTOP, SIGCONT, SIGTERM (zombie), waitpid (row gone).

Before each event the benchmark waits a random time (up to one refresh period of the
program measured), so that events do not fall in step with either program's timer.

--rounds N (default 15) rounds of each.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time

from harness import Terminal, htop_argv, htop_env, median, proctui_argv, proctui_ready, report

ROUNDS = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 15
TIMEOUT = 5.0


def proctui_state(term: Terminal, pid: int) -> str | None:
    """The state letter proctui's row for pid shows, or None if there is no row."""
    for line in term.lines():
        m = re.search(rf"(?<!\d){pid} ([A-Za-z-]) ", line)
        if m:
            return m[1]
    return None


def htop_state(term: Terminal, pid: int) -> str | None:
    for line in term.lines():
        fields = line.split()
        if len(fields) > 8 and fields[0] == str(pid):
            return fields[7]
    return None


def jitter(term: Terminal, period: float) -> None:
    term.read(random.uniform(0, period))


def timed(term: Terminal, since: float, condition) -> float:
    at = term.read_until(condition, TIMEOUT)
    if at is None:
        raise RuntimeError(f"the change never showed:\n{term.text()}")
    return 1000 * (at - since)


def proctui_rounds() -> dict[str, list[float]]:
    times: dict[str, list[float]] = {k: [] for k in ("fork", "stop", "continue", "terminate", "reap", "outside kill")}
    term = Terminal(proctui_argv())
    try:
        proctui_ready(term)
        term.read(1.0)
        n = 0
        for _ in range(ROUNDS):
            for outside in (False, True):
                n += 1
                label = f"child-{n} "
                jitter(term, 1.0)
                since = term.press("f")
                times["fork"].append(timed(term, since, lambda: label in term.text()))
                line = next(line for line in term.lines() if label in line)
                found = re.search(r"(\d+) [A-Z] ", line)
                assert found is not None, line
                pid = int(found[1])
                term.press("\x1b[B")  # down: the child's row (the only one under proctui)
                term.read_until(lambda: f"PID {pid} " in term.text(), TIMEOUT)
                jitter(term, 1.0)
                if outside:
                    since = time_kill(pid, signal.SIGKILL)
                    times["outside kill"].append(timed(term, since, lambda: proctui_state(term, pid) == "Z"))
                else:
                    since = term.press("s")
                    times["stop"].append(timed(term, since, lambda: proctui_state(term, pid) == "T"))
                    jitter(term, 1.0)
                    since = term.press("s")
                    times["continue"].append(timed(term, since, lambda: proctui_state(term, pid) in ("S", "R")))
                    jitter(term, 1.0)
                    since = term.press("t")
                    times["terminate"].append(timed(term, since, lambda: proctui_state(term, pid) == "Z"))
                jitter(term, 1.0)
                since = term.press("i")
                times["reap"].append(timed(term, since, lambda: proctui_state(term, pid) is None))
                term.press("\x1b[H")  # home: back on proctui's row
                term.read(0.2)
    finally:
        term.close()
    return times


def time_kill(pid: int, signum: int) -> float:
    now = time.monotonic()
    os.kill(pid, signum)
    return now


def htop_rounds() -> dict[str, list[float]] | None:
    argv = htop_argv("-F", "sleep 4242")
    if argv is None:
        return None
    times: dict[str, list[float]] = {k: [] for k in ("fork", "stop", "continue", "terminate", "reap")}
    term = Terminal(argv, env=htop_env())
    try:
        term.read(2.0)
        for _ in range(ROUNDS):
            jitter(term, 1.5)
            child = subprocess.Popen(["sleep", "4242"])
            since = time.monotonic()
            try:
                times["fork"].append(timed(term, since, lambda: htop_state(term, child.pid) is not None))
                jitter(term, 1.5)
                since = time_kill(child.pid, signal.SIGSTOP)
                times["stop"].append(timed(term, since, lambda: htop_state(term, child.pid) == "T"))
                jitter(term, 1.5)
                since = time_kill(child.pid, signal.SIGCONT)
                times["continue"].append(timed(term, since, lambda: htop_state(term, child.pid) == "S"))
                jitter(term, 1.5)
                since = time_kill(child.pid, signal.SIGTERM)
                times["terminate"].append(timed(term, since, lambda: htop_state(term, child.pid) == "Z"))
                jitter(term, 1.5)
                since = time.monotonic()
                os.waitpid(child.pid, 0)
                child.returncode = -15
                times["reap"].append(timed(term, since, lambda: htop_state(term, child.pid) is None))
            finally:
                if child.returncode is None:
                    child.kill()
                    child.wait()
    finally:
        term.close()
    return times


ours = proctui_rounds()
theirs = htop_rounds()
rows = []
for event, values in ours.items():
    other = f"; htop {median(theirs[event]):.0f} ms" if theirs and event in theirs else ""
    rows.append((event, f"proctui median {median(values):.0f} ms (max {max(values):.0f}){other}"))
all_ours = [v for values in ours.values() for v in values]
overall = median(all_ours)
verdict = (f"proctui median over all {len(all_ours)} events {overall:.0f} ms "
           f"({'met' if overall <= 50 else 'NOT met'}: target <= 50 ms)")
if theirs:
    all_theirs = [v for values in theirs.values() for v in values]
    verdict += f"; htop {median(all_theirs):.0f} ms"
report("Target 4: from a lab event to the changed row on screen", rows, verdict)
