"""Issue 14, item 1: system scope's cost as the machine grows, beside btop in the same run.

For each count of extra `sleep 3600` processes (--extras, default 0,1000,3000,10000), the
benchmark starts them, then proctui --scope system and btop 1.2 (update_ms 1000, the
same 1 s refresh; a fresh config directory) side by side in 120x40 ptys, lets both
settle, and reads both processes' CPU (utime + stime of every thread, from /proc) over
the same window (--seconds, default 30). At the largest count it then times keys in
proctui's tree: each key from its write to the pty to the read that shows what it did
(↓ and ↑: the selection line names another PID; PgDn: another PID; ← on the whole
system's root: its rows fold away; `a`: the border says the lab, and `a` again, the whole
system).

Targets: +1,000 <= 0.5x btop's CPU; +10,000 <= 0.2x; a key <= 100 ms median.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from harness import Sleepers, Terminal, count_processes, measure_idle, median, proctui_argv, report, seconds_arg

EXTRAS = ([int(n) for n in sys.argv[sys.argv.index("--extras") + 1].split(",")] if "--extras" in sys.argv
          else [0, 1000, 3000, 10_000])
SECONDS = seconds_arg(30)
SETTLE = 5.0
KEY_ROUNDS = 10


def btop_terminal() -> Terminal | None:
    found = shutil.which("btop")
    if found is None:
        return None
    config = Path(tempfile.mkdtemp(prefix="bench-btop-"))
    (config / "btop").mkdir()
    (config / "btop" / "btop.conf").write_text("update_ms = 1000\n")
    return Terminal([found], env={"XDG_CONFIG_HOME": str(config), "HOME": str(config)})


def btop_version() -> str:
    import subprocess

    found = shutil.which("btop")
    if found is None:
        return "not installed"
    return subprocess.run([found, "--version"], capture_output=True, text=True).stdout.strip()


def selected_pid(term: Terminal) -> str | None:
    """The PID the selection line (the line under the tree's border) names."""
    lines = term.lines()
    under = next((n + 1 for n, line in enumerate(lines) if "kernel threads hidden" in line), None)
    found = re.search(r"PID (\d+)", lines[under]) if under is not None and under < len(lines) else None
    return found.group(1) if found else None


def time_key(term: Terminal, key: str, shown) -> float:
    pressed = term.press(key)
    at = term.read_until(shown, 30)
    if at is None:
        raise RuntimeError(f"{key!r} never reached the screen:\n{term.text()}")
    return at - pressed


def key_times(term: Terminal) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"↓": [], "↑": [], "PgDn": [], "← (fold the root)": [], "a (scope)": []}
    term.press("\x1b[B")  # onto the first process row, so that the selection line names one
    term.read_until(lambda: selected_pid(term) is not None, 30)
    for _ in range(KEY_ROUNDS):
        for key, name in (("\x1b[B", "↓"), ("\x1b[A", "↑"), ("\x1b[6~", "PgDn")):
            before = selected_pid(term)
            times[name].append(time_key(term, key, lambda before=before: selected_pid(term) not in (None, before)))
            term.read(0.2)
        term.press("\x1b[H")  # Home: the root row, the whole system
        term.read(0.5)
        folded = lambda: "sleeping" not in term.text()  # noqa: E731
        times["← (fold the root)"].append(time_key(term, "\x1b[D", folded))
        term.press("\x1b[C")  # → unfolds it again
        term.read_until(lambda: not folded(), 30)
        times["a (scope)"].append(time_key(term, "a", lambda: "lab: proctui" in term.text()))
        term.read(0.3)
        time_key(term, "a", lambda: "whole system" in term.text() and "processes, kernel threads" in term.text())
        term.read(0.5)
    return times


def side_by_side(extra: int, keys: bool) -> tuple[dict[str, tuple[float, float]], int, dict[str, list[float]]]:
    with Sleepers(extra):
        total = count_processes()
        terms = {"proctui": Terminal(proctui_argv("--scope", "system"))}
        btop = btop_terminal()
        if btop is not None:
            terms["btop"] = btop
        try:
            terms["proctui"].wait_for("processes, kernel threads hidden", timeout=120)
            deadline = time.monotonic() + SETTLE
            while time.monotonic() < deadline:
                for t in terms.values():
                    t.read(0.02)
            result = measure_idle(terms, SECONDS)
            times = key_times(terms["proctui"]) if keys else {}
            return result, total, times
        finally:
            for t in terms.values():
                t.close()


rows = []
verdicts = []
for extra in EXTRAS:
    result, total, times = side_by_side(extra, keys=extra == max(EXTRAS))
    ours = result["proctui"][0]
    theirs = result["btop"][0] if "btop" in result else None
    ratio = f"{ours / theirs:.2f}x btop" if theirs else "no btop"
    rows.append((f"+{extra:,} ({total:,} processes)",
                 f"proctui {ours:.2f}% CPU, btop {theirs:.2f}% CPU: {ratio}" if theirs is not None
                 else f"proctui {ours:.2f}% CPU"))
    target = {1000: 0.5, 10_000: 0.2}.get(extra)
    if target is not None and theirs:
        verdicts.append(f"+{extra:,}: {ours / theirs:.2f}x ({'met' if ours <= target * theirs else 'NOT met'}: "
                        f"target <= {target}x)")
    for name, values in times.items():
        rows.append((f"  key {name} at +{extra:,}",
                     f"median {1000 * median(values):.0f} ms, max {1000 * max(values):.0f} ms over {len(values)}"))
        verdicts.append(f"{name} {1000 * median(values):.0f} ms "
                        f"({'met' if median(values) <= 0.1 else 'NOT met'}: target <= 100 ms)")
print(f"btop: {btop_version()}; {SECONDS:g} s a window, after {SETTLE:g} s to settle")
report("Issue 14 item 1: system scope's CPU as processes grow, beside btop", rows, "; ".join(verdicts))
