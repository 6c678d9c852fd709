"""Fixtures of the system tests."""

from __future__ import annotations

import pytest

from helpers.subreaper_session import Session
from helpers.terminal import installed_proctui


@pytest.fixture
def session_factory(tmp_path):
    sessions: list[Session] = []

    def start(command: list[str] | None = None, **kwargs) -> Session:
        session = Session(tmp_path, command or [installed_proctui()], **kwargs)
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        session.close()
