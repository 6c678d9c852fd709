"""The English renderer: what the event log says for each event.

Sentences speak at the level of system calls (``waitpid(4242, 0) -> (4242, 0x0000)``),
because that is what proctui teaches; facts come from the event's fields only.
"""

from __future__ import annotations

import signal
from collections.abc import Callable

from proctui.core import events as ev
from proctui.core.linux import decode_status, describe_exitcode, signal_name
from proctui.core.script.interpreter import NEWEST, OLDEST, release

_START_CALL = {
    "fork": "fork()",
    "spawn": "spawn: _posixsubprocess.fork_exec()",
    "forkserver": "forkserver: the fork server forks",
}

_POOL_WORKER_START = {
    "fork": "fork()",
    "spawn": "spawn: fork_exec() of a fresh python",
    "forkserver": "forkserver: the fork server forks it",
}

_START_METHOD_NOTES = {
    "fork": "fork(): the child is a copy of proctui and starts running the target at once.",
    "spawn": "_posixsubprocess.fork_exec() (a vfork or fork, then exec) of a fresh Python, which imports "
    "the target; the first spawn also starts multiprocessing's resource tracker.",
    "forkserver": "a fork server (started once, as a fresh Python) forks every child: it, not "
    "proctui, is their parent, and it reaps them.",
}

_ADOPTERS = {
    ev.Adopter.PROCTUI: "proctui, a child subreaper (prctl PR_SET_CHILD_SUBREAPER)",
    ev.Adopter.INIT: "PID 1, init",
    ev.Adopter.SUBREAPER_ABOVE: "the nearest child subreaper above proctui",
}


def _status(status: int | None) -> str:
    return "?" if status is None else f"{status:#06x}"


def _forkserver_aside(start_method: str) -> str:
    if start_method == "forkserver":
        return " (the fork server did the waitpid; join() read the status from the sentinel)"
    return ""


#: What each start method means for the children a script starts, said with its start method.
_START_METHOD_MEANS_EN = {
    "fork": "p.start() calls fork() in the script itself, so fork() returns twice, the script is each "
    "child's parent (its PPID), and a child that has exited stays a zombie under it until join() (or "
    "is_alive()) calls waitpid()",
    "forkserver": "p.start() asks the fork server, a Python started once, to fork each child, so the script "
    "forks nothing itself: the children's parent (their PPID) is the fork server, which reaps them as "
    "they exit (no zombie under the script), and join() reads the exit code from the sentinel. "
    "multiprocessing.get_context('fork') gives the article's fork back",
    "spawn": "p.start() runs a fresh Python for each child (fork_exec), which imports the script as "
    "__mp_main__: the script is the child's parent and reaps it in join(), as under fork",
}


