"""Target 6: with 1,000 lab children, a key press is answered within 100 ms (median),
and a refresh costs per process within 1.5x of reading /proc/PID/stat directly.

Key latency: the installed proctui (--max-children 1100) in a 120x40 pty forks 1,000
children (`f`), then the benchmark presses ↓ --presses times (default 30) and stops the
clock at the read that shows the next PID in the selection line.

Refresh cost: in this process, a Lab forks 1,000 children and ProcTUI runs headless
(App.run_test); one refresh is what the app does each tick: MainScreen.read_snapshot() (the
reader thread's part: the lab subtree, read whichever way is fewer reads) and
MainScreen.show_snapshot() (the tree diffed by PID and the selection line). The baseline is the
bare read in Python: open, read and close /proc/PID/stat for every PID in /proc. Both
are divided by the processes read. For reference, in the same loop:
psutil.process_iter() asked for what a row shows (ppid, status, name), and
`ps -e -o pid,ppid,stat,comm` as a whole command.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import time

from harness import Terminal, median, proctui_argv, proctui_ready, report

CHILDREN = 1000
PRESSES = int(sys.argv[sys.argv.index("--presses") + 1]) if "--presses" in sys.argv else 30
REPEATS = 20


def selected_pid(term: Terminal) -> int | None:
    m = re.search(r"^ ?(?:child-\d+ )?PID (\d+) ", term.text(), re.M)
    return int(m[1]) if m else None


def key_latency() -> list[float]:
    term = Terminal(proctui_argv("--max-children", str(CHILDREN + 100)))
    try:
        proctui_ready(term)
        for batch in range(0, CHILDREN, 50):
            term.press("f" * 50)
            last = batch + 50
            if term.read_until(lambda: f"[child child-{last}]" in term.text() or "limit" in term.text(), 120) is None:
                raise RuntimeError(term.text())
        term.read(3.0)
        times = []
        for _ in range(PRESSES):
            before = selected_pid(term)
            since = term.press("\x1b[B")
            at = term.read_until(lambda: selected_pid(term) not in (None, before), 10)
            if at is None:
                raise RuntimeError(f"the selection never moved:\n{term.text()}")
            times.append(1000 * (at - since))
            term.read(0.1)
        return times
    finally:
        term.close()


def raw_read_per_process() -> float:
    """The baseline: open, read and close /proc/PID/stat for every PID in /proc."""
    start = time.perf_counter()
    pids = [entry for entry in os.listdir("/proc") if entry.isdigit()]
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                f.read()
        except OSError:
            pass
    return (time.perf_counter() - start) / len(pids)


def psutil_per_process() -> float:
    import psutil

    start = time.perf_counter()
    count = sum(1 for _ in psutil.process_iter(["ppid", "status", "name"]))
    return (time.perf_counter() - start) / count


def ps_per_process() -> float:
    import subprocess

    start = time.perf_counter()
    out = subprocess.run(["ps", "-e", "-o", "pid,ppid,stat,comm"], capture_output=True, text=True).stdout
    return (time.perf_counter() - start) / (len(out.splitlines()) - 1)


async def refresh_per_process() -> tuple[float, float, float, float, float, int]:
    from proctui.core.lab import experiments
    from proctui.core.lab.lab import Lab
    from proctui.ui.app import ProcTUI

    lab = Lab(max_children=CHILDREN + 100)
    try:
        for _ in range(CHILDREN):
            experiments.fork_child(lab)
        app = ProcTUI(lab, refresh_seconds=3600)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.5)
            app.main_screen.show_snapshot()  # the first drawing of 1,000 rows is not a refresh
            reads, shows, raws, psutils, pss = [], [], [], [], []
            for _ in range(REPEATS):
                raws.append(raw_read_per_process())  # the same processes, the same moment
                psutils.append(psutil_per_process())
                pss.append(ps_per_process())
                start = time.perf_counter()
                snapshot = app.main_screen.read_snapshot()  # what the reader thread runs
                middle = time.perf_counter()
                app.main_screen.snapshot = snapshot
                app.main_screen.show_snapshot()
                end = time.perf_counter()
                reads.append((middle - start) / len(snapshot.procs))
                shows.append((end - middle) / len(snapshot.procs))
                await pilot.pause(0.05)
            shown = len(app.main_screen.process_tree._node_by_pid)
        return min(reads), min(shows), min(raws), min(psutils), min(pss), shown
    finally:
        lab.shutdown()


presses = key_latency()
read, show, raw, psutil_cost, ps_cost, shown = asyncio.run(refresh_per_process())
per_process = read + show
rows = [
    ("key press (↓) to screen", (f"median {median(presses):.0f} ms, max {max(presses):.0f} ms over {PRESSES} presses "
                                 f"({'met' if median(presses) <= 100 else 'NOT met'}: target <= 100 ms)")),
    ("refresh: read /proc", f"{read * 1e6:.1f} µs per process"),
    ("refresh: tree diff", f"{show * 1e6:.1f} µs per process ({shown} rows)"),
    ("bare read of stat", f"{raw * 1e6:.1f} µs per process"),
    ("psutil.process_iter", f"{psutil_cost * 1e6:.1f} µs per process (ppid, status, name)"),
    ("ps -e -o pid,ppid,stat,comm", f"{ps_cost * 1e6:.1f} µs per process (the whole command)"),
]
ratio = per_process / raw
verdict = f"refresh/bare read = {ratio:.2f}x ({'met' if ratio <= 1.5 else 'NOT met'}: target <= 1.5)"
report("Target 6: 1,000 lab children", rows, verdict)
