# 12 · Four workers on two Queues: many processes, and who waits for whom
#
# What to watch (`proctui run examples/12_queue_workers.py fork`; with no
# argument, your Python's default start method):
# - n over the line that starts the workers: each worker's viewer opens
#   where fork() returned 0 (more viewers than fit side by side: the tabs
#   above them name each one; Tab goes from one to the next).
# - n on to the loop that reads the results, then n on results.get(): the
#   script's viewer says what it is blocked on: a read of the results
#   queue's pipe, whose write end the workers hold, paused in their viewers.
# - C: every process runs on. The workers square the tasks, each sends its
#   results back and stops at the None it is sent; the script prints them
#   in order and joins every worker.
# `python3 examples/12_queue_workers.py fork` prints the same lines.
#
# 在 proctui 里看什么（`proctui run examples/12_queue_workers.py fork`；不带
# 参数时，用你的 Python 的默认启动方法）：
# - 单步执行过启动 worker 的那一行（按 n）：每个 worker 的查看器都停在 fork()
#   返回 0 的地方（查看器多得并排放不下时，上面的标签会列出每一个；按 Tab
#   从一个切到下一个）。
# - 一直按 n 到读取结果的循环，再在 results.get() 上按 n：脚本的查看器会说
#   它阻塞在哪里：读结果队列的管道，而管道的写端在 worker 手里，它们都停在
#   自己的查看器里。
# - 按 C：所有进程继续运行。worker 计算任务的平方，把结果送回来，收到 None
#   就停下；脚本按顺序打印结果，再 join 每一个 worker。
# 直接运行 `python3 examples/12_queue_workers.py fork`，输出一样。

import multiprocessing
import sys


def worker(tasks, results):
    for n in iter(tasks.get, None):  # a None says: no more tasks
        results.put((n, n * n))


if __name__ == "__main__":
    method = sys.argv[1] if len(sys.argv) > 1 else multiprocessing.get_start_method()
    ctx = multiprocessing.get_context(method)
    tasks, results = ctx.Queue(), ctx.Queue()
    workers = [ctx.Process(target=worker, args=(tasks, results)) for _ in range(4)]
    for w in workers:
        w.start()
    for n in range(20):
        tasks.put(n)
    for _ in workers:
        tasks.put(None)
    squares = dict(results.get() for _ in range(20))
    for n in sorted(squares):
        print(f"{n} squared is {squares[n]}")
    for w in workers:
        w.join()
    print("every worker joined:", [w.exitcode for w in workers])
