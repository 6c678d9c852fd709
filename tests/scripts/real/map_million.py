"""Pool.map over 1,000,000 items: each squared modulo 1000, then a checksum of the lot,
so the output is two lines however the work was split.

Order: fixed (one process prints)."""
import multiprocessing as mp


def square_mod(n):
    return n * n % 1000


if __name__ == "__main__":
    with mp.Pool(4) as pool:
        results = pool.map(square_mod, range(1_000_000), chunksize=10_000)
    print("items:", len(results))
    print("checksum:", sum(results))
