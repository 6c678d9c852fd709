# 01 · A first Process: target, args, name, start(), join()
#
# This example keeps the default start method, and what you see depends
# on it: on Linux it is fork up to Python 3.13 and forkserver from 3.14.
# `python3 -c "import multiprocessing as m; print(m.get_start_method())"`
# says which one your Python has.
#
# What to watch (`proctui run examples/01_process.py`):
# - The script process is the parent. Its first line in the log gives
#   its PID and its PPID (proctui's PID).
# Under fork (the default up to 3.13):
# - Step over `p.start()` (n): start() forks the script process, and
#   fork() returns twice. A child appears under the script process with
#   a viewer of its own, paused where fork() returned 0 (Tab reaches
#   it). It has printed nothing yet.
# - c in the child's viewer (or n and s, through _bootstrap, your
#   target and os._exit()): it prints its PID and a PPID equal to the
#   script's PID, returns from test() and exits. Nobody has waited for
#   it yet, so it stays in the tree as a zombie (Z) under the script.
# - Step over `p.join()`: join() calls waitpid() on the child, the
#   zombie's row vanishes, and p.exitcode is 0.
# Under forkserver (the default from 3.14):
# - Step over `p.start()`: the script forks nothing itself. start()
#   starts the fork server (once: a fresh Python, a row under the script
#   process, beside multiprocessing's resource tracker) and asks it for
#   a child. The child appears under the fork server, and its viewer
#   opens at the first line of test(): it is not a copy of the script
#   process, so there is no fork() in it returning 0.
# - c in the child's viewer: it prints its PID and a PPID that is the
#   fork server's PID, not the script's. It exits, and the fork server,
#   its parent, reaps it at once (on SIGCHLD it calls waitpid()): its
#   row is gone before the script's join(), and no zombie ever shows
#   under the script.
# - Step over `p.join()`: join() calls no waitpid(). It reads the exit
#   code that the fork server wrote on the child's sentinel:
#   p.exitcode is 0.
# Either way, step over `p.join()` while the child is still paused and
# join() waits until you let the child run. (Under spawn, chosen with
# multiprocessing.get_context("spawn"), the child is a fresh Python, the
# script's own child, and its viewer opens at test()'s first line too.)
# `python3 examples/01_process.py` prints the same lines.
#
# 本例用的是默认的启动方法，你看到的情况取决于它：Linux 上到
# Python 3.13 为止默认是 fork，从 3.14 起默认是 forkserver。
# `python3 -c "import multiprocessing as m; print(m.get_start_method())"`
# 会告诉你，你的 Python 用的是哪一个。
#
# 在 proctui 里看什么（`proctui run examples/01_process.py`）：
# - 脚本进程就是父进程。日志里它打印的第一行是它的 PID 和
#   PPID（也就是 proctui 的 PID）。
# 用 fork 时（3.13 及以前的默认）：
# - 单步执行过 `p.start()`（按 n）：start() fork 了脚本进程，
#   fork() 返回两次。脚本进程下面多了一个子进程，它有自己的
#   查看器，停在 fork() 返回 0 的地方（按 Tab 过去）。这时它
#   什么都还没打印。
# - 在子进程的查看器里按 c（或者用 n 和 s 一步步走过
#   _bootstrap、你的 target 和 os._exit()）：它打印自己的 PID，
#   PPID 就是脚本进程的 PID；test() 返回后子进程就退出了。还没有
#   人等待它，所以它以僵尸进程（Z）的样子留在脚本进程下面。
# - 单步执行过 `p.join()`：join() 内部调用 waitpid() 回收子
#   进程，僵尸进程那一行随之消失，退出码 p.exitcode 是 0。
# 用 forkserver 时（3.14 起的默认）：
# - 单步执行过 `p.start()`：脚本自己什么也不 fork。start() 先
#   启动 fork server（只启动一次：一个全新的 Python，在树上是
#   脚本进程下面的一行，旁边是 multiprocessing 的 resource
#   tracker），再请它创建子进程。子进程出现在 fork server 下面，
#   它的查看器停在 test() 的第一行：它不是脚本进程的副本，里面
#   没有一个返回 0 的 fork()。
# - 在子进程的查看器里按 c：它打印自己的 PID，PPID 是 fork
#   server 的 PID，不是脚本的。它一退出，它的父进程 fork server
#   马上回收它（收到 SIGCHLD 就调用 waitpid()）：脚本 join() 之前
#   它那一行就已经消失，脚本进程下面始终不会出现僵尸进程。
# - 单步执行过 `p.join()`：join() 不调用 waitpid()，而是从子进程
#   的哨兵里读出 fork server 写进去的退出码：p.exitcode 是 0。
# 不管用哪种方法，子进程还停着的时候单步执行过 `p.join()`，join()
# 会一直等到你让子进程运行。（用
# multiprocessing.get_context("spawn") 选 spawn 时，子进程是一个
# 全新的 Python，父进程是脚本进程，它的查看器也停在 test() 的
# 第一行。）
# 直接运行 `python3 examples/01_process.py`，输出一样。

import os
from multiprocessing import Process  # a class: Process, not process


def test(name):
    print(f"[child-{name}] PID: {os.getpid()}, PPID: {os.getppid()}")


if __name__ == "__main__":
    print(f"[parent] PID: {os.getpid()}, PPID: {os.getppid()}")
    # a tuple of one element needs the comma: (x,)
    p = Process(target=test, args=("mengmengda",), name="first")
    p.start()
    print(f"[parent] started child {p.name!r}, PID {p.pid}")
    p.join()  # the parent reaps the child (the wait family inside)
    print(f"[parent] joined {p.name!r}, exit code {p.exitcode}")
