"""A churner: a process that forks, exits, re-parents and takes PIDs freed a moment ago, as a busy machine does."""

from __future__ import annotations

CHURNER = r"""
import ctypes, os, sys, time

ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # orphans come to us, and we reap them
seconds, high, low = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
stop = sys.argv[5]  # the test makes this file when it has seen enough; seconds is a hang guard

def start_ticks(pid):
    with open(f"/proc/{pid}/stat", "rb") as f:
        raw = f.read()
    return int(raw[raw.rindex(b")") + 2:].split()[19])

def next_pid(pid):
    # Best effort: another fork (or a thread) anywhere may take it first.
    try:
        with open("/proc/sys/kernel/ns_last_pid", "w") as f:
            f.write(str(pid - 1))
    except OSError:
        pass

me, mine = os.getpid(), start_ticks(os.getpid())
truth = open(sys.argv[4], "w")
# Sleepers with PIDs between the grandchildren's and their parents': a snapshot reading
# /proc in PID order takes a while to get from one to the other.
next_pid((low + high) // 2)
sleepers = []
for _ in range(150):
    sleeper = os.fork()
    if sleeper == 0:
        time.sleep(seconds + 1)
        os._exit(0)
    sleepers.append(sleeper)
deadline = time.monotonic() + seconds
k = made = 0
while time.monotonic() < deadline and not (made > 300 and os.path.exists(stop)):
    k = (k + 1) % 400
    r, w = os.pipe()
    next_pid(high + k)
    child = os.fork()
    if child == 0:
        # A grandchild with a *lower* PID than its parent, so /proc lists it first; then
        # the parent leaves at once and the grandchild is orphaned to the churner.
        os.close(r)
        next_pid(low + k)
        grandchild = os.fork()
        if grandchild == 0:
            os.close(w)
            time.sleep(0.1)
            os._exit(0)
        c = os.getpid()
        lines = f"{c} {start_ticks(c)} {me} {mine}\n{grandchild} {start_ticks(grandchild)} {c} {start_ticks(c)}\n"
        os.write(w, lines.encode())
        os.close(w)
        time.sleep(0.012)  # so that the stranger below starts a clock tick or more after the grandchild
        os._exit(0)
    os.close(w)
    with os.fdopen(r) as f:
        truth.write(f.read())
    os.waitpid(child, 0)  # the moment it is reaped, its PID is free
    next_pid(child)  # the PID the grandchild still names as its parent, to a stranger
    stranger = os.fork()
    if stranger == 0:
        time.sleep(0.02)
        os._exit(0)
    truth.write(f"{stranger} {start_ticks(stranger)} {me} {mine}\n")
    made += 3
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass
truth.close()
for sleeper in sleepers:  # the churn is over: they have done their part
    os.kill(sleeper, 9)
while True:  # the last ones
    try:
        os.waitpid(-1, 0)
    except ChildProcessError:
        break
print(made)
"""
