"""中文渲染器：事件日志里每种事件的中文说法。

和英文渲染器一一对应：事实只取自事件的字段；代码、标识符、系统调用、信号名、路径和数字
保持原样，其余用文章和 Python 中文文档的说法（僵尸进程、孤儿进程、守护进程、回收、
启动方法、哨兵、收养、父进程/子进程、进程池、退出码）。
"""

from __future__ import annotations

import signal
from collections.abc import Callable

from proctui.core import events as ev
from proctui.core.i18n import words
from proctui.core.linux import decode_status, describe_exitcode, signal_name
from proctui.core.script.interpreter import NEWEST, OLDEST, release
from proctui.core.teaching.render_en import syntax_caret

_START_CALL = {
    "fork": "fork()",
    "spawn": "spawn：_posixsubprocess.fork_exec()",
    "forkserver": "forkserver：由 fork server 来 fork",
}

_POOL_WORKER_START = {
    "fork": "fork()",
    "spawn": "spawn：fork_exec() 一个新的 Python",
    "forkserver": "forkserver：由 fork server 创建",
}

_START_METHOD_NOTES = {
    "fork": "fork()：子进程是 proctui 的副本，马上开始执行 target。",
    "spawn": "_posixsubprocess.fork_exec()（先 vfork 或 fork，再 exec）一个全新的 Python，由它导入 target；"
    "第一次 spawn 还会启动 multiprocessing 的资源追踪进程（resource tracker）。",
    "forkserver": "由一个 fork server（只启动一次，也是全新的 Python）来 fork 每个子进程："
    "它才是子进程的父进程，也由它回收子进程。",
}

_ADOPTERS = {
    ev.Adopter.PROCTUI: "也就是 proctui，它是 child subreaper（prctl PR_SET_CHILD_SUBREAPER）",
    ev.Adopter.INIT: "也就是 PID 1（init）",
    ev.Adopter.SUBREAPER_ABOVE: "也就是 proctui 之上最近的 child subreaper",
}


def _status(status: int | None) -> str:
    return "?" if status is None else f"{status:#06x}"


def _forkserver_aside(start_method: str) -> str:
    if start_method == "forkserver":
        return "（waitpid 是 fork server 做的；join() 从哨兵里读到退出状态）"
    return ""


#: 脚本用某种启动方法时，它启动的子进程会怎样；和启动方法一起说。
_START_METHOD_MEANS_ZH = {
    "fork": "p.start() 在脚本自己身上调用 fork()，所以 fork() 返回两次，脚本就是每个子进程的父进程（它们的 "
    "PPID），退出的子进程会一直以僵尸进程的样子留在它下面，直到 join()（或 is_alive()）调用 waitpid()",
    "forkserver": "p.start() 请 fork server（一个只启动一次的 Python）替它 fork 每个子进程，脚本自己什么也不 "
    "fork：子进程的父进程（PPID）是 fork server，子进程一退出就由它回收（脚本下面不会有僵尸进程），"
    "join() 从哨兵里读退出码。用 multiprocessing.get_context('fork') 就能回到文章里的 fork",
    "spawn": "p.start() 为每个子进程运行一个全新的 Python（fork_exec），它会把脚本作为 __mp_main__ 导入："
    "脚本是子进程的父进程，和 fork 一样，在 join() 里回收它",
}


