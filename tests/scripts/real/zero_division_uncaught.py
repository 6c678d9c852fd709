"""Errors in workers, not caught: Pool.map re-raises a worker's ZeroDivisionError in the
parent, which does not catch it: a traceback (the worker's, then the parent's) and exit
code 1.

Order: fixed (one process prints), then the traceback."""
import multiprocessing as mp


def invert(n):
    return 1 / n


if __name__ == "__main__":
    print("mapping 1/n over 3, 2, 1, 0", flush=True)
    with mp.Pool(2) as pool:
        print(pool.map(invert, [3, 2, 1, 0]))
    print("never printed")
