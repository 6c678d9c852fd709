"""A subprocess of the script (``subprocess.Popen``) gets output of its own, said under
its own PID, not its parent's (``give_subprocesses_their_own_output``).

Runs in the script's processes: the standard library only.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from proctui.core.script.fork_hooks import Host

#: Runs in another process (inside the user's script (see host.py)): it may import only the
#: standard library and stdlib-only modules of proctui's (tests/core/test_architecture.py).
RUNS_IN_ANOTHER_PROCESS = True


def _file_identity(fd: int) -> tuple[int, int] | None:
    try:
        status = os.fstat(fd)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def give_subprocesses_their_own_output(host: Host) -> None:
    """A subprocess (``subprocess.Popen``) would write to the pipe it inherits from its
    parent, and its lines would be logged under the parent's PID: fork_exec runs no
    at-fork hook, so it never says hello. Instead, a stdout or stderr that would be the
    parent's own output pipe becomes a new pipe, whose read end proctui gets with the
    subprocess's PID. What the script redirected elsewhere (``PIPE``, a file) is left as
    it is. Popen._execute_child is private: where it is missing or takes other
    arguments, subprocesses write to their parent's pipe, as before."""
    import inspect
    import subprocess

    original = getattr(subprocess.Popen, "_execute_child", None)
    if original is None:
        return
    signature = inspect.signature(original)
    if not {"args", "c2pwrite", "errwrite"} <= signature.parameters.keys():
        return

    def _execute_child(popen: subprocess.Popen[Any], *args: Any, **kwargs: Any) -> None:
        channel = host.channel
        if channel is None:
            original(popen, *args, **kwargs)
            return
        bound = signature.bind(popen, *args, **kwargs)
        ours = {_file_identity(1), _file_identity(2)} - {None}
        read_end = write_end = -1
        for name, inherited in (("c2pwrite", 1), ("errwrite", 2)):
            fd = bound.arguments[name]
            if _file_identity(inherited if fd == -1 else fd) in ours:
                if write_end == -1:
                    read_end, write_end = os.pipe()
                bound.arguments[name] = write_end
        if write_end == -1:
            original(*bound.args, **bound.kwargs)
            return
        try:
            original(*bound.args, **bound.kwargs)
        except BaseException:
            os.close(read_end)
            raise
        finally:
            os.close(write_end)  # Popen closes the child's end only for a PIPE of its own
        # What runs in it, as Popen finds it: the shell (shell=True), the executable, or argv[0].
        given = bound.arguments["args"]
        first = [given] if isinstance(given, (str, bytes, os.PathLike)) else list(given)[:1]
        if bound.arguments.get("shell"):
            first = [bound.arguments.get("executable") or "/bin/sh"]
        elif bound.arguments.get("executable"):
            first = [bound.arguments["executable"]]
        program = os.path.basename(os.fsdecode(first[0])) if first else "?"
        try:
            channel.send({"type": "output", "pid": popen.pid, "ppid": os.getpid(), "program": program},
                         fds=[read_end])
        except OSError:
            pass  # proctui has gone: nobody reads it, as nobody reads ours
        finally:
            os.close(read_end)

    subprocess.Popen._execute_child = _execute_child  # type: ignore[attr-defined]
