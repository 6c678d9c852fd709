"""Issue 23, cost: recording the terminal (asciicast v3) costs <= 5 % more CPU than not.

Two proctuis side by side in ptys of 120x40, each with 10 lab children, one of them
recording its terminal (PROCTUI_CAST=FILE, what --record FILE writes the terminal half
of); both get the same keys at the same moments (the cursor down and up, every
--interval seconds: a repaint each, the busiest an interactive session gets), and both
are drained all the while. CPU is utime+stime of every thread over the same window. On a shared machine that
difference is within the noise, so the writer's own cost is measured too: the frames
recorded, written again by a CastWriter in this process, timed by process_time.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

from harness import Terminal, cpu_seconds, proctui_argv, proctui_ready, report, seconds_arg
from proctui.core.lifeline.asciicast import CastWriter, read_cast

DOWN, UP = "\x1b[B", "\x1b[A"
seconds = seconds_arg(30)
interval = float(sys.argv[sys.argv.index("--interval") + 1]) if "--interval" in sys.argv else 0.1
record = os.path.join(tempfile.mkdtemp(prefix="bench-record-"), "session.cast")

terms = {"not recording": Terminal(proctui_argv()), "recording": Terminal(proctui_argv(), env={"PROCTUI_CAST": record})}
try:
    for term in terms.values():
        proctui_ready(term)
        for n in range(1, 11):
            term.press("f")
            term.wait_for(f"child-{n} ")
    cpu0 = {name: cpu_seconds(t.pid) for name, t in terms.items()}
    size0 = os.path.getsize(record)
    start = time.monotonic()
    presses = 0
    while time.monotonic() - start < seconds:
        key = DOWN if presses % 20 < 10 else UP
        for term in terms.values():
            term.press(key)
        presses += 1
        next_press = start + presses * interval
        while (left := next_press - time.monotonic()) > 0:
            for term in terms.values():
                term.read(min(0.02, left))
    elapsed = time.monotonic() - start
    cpu = {name: 100 * (cpu_seconds(t.pid) - cpu0[name]) / elapsed for name, t in terms.items()}
    written = os.path.getsize(record) - size0
finally:
    for term in terms.values():
        term.close()

base, recording = cpu["not recording"], cpu["recording"]
extra = 100 * (recording - base) / base if base else float("nan")
rows = [(name, f"{value:.2f}% CPU over {elapsed:.0f} s, {presses} keys") for name, value in cpu.items()]
rows.append(("cast written", f"{written / elapsed / 1024:.1f} KiB/s"))

frames = [event.data for event in read_cast(record).events if event.code == "o"]
again = CastWriter(os.path.join(os.path.dirname(record), "again.cast"), 120, 40)
started = time.process_time()
for frame in frames:
    again.output(frame)
again.close()
writer_cpu = 100 * (time.process_time() - started) / read_cast(record).events[-1].time
rows.append(("the writer alone", f"{writer_cpu:.3f}% CPU ({len(frames)} frames written again)"))
verdict = f"recording costs {extra:+.1f}% CPU (target <= +5%): {'met' if extra <= 5 else 'NOT met'}"
report("Issue 23: the cost of recording the terminal", rows, verdict)
