# Starts what proctui knows nothing of: a subprocess, and a daemon that double-forks and
# leaves the session; then waits. Ending proctui must end them all.
import os
import subprocess
import sys
import time

sleeper = subprocess.Popen(["sleep", "60"])
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(60)
        os._exit(0)
    os._exit(0)
print("started", sleeper.pid, flush=True)
sys.stdout.flush()
time.sleep(60)
