"""Hostile and huge input: NUL, lone CRs, garbage, oversized lines and events, floods
of tiny events, wrong argument types, use after close.

No timing assertions here (machines are noisy): linearity is shown by the benchmarks.
What is checked is behaviour, and, for the pure parser, the structure that makes the
work linear (the unterminated tail is never rescanned because it holds no CR or LF).
"""

from __future__ import annotations

import array
import random

import pytest

import sseparse
from sseparse import (
    Event,
    EventTooLargeError,
    IncompleteEvent,
    ParserClosedError,
    SseparseError,
)

# -- bytes nobody should send ------------------------------------------------------------


def test_nul_bytes_everywhere(parser_cls):
    parser = parser_cls()
    events = parser.feed(b"\x00" * 1000 + b"\n\x00data\x00: \x00\ndata: \x00\x00\n\n")
    assert events == [Event(data="\x00\x00")]
    assert parser.close() is None


def test_stream_of_only_nul_bytes_is_pending_garbage_not_an_event(parser_cls):
    parser = parser_cls()
    assert parser.feed(b"\x00" * 10_000) == []
    assert parser.close() == IncompleteEvent()


def test_lone_crs(parser_cls):
    parser = parser_cls()
    assert parser.feed(b"\r" * 10_000) == []
    assert parser.feed(b"data: a\r" + b"\r" * 5000) == [Event(data="a")]
    assert parser.close() is None


def test_lone_crs_one_byte_at_a_time(parser_cls):
    parser = parser_cls()
    events = []
    for byte in b"data: a\r\rdata: b\r" + b"\r" * 200:
        events += parser.feed(bytes([byte]))
    assert events == [Event(data="a"), Event(data="b")]
    assert parser.close() is None


def test_random_garbage_gives_only_events(parser_cls):
    rng = random.Random(1234)
    for _ in range(200):
        garbage = rng.randbytes(rng.randrange(0, 2000))
        parser = parser_cls()
        cut = rng.randrange(0, len(garbage) + 1)
        events = parser.feed(garbage[:cut]) + parser.feed(garbage[cut:])
        assert all(type(event) is Event for event in events)
        pending = parser.close()
        assert pending is None or type(pending) is IncompleteEvent


def test_invalid_utf8_flood(parser_cls):
    bad = bytes(range(0x80, 0x100)) * 40
    parser = parser_cls()
    (event,) = parser.feed(b"data: " + bad + b"\n\n")
    assert set(event.data) == {"\ufffd"}


# -- max_event_size ------------------------------------------------------------------------


def test_huge_line_beyond_max_event_size_is_an_error_naming_the_limit(parser_cls):
    parser = parser_cls(max_event_size=1000)
    with pytest.raises(EventTooLargeError) as info:
        parser.feed(b"data: " + b"x" * 5000 + b"\n\n")
    message = str(info.value)
    assert "max_event_size" in message
    assert "1000" in message
    assert info.value.limit == 1000
    assert info.value.size > 1000
    assert isinstance(info.value, SseparseError)


def test_error_message_quotes_only_a_prefix_of_the_input(parser_cls):
    parser = parser_cls(max_event_size=100)
    with pytest.raises(EventTooLargeError) as info:
        parser.feed(b"data: " + b"y" * 1_000_000 + b"\n")
    assert "data: yyy" in str(info.value)
    assert len(str(info.value)) < 400


def test_parser_refuses_input_after_a_limit_error(parser_cls):
    parser = parser_cls(max_event_size=10)
    with pytest.raises(EventTooLargeError):
        parser.feed(b"data: 0123456789\n\n")
    assert parser.closed
    with pytest.raises(ParserClosedError, match="max_event_size"):
        parser.feed(b"data: a\n\n")
    with pytest.raises(ParserClosedError):
        parser.feed(b"")
    with pytest.raises(ParserClosedError):
        parser.close()


def test_events_completed_earlier_in_the_same_fragment_are_on_the_error(parser_cls):
    parser = parser_cls(max_event_size=64)
    assert parser.feed(b"data: 0\n\n") == [Event(data="0")]
    with pytest.raises(EventTooLargeError) as info:
        parser.feed(b"data: 1\n\nid: 2\ndata: 2\n\ndata: " + b"z" * 100 + b"\n\ndata: 3\n\n")
    # Only the events this feed() call completed, in order; the first call's is not repeated.
    assert info.value.events == [Event(data="1"), Event(data="2", id="2")]


def test_error_events_empty_when_nothing_completed_in_that_call(parser_cls):
    parser = parser_cls(max_event_size=16)
    assert parser.feed(b"data: a\n\n") == [Event(data="a")]
    with pytest.raises(EventTooLargeError) as info:
        parser.feed(b"data: " + b"b" * 20)
    assert info.value.events == []


