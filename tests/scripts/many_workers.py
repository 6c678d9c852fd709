# COUNT workers (argv[2], default 10) started in one line and joined, with the start method
# named in argv[1]: n over the line opens a viewer for every child (where fork() returned 0),
# more than fit side by side (tests/ui/test_app_many_viewers.py).
import multiprocessing
import sys


def work(n):
    print("worker", n, "done")


def started(ctx, n):
    p = ctx.Process(target=work, args=(n,))
    p.start()
    return p


if __name__ == "__main__":
    ctx = multiprocessing.get_context(sys.argv[1])
    workers = [started(ctx, n) for n in range(int(sys.argv[2]) if len(sys.argv) > 2 else 10)]
    for w in workers:
        w.join()
    print("all joined", sum(w.exitcode == 0 for w in workers))
