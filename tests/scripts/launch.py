# A child started with the start method named on the command line, for stepping with s
# into p.start() and p.join() (tests/core/stepping/test_line_notes.py).
import multiprocessing
import sys


def target():
    print("child ran")


if __name__ == "__main__":
    ctx = multiprocessing.get_context(sys.argv[1])
    p = ctx.Process(target=target)
    p.start()
    p.join()
    print("exitcode", p.exitcode)
