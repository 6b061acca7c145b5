"""The pure-Python event stream parser: the reference twin of ``_framing_c.pyx``.

Both implementations follow the WHATWG HTML "event stream interpretation" algorithm
and must behave identically, byte for byte, error for error; the test suite runs
every framing test against both and compares them on random input.

Why bytes and not text: every character the algorithm looks at (CR, LF, colon,
space) is ASCII, and a UTF-8 decoder never swallows an ASCII byte into an invalid
sequence, so splitting lines on bytes and decoding field values with
``errors="replace"`` gives exactly what decoding the whole stream first would give,
while a character cut between two fragments needs no special care: a line is only
decoded once it is complete.

Why linear: a fragment is searched for line terminators once, from its own start;
only the unterminated tail is kept (in ``_line``), and it is never searched again
because it holds no terminator. A lone CR ending a fragment ends its line at once
and only remembers to drop an LF that may start the next fragment.

Why bounded: everything the pending event holds counts against ``max_event_size``
(the data buffer, the event type, the ids at the size CPython stores them, and the
line being read), and a line or tail that cannot fit is refused before it is copied.
"""

from __future__ import annotations

from typing import Final

from ._errors import EventTooLargeError, ParserClosedError, fragment_type_error
from ._events import Event, IncompleteEvent

__all__ = ["EventParser", "DEFAULT_MAX_EVENT_SIZE"]

#: 64 MiB: real streams carry multi-megabyte base64 images in a single event.
DEFAULT_MAX_EVENT_SIZE: Final = 64 * 1024 * 1024

_BOM: Final = b"\xef\xbb\xbf"
_MAX_RETRY: Final = 2**63 - 1
_QUOTE: Final = 65  # bytes of the offending line kept for the error message

_OPEN, _CLOSED, _FAILED = 0, 1, 2


