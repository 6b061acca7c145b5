"""Reconnection, sans I/O: what to send, how long to wait, and when to stop.

An ``EventSource`` in a browser reconnects by itself; a Python client has to. The
rules followed here are those of the WHATWG HTML standard (server-sent events, the
``EventSource`` processing model):

- The end of a response body, or a network error, means *reconnect*: wait the
  reconnection time (set by the stream's ``retry`` field, else a client default),
  optionally longer when attempts keep failing (we back off exponentially, with
  jitter), then ask again, sending ``Last-Event-ID`` when the last event ID is not
  empty.
- A response whose status is not 200, or whose Content-Type is not
  ``text/event-stream``, *fails the connection*: no reconnection. 204 No Content is
  how a server says "stop". (``ReconnectPolicy.retry_statuses`` opts some statuses,
  such as 503, into being retried; the standard retries none.)
- The last event ID is committed by the blank line that ends a block, so the id of an
  event cut by the disconnect is never committed, and that event is never dispatched:
  a server that honours ``Last-Event-ID`` sends it again, whole. Each event is thus
  delivered once, none is lost, provided the server gives its events ids.

``Reconnector`` owns one ``EventParser`` per connection and carries the last event ID
and the reconnection time from one connection to the next; the caller does the I/O
and the sleeping. Delays are in seconds (floats, as ``time.sleep`` takes them); the
stream's ``retry`` is in milliseconds, as on the wire.
"""

from __future__ import annotations

import contextlib
import math
import random as _random
from collections.abc import Callable, Iterable
from typing import Final, Literal, overload

import attrs

from ._errors import EventTooLargeError, ParserClosedError, SseparseError, fragment_type_error
from ._events import Event, IncompleteEvent
from ._framing import DEFAULT_MAX_EVENT_SIZE, EventParser

__all__ = ["ReconnectDecision", "ReconnectPolicy", "Reconnector"]

_BOM: Final = b"\xef\xbb\xbf"
_EVENT_STREAM: Final = "text/event-stream"

_IDLE, _STREAMING, _REFUSED = 0, 1, 2


