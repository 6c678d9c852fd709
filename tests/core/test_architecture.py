"""The domain (proctui.core) never imports Textual or Rich: it must run without a UI. And
what runs in another process (RUNS_IN_ANOTHER_PROCESS) imports only the standard library
and the modules of proctui's that say they may be imported there (STDLIB_ONLY)."""

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


# -- what runs in another process ------------------------------------------------------

#: The modules that run in another process (each says so with RUNS_IN_ANOTHER_PROCESS):
#: the lab's children, practice's puppets, the script's processes, the warden. Modules
#: split from these carry the marker too, and are checked as they are.
RUN_ELSEWHERE = {"lab/workers.py", "practice/puppet.py", "script/host.py", "script/warden.py",
                 "script/site/sitecustomize.py"}
#: The modules of proctui's they may import (each says so with STDLIB_ONLY).
STDLIB_ONLY = {"linux.py", "i18n.py", "procfs/stat.py", "procfs/snapshot.py", "procfs/helper_roles.py",
               "stepping/values.py"}


def marked(path: Path, marker: str) -> bool:
    """A module-level ``marker = True``."""
    tree = ast.parse(path.read_text(), filename=str(path))
    return any(
        isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and node.value.value is True
        and any(isinstance(target, ast.Name) and target.id == marker for target in node.targets)
        for node in tree.body
    )


def may_run_elsewhere(path: Path) -> bool:
    return marked(path, "RUNS_IN_ANOTHER_PROCESS") or marked(path, "STDLIB_ONLY")


def module_file(name: str) -> Path | None:
    """The file of proctui module name (a package's __init__.py), or None if there is none."""
    parts = name.split(".")[1:]
    base = CORE.parent.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def module_name(path: Path) -> str:
    parts = path.relative_to(CORE.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def every_import(path: Path) -> set[str]:
    """Every module path imports, at any level (in a function, under TYPE_CHECKING too):
    for ``from package import name``, the package and, where it is a module, package.name;
    a relative import resolved. Each with the packages it is imported through."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names
                         if base.split(".")[0] == "proctui" and module_file(f"{base}.{alias.name}") is not None)
    with_parents = set(found)
    for name in found:
        parts = name.split(".")
        with_parents.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return with_parents


def imports_beyond_the_standard_library(path: Path) -> list[str]:
    """What path imports, itself or through the modules of proctui's it imports, that is
    neither the standard library nor a module marked to be imported in another process;
    each as 'module imports name'."""
    bad: list[str] = []
    seen: set[Path] = set()
    todo = [path]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for name in sorted(every_import(current)):
            top = name.split(".")[0]
            if top in sys.stdlib_module_names or top in ("__future__", "__main__"):  # __main__: the program itself
                continue
            where = module_file(name) if top == "proctui" else None
            if where is None:
                bad.append(f"{module_name(current)} imports {name}")
            elif where.name == "__init__.py" or may_run_elsewhere(where):
                todo.append(where)  # a package's __init__ is checked as it is: it is imported on the way
            else:
                bad.append(f"{module_name(current)} imports {name}, which is not marked STDLIB_ONLY")
    return bad


def test_the_modules_that_run_in_another_process_say_so():
    running = {str(p.relative_to(CORE)) for p in CORE.rglob("*.py") if marked(p, "RUNS_IN_ANOTHER_PROCESS")}
    assert running >= RUN_ELSEWHERE, RUN_ELSEWHERE - running
    stdlib_only = {str(p.relative_to(CORE)) for p in CORE.rglob("*.py") if marked(p, "STDLIB_ONLY")}
    assert stdlib_only >= STDLIB_ONLY, STDLIB_ONLY - stdlib_only


def test_what_runs_in_another_process_imports_only_the_standard_library():
    """A lab child, a puppet, a process of the user's script (under any Python it chose,
    without proctui's packages), the warden: each imports, itself or through proctui's
    modules, only the standard library, never psutil or Textual."""
    marked_files = [p for p in sorted(CORE.rglob("*.py")) if may_run_elsewhere(p)]
    assert len(marked_files) >= len(RUN_ELSEWHERE) + len(STDLIB_ONLY)
    for path in marked_files:
        bad = imports_beyond_the_standard_library(path)
        assert not bad, f"{path.relative_to(CORE)}: {bad}"


def test_the_events_import_nothing_of_proctui():
    """Events are the vocabulary every room shares: data that imports no room of its own,
    so that no room (the renderer that says them, the errors that carry a refusal) makes
    a circle through them."""
    bad = {m for m in imported_modules(CORE / "events.py") if m.split(".")[0] == "proctui"}
    assert not bad, f"events.py imports {bad}"
