"""Target 7: proctui's RSS <= 1.3x the minimal Textual app's.

Both are started in 120x40 ptys, left idle for --seconds (default 5) after their first
frame, and their VmRSS read from /proc/PID/status. proctui is measured in lab scope
with no child (the same work as the bare app: one tree, one footer) and again with 10
lab children; htop is shown for reference.
"""

from __future__ import annotations

from harness import (
    Terminal,
    bare_tree_argv,
    htop_argv,
    htop_env,
    proctui_argv,
    proctui_ready,
    ratio,
    report,
    rss_kib,
    seconds_arg,
    start_proctui_with_children,
)

seconds = seconds_arg(5)


def idle_rss(term: Terminal) -> int:
    term.read(seconds)
    try:
        return rss_kib(term.pid)
    finally:
        term.close()


bare = Terminal(bare_tree_argv())
bare.wait_for("Quit")
bare_kib = idle_rss(bare)
ours = Terminal(proctui_argv())
proctui_ready(ours)
ours_kib = idle_rss(ours)
with_children_kib = idle_rss(start_proctui_with_children(10))
rows = [
    ("proctui, no child", f"{ours_kib / 1024:.1f} MiB"),
    ("proctui, 10 children", f"{with_children_kib / 1024:.1f} MiB"),
    ("bare Tree app", f"{bare_kib / 1024:.1f} MiB"),
]
argv = htop_argv()
if argv is not None:
    htop = Terminal(argv, env=htop_env())
    rows.append(("htop (reference)", f"{idle_rss(htop) / 1024:.1f} MiB"))
verdict = (f"proctui/bare = {ratio(ours_kib, bare_kib)} "
           f"({'met' if ours_kib <= 1.3 * bare_kib else 'NOT met'}: target <= 1.3)")
report("Target 7: resident memory", rows, verdict)
