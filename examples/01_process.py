# 01 · A first Process: target, args, name, start(), join()
#
# What to watch (`proctui run examples/01_process.py`):
# - fork() returns twice: after a step over start() the child has a
#   viewer of its own, paused where fork() returned 0 (Tab reaches
#   it). c lets it run; n and s step it through _bootstrap, your
#   target and os._exit(). (With spawn or forkserver the child
#   runs free.)
# - The script process is the parent. Its first line in the log gives
#   its PID and its PPID (proctui's PID).
# - Step over `p.start()` (n): a child appears under the script
#   process. It prints its PID and a PPID equal to the parent's PID,
#   returns from test() and exits.
# - Until the parent reaps it, the child stays in the tree as a
#   zombie (Z).
# - Step over `p.join()`: join() calls waitpid() on the child, the
#   zombie's row vanishes, and p.exitcode is 0.
# `python3 examples/01_process.py` prints the same lines.
#
# 在 proctui 里看什么（`proctui run examples/01_process.py`）：
# - fork() 返回两次：单步执行过 start() 之后，子进程有自己的查看器，
#   停在 fork() 返回 0 的地方（按 Tab 过去）。按 c 让它运行；用 n 和
#   s 可以一步步走过 _bootstrap、你的 target 和 os._exit()。
#   （用 spawn 或 forkserver 时子进程自由运行。）
# - 脚本进程就是父进程。日志里它打印的第一行是它的 PID 和
#   PPID（也就是 proctui 的 PID）。
# - 单步执行过 `p.start()`（按 n）：脚本进程下面多了一个子
#   进程。它打印自己的 PID，PPID 就是父进程的 PID；test()
#   返回后子进程就退出了。
# - 父进程回收它之前，退出的子进程一直以僵尸进程（Z）的样子
#   留在树上。
# - 单步执行过 `p.join()`：join() 内部调用 waitpid() 回收子
#   进程，僵尸进程那一行随之消失，退出码 p.exitcode 是 0。
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
