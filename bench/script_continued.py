"""What issue 22's two benchmarks share: a script run by ``proctui run`` in a real pty,
continued from its first line with a key, timed from that key to the script's exit, beside
plain ``python FILE`` in the same run.

The script's exit is the kernel's word, not the screen's: a pidfd on the script process
(found below proctui in /proc by its command line) becomes readable when it exits. The pty
is drained all the while, as a terminal would, so proctui never blocks writing its frames.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from dataclasses import dataclass

from harness import Terminal, proctui_argv, rss_kib

HOST_MODULE = b"proctui.core.script.host"


@dataclass
class Continued:
    seconds: float  # from the key to the script's exit
    shown_seconds: float | None  # from the key to the script's last line on screen (None: never seen)
    rss_before_kib: int  # proctui's, at the key
    rss_peak_kib: int  # the most it held while the script ran and until its last line was shown


def script_pid(proctui_pid: int, timeout: float = 10.0) -> int:
    """The script process of proctui run: proctui's child running proctui's host module."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for entry in os.listdir(f"/proc/{proctui_pid}/task"):
            try:
                with open(f"/proc/{proctui_pid}/task/{entry}/children") as f:
                    children = [int(pid) for pid in f.read().split()]
            except OSError:
                continue
            for pid in children:
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        if HOST_MODULE in f.read():
                            return pid
                except OSError:
                    continue
        time.sleep(0.05)
    raise RuntimeError("no script process below proctui")


def run_in_proctui(path: str, key: str, last_line: str, columns: int = 120, lines: int = 40,  # noqa: PLR0913 - a terminal size and a deadline, each with its default
                   timeout: float = 300.0) -> Continued:
    """proctui run path, key pressed at the script's first line; timed to its exit."""
    name = os.path.basename(path)
    term = Terminal(proctui_argv("run", path), columns=columns, lines=lines)
    try:
        term.wait_for(f"{name}:1 ")
        term.wait_for("c Cont")  # the footer says the viewer has the keys
        term.read(0.5)  # settled: the first frames and snapshots are done
        pid = script_pid(term.pid)
        pidfd = os.pidfd_open(pid)
        before = peak = rss_kib(term.pid)
        pressed = term.press(key)
        exited = shown = None
        deadline = pressed + timeout
        while exited is None or shown is None:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            waiting = [term.master] + ([pidfd] if exited is None else [])
            ready, _, _ = select.select(waiting, [], [], min(left, 0.05))
            now = time.monotonic()
            if pidfd in ready:
                exited = now
            if term.master in ready:
                term.read(0.001)  # what is there: ready, so one read at least
                if shown is None and last_line in term.text():
                    shown = time.monotonic()
            peak = max(peak, rss_kib(term.pid))
        os.close(pidfd)
        if exited is None:
            raise RuntimeError(f"the script never exited:\n{term.text()}")
        return Continued(exited - pressed, None if shown is None else shown - pressed, before, peak)
    finally:
        term.close()


def plain_python(path: str, to_file: str | None = None) -> float:
    """Wall time of python path (its output to to_file, or to a pipe read to its end)."""
    started = time.monotonic()
    if to_file is not None:
        with open(to_file, "wb") as out:
            subprocess.run([sys.executable, path], stdout=out, check=True, timeout=300)
    else:
        subprocess.run([sys.executable, path], stdout=subprocess.PIPE, check=True, timeout=300)
    return time.monotonic() - started


def python_startup(directory: str) -> float:
    """Wall time of python on an empty file: its start and exit, which the timing of a
    script continued in proctui (from its first line, already started) does not hold."""
    empty = os.path.join(directory, "empty.py")
    with open(empty, "w"):
        pass
    return plain_python(empty)


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"
