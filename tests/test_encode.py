"""``encode_event`` is the exact inverse of the parser, on both implementations (of
the encoder, fixture ``encode``: ids ``c`` / ``py``, and of the parser).

Round trip: the bytes it writes, parsed (whole and one byte at a time), give back
the data (line ends as LF), the event name and the id; every value it refuses
raises ``EncodeError``, which is both a ``ValueError`` and a ``SseparseError``.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sseparse
from sseparse import EncodeError
from sseparse._encode_py import encode_event as pure_encode

from conftest import extensions_required


@pytest.fixture(scope="module", params=["c", "py"])
def encode(request: pytest.FixtureRequest) -> Any:
    """``encode_event`` of one implementation: ``c`` (compiled) or ``py`` (pure)."""
    if request.param == "py":
        return pure_encode
    try:
        from sseparse._encode_c import encode_event as compiled
    except ImportError as exc:
        if extensions_required():
            pytest.fail(f"the compiled encoder was not built: {exc}", pytrace=False)
        pytest.skip(f"the compiled encoder was not built: {exc}")
    return compiled

# Any text, with the line ends (and leading spaces) the encoder must take care of
# drawn often enough to matter.
_PIECES = st.sampled_from(["\r\n", "\n", "\r", " ", "  ", "\r\r\n", ":", "data: x", "\ufeff", "\0"])
texts = st.lists(st.one_of(st.text(), _PIECES), max_size=8).map("".join)
names = st.text().filter(lambda s: "\r" not in s and "\n" not in s)
ids = names.filter(lambda s: "\0" not in s)


def parse(parser_cls: type, data: bytes, *, bytewise: bool = False) -> list[sseparse.Event]:
    parser = parser_cls()
    if bytewise:
        events = [event for i in range(len(data)) for event in parser.feed(data[i : i + 1])]
    else:
        events = parser.feed(data)
    assert parser.close() is None  # every block ends with its blank line
    return events


def expected_data(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@settings(max_examples=300)
@given(data=texts)
def test_data_round_trips(encode: Any, parser_cls: type, data: str) -> None:
    encoded = encode(data)
    for bytewise in (False, True):
        (event,) = parse(parser_cls, encoded, bytewise=bytewise)
        assert event.data == expected_data(data)
        assert event.event == "message"


@settings(max_examples=300)
@given(data=texts, event=st.none() | names, id=st.none() | ids, retry=st.none() | st.integers(0, 10**12),
       comment=st.none() | texts)
def test_every_field_round_trips(
    encode: Any, parser_cls: type, data: str, event: str | None, id: str | None, retry: int | None, comment: str | None
) -> None:
    parser = parser_cls()
    (parsed,) = parser.feed(encode(data, event=event, id=id, retry=retry, comment=comment))
    assert parsed.data == expected_data(data)
    assert parsed.event == (event or "message")  # an empty name is the default type
    assert parsed.id == (id or "")
    assert parsed.retry == retry
    assert parser.last_event_id == (id or "")


@given(events=st.lists(st.tuples(texts, st.none() | names, st.none() | ids), max_size=6))
def test_a_sequence_of_blocks_parses_to_the_same_events(encode: Any, parser_cls: type, events: list[Any]) -> None:
    stream = b"".join(encode(data, event=event, id=id) for data, event, id in events)
    parsed = parse(parser_cls, stream)
    assert [(e.data, e.event) for e in parsed] == [(expected_data(d), n or "message") for d, n, _ in events]


def test_a_value_starting_with_a_space_keeps_it(encode: Any, parser_cls: type) -> None:
    (event,) = parse(parser_cls, encode(" x", event=" e", id=" 1"))
    assert (event.data, event.event, event.id) == (" x", " e", " 1")


def test_empty_data_still_dispatches(encode: Any, parser_cls: type) -> None:
    assert encode("") == b"data: \n\n"
    (event,) = parse(parser_cls, encode(""))
    assert event.data == ""


def test_only_line_ends_give_empty_lines(encode: Any, parser_cls: type) -> None:
    (event,) = parse(parser_cls, encode("\r\n\n\r"))
    assert event.data == "\n\n\n"


def test_the_common_case_is_one_line(encode: Any) -> None:
    assert encode('{"a": 1}') == b'data: {"a": 1}\n\n'
    assert encode("é") == "data: é\n\n".encode()


def test_comments_are_keep_alives_and_dispatch_nothing(encode: Any, parser_cls: type) -> None:
    assert encode(comment="") == b":\n\n"
    assert encode(comment="keep-alive") == b": keep-alive\n\n"
    assert encode(comment="two\nlines\r\nthree") == b": two\n: lines\n: three\n\n"
    assert parse(parser_cls, encode(comment="a\nb")) == []


def test_a_comment_with_data_is_written_before_it(encode: Any, parser_cls: type) -> None:
    encoded = encode("x", comment="c")
    assert encoded == b": c\ndata: x\n\n"
    assert [e.data for e in parse(parser_cls, encoded)] == ["x"]


def test_nothing_is_nothing(encode: Any) -> None:
    assert encode() == b""


def test_id_and_retry_alone_set_the_parser_state(encode: Any, parser_cls: type) -> None:
    parser = parser_cls()
    assert parser.feed(encode(id="42", retry=3000)) == []
    assert (parser.last_event_id, parser.retry) == ("42", 3000)


def test_an_empty_id_resets_the_last_event_id(encode: Any, parser_cls: type) -> None:
    parser = parser_cls()
    parser.feed(encode("a", id="7") + encode("b", id=""))
    assert parser.last_event_id == ""


@pytest.mark.parametrize(
    "kwargs",
    [
        {"event": "a\nb"},
        {"event": "a\rb"},
        {"event": "\r\n"},
        {"id": "1\n"},
        {"id": "\r1"},
        {"id": "a\0b"},
        {"retry": -1},
        {"retry": True},
        {"retry": False},
        {"retry": 1.5},
        {"retry": "10"},
    ],
    ids=lambda kwargs: repr(kwargs),
)
def test_what_cannot_be_encoded_raises_encode_error(encode: Any, kwargs: dict[str, Any]) -> None:
    with pytest.raises(EncodeError) as info:
        encode("x", **kwargs)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, sseparse.SseparseError)


@pytest.mark.parametrize("kwargs", [{"data": "\ud800"}, {"data": "a\nb\udfff"}, {"data": "x", "event": "\ud800"}])
def test_a_lone_surrogate_raises_encode_error(encode: Any, kwargs: dict[str, Any]) -> None:
    with pytest.raises(EncodeError):
        encode(**kwargs)


@pytest.mark.parametrize("kwargs", [{"data": b"x"}, {"data": 1}, {"event": 1}, {"id": b"1"}, {"comment": 2}])
def test_a_value_that_is_not_text_raises_encode_error(encode: Any, kwargs: dict[str, Any]) -> None:
    with pytest.raises(EncodeError):
        encode(**kwargs)


def test_the_error_message_quotes_a_short_prefix(encode: Any) -> None:
    with pytest.raises(EncodeError) as info:
        encode("x", event="a" * 10_000 + "\n")
    assert len(str(info.value)) < 200


def test_sseparse_encode_event_is_the_compiled_one_when_the_parser_is() -> None:
    if sseparse.IMPLEMENTATION == "cython":
        from sseparse._encode_c import encode_event as compiled

        assert sseparse.encode_event is compiled
    else:
        assert sseparse.encode_event is pure_encode


@settings(max_examples=300)
@given(data=st.one_of(texts, st.text(alphabet=st.characters(codec="utf-8")), st.just("a\0b")))
def test_both_implementations_write_the_same_bytes(encode: Any, data: str) -> None:
    assert encode(data) == pure_encode(data)
