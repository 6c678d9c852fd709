"""What a step of join() means, in words, for the code viewer.

The texts are built from the step itself (the call, its arguments and result, the raw
wait status) and from what the kernel says about the child right now (its state letter
in /proc), never from what we expect to happen. A word on the line a step is at comes
from ``line_notes``, which knows the lines of join, wait and poll by their function.
"""

from __future__ import annotations

import ast
import os
import platform
import sys

from proctui.core.events import Disposition
from proctui.core.i18n import words
from proctui.core.linux import decode_status, describe_exitcode
from proctui.core.procfs.stat import state_word
from proctui.core.stepping.notes import note_for_line
from proctui.core.stepping.stepper import Step

#: Every sentence the code viewer can say, by key and language; {names} are facts of the step.
PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "waitpid_nohang": "Next: {call} with WNOHANG: it returns (0, 0) at once if the child has not exited, "
        "else reaps it.",
        "waitpid_zombie": "Next: {call}. The child is a zombie (Z in /proc): this call collects its exit "
        "status and the kernel frees PID {pid}. Watch its row vanish.",
        "waitpid_running": "Next: {call}. The child is {word} ({state}): waitpid will block in the kernel "
        "until it exits. {ending} The app stays usable.",
        "waitpid_stopped": "Next: {call}. The child is stopped (T): waitpid will block in the kernel until "
        "it exits. {ending}",
        # How to end the child, from its SIGTERM disposition in /proc/PID/status.
        "end_default": "Press t or x to end it.",
        "end_caught": "x (SIGKILL) ends it; t runs its own SIGTERM handler (SigCgt in /proc/{pid}/status), "
        "which decides.",
        "end_ignored": "x (SIGKILL) ends it; t does nothing: it ignores SIGTERM (SigIgn in /proc/{pid}/status).",
        "end_stopped_default": "x (SIGKILL) ends it at once; a SIGTERM (t) stays pending until s continues it.",
        "end_stopped_caught": "x (SIGKILL) ends it at once; a SIGTERM (t) stays pending until s continues it, "
        "and then its own handler (SigCgt in /proc/{pid}/status) decides.",
        "end_stopped_ignored": "x (SIGKILL) ends it at once; t does nothing: it ignores SIGTERM (SigIgn in "
        "/proc/{pid}/status).",
        "next": "Next: {call}.",
        "waitpid_reaped": "waitpid returned ({pid}, {status}): {decoded}; os.waitstatus_to_exitcode() = "
        "{code}. The child is reaped: PID {pid} is gone from /proc.",
        "waitpid_zero": "waitpid returned (0, 0): with WNOHANG, the child has not exited yet; nothing reaped.",
        "waitpid_echild": "ECHILD: someone else already reaped this child. poll() swallows the error and "
        "returns None, so multiprocessing will think it is still running.",
        "waitpid_other": "waitpid: {result}",
        "wait_call": "Next: {call}: sleep until the sentinel pipe is readable (every copy of its write end "
        "is closed: normally, when the child ends) or {limit} s pass. Waiting on a sentinel does not reap.",
        "wait_timeout_running": "connection.wait returned []: when the timeout passed the child was still "
        "running ({state}). wait() returns None; join returns without reaping.",
        "wait_timeout_exited": "connection.wait returned []: the timeout passed although the child has "
        "exited: its sentinel stays unreadable while any process (one the child forked) holds a copy of "
        "the pipe's write end. wait() returns None; join returns without reaping.",
        "wait_ready": "connection.wait returned {result}: the sentinel is readable, so the child has ended.",
        "wait_ready_forkserver": "connection.wait returned {result}: the sentinel is readable: the fork server "
        "has written the exit code into it (or has itself ended).",
        "read_signed_call": "Next: {call}. Under forkserver the fork server, not proctui, is the child's "
        "parent: it has already reaped the child (so no zombie could be seen) and writes the exit code "
        "into the sentinel pipe. No waitpid() here.",
        "read_signed_return": "read_signed returned {result}: the exit code the fork server sent.",
        "read_signed_eof": "read_signed {result}: the sentinel ended with no exit code in it, so the fork "
        "server itself has ended. poll() sets returncode 255, whatever became of the child.",
        "raised": "join() raised {result}.",
        "raised_unstarted": " The Process was created but never started, so it has no Popen to wait on.",
        "raised_optimized": " With python -O the assert is gone, so join fails later, on None.wait().",
        "done_running": "join() returned; exitcode is still None: the child was running when the timeout "
        "passed, and nothing was reaped.",
        "done_held": "join() returned; exitcode is still None: nothing was reaped, although the child had "
        "exited when the timeout passed: another process held its sentinel open.",
        "done_echild": "join() returned; exitcode is still None: someone else reaped the child (ECHILD), "
        "so multiprocessing never learnt its exit code.",
        "done": "join() returned; exitcode is now {code}: the child has been reaped.",
        "done_forkserver_lost": "join() returned; exitcode is 255 because the fork server ended without "
        "sending the child's status. The child itself is still running ({state}).",
        "forkserver": "forkserver: the fork server, not proctui, is this child's parent. It reaps the "
        "child itself and sends the exit code down the sentinel, so poll() never calls waitpid and no "
        "zombie can be seen",
        "asserts_off": "asserts are off (python -O, sys.flags.optimize={level}): join of an unstarted "
        "process fails on None.wait() instead",
        "asserts_on": "asserts are on (sys.flags.optimize=0); python -O would strip them",
        "version": "Python {version} decodes with os.waitstatus_to_exitcode(sts); the article (3.3-3.8) "
        "used -os.WTERMSIG(sts) / os.WEXITSTATUS(sts)",
    },
    "zh": {
        "waitpid_nohang": "下一步：{call}，带 WNOHANG：子进程还没退出就立刻返回 (0, 0)，否则回收它。",
        "waitpid_zombie": "下一步：{call}。子进程是僵尸进程（/proc 里是 Z）：这个调用取走它的退出状态，"
        "内核释放 PID {pid}。看它那一行消失。",
        "waitpid_running": "下一步：{call}。子进程处于{word}状态（{state}）：waitpid 会在内核里阻塞，"
        "直到它退出。{ending}程序照样能用。",
        "waitpid_stopped": "下一步：{call}。子进程被暂停了（T）：waitpid 会在内核里阻塞，直到它退出。{ending}",
        "end_default": "按 t 或 x 结束它。",
        "end_caught": "x（SIGKILL）能结束它；t 会运行它自己的 SIGTERM 处理函数（/proc/{pid}/status 里是 SigCgt），"
        "由它决定。",
        "end_ignored": "x（SIGKILL）能结束它；t 没有用：它忽略 SIGTERM（/proc/{pid}/status 里是 SigIgn）。",
        "end_stopped_default": "x（SIGKILL）能立刻结束它；SIGTERM（t）会一直挂着，直到按 s 让它继续。",
        "end_stopped_caught": "x（SIGKILL）能立刻结束它；SIGTERM（t）会一直挂着，直到按 s 让它继续，"
        "然后由它自己的处理函数（/proc/{pid}/status 里是 SigCgt）决定。",
        "end_stopped_ignored": "x（SIGKILL）能立刻结束它；t 没有用：它忽略 SIGTERM（/proc/{pid}/status 里是 SigIgn）。",
        "next": "下一步：{call}。",
        "waitpid_reaped": "waitpid 返回 ({pid}, {status})：{decoded}；os.waitstatus_to_exitcode() = {code}。"
        "子进程已被回收：PID {pid} 从 /proc 消失了。",
        "waitpid_zero": "waitpid 返回 (0, 0)：带 WNOHANG 时表示子进程还没退出；什么也没回收。",
        "waitpid_echild": "ECHILD：别人已经回收了这个子进程。poll() 吞掉这个错误并返回 None，"
        "于是 multiprocessing 会以为它还在运行。",
        "waitpid_other": "waitpid：{result}",
        "wait_call": "下一步：{call}：睡眠，直到哨兵管道可读（它的写端全部关闭，通常就是子进程结束时），"
        "或者过了 {limit} 秒。等待哨兵不会回收子进程。",
        "wait_timeout_running": "connection.wait 返回 []：超时的那一刻子进程还在运行（{state}）。"
        "wait() 返回 None；join 不回收就返回。",
        "wait_timeout_exited": "connection.wait 返回 []：超时了，可子进程已经退出：只要还有进程"
        "（子进程 fork 出的进程）拿着管道写端的副本，哨兵就一直不可读。wait() 返回 None；join 不回收就返回。",
        "wait_ready": "connection.wait 返回 {result}：哨兵可读，说明子进程已经结束。",
        "wait_ready_forkserver": "connection.wait 返回 {result}：哨兵可读：fork server 已经把退出码写进去了"
        "（或者它自己结束了）。",
        "read_signed_call": "下一步：{call}。用 forkserver 时，子进程的父进程是 fork server 而不是 proctui："
        "它已经回收了子进程（所以看不到僵尸），并把退出码写进哨兵管道。这里没有 waitpid()。",
        "read_signed_return": "read_signed 返回 {result}：这是 fork server 发来的退出码。",
        "read_signed_eof": "read_signed {result}：哨兵读到了结尾，里面却没有退出码，说明 fork server 自己结束了。"
        "不管子进程怎样，poll() 都把 returncode 设成 255。",
        "raised": "join() 抛出了 {result}。",
        "raised_unstarted": "这个 Process 创建了但从未 start()，没有 Popen 可等。",
        "raised_optimized": "用 python -O 时断言被去掉了，所以 join 在后面的 None.wait() 上才失败。",
        "done_running": "join() 返回了；exitcode 仍是 None：超时的时候子进程还在运行，什么也没回收。",
        "done_held": "join() 返回了；exitcode 仍是 None：什么也没回收，尽管超时的时候子进程已经退出："
        "另一个进程还占着它的哨兵。",
        "done_echild": "join() 返回了；exitcode 仍是 None：别人已经回收了这个子进程（ECHILD），"
        "multiprocessing 永远拿不到它的退出码。",
        "done": "join() 返回了；exitcode 现在是 {code}：子进程已被回收。",
        "done_forkserver_lost": "join() 返回了；exitcode 是 255，因为 fork server 没发来子进程的状态就结束了。"
        "子进程本身还在运行（{state}）。",
        "forkserver": "forkserver：这个子进程的父进程是 fork server，不是 proctui。它自己回收子进程，"
        "并把退出码通过哨兵发过来，所以 poll() 从不调用 waitpid，也看不到僵尸",
        "asserts_off": "断言已关闭（python -O，sys.flags.optimize={level}）：join 一个没 start() 的进程会改在 "
        "None.wait() 上失败",
        "asserts_on": "断言是开着的（sys.flags.optimize=0）；python -O 会去掉它们",
        "version": "Python {version} 用 os.waitstatus_to_exitcode(sts) 解读状态；文章里的 3.3-3.8 用的是 "
        "-os.WTERMSIG(sts) / os.WEXITSTATUS(sts)",
    },
}


