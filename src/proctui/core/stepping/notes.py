"""What a line of multiprocessing's own source does, for the two code viewers: the
stepped join (``w``: join → wait → poll) and ``proctui run`` (a script stepped with pdb's
letters, ``s`` into ``p.start()`` down to the ``_launch`` of the start method in use,
and into ``p.join()``).

A line is found by its file (``multiprocessing/<module>.py``), its function and its
text, never by its number: line numbers move between releases, and a line that exists
only on some of them (3.14's ``_fork_intent`` around ``os.fork()``, 3.13's ``atexit``
calls in the child) gets its note only where it is. Every note is true on each release
that has the line (3.10-3.15, read in their sources). What a note says about this very
pause comes from the pause's own facts: the locals as the tracer described them (a
Popen's ``pid``, poll's ``flag``), never from a guess about what happened.
"""

from __future__ import annotations

import ast
import functools
import linecache
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from proctui.core.i18n import LANGUAGES, N_, words

if TYPE_CHECKING:
    from proctui.core.script.runner import Pause


@dataclass(frozen=True)
class LineNote:
    """A note on one line: key says which fact it states (tests read it), text says it."""

    key: str
    text: str


# (module, function): (fragment of the stripped line, key), first match wins. The
# function is the code object's own name (3.10 reports no qualified name).
_NOTES: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("process", "start"): (
        ("self._check_closed()", "start_closed"),
        ("cannot start a process twice", "start_twice"),
        ("self._parent_pid == os.getpid()", "start_parent"),
        ("_config.get('daemon')", "start_daemon"),
        ("_cleanup()", "start_cleanup"),
        ("self._popen = self._Popen(self)", "start_popen"),
        ("self._sentinel = self._popen.sentinel", "start_sentinel"),
        ("del self._target, self._args, self._kwargs", "start_forget_target"),
        ("_children.add(self)", "start_children"),
    ),
    ("process", "join"): (
        ("self._check_closed()", "join_closed"),
        ("self._parent_pid == os.getpid()", "join_parent"),
        ("self._popen is not None", "join_popen"),
        ("self._popen.wait(timeout)", "join_wait"),
        ("if res is not None:", "join_res"),
        ("_children.discard(self)", "join_discard"),
    ),
    ("process", "_bootstrap"): (
        ("context._force_start_method(self._start_method)", "boot_method"),
        ("_children = set()", "boot_children"),
        ("util._close_stdin()", "boot_stdin"),
        ("_parent_process = _ParentProcess(", "boot_parent"),
        ("self._after_fork()", "boot_after_fork"),
        ("self.run()", "boot_run"),
        ("exitcode = 0", "boot_exit_0"),
        ("exitcode = e.code", "boot_exit_code"),
        ("exitcode = 1", "boot_exit_1"),
        ("util._exit_function()", "boot_exit_function"),
        ("threading._shutdown()", "boot_threads"),
        ("util._flush_std_streams()", "boot_flush"),
    ),
    ("context", "_Popen"): (
        ("from .popen_fork import Popen", "ctx_fork"),
        ("from .popen_spawn_posix import Popen", "ctx_spawn"),
        ("from .popen_forkserver import Popen", "ctx_forkserver"),
        ("return Popen(process_obj)", "ctx_popen"),
        ("_default_context.get_context().Process._Popen(process_obj)", "ctx_default"),
    ),
    ("context", "get_context"): (
        ("self._actual_context = self._default_context", "ctx_fixed"),
    ),
    ("popen_fork", "__init__"): (
        ("util._flush_std_streams()", "popen_flush"),
        ("self.returncode = None", "popen_returncode"),
        ("self._launch(process_obj)", "popen_launch"),
    ),
    ("popen_fork", "_launch"): (
        ("code = 1", "fork_code"),
        ("parent_r, child_w = os.pipe()", "fork_pipe_sentinel"),
        ("child_r, parent_w = os.pipe()", "fork_pipe_parent"),
        ("from .resource_tracker import _fork_intent", "fork_intent_import"),
        ("_fork_intent.preserve_fd = True", "fork_intent_set"),
        ("self.pid = os.fork()", "fork_call"),
        ("_fork_intent.preserve_fd = False", "fork_intent_reset"),
        ("if self.pid == 0:", "fork_side"),
        ("atexit._clear()", "fork_atexit_clear"),
        ("atexit.register(util._exit_function)", "fork_atexit_register"),
        ("os.close(parent_r)", "fork_child_closes"),
        ("os.close(parent_w)", "fork_child_closes"),
        ("process_obj._bootstrap(parent_sentinel=child_r)", "fork_bootstrap"),
        ("atexit._run_exitfuncs()", "fork_exitfuncs"),
        ("os._exit(code)", "fork_exit"),
        ("os.close(child_w)", "fork_parent_closes_w"),
        ("os.close(child_r)", "fork_parent_closes_r"),
        ("self.finalizer = util.Finalize(", "finalizer"),
        ("self.sentinel = parent_r", "sentinel"),
    ),
    ("popen_fork", "wait"): (
        ("if self.returncode is None:", "returncode_known"),
        ("if timeout is not None:", "wait_timeout"),
        ("if not wait([self.sentinel], timeout)", "wait_sentinel"),
        ("return None", "wait_gave_up"),
        ("self.poll(os.WNOHANG if timeout == 0.0 else 0)", "wait_flag"),
    ),
    ("popen_fork", "poll"): (
        ("if self.returncode is None:", "returncode_known"),
        ("os.waitpid(self.pid, flag)", "waitpid"),
        ("except OSError:", "poll_echild"),
        ("return None", "poll_none"),
        ("if pid == self.pid:", "poll_pid"),
        ("os.waitstatus_to_exitcode(sts)", "poll_decode"),
    ),
    ("popen_spawn_posix", "__init__"): (
        ("self._fds = []", "spawn_fds"),
        ("super().__init__(process_obj)", "popen_super"),
    ),
    ("popen_spawn_posix", "_launch"): (
        ("resource_tracker.getfd()", "spawn_tracker"),
        ("spawn.get_preparation_data(", "prep_data"),
        ("set_spawning_popen(self)", "spawning_popen"),
        ("reduction.dump(prep_data", "pickle_prep"),
        ("reduction.dump(process_obj", "pickle_process"),
        ("parent_r, child_w = os.pipe()", "spawn_pipe_sentinel"),
        ("child_r, parent_w = os.pipe()", "spawn_pipe_data"),
        ("spawn.get_command_line(", "spawn_command"),
        ("util.spawnv_passfds(", "spawn_exec"),
        ("os.close(child_r)", "spawn_closes_child_end"),
        ("os.close(child_w)", "spawn_closes_child_end"),
        ("os.close(fd)", "spawn_closes_child_end"),
        ("self.sentinel = parent_r", "sentinel"),
        ("f.write(fp.getbuffer())", "spawn_write"),
        ("self.finalizer = util.Finalize(", "finalizer"),
    ),
    ("popen_forkserver", "__init__"): (
        ("self._fds = []", "forkserver_fds"),
        ("super().__init__(process_obj)", "popen_super"),
    ),
    ("popen_forkserver", "_launch"): (
        ("spawn.get_preparation_data(", "prep_data"),
        ("set_spawning_popen(self)", "spawning_popen"),
        ("reduction.dump(prep_data", "pickle_prep"),
        ("reduction.dump(process_obj", "pickle_process"),
        ("forkserver.connect_to_new_process(self._fds)", "fs_connect"),
        ("_parent_w = os.dup(w)", "fs_parent_w"),
        ("self.finalizer = util.Finalize(", "finalizer"),
        ("f.write(buf.getbuffer())", "fs_write"),
        ("forkserver.read_signed(self.sentinel)", "fs_read_pid"),
    ),
    ("popen_forkserver", "poll"): (
        ("if self.returncode is None:", "returncode_known"),
        ("timeout = 0 if flag == os.WNOHANG else None", "fs_poll_timeout"),
        ("if not wait([self.sentinel], timeout)", "fs_poll_wait"),
        ("return None", "fs_poll_none"),
        ("forkserver.read_signed(self.sentinel)", "fs_poll_read"),
        ("except (OSError, EOFError):", "fs_poll_eof"),
        ("self.returncode = 255", "fs_poll_255"),
    ),
    ("forkserver", "connect_to_new_process"): (
        ("self.ensure_running()", "fs_ensure"),
        ("client.connect(self._forkserver_address)", "fs_socket"),
        ("connection.answer_challenge(", "fs_auth"),
        ("connection.deliver_challenge(", "fs_auth"),
        ("reduction.sendfds(client, allfds)", "fs_sendfds"),
        ("return parent_r, parent_w", "fs_return"),
        ("os.close(child_r)", "fs_close_child_ends"),
        ("os.close(child_w)", "fs_close_child_ends"),
    ),
}

