"""Issue 22, item 6: a script mapping 1,000,000 items over a Pool of 4 (a sum of squares),
continued from its first line in proctui run, finishes in <= 1.2x the time of plain
``python FILE``.

Timed from the key (c in the script's viewer; --key C once every paused process can be
continued at once) to the script's exit, read from a pidfd; beside it, in the same run,
plain python with its output to a pipe, and python on an empty file (its start and exit:
a script continued in proctui was started before the key). Seven rounds: a third of a
second each, and one round in five is 20 % off the others on two CPUs.
"""

from __future__ import annotations

import os
import sys
import tempfile

from harness import median, report
from script_continued import load, plain_python, python_startup, run_in_proctui

ITEMS = int(sys.argv[sys.argv.index("--items") + 1]) if "--items" in sys.argv else 1_000_000
ROUNDS = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 7
KEY = sys.argv[sys.argv.index("--key") + 1] if "--key" in sys.argv else "c"
SCRIPT = f"""from multiprocessing import Pool


def square(x):
    return x * x


if __name__ == "__main__":
    with Pool(4) as pool:
        total = sum(pool.map(square, range({ITEMS})))
    print("sum of squares", total)
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "pool_map.py")
        with open(path, "w") as f:
            f.write(SCRIPT)
        plain, ours, startup = [], [], []
        for _ in range(ROUNDS):  # interleaved, so that a change of load hits both
            startup.append(python_startup(directory))
            plain.append(plain_python(path))
            ours.append(run_in_proctui(path, KEY, "sum of squares").seconds)
    base, mine, start = median(plain), median(ours), median(startup)
    report(f"proctui run: Pool(4).map over {ITEMS:,} items, {KEY} at the first line ({load()})", [
        ("python FILE", f"median {base:.3f} s of {ROUNDS} (all: {', '.join(f'{t:.2f}' for t in plain)})"),
        ("python EMPTY (start and exit)", f"median {start:.3f} s"),
        (f"proctui run, {KEY} -> the script's exit",
         (f"median {mine:.3f} s ({mine / base:.2f}x python FILE, {mine / (base - start):.2f}x without its start; "
          f"all: {', '.join(f'{t:.2f}' for t in ours)})")),
    ], f"{'met' if mine <= 1.2 * base else 'NOT met'} (<= 1.2x python FILE); "
       f"{'met' if mine <= 1.2 * (base - start) else 'NOT met'} without python's start")


if __name__ == "__main__":
    main()
