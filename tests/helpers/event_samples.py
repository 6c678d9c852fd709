"""A sample of every event and refusal, with its facts and the sentence it makes in English:
what test_render checks every language against, and test_zh_walk shows in Chinese."""

from __future__ import annotations

import signal

from proctui.core import events as ev
from proctui.core.events import (
    Adopted,
    Adopter,
    CowMemory,
    Disposition,
    Exited,
    Forked,
    ForkWarned,
    GrandchildForked,
    HiddenReapingUnguarded,
    JoinBlocks,
    JoinReturned,
    JoinStepped,
    OrphanLeavesTheTree,
    Output,
    ParentIs,
    PoolClosing,
    PoolCreated,
    PoolHangs,
    PoolMapFailed,
    PoolMapped,
    PoolMapsDropped,
    PoolReap,
    PoolTaskDone,
    PoolTerminating,
    PoolWorkerReaped,
    PoolWorkerStarted,
    QueueGot,
    ReapCall,
    Reaped,
    Refusal,
    Refused,
    ScriptForked,
    ScriptReadStdin,
    ScriptStarted,
    ScriptStartMethod,
    Signalled,
    StartMethodChosen,
    StillAlive,
    SubreaperSet,
    WatchFailed,
    WhereBlocked,
    WhoReaps,
)

ME = 100  # proctui's PID in these sentences


WARNING = "This process (pid=100) is multi-threaded, use of fork() may lead to deadlocks in the child."


# One event of every class, for the checks that every class can be said.
SAMPLES: dict[type[ev.LabEvent], ev.LabEvent] = {
    Forked: Forked(pid=4242, label="child-1", role="child", start_method="fork"),
    GrandchildForked: GrandchildForked(pid=4243, label="orphan-1 (grandchild)", parent_pid=4242,
                                       parent_label="orphan-1 (parent)"),
    ForkWarned: ForkWarned(message=WARNING),
    Output: Output(pid=4242, label="child-1", line="hello"),
    ev.OutputNotShown: ev.OutputNotShown(pid=4242, label="script-1", count=12427, by_script=True),
    Exited: Exited(pid=4242, label="zombie-1", status=0x0300, who_reaps=WhoReaps.WAITPID),
    Reaped: Reaped(pid=4242, label="child-1", call=ReapCall.JOIN, status=0x000F, exitcode=-15),
    PoolWorkerReaped: PoolWorkerReaped(pid=4240, label="pool-1 worker 1", pool="pool-1", by=PoolReap.JOIN,
                                       exitcode=0, start_method="fork", maxtasksperchild=2),
    ev.ReapedByScript: ev.ReapedByScript(pid=4243, label="script-child-1", reaper_pid=4242, reaper_label="script-1",
                                         call="os.waitpid", status=0, via=ev.ReapedVia.JOIN,
                                         through="multiprocessing.process.join", file="/home/ann/demo.py", line=12,
                                         function="<module>"),
    CowMemory: CowMemory(pid=4242, label="cow-1", written=False, shared=78012, private_dirty=416, pss=11572,
                         list_kb=16384),
    WhereBlocked: WhereBlocked(pid=4242, label="queue-1", threads=((4242, "S", "futex_do_wait"),)),
    QueueGot: QueueGot(pid=4242, label="queue-1", size=10485760),
    Adopted: Adopted(pid=4243, label="orphan-1 (grandchild)", former_parent=4242, adopter_pid=ME,
                     adopter=Adopter.PROCTUI),
    Signalled: Signalled(pid=4242, label="child-1", signal=signal.SIGTERM, method="terminate"),
    JoinBlocks: JoinBlocks(pid=4242, label="child-1"),
    JoinStepped: JoinStepped(pid=4242, label="child-1", timeout=None),
    JoinReturned: JoinReturned(pid=4242, label="child-1", timeout=0.1),
    StillAlive: StillAlive(pid=4242, label="child-1"),
    PoolCreated: PoolCreated(label="pool-1", processes=2, maxtasksperchild=2, start_method="fork"),
    PoolWorkerStarted: PoolWorkerStarted(pid=4240, label="pool-1 worker 1", pool="pool-1", start_method="fork",
                                         by_handler=False, processes=2),
    PoolMapped: PoolMapped(label="pool-1", tasks=6, processes=2, seconds=0.5),
    PoolTaskDone: PoolTaskDone(pid=4240, label="pool-1 worker 1", pool="pool-1", x=3, square=9),
    PoolClosing: PoolClosing(label="pool-1"),
    PoolTerminating: PoolTerminating(label="pool-1"),
    PoolMapsDropped: PoolMapsDropped(label="pool-1", unfinished=1),
    PoolMapFailed: PoolMapFailed(label="pool-1", error="ValueError: boom"),
    PoolHangs: PoolHangs(label="pool-1"),
    WatchFailed: WatchFailed(error="OSError(9, 'Bad file descriptor')"),
    Refused: Refused(reason=Refusal.INIT, pid=1),
    StartMethodChosen: StartMethodChosen(start_method="spawn"),
    SubreaperSet: SubreaperSet(on=True),
    OrphanLeavesTheTree: OrphanLeavesTheTree(),
    HiddenReapingUnguarded: HiddenReapingUnguarded(),
    ScriptStarted: ScriptStarted(pid=4242, label="script-1", path="examples/01_process.py"),
    ScriptForked: ScriptForked(pid=4243, label="script-child-1", parent_pid=4242, traced=True),
    ScriptReadStdin: ScriptReadStdin(pid=4242, label="script-1"),
    ScriptStartMethod: ScriptStartMethod(pid=4242, label="script-1", python="3.14.8", default="forkserver"),
}


PIDFD = "(sent through a pidfd: only this very process can get it)"


