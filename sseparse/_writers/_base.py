"""What every stream writer shares: the deltas' dispatch, tool-call bookkeeping, ids.

A writer turns sseparse deltas into one target dialect's SSE bytes. ``write()``
takes the deltas of one fragment and returns the bytes to send now; ``end()`` is
called when the upstream ended properly (it closes what is open and writes the
target's end marker); ``fail()`` when it was cut or failed (the target's own error
form, never an end marker). Output text is built as ``str`` pieces joined and encoded
once per call; JSON strings come from the C encoder of the ``json`` module, which
escapes CR and LF, so a JSON value is always one ``data:`` line.

A tool call is announced to the target (its start written) once its id is known and
its first argument piece arrives, or when it ends: targets want the id and the whole
name in the opening event, and OpenAI-compatible servers may send either late.
Pieces that arrive before are kept and written with the opening. A call that never
got an id gets one made up (``call_...``): every target needs one to answer the call.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from .._completion import (
    BlockDelta,
    CitationDelta,
    Delta,
    FinishDelta,
    FunctionCallDelta,
    MetadataDelta,
    ReasoningDelta,
    RefusalDelta,
    SignatureDelta,
    TextDelta,
    ToolCallArgumentsDelta,
    ToolCallEnd,
    ToolCallStart,
    ToolCallUpdate,
    Usage,
    UsageDelta,
)
from ._mapping import cuts_short

__all__ = ["StreamWriter", "Call", "quote", "dumps", "new_id"]

#: ``str`` -> its JSON string literal, non-ASCII kept (lone surrogates stay raw and
#: are written as ``\\uXXXX`` escapes by the final encode): the ``json`` module's C
#: encoder where it has one (CPython always does).
quote: Callable[[str], str] = (
    json.encoder.c_encode_basestring or json.encoder.py_encode_basestring  # type: ignore[attr-defined]
)
#: A value as compact JSON, non-ASCII kept.
dumps: Callable[[Any], str] = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def new_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:24]


def encode(parts: list[str]) -> bytes:
    # A lone surrogate can only sit inside a JSON string (JSON escapes such as
    # "\ud800" decode to one): "backslashreplace" writes it back as that escape.
    return "".join(parts).encode("utf-8", "backslashreplace")


class Call:
    """One tool call on its way to the target."""

    __slots__ = ("choice", "index", "id", "name", "kind", "pieces", "open", "closed", "cut", "slot", "item_id", "head")

    def __init__(self, choice: int, index: int, call_id: str | None, name: str, kind: str) -> None:
        self.choice = choice
        self.index = index
        self.id = call_id
        self.name = name
        self.kind = kind
        self.pieces: list[str] = []  # every argument piece, in order
        self.open = False  # its start was written
        self.closed = False
        self.cut = False  # closed by a finish that cut it short: written as not complete
        self.slot = -1  # the target's block index / output index
        self.item_id = ""  # the target's item id (Responses)
        self.head = ""  # the target's argument-piece event up to the piece (Anthropic)

    @property
    def arguments(self) -> str:
        return "".join(self.pieces)


class StreamWriter:
    """Deltas in, one target dialect's SSE bytes out (see the module docstring).

    ``id``, ``model`` and ``created`` given here win over those the source sends
    (``MetadataDelta``); those left ``None`` are taken from the source, and made up
    (a fresh id, an empty model, the current time) if it never sends them before the
    first byte must be written; ``identity``, if given, is asked for them then
    (``(id, model, created)``: what a source's reader knows without a delta for it). ``passthrough``: the source is this very dialect, so
    whole blocks (``BlockDelta``) and citations are written as they came.
    """

    name: ClassVar[str] = ""
    #: The target has one answer per response: deltas of other choices are dropped.
    single_choice: ClassVar[bool] = True
    id_prefix: ClassVar[str] = "resp_"

    def __init__(
        self,
        *,
        id: str | None = None,  # noqa: A002
        model: str | None = None,
        created: int | None = None,
        passthrough: bool = False,
        identity: Callable[[], tuple[str | None, str | None, int | None]] | None = None,
    ) -> None:
        self._identity = identity
        self._id = id
        self._model = model
        self._fixed = (id is not None, model is not None)
        self._created = int(time.time()) if created is None else created
        self._created_given = created is not None
        self._passthrough = passthrough
        self._started = False  # the first byte was written: id and model are fixed
        self._ended = False
        self._out: list[str] = []
        self._calls: dict[tuple[int, int], Call] = {}
        self._functions: dict[int, Call] = {}  # legacy function_call, per choice
        self._usage: Usage | None = None
        self._finish: dict[int, str] = {}  # choice -> the source's finish reason

    # -- the interface -------------------------------------------------------------------

    @property
    def id(self) -> str | None:
        """The response's id: fixed once the first byte was written."""
        return self._id

    @property
    def model(self) -> str | None:
        """The response's model: fixed once the first byte was written."""
        return self._model

    def write(self, deltas: Iterable[Delta]) -> bytes:
        """The bytes for ``deltas`` (one fragment's); ``b""`` when nothing is due yet."""
        out = self._out = []
        handlers = self._handlers
        single = self.single_choice
        text = self._text
        for delta in deltas:
            kind = type(delta)
            if kind is TextDelta:
                if delta.choice == 0 or not single:  # type: ignore[union-attr]
                    text(delta)  # type: ignore[arg-type]
                continue
            if single and getattr(delta, "choice", 0) != 0:
                continue
            handler = handlers.get(kind)
            if handler is not None:
                handler(self, delta)
        return encode(out) if out else b""

    def end(self) -> bytes:
        """The upstream ended properly: close what is open, write the end marker."""
        if self._ended:
            return b""
        self._ended = True
        out = self._out = []
        self._start()
        for call in list(self._calls.values()):
            self._close(call)
        self._end()
        return encode(out)

    def fail(self, error: Mapping[str, Any] | None) -> bytes:
        """The upstream was cut or failed: the target's own error form, nothing after.

        ``error`` is a ``Completion.error`` entry (``type``, ``message``, and for a
        provider error its ``code``, ``error_type`` and ``provider_error``)."""
        if self._ended:
            return b""
        self._ended = True
        out = self._out = []
        self._fail(dict(error or {"type": "incomplete_stream", "message": "the upstream stream ended early"}))
        return encode(out)

    # -- what targets provide ------------------------------------------------------------

    def _begin(self) -> None:
        """Write what opens the response (id and model are known now)."""

    def _text(self, delta: TextDelta) -> None:
        raise NotImplementedError

    def _reasoning(self, delta: ReasoningDelta) -> None:
        pass

    def _refusal(self, delta: RefusalDelta) -> None:
        pass

    def _signature(self, delta: SignatureDelta) -> None:
        pass

    def _citation(self, delta: CitationDelta) -> None:
        pass

    def _block(self, delta: BlockDelta) -> None:
        pass

    def _call_open(self, call: Call, arguments: str) -> None:
        raise NotImplementedError

    def _call_arguments(self, call: Call, piece: str) -> None:
        raise NotImplementedError

    def _call_name(self, call: Call, piece: str) -> None:
        """A piece of the name after the call was opened (few targets can take it)."""

    def _call_close(self, call: Call) -> None:
        pass

    def _finished(self, choice: int, reason: str) -> None:
        raise NotImplementedError

    def _end(self) -> None:
        raise NotImplementedError

    def _fail(self, error: dict[str, Any]) -> None:
        raise NotImplementedError

    # -- shared --------------------------------------------------------------------------

    def _start(self) -> None:
        if self._started:
            return
        self._started = True
        if self._identity is not None and (self._id is None or self._model is None or not self._created_given):
            known_id, known_model, known_created = self._identity()
            if known_created is not None and not self._created_given:
                self._created = known_created
            if self._id is None:
                self._id = known_id
            if self._model is None:
                self._model = known_model
        if self._id is None:
            self._id = new_id(self.id_prefix)
        if self._model is None:
            self._model = ""
        self._begin()

    def _has_calls(self, choice: int) -> bool:
        return any(call.choice == choice for call in self._calls.values())

    def _metadata(self, delta: MetadataDelta) -> None:
        if self._started:
            return  # written already: a target's response cannot change its identity
        if delta.id is not None and not self._fixed[0]:
            self._id = delta.id
        if delta.model is not None and not self._fixed[1]:
            self._model = delta.model

    def _usage_delta(self, delta: UsageDelta) -> None:
        self._usage = delta.usage

    def _tool_start(self, delta: ToolCallStart) -> None:
        self._calls[(delta.choice, delta.index)] = Call(delta.choice, delta.index, delta.id, delta.name, delta.kind)

    def _tool_update(self, delta: ToolCallUpdate) -> None:
        call = self._calls.get((delta.choice, delta.index))
        if call is None:
            return
        if delta.id is not None and not call.open:
            call.id = delta.id
        if delta.name:
            call.name += delta.name
            if call.open:
                self._call_name(call, delta.name)
        if not call.open and call.id is not None and call.pieces:
            self._announce(call)

    def _tool_arguments(self, delta: ToolCallArgumentsDelta) -> None:
        call = self._calls.get((delta.choice, delta.index))
        if call is None or call.closed:
            return
        call.pieces.append(delta.arguments)
        if call.open:
            self._call_arguments(call, delta.arguments)
        elif call.id is not None:
            self._announce(call)

    def _tool_end(self, delta: ToolCallEnd) -> None:
        call = self._calls.get((delta.choice, delta.index))
        if call is not None:
            self._close(call)

    def _function(self, delta: FunctionCallDelta) -> None:
        """A legacy ``function_call``: written as a tool call (every target has those)."""
        call = self._functions.get(delta.choice)
        if call is None:
            index = sum(1 for key in self._calls if key[0] == delta.choice)
            call = self._functions[delta.choice] = Call(delta.choice, index, None, delta.name, "function")
            self._calls[(delta.choice, index)] = call
        elif delta.name and not call.open:
            call.name += delta.name
        if delta.arguments:
            call.pieces.append(delta.arguments)
            if call.open:
                self._call_arguments(call, delta.arguments)

    def _announce(self, call: Call) -> None:
        self._start()
        if call.id is None:
            call.id = new_id("call_")
        call.open = True
        self._call_open(call, call.arguments)

    def _close(self, call: Call, cut: bool = False) -> None:
        if call.closed:
            return
        if not call.open:
            self._announce(call)
        call.closed = True
        call.cut = cut
        self._call_close(call)

    def _finish_delta(self, delta: FinishDelta) -> None:
        self._start()
        # A call the source did not close before a finish that cut the output short
        # (length, a filter...) was cut: the target says so where it can.
        cut = cuts_short(delta.finish_reason)
        for call in list(self._calls.values()):
            if call.choice == delta.choice:
                self._close(call, cut)
        self._finish[delta.choice] = delta.finish_reason
        self._finished(delta.choice, delta.finish_reason)

    _handlers: ClassVar[dict[type, Callable[[Any, Any], None]]] = {
        ReasoningDelta: lambda self, d: self._reasoning(d),
        RefusalDelta: lambda self, d: self._refusal(d),
        ToolCallStart: _tool_start,
        ToolCallUpdate: _tool_update,
        ToolCallArgumentsDelta: _tool_arguments,
        ToolCallEnd: _tool_end,
        FunctionCallDelta: _function,
        FinishDelta: _finish_delta,
        UsageDelta: _usage_delta,
        MetadataDelta: _metadata,
        SignatureDelta: lambda self, d: self._signature(d),
        CitationDelta: lambda self, d: self._citation(d),
        BlockDelta: lambda self, d: self._block(d),
    }


def error_fields(error: Mapping[str, Any]) -> tuple[str, str | None, str | None]:
    """``(message, type, code)`` of a ``Completion.error`` entry, the provider's own
    when it sent them."""
    message = error.get("message") or "the upstream stream failed"
    if error.get("type") == "provider_error":
        return str(message), error.get("error_type"), error.get("code")
    return str(message), None, None
