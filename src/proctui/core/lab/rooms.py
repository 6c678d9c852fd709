"""What the Lab's rooms need from it, by name: the Lab is handed to ``Family`` and to
``Scripts`` as one of these, so a room sees only the part of the Lab it uses (and mypy
checks that the Lab has it)."""

from __future__ import annotations

import threading
from typing import Protocol

from proctui.core.events import LabEvent
from proctui.core.lab.records import LabProcess, Records
from proctui.core.lab.sayer import OnOutput


class LabForFamily(Protocol):
    """What ``Family`` (exits, grandchildren, adoption) needs."""

    @property
    def pid(self) -> int: ...  # proctui's own
    @property
    def records(self) -> Records: ...
    @property
    def subreaper(self) -> bool: ...  # orphans below proctui come to it
    @property
    def start_lock(self) -> threading.Lock: ...  # held from a child's start() until its record exists

    def emit(self, event: LabEvent) -> None: ...
    def pool_workers(self) -> dict[int, str]: ...


class LabForScripts(Protocol):
    """What ``Scripts`` (proctui run's script process and what it forks) needs."""

    @property
    def pid(self) -> int: ...
    @property
    def records(self) -> Records: ...
    @property
    def start_lock(self) -> threading.Lock: ...
    @property
    def max_children(self) -> int: ...  # the limit a script's forks count against too
    @property
    def language(self) -> str: ...  # what the script's processes say their own few words in

    def emit(self, event: LabEvent) -> None: ...
    def check_room(self, wanted: int) -> None: ...  # raises LabError when the limit is reached
    def watch(self, record: LabProcess, output_fd: int) -> None: ...  # its output logged, its exit noticed
    def watch_output(self, fd: int, said: OnOutput) -> None: ...  # a pipe's lines, to said
