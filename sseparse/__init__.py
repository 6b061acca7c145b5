"""sseparse: Server-Sent Events framing, chunk decoding and reduction, sans I/O.

bytes fragments -> ``EventParser`` -> ``Event`` -> dialect decoding -> reducers -> deltas
and a final ``Completion``. Every layer is usable on its own.
"""

from __future__ import annotations

from ._drivers import aiter_events, iter_events
from ._errors import (
    ChunkDecodeError,
    DialectError,
    EventTooLargeError,
    IncompleteStreamError,
    ParserClosedError,
    ProviderError,
    SseparseError,
)
from ._events import Event, IncompleteEvent
from ._framing import DEFAULT_MAX_EVENT_SIZE, IMPLEMENTATION, EventParser

__version__ = "0.1.0"

__all__ = [
    "IMPLEMENTATION",
    "DEFAULT_MAX_EVENT_SIZE",
    "EventParser",
    "Event",
    "IncompleteEvent",
    "iter_events",
    "aiter_events",
    "SseparseError",
    "EventTooLargeError",
    "ParserClosedError",
    "IncompleteStreamError",
    "ChunkDecodeError",
    "ProviderError",
    "DialectError",
]
