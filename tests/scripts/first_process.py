# The article's first example, as proctui run steps it in tests/test_script_run.py.
import os
from multiprocessing import Process


def test(name):
    print("[child-%s] PID: %d, PPID: %d" % (name, os.getpid(), os.getppid()))


if __name__ == "__main__":
    print("[parent] PID: %d, PPID: %d" % (os.getpid(), os.getppid()))
    p = Process(target=test, args=("x",))
    p.start()
    p.join()
    print("exitcode", p.exitcode)
