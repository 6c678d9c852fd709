# 04 · is_alive(), and is_alive() reaps
#
# This example chooses fork (multiprocessing.get_context("fork")) on
# every Python: its lesson is a zombie of the script's own. os.waitid()
# may wait only for a child of the process that calls it, and under
# forkserver (the default from 3.14) the child would be the fork
# server's: os.waitid() would fail with ChildProcessError, and the fork
# server would reap the child at once, leaving no zombie to see.
#
# What to watch (`proctui run examples/04_is_alive.py`):
# - Step over `p.start()`: start() forks the script process, and fork()
#   returns twice. A child appears under the script process with a
#   viewer of its own, paused where fork() returned 0 (Tab reaches it):
#   c lets it run, n and s step it through _bootstrap, your target and
#   os._exit(). Paused, or (after c) printing its line and waiting (S)
#   for the event, it cannot exit before go_on.set(), so the first
#   `p.is_alive()` is True however slowly you step.
# - Step over `go_on.set()`: the event is set. A child you let run goes
#   on, prints "[child] exiting" and exits; a child still paused prints
#   nothing until c in its viewer.
# - Step over `os.waitid(...)`: the parent waits until the child has
#   exited WITHOUT reaping it (WNOWAIT). If the child is still paused,
#   the step does not end until you press c in the child's viewer. The
#   child is now a zombie (Z) under the script.
# - Step over the second `p.is_alive()`: it is False, and the
#   zombie's row vanishes at that very line. is_alive() does not only
#   ask: on a child that has exited it calls waitpid(pid, WNOHANG),
#   which reaps it. p.exitcode is already 0, and the last `p.join()`
#   has nothing left to wait for.
#
# 本例在每个 Python 上都选用 fork（multiprocessing.get_context("fork")），
# 因为它讲的是脚本进程自己的僵尸进程。os.waitid() 只能等待调用它的
# 进程自己的子进程；用 forkserver（3.14 起的默认）时子进程属于 fork
# server：os.waitid() 会抛出 ChildProcessError，而且 fork server
# 会马上回收子进程，根本看不到僵尸进程。
#
# 在 proctui 里看什么（`proctui run examples/04_is_alive.py`）：
# - 单步执行过 `p.start()`：start() fork 了脚本进程，fork() 返回
#   两次。脚本进程下面出现一个子进程，它有自己的查看器，停在
#   fork() 返回 0 的地方（按 Tab 过去）：按 c 让它运行，用 n 和 s
#   一步步走过 _bootstrap、你的 target 和 os._exit()。不管它还
#   停着，还是（按了 c 之后）打印完一行正在等事件（S），在
#   go_on.set() 之前它都不可能退出，所以不管你单步多慢，第一个
#   `p.is_alive()` 都是 True。
# - 单步执行过 `go_on.set()`：事件被设置。已经让它运行的子进程
#   接着打印 "[child] exiting" 然后退出；还停着的子进程什么也不
#   打印，直到你在它的查看器里按 c。
# - 单步执行过 `os.waitid(...)`：父进程等子进程退出，但用 WNOWAIT
#   不回收它。子进程要是还停着，这一步会一直等到你在子进程的
#   查看器里按 c 才结束。子进程现在是脚本进程下面的僵尸进程（Z）。
# - 单步执行过第二个 `p.is_alive()`：结果是 False，僵尸进程
#   那一行就在这一步消失。is_alive() 不只是问一问：子进程已经
#   退出时，它调用 waitpid(pid, WNOHANG)，也就把子进程回收了。
#   此时 p.exitcode 已经是 0，最后的 `p.join()` 没什么可等的。

import multiprocessing
import os


def worker(go_on):
    print(f"[child] PID: {os.getpid()}, PPID: {os.getppid()}")
    go_on.wait()
    print("[child] exiting")


if __name__ == "__main__":
    print(f"[parent] PID: {os.getpid()}, PPID: {os.getppid()}")
    # fork on every Python: os.waitid() below may wait only for a child of
    # this process (under forkserver the fork server would be its parent)
    ctx = multiprocessing.get_context("fork")
    go_on = ctx.Event()
    p = ctx.Process(target=worker, args=(go_on,))
    p.start()
    print(f"[parent] is_alive() while it waits: {p.is_alive()}")
    go_on.set()
    # wait for the exit but do not reap: the child stays a zombie
    os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
    print(f"[parent] is_alive() after its exit: {p.is_alive()}")
    print(f"[parent] exitcode: {p.exitcode}")
    p.join()  # returns at once: is_alive() already reaped the child
