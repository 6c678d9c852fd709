"""A dropped SSH connection leaves nothing: proctui over a real sshd on 127.0.0.1.

A few students each log in with `ssh -t` (from tmux windows) and run the installed
proctui, which forks lab children at their keys. Then every ssh client is SIGKILLed, as
a network that goes away would leave them: sshd hangs the terminal up, and proctui must
end its lab and itself, so that nothing of any session is left on the server. The test
run is a child subreaper (conftest), so whatever a session orphaned comes to it and is
counted, not hidden by PID 1.

`make test` installs sshd first (bench/install-sshd, as root with apt-get); the test is
skipped, saying so, only where it still is not there.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from helpers.terminal import installed_proctui

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from ssh_sessions import Classroom, describe, forked_rows, missing  # bench/ is on sys.path (above)

SESSIONS = 3
CHILDREN = 2

pytestmark = pytest.mark.skipif(missing() is not None, reason=f"no SSH sessions here: {missing()}")


def test_dropped_ssh_connections_leave_nothing():
    with Classroom() as room:
        seats = [room.open([installed_proctui()]) for _ in range(SESSIONS)]
        for seat in seats:
            seat.wait_for(lambda screen: "q Quit" in screen, "proctui's footer")
            seat.type("f" * CHILDREN)
        for seat in seats:
            seat.wait_for(lambda screen: forked_rows(screen) == set(range(1, CHILDREN + 1)),
                          f"{CHILDREN} lab children in the tree")

        sessions = room.sessions()
        assert len(sessions) == SESSIONS, [describe(s.sshd) for s in sessions]
        for session in sessions:
            program = session.program
            assert program is not None and program.name() == "proctui", [describe(p) for p in session.processes]
            assert len(program.children()) == CHILDREN, [describe(p) for p in session.processes]
        everything = [proc for session in sessions for proc in session.processes]

        room.drop(seats)
        left = room.wait_gone(everything, timeout=10)
        assert not left, "10 s after every ssh client was killed, still there:\n  " + "\n  ".join(
            describe(proc) for proc in left)
