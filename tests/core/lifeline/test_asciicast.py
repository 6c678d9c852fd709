"""CastWriter and read_cast: asciicast v3 written and read back, as asciinema reads it."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import threading

import pytest

from proctui.core.lifeline import asciicast
from proctui.core.lifeline.asciicast import CastError, CastWriter, read_cast


class Clock:
    """A clock the test moves: intervals are then exact, not a guess about timing."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    ticking = Clock()
    monkeypatch.setattr(CastWriter, "clock", staticmethod(ticking))
    return ticking


def lines_of(path) -> list:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_header_is_v3_with_term_title_and_env(tmp_path):
    path = tmp_path / "a.cast"
    CastWriter(path, 80, 24, title="proctui", env={"TERM": "xterm-256color", "LANG": "zh_CN.UTF-8"}).close()
    [header] = lines_of(path)
    assert header["version"] == 3
    # v3 keeps the terminal's type in term, not in env (v2 had it in env).
    assert header["term"] == {"cols": 80, "rows": 24, "type": "xterm-256color"}
    assert header["env"] == {"LANG": "zh_CN.UTF-8"}
    assert header["title"] == "proctui"
    assert isinstance(header["timestamp"], int)
    assert list(header)[:2] == ["version", "term"]


def test_events_carry_the_interval_since_the_previous_event(tmp_path, clock):
    path = tmp_path / "a.cast"
    writer = CastWriter(path, 80, 24)
    clock.now += 0.25
    writer.output("hello")
    clock.now += 1.5
    writer.marker("f: fork")
    clock.now += 0.000001
    writer.output(" world")
    writer.close()
    events = lines_of(path)[1:]
    assert events == [[0.25, "o", "hello"], [1.5, "m", "f: fork"], [0.000001, "o", " world"]]
    cast = read_cast(path)
    assert [event.time for event in cast.events] == [0.25, 1.75, 1.750001]
    assert cast.markers == [(1.75, "f: fork")]


def test_absolute_times_do_not_drift_over_many_events(tmp_path, clock):
    path = tmp_path / "a.cast"
    writer = CastWriter(path, 80, 24)
    for _ in range(10_000):
        clock.now += 0.1000004  # each interval, rounded to the microsecond alone, would lose 0.4 µs
        writer.output("x")
    writer.close()
    assert read_cast(path).events[-1].time == pytest.approx(1000.004, abs=1e-6)


def test_round_trip_keeps_escapes_chinese_and_undecodable_bytes(tmp_path):
    path = tmp_path / "a.cast"
    writer = CastWriter(path, 80, 24)
    frames = ["\x1b[?1049h\x1b[1;1H\x1b[38;2;1;2;3m─┬─", "僵尸进程 \"Z\" \\ \n\r\t", "bad byte: \udcff"]
    for frame in frames:
        writer.output(frame)
    writer.output("")  # nothing written: no event
    writer.close(0)
    cast = read_cast(path)
    assert [(event.code, event.data) for event in cast.events] == [("o", f) for f in frames] + [("x", "0")]


def test_resize_is_an_event_only_when_the_size_changes(tmp_path):
    path = tmp_path / "a.cast"
    writer = CastWriter(path, 80, 24)
    writer.resize(80, 24)
    writer.resize(100, 30)
    writer.resize(100, 30)
    writer.resize(80, 24)
    writer.close()
    assert [(e.code, e.data) for e in read_cast(path).events] == [("r", "100x30"), ("r", "80x24")]
    assert writer.size == (80, 24)


def test_a_closed_writer_ignores_later_calls(tmp_path):
    path = tmp_path / "a.cast"
    writer = CastWriter(path, 80, 24)
    writer.output("before")
    writer.close(3)
    writer.output("after")
    writer.marker("after")
    writer.resize(10, 10)
    writer.close(4)
    assert writer.closed
    assert [(e.code, e.data) for e in read_cast(path).events] == [("o", "before"), ("x", "3")]


def test_a_marker_is_on_disk_at_once_output_at_the_latest_at_the_next_event_after_the_flush_interval(
        tmp_path, clock):
    path = tmp_path / "a.cast"
    writer = CastWriter(path, 80, 24)
    writer.output("buffered")
    assert "buffered" not in path.read_text()  # cheap: not one write(2) a frame
    writer.marker("step 2")
    assert path.read_text().endswith('"m", "step 2"]\n')
    writer.output("buffered again")
    clock.now += asciicast.FLUSH_EVERY
    writer.output("and flushed")
    assert path.read_text().endswith('"o", "and flushed"]\n')
    writer.close()


