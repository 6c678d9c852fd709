"""The wrapped wait calls of a process of the script (script/host_reaper.py) behave as
the real ones, and say a reap, and only a reap, once: checked in a Python of its own
(the wrappers replace os's functions in the whole process), with real children."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

CHECKS = textwrap.dedent(r'''
    import inspect, json, os, signal, socket, sys, tempfile, threading
    real = {name: getattr(os, name) for name in ("waitpid", "waitid", "wait", "wait3", "wait4")}
    from proctui.core.script.host_channel import Channel
    from proctui.core.script.host_reaper import watch_the_waits

    where = os.path.join(tempfile.mkdtemp(), "channel")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(where)
    listener.listen()
    said = []
    def read():
        connection, _ = listener.accept()
        for line in connection.makefile():
            said.append(json.loads(line))
    reader = threading.Thread(target=read)
    reader.start()
    channel = Channel(where)
    watch_the_waits(lambda: channel, where)
    watch_the_waits(lambda: channel, where)  # once: a second call changes nothing
    facts = {}
    facts["wrapped"] = [getattr(os, name) is not real[name] for name in real]
    facts["same signature"] = [str(inspect.signature(getattr(os, name))) == str(inspect.signature(real[name]))
                               for name in real]
    facts["names"] = [getattr(os, name).__name__ for name in real]

    def child(code):
        pid = os.fork()
        if pid == 0:
            os._exit(code)
        return pid

    pid = child(3)
    facts["waitpid"] = list(os.waitpid(pid, 0)) == [pid, 3 << 8]
    pid = child(4)
    result = os.wait4(pid, 0)
    facts["wait4"] = (result[0], result[1], type(result[2]).__name__) == (pid, 4 << 8, "struct_rusage")
    pid = child(5)
    result = os.wait3(0)
    facts["wait3"] = (result[0], result[1]) == (pid, 5 << 8)
    pid = child(6)
    facts["wait"] = os.wait() == (pid, 6 << 8)
    # waitid: WNOWAIT leaves a zombie (no reap, nothing said); then the reap.
    pid = child(8)
    peeked = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
    result = os.waitid(os.P_PID, pid, os.WEXITED)
    facts["waitid"] = (peeked.si_pid, result.si_pid, result.si_status) == (pid, pid, 8)
    # A stop is no reap; WNOHANG with nothing to report returns as the real call does.
    pid = os.fork()
    if pid == 0:
        os.kill(os.getpid(), signal.SIGSTOP)
        os._exit(0)
    stopped = os.waitpid(pid, os.WUNTRACED)
    facts["stopped"] = os.WIFSTOPPED(stopped[1])
    nothing = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG)
    facts["nothing yet"] = os.waitpid(pid, os.WNOHANG) == (0, 0) and nothing is None
    os.kill(pid, signal.SIGKILL)
    facts["killed"] = os.waitpid(pid, 0) == (pid, signal.SIGKILL)
    # The real call's error, as it was.
    try:
        os.waitpid(pid, 0)
    except ChildProcessError as error:
        facts["error"] = error.errno
    # With no channel (a child before its hello), the call returns all the same.
    channel.close()
    facts["closed channel"] = os.waitpid(child(9), 0)[1] == 9 << 8
    listener.close()
    reader.join()
    facts["said"] = said
    print(json.dumps(facts))
''')


def test_the_wrappers_return_and_raise_as_the_real_calls_and_say_each_reap_once():
    done = subprocess.run([sys.executable, "-c", CHECKS], capture_output=True, text=True, timeout=60, check=True)
    facts = json.loads(done.stdout)
    assert facts["wrapped"] == [True] * 5 and facts["same signature"] == [True] * 5
    assert facts["names"] == ["waitpid", "waitid", "wait", "wait3", "wait4"]
    for check in ("waitpid", "wait4", "wait3", "wait", "waitid", "stopped", "nothing yet", "killed", "closed channel"):
        assert facts[check] is True, check
    assert facts["error"] == 10  # ECHILD
    said = facts["said"]
    assert [(m["call"], os_status(m)) for m in said] == [
        ("os.waitpid", 3 << 8), ("os.wait4", 4 << 8), ("os.wait3", 5 << 8), ("os.wait", 6 << 8),
        ("os.waitid", 8 << 8), ("os.waitpid", 9)]  # the stop, WNOHANG and WNOWAIT said nothing
    first = said[0]
    assert set(first) == {"type", "pid", "child", "status", "call", "via", "through", "at", "file", "line",
                          "function"}
    assert (first["type"], first["via"], first["through"], first["file"], first["function"]) == (
        "reaped", None, None, None, None)  # python -c's code is "<string>": no file of the script's


def os_status(message: dict) -> int:
    return int(message["status"])
