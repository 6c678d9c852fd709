"""The message catalogues: every message of the source is in each language's .po, said
there (not left empty or fuzzy), with the same {fields}, and compiled into the .mo the
app reads. A message added to the code without a translation fails here, by name.
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from helpers.chinese import ENGLISH_RUN
from proctui.core import i18n

SOURCE = Path(i18n.__file__).resolve().parent.parent  # src/proctui
TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != "en"]
FIELD = re.compile(r"\{(\w*)[^}]*\}")


def source_messages() -> set[str]:
    """What `make messages` extracts: _() and N_() calls with a literal."""
    keywords = {"_": None, "N_": None}
    return {message for _file, _line, message, _comments, _context
            in extract_from_dir(str(SOURCE), keywords=keywords) if isinstance(message, str)}


def catalogue(lang: str):
    with open(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po", "rb") as f:
        return read_po(f)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_catalogue_has_every_message_of_the_source_and_no_other(lang):
    in_source = source_messages()
    assert len(in_source) > 150  # the extraction found the app's words, not nothing
    in_catalogue = {message.id for message in catalogue(lang) if message.id}
    assert not in_source - in_catalogue, f"not in the {lang} catalogue (run make messages, then translate)"
    assert not in_catalogue - in_source, f"in the {lang} catalogue but no longer in the source (make messages)"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated_with_the_same_fields(lang):
    for message in catalogue(lang):
        if not message.id:
            continue
        assert isinstance(message.id, str) and isinstance(message.string, str)
        assert message.string.strip(), f"untranslated: {message.id!r}"
        assert not message.fuzzy, f"fuzzy (check it, then drop the flag): {message.id!r}"
        assert sorted(FIELD.findall(message.string)) == sorted(FIELD.findall(message.id)), message.id
        # A message that starts with a space is joined to what comes before it: the
        # translation keeps the space, unless it opens with a full-width bracket.
        if message.id.startswith(" "):
            assert message.string[0] in " （", message.id


#: Names that are English in the Chinese text too: "fork server" is the process multiprocessing's
#: documentation names so, and "fork server fork 出的子进程" is that name and then the verb.
NAMES = ("fork server",)


def test_chinese_messages_hold_no_english_sentence():
    for message in catalogue("zh"):
        if message.id:
            text = message.string
            for name in NAMES:
                text = text.replace(name, "¦")
            run = ENGLISH_RUN.search(text)
            assert run is None, f"English words in a row, {run.group(0)!r}: {message.string}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_compiled_catalogue_is_the_po(lang):
    """The .mo the app reads says what the .po says: `make messages` compiled it."""
    po = {message.id: message.string for message in catalogue(lang) if message.id}
    with open(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo", "rb") as f:
        mo = gettext.GNUTranslations(f)
    assert {message_id: mo.gettext(message_id) for message_id in po} == po


def test_every_language_is_installed_and_english_is_the_source():
    assert i18n.words("en")("sleeping") == "sleeping"
    assert i18n.words("zh")("sleeping") == "睡眠"
    assert i18n.words("zh")("a message nobody wrote") == "a message nobody wrote"


def test_every_role_a_lab_process_has_is_in_the_catalogue():
    """The log and the selection line say a record's role in the user's language."""
    import ast

    from proctui.core.lab.records import ROLES
    from proctui.ui.actions import ACTIONS

    roles = {action.role for action in ACTIONS if action.role}
    calls = [node for path in sorted((SOURCE / "core" / "lab").glob("*.py"))
             for node in ast.walk(ast.parse(path.read_text()))]
    for call in calls:
        # start_child(role, ...), _start(role, ...), _start_with_grandchild(role, label, target, grandchild_role,
        # grandchild_label, ...): the labels are f-strings, the roles literals
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
            literals = [arg.value for arg in call.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
            if call.func.attr in ("start_child", "_start") and literals:
                roles.add(literals[0])
            elif call.func.attr == "_start_with_grandchild":
                roles.update(literals[:2])
    assert roles and roles <= set(ROLES), roles - set(ROLES)
