# Breakpoints in a function called from a loop and from a thread (tests/core/script/test_script_run.py).
import sys
import threading


def square(n):
    result = n * n
    return result


def in_a_thread():
    for k in range(3):
        square(k)


total = 0
for i in range(3):
    total += square(i)
worker = threading.Thread(target=in_a_thread)
worker.start()
worker.join()
print("line tracer on:", sys.gettrace() is not None)
print("total", total)
