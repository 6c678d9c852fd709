"""A throwaway sshd on 127.0.0.1 and `ssh -t` sessions to it, each in a window of a
private tmux server: what bench/classroom.py opens thirty of and
tests/system/test_ssh_sessions.py drops a few of.

Everything is in one temporary directory: sshd's host key and configuration, a client
key (the only one authorized_keys holds), tmux's configuration and sshd's log. The
sshd runs in the foreground (-D), a child of ours; each connection is a child of it,
and the remote command (through the user's shell, as for any SSH login) runs under that.

The process that opens a `Classroom` is made a child subreaper: what a dropped session
orphans is then re-parented to it, counted as left, and reaped, rather than handed to
PID 1 (which on these machines may kill what it adopts, and so hide a leak).
"""

from __future__ import annotations

import getpass
import os
import re
import select
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

from proctui.core.linux import PR_SET_CHILD_SUBREAPER, prctl

SSHD = "/usr/sbin/sshd"  # sshd refuses to start (re-exec) from a relative path
#: sshd's privilege separation directory, which its package makes only when its service starts.
PRIVSEP_DIR = "/run/sshd"
COLUMNS, LINES = 120, 40

#: What comes before each window's screen in what `Classroom.screens` reads.
SCREEN_MARK = "=== proctui classroom window "
#: A tree row of a lab child forked by `f`: "├─  4242 S sleeping proctui  child-3 fork".
FORKED_ROW = re.compile(r"[├└]─ +\d+ .*?\bchild-(\d+) fork")


def missing() -> str | None:
    """Why SSH sessions cannot be opened here, or None if they can."""
    absent = [name for name, found in ((SSHD, os.access(SSHD, os.X_OK)), ("ssh", shutil.which("ssh")),
                                       ("ssh-keygen", shutil.which("ssh-keygen")), ("tmux", shutil.which("tmux")))
              if not found]
    if absent:
        return f"{', '.join(absent)} not installed (bench/install-sshd installs them as root with apt-get)"
    return None


def forked_rows(screen: str) -> set[int]:
    """The N of every `child-N` lab child that proctui's tree shows on this screen."""
    return {int(n) for n in FORKED_ROW.findall(screen)}


def tmux_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("TMUX", None)  # we may be running inside a tmux of the user's: ours is apart
    return env


def describe(proc: psutil.Process) -> str:
    try:
        with proc.oneshot():
            command = " ".join(" ".join(proc.cmdline()).split()) or proc.name()  # sshd pads its title
            return f"{proc.pid} {proc.status()} {command} (PPID {proc.ppid()})"
    except psutil.ZombieProcess:
        return f"{proc.pid} zombie <defunct>"
    except psutil.Error:
        return f"{proc.pid} (gone)"


