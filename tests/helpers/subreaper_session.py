"""proctui in a pty under the test's own subreaper (tests/subreaper.py), which keeps whatever
proctui leaves behind alive, and says what it had to reap."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from helpers.paths import TESTS
from helpers.terminal import PtyScreen
from subreaper import descendants

#: A terminal tall and wide enough that every row of the tree is on screen at once.
COLUMNS, LINES = 120, 50


DOWN = "\x1b[B"


#: The issue's promise: nothing left, running or unreaped, within this many seconds.
WITHIN = 2.0


SUBREAPER = TESTS / "subreaper.py"


class Session(PtyScreen):
    """proctui in a pty, under the test's own subreaper, read back with pyte."""

    def __init__(self, tmp_path: Path, command: list[str], env: dict[str, str] | None = None,
                 columns: int = COLUMNS, lines: int = LINES) -> None:
        master, slave = pty.openpty()
        super().__init__(master, columns, lines)
        self.resize(columns, lines, fd=slave)
        full_env = {**os.environ, "TERM": "xterm-256color"}
        full_env.pop("NO_COLOR", None)
        full_env.update(env or {})
        self.status_path = tmp_path / "subreaper.status"
        self.reaper = subprocess.Popen(
            [sys.executable, str(SUBREAPER), str(self.status_path), *command],
            stdin=slave, stdout=slave, stderr=slave, env=full_env, start_new_session=True, close_fds=True,
        )
        os.close(slave)
        self.terminal_closed = False
        try:
            self.app_pid = self._wait_status("started")[0]
        except BaseException:
            self.close()  # the fixture never got this session: end its subreaper here
            raise

    # -- the subreaper's notes ---------------------------------------------------------

    def _lines(self, word: str) -> list[list[int]]:
        try:
            text = self.status_path.read_text()
        except FileNotFoundError:
            return []
        return [list(map(int, line.split()[1:])) for line in text.splitlines() if line.startswith(word + " ")]

    def _wait_status(self, word: str, timeout: float = 10.0) -> list[int]:
        deadline = time.monotonic() + timeout
        while not (found := self._lines(word)):
            if time.monotonic() > deadline:
                raise AssertionError(f"the subreaper never wrote {word!r}:\n{self.text()}")
            time.sleep(0.01)
        return found[0]

    def exit_status(self) -> int | None:
        found = self._lines("exited")
        return found[0][1] if found else None

    def final_status(self) -> int:
        """proctui's wait status, once the subreaper has reaped it and written it down."""
        return self._wait_status("exited", timeout=20)[1]

    def adopted(self) -> set[int]:
        """Orphans proctui left for the subreaper to reap."""
        return {pid for pid, _ in self._lines("adopted")}

    # -- the terminal ------------------------------------------------------------------

    def resize(self, columns: int, lines: int, fd: int | None = None) -> None:
        """Set the window size; the kernel sends SIGWINCH to the foreground job."""
        fcntl.ioctl(self.master if fd is None else fd, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        if fd is None:
            self.read(0)  # what was drawn for the old size, drawn at the old size
            self.screen.resize(max(lines, 1), max(columns, 1))

    def read(self, seconds: float = 0.05) -> None:
        if self.terminal_closed:
            time.sleep(seconds)
            return
        super().read(seconds)

    def toast_text(self) -> str:
        """What the toasts say (they sit over the log, right of a ▌), lines joined."""
        parts = [line.split("▌", 1)[1].strip().rstrip("│╮╯─").strip()
                 for line in self.screen.display if "▌" in line]
        return " ".join(" ".join(parts).split())

    def wait_for(self, fragment: str, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            exited = self.exit_status() is not None
            self.read()
            if fragment in self.text() or fragment in self.flowing_text() or fragment in self.toast_text():
                return
            if exited:
                break  # all it wrote has been read
        raise AssertionError(f"{fragment!r} never appeared on screen (exit status {self.exit_status()}):\n"
                             f"{self.text()}")

    def close_terminal(self) -> None:
        """What sshd does when the connection drops: close the pty's master side."""
        os.close(self.master)
        self.terminal_closed = True

    # -- processes ---------------------------------------------------------------------

    def below(self) -> list[int]:
        """Every process below the subreaper: proctui and whatever it left."""
        return descendants(self.reaper.pid)

    def close(self) -> None:
        self.reaper.terminate()  # it kills and reaps whatever is still below it
        self.reaper.wait(20)
        if not self.terminal_closed:
            self.close_terminal()


def stat_of(pid: int) -> tuple[str, int] | None:
    """(state letter, PPID) of pid now, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read()
    except OSError:
        return None
    fields = raw[raw.rindex(b")") + 2 :].split()
    return fields[0].decode(), int(fields[1])


def cmdline_of(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def assert_nothing_left(session: Session, since: float, helpers: set[int] | None) -> None:
    """Nothing below the subreaper within WITHIN seconds of ``since``. With ``helpers``
    (an orderly ending), proctui must also have reaped everything itself: only those
    multiprocessing helpers may have been left to the subreaper."""
    while (left := session.below()) and time.monotonic() - since < WITHIN:
        session.read(0.02)
    took = time.monotonic() - since
    described = {pid: (stat_of(pid), cmdline_of(pid)[:100]) for pid in left}
    assert not left, f"{took:.2f} s after the end, still there: {described}\n{session.text()}"
    if helpers is not None:
        assert session.adopted() <= helpers, (
            f"proctui left these for someone else to reap: {session.adopted() - helpers} "
            f"(allowed: the fork server and resource tracker {helpers})"
        )
