"""``openai-responses`` target: Responses API typed events, ``response.completed`` at the end.

``response.created`` and ``response.in_progress`` open the stream; text and refusal
go in a ``message`` item (``output_text`` / ``refusal`` content parts), reasoning in
a ``reasoning`` item's summary, each tool call in a ``function_call`` item (a custom
tool's in a ``custom_tool_call`` item); every item, part and summary is closed with
its ``.done`` events carrying the whole text, as the API does. The terminal event
carries the whole response (output items, usage): ``response.completed``, or
``response.incomplete`` with ``incomplete_details.reason`` when the answer was cut
by a limit or a filter. A cut or failed upstream ends with ``response.failed``
(status ``failed``, its ``error``), never ``response.completed``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from .._completion import BlockDelta, ReasoningDelta, RefusalDelta, TextDelta
from ._base import Call, StreamWriter, dumps, error_fields, new_id, quote
from ._mapping import responses_finish, responses_usage

__all__ = ["ResponsesWriter"]


class _Item:
    """The open message or reasoning item: its output index, id and the open part."""

    __slots__ = ("index", "id", "kind", "parts", "part_kind", "pieces", "head")

    def __init__(self, index: int, item_id: str, kind: str) -> None:
        self.index = index
        self.id = item_id
        self.kind = kind  # "message" or "reasoning"
        self.parts: list[dict[str, Any]] = []  # closed parts (or summaries)
        self.part_kind = ""  # "output_text" / "refusal" / "summary_text" while one is open
        self.pieces: list[str] = []  # the open part's text
        self.head = ""  # the open part's delta event up to the delta's value


class ResponsesWriter(StreamWriter):
    """Writes Responses API stream events (see the module docstring)."""

    name: ClassVar[str] = "openai-responses"
    id_prefix: ClassVar[str] = "resp_"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._seq = 0
        self._output: list[dict[str, Any] | None] = []  # done items by output index (None: open)
        self._item: _Item | None = None
        self._status: tuple[str, str | None] | None = None

    # -- writing -----------------------------------------------------------------------------

    def _event(self, kind: str, body: str) -> None:
        """One event; ``body`` is its members after ``type`` and ``sequence_number``."""
        self._out += ["event: ", kind, '\ndata: {"type":"', kind, '","sequence_number":', str(self._seq), ",", body,
                      "}\n\n"]
        self._seq += 1

    def _response(self, status: str, **fields: Any) -> str:
        response = {
            "id": self._id,
            "object": "response",
            "created_at": self._created,
            "status": status,
            "model": self._model,
            "output": [item for item in self._output if item is not None],
            "usage": None,
            "error": None,
            "incomplete_details": None,
        # echoes of the request, which a transcoder does not see: the API's defaults
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
            **fields,
        }
        return '"response":' + dumps(response)

    def _begin(self) -> None:
        self._event("response.created", self._response("in_progress", output=[]))
        self._event("response.in_progress", self._response("in_progress", output=[]))

    def _add_item(self, item: dict[str, Any]) -> int:
        self._start()
        index = len(self._output)
        self._output.append(None)
        self._event("response.output_item.added", '"output_index":' + str(index) + ',"item":' + dumps(item))
        return index

    def _done_item(self, index: int, item: dict[str, Any]) -> None:
        self._output[index] = item
        self._event("response.output_item.done", '"output_index":' + str(index) + ',"item":' + dumps(item))

    # -- message and reasoning items -------------------------------------------------------------

    def _part(self, kind: str, part_kind: str) -> _Item:
        """The open item of ``kind`` with its part of ``part_kind`` open, opened if need be."""
        item = self._item
        if item is not None and item.kind == kind and item.part_kind == part_kind:
            return item
        if item is None or item.kind != kind:
            self._close_item()
            prefix = "msg_" if kind == "message" else "rs_"
            item_id = new_id(prefix)
            added: dict[str, Any] = (
                {"id": item_id, "type": "message", "status": "in_progress", "role": "assistant", "content": []}
                if kind == "message"
                else {"id": item_id, "type": "reasoning", "summary": []}
            )
            item = self._item = _Item(self._add_item(added), item_id, kind)
        else:
            self._close_part(item)
        item.part_kind = part_kind
        where = '"item_id":' + quote(item.id) + ',"output_index":' + str(item.index)
        if kind == "message":
            where += ',"content_index":' + str(len(item.parts))
            empty = {"type": part_kind, "text": "", "annotations": []} if part_kind == "output_text" else {
                "type": "refusal", "refusal": ""}
            self._event("response.content_part.added", where + ',"part":' + dumps(empty))
            delta = "response.output_text.delta" if part_kind == "output_text" else "response.refusal.delta"
        else:
            where += ',"summary_index":' + str(len(item.parts))
            self._event("response.reasoning_summary_part.added", where + ',"part":{"type":"summary_text","text":""}')
            delta = "response.reasoning_summary_text.delta"
        item.head = "event: " + delta + '\ndata: {"type":"' + delta + '","sequence_number":'
        item.pieces = []
        return item

    def _piece(self, item: _Item, text: str, tail: str) -> None:
        item.pieces.append(text)
        self._out += [item.head, str(self._seq), ',"item_id":', quote(item.id), ',"output_index":', str(item.index),
                      tail, ',"delta":', quote(text), "}\n\n"]
        self._seq += 1

    def _text(self, delta: TextDelta) -> None:
        item = self._part("message", "output_text")
        self._piece(item, delta.text, ',"content_index":' + str(len(item.parts)) + ',"logprobs":[]')

    def _refusal(self, delta: RefusalDelta) -> None:
        item = self._part("message", "refusal")
        self._piece(item, delta.text, ',"content_index":' + str(len(item.parts)))

    def _reasoning(self, delta: ReasoningDelta) -> None:
        item = self._part("reasoning", "summary_text")
        self._piece(item, delta.text, ',"summary_index":' + str(len(item.parts)))

    def _close_part(self, item: _Item) -> None:
        if not item.part_kind:
            return
        text = "".join(item.pieces)
        where = '"item_id":' + quote(item.id) + ',"output_index":' + str(item.index)
        kind = item.part_kind
        if kind == "output_text":
            where += ',"content_index":' + str(len(item.parts))
            part: dict[str, Any] = {"type": "output_text", "text": text, "annotations": []}
            self._event("response.output_text.done", where + ',"text":' + quote(text) + ',"logprobs":[]')
            self._event("response.content_part.done", where + ',"part":' + dumps(part))
        elif kind == "refusal":
            where += ',"content_index":' + str(len(item.parts))
            part = {"type": "refusal", "refusal": text}
            self._event("response.refusal.done", where + ',"refusal":' + quote(text))
            self._event("response.content_part.done", where + ',"part":' + dumps(part))
        else:
            where += ',"summary_index":' + str(len(item.parts))
            part = {"type": "summary_text", "text": text}
            self._event("response.reasoning_summary_text.done", where + ',"text":' + quote(text))
            self._event("response.reasoning_summary_part.done", where + ',"part":' + dumps(part))
        item.parts.append(part)
        item.part_kind = ""
        item.pieces = []

    def _close_item(self) -> None:
        item = self._item
        if item is None:
            return
        self._item = None
        self._close_part(item)
        if item.kind == "message":
            done = {"id": item.id, "type": "message", "status": "completed", "role": "assistant",
                    "content": item.parts}
        else:
            done = {"id": item.id, "type": "reasoning", "summary": item.parts}
        self._done_item(item.index, done)

    def _block(self, delta: BlockDelta) -> None:
        """An output item of a Responses source no other delta covers (web search,
        image generation, ...): written whole."""
        if self._passthrough and isinstance(delta.block.get("type"), str):
            self._close_item()
            index = self._add_item(delta.block)
            self._done_item(index, delta.block)

    # -- tool calls -------------------------------------------------------------------------------

    def _call_item(self, call: Call, arguments: str, status: str) -> dict[str, Any]:
        if call.kind == "custom":
            return {"id": call.item_id, "type": "custom_tool_call", "status": status, "call_id": call.id,
                    "name": call.name, "input": arguments}
        return {"id": call.item_id, "type": "function_call", "status": status, "call_id": call.id,
                "name": call.name, "arguments": arguments}

    def _call_open(self, call: Call, arguments: str) -> None:
        self._close_item()
        call.item_id = new_id("fc_" if call.kind != "custom" else "ctc_")
        call.slot = self._add_item(self._call_item(call, "", "in_progress"))
        if arguments:
            self._call_arguments(call, arguments)

    def _call_arguments(self, call: Call, piece: str) -> None:
        kind = "response.custom_tool_call_input.delta" if call.kind == "custom" else (
            "response.function_call_arguments.delta")
        self._event(kind, '"item_id":' + quote(call.item_id) + ',"output_index":' + str(call.slot) + ',"delta":'
                    + quote(piece))

    def _call_close(self, call: Call) -> None:
        arguments = call.arguments
        where = '"item_id":' + quote(call.item_id) + ',"output_index":' + str(call.slot)
        if call.cut:
            pass  # (its input never ended: no .done event, the item says incomplete)
        elif call.kind == "custom":
            self._event("response.custom_tool_call_input.done", where + ',"input":' + quote(arguments))
        else:
            self._event("response.function_call_arguments.done", where + ',"arguments":' + quote(arguments))
        self._done_item(call.slot, self._call_item(call, arguments, "incomplete" if call.cut else "completed"))

    # -- the end ----------------------------------------------------------------------------------

    def _finished(self, choice: int, reason: str) -> None:
        self._close_item()
        self._status = responses_finish(reason, self._has_calls(choice))

    def _usage_fields(self) -> dict[str, Any]:
        return {} if self._usage is None else {"usage": responses_usage(self._usage)}

    def _end(self) -> None:
        self._close_item()
        status, reason = self._status or ("completed", None)
        if status == "completed":
            self._event("response.completed", self._response("completed", **self._usage_fields()))
        else:
            self._event("response.incomplete", self._response(
                "incomplete", incomplete_details={"reason": reason}, **self._usage_fields()))

    def _fail(self, error: dict[str, Any]) -> None:
        self._start()
        message, _, code = error_fields(error)
        failure = {"code": code or "server_error", "message": message}
        self._event("response.failed", self._response("failed", error=failure, **self._usage_fields()))