def test_unterminated_huge_line_is_an_error_before_its_end_arrives(parser_cls):
    # Memory is bounded: the parser must not wait for the line end to complain.
    parser = parser_cls(max_event_size=1000)
    parser.feed(b"data: " + b"x" * 900)
    with pytest.raises(EventTooLargeError):
        parser.feed(b"x" * 200)


def test_line_at_one_byte_fragments_stays_under_the_limit_until_the_limit(parser_cls):
    limit = 300
    parser = parser_cls(max_event_size=limit)
    for _ in range(limit):  # a line of exactly `limit` bytes, one byte at a time
        assert parser.feed(b"x") == []
    with pytest.raises(EventTooLargeError) as info:
        parser.feed(b"x")
    assert info.value.limit == limit
    assert info.value.size == limit + 1


def test_line_of_exactly_max_event_size_passes(parser_cls):
    limit = 50
    line = b"data:" + b"d" * (limit - 5)
    assert len(line) == limit
    parser = parser_cls(max_event_size=limit)
    assert parser.feed(line + b"\n\n") == [Event(data="d" * (limit - 5))]
    parser = parser_cls(max_event_size=limit)
    with pytest.raises(EventTooLargeError):
        parser.feed(b"data:" + b"d" * (limit - 4) + b"\n\n")


def test_event_size_is_its_data_buffer_with_line_feeds_plus_the_line_being_read(parser_cls):
    # The data buffer of "aaaa" then "bb" is "aaaa\nbb\n" (8 bytes, as in the WHATWG
    # algorithm); the line being read counts whole. 5 + len("data:bb") = 12 fits a
    # limit of 12, 5 + len("data:bbb") = 13 does not.
    parser = parser_cls(max_event_size=12)
    assert parser.feed(b"data:aaaa\ndata:bb\n\n") == [Event(data="aaaa\nbb")]
    parser = parser_cls(max_event_size=12)
    with pytest.raises(EventTooLargeError) as info:
        parser.feed(b"data:aaaa\ndata:bbb\n\n")
    assert info.value.size == 13


def test_event_of_many_small_lines_beyond_the_limit_is_an_error(parser_cls):
    # No single line is large; the event is.
    parser = parser_cls(max_event_size=1000)
    with pytest.raises(EventTooLargeError):
        for _ in range(1000):
            parser.feed(b"data: abcdefgh\n")


def test_huge_comment_line_is_bounded_too(parser_cls):
    parser = parser_cls(max_event_size=1000)
    with pytest.raises(EventTooLargeError):
        parser.feed(b":" + b"c" * 2000 + b"\n")


def test_stream_of_small_complete_events_passes_far_beyond_max_event_size(parser_cls):
    # The limit bounds one event, not the stream.
    block = b"id: 1\nevent: tick\ndata: 0123456789\n\n"
    parser = parser_cls(max_event_size=len(block))
    stream = block * 20_000  # ~ 730 KB against a limit of 36 bytes
    events = parser.feed(stream)
    assert len(events) == 20_000
    assert events[-1] == Event(event="tick", data="0123456789", id="1")
    for i in range(0, len(stream), 7):
        events = parser.feed(stream[i : i + 7])
        assert all(event.data == "0123456789" for event in events)
    assert parser.close() is None


def test_max_event_size_validation(parser_cls):
    assert parser_cls(max_event_size=123).max_event_size == 123
    assert parser_cls().max_event_size == 64 * 1024 * 1024
    with pytest.raises(ValueError):
        parser_cls(max_event_size=0)
    with pytest.raises(ValueError):
        parser_cls(max_event_size=-1)
    for bad in (True, 1.5, "10", None):
        with pytest.raises(TypeError):
            parser_cls(max_event_size=bad)
    with pytest.raises(TypeError):
        parser_cls(1000)  # keyword only


@pytest.mark.parametrize("implementation", ["cython", "python"])
def test_the_accumulator_checks_max_event_size_as_its_parser_does(implementation):
    if implementation == "cython" and sseparse.IMPLEMENTATION != "cython":
        pytest.skip("the compiled parser is not in use")
    default = sseparse.DEFAULT_MAX_EVENT_SIZE
    acc = sseparse.Accumulator("openai-chat", implementation=implementation)
    assert acc.parser.max_event_size == default
    assert sseparse.Accumulator("openai-chat", max_event_size=123, implementation=implementation).parser.max_event_size == 123
    for bad in (float(default), True, 1.5, "10", None):  # (a float equal to the default too)
        with pytest.raises(TypeError):
            sseparse.Accumulator("openai-chat", max_event_size=bad, implementation=implementation)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        sseparse.Accumulator("openai-chat", max_event_size=0, implementation=implementation)


def test_huge_max_event_size_is_reported_as_given(parser_cls):
    assert parser_cls(max_event_size=2**70).max_event_size == 2**70


# -- floods ----------------------------------------------------------------------------------


def test_a_million_tiny_events(parser_cls):
    stream = b"data:x\n\n" * 1_000_000
    parser = parser_cls()
    events = parser.feed(stream)
    assert len(events) == 1_000_000
    assert events[0] == events[-1] == Event(data="x")
    assert parser.close() is None


