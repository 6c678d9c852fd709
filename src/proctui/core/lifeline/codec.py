"""Events as JSON and back: a record holds each event as ``{"kind": ..., "facts": {...}}``.

An event's facts are plain values (numbers, strings, tuples of them) and a few enums;
an enum is written as its value and read back by the field's annotation, so a record
reads the same in the Python that wrote it and in another. A kind or a field this
proctui does not know is a ``RecordError``, said plainly, never half read.
"""

from __future__ import annotations

import enum
import re
from functools import cache
from typing import Any

from proctui.core import events
from proctui.core.events import LabEvent
from proctui.core.i18n import N_, words


class RecordError(ValueError):
    """What is read is not a record this proctui can read: the message says why, in the
    user's language (``say``); str() is the English."""

    def __init__(self, message: str, **fields: object) -> None:
        super().__init__(message.format(**fields))
        self.message, self.fields = message, fields

    def say(self, lang: str) -> str:
        return words(lang)(self.message).format(**self.fields)


@cache
def event_kinds() -> dict[str, type[LabEvent]]:
    """Every event class, by its name (what a record calls its kind)."""
    found: dict[str, type[LabEvent]] = {}
    stack: list[type[LabEvent]] = [LabEvent]
    while stack:
        kind = stack.pop()
        found[kind.__name__] = kind
        stack.extend(kind.__subclasses__())
    return found


_ENUMS = {name: value for name, value in vars(events).items()
          if isinstance(value, type) and issubclass(value, enum.Enum)}


def _enum_fields(kind: type[LabEvent]) -> dict[str, type[enum.Enum]]:
    """The fields of kind whose values are enums: read from the annotations, which are
    strings ("WhoReaps", "Disposition | None") under postponed evaluation."""
    found = {}
    for klass in reversed(kind.__mro__):
        for name, annotation in getattr(klass, "__annotations__", {}).items():
            for word in re.findall(r"[A-Za-z_]+", str(annotation)):
                if word in _ENUMS:
                    found[name] = _ENUMS[word]
    return found


_ENUM_FIELDS: dict[str, dict[str, type[enum.Enum]]] = {}


def _plain(value: object) -> object:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


def _tuples(value: object) -> object:
    """JSON has lists only: the facts' sequences are tuples (events are frozen)."""
    if isinstance(value, list):
        return tuple(_tuples(item) for item in value)
    return value


def event_to_json(event: LabEvent) -> dict[str, Any]:
    return {"kind": type(event).__name__, "facts": {name: _plain(value) for name, value in event.facts().items()}}


def event_from_json(data: object) -> LabEvent:
    """The event a record's ``{"kind", "facts"}`` stands for."""
    if not isinstance(data, dict) or not isinstance(data.get("kind"), str) or not isinstance(data.get("facts"), dict):
        raise RecordError(N_("not an event: {data}"), data=str(data)[:80])
    kind = event_kinds().get(data["kind"])
    if kind is None:
        raise RecordError(N_("an event this proctui does not know: {kind}"), kind=data["kind"])
    enums = _ENUM_FIELDS.get(kind.__name__)
    if enums is None:
        enums = _ENUM_FIELDS[kind.__name__] = _enum_fields(kind)
    facts: dict[str, Any] = {}
    for name, value in data["facts"].items():
        if name in enums and value is not None:
            try:
                facts[name] = enums[name](value)
            except ValueError:
                raise RecordError(N_("{kind}.{field}: {value} is no {enum}"), kind=kind.__name__, field=name,
                                  value=repr(value), enum=enums[name].__name__) from None
        else:
            facts[name] = _tuples(value)
    try:
        return kind(**facts)
    except TypeError as exc:
        raise RecordError(N_("{kind}: {problem}"), kind=kind.__name__, problem=str(exc)) from None
