"""Who reaped each child of a process of the script: its own ``os.waitpid``, ``os.waitid``,
``os.wait``, ``os.wait3`` and ``os.wait4``, wrapped once in every process of the script
(``watch_the_waits``), say so on the channel (a ``reaped`` message) when they return a
child's exit: the child, its raw status, the call, the multiprocessing call it was made
for (``via``: join(), is_alive(), start()'s cleanup...) and the script's line that led to it.

Why wrappers and not the tracer: a reap happens whether or not the script is stepped,
and a process that runs free has no tracer; a wrapper costs one Python call a wait and
nothing else until a child's exit comes back. It calls the real function with the same
arguments and returns what it returned, raising what it raised (EINTR is handled inside
the real one, as before); the stack is read, and the message sent, only after a reap,
and nothing that goes wrong there ever reaches the script.

The wrappers are module attributes of ``os``: multiprocessing (``os.waitpid(self.pid,
flag)`` in popen_fork, the fork server's ``os.waitpid(-1, WNOHANG)``) looks them up at
each call. What bound the real function earlier (``subprocess``'s ``_waitpid=os.waitpid``
default, imported before the wrappers) keeps it: installed first thing, they come first.

Runs in the script's processes: the standard library only.
"""

from __future__ import annotations

import functools
import os
import sys
import time
import types
from collections.abc import Callable
from typing import Any

from proctui.core.linux import status_from_siginfo
from proctui.core.script.host_channel import Channel
from proctui.core.script.protocol import ReapCallName, ReapedMessage, ReapVia

#: Runs in another process (inside the user's script (see host.py)): it may import only the
#: standard library and stdlib-only modules of proctui's (tests/core/test_architecture.py).
RUNS_IN_ANOTHER_PROCESS = True

#: The multiprocessing functions a reap is made for, by module and function name (the
#: same in CPython 3.10 to 3.15's Lib/multiprocessing, read there; never a line number).
#: Of those on the stack between the wait and the script's line, the outermost names the
#: reap: join() -> Popen.wait() -> poll() is join()'s; the exit handler's join() is the
#: exit handler's.
_VIA: dict[tuple[str, str], ReapVia] = {
    ("multiprocessing.process", "join"): "join",  # BaseProcess.join -> Popen.wait -> poll
    ("multiprocessing.process", "is_alive"): "is_alive",  # -> Popen.poll
    ("multiprocessing.process", "start"): "start",  # -> _cleanup(): polls every child started before
    ("multiprocessing.process", "active_children"): "active_children",  # -> _cleanup()
    ("multiprocessing.process", "exitcode"): "exitcode",  # the property -> Popen.poll
    ("multiprocessing.process", "close"): "close",  # -> Popen.poll, to refuse a running process
    ("multiprocessing.process", "__repr__"): "repr",  # -> Popen.poll
    # -> Popen.terminate/kill/interrupt -> _send_signal -> wait(timeout=0.1), when os.kill fails
    ("multiprocessing.process", "terminate"): "terminate",
    ("multiprocessing.process", "kill"): "kill",
    ("multiprocessing.process", "interrupt"): "interrupt",  # 3.14+
    # The worker handler thread: _maintain_pool -> _join_exited_workers -> worker.exitcode;
    # and _repopulate_pool_static -> start() -> _cleanup().
    ("multiprocessing.pool", "_handle_workers"): "pool worker handler",
    ("multiprocessing.pool", "join"): "pool join",  # Pool.join -> p.join() of each worker
    ("multiprocessing.pool", "_terminate_pool"): "pool terminate",  # terminate(), __exit__, its finalizer
    # atexit -> util._exit_function -> active_children() / p.join()
    ("multiprocessing.util", "_exit_function"): "exit handler",
    ("multiprocessing.forkserver", "main"): "fork server",  # its loop: os.waitpid(-1, WNOHANG)
}

#: Where the standard library's Python files lie: a frame of one of them (multiprocessing,
#: os, subprocess, threading, concurrent.futures, bdb, runpy...) is not the script's line.
_STDLIB = os.path.dirname(os.__file__) + os.sep
#: Inside it, on some installs (pyenv's, a venv-less pip's): what is installed, not the stdlib.
_INSTALLED = (f"{os.sep}site-packages{os.sep}", f"{os.sep}dist-packages{os.sep}")

_watching = False


def _is_reap(status: int) -> bool:
    """An exit, not a stop or a continue (WUNTRACED, WCONTINUED return those too)."""
    return os.WIFEXITED(status) or os.WIFSIGNALED(status)


def _is_the_scripts(frame: types.FrameType, module: str) -> bool:
    """A frame of the script's own code (or of a package it uses), not of proctui's, nor
    of the standard library's, nor code with no file ("<string>": python -c's, the fork
    server's; "<frozen runpy>")."""
    if module.startswith("proctui."):
        return False
    filename = frame.f_code.co_filename
    if filename.startswith("<"):
        return False
    return not filename.startswith(_STDLIB) or any(part in filename for part in _INSTALLED)


