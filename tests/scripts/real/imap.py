"""Pool.imap: results come back lazily, in the order of the input, whatever the order
the workers finish in.

Order: fixed (imap keeps the input's order)."""
import multiprocessing as mp


def triple(n):
    return 3 * n


if __name__ == "__main__":
    with mp.Pool(4) as pool:
        for n, value in zip(range(10), pool.imap(triple, range(10)), strict=True):
            print(n, "->", value)
