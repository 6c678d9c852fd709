# A Process subclass that overrides run(), started by spawn or forkserver (tests/core/script/test_script_run.py).
import multiprocessing
import sys


class Worker(multiprocessing.Process):
    def run(self):
        print("run of", self.name)


if __name__ == "__main__":
    multiprocessing.set_start_method(sys.argv[1])
    p = Worker(name="w")
    p.start()
    p.join()
    print("exitcode", p.exitcode)
