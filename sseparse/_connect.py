"""The engine of the transport helpers: one event stream over HTTP, resumed when it drops.

``sseparse.httpx`` and ``sseparse.aiohttp`` adapt it to their client: an adapter opens
one request (with the headers a ``Reconnector`` says) and hands back the status,
``Content-Type``, ``Retry-After`` and the body's byte chunks. Everything else is here:
the status and Content-Type check, reconnection for requests that can be repeated, and
the drivers (events, deltas, the final result). The decisions are made once, in the
base the two sources share; ``EventSource`` (synchronous clients) and
``AsyncEventSource`` (asyncio) keep only the loops that do the I/O, written twice
because Python cannot share a body between ``def`` and ``async def``. This module
imports no client.

Why only repeatable requests reconnect: re-sending an LLM request starts a new
generation (and a new bill), so a POST cut in the middle is reported as an
``IncompleteStreamError``, never sent again in silence. A GET reconnects, sending
``Last-Event-ID``; the server resumes after the last complete event, which the
parser never dispatches twice nor loses, as long as the server gives its events ids.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import weakref
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import Any, Protocol

from ._accumulator import Accumulator
from ._completion import Completion, Delta
from ._drivers import AsyncDeltaStream, DeltaStream, OnCut, _check_on_cut, _finish_deltas
from ._errors import (
    EventTooLargeError,
    IncompleteStreamError,
    ParserClosedError,
    ResponseError,
)
from ._events import Event, IncompleteEvent
from ._framing import EventParser
from ._reconnect import ReconnectDecision, ReconnectPolicy, Reconnector
from ._typing import DialectName

__all__ = ["AsyncEventSource", "EventSource", "SyncResponse", "AsyncResponse", "default_reconnect"]

#: Methods repeated by default after a disconnect: those whose repetition reads
#: again and changes nothing (RFC 9110 "safe").
REPEATABLE = frozenset({"GET", "HEAD", "OPTIONS"})


def default_reconnect(method: str, reconnect: bool | None) -> bool:
    if reconnect is not None:
        return bool(reconnect)
    return method.upper() in REPEATABLE


class SyncResponse(Protocol):
    """One response, as an adapter gives it."""

    status: int
    content_type: str | None
    retry_after: str | None
    raw: Any  # the client's own response object

    def chunks(self) -> Iterator[bytes]: ...
    def read_start(self, limit: int) -> bytes: ...
    def close(self) -> None: ...


class AsyncResponse(Protocol):
    """One response of an asyncio client, as an adapter gives it."""

    status: int
    content_type: str | None
    retry_after: str | None
    raw: Any

    def chunks(self) -> AsyncIterator[bytes]: ...
    async def read_start(self, limit: int) -> bytes: ...
    async def close(self) -> None: ...


def _lost(url: str, exc: BaseException, pending: IncompleteEvent | None) -> IncompleteStreamError:
    where = "in the middle of an event" if pending is not None else "between two events"
    return IncompleteStreamError(
        pending,
        message=f"connection to {url} lost {where} ({type(exc).__name__}: {exc}); "
        "the request is not repeated (not a repeatable method: pass reconnect=True if the server resumes it)",
    )


def _gave_up(url: str, decision: ReconnectDecision) -> IncompleteStreamError:
    return IncompleteStreamError(decision.cut, message=f"stream at {url} not resumed: {decision.reason}")


def _abandon(rc: Reconnector, events: list[Event], handed: int) -> None:
    """The consumer stopped after event ``handed`` of ``events``: resume after it."""
    if 0 <= handed < len(events) - 1:
        rc.abandon(events[handed].id)
    else:
        rc.abandon()


def _feed(feed: Callable[[bytes], list[Event]], chunk: bytes) -> tuple[list[Event], EventTooLargeError | None]:
    """The events of ``chunk``; past the size limit, the events complete before it and
    the error (they are handed over before it is raised, as on a reconnecting GET)."""
    try:
        return feed(chunk), None
    except EventTooLargeError as exc:
        return exc.events, exc


def _end(parser: EventParser) -> None:
    """The body of a request that is not repeated ended: raise if it cut an event."""
    pending = parser.close()
    if pending is not None:
        raise IncompleteStreamError(pending)


class _Base:
    """What ``EventSource`` and ``AsyncEventSource`` share: their state, and every
    decision the reading makes (the I/O, sync or async, is theirs)."""

    __slots__ = (
        "_open",
        "_errors",
        "_url",
        "_rc",
        "_repeatable",
        "_max_event_size",
        "_response",
        "_done",
        "_active",
        "_read",
    )

    def __init__(
        self,
        open: Callable[[Reconnector], Any],
        errors: tuple[type[BaseException], ...],
        method: str,
        url: str,
        reconnect: bool | None,
        policy: ReconnectPolicy | None,
        last_event_id: str,
        max_event_size: int,
    ) -> None:
        """``open(reconnector)`` sends the request (with the reconnector's headers) and
        gives the response; ``errors`` are what the client raises for a lost, refused
        or timed-out connection. The rest are the arguments of ``connect_sse``."""
        self._open = open
        self._errors = errors
        self._url = f"{method.upper()} {url}"
        self._rc = Reconnector(policy, last_event_id=last_event_id, max_event_size=max_event_size)
        self._repeatable = default_reconnect(method, reconnect)
        self._max_event_size = max_event_size
        self._response: Any = None  # the open response, if one is
        self._done = False  # the stream ended: nothing more will come
        self._active: Any = None  # the generator reading now (closed by close())
        self._read = False  # a body was read (a request that is not repeated is read once)

    @property
    def response(self) -> Any:
        """The client's response object of the current (or last) connection."""
        return None if self._response is None else self._response.raw

    @property
    def reconnector(self) -> Reconnector:
        """The ``Reconnector`` deciding: ``last_event_id`` and ``retry`` to save a position."""
        return self._rc

    @property
    def last_event_id(self) -> str:
        return self._rc.last_event_id

    @property
    def repeatable(self) -> bool:
        """Whether the request is repeated after a disconnect (``reconnect=``)."""
        return self._repeatable

    def _accumulator(self, dialect: DialectName, *, deltas: bool = True) -> Accumulator:
        return Accumulator(dialect, max_event_size=self._max_event_size, deltas=deltas)

    def _closed(self) -> None:
        """After ``close()`` closed the connection: nothing more is read."""
        if self._repeatable:
            self._rc.abandon()
        self._done = True

    def _refuse_second_read(self) -> None:
        if self._read and not self._repeatable:
            raise ParserClosedError(
                f"the body of {self._url} was read already, and the request is not repeated: one iteration only"
            )
        self._read = True

    def _reading(self, acc: Accumulator) -> tuple[Any, Callable[[Any], list[Delta]], tuple[type[BaseException], ...]]:
        """What the deltas are read from: the events across reconnections, a lost
        connection being the ``IncompleteStreamError`` they end with; or, for a request
        that is not repeated, its body's chunks, a lost connection being the client's
        error. As ``(iteration, what feeds acc, what a lost connection raises)``."""
        if self._repeatable:
            return self._follow(), acc.feed_event, (IncompleteStreamError,)
        self._refuse_second_read()
        return self._chunks(), acc.feed, self._errors

    def _follow(self) -> Any:
        raise NotImplementedError

    def _chunks(self) -> Any:
        raise NotImplementedError

    def _delay_after_drop(self, error: BaseException | None, too_large: EventTooLargeError | None) -> float | None:
        """A connection's body ended (``error``: what cut it, if anything): the delay
        before the next request, or ``None`` when the stream is over; raises when it
        cannot be resumed."""
        if too_large is not None:
            self._rc.disconnected(too_large)
            self._done = True
            raise too_large
        decision = self._rc.disconnected(error)
        if not decision.stop:
            return decision.delay
        self._done = True
        if error is None and decision.cut is None:
            return None
        raise _gave_up(self._url, decision) from error

    def _delay_after_failed_open(self, error: BaseException, *, first: bool) -> float:
        """The request raised ``error``: the delay before sending it again; raises it
        again for the first request and one that is not repeated."""
        if first or not self._repeatable:
            raise error
        decision = self._rc.disconnected(error)
        if decision.stop:
            raise _gave_up(self._url, decision) from error
        return decision.delay

    def _delay_after_refusal(self, response: Any, body: bytes) -> float | None:
        """``response`` (closed) was no event stream: the delay before asking again, or
        ``None`` for a 204 (the server said stop: the stream is over); raises
        ``ResponseError`` otherwise."""
        decision = self._rc.disconnected()
        if decision.reconnect and self._repeatable:
            return decision.delay
        if response.status == 204:
            self._done = True
            return None
        raise ResponseError(response.status, response.content_type, body, url=self._url)


class EventSource(_Base):
    """One event stream over a synchronous client (``sseparse.httpx.connect_sse``).

    Iterate it with ``iter_events()``, ``iter_deltas(dialect)`` or take the result of
    ``accumulate(dialect)``; use it as a context manager (``close()`` closes whatever
    connection is open). A ``break`` out of an iteration closes the connection; a
    repeatable stream iterated again reconnects and resumes after the last event
    handed over.
    """

    __slots__ = ()
    _open: Callable[[Reconnector], SyncResponse]

    def __enter__(self) -> EventSource:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the open connection, if any; iteration ends. Idempotent."""
        self._close_active()
        self._release()
        self._closed()

    def start(self) -> None:
        """Send the first request and check its answer (``connect_sse`` does it on entry).

        Raises ``ResponseError`` for a response that is not an event stream; the
        client's own exception when the request itself fails.
        """
        self._connect(first=True)

    def iter_events(self) -> Iterator[Event]:
        """The events of the stream, each once and in order, across reconnections."""
        self._close_active()
        self._refuse_second_read()
        gen = self._follow() if self._repeatable else self._once()
        self._active = weakref.ref(gen)  # a `break` drops the generator: it closes at once
        return gen

    def iter_deltas(self, dialect: DialectName = "auto", *, on_incomplete: OnCut = "raise") -> DeltaStream:
        """The deltas of the stream read in ``dialect``, as in ``sseparse.iter_deltas``;
        ``.completion`` of the result is the answer so far, final at the end."""
        _check_on_cut(on_incomplete)
        self._close_active()
        acc = self._accumulator(dialect)
        gen = self._deltas(acc, on_incomplete)
        self._active = weakref.ref(gen)
        return DeltaStream(acc, gen)

    def accumulate(self, dialect: DialectName = "auto") -> Completion:
        """The final ``Completion``. A connection lost before the stream's end raises
        ``IncompleteStreamError`` with the partial ``.completion``; a body that ends
        early is returned with ``complete=False``, as ``sseparse.accumulate`` does."""
        acc = self._accumulator(dialect, deltas=False)
        with DeltaStream(acc, self._deltas(acc, "ignore")) as stream:
            for _ in stream:
                pass
        return acc.close()

    # -- internals --------------------------------------------------------------------

    def _close_active(self) -> None:
        active, self._active = self._active, None
        gen = None if active is None else active()
        if gen is not None:
            gen.close()  # an iteration left by a break: its connection is closed

    def _deltas(self, acc: Accumulator, on_incomplete: str) -> Generator[Delta, None, None]:
        items, feed, lost_on = self._reading(acc)
        lost: BaseException | None = None
        try:
            for item in items:
                yield from feed(item)
        except lost_on as exc:
            lost = exc
        finally:
            items.close()
        yield from _finish(acc, on_incomplete, lost)

    def _chunks(self) -> Generator[bytes, None, None]:
        """The body of the one response of a request that is not repeated."""
        if self._response is None:
            return  # 204 No Content
        try:
            yield from self._response.chunks()
        finally:
            self._release()
            self._done = True

    def _once(self) -> Generator[Event, None, None]:
        parser = EventParser(max_event_size=self._max_event_size)
        chunks = self._chunks()
        try:
            for chunk in chunks:
                events, too_large = _feed(parser.feed, chunk)
                yield from events
                if too_large is not None:
                    raise too_large
        except self._errors as exc:
            raise _lost(self._url, exc, parser.close()) from exc
        finally:
            chunks.close()
        _end(parser)

    def _follow(self) -> Generator[Event, None, None]:
        rc = self._rc
        while not self._done:
            if self._response is None and self._connect(first=False) is None:
                return  # 204: the server said stop
            response = self._response
            error: BaseException | None = None
            too_large: EventTooLargeError | None = None
            events: list[Event] = []
            handed = -1
            try:
                for chunk in response.chunks():
                    events, too_large = _feed(rc.feed, chunk)
                    for handed, event in enumerate(events):
                        yield event
                    handed = -1
                    if too_large is not None:
                        break
            except self._errors as exc:
                error = exc
            except BaseException:  # the consumer stopped (break, close, an exception of its own)
                _abandon(rc, events, handed)
                self._release()
                raise
            self._release()
            delay = self._delay_after_drop(error, too_large)
            if delay is None:
                return
            time.sleep(delay)

    def _connect(self, *, first: bool) -> SyncResponse | None:
        """Request until a response is a stream (the ``response`` now, returned), or the
        server said stop (204: ``None``, the stream is over), or it is no stream and no
        status to retry (raised)."""
        while True:
            try:
                response = self._open(self._rc)
            except self._errors as exc:
                time.sleep(self._delay_after_failed_open(exc, first=first))
                continue
            if self._rc.response(response.status, response.content_type, retry_after=response.retry_after):
                self._response = response
                return response
            body = b""
            with contextlib.suppress(*self._errors):  # what came of the body is enough to report
                if response.status != 204:
                    body = response.read_start(ResponseError.BODY_START)
            response.close()
            delay = self._delay_after_refusal(response, body)
            if delay is None:
                return None
            time.sleep(delay)

    def _release(self) -> None:
        response, self._response = self._response, None
        if response is not None:
            response.close()


class AsyncEventSource(_Base):
    """``EventSource`` for asyncio clients (``sseparse.httpx.aconnect_sse``,
    ``sseparse.aiohttp.connect_sse``): ``aiter_events()``, ``aiter_deltas()``,
    ``await aaccumulate()``, ``await aclose()``, ``async with``.

    A cancelled task, or a ``break`` followed by ``aclose()`` (or the end of the
    ``async with``), closes the connection.
    """

    __slots__ = ()
    _open: Callable[[Reconnector], Awaitable[AsyncResponse]]

    async def __aenter__(self) -> AsyncEventSource:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the open connection, if any; iteration ends. Idempotent."""
        await self._close_active()
        await self._release()
        self._closed()

    async def start(self) -> None:
        """``EventSource.start`` for asyncio."""
        await self._connect(first=True)

    async def aiter_events(self) -> AsyncIterator[Event]:
        """The events of the stream, each once and in order, across reconnections."""
        await self._close_active()
        self._refuse_second_read()
        gen = self._follow() if self._repeatable else self._once()
        self._active = gen
        try:
            async for event in gen:
                yield event
        finally:
            await gen.aclose()

    def aiter_deltas(self, dialect: DialectName = "auto", *, on_incomplete: OnCut = "raise") -> AsyncDeltaStream:
        """The deltas of the stream read in ``dialect``, for ``async for``."""
        _check_on_cut(on_incomplete)
        acc = self._accumulator(dialect)
        gen = self._deltas(acc, on_incomplete)
        self._active = gen  # (a suspended earlier iteration is closed by aclose())
        return AsyncDeltaStream(acc, gen)

    async def aaccumulate(self, dialect: DialectName = "auto") -> Completion:
        """``EventSource.accumulate`` for asyncio."""
        acc = self._accumulator(dialect, deltas=False)
        async with AsyncDeltaStream(acc, self._deltas(acc, "ignore")) as stream:
            async for _ in stream:
                pass
        return acc.close()

    # -- internals: EventSource's, with await -----------------------------------------

    async def _close_active(self) -> None:
        active, self._active = self._active, None
        if active is not None:
            await active.aclose()  # an iteration left by a break: its connection is closed

    async def _deltas(self, acc: Accumulator, on_incomplete: str) -> AsyncGenerator[Delta, None]:
        items, feed, lost_on = self._reading(acc)
        lost: BaseException | None = None
        try:
            async for item in items:
                for delta in feed(item):
                    yield delta
        except lost_on as exc:
            lost = exc
        finally:
            await items.aclose()
        for delta in _finish(acc, on_incomplete, lost):
            yield delta

    async def _chunks(self) -> AsyncGenerator[bytes, None]:
        if self._response is None:
            return
        try:
            async for chunk in self._response.chunks():
                yield chunk
        finally:
            await self._release()
            self._done = True

    async def _once(self) -> AsyncGenerator[Event, None]:
        parser = EventParser(max_event_size=self._max_event_size)
        chunks = self._chunks()
        try:
            async for chunk in chunks:
                events, too_large = _feed(parser.feed, chunk)
                for event in events:
                    yield event
                if too_large is not None:
                    raise too_large
        except self._errors as exc:
            raise _lost(self._url, exc, parser.close()) from exc
        finally:
            await chunks.aclose()
        _end(parser)

    async def _follow(self) -> AsyncGenerator[Event, None]:
        rc = self._rc
        while not self._done:
            if self._response is None and await self._connect(first=False) is None:
                return  # 204: the server said stop
            response = self._response
            error: BaseException | None = None
            too_large: EventTooLargeError | None = None
            events: list[Event] = []
            handed = -1
            try:
                async for chunk in response.chunks():
                    events, too_large = _feed(rc.feed, chunk)
                    for handed, event in enumerate(events):
                        yield event
                    handed = -1
                    if too_large is not None:
                        break
            except self._errors as exc:
                error = exc
            except BaseException:  # the consumer stopped (break and aclose, cancellation)
                _abandon(rc, events, handed)
                await self._release()
                raise
            await self._release()
            delay = self._delay_after_drop(error, too_large)
            if delay is None:
                return
            await asyncio.sleep(delay)

    async def _connect(self, *, first: bool) -> AsyncResponse | None:
        while True:
            try:
                response = await self._open(self._rc)
            except self._errors as exc:
                await asyncio.sleep(self._delay_after_failed_open(exc, first=first))
                continue
            if self._rc.response(response.status, response.content_type, retry_after=response.retry_after):
                self._response = response
                return response
            body = b""
            with contextlib.suppress(*self._errors):
                if response.status != 204:
                    body = await response.read_start(ResponseError.BODY_START)
            await response.close()
            delay = self._delay_after_refusal(response, body)
            if delay is None:
                return None
            await asyncio.sleep(delay)

    async def _release(self) -> None:
        response, self._response = self._response, None
        if response is not None:
            await response.close()


def _finish(acc: Accumulator, on_incomplete: str, lost: BaseException | None) -> list[Delta]:
    """The last deltas; a connection lost before the stream's own end raises the
    accumulator's ``IncompleteStreamError`` (with ``.completion``) whatever
    ``on_incomplete`` says. A drop after the end marker loses nothing."""
    if lost is None:
        return _finish_deltas(acc, on_incomplete)
    try:
        return _finish_deltas(acc, "raise")
    except IncompleteStreamError as cut:
        raise cut from lost


def policy_for(policy: ReconnectPolicy | None) -> ReconnectPolicy:
    return ReconnectPolicy() if policy is None else policy
