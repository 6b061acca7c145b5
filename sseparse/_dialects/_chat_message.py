"""What a Chat Completions delta carries besides the fields every dialect has:
``annotations`` (web search citations), ``audio`` (``gpt-4o-audio``: its transcript
and data in pieces), ``reasoning_details`` (OpenRouter: reasoning entries with the
signature or encrypted data a client sends back), and any member a server adds.

They are gathered per choice into the members the non-streaming response's
``message`` would carry (``Completion.extra["choices"]``), so that nothing a server
sent is lost:

- ``annotations``: every entry, in arrival order;
- ``content_parts``: the typed content parts not read into the content or the
  reasoning (images, Mistral's ``reference`` parts...), in arrival order;
- ``audio``: ``transcript`` and ``data`` glued, its other members as last sent;
- ``reasoning_details``: entries merged by their ``index`` (their ``text``,
  ``summary`` and ``data`` glued, other members as last sent), an entry without an
  integer ``index`` kept whole;
- any other member: as last sent (``null`` sends nothing).

Work and memory are linear in what was sent; a view (``view``) is a new object each
time, so that a result read earlier keeps what it had.
"""

from __future__ import annotations

from typing import Any

from ._base import glue

__all__ = ["ChatMessage"]

_GLUED_AUDIO = frozenset({"transcript", "data"})
_GLUED_DETAIL = frozenset({"text", "summary", "data"})


class _Text:
    """A string member's pieces, glued when viewed."""

    __slots__ = ("pieces",)

    def __init__(self, piece: str) -> None:
        self.pieces = [piece]


def _merge(into: dict[str, Any], value: dict[str, Any], glued: frozenset[str]) -> None:
    for key, item in value.items():
        if item is None:
            continue
        if key in glued and type(item) is str:
            found = into.get(key)
            if type(found) is _Text:
                found.pieces.append(item)
                continue
            item = _Text(item)
        into[key] = item


def _view(value: dict[str, Any]) -> dict[str, Any]:
    return {key: glue(item.pieces) if type(item) is _Text else item for key, item in value.items()}


class ChatMessage:
    """One choice's members with no common field (see the module)."""

    __slots__ = ("members", "details")

    def __init__(self) -> None:
        self.members: dict[str, Any] = {}  # key -> value as kept (see take)
        self.details: dict[int, dict[str, Any]] | None = None  # reasoning_details entries by index

    def take(self, key: str, value: Any) -> list[Any]:
        """Fold in a delta's member ``key`` (``value`` not ``None``); returns the
        annotations it brought (for ``CitationDelta``), else an empty list."""
        members = self.members
        if (key == "annotations" or key == "content_parts") and type(value) is list:
            found = members.get(key)
            if type(found) is list:
                found.extend(value)
            else:
                members[key] = list(value)
            return value if key == "annotations" else []
        if key == "audio" and type(value) is dict:
            audio = members.get(key)
            if type(audio) is not dict:
                audio = members[key] = {}
            _merge(audio, value, _GLUED_AUDIO)
        elif key == "reasoning_details" and type(value) is list:
            entries = members.get(key)
            if type(entries) is not list:
                entries = members[key] = []
            by_index = self.details
            if by_index is None:
                by_index = self.details = {}
            for entry in value:
                if type(entry) is not dict:
                    entries.append(entry)
                    continue
                index = entry.get("index")
                merged = by_index.get(index) if type(index) is int else None
                if merged is None:
                    merged = {}
                    entries.append(merged)
                    if type(index) is int:
                        by_index[index] = merged
                _merge(merged, entry, _GLUED_DETAIL)
        else:
            members[key] = value
        return []

    def view(self) -> dict[str, Any]:
        """The members as plain data, a new object (lists and dicts it grows copied)."""
        out: dict[str, Any] = {}
        for key, value in self.members.items():
            if (key == "annotations" or key == "content_parts") and type(value) is list:
                value = list(value)
            elif key == "audio" and type(value) is dict:
                value = _view(value)
            elif key == "reasoning_details" and type(value) is list:
                value = [_view(entry) if type(entry) is dict else entry for entry in value]
            out[key] = value
        return out
