"""Events into sentences: one renderer per language, one method per kind of event.

A renderer has a method for every event class, named after it in snake case
(``Forked`` -> ``forked``); ``render`` finds it by the event's class. A test checks that
every renderer covers every event class, so a new event cannot reach the log unsaid.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

from proctui.core import events


class Renderer(Protocol):
    language: str


def method_name(event_class: type[events.LabEvent]) -> str:
    """``PoolWorkerStarted`` -> ``pool_worker_started``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", event_class.__name__).lower()


def event_classes() -> list[type[events.LabEvent]]:
    """Every concrete event class, the base's subclasses at any depth."""
    found: list[type[events.LabEvent]] = []
    todo = list(events.LabEvent.__subclasses__())
    while todo:
        cls = todo.pop(0)
        # dataclass(slots=True) makes a new class and the old one lingers as a subclass
        # too: keep only the class the module's name stands for.
        if getattr(events, cls.__name__, None) is cls and cls not in found:
            found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def _renderers() -> dict[str, Renderer]:
    # Imported here: each language's module imports this one for method_name.
    from proctui.core.teaching.render_en import English
    from proctui.core.teaching.render_zh import Chinese

    return {"en": English(), "zh": Chinese()}


_BY_LANGUAGE: dict[str, Renderer] = {}


def renderer(language: str = "en") -> Renderer:
    """The renderer for a language; English where there is none for it yet."""
    if not _BY_LANGUAGE:
        _BY_LANGUAGE.update(_renderers())
    return _BY_LANGUAGE.get(language) or _BY_LANGUAGE["en"]


def render(event: events.LabEvent, language: str = "en") -> str:
    """The sentence a user reads for this event."""
    chosen = renderer(language)
    say: Callable[[events.LabEvent], str] = getattr(chosen, method_name(type(event)))
    return say(event)
