"""The ``openai-responses`` dialect: the Responses API's typed events (``response.*``).

A Responses stream is a list of output items (messages, reasoning, function calls,
custom tool calls, web searches, generated images...) built up by typed events, and
ends with one terminal event carrying the whole response. This reducer folds them
into the one choice a Responses stream has:

- ``content`` is the text of every ``output_text`` part of every message item, in
  output order, glued without separator: what the openai SDK's ``output_text`` gives.
  ``refusal`` is the text of the ``refusal`` parts, the same way.
- ``reasoning`` is the text of the reasoning items: summary parts
  (``response.reasoning_summary_text.delta``) and full reasoning text
  (``response.reasoning_text.delta``, sent by open-weight models), in output order.
  Summary parts are separate paragraphs, each opening with its own bold title, so
  parts are joined with a blank line (``"\\n\\n"``); the ``ReasoningDelta`` that
  opens a new part carries that separator, so the deltas still glue to the field.
- ``tool_calls`` are the ``function_call`` items (``kind="function"``: ``call_id`` is
  the id, arguments glued from ``response.function_call_arguments.delta``) and the
  ``custom_tool_call`` items (``kind="custom"``: free-form tools, whose ``input`` text
  is the arguments, not JSON), in output order. A call is ``complete`` once its
  ``.done`` event or its done item arrived (an item done with status ``incomplete``
  was cut: not complete), or when ``response.completed`` ended the stream; a call cut
  by the end of the stream, by ``response.incomplete`` or by ``response.failed`` is
  not. Tools the server runs itself (web search, image generation, file search, code
  interpreter, MCP) are not calls for the client to make: they are kept in ``blocks``.
- ``blocks`` is the response's ``output`` list, accumulated: each item as its
  ``response.output_item.done`` (or ``response.completed``) sent it, and an item the
  stream was cut inside of as it was added, with the text, arguments and summaries
  received so far filled in. It is what a client sends back as input to continue
  without ``previous_response_id`` (reasoning items carry ``encrypted_content``).
- Every ``.done`` event and every done item is authoritative: when its full text
  differs from the deltas glued so far it replaces them (and when the deltas so far
  are a prefix of it, the missing rest is also produced as one more delta).
- The terminal event's ``output`` lists the items the stream built, in the same
  order, but not always under the same ids (OpenRouter gives the reasoning item
  another id there, GitHub Copilot every item): an entry whose id the stream did not
  use is the next streamed item of its type no other entry took, and only an entry
  left over is a new item. So no text is counted twice.
- ``finish_reason`` is the provider's own word: the response ``status``
  (``"completed"``) on ``response.completed``, and on ``response.incomplete`` the
  ``incomplete_details.reason`` (``"max_output_tokens"``, ``"content_filter"``) or
  else the status ``"incomplete"``. The openai SDK exposes exactly these two
  fields (``status``, ``incomplete_details``); both are kept in ``extra`` too.
- ``complete``: ``response.completed`` and ``response.incomplete`` both end the
  stream properly, so both make it complete. An incomplete response is a whole
  stream whose answer was cut short by a limit, exactly like ``finish_reason``
  ``"length"`` in Chat Completions: the finish reason says so, ``complete`` does
  not. ``response.failed`` and ``error`` events raise ``ProviderError`` carrying
  the provider's error object (``code``, ``message``), after the usage and output
  items the failed response carried were folded in.
- ``usage`` is ``response.usage`` of the terminal event: ``input_tokens`` (cached
  ones included), ``cached_input_tokens`` (``input_tokens_details.cached_tokens``),
  ``output_tokens`` (reasoning included), ``reasoning_tokens``
  (``output_tokens_details.reasoning_tokens``), ``total_tokens``; ``raw`` as sent.
  ``cache_write_tokens`` is ``None``: the API does not report it.
- Deltas: besides text, reasoning, refusal and argument pieces, ``MetadataDelta``
  when the id and model are known (``response.created``), ``ToolCallStart`` (with
  its ``kind``), ``ToolCallUpdate`` for an id or name that arrives after the call's
  first piece, ``ToolCallEnd`` when the call is complete, ``CitationDelta`` for
  ``response.output_text.annotation.added``, and a ``BlockDelta`` for each done item
  no other delta covers (web search, image generation, ...). Folded in order, they
  give the ``Completion``'s fields (a ``.done`` text that does not continue the deltas
  is the one case no delta can express).
- An event after the terminal one (but a ``keepalive``) is a ``ChunkDecodeError``:
  it would be lost (a second response in the same body); event types of this API that this
  reducer does not know (``response.web_search_call.searching``, audio, future
  ones) are skipped. An event whose type is not a Responses one (not
  ``response.*``, ``error`` or ``keepalive``), or that has no type, is another
  dialect's: ``ChunkDecodeError``, so that a stream read in the wrong dialect never
  ends complete with nothing. ``[DONE]`` is not this dialect's end: it ends nothing.

Speed: one JSON decoding per event; ``response.output_text.delta`` (nearly every
event of a long answer) is tested first and takes a few dict lookups and one list
append; every other type is found by one dict lookup (``_HANDLERS``). With the
compiled modules the delta events of text, call arguments and reasoning summaries
are read without decoding them, through ``target``, and events of a type folded
nowhere are only counted (``fast_skips``): the compiled fast path's contract (see
``_contract``), with the same result. Every other event the compiled path reads
folds through one small method, which this reducer's own handler calls too:
``settle_text(index, kind, sub, text, item_id, out)`` (every ``.done`` text and part
text), ``response_meta(response_id, model, created_at, out)`` (``response.created``
/ ``queued`` / ``in_progress``), ``call_done(index, text, name, item_id, custom,
out)`` (the ``.done`` of a call's arguments or input), ``item_added`` / ``item_done``
(output items), ``part_event`` (content and summary parts), ``citation`` and
``terminal``. Those that take objects take a dict of the members this reducer
reads of them (the compiled path builds no more), and each output item whole as
its JSON text: an item's ``raw`` view is only decoded when the result (or a
``BlockDelta``) needs it, and most views are replaced by a later one before that
(``output_item.added`` by ``.done``, ``.done`` by the terminal event's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from .._completion import (
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
    new_citation_delta,
    new_finish_delta,
    new_reasoning_delta,
    new_refusal_delta,
    new_text_delta,
    new_tool_call,
    new_usage,
    new_usage_delta,
)
from .._errors import ProviderError, quote_prefix, short_repr
from .._partial_arguments import PartialText
from ._base import Reducer, decode_json, glue, with_reasoning
from ._contract import ARGUMENTS, PART_REASONING, PART_REFUSAL, PART_SUMMARY, PART_TEXT, REASONING, RESPONSES, TEXT

if TYPE_CHECKING:
    from collections.abc import Callable

    from .._completion import Delta
    from .._events import Event

__all__ = ["OpenAIResponsesReducer"]

# The kinds of text part, in the order they are assembled within one output item
# (``settle_text``'s ``kind``: the contract numbers them, for the compiled path).
_TEXT = PART_TEXT  # a message's output_text part
_REFUSAL = PART_REFUSAL  # a message's refusal part
_SUMMARY = PART_SUMMARY  # a reasoning item's summary_text part
_REASONING = PART_REASONING  # a reasoning item's reasoning_text part

#: Between two reasoning parts (summary paragraphs, or two reasoning items).
REASONING_SEPARATOR = "\n\n"

_CALL_TYPES = {"function_call": "arguments", "custom_tool_call": "input"}
_PART_KINDS = {"output_text": (_TEXT, "text"), "refusal": (_REFUSAL, "refusal"), "reasoning_text": (_REASONING, "text")}
_TERMINAL_STATUS = {"response.completed": "completed", "response.incomplete": "incomplete"}
# Output items whose whole content other deltas carry; any other item done is a BlockDelta.
_COVERED = frozenset({"message", "reasoning", "function_call", "custom_tool_call"})
# The item a text part belongs to, when a delta comes before its item was added.
_PART_ITEM = {_TEXT: "message", _REFUSAL: "message", _SUMMARY: "reasoning", _REASONING: "reasoning"}
# A done item in this status was cut (max_output_tokens): its call is not whole.
_CUT_STATUS = frozenset({"incomplete", "in_progress"})
# Event types outside ``response.*`` that a Responses stream may carry.
_OTHER_TYPES = frozenset({"keepalive"})

_Key = tuple[int, int, int]  # (output_index, text kind, content or summary index)


class _Call:
    """A tool call the client is to make, and where its output item is."""

    __slots__ = (
        "position",
        "output_index",
        "id",
        "name",
        "pieces",
        "custom",
        "complete",
        "reader",
        "_glued",
        "_glued_count",
    )

    def __init__(self, position: int, output_index: int, call_id: str | None, name: str, custom: bool) -> None:
        self.position = position
        self.output_index = output_index
        self.id = call_id
        self.name = name
        # Argument pieces in arrival order; only ever appended to (the compiled path
        # appends too) until a ``.done`` text replaces them.
        self.pieces: list[str] = []
        self.custom = custom  # a custom tool's input is free text, not JSON
        self.complete = False  # the provider closed the call
        self.reader: PartialArguments | PartialText | None = None  # made when someone asks for the partial value
        self._forget()

    def _forget(self) -> None:
        self._glued = ""  # the first _glued_count pieces, joined
        self._glued_count = 0

    @property
    def kind(self) -> str:
        return "custom" if self.custom else "function"

    def glued(self) -> str:
        """The arguments so far; only the pieces that arrived since the last call are copied in."""
        pieces = self.pieces
        count = len(pieces)
        if self._glued_count != count:
            self._glued = "".join([self._glued, *pieces[self._glued_count :]])
            self._glued_count = count
        return self._glued

    def build(self) -> ToolCall:
        return new_tool_call(
            self.position, self.id, self.name, self.glued(), "custom" if self.custom else "function", self.complete
        )

    def replace(self, text: str) -> None:
        """A ``.done`` text that does not continue the pieces: it replaces them."""
        self.pieces[:] = [text]
        self.reader = None  # it read pieces that are gone
        self._forget()

    def partial(self, ended: bool) -> Any:
        reader = self.reader
        if reader is None:
            reader = self.reader = PartialText() if self.custom else PartialArguments()
        return reader.read(self.pieces, ended)


class _Item:
    """One output item: the item as last sent, and whether it was done.

    Its ``type`` is kept apart (matching the terminal event's entries reads it), so
    that the item itself is only needed for the result: the compiled path hands it
    over as its JSON text, decoded the first time it is read (most views of an item
    are replaced by a later one before anyone reads them)."""

    __slots__ = ("kind", "_raw", "_text", "done", "call")

    def __init__(self, item: dict[str, Any], raw: dict[str, Any] | str) -> None:
        self.kind = item.get("type")
        self._raw = raw
        self._text = raw if type(raw) is str else None  # the JSON text of the view in force, if given so
        self.done = False
        self.call: _Call | None = None

    def take(self, item: dict[str, Any], raw: dict[str, Any] | str) -> None:
        """A newer view of the item (``raw`` as in ``__init__``). One sent as the very
        same JSON text as the view in force changes nothing: a view decoded already
        (a done item's, for its ``BlockDelta``) is not decoded again."""
        if type(raw) is str:
            if raw == self._text:
                return
            self._text = raw
        else:
            self._text = None
        self.kind = item.get("type")
        self._raw = raw

    @property
    def raw(self) -> dict[str, Any]:
        raw = self._raw
        if type(raw) is str:
            raw = self._raw = decode_json(raw)
        return raw  # type: ignore[return-value]




def _usage(raw: dict[str, Any]) -> Usage:
    """``input_tokens`` counts the cached ones too (``input_tokens_details.cached_tokens``,
    and ``cache_write_tokens`` where a server sends it), ``output_tokens`` the reasoning
    ones (``output_tokens_details.reasoning_tokens``)."""
    input_tokens, output_tokens, total_tokens = raw.get("input_tokens"), raw.get("output_tokens"), raw.get("total_tokens")
    if type(input_tokens) is not int:
        input_tokens = None
    if type(output_tokens) is not int:
        output_tokens = None
    if type(total_tokens) is not int:
        total_tokens = None
        if input_tokens is not None and output_tokens is not None:
            total_tokens = input_tokens + output_tokens
    cached = written = reasoning = None
    found = raw.get("input_tokens_details")
    if type(found) is dict:
        cached, written = found.get("cached_tokens"), found.get("cache_write_tokens")
        if type(cached) is not int:
            cached = None
        if type(written) is not int:
            written = None
    found = raw.get("output_tokens_details")
    if type(found) is dict:
        reasoning = found.get("reasoning_tokens")
        if type(reasoning) is not int:
            reasoning = None
    output_tokens = with_reasoning(input_tokens, output_tokens, reasoning, total_tokens)
    return new_usage(
        input_tokens, output_tokens, total_tokens, raw, cached, written, reasoning
    )


def _short(value: Any) -> str:
    """A value for an error message: a short prefix of it, whatever its size."""
    return quote_prefix(value) if isinstance(value, str) else quote_prefix(repr(value))


class OpenAIResponsesReducer(Reducer):
    """Reduces Responses API stream events into one choice."""

    name: ClassVar[str] = "openai-responses"
    end_marker: ClassVar[str] = "response.completed"
    quiet_types: ClassVar[frozenset[str]] = _OTHER_TYPES
    chunk_kind = "a response stream event"
    #: ``[DONE]`` is Chat Completions' end, not this dialect's: a gateway may add it
    #: after ``response.completed`` (then it carries nothing: ``after_end``), and
    #: before it, it ends nothing (the stream is cut unless the terminal event follows).
    done_sentinel: ClassVar[bool] = False
    fast_dialect = RESPONSES

    __slots__ = (
        "_texts",
        "_items",
        "_ids",
        "_last",
        "_calls",
        "_reasoning_parts",
        "_logprobs",
        "_created",
        "_finish_reason",
        "_extra",
        "_opened",
    )

    def __init__(self, compiled: bool = True) -> None:
        self._init_common(compiled)  # (Reducer.__init__'s, a C call in the compiled build)
        # Text pieces per part, glued at snapshot time. A part is only created by the
        # full decode (which also makes up its item if none was added): the compiled
        # path only appends to a part that exists.
        self._texts: dict[_Key, list[str]] = {}
        self._items: dict[int, _Item] = {}  # by output_index
        self._ids: dict[str, int] = {}  # item id -> output_index
        self._last: int | None = None  # the greatest output_index in _items
        self._calls: list[_Call] = []
        self._reasoning_parts = 0  # reasoning parts with text so far: the next one opens with a separator
        self._logprobs: list[Any] | None = None
        self._created: int | None = None
        self._finish_reason: str | None = None
        self._extra: dict[str, Any] = {}
        self._opened = False  # a response.created seen (see open_response)

    # -- the interface -----------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.done

    def target(self, kind: int, where: int, key: int) -> tuple[list[str], int, int] | None:
        """The compiled fast path's contract (see ``_contract``): where a piece of
        output item ``where``, part ``key`` goes. A new text part is the full
        decode's (it may make up the item), a new reasoning part too (it opens with
        a separator), and a call's arguments need the call's item."""
        if kind == TEXT:
            pieces = self._texts.get((where, _TEXT, key))
            return None if pieces is None else (pieces, 0, 0)
        if kind == REASONING:
            pieces = self._texts.get((where, _SUMMARY, key))
            return (pieces, 0, 0) if pieces else None
        if kind == ARGUMENTS:
            state = self._items.get(where)
            call = None if state is None else state.call
            return None if call is None else (call.pieces, 0, call.position)
        return None

    def fast_skips(self, kind: str) -> bool:
        """The compiled fast path's contract (see ``_contract``): whether an event of
        type ``kind`` (a string) folds nothing in (a type this version has no
        handler for, like ``response.web_search_call.searching``)."""
        return kind not in _HANDLERS and kind != "response.output_text.delta" and (
            kind.startswith("response.") or kind in _OTHER_TYPES
        )

    def partial_arguments(self, choice: int, index: int) -> Any:
        """The arguments of tool call ``index`` as far as they have arrived (see
        ``PartialArguments``), complete once its item is done; for a custom tool call,
        the free-form input text so far (a long one may trail by a little while it
        streams, exact once the call is done: see ``_Call.partial``)."""
        calls = self._calls
        if choice != 0 or not 0 <= index < len(calls):
            raise IndexError(f"the stream has no tool call {index} in choice {choice} (yet)")
        call = calls[index]
        item = self._items.get(call.output_index)
        return call.partial(self.done or call.complete or (item is not None and item.done))

    def snapshot(self, complete: bool, error: dict[str, Any] | None) -> Completion:
        texts = self._texts
        content = reasoning = refusal = ""
        parts_of: dict[int, list[tuple[int, str]]] = {}  # output_index -> (kind, text) in order
        if texts:  # (a stream of one event, or of server tools only, has none: the fixed cost)
            contents: list[str] = []
            refusals: list[str] = []
            reasonings: list[str] = []
            for key in sorted(texts):
                kind = key[1]
                text = glue(texts[key])
                if kind == _TEXT:
                    contents.append(text)
                elif kind == _REFUSAL:
                    refusals.append(text)
                elif text:
                    reasonings.append(text)
                found = parts_of.get(key[0])
                if found is None:
                    found = parts_of[key[0]] = []
                found.append((kind, text))
            content = "".join(contents)
            reasoning = REASONING_SEPARATOR.join(reasonings)
            refusal = "".join(refusals)
        logprobs = self._logprobs
        items = self._items
        calls = self._calls
        extra = self._extra
        choice = make_choice(
            0,
            content,
            reasoning,
            refusal,
            [call.build() for call in calls] if calls else [],
            None,
            self._finish_reason,
            None if logprobs is None else {"content": list(logprobs), "refusal": []},
            [_block(items[index], parts_of.get(index, ())) for index in sorted(items)] if items else [],
        )
        return completion_of(
            self.name, [choice], self._id, self._model, self._created, None, self._usage, complete, error,
            dict(extra) if extra else {},
        )

    # -- the compiled path's contract ----------------------------------------------------
    #
    # The events whose fold needs a few scalars of the event, not its whole object, fold
    # through one small method each: the handlers below call them, and a compiled
    # extractor that read those scalars itself may call them as they are (after
    # counting the event in ``self.events``, and only while ``self.done`` is false, as
    # ``feed_event`` does), for the very same state updates and deltas. Arguments are
    # as decoded: an event whose values are of other types than those said here (an
    # index that is not an integer, a text that is not a string) is the full decode's.

    def settle_text(self, index: int, kind: int, sub: int, text: str, item_id: Any, out: list[Delta] | None) -> None:
        """A text part's full text, authoritative: ``response.output_text.done``
        (``kind`` ``_TEXT``), ``refusal.done`` (``_REFUSAL``),
        ``reasoning_summary_text.done`` (``_SUMMARY``), ``reasoning_text.done``
        (``_REASONING``), and the text of ``content_part.added`` / ``.done`` and
        ``reasoning_summary_part.added`` / ``.done``. ``index`` is the event's
        ``output_index``, ``sub`` its ``content_index`` (``summary_index``; 0 when
        missing), ``item_id`` its ``item_id`` (any value; only read when the part's
        item was never added). When ``text`` differs from the deltas glued so far it
        replaces them; when they are a prefix of it, the missing rest is one more delta."""
        key = (index, kind, sub)
        pieces = self._texts.get(key)
        if pieces is None:
            pieces = self._part(key, item_id)
        if pieces:
            have = glue(pieces)
            if have == text:
                return
            if not text.startswith(have):  # no delta can take back what was shown; the Completion has it right
                pieces[:] = [text]
                return
            text = text[len(have) :]  # deltas missing at the end: they arrive as one
        elif not text:
            return
        self._grow(pieces, kind, text, out)

    def open_response(self) -> bool:
        """``response.created``: ``False`` when one came already, the response still
        open (after its terminal event, ``after_end`` says what it is). A response is
        created once; another is a retry an intermediary spliced into the same body,
        the first cut, and folding it in would mix two answers into one: the full
        decode raises for it (the compiled path leaves it to the full decode). Ids are
        no guide: a server (GitHub Copilot's) gives every event a new one."""
        if self._opened:
            return False
        self._opened = True
        return True

    def response_meta(self, response_id: Any, model: Any, created_at: Any, out: list[Delta] | None) -> None:
        """``response.created`` / ``.queued`` / ``.in_progress``: the response's ``id``,
        ``model`` and ``created_at`` as decoded (``None`` when missing); each is taken
        the first time it is a non-empty string (an integer for ``created_at``)."""
        self.take_identity(response_id, model, out)
        if self._created is None and created_at and type(created_at) is int:
            self._created = created_at

    def call_done(
        self, index: int, text: Any, name: Any, item_id: Any, custom: bool, out: list[Delta] | None
    ) -> None:
        """``response.function_call_arguments.done`` (``custom`` false) /
        ``custom_tool_call_input.done`` (``custom`` true) for output item ``index``:
        ``text`` (its ``arguments`` / ``input``; not a string: nothing to settle) is
        authoritative, ``name`` fills a name the call does not have yet, and the call
        is whole. Raises ``ValueError`` when item ``index`` is not a call."""
        call = self._call_at(index, item_id, custom, out)
        if type(text) is str:
            self._settle_call(call, text, out)
        if not call.name and name and type(name) is str:
            call.name = name
            if out is not None:
                out.append(new_call_update(0, call.position, None, name))
        if not call.complete:
            call.complete = True
            if out is not None:
                out.append(new_call_end(0, call.position))

    # -- decoding ----------------------------------------------------------------------

    def _apply(self, event: Event, obj: Any, out: list[Delta] | None) -> None:
        kind = obj.get("type")
        if type(kind) is not str:
            kind = event.event  # a server that names the type only in the SSE `event:` field
        try:
            if kind == "response.output_text.delta":  # the short path: most events of an answer
                delta = obj["delta"]
                if type(delta) is not str:
                    raise TypeError(f"delta must be a string, not {type(delta).__name__}")
                if delta:
                    index = obj.get("output_index")
                    part = obj.get("content_index")
                    key = (
                        index if type(index) is int else self._index_of(obj),
                        _TEXT,
                        part if type(part) is int else 0,
                    )
                    pieces = self._texts.get(key)
                    if pieces is None:
                        pieces = self._part(key, obj.get("item_id"))
                    pieces.append(delta)
                    if out is not None:
                        out.append(new_text_delta(0, delta))
                logprobs = obj.get("logprobs")
                if logprobs:
                    self._take_logprobs(logprobs)
                return
            handler = _HANDLERS.get(kind)
            if handler is not None:
                if kind == "response.created" and not self.open_response():
                    raise self.bad_chunk(
                        event,
                        f"a second response.created while the response {short_repr(self._id)} was open "
                        "(a retry spliced into the same body?)",
                    )
                handler(self, obj, out)
            elif not kind.startswith("response.") and kind not in _OTHER_TYPES:
                raise self.bad_chunk(event, self._foreign(obj, kind))
        except (AttributeError, TypeError, KeyError, ValueError, IndexError, OverflowError, RecursionError) as exc:
            reason = f"{type(exc).__name__}: {exc}"
            if len(reason) > 160:  # (an exception's message may quote the input)
                reason = reason[:160] + "..."
            raise self.bad_chunk(event, f"unexpected {_short(kind)} event shape ({reason})") from None

    def _foreign(self, obj: dict[str, Any], kind: str) -> str:
        """Why an event is not one of this dialect's (another dialect's chunk, most likely)."""
        expected = f"{self.name} expects Responses API events, whose type starts with 'response.'"
        if "type" in obj:
            return f"{expected}; this one's type is {_short(obj['type'])} (is the stream in another dialect?)"
        keys = ", ".join(_short(key) for key in list(obj)[:5])
        return f"{expected}; this one has no type (its members: {keys or 'none'}; is the stream in another dialect?)"

    # -- where things go ---------------------------------------------------------------

    def _index_of(self, obj: dict[str, Any]) -> int:
        """The output_index of an event, or ``index_of`` its ``item_id`` when it lacks one."""
        index = obj.get("output_index")
        if type(index) is int:
            return index
        return self.index_of(obj.get("item_id"))

    def index_of(self, item_id: Any) -> int:
        """The output index of the item an event without an ``output_index`` names (some
        proxies drop it; the compiled path's contract too): by its ``item_id``, else
        the last item."""
        found = self._ids.get(item_id)
        if found is not None:
            return found
        last = self._last
        return 0 if last is None else last

    def _part(self, key: _Key, item_id: Any) -> list[str]:
        """The pieces of a new text part; an item made up for it when its item was
        not added (a server that skips ``output_item.added``), so that the terminal
        event's item finds it by position (``item_id``: the event's, for that item)."""
        pieces: list[str] = []
        self._texts[key] = pieces
        index = key[0]
        if index not in self._items:
            made: dict[str, Any] = {"type": _PART_ITEM[key[1]]}
            if item_id and type(item_id) is str:
                made["id"] = item_id
            self._new_item(index, made, made)
        return pieces

    def _grow(self, pieces: list[str], kind: int, text: str, out: list[Delta] | None) -> None:
        """Append ``text`` to a text part of ``kind`` and say so with the delta of its kind."""
        if kind < _SUMMARY:
            if out is not None:
                out.append(new_text_delta(0, text) if kind == _TEXT else new_refusal_delta(0, text))
        else:
            shown = text
            if not pieces:  # a new reasoning part: a paragraph of its own after the first
                self._reasoning_parts += 1
                if self._reasoning_parts > 1:
                    shown = REASONING_SEPARATOR + text
            if out is not None:
                out.append(new_reasoning_delta(0, shown))
        pieces.append(text)

    def _settle_call(self, call: _Call, text: Any, out: list[Delta] | None) -> None:
        if type(text) is not str:
            return
        have = call.glued()
        if have == text:
            return
        if text.startswith(have):
            rest = text[len(have) :]
            call.pieces.append(rest)
            if out is not None:
                out.append(new_arguments_delta(0, call.position, rest))
        else:
            call.replace(text)

    def _end_call(self, call: _Call, out: list[Delta] | None) -> None:
        if not call.complete:
            call.complete = True
            if out is not None:
                out.append(new_call_end(0, call.position))

    def _fill_call(self, call: _Call, item: dict[str, Any], out: list[Delta] | None) -> None:
        """An id or name the call did not have yet, from a later view of its item."""
        new_id: str | None = None
        new_name = ""
        if call.id is None:
            call_id = item.get("call_id")
            if call_id and type(call_id) is str:
                call.id = new_id = call_id
        if not call.name:
            name = item.get("name")
            if name and type(name) is str:
                call.name = new_name = name
        if out is not None and (new_id is not None or new_name):
            out.append(new_call_update(0, call.position, new_id, new_name))

    # -- events ------------------------------------------------------------------------

    def _lifecycle(self, obj: dict[str, Any], out: list[Delta] | None) -> None:
        """``response.created`` / ``.queued`` / ``.in_progress``: the response's identity."""
        response = obj.get("response")
        if type(response) is dict:
            get = response.get
            self.response_meta(get("id"), get("model"), get("created_at"), out)

    def _terminal(self, obj: dict[str, Any], out: list[Delta] | None) -> None:
        """``response.completed`` / ``.incomplete`` / ``.failed``: the whole response."""
        response = obj.get("response")
        self.terminal(obj.get("type"), response if type(response) is dict else {}, None, out)

    def terminal(self, kind: Any, response: dict[str, Any], raws: list[Any] | None, out: list[Delta] | None) -> None:
        """The terminal event of type ``kind`` and its ``response`` object: as decoded, or
        (the compiled path) a dict of the members read here (``id``, ``model``,
        ``created_at``, ``usage``, ``status``, ``incomplete_details``, ``error``, each
        as decoded) whose ``output`` lists the items as ``item_done`` takes them, their
        ``raw`` views in ``raws`` (``None``: the entries themselves)."""
        get = response.get
        failed = kind == "response.failed"
        self.response_meta(get("id"), get("model"), get("created_at"), out)
        self._take_output(get("output"), raws, out, not failed)
        if kind == "response.completed":  # the whole response is done: every call is whole
            for call in self._calls:
                if not call.complete:
                    self._end_call(call, out)
        usage = get("usage")
        if type(usage) is dict and (self._usage is None or usage != self._usage.raw):
            self._usage = _usage(usage)
            if out is not None:
                out.append(new_usage_delta(self._usage))
        status = get("status")
        if type(status) is not str or not status:
            status = _TERMINAL_STATUS.get(kind, "failed")
        self._extra["status"] = status
        details = get("incomplete_details")
        if details is not None:
            self._extra["incomplete_details"] = details
        if failed:
            error = get("error")
            if not error:
                error = {"message": f"the response {quote_prefix(status)} without saying why", "status": status}
            raise ProviderError(error, dialect=self.name)
        reason = status
        if kind == "response.incomplete" and type(details) is dict:
            detail = details.get("reason")
            if detail and type(detail) is str:
                reason = detail
        self._finish_reason = reason
        if out is not None:
            out.append(new_finish_delta(0, reason))
        self.done = True

    def _error(self, obj: dict[str, Any], out: list[Delta] | None) -> None:
        """An ``error`` event: ``{"type": "error", "code", "message", "param"}``, or the
        same nested under ``error``."""
        error = obj.get("error")
        if type(error) is not dict:
            error = {key: value for key, value in obj.items() if key not in ("type", "sequence_number")}
        raise ProviderError(error, dialect=self.name)

    def _take_output(self, output: Any, raws: list[Any] | None, out: list[Delta] | None, closes: bool) -> None:
        """The terminal event's ``output`` list: each item is a done item.

        It lists the items the stream built, in the same order, but not always under
        the same ids (some gateways give the reasoning item, or every item, a new id
        there): an item whose id the stream did not use is the streamed item at its
        own position when that one is of its type and no other entry's, else the next
        streamed item of its type that no other entry took (by output position), else
        a new item at the end. So no text is counted twice, and each entry costs O(1)
        (the queues of streamed items by type are only made when an entry's id is not
        the stream's).
        """
        if output is None:
            return
        if type(output) is not list:
            raise TypeError(f"response.output must be a list, not {type(output).__name__}")
        ids = self._ids
        found: list[int | None] = []  # by id, first: those items are not free for the others
        taken: set[int] = set()
        missing = False
        for position, item in enumerate(output):
            if type(item) is not dict:
                raise TypeError(f"response.output[{position}] must be an object, not {type(item).__name__}")
            item_id = item.get("id")
            index = ids.get(item_id) if type(item_id) is str else None
            found.append(index)
            if index is None:
                missing = True
            else:
                taken.add(index)
        item_done = self.item_done
        if raws is None:
            raws = output
        if not missing:  # (as a rule: every entry is a streamed item, under its id)
            for item, raw, index in zip(output, raws, found):
                item_done(index, item, raw, out, closes)  # type: ignore[arg-type]
            return
        items = self._items
        for position, (item, index) in enumerate(zip(output, found)):
            if index is None and position not in taken:
                state = items.get(position)
                if state is not None and state.kind == item.get("type"):
                    found[position] = position
                    taken.add(position)
        queues: dict[Any, list[int]] = {}  # item type -> streamed output indexes, last first
        for streamed in sorted(items, reverse=True):
            kind = items[streamed].kind
            if type(kind) is str:
                queues.setdefault(kind, []).append(streamed)
        last = self._last
        new = 0 if last is None else last + 1  # where an item the stream did not build goes
        for item, raw, index in zip(output, raws, found):
            if index is None:
                kind = item.get("type")
                queue = queues.get(kind) if type(kind) is str else None
                while queue and queue[-1] in taken:
                    queue.pop()
                if queue:
                    index = queue.pop()
                else:
                    index = new
                    new += 1
            item_done(index, item, raw, out, closes)

    def _item_added(self, obj: dict[str, Any], out: list[Delta] | None) -> None:
        index, item = self._item_of(obj)
        self.item_added(index, item, item, out)

    def _item_of(self, obj: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """The output index and the item of ``response.output_item.added`` / ``.done``."""
        item = obj.get("item")
        if type(item) is not dict:
            raise TypeError(f"item must be an object, not {type(item).__name__}")
        index = obj.get("output_index")
        return (index if type(index) is int else self._index_of(obj)), item

    def _new_item(self, index: int, item: dict[str, Any], raw: dict[str, Any] | str) -> _Item:
        state = self._items[index] = _Item(item, raw)
        last = self._last
        if last is None or index > last:
            self._last = index
        item_id = item.get("id")
        if item_id and type(item_id) is str:
            self._ids[item_id] = index
        return state

    def item_added(self, index: int, item: dict[str, Any], raw: dict[str, Any] | str, out: list[Delta] | None) -> _Item:
        """``response.output_item.added``: ``item`` at output ``index``. ``item`` is the
        item as decoded or (the compiled path) a dict of the members read here, as
        decoded (``type``, ``id``, ``status``, ``call_id``, ``name``, ``arguments``,
        ``input``, and ``content`` / ``summary`` as lists of parts of their ``type``,
        ``text`` and ``refusal``); ``raw`` is the item whole, or its JSON text."""
        state = self._items.get(index)
        if state is not None:  # added twice (or made up for a delta first): take the newer view
            state.take(item, raw)
            item_id = item.get("id")
            if item_id and type(item_id) is str:
                self._ids[item_id] = index
            if state.call is not None:
                self._fill_call(state.call, item, out)
            return state
        state = self._new_item(index, item, raw)
        get = item.get
        field = _CALL_TYPES.get(get("type"))  # type: ignore[arg-type]
        if field is not None:
            call_id = get("call_id") or None
            name = get("name") or ""
            call_id = call_id if type(call_id) is str else None
            call = _Call(len(self._calls), index, call_id, name if type(name) is str else "", field == "input")
            self._calls.append(call)
            state.call = call
            if out is not None:
                out.append(new_call_start(0, call.position, call.id, call.name, call.kind))
            self._settle_call(call, get(field), out)
        else:
            self._item_texts(index, item, out)
        return state

    def _item_texts(self, index: int, item: dict[str, Any], out: list[Delta] | None) -> None:
        """The text an item carries (a done item, or one added with text already);
        the item at ``index`` exists."""
        kind = item.get("type")
        if kind == "message":
            settle = self.settle_text
            position = 0
            for part in item.get("content") or ():
                found = _PART_KINDS.get(part.get("type"))
                if found is not None:
                    text = part.get(found[1])
                    if type(text) is str:
                        settle(index, found[0], position, text, None, out)
                position += 1
        elif kind == "reasoning":
            settle = self.settle_text
            position = 0
            for part in item.get("summary") or ():
                text = part.get("text")
                if type(text) is str:
                    settle(index, _SUMMARY, position, text, None, out)
                position += 1
            position = 0
            for part in item.get("content") or ():
                text = part.get("text")
                if type(text) is str:
                    settle(index, _REASONING, position, text, None, out)
                position += 1

    def item_done(
        self, index: int, item: dict[str, Any], raw: dict[str, Any] | str, out: list[Delta] | None, closes: bool = True
    ) -> None:
        """``response.output_item.done`` (and each entry of the terminal event's output):
        item ``index`` is done as ``item`` says (``item`` and ``raw`` as in
        ``item_added``); ``closes``: its call (if it is one) is then whole, unless the
        item says it was cut."""
        state = self._items.get(index)
        if state is None:
            state = self.item_added(index, item, raw, out)
        call = state.call
        get = item.get
        if call is not None:
            self._fill_call(call, item, out)
            self._settle_call(call, get(_CALL_TYPES.get(get("type"), "arguments")), out)  # type: ignore[arg-type]
            if closes and get("status") not in _CUT_STATUS:
                self._end_call(call, out)
        else:
            self._item_texts(index, item, out)
        state.take(item, raw)
        if not state.done:
            state.done = True
            if out is not None and get("type") not in _COVERED:  # (a str, or a malformed item: kept whole)
                out.append(new_block_delta(0, state.raw))

    def _item_done_event(self, obj: dict[str, Any], out: list[Delta] | None) -> None:
        index, item = self._item_of(obj)
        self.item_done(index, item, item, out)

    def part_event(self, index: int, sub: int, part: Any, item_id: Any, summary: bool, out: list[Delta] | None) -> None:
        """``response.content_part.added`` / ``.done`` (``summary`` false) and
        ``reasoning_summary_part.added`` / ``.done`` (true): the event's ``part`` (as
        decoded, or a dict of its ``type``, ``text`` and ``refusal``), with its text
        if any, at output ``index``, part ``sub``; ``item_id`` as in ``settle_text``."""
        if summary:
            kind = _SUMMARY
            text = part.get("text") if type(part) is dict else None
        else:
            if type(part) is not dict:
                return
            found = _PART_KINDS.get(part.get("type"))  # type: ignore[arg-type]
            if found is None:
                return
            kind = found[0]
            text = part.get(found[1])
        if type(text) is str:
            self.settle_text(index, kind, sub, text, item_id, out)
        elif (index, kind, sub) not in self._texts:
            self._part((index, kind, sub), item_id)

    def _call_at(self, index: int, item_id: Any, custom: bool, out: list[Delta] | None) -> _Call:
        """The call of output item ``index``; made up (of the event's kind) when a
        delta comes before its item."""
        state = self._items.get(index)
        if state is None:  # a delta before its item: make the item up
            kind = "custom_tool_call" if custom else "function_call"
            made = {"type": kind, "id": item_id, "call_id": None, "name": ""}
            state = self.item_added(index, made, made, out)
        call = state.call
        if call is None:
            raise ValueError(f"tool call input for output item {index}, a {_short(state.kind)} item")
        return call

    def _arguments_delta(self, obj: dict[str, Any], out: list[Delta] | None) -> None:
        """``response.function_call_arguments.delta`` / ``custom_tool_call_input.delta``."""
        delta = obj["delta"]
        if type(delta) is not str:
            raise TypeError(f"delta must be a string, not {type(delta).__name__}")
        if delta:
            index = obj.get("output_index")
            call = self._call_at(
                index if type(index) is int else self._index_of(obj),
                obj.get("item_id"),
                obj.get("type") == "response.custom_tool_call_input.delta",
                out,
            )
            call.pieces.append(delta)
            if out is not None:
                out.append(new_arguments_delta(0, call.position, delta))

    def _arguments_done(self, obj: dict[str, Any], out: list[Delta] | None) -> None:
        """``response.function_call_arguments.done`` / ``custom_tool_call_input.done``:
        the full text is authoritative, and the call is whole."""
        index = obj.get("output_index")
        self.call_done(
            index if type(index) is int else self._index_of(obj),
            obj.get("arguments") if "arguments" in obj else obj.get("input"),
            obj.get("name"),
            obj.get("item_id"),
            obj.get("type") == "response.custom_tool_call_input.done",
            out,
        )

    def _annotation(self, obj: dict[str, Any], out: list[Delta] | None) -> None:
        if out is not None and "annotation" in obj:
            self.citation(obj["annotation"], out)

    def citation(self, annotation: Any, out: list[Delta]) -> None:
        """``response.output_text.annotation.added`` with an ``annotation``, when deltas
        are asked for: a citation; nothing else is folded (the done item keeps it)."""
        out.append(new_citation_delta(0, annotation))

    def _take_logprobs(self, logprobs: Any) -> None:
        if type(logprobs) is not list:
            return
        if self._logprobs is None:
            self._logprobs = []
        self._logprobs.extend(logprobs)


# The member that holds an output item's text, by type: a done item without it is
# filled in with what was streamed (see _block).
_TEXT_MEMBER = {"message": "content", "reasoning": "summary", "function_call": "arguments", "custom_tool_call": "input"}


def _block(state: _Item, parts: Any) -> dict[str, Any]:
    """The output item as the non-streaming response would carry it; ``parts`` are
    its text parts, ``(kind, text)`` in order."""
    raw = state.raw
    done = state.done
    if done:
        kind = raw.get("type")
        if type(kind) is not str or kind not in _TEXT_MEMBER or _TEXT_MEMBER[kind] in raw:
            return raw
    # Cut before done, or done by an item that leaves its text out (some compatible
    # servers' done items are bare: {"id", "type"}): what arrived, filled in.
    call = state.call
    if call is None and done and not parts:
        return raw
    item = dict(raw)
    if call is not None:
        item["arguments" if item.get("type") != "custom_tool_call" else "input"] = call.glued()
        return item
    kind = item.get("type")
    if kind == "message":
        content: list[dict[str, Any]] = []
        for part, text in parts:
            if part == _TEXT:
                content.append({"type": "output_text", "text": text, "annotations": []})
            elif part == _REFUSAL:
                content.append({"type": "refusal", "refusal": text})
        item["content"] = content
    elif kind == "reasoning":
        item["summary"] = [{"type": "summary_text", "text": text} for part, text in parts if part == _SUMMARY]
        reasoning = [{"type": "reasoning_text", "text": text} for part, text in parts if part == _REASONING]
        if reasoning and not (done and "content" in raw):
            item["content"] = reasoning
    return item


def _part_handler(summary: bool) -> Callable[[OpenAIResponsesReducer, dict[str, Any], list[Delta] | None], None]:
    """The handler of ``response.content_part.*`` (``summary`` false) or
    ``response.reasoning_summary_part.*`` (true) events."""
    sub_name = "summary_index" if summary else "content_index"

    def handler(self: OpenAIResponsesReducer, obj: dict[str, Any], out: list[Delta] | None) -> None:
        part = obj.get("part")
        if not summary and (type(part) is not dict or part.get("type") not in _PART_KINDS):
            return  # (before _index_of: such a part has nothing to say, whatever its item_id)
        index = obj.get("output_index")
        sub = obj.get(sub_name)
        self.part_event(
            index if type(index) is int else self._index_of(obj),
            sub if type(sub) is int else 0,
            part,
            obj.get("item_id"),
            summary,
            out,
        )

    return handler


def _text_done(
    kind: int, sub: str, field: str
) -> Callable[[OpenAIResponsesReducer, dict[str, Any], list[Delta] | None], None]:
    """The handler of a ``.done`` event of a text part of ``kind``: its ``sub`` index
    member and its text in ``field``."""

    def handler(self: OpenAIResponsesReducer, obj: dict[str, Any], out: list[Delta] | None) -> None:
        text = obj.get(field)
        if type(text) is str:
            index = obj.get("output_index")
            if type(index) is not int:
                index = self._index_of(obj)
            position = obj.get(sub)
            self.settle_text(
                index, kind, position if type(position) is int else 0, text, obj.get("item_id"), out
            )

    return handler


def _text_delta(kind: int, sub: str) -> Callable[[OpenAIResponsesReducer, dict[str, Any], list[Delta] | None], None]:
    """The handler of a delta event of a text part of ``kind`` (refusal, reasoning),
    with its ``sub`` index member."""

    def handler(self: OpenAIResponsesReducer, obj: dict[str, Any], out: list[Delta] | None) -> None:
        delta = obj["delta"]
        if type(delta) is not str:
            raise TypeError(f"delta must be a string, not {type(delta).__name__}")
        if delta:
            index = obj.get("output_index")
            if type(index) is not int:
                index = self._index_of(obj)
            position = obj.get(sub)
            key = (index, kind, position if type(position) is int else 0)
            pieces = self._texts.get(key)
            if pieces is None:
                pieces = self._part(key, obj.get("item_id"))
            self._grow(pieces, kind, delta, out)

    return handler


# Event type -> handler, for every type but response.output_text.delta (tested first):
# one dict lookup finds the one function that folds the event.
_HANDLERS: dict[str, Callable[[OpenAIResponsesReducer, dict[str, Any], list[Delta] | None], None]] = {
    "response.function_call_arguments.delta": OpenAIResponsesReducer._arguments_delta,
    "response.reasoning_summary_text.delta": _text_delta(_SUMMARY, "summary_index"),
    "response.reasoning_text.delta": _text_delta(_REASONING, "content_index"),
    "response.refusal.delta": _text_delta(_REFUSAL, "content_index"),
    "response.custom_tool_call_input.delta": OpenAIResponsesReducer._arguments_delta,
    "response.output_text.done": _text_done(_TEXT, "content_index", "text"),
    "response.refusal.done": _text_done(_REFUSAL, "content_index", "refusal"),
    "response.reasoning_summary_text.done": _text_done(_SUMMARY, "summary_index", "text"),
    "response.reasoning_text.done": _text_done(_REASONING, "content_index", "text"),
    "response.function_call_arguments.done": OpenAIResponsesReducer._arguments_done,
    "response.custom_tool_call_input.done": OpenAIResponsesReducer._arguments_done,
    "response.output_item.added": OpenAIResponsesReducer._item_added,
    "response.output_item.done": OpenAIResponsesReducer._item_done_event,
    "response.content_part.added": _part_handler(False),
    "response.content_part.done": _part_handler(False),
    "response.reasoning_summary_part.added": _part_handler(True),
    "response.reasoning_summary_part.done": _part_handler(True),
    "response.output_text.annotation.added": OpenAIResponsesReducer._annotation,
    "response.created": OpenAIResponsesReducer._lifecycle,
    "response.queued": OpenAIResponsesReducer._lifecycle,
    "response.in_progress": OpenAIResponsesReducer._lifecycle,
    "response.completed": OpenAIResponsesReducer._terminal,
    "response.incomplete": OpenAIResponsesReducer._terminal,
    "response.failed": OpenAIResponsesReducer._terminal,
    "error": OpenAIResponsesReducer._error,
}
