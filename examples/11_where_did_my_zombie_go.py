# 11 · Python 3.14 changed the default start method: where did my zombie go?
#
# What to watch (`proctui run examples/11_where_did_my_zombie_go.py forkserver`,
# then again with `fork`; with no argument the script uses your Python's
# default, which the log names: fork up to 3.13, forkserver from 3.14):
# - Under fork: step over p.start() (n) and fork() returns twice: the
#   child's viewer opens where fork() returned 0 (Tab to it, c). Its PPID
#   is the script's PID. It exits and stays a zombie (Z) under the script
#   until p.join() calls waitpid().
# - Under forkserver: p.start() first starts the fork server (a row under
#   the script), then asks it to fork the child: the script's own fork()
#   never runs. The child's viewer opens at child()'s first line. Its
#   PPID is the fork server's PID (the log says whose PID it is). When it
#   exits, the fork server reaps it at once: no zombie anywhere, and
#   p.join() reads the exit code from the sentinel, with no waitpid().
# - The top level's line: under forkserver on 3.14+ the fork server
#   imports this file once, as __mp_main__ (its line is logged under the
#   fork server's PID); up to 3.13 each forkserver child imported it. Under
#   fork nothing is imported again: the child is a copy of the parent.
# `python3 examples/11_where_did_my_zombie_go.py fork` prints the same lines.
#
# 在 proctui 里看什么（先 `proctui run examples/11_where_did_my_zombie_go.py
# forkserver`，再换成 `fork` 运行一遍；不带参数时，脚本用你的 Python 的默认
# 启动方法，日志会说是哪一个：3.13 及以前是 fork，3.14 起是 forkserver）：
# - 用 fork：单步执行过 p.start()（按 n），fork() 返回两次：子进程的查看器
#   停在 fork() 返回 0 的地方（按 Tab 过去，再按 c）。它的 PPID 就是脚本的
#   PID。它退出后一直以僵尸进程（Z）的样子留在脚本下面，直到 p.join()
#   调用 waitpid()。
# - 用 forkserver：p.start() 先启动 fork server（树上脚本下面的一行），再请它
#   fork 出子进程：脚本自己的 fork() 根本没有执行。子进程的查看器停在
#   child() 的第一行。它的 PPID 是 fork server 的 PID（日志会说这是谁的 PID）。
#   它一退出，fork server 就立刻回收它：哪儿都没有僵尸进程，p.join() 不调用
#   waitpid()，而是从哨兵里读退出码。
# - 顶层那一行：3.14 起用 forkserver 时，fork server 只把这个文件作为
#   __mp_main__ 导入一次（日志里这一行记在 fork server 的 PID 下面）；3.13 及
#   以前，每个 forkserver 子进程都会导入它。用 fork 时什么都不会再导入：子进程
#   是父进程的一份拷贝。
# 直接运行 `python3 examples/11_where_did_my_zombie_go.py fork`，输出一样。

import multiprocessing
import os
import sys

print(f"[{__name__}] the top level runs in PID {os.getpid()}")


def child():
    print(f"[child] PID: {os.getpid()}, PPID: {os.getppid()}")


if __name__ == "__main__":
    # The start method named on the command line, or this Python's default.
    method = sys.argv[1] if len(sys.argv) > 1 else multiprocessing.get_start_method()
    ctx = multiprocessing.get_context(method)
    print(f"[parent] PID: {os.getpid()}, start method {method}")
    p = ctx.Process(target=child)
    p.start()
    print(f"[parent] started child {p.pid}: whose child is it? (the tree)")
    p.join()  # fork: waitpid() reaps the zombie; forkserver: the exit code from the sentinel
    print(f"[parent] joined: exitcode {p.exitcode}")
