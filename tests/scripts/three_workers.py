# Three workers started in a loop and joined, with the start method named on the command
# line: many viewers at once, C to continue them all, --follow (tests/core/script/test_follow.py,
# tests/ui/test_app_many_viewers.py).
import multiprocessing
import sys


def work(n):
    print("worker", n, "done")


if __name__ == "__main__":
    ctx = multiprocessing.get_context(sys.argv[1] if len(sys.argv) > 1 else "fork")
    workers = [ctx.Process(target=work, args=(n,)) for n in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print("all joined", [w.exitcode for w in workers])
