"""The ``anthropic`` dialect: Messages API streams (``message_start`` ... ``message_stop``).

The answer is a list of content blocks, each opened by ``content_block_start``,
grown by ``content_block_delta`` events and closed by ``content_block_stop``; the
event type is read from the data's ``type`` (the ``event:`` line says the same,
and proxies drop it; it is used when ``type`` is missing), and a delta without
``index`` goes to the block the previous delta went to. How each part maps onto
the common fields:

- ``text`` blocks (``text_delta``) are the content, glued across blocks in order;
  ``citations_delta`` citations are kept on their block in ``blocks``.
- ``thinking`` blocks (``thinking_delta``) are the reasoning; ``signature_delta``
  sets the block's ``signature`` (sent once, whole). ``redacted_thinking`` blocks
  arrive whole and are kept in ``blocks`` only. A ``compaction`` block (the summary
  of the conversation so far) is kept in ``blocks``: ``compaction_delta`` pieces
  glued into its ``content``, its ``encrypted_content`` the last one sent.
- ``tool_use`` blocks are the tool calls, numbered in arrival order. Their
  arguments are the ``input_json_delta`` pieces glued; a block whose input came
  whole in ``content_block_start`` with no pieces has that input as JSON text, so
  a tool without arguments has ``"{}"``, the ``{}`` the anthropic SDK's message
  holds. Server tools (``server_tool_use``, ``web_search_tool_result``, ``mcp_*``,
  anything newer) are not the client's to run: they are kept in ``blocks``, their
  input pieces parsed there too, and never listed as tool calls. A call is complete
  at its ``content_block_stop``, or at ``message_stop`` unless the message stopped
  short (``max_tokens``, ``stop_sequence``...) with its block still open: cut.
- ``message_delta``'s ``stop_reason`` is the finish reason, as sent (``end_turn``,
  ``tool_use``, ``max_tokens``, ``stop_sequence``, ``pause_turn``, ``refusal``);
  its other fields (``stop_sequence``, ``stop_details``, ``container``) and its
  ``context_management`` go to ``Completion.extra``.
- Usage: ``message_start`` sends the input side (``input_tokens``, cache fields),
  ``message_delta`` cumulative totals: ``raw`` is the provider's usage object with
  each later report merged over it key by key (a ``null`` never erases a count),
  ``input_tokens`` counts every input token (Anthropic's own leaves out those read
  from and written to the cache: they are added), ``output_tokens`` as sent,
  ``reasoning_tokens`` its ``output_tokens_details.thinking_tokens``,
  ``total_tokens`` their sum.
- ``message_stop`` ends the stream; an event after it (but a ``ping`` or another
  ``message_stop``) is a ``ChunkDecodeError``: it would be lost. A ``ping`` carries
  nothing; events and deltas of types this version does not know are gone past, as
  the API asks clients to, and kept as sent in ``extra["unread"]``.
- ``event: error`` (``{"type": "error", "error": {...}}``) raises ``ProviderError``
  carrying the provider's error type and message (and the event's ``request_id``);
  what came before is kept.

A delta for a block that never started, or of a kind its block cannot take
(``text_delta`` into a ``tool_use`` block), raises ``ChunkDecodeError``: the SDK
drops such data silently, and a lost piece of the answer should not go unnoticed.

Speed: the deltas of text, thinking and input JSON, block starts and stops, pings,
``message_start``, ``message_delta`` and the end are read by the compiled fast path
through this reducer's contract methods (``target``, ``fast_block_start``,
``block_stop``, ``fast_message_start``, ``fast_message_delta``, ``end``: see
``_contract``), their values built from the walked bytes. Every other event is decoded once
and folded in by ``_apply``: ``content_block_delta`` is tested first and reaches its
block through the last block used; every other type is found by one dict lookup
(``_HANDLERS``), and the events that carry a few scalars fold through the same small
methods: ``block_start(index, start, out)``, ``block_stop(index, out)``, ``end(out)``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

from .._completion import (
    Completion,
    PartialArguments,
    Usage,
    completion_of,
    make_choice,
    new_arguments_delta,
    new_block_delta,
    new_call_end,
    new_call_start,
    new_citation_delta,
    new_finish_delta,
    new_reasoning_delta,
    new_signature_delta,
    new_text_delta,
    new_tool_call,
    new_usage,
    new_usage_delta,
)
from .._errors import ProviderError, quote_prefix, short_repr
from ._base import Reducer, glue, member_names
from ._contract import ARGUMENTS, CHOICE, MESSAGES, REASONING, TEXT

if TYPE_CHECKING:
    from collections.abc import Callable

    from .._completion import Delta
    from .._events import Event

__all__ = ["AnthropicReducer"]

# What a block's deltas grow: text (text_delta, citations_delta), thinking
# (thinking_delta, signature_delta) or, for every other block type, its input
# (input_json_delta: tool_use, server_tool_use, mcp_tool_use and whatever comes next).
_TEXT, _THINKING, _INPUT, _COMPACTION = 1, 2, 3, 4
# The deltas that are a piece of text or thinking, and what their block must grow.
_GROWS = {"text_delta": _TEXT, "thinking_delta": _THINKING}
# message_start's message fields that have a common name (the others go to `extra`).
_MESSAGE_FIELDS = frozenset({"id", "type", "role", "model", "content", "usage", "stop_reason"})
#: The event types only the Messages API sends (detection reads them too).
EVENT_TYPES = frozenset(
    {
        "message_start",
        "message_delta",
        "message_stop",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "ping",
    }
)
# Until message_start, an event of another type (``error`` aside) means the stream is
# not a Messages stream (another dialect's, read with the wrong one); after it, a
# type newer than this version is gone past, as the API asks, and kept (extra["unread"]).
_KNOWN = EVENT_TYPES | {"error"}
_NO_INPUT: Any = object()  # a block start without an input member
# Stop reasons that cut the output where it was: a block still open then was cut too.
_CUT_SHORT = frozenset({"max_tokens", "model_context_window_exceeded", "stop_sequence", "refusal"})
# At most this many usage members are kept when cumulative reports are merged: a
# report with new member names each time must not make each merge cost more.
_MAX_USAGE_KEYS = 64

#: ``json.dumps(value, ensure_ascii=False)``, without building the encoder on every call.
_dumps = json.JSONEncoder(ensure_ascii=False).encode



class _Unreadable(ValueError):
    """Why an event's content cannot be read (raised by the compiled path's contract
    methods, which see no ``Event``: the caller names the event)."""


class _Block:
    """One content block being received: the start block as sent, and what grew it."""

    __slots__ = (
        "index", "kind", "start", "pieces", "grows", "call", "citations", "signature", "ended", "reader", "on_whole",
        "whole", "parsed", "encrypted",
    )

    def __init__(self, index: Any, kind: str, start: dict[str, Any]) -> None:
        self.index = index
        self.kind = kind  # the block's type
        self.start = start  # content_block_start's block, as sent
        self.pieces: list[str] = []  # text, thinking, input JSON or a compaction's summary, in arrival order
        self.grows = (
            _TEXT if kind == "text" else _THINKING if kind == "thinking" else _COMPACTION if kind == "compaction" else _INPUT
        )
        self.call = -1  # the tool call's position, for a tool_use block
        self.citations: list[Any] | None = None  # from citations_delta
        self.signature: str | None = None  # from signature_delta
        self.ended = False  # content_block_stop seen
        self.reader: PartialArguments | None = None  # created when partial input is asked for
        self.on_whole = False  # the reader read the start's whole input (no piece had come)
        self.whole = "{}"  # the start's whole input as JSON text (set by the reducer for input blocks)
        self.parsed: tuple[int, Any, bool] | None = None  # (pieces read, input value, ended): parsed once
        self.encrypted: str | None = None  # a compaction's latest encrypted_content

    def arguments(self) -> list[str]:
        """The input as JSON text pieces: the streamed ones, else the start's whole input."""
        if self.pieces:
            return self.pieces
        return [self.whole]

    def partial_input(self, ended: bool) -> Any:
        """The input as far as it has arrived: the live value of ``PartialArguments``;
        ``ended``: the stream's end was seen."""
        return self._reader().read(self.arguments(), ended or self.ended)

    def _reader(self) -> PartialArguments:
        """The parser of the input so far; one that read the start's whole input is
        replaced once streamed pieces replace that input (nothing else appends to
        ``pieces``, so the compiled path needs no part in it)."""
        reader = self.reader
        streamed = bool(self.pieces)
        if reader is None or (self.on_whole and streamed):
            reader = self.reader = PartialArguments()
        self.on_whole = not streamed
        return reader

    def build(self, ended: bool, live: bool = False) -> dict[str, Any]:
        """The block as the non-streaming response would carry it (a new dict);
        ``ended``: the stream's end was seen. ``live`` (a snapshot read while the
        stream goes on): an unfinished input is parsed again only once its pieces grew
        by an eighth since the last parse, so that reading after every event costs
        linear time overall; until then it shows the value of that parse (the final
        result, the tool call's ``arguments`` and ``partial_arguments()`` are exact)."""
        block = dict(self.start)
        grows = self.grows
        if grows == _TEXT:
            block["text"] = glue(self.pieces)
            if self.citations is not None:
                block["citations"] = [*(block.get("citations") or ()), *self.citations]
        elif grows == _THINKING:
            block["thinking"] = glue(self.pieces)
            if self.signature is not None:
                block["signature"] = self.signature
        elif grows == _COMPACTION:
            if self.pieces:
                block["content"] = glue(self.pieces)
            if self.encrypted is not None:
                block["encrypted_content"] = self.encrypted
        elif self.pieces:
            parsed = self.parsed
            count = len(self.pieces)
            ended = ended or self.ended
            if parsed is None or parsed[2] != ended or (
                parsed[0] != count and not (live and not ended and count <= parsed[0] + parsed[0] // 8)
            ):
                text = "".join(self.pieces)
                try:
                    value = json.loads(text)
                except (ValueError, RecursionError):
                    # Cut: what can be read of it so far. Whole but not JSON: the text as
                    # sent, never a value made of its first part.
                    value = text if ended else self._reader().copy_value(self.pieces, ended)
                parsed = self.parsed = (count, value, ended)
            block["input"] = parsed[1]  # shared by the snapshots of the same pieces
        return block


def _usage(raw: dict[str, Any]) -> Usage:
    """Anthropic's usage read with the one meaning: its ``input_tokens`` leaves out
    the tokens read from and written to the cache, which the common one counts."""
    sent = raw.get("input_tokens")
    cached = raw.get("cache_read_input_tokens")
    written = raw.get("cache_creation_input_tokens")
    output_tokens = raw.get("output_tokens")
    if type(sent) is not int:
        sent = None
    if type(cached) is not int:
        cached = None
    if type(written) is not int:
        written = None
    if type(output_tokens) is not int:
        output_tokens = None
    input_tokens = None
    if sent is not None or cached is not None or written is not None:
        input_tokens = (sent or 0) + (cached or 0) + (written or 0)
    total = None if input_tokens is None or output_tokens is None else input_tokens + output_tokens
    details = raw.get("output_tokens_details")  # the thinking tokens, part of output_tokens
    thinking = details.get("thinking_tokens") if type(details) is dict else None
    return new_usage(input_tokens, output_tokens, total, raw, cached, written, thinking if type(thinking) is int else None)


class AnthropicReducer(Reducer):
    """Reduces Messages API stream events to one choice."""

    name: ClassVar[str] = "anthropic"
    end_marker: ClassVar[str] = "message_stop"
    quiet_types: ClassVar[frozenset[str]] = frozenset({"ping", "message_stop"})
    chunk_kind = "a Messages stream event"
    fast_dialect = MESSAGES

    __slots__ = (
        "_blocks", "_by_index", "_last", "_calls", "_extra", "_stop_reason", "_started", "_unread"
    )

    def __init__(self, compiled: bool = True) -> None:
        self._init_common(compiled)  # (Reducer.__init__'s, a C call in the compiled build)
        self._blocks: list[_Block] = []  # in arrival order
        self._by_index: dict[Any, _Block] = {}  # the provider's block index -> block
        self._last: _Block | None = None  # the block the last delta went to
        self._calls: list[_Block] = []  # tool_use blocks, in arrival order
        self._extra: dict[str, Any] = {}
        self._stop_reason: str | None = None
        self._started = False  # message_start seen
        # Events and deltas of types this version does not read, as sent: kept, not lost.
        self._unread: list[Any] | None = None

    # -- the interface -----------------------------------------------------------------

    def target(self, kind: int, where: int, key: int) -> tuple[list[str], int, int] | None:
        """The compiled fast path's contract (see ``_contract``): where a piece of
        content block ``where`` goes, when the block exists and grows that kind."""
        block = self._last
        if block is None or block.index != where:
            block = self._by_index.get(where)
            if block is None:
                return None
            self._last = block  # as _block() does
        grows = block.grows
        if kind == TEXT:
            fits = grows == _TEXT
        elif kind == ARGUMENTS:
            fits = grows == _INPUT
        elif kind == REASONING:
            fits = grows == _THINKING
        else:
            fits = kind == CHOICE
        return (block.pieces, 0, block.call) if fits else None

    @property
    def finished(self) -> bool:
        return self._stop_reason is not None

    def snapshot(self, complete: bool, error: dict[str, Any] | None) -> Completion:
        content: list[str] = []
        reasoning: list[str] = []
        blocks = []
        for block in self._blocks:
            built = block.build(self.done, self.live)
            blocks.append(built)
            if block.kind == "text":
                content.append(built["text"])
            elif block.kind == "thinking":
                reasoning.append(built["thinking"])
        calls = [
            new_tool_call(
                block.call,
                block.start["id"],
                block.start["name"],
                "".join(block.arguments()),
                "function",
                block.ended,
            )
            for block in self._calls
        ] if self._calls else []
        choice = make_choice(
            0,
            "".join(content) if content else "",
            "".join(reasoning) if reasoning else "",
            "",
            calls,
            None,
            self._stop_reason,
            None,
            blocks,
        )
        extra = dict(self._extra) if self._extra else {}
        if self._unread:
            extra["unread"] = list(self._unread)
        return completion_of(
            self.name, [choice], self._id, self._model, None, None, self._usage, complete, error, extra
        )

    def partial_arguments(self, choice: int, index: int) -> Any:
        """The input of tool call ``index`` as far as it has arrived (see ``PartialArguments``)."""
        if choice != 0 or not 0 <= index < len(self._calls):
            raise IndexError(f"the stream has no tool call {index} in choice {choice} (yet)")
        return self._calls[index].partial_input(self.done)

    # -- decoding ----------------------------------------------------------------------

    def end(self, out: list[Delta] | None) -> None:
        """``message_stop``: the message is whole, every block in it too, except a tool
        call the provider never stopped when the message stopped short (``max_tokens``,
        a stop sequence...): its input was cut, and the call is not complete."""
        self.done = True
        cut_short = self._stop_reason in _CUT_SHORT
        for block in self._blocks:
            if not block.ended:
                if cut_short and block.call >= 0:
                    self._say_whole_input(block, out)
                else:
                    self._close_block(block, out)

    def flush(self, out: list[Delta] | None) -> None:
        """A cut stream: the input of a call that came whole with its start is said
        at its block's stop; said here for the calls that never stopped."""
        for block in self._calls:
            if not block.ended:
                self._say_whole_input(block, out)

    # -- the compiled path's contract ----------------------------------------------------
    #
    # The events that carry next to nothing fold through one small method each, called
    # by the pure path below and callable as they are by a compiled extractor that read
    # the event itself (after counting it in ``self.events``, and only while
    # ``self.done`` is false, as ``feed_event`` does): the very same state updates and
    # deltas, without a dict or an ``Event`` built for the event.

    def block_stop(self, index: Any, out: list[Delta] | None) -> None:
        """``content_block_stop``: block ``index`` (the event's ``index`` as decoded,
        ``None`` when it has none; hashable) is closed. A block that never started, or
        that was closed already, is nothing to close: a stop carries no content."""
        block = self._by_index.get(index)
        if block is not None and not block.ended:
            self._close_block(block, out)

    def message_stop(self, out: list[Delta] | None) -> None:
        """``message_stop``: the end of the stream (``end``); events after it are ignored."""
        self.end(out)

    def block_start(self, index: Any, start: dict[str, Any], out: list[Delta] | None) -> None:
        """``content_block_start``: block ``index`` (the event's ``index`` as decoded;
        hashable) starts as ``start`` (its ``content_block``, as decoded, kept as the
        block's base). A block already open at the same index is closed first: a new
        block, not more of that one. Raises ``_Unreadable`` (a ``ValueError``) saying
        why, before any state changed, for a block that cannot be read: a type that is
        not a string, a ``tool_use`` without a string id and name, text that is not a
        string, an input too deep to write as JSON."""
        kind = start.get("type")
        if type(kind) is not str:
            raise _Unreadable(f"content block type must be a string, not {short_repr(kind)}")
        block = _Block(index, kind, start)
        delta: Delta | None = None
        if block.grows == _INPUT:
            whole = start.get("input", _NO_INPUT)
            if whole is not _NO_INPUT and whole != {}:  # {} (as a rule) is the default text
                try:
                    block.whole = _dumps(whole)
                except (ValueError, RecursionError):
                    raise _Unreadable("a block's input is nested too deeply to write as JSON") from None
            if kind == "tool_use":
                call_id, name = start.get("id"), start.get("name")
                if type(call_id) is not str or type(name) is not str:
                    raise _Unreadable("a tool_use block needs a string id and name")
                block.call = len(self._calls)
                self._calls.append(block)
                if out is not None:
                    delta = new_call_start(0, block.call, call_id, name, "function")
        elif block.grows == _COMPACTION:
            summary = start.get("content")  # null as a rule: the summary streams in compaction_delta
            if type(summary) is str and summary:
                block.pieces.append(summary)
        else:  # text or thinking
            text = start.get(kind)  # "" as a rule; kept if a server sends text at once
            if text:
                if type(text) is not str:
                    raise _Unreadable(f"a {kind} block's {kind} must be a string, not {short_repr(text)}")
                block.pieces.append(text)
                if out is not None:
                    delta = new_text_delta(0, text) if kind == "text" else new_reasoning_delta(0, text)
        if delta is not None:
            out.append(delta)  # type: ignore[union-attr]
        by_index = self._by_index
        previous = by_index.get(index)
        if previous is not None and not previous.ended:
            self._close_block(previous, out)  # the same index again: a new block, not more of that one
        by_index[index] = block
        self._blocks.append(block)
        self._last = block

    # -- decoding ----------------------------------------------------------------------

    def _apply(self, event: Event, obj: Any, out: list[Delta] | None) -> None:
        kind = obj.get("type") or event.event  # the `event:` line, should a server leave `type` out
        try:
            if kind == "content_block_delta":
                index = obj.get("index")
                block = self._last
                if block is None or block.index != index:
                    block = self._block(event, index)
                delta = obj["delta"]
                delta_kind = delta["type"]
                grows = _GROWS.get(delta_kind) if type(delta_kind) is str else None
                if grows is not None:  # text_delta or thinking_delta: a piece of its block's text
                    text = self._piece(event, delta, delta_kind, delta_kind[:-6])  # "text" / "thinking"
                    if block.grows != grows or type(text) is not str:
                        raise self._misfit(event, block, grows, delta_kind, text)
                    if text:
                        block.pieces.append(text)
                        if out is not None:
                            out.append(new_text_delta(0, text) if grows == _TEXT else new_reasoning_delta(0, text))
                elif delta_kind == "input_json_delta":
                    piece = self._piece(event, delta, delta_kind, "partial_json")
                    if block.grows != _INPUT or type(piece) is not str:
                        raise self._misfit(event, block, _INPUT, delta_kind, piece)
                    if piece:
                        block.pieces.append(piece)
                        if out is not None and block.call >= 0:
                            out.append(new_arguments_delta(0, block.call, piece))
                elif delta_kind == "signature_delta":
                    signature = delta["signature"]
                    if block.grows != _THINKING or type(signature) is not str:
                        raise self._misfit(event, block, _THINKING, delta_kind, signature)
                    self._sign(block, signature, out)
                elif delta_kind == "citations_delta":
                    if block.grows != _TEXT:
                        raise self._misfit(event, block, _TEXT, delta_kind, None)
                    if block.citations is None:
                        block.citations = []
                    citation = delta["citation"]
                    block.citations.append(citation)
                    if out is not None:
                        out.append(new_citation_delta(0, citation))
                elif delta_kind == "compaction_delta":
                    # The summary of the conversation so far, in pieces; the opaque
                    # encrypted_content as last sent (each delta may carry a newer one).
                    if block.grows != _COMPACTION:
                        raise self._misfit(event, block, _COMPACTION, delta_kind, None)
                    summary, encrypted = delta.get("content"), delta.get("encrypted_content")
                    if (summary is not None and type(summary) is not str) or (
                        encrypted is not None and type(encrypted) is not str
                    ):
                        raise self.bad_chunk(event, "compaction_delta content and encrypted_content must be strings or null")
                    if summary:
                        block.pieces.append(summary)
                    if encrypted is not None:
                        block.encrypted = encrypted
                else:  # a delta type newer than this version: kept as sent, in extra["unread"]
                    self._keep_unread(obj)
                return
            handler = _HANDLERS.get(kind) if type(kind) is str else None
            if handler is not None:
                handler(self, event, obj, out)
                return
        except (KeyError, TypeError, AttributeError) as exc:  # a required field missing, a list for an object...
            raise self.bad_chunk(event, f"unexpected {short_repr(kind)} event shape ({type(exc).__name__}: {exc})") from None
        # ``ping``, ``error`` and types this version does not know.
        if not self._started and (type(kind) is not str or kind not in _KNOWN):
            self._not_started(event, obj, kind)
        if kind == "error" or event.event == "error":
            raise ProviderError(obj.get("error") or obj, dialect=self.name, request_id=obj.get("request_id"))
        elif kind != "ping":  # a type newer than this version: kept as sent, in extra["unread"]
            self._keep_unread(obj)

    def _keep_unread(self, obj: dict[str, Any]) -> None:
        unread = self._unread
        if unread is None:
            unread = self._unread = []
        unread.append(obj)

    def _not_started(self, event: Event, obj: dict[str, Any], kind: Any) -> None:
        """An event of no Messages type before ``message_start``: a stream of another
        dialect read as this one."""
        if event.event == "error" or obj.get("error") is not None:
            raise ProviderError(obj.get("error") or obj, dialect=self.name, request_id=obj.get("request_id"))
        if type(kind) is not str or kind == "message":
            reason = f"expected a Messages stream event with a type, got members {member_names(obj)}"
        else:
            reason = f"expected a Messages stream event, not type {quote_prefix(kind)}"
        raise self.bad_chunk(event, reason)

    def _piece(self, event: Event, delta: dict[str, Any], delta_kind: str, key: str) -> Any:
        """A delta's piece of text; a delta of nothing but its type is the empty piece
        (an encoder that leaves empty strings out sends the first, empty, input piece
        so), a delta with other members but not this one is an error."""
        piece = delta.get(key, _NO_INPUT)
        if piece is _NO_INPUT:
            if len(delta) > 1:
                raise self.bad_chunk(event, f"{delta_kind} without {key} (members {member_names(delta)})")
            return ""
        return piece

    def _misfit(self, event: Event, block: _Block, grows: int, delta_kind: str, value: Any) -> Exception:
        """The error for a delta its block cannot take, or one whose value is not a string."""
        if block.grows == grows:
            return self.bad_chunk(event, f"{delta_kind} must carry a string, not {type(value).__name__}")
        return self.bad_chunk(event, f"{delta_kind} for content block {short_repr(block.index)} of type {short_repr(block.kind)}")

    def _block(self, event: Event, index: Any) -> _Block:
        block = self._by_index.get(index) if index is not None else self._last
        if block is None:
            raise self.bad_chunk(event, f"delta for content block {short_repr(index)}, which never started")
        self._last = block
        return block

    # -- the rarer events: one handler each, found by type (_HANDLERS) ------------------

    def _on_message_start(self, event: Event, obj: dict[str, Any], out: list[Delta] | None) -> None:
        message = obj["message"]
        if self._started:
            self._started_again(event, message)
            return
        if not self.fast_message_start(message, out):
            self._take_message(event, message, out)

    def fast_message_start(self, message: dict[str, Any], out: list[Delta] | None) -> bool:
        """``message_start``'s message (also the compiled fast path's contract: see
        ``_contract``): the response's id and model, its other fields, its usage.
        ``False``, nothing changed, for a message that comes with content or a stop
        reason (a server that sends some of the answer in it): the full decode reads
        those (``_take_message``)."""
        if message.get("content") or message.get("stop_reason") is not None:
            return False
        self._take_meta(message, out)
        return True

    def _take_meta(self, message: dict[str, Any], out: list[Delta] | None) -> None:
        extra = self._extra
        for key, value in message.items():
            if value is not None and key not in _MESSAGE_FIELDS:
                extra[key] = value
        get = message.get
        self.fast_message_meta(get("id"), get("model"), get("usage"), out)

    def fast_message_meta(self, response_id: Any, model: Any, usage: Any, out: list[Delta] | None) -> None:
        """The first ``message_start`` message's id, model and usage (as sent, ``None``
        when absent): all the reducer keeps of it but its other non-null members (kept
        in ``_extra`` by ``_take_meta``). Also the compiled path's contract, for a
        message that has no other (see ``_contract``); a second start is the full
        decode's (``_started_again``)."""
        self._started = True
        self.take_identity(response_id, model, out)
        if usage:
            self._take_usage(usage, out)

    def _started_again(self, event: Event, message: Any) -> None:
        """A ``message_start`` while the message is open (after its ``message_stop``,
        ``after_end`` says what it is). The same message's frame again before any
        block (some gateways send it twice) brings nothing new: passed over. Any other
        is a retry that an intermediary spliced into the same body, the first one cut
        (a gateway may give both attempts its own id): folding it in would mix two
        answers (and two generations' signed thinking, which the API refuses back)
        into one, so it is a ``ChunkDecodeError``, the first answer the result, not
        complete."""
        response_id = message.get("id") if type(message) is dict else None
        if response_id == self._id and not self._blocks:
            return
        raise self.bad_chunk(
            event,
            f"a second message_start (id {short_repr(response_id)}) while the message "
            f"{short_repr(self._id)} was open (a retry spliced into the same body?)",
        )

    def _take_message(self, event: Event, message: dict[str, Any], out: list[Delta] | None) -> None:
        """A ``message_start`` whose message already holds content blocks or a stop
        reason: each block is read as a block that started and stopped whole, the
        stop reason as ``message_delta``'s; nothing of it is dropped."""
        self._take_meta(message, out)
        content = message.get("content")
        if content:
            if type(content) is not list:
                raise self.bad_chunk(event, f"message content must be a list, not {short_repr(content)}")
            for position, start in enumerate(content):
                if type(start) is not dict:
                    raise self.bad_chunk(event, f"a content block must be an object, not {short_repr(start)}")
                try:
                    self.block_start(("message_start", position), start, out)  # (a key no event index is)
                except _Unreadable as exc:
                    raise self.bad_chunk(event, str(exc)) from None
                self._close_block(self._blocks[-1], out)
        reason = message.get("stop_reason")
        if reason is not None:
            self._take_stop_reason(event, reason, out)

    def _on_block_start(self, event: Event, obj: dict[str, Any], out: list[Delta] | None) -> None:
        index = obj["index"]
        start = obj["content_block"]
        if type(start) is not dict:
            raise self.bad_chunk(event, f"content_block must be an object, not {type(start).__name__}")
        try:
            self.block_start(index, start, out)
        except _Unreadable as exc:
            raise self.bad_chunk(event, str(exc)) from None

    def _on_block_stop(self, event: Event, obj: dict[str, Any], out: list[Delta] | None) -> None:
        self.block_stop(obj.get("index"), out)

    def _on_message_stop(self, event: Event, obj: dict[str, Any], out: list[Delta] | None) -> None:
        self.end(out)

    def fast_block_start(self, index: int, start: dict[str, Any], out: list[Delta] | None) -> bool:
        """The compiled fast path's contract (see ``_contract``): ``block_start``, or
        ``False`` (nothing changed) for a block it cannot read: the full decode then
        raises the error that names the event."""
        try:
            self.block_start(index, start, out)
        except _Unreadable:
            return False
        return True

    def _say_whole_input(self, block: _Block, out: list[Delta] | None) -> None:
        """Call ``block``'s input, when it came whole with the start (or is empty) and no
        piece followed: said once, by one delta, when the call ends (stopped or cut),
        so that a call's argument deltas always glue into its arguments."""
        if out is not None and not block.pieces:
            out.append(new_arguments_delta(0, block.call, block.whole))

    def _close_block(self, block: _Block, out: list[Delta] | None) -> None:
        block.ended = True
        if out is None:
            return
        if block.call >= 0:
            self._say_whole_input(block, out)
            out.append(new_call_end(0, block.call))
        elif block.grows == _INPUT or block.kind not in ("text", "thinking"):
            # Server tool calls, their results, redacted thinking, newer types: whole.
            out.append(new_block_delta(0, block.build(self.done)))

    def _on_message_delta(self, event: Event, obj: dict[str, Any], out: list[Delta] | None) -> None:
        delta = obj.get("delta") or {}
        extra = self._extra
        for key, value in delta.items():
            if value is None:
                continue
            if key == "stop_reason":
                self._take_stop_reason(event, value, out)
            else:
                extra[key] = value
        usage = None
        for key, value in obj.items():
            if key == "usage":
                usage = value
            elif value is not None and key != "type" and key != "delta":
                extra[key] = value
        if usage:
            self._take_usage(usage, out)

    def fast_signature(self, index: int, signature: str, out: list[Delta] | None) -> bool:
        """The compiled fast path's contract (see ``_contract``): a ``signature_delta``
        for block ``index``; ``False``, nothing changed, when that block is not a
        thinking block (the full decode then says why)."""
        if self.target(REASONING, index, 0) is None:
            return False
        self._sign(self._last, signature, out)  # type: ignore[arg-type]  # (target made it the last)
        return True

    def _sign(self, block: _Block, signature: str, out: list[Delta] | None) -> None:
        block.signature = signature  # sent once, whole
        if out is not None:
            out.append(new_signature_delta(0, signature))

    def _take_stop_reason(self, event: Event, reason: Any, out: list[Delta] | None) -> None:
        """A stop reason sent (not null), by ``message_delta`` or in ``message_start``'s
        message: the message's finish reason, said once per new value."""
        if type(reason) is not str:
            raise self.bad_chunk(event, f"stop_reason must be a string, not {short_repr(reason)}")
        if not reason:
            return  # "" is no reason (a serializer's zero value for null)
        if reason != self._stop_reason:
            self._stop_reason = reason
            if out is not None:
                out.append(new_finish_delta(0, reason))

    def fast_message_delta(self, obj: dict[str, Any], out: list[Delta] | None) -> None:
        """The compiled fast path's contract (see ``_contract``): a ``message_delta``
        event whose delta is an object or null with a string or null ``stop_reason``
        (what ``_on_message_delta`` takes without an error)."""
        self._on_message_delta(None, obj, out)  # type: ignore[arg-type]  # (no error: no event to name)

    def _take_usage(self, raw: Any, out: list[Delta] | None) -> None:
        if type(raw) is not dict:
            return
        old = self._usage
        if old is None:
            merged = raw if len(raw) <= _MAX_USAGE_KEYS else dict(list(raw.items())[:_MAX_USAGE_KEYS])
        else:
            # Counts are cumulative: assign, never add; a null or missing field keeps
            # what an earlier report said (message_delta omits what does not apply).
            before = old.raw
            merged = dict(before)
            for key, value in raw.items():
                if key in merged:
                    if value is not None:
                        merged[key] = value
                elif len(merged) < _MAX_USAGE_KEYS:
                    merged[key] = value
            if merged == before:
                return
        usage = self._usage = _usage(merged)
        if out is not None:
            out.append(new_usage_delta(usage))


# Event type -> handler, for every type but content_block_delta (tested first); ping,
# error and unknown types are not in it.
_HANDLERS: dict[str, Callable[[AnthropicReducer, Event, dict[str, Any], list[Delta] | None], None]] = {
    "content_block_start": AnthropicReducer._on_block_start,
    "content_block_stop": AnthropicReducer._on_block_stop,
    "message_delta": AnthropicReducer._on_message_delta,
    "message_start": AnthropicReducer._on_message_start,
    "message_stop": AnthropicReducer._on_message_stop,
}
