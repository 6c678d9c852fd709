"""The Lab's events and refusals, as data."""

from __future__ import annotations

from proctui.core.events import Output


def events_of(events, cls, pid=None) -> list:
    """The events of class cls (about pid, if given), in the order they happened."""
    return [e for e in list(events) if isinstance(e, cls) and (pid is None or e.pid == pid)]


def assert_refused(exc_info, reason, **facts) -> None:
    """The LabError (or PoolError) says why, as data: its refusal's reason and facts."""
    refusal = exc_info.value.refusal
    assert refusal.reason is reason, refusal
    for name, value in facts.items():
        assert getattr(refusal, name) == value, (name, refusal)


def lines_printed(events, pid: int) -> list[str]:
    """The lines process pid printed, in order (one pipe: stdout and stderr alike), from the
    Lab's Output events. (helpers.app_screen.said asks the app's log instead.)"""
    return [e.line for e in events_of(events, Output, pid)]
