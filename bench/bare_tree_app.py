"""The baseline: a minimal Textual app with a Tree and a Footer, nothing else.

Start-up time and memory of proctui are compared with this (targets 5 and 7), so it
draws the same kind of first frame: a tree with a root and a few rows, and a footer.
``--rows N`` gives it N rows (the key-latency baseline for target 6).
"""

from __future__ import annotations

import os
import sys

from textual.app import App, ComposeResult
from textual.widgets import Footer, Tree


class BareTreeApp(App):
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        tree: Tree[int] = Tree(f"bare {os.getpid()}")
        for i in range(self.rows):
            tree.root.add_leaf(f"row {i}", data=i)
        tree.root.expand()
        yield tree
        yield Footer()


if __name__ == "__main__":
    rows = int(sys.argv[sys.argv.index("--rows") + 1]) if "--rows" in sys.argv else 3
    BareTreeApp(rows).run()
