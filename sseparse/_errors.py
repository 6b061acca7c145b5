"""One exception hierarchy: everything sseparse raises on purpose is a ``SseparseError``.

Messages quote a short prefix of the offending input, never all of it: an event can
be megabytes long and an exception message ends up in logs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._completion import Completion, ToolCall

__all__ = [
    "SseparseError",
    "EventTooLargeError",
    "ParserClosedError",
    "IncompleteStreamError",
    "ChunkDecodeError",
    "ProviderError",
    "DialectError",
    "ToolArgumentsError",
    "EncodeError",
]

#: How many characters of offending input an error message quotes.
PREFIX_LENGTH = 64


def quote_prefix(data: str | bytes | bytearray | memoryview, length: int = PREFIX_LENGTH) -> str:
    """A short ``repr`` of the start of ``data``, marked when it was cut."""
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    head = data[:length]
    text = repr(head)
    if len(data) > length:
        text += "..."
    return text


class SseparseError(Exception):
    """Base class of every error sseparse raises.

    An error raised while accumulating a stream carries what was built before it, so
    that nothing is lost: ``completion`` is the partial ``Completion`` (with
    ``complete=False`` and its ``error`` entry), ``deltas`` the deltas the failing
    call had produced before the error and could not return.
    """

    completion: Completion | None = None
    deltas: Sequence[Any] = ()


class EventTooLargeError(SseparseError):
    """An event, or one line of it, grew past ``max_event_size``.

    The parser refuses the stream from here on: bytes that belong to the oversized
    event have been dropped, so any later event could be corrupt.
    """

    def __init__(self, size: int, limit: int, prefix: bytes = b"") -> None:
        self.size = size
        self.limit = limit
        self.prefix = bytes(prefix[:PREFIX_LENGTH])
        super().__init__(
            f"event larger than max_event_size={limit} bytes "
            f"(at least {size} bytes pending); it starts with {quote_prefix(prefix)}"
        )
        self.events: list[Any] = []  # events completed earlier in the same feed() call


class ParserClosedError(SseparseError):
    """The parser was used after ``close()`` or after it raised a fatal error."""


class IncompleteStreamError(SseparseError):
    """The stream ended in the middle of an event, or before its dialect's end marker.

    ``pending`` holds what a cut event carried so far (an ``IncompleteEvent``, or
    ``None`` when the cut fell between two events), so nothing is lost even though
    the event was never dispatched. Raised by an accumulating driver, it also
    carries the partial ``completion``.
    """

    def __init__(self, pending: Any = None, *, message: str | None = None) -> None:
        self.pending = pending
        if message is None:
            if pending is None:
                message = "stream ended before its end marker"
            else:
                message = (
                    "stream ended in the middle of an event "
                    f"(event={pending.event!r}, data={quote_prefix(pending.data)}); "
                    "it was not dispatched"
                )
        super().__init__(message)


class ChunkDecodeError(SseparseError):
    """An event's data is not the JSON chunk its dialect expects."""

    def __init__(self, message: str, *, index: int, event: Any) -> None:
        self.index = index
        self.event = event
        data = getattr(event, "data", "")
        super().__init__(f"event #{index} ({getattr(event, 'event', '?')!r}, data {quote_prefix(data)}): {message}")


class ProviderError(SseparseError):
    """The provider sent an error inside the stream.

    ``error`` is the provider's error object exactly as sent; ``message``, ``code``
    and ``type`` are lifted out of it when present.
    """

    def __init__(self, error: Any, *, dialect: str = "") -> None:
        self.error = error
        self.dialect = dialect
        obj = error if isinstance(error, dict) else {}
        self.message: str | None = _as_text(obj.get("message")) if obj else (str(error) if error else None)
        self.code: str | None = _as_text(obj.get("code"))
        self.type: str | None = _as_text(obj.get("type"))
        parts = [p for p in (self.type, self.code) if p]
        label = f" [{', '.join(parts)}]" if parts else ""
        where = f"{dialect} " if dialect else ""
        super().__init__(f"{where}provider error{label}: {self.message or quote_prefix(repr(error))}")


class DialectError(SseparseError):
    """The dialect is unknown, or could not be detected from the stream."""


class ToolArgumentsError(SseparseError):
    """A tool call's arguments are not valid JSON (``ToolCall.parsed_arguments()``).

    The model wrote them, so this happens: a truncated stream, ``finish_reason``
    ``length``, or a model that does not follow the schema. ``tool_call`` is the
    call; its raw ``arguments`` text is untouched.
    """

    def __init__(self, tool_call: ToolCall, reason: str) -> None:
        self.tool_call = tool_call
        super().__init__(
            f"arguments of tool call #{tool_call.index} ({tool_call.name!r}, id {tool_call.id!r}) "
            f"are not valid JSON: {reason}; they start with {quote_prefix(tool_call.arguments)}"
        )


class EncodeError(SseparseError, ValueError):
    """A value ``encode_event`` (or a stream writer) cannot write so that it parses
    back: a line end in ``event`` or ``id``, a NUL in ``id``, a negative ``retry``."""


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)
