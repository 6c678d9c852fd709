# Subprocesses of a script run by proctui: each one's output is its own (tests/core/script/test_script_run.py).
import subprocess
import sys

echo = subprocess.Popen(["echo", "said by echo"])
echo.wait()
shell = subprocess.Popen("echo said by sh >&2", shell=True, stderr=subprocess.STDOUT)
shell.wait()
captured = subprocess.run(["echo", "captured"], capture_output=True, text=True)
print("pids", echo.pid, shell.pid, "captured:", captured.stdout.strip())
sys.stdout.flush()