def _say(lang: str, key: str, **facts: object) -> str:
    phrases = PHRASES.get(lang, PHRASES["en"])
    return phrases[key].format(**facts)


def _call_args(call: str) -> list[str]:
    """The arguments of a call text like 'os.waitpid(4242, 0)', as source fragments."""
    try:
        node = ast.parse(call, mode="eval").body
    except SyntaxError:
        return []
    if not isinstance(node, ast.Call):
        return []
    return [ast.unparse(arg) for arg in node.args]


def _running(child_state: str | None) -> bool:
    return child_state is not None and child_state not in "ZX"


def ending_note(pid: int | None, child_state: str | None, sigterm: Disposition, lang: str = "en") -> str:
    """How the user can end the child: its state letter now, and what it does with SIGTERM
    (sending.disposition: /proc/PID/status), so that t is offered only where it ends it."""
    stopped = child_state in ("T", "t")
    key = {Disposition.DEFAULT: "default", Disposition.CAUGHT: "caught", Disposition.IGNORED: "ignored"}[sigterm]
    return _say(lang, f"end_stopped_{key}" if stopped else f"end_{key}", pid=pid)


def step_note(step: Step, pid: int | None, child_state: str | None, lang: str = "en", *,
              start_method: str | None = None, timeout_state: str | None = None, echild: bool = False,
              sigterm: Disposition = Disposition.DEFAULT) -> str:
    """One or two sentences on the step the join is paused at.

    child_state is the kernel's state letter for the child now, None if /proc has no
    such PID; sigterm, what it does with SIGTERM now. What happened earlier in the join
    comes from the stepper, recorded when it happened: timeout_state, the child's state
    when connection.wait gave up ("" if gone), and echild, whether a waitpid failed with
    ECHILD.
    """
    call = step.call or ""
    result = step.result
    if step.kind == "call" and call.startswith("os.waitpid("):
        args = _call_args(call)
        if (args[1] if len(args) > 1 else "0") != "0":
            return _say(lang, "waitpid_nohang", call=call)
        if child_state == "Z":
            return _say(lang, "waitpid_zombie", call=call, pid=pid)
        ending = ending_note(pid, child_state, sigterm, lang)
        if child_state in ("T", "t"):
            return _say(lang, "waitpid_stopped", call=call, ending=ending)
        if child_state is not None:  # alive: not a zombie (that was just above)
            word = words(lang)(state_word(child_state))
            return _say(lang, "waitpid_running", call=call, word=word, state=child_state, ending=ending)
        return _say(lang, "next", call=call)
    if step.kind == "return" and call.startswith("os.waitpid("):
        if step.status is not None:
            code = describe_exitcode(os.waitstatus_to_exitcode(step.status))
            return _say(lang, "waitpid_reaped", pid=pid, status=f"{step.status:#06x}",
                        decoded=decode_status(step.status), code=code)
        if result == "(0, 0)":
            return _say(lang, "waitpid_zero")
        if (result or "").startswith("raised ChildProcessError"):
            return _say(lang, "waitpid_echild")
        return _say(lang, "waitpid_other", result=result)
    if step.kind == "call" and call.startswith("connection.wait("):
        args = _call_args(call)
        return _say(lang, "wait_call", call=call, limit=args[1] if len(args) > 1 else "None")
    if step.kind == "return" and call.startswith("connection.wait("):
        if result == "[]":
            state = child_state if timeout_state is None else timeout_state
            if _running(state):
                return _say(lang, "wait_timeout_running", state=state)
            return _say(lang, "wait_timeout_exited")
        return _say(lang, "wait_ready_forkserver" if start_method == "forkserver" else "wait_ready", result=result)
    if step.kind == "call" and call.startswith("forkserver.read_signed("):
        return _say(lang, "read_signed_call", call=call)
    if step.kind == "return" and call.startswith("forkserver.read_signed("):
        if (result or "").startswith("raised"):
            return _say(lang, "read_signed_eof", result=result)
        return _say(lang, "read_signed_return", result=result)
    if step.kind == "exception":
        note = _say(lang, "raised", result=result)
        if "can only join a started process" in (result or ""):
            note += _say(lang, "raised_unstarted")
        elif "NoneType" in (result or "") and "wait" in (result or ""):
            note += _say(lang, "raised_optimized")
        return note
    if step.kind == "done":
        if result == "None":
            if echild:
                return _say(lang, "done_echild")
            state = child_state if timeout_state is None else timeout_state
            return _say(lang, "done_running" if _running(state) else "done_held")
        exitcode = int(result) if result and result.lstrip("-").isdigit() else None
        if start_method == "forkserver" and exitcode == 255 and _running(child_state):
            return _say(lang, "done_forkserver_lost", state=child_state)
        return _say(lang, "done", code=describe_exitcode(exitcode))
    return ""


