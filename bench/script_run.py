"""Issue 12, item 8: proctui run is fast enough to forget.

1. A step: from the key n to the read from the pty that shows the viewer at the next line
   (its title names file:line), median of --rounds steps through a straight-line script.
   Beside it, in the same run: python -m pdb, from "n" to its next "(Pdb)" prompt.
2. c on a CPU-bound script (a loop of multiplications, timed by the script itself with
   perf_counter): untraced (python FILE), proctui run + c, python -m pdb + c; and the
   same with a breakpoint set on the script's last line (so the tracer stays on while
   the loop runs, outside any breakpoint).

Targets: a step <= 50 ms median; c <= 2x untraced (3.12+), no slower than pdb (3.10/3.11).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile

from harness import Terminal, median, proctui_argv, report

ROUNDS = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 30
STEPS_FILE = "steps.py"
LOOP_FILE = "loop.py"
LOOP = """import time
start = time.perf_counter()
total = 0
for i in range(3_000_000):
    total += i * i
print("elapsed %.3f" % (time.perf_counter() - start))
print("done")
"""


def write_scripts(directory: str) -> tuple[str, str]:
    steps = os.path.join(directory, STEPS_FILE)
    with open(steps, "w") as f:
        f.write("".join(f"x{n} = {n}\n" for n in range(1, ROUNDS + 3)))
    loop = os.path.join(directory, LOOP_FILE)
    with open(loop, "w") as f:
        f.write(LOOP)
    return steps, loop


def proctui_steps(steps: str) -> list[float]:
    term = Terminal(proctui_argv("run", steps), columns=100, lines=30)
    try:
        term.wait_for(f"{STEPS_FILE}:1 ")
        term.wait_for("n Next")  # the footer says the viewer has the keys
        times = []
        for line in range(2, ROUNDS + 2):
            pressed = term.press("n")
            at = term.read_until(lambda: f"{STEPS_FILE}:{line} " in term.text(), 5)
            if at is None:
                raise RuntimeError(f"line {line} never showed:\n{term.text()}")
            times.append(at - pressed)
        return times
    finally:
        term.close()


def pdb_steps(steps: str) -> list[float]:
    term = Terminal([sys.executable, "-m", "pdb", steps], columns=100, lines=30)
    try:
        term.wait_for("(Pdb)")
        times = []
        for line in range(2, ROUNDS + 2):
            pressed = term.press("n\r")
            at = term.read_until(lambda: _last_line(term) == line and term.text().rstrip().endswith("(Pdb)"), 5)
            if at is None:
                raise RuntimeError(f"line {line} never showed in pdb:\n{term.text()}")
            times.append(at - pressed)
        term.press("q\r")
        return times
    finally:
        term.close()


def _last_line(term: Terminal) -> int | None:
    found = re.findall(r"\((\d+)\)<module>", term.text())
    return int(found[-1]) if found else None


#: What the loop prints when done (its source, shown in the viewer, has no digits there).
ELAPSED = re.compile(r"elapsed (\d+\.\d+)")


def _elapsed(term: Terminal) -> float:
    found = ELAPSED.search(term.text())
    if found is None:
        raise RuntimeError(f"the loop never said how long it took:\n{term.text()}")
    return float(found[1])


def untraced(loop: str) -> float:
    out = subprocess.run([sys.executable, loop], capture_output=True, text=True, timeout=120).stdout
    return float(out.split("elapsed ")[1].split()[0])


def proctui_continue(loop: str, with_break: bool) -> float:
    term = Terminal(proctui_argv("run", loop), columns=100, lines=40)
    try:
        term.wait_for(f"{LOOP_FILE}:1 ")
        term.wait_for("c Cont")  # the footer says the viewer has the keys
        if with_break:
            term.press("b")
            term.wait_for("breakpoint")
            term.read(0.3)  # the prompt's input takes the focus
            # Key by key, as a person types: keys that arrive in one read are mishandled by
            # the prompt (a known bug, found here: its value is submitted without them).
            for key in ("\x7f", "\x7f", "7", "\r"):  # the last line
                term.press(key)
                term.read(0.1)
            term.wait_for("●7 ")  # marked in the gutter
            term.wait_for("c Cont")
        term.press("c")
        term.read_until(lambda: ELAPSED.search(term.text()) is not None, 120)
        return _elapsed(term)
    finally:
        term.close()


def pdb_continue(loop: str, with_break: bool) -> float:
    term = Terminal([sys.executable, "-m", "pdb", loop], columns=100, lines=40)
    try:
        term.wait_for("(Pdb)")
        if with_break:
            term.press("b 7\r")
            term.wait_for("Breakpoint 1")
        term.press("c\r")
        term.read_until(lambda: ELAPSED.search(term.text()) is not None, 120)
        value = _elapsed(term)
        term.press("q\r")
        return value
    finally:
        term.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        steps, loop = write_scripts(directory)
        ours, theirs = proctui_steps(steps), pdb_steps(steps)
        step_ours, step_pdb = median(ours) * 1000, median(theirs) * 1000
        report("proctui run: a step (n) on screen", [
            ("proctui run, n -> next line shown", f"median {step_ours:.1f} ms (max {max(ours) * 1000:.1f})"),
            ("python -m pdb, n -> next prompt", f"median {step_pdb:.1f} ms (max {max(theirs) * 1000:.1f})"),
        ], f"target <= 50 ms: {'met' if step_ours <= 50 else 'NOT met'}")
        base = min(untraced(loop) for _ in range(3))
        rows = [("python FILE (untraced), best of 3", f"{base:.3f} s")]
        verdicts = []
        for with_break in (False, True):
            what = "with a breakpoint on the last line" if with_break else "no breakpoint"
            tries = 2 if with_break else 3  # best of: without a breakpoint a run takes a moment
            ours_c = min(proctui_continue(loop, with_break) for _ in range(tries))
            pdb_c = min(pdb_continue(loop, with_break) for _ in range(tries))
            rows.append((f"proctui run + c, {what}", f"{ours_c:.3f} s ({ours_c / base:.2f}x untraced)"))
            rows.append((f"python -m pdb + c, {what}", f"{pdb_c:.3f} s ({pdb_c / base:.2f}x untraced)"))
            if sys.version_info >= (3, 12):
                verdicts.append(f"{what}: {'met' if ours_c <= 2 * base else 'NOT met'} (<= 2x untraced)")
            else:
                verdicts.append(f"{what}: {'met' if ours_c <= pdb_c * 1.1 else 'NOT met'} (<= pdb's, 10% noise)")
        report(f"proctui run: c on a CPU-bound loop (Python {sys.version.split()[0]})", rows, "; ".join(verdicts))


if __name__ == "__main__":
    main()
