"""Vertex's ``createTime``: the direct read of the usual shape gives what ``strptime`` gives."""

from __future__ import annotations

import calendar
import itertools
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sseparse._dialects.gemini import _unix_time


def _by_strptime(text: str) -> int | None:
    if len(text) < 20 or text[19] not in ".Z":
        return None
    try:
        return calendar.timegm(time.strptime(text[:19], "%Y-%m-%dT%H:%M:%S"))
    except ValueError:
        return None


FIELDS = (
    ("0000", "0001", "1969", "1970", "1900", "2000", "2023", "2024", "2100", "9999"),
    ("00", "01", "02", "12", "13"),
    ("00", "01", "28", "29", "30", "31", "32"),
    ("00", "23", "24"),
    ("00", "59", "60"),
    ("00", "59", "60", "61", "62"),
)


def test_every_plain_time_reads_as_strptime_reads_it() -> None:
    for year, month, day, hour, minute, second in itertools.product(*FIELDS):
        text = f"{year}-{month}-{day}T{hour}:{minute}:{second}.399550Z"
        assert _unix_time(text) == _by_strptime(text), text


@pytest.mark.parametrize(
    "text",
    [
        "2026-04-02T17:03:50.399550Z",
        "2026-04-02T17:03:50Z",
        "2026-4-02T17:03:50.39Z",  # one-digit month: strptime's own reading
        "2026-04-2T17:03:50.3Z",
        "\uff12026-04-02T17:03:50.1Z",  # a non-ASCII digit
        "2026-04-02 17:03:50.1Z",
        "2026-04-02T17:03:5x.1Z",  # a letter where a digit is
        "2026-04-02T17:03:5/.1Z",  # the characters either side of the ASCII digits
        "2026-04-02T17:03::0.1Z",
        "2026-04-02T17:03:5:.1Z",  # ':' follows '9': not a digit
        "2026-04-02T1::03:50.1Z",
        "2026-04-02T17:03:+5.1Z",
        "+026-04-02T17:03:50.1Z",
        "2026-04-02T17:03:50\u0660.1Z",
        "2026-04-02T17:03:5\u0665.1Z",  # ARABIC-INDIC DIGIT FIVE: a digit, not an ASCII one
        "2026-04-02T17:03:50+00:00",
        "",
    ],
)
def test_other_shapes_read_as_strptime_reads_them(text: str) -> None:
    assert _unix_time(text) == _by_strptime(text)


_PLAIN = st.builds(
    "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}".format,
    st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32), st.integers(0, 24), st.integers(0, 60),
    st.integers(0, 62), st.sampled_from([".1Z", "Z", ".123456789Z"]),
)


@settings(max_examples=500, deadline=None)
@given(_PLAIN, st.integers(0, 19), st.sampled_from("0123456789:-T./Z +\u0665\uff11"))
def test_a_time_with_any_character_changed_reads_as_strptime_reads_it(text: str, position: int, char: str) -> None:
    changed = text[:position] + char + text[position + 1 :]
    assert _unix_time(text) == _by_strptime(text), text
    assert _unix_time(changed) == _by_strptime(changed), changed
