# 06 · A daemon child (daemon=True), and what ends it
#
# This example keeps the default start method: on Linux fork up to
# Python 3.13, forkserver from 3.14. Where that changes what you see,
# both are said.
#
# What to watch (`proctui run examples/06_daemon.py`):
# - Step over `p.start()`: a daemon child appears with a viewer of its
#   own (Tab reaches it). Under fork it is the script's child, paused
#   where fork() returned 0 (fork() returns twice); under forkserver it
#   is the fork server's (a process below the script), paused at the
#   first line of daemon_work(). (Under spawn, get_context("spawn"), it
#   is the script's and pauses at daemon_work()'s first line too.) c in
#   its viewer lets it print and sleep (S). It sleeps long on purpose:
#   it is still asleep when the parent is done, however slowly you step.
# - The parent never joins it: it sleeps 0.5 s, prints, and returns.
# - Step past the last line: at interpreter exit, multiprocessing's
#   exit handler (util._exit_function, registered with atexit) calls
#   terminate() (SIGTERM) on every daemon child still running, then
#   joins every child still running. The daemon dies and is reaped:
#   under fork by the script itself (a waitpid() in that exit
#   handler), under forkserver by the fork server, at once. Its "woke
#   up" line never appears, and the script exits with 0. Nothing is
#   left behind.
# - A child that is not a daemon would be joined instead: the script
#   would wait for it. A daemon's own start() of a child fails an
#   assert (not under -O). If the parent died without its exit handler
#   (SIGKILL, os._exit()), the daemon would live on. Under fork it
#   would be an orphan, adopted by the nearest subreaper (here
#   proctui), else PID 1 of its PID namespace. Under forkserver it
#   would stay the fork server's child, and the fork server would be
#   the orphan: it lives on as long as the daemon does (the daemon
#   holds its end of the pipe that keeps the fork server running).
#
# 本例用的是默认的启动方法：Linux 上到 Python 3.13 为止是 fork，
# 从 3.14 起是 forkserver。看到的情况因此不同的地方，两种都写了。
#
# 在 proctui 里看什么（`proctui run examples/06_daemon.py`）：
# - 单步执行过 `p.start()`：出现一个守护进程，它有自己的查看器
#   （按 Tab 过去）。用 fork 时它属于脚本进程，停在 fork() 返回 0
#   的地方（fork() 返回两次）；用 forkserver 时它属于 fork server
#   （脚本进程下面的一个进程），停在 daemon_work() 的第一行。（用
#   get_context("spawn") 选 spawn 时，它属于脚本进程，也停在
#   daemon_work() 的第一行。）在它的查看器里按 c，它就打印一行、
#   进入睡眠（S）。特意让它睡很久：不管你单步多慢，父进程结束时
#   它都还在睡。
# - 父进程不 join 它：睡 0.5 秒，打印一行，然后返回。
# - 单步执行过最后一行：解释器退出时，multiprocessing 的退出
#   处理函数（util._exit_function，用 atexit 注册）对每个还在
#   运行的守护进程调用 terminate()（SIGTERM），再 join 每个还在
#   运行的子进程。守护进程被杀死并被回收：用 fork 时由脚本进程
#   自己回收（这个退出处理函数里的一次 waitpid()），用 forkserver
#   时由 fork server 马上回收。它那句 "woke up" 永远不会打印，
#   脚本以退出码 0 结束，什么都不会留下。
# - 如果不是守护进程，父进程退出时会 join 它，一直等它结束。
#   守护进程自己再 start() 子进程会被 assert 拦下（-O 下没有）。
#   父进程要是没执行退出处理就死了（SIGKILL、os._exit()），守护
#   进程会继续活着。用 fork 时它成了孤儿进程，由最近的 subreaper
#   （这里是 proctui）收养，没有的话由所在 PID 命名空间的 PID 1
#   收养。用 forkserver 时它仍是 fork server 的子进程，成为孤儿
#   进程的是 fork server：只要守护进程还活着，它就一直活着（守护
#   进程拿着让 fork server 继续运行的那根管道的一端）。

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
