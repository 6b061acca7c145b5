"""The one interface every dialect's reducer implements.

A reducer sees one stream's events, in order, decodes each event's JSON chunk once,
folds it into its state and says what changed as deltas. It knows nothing of bytes
(the ``Accumulator`` frames them) and nothing of I/O.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from itertools import accumulate
from typing import TYPE_CHECKING, Any, ClassVar, Final, NoReturn

from .._completion import new_metadata_delta
from .._framing import IMPLEMENTATION
from .._errors import ChunkDecodeError, ProviderError, SseparseError, describe_exception, quote_prefix
from ._contract import NOT_JSON

if TYPE_CHECKING:
    from .._completion import Completion, Delta, Usage
    from .._events import Event

__all__ = [
    "Reducer", "NOT_JSON", "decode_json", "fast_feed", "MAX_NESTING", "TOO_DEEP", "nested_deeper", "member_names", "as_int",
    "with_reasoning",
]

#: How deeply a chunk's JSON may nest (objects and arrays), in both builds: a chunk
#: nested deeper is a ``ChunkDecodeError``. ``json.loads`` itself gives up at a depth
#: that depends on the interpreter and on the caller's stack, and copying or
#: re-serializing a value (``copy.deepcopy``, ``json.dumps``) recurses too; this
#: limit keeps all of them far from Python's recursion limit, whoever calls.
MAX_NESTING: Final = 128

#: The reason of the ``ChunkDecodeError`` for a value nested deeper than ``MAX_NESTING``.
TOO_DEEP: Final = f"JSON nested deeper than {MAX_NESTING} levels"


def as_int(value: Any) -> int | None:
    """``value`` when it is an integer (not a bool, float or string), else ``None``: a
    token count the provider did not send is ``None``, never a guess."""
    return value if type(value) is int else None


def with_reasoning(
    input_tokens: int | None, output_tokens: int | None, reasoning_tokens: int | None, total_tokens: int | None
) -> int | None:
    """``output_tokens`` counting the reasoning tokens, as the one meaning of usage
    does: a server whose total adds them beside its output count (xAI's: total =
    prompt + completion + reasoning) left them out of that count. The total says
    which: OpenAI's is prompt + completion, reasoning inside it."""
    if (
        reasoning_tokens
        and output_tokens is not None
        and input_tokens is not None
        and total_tokens == input_tokens + output_tokens + reasoning_tokens
    ):
        return output_tokens + reasoning_tokens
    return output_tokens


def member_names(obj: dict[str, Any]) -> str:
    """The first member names of a chunk, quoted short: what a message about a chunk
    of an unexpected shape (another dialect's, most likely) shows of it."""
    return quote_prefix(", ".join(str(key) for key in list(obj)[:8]))


def nested_deeper(value: Any, limit: int = MAX_NESTING) -> bool:
    """Whether ``value`` nests dicts and lists more than ``limit`` deep (iterative:
    safe on any depth; stops at the first level beyond the limit). Call it before
    copying or re-serializing a value that input built, in pieces or whole."""
    if not isinstance(value, (dict, list)):
        return False
    stack = [iter(value.values() if isinstance(value, dict) else value)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, (dict, list)):
                if len(stack) >= limit:
                    return True
                stack.append(iter(item.values() if isinstance(item, dict) else item))
                break
        else:
            stack.pop()
    return False


_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _nests_past_limit(data: str, end: int | None) -> bool:
    """Whether ``data`` nests deeper than ``MAX_NESTING`` before ``end`` (strings left
    out): an event that is not valid JSON is "nested too deeply" when it is so before
    its error, whether ``json.loads`` gave up on the depth (``RecursionError``, at a
    depth that depends on the caller's stack) or reached the error first, so that the
    message never depends on who calls (the compiled and pure paths call from stacks
    of different depths). Linear in ``data``; only on the error path."""
    if type(end) is not int or end <= MAX_NESTING:
        return False
    head = data[:end]
    if head.count("[") + head.count("{") <= MAX_NESTING:
        return False
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", head))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > MAX_NESTING


#: The compiled fast path of the reducers (``sseparse._fastpath``), or ``None`` when it
#: is not built, the extensions are not in use (``_framing`` decides, once) or this is
#: the pure twin (whose reducers the fast path does not read): then every event goes
#: to ``feed_event``, the full decode, which gives the very same results. Imported at
#: the end of this module: the fast path imports the reducers, which import this.
fastpath: Any = None  # the module, or None (Any: mypy cannot narrow it inside the methods using it)


def glue(pieces: list[str]) -> str:
    """The pieces' text; the list is left holding it as one piece, so that reading the
    result again (after every event, say) copies only what arrived since, not every
    piece again. The list object stays the same (the compiled path appends to it); for
    lists nothing reads by position (not argument pieces: their readers count them)."""
    if len(pieces) > 1:
        text = "".join(pieces)
        pieces[:] = [text]
        return text
    return pieces[0] if pieces else ""


