# Who reaps each child (tests/core/script/test_reaped_by_script.py): the script's own
# wait calls, and multiprocessing's, as proctui run sees them from inside the script.
#   reapers.py join METHOD       a Process started and joined
#   reapers.py waitpid           os.fork(), then the script's own os.waitpid()
#   reapers.py cleanup METHOD    the first Process is a zombie when the second's start() reaps it
#   reapers.py sigchld           os.fork(), reaped by the script's SIGCHLD handler
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


if __name__ == "__main__":
    what, *rest = sys.argv[1:]
    {"join": join, "waitpid": waitpid, "cleanup": cleanup, "sigchld": sigchld}[what](*rest)
