"""The English renderer: every event has a sentence, and the sentences are the ones the log
has always shown. No processes here: every event is built by hand, with made-up PIDs.

The other tests check events by their fields; this is where the words are checked. The
expected sentences are the log's wording from before events became data (taken from the
old assertions and the old code), so a rewording shows up here, and only here.
"""

from __future__ import annotations

import re
import signal

import pytest

from helpers.chinese import ENGLISH_RUN
from helpers.event_samples import CHINESE_CASES, PIDFD, REFUSALS, SAMPLES, SENTENCES
from proctui.core import events as ev
from proctui.core.errors import LabError, refuse
from proctui.core.events import (
    Adopted,
    CowMemory,
    Disposition,
    Exited,
    Forked,
    ForkWarned,
    GrandchildForked,
    HiddenReapingUnguarded,
    JoinBlocks,
    JoinReturned,
    JoinStepped,
    OrphanLeavesTheTree,
    Output,
    OutputNotShown,
    PoolClosing,
    PoolCreated,
    PoolHangs,
    PoolMapFailed,
    PoolMapped,
    PoolMapsDropped,
    PoolTaskDone,
    PoolTerminating,
    PoolWorkerReaped,
    PoolWorkerStarted,
    QueueGot,
    Reaped,
    ReapedByScript,
    Refusal,
    Refused,
    ScriptForked,
    ScriptReadStdin,
    ScriptStarted,
    ScriptStartMethod,
    Signalled,
    StartMethodChosen,
    StillAlive,
    SubreaperSet,
    Tone,
    WatchFailed,
    WhereBlocked,
    WhoReaps,
)
from proctui.core.lab.pool import PoolError
from proctui.core.lab.start_methods import start_method
from proctui.core.teaching import render
from proctui.core.teaching.sentences import Sentences


def event_classes() -> set[type[ev.LabEvent]]:
    """render.event_classes() as a set; it must list each class once."""
    classes = render.event_classes()
    assert len(classes) == len({cls.__name__ for cls in classes}), "a class is listed twice"
    return set(classes)


def refused_with_all_facts(reason: Refusal) -> Refused:
    """A refusal carrying every fact a refusal may carry, so each sentence can be made."""
    return Refused(reason=reason, pid=4242, label="child-1", verb="terminate", value="7", count=3, limit=2,
                   error="Resource temporarily unavailable", other_pid=4241, uid=65534)


# -- (a) nothing is left unsaid -------------------------------------------------------------


def test_every_event_class_has_a_method_in_the_english_renderer():
    classes = event_classes()
    assert Refused in classes and PoolWorkerStarted in classes and Reaped in classes
    english: object = render.renderer("en")  # object: that it is the one renderer is the point
    assert isinstance(english, Sentences) and english.language == "en"
    missing = [cls.__name__ for cls in classes if not callable(getattr(english, render.method_name(cls), None))]
    assert missing == []


def test_method_names_are_the_class_names_in_snake_case():
    assert render.method_name(PoolWorkerStarted) == "pool_worker_started"
    assert render.method_name(Forked) == "forked"
    assert render.method_name(JoinReturned) == "join_returned"


def test_every_event_class_renders_a_sentence():
    assert set(SAMPLES) == event_classes(), "a new event class needs a sample here"
    for cls, event in SAMPLES.items():
        assert type(event) is cls
        text: object = render.render(event)  # object: render's str is only as good as its getattr
        assert isinstance(text, str) and text.strip(), cls


@pytest.mark.parametrize("reason", list(Refusal), ids=lambda reason: reason.name)
def test_every_refusal_has_a_sentence(reason):
    text: object = render.render(refused_with_all_facts(reason))  # object: as above
    assert isinstance(text, str) and text.strip()


def test_each_refusal_has_a_sentence_of_its_own():
    sentences = {render.render(refused_with_all_facts(reason)) for reason in Refusal}
    assert len(sentences) == len(Refusal)


def test_a_language_without_a_renderer_gets_english():
    event = SAMPLES[Reaped]
    assert render.render(event, "xx") == render.render(event) == render.render(event, "en")


