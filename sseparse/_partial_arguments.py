"""``PartialArguments``: a live tool call's arguments, parsed on demand as they arrive;
``PartialText``: a live custom tool call's input (free text), likewise.

A stateful driver of ``PartialJSONParser`` that every dialect's tool-call state
creates when someone reads ``Accumulator.partial_arguments()``; the frozen values
of the result live in ``_completion``.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from ._partial_json import EXACT_STRING_LIMIT, STRING_LAG_DIVISOR, PartialJSONError, PartialJSONParser

__all__ = ["PartialArguments", "PartialText"]


class PartialArguments:
    """A live tool call's arguments, parsed as far as they have arrived, on demand.

    Reducers keep each call's argument pieces in a list, and that append is all the
    hot path does: this reader is created only when someone asks for the partial
    value, and each read feeds a ``PartialJSONParser`` just the pieces that arrived
    since the previous read. Reading after every piece thus costs time linear in the
    arguments' length (the parser's own guarantee), and never reading costs nothing.
    """

    __slots__ = ("_parser", "_fed", "_final")

    def __init__(self) -> None:
        self._parser = PartialJSONParser()
        self._fed = 0  # how many of the pieces the parser has read
        self._final = False  # closed or failed: nothing more is read

    def read(self, pieces: Sequence[str], ended: bool) -> Any:
        """The value of the document ``pieces`` glue into, as far as it has formed.

        ``pieces`` only ever grows between calls. ``ended`` says the call is over: the
        document is then closed, so that a top-level number shows, and empty (or
        blank) arguments read as ``{}``, as ``ToolCall.parsed_arguments()`` has them.
        Invalid JSON stops the reading: the value stays what was read before it (the
        final ``parsed_arguments()`` is what reports the error). The value is the
        parser's live structure: later reads update it in place.
        """
        parser = self._parser
        if self._final:
            return parser.value
        fed = self._fed
        count = len(pieces)
        try:
            while fed < count:
                parser.feed(pieces[fed])
                fed += 1
            if ended:
                self._final = True
                if parser.value is None and not parser.done and (not pieces or "".join(pieces).isspace()):
                    parser.feed("{}")
                parser.close()
        except PartialJSONError:
            self._final = True
        self._fed = fed
        return parser.value

    def copy_value(self, pieces: Sequence[str], ended: bool) -> Any:
        """``read()``, as a copy that later pieces leave alone (for snapshots);
        ``None`` for a value nested too deeply to copy."""
        try:
            return copy.deepcopy(self.read(pieces, ended))
        except RecursionError:
            return None


class PartialText:
    """A live custom tool call's input, free text rather than JSON, as far as it has
    arrived: the same interface as ``PartialArguments``, the text as its value.

    Re-joining the pieces on every read, reading after each piece would copy the
    square of the input's length; so, as ``PartialJSONParser`` does for a long
    string, past ``EXACT_STRING_LIMIT`` characters the text is re-joined only once it
    grew by 1/``STRING_LAG_DIVISOR``: the joins then sum to a few times its length.
    Exact again once the call ended.
    """

    __slots__ = ("_text", "_count", "_seen", "_gained")

    def __init__(self) -> None:
        self._text = ""  # the first _count pieces, joined: what is shown
        self._count = 0
        self._seen = 0  # pieces whose length was added to _gained
        self._gained = 0  # characters in pieces[_count:_seen]

    def read(self, pieces: Sequence[str], ended: bool) -> str:
        """The input so far (``pieces`` only ever grows between calls)."""
        count = len(pieces)
        gained = self._gained
        for position in range(self._seen, count):
            gained += len(pieces[position])
        self._seen = count
        shown = len(self._text)
        if count != self._count and (
            ended or shown + gained < EXACT_STRING_LIMIT or gained * STRING_LAG_DIVISOR >= shown
        ):
            self._text = "".join([self._text, *pieces[self._count :]])
            self._count = count
            gained = 0
        self._gained = gained
        return self._text

    def copy_value(self, pieces: Sequence[str], ended: bool) -> str:
        """``read()`` (a string: nothing to copy)."""
        return self.read(pieces, ended)
