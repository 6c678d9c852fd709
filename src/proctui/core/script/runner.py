"""``proctui run FILE``, proctui's side: the script is checked, started as a process of
its own (``host``) under proctui's Python or the one ``--python`` names
(``interpreter``), and every traced process of it is stepped through a channel.

The channel is a Unix socket in a directory only this user can enter. Each process of
the script connects once (the script process when it starts, each forked child in an
at-fork hook) and says ``hello``; a forked child hands over, with its hello, the read end
of a pipe that carries its stdout and stderr, so that each line in the log is said by
the process that wrote it. Then it sends ``paused`` whenever its tracer stops, and waits
for a command. Messages are JSON, one a line.

A ``Pause`` is what a process reported at its last stop; ``Scripts.command`` sends it
on. Everything that reaches the log is a Lab event (``ScriptStarted``, ``ScriptForked``,
``ScriptReadStdin``; exits and reaping as for any lab process); pauses go to the viewer
through ``on_pause`` only.
"""

from __future__ import annotations

import array
import dataclasses
import functools
import json
import os
import re
import shutil
import signal
import socket
import tempfile
import threading
import time
import tokenize
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, NamedTuple, TypeVar

from proctui.core.errors import LabError, refuse
from proctui.core.events import (
    ParentIs,
    ReapedByScript,
    ReapedVia,
    Refusal,
    Refused,
    ScriptForked,
    ScriptReadStdin,
    ScriptStarted,
    ScriptStartMethod,
    output_events,
)
from proctui.core.i18n import N_
from proctui.core.lab.records import SCRIPT_CHILD_ROLE, SCRIPT_ROLE, LabProcess
from proctui.core.lab.rooms import LabForScripts
from proctui.core.linux import pidfd_exits_within
from proctui.core.procfs.snapshot import Snapshot, snapshot_system
from proctui.core.procfs.stat import ProcInfo, read_proc
from proctui.core.script.interpreter import ask_python, own_python
from proctui.core.script.pauses import PauseBook, SentOn
from proctui.core.script.protocol import (
    BreakCommand,
    CommandName,
    Follow,
    FromHost,
    HelloMessage,
    PausedMessage,
    PauseEvent,
    ReapedMessage,
    StartMethodFacts,
    StepCommand,
    SteppingAnswer,
    Via,
    is_follow,
)
from proctui.core.script.warden import Warden, cmdline
from proctui.core.start_method import StartMethod, is_start_method


@dataclass(frozen=True)
class PausedFrame:
    """One frame of a paused process of the script, as its tracer reported it (the
    stepper's own is stepping.stepper.Frame)."""

    func: str
    file: str
    line: int


@dataclass(frozen=True)
class Pause:
    """Where one process of the script is paused, as its tracer reported it."""

    pid: int
    event: PauseEvent  # "return": result is the return value; "exception": result is the error
    file: str
    line: int
    func: str
    stack: tuple[PausedFrame, ...]
    locals: dict[str, str] = field(compare=False)
    result: str | None = None
    breaks: tuple[int, ...] = ()  # the breakpoints set in this file
    via: Via = "start"  # how the process came to be: start (the script process), fork, spawn, forkserver
    # What a Process(...).start() of this process uses now (its own report, or its
    # parent's, which a fork inherits), once multiprocessing is imported; else None.
    start_method: StartMethod | None = None


@dataclass(frozen=True)
class Ended:
    """A traced process closed its channel: it has ended (or exec'd something else)."""

    pid: int


class ScriptToRun(NamedTuple):
    """What ``proctui run`` is asked (on the command line, or at r's prompt)."""

    path: str
    args: tuple[str, ...] = ()
    optimize: bool = False  # -O
    python: str | None = None  # --python PYTHON; None: proctui's own
    follow: Follow = "both"  # --follow both|parent|child: what is stepped after a fork


#: What follows ``proctui run`` (and what r's prompt takes).
RUN_USAGE = "[--python PYTHON] [--follow both|parent|child] [-O] FILE [ARGS...]"
NEEDS_A_FILE = N_("run needs a FILE: proctui run [--python PYTHON] [--follow both|parent|child] [-O] FILE [ARGS...]")
NEEDS_A_PYTHON = N_("--python needs a PYTHON: a path, or a name found on PATH")
NEEDS_A_FOLLOW = N_("--follow needs one of both, parent, child")

