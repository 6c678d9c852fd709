"""Pool.apply_async with a callback (each result) and an error_callback (a failure):
the callbacks run in the parent, in a thread of the Pool's, as results arrive.

Order: callbacks run in the order tasks finish: their lines are a multiset."""
import multiprocessing as mp


def cube(n):
    if n == 5:
        raise ValueError(f"no cube for {n}")
    return n ** 3


def on_result(value):
    print("result", value)


def on_error(exc):
    print("error", repr(exc))


if __name__ == "__main__":
    with mp.Pool(4) as pool:
        pending = [pool.apply_async(cube, (n,), callback=on_result, error_callback=on_error) for n in range(8)]
        for result in pending:
            result.wait()
    print("done")
