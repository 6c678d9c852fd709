"""Guards against multiprocessing's hidden reaping, and one of its start-up needs.

multiprocessing reaps a finished child in ``is_alive()``, ``.exitcode``,
``repr(process)``, ``active_children()``, ``join()``, ``close()``, and in ``start()`` of
*any* other Process, which calls ``process._cleanup()`` to poll every child in
``multiprocessing.process._children``. A zombie the user is looking at must not vanish
because another child was started: so the Lab's children never enter ``_children``.
"""

from __future__ import annotations

import contextlib
import multiprocessing.process
import os
import sys
from collections.abc import Iterator
from typing import Any

_LAB_CHILD = "_proctui_lab_child"


class _ChildrenButTheLab(set):  # type: ignore[type-arg]  # holds what multiprocessing puts in it
    """``multiprocessing.process._children``, which never takes in a Lab child.

    ``start()`` adds each new Process to that set, and every later ``start()``, in any
    thread, polls (so reaps) all of them. Taking a Lab child out right after its start()
    is not enough: a Pool's worker handler thread starts replacement workers whenever it
    likes, and a child that exits at once (a zombie, an orphan's parent) could be reaped
    by it in between.
    """

    def add(self, process: Any) -> None:
        if not getattr(process, _LAB_CHILD, False):
            super().add(process)


def keep_lab_children_out_of_multiprocessing() -> bool:
    """Replace ``_children`` with a set that refuses Lab children (once per interpreter).

    False if this Python has no such set (a future release): then there is nothing of
    the kind for start() to poll, or it polls something we cannot see."""
    children = getattr(multiprocessing.process, "_children", None)
    if not isinstance(children, set):
        return False
    if not isinstance(children, _ChildrenButTheLab):
        multiprocessing.process._children = _ChildrenButTheLab(children)  # type: ignore[attr-defined]  # private
    return True


def mark_as_lab_child(process: multiprocessing.process.BaseProcess) -> None:
    """This Process is the user's to reap: no other start() may poll it."""
    setattr(process, _LAB_CHILD, True)


def forget_lab_child(process: multiprocessing.process.BaseProcess) -> None:
    """Take it out of ``_children`` in case someone replaced the set after us."""
    children = getattr(multiprocessing.process, "_children", None)
    if isinstance(children, set):
        children.discard(process)


@contextlib.contextmanager
def stderr_with_a_fileno() -> Iterator[None]:
    """Give sys.stderr a real file descriptor while a process starts.

    spawn and forkserver start multiprocessing's resource tracker with
    ``sys.stderr.fileno()`` among the descriptors it keeps; under a running Textual app
    sys.stderr is a print capture whose fileno() is -1, and the start fails with
    "bad value(s) in fds_to_keep". /dev/null serves: the descriptor is only kept open.
    """
    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    if usable:
        yield
        return
    saved = sys.stderr
    with open(os.devnull, "w") as devnull:
        sys.stderr = devnull
        try:
            yield
        finally:
            sys.stderr = saved
