"""A script that reads sys.argv: the number of workers and of items, e.g.
`python argv_pool.py 3 12`; a Pool of that many workers sums the items' squares.

Order: fixed (one process prints)."""
import multiprocessing as mp
import sys


def square(n):
    return n * n


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} WORKERS ITEMS")
    workers, items = int(sys.argv[1]), int(sys.argv[2])
    print(f"{workers} workers, {items} items", flush=True)
    with mp.Pool(workers) as pool:
        squares = pool.map(square, range(items))
    print("squares:", squares)
    print("sum:", sum(squares))