class English:
    language = "en"

    # -- starting --------------------------------------------------------------------------

    def forked(self, e: ev.Forked) -> str:
        daemonic = ", daemon=True" if e.daemon else ""
        return f"{e.label}.start() -> {_START_CALL[e.start_method]} -> child {e.pid} ({e.role}{daemonic})"

    def script_started(self, e: ev.ScriptStarted) -> str:
        flags = "-O " if e.optimize else ""
        args = "".join(f" {arg}" for arg in e.args)
        version = f" (Python {e.python_version})" if e.python_version else ""
        return (f"{e.label}: {e.python or 'python'} {flags}{e.path}{args} is PID {e.pid}{version}, paused before "
                "the script's first line (n next, s step into, r return, c continue, b breakpoint)")

    def script_forked(self, e: ev.ScriptForked) -> str:
        if e.via == "forkserver":
            asked = f"PID {e.requested_by}'s p.start()" if e.requested_by else "the script's p.start()"
            said = (f"the fork server (PID {e.parent_pid}) forked {e.label} (PID {e.pid}): {asked} only sent it a "
                    "request over a socket, and the script's own fork() never ran. The fork server is the child's "
                    "parent (its PPID) and will reap it, so no zombie appears under the script; join() reads the "
                    "exit code from the sentinel")
            if e.traced:
                return f"{said}. It has a viewer of its own, paused at the target's first line"
            return f"{said}. The script was running free, so it runs free too"
        if e.via == "spawn":
            said = (f"PID {e.parent_pid} started {e.label} (PID {e.pid}) with spawn: a fresh python that imports "
                    "the script as __mp_main__, then runs the Process's target")
            if e.traced:
                return f"{said}; it has a viewer of its own, paused at the target's first line"
            return f"{said}; the parent was running free, so it runs free too"
        said = (f"PID {e.parent_pid} forked {e.label} (PID {e.pid}): fork() returned {e.pid} in the parent, "
                "0 in the child")
        if e.traced:
            return f"{said}; the child has a viewer of its own, paused at its next line"
        return f"{said}; the parent was running free, so the child runs free too"

    def script_start_method(self, e: ev.ScriptStartMethod) -> str:
        who = f"{e.label} (PID {e.pid})" if e.label else f"PID {e.pid}"
        if e.chosen is None:
            said = f"{who} uses multiprocessing on Python {e.python}, whose default start method is {e.default}"
        elif e.chosen == e.default:
            said = f"{who} set the start method to {e.chosen}, Python {e.python}'s default"
        else:
            said = f"{who} set the start method to {e.chosen} (Python {e.python}'s default is {e.default})"
        means = _START_METHOD_MEANS_EN.get(e.method) or f"{e.method}, a start method proctui does not know"
        return f"{said}: {means}"

    def script_read_stdin(self, e: ev.ScriptReadStdin) -> str:
        return f"{e.label} (PID {e.pid}) read its stdin: end of file (a script run by proctui has no input)"

    def grandchild_forked(self, e: ev.GrandchildForked) -> str:
        return f"{e.parent_label} forked grandchild {e.pid} ({e.label}); proctui has no Process object for it"

    def fork_warned(self, e: ev.ForkWarned) -> str:
        if e.in_pool:
            return (f"Python warns: {e.message} Pool workers only set up their output, run tasks and "
                    "return; the worker handler thread forks the replacements, from a thread too.")
        return (f"Python warns: {e.message} Only the forking thread goes on in the child: proctui's children "
                "first take fresh stdout and stderr and default signal handlers, and never touch Textual, whose "
                "threads (and the locks they held) stayed behind; then they print, sleep, start threads or "
                "processes of their own, exec sh or write to memory, and exit.")

    def output(self, e: ev.Output) -> str:
        if e.pid is None:
            return e.line
        said = f"[{e.pid} {e.label}] {e.line}" if e.by_script and e.label else f"[{e.pid}] {e.line}"
        if e.parent_pid is None or e.parent_is is None:
            return said
        if e.parent_is is ev.ParentIs.FORK_SERVER:
            whose = "the fork server, not the script: under forkserver the fork server forks every child"
        elif e.parent_is is ev.ParentIs.PROCTUI:
            whose = "proctui, which started the script"
        else:
            whose = f"{e.parent_label}, which forked or started it" if e.parent_label else "the process that started it"
        return f"{said}   <- {e.parent_pid} is its parent: {whose}"

    # -- exits and reaping -------------------------------------------------------------------

    def exited(self, e: ev.Exited) -> str:
        if e.who_reaps is ev.WhoReaps.WAITPID:
            assert e.status is not None
            return (f"child {e.pid} ({e.label}) exited, status {e.status:#06x} ({decode_status(e.status)}) "
                    f"-> exitcode {describe_exitcode(e.exitcode)}; it stays a zombie until waitpid({e.pid})")
        if e.who_reaps is ev.WhoReaps.FORK_SERVER:
            server = f"the fork server (PID {e.reaper_pid})" if e.reaper_pid else "the fork server"
            return (f"child {e.pid} ({e.label}) exited; its parent is {server}, which reaps it at once "
                    "(no zombie). join() reads its exit code from the sentinel.")
        if e.who_reaps is ev.WhoReaps.EXIT_HANDLER:
            why = (f"its parent {e.reaper_pid} is exiting: multiprocessing's exit handler "
                   "terminate()s and joins every daemonic child")
        elif e.who_reaps is ev.WhoReaps.KERNEL:
            why = (f"its parent {e.reaper_pid} ignores SIGCHLD (SigIgn in /proc/{e.reaper_pid}/status), so the "
                   "kernel reaped it at once: no zombie, and its parent's waitpid() fails with ECHILD")
        else:
            why = f"its parent PID {e.reaper_pid} reaps it"
        return f"{e.label} (PID {e.pid}) ended; {why}"

    def reaped(self, e: ev.Reaped) -> str:
        code = describe_exitcode(e.exitcode)
        status = _status(e.status)
        if e.call is ev.ReapCall.JOIN:
            return (f"{e.label}.join() -> waitpid({e.pid}, 0) -> ({e.pid}, {status}) -> exitcode {code}; "
                    f"PID {e.pid} is gone")
        if e.call is ev.ReapCall.STEPPED_JOIN:
            return f"{e.syscall} -> ({e.pid}, {status}) -> exitcode {code}; PID {e.pid} is gone"
        if e.call is ev.ReapCall.SENTINEL:
            return f"{e.label}.join() -> exitcode {code} (read from the sentinel: the fork server reaped it)"
        if e.call is ev.ReapCall.IS_ALIVE:
            return (f"{e.label}.is_alive() -> poll() -> waitpid({e.pid}, WNOHANG) -> ({e.pid}, {status}) -> False. "
                    f"is_alive() just reaped it: exitcode {code}, and PID {e.pid} is gone")
        if e.call is ev.ReapCall.IS_ALIVE_SENTINEL:
            return (f"{e.label}.is_alive() -> poll() read exitcode {code} from the sentinel -> False. "
                    f"No waitpid() of ours: its parent, the fork server, had reaped PID {e.pid} already")
        if e.call is ev.ReapCall.ADOPTED_CHILD:
            return (f"{e.label} exited; proctui adopted it, so proctui reaps it: waitpid({e.pid}, 0) -> "
                    f"({e.pid}, {status}) -> exitcode {code}")
        if e.call is ev.ReapCall.SCRIPT:
            return (f"the script process {e.label} ended; proctui started it, so proctui reaps it: "
                    f"waitpid({e.pid}, 0) -> ({e.pid}, {status}) -> exit code {code}")
        name = e.label if e.label is not None else f"PID {e.pid}"
        # Adopted alive (a script's fork server outlives the script, then exits) or already
        # a zombie: either way its parent ended first, and the kernel made it proctui's.
        return (f"waitpid({e.pid}, WNOHANG) -> ({e.pid}, {status}): proctui reaped {name}, an orphan the kernel "
                "gave to proctui as subreaper when its parent ended first; it has exited, and nobody else would "
                "reap it")

    def pool_worker_reaped(self, e: ev.PoolWorkerReaped) -> str:
        code = describe_exitcode(e.exitcode)
        if e.by is ev.PoolReap.JOIN:
            return (f"{e.pool}.join(): waited for {e.label} (PID {e.pid}) to exit and reaped it, "
                    f"exitcode {code}{_forkserver_aside(e.start_method)}")
        if e.by is ev.PoolReap.TERMINATE:
            return (f"{e.pool}.terminate(): {e.label} (PID {e.pid}) ended with exitcode {code} "
                    f"and was reaped by join(){_forkserver_aside(e.start_method)}")
        if e.exitcode == 0 and e.maxtasksperchild is not None:
            why = f"maxtasksperchild={e.maxtasksperchild} reached, exitcode 0"
        else:
            why = f"exitcode {code}"
        if e.start_method == "forkserver":
            how = "the fork server reaped it and worker.exitcode read the status from the sentinel"
        else:
            how = (f"its worker.exitcode called waitpid({e.pid}, WNOHANG), which reaped it (unless a "
                   "start() elsewhere in proctui got there first: process._cleanup() polls every child "
                   "in multiprocessing's list)")
        text = (f"the pool's worker handler thread joined {e.label} (PID {e.pid}) after it exited ({why}): "
                f"{how}, then del pool._pool[i]. Pool reaps its own workers")
        if e.exitcode is not None and e.exitcode < 0:
            text += (". A killed worker's task is lost, so its map never completes; and had it been waiting "
                     "for a task it died holding the task queue's lock, which no other worker (nor "
                     "terminate()) can ever take: the pool hangs")
        return text

    def adopted(self, e: ev.Adopted) -> str:
        return (f"{e.label} (PID {e.pid}) lost its parent {e.former_parent}: "
                f"the kernel re-parented it to PID {e.adopter_pid}, {_ADOPTERS[e.adopter]}")

    # -- signals and waiting ---------------------------------------------------------------

    def signalled(self, e: ev.Signalled) -> str:
        name = signal_name(e.signal)
        if e.signal in (signal.SIGSTOP, signal.SIGCONT):
            effect = "it runs again" if e.signal == signal.SIGCONT else "the kernel stops it (T) until SIGCONT"
            return f"kill({e.pid}, {name}) -> {e.label}: {effect}"
        text = f"kill({e.pid}, {name}) -> {e.label} (sent through a pidfd: only this very process can get it)"
        by_pid = f"in place of {e.label}.{e.method}(), whose os.kill() goes by PID: "
        if e.called:
            text = (f"{e.label}.{e.method}() -> os.kill({e.pid}, {name}): multiprocessing's own call, by PID, "
                    f"made once proctui had checked that PID {e.pid} still names this child, which nobody could "
                    "reap meanwhile")
        elif e.emulated is ev.Emulated.NO_METHOD:
            text += "; proctui emulates Process.interrupt(), which this Python lacks (it is new in 3.14)"
        elif e.emulated is ev.Emulated.FORK_SERVER_REAPS:
            text += ("; " + by_pid + "the fork server, not proctui, reaps this child when it ends, and then its PID "
                     "could name another process")
        elif e.emulated is ev.Emulated.JOIN_UNDER_WAY:
            text += ("; " + by_pid + "a join of it is under way, which reaps it when it ends, and then its PID "
                     "could name another process")
        elif e.method is not None:
            text = f"{e.label}.{e.method}() is " + text
        elif e.signal == signal.SIGINT:
            text += "; Process.interrupt() (Python 3.14+) sends the same"
        if e.was_zombie:
            text += (f": {e.pid} is a zombie. The kernel accepts the signal, and it changes nothing: "
                     "a zombie runs no more code; only waitpid() (a join) removes it")
        elif e.disposition is ev.Disposition.CAUGHT:
            text += (f": /proc/{e.pid}/status lists {name} as caught (SigCgt), so it does not die of it: "
                     "its own handler decides what happens")
        elif e.disposition is ev.Disposition.IGNORED:
            text += (f": /proc/{e.pid}/status lists {name} as ignored (SigIgn), so nothing happens; "
                     "kill() (SIGKILL) cannot be ignored")
        return text

    def join_blocks(self, e: ev.JoinBlocks) -> str:
        said = f"{e.label}.join() -> waitpid({e.pid}, 0) blocks: the child is still running"
        if e.sigterm is ev.Disposition.IGNORED:
            return f"{said} (x ends it; t does not: /proc/{e.pid}/status lists SIGTERM as ignored, SigIgn)"
        if e.sigterm is ev.Disposition.CAUGHT:
            return (f"{said} (x ends it; t runs its own SIGTERM handler, SigCgt in /proc/{e.pid}/status, "
                    "which decides)")
        return f"{said} (x ends it; t too, unless it is stopped)"

    def join_stepped(self, e: ev.JoinStepped) -> str:
        if not e.started:
            return f"{e.label} = Process(...) is created but never started; stepping its join()"
        timeout = "" if e.timeout is None else e.timeout
        return f"{e.label}.join({timeout}): stepping through join() in the code viewer"

    def join_returned(self, e: ev.JoinReturned) -> str:
        said = f"{e.label}.join({e.timeout}) returned before the child was reaped: exitcode is still None"
        if e.child_state is not None and e.child_state not in "ZX":
            return f"{said}; the child is still running ({e.child_state} in /proc)"
        exited = "has exited (Z in /proc)" if e.child_state == "Z" else "is gone from /proc"
        if e.sentinel_writers:
            holders = ", ".join(str(pid) for pid in e.sentinel_writers)
            return (f"{said}. The child {exited}, but its sentinel never became readable: PID {holders} "
                    "still holds the write end of the sentinel pipe (a process it forked inherited it), "
                    "and the pipe reads as closed only when every copy is")
        return f"{said}. The child {exited}; its sentinel became readable only after the timeout"

    def still_alive(self, e: ev.StillAlive) -> str:
        if e.on_sentinel:
            return (f"{e.label}.is_alive() -> poll() -> connection.wait([sentinel], 0) -> [] -> True: "
                    "still running (under forkserver poll() calls no waitpid: the fork server is the parent)")
        return (f"{e.label}.is_alive() -> poll() -> waitpid({e.pid}, WNOHANG) -> (0, 0) -> True: "
                "still running, nothing reaped")

    def cow_memory(self, e: ev.CowMemory) -> str:
        where = f"/proc/{e.pid}/smaps_rollup"
        if not e.written:
            return (f"{e.label} (PID {e.pid}), {where}: Shared {e.shared} kB (pages proctui maps too), "
                    f"Private_Dirty {e.private_dirty} kB, Pss {e.pss} kB. fork() copied no page: proctui's "
                    f"cow_list ({e.list_kb} kB) stays shared until one side writes to it")
        return (f"{e.label} (PID {e.pid}) wrote, {where}: Private_Dirty {e.private_dirty} kB (was "
                f"{e.was_private_dirty}), Shared {e.shared} kB (was {e.was_shared}), Pss {e.pss} kB (was "
                f"{e.was_pss}): the kernel gave it a copy of its own of each page it wrote (Private_Dirty grew by "
                f"{e.copied} kB). proctui's own copies are unchanged: cow_writer = {e.parent_writer!r}, "
                f"sum(cow_list) = {e.parent_sum}")

    def where_blocked(self, e: ev.WhereBlocked) -> str:
        threads = "; ".join(f"thread {tid}{' (main)' if tid == e.pid else ''} {state} in {wchan}"
                            for tid, state, wchan in e.threads)
        text = f"{e.label} (PID {e.pid}), from /proc/{e.pid}/task/*/stat and wchan: {threads}"
        if e.feeder_blocked:
            size = f" ({e.pipe_size} bytes)" if e.pipe_size else ""
            text += (f". Its queue's feeder thread is blocked writing into the pipe, which is full{size}; at exit "
                     "its main thread joins that thread: it cannot exit until someone calls get()")
        return text

    def queue_got(self, e: ev.QueueGot) -> str:
        return (f"proctui: queue.get() -> {e.size} bytes from {e.label} (PID {e.pid}): the pipe drains, its feeder "
                "thread writes the rest and ends, and nothing keeps the child from exiting")

    # -- pools -------------------------------------------------------------------------------

    def pool_created(self, e: ev.PoolCreated) -> str:
        limit = "no limit" if e.maxtasksperchild is None else f"maxtasksperchild={e.maxtasksperchild}"
        return (f"{e.label} = Pool({e.processes}, {limit}) ({e.start_method}): proctui now has a worker handler "
                "thread (replaces exited workers and reaps them), a task handler and a result handler thread")

    def pool_worker_started(self, e: ev.PoolWorkerStarted) -> str:
        by = "the pool's worker handler thread" if e.by_handler else f"Pool({e.processes})"
        text = f"{e.label} (PID {e.pid}) started by {by}"
        if e.replaces:
            text += f" to replace {e.replaces}"
        return f"{text}: {_POOL_WORKER_START[e.start_method]}"

    def pool_mapped(self, e: ev.PoolMapped) -> str:
        return (f"{e.label}.map_async(square_slowly, range({e.tasks}), chunksize=1): {e.tasks} tasks queued "
                f"for {e.processes} workers, {e.seconds} s each")

    def pool_task_done(self, e: ev.PoolTaskDone) -> str:
        worker = f" ({e.label})" if e.label else ""
        return f"{e.pool}: task {e.x} -> {e.square} on PID {e.pid}{worker}"

    def pool_closing(self, e: ev.PoolClosing) -> str:
        return (f"{e.label}.close(): no new tasks. When the queued ones are done the worker handler stops "
                f"and each worker gets a None sentinel and exits; {e.label}.join() waits for that")

    def pool_terminating(self, e: ev.PoolTerminating) -> str:
        return (f"{e.label}.terminate(): stop the handler threads, kill(pid, SIGTERM) every worker still "
                "running, then join() each")

    def pool_maps_dropped(self, e: ev.PoolMapsDropped) -> str:
        return (f"{e.label}: {e.unfinished} map(s) never finished: terminate() drops their tasks and "
                "their callbacks never run")

    def pool_map_failed(self, e: ev.PoolMapFailed) -> str:
        return f"{e.label}: map failed: {e.error}"

    def pool_hangs(self, e: ev.PoolHangs) -> str:
        return (f"{e.label}.terminate() hangs (a worker died holding the task queue's lock): "
                "killing its workers")

    # -- the lab's own settings ------------------------------------------------------------

    def start_method_chosen(self, e: ev.StartMethodChosen) -> str:
        return f"start method for new children: {e.start_method}. {_START_METHOD_NOTES[e.start_method]}"

    def subreaper_set(self, e: ev.SubreaperSet) -> str:
        if e.on:
            return "prctl(PR_SET_CHILD_SUBREAPER, 1): orphans below proctui now come to proctui"
        return "prctl(PR_SET_CHILD_SUBREAPER, 0): orphans now go to PID 1 or the nearest subreaper above proctui"

    def hidden_reaping_unguarded(self, e: ev.HiddenReapingUnguarded) -> str:
        return ("this Python's multiprocessing has no process._children: proctui cannot keep start() and "
                "active_children() from reaping its children, so a zombie may vanish when another child starts")

    def orphan_leaves_the_tree(self, e: ev.OrphanLeavesTheTree) -> str:
        return ("proctui is not a child subreaper now: the orphan goes to the nearest subreaper above "
                "proctui, else to PID 1 of its PID namespace, and leaves this tree")

    # -- things that went wrong -------------------------------------------------------------

    def watch_failed(self, e: ev.WatchFailed) -> str:
        return f"internal error while watching children: {e.error}"

    def refused(self, e: ev.Refused) -> str:
        return _REFUSALS[e.reason](e)