@dataclass(eq=False)  # each seat is itself (hashable by identity)
class Seat:
    """One `ssh -t` client in a tmux window of its own."""

    room: Classroom
    window: str  # tmux's window id, "@3": a target that no renaming changes
    ssh_pid: int  # the pane's process: tmux runs the ssh client directly (argv, no shell)

    def screen(self) -> str:
        return self.room.tmux("capture-pane", "-p", "-t", self.window)

    def type(self, text: str) -> None:
        """Keys as typed, character by character (send-keys -l: no key names)."""
        self.room.tmux("send-keys", "-t", self.window, "-l", text)

    def wait_for(self, condition: Callable[[str], bool], what: str, timeout: float = 60.0) -> str:
        """The screen once condition(screen) holds; fails with the screen after ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if condition(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: not on screen after {timeout:g} s in window {self.window}:\n{screen}")
            time.sleep(0.05)


#: What sshd's own processes are called: a connection's, from OpenSSH 9.8, is sshd-session.
SSHD_NAMES = ("sshd", "sshd-session")


@dataclass
class RemoteSession:
    """One SSH connection as the server sees it: the listener's child for it, and
    everything under that."""

    sshd: psutil.Process
    processes: list[psutil.Process]  # sshd's process first, then every descendant

    @property
    def program(self) -> psutil.Process | None:
        """What the remote command runs: the topmost process under the connection that is
        not sshd's (the user's shell execs a simple command). OpenSSH 9.8 and newer runs
        each connection in processes of their own program, sshd-session."""
        for proc in self.processes[1:]:
            try:
                parent = proc.parent()
                if parent is not None and parent.name() in SSHD_NAMES and proc.name() not in SSHD_NAMES:
                    return proc
            except psutil.Error:
                continue
        return None


class Classroom:
    """A throwaway sshd, and a private tmux server whose windows log in to it.

    Use it as a context manager: on the way out everything is ended and reaped (the tmux
    server, every ssh client, every session under sshd, sshd itself, and whatever they
    orphaned), and the directory removed, however the block ended."""

    def __init__(self, name: str = "proctui-classroom") -> None:
        self.dir = Path(tempfile.mkdtemp(prefix=f"{name}-"))
        self.socket = str(self.dir / "tmux.socket")  # tmux 3.3a leaves it behind: here it goes with the rest
        self.sshd: subprocess.Popen | None = None
        self.port = 0
        self.tmux_pid: int | None = None
        self.seats: list[Seat] = []
        self.started_before: set[int] = set()

    def __enter__(self) -> Classroom:
        prctl(PR_SET_CHILD_SUBREAPER, 1)
        self.started_before = {p.pid for p in psutil.Process().children()}
        try:
            self._start_sshd()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- sshd --------------------------------------------------------------------------

    def _keygen(self, name: str) -> Path:
        key = self.dir / name
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True,
                       stdin=subprocess.DEVNULL)
        return key

    def _start_sshd(self) -> None:
        self._keygen("host_key")
        self.client_key = self._keygen("client_key")
        shutil.copy(f"{self.client_key}.pub", self.dir / "authorized_keys")
        try:
            os.makedirs(PRIVSEP_DIR, mode=0o755, exist_ok=True)
        except PermissionError:
            pass  # not root: sshd says in its log what it makes of that
        for _attempt in range(3):  # the free port we picked may be taken before sshd binds it
            self.port = free_port()
            config = self.dir / "sshd_config"
            config.write_text(SSHD_CONFIG.format(port=self.port, dir=self.dir))
            with open(self.dir / "sshd.log", "w") as log:  # sshd has its own copy of the descriptor
                self.sshd = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdin=subprocess.DEVNULL,
                                             stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            listening = f"Server listening on 127.0.0.1 port {self.port}"
            deadline = time.monotonic() + 20
            while self.sshd.poll() is None and listening not in self.log() and time.monotonic() < deadline:
                time.sleep(0.02)
            if self.sshd.poll() is None and listening in self.log():
                return
            self._stop_sshd()
            if "Address already in use" not in self.log():
                break
        raise RuntimeError(f"sshd did not start:\n{self.log()}")

    def log(self) -> str:
        return (self.dir / "sshd.log").read_text(errors="replace")

    def ssh_argv(self, remote: list[str]) -> list[str]:
        """`ssh -t` to our sshd with the throwaway key, no user or system ssh_config, no
        known_hosts, no prompt; the remote command as one shell-quoted string."""
        return ["ssh", "-t", "-F", "/dev/null", "-i", str(self.client_key), "-p", str(self.port),
                "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "LogLevel=ERROR", f"{getpass.getuser()}@127.0.0.1", shlex.join(remote)]

    def sessions(self) -> list[RemoteSession]:
        """Every connection sshd has now, with what runs under it."""
        if self.sshd is None or self.sshd.poll() is not None:
            return []
        found = []
        for child in psutil.Process(self.sshd.pid).children():
            try:
                found.append(RemoteSession(child, [child, *child.children(recursive=True)]))
            except psutil.NoSuchProcess:
                continue
        return found

    # -- tmux --------------------------------------------------------------------------

    def tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-u", "-S", self.socket, "-f", str(self.dir / "tmux.conf"), *args],
                              capture_output=True, text=True, env=tmux_env(), stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def open(self, remote: list[str]) -> Seat:
        """A new tmux window that runs `ssh -t ... remote` (the first one starts the server)."""
        fmt = ["-P", "-F", "#{window_id} #{pane_pid}"]
        if self.tmux_pid is None:
            (self.dir / "tmux.conf").write_text(TMUX_CONFIG.format(columns=COLUMNS, lines=LINES))
            out = self.tmux("new-session", "-d", "-s", "classroom", "-x", str(COLUMNS), "-y", str(LINES),
                            *fmt, *self.ssh_argv(remote))
            self.tmux_pid = int(self.tmux("display-message", "-t", "classroom", "-p", "#{pid}"))
        else:
            out = self.tmux("new-window", "-d", "-t", "classroom", *fmt, *self.ssh_argv(remote))
        window, pane_pid = out.split()
        seat = Seat(self, window, int(pane_pid))
        self.seats.append(seat)
        return seat

    def screens(self, seats: Sequence[Seat]) -> dict[Seat, str]:
        """Every seat's screen, read by one tmux client (one process, not one a seat: a
        benchmark that watches thirty windows must not be what loads the machine)."""
        commands: list[str] = []
        for seat in seats:
            commands += ["display-message", "-p", "-t", seat.window, f"{SCREEN_MARK}{seat.window}", ";",
                         "capture-pane", "-p", "-t", seat.window, ";"]
        by_window: dict[str, list[str]] = {}
        lines: list[str] = []
        for line in self.tmux(*commands[:-1]).splitlines():
            if line.startswith(SCREEN_MARK):
                lines = by_window.setdefault(line[len(SCREEN_MARK):], [])
            else:
                lines.append(line)
        return {seat: "\n".join(by_window.get(seat.window, [])) for seat in seats}

    def drop(self, seats: Iterable[Seat]) -> float:
        """SIGKILL these seats' ssh clients, one right after the other, as a network that
        goes away would leave them: no goodbye to the server. The monotonic time of it."""
        pids = [seat.ssh_pid for seat in seats]
        started = time.monotonic()
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return started

    # -- what is left ------------------------------------------------------------------

    def orphans(self) -> list[psutil.Process]:
        """Processes re-parented to us (the subreaper) since the room opened."""
        ours = {self.sshd.pid if self.sshd else None, self.tmux_pid, *self.started_before}
        return [p for p in psutil.Process().children() if p.pid not in ours]

    def left_of(self, procs: Iterable[psutil.Process]) -> list[psutil.Process]:
        """Those of procs that still exist. A zombie re-parented to us is reaped on
        the way (it has ended; only we were left to wait for it): it is not counted."""
        left = []
        for proc in procs:
            if not proc.is_running():
                continue
            try:
                if proc.status() == psutil.STATUS_ZOMBIE and proc.ppid() == os.getpid():
                    os.waitpid(proc.pid, 0)
                    continue
            except (psutil.NoSuchProcess, ChildProcessError):
                continue
            except psutil.Error:
                pass
            left.append(proc)
        return left

    def wait_gone(self, procs: Sequence[psutil.Process], timeout: float,
                  ended: Callable[[psutil.Process, float], None] | None = None) -> list[psutil.Process]:
        """Wait, for at most ``timeout`` seconds, until none of procs is left, nor any
        connection under sshd, nor any orphan of ours: what is left then ([] if nothing).

        Each of procs is watched through a pidfd, which the kernel makes readable when
        the process exits: the wait costs no CPU (what is measured shares the machine
        with it), and ``ended(proc, when)`` is told the monotonic time of each exit.
        Then the zombies re-parented to us are reaped, and everything looked for again."""
        deadline = time.monotonic() + timeout
        watched = {}
        for proc in procs:
            try:
                fd = os.pidfd_open(proc.pid)
            except ProcessLookupError:
                fd = None
            if fd is not None and proc.is_running():  # and not a new process under a PID reused
                watched[fd] = proc
                continue
            if fd is not None:
                os.close(fd)
            if ended is not None:
                ended(proc, time.monotonic())
        poller = select.poll()
        for fd in watched:
            poller.register(fd, select.POLLIN)
        try:
            while watched and time.monotonic() < deadline:
                for fd, _ in poller.poll(max(0.0, deadline - time.monotonic()) * 1000):
                    now = time.monotonic()
                    poller.unregister(fd)
                    os.close(fd)
                    proc = watched.pop(fd)
                    if ended is not None:
                        ended(proc, now)
        finally:
            for fd in watched:
                os.close(fd)
        while True:
            left = self.left_of([*procs, *(p for s in self.sessions() for p in s.processes), *self.orphans()])
            if not left or time.monotonic() > deadline:
                return left
            time.sleep(0.02)

    # -- the end -----------------------------------------------------------------------

    def close(self) -> None:
        """End and reap everything the room started, whatever state it is in."""
        everything = [p for s in self.sessions() for p in s.processes]
        if self.tmux_pid is not None:
            try:
                everything.append(psutil.Process(self.tmux_pid))
            except psutil.NoSuchProcess:
                pass
            # The server hangs up every pane: each ssh client ends, and with it its session.
            subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True, env=tmux_env(),
                           stdin=subprocess.DEVNULL)
        self._end(everything)
        self._stop_sshd()
        self._end(self.orphans())
        shutil.rmtree(self.dir, ignore_errors=True)

    def _end(self, procs: list[psutil.Process]) -> None:
        """Give procs (and what they leave) 10 s to end by themselves, then SIGKILL
        whatever is left, until nothing is."""
        left = self.wait_gone(procs, timeout=10)
        while left:
            for proc in left:
                try:
                    proc.kill()
                except psutil.Error:
                    pass
            left = self.wait_gone(left, timeout=5)

    def _stop_sshd(self) -> None:
        if self.sshd is None:
            return
        if self.sshd.poll() is None:
            self.sshd.terminate()
            try:
                self.sshd.wait(5)
            except subprocess.TimeoutExpired:
                self.sshd.kill()
        self.sshd.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# Only what a test needs: one key, one address, no PAM (no password, no session modules),
# and enough unauthenticated connections at once for a classroom logging in together
# (the default, 10:30:100, drops some of thirty).
SSHD_CONFIG = """\
ListenAddress 127.0.0.1
Port {port}
HostKey {dir}/host_key
PidFile {dir}/sshd.pid
AuthorizedKeysFile {dir}/authorized_keys
AuthenticationMethods publickey
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin yes
StrictModes no
UsePAM no
MaxStartups 200
MaxSessions 200
PrintMotd no
PrintLastLog no
X11Forwarding no
LogLevel INFO
"""

# Every window is of this size while no client is attached (none is; `window-size manual`
# would say so for ever, but makes tmux 3.3a's server exit at once). A pane whose program
# ended stays, so that window ids stay valid.
TMUX_CONFIG = """\
set -g default-size {columns}x{lines}
set -g default-terminal tmux-256color
set -g remain-on-exit on
set -g history-limit 0
"""
