"""What runs inside the script process of ``proctui run FILE``: the user's script as
``python FILE ARGS`` would run it, under a line tracer that pauses where proctui says.

    python [-O] -m proctui.core.script.host CHANNEL FILE [ARG...]

The script runs as ``__main__`` the way pdb runs one (bdb and ``pdb._ScriptTarget``):
``sys.argv`` is ``[FILE, *ARGS]``, ``sys.path[0]`` the script's directory, ``__main__``'s
namespace replaced, so spawn children find the main module by its ``__file__``. Its
current directory is proctui's; its interpreter proctui's own or the one ``--python``
named, with ``-O`` if asked.

Each traced process talks to proctui over its own connection to CHANNEL, a Unix socket
proctui listens on: JSON lines out (``hello``, ``paused``, ``stdin``, ``finished``),
commands in (``next``, ``step``, ``return``, ``continue``, ``break``). After
``os.fork()`` (the script's own, or multiprocessing's) the child opens a connection of
its own in an at-fork hook and hands proctui a pipe for its stdout and stderr, so that
every line in the log is said by the process that wrote it. A child forked while the
parent was being stepped keeps the tracer, so it pauses at the very next line: fork()
returns twice, and each side is stepped on its own. A child forked while the parent ran
free runs free.

This module holds the entry points: ``main`` for the script process, and
``start_in_spawned_process`` for the interpreters the script starts itself (spawn
children, the fork server: from ``site/sitecustomize.py``). The rest is beside it:
``host_channel`` (the connection), ``host_tracer`` (the tracer and its pauses),
``breakpoints`` (``c`` to a breakpoint on 3.12+), ``fork_hooks`` (each process of the
script, and how a new one connects), ``subprocess_patch`` (a subprocess's own output).

It runs under the Python the user chose (``proctui run --python``, any CPython 3.10+,
maybe not proctui's own, in an environment without proctui's packages): these modules
and what they import of proctui's (``linux``, ``values``) need nothing but the standard
library (tests/core/script/test_script_python.py checks every module they load;
tests/core/test_architecture.py checks their imports). proctui's own code (the tracer,
the channel) runs inside the trace function, which is never traced itself.
"""

from __future__ import annotations

import builtins
import io
import os
import signal
import struct
import sys
import traceback
import warnings
from typing import Any

from proctui.core.linux import set_parent_death_signal
from proctui.core.script.fork_hooks import Host
from proctui.core.script.host_channel import Channel
from proctui.core.script.host_reaper import watch_the_waits
from proctui.core.script.host_tracer import is_ours
from proctui.core.script.subprocess_patch import give_subprocesses_their_own_output

#: Runs in another process (inside the user's script, under the Python it chose: any
#: CPython 3.10+, maybe without proctui's packages): it may import only the standard
#: library and stdlib-only modules of proctui's (tests/core/test_architecture.py).
RUNS_IN_ANOTHER_PROCESS = True


class _EndOfFileStdin(io.TextIOBase):
    """stdin of a script run by proctui: end of file at once, and proctui is told so."""

    def __init__(self, tell: Any) -> None:
        self._tell = tell

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        self._tell()
        return ""

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]  # TextIOBase types it int
        self._tell()
        return ""


def say_output_as_own(channel_path: str, program: str) -> None:
    """Make this process's stdout and stderr a pipe of its own, whose read end proctui
    gets with our PID (an ``output`` message, as a subprocess's), on a connection made
    for that alone. If proctui cannot be reached, the output stays where it was."""
    read_end, write_end = os.pipe()
    try:
        channel = Channel(channel_path)
        try:
            channel.send({"type": "output", "pid": os.getpid(), "ppid": os.getppid(), "program": program},
                         fds=[read_end])
        finally:
            channel.close()
    except OSError:
        os.close(write_end)
        return
    finally:
        os.close(read_end)
    os.dup2(write_end, 1)
    os.dup2(write_end, 2)
    os.close(write_end)


def start_in_spawned_process(fork_server: bool) -> None:
    """From sitecustomize, in an interpreter a process of the script started: a spawn
    child connects and takes its own output (and pauses at its target if the script was
    being stepped when it was started); the fork server connects none of its own, but its
    children do, as forks (its at-fork hook)."""
    channel_path = os.environ["PROCTUI_CHANNEL"]
    mainfile = os.environ.get("PROCTUI_SCRIPT", "")
    if fork_server:
        # Connected only in its children, by the hook: each says hello as a fork. What the
        # fork server itself prints (3.14+ imports the main module in it, once) is said
        # under its own PID, not its parent's, whose output it would otherwise share.
        say_output_as_own(channel_path, "fork server")
        host = Host(channel_path, mainfile, connect=False)
        # It reaps its children itself, each as it exits: said on a connection made for each.
        watch_the_waits(lambda: host.channel, channel_path, fork_server=True)
        os.register_at_fork(after_in_child=host.after_fork_in_child, after_in_parent=host.after_fork_in_parent)
        give_subprocesses_their_own_output(host)
        return
    stepping = os.environ.get("PROCTUI_STEPPING") == "1"
    host = Host(channel_path, mainfile)
    watch_the_waits(lambda: host.channel, channel_path)
    host.tracer.via = "spawn"
    host.take_output("spawn", stepping)
    os.register_at_fork(after_in_child=host.after_fork_in_child, after_in_parent=host.after_fork_in_parent)
    give_subprocesses_their_own_output(host)
    if stepping:
        host.trace_the_target()


