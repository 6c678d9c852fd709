"""An Event as a start signal, under spawn (chosen explicitly): 3 workers say they are
ready (on a Queue) and wait; the parent sets the Event once all are ready; each then
prints that it started.

Order: the parent's lines are fixed, but they and the workers' lines interleave as the
processes run: a multiset."""
import multiprocessing as mp


def worker(name, ready, go):
    ready.put(name)
    go.wait()
    print(f"worker {name} started", flush=True)


if __name__ == "__main__":
    ctx = mp.get_context("spawn")
    ready = ctx.Queue()
    go = ctx.Event()
    procs = [ctx.Process(target=worker, args=(n, ready, go)) for n in range(3)]
    for p in procs:
        p.start()
    names = sorted(ready.get() for _ in procs)
    print("all ready:", names, flush=True)
    go.set()
    for p in procs:
        p.join()
    print("all done")
