# 08 · The classic join() deadlock: join() before get() on a Queue
#
# This example keeps the default start method: on Linux fork up to
# Python 3.13, forkserver from 3.14. The deadlock is the same under
# both; where what you see differs, both are said.
#
# What to watch (`proctui run examples/08_queue_deadlock.py`):
# - Step over `p.start()`: a child appears with a viewer of its own
#   (Tab reaches it). Under fork it is the script's child, paused where
#   fork() returned 0 (fork() returns twice); under forkserver it is
#   the fork server's (a process below the script), paused at the
#   first line of producer(). (Under spawn, get_context("spawn"), it is
#   the script's and pauses at producer()'s first line too.)
# - c in its viewer: the child puts 10 MiB on the queue. put() returns
#   at once: a feeder thread in the child writes the data into a pipe,
#   a pipe holds 64 KiB, so that thread blocks until someone reads.
#   When the child's function returns, the child waits for its feeder
#   thread before it exits, so it cannot exit.
# - Step over `p.join(timeout=1.0)`: for one second both sides are
#   blocked (S in the tree): the parent waits for the child to exit (it
#   polls the child's sentinel), the child waits for the parent to
#   read. A plain `p.join()` here would wait for ever: in waitpid()
#   under fork; under forkserver in multiprocessing.connection.wait()
#   on the sentinel, where the fork server writes the exit code only
#   once the child has exited. That is the deadlock. The timeout lets
#   the script go on: is_alive() is True and exitcode is None.
# - Step over `q.get()`: the parent reads the 10 MiB, the feeder thread
#   ends, and the child exits. Under fork it is a zombie (Z) under the
#   script until `p.join()` reaps it; under forkserver the fork server
#   reaps it at once and `p.join()` reads its exit code from the
#   sentinel. Exit code 0. The fix is this order: get(), then join().
#
# 本例用的是默认的启动方法：Linux 上到 Python 3.13 为止是 fork，
# 从 3.14 起是 forkserver。两种方法下死锁都一样；看到的情况不同的
# 地方，两种都写了。
#
# 在 proctui 里看什么（`proctui run examples/08_queue_deadlock.py`）：
# - 单步执行过 `p.start()`：出现一个子进程，它有自己的查看器（按
#   Tab 过去）。用 fork 时它属于脚本进程，停在 fork() 返回 0 的
#   地方（fork() 返回两次）；用 forkserver 时它属于 fork server
#   （脚本进程下面的一个进程），停在 producer() 的第一行。（用
#   get_context("spawn") 选 spawn 时，它属于脚本进程，也停在
#   producer() 的第一行。）
# - 在它的查看器里按 c：子进程往队列里放 10 MiB 数据。put() 马上
#   返回：子进程里有个 feeder 线程把数据写进管道，而管道只能放
#   64 KiB，所以这个线程一直阻塞到有人来读。子进程的函数返回后，
#   要先等 feeder 线程结束才能退出，所以它退不出去。
# - 单步执行过 `p.join(timeout=1.0)`：这一秒里双方都阻塞着
#   （树上都是 S）：父进程等子进程退出（在等它的哨兵），子进程
#   等父进程来读。这里要是普通的 `p.join()`，父进程会永远等下去：
#   用 fork 时阻塞在 waitpid() 里；用 forkserver 时阻塞在
#   multiprocessing.connection.wait() 里等哨兵，而 fork server 要等
#   子进程退出后才往哨兵里写退出码。这就是死锁。有了超时脚本才能
#   继续：is_alive() 是 True，exitcode 是 None。
# - 单步执行过 `q.get()`：父进程读走 10 MiB，feeder 线程结束，
#   子进程退出。用 fork 时，在 `p.join()` 回收它之前它是脚本进程
#   下面的僵尸进程（Z）；用 forkserver 时 fork server 马上回收它，
#   `p.join()` 从哨兵里读出退出码。退出码 0。解决办法就是这个
#   顺序：先 get()，再 join()。

import os
from multiprocessing import Process, Queue


def producer(q):
    print(f"[child] PID: {os.getpid()}, PPID: {os.getppid()}")
    q.put(b"x" * (10 * 1024 * 1024))  # 10 MiB: far more than a pipe
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
