"""Write README.md's keys table from the action registry (src/proctui/ui/actions.py).

`python scripts/readme_keys.py` rewrites the table under "## Keys"; tests/ui/test_actions.py
fails while README.md and the registry disagree.
"""

from __future__ import annotations

from pathlib import Path

from proctui.ui.actions import readme_keys_table

README = Path(__file__).resolve().parent.parent / "README.md"


def table_span(text: str) -> tuple[int, int]:
    """Where the table under "## Keys" starts and ends (the blank line after it)."""
    start = text.index("| key |", text.index("\n## Keys\n"))
    end = text.index("\n\n", start) + 1
    return start, end


def main() -> None:
    text = README.read_text()
    start, end = table_span(text)
    README.write_text(text[:start] + readme_keys_table() + text[end:])
    print("README.md: keys table written")


if __name__ == "__main__":
    main()