class Chinese:
    language = "zh"

    # -- 启动 ------------------------------------------------------------------------------

    def forked(self, e: ev.Forked) -> str:
        daemonic = "，daemon=True" if e.daemon else ""
        return f"{e.label}.start() -> {_START_CALL[e.start_method]} -> 子进程 {e.pid}（{_role(e.role)}{daemonic}）"

    def script_started(self, e: ev.ScriptStarted) -> str:
        flags = "-O " if e.optimize else ""
        args = "".join(f" {arg}" for arg in e.args)
        version = f"（Python {e.python_version}）" if e.python_version else ""
        return (f"{e.label}：{e.python or 'python'} {flags}{e.path}{args} 的 PID 是 {e.pid}{version}，"
                "停在脚本第一行之前（n 下一行，s 步入，r 执行到返回，c 继续，b 断点）")

    def script_forked(self, e: ev.ScriptForked) -> str:
        if e.via == "forkserver":
            asked = f"PID {e.requested_by} 的 p.start()" if e.requested_by else "脚本的 p.start()"
            said = (f"fork server（PID {e.parent_pid}）fork 出 {e.label}（PID {e.pid}）：{asked} 只是通过 socket "
                    "给它发了个请求，脚本自己的 fork() 根本没有执行。fork server 是这个子进程的父进程（它的 PPID），"
                    "也由它来回收，所以脚本下面不会出现僵尸进程；join() 从哨兵里读退出码")
            if e.traced:
                return f"{said}。它有自己的查看器，停在 target 的第一行"
            return f"{said}。脚本当时在自由运行，所以它也自由运行"
        if e.via == "spawn":
            said = (f"PID {e.parent_pid} 用 spawn 启动了 {e.label}（PID {e.pid}）：一个全新的 python，"
                    "它把脚本作为 __mp_main__ 导入，再执行 Process 的 target")
            if e.traced:
                return f"{said}；它有自己的查看器，停在 target 的第一行"
            return f"{said}；父进程当时在自由运行，所以它也自由运行"
        said = (f"PID {e.parent_pid} fork 出 {e.label}（PID {e.pid}）：fork() 返回了两次，"
                f"父进程里是 {e.pid}，子进程里是 0")
        if e.traced:
            return f"{said}；子进程有自己的查看器，停在它的下一行"
        return f"{said}；父进程当时在自由运行，所以子进程也自由运行"

    def script_start_method(self, e: ev.ScriptStartMethod) -> str:
        who = f"{e.label}（PID {e.pid}）" if e.label else f"PID {e.pid}"
        if e.chosen is None:
            said = f"{who}导入了 multiprocessing；Python {e.python} 的默认启动方法是 {e.default}"
        elif e.chosen == e.default:
            said = f"{who}把启动方法设成了 {e.chosen}，也就是 Python {e.python} 的默认值"
        else:
            said = f"{who}把启动方法设成了 {e.chosen}（Python {e.python} 的默认是 {e.default}）"
        means = _START_METHOD_MEANS_ZH.get(e.method) or f"{e.method} 不是 proctui 认识的启动方法"
        return f"{said}：{means}"

    def script_read_stdin(self, e: ev.ScriptReadStdin) -> str:
        return f"{e.label}（PID {e.pid}）读了标准输入：读到文件结尾（proctui 运行的脚本没有输入）"

    def grandchild_forked(self, e: ev.GrandchildForked) -> str:
        return f"{e.parent_label} fork 出孙进程 {e.pid}（{e.label}）；proctui 手里没有它的 Process 对象"

    def fork_warned(self, e: ev.ForkWarned) -> str:
        if e.in_pool:
            return (f"Python 警告：{e.message} 进程池的工作进程只设置输出、执行任务、返回；"
                    "补充的工作进程由 worker handler 线程 fork，同样是在线程里 fork。")
        return (f"Python 警告：{e.message} 子进程里只剩下调用 fork 的那个线程：proctui 的子进程先换上新的 "
                "stdout、stderr 和默认的信号处理方式，从不碰 Textual（它的线程和那些线程持有的锁都留在了 proctui "
                "里）；然后才打印、睡眠、启动自己的线程或进程、exec sh 或者写内存，最后退出。")

    def output(self, e: ev.Output) -> str:
        if e.pid is None:
            return e.line
        said = f"[{e.pid} {e.label}] {e.line}" if e.by_script and e.label else f"[{e.pid}] {e.line}"
        if e.parent_pid is None or e.parent_is is None:
            return said
        if e.parent_is is ev.ParentIs.FORK_SERVER:
            whose = "fork server，不是脚本：用 forkserver 时，每个子进程都由 fork server 来 fork"
        elif e.parent_is is ev.ParentIs.PROCTUI:
            whose = "proctui，是它启动了脚本"
        else:
            whose = f"{e.parent_label}，是它 fork 或启动了这个进程" if e.parent_label else "启动它的那个进程"
        return f"{said}   <- {e.parent_pid} 是它的父进程：{whose}"

    # -- 退出与回收 ------------------------------------------------------------------------

    def exited(self, e: ev.Exited) -> str:
        if e.who_reaps is ev.WhoReaps.WAITPID:
            assert e.status is not None
            return (f"子进程 {e.pid}（{e.label}）退出了，状态 {e.status:#06x}（{decode_status(e.status)}）"
                    f"-> 退出码 {describe_exitcode(e.exitcode)}；在 waitpid({e.pid}) 之前，它一直是僵尸进程")
        if e.who_reaps is ev.WhoReaps.FORK_SERVER:
            server = f"fork server（PID {e.reaper_pid}）" if e.reaper_pid else "fork server"
            return (f"子进程 {e.pid}（{e.label}）退出了；它的父进程是 {server}，会立刻回收它（不会留下僵尸）。"
                    "join() 从哨兵里读它的退出码。")
        if e.who_reaps is ev.WhoReaps.EXIT_HANDLER:
            why = (f"它的父进程 {e.reaper_pid} 正在退出：multiprocessing 的退出处理函数会对每个守护子进程 "
                   "terminate() 再 join()")
        elif e.who_reaps is ev.WhoReaps.KERNEL:
            why = (f"它的父进程 {e.reaper_pid} 忽略了 SIGCHLD（/proc/{e.reaper_pid}/status 的 SigIgn），所以内核"
                   "立刻回收了它：没有僵尸进程，父进程的 waitpid() 会因 ECHILD 失败")
        else:
            why = f"由它的父进程 PID {e.reaper_pid} 回收"
        return f"{e.label}（PID {e.pid}）结束了；{why}"

    def reaped(self, e: ev.Reaped) -> str:
        code = describe_exitcode(e.exitcode)
        status = _status(e.status)
        if e.call is ev.ReapCall.JOIN:
            return (f"{e.label}.join() -> waitpid({e.pid}, 0) -> ({e.pid}, {status}) -> 退出码 {code}；"
                    f"PID {e.pid} 已经消失")
        if e.call is ev.ReapCall.STEPPED_JOIN:
            return f"{e.syscall} -> ({e.pid}, {status}) -> 退出码 {code}；PID {e.pid} 已经消失"
        if e.call is ev.ReapCall.SENTINEL:
            return f"{e.label}.join() -> 退出码 {code}（从哨兵里读到：fork server 已经回收了它）"
        if e.call is ev.ReapCall.IS_ALIVE:
            return (f"{e.label}.is_alive() -> poll() -> waitpid({e.pid}, WNOHANG) -> ({e.pid}, {status}) -> False。"
                    f"is_alive() 刚刚回收了它：退出码 {code}，PID {e.pid} 已经消失")
        if e.call is ev.ReapCall.IS_ALIVE_SENTINEL:
            return (f"{e.label}.is_alive() -> poll() 从哨兵里读到退出码 {code} -> False。"
                    f"proctui 没有调用 waitpid()：它的父进程 fork server 早已回收了 PID {e.pid}")
        if e.call is ev.ReapCall.ADOPTED_CHILD:
            return (f"{e.label} 退出了；proctui 收养了它，所以由 proctui 回收：waitpid({e.pid}, 0) -> "
                    f"({e.pid}, {status}) -> 退出码 {code}")
        if e.call is ev.ReapCall.SCRIPT:
            return (f"脚本进程 {e.label} 结束了；它是 proctui 启动的，所以由 proctui 回收："
                    f"waitpid({e.pid}, 0) -> ({e.pid}, {status}) -> 退出码 {code}")
        name = e.label if e.label is not None else f"PID {e.pid}"
        return (f"waitpid({e.pid}, WNOHANG) -> ({e.pid}, {status})：proctui 回收了 {name}。它的父进程先结束了，"
                "内核把这个孤儿进程交给了作为 subreaper 的 proctui；现在它已经退出，除了 proctui 没人会回收它")

    def pool_worker_reaped(self, e: ev.PoolWorkerReaped) -> str:
        code = describe_exitcode(e.exitcode)
        if e.by is ev.PoolReap.JOIN:
            return (f"{e.pool}.join()：等到 {e.label}（PID {e.pid}）退出并回收了它，"
                    f"退出码 {code}{_forkserver_aside(e.start_method)}")
        if e.by is ev.PoolReap.TERMINATE:
            return (f"{e.pool}.terminate()：{e.label}（PID {e.pid}）结束，退出码 {code}，"
                    f"由 join() 回收{_forkserver_aside(e.start_method)}")
        if e.exitcode == 0 and e.maxtasksperchild is not None:
            why = f"达到 maxtasksperchild={e.maxtasksperchild}，退出码 0"
        else:
            why = f"退出码 {code}"
        if e.start_method == "forkserver":
            how = "fork server 回收了它，worker.exitcode 从哨兵里读到退出状态"
        else:
            how = (f"它的 worker.exitcode 调用 waitpid({e.pid}, WNOHANG) 回收了它（除非 proctui 别处的 "
                   "start() 抢先一步：process._cleanup() 会轮询 multiprocessing 名单里的每个子进程）")
        text = (f"进程池的 worker handler 线程在 {e.label}（PID {e.pid}）退出后 join 了它（{why}）："
                f"{how}，然后 del pool._pool[i]。进程池自己回收自己的工作进程")
        if e.exitcode is not None and e.exitcode < 0:
            text += ("。被杀死的工作进程手上的任务丢了，它所在的 map 永远完成不了；要是它当时正在等任务，"
                     "它就是拿着任务队列的锁死掉的，别的工作进程（还有 terminate()）再也拿不到这把锁：进程池卡死")
        return text

    def adopted(self, e: ev.Adopted) -> str:
        return (f"{e.label}（PID {e.pid}）失去了父进程 {e.former_parent}：内核把它交给 "
                f"PID {e.adopter_pid} 收养，{_ADOPTERS[e.adopter]}")

    # -- 信号与等待 ------------------------------------------------------------------------

    def signalled(self, e: ev.Signalled) -> str:
        name = signal_name(e.signal)
        if e.signal in (signal.SIGSTOP, signal.SIGCONT):
            effect = "它继续运行" if e.signal == signal.SIGCONT else "内核让它停下（T），直到收到 SIGCONT"
            return f"kill({e.pid}, {name}) -> {e.label}：{effect}"
        text = f"kill({e.pid}, {name}) -> {e.label}（经 pidfd 发送：只有这个进程本身能收到）"
        by_pid = f"代替 {e.label}.{e.method}()，因为它的 os.kill() 按 PID 发送："
        if e.called:
            text = (f"{e.label}.{e.method}() -> os.kill({e.pid}, {name})：这是 multiprocessing 自己按 PID 发出的调用；"
                    f"调用前 proctui 已确认 PID {e.pid} 仍是这个子进程，而且这期间谁也回收不了它")
        elif e.emulated is ev.Emulated.NO_METHOD:
            text += "；proctui 模拟了 Process.interrupt()：这个 Python 还没有它（3.14 才加入）"
        elif e.emulated is ev.Emulated.FORK_SERVER_REAPS:
            text += ("；" + by_pid + "回收这个子进程的是 fork server 而不是 proctui，它一结束就被回收，"
                     "PID 随后可能分给别的进程")
        elif e.emulated is ev.Emulated.JOIN_UNDER_WAY:
            text += "；" + by_pid + "对它的 join 正在进行，它一结束就会被回收，PID 随后可能分给别的进程"
        elif e.method is not None:
            text = f"{e.label}.{e.method}() 就是 " + text
        elif e.signal == signal.SIGINT:
            text += "；Process.interrupt()（Python 3.14 起）发送的也是它"
        if e.was_zombie:
            text += (f"：{e.pid} 是僵尸进程。内核接受这个信号，但什么也不会改变：僵尸进程不再执行任何代码，"
                     "只有 waitpid()（join）能把它清掉")
        elif e.disposition is ev.Disposition.CAUGHT:
            text += (f"：/proc/{e.pid}/status 显示 {name} 被捕获（SigCgt），所以它不会因此死掉："
                     "由它自己的处理函数决定怎么办")
        elif e.disposition is ev.Disposition.IGNORED:
            text += (f"：/proc/{e.pid}/status 显示 {name} 被忽略（SigIgn），所以什么也不会发生；"
                     "kill()（SIGKILL）是无法忽略的")
        return text

    def join_blocks(self, e: ev.JoinBlocks) -> str:
        said = f"{e.label}.join() -> waitpid({e.pid}, 0) 阻塞：子进程还在运行"
        if e.sigterm is ev.Disposition.IGNORED:
            return f"{said}（x 能结束它；t 不行：/proc/{e.pid}/status 显示 SIGTERM 被忽略，SigIgn）"
        if e.sigterm is ev.Disposition.CAUGHT:
            return (f"{said}（x 能结束它；t 会运行它自己的 SIGTERM 处理函数，/proc/{e.pid}/status 里是 SigCgt，"
                    "由它决定）")
        return f"{said}（x 能结束它；t 也行，除非它被暂停了）"

    def join_stepped(self, e: ev.JoinStepped) -> str:
        if not e.started:
            return f"{e.label} = Process(...) 创建了但从未 start()；单步执行它的 join()"
        timeout = "" if e.timeout is None else e.timeout
        return f"{e.label}.join({timeout})：在代码查看器里单步执行 join()"

    def join_returned(self, e: ev.JoinReturned) -> str:
        said = f"{e.label}.join({e.timeout}) 在子进程被回收之前就返回了：exitcode 仍是 None"
        if e.child_state is not None and e.child_state not in "ZX":
            return f"{said}；子进程还在运行（/proc 里是 {e.child_state}）"
        exited = "已经退出（/proc 里是 Z）" if e.child_state == "Z" else "已经不在 /proc 里"
        if e.sentinel_writers:
            holders = "、".join(str(pid) for pid in e.sentinel_writers)
            return (f"{said}。子进程{exited}，但它的哨兵一直不可读：PID {holders} 还拿着哨兵管道的写端"
                    "（是它 fork 的进程继承下来的），而管道要等所有写端都关闭才算关闭")
        return f"{said}。子进程{exited}；它的哨兵在超时之后才变得可读"

    def still_alive(self, e: ev.StillAlive) -> str:
        if e.on_sentinel:
            return (f"{e.label}.is_alive() -> poll() -> connection.wait([sentinel], 0) -> [] -> True："
                    "还在运行（用 forkserver 时 poll() 不调用 waitpid：父进程是 fork server）")
        return (f"{e.label}.is_alive() -> poll() -> waitpid({e.pid}, WNOHANG) -> (0, 0) -> True："
                "还在运行，什么也没回收")

    def cow_memory(self, e: ev.CowMemory) -> str:
        where = f"/proc/{e.pid}/smaps_rollup"
        if not e.written:
            return (f"{e.label}（PID {e.pid}），{where}：Shared {e.shared} kB（proctui 也映射着的页），"
                    f"Private_Dirty {e.private_dirty} kB，Pss {e.pss} kB。fork() 没有复制任何一页："
                    f"proctui 的 cow_list（{e.list_kb} kB）一直是共享的，直到某一方写它")
        return (f"{e.label}（PID {e.pid}）写了，{where}：Private_Dirty {e.private_dirty} kB（原来 "
                f"{e.was_private_dirty}），Shared {e.shared} kB（原来 {e.was_shared}），Pss {e.pss} kB（原来 "
                f"{e.was_pss}）：它写到的每一页，内核都给了它一份自己的副本（写时复制，Private_Dirty 增加了 "
                f"{e.copied} kB）。"
                f"proctui 自己的那份没变：cow_writer = {e.parent_writer!r}，sum(cow_list) = {e.parent_sum}")

    def where_blocked(self, e: ev.WhereBlocked) -> str:
        threads = "；".join(f"线程 {tid}{'（主线程）' if tid == e.pid else ''} {state}，在 {wchan} 里"
                           for tid, state, wchan in e.threads)
        text = f"{e.label}（PID {e.pid}），读自 /proc/{e.pid}/task/*/stat 和 wchan：{threads}"
        if e.feeder_blocked:
            size = f"（{e.pipe_size} 字节）" if e.pipe_size else ""
            text += (f"。它的队列的 feeder 线程正阻塞在往管道里写：管道已满{size}；退出时主线程要等这个"
                     "线程结束：没人调用 get()，它就退不出去")
        return text

    def queue_got(self, e: ev.QueueGot) -> str:
        return (f"proctui：queue.get() -> 从 {e.label}（PID {e.pid}）收到 {e.size} 字节：管道被读空，"
                "它的 feeder 线程写完剩下的数据就结束，子进程不再有什么拦着它退出")

    # -- 进程池 ----------------------------------------------------------------------------

    def pool_created(self, e: ev.PoolCreated) -> str:
        limit = "maxtasksperchild 不限" if e.maxtasksperchild is None else f"maxtasksperchild={e.maxtasksperchild}"
        return (f"{e.label} = Pool({e.processes}, {limit})（{e.start_method}）：proctui 现在多了一个 worker handler "
                "线程（补充退出的工作进程并回收它们）、一个 task handler 线程和一个 result handler 线程")

    def pool_worker_started(self, e: ev.PoolWorkerStarted) -> str:
        by = "进程池的 worker handler 线程" if e.by_handler else f"Pool({e.processes})"
        text = f"{e.label}（PID {e.pid}）由 {by} 启动"
        if e.replaces:
            text += f"，接替 {e.replaces}"
        return f"{text}：{_POOL_WORKER_START[e.start_method]}"

    def pool_mapped(self, e: ev.PoolMapped) -> str:
        return (f"{e.label}.map_async(square_slowly, range({e.tasks}), chunksize=1)：{e.tasks} 个任务排队，"
                f"交给 {e.processes} 个工作进程，每个 {e.seconds} 秒")

    def pool_task_done(self, e: ev.PoolTaskDone) -> str:
        worker = f"（{e.label}）" if e.label else ""
        return f"{e.pool}：任务 {e.x} -> {e.square}，在 PID {e.pid}{worker}上完成"

    def pool_closing(self, e: ev.PoolClosing) -> str:
        return (f"{e.label}.close()：不再接受新任务。排队的任务做完后 worker handler 停下，每个工作进程收到一个 "
                f"None 哨兵值后退出；{e.label}.join() 就等这件事")

    def pool_terminating(self, e: ev.PoolTerminating) -> str:
        return (f"{e.label}.terminate()：停掉几个 handler 线程，对每个还在运行的工作进程 kill(pid, SIGTERM)，"
                "再逐个 join()")

    def pool_maps_dropped(self, e: ev.PoolMapsDropped) -> str:
        return f"{e.label}：有 {e.unfinished} 个 map 没做完：terminate() 丢掉了它们的任务，回调永远不会执行"

    def pool_map_failed(self, e: ev.PoolMapFailed) -> str:
        return f"{e.label}：map 失败：{e.error}"

    def pool_hangs(self, e: ev.PoolHangs) -> str:
        return f"{e.label}.terminate() 卡住了（有个工作进程拿着任务队列的锁死掉了）：直接杀掉它的工作进程"

    # -- 实验室自己的设置 ------------------------------------------------------------------

    def start_method_chosen(self, e: ev.StartMethodChosen) -> str:
        return f"新子进程的启动方法：{e.start_method}。{_START_METHOD_NOTES[e.start_method]}"

    def subreaper_set(self, e: ev.SubreaperSet) -> str:
        if e.on:
            return "prctl(PR_SET_CHILD_SUBREAPER, 1)：proctui 下面的孤儿进程现在由 proctui 收养"
        return "prctl(PR_SET_CHILD_SUBREAPER, 0)：孤儿进程现在由 PID 1 或 proctui 之上最近的 subreaper 收养"

    def hidden_reaping_unguarded(self, e: ev.HiddenReapingUnguarded) -> str:
        return ("这个 Python 的 multiprocessing 没有 process._children：proctui 没法阻止 start() 和 "
                "active_children() 回收它的子进程，所以别的子进程启动时，僵尸进程可能会消失")

    def orphan_leaves_the_tree(self, e: ev.OrphanLeavesTheTree) -> str:
        return ("proctui 现在不是 child subreaper：孤儿进程会由 proctui 之上最近的 subreaper 收养，"
                "没有的话由它所在 PID 命名空间的 PID 1 收养，从这棵树上消失")

    # -- 出错 ------------------------------------------------------------------------------

    def watch_failed(self, e: ev.WatchFailed) -> str:
        return f"监视子进程时出了内部错误：{e.error}"

    def refused(self, e: ev.Refused) -> str:
        return _REFUSALS[e.reason](e)


