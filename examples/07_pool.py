# 07 · A process pool: Pool(2), map() and apply_async()
#
# What to watch (`proctui run examples/07_pool.py`):
# - Step over `Pool(2)`: two worker processes appear under the script
#   process at once, before any task is given, and wait (S) for
#   tasks. (The pool's helper threads live in the script process:
#   they are threads, not processes.)
# - Step over `pool.map(...)`: the four tasks are shared between the
#   two workers; each line says which worker PID ran the task. The
#   workers stay alive after it.
# - Step over `pool.apply_async(...)`: it returns at once with an
#   AsyncResult; `.get()` waits for the result. Still the same two
#   workers: a pool reuses its processes, not one process per task.
# - Step over `pool.close()` (no more tasks) and `pool.join()`: the
#   workers exit and are reaped, and both rows vanish.
#
# 在 proctui 里看什么（`proctui run examples/07_pool.py`）：
# - 单步执行过 `Pool(2)`：脚本进程下面马上出现两个工作进程，
#   这时还没有任务，它们在睡眠（S）等任务。（进程池的几个
#   辅助线程在脚本进程里，是线程，不是进程。）
# - 单步执行过 `pool.map(...)`：四个任务分给两个工作进程，
#   每行都写着是哪个 PID 执行的。map 结束后工作进程还在。
# - 单步执行过 `pool.apply_async(...)`：马上返回一个
#   AsyncResult，`.get()` 才等结果。还是那两个工作进程：
#   进程池重复使用进程，不会每个任务开一个新进程。
# - 单步执行过 `pool.close()`（不再接受任务）和
#   `pool.join()`：工作进程退出并被回收，两行都从树上消失。

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
