# Who reaps each child (tests/core/script/test_reaped_by_script.py): the script's own
# wait calls, and multiprocessing's, as proctui run sees them from inside the script.
#   reapers.py join METHOD       a Process started and joined
#   reapers.py waitpid           os.fork(), then the script's own os.waitpid()
#   reapers.py cleanup METHOD    the first Process is a zombie when the second's start() reaps it
#   reapers.py sigchld           os.fork(), reaped by the script's SIGCHLD handler
#   reapers.py pool METHOD       a Pool whose workers exit after one task each
#   reapers.py daemon METHOD     a daemonic Process still running when the script ends
#   reapers.py nested            a spawn child that forks a child of its own and joins it
#   reapers.py futures           a ProcessPoolExecutor (fork), which reaps its workers itself
import concurrent.futures
import multiprocessing
import os
import signal
import sys
import time


def work(code):
    sys.exit(code)


def join(method):
    ctx = multiprocessing.get_context(method)
    p = ctx.Process(target=work, args=(0,))
    p.start()
    p.join()  # the join line
    print("exitcode", p.exitcode)


def waitpid():
    pid = os.fork()
    if pid == 0:
        os._exit(3)
    _, status = os.waitpid(pid, 0)  # the waitpid line
    print("status", status)


def cleanup(method):
    ctx = multiprocessing.get_context(method)
    first = ctx.Process(target=work, args=(5,))
    first.start()
    # Until it has exited, not reaping it (WNOWAIT): a zombie for the next start() to find.
    os.waitid(os.P_PID, first.pid, os.WEXITED | os.WNOWAIT)
    second = ctx.Process(target=work, args=(0,))
    second.start()  # the second start line
    second.join()
    print("first", first.exitcode)


def on_sigchld(signum, frame):
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)  # the handler's waitpid line
        except ChildProcessError:
            return
        if pid == 0:
            return


def sigchld():
    signal.signal(signal.SIGCHLD, on_sigchld)
    pid = os.fork()
    if pid == 0:
        os._exit(7)
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.01)  # SIGCHLD's handler runs in between


def pool(method):
    # Each worker exits after one task: the pool's worker handler reaps it and starts another.
    workers = multiprocessing.get_context(method).Pool(2, maxtasksperchild=1)
    print(workers.map(abs, range(-4, 0)))
    workers.close()
    workers.join()  # the pool join line


def sleep_when_ready(ready):
    ready.set()
    time.sleep(60)


def daemon(method):
    # Left running: at the script's end, multiprocessing's exit handler terminates and joins it.
    ctx = multiprocessing.get_context(method)
    ready = ctx.Event()
    ctx.Process(target=sleep_when_ready, args=(ready,), daemon=True).start()
    ready.wait()  # it runs (and has said hello to proctui) before the script ends


def fork_and_join():
    grandchild = multiprocessing.get_context("fork").Process(target=work, args=(4,))
    grandchild.start()
    grandchild.join()  # the spawn child's join line


def nested():
    child = multiprocessing.get_context("spawn").Process(target=fork_and_join)
    child.start()
    child.join()


def futures():
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        print(list(pool.map(abs, [-1, -2, -3])))


WAYS = {"join": join, "waitpid": waitpid, "cleanup": cleanup, "sigchld": sigchld, "pool": pool, "daemon": daemon,
        "nested": nested, "futures": futures}

if __name__ == "__main__":
    what, *rest = sys.argv[1:]
    WAYS[what](*rest)  # the dispatch line
