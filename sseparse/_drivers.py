"""Drivers: loops over whatever a transport yields. No I/O of their own."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import Literal

from ._errors import IncompleteStreamError
from ._events import Event, IncompleteEvent
from ._framing import DEFAULT_MAX_EVENT_SIZE, EventParser

__all__ = ["iter_events", "aiter_events"]

OnIncomplete = Literal["raise", "ignore", "dispatch"]


def iter_events(
    fragments: Iterable[bytes | bytearray | memoryview],
    *,
    on_incomplete: OnIncomplete = "raise",
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
) -> Iterator[Event]:
    """Yield the events of a stream given as byte fragments split anywhere.

    A stream cut in the middle of an event raises ``IncompleteStreamError`` (its
    ``pending`` holds what was cut) unless ``on_incomplete`` is ``"ignore"`` (drop it,
    as browsers do) or ``"dispatch"`` (yield it as if it had been terminated).
    """
    _check_on_incomplete(on_incomplete)
    parser = EventParser(max_event_size=max_event_size)
    feed = parser.feed
    for fragment in fragments:
        yield from feed(fragment)
    tail = _finish(parser.close(), on_incomplete)
    if tail is not None:
        yield tail


async def aiter_events(
    fragments: AsyncIterable[bytes | bytearray | memoryview],
    *,
    on_incomplete: OnIncomplete = "raise",
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
) -> AsyncIterator[Event]:
    """``iter_events`` for an async iterable (``aiohttp``'s ``iter_any()``, httpx's ``aiter_bytes()``)."""
    _check_on_incomplete(on_incomplete)
    parser = EventParser(max_event_size=max_event_size)
    feed = parser.feed
    async for fragment in fragments:
        for event in feed(fragment):
            yield event
    tail = _finish(parser.close(), on_incomplete)
    if tail is not None:
        yield tail


def _check_on_incomplete(on_incomplete: str) -> None:
    if on_incomplete not in ("raise", "ignore", "dispatch"):
        raise ValueError(f"on_incomplete must be 'raise', 'ignore' or 'dispatch', not {on_incomplete!r}")


def _finish(pending: IncompleteEvent | None, on_incomplete: str) -> Event | None:
    if pending is None or on_incomplete == "ignore":
        return None
    if on_incomplete == "raise":
        raise IncompleteStreamError(pending)
    return pending.to_event() if pending.data else None
