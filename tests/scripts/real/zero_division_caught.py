"""Errors in workers: a ZeroDivisionError raised in a Pool worker comes back to the
parent, which catches it and prints it; the other results are kept.

Order: fixed (one process prints)."""
import multiprocessing as mp


def invert(n):
    return 1 / n


if __name__ == "__main__":
    with mp.Pool(2) as pool:
        for n in (4, 2, 0, 1):
            try:
                print(f"1/{n} =", pool.apply(invert, (n,)))
            except ZeroDivisionError as exc:
                print(f"1/{n} failed:", repr(exc))
    print("the parent goes on")
