"""``encode_event``: one SSE event block, the exact inverse of ``EventParser``.

Gateways and test servers write events per token, so the common case (one line of
data and nothing else) is one scan for line ends, one concatenation and one encode;
everything rarer goes the longer way. Every value is written after ``": "``: the
parser strips exactly one space after the colon, so a value that starts with a
space keeps it.
"""

from __future__ import annotations

from ._errors import EncodeError, quote_prefix

__all__ = ["encode_event"]


def encode_event(
    data: str | None = None,
    *,
    event: str | None = None,
    id: str | None = None,  # noqa: A002 - the SSE field's own name
    retry: int | None = None,
    comment: str | None = None,
) -> bytes:
    """One event block, UTF-8 with LF line ends, ending with its blank line.

    Parsing the bytes gives back ``data`` (its CRLF / CR line ends as LF), ``event``
    and ``id``; an empty ``data`` still dispatches an event, ``data=None`` writes no
    data line (a block with only ``id``, ``retry`` or a comment dispatches nothing).
    ``comment`` is written first as ``:`` lines (one per line of it), the keep-alive
    proxies need: ``encode_event(comment="")`` is ``b":\\n\\n"``.

    Raises ``EncodeError`` (a ``ValueError`` and a ``SseparseError``) for what cannot
    be written so that it parses back: ``event`` or ``id`` containing CR or LF, ``id``
    containing NUL (the parser ignores such an id), ``retry`` that is not an ``int``
    ``>= 0``, and text that is not valid Unicode (a lone surrogate).
    """
    if event is None and id is None and retry is None and comment is None:
        if data is None:
            return b""
        if type(data) is str and "\n" not in data and "\r" not in data:  # the per-token case
            try:
                return ("data: " + data + "\n\n").encode()
            except UnicodeEncodeError as exc:
                raise EncodeError(f"data is not valid Unicode ({exc.reason}): {quote_prefix(data)}") from None
    parts: list[str] = []
    if comment is not None:
        _check_str("comment", comment)
        parts += [":" + line if not line else ": " + line for line in _lines(comment)]
    if event is not None:
        _check_str("event", event)
        if "\n" in event or "\r" in event:
            raise EncodeError(f"event must not contain CR or LF: {quote_prefix(event)}")
        parts.append("event: " + event)
    if id is not None:
        _check_str("id", id)
        if "\n" in id or "\r" in id or "\0" in id:
            raise EncodeError(f"id must not contain CR, LF or NUL: {quote_prefix(id)}")
        parts.append("id: " + id)
    if retry is not None:
        if type(retry) is not int or retry < 0:  # bool is an int subclass: refused
            raise EncodeError(f"retry must be an int >= 0 (milliseconds), not {retry!r:.64}")
        parts.append("retry: " + str(retry))
    if data is not None:
        _check_str("data", data)
        parts += ["data: " + line for line in _lines(data)]
    parts.append("\n")
    try:
        return "\n".join(parts).encode()
    except UnicodeEncodeError as exc:
        raise EncodeError(f"text is not valid Unicode ({exc.reason})") from None


def _lines(text: str) -> list[str]:
    """``text`` split at CRLF, LF and CR, as the parser splits lines (``str.splitlines``
    also splits at form feeds, U+2028 and others, which SSE does not)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


def _check_str(field: str, value: object) -> None:
    if type(value) is not str and not isinstance(value, str):
        raise EncodeError(f"{field} must be a str, not {type(value).__name__}")
