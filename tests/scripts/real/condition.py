"""Producer and consumer on a Condition: the producer appends items to a shared list
(a Manager-free Array with a count in a Value) and notifies; the consumer waits on the
Condition until an item is there, and prints what it took.

Order: the consumer prints the items in the order produced (one producer, one consumer,
one process printing): fixed."""
import multiprocessing as mp

ITEMS = 10


def producer(cond, buffer, count):
    for i in range(ITEMS):
        with cond:
            buffer[count.value] = i * 10
            count.value += 1
            cond.notify()


def consumer(cond, buffer, count):
    taken = 0
    while taken < ITEMS:
        with cond:
            cond.wait_for(lambda: count.value > taken)
            ready = count.value
        for index in range(taken, ready):
            print("consumed", buffer[index], flush=True)
        taken = ready


if __name__ == "__main__":
    cond = mp.Condition()
    buffer = mp.Array("i", ITEMS, lock=False)
    count = mp.Value("i", 0, lock=False)
    c = mp.Process(target=consumer, args=(cond, buffer, count))
    p = mp.Process(target=producer, args=(cond, buffer, count))
    c.start()
    p.start()
    p.join()
    c.join()
    print("producer exit", p.exitcode, "consumer exit", c.exitcode)
