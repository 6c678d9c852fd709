# The article's first example with the start method named on the command line, or the
# default when none is (tests/core/script/test_start_method_run.py): who is the child's parent, who reaps.
import multiprocessing
import os
import sys


def test(name):
    print("[child-%s] PID: %d, PPID: %d" % (name, os.getpid(), os.getppid()))


if __name__ == "__main__":
    if len(sys.argv) > 1:
        multiprocessing.set_start_method(sys.argv[1])
    print("[parent] PID: %d, PPID: %d" % (os.getpid(), os.getppid()))
    p = multiprocessing.Process(target=test, args=("x",))
    p.start()
    p.join()
    print("exitcode", p.exitcode)
