"""Target 2: system scope with 1,000 extra sleeping processes: proctui's CPU <= htop's.

The benchmark starts 1,000 `sleep 3600` processes, then proctui --scope system and
default htop (which always shows every process) side by side in 120x40 ptys, and
reads both processes' CPU over the same window (--seconds, default 30).
"""

from harness import Sleepers, count_processes, idle_side_by_side, report, seconds_arg, verdict_against_htop

seconds = seconds_arg(30)
with Sleepers(1000):
    total = count_processes()
    result = idle_side_by_side(seconds, 0, "--scope", "system")
rows = [(name, f"{cpu:.2f}% CPU over {seconds:g} s with {total} processes") for name, (cpu, _) in result.items()]
report("Target 2: CPU in system scope with 1,000 extra sleeping processes", rows, verdict_against_htop(result, 0))
