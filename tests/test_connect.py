"""``sseparse.httpx`` and ``sseparse.aiohttp``: the connect helpers against the real local server.

Each case runs on the three clients (httpx sync, httpx async, aiohttp). The server cuts
connections inside events (half an event, inside a UTF-8 character, between CR and LF)
and resumes after ``Last-Event-ID``; every event must come out once, in order, with
the non-ASCII ids as sent. Error answers (500 with JSON, a page that is not a stream,
204) and a cut POST (reported, never sent again) are pinned, and so is what a
``break`` leaves behind: no open connection, and a resumed stream where it stopped.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import sseparse
from sseparse import Event, IncompleteStreamError, ReconnectPolicy, ResponseError

HERE = Path(__file__).resolve().parent


import sse_server as sse  # noqa: E402  (tests/ is on sys.path: see conftest)
ServerEvent = sse.ServerEvent
httpx = sse.require_client("httpx")
aiohttp = sse.require_client("aiohttp")
import sseparse.aiohttp  # noqa: E402  (after the client checks above)
import sseparse.httpx  # noqa: E402

FAST = ReconnectPolicy(initial_delay=0.0, jitter=0.0, max_attempts=5)
CLIENTS = ["httpx", "httpx-async", "aiohttp"]

EVENTS = [
    ServerEvent("Grüß Gott", id="café-1"),
    ServerEvent("東京 🏔️", id="東京-2", event="delta"),
    ServerEvent("multi\nline ü", id="3-ü"),
    ServerEvent("ça va", id="🏔️-4"),
    ServerEvent("done é", id="5"),
]


@pytest.fixture(scope="module")
def server() -> Any:
    with sse.SSEServer() as running:
        yield running


def read(kind: str, url: str, *, method: str = "GET", how: str = "events", **kwargs: Any) -> Any:
    """Open ``url`` with client ``kind`` and read it: the events as tuples, or the
    ``Completion`` (``how="accumulate"``), or the deltas and completion (``"deltas"``)."""
    kwargs.setdefault("policy", FAST)

    def take(items: list[Event]) -> list[tuple[str, str, str]]:
        return [(e.event, e.data, e.id) for e in items]

    if kind == "httpx":
        with httpx.Client(timeout=10) as client, sseparse.httpx.connect_sse(client, method, url, **kwargs) as source:
            if how == "accumulate":
                return source.accumulate()
            if how == "deltas":
                stream = source.iter_deltas()
                return list(stream), stream.completion
            return take(list(source.iter_events()))

    async def main() -> Any:
        if kind == "httpx-async":
            async with httpx.AsyncClient(timeout=10) as client:
                async with sseparse.httpx.aconnect_sse(client, method, url, **kwargs) as source:
                    return await use(source)
        async with aiohttp.ClientSession() as session:
            async with sseparse.aiohttp.connect_sse(session, method, url, **kwargs) as source:
                return await use(source)

    async def use(source: Any) -> Any:
        if how == "accumulate":
            return await source.aaccumulate()
        if how == "deltas":
            stream = source.aiter_deltas()
            return [d async for d in stream], stream.completion
        return take([e async for e in source.aiter_events()])

    return asyncio.run(main())


def expected(events: list[Any]) -> list[tuple[str, str, str]]:
    return [(event, data, id) for event, data, id, _ in sse.expected_events(events)]


def block(event: Any, line_end: str = "\n") -> bytes:
    return sse.encode([event], line_end=line_end)[0]


# -- every event once, in order, across disconnects ------------------------------------


@pytest.mark.parametrize("kind", CLIENTS)
@pytest.mark.parametrize("chunks", ["whole", "bytes", "random"])
def test_every_event_once_in_order_across_disconnects_inside_events(server: Any, kind: str, chunks: str) -> None:
    stream = sse.Stream(EVENTS, chunks=chunks, cuts=[1, 0, 2])
    url = server.add(stream)
    assert read(kind, url) == expected(EVENTS)
    sent = [r.last_event_id for r in stream.requests]
    # cut in event 2, then in event 2 again (0 whole), then after two more: 4 connections and a 204
    assert sent == [None, "café-1", "café-1", "3-ü", "5"]


@pytest.mark.parametrize("kind", CLIENTS)
def test_a_cut_inside_a_utf8_character_resumes_with_the_whole_event(server: Any, kind: str) -> None:
    inside = block(EVENTS[1]).index("東".encode()) + 1  # one byte of a three-byte character
    stream = sse.Stream(EVENTS, chunks="bytes", cuts=[1], cut_inside=[inside])
    url = server.add(stream)
    assert read(kind, url) == expected(EVENTS)
    assert [r.last_event_id for r in stream.requests] == [None, "café-1", "5"]


@pytest.mark.parametrize("kind", CLIENTS)
def test_a_cut_between_cr_and_lf_does_not_count_the_lf_twice(server: Any, kind: str) -> None:
    # the block of event 3 (index 2) cut right after the CR ending its first data line
    raw = block(EVENTS[2], "\r\n")
    inside = raw.index(b"\r", raw.index(b"data:")) + 1
    stream = sse.Stream(EVENTS, line_end="\r\n", cuts=[2], cut_inside=[inside])
    url = server.add(stream)
    assert read(kind, url) == expected(EVENTS)
    assert [r.last_event_id for r in stream.requests] == [None, "東京-2", "5"]


@pytest.mark.parametrize("kind", CLIENTS)
def test_the_id_is_resent_as_its_utf8_bytes(server: Any, kind: str) -> None:
    stream = sse.Stream(EVENTS[:1])
    url = server.add(stream)
    assert read(kind, url) == expected(EVENTS[:1])
    assert stream.requests[1].last_event_id == "café-1"  # the server read UTF-8 bytes back


@pytest.mark.parametrize("kind", CLIENTS)
def test_last_event_id_argument_resumes_a_saved_position(server: Any, kind: str) -> None:
    stream = sse.Stream(EVENTS)
    url = server.add(stream)
    assert read(kind, url, last_event_id="3-ü") == expected(EVENTS)[3:]
    assert stream.requests[0].last_event_id == "3-ü"


@pytest.mark.parametrize("kind", CLIENTS)
def test_accept_and_cache_control_are_sent_and_caller_headers_kept(server: Any, kind: str) -> None:
    stream = sse.Stream(EVENTS[:1])
    url = server.add(stream)
    read(kind, url, headers={"X-Token": "t", "Accept": "text/event-stream, application/json"})
    first = stream.requests[0].headers
    assert first["x-token"] == "t" and first["cache-control"] == "no-cache"
    assert first["accept"] == "text/event-stream, application/json"


# -- answers that are not streams ------------------------------------------------------


@pytest.mark.parametrize("kind", CLIENTS)
def test_an_error_status_raises_with_the_json_body_start(server: Any, kind: str) -> None:
    error = {"error": {"message": "model overloaded", "type": "overloaded_error"}}
    url = server.add(sse.Stream(status=500, content_type="application/json", error_body=error))
    with pytest.raises(ResponseError) as info:
        read(kind, url)
    exc = info.value
    assert exc.status == 500 and exc.content_type == "application/json"
    assert b"model overloaded" in exc.body
    assert "HTTP 500" in str(exc) and "model overloaded" in str(exc) and "application/json" in str(exc)


@pytest.mark.parametrize("kind", CLIENTS)
def test_a_page_that_is_not_a_stream_raises_naming_its_content_type(server: Any, kind: str) -> None:
    url = server.add(sse.Stream(EVENTS, content_type="text/html; charset=utf-8"))
    with pytest.raises(ResponseError) as info:
        read(kind, url)
    assert info.value.status == 200 and "text/html" in str(info.value)
    assert b"data: Gr" in info.value.body


@pytest.mark.parametrize("kind", CLIENTS)
def test_204_at_once_is_an_empty_stream(server: Any, kind: str) -> None:
    url = server.add(sse.Stream(status=204, content_type="text/plain", error_body=""))
    assert read(kind, url) == []


@pytest.mark.parametrize("kind", CLIENTS)
def test_a_retry_status_is_retried_then_reported(server: Any, kind: str) -> None:
    stream = sse.Stream(status=503, content_type="application/json", retry_after="0")
    url = server.add(stream)
    policy = ReconnectPolicy(initial_delay=0.0, jitter=0.0, max_attempts=2, retry_statuses={503})
    with pytest.raises(ResponseError) as info:
        read(kind, url, policy=policy)
    assert info.value.status == 503
    assert len(stream.requests) == 3  # the first request and two retries


# -- requests that are not repeated ----------------------------------------------------


@pytest.mark.parametrize("kind", CLIENTS)
def test_a_cut_post_is_reported_and_never_sent_again(server: Any, kind: str) -> None:
    stream = sse.Stream(EVENTS, cuts=[2])
    url = server.add(stream)
    with pytest.raises(IncompleteStreamError) as info:
        read(kind, url, method="POST", json={"prompt": "hi"})
    assert info.value.pending is not None and "multi".startswith(info.value.pending.data)
    assert len(stream.requests) == 1 and stream.requests[0].method == "POST"
    assert "Last-Event-ID" not in str(stream.requests[0].headers)


@pytest.mark.parametrize("kind", CLIENTS)
def test_a_post_that_ends_is_the_end(server: Any, kind: str) -> None:
    stream = sse.Stream(EVENTS)
    url = server.add(stream)
    assert read(kind, url, method="POST", json={}) == expected(EVENTS)
    assert len(stream.requests) == 1


CHAT = [
    ServerEvent('{"id":"c1","model":"m","choices":[{"index":0,"delta":{"content":"Grüß "}}]}'),
    ServerEvent('{"id":"c1","model":"m","choices":[{"index":0,"delta":{"content":"東京"}}]}'),
    ServerEvent('{"id":"c1","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}'),
    ServerEvent("[DONE]"),
]


@pytest.mark.parametrize("kind", CLIENTS)
def test_post_accumulates_an_llm_stream(server: Any, kind: str) -> None:
    url = server.add(sse.Stream(CHAT, chunks="random"))
    completion = read(kind, url, method="POST", how="accumulate", json={})
    assert completion.complete and completion.content == "Grüß 東京" and completion.finish_reason == "stop"


@pytest.mark.parametrize("kind", CLIENTS)
def test_post_deltas_fold_into_the_completion(server: Any, kind: str) -> None:
    url = server.add(sse.Stream(CHAT, chunks="bytes"))
    deltas, completion = read(kind, url, method="POST", how="deltas", json={})
    assert "".join(d.text for d in deltas if isinstance(d, sseparse.TextDelta)) == "Grüß 東京"
    assert completion.complete


@pytest.mark.parametrize("kind", CLIENTS)
@pytest.mark.parametrize("how", ["accumulate", "deltas"])
def test_a_cut_llm_stream_raises_with_the_partial_completion(server: Any, kind: str, how: str) -> None:
    url = server.add(sse.Stream(CHAT, cuts=[1]))
    with pytest.raises(IncompleteStreamError) as info:
        read(kind, url, method="POST", how=how, json={})
    completion = info.value.completion
    assert completion is not None and not completion.complete and completion.content == "Grüß "


# -- break, close, cancellation ----------------------------------------------------------


def test_break_closes_the_connection_and_the_next_iteration_resumes_after_it(server: Any) -> None:
    stream = sse.Stream(EVENTS, chunks="whole")  # one fragment: all events in one feed()
    url = server.add(stream)
    with httpx.Client(timeout=10) as client, sseparse.httpx.connect_sse(client, "GET", url, policy=FAST) as source:
        for event in source.iter_events():
            break
        assert event.id == "café-1"
        assert source.response is None  # closed by the break, not left open
        rest = [e.id for e in source.iter_events()]
    assert rest == ["東京-2", "3-ü", "🏔️-4", "5"]
    assert [r.last_event_id for r in stream.requests] == [None, "café-1", "5"]


def test_async_break_then_aclose_leaves_nothing_open(server: Any) -> None:
    url = server.add(sse.Stream(EVENTS, delay=0.05, chunks="bytes"))

    async def main() -> tuple[Any, Any]:
        async with aiohttp.ClientSession() as session:
            async with sseparse.aiohttp.connect_sse(session, "GET", url, policy=FAST) as source:
                raw = source.response
                async for _ in source.aiter_events():
                    break
                await source.aclose()
                return raw, source.response

    raw, after = asyncio.run(main())
    assert after is None and raw.closed


def test_cancelling_the_reading_task_closes_the_connection(server: Any) -> None:
    url = server.add(sse.Stream(EVENTS, delay=0.2, chunks="bytes"))

    async def main() -> Any:
        async with httpx.AsyncClient(timeout=10) as client:
            async with sseparse.httpx.aconnect_sse(client, "GET", url, policy=FAST) as source:
                raw = source.response

                async def consume() -> None:
                    async for _ in source.aiter_events():
                        pass

                task = asyncio.create_task(consume())
                await asyncio.sleep(0.3)
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
                assert source.response is None
                return raw

    raw = asyncio.run(main())
    assert raw.is_closed


def test_leaving_the_context_closes_the_connection(server: Any) -> None:
    url = server.add(sse.Stream(EVENTS, delay=0.05, chunks="bytes"))
    with httpx.Client(timeout=10) as client:
        with sseparse.httpx.connect_sse(client, "GET", url, policy=FAST) as source:
            raw = source.response
            next(iter(source.iter_events()))
        assert raw.is_closed and source.response is None


def test_a_post_iterated_twice_is_refused(server: Any) -> None:
    url = server.add(sse.Stream(EVENTS))
    with httpx.Client(timeout=10) as client, sseparse.httpx.connect_sse(client, "POST", url) as source:
        assert len(list(source.iter_events())) == len(EVENTS)
        with pytest.raises(sseparse.ParserClosedError):
            list(source.iter_events())


def test_reconnect_true_resumes_a_post_the_server_can_resume(server: Any) -> None:
    stream = sse.Stream(EVENTS, cuts=[2])
    url = server.add(stream)
    assert read("httpx", url, method="POST", json={}, reconnect=True) == expected(EVENTS)
    assert [r.method for r in stream.requests] == ["POST", "POST", "POST"]


def test_a_server_that_keeps_dropping_ends_in_incomplete_stream_error(server: Any) -> None:
    stream = sse.Stream(EVENTS, cuts=[0] * 10)  # never one whole event
    url = server.add(stream)
    with pytest.raises(IncompleteStreamError) as info:
        read("httpx", url, policy=ReconnectPolicy(initial_delay=0.0, jitter=0.0, max_attempts=2))
    assert "gave up after 2 reconnections" in str(info.value)
    assert len(stream.requests) == 3


# -- packaging ---------------------------------------------------------------------------


def test_importing_sseparse_imports_no_client() -> None:
    code = "import sys, sseparse; print(sorted({'httpx', 'aiohttp'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("module", ["sseparse.httpx", "sseparse.aiohttp"])
def test_each_helper_imports_the_real_client(module: str) -> None:
    helper: Callable[..., Any] = __import__(module, fromlist=["connect_sse"]).connect_sse
    assert callable(helper)
    assert sseparse.httpx.httpx is httpx and sseparse.aiohttp.aiohttp is aiohttp


@pytest.mark.parametrize("kind", CLIENTS)
def test_a_resumable_llm_stream_accumulates_across_disconnects(server: Any, kind: str) -> None:
    events = [ServerEvent(e.data, id=str(i)) for i, e in enumerate(CHAT, 1)]
    stream = sse.Stream(events, chunks="random", cuts=[1, 1])
    url = server.add(stream)
    deltas, completion = read(kind, url, how="deltas")
    assert completion.complete and completion.content == "Grüß 東京"
    assert "".join(d.text for d in deltas if isinstance(d, sseparse.TextDelta)) == "Grüß 東京"
    assert [r.last_event_id for r in stream.requests] == [None, "1", "2", "4"]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_event_too_large_is_raised_after_the_events_before_it(server: Any, method: str) -> None:
    events = [ServerEvent("small", id="1"), ServerEvent("x" * 5000, id="2"), ServerEvent("after", id="3")]
    stream = sse.Stream(events)
    url = server.add(stream)
    seen: list[str] = []
    with httpx.Client(timeout=10) as client:
        with sseparse.httpx.connect_sse(client, method, url, policy=FAST, max_event_size=1024) as source:
            with pytest.raises(sseparse.EventTooLargeError) as info:
                for event in source.iter_events():
                    seen.append(event.data)
            assert source.response is None
    assert info.value.limit == 1024
    assert seen == ["small"]  # handed over before the error, whether the request repeats or not
    assert len(stream.requests) == 1  # a stream over the limit is not resumed