_ACCEPTED = f"CPython {release(OLDEST)} 到 {release(NEWEST)}"


def python_named(e: ev.Refused) -> str:
    """--python 给的 PYTHON，和它指的文件（写法不同时）。"""
    given = e.value or ""
    return given if not e.program or e.program == given else f"{given}（{e.program}）"


def _no_python_answer(e: ev.Refused) -> str:
    if e.error is not None:
        return f"根本没能运行（{e.error}）"
    if e.limit is not None:
        return f"在 {e.limit} 秒内没有回答"
    said = f"回答了 {e.text!r}" if e.text else "什么也没回答"
    return f"{said}，退出码是 {describe_exitcode(e.exitcode)}"


def _who(e: ev.Refused) -> str:
    return f"{e.label}（PID {e.pid}）"


# What the user asked to do, as the refusals name it (the UI passes its English verb).
_VERBS = {
    "terminate": "terminate()",
    "kill": "kill()",
    "join": "join()",
    "call is_alive() on": "is_alive()",
    "stop or continue": "暂停/继续",
    "interrupt": "中断（SIGINT）",
}


def _role(role: str) -> str:
    """A lab process's role (records.ROLES), from the catalogue."""
    return words("zh")(role)


def _verb(e: ev.Refused) -> str:
    return _VERBS.get(e.verb or "", e.verb or "")