SENTENCES = [
    # proctui run
    (ScriptStarted(pid=4242, label="script-1", path="examples/01_process.py", args=("a", "b"), optimize=True),
     ("script-1: python -O examples/01_process.py a b is PID 4242, paused before the script's first line "
      "(n next, s step into, r return, c continue, b breakpoint)")),
    (ScriptStarted(pid=4242, label="script-1", path="examples/01_process.py", python="/home/ann/venv/bin/python",
                   python_version="3.14.0"),
     ("script-1: /home/ann/venv/bin/python examples/01_process.py is PID 4242 (Python 3.14.0), paused before the "
      "script's first line (n next, s step into, r return, c continue, b breakpoint)")),
    (ScriptForked(pid=4243, label="script-child-1", parent_pid=4242, traced=True),
     ("PID 4242 forked script-child-1 (PID 4243): fork() returned 4243 in the parent, 0 in the child; the child "
      "has a viewer of its own, paused at its next line")),
    (ScriptForked(pid=4243, label="script-child-1", parent_pid=4242, traced=False),
     ("PID 4242 forked script-child-1 (PID 4243): fork() returned 4243 in the parent, 0 in the child; the parent "
      "was running free, so the child runs free too")),
    (ScriptForked(pid=4243, label="script-child-1", parent_pid=4242, traced=True, via="spawn"),
     ("PID 4242 started script-child-1 (PID 4243) with spawn: a fresh python that imports the script as "
      "__mp_main__, then runs the Process's target; it has a viewer of its own, paused at the target's first line")),
    (ScriptForked(pid=4243, label="script-child-1", parent_pid=4240, traced=False, via="forkserver",
                  requested_by=4242),
     ("the fork server (PID 4240) forked script-child-1 (PID 4243): PID 4242's p.start() only sent it a request "
      "over a socket, and the script's own fork() never ran. The fork server is the child's parent (its PPID) and "
      "will reap it, so no zombie appears under the script; join() reads the exit code from the sentinel. The "
      "script was running free, so it runs free too")),
    (ScriptStartMethod(pid=4242, label="script-1", python="3.14.8", default="forkserver"),
     ("script-1 (PID 4242) uses multiprocessing on Python 3.14.8, whose default start method is forkserver: "
      "p.start() asks the fork server, a Python started once, to fork each child, so the script forks nothing "
      "itself: the children's parent (their PPID) is the fork server, which reaps them as they exit (no zombie "
      "under the script), and join() reads the exit code from the sentinel. multiprocessing.get_context('fork') "
      "gives the article's fork back")),
    (ScriptStartMethod(pid=4242, label="script-1", python="3.12.1", default="fork"),
     ("script-1 (PID 4242) uses multiprocessing on Python 3.12.1, whose default start method is fork: p.start() "
      "calls fork() in the script itself, so fork() returns twice, the script is each child's parent (its PPID), "
      "and a child that has exited stays a zombie under it until join() (or is_alive()) calls waitpid()")),
    (ScriptStartMethod(pid=4242, label="script-1", python="3.14.8", default="forkserver", chosen="spawn"),
     ("script-1 (PID 4242) set the start method to spawn (Python 3.14.8's default is forkserver): p.start() runs "
      "a fresh Python for each child (fork_exec), which imports the script as __mp_main__: the script is the "
      "child's parent and reaps it in join(), as under fork")),
    (ScriptStartMethod(pid=4242, label="script-1", python="3.12.1", default="fork", chosen="fork"),
     ("script-1 (PID 4242) set the start method to fork, Python 3.12.1's default: p.start() calls fork() in the "
      "script itself, so fork() returns twice, the script is each child's parent (its PPID), and a child that has "
      "exited stays a zombie under it until join() (or is_alive()) calls waitpid()")),
    (ScriptReadStdin(pid=4242, label="script-1"),
     "script-1 (PID 4242) read its stdin: end of file (a script run by proctui has no input)"),
    (Reaped(pid=4242, label="script-1", call=ReapCall.SCRIPT, status=0x0100, exitcode=1),
     ("the script process script-1 ended; proctui started it, so proctui reaps it: waitpid(4242, 0) -> "
      "(4242, 0x0100) -> exit code 1")),
    # the lab's own settings
    (StartMethodChosen(start_method="forkserver"),
     ("start method for new children: forkserver. a fork server (started once, as a fresh Python) forks every "
     "child: it, not proctui, is their parent, and it reaps them.")),
    (SubreaperSet(on=True), "prctl(PR_SET_CHILD_SUBREAPER, 1): orphans below proctui now come to proctui"),
    (SubreaperSet(on=False),
     "prctl(PR_SET_CHILD_SUBREAPER, 0): orphans now go to PID 1 or the nearest subreaper above proctui"),
    (OrphanLeavesTheTree(),
     ("proctui is not a child subreaper now: the orphan goes to the nearest subreaper above proctui, else to "
     "PID 1 of its PID namespace, and leaves this tree")),
    (HiddenReapingUnguarded(),
     ("this Python's multiprocessing has no process._children: proctui cannot keep start() and "
     "active_children() from reaping its children, so a zombie may vanish when another child starts")),
    (JoinStepped(label="unstarted-1", timeout=None, started=False),
     "unstarted-1 = Process(...) is created but never started; stepping its join()"),
    # starting
    (Forked(pid=4242, label="child-1", role="child", start_method="fork"),
     "child-1.start() -> fork() -> child 4242 (child)"),
    (Forked(pid=4242, label="daemon-1", role="daemon", start_method="spawn", daemon=True),
     "daemon-1.start() -> spawn: _posixsubprocess.fork_exec() -> child 4242 (daemon, daemon=True)"),
    (Forked(pid=4242, label="zombie-1", role="zombie", start_method="forkserver"),
     "zombie-1.start() -> forkserver: the fork server forks -> child 4242 (zombie)"),
    (GrandchildForked(pid=4243, label="orphan-1 (grandchild)", parent_pid=4242, parent_label="orphan-1 (parent)"),
     "orphan-1 (parent) forked grandchild 4243 (orphan-1 (grandchild)); proctui has no Process object for it"),
    (ForkWarned(message=WARNING),
     (f"Python warns: {WARNING} Only the forking thread goes on in the child: proctui's children first take fresh "
      "stdout and stderr and default signal handlers, and never touch Textual, whose threads (and the locks they "
      "held) stayed behind; then they print, sleep, start threads or processes of their own, exec sh or write to "
      "memory, and exit.")),
    (ForkWarned(label="pool-1", message=WARNING, in_pool=True),
     (f"Python warns: {WARNING} Pool workers only set up their output, run tasks and return; the worker handler "
     "thread forks the replacements, from a thread too.")),
    # output: a lab child's line carries its PID; a pool's one pipe carries none
    (Output(pid=4242, label="child-1", line="[child child-1] PID: 4242, PPID: 100"),
     "[4242] [child child-1] PID: 4242, PPID: 100"),
    (Output(label="pool-1", line="[pool-1 worker PID 4240] task 0"), "[pool-1 worker PID 4240] task 0"),
    # a script's process does not name itself in what it prints: the log names it
    (Output(pid=4242, label="script-child-1", line="hello", by_script=True), "[4242 script-child-1] hello"),
    # a flood: how many lines the log left out, and whose
    (ev.OutputNotShown(pid=4242, label="script-1", count=12427, by_script=True),
     "… 12,427 lines of script-1 (PID 4242) not shown"),
    (ev.OutputNotShown(label="pool-1", count=3), "… 3 lines of pool-1 not shown"),
    # ... and where a line holds its writer's parent's PID, whose it is
    (Output(pid=4243, label="script-child-1", line="PID: 4243, PPID: 4240", by_script=True, parent_pid=4240,
            parent_is=ParentIs.FORK_SERVER),
     ("[4243 script-child-1] PID: 4243, PPID: 4240   <- 4240 is its parent: the fork server, not the script: "
      "under forkserver the fork server forks every child")),
    (Output(pid=4243, label="script-child-1", line="PPID 4242", by_script=True, parent_pid=4242,
            parent_is=ParentIs.SCRIPT, parent_label="script-1"),
     "[4243 script-child-1] PPID 4242   <- 4242 is its parent: script-1, which forked or started it"),
    (Output(pid=4242, label="script-1", line="PPID 4100", by_script=True, parent_pid=4100,
            parent_is=ParentIs.PROCTUI),
     "[4242 script-1] PPID 4100   <- 4100 is its parent: proctui, which started the script"),
    # exits
    (Exited(pid=4242, label="zombie-1", status=0x0300, who_reaps=WhoReaps.WAITPID),
     ("child 4242 (zombie-1) exited, status 0x0300 (WIFEXITED, WEXITSTATUS=3) -> exitcode 3; "
     "it stays a zombie until waitpid(4242)")),
    (Exited(pid=4242, label="child-1", status=0x000F, who_reaps=WhoReaps.WAITPID),
     ("child 4242 (child-1) exited, status 0x000f (WIFSIGNALED, WTERMSIG=15 (SIGTERM)) -> exitcode -15 (SIGTERM); "
     "it stays a zombie until waitpid(4242)")),
    (Exited(pid=4242, label="zombie-1", status=None, who_reaps=WhoReaps.FORK_SERVER),
     ("child 4242 (zombie-1) exited; its parent is the fork server, which reaps it at once (no zombie). "
     "join() reads its exit code from the sentinel.")),
    (Exited(pid=4243, label="script-child-1", status=None, who_reaps=WhoReaps.FORK_SERVER, reaper_pid=4240),
     ("child 4243 (script-child-1) exited; its parent is the fork server (PID 4240), which reaps it at once "
      "(no zombie). join() reads its exit code from the sentinel.")),
    (Exited(pid=4244, label="daemon-1 (daemon)", status=None, who_reaps=WhoReaps.EXIT_HANDLER, reaper_pid=4243),
     ("daemon-1 (daemon) (PID 4244) ended; its parent 4243 is exiting: multiprocessing's exit handler "
     "terminate()s and joins every daemonic child")),
    (Exited(pid=4243, label="orphan-1 (grandchild)", status=None, who_reaps=WhoReaps.PARENT, reaper_pid=4242),
     "orphan-1 (grandchild) (PID 4243) ended; its parent PID 4242 reaps it"),
    (Exited(pid=4243, label="sigchld-1-child", status=None, who_reaps=WhoReaps.KERNEL, reaper_pid=4242),
     ("sigchld-1-child (PID 4243) ended; its parent 4242 ignores SIGCHLD (SigIgn in /proc/4242/status), so the "
      "kernel reaped it at once: no zombie, and its parent's waitpid() fails with ECHILD")),
    # reaping, by a process of a script
    (ev.ReapedByScript(pid=4243, label="script-child-1", reaper_pid=4242, reaper_label="script-1", call="os.waitpid",
                       status=0, via=ev.ReapedVia.JOIN, through="multiprocessing.process.join",
                       file="/home/ann/demo.py", line=12, function="<module>"),
     ("script-child-1 (PID 4243) reaped by join() in script-1 (PID 4242), at demo.py:12: os.waitpid() -> "
      "(4243, 0x0000) -> exit code 0; PID 4243 is gone")),
    (ev.ReapedByScript(pid=4244, label="script-child-2", reaper_pid=4242, reaper_label="script-1", call="os.waitpid",
                       status=0x0300, via=ev.ReapedVia.START, through="multiprocessing.process.start",
                       file="/home/ann/demo.py", line=15, function="main"),
     ("script-child-2 (PID 4244) reaped by start()'s cleanup (process._cleanup() polls every child started before) "
      "in script-1 (PID 4242), at demo.py:15: os.waitpid() -> (4244, 0x0300) -> exit code 3; PID 4244 is gone")),
    (ev.ReapedByScript(pid=4243, label="script-child-1", reaper_pid=4242, reaper_label="script-1", call="os.wait",
                       status=0x0009, via=None, file="/home/ann/demo.py", line=7, function="<module>"),
     ("script-child-1 (PID 4243) reaped by the script's own os.wait() in script-1 (PID 4242), at demo.py:7: "
      "os.wait() -> (4243, 0x0009) -> exit code -9 (SIGKILL); PID 4243 is gone")),
    (ev.ReapedByScript(pid=4245, label="script-child-3", reaper_pid=4243, reaper_label=None, call="os.waitpid",
                       status=0, via=ev.ReapedVia.EXIT_HANDLER, through="multiprocessing.util._exit_function"),
     ("script-child-3 (PID 4245) reaped by multiprocessing's exit handler in PID 4243: os.waitpid() -> "
      "(4245, 0x0000) -> exit code 0; PID 4245 is gone")),
    (ev.ReapedByScript(pid=4245, label="script-child-3", reaper_pid=4242, reaper_label="script-1", call="os.waitpid",
                       status=0, via=None, through="multiprocessing.popen_fork.wait", file="/home/ann/demo.py",
                       line=9, function="<module>"),
     ("script-child-3 (PID 4245) reaped by multiprocessing.popen_fork.wait() in script-1 (PID 4242), "
      "at demo.py:9: os.waitpid() -> (4245, 0x0000) -> exit code 0; PID 4245 is gone")),
    (ev.ReapedByScript(pid=4246, label="script-child-4", reaper_pid=4240, reaper_label=None, call="os.waitpid",
                       status=0x0100, via=ev.ReapedVia.FORK_SERVER, through="multiprocessing.forkserver.main"),
     ("script-child-4 (PID 4246) reaped by its parent, the fork server (PID 4240), as it exited: os.waitpid() -> "
      "(4246, 0x0100) -> exit code 1; no zombie under the script")),
    # reaping
    (Reaped(pid=4242, label="child-1", call=ReapCall.JOIN, status=0x000F, exitcode=-15),
     "child-1.join() -> waitpid(4242, 0) -> (4242, 0x000f) -> exitcode -15 (SIGTERM); PID 4242 is gone"),
    (Reaped(pid=4242, label="child-1", call=ReapCall.JOIN, status=0x0009, exitcode=-9),
     "child-1.join() -> waitpid(4242, 0) -> (4242, 0x0009) -> exitcode -9 (SIGKILL); PID 4242 is gone"),
    (Reaped(pid=4242, label="zombie-1", call=ReapCall.JOIN, status=0x0300, exitcode=3),
     "zombie-1.join() -> waitpid(4242, 0) -> (4242, 0x0300) -> exitcode 3; PID 4242 is gone"),
    (Reaped(pid=4242, label="zombie-1", call=ReapCall.JOIN, status=None, exitcode=3),
     "zombie-1.join() -> waitpid(4242, 0) -> (4242, ?) -> exitcode 3; PID 4242 is gone"),
    (Reaped(pid=4242, label="zombie-1", call=ReapCall.STEPPED_JOIN, status=0x0300, exitcode=3,
            syscall="os.waitpid(4242, 0)"),
     "os.waitpid(4242, 0) -> (4242, 0x0300) -> exitcode 3; PID 4242 is gone"),
    (Reaped(pid=4242, label="zombie-1", call=ReapCall.SENTINEL, status=None, exitcode=5),
     "zombie-1.join() -> exitcode 5 (read from the sentinel: the fork server reaped it)"),
    (Reaped(pid=4242, label="zombie-2", call=ReapCall.IS_ALIVE, status=0x0200, exitcode=2),
     ("zombie-2.is_alive() -> poll() -> waitpid(4242, WNOHANG) -> (4242, 0x0200) -> False. "
     "is_alive() just reaped it: exitcode 2, and PID 4242 is gone")),
    (Reaped(pid=4243, label="orphan-1 (grandchild)", call=ReapCall.ADOPTED_CHILD, status=0x000F, exitcode=-15),
     ("orphan-1 (grandchild) exited; proctui adopted it, so proctui reaps it: waitpid(4243, 0) -> "
     "(4243, 0x000f) -> exitcode -15 (SIGTERM)")),
    (Reaped(pid=4243, label="orphan-1 (grandchild)", call=ReapCall.ADOPTED_ZOMBIE, status=0x0000, exitcode=0),
     ("waitpid(4243, WNOHANG) -> (4243, 0x0000): proctui reaped orphan-1 (grandchild), an orphan the kernel gave "
      "to proctui as subreaper when its parent ended first; it has exited, and nobody else would reap it")),
    (Reaped(pid=4243, call=ReapCall.ADOPTED_ZOMBIE, status=0x0009, exitcode=-9),
     ("waitpid(4243, WNOHANG) -> (4243, 0x0009): proctui reaped PID 4243, an orphan the kernel gave to proctui "
      "as subreaper when its parent ended first; it has exited, and nobody else would reap it")),
    # adoption
    (Adopted(pid=4243, label="orphan-1 (grandchild)", former_parent=4242, adopter_pid=ME, adopter=Adopter.PROCTUI),
     ("orphan-1 (grandchild) (PID 4243) lost its parent 4242: the kernel re-parented it to PID 100, "
     "proctui, a child subreaper (prctl PR_SET_CHILD_SUBREAPER)")),
    (Adopted(pid=4243, label="orphan-1 (grandchild)", former_parent=4242, adopter_pid=1, adopter=Adopter.INIT),
     "orphan-1 (grandchild) (PID 4243) lost its parent 4242: the kernel re-parented it to PID 1, PID 1, init"),
    (Adopted(pid=4243, label="orphan-1 (grandchild)", former_parent=4242, adopter_pid=50,
             adopter=Adopter.SUBREAPER_ABOVE),
     ("orphan-1 (grandchild) (PID 4243) lost its parent 4242: the kernel re-parented it to PID 50, "
     "the nearest child subreaper above proctui")),
    # signals
    (Signalled(pid=4242, label="child-1", signal=signal.SIGTERM, method="terminate"),
     f"child-1.terminate() is kill(4242, SIGTERM) -> child-1 {PIDFD}"),
    (Signalled(pid=4242, label="child-1", signal=signal.SIGKILL, method="kill"),
     f"child-1.kill() is kill(4242, SIGKILL) -> child-1 {PIDFD}"),
    (Signalled(pid=4242, label="zombie-1", signal=signal.SIGTERM, method="terminate", was_zombie=True),
     (f"zombie-1.terminate() is kill(4242, SIGTERM) -> zombie-1 {PIDFD}: 4242 is a zombie. The kernel "
      "accepts the signal, and it changes nothing: a zombie runs no more code; only waitpid() (a join) "
      "removes it")),
    (Signalled(pid=4242, label="child-1", signal=signal.SIGSTOP),
     "kill(4242, SIGSTOP) -> child-1: the kernel stops it (T) until SIGCONT"),
    (Signalled(pid=4242, label="child-1", signal=signal.SIGCONT),
     "kill(4242, SIGCONT) -> child-1: it runs again"),
    # SIGINT: Process.interrupt() is named only on a Python that has it (3.14+)
    (Signalled(pid=4242, label="interruptible-1", signal=signal.SIGINT, disposition=Disposition.CAUGHT),
     ("kill(4242, SIGINT) -> interruptible-1 (sent through a pidfd: only this very process can get it); "
      "Process.interrupt() (Python 3.14+) sends the same: /proc/4242/status lists SIGINT as caught (SigCgt), "
      "so it does not die of it: its own handler decides what happens")),
    (Signalled(pid=4242, label="interruptible-1", signal=signal.SIGINT, method="interrupt"),
     ("interruptible-1.interrupt() is kill(4242, SIGINT) -> interruptible-1 (sent through a pidfd: only this very "
      "process can get it)")),
    # I: the real p.interrupt() where it is safe (3.14+), else SIGINT through the pidfd, and why
    (Signalled(pid=4242, label="child-1", signal=signal.SIGINT, method="interrupt", called=True),
     ("child-1.interrupt() -> os.kill(4242, SIGINT): multiprocessing's own call, by PID, made once proctui had "
      "checked that PID 4242 still names this child, which nobody could reap meanwhile")),
    (Signalled(pid=4242, label="child-1", signal=signal.SIGINT, method="interrupt", emulated=ev.Emulated.NO_METHOD),
     (f"kill(4242, SIGINT) -> child-1 {PIDFD}; proctui emulates Process.interrupt(), which this Python lacks "
      "(it is new in 3.14)")),
    (Signalled(pid=4242, label="child-1", signal=signal.SIGINT, method="interrupt",
               emulated=ev.Emulated.FORK_SERVER_REAPS),
     (f"kill(4242, SIGINT) -> child-1 {PIDFD}; in place of child-1.interrupt(), whose os.kill() goes by PID: the "
      "fork server, not proctui, reaps this child when it ends, and then its PID could name another process")),
    (Signalled(pid=4242, label="child-1", signal=signal.SIGINT, method="interrupt",
               emulated=ev.Emulated.JOIN_UNDER_WAY),
     (f"kill(4242, SIGINT) -> child-1 {PIDFD}; in place of child-1.interrupt(), whose os.kill() goes by PID: a "
      "join of it is under way, which reaps it when it ends, and then its PID could name another process")),
    # joins
    (JoinBlocks(pid=4242, label="child-1"),
     "child-1.join() -> waitpid(4242, 0) blocks: the child is still running (x ends it; t too, unless it is stopped)"),
    (JoinBlocks(pid=4242, label="ignorer-1", sigterm=Disposition.IGNORED),
     ("ignorer-1.join() -> waitpid(4242, 0) blocks: the child is still running (x ends it; t does not: "
      "/proc/4242/status lists SIGTERM as ignored, SigIgn)")),
    (JoinBlocks(pid=4242, label="handler-1", sigterm=Disposition.CAUGHT),
     ("handler-1.join() -> waitpid(4242, 0) blocks: the child is still running (x ends it; t runs its own SIGTERM "
      "handler, SigCgt in /proc/4242/status, which decides)")),
    (JoinStepped(pid=4242, label="child-1", timeout=None),
     "child-1.join(): stepping through join() in the code viewer"),
    (JoinStepped(pid=4242, label="child-1", timeout=0.1),
     "child-1.join(0.1): stepping through join() in the code viewer"),
    (JoinReturned(pid=4242, label="child-1", timeout=0.1, child_state="S"),
     ("child-1.join(0.1) returned before the child was reaped: exitcode is still None; the child is still running "
     "(S in /proc)")),
    (JoinReturned(pid=4242, label="orphan-1 (parent)", timeout=1.0, child_state="Z", sentinel_writers=(4243,)),
     ("orphan-1 (parent).join(1.0) returned before the child was reaped: exitcode is still None. The child has "
     "exited (Z in /proc), but its sentinel never became readable: PID 4243 still holds the write end of "
     "the sentinel pipe (a process it forked inherited it), and the pipe reads as closed only when every "
     "copy is")),
    (Reaped(pid=4242, label="zombie-1", call=ReapCall.IS_ALIVE_SENTINEL, status=None, exitcode=0),
     ("zombie-1.is_alive() -> poll() read exitcode 0 from the sentinel -> False. No waitpid() of ours: its "
     "parent, the fork server, had reaped PID 4242 already")),
    (StillAlive(pid=4242, label="child-1"),
     "child-1.is_alive() -> poll() -> waitpid(4242, WNOHANG) -> (0, 0) -> True: still running, nothing reaped"),
    (StillAlive(pid=4242, label="child-1", on_sentinel=True),
     ("child-1.is_alive() -> poll() -> connection.wait([sentinel], 0) -> [] -> True: still running (under "
      "forkserver poll() calls no waitpid: the fork server is the parent)")),
    # pools
    (PoolCreated(label="pool-1", processes=2, maxtasksperchild=2, start_method="fork"),
     ("pool-1 = Pool(2, maxtasksperchild=2) (fork): proctui now has a worker handler thread "
     "(replaces exited workers and reaps them), a task handler and a result handler thread")),
    (PoolCreated(label="pool-1", processes=1, maxtasksperchild=None, start_method="spawn"),
     ("pool-1 = Pool(1, no limit) (spawn): proctui now has a worker handler thread "
     "(replaces exited workers and reaps them), a task handler and a result handler thread")),
    (PoolWorkerStarted(pid=4240, label="pool-1 worker 1", pool="pool-1", start_method="fork", by_handler=False,
                       processes=2),
     "pool-1 worker 1 (PID 4240) started by Pool(2): fork()"),
    (PoolWorkerStarted(pid=4245, label="pool-1 worker 3", pool="pool-1", start_method="fork", by_handler=True,
                       processes=2, replaces="pool-1 worker 1 (PID 4240)"),
     ("pool-1 worker 3 (PID 4245) started by the pool's worker handler thread to replace pool-1 worker 1 "
     "(PID 4240): fork()")),
    (PoolWorkerStarted(pid=4240, label="pool-1 worker 1", pool="pool-1", start_method="spawn", by_handler=False,
                       processes=2),
     "pool-1 worker 1 (PID 4240) started by Pool(2): spawn: fork_exec() of a fresh python"),
    (PoolWorkerStarted(pid=4240, label="pool-1 worker 1", pool="pool-1", start_method="forkserver",
                       by_handler=False, processes=2),
     "pool-1 worker 1 (PID 4240) started by Pool(2): forkserver: the fork server forks it"),
    (PoolWorkerReaped(pid=4240, label="pool-1 worker 1", pool="pool-1", by=PoolReap.HANDLER, exitcode=0,
                      start_method="fork", maxtasksperchild=1),
     ("the pool's worker handler thread joined pool-1 worker 1 (PID 4240) after it exited "
     "(maxtasksperchild=1 reached, exitcode 0): its worker.exitcode called waitpid(4240, WNOHANG), which "
     "reaped it (unless a start() elsewhere in proctui got there first: process._cleanup() polls every "
     "child in multiprocessing's list), then del pool._pool[i]. Pool reaps its own workers")),
    (PoolWorkerReaped(pid=4240, label="pool-1 worker 1", pool="pool-1", by=PoolReap.HANDLER, exitcode=0,
                      start_method="forkserver", maxtasksperchild=2),
     ("the pool's worker handler thread joined pool-1 worker 1 (PID 4240) after it exited "
     "(maxtasksperchild=2 reached, exitcode 0): the fork server reaped it and worker.exitcode read the status "
     "from the sentinel, then del pool._pool[i]. Pool reaps its own workers")),
    (PoolWorkerReaped(pid=4240, label="pool-1 worker 1", pool="pool-1", by=PoolReap.HANDLER, exitcode=-9,
                      start_method="fork", maxtasksperchild=None),
     ("the pool's worker handler thread joined pool-1 worker 1 (PID 4240) after it exited "
     "(exitcode -9 (SIGKILL)): its worker.exitcode called waitpid(4240, WNOHANG), which reaped it (unless "
     "a start() elsewhere in proctui got there first: process._cleanup() polls every child in "
     "multiprocessing's list), then "
     "del pool._pool[i]. Pool reaps its own workers. A killed worker's task is lost, so its map never "
     "completes; and had it been waiting for a task it died holding the task queue's lock, which no other "
     "worker (nor terminate()) can ever take: the pool hangs")),
    (PoolWorkerReaped(pid=4240, label="pool-1 worker 1", pool="pool-1", by=PoolReap.JOIN, exitcode=0,
                      start_method="fork", maxtasksperchild=2),
     "pool-1.join(): waited for pool-1 worker 1 (PID 4240) to exit and reaped it, exitcode 0"),
    (PoolWorkerReaped(pid=4240, label="pool-1 worker 1", pool="pool-1", by=PoolReap.JOIN, exitcode=0,
                      start_method="forkserver", maxtasksperchild=2),
     ("pool-1.join(): waited for pool-1 worker 1 (PID 4240) to exit and reaped it, exitcode 0 "
     "(the fork server did the waitpid; join() read the status from the sentinel)")),
    (PoolWorkerReaped(pid=4240, label="pool-1 worker 1", pool="pool-1", by=PoolReap.TERMINATE, exitcode=-15,
                      start_method="fork", maxtasksperchild=None),
     "pool-1.terminate(): pool-1 worker 1 (PID 4240) ended with exitcode -15 (SIGTERM) and was reaped by join()"),
    (PoolMapped(label="pool-1", tasks=6, processes=2, seconds=0.5),
     "pool-1.map_async(square_slowly, range(6), chunksize=1): 6 tasks queued for 2 workers, 0.5 s each"),
    (PoolTaskDone(pid=4240, label="pool-1 worker 1", pool="pool-1", x=3, square=9),
     "pool-1: task 3 -> 9 on PID 4240 (pool-1 worker 1)"),
    (PoolTaskDone(pid=4240, pool="pool-1", x=3, square=9), "pool-1: task 3 -> 9 on PID 4240"),
    (PoolClosing(label="pool-1"),
     ("pool-1.close(): no new tasks. When the queued ones are done the worker handler stops and each worker "
     "gets a None sentinel and exits; pool-1.join() waits for that")),
    (PoolTerminating(label="pool-1"),
     ("pool-1.terminate(): stop the handler threads, kill(pid, SIGTERM) every worker still running, then "
     "join() each")),
    (PoolMapsDropped(label="pool-1", unfinished=1),
     "pool-1: 1 map(s) never finished: terminate() drops their tasks and their callbacks never run"),
    (PoolMapFailed(label="pool-1", error="ValueError: boom"), "pool-1: map failed: ValueError: boom"),
    (PoolHangs(label="pool-1"),
     "pool-1.terminate() hangs (a worker died holding the task queue's lock): killing its workers"),
    # copy-on-write
    (CowMemory(pid=4242, label="cow-1", written=False, shared=78012, private_dirty=416, pss=11572, list_kb=16384),
     ("cow-1 (PID 4242), /proc/4242/smaps_rollup: Shared 78012 kB (pages proctui maps too), Private_Dirty 416 kB, "
      "Pss 11572 kB. fork() copied no page: proctui's cow_list (16384 kB) stays shared until one side writes to "
      "it")),
    (CowMemory(pid=4242, label="cow-1", written=True, shared=61400, private_dirty=16988, pss=20130, list_kb=16384,
               was_shared=78012, was_private_dirty=416, was_pss=11572, parent_writer="proctui",
               parent_sum=0),
     ("cow-1 (PID 4242) wrote, /proc/4242/smaps_rollup: Private_Dirty 16988 kB (was 416), Shared 61400 kB (was "
      "78012), Pss 20130 kB (was 11572): the kernel gave it a copy of its own of each page it wrote "
      "(Private_Dirty grew by 16572 kB). proctui's own copies are unchanged: cow_writer = 'proctui', "
      "sum(cow_list) = 0")),
    # the Queue deadlock
    (WhereBlocked(pid=4242, label="queue-1", threads=((4242, "S", "futex_do_wait"), (4243, "S", "anon_pipe_write")),
                  pipe_size=65536),
     ("queue-1 (PID 4242), from /proc/4242/task/*/stat and wchan: thread 4242 (main) S in futex_do_wait; thread "
      "4243 S in anon_pipe_write. Its queue's feeder thread is blocked writing into the pipe, which is full (65536 "
      "bytes); at exit its main thread joins that thread: it cannot exit until someone calls get()")),
    (WhereBlocked(pid=4242, label="queue-1", threads=((4242, "S", "0"), (4243, "S", "0"))),
     "queue-1 (PID 4242), from /proc/4242/task/*/stat and wchan: thread 4242 (main) S in 0; thread 4243 S in 0"),
    (QueueGot(pid=4242, label="queue-1", size=10485760),
     ("proctui: queue.get() -> 10485760 bytes from queue-1 (PID 4242): the pipe drains, its feeder thread writes "
      "the rest and ends, and nothing keeps the child from exiting")),
    # things that went wrong
    (WatchFailed(error="OSError(9, 'Bad file descriptor')"),
     "internal error while watching children: OSError(9, 'Bad file descriptor')"),
]


