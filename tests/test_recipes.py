"""The recipes of ``docs/recipes.md``, run exactly as written against a real server.

Each ``python`` block of the page is compiled from the page itself, so the docs
cannot drift from what is tested. Every recipe must deliver the server's events,
whatever the delivery (one byte at a time, random fragments, a drip, CRLF or CR,
keep-alive comments, chunked or close-delimited); hand each event over while the
stream goes on (a gated stream waits for the client to see each event before it
sends the next: a client that buffered would make it wait in vain); raise on an
error status and on a connection cut mid-event. The "wrong way" tests show what the
page says about line- and text-based reading.

The clients are optional: their tests are skipped without them, except in CI.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Callable, Iterator
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

import sseparse

HERE = Path(__file__).resolve().parent


import sse_server as sse  # noqa: E402  (tests/ is on sys.path: see conftest)
ServerEvent = sse.ServerEvent
DOC = (HERE.parent / "docs" / "recipes.md").read_text(encoding="utf-8")
RECORDED = (HERE.parent / "examples" / "openai-chat.sse").read_bytes()

EVENTS = [
    ServerEvent("hello", id="1"),
    ServerEvent("Grüß Gott 🏔️, 東京", event="delta"),
    ServerEvent("multi\nline\n", id="2", retry=1500),
    ServerEvent('{"text": "a\u2028b\u0085c"}', event="delta"),
    ServerEvent("", id="3"),
    ServerEvent("last", event="done"),
]
EXPECTED = sse.expected_events(EVENTS)

Tuple = tuple[str, str, str, int | None]


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    with sse.SSEServer() as running:
        yield running


def recipe(name: str) -> Callable[..., Any]:
    """The function ``name`` defined by the page's block of that name."""
    namespace: dict[str, Any] = {"__name__": f"recipes_{name}"}
    exec(compile(sse.python_blocks(DOC)[name], f"docs/recipes.md:{name}", "exec"), namespace)
    function: Callable[..., Any] = namespace[name]
    return function


# -- running each recipe with its client ------------------------------------------------

OnEvent = Callable[[sseparse.Event], None]


def run_httpx(name: str, url: str, on_event: OnEvent) -> None:
    httpx = sse.require_client("httpx")
    with httpx.Client(timeout=10.0) as client:
        for event in recipe(name)(client, url):
            on_event(event)


def run_httpx_async(name: str, url: str, on_event: OnEvent) -> None:
    httpx = sse.require_client("httpx")

    async def main() -> None:
        async with httpx.AsyncClient(timeout=10.0) as client:
            async for event in recipe(name)(client, url):
                on_event(event)

    asyncio.run(main())


def run_aiohttp(name: str, url: str, on_event: OnEvent) -> None:
    aiohttp = sse.require_client("aiohttp")

    async def main() -> None:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
            async for event in recipe(name)(session, url):
                on_event(event)

    asyncio.run(main())


def run_requests(name: str, url: str, on_event: OnEvent) -> None:
    requests = sse.require_client("requests")
    with requests.Session() as session:
        for event in recipe(name)(session, url):
            on_event(event)


def run_urllib3(name: str, url: str, on_event: OnEvent) -> None:
    urllib3 = sse.require_client("urllib3")
    with urllib3.PoolManager(timeout=10.0, retries=False) as http:
        for event in recipe(name)(http, url):
            on_event(event)


def run_asyncio(name: str, url: str, on_event: OnEvent) -> None:
    async def main() -> None:
        agen = recipe(name)(url)
        try:
            async for event in agen:
                on_event(event)
        finally:
            await agen.aclose()

    asyncio.run(asyncio.wait_for(main(), 30))


RUNNERS: dict[str, Callable[[str, str, OnEvent], None]] = {
    "httpx_events": run_httpx,
    "httpx_async_events": run_httpx_async,
    "aiohttp_events": run_aiohttp,
    "requests_events": run_requests,
    "requests_raw_events": run_requests,
    "urllib3_events": run_urllib3,
    "asyncio_events": run_asyncio,
}
EVENT_RECIPES = list(RUNNERS)


def collect(name: str, url: str, on_event: OnEvent | None = None) -> list[Tuple]:
    got: list[Tuple] = []

    def take(event: sseparse.Event) -> None:
        assert type(event) is sseparse.Event
        got.append((event.event, event.data, event.id, event.retry))
        if on_event is not None:
            on_event(event)

    RUNNERS[name](name, url, take)
    return got


def test_every_python_block_of_the_page_is_run_here() -> None:
    assert set(sse.python_blocks(DOC)) == {*RUNNERS, "httpx_chat"}


# -- every recipe, every delivery -------------------------------------------------------

