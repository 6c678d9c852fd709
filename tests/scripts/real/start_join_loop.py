"""Many short processes, one after another: 300 times start() then join(), as a loop
over jobs too small for a Pool might do. Each child does nothing; the parent prints any
exit code that is not 0, then "done".

Order: fixed (only the parent prints)."""
import multiprocessing as mp


def job(n):
    pass


if __name__ == "__main__":
    for n in range(300):
        p = mp.Process(target=job, args=(n,))
        p.start()
        p.join()
        if p.exitcode != 0:
            print("job", n, "exit code", p.exitcode)
    print("done")
