"""A Pool dropped without close(): `del pool` and gc.collect() run its finalizer, which
terminates the workers and joins them (3.8+ also warns with a ResourceWarning, hidden by
default).

Order: fixed (one process prints)."""
import gc
import multiprocessing as mp


def half(n):
    return n / 2


if __name__ == "__main__":
    pool = mp.Pool(3)
    print("results:", pool.map(half, range(6)))
    print("workers before:", len(mp.active_children()))
    del pool
    gc.collect()
    print("workers after:", len(mp.active_children()))
