"""The ``gemini`` dialect: ``streamGenerateContent?alt=sse`` (Gemini API and Vertex AI).

Every event is a whole ``GenerateContentResponse`` holding the newest piece of each
candidate; there is no end marker and servers often end lines with CRLF. This
reducer folds the pieces per candidate (``candidates[].index``, absent for 0):

- ``text`` parts are ``content``; parts with ``"thought": true`` are ``reasoning``.
- A ``functionCall`` part with ``args`` is a whole call: ``ToolCall(id=<id or
  None>, name, arguments=<args as compact JSON text>, complete=True)``: a start, one
  arguments delta and an end. Vertex AI's streamed arguments
  (``streamFunctionCallArguments``: a part with the name and ``willContinue:
  true``, then parts with ``partialArgs`` — ``jsonPath`` plus a string, number, bool
  or null value, strings continued in pieces — and a last part without
  ``willContinue``) are written as compact JSON text while they arrive, in document
  order, so that the deltas glue to ``arguments``. Such a call is complete only once
  that last part came: one closed by anything else (the finish reason, another part,
  the end of the stream, an error) keeps ``complete=False``; an id (or a name) that
  comes on a later part is a ``ToolCallUpdate``. Pieces that JSON text
  cannot say in order (a gap in a list, a member set twice, a closed object
  revisited, a path that does not fit what is there, a path deeper than
  ``MAX_DEPTH``) are refused with ``ChunkDecodeError``: nothing is guessed.
- ``blocks`` is the candidate's content parts as the non-streaming response would
  carry them, to send back as the model's turn: consecutive plain text parts of
  the same kind (thought or not) are glued into one, and every part that carries
  anything else is kept as sent and never merged — Google asks that a part with a
  ``thoughtSignature`` go back as it came, neither merged with a part without one
  nor with another signed part. A streamed function call becomes one
  ``functionCall`` part with its whole ``args``. A part no other delta covers
  (code, images, parts newer than this version) is also a ``BlockDelta``, and a
  ``thoughtSignature`` a ``SignatureDelta``.
- ``finish_reason`` is the candidate's ``finishReason`` as sent (``"STOP"``,
  ``"MAX_TOKENS"``, ``"SAFETY"``...). A prompt blocked before any candidate
  (``promptFeedback.blockReason`` other than the unspecified values) is the stream's
  answer, not a transport error, so it becomes choice 0's finish reason
  (``"SAFETY"``, ``"PROHIBITED_CONTENT"``...) and ``promptFeedback`` is kept in
  ``extra``. Candidate members with no common field (``safetyRatings``,
  ``citationMetadata``, ``groundingMetadata``...) are kept, as last sent, in
  ``extra["candidates"]``; the citations of ``citationMetadata``, which each chunk
  sends for its own text, are those of every chunk, each once.
- ``complete``: the stream has no end marker, so it is complete when every
  candidate got a finish reason and it was not cut in the middle of an event.
  ``[DONE]`` is not Gemini's: a gateway that adds it ends nothing (it is skipped,
  and the finish reasons decide). A chunk with no member of a
  ``GenerateContentResponse`` (another dialect's chunk) is a ``ChunkDecodeError``.
- ``usage`` is the last ``usageMetadata`` that has token counts (it is cumulative:
  assigned, never summed): ``input_tokens`` is ``promptTokenCount`` (which counts
  cached content) + ``toolUsePromptTokenCount``; ``cached_input_tokens`` is
  ``cachedContentTokenCount``; ``output_tokens`` is ``candidatesTokenCount`` +
  ``thoughtsTokenCount`` (Google counts thinking apart from the answer and bills it
  as output; only the sum makes ``input + output == totalTokenCount`` hold);
  ``reasoning_tokens`` is ``thoughtsTokenCount``; Gemini reports no cache writes.
  google-genai reports the object as sent (``usage_metadata``); it is ``raw`` here.
- ``modelVersion`` is ``model``, ``responseId`` is ``id`` (a ``MetadataDelta`` when
  they become known), Vertex's ``createTime`` is ``created`` (Unix seconds).
- ``{"error": {"code": 429, "message": ..., "status": "RESOURCE_EXHAUSTED"}}`` as
  data raises ``ProviderError`` carrying it, after anything else that event carried.

Hostile input: nothing is sized by a number read from the input (a list index must
be the next one), tool-call arguments nest at most ``MAX_DEPTH`` deep (deeper is a
``ChunkDecodeError``), pieces are kept in lists and joined once, and a snapshot
reuses what did not change since the previous one (closed blocks, finished calls,
a candidate no event touched).

Speed: with the extensions built, ``sseparse._fast_gemini`` walks each event's data
without building its dicts (the envelope, the usage details...) and makes the
updates through the methods listed as the compiled path's contract below; anything
unusual goes to ``feed_event``. Without them, one JSON decoding per event, and a
part that is only ``text`` (nearly every part of a long answer) takes a short path
of a few lookups and two appends.
"""

from __future__ import annotations

import calendar
import datetime
import json
import re
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from .._completion import (
    Choice,
    Completion,
    PartialArguments,
    ToolCall,
    Usage,
    completion_of,
    make_choice,
    new_arguments_delta,
    new_block_delta,
    new_call_end,
    new_call_start,
    new_call_update,
    new_finish_delta,
    new_reasoning_delta,
    new_signature_delta,
    new_text_delta,
    new_tool_call,
    new_usage,
    new_usage_delta,
)
from .._errors import ProviderError, SseparseError, describe_exception, quote_prefix
from ._base import Reducer, decode_json, glue
from ._contract import GEMINI

if TYPE_CHECKING:
    from .._completion import Delta
    from .._events import Event

__all__ = ["GeminiReducer", "MAX_DEPTH"]


#: The deepest a tool call's arguments may nest (objects and arrays, the arguments
#: object itself counted), and so the most steps a ``partialArgs`` ``jsonPath`` may
#: have. Real calls nest a few levels; deeper is a ``ChunkDecodeError``, the same in
#: both builds, so that no copy or serialization of the arguments can recurse
#: further than this.
MAX_DEPTH = 100

