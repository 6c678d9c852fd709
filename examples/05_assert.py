# 05 · join() asserts: joining a process never started, and -O
#
# What to watch (`proctui run examples/05_assert.py`):
# - fork() returns twice: after a step over start() the child has a
#   viewer of its own, paused where fork() returned 0 (Tab reaches
#   it). c lets it run; n and s step it through _bootstrap, your
#   target and os._exit(). (With spawn or forkserver the child
#   runs free.)
# - Step into `p.join()` (s): join() asserts that you are the parent
#   ('can only join a child process') and that the process was started
#   ('can only join a started process'). p was never started, so
#   p._popen is None and the second assert raises AssertionError.
#   Nothing appears in the tree.
# - The except clause prints it. Then p is started and joined as it
#   should be: a child appears under the script process at
#   `p.start()` and is gone after `p.join()`.
# - Run it again with `proctui run -O examples/05_assert.py` (or
#   `python3 -O examples/05_assert.py`): -O removes every assert, so
#   join() goes on to `self._popen.wait(timeout)` and fails with
#   AttributeError: 'NoneType' object has no attribute 'wait'.
#   Asserts are for development, not for checking what you are given.
#
# 在 proctui 里看什么（`proctui run examples/05_assert.py`）：
# - fork() 返回两次：单步执行过 start() 之后，子进程有自己的查看器，
#   停在 fork() 返回 0 的地方（按 Tab 过去）。按 c 让它运行；用 n 和
#   s 可以一步步走过 _bootstrap、你的 target 和 os._exit()。
#   （用 spawn 或 forkserver 时子进程自由运行。）
# - 单步进入 `p.join()`（按 s）：join() 用断言检查你是父进程
#   （'can only join a child process'），以及进程已经启动
#   （'can only join a started process'）。p 从来没有 start()，
#   p._popen 是 None，第二个断言触发 AssertionError。树上
#   不会出现进程。
# - except 把它打印出来。接着正常地启动并 join：
#   `p.start()` 之后脚本进程下面出现子进程，`p.join()` 回收
#   之后它就消失。
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
