"""A Semaphore(2): 6 processes want in, at most 2 are inside at once. Each records how
many were inside when it entered (in a shared Value under the semaphore's own count);
the parent prints the highest count seen, which can never pass 2.

Order: each worker prints one line when it leaves, in whatever order they got in: a
multiset."""
import multiprocessing as mp


def visit(name, room, inside, highest):
    with room:
        with inside.get_lock():
            inside.value += 1
            highest.value = max(highest.value, inside.value)
        total = sum(range(20000))  # some work inside
        with inside.get_lock():
            inside.value -= 1
    print(f"worker {name} was inside (work {total})", flush=True)


if __name__ == "__main__":
    room = mp.Semaphore(2)
    inside = mp.Value("i", 0)
    highest = mp.Value("i", 0)
    procs = [mp.Process(target=visit, args=(n, room, inside, highest)) for n in range(6)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    print("never more than 2 inside:", highest.value <= 2)