#: ``promptFeedback.blockReason`` values that do not mean the prompt was blocked.
_NOT_BLOCKED = frozenset({"", "BLOCK_REASON_UNSPECIFIED", "BLOCKED_REASON_UNSPECIFIED"})
_META_KEYS = frozenset({"candidates", "usageMetadata", "modelVersion", "responseId", "createTime"})
#: The members of a ``GenerateContentResponse`` (or of an error): a chunk with none of
#: them is not Gemini's.
_GEMINI_MEMBERS = _META_KEYS | {"promptFeedback", "error"}
#: Candidate members read into common fields; the others are kept in ``extra``.
_CANDIDATE_KEYS = frozenset({"content", "finishReason", "index"})
#: The value members of a ``partialArgs`` entry (exactly one is set).
_VALUE_KEYS = ("stringValue", "numberValue", "boolValue", "nullValue")


class _Refused(Exception):
    """A piece this reducer will not guess about; becomes a ``ChunkDecodeError``."""


#: JSON text as ``JSON.stringify`` writes it: no spaces, non-ASCII kept; ``NaN`` and
#: ``Infinity`` raise ``ValueError`` (they are not JSON). One encoder made once:
#: ``json.dumps`` with options makes a new one per call, which costs more than
#: encoding a short value.
_c_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)


