"""A shared counter: a Value in shared memory, incremented by 4 processes 1000 times each
under its Lock (without it, `counter.value += 1` loses updates). Explicitly under fork.

Order: only the parent prints: fixed."""
import multiprocessing as mp


def add(counter, times):
    for _ in range(times):
        with counter.get_lock():
            counter.value += 1


if __name__ == "__main__":
    ctx = mp.get_context("fork")
    counter = ctx.Value("i", 0)
    procs = [ctx.Process(target=add, args=(counter, 1000)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    print("counter:", counter.value)
    print("expected:", 4 * 1000)