class EventParser:
    """Turns byte fragments, split anywhere, into ``Event`` objects.

    ``feed()`` returns the events completed by that fragment; ``close()`` ends the
    stream and returns an ``IncompleteEvent`` if it was cut in the middle of an
    event (``None`` otherwise).
    """

    __slots__ = (
        "_max",
        "_state",
        "_error",
        "_line",
        "_skip_lf",
        "_bom",
        "_data",
        "_data_size",
        "_event_type",
        "_id_buffer",
        "_last_event_id",
        "_id_size",
        "_last_id_size",
        "_ids_size",
        "_retry",
        "_block_retry",
        "_pending",
    )

    def __init__(self, *, max_event_size: int = DEFAULT_MAX_EVENT_SIZE) -> None:
        if isinstance(max_event_size, bool) or not isinstance(max_event_size, int):
            raise TypeError(f"max_event_size must be an int, not {type(max_event_size).__name__}")
        if max_event_size < 1:
            raise ValueError(f"max_event_size must be at least 1, not {max_event_size}")
        self._max = max_event_size
        self._state = _OPEN
        self._error: BaseException | None = None
        self._line = bytearray()  # the unterminated tail: never holds CR or LF
        self._skip_lf = False  # the last line ended with a CR that may pair with an LF
        self._bom: bytes | None = b""  # start-of-stream bytes held until the BOM is decided
        self._data: list[bytes] = []
        self._data_size = 0  # len of the data buffer, counting one LF per data line
        self._event_type = b""
        self._id_buffer = ""
        self._last_event_id = ""
        # Stored size of the ids held: the id buffer, plus the last event ID while a
        # new id line of this block has replaced it (until the blank line commits it).
        self._id_size = 0
        self._last_id_size = 0
        self._ids_size = 0
        self._retry: int | None = None
        self._block_retry: int | None = None
        self._pending = False  # a field line was seen since the last blank line

    @property
    def max_event_size(self) -> int:
        return self._max

    @property
    def last_event_id(self) -> str:
        """The last event ID committed by a blank line: send it as ``Last-Event-ID``."""
        return self._last_event_id

    @property
    def retry(self) -> int | None:
        """The reconnection time in milliseconds set by the stream, if any."""
        return self._retry

    @property
    def closed(self) -> bool:
        return self._state != _OPEN

    def feed(self, data: bytes | bytearray | memoryview, /) -> list[Event]:
        """Parse one fragment; return the events it completed, in order.

        If the stream breaks a limit, the ``EventTooLargeError`` carries the events
        this call completed before that point as ``.events``, and the parser refuses
        any further input.
        """
        if self._state != _OPEN:
            self._raise_closed()
        if type(data) is not bytes:
            # Through memoryview: bytes(5) would be five NUL bytes, bytes([100, 97]) b"da".
            if isinstance(data, str) or not _is_buffer(data):
                raise fragment_type_error(data)
            data = bytes(memoryview(data))
        start = 0
        if self._bom is not None:
            data = self._bom + data
            if len(data) < 3 and _BOM.startswith(data):
                self._bom = data
                return []
            self._bom = None
            if data.startswith(_BOM):
                start = 3
        if self._skip_lf and len(data) > start:
            self._skip_lf = False
            if data[start] == 0x0A:
                start += 1
        end = max(data.rfind(b"\n", start), data.rfind(b"\r", start))
        events: list[Event] = []
        # Bytes the pending event holds besides the line being read (see _held()).
        held = self._data_size + len(self._event_type) + self._ids_size
        if end < 0:  # a piece of a line: kept, if it fits
            if len(data) > start:
                if held + len(self._line) + len(data) - start > self._max:
                    self._refuse(data, start, events)
                self._line += data if start == 0 else memoryview(data)[start:]
            return events
        try:
            if held + len(self._line) + end + 1 - start <= self._max:
                # Nothing here can break the limit: split it all at once.
                if self._line:
                    complete = bytes(self._line) + data[start : end + 1]
                    self._line = bytearray()
                else:
                    complete = data[start : end + 1] if start or end + 1 < len(data) else data
                for line in complete.splitlines():
                    self._process(line, events)
            else:  # split line by line, refusing a line before copying it
                self._careful_lines(data, start, end, events)
            self._skip_lf = data[end] == 0x0D and end + 1 == len(data)
            if end + 1 < len(data):  # the unterminated tail, kept if it fits
                held = self._data_size + len(self._event_type) + self._ids_size
                if held + len(self._line) + len(data) - end - 1 > self._max:
                    self._extend_line(data, end + 1)  # raises
                self._line += data[end + 1 :]
        except EventTooLargeError as exc:
            self._fail(exc, events)
            raise
        return events

    def _refuse(self, data: bytes, start: int, events: list[Event]) -> None:
        """Fails on the unterminated tail ``data[start:]``, which does not fit."""
        try:
            self._extend_line(data, start)
        except EventTooLargeError as exc:
            self._fail(exc, events)
            raise

    def _careful_lines(self, data: bytes, start: int, end: int, events: list[Event]) -> None:
        # The next LF and the next CR are remembered separately (as in the compiled
        # parser): a stream that never uses one of them is not rescanned for it.
        pos, next_lf, next_cr, stop = start, start - 1, start - 1, end + 1
        while pos < stop:
            if next_lf < pos:
                next_lf = data.find(b"\n", pos, stop)
                if next_lf < 0:
                    next_lf = stop
            if next_cr < pos:
                next_cr = data.find(b"\r", pos, stop)
                if next_cr < 0:
                    next_cr = stop
            eol = min(next_lf, next_cr)
            size = self._held() + len(self._line) + eol - pos
            if size > self._max:
                raise EventTooLargeError(size, self._max, self._prefix(data, pos, eol))
            if self._line:
                line = bytes(self._line) + data[pos:eol]
                self._line = bytearray()
            else:
                line = data[pos:eol]
            self._process(line, events)
            pos = eol + 2 if data[eol] == 0x0D and eol + 1 < stop and data[eol + 1] == 0x0A else eol + 1

    def _extend_line(self, data: bytes, start: int) -> None:
        """Keeps the unterminated tail ``data[start:]``, refusing it before the copy."""
        size = self._held() + len(self._line) + len(data) - start
        if size > self._max:
            raise EventTooLargeError(size, self._max, self._prefix(data, start, len(data)))
        self._line += memoryview(data)[start:]

    def _prefix(self, data: bytes, start: int, stop: int) -> bytes:
        """The first bytes of the kept line followed by ``data[start:stop]``, for a message."""
        return (bytes(self._line[:_QUOTE]) + data[start : min(stop, start + _QUOTE)])[:_QUOTE]

    def _held(self) -> int:
        """Bytes the pending event holds besides the line being read: its data buffer
        (one LF per line), its event type, and the ids (at their stored size)."""
        return self._data_size + len(self._event_type) + self._ids_size

    def close(self) -> IncompleteEvent | None:
        """End the stream. Returns what a cut event carried, or ``None`` if none was cut.

        Per the WHATWG algorithm the cut event is not dispatched; it is returned so
        that the caller knows the stream was cut and loses nothing. Calling
        ``close()`` again returns ``None``.
        """
        if self._state == _FAILED:
            self._raise_closed()
        if self._state == _CLOSED:
            return None
        self._state = _CLOSED
        tail = bytes(self._line)
        if self._bom:
            tail = self._bom  # a stream shorter than a BOM, and not a BOM
        self._line = bytearray()
        self._bom = None
        if tail:
            # The unterminated line goes into the report, but it is not a line: it must
            # not change the reconnection time a transport reads after close().
            retry = self._retry
            self._process(tail, None)
            self._retry = retry
        if not self._pending:
            return None
        data = b"\n".join(self._data).decode("utf-8", "replace")
        pending = IncompleteEvent(
            self._event_type.decode("utf-8", "replace") or "message",
            data,
            self._id_buffer,
            self._block_retry,
            bool(self._data),
        )
        self._data = []
        self._data_size = 0
        return pending

    # -- internals -----------------------------------------------------------------

    def _process(self, line: bytes, events: list[Event] | None) -> None:
        """One line; ``events`` is None for the cut line ``close()`` reports."""
        if not line:
            self._dispatch(events if events is not None else [])
            return
        size = self._data_size + len(self._event_type) + self._ids_size + len(line)  # _held(), inlined
        if size > self._max:
            raise EventTooLargeError(size, self._max, line[:_QUOTE])
        if line[0] == 0x3A:  # ":" starts a comment
            return
        self._pending = True
        colon = line.find(b":")
        if colon < 0:
            name, value = line, b""
        else:
            name = line[:colon]
            value = line[colon + 2 :] if line[colon + 1 : colon + 2] == b" " else line[colon + 1 :]
        if name == b"data":
            self._data.append(value)
            self._data_size += len(value) + 1
        elif name == b"event":
            self._event_type = value
        elif name == b"id":
            if b"\x00" not in value:
                self._id_buffer = value.decode("utf-8", "replace")
                self._id_size = _stored_size(self._id_buffer)
                self._ids_size = self._id_size + self._last_id_size
                # A cut id is handed over by close(), not held: only a held one counts.
                if events is not None and self._held() > self._max:
                    raise EventTooLargeError(self._held(), self._max, line[:_QUOTE])
        elif name == b"retry":
            if value and value.isdigit() and len(value.lstrip(b"0")) <= 19:
                retry = int(value)
                if retry <= _MAX_RETRY:
                    self._retry = self._block_retry = retry

    def _dispatch(self, events: list[Event]) -> None:
        self._last_event_id = self._id_buffer
        self._ids_size = self._last_id_size = self._id_size
        retry, self._block_retry = self._block_retry, None
        self._pending = False
        event_type, self._event_type = self._event_type, b""
        if not self._data:
            return
        data = b"\n".join(self._data).decode("utf-8", "replace")
        self._data = []
        self._data_size = 0
        events.append(Event(event_type.decode("utf-8", "replace") or "message", data, self._id_buffer, retry))

    def _fail(self, exc: EventTooLargeError, events: list[Event]) -> None:
        exc.events = events
        self._state = _FAILED
        self._error = exc
        self._line = bytearray()
        self._data = []

    def _raise_closed(self) -> None:
        if self._state == _FAILED:
            raise ParserClosedError(f"the parser failed earlier and refuses more input: {self._error}") from self._error
        raise ParserClosedError("the parser is closed; create a new EventParser for a new stream")


def _stored_size(text: str) -> int:
    """Bytes CPython stores ``text`` in: 1, 2 or 4 per character, by its widest one."""
    if text.isascii():
        return len(text)
    widest = ord(max(text))
    return len(text) * (1 if widest < 0x100 else 2 if widest < 0x10000 else 4)


def _is_buffer(data: object) -> bool:
    try:
        memoryview(data)  # type: ignore[arg-type]
    except TypeError:
        return False
    return True