#: Every note, by key; {names} are facts of the pause. The English is the message id; its
#: translations are in the catalogue (locale/).
PHRASES: dict[str, str] = {
    # BaseProcess.start
    "start_closed": N_("start() on a closed Process raises ValueError"),
    "start_twice": N_("a Process starts once: a second start() fails this assert (python -O strips it)"),
    "start_parent": N_("only the process that created the Process object may start it"),
    "start_daemon": N_("a daemon process may not start children of its own"),
    "start_cleanup": N_("_cleanup() polls every child this process started and has not joined: under fork and "
    "spawn each one that has ended is reaped here (waitpid with WNOHANG), so starting a Process makes "
    "earlier zombies vanish"),
    "start_popen": N_("self._Popen(self) starts the child: it makes the Popen of the start method in use "
    "(s steps in)"),
    "start_sentinel": N_("the sentinel: a pipe's read end that becomes readable when the child ends (under "
    "forkserver, when the fork server writes the child's exit code into it)"),
    "start_forget_target": N_("the parent drops its references to the target and its arguments: the child has "
    "its own (bpo-30775: no reference cycle)"),
    "start_children": N_("the Process joins multiprocessing's set of children: active_children() and every "
    "later start() poll it, and so, under fork and spawn, reap it once it has ended"),
    # BaseProcess.join
    "join_closed": N_("join() on a closed Process raises ValueError"),
    "join_parent": N_("only the process that started the child may join it"),
    "join_popen": N_("start() creates the Popen; without it there is nothing to wait for"),
    "join_wait": N_("the real work: Popen.wait() of the start method in use"),
    "join_res": N_("wait() returns None when a timeout passed first (or waitpid() found no such child): then "
    "the child stays unjoined"),
    "join_discard": N_("the child is reaped: multiprocessing stops tracking it"),
    # BaseProcess._bootstrap, in the child
    "boot_method": N_("the child keeps its parent's start method for children of its own"),
    "boot_children": N_("the child starts with no children of its own (any it inherited in the set were its "
    "parent's)"),
    "boot_stdin": N_("the child's sys.stdin is closed and opened again on /dev/null (os.devnull)"),
    "boot_parent": N_("parent_process() in the child: it watches parent_sentinel to tell whether the parent "
    "still lives"),
    "boot_after_fork": N_("under fork and forkserver, the hooks registered with util.register_after_fork run "
    "here (locks and queues reset themselves); under spawn this does nothing"),
    "boot_run": N_("run(): your target, or a subclass's own run() (s steps in)"),
    "boot_exit_0": N_("exit code 0: run() returned, or it called sys.exit() with no code"),
    "boot_exit_code": N_("sys.exit(n) in the child: n is its exit code (the kernel keeps the low 8 bits)"),
    "boot_exit_1": N_("exit code 1: an uncaught exception (its traceback is printed), or sys.exit() with a "
    "code that is not an int (printed)"),
    "boot_exit_function": N_("multiprocessing's exit function: it terminates the child's daemon children and "
    "joins its children"),
    "boot_threads": N_("the child waits for its other non-daemon threads to end"),
    "boot_flush": N_("stdout and stderr are flushed: the child is about to end"),
    # context
    "ctx_fork": N_("fork: popen_fork.Popen will call os.fork() in this very process"),
    "ctx_spawn": N_("spawn: popen_spawn_posix.Popen will start a fresh Python"),
    "ctx_forkserver": N_("forkserver: popen_forkserver.Popen will ask the fork server for the child; this "
    "process forks nothing"),
    "ctx_popen": N_("making the Popen starts the child: its __init__ calls _launch (s steps in)"),
    "ctx_default": N_("multiprocessing.Process uses the default context: the method set with "
    "set_start_method(), else the platform's default (on Linux fork up to 3.13, forkserver from 3.14)"),
    "ctx_fixed": N_("the first use fixes the default start method: set_start_method() now raises RuntimeError "
    "(unless force=True)"),
    # Popen.__init__
    "popen_flush": N_("stdout and stderr are flushed before the child starts: under fork, text still in "
    "their buffers would be printed twice, once by each process"),
    "popen_returncode": N_("returncode stays None until the child's exit code is known (reaped, or read from "
    "the fork server)"),
    "popen_launch": N_("_launch of the start method in use starts the child (s steps in)"),
    "popen_super": N_("popen_fork.Popen.__init__ does the rest: it calls this class's own _launch"),
    # popen_fork.Popen._launch
    "fork_code": N_("the child's exit code if _bootstrap raises instead of returning one"),
    "fork_pipe_sentinel": N_("a pipe whose read end will be the sentinel: only the child keeps the write end, "
    "so the sentinel becomes readable when the child ends"),
    "fork_pipe_parent": N_("a second pipe, the other way: the parent keeps the write end, and the child "
    "watches the read end (parent_sentinel) to know whether its parent lives"),
    "fork_intent_import": N_("a flag of this thread's that the resource tracker's at-fork hook reads in the "
    "child (set just below)"),
    "fork_intent_set": N_("tells the resource tracker's at-fork hook, which runs in the child, to keep the "
    "child's inherited pipe to the parent's resource tracker: the child reuses that tracker "
    "(gh-146313). After a plain os.fork() the child closes the pipe"),
    "fork_call": N_("os.fork(): the kernel copies this process. fork() returns twice: the child's PID here in "
    "the parent, 0 in the child, and each goes on from the next line (stepped over, each gets a viewer)"),
    "fork_intent_reset": N_("the finally runs on both sides of the fork and clears the flag, so a later plain "
    "os.fork() does not keep the tracker's pipe"),
    "fork_intent_reset_child": N_("the finally runs on both sides of the fork and clears the flag, so a later "
    "plain os.fork() does not keep the tracker's pipe. Here self.pid is 0: this is the child"),
    "fork_intent_reset_parent": N_("the finally runs on both sides of the fork and clears the flag, so a later "
    "plain os.fork() does not keep the tracker's pipe. Here self.pid is {pid}: this is the parent, and "
    "{pid} is the child's PID"),
    "fork_side": N_("fork() returned 0 in the child and the child's PID in the parent: this test sends each "
    "side its own way"),
    "fork_side_child": N_("this test sends each side of the fork its own way: self.pid is 0 here, so this is "
    "the child"),
    "fork_side_parent": N_("this test sends each side of the fork its own way: self.pid is {pid} here (the "
    "child's PID), so this is the parent"),
    "fork_atexit_clear": N_("the child drops the exit handlers it inherited from the parent"),
    "fork_atexit_register": N_("the child registers multiprocessing's exit function as its only exit handler: "
    "when the child leaves, it terminates the child's daemon children and joins its children"),
    "fork_child_closes": N_("the child closes the parent's end of a pipe"),
    "fork_bootstrap": N_("the child runs the Process: _bootstrap calls run() (your target) and returns its "
    "exit code: 0, 1 after an uncaught exception, or sys.exit()'s code. The parent never runs this line"),
    "fork_exitfuncs": N_("the child's exit handlers run now (multiprocessing's joins the child's own "
    "children): os._exit() below would skip them"),
    "fork_exit": N_("the child ends here, with os._exit(code): no return into the code that called start(), "
    "no interpreter clean-up. It is a zombie until its parent reaps it (join(), is_alive() or the next "
    "start() do)"),
    "fork_parent_closes_w": N_("the parent closes its copy of child_w: now only the child holds the write "
    "end, so the sentinel becomes readable when the child ends"),
    "fork_parent_closes_r": N_("the parent closes its copy of child_r, the child's end of the other pipe"),
    "finalizer": N_("the parent's ends of the pipes are closed when the Popen is closed or garbage-collected"),
    "sentinel": N_("parent_r is the sentinel (p.sentinel): it becomes readable once the child has ended"),
    # popen_fork.Popen.wait and poll
    "returncode_known": N_("returncode is set once the child's exit code is known; then it is reused"),
    "wait_timeout": N_("with a timeout, wait on the sentinel first: waitpid() itself cannot time out"),
    "wait_sentinel": N_("sleep until the sentinel is readable or the timeout passes"),
    "wait_gave_up": N_("the timeout passed and the sentinel is still unreadable: join() returns without "
    "reaping; exitcode stays None"),
    "wait_flag": N_("flag 0 blocks until the child exits; WNOHANG would not"),
    "waitpid": N_("os.waitpid(pid, flag) reaps the child if it has ended; with flag 0 it first waits for "
    "that, with WNOHANG it returns (0, 0) at once while the child runs"),
    "waitpid_blocks": N_("os.waitpid(pid, 0): flag is 0 here, so it blocks until the child has ended, then "
    "reaps it: the zombie is gone and its exit status comes back"),
    "waitpid_nohang": N_("os.waitpid(pid, WNOHANG): flag is WNOHANG here, so it returns (0, 0) at once if "
    "the child is still running; if it has ended, it reaps it"),
    "poll_echild": N_("waitpid() failed (ECHILD: someone else already reaped this child): poll() returns None, "
    "as if it still ran"),
    "poll_none": N_("poll() returns None: multiprocessing goes on taking the child for a running one"),
    "poll_pid": N_("waitpid() returns (0, 0) when WNOHANG found the child still running; else the child's "
    "PID, and the child is reaped"),
    "poll_not_yet": N_("pid is 0 here: WNOHANG found the child still running, and nothing was reaped; poll() "
    "returns None"),
    "poll_reaped": N_("pid is {pid} here, the child's: waitpid() has reaped it, and its status is decoded next"),
    "poll_decode": N_("decode the wait status: exit code, or -signal number"),
    # popen_spawn_posix.Popen
    "spawn_fds": N_("the descriptors the new Python will keep: fork_exec closes every other one in it"),
    "spawn_tracker": N_("starts multiprocessing's resource tracker if it is not running (a process of its "
    "own); the new Python gets its pipe"),
    "prep_data": N_("what the child needs to set itself up like this process: sys.path, the current "
    "directory, the main module's path or name"),
    "spawning_popen": N_("while pickling, this Popen is the one spawning: a Connection among the arguments "
    "hands it its descriptor for the child, and a Lock or a Queue may be pickled only now (else RuntimeError)"),
    "pickle_prep": N_("the preparation data is pickled, for the child to read first"),
    "pickle_process": N_("the Process is pickled, target and arguments with it: the child unpickles it, so "
    "the target must be importable (a top-level function)"),
    "spawn_pipe_sentinel": N_("a pipe whose read end will be the sentinel: the new Python keeps the write "
    "end, so the sentinel becomes readable when it ends"),
    "spawn_pipe_data": N_("the pipe the pickled data goes down: the new Python reads it from child_r (and "
    "watches it as its parent sentinel)"),
    "spawn_command": N_("the new Python's command line: python -c 'from multiprocessing.spawn import "
    "spawn_main; spawn_main(...)' with this interpreter's flags"),
    "spawn_exec": N_("a fresh Python: fork and exec done in C (_posixsubprocess.fork_exec), keeping only "
    "these descriptors. No Python code runs in the copy and no at-fork hook; self.pid is the new "
    "Python's PID, a child of this process"),
    "spawn_closes_child_end": N_("the parent closes its copy of a pipe end that is the new Python's"),
    "spawn_write": N_("the pickled data goes down the pipe: the new Python reads it, sets itself up, "
    "unpickles the Process and runs it"),
    # popen_forkserver.Popen
    "forkserver_fds": N_("the descriptors to send to the fork server for the child"),
    "fs_connect": N_("asks the fork server for a child: starts the server if it is not running, connects to "
    "its Unix socket, sends it the child's ends of two new pipes. The fork server forks the child: this "
    "process's own fork() never runs, and it is not the child's parent"),
    "fs_parent_w": N_("a copy of the data pipe's write end, kept while the Popen lives: the child watches "
    "that pipe as its parent sentinel"),
    "fs_write": N_("the pickled data goes to the child the fork server forked: it unpickles the Process and "
    "runs it"),
    "fs_read_pid": N_("reads the child's PID from the sentinel: the fork server writes it there after "
    "forking, and later the child's exit code. The fork server is the child's parent and reaps it"),
    "fs_poll_timeout": N_("WNOHANG: only look (timeout 0); flag 0: wait as long as it takes. The fork server, "
    "not this process, reaps the child"),
    "fs_poll_wait": N_("is the sentinel readable? The fork server writes the exit code into it once it has "
    "reaped the child"),
    "fs_poll_none": N_("nothing on the sentinel yet: the child is still running, and poll() returns None"),
    "fs_poll_read": N_("reads the exit code the fork server sent: no waitpid() here, the fork server has "
    "reaped the child already"),
    "fs_poll_eof": N_("the sentinel ended with no exit code in it: the fork server itself has ended"),
    "fs_poll_255": N_("then poll() says 255, whatever became of the child"),
    # forkserver.connect_to_new_process
    "fs_ensure": N_("starts the fork server if it is not running: a fresh Python that forks every child "
    "asked of it"),
    "fs_socket": N_("connects to the fork server's Unix socket"),
    "fs_auth": N_("each side proves it knows the fork server's key (a challenge each way)"),
    "fs_sendfds": N_("sends descriptors over the socket (SCM_RIGHTS): the child's ends of the two pipes, the "
    "fork server's alive pipe, the resource tracker's and the Popen's own. On them the fork server "
    "forks the child and writes its PID into the status pipe"),
    "fs_return": N_("the parent's ends: the status pipe (the child's PID, later its exit code: the sentinel) "
    "and the data pipe"),
    "fs_close_child_ends": N_("this process closes its copy of a pipe end that was sent to the fork server for "
    "the child"),
}

