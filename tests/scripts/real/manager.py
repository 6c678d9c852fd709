"""A Manager's shared dict and list: 4 processes write into them through proxies (the
Manager is a server process of its own); the parent prints what they hold.

Order: the parent prints them sorted: fixed."""
import multiprocessing as mp


def record(n, table, log):
    table[n] = n * n
    log.append(f"process {n} was here")


if __name__ == "__main__":
    with mp.Manager() as manager:
        table = manager.dict()
        log = manager.list()
        procs = [mp.Process(target=record, args=(n, table, log)) for n in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        print("dict:", dict(sorted(table.items())))
        for line in sorted(log):
            print(line)
    print("manager shut down")
