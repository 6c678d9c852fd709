# 09 · Without `if __name__ == "__main__":` under spawn
#
# This example chooses spawn (multiprocessing.get_context("spawn")) on
# every Python: its lesson is what a fresh interpreter does with this
# file, and a spawn child always imports it. A fork child is a copy of
# the script and imports nothing. Under forkserver (the default from
# 3.14) the fork server imports it once, from 3.14 on (up to 3.13 each
# child does), and without the guard the fork server runs the top level
# itself: on 3.14 the script's start() then fails with
# ConnectionResetError, on 3.15 the child exits with 1.
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
# 本例在每个 Python 上都选用 spawn（multiprocessing.get_context("spawn")），
# 因为它讲的是一个全新的解释器怎样对待这个文件，而 spawn 出来的子进程
# 总会导入它。fork 出来的子进程是脚本进程的副本，什么也不导入。用
# forkserver（3.14 起的默认）时，从 3.14 起由 fork server 导入一次（到
# 3.13 为止是每个子进程各导入一次）；没有这个判断，fork server 自己就
# 会执行顶层代码：在 3.14 上脚本的 start() 随后报
# ConnectionResetError，在 3.15 上子进程以退出码 1 退出。
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
