# 06 · A daemon child (daemon=True), and what ends it
#
# What to watch (`proctui run examples/06_daemon.py`):
# - fork() returns twice: after a step over start() the child has a
#   viewer of its own, paused where fork() returned 0 (Tab reaches
#   it). c lets it run; n and s step it through _bootstrap, your
#   target and os._exit(). (With spawn or forkserver the child
#   runs free.)
# - Step over `p.start()`: a daemon child appears under the script
#   process and sleeps (S). It sleeps long on purpose: it is still
#   asleep when the parent is done, however slowly you step.
# - The parent never joins it: it sleeps 0.5 s, prints, and returns.
# - Step past the last line: at interpreter exit, multiprocessing's
#   exit handler (util._exit_function, registered with atexit) calls
#   terminate() (SIGTERM) on every daemon child still running, then
#   joins it. The daemon dies and is reaped, its "woke up" line never
#   appears, and the script exits with 0. Nothing is left behind.
# - A child that is not a daemon would be joined instead: the script
#   would wait for it. A daemon's own start() of a child fails an
#   assert (not under -O). If
#   the parent died without its exit handler (SIGKILL, os._exit()),
#   the daemon would live on as an orphan, adopted by the nearest
#   subreaper (here proctui), else PID 1 of its PID namespace.
#
# 在 proctui 里看什么（`proctui run examples/06_daemon.py`）：
# - fork() 返回两次：单步执行过 start() 之后，子进程有自己的查看器，
#   停在 fork() 返回 0 的地方（按 Tab 过去）。按 c 让它运行；用 n 和
#   s 可以一步步走过 _bootstrap、你的 target 和 os._exit()。
#   （用 spawn 或 forkserver 时子进程自由运行。）
# - 单步执行过 `p.start()`：脚本进程下面出现一个守护进程，
#   进入睡眠（S）。特意让它睡很久：不管你单步多慢，父进程
#   结束时它都还在睡。
# - 父进程不 join 它：睡 0.5 秒，打印一行，然后返回。
# - 单步执行过最后一行：解释器退出时，multiprocessing 的退出
#   处理函数（util._exit_function，用 atexit 注册）对每个还在
#   运行的守护进程调用 terminate()（SIGTERM），再 join 回收。
#   守护进程被杀死并被回收，它那句 "woke up" 永远不会打印，
#   脚本以退出码 0 结束，什么都不会留下。
# - 如果不是守护进程，父进程退出时会 join 它，一直等它结束。
#   守护进程自己再 start() 子进程会被 assert 拦下（-O 下没有）。
#   父进程要是没执行退出处理就死了（SIGKILL、os._exit()），守护
#   进程就成了孤儿进程，由最近的 subreaper（这里是 proctui）收养，
#   没有的话由所在 PID 命名空间的 PID 1 收养。

import os
import time
from multiprocessing import Process


def daemon_work():
    print(f"[daemon] PID: {os.getpid()}, PPID: {os.getppid()}")
    time.sleep(30)  # never in full: the parent's exit handler ends it
    print("[daemon] woke up (you should not see this)")


if __name__ == "__main__":
    print(f"[parent] PID: {os.getpid()}, PPID: {os.getppid()}")
    p = Process(target=daemon_work, name="daemon", daemon=True)
    p.start()
    time.sleep(0.5)
    print(f"[parent] daemon {p.pid} alive: {p.is_alive()}")
    print("[parent] returning without join()")
    # main() returns; at exit multiprocessing terminates the daemon
