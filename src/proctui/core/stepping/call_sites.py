"""The call expressions in a traced function's source, and the few of their parts the
stepper may evaluate to show a call's arguments and read back a C call's result.

The source is the running interpreter's own (``linecache``, as ``inspect`` reads it), so
the line numbers are those of the code objects being traced, on every release.

Evaluating must not change what is looked at: only constants, plain names, attributes
stored in an object's ``__dict__`` (a property such as ``BaseProcess.exitcode`` runs code,
and that code may reap) and lists or tuples of them are evaluated; anything else is shown
as the source text.
"""

from __future__ import annotations

import ast
import functools
import linecache
import types
from collections.abc import Mapping
from dataclasses import dataclass

from proctui.core.stepping.values import describe_value


@dataclass(frozen=True)
class CallSite:
    """One call expression in the source of a traced function."""

    func: ast.expr
    args: tuple[ast.expr, ...]
    keywords: tuple[ast.keyword, ...]
    target: ast.expr | None  # the assignment target of its result: how a C call's result is read back


@functools.cache
def _parse_module(filename: str) -> ast.Module:
    return ast.parse("".join(linecache.getlines(filename)))


@functools.cache
def call_sites(code: types.CodeType) -> dict[int, tuple[CallSite, ...]]:
    """The call expressions of a function's source, by line."""
    for node in ast.walk(_parse_module(code.co_filename)):
        if (
            isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.name == code.co_name
            and min([node.lineno, *(d.lineno for d in node.decorator_list)]) == code.co_firstlineno
        ):
            function = node
            break
    else:
        return {}
    targets = {
        id(node.value): node.targets[0]
        for node in ast.walk(function)
        if isinstance(node, ast.Assign) and len(node.targets) == 1
    }
    sites: dict[int, list[CallSite]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            site = CallSite(node.func, tuple(node.args), tuple(node.keywords), targets.get(id(node)))
            sites.setdefault(node.lineno, []).append(site)
    return {line: tuple(found) for line, found in sites.items()}


class NotEvaluable(Exception):
    """An expression the stepper will not evaluate, because it might run code."""


#: A frame's locals, globals and builtins, searched in that order.
Namespaces = tuple[Mapping[str, object], ...]


def evaluate(node: ast.expr, namespaces: Namespaces) -> object:
    """The value of a constant, a name, a stored attribute or a list or tuple of them;
    NotEvaluable for anything else."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        for namespace in namespaces:
            if node.id in namespace:
                return namespace[node.id]
        raise NotEvaluable(node.id)
    if isinstance(node, ast.Attribute):
        # Only what is stored in the object itself: a property (BaseProcess.exitcode
        # is one) runs code, and that code may reap.
        stored = getattr(evaluate(node.value, namespaces), "__dict__", None)
        if stored is None or node.attr not in stored:
            raise NotEvaluable(node.attr)
        return stored[node.attr]
    if isinstance(node, ast.List):
        return [evaluate(item, namespaces) for item in node.elts]
    if isinstance(node, ast.Tuple):
        return tuple(evaluate(item, namespaces) for item in node.elts)
    raise NotEvaluable(type(node).__name__)


def namespaces_of(frame: types.FrameType) -> Namespaces:
    return (frame.f_locals, frame.f_globals, frame.f_builtins)


def describe_expression(node: ast.expr, namespaces: Namespaces) -> str:
    """The expression's value described, or its source text if it is not evaluable."""
    try:
        return describe_value(evaluate(node, namespaces))
    except NotEvaluable:
        return ast.unparse(node)
