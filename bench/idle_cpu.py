"""Target 1: idle CPU in lab scope, default refresh, 10 lab children: proctui <= htop.

Both run at once in ptys of 120x40, drained all the while; CPU is utime+stime of every
thread from /proc/PID/stat over the same window (--seconds, default 30).
"""

from harness import idle_side_by_side, report, seconds_arg, verdict_against_htop

seconds = seconds_arg(30)
result = idle_side_by_side(seconds, children=10)
rows = [(name, f"{cpu:.2f}% CPU over {seconds:g} s") for name, (cpu, _) in result.items()]
report("Target 1: idle CPU, lab scope, 10 children", rows, verdict_against_htop(result, 0))
