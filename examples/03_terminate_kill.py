# 03 · terminate() and kill(): exit codes -15 and -9
#
# This example keeps the default start method: on Linux fork up to
# Python 3.13, forkserver from 3.14. Where that changes what you see,
# both are said.
#
# What to watch (`proctui run examples/03_terminate_kill.py`):
# - Step over the two `start()` lines: two children appear, each with
#   a viewer of its own (Tab reaches it). Under fork they are the
#   script's children, paused where fork() returned 0 (fork() returns
#   twice); under forkserver they are the fork server's (a process
#   below the script), paused at the first line of sleeper(). (Under
#   spawn, get_context("spawn"), they are the script's and pause at
#   sleeper()'s first line too.) c in each lets it print and fall
#   asleep (S). They sleep long on purpose, so they are still asleep
#   however slowly you step; the script ends them.
# - Step over `a.terminate()`: it sends SIGTERM (15) and the child
#   dies at once. Under fork it stays a zombie (Z) under the script
#   until `a.join()` reaps it. Under forkserver the fork server, its
#   parent, reaps it at once (no zombie under the script), and
#   `a.join()` reads its exit code from the child's sentinel. Either
#   way: exitcode -15.
# - Step over `b.kill()`: SIGKILL (9), which cannot be caught or
#   ignored. Under fork a zombie again until `b.join()`, under
#   forkserver reaped at once by the fork server: exitcode -9. A
#   negative exit code means "killed by that signal" (in the article's
#   poll(): returncode = -os.WTERMSIG(status); the fork server gets the
#   same from os.waitstatus_to_exitcode()).
#
# 本例用的是默认的启动方法：Linux 上到 Python 3.13 为止是 fork，
# 从 3.14 起是 forkserver。看到的情况因此不同的地方，两种都写了。
#
# 在 proctui 里看什么（`proctui run examples/03_terminate_kill.py`）：
# - 单步执行过两行 `start()`：出现两个子进程，各有自己的查看器
#   （按 Tab 过去）。用 fork 时它们属于脚本进程，停在 fork() 返回
#   0 的地方（fork() 返回两次）；用 forkserver 时它们属于 fork
#   server（脚本进程下面的一个进程），停在 sleeper() 的第一行。
#   （用 get_context("spawn") 选 spawn 时，它们属于脚本进程，也停在
#   sleeper() 的第一行。）分别按 c 让它们打印一行、进入睡眠（S）。
#   特意让它们睡很久，不管你单步多慢，它们都还在睡；它们睡不完，
#   脚本会结束它们。
# - 单步执行过 `a.terminate()`：发送 SIGTERM（15），子进程马上
#   死掉。用 fork 时，在 `a.join()` 回收之前它一直是脚本进程下面
#   的僵尸进程（Z）。用 forkserver 时，它的父进程 fork server 马上
#   回收它（脚本进程下面没有僵尸进程），`a.join()` 从子进程的哨兵
#   里读出退出码。两种情况下退出码都是 -15。
# - 单步执行过 `b.kill()`：SIGKILL（9），无法捕获也无法忽略。
#   用 fork 时同样先是僵尸进程，直到 `b.join()`；用 forkserver 时
#   fork server 马上回收它：退出码 -9。负的退出码表示"被这个信号
#   杀死"（文章里 poll() 的 returncode = -os.WTERMSIG(status)；
#   fork server 用 os.waitstatus_to_exitcode() 得到同样的值）。

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
