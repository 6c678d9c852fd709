"""Issue 14, item 2: a keystroke of the tree's filter (/) on screen, with +10,000 processes.

The benchmark starts --extra (default 10,000) `sleep 3600` processes, then proctui
--scope system in a 120x40 pty; presses /, then types a word one key at a time, and
times each key from its write to the pty to the read that shows the filter's note for
what has been typed so far ("/sle: N found"). The first key reads every command line
(once per process: later keys look through what is known), so it is reported apart.
Beside it, in the same run: what one pass over every process's command line costs with
psutil (`process_iter(["cmdline"])`, what a filter that reads them again at each key
would pay) and `ps -eo pid,args | grep` (what a user would type instead).

Target: each keystroke on screen in <= 100 ms median.
"""

from __future__ import annotations

import subprocess
import sys
import time

import psutil

from harness import Sleepers, Terminal, count_processes, median, proctui_argv, report

EXTRA = int(sys.argv[sys.argv.index("--extra") + 1]) if "--extra" in sys.argv else 10_000
WORDS = ("proctui", "sleep")  # a word that matches a few rows, and one that matches every sleeper


def proctui_keys() -> tuple[float, dict[str, list[float]], list[float]]:
    """The first key; each later key by word; and Esc after each word (until the filter's
    note is gone and the tree is whole again)."""
    term = Terminal(proctui_argv("--scope", "system"), columns=120, lines=40)
    try:
        term.wait_for("processes, kernel threads hidden", timeout=60)
        first = 0.0
        times: dict[str, list[float]] = {}
        escapes: list[float] = []
        for word in WORDS:
            term.press("/")
            term.read(0.3)
            typed = ""
            for key in word:
                typed += key
                pressed = term.press(key)
                note = f"/{typed}: "
                at = term.read_until(lambda: note in term.text(), 60)
                if at is None:
                    raise RuntimeError(f"/{typed} never showed:\n{term.text()}")
                if not first:
                    first = at - pressed
                else:
                    times.setdefault(word, []).append(at - pressed)
            pressed = term.press("\x1b")  # Esc clears it
            at = term.read_until(lambda: " found" not in term.text() and "no process matches" not in term.text(), 60)
            if at is None:
                raise RuntimeError(f"Esc never cleared the filter:\n{term.text()}")
            escapes.append(at - pressed)
            term.read(1.0)
        term.press("q")
        return first, times, escapes
    finally:
        term.close()


def psutil_pass() -> float:
    start = time.perf_counter()
    for process in psutil.process_iter(["cmdline"]):
        " ".join(process.info["cmdline"] or ())
    return time.perf_counter() - start


def ps_grep() -> float:
    start = time.perf_counter()
    subprocess.run("ps -eo pid,args | grep -c sleep", shell=True, capture_output=True, check=False)
    return time.perf_counter() - start


def main() -> None:
    with Sleepers(EXTRA):
        total = count_processes()
        first, keys, escapes = proctui_keys()
        raw = median([psutil_pass() for _ in range(5)])
        ps = median([ps_grep() for _ in range(5)])
    rows = [("proctui: the first key (reads every command line)", f"{first * 1000:.0f} ms")]
    for word, values in keys.items():
        rows.append((f"proctui: each later key of {word!r}, median of {len(values)}",
                     f"{median(values) * 1000:.0f} ms (max {max(values) * 1000:.0f})"))
    rows.append(("proctui: Esc (the whole tree again), each word", ", ".join(f"{e * 1000:.0f} ms" for e in escapes)))
    rows.append(("psutil: one pass over every command line", f"{raw * 1000:.0f} ms"))
    rows.append(("ps -eo pid,args | grep", f"{ps * 1000:.0f} ms"))
    every = [value for values in keys.values() for value in values]
    verdict = f"target <= 100 ms median: {'met' if median(every) <= 0.1 else 'NOT met'} ({median(every) * 1000:.0f} ms)"
    report(f"The tree's filter (/) with {total} processes", rows, verdict)


if __name__ == "__main__":
    main()
