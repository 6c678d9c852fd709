"""Issue 14, item 3: a classroom on one server. Thirty people each run proctui over SSH,
ten lab children each, beside thirty htops at the same refresh (1 s: `htop -d 10`).

A throwaway sshd on 127.0.0.1 (bench/ssh_sessions.py), and one tmux window per person
running `ssh -t` to it with the installed proctui as the remote command (120x40, the
window's size). Four figures, measured from outside:

  (a) seconds from the first `ssh -t` until every window's tree shows its ten lab
      children (each proctui gets its ten `f` as soon as its footer is on screen; the
      windows are read in turn, so a window's time is when its turn saw it);
  (b) the idle CPU of the thirty proctuis (utime + stime of every thread of each remote
      proctui process, from /proc, not of its lab children, which sleep) over --seconds
      (default 30), beside thirty htops opened after them and measured over the same
      window; the sshd processes that carry each side's sessions, and the lab children,
      are shown apart;
  (c) the RSS of each proctui (VmRSS), median;
  (d) every ssh client (proctuis' and htops') SIGKILLed at once, and how long until
      nothing of any session is left: no sshd process of a connection, no proctui, no
      lab child, no htop (this process is a child subreaper, so an orphan would come
      to it and be counted).

--sessions N (default 30) people on each side.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

import psutil

from harness import cpu_seconds, htop_argv, median, ratio, report, rss_kib, venv_bin
from ssh_sessions import Classroom, RemoteSession, Seat, describe, forked_rows, missing

CHILDREN = 10


#: How long a window may take to be ready: a hang guard, never reached on a machine that works.
FILL_TIMEOUT = 600.0


def fill(room: Classroom, seats: list[Seat], ready: str, keys: str = "",
         done: Callable[[str], bool] | None = None) -> dict[Seat, float]:
    """Read the windows' screens (all at once, every 50 ms): once ``ready`` is on a
    window's screen, type ``keys`` there; the monotonic time at which each screen was
    then seen to hold ``done``."""
    typed: set[Seat] = set()
    seen: dict[Seat, float] = {}
    deadline = time.monotonic() + FILL_TIMEOUT
    while len(seen) < len(seats):
        screens = room.screens([seat for seat in seats if seat not in seen])
        now = time.monotonic()
        for seat, screen in screens.items():
            if seat not in typed and ready in screen:
                if keys:
                    seat.type(keys)
                typed.add(seat)
            if seat in typed and (done is None or done(screen)):
                seen[seat] = now
        if time.monotonic() > deadline:
            stuck = next(seat for seat in seats if seat not in seen)
            sys.exit(f"classroom: {len(seats) - len(seen)} windows not ready after {FILL_TIMEOUT:g} s; one of them:\n"
                     + stuck.screen())
        time.sleep(0.05)
    return seen


def by_program(sessions: list[RemoteSession]) -> dict[str, list[RemoteSession]]:
    kinds: dict[str, list[RemoteSession]] = {"proctui": [], "htop": []}
    for session in sessions:
        program = session.program
        name = program.name() if program is not None else None
        if name not in kinds:
            sys.exit("classroom: a session runs neither proctui nor htop:\n  "
                     + "\n  ".join(describe(p) for p in session.processes))
        kinds[name].append(session)
    return kinds


def sshd_side(session: RemoteSession) -> list[psutil.Process]:
    return [p for p in session.processes if p.name() == "sshd"]


def lab_children(session: RemoteSession) -> list[psutil.Process]:
    return [p for p in session.processes if p.name() != "sshd" and p != session.program]


def cpu_percent(groups: dict[str, list[psutil.Process]], seconds: float) -> dict[str, float]:
    """% of one CPU used by each group of processes over the same ``seconds``."""
    before = {name: sum(cpu_seconds(p.pid) for p in procs) for name, procs in groups.items()}
    started = time.monotonic()
    time.sleep(seconds)  # the window itself: everything measured is left alone meanwhile
    elapsed = time.monotonic() - started
    return {name: 100 * (sum(cpu_seconds(p.pid) for p in procs) - before[name]) / elapsed
            for name, procs in groups.items()}


def open_proctuis(room: Classroom, n: int) -> tuple[float, float]:
    """(a): n proctuis over ssh -t, ten `f` each as soon as it shows its footer; seconds
    from the first ssh -t until the first tree, and until the last, showed ten children."""
    first_ssh = time.monotonic()
    seats = [room.open([venv_bin("proctui")]) for _ in range(n)]
    trees = fill(room, seats, "Quit", "f" * CHILDREN, lambda screen: forked_rows(screen) == set(range(1, CHILDREN + 1)))
    return min(trees.values()) - first_ssh, max(trees.values()) - first_ssh


def open_htops(room: Classroom, n: int) -> int:
    """n htops at proctui's refresh (-d 10: tenths of a second) with default settings (a
    fresh HOME, no htoprc), each on screen; 0 without htop."""
    htop = htop_argv("-d", "10")
    if htop is None:
        return 0
    home = room.dir / "htop-home"
    home.mkdir()
    fill(room, [room.open(["env", f"HOME={home}", f"XDG_CONFIG_HOME={home}", *htop]) for _ in range(n)],
         "Load average")
    return n


def idle(room: Classroom, n: int, htops: int, seconds: float) -> tuple[dict[str, list[RemoteSession]], dict[str, float],
                                                                       dict[str, list[float]]]:
    """(b) and (c): the sessions by program, CPU % of each group of processes over the same
    ``seconds``, and the RSS (MiB) of each proctui and htop after it."""
    time.sleep(3)  # settle: the last starts' work done, as idle_cpu.py does
    kinds = by_program(room.sessions())
    if [len(kinds["proctui"]), len(kinds["htop"])] != [n, htops]:
        sys.exit(f"classroom: {len(kinds['proctui'])} proctui and {len(kinds['htop'])} htop sessions, "
                 f"not {n} and {htops}")
    groups = {
        "proctui": [s.program for s in kinds["proctui"] if s.program],
        "htop": [s.program for s in kinds["htop"] if s.program],
        "sshd for proctui": [p for s in kinds["proctui"] for p in sshd_side(s)],
        "sshd for htop": [p for s in kinds["htop"] for p in sshd_side(s)],
        "lab children": [p for s in kinds["proctui"] for p in lab_children(s)],
    }
    if len(groups["lab children"]) != n * CHILDREN:
        sys.exit(f"classroom: {len(groups['lab children'])} lab children, not {n * CHILDREN}")
    cpu = cpu_percent(groups, seconds)
    rss = {name: [rss_kib(p.pid) / 1024 for p in groups[name]] for name in ("proctui", "htop")}
    return kinds, cpu, rss


def role(session: RemoteSession, proc: psutil.Process) -> str:
    if proc == session.program:
        return proc.name()
    return "sshd" if proc.name() == "sshd" else "lab child"


def drop_everyone(room: Classroom, kinds: dict[str, list[RemoteSession]]) -> tuple[float, dict[str, list[float]]]:
    """(d): every ssh client SIGKILLed at once; seconds until nothing of any session was
    left, and when each process of them ended, by kind of session and role in it."""
    roles = {p: f"{kind}'s {role(s, p)}" for kind, sessions in kinds.items() for s in sessions for p in s.processes}
    ends: dict[str, list[float]] = {name: [] for name in roles.values()}

    def ended(proc: psutil.Process, when: float) -> None:
        if proc in roles:  # not a process found only after the drop (waited for all the same)
            ends[roles[proc]].append(when - dropped)

    dropped = room.drop(room.seats)
    left = room.wait_gone(list(roles), timeout=30, ended=ended)
    nothing_left = time.monotonic() - dropped
    if left:
        sys.exit("classroom: 30 s after every ssh client was killed, still there:\n  "
                 + "\n  ".join(describe(p) for p in left))
    return nothing_left, ends


def main() -> None:
    parser = argparse.ArgumentParser(description="A classroom over SSH: proctuis beside htops")
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    why_not = missing()
    if why_not:
        sys.exit(f"classroom: {why_not}")
    n = args.sessions
    with Classroom("proctui-bench-classroom") as room:
        first_tree, all_trees = open_proctuis(room, n)
        htops = open_htops(room, n)
        kinds, cpu, rss = idle(room, n, htops, args.seconds)
        processes_then = sum(1 for _ in psutil.process_iter())
        nothing_left, ends = drop_everyone(room, kinds)

    sessions = f"{n} proctui ({CHILDREN} lab children each) + {htops} htop -d 10, ssh -t from tmux (120x40)"
    proctui_rss = f"{median(rss['proctui']):.1f} MiB median ({min(rss['proctui']):.1f}-{max(rss['proctui']):.1f})"
    with_htop = bool(htops)
    ended = "; ".join(f"{name} {median(times):.2f} s median, last {max(times):.2f}"
                      for name, times in sorted(ends.items()))
    rows = [
        ("sessions", f"{sessions}; {processes_then} processes on the machine while measured"),
        ("(a) all trees shown", f"{all_trees:.1f} s after the first ssh -t (the first: {first_tree:.1f} s)"),
        ("(b) idle CPU, proctui",
         f"{cpu['proctui']:.2f}% of a CPU in all ({cpu['proctui'] / n:.3f}% each) over {args.seconds:g} s"),
    ]
    if with_htop:
        rows.append(("    idle CPU, htop", f"{cpu['htop']:.2f}% in all ({cpu['htop'] / htops:.3f}% each), same window"))
    rows.append(("    lab children", f"{cpu['lab children']:.2f}% in all ({n * CHILDREN})"))
    rows.append(("    sshd, proctui's", f"{cpu['sshd for proctui']:.2f}% in all"))
    if with_htop:
        rows.append(("    sshd, htop's", f"{cpu['sshd for htop']:.2f}% in all"))
    rows.append(("(c) RSS per proctui", proctui_rss))
    if with_htop:
        rows.append(("    RSS per htop", f"{median(rss['htop']):.1f} MiB median"))
    rows.append(("(d) every ssh killed", f"nothing left after {nothing_left:.2f} s"))
    rows.append(("    ended", ended))
    dropped = f"nothing left {'within' if nothing_left <= 2 else 'NOT within'} 2 s of the drop"
    if with_htop:
        met = "met" if cpu["proctui"] <= cpu["htop"] else "NOT met"
        verdict = f"idle CPU proctui/htop = {ratio(cpu['proctui'], cpu['htop'])} ({met}: target <= 1); {dropped}"
    else:
        verdict = f"htop is not installed: no ratio; {dropped}"
    report(f"Issue 14, item 3: a classroom of {n} over SSH on one server", rows, verdict)

if __name__ == "__main__":
    main()