#: proctui's own options, before FILE: each takes a value (given as --name VALUE or --name=VALUE).
_VALUED_OPTIONS = {"--python": NEEDS_A_PYTHON, "--follow": NEEDS_A_FOLLOW}


def parse_run(words: Sequence[str]) -> ScriptToRun:
    """``[--python PYTHON] [--follow both|parent|child] [-O] FILE [ARGS...]``: proctui's
    options first, in any order; the first other word is the script, the rest its
    arguments (as python's own command line takes them). ValueError(message id) if FILE,
    PYTHON or what to follow is missing or wrong."""
    rest = list(words)
    optimize = False
    values: dict[str, str] = {}
    while rest and (rest[0] == "-O" or rest[0].partition("=")[0] in _VALUED_OPTIONS):
        word = rest.pop(0)
        if word == "-O":
            optimize = True
            continue
        name, equals, value = word.partition("=")
        if not equals:
            if not rest:
                raise ValueError(_VALUED_OPTIONS[name])
            value = rest.pop(0)
        if value == "":
            raise ValueError(_VALUED_OPTIONS[name])
        values[name] = value
    if not rest:
        raise ValueError(NEEDS_A_FILE)
    follow = values.get("--follow", "both")
    if not is_follow(follow):
        raise ValueError(NEEDS_A_FOLLOW)
    return ScriptToRun(rest[0], tuple(rest[1:]), optimize, values.get("--python"), follow)


def check_script(path: str, compile_here: bool = True) -> str:
    """The script's real path, or LabError with why it cannot be run (nothing is started).
    Compiled here unless compile_here is False: another Python than proctui's will run it,
    and compiles it itself (interpreter.ask_python)."""
    if not os.path.exists(path):
        raise refuse(Refusal.SCRIPT_MISSING, value=path)
    if os.path.isdir(path):
        raise refuse(Refusal.SCRIPT_IS_DIRECTORY, value=path)
    try:
        with open(path, "rb") as raw:
            source = raw.read()
        encoding, _ = tokenize.detect_encoding(iter(source.splitlines(keepends=True)).__next__)
        text = source.decode(encoding)
    except (OSError, SyntaxError, UnicodeDecodeError, LookupError) as error:
        raise refuse(Refusal.SCRIPT_NOT_PYTHON, value=path, error=str(error)) from error
    if "\0" in text:
        raise refuse(Refusal.SCRIPT_NOT_PYTHON, value=path)  # no error of the system's: NUL bytes
    if not compile_here:
        return os.path.realpath(path)
    try:
        compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as error:
        raise refuse(Refusal.SCRIPT_SYNTAX, value=path, line=error.lineno, column=error.offset,
                     text=error.text, error=error.msg) from error
    except ValueError as error:  # "source code string cannot contain null bytes" on some versions
        raise refuse(Refusal.SCRIPT_NOT_PYTHON, value=path, error=str(error)) from error
    return os.path.realpath(path)


#: What a channel's messages are read as: FromHost for a script's processes (protocol.py),
#: practice's own for its puppets (practice/puppet.py), which use the same channel.
MessageT = TypeVar("MessageT", bound=Mapping[str, Any])


class ScriptChannel(Generic[MessageT]):
    """The listening socket, and one connection per traced process of the script (or
    puppet of an exercise): JSON objects, one a line, each with its ``type``; a hello
    names the PID the connection speaks for."""

    def __init__(self, on_message: Callable[[MessageT, list[int]], None],
                 on_closed: Callable[[int], None]) -> None:
        self._dir = tempfile.mkdtemp(prefix="proctui-run-")  # 0700: only this user gets in
        self.path = os.path.join(self._dir, "channel")
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(self.path)
        self._listener.listen(64)
        self._on_message = on_message
        self._on_closed = on_closed
        self._by_pid: dict[int, socket.socket] = {}
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, name="proctui-run-channel", daemon=True).start()

    def private_directory(self, name: str) -> str:
        """A new directory in the channel's own (only this user can enter it), removed
        with it when the channel closes."""
        path = os.path.join(self._dir, name)
        os.mkdir(path)
        return path

    def send(self, pid: int, message: Mapping[str, object]) -> bool:
        with self._lock:
            connection = self._by_pid.get(pid)
        if connection is None:
            return False
        try:
            connection.sendall((json.dumps(message) + "\n").encode())
        except OSError:
            return False
        return True

    def close(self) -> None:
        """Stop listening and close every connection: a paused process then runs on."""
        self._closed = True
        with self._lock:
            connections = list(self._by_pid.values())
            self._by_pid.clear()
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        try:
            self._listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._listener.close()
        shutil.rmtree(self._dir, ignore_errors=True)

    def _accept(self) -> None:
        while not self._closed:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._read, args=(connection,), name="proctui-run-process",
                             daemon=True).start()

    def _read(self, connection: socket.socket) -> None:
        pid: int | None = None
        buffered = b""
        try:
            while True:
                data, fds = _receive(connection)
                if not data:
                    break
                buffered += data
                while b"\n" in buffered:
                    line, buffered = buffered.split(b"\n", 1)
                    message: MessageT = json.loads(line)
                    if message.get("type") == "hello":
                        pid = int(message["pid"])
                        with self._lock:
                            self._by_pid[pid] = connection
                    self._on_message(message, fds)
                    fds = []
                for fd in fds:  # passed with a partial line: not ours to keep
                    os.close(fd)
        except (OSError, ValueError):
            pass
        finally:
            if pid is not None:
                with self._lock:
                    if self._by_pid.get(pid) is connection:
                        del self._by_pid[pid]
                self._on_closed(pid)
            connection.close()


