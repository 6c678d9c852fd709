"""Waiting for a condition with a deadline, never for a moment."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(condition: Callable[[], T | None], timeout: float = 30.0, what: str = "condition") -> T:
    """Poll condition() until it is truthy, and return that value (so never None). The
    timeout is a hang guard, not a speed test: generous, as it costs time only when the
    test fails (a machine with two CPU hogs on two cores is slow, not broken)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


async def pilot_wait_until(pilot, condition: Callable[[], T | None], timeout: float = 30.0,
                           what: str = "condition") -> T:
    """wait_until for app tests: lets the app run while we wait. What a key does is such a
    condition too: press() returns once the process looks idle, which on a busy machine
    can be before the key has reached its action (or the action's thread has finished)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)
        await asyncio.sleep(0)
