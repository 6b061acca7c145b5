"""Event streams over aiohttp: ``connect_sse`` (``pip install sseparse[aiohttp]``).

::

    async with aiohttp.ClientSession() as session:
        async with sseparse.aiohttp.connect_sse(session, "GET", url) as source:
            async for event in source.aiter_events():
                ...

The body's bytes go to the parser as they arrive (``iter_any()``): aiohttp's line
reading does not know CR line ends. The response is checked (status and
``Content-Type``) and a request that can be repeated (GET by default) is resumed with
``Last-Event-ID`` when its connection drops. ``import sseparse`` never imports this
module nor aiohttp.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp  # the client, not this module: imports are absolute
from multidict import CIMultiDict

from ._connect import AsyncEventSource
from ._framing import DEFAULT_MAX_EVENT_SIZE
from ._reconnect import ReconnectPolicy, Reconnector

__all__ = ["connect_sse", "AsyncEventSource", "TRANSPORT_ERRORS"]

#: What a dropped, refused or timed-out connection raises in aiohttp: a disconnect.
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (aiohttp.ClientError, asyncio.TimeoutError)


def _headers(given: Any, rc: Reconnector) -> CIMultiDict[str]:
    """The caller's headers, with ``Accept`` and ``Cache-Control`` unless set, and the
    reconnector's ``Last-Event-ID`` (a ``str``: aiohttp writes header text as UTF-8)."""
    headers: CIMultiDict[str] = CIMultiDict(given or {})
    for name, value in rc.request_headers().items():
        if name == "Last-Event-ID" or name not in headers:
            headers[name] = value
    return headers


class _Response:
    __slots__ = ("raw", "status", "content_type", "retry_after")

    def __init__(self, raw: aiohttp.ClientResponse) -> None:
        self.raw = raw
        self.status = raw.status
        self.content_type = raw.headers.get("Content-Type")
        self.retry_after = raw.headers.get("Retry-After")

    def chunks(self) -> AsyncIterator[bytes]:
        return self.raw.content.iter_any()

    async def read_start(self, limit: int) -> bytes:
        return await self.raw.content.read(limit)

    async def close(self) -> None:
        self.raw.close()  # not release(): that would wait for the rest of a stream


@asynccontextmanager
async def connect_sse(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    *,
    reconnect: bool | None = None,
    policy: ReconnectPolicy | None = None,
    last_event_id: str = "",
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
    **kwargs: Any,
) -> AsyncIterator[AsyncEventSource]:
    """Send the request and give its event stream; the connection closes on exit.

    ``kwargs`` go to ``session.request()`` (``headers``, ``params``, ``json``,
    ``data``, ``timeout``...). As ``sseparse.httpx.connect_sse``: the first response
    is checked on entry (``sseparse.ResponseError``), and ``reconnect`` (default: GET,
    HEAD and OPTIONS), ``policy`` and ``last_event_id`` decide the resumption. The
    source gives ``aiter_events()``, ``aiter_deltas()`` and ``await aaccumulate()``.
    """
    given = kwargs.pop("headers", None)

    async def open(rc: Reconnector) -> _Response:
        return _Response(await session.request(method, url, headers=_headers(given, rc), **kwargs))

    options = (reconnect, policy, last_event_id, max_event_size)
    async with AsyncEventSource(open, TRANSPORT_ERRORS, method, url, *options) as source:
        await source.start()
        yield source