def _run(host: Host, mainfile: str, args: list[str]) -> int:
    """Run mainfile as __main__ under the tracer; its exit code, as python FILE would give."""
    with open(mainfile, "rb") as source:
        code = compile(source.read(), mainfile, "exec")
    sys.argv = [mainfile, *args]
    sys.path[0] = os.path.dirname(mainfile)
    import __main__

    __main__.__dict__.clear()
    # As runpy.run_path gives a script: spawn reads __spec__ (None: a file, not a module)
    # and then __file__, to import the main module in its children as __mp_main__.
    __main__.__dict__.update({"__name__": "__main__", "__file__": mainfile, "__builtins__": builtins,
                              "__spec__": None, "__loader__": None, "__package__": None, "__cached__": None})
    assert host.channel is not None
    host.channel.send({"type": "hello", "pid": os.getpid(), "ppid": os.getppid(), "via": "start", "traced": True})
    try:
        host.tracer.run(code, __main__.__dict__, __main__.__dict__)
    except SystemExit as exit_:
        host.tracer.stop_tracing()
        return _exit_code(exit_.code)
    except BaseException:  # noqa: BLE001 - the script's own error: said as python would, exit code 1
        host.tracer.stop_tracing()
        kind, value, tb = sys.exc_info()
        while tb is not None and is_ours(tb.tb_frame):
            tb = tb.tb_next  # the traceback starts in the script, as python FILE's does
        traceback.print_exception(kind, value, tb)
        return 1
    finally:
        host.tracer.stop_tracing()
    return 0


#: The C long that CPython reads an int exit code into (a long long from 3.14, the same
#: 64 bits on Linux's 64-bit ABIs; a long has 32 on 32-bit ones).
_C_LONG_BITS = 64 if sys.version_info >= (3, 14) else 8 * struct.calcsize("l")


def _exit_code(code: object) -> int:
    """sys.exit(code) as the interpreter turns it into an exit status, as CPython's
    Python/pythonrun.c does it (_Py_HandleSystemExit; parse_exit_code from 3.14): None is 0;
    an int (PyLong_Check: a bool too) is read as a C long and cast to a C int, whose low 8
    bits the kernel keeps; an int too large for a C long fails to convert, and the exit
    code is -1, 255 to the kernel; anything else (a str, 1.5) is written to stderr as
    str() gives it, then a newline, and the exit code is 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        limit = 1 << (_C_LONG_BITS - 1)
        if not -limit <= code < limit:
            return 0xFF
        return code & 0xFF
    # PyFile_WriteObject(code, sys.stderr, Py_PRINT_RAW); with no sys.stderr, C's stderr.
    # An error while writing is cleared: the exit code is 1 all the same.
    try:
        if sys.stderr is None:
            os.write(2, f"{code}\n".encode(errors="backslashreplace"))
        else:
            sys.stderr.write(str(code))
            sys.stderr.write("\n")
    except Exception:  # noqa: BLE001 - as CPython: a failed write does not change the exit code
        pass
    return 1


def main(argv: list[str]) -> int:
    channel_path, mainfile, *args = argv
    parent = int(os.environ.get("PROCTUI_PID", "0"))
    # Ended by the kernel if proctui dies without ending us.
    set_parent_death_signal(signal.SIGKILL)
    if parent and os.getppid() != parent:
        return 1
    host = Host(channel_path, os.path.realpath(mainfile))
    # Before anything imports subprocess, which binds os.waitpid once (a default argument).
    watch_the_waits(lambda: host.channel, channel_path)
    if sys.version_info[:2] == (3, 12):
        # 3.12 writes a traced frame's f_locals back when the tracer returns, and warns of
        # an inlined comprehension's variable not bound yet (PEP 709): the tracer's doing,
        # which plain python never prints (3.13's f_locals writes through, and does not).
        warnings.filterwarnings("ignore", message="assigning None to unbound local", category=RuntimeWarning)
    sys.stdin = _EndOfFileStdin(host.say_stdin_read)
    os.register_at_fork(after_in_child=host.after_fork_in_child, after_in_parent=host.after_fork_in_parent)
    give_subprocesses_their_own_output(host)
    code = _run(host, os.path.realpath(mainfile), args)
    try:
        if host.channel is not None:
            host.channel.send({"type": "finished", "pid": os.getpid(), "code": code})
    except OSError:
        pass
    sys.stdout.flush()
    return code


if __name__ == "__main__":
    # As pdb does: run from the module imported under its own name, because __main__'s
    # namespace is about to become the script's (this copy's globals would go with it).
    from proctui.core.script import host as script_host  # noqa: PLW0406 - on purpose: see above

    sys.exit(script_host.main(sys.argv[1:]))
