"""Issue 22, item 6: a script printing 100,000 lines, continued from its first line in
proctui run, finishes in <= 2x the time of plain ``python FILE > file``, and proctui's RSS
grows by <= 50 MiB over the run.

Timed from the key (c in the script's viewer; --key C once every paused process can be
continued at once) to the script's exit, read from a pidfd; beside it, in the same run,
plain python writing the same lines to a file. Also said: when the script's last line
reached the screen (the log keeping up), and proctui's RSS at the key and at its peak.
"""

from __future__ import annotations

import os
import sys
import tempfile

from harness import median, report
from script_continued import load, plain_python, python_startup, run_in_proctui

LINES = int(sys.argv[sys.argv.index("--lines") + 1]) if "--lines" in sys.argv else 100_000
ROUNDS = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 3
KEY = sys.argv[sys.argv.index("--key") + 1] if "--key" in sys.argv else "c"
SCRIPT = f"""for i in range({LINES}):
    print(f"line {{i}} of the script's output")
print("all", "done")
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "lines.py")
        with open(path, "w") as f:
            f.write(SCRIPT)
        plain, ours, shown, growth, startup = [], [], [], [], []
        for _ in range(ROUNDS):  # interleaved, so that a change of load hits both
            startup.append(python_startup(directory))
            plain.append(plain_python(path, os.path.join(directory, "out.txt")))
            run = run_in_proctui(path, KEY, "all done")
            ours.append(run.seconds)
            shown.append(run.shown_seconds if run.shown_seconds is not None else float("nan"))
            growth.append((run.rss_peak_kib - run.rss_before_kib) / 1024)
        base, mine, start = median(plain), median(ours), median(startup)
        report(f"proctui run: {LINES:,} lines printed, {KEY} at the first line ({load()})", [
            ("python FILE > file", f"median {base:.3f} s of {ROUNDS}"),
            ("python EMPTY (start and exit)", f"median {start:.3f} s"),
            (f"proctui run, {KEY} -> the script's exit",
             f"median {mine:.3f} s ({mine / base:.2f}x python FILE, {mine / (base - start):.2f}x without its start)"),
            (f"proctui run, {KEY} -> its last line on screen", f"median {median(shown):.3f} s"),
            ("proctui's RSS growth, key -> peak", f"median {median(growth):.1f} MiB (max {max(growth):.1f})"),
        ], f"time: {'met' if mine <= 2 * (base - start) else 'NOT met'} (<= 2x, without python's start); "
           f"memory: {'met' if max(growth) <= 50 else 'NOT met'} (<= 50 MiB)")

if __name__ == "__main__":
    main()