#: Notes that say which side of the fork this is, from the Popen's pid among the locals.
_SIDED = frozenset({"fork_intent_reset", "fork_side"})
_DESCRIBED_PID = re.compile(r"\bpid=(-?\d+)\b")


def _module_of(filename: str) -> str | None:
    """'popen_fork' for .../multiprocessing/popen_fork.py; None for any other file."""
    path = PurePath(filename)
    if path.parent.name != "multiprocessing" or path.suffix != ".py":
        return None
    return path.stem


def _refined(key: str, locals_: Mapping[str, str]) -> tuple[str, dict[str, object]]:
    """The key for what this pause's own locals show, with the facts its text needs."""
    if key in _SIDED:
        # self is described as '<Popen pid=4242 returncode=None ...>' (stepper.describe_value).
        found = _DESCRIBED_PID.search(locals_.get("self", ""))
        if found is not None:
            pid = int(found.group(1))
            return (f"{key}_child", {}) if pid == 0 else (f"{key}_parent", {"pid": pid})
    if key == "poll_pid":
        returned = locals_.get("pid", "")
        if returned == "0":
            return "poll_not_yet", {}
        if returned.isdigit():
            return "poll_reaped", {"pid": int(returned)}
    if key == "waitpid":
        flag = locals_.get("flag")
        if flag == "0":
            return "waitpid_blocks", {}
        if flag == str(os.WNOHANG):
            return "waitpid_nohang", {}
    return key, {}