def test_the_tones_are_the_kinds_the_log_always_had():
    # The old EventKind of each line: its colour in the log.
    tones = {
        Forked: Tone.STARTED, GrandchildForked: Tone.STARTED, PoolWorkerStarted: Tone.STARTED,
        Output: Tone.OUTPUT, OutputNotShown: Tone.OUTPUT, PoolTaskDone: Tone.OUTPUT,
        Exited: Tone.EXITED,
        Reaped: Tone.REAPED, PoolWorkerReaped: Tone.REAPED, ReapedByScript: Tone.REAPED,
        Signalled: Tone.SIGNALLED,
        JoinBlocks: Tone.JOINING, JoinStepped: Tone.JOINING,
        Adopted: Tone.NOTE, JoinReturned: Tone.NOTE, StillAlive: Tone.NOTE, ForkWarned: Tone.NOTE,
        PoolCreated: Tone.NOTE, PoolMapped: Tone.NOTE, PoolClosing: Tone.NOTE, PoolTerminating: Tone.NOTE,
        PoolMapsDropped: Tone.NOTE, StartMethodChosen: Tone.NOTE, SubreaperSet: Tone.NOTE,
        OrphanLeavesTheTree: Tone.NOTE, CowMemory: Tone.NOTE,
        WhereBlocked: Tone.NOTE, QueueGot: Tone.NOTE,
        ScriptStarted: Tone.STARTED, ScriptForked: Tone.STARTED, ScriptReadStdin: Tone.NOTE,
        ScriptStartMethod: Tone.NOTE,
        HiddenReapingUnguarded: Tone.ERROR,
        PoolMapFailed: Tone.ERROR, PoolHangs: Tone.ERROR, WatchFailed: Tone.ERROR, Refused: Tone.ERROR,
    }
    assert set(tones) == event_classes()
    assert {cls: SAMPLES[cls].tone for cls in tones} == tones


def test_events_are_data_compared_by_their_facts():
    event = SAMPLES[Reaped]
    assert isinstance(event, Reaped)
    assert event.replace(time=0.0) == event  # when it happened is not a fact compared
    assert event.replace(exitcode=-9) != event
    assert Exited(pid=1, status=0x000F, who_reaps=WhoReaps.WAITPID).exitcode == -15
    assert Exited(pid=1, status=None, who_reaps=WhoReaps.FORK_SERVER).exitcode is None


# -- (b) the sentences the log always said ----------------------------------------------------





def _event_id(value: object) -> str:
    if isinstance(value, Refused):
        return value.reason.name
    return type(value).__name__ if isinstance(value, ev.LabEvent) else ""


@pytest.mark.parametrize(("event", "sentence"), SENTENCES, ids=_event_id)
def test_the_english_sentence_is_the_one_the_log_always_said(event, sentence):
    assert render.render(event) == sentence


@pytest.mark.parametrize(("refused", "sentence"), REFUSALS, ids=_event_id)
def test_the_refusal_sentence_is_the_one_the_user_always_read(refused, sentence):
    assert render.render(refused) == sentence


def test_every_refusal_is_among_the_sentences_checked():
    assert {refused.reason for refused, _ in REFUSALS} == set(Refusal)


def test_the_sentences_checked_cover_every_event_class():
    assert {type(event) for event, _ in SENTENCES} | {Refused} == event_classes()


def test_an_error_says_its_refusal_in_english():
    error = refuse(Refusal.TOO_MANY, count=1, limit=1, value="1")
    assert isinstance(error, LabError)
    assert error.refusal == Refused(reason=Refusal.TOO_MANY, count=1, limit=1, value="1")
    assert str(error) == "1 lab processes already (the limit is 1): not starting 1 more"
    pool_error = PoolError(Refusal.POOL_CLOSED, "pool-1", verb="map")
    assert pool_error.refusal == Refused(reason=Refusal.POOL_CLOSED, label="pool-1", verb="map")
    assert str(pool_error) == "pool-1 is closed: a closed Pool takes no new tasks"


def test_the_failed_call_is_named_as_before():
    # What FORK_FAILED's verb holds: the call that failed, per start method.
    assert [start_method(name).start_call() for name in ("fork", "spawn", "forkserver")] == [
        "fork()", "start() (spawn)", "start() (forkserver)"]


# -- (c) a signal the receiver handles or ignores -----------------------------------------------


def test_a_caught_signal_says_the_receiver_handles_it():
    event = Signalled(pid=4242, label="child-1", signal=signal.SIGTERM, method="terminate",
                      disposition=Disposition.CAUGHT)
    text = render.render(event)
    assert text.startswith(f"child-1.terminate() is kill(4242, SIGTERM) -> child-1 {PIDFD}: ")
    assert "/proc/4242/status lists SIGTERM as caught (SigCgt)" in text
    assert "does not die of it" in text and "its own handler decides" in text
    assert "SigIgn" not in text


