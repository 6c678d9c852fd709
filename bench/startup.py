"""Target 5: start to first full frame <= 1.3x a minimal Textual app with a Tree.

Each run starts the program in a fresh 120x40 pty and stops the clock at the read that
puts its whole first frame on the screen: for proctui the row of its own PID in the tree
and the footer; for bench/bare_tree_app.py its tree root and footer. The two alternate,
--runs N times each (default 10), and the medians are compared.
"""

from __future__ import annotations

import sys

from harness import Terminal, bare_tree_argv, median, proctui_argv, ratio, report

RUNS = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 10


def first_frame(argv: list[str], marks: list[str]) -> float:
    term = Terminal(argv)
    try:
        marks = [m.replace("{pid}", str(term.pid)) for m in marks]
        at = term.read_until(lambda: all(m in term.text() for m in marks), 30)
        if at is None:
            raise RuntimeError(f"no first frame:\n{term.text()}")
        return 1000 * (at - term.started)
    finally:
        term.close()


ours, bare = [], []
for _ in range(RUNS):
    ours.append(first_frame(proctui_argv(), ["{pid} ", "proctui (this app)", "Quit"]))
    bare.append(first_frame(bare_tree_argv(), ["bare {pid}", "Quit"]))
verdict = (f"proctui/bare = {ratio(median(ours), median(bare))} "
           f"({'met' if median(ours) <= 1.3 * median(bare) else 'NOT met'}: target <= 1.3)")
report("Target 5: start to first full frame", [
    ("proctui", f"median {median(ours):.0f} ms (min {min(ours):.0f}, max {max(ours):.0f}) over {RUNS} runs"),
    ("bare Tree app", f"median {median(bare):.0f} ms (min {min(bare):.0f}, max {max(bare):.0f})"),
], verdict)
