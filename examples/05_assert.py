# 05 · join() asserts: joining a process never started, and -O
#
# This example keeps the default start method: on Linux fork up to
# Python 3.13, forkserver from 3.14. Its lesson, the asserts, is the
# same under both.
#
# What to watch (`proctui run examples/05_assert.py`):
# - Step into `p.join()` (s): join() asserts that you are the parent
#   ('can only join a child process') and that the process was started
#   ('can only join a started process'). p was never started, so
#   p._popen is None and the second assert raises AssertionError.
#   Nothing appears in the tree.
# - The except clause prints it. Then p is started and joined as it
#   should be. At `p.start()` a child appears with a viewer of its own
#   (Tab reaches it). Under fork it is the script's child, paused where
#   fork() returned 0 (fork() returns twice); under forkserver it is
#   the fork server's (a process below the script), paused at the first
#   line of test(). (Under spawn, get_context("spawn"), it is the
#   script's and pauses at test()'s first line too.) c in its viewer
#   lets it run: it prints and exits. Under fork it is a zombie (Z)
#   under the script until `p.join()` reaps it; under forkserver the
#   fork server reaps it at once. After `p.join()` it is gone.
# - Run it again with `proctui run -O examples/05_assert.py` (or
#   `python3 -O examples/05_assert.py`): -O removes every assert, so
#   join() goes on to `self._popen.wait(timeout)` and fails with
#   AttributeError: 'NoneType' object has no attribute 'wait'.
#   Asserts are for development, not for checking what you are given.
#
# 本例用的是默认的启动方法：Linux 上到 Python 3.13 为止是 fork，
# 从 3.14 起是 forkserver。它讲的断言在两种方法下都一样。
#
# 在 proctui 里看什么（`proctui run examples/05_assert.py`）：
# - 单步进入 `p.join()`（按 s）：join() 用断言检查你是父进程
#   （'can only join a child process'），以及进程已经启动
#   （'can only join a started process'）。p 从来没有 start()，
#   p._popen 是 None，第二个断言触发 AssertionError。树上
#   不会出现进程。
# - except 把它打印出来。接着正常地启动并 join。`p.start()` 之后
#   出现一个子进程，它有自己的查看器（按 Tab 过去）。用 fork 时它
#   属于脚本进程，停在 fork() 返回 0 的地方（fork() 返回两次）；
#   用 forkserver 时它属于 fork server（脚本进程下面的一个进程），
#   停在 test() 的第一行。（用 get_context("spawn") 选 spawn 时，它
#   属于脚本进程，也停在 test() 的第一行。）在它的查看器里按 c
#   让它运行：它打印一行后退出。用 fork 时，在 `p.join()` 回收它
#   之前，它是脚本进程下面的僵尸进程（Z）；用 forkserver 时 fork
#   server 马上回收它。`p.join()` 之后它就不在了。
# - 再用 `proctui run -O examples/05_assert.py`（或
#   `python3 -O examples/05_assert.py`）运行一次：-O 去掉所有
#   断言，join() 一直走到 `self._popen.wait(timeout)`，报
#   AttributeError: 'NoneType' object has no attribute 'wait'。
#   断言是开发时用的，别拿它检查输入。

import os
from multiprocessing import Process


def test():
    print(f"[child] PID: {os.getpid()}, PPID: {os.getppid()}")


if __name__ == "__main__":
    print(f"[parent] PID: {os.getpid()}, PPID: {os.getppid()}")
    print(f"[parent] asserts are on: {__debug__}")
    p = Process(target=test)
    try:
        p.join()  # never started
    except AssertionError as e:
        print(f"[parent] AssertionError: {e}")
    except AttributeError as e:  # under -O: no assert, _popen is None
        print(f"[parent] AttributeError (no asserts under -O): {e}")
    p.start()
    p.join()
    print(f"[parent] after start() and join(): exitcode {p.exitcode}")
