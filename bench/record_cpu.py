"""Issue 23, cost: recording a session (--record FILE: its events and frames to FILE, the
terminal to FILE's .cast) costs <= 5 % more CPU than the same session not recorded.

Two proctuis side by side in ptys of 120x40, one with --record; both get the same keys
at the same moments: the tree's cursor down and up every --interval seconds (a repaint
each), and every second z, a child that exits at once and stays a zombie (a fork, a
line, an exit: events, frames and markers), up to 40 of them; both are drained all the
while. CPU is utime+stime of every thread over the same window, median of --rounds
rounds (the two swap sides each round). On a shared machine the difference is near the
noise, so the writers' own cost is measured too: the record and the cast written again
in this process, timed by process_time.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

from harness import Terminal, cpu_seconds, proctui_argv, proctui_ready, report, seconds_arg
from proctui.core.lifeline.asciicast import CastWriter, read_cast
from proctui.core.lifeline.history import Frame, History
from proctui.core.lifeline.record import RecordWriter, read_record

DOWN, UP = "\x1b[B", "\x1b[A"
seconds = seconds_arg(30)
interval = float(sys.argv[sys.argv.index("--interval") + 1]) if "--interval" in sys.argv else 0.1
rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 3
ZOMBIES = 40


def one_round(swap: bool) -> tuple[dict[str, float], float, str, int]:
    """Both sessions side by side once: CPU % of each, the seconds, the record's path, keys."""
    record = os.path.join(tempfile.mkdtemp(prefix="bench-record-"), "session.jsonl")
    argvs = {"not recording": proctui_argv("--max-children", "64"),
             "recording": proctui_argv("--max-children", "64", "--record", record)}
    order = list(argvs)[::-1] if swap else list(argvs)
    terms = {name: Terminal(argvs[name]) for name in order}
    try:
        for term in terms.values():
            proctui_ready(term)
        cpu0 = {name: cpu_seconds(t.pid) for name, t in terms.items()}
        start = time.monotonic()
        presses = zombies = 0
        while time.monotonic() - start < seconds:
            key = DOWN if presses % 20 < 10 else UP
            if zombies < ZOMBIES and presses % max(1, round(1 / interval)) == 0:
                key, zombies = "z", zombies + 1
            for term in terms.values():
                term.press(key)
            presses += 1
            next_press = start + presses * interval
            while (left := next_press - time.monotonic()) > 0:
                for term in terms.values():
                    term.read(min(0.02, left))
        elapsed = time.monotonic() - start
        cpu = {name: 100 * (cpu_seconds(t.pid) - cpu0[name]) / elapsed for name, t in terms.items()}
    finally:  # SIGTERM: proctui ends as q ends it, the record closed
        for term in terms.values():
            term.close()
    return cpu, elapsed, record, presses


results = [one_round(swap=n % 2 == 1) for n in range(rounds)]
extras = [100 * (cpu["recording"] - cpu["not recording"]) / cpu["not recording"] for cpu, *_ in results]
rows = []
for n, ((cpu, elapsed, _, presses), extra) in enumerate(zip(results, extras, strict=True)):
    said = (f"not recording {cpu['not recording']:.2f}% · recording {cpu['recording']:.2f}% CPU ({extra:+.1f}%) "
            f"over {elapsed:.0f} s, {presses} keys")
    rows.append((f"round {n + 1}", said))
extra = statistics.median(extras)

# The writers alone: what the last round recorded, written again here.
elapsed, record = results[-1][1], results[-1][2]
header, history = read_record(record)
cast_path = record.removesuffix(".jsonl") + ".cast"
frames = [event.data for event in read_cast(cast_path).events if event.code == "o"]
sizes = f"{os.path.getsize(record) / 1024:.0f} KiB of record, {os.path.getsize(cast_path) / 1024:.0f} KiB of cast"
rows.append(("what was recorded", f"{len(history)} events, {len(history.frames)} frames, {sizes}"))
folder = os.path.dirname(record)
started = time.process_time()
again = RecordWriter(os.path.join(folder, "again.jsonl"), header)
again_history = History(header.own_pid, header.started)
again.follow(again_history)
for entry in history.entries():
    if isinstance(entry, Frame):
        again_history.add_frame(entry.rows, entry.time)
    elif not isinstance(entry, tuple):
        again_history.add_event(entry)
again.close()
cast = CastWriter(os.path.join(folder, "again.cast"), 120, 40)
for frame in frames:
    cast.output(frame)
cast.close()
writers_cpu = 100 * (time.process_time() - started) / elapsed
rows.append(("the writers alone", f"{writers_cpu:.3f}% CPU of the session's {elapsed:.0f} s"))
verdict = (f"recording costs {extra:+.1f}% CPU, median of {rounds} rounds (target <= +5%): "
           f"{'met' if extra <= 5 else 'NOT met'}; the writers alone {writers_cpu:.2f}% of one CPU")
report("Issue 23: the cost of recording a session", rows, verdict)
