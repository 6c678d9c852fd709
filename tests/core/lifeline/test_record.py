"""A record written and read back is the same session; what is not a record, or is a
newer or cut-short one, is refused with the reason."""

from __future__ import annotations

import json

import pytest

from helpers.event_samples import REFUSALS, SENTENCES
from proctui.core.events import LabEvent
from proctui.core.lifeline.codec import RecordError, event_from_json, event_kinds, event_to_json
from proctui.core.lifeline.history import History
from proctui.core.lifeline.lives import Row
from proctui.core.lifeline.record import FORMAT, RecordHeader, RecordWriter, read_record

SAMPLES: list[LabEvent] = [event for event, _ in SENTENCES] + [refused for refused, _ in REFUSALS]


def test_every_kind_of_event_has_a_sample_here():
    assert {type(event).__name__ for event in SAMPLES} >= set(event_kinds()) - {"LabEvent"}


@pytest.mark.parametrize("event", SAMPLES, ids=lambda event: type(event).__name__)
def test_an_event_reads_back_as_itself(event):
    again = event_from_json(json.loads(json.dumps(event_to_json(event))))
    assert again == event and again.time == event.time and type(again) is type(event)


def write(path, history: History) -> None:
    writer = RecordWriter(str(path), RecordHeader(history.own_pid, history.started, "zh", "3.13.1", "s.cast"))
    writer.follow(history)
    writer.close()


def test_a_session_reads_back_as_it_was(tmp_path):
    history = History(100, started=5.0)
    history.add_frame((Row(100, 1, "S", "proctui", 1), Row(101, 100, "S", "python", 9)), when=6.0)
    for event in SAMPLES[:20]:
        history.add_event(event)
    history.add_frame((Row(100, 1, "S", "proctui", 1), Row(101, 100, "Z", "python", 9)), when=7.0)
    write(tmp_path / "s.jsonl", history)
    header, again = read_record(str(tmp_path / "s.jsonl"))
    assert (header.own_pid, header.started, header.lang) == (100, 5.0, "zh")
    assert (header.python, header.cast) == ("3.13.1", "s.cast")
    assert again.events() == history.events()
    assert again.frames == history.frames
    assert [(life.pid, life.states) for life in again.lives] == [(life.pid, life.states) for life in history.lives]


@pytest.mark.parametrize(("content", "says"), [
    (b"", "is not a proctui record"),
    (b"hello\n", "is not a proctui record"),
    (b'{"asciicast": 3}\n', "is not a proctui record"),
    (json.dumps({"record": "proctui record", "format": FORMAT + 1}).encode() + b"\n", "newer than this proctui reads"),
])
def test_what_is_no_record_is_refused(tmp_path, content, says):
    path = tmp_path / "bad"
    path.write_bytes(content)
    with pytest.raises(RecordError, match=says):
        read_record(str(path))


def test_a_record_cut_short_is_refused(tmp_path):
    history = History(100, started=5.0)
    for event in SAMPLES[:5]:
        history.add_event(event)
    write(tmp_path / "s.jsonl", history)
    whole = (tmp_path / "s.jsonl").read_bytes()
    (tmp_path / "cut").write_bytes(whole[: whole.rindex(b"\n", 0, -1) + 1])  # the closing line lost
    with pytest.raises(RecordError, match="cut short after 5 events"):
        read_record(str(tmp_path / "cut"))
    (tmp_path / "half").write_bytes(whole[: len(whole) // 2])  # a line cut in the middle
    with pytest.raises(RecordError, match="cut short"):
        read_record(str(tmp_path / "half"))


def test_missing_file_and_directory_are_said(tmp_path):
    with pytest.raises(RecordError, match="No such file"):
        read_record(str(tmp_path / "none"))
    with pytest.raises(RecordError, match="is a directory"):
        read_record(str(tmp_path))


def test_the_reason_is_said_in_chinese_too(tmp_path):
    (tmp_path / "bad").write_bytes(b"hello\n")
    with pytest.raises(RecordError) as refused:
        read_record(str(tmp_path / "bad"))
    assert refused.value.say("zh").startswith(f"{tmp_path / 'bad'} 不是 proctui 的记录文件")
