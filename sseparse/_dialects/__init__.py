"""Dialects: a registry of reducer classes, one per wire format, and ``auto`` detection.

Adding a dialect is writing one ``Reducer`` subclass and listing it in ``_REDUCERS``.
Detection looks at the first event that carries data and knows all four formats the
product speaks, so that a stream in a format this version does not read yet gets a
message saying which format it is, not "unrecognised".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import _twins
from .._errors import DialectError, quote_prefix
from . import _base
from ._base import NOT_JSON, Reducer, decode_json, fastpath
from ._contract import HAS_CHAT_OBJECT, HAS_CHOICES, HAS_ERROR, HAS_GEMINI
from .anthropic import EVENT_TYPES as ANTHROPIC_EVENT_TYPES
from .anthropic import AnthropicReducer
from .gemini import GeminiReducer
from .openai_chat import OpenAIChatReducer
from .openai_responses import OpenAIResponsesReducer

if TYPE_CHECKING:
    from .._events import Event

__all__ = ["AUTO", "Reducer", "NOT_JSON", "dialect_names", "reducer_class", "create_reducer", "detect", "fast_detect", "fast_rules"]

AUTO = "auto"

_REDUCERS: dict[str, type[Reducer]] = {
    cls.name: cls for cls in (OpenAIChatReducer, AnthropicReducer, OpenAIResponsesReducer, GeminiReducer)
}

# Event types (SSE ``event:`` or the data's ``type``) that only one format uses.
_ANTHROPIC_TYPES = ANTHROPIC_EVENT_TYPES
assert "message" not in _ANTHROPIC_TYPES  # the default event name: see _guess
_GEMINI_KEYS = ("candidates", "usageMetadata", "promptFeedback", "modelVersion")


def dialect_names() -> tuple[str, ...]:
    """The dialects this version reads (``auto`` not included)."""
    return tuple(_REDUCERS)


def reducer_class(name: str, compiled: bool = True) -> type[Reducer]:
    """The reducer class of dialect ``name``; ``DialectError`` names the known ones.
    ``compiled=False``: the pure one (see ``_twins``), also where the compiled one is
    built."""
    try:
        return (_REDUCERS if compiled else _pure_reducers())[name]
    except (KeyError, TypeError):
        known = ", ".join([AUTO, *_REDUCERS])
        raise DialectError(f"unknown dialect {name!r}; known dialects: {known}") from None


def create_reducer(name: str, compiled: bool = True) -> Reducer:
    """A fresh reducer for dialect ``name``; ``DialectError`` names the known ones.
    ``compiled=False`` keeps it off the compiled fast path."""
    return reducer_class(name, compiled)(compiled)


def _pure_reducers() -> dict[str, type[Reducer]]:
    """The registry of the pure reducers: this one, unless the reducers were loaded
    from their compiled build (then the registry of their twins)."""
    if not _twins.compiled(_base):
        return _REDUCERS
    from .._pure._dialects import _REDUCERS as pure  # type: ignore[import-not-found]

    return pure  # type: ignore[no-any-return]


def detect(event: Event) -> tuple[str | None, Any]:
    """The dialect of a stream whose first event with data is ``event``, and that
    event's decoded JSON (``NOT_JSON`` if it is not JSON), so that it is decoded once.

    Returns ``(None, NOT_JSON)`` for an event with blank data (a keep-alive: wait for
    the next one). Raises ``DialectError`` when the event fits no known format, or a
    format this version does not read yet.

    The rules, first match wins (``type`` is the data's ``type`` member, ``event`` the
    SSE event name):

    1. Data that is not a JSON object: ``[DONE]``, or any data under ``event: error``,
       is ``openai-chat``; anything else is undetectable.
    2. ``event`` or ``type`` starting with ``response.`` is ``openai-responses``.
    3. ``event`` or ``type`` one of Anthropic's (``message_start``,
       ``content_block_delta``, ``ping``...) is ``anthropic``.
    4. ``type`` ``error``: ``openai-responses`` when the event has a
       ``sequence_number`` (every Responses event has one) or its error is not a
       nested object, else ``anthropic``.
    5. A member ``candidates``, ``usageMetadata``, ``promptFeedback`` or
       ``modelVersion``, or an ``error`` object shaped as Google's RPC status (an
       integer ``code`` and a ``status`` name such as ``RESOURCE_EXHAUSTED``), is
       ``gemini``.
    6. ``object`` ``chat.completion.chunk``, a member ``choices``, or any other
       ``error`` member is ``openai-chat``.
    """
    data = event.data
    if not data or data.isspace():
        return None, NOT_JSON
    try:
        obj: Any = decode_json(data)  # json.loads, faster on a chunk with nothing around it
    except (ValueError, RecursionError):
        obj = NOT_JSON
    name = _guess(event.event, data, obj)
    if name is None:
        raise DialectError(
            f"cannot detect the dialect from the first event (event={quote_prefix(event.event)}, data "
            f"{quote_prefix(data)}); pass dialect= one of: {', '.join(_REDUCERS)}"
        )
    if name not in _REDUCERS:
        raise DialectError(
            f"the stream looks like the {name!r} dialect, which this version of sseparse "
            f"does not read yet; known dialects: {', '.join(_REDUCERS)}"
        )
    return name, obj


def _guess(event_type: str, data: str, obj: Any) -> str | None:
    if type(obj) is not dict:
        if data.startswith("[DONE]"):
            return "openai-chat"
        # A stream that fails at once with a plain-text `event: error`: the reader that
        # turns it into a ProviderError carrying the message beats "undetectable".
        return "openai-chat" if event_type == "error" else None
    kind = obj.get("type")
    kind = kind if type(kind) is str else ""
    mask = (
        (HAS_CHOICES if "choices" in obj else 0)
        | (HAS_ERROR if "error" in obj else 0)
        | (0 if obj.keys().isdisjoint(_GEMINI_KEYS) else HAS_GEMINI)
        | (HAS_CHAT_OBJECT if obj.get("object") == "chat.completion.chunk" else 0)
    )
    name = _by_members(event_type, kind, mask)
    if not isinstance(name, _Inside):
        return name
    if kind == "error":  # both send it as `event: error`; only Responses events are numbered
        if "sequence_number" in obj or not isinstance(obj.get("error"), dict):
            return "openai-responses"
        return "anthropic"
    error = obj["error"]
    if isinstance(error, dict) and type(error.get("code")) is int and type(error.get("status")) is str:
        return "gemini"  # google.rpc.Status; OpenAI-compatible errors have no `status`
    return "openai-chat"




class _Inside:
    """``_by_members``'s answer when an error rule decides: it reads a member's value."""

    __slots__ = ()


_INSIDE = _Inside()


def _by_members(event_type: str, kind: str, mask: int) -> str | _Inside | None:
    """Rules 2 to 6 on the event name, the data's ``type`` (a string, "" if none) and
    which members it has: a dialect name, ``None``, or ``_INSIDE`` when an ``error``
    rule must read a member's value (``_guess`` does; ``fast_detect`` leaves it to it)."""
    # Rules 2 to 4 need a `type` or an event name; `message`, the default, is none of
    # theirs (the chunks of openai-chat and gemini skip them).
    if kind or event_type != "message":
        if event_type.startswith("response.") or kind.startswith("response."):
            return "openai-responses"
        if event_type in _ANTHROPIC_TYPES or kind in _ANTHROPIC_TYPES:
            return "anthropic"
        if kind == "error":
            return _INSIDE
    if mask & HAS_GEMINI:
        return "gemini"
    if mask & HAS_ERROR:
        return _INSIDE
    if mask & (HAS_CHOICES | HAS_CHAT_OBJECT):
        return "openai-chat"
    return None


def fast_detect(event: Event) -> str | None:
    """``detect``'s answer when the compiled walker reads the event's data without
    decoding it and the answer needs no rule that looks inside a member (the
    ``error`` rules); ``None`` otherwise, and always without the compiled modules:
    then ``detect`` decides. Never a different answer from ``detect``'s: both read
    the rules from ``_by_members``."""
    if fastpath is None:
        return None
    facts = fastpath.top_level(event.data)
    if facts is None:
        return None
    return fast_rules(event.event, *facts)


def fast_rules(event_type: str, kind: str, mask: int) -> str | None:
    """``_by_members`` where it decides alone (``None`` where an ``error`` rule must
    read a member's value, or no rule matches: then ``detect`` decides): what the
    compiled path reads of the first event's bytes (``FastFeed._detect``, which keeps
    the answers), and ``fast_detect`` of an ``Event``."""
    name = _by_members(event_type, kind, mask)
    return None if isinstance(name, _Inside) else name
