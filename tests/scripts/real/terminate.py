"""Process.terminate() on a worker stuck in a loop: it gets SIGTERM and dies of it, so
its exitcode is -15 (minus the signal's number).

Order: fixed (only the parent prints)."""
import multiprocessing as mp


def spin(started):
    started.set()
    while True:
        pass


if __name__ == "__main__":
    started = mp.Event()
    worker = mp.Process(target=spin, args=(started,))
    worker.start()
    started.wait()
    print("worker is spinning, alive:", worker.is_alive())
    worker.terminate()
    worker.join()
    print("exitcode:", worker.exitcode)
    print("alive:", worker.is_alive())
