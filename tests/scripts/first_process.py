# The article's first example, as proctui run steps it (tests/core/script/test_script_run.py,
# tests/ui/test_app_script.py), with the start method named on the command line: fork
# (fork() returns twice, on every Python) or forkserver (the fork server forks the child).
import multiprocessing
import os
import sys


def test(name):
    print("[child-%s] PID: %d, PPID: %d" % (name, os.getpid(), os.getppid()))


if __name__ == "__main__":
    print("[parent] PID: %d, PPID: %d" % (os.getpid(), os.getppid()))
    ctx = multiprocessing.get_context(sys.argv[1])
    p = ctx.Process(target=test, args=("x",))
    p.start()
    p.join()
    print("exitcode", p.exitcode)
