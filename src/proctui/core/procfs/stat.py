"""One process's line of /proc/PID/stat, parsed: its state letter, parent, name and
start time.

Everything the tree shows about a process's *state* comes from here: the state letter
is the one the kernel writes into ``/proc/PID/stat``, read at the moment it is read.
Reading /proc never reaps anything, so a zombie stays a zombie while we look.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

from proctui.core.i18n import N_

#: May be imported in another process (imported by the lab's children): it imports only the
#: standard library and other stdlib-only modules of proctui's
#: (tests/core/test_architecture.py).
STDLIB_ONLY = True

#: What each state letter of /proc/PID/stat means (see proc(5)); message ids, translated where shown.
STATE_WORDS: dict[str, str] = {
    "R": N_("running"),
    "S": N_("sleeping"),
    "D": N_("disk sleep"),
    "Z": N_("zombie"),
    "T": N_("stopped"),
    "t": N_("tracing stop"),
    "X": N_("dead"),
    "x": N_("dead"),
    "K": N_("wakekill"),
    "W": N_("waking"),
    "P": N_("parked"),
    "I": N_("idle"),
}


def state_word(letter: str) -> str:
    return STATE_WORDS.get(letter, N_("unknown"))


@dataclass(frozen=True, slots=True)
class ProcInfo:
    """One process as /proc/PID/stat described it at snapshot time."""

    pid: int
    ppid: int
    state: str  # the kernel's state letter: R, S, D, Z, T, ...
    name: str  # comm: the first 15 bytes of the executable's name
    start_ticks: int  # start time in clock ticks since boot: (pid, start_ticks) names one process
    uid: int | None  # the owner; None in snapshots, which do not ask (see read_procs)
    kernel_thread: bool
    threads: int = 1  # num_threads: how many task/TID/children files list its children

    @property
    def state_word(self) -> str:
        return state_word(self.state)

    @property
    def is_zombie(self) -> bool:
        return self.state == "Z"


# PF_KTHREAD in the flags field of /proc/PID/stat marks a kernel thread.
_PF_KTHREAD = 0x00200000


def parse_stat(pid: int, raw: bytes, uid: int | None) -> ProcInfo:
    """Parse one /proc/PID/stat line.

    comm is enclosed in parentheses and may itself contain spaces or ')', so split at
    the *last* ')' (as procps does) rather than on whitespace.
    """
    open_paren = raw.index(b"(")
    close_paren = raw.rindex(b")")
    name = raw[open_paren + 1 : close_paren].decode("utf-8", "replace")
    fields = raw[close_paren + 2 :].split()
    # fields[0] is field 3 (state) of proc(5); field N is fields[N - 3].
    state = fields[0].decode("ascii", "replace")
    ppid = int(fields[1])
    flags = int(fields[6])
    threads = int(fields[17])
    start_ticks = int(fields[19])
    return ProcInfo(
        pid=pid,
        ppid=ppid,
        state=state,
        name=name,
        start_ticks=start_ticks,
        uid=uid,
        kernel_thread=bool(flags & _PF_KTHREAD),
        threads=threads,
    )


def read_proc(pid: int, owner: bool = True) -> ProcInfo | None:
    """The process with this PID now, or None if there is none (or it just went away).

    owner=False leaves uid unread (None): one system call less per process, for snapshots.
    """
    try:
        fd = os.open(f"/proc/{pid}/stat", os.O_RDONLY)
    except (FileNotFoundError, ProcessLookupError, PermissionError, NotADirectoryError):
        return None
    try:
        raw = os.read(fd, 4096)
        uid = os.fstat(fd).st_uid if owner else None
    except (ProcessLookupError, FileNotFoundError, PermissionError, OSError):
        return None
    finally:
        os.close(fd)
    try:
        return parse_stat(pid, raw, uid)
    except (ValueError, IndexError):
        # A stat line we cannot parse (truncated read during exit): treat as gone.
        return None


def all_pids() -> list[int]:
    return [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]


def read_procs(pids: Iterable[int]) -> dict[int, ProcInfo]:
    found: dict[int, ProcInfo] = {}
    for pid in pids:
        info = read_proc(pid, owner=False)  # nothing drawn from a snapshot needs the owner
        if info is not None:
            found[pid] = info
    return found
