"""The app's own words in the user's language: gettext message catalogues.

The English sentence in the source is the message id (gettext's way), so the English UI
needs no catalogue; Chinese is ``locale/zh/LC_MESSAGES/proctui.po``, compiled to the
``.mo`` that is read here (``make messages`` extracts, updates and compiles with Babel;
tests/core/teaching/test_catalogue.py fails when a message of the source is missing from the catalogue,
is left untranslated, or the .mo is older than the .po).

What is content rather than UI (lessons, the glossary) is TOML data in ``lessons/``. The
event log's sentences (``teaching/sentences.py``, ``teaching/refusals.py``) and the code
viewers' notes (``stepping/explain.py``, ``stepping/notes.py``) are messages too, with an
event's (or a pause's) facts as named fields: ``_("child {pid} exited").format(pid=...)``.

Where a message is declared apart from where it is shown (a table of actions, a list of
words), it is marked with ``N_()`` for extraction and translated with ``_()`` when shown,
so that switching the language at run time changes it.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import cache
from pathlib import Path

#: May be imported in another process (imported by the lab's children and sitecustomize):
#: it imports only the standard library and other stdlib-only modules of proctui's
#: (tests/core/test_architecture.py).
STDLIB_ONLY = True

DOMAIN = "proctui"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

#: Every language the app speaks; English is the source.
LANGUAGES = ("en", "zh")


def N_(message: str) -> str:
    """Mark a message for extraction where it is declared; ``_()`` translates it where shown."""
    return message


@cache
def catalogue(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    # fallback=False: a missing catalogue is a broken install, not a reason to show English.
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])


def words(lang: str) -> Callable[[str], str]:
    """The ``_`` of one language: ``_ = words(lang)`` then ``_("sleeping")``."""
    return catalogue(lang).gettext