def _who(e: ev.Refused) -> str:
    return f"{e.label} (PID {e.pid})"


def syntax_caret(text: str | None, column: int | None) -> str:
    """The line of a syntax error and a caret under its column, as Python shows them."""
    line = (text or "").rstrip("\n")
    stripped = line.lstrip()
    column = max(1, (column or 1) - (len(line) - len(stripped)))
    return f"    {stripped}\n    {' ' * (column - 1)}^"


def python_named(e: ev.Refused) -> str:
    """--python's PYTHON as given, and the file it stands for if that reads otherwise."""
    given = e.value or ""
    return given if not e.program or e.program == given else f"{given} ({e.program})"


_ACCEPTED = f"CPython {release(OLDEST)} to {release(NEWEST)}"


def _no_python_answer(e: ev.Refused) -> str:
    if e.error is not None:
        return f"could not be run ({e.error})"
    if e.limit is not None:
        return f"gave no answer within {e.limit} s"
    said = f"answered {e.text!r}" if e.text else "answered nothing"
    return f"{said} and exited with {describe_exitcode(e.exitcode)}"


_R = ev.Refusal
_REFUSALS: dict[ev.Refusal, Callable[[ev.Refused], str]] = {
    _R.UNKNOWN_START_METHOD: lambda e: f"unknown start method {e.value!r}: choose one of fork, spawn, forkserver",
    _R.EXIT_CODE_RANGE: lambda e: f"exit code must be 0..255, not {e.value}",
    _R.NOT_MAIN_THREAD: lambda e: "lab processes are started from the main thread only",
    _R.FORK_FAILED: lambda e: f"{e.verb} failed: {e.error}: the system refused a new process",
    _R.LAB_CLOSED: lambda e: "the lab is shut down",
    _R.TOO_MANY: lambda e: (f"{e.count} lab processes already (the limit is {e.limit}): "
                            f"not starting {e.value} more"),
    _R.NO_GRANDCHILD_REPORT: lambda e: f"{_who(e)} never said which grandchild it started",
    _R.ZOMBIE_CANNOT_STOP: lambda e: f"{_who(e)} is a zombie: it cannot stop or continue",
    _R.NO_PROCESS_OBJECT: lambda e: f"{e.label} has no Process object in proctui: is_alive() is its parent's to call",
    _R.NOT_PROCTUIS_CHILD: lambda e: (
        f"{_who(e)} was started by PID {e.other_pid}, not by proctui: only its parent can join() it. "
        "If proctui adopts it, proctui reaps it when it exits."),
    _R.PID_REUSED: lambda e: f"PID {e.pid} is no longer {e.label}: nothing sent",
    _R.ALREADY_REAPED: lambda e: (
        f"{_who(e)} has already been reaped" + (": nothing sent" if e.verb == "signal" else "")),
    _R.JOIN_WAITING: lambda e: f"a join of {_who(e)} is already waiting",
    _R.INIT: lambda e: f"PID {e.pid} is init: proctui never signals it. Nothing sent",
    _R.PROCTUI_ITSELF: lambda e: (f"PID {e.pid} is proctui itself: it never signals itself. Nothing sent"
                                  if e.verb is None else
                                  f"PID {e.pid} is proctui itself: it will not {e.verb} itself. Nothing done."),
    _R.OTHER_USER: lambda e: (f"PID {e.pid} belongs to user {e.uid}, not to you: proctui never signals it. "
                              "Nothing sent"),
    _R.NOTHING_SELECTED: lambda e: f"select a lab process to {e.verb} first",
    _R.NOT_A_LAB_PROCESS: lambda e: (f"PID {e.pid} is not a lab process: proctui only acts on processes it "
                                     "started. Nothing done."),
    _R.POOL_WORKER: lambda e: (f"PID {e.pid} is {e.label}: its pool owns it. P closes and joins the pool; the "
                               "palette can terminate it. Nothing done."),
    _R.POOL_NEEDS_A_WORKER: lambda e: f"a pool needs at least one worker, not {e.value}",
    _R.POOL_BAD_MAXTASKS: lambda e: f"maxtasksperchild must be None or at least 1, not {e.value}",
    _R.POOL_FAILED: lambda e: f"Pool() failed: {e.error}: the system refused a new process",
    _R.POOL_CLOSED: lambda e: (f"{e.label} is closed: a closed Pool takes no new tasks" if e.verb == "map"
                               else f"{e.label} is already closed"),
    _R.POOL_JOIN_WAITING: lambda e: f"{e.label}.join() is already waiting",
    _R.NO_POOL: lambda e: "no pool is open: p starts one",
    _R.ALREADY_STEPPING: lambda e: "a join is being stepped through: n steps, c finishes it",
    _R.NO_STEPPED_CHILD: lambda e: f"the stepped join has no live child to {e.verb}",
    _R.SUBREAPER_FAILED: lambda e: f"prctl(PR_SET_CHILD_SUBREAPER) failed: {e.error}",
    _R.CANNOT_STEP: lambda e: f"join() cannot be stepped through on this Python: {e.error}",
    _R.SCRIPT_MISSING: lambda e: f"{e.value}: no such file. Nothing was run.",
    _R.SCRIPT_IS_DIRECTORY: lambda e: f"{e.value} is a directory, not a script. Nothing was run.",
    _R.SCRIPT_NOT_PYTHON: lambda e: (f"{e.value} is not a Python script "
                                     f"({e.error or 'it holds NUL bytes: a binary file'}). Nothing was run."),
    _R.SCRIPT_SYNTAX: lambda e: (f"{e.value}:{e.line}:{e.column}: SyntaxError: {e.error}"
                                 + (f" (under Python {e.version})" if e.version else "") + ". Nothing was run.\n"
                                 + syntax_caret(e.text, e.column)),
    _R.PYTHON_NOT_ON_PATH: lambda e: f"--python {e.value}: no program of that name on PATH. Nothing was run.",
    _R.PYTHON_MISSING: lambda e: f"--python {e.value}: no such file. Nothing was run.",
    _R.PYTHON_IS_DIRECTORY: lambda e: f"--python {python_named(e)} is a directory, not a Python. Nothing was run.",
    _R.PYTHON_NOT_EXECUTABLE: lambda e: (f"--python {python_named(e)} is not executable (you have no permission to "
                                         "run it). Nothing was run."),
    _R.PYTHON_NOT_PYTHON: lambda e: (f"--python {python_named(e)} is not a Python: asked for its version, it "
                                     f"{_no_python_answer(e)}. proctui runs scripts under {_ACCEPTED}. "
                                     "Nothing was run."),
    _R.PYTHON_NOT_CPYTHON: lambda e: (f"--python {python_named(e)} is {e.version}, not CPython: proctui runs "
                                      f"scripts under {_ACCEPTED} only (its tracer relies on CPython's own "
                                      "multiprocessing). Nothing was run."),
    _R.PYTHON_VERSION: lambda e: (f"--python {python_named(e)} is Python {e.version}: proctui runs scripts under "
                                  f"{_ACCEPTED}. Nothing was run."),
    _R.SCRIPT_FORKS_TOO_MANY: lambda e: (f"PID {e.other_pid} forked PID {e.pid}, one past the limit of {e.limit} "
                                         "lab processes (--max-children): proctui ended it with SIGKILL"),
    _R.COW_NEEDS_FORK: lambda e: (f"copy-on-write needs fork: under {e.value} the child is a fresh Python "
                                  "that shares no page with proctui (m chooses fork). Nothing started."),
    _R.NO_COW_CHILD: lambda e: ("no copy-on-write child is waiting to write: start one first "
                                "(ctrl+p: Copy-on-write child)"),
    _R.CHILD_SILENT: lambda e: f"{_who(e)} never said {e.value!r} (it ended, or hangs): nothing was read",
    _R.NO_QUEUE: lambda e: ("no queue waits to be read: start one first (ctrl+p: Queue: a child puts "
                            "10 MiB)"),
    _R.QUEUE_EMPTY: lambda e: f"nothing came on the queue of {_who(e)} (it ended, or hangs): nothing was read",
    _R.SCRIPT_RUNNING: lambda e: f"a script is running already ({e.label}, PID {e.pid}): end it first (t or x)",
}
