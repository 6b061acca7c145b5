"""The framing memory bound under attack: every buffer counts against ``max_event_size``.

A parser holds the pending event's data, its event type, the id buffer (decoded, at
the size CPython stores it: up to 4 bytes per character) and the line being read;
all of them together stay within ``max_event_size``, and a fragment that cannot fit
is refused before it is copied. Memory is measured with ``tracemalloc`` (allocations
of the compiled parser go through ``PyMem`` and are traced too); the inputs are built
before tracing starts, so only what the parser allocates is counted.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from sseparse import Accumulator
from sseparse._errors import EventTooLargeError

KIB = 1024
MIB = 1024 * KIB
SLACK = 64 * KIB  # the parser's own objects, the error, the events list

EMOJI = "\U0001f600".encode()


@contextmanager
def traced() -> Iterator[Callable[[], tuple[int, int]]]:
    tracemalloc.start()
    try:
        yield tracemalloc.get_traced_memory
    finally:
        tracemalloc.stop()


def _error(parser, fragments) -> EventTooLargeError:
    with pytest.raises(EventTooLargeError) as info:
        for fragment in fragments:
            parser.feed(fragment)
    return info.value


# -- every buffer counts ------------------------------------------------------------------


def test_id_counts_at_its_stored_size_four_bytes_per_character_after_an_emoji(parser_cls):
    # 1 MiB of invalid bytes and one emoji: a line of 1 MiB, a str of 4 MiB.
    limit = 1 * MIB
    line = b"id: " + b"\xff" * (limit - 16) + EMOJI
    assert len(line) <= limit
    error = _error(parser_cls(max_event_size=limit), [line + b"\n"])
    assert error.limit == limit
    assert error.size == 4 * (limit - 16 + 1)  # every character stored in 4 bytes
    assert error.prefix.startswith(b"id: \xff")


def test_ascii_id_counts_one_byte_per_character(parser_cls):
    parser = parser_cls(max_event_size=100)
    assert [e.id for e in parser.feed(b"id: " + b"i" * 90 + b"\ndata: x\n\n")] == ["i" * 90]
    # The id stays in force: 90 + "data:abcde" (10 bytes) fits, one byte more does not.
    assert len(parser.feed(b"data:abcde\n\n")) == 1
    assert _error(parser, [b"data:abcdef\n\n"]).size == 101


def test_event_type_counts_against_the_limit(parser_cls):
    parser = parser_cls(max_event_size=1000)
    error = _error(parser, [b"event: " + b"t" * 600 + b"\n", b"data: " + b"d" * 500 + b"\n\n"])
    assert error.size == 600 + 506


def test_a_new_id_counts_with_the_last_event_id_it_replaces_until_dispatch(parser_cls):
    # Until the blank line commits it, the parser holds the new id and the old one.
    parser = parser_cls(max_event_size=1000)
    parser.feed(b"id: " + b"a" * 400 + b"\ndata: x\n\n")
    assert parser.last_event_id == "a" * 400
    # The new line fits (400 + 354 bytes), but decoded it is stored in 700 bytes.
    error = _error(parser, [b"id: " + b"\xff" * 350 + b"\n"])
    assert error.size == 400 + 700


def test_the_cut_id_close_reports_is_not_refused(parser_cls):
    # A cut line is handed over by close(), not held: it may be wider than the limit.
    parser = parser_cls(max_event_size=100)
    parser.feed(b"data: x\nid: " + EMOJI * 20)
    pending = parser.close()
    assert pending is not None and pending.id == "\U0001f600" * 20


# -- refusing before copying --------------------------------------------------------------


@pytest.mark.parametrize("end", [b"", b"\n", b"\r\n"], ids=["unterminated", "lf", "crlf"])
def test_one_huge_fragment_is_refused_without_being_copied(parser_cls, end):
    fragment = b"data: " + b"x" * (16 * MIB) + end
    parser = parser_cls(max_event_size=1 * KIB)
    with traced() as memory:
        error = _error(parser, [fragment])
        _, peak = memory()
    assert error.size == len(fragment) - len(end)
    assert peak < SLACK


def test_huge_fragment_after_a_kept_tail_is_refused_without_being_copied(parser_cls):
    fragment = b"y" * (16 * MIB) + b"\n"
    parser = parser_cls(max_event_size=1 * KIB)
    parser.feed(b"data: 0123")
    with traced() as memory:
        error = _error(parser, [fragment])
        _, peak = memory()
    assert error.size == 10 + len(fragment) - 1
    assert error.prefix == (b"data: 0123" + fragment)[:64]
    assert peak < SLACK


def test_many_small_events_in_one_fragment_beyond_the_limit_still_parse(parser_cls):
    # Refusing early must not refuse a big fragment made of small events.
    block = b"id: 7\nevent: e\ndata: 0123456789\n\n"
    events = parser_cls(max_event_size=len(block)).feed(block * 10_000)
    assert len(events) == 10_000


# -- what a parser holds ------------------------------------------------------------------


@pytest.mark.parametrize(
    "fragments",
    [
        [b"event: " + b"t" * (MIB // 2) + b"\n", b"id: " + b"\xff" * (MIB // 8) + EMOJI + b"\n", b"data: d"],
        [b"id: " + EMOJI * (MIB // 16) + b"\ndata: x\n\n", b"id: " + EMOJI * (MIB // 16) + b"\n"],
        [b"data: " + b"d" * (MIB // 2) + b"\n", b"event: " + b"e" * (MIB // 3) + b"\n", b"id: " + b"i" * MIB],
    ],
    ids=["type-id-data", "two-ids", "data-type-id"],
)
def test_parser_holds_at_most_the_limit_plus_a_constant(parser_cls, fragments):
    limit = 1 * MIB
    parser = parser_cls(max_event_size=limit)
    with traced() as memory:
        for fragment in fragments:
            try:
                parser.feed(fragment)
            except EventTooLargeError:
                break
            held, _ = memory()
            assert held <= limit + SLACK


def test_a_long_event_type_is_not_held_after_its_event(parser_cls):
    parser = parser_cls(max_event_size=4 * MIB)
    fragment = b"event: " + b"t" * MIB + b"\ndata: x\n\n"
    with traced() as memory:
        events = parser.feed(fragment)
        assert len(events) == 1
        del events  # the event, and its type with it
        held, _ = memory()
    assert held < SLACK


# -- both builds agree -------------------------------------------------------------------


HOSTILE = {
    "wide-id": [b"id: " + b"\xff" * 3000 + EMOJI + b"\n\n"],
    "type-then-data": [b"event: " + b"t" * 3000 + b"\n", b"data: " + b"d" * 2000 + b"\n\n"],
    "unterminated": [b"data: " + b"x" * 20_000],
    "after-tail": [b"data: 01", b"x" * 20_000 + b"\r\n"],
    "second-id": [b"id: " + b"a" * 3000 + b"\ndata: 1\n\n", b"id: " + b"b" * 2000 + b"\n"],
    "events-then-large": [b"data: 1\n\nid: 2\ndata: 2\n\n" + b"data: " + b"z" * 9000 + b"\n\ndata: 3\n\n"],
}


def _cut(fragments: list[bytes], size: int | None) -> list[bytes]:
    data = b"".join(fragments)
    if size is None:
        return fragments
    return [data[i : i + size] for i in range(0, len(data), size)]


@pytest.mark.parametrize("size", [None, 1, 7, 512], ids=["as-sent", "1", "7", "512"])
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_compiled_and_pure_raise_the_same_error(compiled_cls, pure_cls, name, size):
    outcomes = []
    for cls in (compiled_cls, pure_cls):
        error = _error(cls(max_event_size=4096), _cut(HOSTILE[name], size))
        outcomes.append((error.size, error.limit, error.prefix, str(error), error.events))
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("dialect", ["auto", "openai-chat"])
def test_accumulators_of_both_builds_raise_the_same_error_on_a_wide_id(implementation, dialect):
    chunk = b'data: {"id":"c","object":"chat.completion.chunk","choices":[]}\n\n'
    stream = chunk + b"id: " + EMOJI * 2000 + b"\n" + chunk
    accumulator = Accumulator(dialect, max_event_size=4096, implementation=implementation)
    with pytest.raises(EventTooLargeError) as info:
        accumulator.feed(stream)
    assert (info.value.size, info.value.limit) == (8004, 4096)  # the id line: "id: " and 2000 emoji
    assert info.value.completion is not None


# -- auto and one large fragment: the same error in both builds ----------------------------

GOOD = b'data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"x"}}]}\n\n'
LARGE_FRAGMENTS = {
    # the first event is too large: the dialect is still unknown when the limit breaks
    "first-event-unterminated": b"data: " + b"y" * 50_000,
    "first-event-lf": b"data: " + b"y" * 50_000 + b"\n\n" + GOOD,
    "first-event-cr": b"data: " + b"y" * 50_000 + b"\r" + GOOD.replace(b"\n", b"\r"),
    "line-across-a-slice-end": b": " + b"c" * 505 + b"\n" + b"data: " + b"y" * 9000 + b"\n\n",
    "after-events": GOOD * 40 + b"data: " + b"y" * 5000 + b"\n\n" + GOOD,
    "after-a-comment": b":" + b" " * 3000 + b"\n" + b"data: " + b"z" * 5000,
}


@pytest.mark.parametrize("name", sorted(LARGE_FRAGMENTS))
def test_auto_large_fragment_error_is_the_same_in_both_builds(name):
    pytest.importorskip("sseparse._framing_c")
    outcomes = []
    for implementation in ("cython", "python"):
        accumulator = Accumulator("auto", max_event_size=4096, implementation=implementation)
        with pytest.raises(EventTooLargeError) as info:
            accumulator.feed(LARGE_FRAGMENTS[name])
        error = info.value
        outcomes.append((error.size, error.limit, error.prefix, str(error), len(error.events),
                         error.completion.to_dict() if error.completion is not None else None))
    assert outcomes[0] == outcomes[1]