DELIVERIES: dict[str, dict[str, Any]] = {
    "whole": {},
    "bytes-crlf": {"chunks": "bytes", "line_end": "\r\n"},
    "random-cr-keepalive": {"chunks": "random", "line_end": "\r", "keepalive": True, "seed": 1},
    "drip": {"chunks": 9, "delay": 0.002},
    "close-whole": {"transfer": "close"},
    "close-bytes-cr": {"transfer": "close", "chunks": "bytes", "line_end": "\r"},
    "close-random-crlf-keepalive": {
        "transfer": "close",
        "chunks": "random",
        "line_end": "\r\n",
        "keepalive": True,
        "seed": 2,
    },
}


@pytest.mark.parametrize("delivery", list(DELIVERIES))
@pytest.mark.parametrize("name", EVENT_RECIPES)
def test_recipe_delivers_every_event(server: Any, name: str, delivery: str) -> None:
    url = server.add(sse.Stream(events=EVENTS, **DELIVERIES[delivery]))
    assert collect(name, url) == EXPECTED


# requests' iter_content(chunk_size=None) reads a close-delimited body (one without
# chunking) to its end first, as the page says (see the test after this one); every
# other recipe hands events over as they come either way.
STREAMING_CASES = [
    (name, transfer)
    for name in EVENT_RECIPES
    for transfer in ("chunked", "close")
    if (name, transfer) != ("requests_events", "close")
]


@pytest.mark.parametrize(("name", "transfer"), STREAMING_CASES)
def test_recipe_hands_events_over_while_the_stream_goes_on(server: Any, name: str, transfer: str) -> None:
    stream = sse.Stream(events=EVENTS[:3], gated=True, transfer=transfer, chunks="random")
    url = server.add(stream)
    assert collect(name, url, on_event=lambda _: stream.ack()) == EXPECTED[:3]
    assert stream.gate_timeouts == 0, "the client held events back until later ones arrived"


def test_requests_iter_content_reads_a_close_delimited_body_to_its_end(server: Any) -> None:
    """What the page says of requests' iter_content(chunk_size=None) without chunking."""
    stream = sse.Stream(events=EVENTS[:2], gated=True, transfer="close", gate_timeout=0.3)
    url = server.add(stream)
    assert collect("requests_events", url, on_event=lambda _: stream.ack()) == EXPECTED[:2]
    assert stream.gate_timeouts == 2  # the server waited in vain after each event


@pytest.mark.parametrize("name", EVENT_RECIPES)
def test_recipe_raises_on_an_error_status(server: Any, name: str) -> None:
    error = {"error": {"message": "Rate limit reached", "type": "rate_limit", "code": "429"}}
    url = server.add(sse.Stream(status=429, content_type="application/json", error_body=error))
    with pytest.raises(Exception) as info:  # each client has its own error
        collect(name, url)
    assert not isinstance(info.value, AssertionError)
    if name == "httpx_events":
        assert info.value.status == 429 and json.loads(info.value.body) == error  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["httpx_events", "asyncio_events"])
def test_recipe_that_checks_the_content_type_refuses_a_page(server: Any, name: str) -> None:
    url = server.add(sse.Stream(events=EVENTS, content_type="text/html; charset=utf-8"))
    with pytest.raises(Exception, match=r"not an event stream|text/html"):
        collect(name, url)


CUT_ERRORS: dict[str, tuple[str, str]] = {
    "httpx_events": ("httpx", "TransportError"),
    "httpx_async_events": ("httpx", "TransportError"),
    "aiohttp_events": ("aiohttp", "ClientError"),
    "requests_events": ("requests", "RequestException"),
    "requests_raw_events": ("urllib3", "exceptions.HTTPError"),
    "urllib3_events": ("urllib3", "exceptions.HTTPError"),
    "asyncio_events": ("asyncio", "IncompleteReadError"),
}


def client_error(name: str) -> type[BaseException]:
    module_name, attribute = CUT_ERRORS[name]
    value: Any = sse.require_client(module_name)
    for part in attribute.split("."):
        value = getattr(value, part)
    assert isinstance(value, type) and issubclass(value, BaseException)
    return value


@pytest.mark.parametrize("transfer", ["chunked", "close"])
@pytest.mark.parametrize("name", EVENT_RECIPES)
def test_recipe_never_ends_short_in_silence(server: Any, name: str, transfer: str) -> None:
    """A chunked body cut inside raises the client's error; a closed connection looks
    like a normal end to the client, and sseparse raises for the event it cut."""
    url = server.add(sse.Stream(events=EVENTS, cuts=[2], transfer=transfer, chunks="random"))
    got: list[Tuple] = []
    expected_error = client_error(name) if transfer == "chunked" else sseparse.IncompleteStreamError
    with pytest.raises(expected_error):
        collect(name, url, on_event=lambda e: got.append((e.event, e.data, e.id, e.retry)))
    assert got == EXPECTED[:2]


