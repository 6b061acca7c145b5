"""Event streams over httpx: ``connect_sse`` and ``aconnect_sse`` (``pip install sseparse[httpx]``).

The shape of httpx-sse's helpers, on sseparse's parser: bytes go to the parser as
they come (no text decoding by a charset label, no line splitting that breaks at
Unicode separators, no empty blocks dispatched), the response is checked (status
and ``Content-Type``), and a request that can be repeated (GET by default) is resumed
with ``Last-Event-ID`` when its connection drops::

    with httpx.Client() as client:
        with sseparse.httpx.connect_sse(client, "GET", url) as source:
            for event in source.iter_events():
                ...

``import sseparse`` never imports this module nor httpx.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx  # the client, not this module: imports are absolute

from ._connect import AsyncEventSource, EventSource
from ._framing import DEFAULT_MAX_EVENT_SIZE
from ._reconnect import ReconnectPolicy, Reconnector

__all__ = ["connect_sse", "aconnect_sse", "EventSource", "AsyncEventSource", "TRANSPORT_ERRORS"]

#: What a dropped, refused or timed-out connection raises in httpx: a disconnect.
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (httpx.TransportError,)


def _headers(given: Any, rc: Reconnector) -> httpx.Headers:
    """The caller's headers, with ``Accept`` and ``Cache-Control`` unless set, and
    the reconnector's ``Last-Event-ID`` (UTF-8 bytes: httpx sends no non-ASCII str)."""
    headers = httpx.Headers(given)
    items = [(name, value) for name, value in headers.raw if name.lower() != b"last-event-id"]
    for name, value in rc.request_headers(as_bytes=True).items():
        if name == b"Last-Event-ID" or name.decode() not in headers:
            items.append((name, value))
    return httpx.Headers(items)


class _Head:
    """A response of ``client.stream()`` as the engine reads it: its status and headers
    (``_Response`` and ``_AsyncResponse`` add the body, read and closed each their way)."""

    __slots__ = ("raw", "status", "content_type", "retry_after", "_manager")

    def __init__(self, manager: Any, raw: httpx.Response) -> None:
        self.raw = raw
        self.status = raw.status_code
        self.content_type = raw.headers.get("content-type")
        self.retry_after = raw.headers.get("retry-after")
        self._manager = manager  # what client.stream() gave: leaving it closes the response


class _Response(_Head):
    __slots__ = ()

    def chunks(self) -> Iterator[bytes]:
        return self.raw.iter_bytes()

    def read_start(self, limit: int) -> bytes:
        start = b""
        for chunk in self.raw.iter_bytes():
            start += chunk
            if len(start) >= limit:
                break
        return start[:limit]

    def close(self) -> None:
        self._manager.__exit__(None, None, None)


class _AsyncResponse(_Head):
    __slots__ = ()

    def chunks(self) -> AsyncIterator[bytes]:
        return self.raw.aiter_bytes()

    async def read_start(self, limit: int) -> bytes:
        start = b""
        async for chunk in self.raw.aiter_bytes():
            start += chunk
            if len(start) >= limit:
                break
        return start[:limit]

    async def close(self) -> None:
        await self._manager.__aexit__(None, None, None)


@contextmanager
def connect_sse(
    client: httpx.Client,
    method: str,
    url: str | httpx.URL,
    *,
    reconnect: bool | None = None,
    policy: ReconnectPolicy | None = None,
    last_event_id: str = "",
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
    **kwargs: Any,
) -> Iterator[EventSource]:
    """Send the request and give its event stream; the connection closes on exit.

    ``kwargs`` go to ``client.stream()`` (``headers``, ``params``, ``json``,
    ``content``, ``timeout``...). On entry the first response is checked: a status
    other than 200, or a 200 that is not ``text/event-stream``, raises
    ``sseparse.ResponseError`` (with the start of the body); 204 No Content gives an
    empty stream. A failed request raises httpx's own error.

    ``reconnect``: repeat the request when the connection drops, resuming with
    ``Last-Event-ID`` (default: for GET, HEAD and OPTIONS only; a POST cut in the middle
    raises ``IncompleteStreamError``, never re-sent: that would start a new
    generation). ``policy`` says how long to wait and when to give up
    (``ReconnectPolicy``); ``last_event_id`` resumes a stream saved earlier.
    """
    given = kwargs.pop("headers", None)

    def open(rc: Reconnector) -> _Response:
        manager = client.stream(method, url, headers=_headers(given, rc), **kwargs)
        return _Response(manager, manager.__enter__())

    options = (reconnect, policy, last_event_id, max_event_size)
    with EventSource(open, TRANSPORT_ERRORS, method, str(url), *options) as source:
        source.start()
        yield source


@asynccontextmanager
async def aconnect_sse(
    client: httpx.AsyncClient,
    method: str,
    url: str | httpx.URL,
    *,
    reconnect: bool | None = None,
    policy: ReconnectPolicy | None = None,
    last_event_id: str = "",
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
    **kwargs: Any,
) -> AsyncIterator[AsyncEventSource]:
    """``connect_sse`` for ``httpx.AsyncClient``: ``aiter_events()``, ``aiter_deltas()``,
    ``await aaccumulate()``."""
    given = kwargs.pop("headers", None)

    async def open(rc: Reconnector) -> _AsyncResponse:
        manager = client.stream(method, url, headers=_headers(given, rc), **kwargs)
        return _AsyncResponse(manager, await manager.__aenter__())

    options = (reconnect, policy, last_event_id, max_event_size)
    async with AsyncEventSource(open, TRANSPORT_ERRORS, method, str(url), *options) as source:
        await source.start()
        yield source