_R = ev.Refusal
_REFUSALS: dict[ev.Refusal, Callable[[ev.Refused], str]] = {
    _R.UNKNOWN_START_METHOD: lambda e: f"没有 {e.value!r} 这种启动方法：可选 fork、spawn、forkserver",
    _R.EXIT_CODE_RANGE: lambda e: f"退出码必须在 0..255 之间，不能是 {e.value}",
    _R.NOT_MAIN_THREAD: lambda e: "实验进程只能从主线程启动",
    _R.FORK_FAILED: lambda e: f"{e.verb} 失败：{e.error}：系统拒绝创建新进程",
    _R.LAB_CLOSED: lambda e: "实验室已经关闭",
    _R.TOO_MANY: lambda e: f"已经有 {e.count} 个实验进程（上限 {e.limit}）：不再启动 {e.value} 个",
    _R.NO_GRANDCHILD_REPORT: lambda e: f"{_who(e)}一直没说它启动了哪个孙进程",
    _R.ZOMBIE_CANNOT_STOP: lambda e: f"{_who(e)}是僵尸进程：它既不能暂停也不能继续",
    _R.NO_PROCESS_OBJECT: lambda e: f"{e.label} 在 proctui 里没有 Process 对象：is_alive() 只能由它的父进程调用",
    _R.NOT_PROCTUIS_CHILD: lambda e: (
        f"{_who(e)}是 PID {e.other_pid} 启动的，不是 proctui：只有它的父进程能 join() 它。"
        "如果 proctui 收养了它，它退出时由 proctui 回收。"),
    _R.PID_REUSED: lambda e: f"PID {e.pid} 已经不是 {e.label} 了：什么也没发送",
    _R.ALREADY_REAPED: lambda e: f"{_who(e)}已经被回收了" + ("：什么也没发送" if e.verb == "signal" else ""),
    _R.JOIN_WAITING: lambda e: f"已经有一个对 {_who(e)}的 join 在等待",
    _R.INIT: lambda e: f"PID {e.pid} 是 init：proctui 从不向它发信号。什么也没发送",
    _R.PROCTUI_ITSELF: lambda e: (f"PID {e.pid} 就是 proctui 自己：它从不向自己发信号。什么也没发送"
                                  if e.verb is None else
                                  f"PID {e.pid} 就是 proctui 自己：它不会对自己执行 {_verb(e)}。什么也没做。"),
    _R.OTHER_USER: lambda e: f"PID {e.pid} 属于用户 {e.uid}，不是你的：proctui 从不向它发信号。什么也没发送",
    _R.NOTHING_SELECTED: lambda e: f"先选中一个实验进程，再执行 {_verb(e)}",
    _R.NOT_A_LAB_PROCESS: lambda e: f"PID {e.pid} 不是实验进程：proctui 只操作它自己启动的进程。什么也没做。",
    _R.POOL_WORKER: lambda e: (f"PID {e.pid} 是 {e.label}：它归进程池管。P 关闭并 join 进程池；"
                               "命令面板里可以 terminate 它。什么也没做。"),
    _R.POOL_NEEDS_A_WORKER: lambda e: f"进程池至少要一个工作进程，不能是 {e.value}",
    _R.POOL_BAD_MAXTASKS: lambda e: f"maxtasksperchild 必须是 None 或至少 1，不能是 {e.value}",
    _R.POOL_FAILED: lambda e: f"Pool() 失败：{e.error}：系统拒绝创建新进程",
    _R.POOL_CLOSED: lambda e: (f"{e.label} 已经 close 了：关闭的进程池不再接受新任务" if e.verb == "map"
                               else f"{e.label} 已经关闭"),
    _R.POOL_JOIN_WAITING: lambda e: f"{e.label}.join() 已经在等待",
    _R.NO_POOL: lambda e: "没有打开的进程池：按 p 启动一个",
    _R.ALREADY_STEPPING: lambda e: "正在单步执行一个 join：n 下一步，c 执行到底",
    _R.NO_STEPPED_CHILD: lambda e: f"单步执行的 join 没有活着的子进程可以 {_verb(e)}",
    _R.SUBREAPER_FAILED: lambda e: f"prctl(PR_SET_CHILD_SUBREAPER) 失败：{e.error}",
    _R.CANNOT_STEP: lambda e: f"在这个 Python 上没法单步执行 join()：{e.error}",
    _R.SCRIPT_MISSING: lambda e: f"{e.value}：没有这个文件。什么也没运行。",
    _R.SCRIPT_IS_DIRECTORY: lambda e: f"{e.value} 是个目录，不是脚本。什么也没运行。",
    _R.SCRIPT_NOT_PYTHON: lambda e: (f"{e.value} 不是 Python 脚本"
                                     f"（{e.error or '里面有 NUL 字节：是个二进制文件'}）。什么也没运行。"),
    _R.SCRIPT_SYNTAX: lambda e: (f"{e.value}:{e.line}:{e.column}：语法错误（SyntaxError）：{e.error}"
                                 + (f"（在 Python {e.version} 下）" if e.version else "") + "。什么也没运行。\n"
                                 + syntax_caret(e.text, e.column)),
    _R.PYTHON_NOT_ON_PATH: lambda e: f"--python {e.value}：PATH 里没有叫这个名字的程序。什么也没运行。",
    _R.PYTHON_MISSING: lambda e: f"--python {e.value}：没有这个文件。什么也没运行。",
    _R.PYTHON_IS_DIRECTORY: lambda e: f"--python {python_named(e)} 是个目录，不是 Python。什么也没运行。",
    _R.PYTHON_NOT_EXECUTABLE: lambda e: f"--python {python_named(e)} 不能执行（你没有运行它的权限）。什么也没运行。",
    _R.PYTHON_NOT_PYTHON: lambda e: (f"--python {python_named(e)} 不是 Python：问它的版本，它"
                                     f"{_no_python_answer(e)}。proctui 只在 {_ACCEPTED} 下运行脚本。什么也没运行。"),
    _R.PYTHON_NOT_CPYTHON: lambda e: (f"--python {python_named(e)} 是 {e.version}，不是 CPython：proctui 只在 "
                                      f"{_ACCEPTED} 下运行脚本（它的跟踪器依赖 CPython 自己的 multiprocessing）。"
                                      "什么也没运行。"),
    _R.PYTHON_VERSION: lambda e: (f"--python {python_named(e)} 是 Python {e.version}：proctui 只在 {_ACCEPTED} "
                                  "下运行脚本。什么也没运行。"),
    _R.SCRIPT_FORKS_TOO_MANY: lambda e: (f"PID {e.other_pid} fork 出了 PID {e.pid}，超过了 {e.limit} "
                                         "个实验进程的上限（--max-children）：proctui 用 SIGKILL 结束了它"),
    _R.COW_NEEDS_FORK: lambda e: (f"写时复制要用 fork：在 {e.value} 下子进程是一个全新的 Python，"
                                  "和 proctui 不共享任何一页（按 m 选 fork）。什么也没有启动。"),
    _R.NO_COW_CHILD: lambda e: "没有等着写内存的写时复制子进程：先启动一个（ctrl+p：写时复制子进程）",
    _R.CHILD_SILENT: lambda e: f"{_who(e)}一直没有说 {e.value!r}（它已结束，或卡住了）：什么也没有读",
    _R.NO_QUEUE: lambda e: "没有等着被读的队列：先启动一个（ctrl+p：队列：子进程放入 10 MiB）",
    _R.QUEUE_EMPTY: lambda e: f"{_who(e)}的队列里什么也没来（它已结束，或卡住了）：什么也没有读",
    _R.SCRIPT_RUNNING: lambda e: f"已经有一个脚本在运行（{e.label}，PID {e.pid}）：先结束它（t 或 x）",
}
