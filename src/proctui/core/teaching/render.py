"""Events into sentences: one renderer, one method per kind of event, the words from the
catalogue of the user's language (``sentences.py``).

A renderer has a method for every event class, named after it in snake case
(``Forked`` -> ``forked``); ``render`` finds it by the event's class. A test checks that
the renderer covers every event class, so a new event cannot reach the log unsaid.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from proctui.core import events
from proctui.core.i18n import LANGUAGES
from proctui.core.teaching.sentences import Sentences


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


_BY_LANGUAGE: dict[str, Sentences] = {}


def renderer(language: str = "en") -> Sentences:
    """The renderer for a language; English where proctui does not speak it."""
    if language not in LANGUAGES:
        language = "en"
    if language not in _BY_LANGUAGE:
        _BY_LANGUAGE[language] = Sentences(language)
    return _BY_LANGUAGE[language]


def render(event: events.LabEvent, language: str = "en") -> str:
    """The sentence a user reads for this event."""
    say: Callable[[events.LabEvent], str] = getattr(renderer(language), method_name(type(event)))
    return say(event)
