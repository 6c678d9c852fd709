"""Where things are, for tests in any folder under tests/."""

from __future__ import annotations

from pathlib import Path

# Where things are, for tests in any folder under tests/.
TESTS = Path(__file__).resolve().parent.parent


ROOT = TESTS.parent


SCRIPTS = TESTS / "scripts"  # what the tests run with proctui run