def _not_json(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


if _c_make_encoder is not None:  # CPython: its C encoder, made once (``encode`` makes one per call)
    _encode = _c_make_encoder(None, _not_json, json.encoder.encode_basestring, None, ":", ",", False, False, False)

    def _stdlib_compact(value: Any) -> str:
        return "".join(_encode(value, 0))

else:
    _stdlib_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode  # type: ignore[assignment]

#: This module compiled: the compiled writer of the same text (``_values_c``, held to
#: the stdlib's by a test), which leaves what it does not write to the stdlib's.
_compact_c: Any = None
if not __file__.endswith(".py"):
    try:
        from .._values_c import compact_json as _compact_c
    except ImportError:  # (a build without it)
        pass


def _compact(value: Any) -> str:
    if _compact_c is not None:
        text = _compact_c(value)
        if text is not None:
            return text  # type: ignore[no-any-return]
    return _stdlib_compact(value)

#: A string as JSON text, without the encoder's dispatch: the hot case of the pieces.
_string: Any = json.encoder.encode_basestring


def _nests_deeper(value: Any, limit: int) -> bool:
    """Whether ``value`` nests objects and arrays more than ``limit`` deep (without
    recursion, stopping at the first one too deep)."""
    if type(value) is dict and limit >= 1:  # an object of plain values (most arguments) nests 1 deep
        for child in value.values():
            if type(child) is dict or type(child) is list:
                break
        else:
            return False
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if type(node) is dict:
            children: Any = node.values()
        elif type(node) is list:
            children = node
        else:
            continue
        if depth > limit:
            return True
        for child in children:
            if type(child) is dict or type(child) is list:
                stack.append((child, depth + 1))
    return False


def _usage(raw: dict[str, Any]) -> Usage:
    prompt = raw.get("promptTokenCount")
    if type(prompt) is not int:
        prompt = None
    tool_prompt = raw.get("toolUsePromptTokenCount")
    candidates = raw.get("candidatesTokenCount")
    if type(candidates) is not int:
        candidates = None
    thoughts = raw.get("thoughtsTokenCount")
    if type(thoughts) is not int:
        thoughts = None
    input_tokens = prompt if type(tool_prompt) is not int else (prompt or 0) + tool_prompt
    output_tokens = candidates if thoughts is None else (candidates or 0) + thoughts
    total_tokens = raw.get("totalTokenCount")
    if type(total_tokens) is not int:
        total_tokens = None if input_tokens is None or output_tokens is None else input_tokens + output_tokens
    cached = raw.get("cachedContentTokenCount")
    # (cached_input_tokens, cache_write_tokens — Gemini reports none —, reasoning_tokens)
    return new_usage(input_tokens, output_tokens, total_tokens, raw, cached if type(cached) is int else None, None, thoughts)


def _cite(state: _Candidate, sent: dict[str, Any]) -> dict[str, Any]:
    """``citationMetadata`` ``sent``, its citations those of every chunk so far: each
    once, in arrival order (a chunk may repeat one). The list grows in place, in linear
    time; a snapshot copies it (``_candidate_extra``)."""
    cited = state.cited
    if cited is None:
        cited = state.cited = (set(), [])
    seen, gathered = cited
    for citation in sent["citations"]:
        try:
            key = json.dumps(citation, sort_keys=True)
        except (ValueError, RecursionError):  # NaN, or nested past the stack: kept, unchecked
            gathered.append(citation)
            continue
        if key not in seen:
            seen.add(key)
            gathered.append(citation)
    return {**sent, "citations": gathered}


def _candidate_extra(state: _Candidate) -> dict[str, Any]:
    """A candidate's ``extra`` entry for a snapshot: its own copy of what grows in place."""
    view = {"index": state.index, **(state.extra or {})}
    if state.cited is not None:
        metadata = view.get("citationMetadata")
        if type(metadata) is dict and metadata.get("citations") is state.cited[1]:
            view["citationMetadata"] = {**metadata, "citations": list(state.cited[1])}
    return view


def _has_counts(raw: dict[str, Any]) -> bool:
    return "totalTokenCount" in raw or "promptTokenCount" in raw or "candidatesTokenCount" in raw


_EPOCH_DAYS = 719163  # datetime.date(1970, 1, 1).toordinal()


def _unix_time(text: Any) -> int | None:
    """``createTime`` (RFC 3339, UTC, any number of fraction digits) in Unix seconds.

    The usual shape (``YYYY-MM-DDTHH:MM:SS``, ASCII digits) is read directly, its
    day counted and checked by ``datetime.date`` (``time.strptime``, or a regular
    expression and ``calendar.timegm``, cost several times what the rest of a chunk
    does). The same values and the same refusals as ``strptime`` (a day the month
    does not have, year 0, hour 24...); any other shape goes through ``strptime``."""
    if type(text) is not str or len(text) < 20 or text[19] not in ".Z":
        return None
    year = month = day = hour = minute = second = -1
    if text[4] == "-" and text[7] == "-" and text[10] == "T" and text[13] == ":" and text[16] == ":":
        year = _digits(text, 0, 4)
        month = _digits(text, 5, 7)
        day = _digits(text, 8, 10)
        hour = _digits(text, 11, 13)
        minute = _digits(text, 14, 16)
        second = _digits(text, 17, 19)
    if year < 0 or month < 0 or day < 0 or hour < 0 or minute < 0 or second < 0:
        try:
            return calendar.timegm(time.strptime(text[:19], "%Y-%m-%dT%H:%M:%S"))
        except ValueError:
            return None
    if hour > 23 or minute > 59 or second > 61:
        return None
    try:
        days = datetime.date(year, month, day).toordinal() - _EPOCH_DAYS  # (checks the date as strptime does)
    except ValueError:  # a day the month does not have, month 13, year 0...
        return None
    return ((days * 24 + hour) * 60 + minute) * 60 + second


def _digits(text: str, start: int, end: int) -> int:
    """The ASCII decimal digits ``text[start:end]`` as a number, -1 if one is not."""
    value = 0
    for position in range(start, end):
        digit = ord(text[position]) - 48
        if digit < 0 or digit > 9:
            return -1
        value = value * 10 + digit
    return value


# -- streamed function-call arguments (Vertex AI's partialArgs) -------------------------

_PATH_STEP = re.compile(r"\.([^.\[\]]+)|\[([0-9]+)\]|\['((?:[^'\\]|\\.)*)'\]|\[\"((?:[^\"\\]|\\.)*)\"\]")
#: An index longer than this is past any list this reducer can hold (it would have
#: to be the next element), and ``int()`` of thousands of digits is refused anyway.
_MAX_INDEX_DIGITS = 18


_ONE_NAME = re.compile(r"\$\.([^.\[\]'\"]+)").fullmatch  # "$.location": what Vertex sends


def _parse_path(path: Any) -> list[str | int]:
    """``$.a.b[0]['c d']`` as ``["a", "b", 0, "c d"]``; raises ``_Refused`` for
    anything else, and for more than ``MAX_DEPTH`` steps."""
    if type(path) is str:
        match = _ONE_NAME(path)
        if match is not None:
            return [match.group(1)]
    if type(path) is not str or not path.startswith("$"):
        raise _Refused(f"a partialArgs jsonPath must be a path starting with '$', not {quote_prefix(repr(path))}")
    steps: list[str | int] = []
    position, end = 1, len(path)
    while position < end:
        match = _PATH_STEP.match(path, position)
        if match is None:
            raise _Refused(f"jsonPath {quote_prefix(path)} is not a path of names and indexes")
        if len(steps) == MAX_DEPTH:
            raise _Refused(f"jsonPath {quote_prefix(path)} has more than MAX_DEPTH={MAX_DEPTH} steps")
        name, number, single, double = match.groups()
        if number is not None:
            if len(number) > _MAX_INDEX_DIGITS:
                raise _Refused(f"jsonPath {quote_prefix(path)} has an index of {len(number)} digits")
            steps.append(int(number))
        else:
            steps.append(name if name is not None else single if single is not None else double)
        position = match.end()
    if not steps:
        raise _Refused("a partialArgs jsonPath must name a member of the arguments, not '$' itself")
    return steps


def _piece_value(piece: dict[str, Any]) -> tuple[Any, bool]:
    """The value a ``partialArgs`` entry carries, and whether it is a string."""
    value = piece.get("stringValue")
    if type(value) is str and "numberValue" not in piece and "boolValue" not in piece and "nullValue" not in piece:
        return value, True  # nearly every piece
    found = [key for key in _VALUE_KEYS if key in piece]
    if len(found) != 1:
        raise _Refused(f"a partialArgs entry must carry exactly one of {', '.join(_VALUE_KEYS)}, not {found or 'none'}")
    key = found[0]
    value = piece[key]
    if key == "stringValue":
        if type(value) is not str:
            raise _Refused(f"stringValue must be a string, not {type(value).__name__}")
        return value, True
    if key == "numberValue":
        if type(value) is not int and type(value) is not float or value != value or value in (_INF, -_INF):
            raise _Refused(f"numberValue must be a finite number, not {quote_prefix(repr(value))}")
        return value, False
    if key == "boolValue":
        if type(value) is not bool:
            raise _Refused(f"boolValue must be true or false, not {quote_prefix(repr(value))}")
        return value, False
    return None, False  # nullValue: null or "NULL_VALUE"


def _entry(piece: Any) -> tuple[list[str | int], Any, bool, bool]:
    """A decoded ``partialArgs`` entry as ``(steps, value, is_string, willContinue)``
    (its path checked first, then its value)."""
    if type(piece) is not dict:
        raise _Refused(f"a partialArgs entry must be an object, not {type(piece).__name__}")
    steps = _parse_path(piece.get("jsonPath"))
    value, is_string = _piece_value(piece)
    return steps, value, is_string, piece.get("willContinue") is True


_INF = float("inf")


class _Open:
    """A container open in the arguments' text: what went into it so far."""

    __slots__ = ("step", "is_list", "count", "keys")

    def __init__(self, step: str | int | None, is_list: bool) -> None:
        self.step = step  # the step from its parent to it (None for the arguments object)
        self.is_list = is_list
        self.count = 0  # members or elements written
        self.keys: set[str] = set()  # an object's member names written


def _member_prefix(entry: _Open, step: str | int) -> str:
    """The text before the next value written into ``entry`` at ``step``: a comma
    after the first, and a member's name (noted as written)."""
    comma = "," if entry.count else ""
    entry.count += 1
    if entry.is_list:
        return comma
    entry.keys.add(step)  # type: ignore[arg-type]
    return f"{comma}{_string(step)}:"


class _StreamedArguments:
    """Writes a call's ``partialArgs`` pieces as compact JSON text while they arrive.

    Pieces come in document order, as Google sends them: each value after the
    previous one, a string continued by pieces for the same path. The text written
    is then always a prefix of the arguments' compact JSON, and the deltas glue into
    it. Only the containers still open are remembered (their member names, their
    element count), never the object itself: a piece the text cannot say in order
    (a list element that is not the next one, a member written before, a closed
    container revisited, a key into a list or an index into an object) is refused
    with ``_Refused``, and so is a path deeper than ``MAX_DEPTH``. A string stays
    open in the text until a piece for another path (or the end) comes: pieces for
    the same path glue to it, ``willContinue`` or not, each one written once.
    """

    __slots__ = ("written", "final", "broken", "_stack", "_open", "_open_path", "_promised")

    def __init__(self) -> None:
        self.written: list[str] = []  # the JSON text so far, in pieces
        self.final: str | None = None  # the whole JSON text, once finished
        # The string was announced to continue (willContinue) and something else came:
        # its value stopped short, so the call is not complete.
        self.broken = False
        self._stack: list[_Open] = []  # the containers open in the text, outermost first
        self._open: list[str | int] | None = None  # the path of the string still open
        self._open_path: str | None = None  # its jsonPath as sent: the same text is the same path
        self._promised = False  # the open string's last piece said willContinue

    def seed(self, args: dict[str, Any]) -> str:
        """A streamed call that opens with some whole ``args`` (not seen in practice):
        its members are written first, and pieces may add more."""
        root = _Open(None, False)
        self._stack.append(root)
        text = ["{"]
        for key, value in args.items():
            text.append(_member_prefix(root, key) + _compact(value))
            root.keys.add(key)
        added = "".join(text)
        self.written.append(added)
        return added

    def feed(self, partial_args: Any) -> str:
        """Fold ``partialArgs`` in; return the JSON text this adds. ``partial_args`` is
        the member as decoded (a list of entry objects; anything else is refused), or
        a tuple of ``(jsonPath, value, is_string, willContinue)`` entries as the
        compiled path reads them (values it checked as ``_piece_value`` does, the
        ``jsonPath`` a string left to ``_parse_path``)."""
        if partial_args is None:
            return ""
        if type(partial_args) is tuple:
            entries: Iterable[tuple[Any, Any, bool, bool]] = partial_args
        elif type(partial_args) is list:
            entries = map(_entry, partial_args)  # each entry checked when its turn comes
        else:
            raise _Refused(f"partialArgs must be a list, not {type(partial_args).__name__}")
        text: list[str] = []
        try:
            for path, value, is_string, more in entries:
                self._piece(path, value, is_string, more, text)
        finally:  # what was written before a refused piece stays written
            added = "".join(text)
            if added:
                self.written.append(added)
        return added

    def _piece(self, path: Any, value: Any, is_string: bool, more: bool, text: list[str]) -> None:
        """One entry: its ``jsonPath`` (as sent, or parsed into steps), its value,
        whether that is a string, and whether it said ``willContinue``."""
        if is_string and path == self._open_path:  # more of the open string (the same path text)
            text.append(_string(value)[1:-1])
            self._promised = more
            return
        steps = path if type(path) is list else _parse_path(path)
        if is_string and steps == self._open:  # the same path, written another way
            text.append(_string(value)[1:-1])
            self._promised = more
            return
        self._close_string(text)
        self._write(steps, value, text)
        if is_string:
            self._open = steps
            self._open_path = path if type(path) is str else None
            self._promised = more

    def finish(self) -> str:
        """Close what is open; return the text that completes the arguments' JSON."""
        text: list[str] = []
        self._close_string(text)
        stack = self._stack
        if not stack:
            text.append("{}")
        while stack:
            text.append("]" if stack.pop().is_list else "}")
        rest = "".join(text)
        self.written.append(rest)
        self.final = "".join(self.written)
        return rest

    def closed_text(self) -> str:
        """The text so far with what is open closed: the JSON of what arrived."""
        if self.final is not None:
            return self.final
        closers = ['"'] if self._open is not None else []
        closers += ["]" if entry.is_list else "}" for entry in reversed(self._stack)]
        return "".join(self.written) + ("".join(closers) if self._stack else "{}")

    # -- internals

    def _close_string(self, text: list[str]) -> None:
        if self._open is not None:
            text.append('"')
            self._open = self._open_path = None
            if self._promised:
                self.broken = True

    def _write(self, steps: list[str | int], value: Any, text: list[str]) -> None:
        stack = self._stack
        if not stack:
            if type(steps[0]) is int:
                raise _Refused("the arguments are an object: a jsonPath cannot start with an index")
            stack.append(_Open(None, False))
            text.append("{")
        # How much of the path is open in the text already.
        last = len(steps) - 1
        common = 0
        while common < last and common + 1 < len(stack) and stack[common + 1].step == steps[common]:
            common += 1
        # Check everything before writing anything.
        parent = stack[common]
        for depth in range(common, len(steps)):
            step = steps[depth]
            if parent.is_list:
                expected = parent.count if depth == common else 0
                if type(step) is not int:
                    raise _Refused(f"jsonPath step {quote_prefix(repr(step))} is a member name, but there is a list")
                if step != expected:
                    raise _Refused(
                        f"jsonPath index {step} is not the next element ({expected}): pieces must come in "
                        "document order, and a list has no holes"
                    )
            else:
                if type(step) is not str:
                    raise _Refused(f"jsonPath index [{step}] goes into an object")
                if depth == common and step in parent.keys:
                    raise _Refused(
                        f"jsonPath member {quote_prefix(step)} was written before: pieces must come in document order"
                    )
            if depth < last:
                parent = _Open(step, type(steps[depth + 1]) is int)
        # Leave the containers the path is not in: they are done.
        while len(stack) > common + 1:
            text.append("]" if stack.pop().is_list else "}")
        for depth in range(common, len(steps)):
            step = steps[depth]
            text.append(_member_prefix(stack[-1], step))
            if depth < last:
                child = _Open(step, type(steps[depth + 1]) is int)
                stack.append(child)
                text.append("[" if child.is_list else "{")
        if type(value) is str:
            text.append(_string(value)[:-1])  # the string stays open for more pieces
        else:
            text.append(_compact(value))


# -- per-candidate state -----------------------------------------------------------------


class _Call:
    __slots__ = ("position", "id", "name", "text", "streamed", "part", "reader", "complete", "built", "final_block")

    def __init__(self, position: int, call_id: str | None, name: str, part: dict[str, Any]) -> None:
        self.position = position
        self.id = call_id
        self.name = name
        self.text = ""  # the arguments' JSON text, for a whole call
        self.streamed: _StreamedArguments | None = None
        self.part = part  # the part that began the call (its thoughtSignature, ...)
        self.reader: PartialArguments | None = None  # made when someone asks for the partial value
        self.complete = False  # the provider closed it: whole, or its last piece came
        self.built: ToolCall | None = None  # the ToolCall, once it can no longer change
        self.final_block: dict[str, Any] | None = None  # the block, once it can no longer change

    @property
    def closed(self) -> bool:
        return self.streamed is None or self.streamed.final is not None

    def partial(self, ended: bool) -> Any:
        """The arguments as far as they have arrived (see ``PartialArguments``)."""
        streamed = self.streamed
        if streamed is None:
            pieces = [self.text]
        else:
            pieces = streamed.written
            ended = ended or streamed.final is not None
        reader = self.reader
        if reader is None:
            reader = self.reader = PartialArguments()
        return reader.read(pieces, ended)

    def tool_call(self) -> ToolCall:
        built = self.built
        if built is not None:
            return built
        streamed = self.streamed
        text = self.text if streamed is None else "".join(streamed.written)
        call = new_tool_call(self.position, self.id, self.name, text, "function", self.complete)
        if self.closed:
            self.built = call
        return call

    def block(self) -> dict[str, Any]:
        """The call as one ``functionCall`` part with its whole ``args`` (for a
        streamed call still open: the JSON of what arrived, closed)."""
        if self.final_block is not None:
            return self.final_block
        streamed = self.streamed
        if streamed is None:
            self.final_block = self.part
            return self.part
        call: dict[str, Any] = {
            key: value
            for key, value in self.part["functionCall"].items()
            if key not in ("partialArgs", "willContinue", "args")
        }
        if self.name:  # (a name or id that came on a later part)
            call["name"] = self.name
        if self.id is not None:
            call["id"] = self.id
        call["args"] = decode_json(streamed.closed_text())  # nests at most MAX_DEPTH deep
        block = dict(self.part)
        block["functionCall"] = call
        if streamed.final is not None:
            self.final_block = block
        return block


class _TextRun:
    """Consecutive plain text parts of one kind, glued into one block."""

    __slots__ = ("thought", "pieces")

    def __init__(self, thought: bool) -> None:
        self.thought = thought
        self.pieces: list[str] = []

    def block(self) -> dict[str, Any]:
        text = glue(self.pieces)
        if self.thought:
            return {"text": text, "thought": True}
        return {"text": text}


class _Candidate:
    __slots__ = (
        "index",
        "content",
        "reasoning",
        "calls",
        "blocks",
        "tail",
        "run",
        "open_call",
        "finish_reason",
        "extra",
        "choice",
        "cited",
    )

    def __init__(self, index: int) -> None:
        self.index = index
        self.content: list[str] = []
        # Made when first needed (most candidates have text and nothing else): a
        # stream pays for no empty list it never fills.
        self.reasoning: list[str] | None = None
        self.calls: list[_Call] | None = None
        self.blocks: list[dict[str, Any]] | None = None  # the blocks that can no longer change
        self.tail: _TextRun | _Call | None = None  # the last block, while it may still grow
        self.run: _TextRun | None = None  # the tail, when it is a text run
        self.open_call: _Call | None = None  # a streamed call still taking partialArgs
        self.finish_reason: str | None = None
        self.extra: dict[str, Any] | None = None  # candidate members with no common field, as last sent
        self.choice: Choice | None = None  # the last Choice built, while no event touched this candidate
        # The citations gathered in extra["citationMetadata"], and their JSON texts (see _cite).
        self.cited: tuple[set[str], list[Any]] | None = None

    def push(self, block: dict[str, Any] | _TextRun | _Call) -> None:
        """Append a block: the tail before it can no longer change."""
        tail = self.tail
        blocks = self.blocks
        if blocks is None and (tail is not None or type(block) is dict):
            blocks = self.blocks = []
        if tail is not None:
            blocks.append(tail.block())  # type: ignore[union-attr]  # (made above)
        self.run = None
        if type(block) is dict:
            self.tail = None
            blocks.append(block)  # type: ignore[union-attr]  # (made above)
        else:
            self.tail = block  # type: ignore[assignment]
            if type(block) is _TextRun:
                self.run = block

    def reasoning_list(self) -> list[str]:
        reasoning = self.reasoning
        if reasoning is None:
            reasoning = self.reasoning = []
        return reasoning

    def build(self) -> Choice:
        choice = self.choice
        if choice is not None:
            return choice
        tail = self.tail
        closed = self.blocks
        if closed is None:
            blocks = [] if tail is None else [tail.block()]
        else:
            blocks = closed + [tail.block()] if tail is not None else closed[:]
        text = glue(self.content)
        reasoning = self.reasoning
        thinking = "" if reasoning is None else glue(reasoning)
        calls = self.calls
        choice = self.choice = make_choice(
            self.index, text, thinking, "", [call.tool_call() for call in calls] if calls else [], None,
            self.finish_reason, None, blocks,
        )
        return choice


class GeminiReducer(Reducer):
    """Reduces ``GenerateContentResponse`` chunks, per candidate."""

    name: ClassVar[str] = "gemini"
    end_marker: ClassVar[str] = "a finishReason"
    chunk_kind = "a GenerateContentResponse"
    #: ``[DONE]`` is OpenAI's end marker, not Gemini's: skipped, it ends nothing.
    done_sentinel: ClassVar[bool] = False
    fast_dialect = GEMINI

    __slots__ = (
        "_candidates",
        "_created",
        "need_meta",
        "_usage_raw",
        "usage_text",
        "_extra",
        "changed",
        "_snapshot",
    )

    def __init__(self, compiled: bool = True) -> None:
        self._init_common(compiled)  # (Reducer.__init__'s, a C call in the compiled build)
        self._candidates: dict[int, _Candidate] = {}
        self._created: int | None = None
        self.need_meta = True  # no responseId or modelVersion yet: read them
        self._usage_raw: dict[str, Any] | None = None  # (the Usage, _usage, is made from it when first asked for)
        # The text of the last usageMetadata the compiled path folded in (None once any
        # other was): the same text again changes nothing.
        self.usage_text: bytes | None = None
        self._extra: dict[str, Any] = {}
        self.changed = True  # an event came since the last snapshot
        self._snapshot: tuple[bool, Any, Completion] | None = None  # (complete, error, the snapshot)

    # -- the interface -----------------------------------------------------------------

    @property
    def finished(self) -> bool:
        # A call whose arguments were announced to continue (willContinue) is not
        # over, even after a finish reason came: a stream that ends there was cut.
        candidates = self._candidates
        if not candidates:
            return False
        for state in candidates.values():
            if not state.finish_reason or state.open_call is not None:
                return False
        return True

    def partial_arguments(self, choice: int, index: int) -> Any:
        """The arguments of tool call ``index`` of ``choice`` as far as they have arrived
        (see ``PartialArguments``); a whole ``args`` part shows at once."""
        state = self._candidates.get(choice)
        if state is None or state.calls is None or not 0 <= index < len(state.calls):
            raise IndexError(f"the stream has no tool call {index} in choice {choice} (yet)")
        return state.calls[index].partial(self.done or state.finish_reason is not None)

    def snapshot(self, complete: bool, error: dict[str, Any] | None) -> Completion:
        cached = self._snapshot
        if cached is not None and not self.changed and cached[0] == complete and cached[1] is error:
            return cached[2]  # nothing came since: the same immutable snapshot
        usage = self._usage
        if usage is None and self._usage_raw is not None:
            usage = self._usage = _usage(self._usage_raw)
        extra = dict(self._extra) if self._extra else {}
        states = self._candidates
        if len(states) == 1:  # (nearly every stream)
            for state in states.values():  # (the only one: compiled, a walk of the dict, no view made)
                break
            if state.extra:
                extra["candidates"] = [_candidate_extra(state)]
            choices = [state.build()]  # (a list comprehension makes a function object per call before 3.12)
        else:
            candidates = [states[index] for index in sorted(states)]
            kept = [_candidate_extra(candidate) for candidate in candidates if candidate.extra]
            if kept:
                extra["candidates"] = kept
            choices = [candidate.build() for candidate in candidates]
        completion = completion_of(
            self.name, choices, self._id, self._model, self._created, None, usage, complete, error, extra
        )
        self._snapshot = (complete, error, completion)
        self.changed = False
        return completion

    # -- decoding ----------------------------------------------------------------------
    #
    # The compiled path's contract (``_fast_gemini.pyx``): it walks a chunk without
    # building it as dicts and, for the shapes it knows, makes its updates through
    # these methods and attributes, which ``_apply`` uses too, so that each update
    # is written once: the attributes ``changed``, ``need_meta`` and ``usage_text``, the methods
    # ``meta``, ``candidate``, ``text``, ``thought_text``, ``function_call``, ``part``, ``finish``,
    # ``candidate_extra``, ``usage`` and ``chunk_error``, and ``events`` and ``done`` of every reducer.
    # It touches nothing else of the reducer, and gives any chunk it does not know
    # as it came to ``feed_event``, the single place of semantics.

    def _apply(self, event: Event, obj: Any, out: list[Delta] | None) -> None:
        self.changed = True
        if self.need_meta:
            self.meta(obj.get("responseId"), obj.get("modelVersion"), obj.get("createTime"), out)
        try:
            candidates = obj.get("candidates")
            if candidates:
                states = self._candidates
                for candidate in candidates:
                    index = candidate.get("index")
                    known = 2 if index is None else 3  # members read below, counted when sent
                    if not index:
                        index = 0  # absent for the first candidate
                    state = states.get(index)
                    if state is None:
                        state = self._new_candidate(event, index)
                    state.choice = None
                    content = candidate.get("content")
                    if content is None:
                        known -= 1
                    elif content:
                        parts = content.get("parts")
                        if parts:
                            for part in parts:
                                text = part.get("text")
                                if type(text) is str and len(part) == 1:  # the short path: plain text
                                    if text:
                                        self.text(state, text, out)
                                else:
                                    self._part(state, part, out)
                    reason = candidate.get("finishReason")
                    if reason is None:
                        known -= 1
                    elif reason != state.finish_reason and reason:
                        if type(reason) is not str:
                            raise self.bad_chunk(
                                event, f"finishReason must be a string, not {quote_prefix(repr(reason))}"
                            )
                        self.finish(state, reason, out)
                    if len(candidate) > known:  # members besides content, finishReason and index
                        self.candidate_extra(state, candidate)
            if not obj.keys() <= _META_KEYS:  # something besides the usual members
                self._take_other(event, obj, out)
            usage = obj.get("usageMetadata")
            if usage:
                self.usage(usage, out)
        except SseparseError:
            raise
        except Exception as exc:
            raise self.chunk_error(event, obj, exc) from None
        error = obj.get("error")
        if error or event.event == "error":
            raise ProviderError(error or obj, dialect=self.name)

    def chunk_error(self, event: Event, obj: dict[str, Any] | None, exc: Exception) -> SseparseError:
        """The error that ``exc``, raised while folding in ``event`` (decoded as
        ``obj``; ``None`` when the compiled path read it), becomes."""
        if isinstance(exc, _Refused):
            return self.bad_chunk(event, str(exc))
        if isinstance(exc, (AttributeError, TypeError)):  # a list where an object belongs, ...
            if obj is not None and obj.get("error"):  # the provider's own error says more than the shape
                return ProviderError(obj["error"], dialect=self.name)
            return self.bad_chunk(event, f"unexpected chunk shape ({quote_prefix(str(exc))})")
        if isinstance(exc, (ValueError, KeyError, IndexError, OverflowError, RecursionError)):
            # Not expected on any input (each case is checked above); if one slips
            # through, it still leaves as an sseparse error carrying the result.
            return self.bad_chunk(event, f"unreadable chunk ({type(exc).__name__}: {quote_prefix(str(exc))})")
        return self.bad_chunk(event, f"cannot read this chunk ({describe_exception(exc)})")

    def meta(self, response_id: Any, model: Any, create_time: Any, out: list[Delta] | None) -> None:
        """A chunk's ``responseId``, ``modelVersion`` and ``createTime`` (``None``
        when absent), read while ``need_meta``."""
        self.take_identity(response_id, model, out)
        if self._created is None and create_time is not None:
            self._created = _unix_time(create_time)
        self.need_meta = self._id is None or self._model is None

    def candidate(self, index: int) -> _Candidate:
        """The state of candidate ``index`` (a non-negative int: the compiled path reads
        no other), touched by the chunk being folded."""
        state = self._candidates.get(index)
        if state is None:
            state = self._candidates[index] = _Candidate(index)
        state.choice = None
        return state

    def text(self, state: _Candidate, text: str, out: list[Delta] | None) -> None:
        """A part that is only a non-empty ``text``: nearly every part of an answer."""
        state.content.append(text)
        run = state.run
        if run is None or run.thought:  # (an open call is the tail: no run)
            if state.open_call is not None:  # anything else ends a streamed call
                self._end_call(state, out)
            run = _TextRun(False)
            state.push(run)
        run.pieces.append(text)
        if out is not None:
            out.append(new_text_delta(state.index, text))

    def thought_text(self, state: _Candidate, text: str, thought: bool, out: list[Delta] | None) -> None:
        """A part of exactly ``text`` (a string, maybe empty) and ``thought``
        (``thought``: whether that member is ``true``), glued like plain text."""
        if state.open_call is not None:  # anything else ends a streamed call
            self._end_call(state, out)
        if text:
            if thought:
                state.reasoning_list().append(text)
                if out is not None:
                    out.append(new_reasoning_delta(state.index, text))
            else:
                state.content.append(text)
                if out is not None:
                    out.append(new_text_delta(state.index, text))
            run = state.run
            if run is None or run.thought != thought:
                run = _TextRun(thought)
                state.push(run)
            run.pieces.append(text)

    def part(self, state: _Candidate, part: Any, out: list[Delta] | None) -> None:
        """A content part as decoded (the compiled path gives those of other shapes).
        What it refuses raises ``_Refused``, which its caller maps for the event
        (``chunk_error``): no ``Event`` is built for a chunk that is read."""
        text = part.get("text") if type(part) is dict else None
        if type(text) is str and len(part) == 1:
            if text:
                self.text(state, text, out)
        else:
            self._part(state, part, out)

    def _new_candidate(self, event: Event, index: Any) -> _Candidate:
        if type(index) is not int or index < 0:
            raise self.bad_chunk(
                event, f"candidate index must be a non-negative integer, not {quote_prefix(repr(index))}"
            )
        state = self._candidates[index] = _Candidate(index)
        return state

    def candidate_extra(self, state: _Candidate, candidate: dict[str, Any]) -> None:
        """Candidate members with no common field (``safetyRatings``,
        ``citationMetadata``, ``groundingMetadata``...): kept as last sent, except the
        citations, which each chunk sends for its own part of the text: gathered."""
        extra = state.extra
        if extra is None:
            extra = state.extra = {}
        for key, value in candidate.items():
            if key not in _CANDIDATE_KEYS:
                if key == "citationMetadata" and type(value) is dict and type(value.get("citations")) is list:
                    value = _cite(state, value)
                extra[key] = value

    def _take_other(self, event: Event, obj: dict[str, Any], out: list[Delta] | None) -> None:
        """Top-level fields besides the usual ones, kept in ``extra``; a blocked prompt."""
        if obj.keys().isdisjoint(_GEMINI_MEMBERS):
            members = ", ".join(sorted(obj)[:8])
            raise _Refused(
                "not a Gemini chunk: expected a GenerateContentResponse (candidates, usageMetadata, "
                f"promptFeedback, modelVersion, responseId) or an error, found only {quote_prefix(members)}; "
                "is the stream in another dialect?"
            )
        for key, value in obj.items():
            if key not in _META_KEYS and key != "error":
                self._extra[key] = value
        feedback = obj.get("promptFeedback")
        if type(feedback) is dict:
            reason = feedback.get("blockReason")
            if type(reason) is str and reason not in _NOT_BLOCKED:
                state = self._candidates.get(0)
                if state is None:
                    state = self._candidates[0] = _Candidate(0)
                if state.finish_reason is None:
                    self.finish(state, reason, out)

    @property
    def usage_report(self) -> Usage | None:
        usage = self._usage
        if usage is None and self._usage_raw is not None:
            usage = self._usage = _usage(self._usage_raw)
        return usage

    def usage(self, raw: Any, out: list[Delta] | None) -> None:
        """A chunk's ``usageMetadata`` (not empty)."""
        self.usage_text = None
        if type(raw) is not dict:
            raise _Refused(f"usageMetadata must be an object, not {type(raw).__name__}")
        previous = self._usage_raw
        if previous is not None:
            if out is not None and raw == previous:
                return  # the same report again: no delta (without deltas, taking it is cheaper)
            if not _has_counts(raw) and _has_counts(previous):
                return  # one without counts (Vertex's {"trafficType": ...}) erases nothing
        self._usage_raw = raw  # cumulative: assigned, never summed
        self._usage = None
        if out is not None:
            usage = self._usage = _usage(raw)
            out.append(new_usage_delta(usage))

    def finish(self, state: _Candidate, reason: str, out: list[Delta] | None) -> None:
        """A finish reason (a non-empty string) other than the one ``state`` has."""
        if state.open_call is not None:
            self._end_call(state, out)  # cut by the finish (MAX_TOKENS...): not complete
        state.finish_reason = reason
        state.choice = None
        if out is not None:
            out.append(new_finish_delta(state.index, reason))

    # -- parts besides plain text --------------------------------------------------------

    def _part(self, state: _Candidate, part: Any, out: list[Delta] | None) -> None:
        if type(part) is not dict:
            raise _Refused(f"a content part must be an object, not {type(part).__name__}")
        call = part.get("functionCall")
        if call is not None:
            if type(call) is not dict:
                raise _Refused(f"functionCall must be an object, not {type(call).__name__}")
            name = call.get("name")
            call_id = call.get("id")
            more = call.get("willContinue") is True
            self.function_call(
                state, part, name if type(name) is str else "", call_id if type(call_id) is str and call_id else None,
                call.get("args"), "args" in call, call.get("partialArgs"), more or "partialArgs" in call, more, out,
            )
            return
        if state.open_call is not None:  # anything else ends a streamed call
            self._end_call(state, out)
        self._other_part(state, part, out)
        signature = part.get("thoughtSignature")
        if out is not None and type(signature) is str and signature:
            out.append(new_signature_delta(state.index, signature))

    def _other_part(self, state: _Candidate, part: dict[str, Any], out: list[Delta] | None) -> None:
        text = part.get("text")
        if text is not None:
            if type(text) is not str:
                raise _Refused(f"a part's text must be a string, not {type(text).__name__}")
            thought = part.get("thought") is True
            if len(part) == 2 and "thought" in part:  # plain thought text: glued like plain text
                self.thought_text(state, text, thought, out)
                return
            if text:
                index = state.index
                if thought:
                    state.reasoning_list().append(text)
                    if out is not None:
                        out.append(new_reasoning_delta(index, text))
                else:
                    state.content.append(text)
                    if out is not None:
                        out.append(new_text_delta(index, text))
            state.push(part)  # signed text, text with other members: a block of its own, as sent
            return
        # An image, code and its result, a part newer than this version...: a block of
        # its own, as sent, and a delta of its own, so that deltas lose nothing.
        if _nests_deeper(part, MAX_DEPTH):
            raise _Refused(f"a content part nests deeper than MAX_DEPTH={MAX_DEPTH}")
        state.push(part)
        if out is not None:
            out.append(new_block_delta(state.index, part))

    def function_call(
        self, state: _Candidate, part: dict[str, Any], name: str, call_id: str | None, args: Any, has_args: bool,
        pieces: Any, streamed: bool, more: bool, out: list[Delta] | None,
    ) -> None:
        """A ``functionCall`` part, its members read: ``name`` ("" unless a string),
        ``call_id`` (``None`` unless a non-empty string), ``args`` as sent (``None``
        when absent; ``has_args``: whether the member is there), ``pieces`` its
        ``partialArgs`` (see ``_StreamedArguments.feed``), ``streamed`` whether
        ``willContinue`` is true or ``partialArgs`` is there, ``more`` the former."""
        current = state.open_call
        # The next piece of a streamed call: no name, or the name of one begun without it.
        if current is not None and (not name or (not current.name and not has_args)):
            if args:
                raise _Refused("a later part of a streamed functionCall carries whole args: partialArgs were expected")
            late_id = call_id if call_id is not None and call_id != current.id else None
            if late_id is not None or name:  # an id or a name that arrives late
                current.id = late_id or current.id
                current.name = name or current.name
                current.built = None
                if out is not None:
                    out.append(new_call_update(state.index, current.position, late_id, name))
            if len(part) > 1:  # a signature on a later piece: keep it with the call
                current.part = {**current.part, **{k: v for k, v in part.items() if k != "functionCall"}}
            self._stream_pieces(state, current, pieces, more, out)
        else:
            if current is not None:
                self._end_call(state, out)  # a new call before this one said it was done: cut
            self._new_call(state, part, name, call_id, args, pieces, streamed, more, out)
        signature = part.get("thoughtSignature")
        if out is not None and type(signature) is str and signature:
            out.append(new_signature_delta(state.index, signature))

    def _new_call(
        self, state: _Candidate, part: dict[str, Any], name: str, call_id: str | None, args: Any,
        pieces: Any, streamed: bool, more: bool, out: list[Delta] | None,
    ) -> None:
        calls = state.calls
        if calls is None:
            calls = state.calls = []
        position = len(calls)
        new = _Call(position, call_id, name, part)
        if args is not None and (type(args) is not dict or _nests_deeper(args, MAX_DEPTH)):
            raise _Refused(
                "functionCall args must be an object nesting at most "
                f"MAX_DEPTH={MAX_DEPTH} deep, not {quote_prefix(repr(args)) if type(args) is not dict else 'deeper'}"
            )
        if not streamed:
            try:
                new.text = _compact(args if args is not None else {})
            except ValueError:  # NaN or Infinity: not JSON
                raise _Refused("functionCall args hold a number that JSON cannot write (NaN, Infinity)") from None
        calls.append(new)
        if out is not None:
            out.append(new_call_start(state.index, position, new.id, name, "function"))
        if streamed:
            new.streamed = _StreamedArguments()
            state.open_call = new
            state.push(new)
            if args:
                try:
                    text = new.streamed.seed(args)
                except ValueError:
                    raise _Refused("functionCall args hold a number that JSON cannot write (NaN, Infinity)") from None
                if out is not None:
                    out.append(new_arguments_delta(state.index, position, text))
            self._stream_pieces(state, new, pieces, more, out)
            return
        new.complete = True  # a whole call is complete as it arrives
        state.push(part)
        if out is not None:
            out.append(new_arguments_delta(state.index, position, new.text))
            out.append(new_call_end(state.index, position))

    def _stream_pieces(self, state: _Candidate, call: _Call, pieces: Any, more: bool, out: list[Delta] | None) -> None:
        streamed = call.streamed
        assert streamed is not None
        written = len(streamed.written)
        try:
            text = streamed.feed(pieces)
        except BaseException:  # the text written before a refused piece: the deltas hold what arguments hold
            call.built = None
            if out is not None and len(streamed.written) > written:
                out.append(new_arguments_delta(state.index, call.position, "".join(streamed.written[written:])))
            raise
        call.built = None
        if out is not None and text:
            out.append(new_arguments_delta(state.index, call.position, text))
        if not more:
            self._end_call(state, out, True)

    def _end_call(self, state: _Candidate, out: list[Delta] | None, announced: bool = False) -> None:
        """Close the open streamed call; complete only when its last part said so
        (``announced``), not when the finish reason, another part or call closed it."""
        call = state.open_call
        state.open_call = None
        if call is None or call.streamed is None:
            return
        rest = call.streamed.finish()
        call.complete = announced and not call.streamed.broken
        call.built = None
        if out is not None:
            if rest:
                out.append(new_arguments_delta(state.index, call.position, rest))
            if call.complete:
                out.append(new_call_end(state.index, call.position))
