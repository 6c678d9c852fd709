# 03 · terminate() and kill(): exit codes -15 and -9
#
# What to watch (`proctui run examples/03_terminate_kill.py`):
# - fork() returns twice: after a step over start() the child has a
#   viewer of its own, paused where fork() returned 0 (Tab reaches
#   it). c lets it run; n and s step it through _bootstrap, your
#   target and os._exit(). (With spawn or forkserver the child
#   runs free.)
# - Step over the two `start()` lines: two children appear under the
#   script process, sleeping (S). They sleep long on purpose, so they
#   are still asleep however slowly you step; the script ends them.
# - Step over `a.terminate()`: it sends SIGTERM (15). The child dies
#   at once but stays a zombie (Z) until `a.join()` reaps it:
#   exitcode -15.
# - Step over `b.kill()`: SIGKILL (9), which cannot be caught or
#   ignored. A zombie again, until `b.join()`: exitcode -9. A negative
#   exit code means "killed by that signal" (in the article's poll():
#   returncode = -os.WTERMSIG(status)).
#
# 在 proctui 里看什么（`proctui run examples/03_terminate_kill.py`）：
# - fork() 返回两次：单步执行过 start() 之后，子进程有自己的查看器，
#   停在 fork() 返回 0 的地方（按 Tab 过去）。按 c 让它运行；用 n 和
#   s 可以一步步走过 _bootstrap、你的 target 和 os._exit()。
#   （用 spawn 或 forkserver 时子进程自由运行。）
# - 单步执行过两行 `start()`：脚本进程下面出现两个子进程，
#   状态是睡眠（S）。特意让它们睡很久，不管你单步多慢，它们
#   都还在睡；它们睡不完，脚本会结束它们。
# - 单步执行过 `a.terminate()`：发送 SIGTERM（15）。子进程
#   马上死掉，但在 `a.join()` 回收之前一直是僵尸进程（Z）：
#   退出码 -15。
# - 单步执行过 `b.kill()`：SIGKILL（9），无法捕获也无法忽略。
#   同样先是僵尸进程，`b.join()` 回收后退出码是 -9。负的
#   退出码表示"被这个信号杀死"（文章里 poll() 的
#   returncode = -os.WTERMSIG(status)）。

import os
import signal
import time
from multiprocessing import Process


def sleeper(name):
    print(f"[child-{name}] PID: {os.getpid()}, PPID: {os.getppid()}")
    time.sleep(30)  # never in full: terminate()/kill() come first
    print(f"[child-{name}] woke up (you should not see this)")


if __name__ == "__main__":
    print(f"[parent] PID: {os.getpid()}, PPID: {os.getppid()}")
    a = Process(target=sleeper, args=("a",), name="a")
    b = Process(target=sleeper, args=("b",), name="b")
    a.start()
    b.start()
    time.sleep(0.3)  # let both children print and fall asleep

    a.terminate()  # SIGTERM
    a.join()
    name = signal.Signals(-a.exitcode).name
    print(f"[parent] a: exitcode {a.exitcode} ({name})")

    b.kill()  # SIGKILL
    b.join()
    name = signal.Signals(-b.exitcode).name
    print(f"[parent] b: exitcode {b.exitcode} ({name})")
