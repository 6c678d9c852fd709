"""Which Python runs a script: ``proctui run --python PYTHON FILE``.

A learner's script needs the learner's interpreter and packages (numpy, modules of their
own), not proctui's virtual environment. PYTHON is a path, or a name looked up on PATH as
a shell would; it is asked what it is before anything of the script starts:

    PYTHON -E -s -S -c PROBE FILE

prints ``proctui-python IMPLEMENTATION X.Y.Z`` and, from 3.10 on, whether FILE compiles
under it (a script may use syntax newer or older than proctui's own Python knows). The
probe is written so that any Python from 2.7 on can answer it, so that a Python that is
too old is named with its version rather than called "not a Python". ``-E -s -S``: the
answer does not depend on PYTHONPATH, the user's site-packages or a sitecustomize.

Each way PYTHON can be unfit is a refusal of its own (events.Refusal.PYTHON_*), with
what was given, what was found and what is accepted. Only CPython 3.10 to 3.15 is
accepted: the tracer (``host``) is bdb and ``sys.monitoring``, and it reads
multiprocessing's private names as those versions have them.
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import signal
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

from proctui.core.errors import refuse
from proctui.core.events import Refusal
from proctui.core.linux import pidfd_exits_within
from proctui.core.procfs.snapshot import children

#: The Pythons a script may run under: CPython from OLDEST to NEWEST, both included.
OLDEST = (3, 10)
NEWEST = (3, 15)

#: How long PYTHON has to answer. A Python answers in a few tens of milliseconds (with
#: -S it imports almost nothing); what does not answer in this time is no Python to use.
ASK_SECONDS = 5

#: What the probe's answer may hold at most: a program that floods its output is cut off.
_MOST_ANSWER = 64 * 1024

# Valid Python 2.7 to 3.15: a Python too old to be used still says which it is. The
# current directory (sys.path[0] for -c) is left out: a json.py of the user's there is not
# the standard library's.
PROBE = """\
import sys
if sys.path and sys.path[0] == "":
    del sys.path[0]
import platform
v = sys.version_info
sys.stdout.write("proctui-python %s %d.%d.%d\\n" % (platform.python_implementation(), v[0], v[1], v[2]))
if len(sys.argv) > 1 and v[:2] >= (3, 10):
    import json
    try:
        with open(sys.argv[1], "rb") as source:
            compile(source.read(), sys.argv[1], "exec", 0, True)
        answer = {}
    except SyntaxError as error:
        answer = {"line": error.lineno, "column": error.offset, "text": error.text, "error": error.msg}
    except Exception as error:
        answer = {"failed": "%s: %s" % (type(error).__name__, error)}
    sys.stdout.write(json.dumps(answer) + "\\n")
"""

_ANSWER = re.compile(r"^proctui-python (\S+) (\d+)\.(\d+)\.(\d+)$", re.MULTILINE)


@dataclass(frozen=True)
class ScriptPython:
    """The interpreter a script runs under."""

    path: str  # what is executed: absolute, a virtual environment's own python left as it is
    version: str  # "3.14.0"


def own_python() -> ScriptPython:
    """proctui's own interpreter: the default."""
    return ScriptPython(sys.executable, release(sys.version_info[:3]))


def release(version: tuple[int, ...]) -> str:
    """(3, 14, 0) as "3.14.0"."""
    return ".".join(str(part) for part in version)


def find_python(given: str) -> str:
    """The program PYTHON names, as an absolute path (a name without a slash is looked up
    on PATH), or LabError: not there, a directory, not executable. Symbolic links are not
    followed: a virtual environment's python finds its environment by its own path."""
    if os.sep not in given:
        found = shutil.which(given)
        if found is None:
            # No executable file of that name on PATH (which() skips directories and
            # files without x), as a shell would say "command not found".
            raise refuse(Refusal.PYTHON_NOT_ON_PATH, value=given)
        return os.path.abspath(found)
    path = os.path.abspath(os.path.expanduser(given))
    if not os.path.exists(path):
        raise refuse(Refusal.PYTHON_MISSING, value=given)
    if os.path.isdir(path):
        raise refuse(Refusal.PYTHON_IS_DIRECTORY, value=given, program=path)
    if not os.access(path, os.X_OK):
        raise refuse(Refusal.PYTHON_NOT_EXECUTABLE, value=given, program=path)
    return path