# -- the LLM recipe ---------------------------------------------------------------------


@pytest.mark.parametrize("chunks", ["whole", "bytes", "random"])
def test_httpx_chat_prints_as_it_streams_and_returns_the_completion(server: Any, chunks: str) -> None:
    httpx = sse.require_client("httpx")
    stream = sse.Stream(body=RECORDED, chunks=chunks, max_random=200)
    url = server.add(stream)
    out = io.StringIO()
    with httpx.Client(timeout=10.0) as client, redirect_stdout(out):
        completion = recipe("httpx_chat")(client, url, {"model": "gpt-4o-mini", "stream": True})
    assert completion == sseparse.accumulate([RECORDED])
    assert completion.complete and completion.tool_calls
    assert out.getvalue() == completion.content
    request = stream.requests[0]
    assert request.method == "POST" and json.loads(request.body) == {"model": "gpt-4o-mini", "stream": True}


def test_httpx_chat_error_keeps_the_providers_json(server: Any) -> None:
    httpx = sse.require_client("httpx")
    error = {"error": {"message": "You exceeded your current quota", "type": "insufficient_quota"}}
    url = server.add(sse.Stream(status=429, content_type="application/json", error_body=error))
    with httpx.Client(timeout=10.0) as client, pytest.raises(httpx.HTTPStatusError) as info:
        recipe("httpx_chat")(client, url, {"model": "m"})
    assert info.value.response.json() == error


# -- the wrong ways the page warns about ------------------------------------------------


def test_aiohttp_line_iteration_misses_cr_line_ends(server: Any) -> None:
    aiohttp = sse.require_client("aiohttp")
    url = server.add(sse.Stream(events=EVENTS, line_end="\r"))

    async def lines() -> list[bytes]:
        async with aiohttp.ClientSession() as session, session.get(url) as response:
            return [line async for line in response.content]

    assert len(asyncio.run(lines())) == 1  # the whole stream came as one "line"
    assert collect("aiohttp_events", url) == EXPECTED


def test_httpx_iter_lines_splits_a_data_line_at_unicode_line_separators(server: Any) -> None:
    httpx = sse.require_client("httpx")
    chunk = {"choices": [{"index": 0, "delta": {"content": "one\u2028two"}}]}
    body = b"data: " + json.dumps(chunk, ensure_ascii=False).encode() + b"\n\n"
    url = server.add(sse.Stream(body=body))
    with httpx.Client() as client, client.stream("GET", url) as response:
        lines = list(response.iter_lines())
    data_lines = [line[len("data: ") :] for line in lines if line.startswith("data: ")]
    with pytest.raises(json.JSONDecodeError):
        json.loads(data_lines[0])  # cut at U+2028
    events = collect("httpx_events", url)
    assert json.loads(events[0][1]) == chunk


def test_requests_iter_lines_turns_a_split_crlf_into_a_blank_line(server: Any) -> None:
    requests = sse.require_client("requests")
    url = server.add(sse.Stream(events=[ServerEvent("a\nb")], line_end="\r\n", chunks="bytes"))
    with requests.Session() as session, session.get(url, stream=True) as response:
        lines = list(response.iter_lines())
    # the server sent "data: a", "data: b", "": a line-based reader dispatches twice
    assert lines[:3] == [b"data: a", b"", b"data: b"]
    assert list(sseparse.iter_events(line + b"\n" for line in lines)) == [
        sseparse.Event(data="a"),
        sseparse.Event(data="b"),
    ]
    assert collect("requests_events", url) == [("message", "a\nb", "", None)]


def test_requests_decodes_event_stream_text_as_latin_1(server: Any) -> None:
    requests = sse.require_client("requests")
    url = server.add(sse.Stream(events=[ServerEvent("Grüß")]))
    with requests.Session() as session, session.get(url, stream=True) as response:
        assert response.encoding == "ISO-8859-1"  # text/* without a charset
        lines = list(response.iter_lines(decode_unicode=True))
    assert lines[0] == "data: GrÃ¼Ã\x9f"
    assert collect("requests_events", url) == [("message", "Grüß", "", None)]


def test_httpx_text_follows_a_wrong_charset_label(server: Any) -> None:
    httpx = sse.require_client("httpx")
    url = server.add(sse.Stream(events=[ServerEvent("Grüß")], content_type="text/event-stream; charset=iso-8859-1"))
    with httpx.Client() as client, client.stream("GET", url) as response:
        lines = list(response.iter_lines())
    assert lines[0] == "data: GrÃ¼Ã\x9f"
    assert collect("httpx_events", url) == [("message", "Grüß", "", None)]
