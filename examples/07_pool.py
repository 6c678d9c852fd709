# 07 · A process pool: Pool(2), map() and apply_async()
#
# This example keeps the default start method: on Linux fork up to
# Python 3.13, forkserver from 3.14. Where that changes what you see,
# both are said.
#
# What to watch (`proctui run examples/07_pool.py`):
# - Step over `Pool(2)`: two worker processes appear at once, before
#   any task is given, each with a viewer of its own (Tab reaches it;
#   c lets it run). Under fork they are the script's children, paused
#   where fork() returned 0; under forkserver they are the fork
#   server's (a process below the script), paused at the first line of
#   multiprocessing's worker(). Run, they wait (S) for tasks. (The
#   pool's helper threads live in the script process: they are
#   threads, not processes.)
# - Step over `pool.map(...)`: the four tasks are shared between the
#   two workers; each line says which worker PID ran the task, and its
#   PPID: the script's under fork, the fork server's under forkserver.
#   The workers stay alive after it.
# - Step over `pool.apply_async(...)`: it returns at once with an
#   AsyncResult; `.get()` waits for the result. Still the same two
#   workers: a pool reuses its processes, not one process per task.
# - Step over `pool.close()` (no more tasks) and `pool.join()`: the
#   workers exit and are reaped (by pool.join() under fork, by the
#   fork server at once under forkserver), and both rows vanish.
#
# 本例用的是默认的启动方法：Linux 上到 Python 3.13 为止是 fork，
# 从 3.14 起是 forkserver。看到的情况因此不同的地方，两种都写了。
#
# 在 proctui 里看什么（`proctui run examples/07_pool.py`）：
# - 单步执行过 `Pool(2)`：马上出现两个工作进程，这时还没有任务；
#   它们各有自己的查看器（按 Tab 过去；按 c 让它运行）。用 fork
#   时它们属于脚本进程，停在 fork() 返回 0 的地方；用 forkserver
#   时它们属于 fork server（脚本进程下面的一个进程），停在
#   multiprocessing 的 worker() 的第一行。运行起来以后，它们在
#   睡眠（S）等任务。（进程池的几个辅助线程在脚本进程里，是线程，
#   不是进程。）
# - 单步执行过 `pool.map(...)`：四个任务分给两个工作进程，每行
#   都写着是哪个 PID 执行的，以及它的 PPID：用 fork 时是脚本的，
#   用 forkserver 时是 fork server 的。map 结束后工作进程还在。
# - 单步执行过 `pool.apply_async(...)`：马上返回一个
#   AsyncResult，`.get()` 才等结果。还是那两个工作进程：
#   进程池重复使用进程，不会每个任务开一个新进程。
# - 单步执行过 `pool.close()`（不再接受任务）和
#   `pool.join()`：工作进程退出并被回收（用 fork 时由
#   pool.join() 回收，用 forkserver 时由 fork server 马上回收），
#   两行都从树上消失。

import os
import time
from multiprocessing import Pool


def square(n):
    time.sleep(0.1)  # long enough for both workers to get a task
    return n, n * n, os.getpid(), os.getppid()


if __name__ == "__main__":
    print(f"[parent] PID: {os.getpid()}, PPID: {os.getppid()}")
    pool = Pool(2)
    for n, sq, pid, ppid in pool.map(square, range(4)):
        print(f"[parent] map: {n}*{n}={sq}, worker {pid} (PPID {ppid})")
    result = pool.apply_async(square, (10,))
    n, sq, pid, ppid = result.get()
    print(f"[parent] apply_async: {n}*{n}={sq}, worker {pid}")
    pool.close()
    pool.join()
    print("[parent] pool closed and joined")