def ask_python(given: str, script: str | None, lock: threading.Lock) -> ScriptPython:
    """PYTHON found, asked what it is, and accepted; or LabError saying why not. With
    script, it compiles the script too: SCRIPT_SYNTAX names the line under that Python.

    lock is held while the probe runs: the Lab's start lock, which its reaper of adopted
    zombies takes too (else the probe, a child of proctui that is no lab process, could
    be reaped behind our back between its exit and our waitpid)."""
    path = find_python(given)
    with lock:
        status, answer, error = _run_probe([path, "-E", "-s", "-S", "-c", PROBE, *([script] if script else [])])
    found = _ANSWER.search(answer)
    if found is None:
        first = next((line.strip() for line in answer.splitlines() if line.strip()), None)
        raise refuse(Refusal.PYTHON_NOT_PYTHON, value=given, program=path, error=error,
                     text=first[:80] if first else None, exitcode=status,
                     limit=ASK_SECONDS if status is None and error is None else None)
    implementation = found.group(1)
    version = tuple(int(part) for part in found.group(2, 3, 4))
    said = release(version)
    if implementation != "CPython":
        raise refuse(Refusal.PYTHON_NOT_CPYTHON, value=given, program=path, version=f"{implementation} {said}")
    if not OLDEST <= version[:2] <= NEWEST:
        raise refuse(Refusal.PYTHON_VERSION, value=given, program=path, version=said)
    if script is not None:
        _check_compiled(script, said, answer[found.end():])
    return ScriptPython(path, said)


def _check_compiled(script: str, release: str, rest: str) -> None:
    """The script as PYTHON compiled it: a syntax error refused with its line. An answer
    missing or garbled is no refusal: the script process will meet the same and say it,
    as python FILE would."""
    lines = rest.strip().splitlines()
    try:
        compiled: Any = json.loads(lines[0]) if lines else None
    except ValueError:
        return
    if not isinstance(compiled, dict):
        return
    if "failed" in compiled:
        raise refuse(Refusal.SCRIPT_NOT_PYTHON, value=script, error=str(compiled["failed"]))
    if "error" in compiled:
        raise refuse(Refusal.SCRIPT_SYNTAX, value=script, line=compiled.get("line"), column=compiled.get("column"),
                     text=compiled.get("text"), error=str(compiled["error"]), version=release)


def _run_probe(argv: list[str]) -> tuple[int | None, str, str | None]:
    """Run argv with stdin at end of file, its stdout and stderr read together: (its exit
    code, or None if it did not end in time; what it wrote; the system's error if it could
    not be run at all). It runs in a session of its own, and whatever it left there (a
    shell script's background job) is ended with it and reaped: checking PYTHON leaves
    nothing behind."""
    read_end, write_end = os.pipe()
    actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
               (os.POSIX_SPAWN_DUP2, write_end, 1), (os.POSIX_SPAWN_DUP2, write_end, 2)]
    try:
        pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions, setsid=True)
    except OSError as error:  # ENOEXEC: no #! line and no ELF header; EACCES; ...
        os.close(read_end)
        return None, "", error.strerror or str(error)
    finally:
        os.close(write_end)
    pidfd = os.pidfd_open(pid)
    try:
        deadline = time.monotonic() + ASK_SECONDS
        answer = _read_until_closed(read_end, deadline)
        exited = pidfd_exits_within(pidfd, max(0.0, deadline - time.monotonic()))
        # The group's number is its leader's PID, which stays ours while the leader is
        # unreaped: no newcomer can have it yet.
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _, status = os.waitpid(pid, 0)
        _end_what_it_left(pid)
    finally:
        os.close(pidfd)
        os.close(read_end)
    return (os.waitstatus_to_exitcode(status) if exited else None), answer.decode(errors="replace"), None


def _end_what_it_left(session: int, seconds: float = 2.0) -> None:
    """What the probe left in its session once it ended: its orphans, which the kernel
    hands to proctui (a child subreaper), each one's own orphans in turn. Each is SIGKILLed
    and reaped (a child of ours keeps its PID until we reap it: no newcomer is hit).
    Where proctui is no subreaper they go elsewhere, and the group's SIGKILL was all."""
    own = os.getpid()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = [info for info in children(own) if _session_of(info.pid) == session]
        if not left:
            return
        for info in left:
            try:
                if info.is_zombie:
                    os.waitpid(info.pid, 0)
                else:
                    os.kill(info.pid, signal.SIGKILL)
            except (ProcessLookupError, ChildProcessError):
                pass
        time.sleep(0.005)


def _session_of(pid: int) -> int | None:
    """The session of pid, from /proc/PID/stat (the sixth field), or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            raw = stat.read()
    except OSError:
        return None
    return int(raw[raw.rindex(b")") + 2 :].split()[3])


def _read_until_closed(fd: int, deadline: float) -> bytes:
    """What fd gives until every writer has closed it, the deadline, or _MOST_ANSWER bytes."""
    got = b""
    while len(got) < _MOST_ANSWER:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        got += chunk
    return got
