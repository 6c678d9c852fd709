# Forks 20 children in a loop; each would sleep. Then ends them all and counts how each ended.
import os
import signal
import time

children = []
for _ in range(20):
    pid = os.fork()
    if pid == 0:
        time.sleep(30)
        os._exit(0)
    children.append(pid)
time.sleep(0.5)
for pid in children:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
ends = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]
print("killed", ends.count(-signal.SIGKILL), "terminated", ends.count(-signal.SIGTERM))
