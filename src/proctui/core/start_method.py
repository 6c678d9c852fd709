"""The name of a multiprocessing start method, as multiprocessing spells it: a type for
both the lab (which starts children by one) and a script's processes (which report
theirs over the channel, script/protocol.py), so it lives above both.

Imported in the script's processes too: the standard library only.
"""

from __future__ import annotations

from typing import Literal, TypeGuard

#: May be imported in another process (by the script's processes, through protocol.py):
#: it imports only the standard library and other stdlib-only modules of proctui's
#: (tests/core/test_architecture.py).
STDLIB_ONLY = True

StartMethod = Literal["fork", "spawn", "forkserver"]

#: Every start method, in the order m cycles through them.
START_METHOD_NAMES: tuple[StartMethod, ...] = ("fork", "spawn", "forkserver")


def is_start_method(name: str) -> TypeGuard[StartMethod]:
    """Is name a start method (a name from the command line, or a script's report)?"""
    return name in START_METHOD_NAMES
