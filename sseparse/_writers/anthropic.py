"""``anthropic`` target: Messages API events, ``message_start`` ... ``message_stop``.

Blocks are numbered in the order they open, as the Messages API does (the anthropic
SDK addresses its snapshot's blocks by that number): text goes in ``text`` blocks,
reasoning in ``thinking`` blocks (with its ``signature_delta``), each tool call in a
``tool_use`` block whose input streams as ``input_json_delta``. A text or thinking
block closes when something else begins; a tool block when its call ends.

Anthropic has no refusal field: refusal text is written as text, and the finish
reason says ``refusal``. ``message_start`` must carry a usage object: the source's
usage when known by then (an Anthropic source sends the input side first), else
zeros, which the final ``message_delta`` (cumulative, assigned by readers) corrects.
A cut or failed upstream ends with ``event: error`` and no ``message_stop``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from .._completion import (
    BlockDelta,
    CitationDelta,
    Delta,
    ReasoningDelta,
    RefusalDelta,
    SignatureDelta,
    TextDelta,
    ToolCallArgumentsDelta,
)
from ._base import Call, StreamWriter, dumps, encode, error_fields, quote
from ._mapping import anthropic_finish, anthropic_usage

__all__ = ["AnthropicWriter"]

_TEXT_START = '{"type":"text","text":""}'
_THINKING_START = '{"type":"thinking","thinking":"","signature":""}'


class AnthropicWriter(StreamWriter):
    """Writes Messages API stream events (see the module docstring)."""

    name: ClassVar[str] = "anthropic"
    id_prefix: ClassVar[str] = "msg_"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._blocks = 0  # blocks opened so far
        self._open = ""  # "text" or "thinking": the kind of the open block, if any
        self._delta_head = ""  # the open block's content_block_delta up to its delta's value
        self._stop_reason: str | None = None

    def write(self, deltas: Iterable[Delta]) -> bytes:
        """The bytes for ``deltas``: a text piece while a text block is open, and an
        argument piece of an open call, are one concatenation here; the rest goes the
        general way (``StreamWriter.write``)."""
        out = self._out = []
        handlers = self._handlers
        calls = self._calls
        for delta in deltas:
            kind = type(delta)
            if kind is TextDelta:
                if delta.choice == 0:  # type: ignore[union-attr]
                    if self._open == "text":
                        out.append(self._delta_head + quote(delta.text) + "}}\n\n")  # type: ignore[union-attr]
                    else:
                        self._text(delta)  # type: ignore[arg-type]
                continue
            if kind is ToolCallArgumentsDelta:
                call = calls.get((delta.choice, delta.index))  # type: ignore[union-attr]
                if call is not None and call.open and not call.closed and call.kind != "custom":
                    call.pieces.append(delta.arguments)  # type: ignore[union-attr]
                    out.append(call.head + quote(delta.arguments) + "}}\n\n")  # type: ignore[union-attr]
                    continue
            elif getattr(delta, "choice", 0) != 0:
                continue
            handler = handlers.get(kind)
            if handler is not None:
                handler(self, delta)
        return encode(out) if out else b""

    def _begin(self) -> None:
        message: dict[str, Any] = {
            "id": self._id,
            "type": "message",
            "role": "assistant",
            "model": self._model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": anthropic_usage(self._usage, required=True),
        }
        self._out += ['event: message_start\ndata: {"type":"message_start","message":', dumps(message), "}\n\n"]

    def _open_block(self, kind: str, start: str) -> int:
        self._start()
        self._close_open()
        index = self._blocks
        self._blocks += 1
        self._out += [
            'event: content_block_start\ndata: {"type":"content_block_start","index":', str(index),
            ',"content_block":', start, "}\n\n",
        ]
        return index

    def _close_open(self) -> None:
        if self._open:
            self._stop_block(self._blocks - 1)
            self._open = ""

    def _stop_block(self, index: int) -> None:
        self._out += [
            'event: content_block_stop\ndata: {"type":"content_block_stop","index":', str(index), "}\n\n"
        ]

    def _delta(self, index: int, kind: str) -> str:
        return (
            'event: content_block_delta\ndata: {"type":"content_block_delta","index":' + str(index)
            + ',"delta":{"type":"' + kind + '",'
        )

    def _piece(self, block: str, start: str, text: str) -> None:
        """``text`` in the open ``block`` (``text`` or ``thinking``, also the name of
        its delta's member), opened with ``start`` unless it is the one open."""
        if self._open != block:
            index = self._open_block(block, start)
            self._open = block
            self._delta_head = self._delta(index, block + "_delta") + '"' + block + '":'
        self._out += [self._delta_head, quote(text), "}}\n\n"]

    def _text(self, delta: TextDelta) -> None:
        self._piece("text", _TEXT_START, delta.text)

    def _refusal(self, delta: RefusalDelta) -> None:
        self._piece("text", _TEXT_START, delta.text)

    def _reasoning(self, delta: ReasoningDelta) -> None:
        self._piece("thinking", _THINKING_START, delta.text)

    def _signature(self, delta: SignatureDelta) -> None:
        if self._open == "thinking":
            self._out += [self._delta(self._blocks - 1, "signature_delta"), '"signature":', quote(delta.signature),
                          "}}\n\n"]

    def _citation(self, delta: CitationDelta) -> None:
        if self._passthrough and self._open == "text":
            self._out += [self._delta(self._blocks - 1, "citations_delta"), '"citation":', dumps(delta.citation),
                          "}}\n\n"]

    def _block(self, delta: BlockDelta) -> None:
        """A block of an Anthropic source no other delta covers (server tools and their
        results, redacted thinking): written whole. Other sources' items are not
        Anthropic blocks and are left out."""
        if self._passthrough and isinstance(delta.block.get("type"), str):
            index = self._open_block("", dumps(delta.block))
            self._stop_block(index)

    def _call_open(self, call: Call, arguments: str) -> None:
        start = dumps({"type": "tool_use", "id": call.id, "name": call.name, "input": {}})
        call.slot = self._open_block("tool_use", start)
        call.head = self._delta(call.slot, "input_json_delta") + '"partial_json":'
        if call.kind == "custom":
            return  # free text: written as {"input": text} when the call ends
        if arguments:
            self._call_arguments(call, arguments)

    def _call_arguments(self, call: Call, piece: str) -> None:
        if call.kind != "custom":
            self._out += [call.head, quote(piece), "}}\n\n"]

    def _call_close(self, call: Call) -> None:
        if call.kind == "custom":
            self._out += [self._delta(call.slot, "input_json_delta"), '"partial_json":',
                          quote(dumps({"input": call.arguments})), "}}\n\n"]
        if not call.cut:  # (a cut call's block is left open: its message stops short)
            self._stop_block(call.slot)

    def _finished(self, choice: int, reason: str) -> None:
        self._close_open()
        self._stop_reason = anthropic_finish(reason, self._has_calls(choice))

    def _end(self) -> None:
        self._close_open()
        delta = {"type": "message_delta", "delta": {"stop_reason": self._stop_reason, "stop_sequence": None},
                 "usage": anthropic_usage(self._usage, required=False)}
        self._out += ["event: message_delta\ndata: ", dumps(delta), "\n\n",
                      'event: message_stop\ndata: {"type":"message_stop"}\n\n']

    def _fail(self, error: dict[str, Any]) -> None:
        message, kind, _ = error_fields(error)
        body = {"type": "error", "error": {"type": kind or "api_error", "message": message}}
        self._out += ["event: error\ndata: ", dumps(body), "\n\n"]
