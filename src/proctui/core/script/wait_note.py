"""What a viewer says while its process of the script runs: what the kernel says it is
blocked on (``procfs.waits``), and which other process of the script it waits for,
named as the viewers name it, with what to press when that one is paused.

Said from /proc and nothing else: a futex never names who will release it, and a
poll of many descriptors says who *may* end it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from proctui.core.i18n import N_, words
from proctui.core.procfs.waits import Waiting

_SAID = {
    "running": N_("Running on a CPU."),
    "sleep": N_("Asleep in {syscall}(): a time.sleep(), or a wait with a timeout."),
    "stopped": N_("Stopped (T): a SIGSTOP; SIGCONT lets it run on."),
    "zombie": N_("Exited: a zombie until its parent reaps it."),
    "lock": N_("Blocked on a futex: a Lock, RLock, Semaphore, Condition or Event (or a thread's join()). "
               "Which process will release it cannot be read from /proc."),
    "child": N_("Blocked in waitpid() for {who}."),
    "pipe": N_("Blocked in {syscall}() on a pipe that {who} hold open for writing."),
    "socket": N_("Blocked in {syscall}() on a socket: {who} is at the other end."),
    "maybe": N_("Blocked in {syscall}() on pipes or sockets (a Queue, a Connection, a sentinel): "
                "one of {who} may end the wait."),
    "nobody": N_("Blocked in {syscall}() ({wchan}): on nothing another process of the script holds."),
    "other": N_("Blocked in the kernel: {syscall} ({wchan})."),
}
#: waitpid() for one child, paused: the case a join() of a stepped child meets most.
_CHILD_PAUSED = N_("Blocked in waitpid() for {who}, paused in its viewer: Tab to it and press c, or C to continue all.")
_IT_IS_PAUSED = N_("It is paused in its viewer: Tab to it and press c, or C to continue all.")
_ALL_PAUSED = N_("All are paused: Tab to them and press c, or C to continue all.")
_PAUSED_ONE = N_("{who} is paused in its viewer: Tab to it and press c, or C to continue all.")
_PAUSED_MANY = N_("{who} are paused in their viewers: Tab to them and press c, or C to continue all.")
_PAUSED_NOW = N_("Paused now: {who}; C continues them all.")
_AT_LINE = N_("Line {line}, {code}:")
#: How many processes a note names (a viewer beside others has some 38 columns, a few lines).
_NAMED = 2
_AND_MORE = N_("{named} and {more} more")
#: How much of that line's code the note repeats (a viewer beside others has some 38 columns).
_CODE_SHOWN = 24


def wait_note(waiting: Waiting, names: Mapping[int, str], paused: Collection[int], language: str,
              at: tuple[int, str] | None = None) -> str:
    """The note for waiting, in language. names: what the viewers call each process of the
    script (by PID); paused: those paused in a viewer now; at: (line, its code) where the
    user pressed n (the process is still inside that line), if it is known."""
    _ = words(language)

    def who(pids: Collection[int]) -> str:
        named = ", ".join(f"{names.get(pid, 'PID')} (PID {pid})" for pid in list(pids)[:_NAMED])
        if len(pids) <= _NAMED:
            return named
        return _(_AND_MORE).format(named=named, more=len(pids) - _NAMED)

    kind: str = waiting.kind
    pids = waiting.on_pids
    if kind in ("pipe", "socket", "other") and not pids and waiting.maybe_pids:
        kind, pids = "maybe", waiting.maybe_pids
    elif kind in ("pipe", "socket") and not pids:
        kind = "nobody"
    if kind == "gone":
        return ""
    said = _(_SAID[kind]).format(syscall=waiting.syscall or "?", wchan=waiting.wchan or "?", who=who(pids))
    if kind == "child" and not pids:
        said = _(_SAID["other"]).format(syscall=waiting.syscall or "?", wchan=waiting.wchan or "?")
    stuck = [pid for pid in pids if pid in paused]
    if kind == "child" and len(pids) == 1 and stuck:
        said = _(_CHILD_PAUSED).format(who=who(pids))
    elif stuck and len(stuck) == len(pids):  # every one it waits for is paused: said once, not twice
        said += " " + _(_IT_IS_PAUSED if len(stuck) == 1 else _ALL_PAUSED)
    elif stuck:
        said += " " + _(_PAUSED_ONE if len(stuck) == 1 else _PAUSED_MANY).format(who=who(stuck))
    elif kind == "lock" and paused:
        said += " " + _(_PAUSED_NOW).format(who=who(sorted(paused)))
    if at is not None and kind not in ("running", "zombie"):
        code = at[1] if len(at[1]) <= _CODE_SHOWN else at[1][:_CODE_SHOWN - 1] + "…"
        said = _(_AT_LINE).format(line=at[0], code=code) + " " + said
    return said
