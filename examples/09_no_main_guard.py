# 09 · Without `if __name__ == "__main__":` under spawn
#
# What to watch (`proctui run examples/09_no_main_guard.py`, then c):
# - The script process prints its line as __main__.
# - spawn starts a fresh Python for the child. To find hello() it
#   imports this file under the name __mp_main__, and so runs its top
#   level again: the child prints the same line, as __mp_main__.
# - The top level then calls p.start() in the child. Without the guard
#   that would start a grandchild, which would start another... CPython
#   stops it: start() in a process still importing its main module
#   raises RuntimeError ("...before the current process has finished
#   its bootstrapping phase..."). The traceback reaches the log, and the
#   child exits with code 1: hello() never ran.
# - (Were there a loop of forks all the same, proctui run ends every
#   process past --max-children, and says so.)
# - The fix is examples/10_main_guard.py.
#
# 在 proctui 里看什么（`proctui run examples/09_no_main_guard.py`，再按 c）：
# - 脚本进程以 __main__ 的身份打印它的那一行。
# - spawn 为子进程启动一个全新的 Python。为了找到 hello()，它以
#   __mp_main__ 这个名字导入本文件，于是又执行了一遍顶层代码：
#   子进程以 __mp_main__ 的身份打印同样的一行。
# - 接着顶层代码在子进程里调用 p.start()。没有这个判断，它会启动
#   孙进程，孙进程再启动下一个……CPython 拦住了：还在导入主模块的
#   进程里调用 start() 会抛出 RuntimeError（“...before the current
#   process has finished its bootstrapping phase...”）。回溯出现在
#   日志里，子进程以退出码 1 退出：hello() 根本没运行。
# - （就算真有一个不停 fork 的循环，proctui run 也会结束超出
#   --max-children 的每个进程，并在日志里说明。）
# - 改正的写法见 examples/10_main_guard.py。

import multiprocessing
import os


def hello():
    print(f"[hello] PID: {os.getpid()}, PPID: {os.getppid()}: the target ran")


print(f"[{__name__}] PID: {os.getpid()}, PPID: {os.getppid()}: the top level runs")
ctx = multiprocessing.get_context("spawn")
p = ctx.Process(target=hello)
p.start()  # in the child, which is importing this file: RuntimeError
p.join()
print(f"[{__name__}] p.exitcode = {p.exitcode}")