def test_an_ignored_signal_says_nothing_happens():
    event = Signalled(pid=4242, label="child-1", signal=signal.SIGTERM, method="terminate",
                      disposition=Disposition.IGNORED)
    text = render.render(event)
    assert text.startswith(f"child-1.terminate() is kill(4242, SIGTERM) -> child-1 {PIDFD}: ")
    assert "/proc/4242/status lists SIGTERM as ignored (SigIgn)" in text
    assert "nothing happens" in text and "kill() (SIGKILL) cannot be ignored" in text
    assert "SigCgt" not in text


def test_a_default_disposition_adds_nothing():
    text = render.render(Signalled(pid=4242, label="child-1", signal=signal.SIGTERM, method="terminate"))
    assert text == f"child-1.terminate() is kill(4242, SIGTERM) -> child-1 {PIDFD}"
    assert "SigCgt" not in text and "SigIgn" not in text


def test_a_zombie_is_said_before_any_disposition():
    # A zombie has no handlers left to run: that it is dead is what matters.
    event = Signalled(pid=4242, label="zombie-1", signal=signal.SIGTERM, method="terminate", was_zombie=True,
                      disposition=Disposition.CAUGHT)
    text = render.render(event)
    assert text.endswith(": 4242 is a zombie. The kernel accepts the signal, and it changes nothing: "
                         "a zombie runs no more code; only waitpid() (a join) removes it")
    assert "SigCgt" not in text


def test_a_signal_to_a_grandchild_names_no_process_method():
    # proctui has no Process object for a grandchild: no terminate() of ours sent it.
    event = Signalled(pid=4243, label="orphan-1 (grandchild)", signal=signal.SIGTERM, method=None)
    assert render.render(event) == (
        "kill(4243, SIGTERM) -> orphan-1 (grandchild) (sent through a pidfd: only this very process can get it)"
    )


# -- (d) the Chinese renderer says the same facts, in Chinese ------------------------------------

# Fields whose text comes from outside proctui (Python's warning, a child's own line, an errno).
QUOTED_FIELDS = ("message", "line", "error", "text")  # text: what a program said, in its words


def _chinese(event: ev.LabEvent) -> str:
    text = render.render(event, "zh")
    for name in QUOTED_FIELDS:
        value = getattr(event, name, None)
        if isinstance(value, str) and value:
            text = text.replace(value, "")
    return text


def test_every_event_class_and_refusal_has_a_chinese_sentence():
    chinese = render.renderer("zh")
    assert chinese.language == "zh"
    missing = [cls.__name__ for cls in event_classes() if not callable(getattr(chinese, render.method_name(cls), None))]
    assert not missing, f"the Chinese renderer cannot say: {missing}"
    sentences = {reason: render.render(refused_with_all_facts(reason), "zh") for reason in Refusal}
    assert len(set(sentences.values())) == len(sentences), "two refusals read the same"




@pytest.mark.parametrize("event", CHINESE_CASES, ids=_event_id)
def test_the_chinese_sentence_has_no_english_sentence_in_it(event):
    text = _chinese(event)
    if not isinstance(event, Output):  # a child's line is its own words, in its own language
        assert re.search(r"[\u4e00-\u9fff]", text), f"no Chinese at all: {text}"
    run = ENGLISH_RUN.search(text)
    assert run is None, f"English words in a row, {run.group(0)!r}: {text}"


@pytest.mark.parametrize(("event", "sentence"), [*SENTENCES, *REFUSALS], ids=_event_id)
def test_the_chinese_sentence_keeps_every_number_of_the_english_one(event, sentence):
    # PIDs, statuses, exit codes, limits: the facts are the same in both languages.
    numbers = re.compile(r"0x[0-9a-f]+|-?\d+(?:\.\d+)?")
    english, chinese = numbers.findall(sentence), numbers.findall(render.render(event, "zh"))
    assert sorted(english) == sorted(chinese), render.render(event, "zh")


def test_the_english_check_finds_english_sentences():
    # The check above must be able to fail: on the English renderer it does.
    found = [event for event in CHINESE_CASES if ENGLISH_RUN.search(render.render(event, "en"))]
    assert len(found) > len(CHINESE_CASES) // 2


def test_events_are_frozen_and_take_only_their_own_facts():
    event = SAMPLES[Reaped]
    with pytest.raises(AttributeError):
        event.pid = 1  # type: ignore[misc]  # the point: an event's facts cannot change
    with pytest.raises(TypeError, match="needs call="):
        Reaped(pid=1, status=0, exitcode=0)  # type: ignore[call-arg]  # the point: call is required
    with pytest.raises(TypeError, match="no field colour"):
        Output(pid=1, line="x", colour="red")  # type: ignore[call-arg]  # the point: no such fact
    assert Forked(pid=1, label="a", role="child", start_method="fork").daemon is False  # a default
    assert hash(event) == hash(event.replace(time=0.0))
