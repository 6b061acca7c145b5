"""Differential property tests: compiled == pure == one-shot, on random streams.

Streams are built from SSE-ish pieces (field names, colons, spaces, every line
ending, NUL, BOM, invalid UTF-8, multi-byte characters) mixed with raw random bytes,
then cut at random points. For each stream:

- the compiled and the pure parser, fed the very same fragments, agree on everything
  (events, error type and message, ``close()`` result, ``last_event_id``, ``retry``);
- each of them gives, on the cut stream, what it gives on the one-shot stream;
- a small ``max_event_size`` is drawn often, so that the limit error is compared too.

These tests need the compiled parser: without it they skip, or fail under CI (see
``conftest``).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sseparse._framing_py import DEFAULT_MAX_EVENT_SIZE

SETTINGS = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Repetition is weighting: most lines should be fields that mean something.
NAMES = [b"data"] * 8 + [b"event", b"id", b"retry"] * 2 + [b"", b"Data", b"dat", b"foo", b" data", b"\xef\xbb\xbfdata"]
SEPARATORS = [b": "] * 4 + [b":", b":", b":  ", b"", b"::", b":\t"]
VALUES = [b"x", b"hello", b"42", b"1500"] * 3 + [
    b"", b"x", b"hello", b"0", b"1500", b"007", b"9" * 20, b"-1", b"1a", b"[DONE]", b'{"a": 1}',
    "١٢".encode(), "€".encode(), "🎉".encode(), "ü".encode(), b"a\x00b", b"\x00",
    b"\xff", b"\xe2\x82", b"\xac", b"\xc0\xaf", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"x" * 40,
]
ENDINGS = [b"\n", b"\n", b"\r\n", b"\r"]
# Pieces that may land anywhere, including inside a line or between CR and LF.
NOISE = [b"\n", b"\r", b"\r\n", b"\n\r", b"\x00", b":", b" ", b"\xef\xbb\xbf", b"\xef\xbb", b"\xef", b"\xff", b"\xe2\x82"]

field_line = st.builds(
    lambda name, sep, value, end: name + sep + value + end,
    st.sampled_from(NAMES),
    st.sampled_from(SEPARATORS),
    st.lists(st.sampled_from(VALUES), max_size=3).map(b"".join),
    st.sampled_from(ENDINGS),
)
# Well-formed lines that set each piece of state, so that typed events, ids and retry
# values are common rather than lucky.
common_line = st.sampled_from(
    [b"retry: 1500\n", b"retry:0\r\n", b"event: add\n", b"event: ping\r", b"id: 7\n", b"id: 8\r\n", b"id\n"]
    + [b"id: 9\x00\n", b"retry: 1\x002\n"]
    + [b"data: x\n", b'data: {"a": 1}\r\n', "data: ü€🎉\r".encode()]
)
comment_line = st.builds(lambda text, end: b":" + text + end, st.sampled_from(VALUES), st.sampled_from(ENDINGS))
blank_line = st.sampled_from(ENDINGS)
noise = st.one_of(st.sampled_from(NOISE), st.binary(min_size=1, max_size=6))

block = st.builds(
    lambda lines, end: b"".join(lines) + end,
    st.lists(st.one_of(*[field_line] * 4, *[common_line] * 4, comment_line, noise), min_size=1, max_size=5),
    blank_line,
)
tail = st.one_of(st.just(b""), st.just(b""), field_line.map(lambda line: line.rstrip(b"\r\n")), noise)

streams = st.one_of(
    # mostly event blocks, as a server sends them, with noise inside
    st.tuples(
        st.sampled_from([b""] * 6 + [b"\xef\xbb\xbf", b"\xef\xbb"]),  # what the stream starts with
        st.lists(block, min_size=1, max_size=8).map(b"".join),
        tail,
    ).map(b"".join),
    # and anything: lines, noise and raw bytes in any order
    st.lists(st.one_of(field_line, common_line, blank_line, comment_line, noise), max_size=30).map(b"".join),
)


@st.composite
def cut_streams(draw):
    """A stream and the fragments it is cut into; cuts right after a CR or inside a
    multi-byte character are favoured, since that is where parsers go wrong."""
    data = draw(streams)
    tricky = [i + 1 for i, byte in enumerate(data) if byte == 0x0D or byte >= 0x80]
    point = st.integers(0, len(data))
    if tricky:
        point = st.one_of(point, st.sampled_from(tricky))
    points = draw(st.lists(point, max_size=8))
    bounds = [0, *sorted(points), len(data)]
    return data, [data[a:b] for a, b in zip(bounds, bounds[1:])]


limits = st.one_of(st.just(DEFAULT_MAX_EVENT_SIZE), st.just(DEFAULT_MAX_EVENT_SIZE), st.integers(1, 64))


def _agree(run, compiled_cls, pure_cls, data, fragments, limit):
    c_split = run(compiled_cls, fragments, max_event_size=limit)
    py_split = run(pure_cls, fragments, max_event_size=limit)
    assert c_split == py_split, f"c and py disagree on {fragments!r} (max_event_size={limit})"
    assert c_split.error_message == py_split.error_message, f"error messages differ on {fragments!r}"
    c_whole = run(compiled_cls, [data], max_event_size=limit)
    py_whole = run(pure_cls, [data], max_event_size=limit)
    assert c_whole == py_whole, f"c and py disagree on {data!r} (max_event_size={limit})"
    assert c_whole.error_message == py_whole.error_message, f"error messages differ on {data!r}"
    assert c_split == c_whole, f"cutting changes the result: {fragments!r} (max_event_size={limit})"
    assert py_split == py_whole


@SETTINGS
@given(cut_streams(), limits)
def test_compiled_equals_pure_equals_one_shot(run, compiled_cls, pure_cls, stream, limit):
    data, fragments = stream
    _agree(run, compiled_cls, pure_cls, data, fragments, limit)


@SETTINGS
@given(streams, limits)
def test_compiled_equals_pure_byte_by_byte(run, compiled_cls, pure_cls, data, limit):
    _agree(run, compiled_cls, pure_cls, data, [data[i : i + 1] for i in range(len(data))], limit)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.lists(st.integers(0, 300), max_size=6), limits)
def test_compiled_equals_pure_on_raw_bytes(run, compiled_cls, pure_cls, data, points, limit):
    bounds = [0, *sorted(min(p, len(data)) for p in points), len(data)]
    _agree(run, compiled_cls, pure_cls, data, [data[a:b] for a, b in zip(bounds, bounds[1:])], limit)


@settings(max_examples=200, deadline=None)
@given(cut_streams())
def test_compiled_equals_pure_on_bytes_like_fragments(run, compiled_cls, pure_cls, stream):
    data, fragments = stream
    expected = run(pure_cls, [data])
    for wrap in (bytearray, memoryview):
        assert run(compiled_cls, [wrap(f) for f in fragments]) == expected
        assert run(pure_cls, [wrap(f) for f in fragments]) == expected


@settings(max_examples=200, deadline=None)
@given(cut_streams(), limits)
def test_state_after_each_fragment_agrees(compiled_cls, pure_cls, stream, limit):
    # Not only the end result: after every fragment both parsers have returned the
    # same events and expose the same last_event_id and retry.
    _, fragments = stream
    c, py = compiled_cls(max_event_size=limit), pure_cls(max_event_size=limit)
    for fragment in fragments:
        results = []
        for parser in (c, py):
            try:
                results.append(("ok", parser.feed(fragment)))
            except Exception as exc:  # compared, then re-checked below
                results.append((type(exc).__name__, getattr(exc, "events", None)))
        assert results[0] == results[1], f"after {fragment!r} of {fragments!r}"
        assert (c.last_event_id, c.retry, c.closed) == (py.last_event_id, py.retry, py.closed)
        if results[0][0] != "ok":
            assert results[0][0] == "EventTooLargeError"
            break