def test_a_million_tiny_events_in_network_sized_fragments(parser_cls):
    stream = b"data:x\r\n\r\n" * 1_000_000
    parser = parser_cls()
    count = 0
    for i in range(0, len(stream), 1500):
        count += len(parser.feed(stream[i : i + 1500]))
    assert count == 1_000_000
    assert parser.close() is None


def test_a_hundred_thousand_comments_then_one_event(parser_cls):
    parser = parser_cls()
    assert parser.feed(b": keep-alive\n" * 100_000) == []
    assert parser.feed(b"data: a\n\n") == [Event(data="a")]


def test_long_line_at_one_byte_fragments(parser_cls):
    # 200 KB line fed byte by byte: must complete (and be correct); a quadratic
    # parser would take minutes here, but the test only checks the result.
    payload = b"x" * 200_000
    parser = parser_cls()
    assert parser.feed(b"data: ") == []
    for i in range(len(payload)):
        assert parser.feed(payload[i : i + 1]) == []
    assert parser.feed(b"\n\n") == [Event(data=payload.decode())]


def test_pure_parser_tail_never_holds_a_line_end(pure_cls):
    # The structure behind linear time: only the unterminated tail is kept, and it is
    # never searched again, which is only correct if it holds no CR or LF.
    rng = random.Random(7)
    stream = b"".join(
        rng.choice([b"data: abc\r\n", b"data: \xe2\x82\xac\r", b"\n", b"\r", b"id: 1\n", b": c\r\n", b"x"])
        for _ in range(3000)
    )
    parser = pure_cls()
    position = 0
    while position < len(stream):
        size = rng.choice([1, 1, 2, 3, 17, 100])
        parser.feed(stream[position : position + size])
        position += size
        assert b"\r" not in parser._line and b"\n" not in parser._line
        assert len(parser._line) <= parser.max_event_size


def test_pure_parser_forgets_dispatched_events(pure_cls):
    parser = pure_cls()
    parser.feed(b"data: " + b"x" * 100_000 + b"\ndata: y\n\n")
    assert parser._data == [] and parser._data_size == 0 and len(parser._line) == 0


# -- wrong types, wrong order ----------------------------------------------------------------


def test_feed_str_is_a_type_error(parser_cls):
    parser = parser_cls()
    with pytest.raises(TypeError, match="bytes"):
        parser.feed("data: x\n\n")
    # a wrong argument is not fatal
    assert parser.feed(b"data: x\n\n") == [Event(data="x")]


@pytest.mark.parametrize("bad", [None, 5, 0, [100, 97], (1,), object()], ids=["none", "int", "zero", "list", "tuple", "object"])
@pytest.mark.parametrize("after_first_fragment", [False, True], ids=["first", "later"])
def test_feed_non_bytes_is_a_type_error(parser_cls, bad, after_first_fragment):
    # bytes(5) is five NUL bytes and bytes([100, 97]) is b"da": neither may be
    # mistaken for stream input, on the first call or any other.
    parser = parser_cls()
    if after_first_fragment:
        parser.feed(b"data: a\n")
    with pytest.raises(TypeError):
        parser.feed(bad)


def test_feed_other_buffer_objects(parser_cls):
    parser = parser_cls()
    assert parser.feed(array.array("B", b"data: a\n\n")) == [Event(data="a")]


@pytest.mark.parametrize("after_first_fragment", [False, True], ids=["first", "later"])
def test_feed_non_contiguous_memoryview(parser_cls, after_first_fragment):
    parser = parser_cls()
    if after_first_fragment:
        assert parser.feed(b": hi\n") == []
    view = memoryview(b"dxaxtxax:x xax\nx\nx")[::2]
    assert parser.feed(view) == [Event(data="a")]


def test_feeding_after_close_raises_parser_closed_error(parser_cls):
    parser = parser_cls()
    parser.feed(b"data: a\n\n")
    assert parser.close() is None
    with pytest.raises(ParserClosedError):
        parser.feed(b"data: b\n\n")
    with pytest.raises(ParserClosedError):
        parser.feed(b"")
    assert parser.close() is None


def test_closed_property(parser_cls):
    parser = parser_cls()
    assert not parser.closed
    parser.close()
    assert parser.closed


def test_state_survives_after_close(parser_cls):
    parser = parser_cls()
    parser.feed(b"id: 3\nretry: 10\ndata: a\n\n")
    parser.close()
    assert (parser.last_event_id, parser.retry) == ("3", 10)


def test_parsers_are_independent(parser_cls):
    a, b = parser_cls(), parser_cls()
    a.feed(b"id: 1\ndata: x")
    assert b.feed(b"data: y\n\n") == [Event(data="y")]
    assert a.feed(b"\n\n") == [Event(data="x", id="1")]
    assert b.last_event_id == ""
