"""One exception hierarchy: everything sseparse raises on purpose is a ``SseparseError``.

Messages quote a short prefix of the offending input, never all of it: an event can
be megabytes long and an exception message ends up in logs. ``quote_prefix`` cuts
text, ``short_repr`` any decoded JSON value (without building its whole repr, and
without recursion however deep it is nested).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._completion import Completion, Delta, ToolCall
    from ._events import Event, IncompleteEvent

__all__ = [
    "short_repr",
    "describe_exception",
    "quote_prefix",
    "SseparseError",
    "EventTooLargeError",
    "ParserClosedError",
    "IncompleteStreamError",
    "ChunkDecodeError",
    "ProviderError",
    "DialectError",
    "ToolArgumentsError",
    "InputTypeError",
    "ResponseError",
    "EncodeError",
    "PartialJSONError",
]

#: How many characters of offending input an error message quotes.
PREFIX_LENGTH = 64

#: How many characters of a provider's own error message a ``ProviderError`` keeps in
#: ``message`` (and in its text); the whole object stays in ``error``.
MESSAGE_LENGTH = 1000

#: Integers wider than this are shown by their size: ``repr`` of a huge int is slow,
#: and refused past 4300 digits.
_INT_BITS = 256


def quote_prefix(data: str | bytes | bytearray | memoryview, length: int = PREFIX_LENGTH) -> str:
    """A short ``repr`` of the start of ``data``, marked when it was cut."""
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    head = data[:length]
    text = repr(head)
    if len(data) > length:
        text += "..."
    return text


def short_repr(value: Any, length: int = PREFIX_LENGTH) -> str:
    """``repr(value)`` cut at ``length`` characters (marked ``...`` when cut), for a
    message: built piece by piece, stopping once long enough, and iterative, so a
    huge or deeply nested value costs what the prefix costs."""
    parts: list[str] = []
    size = 0
    # Each frame: an iterator over a container's items, its closing bracket, whether
    # it is a dict, and whether an item was written yet.
    stack: list[list[Any]] = []
    item: Any = value
    has_item = True
    while size <= length:
        if has_item:
            opened = _open(item, length)
            if isinstance(opened, str):
                text = opened
            else:
                text = opened[0]
                stack.append([opened[1], opened[2], opened[3], False])
            parts.append(text)
            size += len(text)
            has_item = False
            continue
        if not stack:
            break
        frame = stack[-1]
        entry: Any = next(frame[0], _END)
        if entry is _END:
            stack.pop()
            parts.append(frame[1])
            size += len(frame[1])
            continue
        if frame[3]:
            parts.append(", ")
            size += 2
        frame[3] = True
        if frame[2]:
            key = _open(entry[0], length)
            text = (key if isinstance(key, str) else f"<{type(entry[0]).__name__}>") + ": "
            parts.append(text)
            size += len(text)
            item = entry[1]
        else:
            item = entry
        has_item = True
    text = "".join(parts)
    if size > length or stack or has_item:
        return text[:length] + "..."
    return text


_END = object()


def _open(value: Any, length: int) -> str | tuple[str, Any, str, bool]:
    """The text of a scalar (cut), or how a container opens: its bracket, an iterator
    over its items, its closing bracket, whether it is a dict."""
    if isinstance(value, str):
        return repr(value[:length]) + ("..." if len(value) > length else "")
    if isinstance(value, (bytes, bytearray)):
        return repr(bytes(value[:length])) + ("..." if len(value) > length else "")
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return repr(value) if value.bit_length() <= _INT_BITS else f"<int of {value.bit_length()} bits>"
    if isinstance(value, dict):
        return ("{", iter(value.items()), "}", True)
    if isinstance(value, list):
        return ("[", iter(value), "]", False)
    return f"<{type(value).__name__}>"


def cut_text(text: str, length: int = MESSAGE_LENGTH) -> str:
    """``text`` itself, or its first ``length`` characters marked ``...`` when longer."""
    return text if len(text) <= length else text[:length] + "..."


def describe_exception(exc: BaseException) -> str:
    """``"TypeName: text"`` for an unexpected exception, its text cut short (``str()``
    of a ``KeyError`` is the repr of its key, which input may have made huge or deep)."""
    args = exc.args
    if len(args) == 1 and isinstance(args[0], str):
        text = cut_text(args[0], 4 * PREFIX_LENGTH)
    elif args:
        text = short_repr(args[0] if len(args) == 1 else list(args))
    else:
        text = ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class SseparseError(Exception):
    """Base class of every error sseparse raises.

    An error raised while accumulating a stream carries what was built before it, so
    that nothing is lost: ``completion`` is the partial ``Completion`` (with
    ``complete=False`` and its ``error`` entry), ``deltas`` the deltas the failing
    call had produced before the error and could not return.
    """

    completion: Completion | None = None
    deltas: Sequence[Delta] = ()


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

    def __init__(self, pending: IncompleteEvent | None = None, *, message: str | None = None) -> None:
        self.pending = pending
        if message is None:
            if pending is None:
                message = "stream ended before its end marker"
            else:
                message = (
                    "stream ended in the middle of an event "
                    f"(event={quote_prefix(pending.event)}, data={quote_prefix(pending.data)}); "
                    "it was not dispatched"
                )
        super().__init__(message)


class ChunkDecodeError(SseparseError):
    """An event's data is not the JSON chunk its dialect expects.

    ``index`` is the event's position among those with data; ``event`` the event
    itself, or ``None`` when the error surfaced where the event was no longer at hand
    (the compiled path reads events without building them)."""

    def __init__(self, message: str, *, index: int, event: Event | None) -> None:
        self.index = index
        self.event = event
        data = getattr(event, "data", "")
        name = quote_prefix(getattr(event, "event", "?"))
        super().__init__(f"event #{index} ({name}, data {quote_prefix(data)}): {cut_text(message)}")


class ProviderError(SseparseError):
    """The provider sent an error inside the stream.

    ``error`` is the provider's error object exactly as sent (all of it); ``message``,
    ``code`` and ``type`` (Google's ``status`` when it has no ``type``) are lifted out
    of it when present, as text cut to a bounded length (``MESSAGE_LENGTH``
    characters for the message, ``PREFIX_LENGTH`` for the others), and so is the
    exception's own text. ``request_id`` is the id the provider gave the request
    beside its error object (Anthropic's ``request_id``), for its support; ``None``
    when it sent none. Raised by sseparse, it always carries the partial
    ``completion``.
    """

    completion: Completion

    def __init__(self, error: Any, *, dialect: str = "", request_id: Any = None) -> None:
        self.error = error
        self.dialect = dialect
        self.request_id: str | None = _as_text(request_id, PREFIX_LENGTH)
        obj = error if isinstance(error, dict) else {}
        if obj:
            self.message: str | None = _as_text(obj.get("message"), MESSAGE_LENGTH)
        else:
            self.message = _as_text(error, MESSAGE_LENGTH) if error else None
        self.code: str | None = _as_text(obj.get("code"), PREFIX_LENGTH)
        kind = obj.get("type")
        self.type: str | None = _as_text(kind if kind is not None else obj.get("status"), PREFIX_LENGTH)
        parts = [p for p in (self.type, self.code) if p]
        label = f" [{', '.join(parts)}]" if parts else ""
        where = f"{cut_text(dialect, PREFIX_LENGTH)} " if dialect else ""
        super().__init__(f"{where}provider error{label}: {self.message or short_repr(error)}")


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
            f"arguments of tool call #{tool_call.index} ({short_repr(tool_call.name)}, id {short_repr(tool_call.id)}) "
            f"are not valid JSON: {cut_text(reason)}; they start with {quote_prefix(tool_call.arguments)}"
        )


class InputTypeError(SseparseError, TypeError):
    """Something that is not a bytes-like object was given where byte fragments go.

    Also a ``TypeError``. Decoded text is refused (the parser decodes UTF-8 itself, as
    the standard says), and so is an ``int``: ``bytes(3)`` would be three NUL bytes.
    """


def fragment_type_error(data: object, where: str = "EventParser.feed()") -> InputTypeError:
    """The error for a fragment that is not bytes-like, naming what was passed."""
    if isinstance(data, str):
        return InputTypeError(f"{where} takes bytes, not str: pass response bytes, not decoded text")
    return InputTypeError(
        f"{where} takes a bytes-like object (bytes, bytearray, memoryview), not {type(data).__name__}"
    )


class ResponseError(SseparseError):
    """An HTTP response that is not an event stream (``sseparse.httpx`` / ``sseparse.aiohttp``).

    A status other than 200 (204 excepted, which ends a stream), or a 200 whose
    ``Content-Type`` is not ``text/event-stream``. ``status``, ``content_type`` and
    ``body`` (the start of the body, at most ``BODY_START`` bytes: a JSON error from
    the provider is there) say what came; the message quotes a short prefix of it.
    """

    #: How many bytes of the body are read and kept.
    BODY_START = 2048

    def __init__(self, status: int, content_type: str | None, body: bytes = b"", *, url: str = "") -> None:
        self.status = status
        self.content_type = content_type
        self.body = bytes(body[: self.BODY_START])
        self.url = url
        where = f" from {url}" if url else ""
        what = f"HTTP {status}" if status != 200 else f"Content-Type {content_type!r}"
        text = f"{what}{where} is not an event stream (status {status}, Content-Type {content_type!r})"
        if self.body:
            text += f"; the body starts with {quote_prefix(self.body, 200)}"
        super().__init__(text)


class PartialJSONError(SseparseError):
    """The text is not JSON (``incomplete=False``), or ended before the value did.

    ``position`` is the offset, in characters from the start of the document, of the
    first character no valid document can have there, or the document's length when
    it is incomplete. ``reason`` says what was expected.
    """

    def __init__(self, reason: str, *, position: int, found: str = "", incomplete: bool = False) -> None:
        self.reason = reason
        self.position = position
        self.incomplete = incomplete
        if incomplete:
            message = f"incomplete JSON: the document ended at character {position} before {reason}"
        else:
            message = f"invalid JSON at character {position}: expected {reason}, found {found}"
        super().__init__(message)


class EncodeError(SseparseError, ValueError):
    """A value ``encode_event`` (or a stream writer) cannot write so that it parses
    back: a line end in ``event`` or ``id``, a NUL in ``id``, a negative ``retry``."""


def _as_text(value: Any, length: int) -> str | None:
    """A value of the provider's error as text: a string cut, anything else as its
    short repr (an int code reads as itself)."""
    if value is None:
        return None
    if isinstance(value, str):
        return cut_text(value, length)
    return short_repr(value, length)