REFUSALS = [
    (Refused(reason=Refusal.SCRIPT_MISSING, value="nope.py"), "nope.py: no such file. Nothing was run."),
    (Refused(reason=Refusal.SCRIPT_IS_DIRECTORY, value="examples"),
     "examples is a directory, not a script. Nothing was run."),
    (Refused(reason=Refusal.SCRIPT_NOT_PYTHON, value="/bin/ls"),
     "/bin/ls is not a Python script (it holds NUL bytes: a binary file). Nothing was run."),
    (Refused(reason=Refusal.SCRIPT_SYNTAX, value="bad.py", line=3, column=9, text="    if x = 1:\n",
             error="invalid syntax"),
     "bad.py:3:9: SyntaxError: invalid syntax. Nothing was run.\n    if x = 1:\n        ^"),
    (Refused(reason=Refusal.SCRIPT_SYNTAX, value="bad.py", line=3, column=9, text="    if x = 1:\n",
             error="invalid syntax", version="3.10.13"),
     ("bad.py:3:9: SyntaxError: invalid syntax (under Python 3.10.13). Nothing was run.\n"
      "    if x = 1:\n"
      "        ^")),
    (Refused(reason=Refusal.PYTHON_NOT_ON_PATH, value="python3.99"),
     "--python python3.99: no program of that name on PATH. Nothing was run."),
    (Refused(reason=Refusal.PYTHON_MISSING, value="venv/bin/python"),
     "--python venv/bin/python: no such file. Nothing was run."),
    (Refused(reason=Refusal.PYTHON_IS_DIRECTORY, value="venv", program="/home/ann/venv"),
     "--python venv (/home/ann/venv) is a directory, not a Python. Nothing was run."),
    (Refused(reason=Refusal.PYTHON_NOT_EXECUTABLE, value="/home/ann/notes.txt", program="/home/ann/notes.txt"),
     "--python /home/ann/notes.txt is not executable (you have no permission to run it). Nothing was run."),
    (Refused(reason=Refusal.PYTHON_NOT_PYTHON, value="true", program="/usr/bin/true", exitcode=0),
     ("--python true (/usr/bin/true) is not a Python: asked for its version, it answered nothing and exited with 0. "
      "proctui runs scripts under CPython 3.10 to 3.15. Nothing was run.")),
    (Refused(reason=Refusal.PYTHON_NOT_PYTHON, value="./run.sh", program="/home/ann/run.sh", text="usage: run.sh",
             exitcode=2),
     ("--python ./run.sh (/home/ann/run.sh) is not a Python: asked for its version, it answered 'usage: run.sh' "
      "and exited with 2. proctui runs scripts under CPython 3.10 to 3.15. Nothing was run.")),
    (Refused(reason=Refusal.PYTHON_NOT_PYTHON, value="./notes", program="/home/ann/notes", error="Exec format error"),
     ("--python ./notes (/home/ann/notes) is not a Python: asked for its version, it could not be run (Exec "
      "format error). proctui runs scripts under CPython 3.10 to 3.15. Nothing was run.")),
    (Refused(reason=Refusal.PYTHON_NOT_PYTHON, value="/opt/hang", program="/opt/hang", limit=5),
     ("--python /opt/hang is not a Python: asked for its version, it gave no answer within 5 s. proctui runs "
      "scripts under CPython 3.10 to 3.15. Nothing was run.")),
    (Refused(reason=Refusal.PYTHON_NOT_CPYTHON, value="pypy3", program="/usr/bin/pypy3", version="PyPy 3.10.14"),
     ("--python pypy3 (/usr/bin/pypy3) is PyPy 3.10.14, not CPython: proctui runs scripts under CPython 3.10 to "
      "3.15 only (its tracer relies on CPython's own multiprocessing). Nothing was run.")),
    (Refused(reason=Refusal.PYTHON_VERSION, value="python3.9", program="/usr/bin/python3.9", version="3.9.18"),
     ("--python python3.9 (/usr/bin/python3.9) is Python 3.9.18: proctui runs scripts under CPython 3.10 to 3.15. "
      "Nothing was run.")),
    (Refused(reason=Refusal.SCRIPT_FORKS_TOO_MANY, pid=4250, other_pid=4242, limit=64),
     ("PID 4242 forked PID 4250, one past the limit of 64 lab processes (--max-children): proctui ended it with "
      "SIGKILL")),
    (Refused(reason=Refusal.SCRIPT_RUNNING, pid=4242, label="script-1"),
     "a script is running already (script-1, PID 4242): end it first (t or x)"),
    (Refused(reason=Refusal.UNKNOWN_START_METHOD, value="vfork"),
     "unknown start method 'vfork': choose one of fork, spawn, forkserver"),
    (Refused(reason=Refusal.EXIT_CODE_RANGE, value="256"), "exit code must be 0..255, not 256"),
    (Refused(reason=Refusal.NOT_MAIN_THREAD), "lab processes are started from the main thread only"),
    (Refused(reason=Refusal.FORK_FAILED, verb="fork()", error="Resource temporarily unavailable"),
     "fork() failed: Resource temporarily unavailable: the system refused a new process"),
    (Refused(reason=Refusal.FORK_FAILED, verb="start() (spawn)", error="Resource temporarily unavailable"),
     "start() (spawn) failed: Resource temporarily unavailable: the system refused a new process"),
    (Refused(reason=Refusal.LAB_CLOSED), "the lab is shut down"),
    (Refused(reason=Refusal.TOO_MANY, count=1, limit=1, value="1"),
     "1 lab processes already (the limit is 1): not starting 1 more"),
    (Refused(reason=Refusal.NO_GRANDCHILD_REPORT, pid=4242, label="orphan-1 (parent)"),
     "orphan-1 (parent) (PID 4242) never said which grandchild it started"),
    (Refused(reason=Refusal.ZOMBIE_CANNOT_STOP, pid=4242, label="zombie-1"),
     "zombie-1 (PID 4242) is a zombie: it cannot stop or continue"),
    (Refused(reason=Refusal.NO_PROCESS_OBJECT, pid=4243, label="orphan-1 (grandchild)"),
     "orphan-1 (grandchild) has no Process object in proctui: is_alive() is its parent's to call"),
    (Refused(reason=Refusal.NOT_PROCTUIS_CHILD, pid=4243, label="orphan-1 (grandchild)", other_pid=4242),
     ("orphan-1 (grandchild) (PID 4243) was started by PID 4242, not by proctui: only its parent can join() it. "
     "If proctui adopts it, proctui reaps it when it exits.")),
    (Refused(reason=Refusal.PID_REUSED, pid=4242, label="child-1"), "PID 4242 is no longer child-1: nothing sent"),
    (Refused(reason=Refusal.ALREADY_REAPED, pid=4242, label="child-1", verb="signal"),
     "child-1 (PID 4242) has already been reaped: nothing sent"),
    (Refused(reason=Refusal.ALREADY_REAPED, pid=4242, label="child-1"), "child-1 (PID 4242) has already been reaped"),
    (Refused(reason=Refusal.JOIN_WAITING, pid=4242, label="zombie-1"),
     "a join of zombie-1 (PID 4242) is already waiting"),
    (Refused(reason=Refusal.INIT, pid=1), "PID 1 is init: proctui never signals it. Nothing sent"),
    (Refused(reason=Refusal.PROCTUI_ITSELF, pid=ME),
     "PID 100 is proctui itself: it never signals itself. Nothing sent"),
    (Refused(reason=Refusal.PROCTUI_ITSELF, pid=ME, verb="terminate"),
     "PID 100 is proctui itself: it will not terminate itself. Nothing done."),
    (Refused(reason=Refusal.OTHER_USER, pid=4242, uid=65534),
     "PID 4242 belongs to user 65534, not to you: proctui never signals it. Nothing sent"),
    (Refused(reason=Refusal.NOTHING_SELECTED, verb="join"), "select a lab process to join first"),
    (Refused(reason=Refusal.NOT_A_LAB_PROCESS, pid=1),
     "PID 1 is not a lab process: proctui only acts on processes it started. Nothing done."),
    (Refused(reason=Refusal.POOL_WORKER, pid=4240, label="pool-1 worker 1"),
     ("PID 4240 is pool-1 worker 1: its pool owns it. P closes and joins the pool; the palette can terminate it. "
     "Nothing done.")),
    (Refused(reason=Refusal.POOL_NEEDS_A_WORKER, value="0"), "a pool needs at least one worker, not 0"),
    (Refused(reason=Refusal.POOL_BAD_MAXTASKS, value="0"), "maxtasksperchild must be None or at least 1, not 0"),
    (Refused(reason=Refusal.POOL_FAILED, error="Resource temporarily unavailable"),
     "Pool() failed: Resource temporarily unavailable: the system refused a new process"),
    (Refused(reason=Refusal.POOL_CLOSED, label="pool-1", verb="map"),
     "pool-1 is closed: a closed Pool takes no new tasks"),
    (Refused(reason=Refusal.POOL_CLOSED, label="pool-1"), "pool-1 is already closed"),
    (Refused(reason=Refusal.POOL_JOIN_WAITING, label="pool-1"), "pool-1.join() is already waiting"),
    (Refused(reason=Refusal.NO_POOL), "no pool is open: p starts one"),
    (Refused(reason=Refusal.ALREADY_STEPPING), "a join is being stepped through: n steps, c finishes it"),
    (Refused(reason=Refusal.NO_STEPPED_CHILD, verb="kill"), "the stepped join has no live child to kill"),
    (Refused(reason=Refusal.SUBREAPER_FAILED, error="[Errno 1] Operation not permitted"),
     "prctl(PR_SET_CHILD_SUBREAPER) failed: [Errno 1] Operation not permitted"),
    (Refused(reason=Refusal.CANNOT_STEP, error="sys.monitoring tool ids (3, 4) are all in use"),
     "join() cannot be stepped through on this Python: sys.monitoring tool ids (3, 4) are all in use"),
    (Refused(reason=Refusal.COW_NEEDS_FORK, value="spawn"),
     ("copy-on-write needs fork: under spawn the child is a fresh Python that shares no page with proctui "
      "(m chooses fork). Nothing started.")),
    (Refused(reason=Refusal.NO_QUEUE),
     "no queue waits to be read: start one first (ctrl+p: Queue: a child puts 10 MiB)"),
    (Refused(reason=Refusal.QUEUE_EMPTY, pid=4242, label="queue-1"),
     "nothing came on the queue of queue-1 (PID 4242) (it ended, or hangs): nothing was read"),
    (Refused(reason=Refusal.NO_COW_CHILD),
     "no copy-on-write child is waiting to write: start one first (ctrl+p: Copy-on-write child)"),
    (Refused(reason=Refusal.CHILD_SILENT, pid=4242, label="cow-1", value="written"),
     "cow-1 (PID 4242) never said 'written' (it ended, or hangs): nothing was read"),
]


CHINESE_CASES = [event for event, _ in SENTENCES] + [refused for refused, _ in REFUSALS] + list(SAMPLES.values())
