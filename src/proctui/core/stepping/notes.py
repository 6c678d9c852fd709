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

#: Every note, by key and language; {names} are facts of the pause.
PHRASES: dict[str, dict[str, str]] = {
    "en": {
        # BaseProcess.start
        "start_closed": "start() on a closed Process raises ValueError",
        "start_twice": "a Process starts once: a second start() fails this assert (python -O strips it)",
        "start_parent": "only the process that created the Process object may start it",
        "start_daemon": "a daemon process may not start children of its own",
        "start_cleanup": "_cleanup() polls every child this process started and has not joined: under fork and "
        "spawn each one that has ended is reaped here (waitpid with WNOHANG), so starting a Process makes "
        "earlier zombies vanish",
        "start_popen": "self._Popen(self) starts the child: it makes the Popen of the start method in use "
        "(s steps in)",
        "start_sentinel": "the sentinel: a pipe's read end that becomes readable when the child ends (under "
        "forkserver, when the fork server writes the child's exit code into it)",
        "start_forget_target": "the parent drops its references to the target and its arguments: the child has "
        "its own (bpo-30775: no reference cycle)",
        "start_children": "the Process joins multiprocessing's set of children: active_children() and every "
        "later start() poll it, and so, under fork and spawn, reap it once it has ended",
        # BaseProcess.join
        "join_closed": "join() on a closed Process raises ValueError",
        "join_parent": "only the process that started the child may join it",
        "join_popen": "start() creates the Popen; without it there is nothing to wait for",
        "join_wait": "the real work: Popen.wait() of the start method in use",
        "join_res": "wait() returns None when a timeout passed first (or waitpid() found no such child): then "
        "the child stays unjoined",
        "join_discard": "the child is reaped: multiprocessing stops tracking it",
        # BaseProcess._bootstrap, in the child
        "boot_method": "the child keeps its parent's start method for children of its own",
        "boot_children": "the child starts with no children of its own (any it inherited in the set were its "
        "parent's)",
        "boot_stdin": "the child's sys.stdin is closed and opened again on /dev/null (os.devnull)",
        "boot_parent": "parent_process() in the child: it watches parent_sentinel to tell whether the parent "
        "still lives",
        "boot_after_fork": "under fork and forkserver, the hooks registered with util.register_after_fork run "
        "here (locks and queues reset themselves); under spawn this does nothing",
        "boot_run": "run(): your target, or a subclass's own run() (s steps in)",
        "boot_exit_0": "exit code 0: run() returned, or it called sys.exit() with no code",
        "boot_exit_code": "sys.exit(n) in the child: n is its exit code (the kernel keeps the low 8 bits)",
        "boot_exit_1": "exit code 1: an uncaught exception (its traceback is printed), or sys.exit() with a "
        "code that is not an int (printed)",
        "boot_exit_function": "multiprocessing's exit function: it terminates the child's daemon children and "
        "joins its children",
        "boot_threads": "the child waits for its other non-daemon threads to end",
        "boot_flush": "stdout and stderr are flushed: the child is about to end",
        # context
        "ctx_fork": "fork: popen_fork.Popen will call os.fork() in this very process",
        "ctx_spawn": "spawn: popen_spawn_posix.Popen will start a fresh Python",
        "ctx_forkserver": "forkserver: popen_forkserver.Popen will ask the fork server for the child; this "
        "process forks nothing",
        "ctx_popen": "making the Popen starts the child: its __init__ calls _launch (s steps in)",
        "ctx_default": "multiprocessing.Process uses the default context: the method set with "
        "set_start_method(), else the platform's default (on Linux fork up to 3.13, forkserver from 3.14)",
        "ctx_fixed": "the first use fixes the default start method: set_start_method() now raises RuntimeError "
        "(unless force=True)",
        # Popen.__init__
        "popen_flush": "stdout and stderr are flushed before the child starts: under fork, text still in "
        "their buffers would be printed twice, once by each process",
        "popen_returncode": "returncode stays None until the child's exit code is known (reaped, or read from "
        "the fork server)",
        "popen_launch": "_launch of the start method in use starts the child (s steps in)",
        "popen_super": "popen_fork.Popen.__init__ does the rest: it calls this class's own _launch",
        # popen_fork.Popen._launch
        "fork_code": "the child's exit code if _bootstrap raises instead of returning one",
        "fork_pipe_sentinel": "a pipe whose read end will be the sentinel: only the child keeps the write end, "
        "so the sentinel becomes readable when the child ends",
        "fork_pipe_parent": "a second pipe, the other way: the parent keeps the write end, and the child "
        "watches the read end (parent_sentinel) to know whether its parent lives",
        "fork_intent_import": "a flag of this thread's that the resource tracker's at-fork hook reads in the "
        "child (set just below)",
        "fork_intent_set": "tells the resource tracker's at-fork hook, which runs in the child, to keep the "
        "child's inherited pipe to the parent's resource tracker: the child reuses that tracker "
        "(gh-146313). After a plain os.fork() the child closes the pipe",
        "fork_call": "os.fork(): the kernel copies this process. fork() returns twice: the child's PID here in "
        "the parent, 0 in the child, and each goes on from the next line (stepped over, each gets a viewer)",
        "fork_intent_reset": "the finally runs on both sides of the fork and clears the flag, so a later plain "
        "os.fork() does not keep the tracker's pipe",
        "fork_intent_reset_child": "the finally runs on both sides of the fork and clears the flag, so a later "
        "plain os.fork() does not keep the tracker's pipe. Here self.pid is 0: this is the child",
        "fork_intent_reset_parent": "the finally runs on both sides of the fork and clears the flag, so a later "
        "plain os.fork() does not keep the tracker's pipe. Here self.pid is {pid}: this is the parent, and "
        "{pid} is the child's PID",
        "fork_side": "fork() returned 0 in the child and the child's PID in the parent: this test sends each "
        "side its own way",
        "fork_side_child": "this test sends each side of the fork its own way: self.pid is 0 here, so this is "
        "the child",
        "fork_side_parent": "this test sends each side of the fork its own way: self.pid is {pid} here (the "
        "child's PID), so this is the parent",
        "fork_atexit_clear": "the child drops the exit handlers it inherited from the parent",
        "fork_atexit_register": "the child registers multiprocessing's exit function as its only exit handler: "
        "when the child leaves, it terminates the child's daemon children and joins its children",
        "fork_child_closes": "the child closes the parent's end of a pipe",
        "fork_bootstrap": "the child runs the Process: _bootstrap calls run() (your target) and returns its "
        "exit code: 0, 1 after an uncaught exception, or sys.exit()'s code. The parent never runs this line",
        "fork_exitfuncs": "the child's exit handlers run now (multiprocessing's joins the child's own "
        "children): os._exit() below would skip them",
        "fork_exit": "the child ends here, with os._exit(code): no return into the code that called start(), "
        "no interpreter clean-up. It is a zombie until its parent reaps it (join(), is_alive() or the next "
        "start() do)",
        "fork_parent_closes_w": "the parent closes its copy of child_w: now only the child holds the write "
        "end, so the sentinel becomes readable when the child ends",
        "fork_parent_closes_r": "the parent closes its copy of child_r, the child's end of the other pipe",
        "finalizer": "the parent's ends of the pipes are closed when the Popen is closed or garbage-collected",
        "sentinel": "parent_r is the sentinel (p.sentinel): it becomes readable once the child has ended",
        # popen_fork.Popen.wait and poll
        "returncode_known": "returncode is set once the child's exit code is known; then it is reused",
        "wait_timeout": "with a timeout, wait on the sentinel first: waitpid() itself cannot time out",
        "wait_sentinel": "sleep until the sentinel is readable or the timeout passes",
        "wait_gave_up": "the timeout passed and the sentinel is still unreadable: join() returns without "
        "reaping; exitcode stays None",
        "wait_flag": "flag 0 blocks until the child exits; WNOHANG would not",
        "waitpid": "os.waitpid(pid, flag) reaps the child if it has ended; with flag 0 it first waits for "
        "that, with WNOHANG it returns (0, 0) at once while the child runs",
        "waitpid_blocks": "os.waitpid(pid, 0): flag is 0 here, so it blocks until the child has ended, then "
        "reaps it: the zombie is gone and its exit status comes back",
        "waitpid_nohang": "os.waitpid(pid, WNOHANG): flag is WNOHANG here, so it returns (0, 0) at once if "
        "the child is still running; if it has ended, it reaps it",
        "poll_echild": "waitpid() failed (ECHILD: someone else already reaped this child): poll() returns None, "
        "as if it still ran",
        "poll_none": "poll() returns None: multiprocessing goes on taking the child for a running one",
        "poll_pid": "waitpid() returns (0, 0) when WNOHANG found the child still running; else the child's "
        "PID, and the child is reaped",
        "poll_not_yet": "pid is 0 here: WNOHANG found the child still running, and nothing was reaped; poll() "
        "returns None",
        "poll_reaped": "pid is {pid} here, the child's: waitpid() has reaped it, and its status is decoded next",
        "poll_decode": "decode the wait status: exit code, or -signal number",
        # popen_spawn_posix.Popen
        "spawn_fds": "the descriptors the new Python will keep: fork_exec closes every other one in it",
        "spawn_tracker": "starts multiprocessing's resource tracker if it is not running (a process of its "
        "own); the new Python gets its pipe",
        "prep_data": "what the child needs to set itself up like this process: sys.path, the current "
        "directory, the main module's path or name",
        "spawning_popen": "while pickling, this Popen is the one spawning: a Connection among the arguments "
        "hands it its descriptor for the child, and a Lock or a Queue may be pickled only now (else RuntimeError)",
        "pickle_prep": "the preparation data is pickled, for the child to read first",
        "pickle_process": "the Process is pickled, target and arguments with it: the child unpickles it, so "
        "the target must be importable (a top-level function)",
        "spawn_pipe_sentinel": "a pipe whose read end will be the sentinel: the new Python keeps the write "
        "end, so the sentinel becomes readable when it ends",
        "spawn_pipe_data": "the pipe the pickled data goes down: the new Python reads it from child_r (and "
        "watches it as its parent sentinel)",
        "spawn_command": "the new Python's command line: python -c 'from multiprocessing.spawn import "
        "spawn_main; spawn_main(...)' with this interpreter's flags",
        "spawn_exec": "a fresh Python: fork and exec done in C (_posixsubprocess.fork_exec), keeping only "
        "these descriptors. No Python code runs in the copy and no at-fork hook; self.pid is the new "
        "Python's PID, a child of this process",
        "spawn_closes_child_end": "the parent closes its copy of a pipe end that is the new Python's",
        "spawn_write": "the pickled data goes down the pipe: the new Python reads it, sets itself up, "
        "unpickles the Process and runs it",
        # popen_forkserver.Popen
        "forkserver_fds": "the descriptors to send to the fork server for the child",
        "fs_connect": "asks the fork server for a child: starts the server if it is not running, connects to "
        "its Unix socket, sends it the child's ends of two new pipes. The fork server forks the child: this "
        "process's own fork() never runs, and it is not the child's parent",
        "fs_parent_w": "a copy of the data pipe's write end, kept while the Popen lives: the child watches "
        "that pipe as its parent sentinel",
        "fs_write": "the pickled data goes to the child the fork server forked: it unpickles the Process and "
        "runs it",
        "fs_read_pid": "reads the child's PID from the sentinel: the fork server writes it there after "
        "forking, and later the child's exit code. The fork server is the child's parent and reaps it",
        "fs_poll_timeout": "WNOHANG: only look (timeout 0); flag 0: wait as long as it takes. The fork server, "
        "not this process, reaps the child",
        "fs_poll_wait": "is the sentinel readable? The fork server writes the exit code into it once it has "
        "reaped the child",
        "fs_poll_none": "nothing on the sentinel yet: the child is still running, and poll() returns None",
        "fs_poll_read": "reads the exit code the fork server sent: no waitpid() here, the fork server has "
        "reaped the child already",
        "fs_poll_eof": "the sentinel ended with no exit code in it: the fork server itself has ended",
        "fs_poll_255": "then poll() says 255, whatever became of the child",
        # forkserver.connect_to_new_process
        "fs_ensure": "starts the fork server if it is not running: a fresh Python that forks every child "
        "asked of it",
        "fs_socket": "connects to the fork server's Unix socket",
        "fs_auth": "each side proves it knows the fork server's key (a challenge each way)",
        "fs_sendfds": "sends descriptors over the socket (SCM_RIGHTS): the child's ends of the two pipes, the "
        "fork server's alive pipe, the resource tracker's and the Popen's own. On them the fork server "
        "forks the child and writes its PID into the status pipe",
        "fs_return": "the parent's ends: the status pipe (the child's PID, later its exit code: the sentinel) "
        "and the data pipe",
        "fs_close_child_ends": "this process closes its copy of a pipe end that was sent to the fork server for "
        "the child",
    },
    "zh": {
        "start_closed": "对已 close() 的 Process 调用 start() 会抛出 ValueError",
        "start_twice": "一个 Process 只能启动一次：第二次 start() 会在这个断言上失败（python -O 会去掉断言）",
        "start_parent": "只有创建这个 Process 对象的进程才能启动它",
        "start_daemon": "守护进程不能再启动自己的子进程",
        "start_cleanup": "_cleanup() 逐个 poll 本进程启动过、还没 join 的子进程：用 fork 和 spawn 时，"
        "已经结束的子进程就在这里被回收（waitpid 带 WNOHANG），所以启动一个 Process 会让之前的僵尸进程消失",
        "start_popen": "self._Popen(self) 启动子进程：它创建当前启动方法的 Popen（按 s 进去看）",
        "start_sentinel": "哨兵：一个管道的读端，子进程结束时变得可读（用 forkserver 时，是 fork server "
        "把子进程的退出码写进去的时候）",
        "start_forget_target": "父进程丢掉对 target 及其参数的引用：子进程已经有了自己的一份"
        "（bpo-30775：避免循环引用）",
        "start_children": "这个 Process 进入 multiprocessing 的子进程集合：active_children() 和之后每一次 "
        "start() 都会 poll 它，于是用 fork 和 spawn 时，它一结束就会被回收",
        "join_closed": "对已 close() 的 Process 调用 join() 会抛出 ValueError",
        "join_parent": "只有启动子进程的那个进程才能 join 它",
        "join_popen": "start() 会创建 Popen；没有它就没有可等待的东西",
        "join_wait": "真正干活的地方：当前启动方法的 Popen.wait()",
        "join_res": "超时先到（或者 waitpid() 找不到这个子进程）时，wait() 返回 None：这时子进程还没有被 join",
        "join_discard": "子进程已被回收：multiprocessing 不再跟踪它",
        "boot_method": "子进程沿用父进程的启动方法，给它自己的子进程用",
        "boot_children": "子进程从没有子进程开始（集合里继承来的那些是父进程的）",
        "boot_stdin": "子进程的 sys.stdin 被关掉，再重新打开为 /dev/null（os.devnull）",
        "boot_parent": "子进程里的 parent_process()：它盯着 parent_sentinel 来判断父进程是否还活着",
        "boot_after_fork": "用 fork 和 forkserver 时，用 util.register_after_fork 登记的钩子在这里运行"
        "（锁和队列借此重置自己）；用 spawn 时这里什么也不做",
        "boot_run": "run()：你的 target，或者子类自己的 run()（按 s 进去）",
        "boot_exit_0": "退出码 0：run() 正常返回了，或者它调用了不带参数的 sys.exit()",
        "boot_exit_code": "子进程里的 sys.exit(n)：n 就是它的退出码（内核只保留低 8 位）",
        "boot_exit_1": "退出码 1：有未捕获的异常（会打印它的回溯），或者 sys.exit() 的参数不是 int（会把它打印出来）",
        "boot_exit_function": "multiprocessing 的退出函数：它终止子进程自己的守护子进程，再 join 它的子进程",
        "boot_threads": "子进程等它的其他非守护线程结束",
        "boot_flush": "刷新 stdout 和 stderr：子进程就要结束了",
        "ctx_fork": "fork：popen_fork.Popen 会在这个进程里直接调用 os.fork()",
        "ctx_spawn": "spawn：popen_spawn_posix.Popen 会启动一个全新的 Python",
        "ctx_forkserver": "forkserver：popen_forkserver.Popen 会请 fork server 生出子进程；这个进程自己什么也不 fork",
        "ctx_popen": "创建 Popen 就启动了子进程：它的 __init__ 调用 _launch（按 s 进去）",
        "ctx_default": "multiprocessing.Process 用默认上下文：用 set_start_method() 设过的方法，否则就是平台的默认"
        "（Linux 上 3.13 及以前是 fork，3.14 起是 forkserver）",
        "ctx_fixed": "第一次使用就定下了默认启动方法：这之后 set_start_method() 会抛出 RuntimeError（除非 force=True）",
        "popen_flush": "启动子进程之前先刷新 stdout 和 stderr：用 fork 时，缓冲区里还没写出的内容否则会被两个进程"
        "各打印一次",
        "popen_returncode": "在知道子进程的退出码之前（被回收，或者从 fork server 读到），returncode 一直是 None",
        "popen_launch": "当前启动方法的 _launch 启动子进程（按 s 进去）",
        "popen_super": "剩下的交给 popen_fork.Popen.__init__：它会调用这个类自己的 _launch",
        "fork_code": "如果 _bootstrap 抛出异常而没有返回退出码，子进程就用这个退出码",
        "fork_pipe_sentinel": "一个管道，读端将成为哨兵：只有子进程留着写端，所以子进程结束时哨兵就变得可读",
        "fork_pipe_parent": "反方向的第二个管道：父进程留着写端，子进程盯着读端（parent_sentinel），"
        "以此知道父进程是否还活着",
        "fork_intent_import": "本线程的一个标志，资源追踪进程的 at-fork 钩子会在子进程里读它（就在下面设置）",
        "fork_intent_set": "告诉资源追踪进程的 at-fork 钩子（它在子进程里运行）保留子进程继承来的、通向父进程"
        "资源追踪进程的管道：子进程沿用那个追踪进程（gh-146313）。普通的 os.fork() 之后，子进程会关掉这个管道",
        "fork_call": "os.fork()：内核复制出这个进程。fork() 返回两次：在父进程里返回子进程的 PID，在子进程里返回 0，"
        "两边都从下一行接着运行（单步越过它，两边各有一个查看器）",
        "fork_intent_reset": "finally 在 fork 的两边都会运行，把标志清掉，免得之后普通的 os.fork() 也留着"
        "追踪进程的管道",
        "fork_intent_reset_child": "finally 在 fork 的两边都会运行，把标志清掉，免得之后普通的 os.fork() "
        "也留着追踪进程的管道。这里 self.pid 是 0：这是子进程",
        "fork_intent_reset_parent": "finally 在 fork 的两边都会运行，把标志清掉，免得之后普通的 os.fork() "
        "也留着追踪进程的管道。这里 self.pid 是 {pid}：这是父进程，{pid} 是子进程的 PID",
        "fork_side": "fork() 在子进程里返回 0，在父进程里返回子进程的 PID：这个判断让两边各走各的路",
        "fork_side_child": "这个判断让 fork 的两边各走各的路：这里 self.pid 是 0，所以这是子进程",
        "fork_side_parent": "这个判断让 fork 的两边各走各的路：这里 self.pid 是 {pid}（子进程的 PID），"
        "所以这是父进程",
        "fork_atexit_clear": "子进程清掉从父进程继承来的退出处理函数",
        "fork_atexit_register": "子进程只登记 multiprocessing 的退出函数：子进程离开时，由它终止子进程自己的"
        "守护子进程，再 join 它的子进程",
        "fork_child_closes": "子进程关掉管道中属于父进程的那一端",
        "fork_bootstrap": "子进程运行这个 Process：_bootstrap 调用 run()（你的 target），返回退出码："
        "0，未捕获异常时为 1，或者 sys.exit() 给的值。父进程从不执行这一行",
        "fork_exitfuncs": "现在运行子进程的退出处理函数（multiprocessing 的那个会 join 子进程自己的子进程）："
        "下面的 os._exit() 会跳过它们",
        "fork_exit": "子进程在这里用 os._exit(code) 结束：不会回到调用 start() 的代码，也不做解释器的清理。"
        "在父进程回收它（join()、is_alive() 或下一次 start() 都会）之前，它是僵尸进程",
        "fork_parent_closes_w": "父进程关掉自己那份 child_w：现在只有子进程拿着写端，所以子进程结束时哨兵就变得可读",
        "fork_parent_closes_r": "父进程关掉自己那份 child_r，也就是另一个管道里属于子进程的那一端",
        "finalizer": "Popen 被 close() 或被垃圾回收时，父进程这边的管道端会被关掉",
        "sentinel": "parent_r 就是哨兵（p.sentinel）：子进程结束后它变得可读",
        "returncode_known": "知道子进程的退出码后 returncode 就有值了，之后直接复用",
        "wait_timeout": "有超时时先等哨兵：waitpid() 本身没法超时",
        "wait_sentinel": "睡眠，直到哨兵可读或超时",
        "wait_gave_up": "超时了，哨兵还是不可读：join() 不回收就返回；exitcode 仍是 None",
        "wait_flag": "flag 为 0 时会阻塞到子进程退出；WNOHANG 则不会",
        "waitpid": "os.waitpid(pid, flag) 在子进程已结束时回收它；flag 为 0 时先等它结束，带 WNOHANG 时"
        "子进程还在运行就立刻返回 (0, 0)",
        "waitpid_blocks": "os.waitpid(pid, 0)：这里 flag 是 0，所以它阻塞到子进程结束，然后回收它："
        "僵尸进程消失，退出状态返回来",
        "waitpid_nohang": "os.waitpid(pid, WNOHANG)：这里 flag 是 WNOHANG，子进程还在运行就立刻返回 (0, 0)；"
        "已经结束就回收它",
        "poll_echild": "waitpid() 失败了（ECHILD：别人已经回收了这个子进程）：poll() 返回 None，就好像它还在运行",
        "poll_none": "poll() 返回 None：multiprocessing 会一直以为这个子进程还在运行",
        "poll_pid": "WNOHANG 发现子进程还在运行时，waitpid() 返回 (0, 0)；否则返回子进程的 PID，子进程已被回收",
        "poll_not_yet": "这里 pid 是 0：WNOHANG 发现子进程还在运行，什么也没回收；poll() 返回 None",
        "poll_reaped": "这里 pid 是 {pid}，正是子进程的：waitpid() 已经回收了它，下一步解读它的状态",
        "poll_decode": "解读等待状态：退出码，或者负的信号编号",
        "spawn_fds": "新 Python 要保留的文件描述符：fork_exec 会在它里面关掉其余所有的",
        "spawn_tracker": "如果 multiprocessing 的资源追踪进程还没运行，就启动它（一个单独的进程）；"
        "新 Python 会拿到它的管道",
        "prep_data": "子进程把自己准备成本进程的样子所需的信息：sys.path、当前目录、主模块的路径或名字",
        "spawning_popen": "pickle 的时候，这个 Popen 就是正在创建子进程的那个：参数里的 Connection 把自己的"
        "文件描述符交给它，转给子进程；Lock 和 Queue 也只有这时才能被 pickle（否则是 RuntimeError）",
        "pickle_prep": "把准备数据 pickle 起来，子进程先读它",
        "pickle_process": "把 Process pickle 起来，连同 target 和参数：子进程会 unpickle 它，所以 target "
        "必须能被导入（模块顶层的函数）",
        "spawn_pipe_sentinel": "一个管道，读端将成为哨兵：新 Python 留着写端，所以它结束时哨兵就变得可读",
        "spawn_pipe_data": "pickle 好的数据走这个管道：新 Python 从 child_r 读它（并把它当作父进程的哨兵盯着）",
        "spawn_command": "新 Python 的命令行：python -c 'from multiprocessing.spawn import spawn_main; "
        "spawn_main(...)'，带上本解释器的选项",
        "spawn_exec": "一个全新的 Python：fork 和 exec 都在 C 里完成（_posixsubprocess.fork_exec），只保留这些"
        "文件描述符。复制出的进程里不运行任何 Python 代码，也没有 at-fork 钩子；self.pid 是新 Python 的 PID，"
        "它是本进程的子进程",
        "spawn_closes_child_end": "父进程关掉自己那份属于新 Python 的管道端",
        "spawn_write": "pickle 好的数据送进管道：新 Python 读到它，把自己准备好，unpickle 出 Process 并运行它",
        "forkserver_fds": "要交给 fork server、转给子进程的文件描述符",
        "fs_connect": "请 fork server 生一个子进程：fork server 没运行就先启动它，连上它的 Unix 套接字，"
        "把两个新管道里属于子进程的那一端发过去。由 fork server 来 fork 子进程："
        "这个进程自己的 fork() 根本不会执行，它也不是子进程的父进程",
        "fs_parent_w": "数据管道写端的一个副本，在 Popen 存在期间一直留着：子进程把这个管道当作父进程的哨兵盯着",
        "fs_write": "pickle 好的数据送给 fork server fork 出的子进程：它 unpickle 出 Process 并运行它",
        "fs_read_pid": "从哨兵里读出子进程的 PID：fork server fork 之后把它写进去，以后还会写入子进程的退出码。"
        "fork server 是子进程的父进程，由它回收子进程",
        "fs_poll_timeout": "WNOHANG：只看一眼（超时为 0）；flag 为 0：要等多久就等多久。回收子进程的是 fork server，"
        "不是本进程",
        "fs_poll_wait": "哨兵可读了吗？fork server 回收子进程之后，会把退出码写进去",
        "fs_poll_none": "哨兵里还什么都没有：子进程还在运行，poll() 返回 None",
        "fs_poll_read": "读出 fork server 发来的退出码：这里没有 waitpid()，fork server 早已回收了子进程",
        "fs_poll_eof": "哨兵读到了结尾，里面却没有退出码：fork server 自己结束了",
        "fs_poll_255": "这时不管子进程怎样，poll() 都说 255",
        "fs_ensure": "如果 fork server 还没运行，就启动它：一个全新的 Python，别人要多少子进程，它就 fork 多少",
        "fs_socket": "连上 fork server 的 Unix 套接字",
        "fs_auth": "双方各自证明知道 fork server 的密钥（两个方向各一次挑战）",
        "fs_sendfds": "通过套接字发送文件描述符（SCM_RIGHTS）：两个管道里属于子进程的那一端、fork server 的存活管道、"
        "资源追踪进程的管道，以及 Popen 自己的。fork server 收到后 fork 出子进程，把它的 PID 写进状态管道",
        "fs_return": "父进程这边的两端：状态管道（子进程的 PID，以后是它的退出码：也就是哨兵）和数据管道",
        "fs_close_child_ends": "本进程关掉自己那份管道端：它已经发给 fork server，转给子进程了",
    },
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
            phrases = PHRASES.get(lang, PHRASES["en"])
            return LineNote(key, phrases[key].format(**facts))
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
