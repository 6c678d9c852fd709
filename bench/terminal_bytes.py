"""Target 3: bytes written to the terminal per idle second: proctui <= htop.

Same set-up as idle_cpu.py (lab scope, 10 children, default refresh, 120x40 ptys side
by side); every byte read from each pty master over the window is counted.
"""

from harness import idle_side_by_side, report, seconds_arg, verdict_against_htop

seconds = seconds_arg(30)
result = idle_side_by_side(seconds, children=10)
rows = [(name, f"{rate:.0f} B/s over {seconds:g} s") for name, (_, rate) in result.items()]
report("Target 3: terminal bytes per idle second, lab scope, 10 children", rows, verdict_against_htop(result, 1))
