"""What the event log says for each event: one method per kind of event, for every language.

Sentences speak at the level of system calls (``waitpid(4242, 0) -> (4242, 0x0000)``),
because that is what proctui teaches; facts come from the event's fields only. Each
sentence is a catalogue message written once, in English, with the event's facts as
named fields (``{pid}``); its Chinese is in ``locale/zh/LC_MESSAGES/proctui.po``, in
its own word order. Where a sentence has parts that come and go with the facts, each
part is a message of its own, and the part that holds them names them as fields.
"""

from __future__ import annotations

import os
import signal

from proctui.core import events as ev
from proctui.core.i18n import N_, words
from proctui.core.linux import decode_status, describe_exitcode, signal_name
from proctui.core.teaching.refusals import refusal_sentence

# fork() is code: the same in every language.
_START_CALL = {
    "fork": "fork()",
    "spawn": N_("spawn: _posixsubprocess.fork_exec()"),
    "forkserver": N_("forkserver: the fork server forks"),
}

_POOL_WORKER_START = {
    "fork": "fork()",
    "spawn": N_("spawn: fork_exec() of a fresh python"),
    "forkserver": N_("forkserver: the fork server forks it"),
}

_START_METHOD_NOTES = {
    "fork": N_("fork(): the child is a copy of proctui and starts running the target at once."),
    "spawn": N_("_posixsubprocess.fork_exec() (a vfork or fork, then exec) of a fresh Python, which imports the "
                "target; the first spawn also starts multiprocessing's resource tracker."),
    "forkserver": N_("a fork server (started once, as a fresh Python) forks every child: it, not proctui, is "
                     "their parent, and it reaps them."),
}

_ADOPTERS = {
    ev.Adopter.PROCTUI: N_("proctui, a child subreaper (prctl PR_SET_CHILD_SUBREAPER)"),
    ev.Adopter.INIT: N_("PID 1, init"),
    ev.Adopter.SUBREAPER_ABOVE: N_("the nearest child subreaper above proctui"),
}

#: What each start method means for the children a script starts, said with its start method.
_START_METHOD_MEANS = {
    "fork": N_("p.start() calls fork() in the script itself, so fork() returns twice, the script is each child's "
               "parent (its PPID), and a child that has exited stays a zombie under it until join() (or "
               "is_alive()) calls waitpid()"),
    "forkserver": N_("p.start() asks the fork server, a Python started once, to fork each child, so the script "
                     "forks nothing itself: the children's parent (their PPID) is the fork server, which reaps "
                     "them as they exit (no zombie under the script), and join() reads the exit code from the "
                     "sentinel. multiprocessing.get_context('fork') gives the article's fork back"),
    "spawn": N_("p.start() runs a fresh Python for each child (fork_exec), which imports the script as "
                "__mp_main__: the script is the child's parent and reaps it in join(), as under fork"),
}

#: How a script's child came to be, by how it was started: (what happened, then: it is
#: traced, or it runs free).
_SCRIPT_FORKED = {
    "forkserver": (
        N_("the fork server (PID {parent_pid}) forked {label} (PID {pid}): {asked} only sent it a request over a "
           "socket, and the script's own fork() never ran. The fork server is the child's parent (its PPID) and "
           "will reap it, so no zombie appears under the script; join() reads the exit code from the sentinel"),
        N_("{said}. It has a viewer of its own, paused at the target's first line"),
        N_("{said}. The script was running free, so it runs free too"),
    ),
    "spawn": (
        N_("PID {parent_pid} started {label} (PID {pid}) with spawn: a fresh python that imports the script as "
           "__mp_main__, then runs the Process's target"),
        N_("{said}; it has a viewer of its own, paused at the target's first line"),
        N_("{said}; the parent was running free, so it runs free too"),
    ),
    "fork": (
        N_("PID {parent_pid} forked {label} (PID {pid}): fork() returned {pid} in the parent, 0 in the child"),
        N_("{said}; the child has a viewer of its own, paused at its next line"),
        N_("{said}; the parent was running free, so the child runs free too"),
    ),
}

