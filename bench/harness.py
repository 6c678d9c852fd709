"""What every benchmark here shares: programs in real pseudo-terminals, read back with
pyte, and what the kernel says they cost (CPU ticks and RSS from /proc).

Nothing here is a mock: proctui is the installed console script, htop is the
distribution's, and each is measured in its own pty of the same size, side by side.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import pyte

COLUMNS, LINES = 120, 40
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
HERE = Path(__file__).resolve().parent


class Terminal:
    """A program in a pty; every byte it writes is counted and drawn on a pyte screen."""

    def __init__(self, argv: list[str], columns: int = COLUMNS, lines: int = LINES,
                 env: dict[str, str] | None = None) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        full_env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor",
                    "COLUMNS": str(columns), "LINES": str(lines), **(env or {})}
        full_env.pop("NO_COLOR", None)
        self.started = time.monotonic()
        self.process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=full_env,
                                        start_new_session=True, close_fds=True)
        os.close(slave)
        self.pid = self.process.pid
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.bytes_written = 0

    def read(self, seconds: float = 0.05) -> None:
        """Read (and draw) what the program writes for up to ``seconds``."""
        self.read_until(lambda: False, seconds)

    def read_until(self, condition: Callable[[], bool], timeout: float) -> float | None:
        """Read until condition() holds on the screen; the monotonic time of the read
        that made it hold, or None after ``timeout``."""
        deadline = time.monotonic() + timeout
        if condition():
            return time.monotonic()
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.master], [], [], left)
            if not ready:
                return None
            try:
                data = os.read(self.master, 1 << 16)
            except OSError:
                return None
            if not data:
                return None
            now = time.monotonic()
            self.bytes_written += len(data)
            self.stream.feed(data)
            if condition():
                return now

    def wait_for(self, fragment: str, timeout: float = 30.0) -> float:
        found = self.read_until(lambda: fragment in self.text(), timeout)
        if found is None:
            raise RuntimeError(f"{fragment!r} never appeared:\n{self.text()}")
        return found

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def lines(self) -> list[str]:
        return list(self.screen.display)

    def press(self, keys: str) -> float:
        os.write(self.master, keys.encode())
        return time.monotonic()

    def close(self) -> None:
        """SIGTERM (proctui ends its lab on it), then SIGKILL if it lingers."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 10
            while self.process.poll() is None and time.monotonic() < deadline:
                self.read(0.05)
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        os.close(self.master)


def cpu_seconds(pid: int) -> float:
    """utime + stime of every thread of pid so far (children not included)."""
    with open(f"/proc/{pid}/stat", "rb") as f:
        fields = f.read().rsplit(b")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def measure_idle(terminals: dict[str, Terminal], seconds: float) -> dict[str, tuple[float, float]]:
    """CPU % and bytes written per second of each terminal's program over the same
    ``seconds``, read side by side (all terminals are drained throughout)."""
    cpu0 = {name: cpu_seconds(t.pid) for name, t in terminals.items()}
    bytes0 = {name: t.bytes_written for name, t in terminals.items()}
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        for t in terminals.values():
            t.read(0.02)
    elapsed = time.monotonic() - start
    return {
        name: (100 * (cpu_seconds(t.pid) - cpu0[name]) / elapsed, (t.bytes_written - bytes0[name]) / elapsed)
        for name, t in terminals.items()
    }


def venv_bin(name: str) -> str:
    """A console script installed next to the Python running the benchmark."""
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        sys.exit(f"{name} is not installed next to {sys.executable}: run `make bench` (or pip install -e .)")
    return found


def proctui_argv(*args: str) -> list[str]:
    return [venv_bin("proctui"), *args]


def htop_argv(*args: str) -> list[str] | None:
    """htop with its default settings (a fresh HOME, so no user htoprc), or None."""
    found = shutil.which("htop")
    return [found, *args] if found else None


def htop_env() -> dict[str, str]:
    home = tempfile.mkdtemp(prefix="bench-htop-home-")
    return {"HOME": home, "XDG_CONFIG_HOME": home}


def bare_tree_argv() -> list[str]:
    return [sys.executable, str(HERE / "bare_tree_app.py")]


def proctui_ready(term: Terminal) -> float:
    """When proctui's first full frame is on screen: its tree root row and footer."""
    return term.wait_for("Quit")


def median(values: list[float]) -> float:
    return statistics.median(values)


def htop_version() -> str:
    if not shutil.which("htop"):
        return "not installed"
    return subprocess.run(["htop", "--version"], capture_output=True, text=True).stdout.split("\n")[0]


def machine() -> str:
    with open("/proc/cpuinfo") as f:
        model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "?")
    kernel = os.uname().release
    return f"{os.cpu_count()} CPUs ({model}), Linux {kernel}, Python {sys.version.split()[0]}"


def count_processes() -> int:
    return sum(1 for entry in os.listdir("/proc") if entry.isdigit())


def report(title: str, rows: list[tuple[str, str]], verdict: str) -> None:
    """Print a result the same way from every benchmark (bench/README.md quotes it)."""
    print(f"## {title}")
    print(f"machine: {machine()}; htop: {htop_version()}; processes: {count_processes()}")
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    print(f"  => {verdict}")
    sys.stdout.flush()


def seconds_arg(default: float) -> float:
    """``--seconds S`` on the command line, else default."""
    return float(sys.argv[sys.argv.index("--seconds") + 1]) if "--seconds" in sys.argv else default


def start_proctui_with_children(children: int, *args: str) -> Terminal:
    """proctui (lab scope unless args say otherwise) with ``children`` sleeping lab children."""
    term = Terminal(proctui_argv(*args))
    proctui_ready(term)
    for n in range(1, children + 1):
        term.press("f")
        term.wait_for(f"child-{n} ")
    return term


def idle_side_by_side(seconds: float, children: int = 10, *proctui_args: str,
                      settle: float = 3.0) -> dict[str, tuple[float, float]]:
    """proctui with ``children`` lab children and default htop, both idle in ptys of the
    same size, measured over the same ``seconds``: {name: (CPU %, bytes/s)}."""
    terms = {"proctui": start_proctui_with_children(children, *proctui_args)}
    argv = htop_argv()
    if argv is not None:
        terms["htop"] = Terminal(argv, env=htop_env())
    try:
        deadline = time.monotonic() + settle
        while time.monotonic() < deadline:
            for t in terms.values():
                t.read(0.02)
        return measure_idle(terms, seconds)
    finally:
        for t in terms.values():
            t.close()


def ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}x" if theirs else "n/a"


def verdict_against_htop(result: Mapping[str, tuple[float, ...]], column: int) -> str:
    """proctui <= htop on one column of idle_side_by_side's result (0: CPU %, 1: bytes/s)."""
    if "htop" not in result:
        return "htop is not installed: no ratio"
    ours, theirs = result["proctui"][column], result["htop"][column]
    return f"proctui/htop = {ratio(ours, theirs)} ({'met' if ours <= theirs else 'NOT met'}: target <= 1)"


class Sleepers:
    """``count`` extra sleeping processes (sleep(1)), children of the benchmark, for as
    long as the with-block lasts; all killed and reaped at its end."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> Sleepers:
        try:
            for _ in range(self.count):
                self.processes.append(subprocess.Popen(["sleep", "3600"], stdin=subprocess.DEVNULL))
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        for p in self.processes:
            p.kill()
        for p in self.processes:
            p.wait()
