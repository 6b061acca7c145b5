"""The event drivers ``iter_events`` / ``aiter_events`` and the public names.

Async tests use ``asyncio.run``: no pytest plugin needed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import pytest

import sseparse
from sseparse import (
    Event,
    EventTooLargeError,
    IncompleteEvent,
    IncompleteStreamError,
    SseparseError,
    aiter_events,
    iter_events,
)

STREAM = "id: 1\nevent: greet\ndata: héllo\n\ndata: a\r\ndata: b\r\n\r\nretry: 10\ndata: 🎉\r\r".encode()
EVENTS = [
    Event(event="greet", data="héllo", id="1"),
    Event(data="a\nb", id="1"),
    Event(data="🎉", id="1", retry=10),
]
CUT = b"data: done\n\nevent: partial\nid: 9\ndata: hal"


def pieces(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


async def agen(fragments: Iterable[bytes | bytearray | memoryview]) -> AsyncIterator[bytes | bytearray | memoryview]:
    for fragment in fragments:
        await asyncio.sleep(0)
        yield fragment


def alist(fragments, **kwargs) -> list[Event]:
    async def collect() -> list[Event]:
        return [event async for event in aiter_events(agen(fragments), **kwargs)]

    return asyncio.run(collect())


# -- iter_events -------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 2, 5, 1000])
def test_iter_events_on_a_list_of_fragments(size):
    assert list(iter_events(pieces(STREAM, size))) == EVENTS


def test_iter_events_on_a_generator():
    assert list(iter_events(fragment for fragment in pieces(STREAM, 3))) == EVENTS


def test_iter_events_on_bytes_like_fragments():
    fragments = [bytearray(f) if i % 2 else memoryview(f) for i, f in enumerate(pieces(STREAM, 4))]
    assert list(iter_events(fragments)) == EVENTS


def test_iter_events_on_no_fragments():
    assert list(iter_events([])) == []
    assert list(iter_events([b"", b""])) == []


def test_iter_events_yields_each_event_as_soon_as_its_fragment_arrives():
    pulled: list[int] = []

    def fragments():
        for i, fragment in enumerate([b"data: 1\n", b"\n", b"data: 2\n\n", b"data: 3\n\n"]):
            pulled.append(i)
            yield fragment

    events = iter_events(fragments())
    assert next(events) == Event(data="1")
    assert pulled == [0, 1]
    assert next(events) == Event(data="2")
    assert pulled == [0, 1, 2]


def test_iter_events_cut_stream_raises_incomplete_stream_error_after_the_complete_events():
    events = []
    with pytest.raises(IncompleteStreamError) as info:
        for event in iter_events(pieces(CUT, 4)):
            events.append(event)
    assert events == [Event(data="done")]
    assert info.value.pending == IncompleteEvent(event="partial", data="hal", id="9", has_data=True)
    assert isinstance(info.value, SseparseError)
    assert "partial" in str(info.value)


def test_iter_events_raise_is_the_default():
    with pytest.raises(IncompleteStreamError):
        list(iter_events([b"data: x"]))


def test_iter_events_on_incomplete_ignore_drops_the_cut_event():
    assert list(iter_events(pieces(CUT, 4), on_incomplete="ignore")) == [Event(data="done")]


def test_iter_events_on_incomplete_dispatch_yields_the_cut_event():
    assert list(iter_events(pieces(CUT, 4), on_incomplete="dispatch")) == [
        Event(data="done"),
        Event(event="partial", data="hal", id="9"),
    ]


def test_iter_events_dispatch_of_a_cut_block_without_data_yields_nothing():
    # Dispatching it "as if terminated" gives nothing: its data buffer is empty.
    assert list(iter_events([b"data: a\n\nevent: x\nid: 2\n"], on_incomplete="dispatch")) == [Event(data="a")]


def test_iter_events_dispatch_of_a_cut_event_with_empty_data_line():
    terminated = list(iter_events([b"data\n\n"]))
    assert terminated == [Event(data="")]
    assert list(iter_events([b"data\n"], on_incomplete="dispatch")) == terminated


def test_iter_events_complete_stream_with_trailing_comment_is_not_cut():
    assert list(iter_events([b"data: a\n\n: bye"])) == [Event(data="a")]


def test_iter_events_invalid_on_incomplete_is_a_value_error():
    with pytest.raises(ValueError, match="on_incomplete"):
        list(iter_events([b"data: a\n\n"], on_incomplete="drop"))  # type: ignore[arg-type]


def test_iter_events_max_event_size_is_passed_on():
    with pytest.raises(EventTooLargeError) as info:
        list(iter_events([b"data: " + b"x" * 100 + b"\n\n"], max_event_size=50))
    assert info.value.limit == 50
    assert list(iter_events([b"data: " + b"x" * 40 + b"\n\n"], max_event_size=50)) == [Event(data="x" * 40)]


def test_iter_events_transport_error_propagates():
    def fragments():
        yield b"data: a\n\n"
        raise ConnectionResetError("peer went away")

    events = iter_events(fragments())
    assert next(events) == Event(data="a")
    with pytest.raises(ConnectionResetError):
        next(events)


def test_iter_events_str_fragment_is_a_type_error():
    with pytest.raises(TypeError):
        list(iter_events(["data: a\n\n"]))  # type: ignore[list-item]


# -- aiter_events ------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 3, 1000])
def test_aiter_events_on_an_async_generator(size):
    assert alist(pieces(STREAM, size)) == EVENTS


def test_aiter_events_on_bytes_like_fragments():
    assert alist([bytearray(f) if i % 2 else memoryview(f) for i, f in enumerate(pieces(STREAM, 4))]) == EVENTS


def test_aiter_events_cut_stream_raises_with_pending():
    events: list[Event] = []

    async def collect() -> None:
        async for event in aiter_events(agen(pieces(CUT, 5))):
            events.append(event)

    with pytest.raises(IncompleteStreamError) as info:
        asyncio.run(collect())
    assert events == [Event(data="done")]
    assert info.value.pending == IncompleteEvent(event="partial", data="hal", id="9", has_data=True)


def test_aiter_events_on_incomplete_ignore_and_dispatch():
    assert alist(pieces(CUT, 5), on_incomplete="ignore") == [Event(data="done")]
    assert alist(pieces(CUT, 5), on_incomplete="dispatch") == [
        Event(data="done"),
        Event(event="partial", data="hal", id="9"),
    ]


def test_aiter_events_invalid_on_incomplete_is_a_value_error():
    with pytest.raises(ValueError, match="on_incomplete"):
        alist([b"data: a\n\n"], on_incomplete="nope")


def test_aiter_events_max_event_size_is_passed_on():
    with pytest.raises(EventTooLargeError):
        alist([b"data: " + b"x" * 100 + b"\n\n"], max_event_size=50)


def test_aiter_events_equals_iter_events_on_every_fragmentation():
    for size in range(1, 12):
        assert alist(pieces(STREAM, size)) == list(iter_events(pieces(STREAM, size)))


# -- the public names the contract promises --------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "EventParser",
        "Event",
        "IncompleteEvent",
        "IMPLEMENTATION",
        "iter_events",
        "aiter_events",
        "accumulate",
        "Completion",
        "ToolCall",
        "SseparseError",
        "EventTooLargeError",
        "ParserClosedError",
        "IncompleteStreamError",
    ],
)
def test_public_name_exists(name):
    assert hasattr(sseparse, name)
    assert name in sseparse.__all__


def test_everything_in_all_exists():
    missing = [name for name in sseparse.__all__ if not hasattr(sseparse, name)]
    assert missing == []


def test_errors_share_one_base():
    for name in ("EventTooLargeError", "ParserClosedError", "IncompleteStreamError"):
        assert issubclass(getattr(sseparse, name), sseparse.SseparseError)
    assert issubclass(sseparse.SseparseError, Exception)


def test_implementation_names_the_parser_in_use():
    assert sseparse.IMPLEMENTATION in ("cython", "python")
    module = {"cython": "sseparse._framing_c", "python": "sseparse._framing_py"}[sseparse.IMPLEMENTATION]
    assert sseparse.EventParser.__module__ == module


def test_event_fields_and_defaults():
    event = Event()
    assert (event.event, event.data, event.id, event.retry) == ("message", "", "", None)
    assert Event(data="x").to_dict() == {"event": "message", "data": "x", "id": "", "retry": None}
    assert Event(data='{"a": [1]}').json() == {"a": [1]}


# -- sharp edges: a whole body, text, early stops, a body that is no stream -------------

CHAT = (
    b'data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\n'
    b'data: {"id":"c","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n'
    b"data: [DONE]\n\n"
)


@pytest.mark.parametrize("wrap", [bytes, bytearray, memoryview])
def test_a_bytes_like_body_is_one_fragment_in_every_driver(wrap: type) -> None:
    body = wrap(CHAT)
    assert sseparse.accumulate(body).content == "Hi"
    assert [e.data for e in iter_events(wrap(STREAM))] == [e.data for e in EVENTS]
    assert [d.text for d in sseparse.iter_deltas(body) if isinstance(d, sseparse.TextDelta)] == ["Hi"]

    async def main() -> tuple[Any, list[Event], list[Any]]:
        completion = await sseparse.aaccumulate(body)
        events = [e async for e in aiter_events(wrap(STREAM))]
        deltas = [d async for d in sseparse.aiter_deltas(body)]
        return completion, events, deltas

    completion, events, deltas = asyncio.run(main())
    assert completion.complete and completion.content == "Hi"
    assert events == EVENTS
    assert any(isinstance(d, sseparse.TextDelta) for d in deltas)


@pytest.mark.parametrize(
    "call",
    [
        lambda text: sseparse.accumulate(text),
        lambda text: list(iter_events(text)),
        lambda text: list(sseparse.iter_deltas(text)),
        lambda text: asyncio.run(sseparse.aaccumulate(text)),
    ],
    ids=["accumulate", "iter_events", "iter_deltas", "aaccumulate"],
)
def test_text_instead_of_bytes_is_refused_by_name(call: Any) -> None:
    with pytest.raises(sseparse.InputTypeError, match="takes bytes, not str"):
        call(CHAT.decode())


def test_delta_stream_close_stops_it_and_keeps_the_completion() -> None:
    closed: list[bool] = []

    def body() -> Iterator[bytes]:
        try:
            yield from pieces(CHAT, 10)
        finally:
            closed.append(True)

    with sseparse.iter_deltas(body()) as stream:
        first = next(iter(stream))
    assert isinstance(first, sseparse.MetadataDelta | sseparse.TextDelta)
    assert closed == [True]
    assert not stream.completion.complete
    stream.close()  # idempotent


def test_async_delta_stream_works_with_aclosing() -> None:
    closed: list[bool] = []

    async def body() -> AsyncIterator[bytes]:
        try:
            for piece in pieces(CHAT, 10):
                yield piece
        finally:
            closed.append(True)

    async def main() -> None:
        async with contextlib.aclosing(sseparse.aiter_deltas(body())) as stream:
            async for _ in stream:
                break
        async with sseparse.aiter_deltas(body()) as other:
            async for _ in other:
                break

    asyncio.run(main())
    assert closed == [True, True]


@pytest.mark.parametrize(
    "body",
    [b"<!DOCTYPE html>\n<html><body>502 Bad Gateway</body></html>\n", b'{"error": {"message": "overloaded"}}'],
    ids=["html", "json"],
)
@pytest.mark.parametrize("dialect", ["anthropic", "openai-chat", "auto"])
def test_a_body_that_is_no_sse_stream_is_named_so(body: bytes, dialect: str, implementation: str) -> None:
    acc = sseparse.Accumulator(dialect, implementation=implementation)
    acc.feed(body)
    completion = acc.close()
    assert not completion.complete
    assert completion.error is not None
    assert "not an SSE stream" in completion.error["message"]
    assert "middle of an event" not in completion.error["message"]


def test_a_real_stream_cut_inside_an_event_still_says_so() -> None:
    completion = sseparse.accumulate([CHAT[:100]], dialect="openai-chat")
    assert completion.error is not None and "in the middle of an event" in completion.error["message"]