def _receive(connection: socket.socket) -> tuple[bytes, list[int]]:
    """Bytes, and the descriptors passed with them (SCM_RIGHTS), as socket.recv_fds would."""
    fds = array.array("i")
    data, ancillary, _flags, _address = connection.recvmsg(65536, socket.CMSG_LEN(4 * fds.itemsize))
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[: len(payload) - (len(payload) % fds.itemsize)])
    return data, list(fds)


def _same_and_alive(ticks: int, now: ProcInfo) -> bool:
    return now.start_ticks == ticks and not now.is_zombie


def _sigkill_if(pid: int, still: Callable[[ProcInfo], bool], wait: float = 0.0) -> bool:
    """SIGKILL pid through a pidfd if /proc, read once the pidfd holds the process, says it
    is still the one meant (a PID freed meanwhile may name a newcomer); then wait up to wait
    seconds for it to die. Whether it was sent."""
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        return False
    try:
        now = read_proc(pid)
        if now is None or not still(now):
            return False
        signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        if wait:
            pidfd_exits_within(pidfd, wait)
        return True
    except ProcessLookupError:
        return False
    finally:
        os.close(pidfd)


#: Reaps kept for a hello not read yet, the newest: a reap's hello is a moment behind it,
#: and a script's subprocesses, which say no hello, must not fill memory with theirs.
_MAX_REAPS_BEFORE_HELLO = 64
#: How long a reap waits for the watcher to say the exit before it: a moment, usually.
_EXIT_SAID_WITHIN = 1.0
_REAPED_VIAS = {via.value for via in ReapedVia}


def pause_from(message: PausedMessage) -> Pause:
    return Pause(
        pid=int(message["pid"]),
        event=message["event"],
        file=str(message["file"]),
        line=int(message["line"]),
        func=str(message["func"]),
        stack=tuple(PausedFrame(str(f["func"]), str(f["file"]), int(f["line"])) for f in message["stack"]),
        locals={str(k): str(v) for k, v in dict(message.get("locals") or {}).items()},
        result=None if message.get("result") is None else str(message["result"]),
        breaks=tuple(int(line) for line in message.get("breaks") or ()),
        via=message["via"],
    )


