"""Drivers: loops over whatever a transport yields. No I/O of their own."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Generator, Iterable, Iterator
from typing import Any, Literal

from ._accumulator import Accumulator
from ._completion import Completion, Delta
from ._errors import IncompleteStreamError, fragment_type_error
from ._events import Event, IncompleteEvent
from ._framing import DEFAULT_MAX_EVENT_SIZE, EventParser
from ._typing import DialectName

__all__ = [
    "iter_events",
    "aiter_events",
    "accumulate",
    "aaccumulate",
    "iter_deltas",
    "aiter_deltas",
    "DeltaStream",
    "AsyncDeltaStream",
]

OnIncomplete = Literal["raise", "ignore", "dispatch"]

_BYTES_LIKE = (bytes, bytearray, memoryview)


def _fragments(fragments: Any, where: str) -> Any:
    """A bytes-like object is one fragment (``accumulate(response.content)``), not an
    iterable of ints; text is refused, as the parser refuses it."""
    if isinstance(fragments, _BYTES_LIKE):
        return (fragments,)
    if isinstance(fragments, str):
        raise fragment_type_error(fragments, where)
    return fragments


async def _one(fragment: Any) -> AsyncIterator[Any]:
    yield fragment


def _afragments(fragments: Any, where: str) -> Any:
    if isinstance(fragments, _BYTES_LIKE):
        return _one(fragments)
    if isinstance(fragments, str):
        raise fragment_type_error(fragments, where)
    return fragments


def iter_events(
    fragments: Iterable[bytes | bytearray | memoryview] | bytes | bytearray | memoryview,
    *,
    on_incomplete: OnIncomplete = "raise",
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
) -> Iterator[Event]:
    """Yield the events of a stream given as byte fragments split anywhere.

    A stream cut in the middle of an event raises ``IncompleteStreamError`` (its
    ``pending`` holds what was cut) unless ``on_incomplete`` is ``"ignore"`` (drop it,
    as browsers do) or ``"dispatch"`` (yield it as if it had been terminated).
    A single bytes-like object (``response.content``) is taken as one fragment; so
    in every driver.
    """
    _check_on_incomplete(on_incomplete)
    parser = EventParser(max_event_size=max_event_size)
    feed = parser.feed
    for fragment in _fragments(fragments, "iter_events()"):
        yield from feed(fragment)
    yield from _finish(parser.close(), on_incomplete)


async def aiter_events(
    fragments: AsyncIterable[bytes | bytearray | memoryview] | bytes | bytearray | memoryview,
    *,
    on_incomplete: OnIncomplete = "raise",
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
) -> AsyncIterator[Event]:
    """``iter_events`` for an async iterable (``aiohttp``'s ``iter_any()``, httpx's ``aiter_bytes()``)."""
    _check_on_incomplete(on_incomplete)
    parser = EventParser(max_event_size=max_event_size)
    feed = parser.feed
    async for fragment in _afragments(fragments, "aiter_events()"):
        for event in feed(fragment):
            yield event
    for event in _finish(parser.close(), on_incomplete):
        yield event


def _check_on_incomplete(on_incomplete: str) -> None:
    if on_incomplete not in ("raise", "ignore", "dispatch"):
        raise ValueError(f"on_incomplete must be 'raise', 'ignore' or 'dispatch', not {on_incomplete!r}")


def _finish(pending: IncompleteEvent | None, on_incomplete: str) -> list[Event]:
    """The event the end of the stream dispatches, if any: the one it cut, as
    ``on_incomplete`` says."""
    if pending is None or on_incomplete == "ignore":
        return []
    if on_incomplete == "raise":
        raise IncompleteStreamError(pending)
    return [pending.to_event()] if pending.has_data else []


# -- accumulating drivers ------------------------------------------------------------

Fragment = bytes | bytearray | memoryview


def accumulate(
    fragments: Iterable[Fragment] | Fragment,
    dialect: DialectName = "auto",
    *,
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
) -> Completion:
    """The final ``Completion`` of a stream given as byte fragments split anywhere.

    A cut stream is returned, not raised: check ``complete`` (``error`` says what was
    missing). A provider error or a malformed chunk raises ``ProviderError`` /
    ``ChunkDecodeError`` with the partial result on ``exc.completion``.
    """
    acc = Accumulator(dialect, max_event_size=max_event_size, deltas=False)
    feed = acc.feed
    for fragment in _fragments(fragments, "accumulate()"):
        feed(fragment)
    return acc.close()


async def aaccumulate(
    fragments: AsyncIterable[Fragment] | Fragment,
    dialect: DialectName = "auto",
    *,
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
) -> Completion:
    """``accumulate`` for an async iterable (httpx's ``aiter_bytes()``, aiohttp's ``iter_any()``)."""
    acc = Accumulator(dialect, max_event_size=max_event_size, deltas=False)
    feed = acc.feed
    async for fragment in _afragments(fragments, "aaccumulate()"):
        feed(fragment)
    return acc.close()


OnCut = Literal["raise", "ignore"]


class _Streamed:
    """What ``DeltaStream`` and ``AsyncDeltaStream`` share: the accumulator behind them."""

    __slots__ = ("_acc",)

    def __init__(self, acc: Accumulator) -> None:
        self._acc = acc

    @property
    def completion(self) -> Completion:
        return self._acc.completion

    @property
    def accumulator(self) -> Accumulator:
        return self._acc

    def partial_arguments(self, index: int, *, choice: int = 0) -> Any:
        """``Accumulator.partial_arguments``: a tool call's arguments as far as they arrived."""
        return self._acc.partial_arguments(index, choice=choice)