def _where(frame: types.FrameType | None) -> tuple[ReapVia | None, str | None, types.FrameType | None]:
    """From the caller of the wrapper outward: what it was made for, the outermost
    multiprocessing function on the way ("multiprocessing.process.join"), and the
    script's frame that led to it (None: none, as in the fork server, at exit, in a
    pool's handler thread, or in concurrent.futures' manager thread)."""
    via: ReapVia | None = None
    through: str | None = None
    while frame is not None:
        module = str(frame.f_globals.get("__name__", ""))
        if _is_the_scripts(frame, module):
            return via, through, frame
        name = frame.f_code.co_name
        if module.startswith("multiprocessing."):
            through = f"{module}.{name}"
            via = _VIA.get((module, name), via)
        frame = frame.f_back
    return via, through, None


class _Reporter:
    """Sends what the wrappers saw, on the process's channel as it is now (a forked child
    gets its own at its hello), or, in the fork server, which keeps no channel, on a
    connection made for that message alone."""

    def __init__(self, channel_of: Callable[[], Channel | None], channel_path: str, one_shot_in: int | None) -> None:
        self._channel_of = channel_of
        self._channel_path = channel_path
        self._one_shot_in = one_shot_in

    def reaped(self, call: ReapCallName, child: int, status: int, caller: types.FrameType | None) -> None:
        # Untraced: a step (s) into the script's wait must not pause in the json and socket
        # code that says it (the tracer skips proctui's frames, not the stdlib's they call).
        tracer = sys.gettrace()
        if tracer is not None:
            sys.settrace(None)
        try:
            via, through, frame = _where(caller)
            message: ReapedMessage = {
                "type": "reaped", "pid": os.getpid(), "child": child, "status": status, "call": call,
                "via": via, "through": through, "at": time.time(),
                "file": frame.f_code.co_filename if frame is not None else None,
                "line": frame.f_lineno if frame is not None else None,
                "function": frame.f_code.co_name if frame is not None else None,
            }
            self._send(message)
        except Exception:  # noqa: BLE001 - never into the script: its call returns as it would have
            pass
        finally:
            if tracer is not None:
                sys.settrace(tracer)

    def _send(self, message: ReapedMessage) -> None:
        channel = self._channel_of()
        if channel is not None:
            channel.send_from_anywhere(message)
        elif self._one_shot_in == os.getpid():
            one_shot = Channel(self._channel_path)
            try:
                one_shot.send(message)
            finally:
                one_shot.close()
        # Else a process not connected yet (nor ever, as a forked child of the fork server
        # before its hello): nobody to tell.


def _wrap_pid_status(real: Callable[..., Any], call: ReapCallName, report: _Reporter) -> Callable[..., Any]:
    """os.waitpid, os.wait, os.wait3, os.wait4: they return (pid, status, ...)."""

    @functools.wraps(real)
    def wait(*args: Any) -> Any:
        result = real(*args)
        if result[0] > 0 and _is_reap(result[1]):
            report.reaped(call, result[0], result[1], sys._getframe(1))
        return result

    return wait


def _wrap_waitid(real: Callable[..., Any], report: _Reporter) -> Callable[..., Any]:
    """os.waitid returns a waitid_result (None: WNOHANG and nothing to report); with
    WNOWAIT it leaves the child a zombie: no reap."""

    @functools.wraps(real)
    def waitid(*args: Any) -> Any:
        result = real(*args)
        if (result is not None and result.si_pid > 0 and len(args) > 2 and not args[2] & os.WNOWAIT
                and result.si_code in (os.CLD_EXITED, os.CLD_KILLED, os.CLD_DUMPED)):
            report.reaped("os.waitid", result.si_pid, status_from_siginfo(result.si_code, result.si_status),
                          sys._getframe(1))
        return result

    return waitid


def watch_the_waits(channel_of: Callable[[], Channel | None], channel_path: str, fork_server: bool = False) -> None:
    """Wrap os's wait calls in this process, once: a forked child inherits them (and finds
    its own channel through channel_of), a spawn child and the fork server wrap their own
    (sitecustomize). The fork server, which keeps no channel, connects for each message."""
    global _watching
    if _watching:
        return
    _watching = True
    report = _Reporter(channel_of, channel_path, os.getpid() if fork_server else None)
    calls: tuple[tuple[str, ReapCallName], ...] = (
        ("waitpid", "os.waitpid"), ("wait", "os.wait"), ("wait3", "os.wait3"), ("wait4", "os.wait4"))
    for name, call in calls:
        real = getattr(os, name, None)
        if real is not None:
            setattr(os, name, _wrap_pid_status(real, call, report))
    real_waitid = getattr(os, "waitid", None)
    if real_waitid is not None:
        os.waitid = _wrap_waitid(real_waitid, report)