class Scripts:
    """The Lab's room for ``proctui run``: the script process and what it forks.

    One script at a time. The Lab hands over what it owns (records, the watcher, the
    start lock, its events); this room starts the script process with ``posix_spawn``
    (no ``subprocess.Popen``, which would poll and could reap it behind the Lab's back:
    the Lab reaps it, see ``Family``) and turns channel messages into Lab events and
    pauses.
    """

    def __init__(self, lab: LabForScripts) -> None:
        self._lab = lab
        # What never changes in a Lab, bound once under the names this room's methods use.
        self._own_pid = lab.pid
        self._records = lab.records
        self._emit = lab.emit
        self._watch = lab.watch
        self._watch_output = lab.watch_output
        self._check_room = lab.check_room
        self._start_lock = lab.start_lock
        self.on_pause: Callable[[Pause | Ended | SentOn], None] | None = None
        self.record: LabProcess | None = None
        self.channel: ScriptChannel[FromHost] | None = None
        # The script process is being stepped (not running free after c): a child the
        # fork server forks for it now pauses at its target, as a fork or spawn would.
        self.stepping = True
        # What is stepped after a fork (--follow, or the palette's choice): kept from run to
        # run; a running process learns a change with its next command.
        self.follow: Follow = "both"
        self.pauses = PauseBook()  # who waits for a command; who is sent on at its next pause (C)
        self._family: dict[int, int] = {}  # PID -> start ticks of every process seen below the script
        self._methods: dict[int, StartMethod] = {}  # PID -> the start method it last reported
        self._hello_lock = threading.Lock()
        # Reaps said before the reaped child's hello was read (each connection has a thread
        # of its own): said once its record exists. Under _hello_lock, as the records are made.
        self._reaped_before_hello: dict[int, ReapedMessage] = {}
        self._warden = Warden("script")

    def start(self, path: str, args: tuple[str, ...] = (), optimize: bool = False,
              on_pause: Callable[[Pause | Ended | SentOn], None] | None = None,
              python: str | None = None) -> LabProcess:
        """Start the script process, paused before the script's first line: under proctui's
        own Python, or under python (``--python``: a path or a name on PATH), checked
        first; what it forks is stepped as ``follow`` says. A refusal (LabError) starts nothing."""
        current = self.record
        if current is not None and not current.reaped.is_set():
            raise refuse(Refusal.SCRIPT_RUNNING, pid=current.pid, label=current.label)
        # Another Python compiles the script itself (its syntax may be newer or older than ours).
        real = check_script(path, compile_here=python is None)
        self._check_room(1)
        interpreter = own_python() if python is None else ask_python(python, real, self._start_lock)
        self.on_pause = on_pause
        self.stepping = True
        self.pauses = PauseBook()
        with self._hello_lock:
            self._reaped_before_hello.clear()  # the last run's: their PIDs may come back
        if self.channel is not None:
            self.channel.close()
        self.channel = ScriptChannel(self._message, self._closed)
        read_fd, write_fd = os.pipe()
        command = [interpreter.path, *(["-O"] if optimize else []), "-m", "proctui.core.script.host"]
        env = dict(os.environ, PYTHONUNBUFFERED="1", PROCTUI_PID=str(self._own_pid),
                   PYTHONPATH=self._python_path(self.channel), PROCTUI_CHANNEL=self.channel.path,
                   PROCTUI_SCRIPT=real, PROCTUI_STEPPING="1", PROCTUI_LANG=self._lab.language,
                   PROCTUI_FOLLOW=self.follow)
        actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                   (os.POSIX_SPAWN_DUP2, write_fd, 1), (os.POSIX_SPAWN_DUP2, write_fd, 2)]
        with self._start_lock:
            try:
                # A process group of its own: what the script starts stays in it unless it
                # leaves (setsid), and the warden can end the group if proctui is killed.
                pid = os.posix_spawn(interpreter.path, [*command, self.channel.path, real, *args], env,
                                     file_actions=actions, setpgroup=0)
            except OSError as exc:
                os.close(read_fd)
                raise refuse(Refusal.FORK_FAILED, verb="posix_spawn()", error=exc.strerror or str(exc)) from exc
            finally:
                os.close(write_fd)
            # "spawn": a fresh interpreter, as multiprocessing's spawn starts one.
            record = self._records.add(self._records.next_label("script"), SCRIPT_ROLE, pid, "spawn")
        record.script_path = real
        self.record = record
        self.pauses.said_hello(pid, None)
        self._start_warden(env, record)
        self._emit(ScriptStarted(pid=pid, label=record.label, path=path, args=tuple(args), optimize=optimize,
                                 python=interpreter.path, python_version=interpreter.version))
        self._watch(record, read_fd)
        return record

    @staticmethod
    def _python_path(channel: ScriptChannel[FromHost]) -> str:
        """The script's PYTHONPATH: first sitecustomize (``site/`` beside this file), which connects
        the interpreters the script starts itself (multiprocessing's spawn children and
        fork server); then a directory of this run's holding only a link to proctui's
        package, so that what runs in the script's processes (``host``) is found under
        any Python, without proctui's environment on the path (its packages, other
        versions of the user's own, would hide the user's); then the user's PYTHONPATH."""
        here = os.path.dirname(os.path.abspath(__file__))
        site = os.path.join(here, "site")
        package = os.path.dirname(os.path.dirname(here))  # src/proctui
        only_proctui = channel.private_directory("python-path")
        os.symlink(package, os.path.join(only_proctui, "proctui"))
        return os.pathsep.join(filter(None, [site, only_proctui, os.environ.get("PYTHONPATH")]))

    def command(self, pid: int, what: CommandName, **facts: Any) -> bool:
        """Send a paused process on (next, step, return, continue: pdb's n, s, r, c), or
        toggle a breakpoint (``break``, file, line)."""
        if self.channel is None:
            return False
        if self.record is not None and pid == self.record.pid and what != "break":
            self.stepping = what not in ("continue", "free")
        message: StepCommand | BreakCommand
        if what == "break":
            message = {"cmd": what, "file": str(facts.get("file", "")), "line": int(facts.get("line", 0))}
        else:
            message = {"cmd": what, "follow": self.follow}
            self.pauses.sent(pid)
        return self.channel.send(pid, message)

    def continue_all(self) -> list[int]:
        """C: every process of the script runs on (``PauseBook.continue_all``): those paused
        now at once (their PIDs are returned), those between two lines at their next pause;
        what the script starts from now on runs free."""
        self.stepping = False
        return [pid for pid in self.pauses.continue_all() if self._send_on(pid, "continue")]

    def _send_on(self, pid: int, what: CommandName) -> bool:
        return self.channel is not None and self.channel.send(pid, {"cmd": what, "follow": self.follow})

    def close(self) -> None:
        if self.channel is not None:
            self.channel.close()

    def _start_warden(self, env: dict[str, str], record: LabProcess) -> None:
        """The warden (``warden``): told of every process of the script, it ends them
        all if proctui dies without doing it (SIGKILL)."""
        if not self._warden.start(env):
            return
        self._tell_warden(f"group {record.pid} {record.start_ticks}")
        if self.channel is not None:
            self._tell_warden(f"mark {self.channel.path}")
        self._tell_warden(f"pid {record.pid} {record.start_ticks}")

    def _tell_warden(self, line: str) -> None:
        self._warden.tell(line)

    def release_warden(self) -> bool:
        """proctui has ended everything itself: the warden is let go. False if there was none."""
        return self._warden.release()

    def note_family(self, snapshot: Snapshot) -> None:
        """Remember every process below the script process (with its start time): one that
        never said hello (a subprocess, an exec'd program) and is orphaned later is still
        the script's, and is ended with it."""
        record = self.record
        if record is None or record.reaped.is_set():
            return
        for pid in snapshot.descendants(record.pid):
            info = snapshot.procs.get(pid)
            if info is not None and pid not in self._family:
                self._family[pid] = info.start_ticks
                self._tell_warden(f"pid {pid} {info.start_ticks}")

    def end_family(self) -> None:
        """SIGKILL what the script started and the Lab has no record of (a subprocess, a
        double-forked daemon that left the session): below the script process now, or seen
        below it before. The Lab ends its records itself; what is adopted is reaped there."""
        record = self.record
        if record is None:
            return
        for _ in range(3):  # a process forked while we looked is looked for again
            if not self._end_family_once(record):
                return
            time.sleep(0.01)

    def _end_family_once(self, record: LabProcess) -> bool:
        snapshot = snapshot_system()
        if not record.reaped.is_set():
            self.note_family(snapshot)
        # A copy of the script process (a fork that left the session, say, before it said
        # hello) keeps its command line, which names this run's channel.
        mark = self.channel.path.encode() if self.channel is not None else None
        if mark is not None:
            for pid in snapshot.descendants(self._own_pid):
                info = snapshot.procs.get(pid)
                if info is not None and pid not in self._family and mark in cmdline(pid):
                    self._family[pid] = info.start_ticks
        ended = False
        for pid, ticks in list(self._family.items()):
            info = snapshot.procs.get(pid)
            if info is None or info.start_ticks != ticks or self._records.get(pid) is not None:
                continue  # gone, a newcomer with its PID, or a lab record (ended by the Lab)
            # Dead before we go on: the Lab reaps what is ours right after this.
            if _sigkill_if(pid, functools.partial(_same_and_alive, ticks), wait=2.0):
                ended = True
        return ended

    # -- from the channel's threads ----------------------------------------------------------

    def _message(self, message: FromHost, fds: list[int]) -> None:
        pid = int(message.get("pid", 0))
        if message["type"] == "hello" and is_start_method(str(message.get("via"))):
            self._hello(pid, message, fds)
            return
        if message["type"] == "output" and fds:
            # A subprocess of the script (no hello of its own): its output pipe, said under its PID.
            self._watch_output(fds[0], functools.partial(self._said_by_subprocess, pid, str(message.get("program"))))
            fds = fds[1:]
        for fd in fds:
            os.close(fd)
        if message["type"] == "paused":
            self._paused(pid, message)
        elif message["type"] == "free":
            self._runs_free(pid)
        elif message["type"] == "stdin":
            known = self._records.get(pid)
            self._emit(ScriptReadStdin(pid=pid, label=known.label if known else None))
        elif message["type"] == "reaped":
            self._reaped(message)

    def _reaped(self, message: ReapedMessage) -> None:
        """A process of the script reaped a child: said for a child proctui has a record of,
        whose parent (or adopter) is the reaper. Its hello may not have been read yet: then
        it is said after it."""
        child, reaper = int(message["child"]), int(message["pid"])
        with self._hello_lock:
            record = self._records.latest(child)
            if record is None or reaper not in (record.former_parent, record.adopted_by):
                if len(self._reaped_before_hello) >= _MAX_REAPS_BEFORE_HELLO:
                    del self._reaped_before_hello[next(iter(self._reaped_before_hello))]  # the oldest
                self._reaped_before_hello[child] = message
                return
        self._say_reaped(record, message)

    def _say_reaped(self, record: LabProcess, message: ReapedMessage) -> None:
        # Said after the child's exit (Exited), as it happened: the watcher sees the exit
        # through a pidfd the moment it comes, before the reaper's wait can return, but in a
        # thread of its own that may not have said it yet. Not for ever: a record whose exit
        # is never watched (a hello with no pipe) is said reaped all the same.
        record.exit_said.wait(_EXIT_SAID_WITHIN)
        status, reaper = int(message["status"]), int(message["pid"])
        with record.signal_lock:
            record.reaped_by_its_parent(status, float(message["at"]))
        via = message.get("via")
        self._emit(ReapedByScript(pid=record.pid, label=record.label, reaper_pid=reaper,
                                  reaper_label=self._label_of(reaper), call=str(message["call"]), status=status,
                                  via=ReapedVia(via) if via in _REAPED_VIAS else None,
                                  through=message.get("through"), file=message.get("file"),
                                  line=message.get("line"), function=message.get("function")))

    def _hello(self, pid: int, message: HelloMessage, fds: list[int]) -> None:
        """A new process of the script: forked (by the script, or by its fork server) or spawned."""
        parent = int(message.get("ppid", 0))
        # Each connection has a thread of its own: two hellos at once must not both
        # find the last free place.
        record: LabProcess | None = None
        via = message["via"]
        assert via != "start"  # the script process's own hello makes no record: start() did
        with self._hello_lock:
            if self._room_for_one_more():
                record = self._records.add_started_by(self._records.next_label("script-child"),
                                                      SCRIPT_CHILD_ROLE, pid, via, parent)
        if record is None:
            # A script that forks in a loop: each child past the limit ends at its hello,
            # before it can run any of the script's code (it says hello first).
            for fd in fds:
                os.close(fd)
            self._kill_over_the_limit(pid, parent)
            return
        # Under forkserver, whose start() this was: the fork server's own parent.
        server = read_proc(parent) if via == "forkserver" else None
        requester = server.ppid if server is not None else parent
        traced = (self.stepping and self.follow != "parent") if via == "forkserver" else bool(message.get("traced"))
        self.pauses.said_hello(pid, requester)
        if via == "forkserver" and self.channel is not None:
            answer: SteppingAnswer = {"stepping": traced}
            self.channel.send(pid, answer)  # the child waits for this
        self._tell_warden(f"pid {pid} {record.start_ticks}")
        self._emit(ScriptForked(pid=pid, label=record.label, parent_pid=parent, traced=traced, via=via,
                                requested_by=server.ppid if server is not None else None))
        if fds:
            self._watch(record, fds[0])
            for fd in fds[1:]:
                os.close(fd)
        if traced and via != "fork" and self.follow == "child":
            # A fork's parent lets itself go (its at-fork hook); a spawn or fork server
            # child's parent learns it here: at once if it is paused, else at its next pause.
            if self.pauses.free_at_next_pause(requester) and self._send_on(requester, "free"):
                self._runs_free(requester)
        with self._hello_lock:
            reaped = self._reaped_before_hello.pop(pid, None)
        if reaped is not None and int(reaped["pid"]) == parent:
            self._say_reaped(record, reaped)  # its parent reaped it before its hello was read

    def _paused(self, pid: int, message: PausedMessage) -> None:
        self._note_start_method(pid, message.get("method"))
        answer = self.pauses.paused(pid)
        if answer is not None:  # C, or --follow child: sent on at once, never shown
            self._send_on(pid, answer)
            if answer == "free":
                self._runs_free(pid)
            return
        pause = pause_from(message)
        method = self.start_method_of(pid)
        if method is not None:
            pause = dataclasses.replace(pause, start_method=method)
        if self.on_pause is not None:
            self.on_pause(pause)

    def _runs_free(self, pid: int) -> None:
        """pid runs free for good (--follow child): its viewer says so."""
        if self.record is not None and pid == self.record.pid:
            self.stepping = False
        if self.on_pause is not None:
            self.on_pause(SentOn(pid, free=True))

    def _note_start_method(self, pid: int, facts: StartMethodFacts | None) -> None:
        """The process reported its start method (the first time multiprocessing is there,
        and whenever it changes): the log says it, with what it means for its children."""
        if facts is None:
            return
        default = facts["default"]
        chosen = facts.get("chosen")
        record = self.record
        if record is None or pid != record.pid:
            # A child's own answer is its parent's method (a fork's), or the one spawn and the
            # fork server set in it to start it: the viewer shows it, the log has said it.
            self._methods[pid] = chosen or default
            return
        event = ScriptStartMethod(pid=pid, label=self._label_of(pid), python=str(facts.get("python") or "?"),
                                  default=default, chosen=chosen)
        self._methods[pid] = chosen or default  # event.method
        self._emit(event)

    def start_method_of(self, pid: int) -> StartMethod | None:
        """The start method pid last reported, or the one its parent had (a fork inherits
        it, and says nothing until it changes)."""
        seen: set[int] = set()
        current: int | None = pid
        while current is not None and current not in seen:
            if current in self._methods:
                return self._methods[current]
            seen.add(current)
            record = self._records.latest(current)
            current = record.former_parent if record is not None and record.start_method == "fork" else None
        return None

    def parent_mentioned(self, record: LabProcess, line: str) -> dict[str, Any]:
        """Output's facts for a line of a process of the script that holds its parent's PID
        (a "PPID: N" line, say): whose PID it is. The parent is the one the kernel gave it,
        as the process said at its hello (or proctui, for the script process, and for an
        orphan it adopted); nothing is said where proctui does not know it for sure."""
        if record.role == SCRIPT_ROLE or record.adopted_by == self._own_pid:
            parent, kind, label = self._own_pid, ParentIs.PROCTUI, None
        elif record.adopted_by is not None or record.former_parent is None:
            return {}
        elif record.start_method == "forkserver":
            parent, kind, label = record.former_parent, ParentIs.FORK_SERVER, None
        else:
            parent, kind, label = record.former_parent, ParentIs.SCRIPT, self._label_of(record.former_parent)
        number = str(parent)
        if number not in line or not re.search(rf"(?<!\d){number}(?!\d)", line):
            return {}
        return {"parent_pid": parent, "parent_is": kind, "parent_label": label}

    def _label_of(self, pid: int) -> str | None:
        record = self._records.latest(pid)
        return record.label if record is not None else None

    def _said_by_subprocess(self, pid: int, program: str, lines: list[str], newline: bool, skipped: int) -> None:
        for event in output_events(lines, newline, skipped, pid=pid, label=program, by_script=True):
            self._emit(event)

    def _room_for_one_more(self) -> bool:
        try:
            self._check_room(1)
        except LabError:
            return False
        return True

    def _kill_over_the_limit(self, pid: int, parent: int) -> None:
        # Still the child that said hello: a descendant of ours, forked by its parent.
        if not _sigkill_if(pid, lambda now: now.ppid == parent):
            return
        self._emit(Refused(reason=Refusal.SCRIPT_FORKS_TOO_MANY, pid=pid, other_pid=parent,
                           limit=self._lab.max_children))

    def _closed(self, pid: int) -> None:
        self.pauses.ended(pid)
        if self.on_pause is not None:
            self.on_pause(Ended(pid))