def _non_negative(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise ValueError(f"{attribute.name} must be a number >= 0, not {value!r}")


def _at_least_one(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 1:
        raise ValueError(f"{attribute.name} must be a number >= 1, not {value!r}")


def _finite(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    _non_negative(instance, attribute, value)
    if not math.isfinite(value):
        raise ValueError(f"{attribute.name} must be finite, not {value!r}")


def _statuses(value: Iterable[int]) -> frozenset[int]:
    return frozenset(value)


def _attempts(instance: object, attribute: attrs.Attribute[int | None], value: int | None) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ValueError(f"max_attempts must be None or an int >= 0, not {value!r}")


@attrs.frozen(slots=True, kw_only=True)
class ReconnectPolicy:
    """How long to wait before reconnecting, and when to give up. Immutable, shareable.

    ``initial_delay``: seconds to wait until the stream sets ``retry`` (browsers use
    a few seconds; 3 here). ``max_delay``: the backoff stops growing there; a wait the
    server asked for (``retry``, ``Retry-After``) is honoured even above it, as the
    standard says the reconnection time is a minimum, up to ``max_server_delay``
    (an hour): a stream's ``retry: 9223372036854775807`` or a ``Retry-After`` of a
    thousand digits is cut there, so every delay is a number ``time.sleep`` and
    ``asyncio.sleep`` take. ``multiplier``: growth per failed
    attempt in a row. ``jitter``: up to this fraction is added at random, so that
    clients dropped together do not come back together; it only ever adds, never
    making a wait shorter than the server asked. ``max_attempts``: how many
    reconnections in a row may fail (end without delivering an event) before giving
    up; ``None`` never gives up. ``retry_statuses``: HTTP statuses that are retried
    with backoff instead of stopping (the standard stops on every status but 200; 429,
    502, 503 and 504 are the usual choice for a gateway). ``check_content_type``:
    stop on a 200 whose Content-Type is not ``text/event-stream``, as the standard
    says (an HTML page from a captive portal or a proxy is not a stream).
    """

    initial_delay: float = attrs.field(default=3.0, validator=_non_negative)
    max_delay: float = attrs.field(default=60.0, validator=_non_negative)
    max_server_delay: float = attrs.field(default=3600.0, validator=_finite)
    multiplier: float = attrs.field(default=2.0, validator=_at_least_one)
    jitter: float = attrs.field(default=0.2, validator=_non_negative)
    max_attempts: int | None = attrs.field(default=None, validator=_attempts)
    retry_statuses: frozenset[int] = attrs.field(default=frozenset(), converter=_statuses)
    check_content_type: bool = True

    def delay(self, attempt: int, retry: int | None = None, random: float = 0.0) -> float:
        """Seconds to wait before reconnection number ``attempt`` in a row.

        ``attempt`` is 1 for the first reconnection after a connection that delivered
        events; each failed attempt adds one. ``retry`` is the stream's reconnection
        time in milliseconds (``None`` until it set one), the base of the backoff;
        ``random`` is a number in [0, 1) that picks the jitter. The result is
        ``base * multiplier ** (attempt - 1)``, capped at ``max_delay`` (or at the
        base when the server asked for more), times ``1 + jitter * random``. A base
        from ``retry`` is at most ``max_server_delay``.
        """
        if attempt < 1:
            raise ValueError(f"attempt must be >= 1, not {attempt!r}")
        if not 0.0 <= random < 1.0:
            raise ValueError(f"random must be in [0, 1), not {random!r}")
        base = self.initial_delay if retry is None else min(retry / 1000.0, self.max_server_delay)
        cap = max(self.max_delay, base)
        try:
            grown = base * float(self.multiplier) ** (attempt - 1)
        except OverflowError:  # a very long outage: the cap was reached long ago
            grown = cap
        nominal = min(grown, cap)
        return nominal * (1.0 + self.jitter * random)


@attrs.frozen(slots=True, kw_only=True)
class ReconnectDecision:
    """What to do after a connection ended: ``reconnect`` after ``delay`` seconds,
    sending ``headers`` (``Last-Event-ID`` is ``last_event_id``), or stop.

    ``reason`` says why, for logs. ``attempt`` is the number of this reconnection in a
    row without an event delivered (1 after a connection that delivered some).
    ``status`` is the status of the attempt's response (``None`` when none came). ``cut`` is the
    event the disconnect cut short: it was not delivered, and a server that honours
    ``Last-Event-ID`` sends it again. ``error`` is the exception the caller reported.
    """

    reconnect: bool
    delay: float
    reason: str
    last_event_id: str
    attempt: int = 0
    status: int | None = None
    cut: IncompleteEvent | None = None
    error: BaseException | None = None

    @property
    def stop(self) -> bool:
        return not self.reconnect


class Reconnector:
    """Follows one event stream across reconnections; the caller does the I/O.

    Per connection attempt: send ``request_headers()``; report the response with
    ``response(status, content_type)`` and, when it returns true, ``feed()`` the body's
    bytes (it returns the events to deliver); when the body ends, the connection
    breaks, or the request fails, call ``disconnected()`` and follow the
    ``ReconnectDecision`` it returns (sleep ``delay`` and loop, or stop).

    ``last_event_id`` and ``retry`` (milliseconds) start from the arguments (resume a
    stream saved earlier) and follow the stream; ``random`` returns numbers in [0, 1)
    and picks the jitter (inject a seeded one in tests).

    Every event ``feed()`` returns is complete; an event the disconnect cut is never
    returned, and its id is not committed (see ``ReconnectDecision.cut``). Events on a
    new connection that carry no ``id`` field keep the last event ID in force, as in
    a browser, because the new connection's parser starts from it.
    """

    __slots__ = (
        "_attempt",
        "_content_type",
        "_delivered",
        "_head",
        "_last_event_id",
        "_max_event_size",
        "_parser",
        "_policy",
        "_random",
        "_retry",
        "_retry_after",
        "_state",
        "_status",
    )

    def __init__(
        self,
        policy: ReconnectPolicy | None = None,
        *,
        last_event_id: str = "",
        retry: int | None = None,
        random: Callable[[], float] = _random.random,
        max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
    ) -> None:
        if any(c in last_event_id for c in "\r\n\x00"):
            raise ValueError("last_event_id cannot contain CR, LF or NUL: no stream can set such an id")
        if retry is not None and (isinstance(retry, bool) or not isinstance(retry, int) or retry < 0):
            raise ValueError(f"retry must be None or milliseconds as an int >= 0, not {retry!r}")
        self._policy = ReconnectPolicy() if policy is None else policy
        self._random = random
        self._max_event_size = max_event_size
        self._last_event_id = last_event_id
        self._retry = retry
        self._attempt = 0  # reconnections in a row since events were last delivered
        self._state = _IDLE
        self._status: int | None = None
        self._retry_after: float | None = None
        self._content_type: str | None = None
        self._parser: EventParser | None = None
        self._head: bytes | None = None  # first bytes held until a leading BOM is decided
        self._delivered = 0  # events delivered by the current connection

    @property
    def policy(self) -> ReconnectPolicy:
        return self._policy

    @property
    def last_event_id(self) -> str:
        """The id of the last complete block: what ``Last-Event-ID`` carries."""
        parser = self._parser
        if parser is not None and self._head is None:
            return parser.last_event_id
        return self._last_event_id

    @property
    def retry(self) -> int | None:
        """The reconnection time in milliseconds the stream set, if it set one."""
        parser = self._parser
        if parser is not None and parser.retry is not None:
            return parser.retry
        return self._retry

    @property
    def attempt(self) -> int:
        """Reconnections in a row since an event was last delivered."""
        return self._attempt

    @overload
    def request_headers(self, *, as_bytes: Literal[False] = False) -> dict[str, str]: ...

    @overload
    def request_headers(self, *, as_bytes: Literal[True]) -> dict[bytes, bytes]: ...

    def request_headers(self, *, as_bytes: bool = False) -> dict[str, str] | dict[bytes, bytes]:
        """Headers for the next request: ``Accept``, ``Cache-Control: no-cache`` (as
        ``EventSource`` sends them) and ``Last-Event-ID`` when there is one.

        The standard sends the id UTF-8 encoded. ``as_bytes=True`` gives names and
        values as those bytes, which every client sends as they are: use it with
        httpx, requests and urllib3, which cannot send a non-ASCII ``str`` value
        (``café-1`` raises ``UnicodeEncodeError`` in httpx). aiohttp takes the ``str``
        form and encodes it as UTF-8 itself.

        The id is the one the parser decoded: an id that was not valid UTF-8 on the
        wire had its bad bytes replaced by U+FFFD (3 bytes each) and is sent so, as a
        browser sends it; the server never gets its own bytes back and cannot resume
        from them. Ids must be UTF-8 text (ASCII is safest) to be resumable.
        """
        last_event_id = self.last_event_id
        if as_bytes:
            raw = {b"Accept": _EVENT_STREAM.encode(), b"Cache-Control": b"no-cache"}
            if last_event_id:
                raw[b"Last-Event-ID"] = last_event_id.encode("utf-8")
            return raw
        headers = {"Accept": _EVENT_STREAM, "Cache-Control": "no-cache"}
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        return headers

    def response(self, status: int, content_type: str | None, *, retry_after: str | float | None = None) -> bool:
        """Report a response's status and ``Content-Type`` header (``None`` when absent).

        Returns true when its body is an event stream to ``feed()``; false when it is
        not (read an error body if you like, then call ``disconnected()``, which says
        whether to retry). ``retry_after`` is the ``Retry-After`` header, honoured as a
        minimum wait for a status in ``retry_statuses`` (seconds; an HTTP date is ignored).
        """
        if self._state != _IDLE:
            raise ParserClosedError("response() was already called for this connection; call disconnected() first")
        self._status = status
        self._content_type = content_type
        self._retry_after = _parse_retry_after(retry_after)
        if status != 200 or (self._policy.check_content_type and not _is_event_stream(content_type)):
            self._state = _REFUSED
            return False
        self._state = _STREAMING
        self._parser = EventParser(max_event_size=self._max_event_size)
        self._head = b"" if self._last_event_id else None
        self._delivered = 0
        return True

    def feed(self, data: bytes | bytearray | memoryview) -> list[Event]:
        """Parse a fragment of the body; return the complete events to deliver."""
        parser = self._parser
        if self._state != _STREAMING or parser is None:
            raise ParserClosedError("no stream is open: feed() comes after response() returned true")
        if self._head is not None:
            if type(data) is not bytes and (isinstance(data, str) or not isinstance(data, (bytearray, memoryview))):
                try:
                    data = memoryview(data)  # any other bytes-like object; never bytes(int)
                except TypeError:
                    raise fragment_type_error(data, "Reconnector.feed()") from None
            head = self._head + bytes(data)
            if len(head) < len(_BOM) and _BOM.startswith(head):
                self._head = head
                return []
            data = self._seeded(head)
        try:
            events = parser.feed(data)
        except EventTooLargeError as exc:
            self._delivered += len(exc.events)  # dispatched all the same: the caller has them
            raise
        self._delivered += len(events)
        return events

    def abandon(self, last_event_id: str | None = None) -> None:
        """The caller stops reading this connection on its own (a ``break``, a
        cancellation, an exception of its own): forget it, without a decision, so that
        the next attempt can begin with ``request_headers()`` and ``response()``.

        The last event ID stays that of the last complete block fed. If you stopped
        in the middle of the events one ``feed()`` returned, pass the id of the last
        event you handled (``event.id``), so that resuming sends the others again.
        Harmless when no connection is open.
        """
        if last_event_id is not None and any(c in last_event_id for c in "\r\n\x00"):
            raise ValueError("last_event_id cannot contain CR, LF or NUL: no stream can set such an id")
        self._close_parser()
        self._state = _IDLE
        self._status = None
        if last_event_id is not None:
            self._last_event_id = last_event_id

    def disconnected(self, error: BaseException | None = None) -> ReconnectDecision:
        """The connection ended (or the request failed: pass the exception, for the
        ``reason``). Returns whether and when to reconnect; ready for the next attempt."""
        state, status = self._state, self._status
        cut = self._close_parser()
        self._state = _IDLE
        self._status = None
        if state == _REFUSED:
            assert status is not None
            if status == 200:
                return self._stop(
                    f"Content-Type {self._content_type!r} is not {_EVENT_STREAM}: not a stream", status, error
                )
            if status == 204:
                return self._stop("204 No Content: the server asked the client to stop", status, error)
            if status not in self._policy.retry_statuses:
                return self._stop(f"HTTP {status}: not a stream, and not a status to retry", status, error)
            return self._failed(f"HTTP {status}", status, error, None, self._retry_after)
        if state == _STREAMING and self._delivered:
            self._attempt = 0
        if error is not None:
            reason = f"connection lost: {type(error).__name__}: {error}"
        elif state == _STREAMING:
            reason = "the stream ended"
        else:
            reason = "no response"
        if cut is not None:
            reason += " in the middle of an event"
        return self._failed(reason, status, error, cut, None)

    # -- internals ----------------------------------------------------------------------

    def _seeded(self, head: bytes) -> bytes:
        """The first bytes of a connection, after a line that makes the new parser start
        from the last event ID in force (``id: X`` and a blank line: no event)."""
        self._head = None
        head = head.removeprefix(_BOM)  # the stream's BOM must come first: it goes before the seed
        return b"id: " + self._last_event_id.encode("utf-8") + b"\n\n" + head

    def _close_parser(self) -> IncompleteEvent | None:
        parser, self._parser = self._parser, None
        if parser is None:
            return None
        if self._head is not None:  # only part of a BOM came: the seed still sets the id
            with contextlib.suppress(SseparseError):
                parser.feed(self._seeded(self._head))
        try:
            cut = parser.close()
        except ParserClosedError:  # it failed earlier (a limit): nothing was cut
            cut = None
        self._last_event_id = parser.last_event_id
        if parser.retry is not None:
            self._retry = parser.retry
        return cut

    def _failed(
        self,
        reason: str,
        status: int | None,
        error: BaseException | None,
        cut: IncompleteEvent | None,
        at_least: float | None,
    ) -> ReconnectDecision:
        attempt = self._attempt + 1
        limit = self._policy.max_attempts
        if limit is not None and attempt > limit:
            reason = f"{reason}; gave up after {limit} reconnections in a row without an event"
            return self._stop(reason, status, error, cut)
        self._attempt = attempt
        delay = self._policy.delay(attempt, self._retry, self._random())
        if at_least is not None:
            delay = max(delay, min(at_least, self._policy.max_server_delay))
        return ReconnectDecision(
            reconnect=True,
            delay=delay,
            reason=reason,
            last_event_id=self._last_event_id,
            attempt=attempt,
            status=status,
            cut=cut,
            error=error,
        )

    def _stop(
        self, reason: str, status: int | None, error: BaseException | None, cut: IncompleteEvent | None = None
    ) -> ReconnectDecision:
        return ReconnectDecision(
            reconnect=False,
            delay=0.0,
            reason=reason,
            last_event_id=self._last_event_id,
            attempt=self._attempt,
            status=status,
            cut=cut,
            error=error,
        )


def _is_event_stream(content_type: str | None) -> bool:
    """MIME essence comparison, as the standard does: parameters and case do not count."""
    if content_type is None:
        return False
    return content_type.split(";", 1)[0].strip().lower() == _EVENT_STREAM


def _parse_retry_after(value: str | float | None) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            return float(value) if value >= 0 else None
        except OverflowError:  # an int too large for a float
            return math.inf
    text = value.strip()
    if text.isascii() and text.isdigit():
        # More digits than any sane wait (the cap is applied later): never an
        # OverflowError from float() nor int()'s digit limit.
        return float(int(text)) if len(text) <= 15 else math.inf
    return None  # an HTTP date: a clock would be needed, and this module has none