def note_for_line(filename: str, func: str, line_text: str, locals_: Mapping[str, str],
                  lang: str = "en") -> LineNote | None:
    """The note on this line of multiprocessing's source, or None (another file, or a
    line with nothing to say). func may be qualified ('Popen._launch') or not."""
    module = _module_of(filename)
    if module is None:
        return None
    notes = _NOTES.get((module, func.rpartition(".")[2]), ())
    text = line_text.strip()
    for fragment, line_key in notes:
        if fragment in text:
            key, facts = _refined(line_key, locals_)
            said = words(lang if lang in LANGUAGES else "en")(PHRASES[key])
            return LineNote(key, said.format(**facts))
    return None


@functools.lru_cache(maxsize=32)
def _statement_starts(filename: str) -> dict[int, int]:
    """For each continuation line of a simple statement spread over several lines, the
    line it starts on (3.12+ may pause at a call's later lines: the note is the call's)."""
    try:
        tree = ast.parse("".join(linecache.getlines(filename)))
    except (SyntaxError, ValueError):
        return {}
    starts: dict[int, int] = {}
    for node in ast.walk(tree):
        # Compound statements (if, for, try, with, def) have a body: their lines are their own.
        if isinstance(node, ast.stmt) and not hasattr(node, "body") and node.end_lineno is not None:
            for line in range(node.lineno + 1, node.end_lineno + 1):
                starts[line] = node.lineno
    return starts


def pause_note(pause: Pause, lang: str = "en", *, first: bool = False) -> LineNote | None:
    """The note on the line a process of ``proctui run`` is paused at, if it is a line of
    multiprocessing's that has one. Only a pause before a line: a return or an exception
    says what it is itself. first: the process's first pause, where the viewer's own words
    on a fork child already say what fork() returned and so which side this is."""
    if pause.event != "line" or _module_of(pause.file) is None:
        return None
    line = _statement_starts(pause.file).get(pause.line, pause.line)
    note = note_for_line(pause.file, pause.func, linecache.getline(pause.file, line), pause.locals, lang)
    if note is not None and first and pause.via == "fork" and note.key.endswith("_child"):
        return None
    return note
