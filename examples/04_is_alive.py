# 04 · is_alive(), and is_alive() reaps
#
# What to watch (`proctui run examples/04_is_alive.py`):
# - fork() returns twice: after a step over start() the child has a
#   viewer of its own, paused where fork() returned 0 (Tab reaches
#   it). c lets it run; n and s step it through _bootstrap, your
#   target and os._exit(). (With spawn or forkserver the child
#   runs free.)
# - Step over `p.start()`: a child appears under the script process
#   and waits (S) for the event, so the first `p.is_alive()` is True
#   however slowly you step.
# - Step over `go_on.set()`: the child prints and exits.
# - Step over `os.waitid(...)`: the parent waits until the child has
#   exited WITHOUT reaping it (WNOWAIT): the child is now a zombie (Z).
# - Step over the second `p.is_alive()`: it is False, and the
#   zombie's row vanishes at that very line. is_alive() does not only
#   ask: on a child that has exited it calls waitpid(pid, WNOHANG),
#   which reaps it. p.exitcode is already 0, and the last `p.join()`
#   has nothing left to wait for.
# (Under the forkserver start method the child is not the script's
# own and os.waitid() fails; on Linux the default up to 3.13 is fork.)
#
# 在 proctui 里看什么（`proctui run examples/04_is_alive.py`）：
# - fork() 返回两次：单步执行过 start() 之后，子进程有自己的查看器，
#   停在 fork() 返回 0 的地方（按 Tab 过去）。按 c 让它运行；用 n 和
#   s 可以一步步走过 _bootstrap、你的 target 和 os._exit()。
#   （用 spawn 或 forkserver 时子进程自由运行。）
# - 单步执行过 `p.start()`：脚本进程下面出现子进程，它在等
#   事件（S），所以不管你单步多慢，第一个 `p.is_alive()` 都是
#   True。
# - 单步执行过 `go_on.set()`：子进程打印一行后退出。
# - 单步执行过 `os.waitid(...)`：父进程等子进程退出，但用
#   WNOWAIT 不回收它，所以子进程现在是僵尸进程（Z）。
# - 单步执行过第二个 `p.is_alive()`：结果是 False，僵尸进程
#   那一行就在这一步消失。is_alive() 不只是问一问：子进程已经
#   退出时，它调用 waitpid(pid, WNOHANG)，也就把子进程回收了。
#   此时 p.exitcode 已经是 0，最后的 `p.join()` 没什么可等的。
# （启动方法是 forkserver 时，子进程不是脚本自己的子进程，
# os.waitid() 会出错；Linux 上到 3.13 为止默认是 fork。）

import os
from multiprocessing import Event, Process


def worker(go_on):
    print(f"[child] PID: {os.getpid()}, PPID: {os.getppid()}")
    go_on.wait()
    print("[child] exiting")


if __name__ == "__main__":
    print(f"[parent] PID: {os.getpid()}, PPID: {os.getppid()}")
    go_on = Event()
    p = Process(target=worker, args=(go_on,))
    p.start()
    print(f"[parent] is_alive() while it waits: {p.is_alive()}")
    go_on.set()
    # wait for the exit but do not reap: the child stays a zombie
    os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
    print(f"[parent] is_alive() after its exit: {p.is_alive()}")
    print(f"[parent] exitcode: {p.exitcode}")
    p.join()  # returns at once: is_alive() already reaped the child
