"""The domain (proctui.core) never imports Textual or Rich: it must run without a UI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import proctui.core

CORE = Path(proctui.core.__file__).parent
UI_PACKAGES = ("textual", "rich")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_modules_do_not_import_the_ui():
    files = sorted(CORE.rglob("*.py"))
    assert len(files) >= 30
    for path in files:
        bad = {m for m in imported_modules(path) if m.split(".")[0] in UI_PACKAGES}
        assert not bad, f"{path.relative_to(CORE)} imports {bad}"


def test_importing_every_core_module_loads_no_ui_package():
    modules = [
        "proctui.core." + ".".join(p.relative_to(CORE).with_suffix("").parts)
        for p in sorted(CORE.rglob("*.py"))
        if p.stem != "__init__" and p.parent.name != "site"  # sitecustomize runs only in a script
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"print(sorted(k for k in sys.modules if k.split('.')[0] in {UI_PACKAGES!r}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_events_import_nothing_of_proctui():
    """Events are the vocabulary every room shares: data that imports no room of its own,
    so that no room (the renderer that says them, the errors that carry a refusal) makes
    a circle through them."""
    bad = {m for m in imported_modules(CORE / "events.py") if m.split(".")[0] == "proctui"}
    assert not bad, f"events.py imports {bad}"
