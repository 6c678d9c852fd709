"""A worker pool over two Queues: 4 workers take numbers from a task queue, put their
squares on a result queue, and stop at a sentinel (None), one per worker.

Order: the parent prints the results sorted, so its output is fixed; the workers print
nothing."""
import multiprocessing as mp


def worker(tasks, results):
    while True:
        n = tasks.get()
        if n is None:  # the sentinel: no more work
            break
        results.put((n, n * n))


if __name__ == "__main__":
    tasks = mp.Queue()
    results = mp.Queue()
    workers = [mp.Process(target=worker, args=(tasks, results)) for _ in range(4)]
    for w in workers:
        w.start()
    for n in range(20):
        tasks.put(n)
    for _ in workers:
        tasks.put(None)
    # Take every result before join(): a process that has put on a Queue waits until its
    # data is flushed to the pipe, so joining first can deadlock.
    squares = dict(results.get() for _ in range(20))
    for w in workers:
        w.join()
    for n in sorted(squares):
        print(f"{n} squared is {squares[n]}")
    print("exit codes:", [w.exitcode for w in workers])
