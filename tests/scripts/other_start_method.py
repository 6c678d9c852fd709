# A child started with the start method named on the command line (spawn or forkserver).
import multiprocessing
import os
import sys


def target(name):
    print("child", name, os.getpid(), os.getppid())


if __name__ == "__main__":
    ctx = multiprocessing.get_context(sys.argv[1])
    p = ctx.Process(target=target, args=("y",))
    p.start()
    p.join()
    print("exitcode", p.exitcode)
