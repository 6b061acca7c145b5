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
- ``tool_calls`` are the ``function_call`` items (``call_id`` is the id, arguments
  glued from ``response.function_call_arguments.delta``) and the ``custom_tool_call``
  items (free-form tools: their ``input`` text is the arguments, not JSON, so their
  ``parsed_arguments()`` fails unless the tool's grammar is JSON), in output order.
  Tools the server runs itself (web search, image generation, file search, code
  interpreter, MCP) are not calls for the client to make: they are kept in ``blocks``.
- ``blocks`` is the response's ``output`` list, accumulated: each item as its
  ``response.output_item.done`` (or ``response.completed``) sent it, and an item the
  stream was cut inside of as it was added, with the text, arguments and summaries
  received so far filled in. It is what a client sends back as input to continue
  without ``previous_response_id`` (reasoning items carry ``encrypted_content``).
- Every ``.done`` event and every done item is authoritative: when its full text
  differs from the deltas glued so far it replaces them (and when the deltas so far
  are a prefix of it, the missing rest is also produced as one more delta).
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
- ``usage`` is ``response.usage`` of the terminal event, raw as sent
  (``input_tokens``, ``output_tokens``, ``total_tokens``, and their details).
- Events after the terminal one are ignored; event types this reducer does not
  know (``response.web_search_call.searching``, annotations, audio, future ones)
  are skipped, never an error.

Speed: one JSON decoding per event; ``response.output_text.delta`` (nearly every
event of a long answer) is tested first and takes a few dict lookups and one list
append; every other type is found in a dispatch table. With the compiled modules the
``Accumulator`` reads the delta events of text, call arguments and reasoning
summaries without decoding them (``_fastpath.FusedFeed``), with the same result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from .._completion import (
    Choice,
    Completion,
    FinishDelta,
    PartialArguments,
    ReasoningDelta,
    RefusalDelta,
    TextDelta,
    ToolCall,
    ToolCallArgumentsDelta,
    ToolCallStart,
    Usage,
    UsageDelta,
)
from .._errors import ProviderError
from ._base import Reducer

if TYPE_CHECKING:
    from collections.abc import Callable

    from .._completion import Delta
    from .._events import Event

__all__ = ["OpenAIResponsesReducer"]

# The kinds of text part, in the order they are assembled within one output item.
_TEXT = 0  # a message's output_text part
_REFUSAL = 1  # a message's refusal part
_SUMMARY = 2  # a reasoning item's summary_text part
_REASONING = 3  # a reasoning item's reasoning_text part

#: Between two reasoning parts (summary paragraphs, or two reasoning items).
REASONING_SEPARATOR = "\n\n"

_CALL_TYPES = {"function_call": "arguments", "custom_tool_call": "input"}
_PART_KINDS = {"output_text": (_TEXT, "text"), "refusal": (_REFUSAL, "refusal"), "reasoning_text": (_REASONING, "text")}
_TERMINAL_STATUS = {"response.completed": "completed", "response.incomplete": "incomplete"}

_Key = tuple[int, int, int]  # (output_index, text kind, content or summary index)


class _Call:
    """A tool call the client is to make, and where its output item is."""

    __slots__ = ("position", "output_index", "id", "name", "pieces", "custom", "reader")

    def __init__(self, position: int, output_index: int, call_id: str | None, name: str, custom: bool) -> None:
        self.position = position
        self.output_index = output_index
        self.id = call_id
        self.name = name
        self.pieces: list[str] = []
        self.custom = custom  # a custom tool's input is free text, not JSON
        self.reader: PartialArguments | None = None  # made when someone asks for the partial value

    def build(self) -> ToolCall:
        return ToolCall(self.position, self.id, self.name, "".join(self.pieces))

    def replace(self, text: str) -> None:
        """A ``.done`` text that does not continue the pieces: it replaces them."""
        self.pieces[:] = [text]
        self.reader = None  # it read pieces that are gone

    def partial(self, ended: bool) -> Any:
        if self.custom:
            return "".join(self.pieces)
        reader = self.reader
        if reader is None:
            reader = self.reader = PartialArguments()
        return reader.read(self.pieces, ended)


class _Item:
    """One output item: the item as last sent, and whether it was done."""

    __slots__ = ("raw", "done", "call")

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.done = False
        self.call: _Call | None = None


def _int(value: Any) -> int | None:
    return value if type(value) is int else None


def _usage(raw: dict[str, Any]) -> Usage:
    input_tokens, output_tokens = _int(raw.get("input_tokens")), _int(raw.get("output_tokens"))
    total_tokens = _int(raw.get("total_tokens"))
    if total_tokens is None and input_tokens is not None and output_tokens is not None:
        total_tokens = input_tokens + output_tokens
    return Usage(input_tokens, output_tokens, total_tokens, raw)


def _sub_index(value: Any) -> int:
    """A content or summary index; missing (or not an integer) is the first."""
    return value if type(value) is int else 0


def _text(value: Any) -> str:
    return value if type(value) is str else ""


class OpenAIResponsesReducer(Reducer):
    """Reduces Responses API stream events into one choice."""

    name: ClassVar[str] = "openai-responses"
    end_marker: ClassVar[str] = "response.completed"
    chunk_kind = "a response stream event"

    __slots__ = (
        "_texts",
        "_items",
        "_ids",
        "_calls",
        "_reasoning_parts",
        "_logprobs",
        "_id",
        "_model",
        "_created",
        "_usage",
        "_finish_reason",
        "_extra",
    )

    def __init__(self, *, compiled: bool = True) -> None:
        super().__init__(compiled=compiled)
        self._texts: dict[_Key, list[str]] = {}  # text pieces per part, glued at snapshot time
        self._items: dict[int, _Item] = {}  # by output_index
        self._ids: dict[str, int] = {}  # item id -> output_index
        self._calls: list[_Call] = []
        self._reasoning_parts = 0  # reasoning parts with text so far: the next one opens with a separator
        self._logprobs: list[Any] | None = None
        self._id: str | None = None
        self._model: str | None = None
        self._created: int | None = None
        self._usage: Usage | None = None
        self._finish_reason: str | None = None
        self._extra: dict[str, Any] = {}

    # -- the interface -----------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.done

    def partial_arguments(self, choice: int, index: int) -> Any:
        """The arguments of tool call ``index`` as far as they have arrived (see
        ``PartialArguments``), complete once its item is done; for a custom tool call,
        the free-form input text so far."""
        calls = self._calls
        if choice != 0 or not 0 <= index < len(calls):
            raise IndexError(f"the stream has no tool call {index} in choice {choice} (yet)")
        call = calls[index]
        item = self._items.get(call.output_index)
        return call.partial(self.done or (item is not None and item.done))

    def snapshot(self, *, complete: bool, error: dict[str, Any] | None) -> Completion:
        texts = self._texts
        content: list[str] = []
        refusal: list[str] = []
        reasoning: list[str] = []
        for key in sorted(texts):
            kind = key[1]
            text = "".join(texts[key])
            if kind == _TEXT:
                content.append(text)
            elif kind == _REFUSAL:
                refusal.append(text)
            elif text:
                reasoning.append(text)
        logprobs = self._logprobs
        choice = Choice(
            0,
            "".join(content),
            REASONING_SEPARATOR.join(reasoning),
            "".join(refusal),
            [call.build() for call in self._calls],
            None,
            self._finish_reason,
            None if logprobs is None else {"content": list(logprobs), "refusal": []},
            blocks=[self._block(index, self._items[index]) for index in sorted(self._items)],
        )
        return Completion.from_choices(
            self.name,
            [choice],
            id=self._id,
            model=self._model,
            created=self._created,
            usage=self._usage,
            complete=complete,
            error=error,
            extra=dict(self._extra),
        )

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
                        pieces = self._texts[key] = []
                    pieces.append(delta)
                    if out is not None:
                        out.append(TextDelta(0, delta))
                logprobs = obj.get("logprobs")
                if logprobs:
                    self._take_logprobs(logprobs)
                return
            handler = _HANDLERS.get(kind)
            if handler is not None:
                handler(self, obj, out)
        except (AttributeError, TypeError, KeyError, ValueError) as exc:
            raise self.bad_chunk(event, f"unexpected {kind!r} event shape ({type(exc).__name__}: {exc})") from None

    # -- where things go ---------------------------------------------------------------

    def _index_of(self, obj: dict[str, Any]) -> int:
        """The output_index of an event that lacks one (some proxies drop it): by its
        ``item_id``, else the last item."""
        index = obj.get("output_index")
        if type(index) is int:
            return index
        found = self._ids.get(obj.get("item_id"))  # type: ignore[arg-type]
        if found is not None:
            return found
        return max(self._items) if self._items else 0

    def _add(self, key: _Key, text: str, out: list[Delta] | None) -> None:
        """Append ``text`` to a text part and say so with the delta of its kind."""
        texts = self._texts
        pieces = texts.get(key)
        if pieces is None:
            pieces = texts[key] = []
        kind = key[1]
        if kind < _SUMMARY:
            if out is not None:
                out.append(TextDelta(0, text) if kind == _TEXT else RefusalDelta(0, text))
        else:
            shown = text
            if not pieces:  # a new reasoning part: a paragraph of its own after the first
                self._reasoning_parts += 1
                if self._reasoning_parts > 1:
                    shown = REASONING_SEPARATOR + text
            if out is not None:
                out.append(ReasoningDelta(0, shown))
        pieces.append(text)

    def _settle(self, key: _Key, text: Any, out: list[Delta] | None) -> None:
        """A ``.done`` event's (or done item's) full text wins over the deltas so far."""
        if type(text) is not str:
            return
        pieces = self._texts.get(key)
        have = "".join(pieces) if pieces else ""
        if have == text:
            return
        if text.startswith(have):  # deltas missing at the end: they arrive as one
            self._add(key, text[len(have) :], out)
        else:  # no delta can take back what was shown; the Completion has it right
            self._texts[key] = [text]

    def _settle_call(self, call: _Call, text: Any, out: list[Delta] | None) -> None:
        if type(text) is not str:
            return
        have = "".join(call.pieces)
        if have == text:
            return
        if text.startswith(have):
            rest = text[len(have) :]
            call.pieces.append(rest)
            if out is not None:
                out.append(ToolCallArgumentsDelta(0, call.position, rest))
        else:
            call.replace(text)

    # -- events ------------------------------------------------------------------------

    def _lifecycle(self, obj: dict[str, Any], out: list[Delta] | None) -> None:
        """``response.created`` / ``.queued`` / ``.in_progress``: the response's identity."""
        response = obj.get("response")
        if type(response) is dict:
            self._take_meta(response)

    def _take_meta(self, response: dict[str, Any]) -> None:
        if self._id is None:
            value = response.get("id")
            if value and type(value) is str:
                self._id = value
        if self._model is None:
            value = response.get("model")
            if value and type(value) is str:
                self._model = value
        if self._created is None:
            value = response.get("created_at")
            if value and type(value) is int:
                self._created = value

    def _terminal(self, obj: dict[str, Any], out: list[Delta] | None) -> None:
        """``response.completed`` / ``.incomplete`` / ``.failed``: the whole response."""
        kind = obj.get("type")
        response = obj.get("response")
        if type(response) is not dict:
            response = {}
        self._take_meta(response)
        self._take_output(response.get("output"), out)
        usage = response.get("usage")
        if type(usage) is dict and (self._usage is None or usage != self._usage.raw):
            self._usage = _usage(usage)
            if out is not None:
                out.append(UsageDelta(self._usage))
        status = response.get("status")
        if type(status) is not str or not status:
            status = _TERMINAL_STATUS.get(kind, "failed")  # type: ignore[arg-type]
        self._extra["status"] = status
        details = response.get("incomplete_details")
        if details is not None:
            self._extra["incomplete_details"] = details
        if kind == "response.failed":
            error = response.get("error")
            if not error:
                error = {"message": f"the response {status} without saying why", "status": status}
            raise ProviderError(error, dialect=self.name)
        reason = status
        if kind == "response.incomplete" and type(details) is dict:
            detail = details.get("reason")
            if detail and type(detail) is str:
                reason = detail
        self._finish_reason = reason
        if out is not None:
            out.append(FinishDelta(0, reason))
        self.done = True

    def _error(self, obj: dict[str, Any], out: list[Delta] | None) -> None:
        """An ``error`` event: ``{"type": "error", "code", "message", "param"}``, or the
        same nested under ``error``."""
        error = obj.get("error")
        if type(error) is not dict:
            error = {key: value for key, value in obj.items() if key not in ("type", "sequence_number")}
        raise ProviderError(error, dialect=self.name)

    def _take_output(self, output: Any, out: list[Delta] | None) -> None:
        """The terminal event's ``output`` list: each item is a done item."""
        if type(output) is not list:
            return
        items = self._items
        for position, item in enumerate(output):
            if type(item) is not dict:
                continue
            index = self._ids.get(item.get("id"))  # type: ignore[arg-type]
            if index is None:
                index = position
                known = items.get(index)
                if known is not None and known.raw.get("id") != item.get("id"):
                    index = max(items) + 1  # not the item at that position: a new one at the end
            self._item_done(index, item, out)

    def _item_added(self, obj: dict[str, Any], out: list[Delta] | None) -> None:
        item = obj.get("item")
        if type(item) is dict:
            self._add_item(self._index_of(obj), item, out)

    def _add_item(self, index: int, item: dict[str, Any], out: list[Delta] | None) -> _Item:
        state = self._items.get(index)
        if state is not None:  # added twice: keep the first, take the newer view
            state.raw = item
            return state
        state = self._items[index] = _Item(item)
        item_id = item.get("id")
        if item_id and type(item_id) is str:
            self._ids[item_id] = index
        kind = item.get("type")
        field = _CALL_TYPES.get(kind)  # type: ignore[arg-type]
        if field is not None:
            call_id = item.get("call_id") or None
            name = item.get("name") or ""
            call_id = call_id if type(call_id) is str else None
            call = _Call(len(self._calls), index, call_id, _text(name), field == "input")
            self._calls.append(call)
            state.call = call
            if out is not None:
                out.append(ToolCallStart(0, call.position, call.id, call.name))
            self._settle_call(call, item.get(field), out)
        else:
            self._item_texts(index, item, out)
        return state

    def _item_texts(self, index: int, item: dict[str, Any], out: list[Delta] | None) -> None:
        """The text an item carries (a done item, or one added with text already)."""
        kind = item.get("type")
        if kind == "message":
            for position, part in enumerate(item.get("content") or ()):
                found = _PART_KINDS.get(part.get("type"))
                if found is not None:
                    self._settle((index, found[0], position), part.get(found[1]), out)
        elif kind == "reasoning":
            for position, part in enumerate(item.get("summary") or ()):
                self._settle((index, _SUMMARY, position), part.get("text"), out)
            for position, part in enumerate(item.get("content") or ()):
                self._settle((index, _REASONING, position), part.get("text"), out)

    def _item_done(self, index: int, item: dict[str, Any], out: list[Delta] | None) -> None:
        state = self._items.get(index)
        if state is None:
            state = self._add_item(index, item, out)
        call = state.call
        if call is not None:
            if call.id is None:
                call_id = item.get("call_id")
                if call_id and type(call_id) is str:
                    call.id = call_id
            if not call.name:
                call.name = _text(item.get("name"))
            self._settle_call(call, item.get(_CALL_TYPES.get(item.get("type"), "arguments")), out)  # type: ignore[arg-type]
        else:
            self._item_texts(index, item, out)
        state.raw = item
        state.done = True

    def _item_done_event(self, obj: dict[str, Any], out: list[Delta] | None) -> None:
        item = obj.get("item")
        if type(item) is dict:
            self._item_done(self._index_of(obj), item, out)

    def _part_added(self, obj: dict[str, Any], out: list[Delta] | None) -> None:
        """``response.content_part.added`` / ``.done``: a part, with its text if any."""
        part = obj.get("part")
        if type(part) is not dict:
            return
        part_type: Any = part.get("type")
        found = _PART_KINDS.get(part_type)
        if found is not None:
            key = (self._index_of(obj), found[0], _sub_index(obj.get("content_index")))
            self._texts.setdefault(key, [])
            self._settle(key, part.get(found[1]), out)

    def _summary_part(self, obj: dict[str, Any], out: list[Delta] | None) -> None:
        """``response.reasoning_summary_part.added`` / ``.done``."""
        part = obj.get("part")
        key = (self._index_of(obj), _SUMMARY, _sub_index(obj.get("summary_index")))
        self._texts.setdefault(key, [])
        if type(part) is dict:
            self._settle(key, part.get("text"), out)

    def _text_event(self, obj: dict[str, Any], out: list[Delta] | None, kind: int, sub: str, done: bool) -> None:
        key = (self._index_of(obj), kind, _sub_index(obj.get(sub)))
        if done:
            self._settle(key, obj.get("refusal" if kind == _REFUSAL else "text"), out)
            return
        delta = obj["delta"]
        if type(delta) is not str:
            raise TypeError(f"delta must be a string, not {type(delta).__name__}")
        if delta:
            self._add(key, delta, out)

    def _call_of(self, obj: dict[str, Any], out: list[Delta] | None) -> _Call:
        index = self._index_of(obj)
        state = self._items.get(index)
        if state is None:  # a delta before its item: make the item up
            item_id = obj.get("item_id")
            state = self._add_item(index, {"type": "function_call", "id": item_id, "call_id": None, "name": ""}, out)
        if state.call is None:
            raise ValueError(f"tool call input for output item {index}, a {state.raw.get('type')!r} item")
        return state.call

    def _arguments_delta(self, obj: dict[str, Any], out: list[Delta] | None) -> None:
        """``response.function_call_arguments.delta`` / ``custom_tool_call_input.delta``."""
        delta = obj["delta"]
        if type(delta) is not str:
            raise TypeError(f"delta must be a string, not {type(delta).__name__}")
        if delta:
            call = self._call_of(obj, out)
            call.pieces.append(delta)
            if out is not None:
                out.append(ToolCallArgumentsDelta(0, call.position, delta))

    def _arguments_done(self, obj: dict[str, Any], out: list[Delta] | None) -> None:
        """``response.function_call_arguments.done`` / ``custom_tool_call_input.done``:
        the full text is authoritative."""
        call = self._call_of(obj, out)
        text = obj.get("arguments") if "arguments" in obj else obj.get("input")
        self._settle_call(call, text, out)
        name = obj.get("name")
        if name and type(name) is str and not call.name:
            call.name = name

    def _take_logprobs(self, logprobs: Any) -> None:
        if type(logprobs) is not list:
            return
        if self._logprobs is None:
            self._logprobs = []
        self._logprobs.extend(logprobs)

    # -- snapshots ---------------------------------------------------------------------

    def _block(self, index: int, state: _Item) -> dict[str, Any]:
        """The output item as the non-streaming response would carry it."""
        raw = state.raw
        if state.done:
            return raw
        item = dict(raw)  # cut before done: fill in what arrived
        call = state.call
        texts = self._texts
        if call is not None:
            item["arguments" if item.get("type") != "custom_tool_call" else "input"] = "".join(call.pieces)
            return item
        kind = item.get("type")
        if kind == "message":
            parts = []
            for key in sorted(k for k in texts if k[0] == index and k[1] <= _REFUSAL):
                text = "".join(texts[key])
                if key[1] == _TEXT:
                    parts.append({"type": "output_text", "text": text, "annotations": []})
                else:
                    parts.append({"type": "refusal", "refusal": text})
            item["content"] = parts
        elif kind == "reasoning":
            summary = [
                {"type": "summary_text", "text": "".join(texts[key])}
                for key in sorted(k for k in texts if k[0] == index and k[1] == _SUMMARY)
            ]
            item["summary"] = summary
            content = [
                {"type": "reasoning_text", "text": "".join(texts[key])}
                for key in sorted(k for k in texts if k[0] == index and k[1] == _REASONING)
            ]
            if content:
                item["content"] = content
        return item


def _texts(
    kind: int, sub: str, done: bool
) -> Callable[[OpenAIResponsesReducer, dict[str, Any], list[Delta] | None], None]:
    def handler(self: OpenAIResponsesReducer, obj: dict[str, Any], out: list[Delta] | None) -> None:
        self._text_event(obj, out, kind, sub, done)

    return handler


# Event type -> handler, for every type but response.output_text.delta (tested first).
_HANDLERS: dict[str, Callable[[OpenAIResponsesReducer, dict[str, Any], list[Delta] | None], None]] = {
    "response.function_call_arguments.delta": OpenAIResponsesReducer._arguments_delta,
    "response.reasoning_summary_text.delta": _texts(_SUMMARY, "summary_index", False),
    "response.reasoning_text.delta": _texts(_REASONING, "content_index", False),
    "response.refusal.delta": _texts(_REFUSAL, "content_index", False),
    "response.custom_tool_call_input.delta": OpenAIResponsesReducer._arguments_delta,
    "response.output_text.done": _texts(_TEXT, "content_index", True),
    "response.refusal.done": _texts(_REFUSAL, "content_index", True),
    "response.reasoning_summary_text.done": _texts(_SUMMARY, "summary_index", True),
    "response.reasoning_text.done": _texts(_REASONING, "content_index", True),
    "response.function_call_arguments.done": OpenAIResponsesReducer._arguments_done,
    "response.custom_tool_call_input.done": OpenAIResponsesReducer._arguments_done,
    "response.output_item.added": OpenAIResponsesReducer._item_added,
    "response.output_item.done": OpenAIResponsesReducer._item_done_event,
    "response.content_part.added": OpenAIResponsesReducer._part_added,
    "response.content_part.done": OpenAIResponsesReducer._part_added,
    "response.reasoning_summary_part.added": OpenAIResponsesReducer._summary_part,
    "response.reasoning_summary_part.done": OpenAIResponsesReducer._summary_part,
    "response.created": OpenAIResponsesReducer._lifecycle,
    "response.queued": OpenAIResponsesReducer._lifecycle,
    "response.in_progress": OpenAIResponsesReducer._lifecycle,
    "response.completed": OpenAIResponsesReducer._terminal,
    "response.incomplete": OpenAIResponsesReducer._terminal,
    "response.failed": OpenAIResponsesReducer._terminal,
    "error": OpenAIResponsesReducer._error,
}
