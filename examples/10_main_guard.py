# 10 · With `if __name__ == "__main__":` under spawn
#
# This example chooses spawn (multiprocessing.get_context("spawn")) on
# every Python, as 09 does and for the same reason: a spawn child
# imports this file, whatever the Python's default start method.
#
# What to watch (`proctui run examples/10_main_guard.py`, then c):
# - As in 09, the spawned child imports this file as __mp_main__ and
#   runs its top level: it prints the first line too.
# - But __name__ is "__mp_main__" there, not "__main__": the guarded
#   block does not run in the child, so it starts nothing. Its
#   bootstrap goes on to run hello(), and it exits with code 0.
# - Only the parent, the script process, runs the guarded block:
#   start(), join(), and p.exitcode 0.
#
# 本例和 09 一样，在每个 Python 上都选用 spawn
# （multiprocessing.get_context("spawn")），原因也一样：不管 Python
# 默认的启动方法是什么，spawn 出来的子进程都会导入这个文件。
#
# 在 proctui 里看什么（`proctui run examples/10_main_guard.py`，再按 c）：
# - 和 09 一样，spawn 出来的子进程以 __mp_main__ 导入本文件并执行
#   顶层代码：它也打印第一行。
# - 可是在子进程里 __name__ 是 "__mp_main__"，不是 "__main__"：
#   判断里的代码不执行，子进程什么也不启动。它的引导过程接着运行
#   hello()，然后以退出码 0 退出。
# - 只有父进程（脚本进程）执行判断里的代码：start()、join()，
#   p.exitcode 是 0。

import multiprocessing
import os


def hello():
    print(f"[hello] PID: {os.getpid()}, PPID: {os.getppid()}: the target ran")


print(f"[{__name__}] PID: {os.getpid()}, PPID: {os.getppid()}: the top level runs")

if __name__ == "__main__":
    ctx = multiprocessing.get_context("spawn")
    p = ctx.Process(target=hello)
    p.start()
    p.join()
    print(f"[{__name__}] p.exitcode = {p.exitcode}")