def fast_feed(reducer: Reducer) -> Any:
    """The compiled fast path of ``reducer`` (a ``_fastpath.FastFeed``), or ``None``
    when it has none or was made without one (``compiled=False``)."""
    if reducer.compiled and reducer.fast_dialect:
        return fastpath.FastFeed(reducer)
    return None

_loads = json.loads
# The C scanner every JSONDecoder sets up (typeshed does not declare the attribute).
_scan: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def decode_json(data: str) -> Any:
    """``json.loads(data)``, about 40% faster on the chunks of real streams.

    ``json.loads`` wraps the C scanner in two regex whitespace matches, a BOM check
    and three Python calls, which cost as much as scanning a typical 300-byte chunk.
    A chunk is one JSON value with nothing around it, so the scanner is called
    directly; anything else (leading or trailing whitespace, trailing garbage, a
    BOM) goes through ``json.loads``, so results and errors are exactly its own.
    Raises ``ValueError`` (``JSONDecodeError``) or ``RecursionError`` like it.
    """
    try:
        obj, end = _scan(data, 0)
    except StopIteration:  # no value at the very start: whitespace, a BOM, nothing
        return _loads(data)
    if end != len(data):
        return _loads(data)
    return obj


class Reducer:
    """Reduces the events of one stream, read in one dialect, to deltas and a ``Completion``.

    ``feed_event(event, out)`` folds one event in and appends the deltas it produced
    to ``out``; ``out`` is ``None`` when the caller only wants the final result, and
    then no delta object is built at all. It raises ``ChunkDecodeError`` for a chunk
    that is not what the dialect sends and ``ProviderError`` for an error the
    provider sent; the caller stops feeding after either, and ``snapshot()`` still
    gives everything folded in before.
    """

    #: The dialect's name in the registry and in ``Completion.dialect``.
    name: ClassVar[str] = ""
    #: What one chunk of the dialect is, for messages about malformed chunks.
    chunk_kind: ClassVar[str] = ""
    #: What ends a stream properly, for messages about cut streams.
    end_marker: ClassVar[str] = ""

    __slots__ = ("events", "done", "compiled", "live", "_id", "_model", "_usage")

    def __init__(self, compiled: bool = True) -> None:
        self._init_common(compiled)

    def _init_common(self, compiled: bool) -> None:
        """The state every reducer has; a dialect's ``__init__`` calls this (a C call
        in the compiled build, where ``Reducer.__init__(self, ...)`` is a Python one)."""
        # What every dialect knows of a response (``Accumulator.id`` / ``.model`` /
        # ``.usage`` read them): see ``take_identity``; the usage report in force.
        self._id: str | None = None
        self._model: str | None = None
        self._usage: Usage | None = None
        self.events = 0  # events fed so far: names the culprit of a ChunkDecodeError
        self.done = False  # the dialect's end marker was seen
        # Whether feed_events may use the compiled fast path (when it is built): the
        # pure reducer is the reference the compiled one is tested against.
        self.compiled = compiled and fastpath is not None
        # Set while a mid-stream snapshot is built (``Accumulator.completion``): a
        # dialect may then show a costly partial value as of an earlier read.
        self.live = False

    #: Which extractor of the compiled fast path reads this dialect's events
    #: (``_contract.CHAT``...), 0 for none; such a dialect implements
    #: ``_contract.FastReducer``.
    fast_dialect: ClassVar[int] = 0

    #: Whether a ``[DONE]`` data line is this dialect's end marker (OpenAI's). Other
    #: dialects skip it: some gateways add it to every format, and it carries nothing,
    #: but only the dialect's own end may make a stream complete.
    done_sentinel: ClassVar[bool] = False

    #: Event types (the event's name, or its data's ``type``) that may follow the end
    #: marker and carry nothing: a keep-alive, the end marker said again.
    quiet_types: ClassVar[frozenset[str]] = frozenset()

    def feed_event(self, event: Event, out: list[Delta] | None) -> None:
        if self.done:
            self.after_end(event)
            return
        self.events += 1
        try:
            obj = decode_json(event.data)
        except (ValueError, RecursionError) as exc:
            self._not_json(event, exc, out)
            return
        self._fold(event, obj, out)

    def feed_events(self, events: Iterable[Event], out: list[Delta] | None) -> None:
        """``feed_event`` for each event in order, through the compiled fast path when
        the dialect has one (the results are the same)."""
        if self.compiled and self.fast_dialect:
            fastpath.FastFeed(self).feed_events(events, out)
            return
        feed = self.feed_event
        for event in events:
            feed(event, out)

    def feed_decoded(self, event: Event, obj: Any, out: list[Delta] | None) -> None:
        """``feed_event`` for an event whose data was already decoded into ``obj``
        (``NOT_JSON`` if it is not JSON): dialect detection decodes the first event,
        and JSON is decoded once per event."""
        if obj is NOT_JSON:
            self.feed_event(event, out)  # decodes again to say why: only for non-JSON data
            return
        if self.done:
            self.after_end(event)
            return
        self.events += 1
        self._fold(event, obj, out)

    def _fold(self, event: Event, obj: Any, out: list[Delta] | None) -> None:
        """Checks and folds in one decoded chunk. Whatever the dialect's code raises on
        an odd chunk becomes a ``ChunkDecodeError`` naming the event (the boundary
        every reducer shares: only sseparse errors leave a reducer)."""
        data = event.data
        # Fewer brackets than the limit cannot nest beyond it (nor fewer characters).
        if len(data) > MAX_NESTING and data.count("[") + data.count("{") > MAX_NESTING and nested_deeper(obj):
            raise self.bad_chunk(event, TOO_DEEP)
        if type(obj) is not dict:
            self._not_object(event, obj)
        try:
            self._apply(event, obj, out)
        except SseparseError:
            raise
        except Exception as exc:  # KeyError, RecursionError, ValueError from int(), MemoryError...
            raise self.bad_chunk(event, f"cannot read this chunk ({describe_exception(exc)})") from exc

    def after_end(self, event: Event) -> None:
        """An event after the end marker. Blank data, a ``[DONE]`` and the types in
        ``quiet_types`` say nothing; anything else would be lost (a second response
        in the same body, a server that kept talking): a ``ChunkDecodeError`` names
        it, and the result is not complete."""
        self.events += 1  # (counted, as every event: an error names its position)
        data = event.data
        if not data or data.isspace() or data.startswith("[DONE]") or self._quiet(event):
            return
        raise self.bad_chunk(event, "an event after the end of the stream is not read (a second response in the same body?)")

    def _quiet(self, event: Event) -> bool:
        quiet = self.quiet_types
        if not quiet:
            return False
        if event.event in quiet:
            return True
        try:
            obj = decode_json(event.data)
        except (ValueError, RecursionError):
            return False
        if type(obj) is not dict:
            return False
        kind = obj.get("type")
        return type(kind) is str and kind in quiet  # (a list is no type: and unhashable)

    def _apply(self, event: Event, obj: Any, out: list[Delta] | None) -> None:
        """Fold in one event whose data decoded to the JSON object ``obj``: the dialect's own part."""
        raise NotImplementedError

    def _not_object(self, event: Event, obj: Any) -> NoReturn:
        # Every dialect's chunk is a JSON object; any other value under `event: error`
        # is the provider speaking, anything else a malformed chunk.
        if event.event == "error":
            raise ProviderError(obj, dialect=self.name)
        raise self.bad_chunk(event, f"expected a JSON object ({self.chunk_kind}), not {type(obj).__name__}")

    @property
    def usage_report(self) -> Usage | None:
        """The usage report in force (a dialect that builds it lazily says so here)."""
        return self._usage

    def take_identity(self, response_id: Any, model: Any, out: list[Delta] | None) -> None:
        """The response's id and model as a chunk gives them (any values): each is
        taken the first time it is a non-empty string (a server's first chunk may
        carry empty ones), and a ``MetadataDelta`` says what is new."""
        new_id = new_model = None
        if self._id is None and response_id and type(response_id) is str:
            self._id = new_id = response_id
        if self._model is None and model and type(model) is str:
            self._model = new_model = model
        if out is not None and (new_id is not None or new_model is not None):
            out.append(new_metadata_delta(new_id, new_model))

    def end(self, out: list[Delta] | None) -> None:
        """The dialect's end marker arrived: the stream is over (a dialect whose open
        tool calls close with it says so in ``out``)."""
        self.done = True

    def flush(self, out: list[Delta] | None) -> None:
        """The input ended without the end marker: say in ``out`` what was pending and
        no delta has said yet (a dialect that holds such a thing overrides this).
        Called only when deltas are wanted (``Accumulator.finish()``): it changes
        nothing else."""

    def _not_json(self, event: Event, exc: BaseException, out: list[Delta] | None) -> None:
        data = event.data
        if not data or data.isspace():
            return  # a blank keep-alive event carries nothing
        if data.startswith("[DONE]"):
            if self.done_sentinel:
                self.end(out)
        elif event.event == "error":
            raise ProviderError(data, dialect=self.name)
        elif isinstance(exc, RecursionError) or _nests_past_limit(data, getattr(exc, "pos", None)):
            raise self.bad_chunk(event, TOO_DEEP) from None
        else:
            raise self.bad_chunk(event, f"not valid JSON: {exc}") from None

    @property
    def finished(self) -> bool:
        """Every choice the stream started has a finish reason."""
        raise NotImplementedError

    def snapshot(self, complete: bool, error: dict[str, Any] | None) -> Completion:
        """The ``Completion`` so far; a new immutable object on every call."""
        raise NotImplementedError

    def bad_chunk(self, event: Event, reason: str) -> ChunkDecodeError:
        """The error for the event just fed: its position and a prefix of its data."""
        return ChunkDecodeError(reason, index=self.events - 1, event=event)


if IMPLEMENTATION == "cython" and not __file__.endswith(".py"):  # (the compiled build of this module)
    try:
        from .. import _fastpath as fastpath
    except (ImportError, ValueError, TypeError):
        # Not built (the framing layer already warns), or built apart from a reducer
        # left uncompiled (the fast path's check, or Cython's own when it imports the
        # reducers' types: a size that changed, not a type): every event is folded by
        # the reducers themselves.
        pass
