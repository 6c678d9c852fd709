"""The waits every test leans on: they return what they waited for, and fail saying what."""

from __future__ import annotations

import time

import pytest

from helpers.waiting import wait_until


def test_wait_until_returns_the_first_truthy_value():
    values = iter([None, 0, "", "found", "later"])
    assert wait_until(lambda: next(values)) == "found"


def test_wait_until_fails_naming_what_it_waited_for_once_the_deadline_passes():
    start = time.monotonic()
    with pytest.raises(AssertionError, match="timed out waiting for the moon"):
        wait_until(lambda: None, timeout=0.05, what="the moon")
    assert time.monotonic() - start >= 0.05