def test_a_file_given_open_is_flushed_and_left_open():
    out = io.StringIO()
    writer = CastWriter(out, 80, 24)
    writer.output("x")
    writer.close()
    assert not out.closed
    assert out.getvalue().splitlines()[1].endswith('"o", "x"]')


def test_a_failed_write_ends_the_recording_not_the_caller():
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "w", encoding="utf-8") as out:
        writer = CastWriter(out, 80, 24)
        os.close(read_end)  # whoever read the recording has gone: EPIPE, as a full disk fails
        writer.output("x")
        writer.marker("flushed: the write fails")
        assert writer.closed
        assert isinstance(writer.error, BrokenPipeError)
        writer.marker("ignored")
        with contextlib.suppress(BrokenPipeError):
            out.close()  # what the test left in the buffer fails again


def test_events_from_many_threads_are_whole_lines_in_time_order(tmp_path):
    path = tmp_path / "a.cast"
    writer = CastWriter(path, 80, 24)
    start = threading.Barrier(8)

    def write(n: int) -> None:
        start.wait()
        for i in range(500):
            if i % 50 == 0:
                writer.marker(f"{n}:{i}")
            else:
                writer.output(f"{n}:{i}:" + "y" * 300)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    writer.close()
    cast = read_cast(path)  # a torn line would not parse
    assert not cast.truncated
    assert len(cast.events) == 8 * 500
    assert all(event.interval >= 0 for event in cast.events)
    for n in range(8):  # each thread's events in its own order
        mine = [e.data.split(":")[1] for e in cast.events if e.data.startswith(f"{n}:")]
        assert mine == [str(i) for i in range(500)]


# -- reading: what asciinema would refuse or forgive -------------------------------------


def write_text(tmp_path, text: str):
    path = tmp_path / "r.cast"
    path.write_text(text, encoding="utf-8")
    return path


HEADER = '{"version": 3, "term": {"cols": 80, "rows": 24}}\n'


def test_comments_and_blank_lines_are_skipped_and_unknown_codes_kept(tmp_path):
    path = write_text(tmp_path, HEADER + '# a comment\n\n[0.5, "o", "a"]\n[1, "i", "q"]\n[0.25, "m", ""]\n')
    cast = read_cast(path)
    assert [(e.time, e.code, e.data) for e in cast.events] == [(0.5, "o", "a"), (1.5, "i", "q"), (1.75, "m", "")]
    assert (cast.cols, cast.rows) == (80, 24)


@pytest.mark.parametrize("text, says", [
    ("", "not an asciicast recording"),
    ("hello\n", "not an asciicast recording"),
    ('{"title": "no version"}\n', "not an asciicast recording"),
    ('[0.1, "o", "x"]\n', "not an asciicast recording"),
    ('{"version": "3", "term": {"cols": 80, "rows": 24}}\n', "version '3'"),
    ('{"version": 4, "term": {"cols": 80, "rows": 24}}\n', "version 4 is newer than this proctui reads (3)"),
    ('{"version": 2, "width": 80, "height": 24}\n', "version 2; proctui reads version 3 only"),
    ('{"version": 3, "term": {"cols": 80}}\n', "no terminal size"),
    ('{"version": 3}\n', "no terminal size"),
    (HEADER + '[0.1, "o"]\n[0.2, "o", "x"]\n', "line 2: not an event"),
    (HEADER + '[-1, "o", "x"]\n', "line 2: not an interval"),
    (HEADER + '[0.1, "o", 5]\n', "line 2: an event's code and data are strings"),
    (HEADER + '[0.1, "o", "x"]\n[0.1, "o", "y\n', "line 3"),  # cut short, but a newline follows it
])
def test_what_is_no_v3_recording_gets_a_clear_error(tmp_path, text, says):
    with pytest.raises(CastError, match=re.escape(says)):
        read_cast(write_text(tmp_path, text))


def test_not_text_is_a_clear_error(tmp_path):
    path = tmp_path / "b.cast"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(CastError, match="not UTF-8 text"):
        read_cast(path)


def test_a_last_line_cut_short_is_left_out_and_said(tmp_path):
    path = write_text(tmp_path, HEADER + '[0.1, "o", "x"]\n[0.2, "o", "y')
    cast = read_cast(path)
    assert cast.truncated
    assert [e.data for e in cast.events] == ["x"]
    assert not read_cast(write_text(tmp_path, HEADER + '[0.1, "o", "x"]')).truncated  # no newline, but whole
