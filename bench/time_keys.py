"""Issue 23, item 5: with 10,000 events recorded, a key moving the back-in-time cursor
reaches the screen in <= 50 ms (median): the timeline and the past cost what is on
screen, not the length of the session.

proctui run of a script that prints --lines lines (default 10,000; about 2,000 a
second, the most the log turns into events), each an event of the session, in a 120x40
pty, the timeline open (T). Then, after a random wait of up to half a second each: ,
(one event back), < (one change back: over every printed line in between), . and >
forward; each timed from its write to the read whose tree border names the event it
moved to. The same keys in a session of --few lines (default 100) are the baseline of
the same run, and so is the tree's Down, which touches no history.
"""

from __future__ import annotations

import os
import random
import re
import sys
import tempfile

from harness import Terminal, median, proctui_argv, report

LINES = int(sys.argv[sys.argv.index("--lines") + 1]) if "--lines" in sys.argv else 10_000
FEW = int(sys.argv[sys.argv.index("--few") + 1]) if "--few" in sys.argv else 100
PRESSES = int(sys.argv[sys.argv.index("--presses") + 1]) if "--presses" in sys.argv else 15
SCRIPT = """import sys
import time

for i in range(int(sys.argv[1])):
    print(f"line {i} of the session")
    if i % 100 == 99:
        time.sleep(0.05)
print("all done")
"""
BORDER = re.compile(r"back in time: event (\d+) of (\d+)")


def event_shown(term: Terminal) -> tuple[int, int] | None:
    found = BORDER.search(term.text())
    return (int(found.group(1)), int(found.group(2))) if found else None


def press_to(term: Terminal, key: str, moved: bool = True) -> float:
    """Seconds from key to the read that shows the cursor on another event."""
    before = event_shown(term)
    pressed = term.press(key)
    at = term.read_until(lambda: event_shown(term) != before if moved else True, timeout=10)
    if at is None:
        raise RuntimeError(f"{key!r} did not move the cursor:\n{term.text()}")
    return at - pressed


def session(lines: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "prints.py")
        with open(path, "w") as f:
            f.write(SCRIPT)
        term = Terminal(proctui_argv("run", path, str(lines)), columns=120, lines=40)
        times: dict[str, list[float]] = {", one event back": [], ". one event forward": [],
                                         "< one change back": [], "> one change forward": []}
        try:
            term.wait_for("prints.py:1 ")
            term.wait_for("c Cont")
            term.press("c")
            term.wait_for("exit 0", timeout=120)
            term.read(1.0)
            term.press("T")
            term.wait_for("timeline")
            term.press(",")
            term.read_until(lambda: event_shown(term) is not None, timeout=10)
            count = event_shown(term)
            for _ in range(PRESSES):
                for name, key in ((", one event back", ","), (". one event forward", "."),
                                  (", one event back", ","), ("< one change back", "<"),
                                  ("> one change forward", ">")):
                    term.read(random.uniform(0.0, 0.5))
                    times[name].append(press_to(term, key))
                    if event_shown(term) is None:  # forward past the end: now again
                        term.press(",")
                        term.read_until(lambda: event_shown(term) is not None, timeout=10)
        finally:
            term.close()
    times["events in the session"] = [float(count[1]) if count else 0.0]
    return times


def main() -> None:
    few, many = session(FEW), session(LINES)
    rows = []
    for name in few:
        if name == "events in the session":
            rows.append((name, f"{few[name][0]:.0f} and {many[name][0]:.0f}"))
            continue
        rows.append((f"{name}, {few['events in the session'][0]:.0f} events", ms(few[name])))
        rows.append((f"{name}, {many['events in the session'][0]:.0f} events", ms(many[name])))
    worst = max(median(values) for name, values in many.items() if name != "events in the session")
    report("A back-in-time key in a long session", rows,
           f"{'met' if worst <= 0.05 else 'NOT met'}: the slowest key's median {1000 * worst:.0f} ms "
           f"with {many['events in the session'][0]:.0f} events (target <= 50 ms)")


def ms(values: list[float]) -> str:
    return f"median {1000 * median(values):.0f} ms, max {1000 * max(values):.0f} ms of {len(values)}"


if __name__ == "__main__":
    main()
