"""Pool.imap_unordered: each result as soon as a worker has it, in any order.

Order: a multiset (the first lines are in whatever order the workers finish); the total
at the end is fixed."""
import multiprocessing as mp


def double(n):
    return n, 2 * n


if __name__ == "__main__":
    total = 0
    with mp.Pool(4) as pool:
        for n, value in pool.imap_unordered(double, range(10)):
            print(n, "->", value)
            total += value
    print("total", total)
