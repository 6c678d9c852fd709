# 08 · The classic join() deadlock: join() before get() on a Queue
#
# What to watch (`proctui run examples/08_queue_deadlock.py`):
# - fork() returns twice: after a step over start() the child has a
#   viewer of its own, paused where fork() returned 0 (Tab reaches
#   it). c lets it run; n and s step it through _bootstrap, your
#   target and os._exit(). (With spawn or forkserver the child
#   runs free.)
# - Step over `p.start()`: a child appears under the script process
#   and puts 10 MB on the queue. put() returns at once: a feeder
#   thread in the child writes the data into a pipe, a pipe holds
#   64 KiB, so that thread blocks until someone reads. When the
#   child's function returns, the child waits for its feeder thread
#   before it exits, so it cannot exit.
# - Step over `p.join(timeout=1.0)`: for one second both sides are
#   blocked (S in the tree): the parent waits for the child to exit
#   (it polls the child's sentinel), the child waits for the parent to
#   read. A plain `p.join()` here would wait in waitpid() for ever:
#   that is the deadlock. The timeout lets the script go on:
#   is_alive() is True and exitcode is None.
# - Step over `q.get()`: the parent reads the 10 MB, the feeder thread
#   ends, and the child exits (a zombie, Z, for a moment). `p.join()`
#   reaps it: exitcode 0. The fix is this order: get(), then join().
#
# 在 proctui 里看什么（`proctui run examples/08_queue_deadlock.py`）：
# - fork() 返回两次：单步执行过 start() 之后，子进程有自己的查看器，
#   停在 fork() 返回 0 的地方（按 Tab 过去）。按 c 让它运行；用 n 和
#   s 可以一步步走过 _bootstrap、你的 target 和 os._exit()。
#   （用 spawn 或 forkserver 时子进程自由运行。）
# - 单步执行过 `p.start()`：脚本进程下面出现子进程，它往队列
#   里放 10 MB 数据。put() 马上返回：子进程里有个 feeder 线程
#   把数据写进管道，而管道只能放 64 KiB，所以这个线程一直阻塞
#   到有人来读。子进程的函数返回后，要先等 feeder 线程结束才能
#   退出，所以它退不出去。
# - 单步执行过 `p.join(timeout=1.0)`：这一秒里双方都阻塞着
#   （树上都是 S）：父进程等子进程退出（在等它的哨兵），子进程
#   等父进程来读。这里要是普通的 `p.join()`，父进程会永远
#   阻塞在 waitpid() 里：这就是死锁。有了超时脚本才能继续：
#   is_alive() 是 True，exitcode 是 None。
# - 单步执行过 `q.get()`：父进程读走 10 MB，feeder 线程结束，
#   子进程退出（短暂地成为僵尸进程 Z）。`p.join()` 回收它，
#   退出码 0。解决办法就是这个顺序：先 get()，再 join()。

import os
from multiprocessing import Process, Queue


def producer(q):
    print(f"[child] PID: {os.getpid()}, PPID: {os.getppid()}")
    q.put(b"x" * (10 * 1024 * 1024))  # 10 MB: far more than a pipe
    print("[child] put() returned; the feeder thread is still writing")


if __name__ == "__main__":
    print(f"[parent] PID: {os.getpid()}, PPID: {os.getppid()}")
    q = Queue()
    p = Process(target=producer, args=(q,))
    p.start()
    p.join(timeout=1.0)  # join() before get(): the child cannot exit
    print(f"[parent] after join(timeout=1.0): alive {p.is_alive()}")
    print(f"[parent] exitcode {p.exitcode}: nobody read the queue")
    data = q.get()  # the fix: read first...
    print(f"[parent] got {len(data)} bytes")
    p.join()  # ...then join
    print(f"[parent] joined: exitcode {p.exitcode}")
