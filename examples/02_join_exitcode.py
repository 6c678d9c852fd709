# 02 · join() and exit codes
#
# This example keeps the default start method: on Linux fork up to
# Python 3.13, forkserver from 3.14. Where that changes what you see,
# both are said.
#
# What to watch (`proctui run examples/02_join_exitcode.py`):
# - Three children are started and joined one after the other. Step
#   over `p.start()`: a child appears with a viewer of its own (Tab
#   reaches it) and runs nothing of yours until you let it (c in its
#   viewer; n and s step it). Under fork, start() forks the script
#   process and fork() returns twice: the child is the script's,
#   paused where fork() returned 0. Under forkserver the fork server (a
#   process below the script) forks it: the child is the fork server's
#   (the PPID it prints is the fork server's PID), paused at the first
#   line of its target. (Under spawn, get_context("spawn"), the child
#   is the script's and pauses at its target's first line too.)
# - c in its viewer: the child prints and exits. Under fork it stays a
#   zombie (Z) under the script until `p.join()` reaps it with
#   waitpid(). Under forkserver the fork server reaps it at once: no
#   zombie under the script, and `p.join()` reads the exit code that
#   the fork server wrote on the child's sentinel.
# - After `p.join()` the row is gone, and the exit code printed is the
#   one the kernel reported to waitpid() (the script's under fork, the
#   fork server's under forkserver): returns() ends normally -> 0,
#   exits() calls sys.exit(3) -> 3, raises() raises an exception -> 1.
# - The traceback in the log is the third child's stderr: its
#   exception is printed, the child exits with 1, and the script goes
#   on and ends with exit code 0.
#
# 本例用的是默认的启动方法：Linux 上到 Python 3.13 为止是 fork，
# 从 3.14 起是 forkserver。看到的情况因此不同的地方，两种都写了。
#
# 在 proctui 里看什么（`proctui run examples/02_join_exitcode.py`）：
# - 三个子进程依次启动、依次 join。单步执行过 `p.start()`：出现
#   一个子进程，它有自己的查看器（按 Tab 过去），在你让它运行之前
#   （在它的查看器里按 c；用 n 和 s 单步）不会执行你的任何代码。
#   用 fork 时，start() fork 了脚本进程，fork() 返回两次：子进程
#   属于脚本进程，停在 fork() 返回 0 的地方。用 forkserver 时由
#   fork server（脚本进程下面的一个进程）来 fork：子进程属于 fork
#   server（它打印的 PPID 就是 fork server 的 PID），停在它的
#   target 的第一行。（用 get_context("spawn") 选 spawn 时，子进程
#   属于脚本进程，也停在 target 的第一行。）
# - 在它的查看器里按 c：子进程打印一行后退出。用 fork 时，在
#   `p.join()` 用 waitpid() 回收它之前，它一直是脚本进程下面的
#   僵尸进程（Z）。用 forkserver 时 fork server 马上回收它：脚本
#   进程下面没有僵尸进程，`p.join()` 从子进程的哨兵里读出 fork
#   server 写进去的退出码。
# - `p.join()` 之后那一行消失，打印的退出码就是内核通过
#   waitpid() 报告的（用 fork 时是脚本的 waitpid()，用 forkserver
#   时是 fork server 的）：returns() 正常返回 -> 0，exits() 调用
#   sys.exit(3) -> 3，raises() 抛出异常 -> 1。
# - 日志里的 Traceback 是第三个子进程的 stderr：异常被打印
#   出来，子进程以 1 退出，脚本照常运行，最后退出码是 0。

import os
import sys
from multiprocessing import Process


def returns():
    print(f"[child-returns] PID: {os.getpid()}, PPID: {os.getppid()}")


def exits():
    print(f"[child-exits] PID: {os.getpid()}, PPID: {os.getppid()}")
    sys.exit(3)


def raises():
    print(f"[child-raises] PID: {os.getpid()}, PPID: {os.getppid()}")
    raise ValueError("an uncaught exception in the child")


if __name__ == "__main__":
    print(f"[parent] PID: {os.getpid()}, PPID: {os.getppid()}")
    for target in (returns, exits, raises):
        p = Process(target=target, name=target.__name__)
        p.start()
        p.join()
        print(f"[parent] joined {p.name}: exitcode {p.exitcode}")
