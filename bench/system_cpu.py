"""Target 2: system scope with 1,000 extra sleeping processes: proctui's CPU <= htop's.

The benchmark starts 1,000 `sleep 3600` processes, then proctui --scope system and
default htop (which always shows every process) side by side in 120x40 ptys, and
reads both processes' CPU over the same window (--seconds, default 30).
"""

from harness import Sleepers, count_processes, idle_side_by_side, ratio, report, seconds_arg

seconds = seconds_arg(30)
with Sleepers(1000):
    total = count_processes()
    result, _ = idle_side_by_side(seconds, 0, "--scope", "system")
rows = [(name, f"{cpu:.2f}% CPU over {seconds:g} s with {total} processes") for name, (cpu, _) in result.items()]
if "htop" in result:
    ours, theirs = result["proctui"][0], result["htop"][0]
    verdict = f"proctui/htop = {ratio(ours, theirs)} ({'met' if ours <= theirs else 'NOT met'}: target <= 1)"
else:
    verdict = "htop is not installed: no ratio"
report("Target 2: CPU in system scope with 1,000 extra sleeping processes", rows, verdict)