_REAPED = {
    ev.ReapCall.JOIN: N_("{label}.join() -> waitpid({pid}, 0) -> ({pid}, {status}) -> exitcode {code}; "
                         "PID {pid} is gone"),
    ev.ReapCall.STEPPED_JOIN: N_("{syscall} -> ({pid}, {status}) -> exitcode {code}; PID {pid} is gone"),
    ev.ReapCall.SENTINEL: N_("{label}.join() -> exitcode {code} (read from the sentinel: the fork server reaped it)"),
    ev.ReapCall.IS_ALIVE: N_("{label}.is_alive() -> poll() -> waitpid({pid}, WNOHANG) -> ({pid}, {status}) -> "
                             "False. is_alive() just reaped it: exitcode {code}, and PID {pid} is gone"),
    ev.ReapCall.IS_ALIVE_SENTINEL: N_("{label}.is_alive() -> poll() read exitcode {code} from the sentinel -> "
                                      "False. No waitpid() of ours: its parent, the fork server, had reaped PID "
                                      "{pid} already"),
    ev.ReapCall.ADOPTED_CHILD: N_("{label} exited; proctui adopted it, so proctui reaps it: waitpid({pid}, 0) -> "
                                  "({pid}, {status}) -> exitcode {code}"),
    ev.ReapCall.SCRIPT: N_("the script process {label} ended; proctui started it, so proctui reaps it: "
                           "waitpid({pid}, 0) -> ({pid}, {status}) -> exit code {code}"),
}
# Adopted alive (a script's fork server outlives the script, then exits) or already a
# zombie: either way its parent ended first, and the kernel made it proctui's.
_REAPED_ORPHAN = N_("waitpid({pid}, WNOHANG) -> ({pid}, {status}): proctui reaped {name}, an orphan the kernel "
                    "gave to proctui as subreaper when its parent ended first; it has exited, and nobody else "
                    "would reap it")

#: What a process of the script reaped a child for (ReapedByScript.via), as its sentence says it
#: (a call alone is code: the same in every language).
REAPED_VIA = {
    ev.ReapedVia.JOIN: "join()",
    ev.ReapedVia.IS_ALIVE: "is_alive()",
    ev.ReapedVia.START: N_("start()'s cleanup (process._cleanup() polls every child started before)"),
    ev.ReapedVia.ACTIVE_CHILDREN: "active_children()",
    ev.ReapedVia.EXITCODE: N_("reading .exitcode"),
    ev.ReapedVia.CLOSE: "close()",
    ev.ReapedVia.REPR: N_("repr() of its Process"),
    ev.ReapedVia.TERMINATE: "terminate()",
    ev.ReapedVia.KILL: "kill()",
    ev.ReapedVia.INTERRUPT: "interrupt()",
    ev.ReapedVia.POOL_WORKER_HANDLER: N_("the pool's worker handler"),
    ev.ReapedVia.POOL_JOIN: N_("the pool's join()"),
    ev.ReapedVia.POOL_TERMINATE: N_("the pool's terminate()"),
    ev.ReapedVia.EXIT_HANDLER: N_("multiprocessing's exit handler"),
}

_EXITED_WHY = {
    ev.WhoReaps.EXIT_HANDLER: N_("its parent {reaper_pid} is exiting: multiprocessing's exit handler terminate()s "
                                 "and joins every daemonic child"),
    ev.WhoReaps.KERNEL: N_("its parent {reaper_pid} ignores SIGCHLD (SigIgn in /proc/{reaper_pid}/status), so the "
                           "kernel reaped it at once: no zombie, and its parent's waitpid() fails with ECHILD"),
}

_SENT_IN_PLACE = {
    ev.Emulated.FORK_SERVER_REAPS: N_("; in place of {label}.{method}(), whose os.kill() goes by PID: the fork "
                                      "server, not proctui, reaps this child when it ends, and then its PID could "
                                      "name another process"),
    ev.Emulated.JOIN_UNDER_WAY: N_("; in place of {label}.{method}(), whose os.kill() goes by PID: a join of it is "
                                   "under way, which reaps it when it ends, and then its PID could name another "
                                   "process"),
}

