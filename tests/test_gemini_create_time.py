"""Vertex's ``createTime``: the direct read of the usual shape gives what ``strptime`` gives."""

from __future__ import annotations

import calendar
import itertools
import time

import pytest

from sseparse._dialects.gemini import _unix_time


def _by_strptime(text: str) -> int | None:
    if len(text) < 20 or text[19] not in ".Z":
        return None
    try:
        return calendar.timegm(time.strptime(text[:19], "%Y-%m-%dT%H:%M:%S"))
    except ValueError:
        return None


FIELDS = (
    ("0000", "0001", "1970", "1900", "2024", "2100", "9999"),
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
        "2026-04-02T17:03:50+00:00",
        "",
    ],
)
def test_other_shapes_read_as_strptime_reads_them(text: str) -> None:
    assert _unix_time(text) == _by_strptime(text)
