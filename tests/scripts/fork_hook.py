# A script with an at-fork hook of its own, registered after proctui's (as random's
# reseeding and 3.14's resource tracker register theirs when first imported): in the
# child it runs after proctui's hook, before fork() returns 0 there (tests/core/script/test_script_run.py).
import multiprocessing
import os


def in_child():
    os.environ["HOOK_RAN"] = "yes"


def target():
    print("hook ran:", os.environ.get("HOOK_RAN"))


if __name__ == "__main__":
    os.register_at_fork(after_in_child=in_child)
    p = multiprocessing.get_context("fork").Process(target=target)
    p.start()
    p.join()
    print("exitcode", p.exitcode)
