# 02 · join() and exit codes
#
# What to watch (`proctui run examples/02_join_exitcode.py`):
# - fork() returns twice: after a step over start() the child has a
#   viewer of its own, paused where fork() returned 0 (Tab reaches
#   it). c lets it run; n and s step it through _bootstrap, your
#   target and os._exit(). (With spawn or forkserver the child
#   runs free.)
# - Three children are started and joined one after the other. Step
#   over `p.start()`: a child appears under the script process, exits
#   at once, and stays a zombie (Z) until `p.join()` reaps it.
# - Step over `p.join()`: the row vanishes, and the exit code printed
#   is the one the kernel reported to waitpid(): returns() ends
#   normally -> 0, exits() calls sys.exit(3) -> 3, raises() raises an
#   exception -> 1.
# - The traceback in the log is the third child's stderr: its
#   exception is printed, the child exits with 1, and the script goes
#   on and ends with exit code 0.
#
# 在 proctui 里看什么（`proctui run examples/02_join_exitcode.py`）：
# - fork() 返回两次：单步执行过 start() 之后，子进程有自己的查看器，
#   停在 fork() 返回 0 的地方（按 Tab 过去）。按 c 让它运行；用 n 和
#   s 可以一步步走过 _bootstrap、你的 target 和 os._exit()。
#   （用 spawn 或 forkserver 时子进程自由运行。）
# - 三个子进程依次启动、依次 join。单步执行过 `p.start()`：
#   脚本进程下面出现一个子进程，它马上退出，在 `p.join()`
#   回收它之前一直是僵尸进程（Z）。
# - 单步执行过 `p.join()`：那一行消失，打印的退出码就是内核
#   通过 waitpid() 报告的：returns() 正常返回 -> 0，exits()
#   调用 sys.exit(3) -> 3，raises() 抛出异常 -> 1。
# - 日志里的 Traceback 是第三个子进程的 stderr：异常被打印
#   出来，子进程以 1 退出，脚本照常运行，最后退出码是 0。

import os
import sys
from multiprocessing import Process


def returns():
    print(f"[child-returns] PID: {os.getpid()}, PPID: {os.getppid()}")


def exits():
    print(f"[child-exits] PID: {os.getpid()}, PPID: {os.getppid()}")
    sys.exit(3)


def raises():
    print(f"[child-raises] PID: {os.getpid()}, PPID: {os.getppid()}")
    raise ValueError("an uncaught exception in the child")


if __name__ == "__main__":
    print(f"[parent] PID: {os.getpid()}, PPID: {os.getppid()}")
    for target in (returns, exits, raises):
        p = Process(target=target, name=target.__name__)
        p.start()
        p.join()
        print(f"[parent] joined {p.name}: exitcode {p.exitcode}")