def start_method_note(start_method: str, lang: str = "en") -> str | None:
    """Said once, when a join starts: how this start method's join learns of the exit."""
    if start_method == "forkserver":
        return _say(lang, "forkserver")
    return None


def assertions_note(lang: str = "en") -> str:
    if sys.flags.optimize:
        return _say(lang, "asserts_off", level=sys.flags.optimize)
    return _say(lang, "asserts_on")


def version_note(poll_source: str, lang: str = "en") -> str | None:
    """How this interpreter's poll() differs from the article's Python 3.3-3.8 code."""
    if "waitstatus_to_exitcode" in poll_source:
        return _say(lang, "version", version=platform.python_version())
    return None


def poll_source(stepper_sources: dict[str, tuple[list[str], int]]) -> str:
    lines, _ = stepper_sources.get("Popen.poll", ([], 0))
    return "".join(lines)


def viewer_note(
    step: Step,
    *,
    pid: int | None,
    child_state: str | None,
    sources: dict[str, tuple[list[str], int]],
    first: bool,
    start_method: str | None,
    lang: str = "en",
    timeout_state: str | None = None,
    echild: bool = False,
    sigterm: Disposition = Disposition.DEFAULT,
) -> str:
    """Everything the code viewer says under the code at this step, in lang.

    The step's own meaning if it has one; else a word on the line it is at. The first
    step also says whether asserts are on and, for forkserver, who the parent is.
    timeout_state, echild and sigterm: as step_note's.
    """
    note = step_note(step, pid, child_state, lang, start_method=start_method, timeout_state=timeout_state,
                     echild=echild, sigterm=sigterm)
    if not note and step.kind == "line":
        lines, first_line = sources.get(step.frame.func, ([], 0))
        index = step.frame.lineno - first_line
        source_line = lines[index] if 0 <= index < len(lines) else ""
        found = note_for_line(step.frame.filename, step.frame.func, source_line, step.frame.locals, lang)
        note = found.text if found is not None else ""
        if "waitstatus_to_exitcode" in source_line:
            note = f"{note}. {version_note(poll_source(sources), lang) or ''}"
    if first:
        note = f"{note} ({assertions_note(lang)})".strip()
        method_note = start_method_note(start_method, lang) if start_method else None
        if method_note:
            note = f"{method_note}. {note}"
    return note