class DeltaStream(_Streamed):
    """What ``iter_deltas`` returns: iterate it once for the deltas as they arrive;
    ``completion`` is the result so far, and the final one once iteration ended."""

    __slots__ = ("_deltas",)

    def __init__(self, acc: Accumulator, deltas: Iterator[Delta]) -> None:
        super().__init__(acc)
        self._deltas = deltas

    def __iter__(self) -> Iterator[Delta]:
        return self._deltas

    def __next__(self) -> Delta:
        return next(self._deltas)

    def __enter__(self) -> DeltaStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop early: close the underlying iteration (and what it reads, such as a
        connection of ``sseparse.httpx``). ``completion`` stays readable. Idempotent."""
        close = getattr(self._deltas, "close", None)
        if close is not None:
            close()


class AsyncDeltaStream(_Streamed):
    """What ``aiter_deltas`` returns: ``DeltaStream`` for ``async for``."""

    __slots__ = ("_deltas",)

    def __init__(self, acc: Accumulator, deltas: AsyncIterator[Delta]) -> None:
        super().__init__(acc)
        self._deltas = deltas

    def __aiter__(self) -> AsyncIterator[Delta]:
        return self._deltas

    async def __anext__(self) -> Delta:
        return await self._deltas.__anext__()

    async def __aenter__(self) -> AsyncDeltaStream:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stop early (``contextlib.aclosing`` calls this): close the underlying async
        iteration and what it reads. ``completion`` stays readable. Idempotent."""
        aclose = getattr(self._deltas, "aclose", None)
        if aclose is not None:
            await aclose()


def iter_deltas(
    fragments: Iterable[Fragment] | Fragment,
    dialect: DialectName = "auto",
    *,
    on_incomplete: OnCut = "raise",
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
) -> DeltaStream:
    """The deltas of a stream as its fragments arrive, for rendering while it goes on.

    Deltas alone cannot say that the end never came, so a stream that ends without
    completing raises ``IncompleteStreamError`` (with ``.completion``) unless
    ``on_incomplete="ignore"``; either way ``.completion`` of the returned stream then
    has ``complete=False``. Errors are those of ``accumulate``.
    """
    _check_on_cut(on_incomplete)
    acc = Accumulator(dialect, max_event_size=max_event_size)
    return DeltaStream(acc, _deltas(acc, _fragments(fragments, "iter_deltas()"), on_incomplete))


def aiter_deltas(
    fragments: AsyncIterable[Fragment] | Fragment,
    dialect: DialectName = "auto",
    *,
    on_incomplete: OnCut = "raise",
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
) -> AsyncDeltaStream:
    """``iter_deltas`` for an async iterable; use it with ``async for``."""
    _check_on_cut(on_incomplete)
    acc = Accumulator(dialect, max_event_size=max_event_size)
    return AsyncDeltaStream(acc, _adeltas(acc, _afragments(fragments, "aiter_deltas()"), on_incomplete))


def _deltas(acc: Accumulator, fragments: Iterable[Fragment], on_incomplete: str) -> Generator[Delta, None, None]:
    feed = acc.feed
    for fragment in fragments:
        yield from feed(fragment)
    yield from _finish_deltas(acc, on_incomplete)


async def _adeltas(
    acc: Accumulator, fragments: AsyncIterable[Fragment], on_incomplete: str
) -> AsyncGenerator[Delta, None]:
    feed = acc.feed
    async for fragment in fragments:
        for delta in feed(fragment):
            yield delta
    for delta in _finish_deltas(acc, on_incomplete):
        yield delta


def _finish_deltas(acc: Accumulator, on_incomplete: str) -> list[Delta]:
    tail: list[Delta] = []
    acc._close(tail)  # may yield the deltas of a whole event the stream ended inside of
    cut = acc.cut
    if cut is not None and on_incomplete == "raise":
        cut.deltas = tail
        raise cut
    return tail


def _check_on_cut(on_incomplete: str) -> None:
    if on_incomplete not in ("raise", "ignore"):
        raise ValueError(f"on_incomplete must be 'raise' or 'ignore', not {on_incomplete!r}")
