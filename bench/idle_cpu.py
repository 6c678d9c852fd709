"""Target 1: idle CPU in lab scope, default refresh, 10 lab children: proctui <= htop.

Both run at once in ptys of 120x40, drained all the while; CPU is utime+stime of every
thread from /proc/PID/stat over the same window (--seconds, default 30).
"""

from harness import idle_side_by_side, ratio, report, seconds_arg

seconds = seconds_arg(30)
result, _ = idle_side_by_side(seconds, children=10)
rows = [(name, f"{cpu:.2f}% CPU over {seconds:g} s") for name, (cpu, _) in result.items()]
if "htop" in result:
    ours, theirs = result["proctui"][0], result["htop"][0]
    verdict = f"proctui/htop = {ratio(ours, theirs)} ({'met' if ours <= theirs else 'NOT met'}: target <= 1)"
else:
    verdict = "htop is not installed: no ratio"
report("Target 1: idle CPU, lab scope, 10 children", rows, verdict)
