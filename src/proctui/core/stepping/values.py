"""Values described for a reader without running any of their code: the locals and results
the stepper (``stepper.py``) and a script's tracer (``script/host_tracer.py``) show.

Looking must not change what is looked at. ``repr(process)``, ``.exitcode`` and
``.is_alive()`` all call ``poll()``, which reaps: a locals view built with ``repr`` would
make a zombie vanish before the user reaches ``waitpid``. So a process and a Popen object
are read only through their instance ``__dict__``, and any other object is named by its
type.

This module runs inside the processes of a user's script too, under whatever Python 3.10+
the user chose (``proctui run --python``), where nothing but the standard library can be
imported: it imports only that, and not even ``multiprocessing`` (a script that never
imported it has no Process to describe).
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, TypeGuard

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

#: May be imported in another process (imported by the script's tracer): it imports only
#: the standard library and other stdlib-only modules of proctui's
#: (tests/core/test_architecture.py).
STDLIB_ONLY = True

_MAX_TEXT = 60
_MAX_ITEMS = 8


def describe_value(value: object, _depth: int = 0) -> str:
    """A short text for a value that is safe to make: it never calls the value's repr."""
    kind = type(value)
    if kind in (type(None), bool, int, float):
        return repr(value)
    if kind in (str, bytes):
        text = repr(value)
        return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 3] + "..."
    if _is_process(value):
        return _describe_process(value)
    if kind.__module__.startswith("multiprocessing.popen_"):
        return _describe_popen(value)
    if _is_plain_sequence(value) and _depth < 2:
        items = [describe_value(item, _depth + 1) for item in value[:_MAX_ITEMS]]
        if len(value) > _MAX_ITEMS:
            items.append("...")
        inner = ", ".join(items)
        if kind is list:
            return f"[{inner}]"
        return f"({inner},)" if len(items) == 1 else f"({inner})"
    if isinstance(value, int):  # an IntEnum or other subclass: its own repr is not ours to run
        return int.__repr__(value)
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
        module = (value.__module__ or "").rpartition(".")[2]
        return f"<function {module}.{value.__qualname__}>" if module else f"<function {value.__qualname__}>"
    if isinstance(value, types.ModuleType):
        return f"<module {value.__name__}>"
    return f"<{kind.__name__}>"


def popen_field(popen: object | None, name: str) -> object:
    """A field a Popen object holds (pid, returncode, sentinel), read from its instance
    ``__dict__``: never through a property or method, which may poll (and reap)."""
    return getattr(popen, "__dict__", {}).get(name)


def _is_process(value: object) -> TypeGuard[BaseProcess]:
    # multiprocessing not imported yet: nothing can be one of its processes.
    module = sys.modules.get("multiprocessing.process")
    return module is not None and isinstance(value, module.BaseProcess)


def _is_plain_sequence(value: object) -> TypeGuard[list[object] | tuple[object, ...]]:
    """Exactly a list or a tuple: a subclass's own methods are not ours to run."""
    return type(value) in (list, tuple)


def _describe_process(process: BaseProcess) -> str:
    # What BaseProcess.start() stored (_popen) and its name (_name), read from the instance.
    fields = vars(process)
    pid = popen_field(fields.get("_popen"), "pid")
    name = fields.get("_name")
    return f"<{type(process).__name__} name={name if isinstance(name, str) else '?'} pid={describe_value(pid)}>"


def _describe_popen(popen: object) -> str:
    fields = getattr(popen, "__dict__", {})
    keys = [key for key in ("pid", "returncode", "sentinel") if key in fields]
    shown = " ".join(f"{key}={describe_value(fields[key])}" for key in keys)
    return f"<{type(popen).__name__} {shown}>"
