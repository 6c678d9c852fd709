"""What runs in each process of a practice exercise (``proctui practice``): a real
process, named a, b, c…, that does what the exercise says when proctui tells it to.

The root, a, is a lab child (``Lab.start_child``); every other one is a
``multiprocessing.Process`` (fork context) of the one that forked it, so ``join()``,
``is_alive()``, ``daemon=True`` and the exit handler are multiprocessing's own. a is a
child subreaper (prctl 36): an orphan below it is re-parented to it, and it reaps what
it adopts when asked to settle, as init would. Whatever the exercise asks, the kernel's
answer is read from ``/proc`` and from these processes' own replies, never predicted.

Each process talks to proctui over its own connection to the channel (a Unix socket,
``runner.ScriptChannel``): ``hello`` with its name, then commands in, replies out:

    fork NAME [daemon]   -> forked NAME PID
    exit CODE            os._exit(CODE): no exit handler, so its children are orphaned
    return               the target returns: multiprocessing's exit handler terminates
                         daemon children and joins the others
    join NAME            -> joined NAME EXITCODE
    is_alive NAME        -> is_alive NAME BOOL
    settle               (a) reap every adopted child that has exited -> settled
    reap_all             (a, at the end) reap every exited child -> reaped

proctui's end (end of file on the connection) ends it.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
from collections.abc import Callable
from typing import Any

from proctui.core.linux import PR_SET_CHILD_SUBREAPER, prctl

#: Runs in another process (each process of a practice exercise runs it): it may import
#: only the standard library and stdlib-only modules of proctui's
#: (tests/core/test_architecture.py).
RUNS_IN_ANOTHER_PROCESS = True

#: This process's connection; a forked child closes its copy of its parent's.
_connection: socket.socket | None = None


def root(label: str, out: Any, channel_path: str, warden_pipe: tuple[int, int] = (-1, 0)) -> None:
    """a: a lab child (``Lab.start_child``), and the subreaper of the exercise. Forked
    from proctui, it holds a copy of the pipe to the exercise's warden: closed, or the
    warden would never see proctui go (nor would it, while any process of ours held it)."""
    from proctui.core.lab.workers import _become_lab_child
    from proctui.core.script.warden import close_copy

    close_copy(warden_pipe)
    _become_lab_child(out)
    prctl(PR_SET_CHILD_SUBREAPER, 1)
    _serve("a", channel_path, adopts=True)


def puppet(name: str, channel_path: str) -> None:
    """Every other process: the target of the Process its parent started."""
    global _connection
    if _connection is not None:
        # The parent's connection, not ours to read: closed here and now (a close() would
        # wait for the parent's reader, copied into this process, to go first).
        os.close(_connection.detach())
        _connection = None
    _serve(name, channel_path, adopts=False)


def _serve(name: str, channel_path: str, adopts: bool) -> None:
    global _connection
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.connect(channel_path)
    _connection = connection
    children: dict[str, multiprocessing.process.BaseProcess] = {}

    def send(message: dict[str, Any]) -> None:
        connection.sendall((json.dumps(message) + "\n").encode())

    send({"type": "hello", "pid": os.getpid(), "ppid": os.getppid(), "name": name})
    reader = connection.makefile("rb")
    for raw in reader:
        command = json.loads(raw)
        try:
            if _obey(command, channel_path, children, send, adopts):
                return
        except Exception as error:  # noqa: BLE001 - said to proctui, which says it: never a silent hang
            send({"type": "error", "error": f"{type(error).__name__}: {error}"})
    os._exit(0)  # proctui has gone: so do we, without waiting for children


def _obey(command: dict[str, Any], channel_path: str, children: dict[str, multiprocessing.process.BaseProcess],
          send: Callable[[dict[str, Any]], None], adopts: bool) -> bool:
    """Do one command; True when this process is to return (its target ends)."""
    what = command.get("cmd")
    if what == "fork":
        child_name = str(command["name"])
        started = multiprocessing.get_context("fork").Process(
            target=puppet, args=(child_name, channel_path), name=child_name, daemon=bool(command.get("daemon")))
        started.start()  # start() first reaps this process's exited children (_cleanup)
        children[child_name] = started
        send({"type": "forked", "name": child_name, "pid": started.pid})
    elif what == "exit":
        os._exit(int(command.get("code", 0)))
    elif what == "return":
        return True
    elif what == "join":
        child = children[str(command["name"])]
        child.join()
        send({"type": "joined", "name": child.name, "exitcode": child.exitcode})
    elif what == "is_alive":
        child = children[str(command["name"])]
        send({"type": "is_alive", "name": child.name, "value": child.is_alive()})
    elif what == "settle":
        if adopts:
            _reap_adopted(children)
        send({"type": "settled"})
    elif what == "reap_all":
        # The exercise is over and every other process of it is dead: all of them are a's
        # children now (a is the subreaper). a reaps them all, so that none is left to
        # whoever would adopt it when a goes (init does not always reap: a container's
        # PID 1 may not).
        _reap_adopted({})
        send({"type": "reaped"})
    return False


def _reap_adopted(children: dict[str, multiprocessing.process.BaseProcess]) -> None:
    """waitpid each exited child this process did not start (an adopted orphan): never
    one of multiprocessing's (children), whose exit status is its Process's to collect."""
    ours = {child.pid for child in children.values()}
    pid = os.getpid()
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as listing:
            adopted = [int(word) for word in listing.read().split() if int(word) not in ours]
    except OSError:
        return
    for child in adopted:
        try:
            os.waitpid(child, os.WNOHANG)
        except ChildProcessError:
            pass
