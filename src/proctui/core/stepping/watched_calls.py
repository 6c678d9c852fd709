"""The calls that are steps of their own: where the parent learns about its child from
the kernel (see stepper.py). The tracers report them; the stepper names them."""

from __future__ import annotations

import multiprocessing.connection
import multiprocessing.forkserver
import os
import types
from collections.abc import Callable

WATCHED_CALLS: tuple[tuple[Callable[..., object], str], ...] = (
    (os.waitpid, "os.waitpid"),
    (multiprocessing.connection.wait, "connection.wait"),
    (multiprocessing.forkserver.read_signed, "forkserver.read_signed"),
)
# The Python ones, by code object: settrace's profile events name the callee's frame.
WATCHED_CODES = {
    function.__code__: function for function, _ in WATCHED_CALLS if isinstance(function, types.FunctionType)
}


def watched_name(callable_: object) -> str | None:
    """The name a watched call is shown by; None for any other callable."""
    # By identity: == on an arbitrary callable could run its __eq__.
    for function, name in WATCHED_CALLS:
        if callable_ is function:
            return name
    return None