_SIGNAL_TAKEN = {
    ev.Disposition.CAUGHT: N_(": /proc/{pid}/status lists {name} as caught (SigCgt), so it does not die of it: its "
                              "own handler decides what happens"),
    ev.Disposition.IGNORED: N_(": /proc/{pid}/status lists {name} as ignored (SigIgn), so nothing happens; kill() "
                               "(SIGKILL) cannot be ignored"),
}

_JOIN_BLOCKS = {
    ev.Disposition.IGNORED: N_("{said} (x ends it; t does not: /proc/{pid}/status lists SIGTERM as ignored, "
                               "SigIgn)"),
    ev.Disposition.CAUGHT: N_("{said} (x ends it; t runs its own SIGTERM handler, SigCgt in /proc/{pid}/status, "
                              "which decides)"),
}


def _status(status: int | None) -> str:
    return "?" if status is None else f"{status:#06x}"


class Sentences:
    """The event log's sentences in one language: ``Sentences("zh").forked(event)``."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._ = words(language)

    def say(self, message: str, e: ev.LabEvent | None = None, **more: object) -> str:
        """message in this language, its fields filled from e's facts and from more."""
        facts = e.facts() if e is not None else {}
        return self._(message).format_map({**facts, **more})

    # -- starting --------------------------------------------------------------------------

    def forked(self, e: ev.Forked) -> str:
        daemonic = self.say(N_(", daemon=True")) if e.daemon else ""
        return self.say(N_("{label}.start() -> {call} -> child {pid} ({role}{daemonic})"), e,
                        call=self._(_START_CALL[e.start_method]), role=self._(e.role), daemonic=daemonic)

    def script_started(self, e: ev.ScriptStarted) -> str:
        version = self.say(N_(" (Python {python_version})"), e) if e.python_version else ""
        return self.say(N_("{label}: {python} {flags}{path}{args} is PID {pid}{version}, paused before the script's "
                           "first line (n next, s step into, r return, c continue, b breakpoint)"), e,
                        python=e.python or "python", flags="-O " if e.optimize else "",
                        args="".join(f" {arg}" for arg in e.args), version=version)

    def script_forked(self, e: ev.ScriptForked) -> str:
        happened, traced, free = _SCRIPT_FORKED.get(e.via, _SCRIPT_FORKED["fork"])
        if e.requested_by:
            asked = self.say(N_("PID {requested_by}'s p.start()"), e)
        else:
            asked = self.say(N_("the script's p.start()"))
        said = self.say(happened, e, asked=asked)
        return self.say(traced if e.traced else free, said=said)

    def script_start_method(self, e: ev.ScriptStartMethod) -> str:
        who = self.say(N_("{label} (PID {pid})"), e) if e.label else f"PID {e.pid}"
        if e.chosen is None:
            said = N_("{who} uses multiprocessing on Python {python}, whose default start method is {default}")
        elif e.chosen == e.default:
            said = N_("{who} set the start method to {chosen}, Python {python}'s default")
        else:
            said = N_("{who} set the start method to {chosen} (Python {python}'s default is {default})")
        if e.method in _START_METHOD_MEANS:
            means = self.say(_START_METHOD_MEANS[e.method])
        else:
            means = self.say(N_("{method}, a start method proctui does not know"), method=e.method)
        return self.say(N_("{said}: {means}"), said=self.say(said, e, who=who), means=means)

    def script_read_stdin(self, e: ev.ScriptReadStdin) -> str:
        return self.say(N_("{label} (PID {pid}) read its stdin: end of file (a script run by proctui has no input)"),
                        e)

    def grandchild_forked(self, e: ev.GrandchildForked) -> str:
        return self.say(N_("{parent_label} forked grandchild {pid} ({label}); proctui has no Process object for it"),
                        e)

    def fork_warned(self, e: ev.ForkWarned) -> str:
        if e.in_pool:
            return self.say(N_("Python warns: {message} Pool workers only set up their output, run tasks and "
                               "return; the worker handler thread forks the replacements, from a thread too."), e)
        return self.say(N_("Python warns: {message} Only the forking thread goes on in the child: proctui's children "
                           "first take fresh stdout and stderr and default signal handlers, and never touch Textual, "
                           "whose threads (and the locks they held) stayed behind; then they print, sleep, start "
                           "threads or processes of their own, exec sh or write to memory, and exit."), e)

    def output(self, e: ev.Output) -> str:
        if e.pid is None:
            return e.line
        said = f"[{e.pid} {e.label}] {e.line}" if e.by_script and e.label else f"[{e.pid}] {e.line}"
        if e.parent_pid is None or e.parent_is is None:
            return said
        if e.parent_is is ev.ParentIs.FORK_SERVER:
            whose = self.say(N_("the fork server, not the script: under forkserver the fork server forks every "
                                "child"))
        elif e.parent_is is ev.ParentIs.PROCTUI:
            whose = self.say(N_("proctui, which started the script"))
        elif e.parent_label:
            whose = self.say(N_("{parent_label}, which forked or started it"), e)
        else:
            whose = self.say(N_("the process that started it"))
        return self.say(N_("{said}   <- {parent_pid} is its parent: {whose}"), e, said=said, whose=whose)

    def output_not_shown(self, e: ev.OutputNotShown) -> str:
        if e.pid is None:
            return self.say(N_("… {count:,} lines of {label} not shown"), e)
        return self.say(N_("… {count:,} lines of {label} (PID {pid}) not shown"), e)

    # -- exits and reaping -------------------------------------------------------------------

    def exited(self, e: ev.Exited) -> str:
        if e.who_reaps is ev.WhoReaps.WAITPID:
            assert e.status is not None
            return self.say(N_("child {pid} ({label}) exited, status {status} ({decoded}) -> exitcode {code}; it "
                               "stays a zombie until waitpid({pid})"), e, status=f"{e.status:#06x}",
                            decoded=decode_status(e.status), code=describe_exitcode(e.exitcode))
        if e.who_reaps is ev.WhoReaps.FORK_SERVER:
            server = self.say(N_("the fork server (PID {reaper_pid})"), e) if e.reaper_pid else self.say(
                N_("the fork server"))
            return self.say(N_("child {pid} ({label}) exited; its parent is {server}, which reaps it at once (no "
                               "zombie). join() reads its exit code from the sentinel."), e, server=server)
        why = _EXITED_WHY.get(e.who_reaps, N_("its parent PID {reaper_pid} reaps it"))
        return self.say(N_("{label} (PID {pid}) ended; {why}"), e, why=self.say(why, e))

    def reaped(self, e: ev.Reaped) -> str:
        name = e.label if e.label is not None else f"PID {e.pid}"
        return self.say(_REAPED.get(e.call, _REAPED_ORPHAN), e, status=_status(e.status),
                        code=describe_exitcode(e.exitcode), name=name)

    def reaped_by_script(self, e: ev.ReapedByScript) -> str:
        status, code = f"{e.status:#06x}", describe_exitcode(e.exitcode)
        where = ""
        if e.file is not None and e.line is not None:
            where = self.say(N_(", at {file}:{line}"), file=os.path.basename(e.file), line=e.line)
        if e.via is ev.ReapedVia.FORK_SERVER:
            return self.say(N_("{label} (PID {pid}) reaped by its parent, the fork server (PID {reaper_pid}), as it "
                               "exited: {call}() -> ({pid}, {status}) -> exit code {code}; no zombie under the "
                               "script"), e, status=status, code=code)
        reaper = self.say(N_("{reaper_label} (PID {reaper_pid})"), e) if e.reaper_label else f"PID {e.reaper_pid}"
        if e.via is not None:
            by = self._(REAPED_VIA[e.via])
        elif e.through is not None:
            by = f"{e.through}()"  # a multiprocessing function not named above: code, in every language
        else:
            by = self.say(N_("the script's own {call}()"), e)
        return self.say(N_("{label} (PID {pid}) reaped by {by} in {reaper}{where}: {call}() -> ({pid}, {status}) -> "
                           "exit code {code}; PID {pid} is gone"), e, by=by, reaper=reaper, where=where,
                        status=status, code=code)

    def pool_worker_reaped(self, e: ev.PoolWorkerReaped) -> str:
        code = describe_exitcode(e.exitcode)
        aside = ""
        if e.start_method == "forkserver":
            aside = self.say(N_(" (the fork server did the waitpid; join() read the status from the sentinel)"))
        if e.by is ev.PoolReap.JOIN:
            return self.say(N_("{pool}.join(): waited for {label} (PID {pid}) to exit and reaped it, exitcode "
                               "{code}{aside}"), e, code=code, aside=aside)
        if e.by is ev.PoolReap.TERMINATE:
            return self.say(N_("{pool}.terminate(): {label} (PID {pid}) ended with exitcode {code} and was reaped "
                               "by join(){aside}"), e, code=code, aside=aside)
        if e.exitcode == 0 and e.maxtasksperchild is not None:
            why = self.say(N_("maxtasksperchild={maxtasksperchild} reached, exitcode 0"), e)
        else:
            why = self.say(N_("exitcode {code}"), code=code)
        if e.start_method == "forkserver":
            how = self.say(N_("the fork server reaped it and worker.exitcode read the status from the sentinel"))
        else:
            how = self.say(N_("its worker.exitcode called waitpid({pid}, WNOHANG), which reaped it (unless a start() "
                              "elsewhere in proctui got there first: process._cleanup() polls every child in "
                              "multiprocessing's list)"), e)
        text = self.say(N_("the pool's worker handler thread joined {label} (PID {pid}) after it exited ({why}): "
                           "{how}, then del pool._pool[i]. Pool reaps its own workers"), e, why=why, how=how)
        if e.exitcode is not None and e.exitcode < 0:
            text += self.say(N_(". A killed worker's task is lost, so its map never completes; and had it been "
                                "waiting for a task it died holding the task queue's lock, which no other worker "
                                "(nor terminate()) can ever take: the pool hangs"))
        return text

    def adopted(self, e: ev.Adopted) -> str:
        return self.say(N_("{label} (PID {pid}) lost its parent {former_parent}: the kernel re-parented it to PID "
                           "{adopter_pid}, {adopter}"), e, adopter=self._(_ADOPTERS[e.adopter]))

    # -- signals and waiting ---------------------------------------------------------------

    def signalled(self, e: ev.Signalled) -> str:
        name = signal_name(e.signal)
        if e.signal in (signal.SIGSTOP, signal.SIGCONT):
            if e.signal == signal.SIGCONT:
                effect = self.say(N_("it runs again"))
            else:
                effect = self.say(N_("the kernel stops it (T) until SIGCONT"))
            return self.say(N_("kill({pid}, {name}) -> {label}: {effect}"), e, name=name, effect=effect)
        if e.was_zombie:
            taken = self.say(N_(": {pid} is a zombie. The kernel accepts the signal, and it changes nothing: a "
                                "zombie runs no more code; only waitpid() (a join) removes it"), e)
        else:
            taken = self.say(_SIGNAL_TAKEN[e.disposition], e, name=name) if e.disposition in _SIGNAL_TAKEN else ""
        return self._sent(e, name) + taken

    def _sent(self, e: ev.Signalled, name: str) -> str:
        """How the signal was sent: by multiprocessing's own call, or by proctui through a pidfd."""
        if e.called:
            return self.say(N_("{label}.{method}() -> os.kill({pid}, {name}): multiprocessing's own call, by PID, "
                               "made once proctui had checked that PID {pid} still names this child, which nobody "
                               "could reap meanwhile"), e, name=name)
        sent = self.say(N_("kill({pid}, {name}) -> {label} (sent through a pidfd: only this very process can get it)"),
                        e, name=name)
        if e.emulated is ev.Emulated.NO_METHOD:
            return sent + self.say(N_("; proctui emulates Process.interrupt(), which this Python lacks (it is new "
                                      "in 3.14)"))
        if e.emulated in _SENT_IN_PLACE:
            return sent + self.say(_SENT_IN_PLACE[e.emulated], e)
        if e.method is not None:
            return self.say(N_("{label}.{method}() is {sent}"), e, sent=sent)
        if e.signal == signal.SIGINT:
            return sent + self.say(N_("; Process.interrupt() (Python 3.14+) sends the same"))
        return sent

    def join_blocks(self, e: ev.JoinBlocks) -> str:
        said = self.say(N_("{label}.join() -> waitpid({pid}, 0) blocks: the child is still running"), e)
        return self.say(_JOIN_BLOCKS.get(e.sigterm, N_("{said} (x ends it; t too, unless it is stopped)")), e,
                        said=said)

    def join_stepped(self, e: ev.JoinStepped) -> str:
        if not e.started:
            return self.say(N_("{label} = Process(...) is created but never started; stepping its join()"), e)
        return self.say(N_("{label}.join({timeout}): stepping through join() in the code viewer"), e,
                        timeout="" if e.timeout is None else e.timeout)

    def join_returned(self, e: ev.JoinReturned) -> str:
        said = self.say(N_("{label}.join({timeout}) returned before the child was reaped: exitcode is still None"), e)
        if e.child_state is not None and e.child_state not in "ZX":
            return self.say(N_("{said}; the child is still running ({child_state} in /proc)"), e, said=said)
        exited = self.say(N_("has exited (Z in /proc)") if e.child_state == "Z" else N_("is gone from /proc"))
        if e.sentinel_writers:
            holders = self.say(N_(", ")).join(str(pid) for pid in e.sentinel_writers)
            return self.say(N_("{said}. The child {exited}, but its sentinel never became readable: PID {holders} "
                               "still holds the write end of the sentinel pipe (a process it forked inherited it), "
                               "and the pipe reads as closed only when every copy is"), e, said=said, exited=exited,
                            holders=holders)
        return self.say(N_("{said}. The child {exited}; its sentinel became readable only after the timeout"), e,
                        said=said, exited=exited)

    def still_alive(self, e: ev.StillAlive) -> str:
        if e.on_sentinel:
            return self.say(N_("{label}.is_alive() -> poll() -> connection.wait([sentinel], 0) -> [] -> True: still "
                               "running (under forkserver poll() calls no waitpid: the fork server is the parent)"), e)
        return self.say(N_("{label}.is_alive() -> poll() -> waitpid({pid}, WNOHANG) -> (0, 0) -> True: still "
                           "running, nothing reaped"), e)

    def cow_memory(self, e: ev.CowMemory) -> str:
        if not e.written:
            return self.say(N_("{label} (PID {pid}), /proc/{pid}/smaps_rollup: Shared {shared} kB (pages proctui maps "
                               "too), Private_Dirty {private_dirty} kB, Pss {pss} kB. fork() copied no page: "
                               "proctui's cow_list ({list_kb} kB) stays shared until one side writes to it"), e)
        return self.say(N_("{label} (PID {pid}) wrote, /proc/{pid}/smaps_rollup: Private_Dirty {private_dirty} kB (was "
                           "{was_private_dirty}), Shared {shared} kB (was {was_shared}), Pss {pss} kB (was {was_pss}): "
                           "the kernel gave it a copy of its own of each page it wrote (Private_Dirty grew by {copied} "
                           "kB). proctui's own copies are unchanged: cow_writer = {parent_writer!r}, sum(cow_list) = "
                           "{parent_sum}"), e, copied=e.copied)

    def where_blocked(self, e: ev.WhereBlocked) -> str:
        threads = self.say(N_("; ")).join(
            self.say(N_("thread {tid}{main} {state} in {wchan}"), tid=tid, state=state, wchan=wchan,
                     main=self.say(N_(" (main)")) if tid == e.pid else "")
            for tid, state, wchan in e.threads)
        text = self.say(N_("{label} (PID {pid}), from /proc/{pid}/task/*/stat and wchan: {threads}"), e,
                        threads=threads)
        if e.feeder_blocked:
            size = self.say(N_(" ({pipe_size} bytes)"), e) if e.pipe_size else ""
            text += self.say(N_(". Its queue's feeder thread is blocked writing into the pipe, which is full{size}; at "
                                "exit its main thread joins that thread: it cannot exit until someone calls get()"),
                             size=size)
        return text

    def queue_got(self, e: ev.QueueGot) -> str:
        return self.say(N_("proctui: queue.get() -> {size} bytes from {label} (PID {pid}): the pipe drains, its feeder "
                           "thread writes the rest and ends, and nothing keeps the child from exiting"), e)

    # -- pools -------------------------------------------------------------------------------

    def pool_created(self, e: ev.PoolCreated) -> str:
        if e.maxtasksperchild is None:
            limit = self.say(N_("no limit"))
        else:
            limit = f"maxtasksperchild={e.maxtasksperchild}"
        return self.say(N_("{label} = Pool({processes}, {limit}) ({start_method}): proctui now has a worker handler "
                           "thread (replaces exited workers and reaps them), a task handler and a result handler "
                           "thread"), e, limit=limit)

    def pool_worker_started(self, e: ev.PoolWorkerStarted) -> str:
        by = self.say(N_("the pool's worker handler thread")) if e.by_handler else f"Pool({e.processes})"
        how = self._(_POOL_WORKER_START[e.start_method])
        if e.replaces:
            return self.say(N_("{label} (PID {pid}) started by {by} to replace {replaces}: {how}"), e, by=by, how=how)
        return self.say(N_("{label} (PID {pid}) started by {by}: {how}"), e, by=by, how=how)

    def pool_mapped(self, e: ev.PoolMapped) -> str:
        return self.say(N_("{label}.map_async(square_slowly, range({tasks}), chunksize=1): {tasks} tasks queued for "
                           "{processes} workers, {seconds} s each"), e)

    def pool_task_done(self, e: ev.PoolTaskDone) -> str:
        worker = self.say(N_(" ({label})"), e) if e.label else ""
        return self.say(N_("{pool}: task {x} -> {square} on PID {pid}{worker}"), e, worker=worker)

    def pool_closing(self, e: ev.PoolClosing) -> str:
        return self.say(N_("{label}.close(): no new tasks. When the queued ones are done the worker handler stops and "
                           "each worker gets a None sentinel and exits; {label}.join() waits for that"), e)

    def pool_terminating(self, e: ev.PoolTerminating) -> str:
        return self.say(N_("{label}.terminate(): stop the handler threads, kill(pid, SIGTERM) every worker still "
                           "running, then join() each"), e)

    def pool_maps_dropped(self, e: ev.PoolMapsDropped) -> str:
        return self.say(N_("{label}: {unfinished} map(s) never finished: terminate() drops their tasks and their "
                           "callbacks never run"), e)

    def pool_map_failed(self, e: ev.PoolMapFailed) -> str:
        return self.say(N_("{label}: map failed: {error}"), e)

    def pool_hangs(self, e: ev.PoolHangs) -> str:
        return self.say(N_("{label}.terminate() hangs (a worker died holding the task queue's lock): killing its "
                           "workers"), e)

    # -- the lab's own settings ------------------------------------------------------------

    def start_method_chosen(self, e: ev.StartMethodChosen) -> str:
        return self.say(N_("start method for new children: {start_method}. {note}"), e,
                        note=self._(_START_METHOD_NOTES[e.start_method]))

    def subreaper_set(self, e: ev.SubreaperSet) -> str:
        if e.on:
            return self.say(N_("prctl(PR_SET_CHILD_SUBREAPER, 1): orphans below proctui now come to proctui"))
        return self.say(N_("prctl(PR_SET_CHILD_SUBREAPER, 0): orphans now go to PID 1 or the nearest subreaper above "
                           "proctui"))

    def hidden_reaping_unguarded(self, e: ev.HiddenReapingUnguarded) -> str:
        return self.say(N_("this Python's multiprocessing has no process._children: proctui cannot keep start() and "
                           "active_children() from reaping its children, so a zombie may vanish when another child "
                           "starts"))

    def orphan_leaves_the_tree(self, e: ev.OrphanLeavesTheTree) -> str:
        return self.say(N_("proctui is not a child subreaper now: the orphan goes to the nearest subreaper above "
                           "proctui, else to PID 1 of its PID namespace, and leaves this tree"))

    # -- things that went wrong -------------------------------------------------------------

    def watch_failed(self, e: ev.WatchFailed) -> str:
        return self.say(N_("internal error while watching children: {error}"), e)

    def refused(self, e: ev.Refused) -> str:
        return refusal_sentence(e, self._)
