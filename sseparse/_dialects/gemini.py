"""The ``gemini`` dialect: ``streamGenerateContent?alt=sse`` (Gemini API and Vertex AI).

Every event is a whole ``GenerateContentResponse`` holding the newest piece of each
candidate; there is no end marker and servers often end lines with CRLF. This
reducer folds the pieces per candidate (``candidates[].index``, absent for 0):

- ``text`` parts are ``content``; parts with ``"thought": true`` are ``reasoning``.
- A ``functionCall`` part with ``args`` is a whole call: ``ToolCall(id=<id or
  None>, name, arguments=<args as compact JSON text>)``, one arguments delta. Vertex
  AI's streamed arguments (``streamFunctionCallArguments``: a part with the name and
  ``willContinue: true``, then parts with ``partialArgs`` — ``jsonPath`` plus a
  string, number, bool or null value, strings continued in pieces — and a last
  part without ``willContinue``) are rebuilt into the same object, their JSON text
  produced as argument deltas while they arrive, so that the deltas glue to
  ``arguments``: the compact JSON text of the whole object.
- ``blocks`` is the candidate's content parts as the non-streaming response would
  carry them, to send back as the model's turn: consecutive plain text parts of
  the same kind (thought or not) are glued into one, and every part that carries
  anything else is kept as sent and never merged — Google asks that a part with a
  ``thoughtSignature`` go back as it came, neither merged with a part without one
  nor with another signed part. A streamed function call becomes one
  ``functionCall`` part with its whole ``args``.
- ``finish_reason`` is the candidate's ``finishReason`` as sent (``"STOP"``,
  ``"MAX_TOKENS"``, ``"SAFETY"``...). A prompt blocked before any candidate
  (``promptFeedback.blockReason`` other than the unspecified values) is the stream's
  answer, not a transport error, so it becomes choice 0's finish reason
  (``"SAFETY"``, ``"PROHIBITED_CONTENT"``...) and ``promptFeedback`` is kept in
  ``extra``.
- ``complete``: the stream has no end marker, so it is complete when every
  candidate got a finish reason and it was not cut in the middle of an event.
- ``usage`` is the last ``usageMetadata`` that has token counts (it is cumulative):
  ``input_tokens`` is ``promptTokenCount`` (+ ``toolUsePromptTokenCount``),
  ``output_tokens`` is ``candidatesTokenCount`` + ``thoughtsTokenCount`` — Google
  counts thinking apart from the answer, OpenAI and Anthropic count it as output,
  and only the sum makes ``input + output == totalTokenCount`` hold. google-genai
  reports the object as sent (``usage_metadata``); it is ``raw`` here.
- ``modelVersion`` is ``model``, ``responseId`` is ``id``, Vertex's ``createTime``
  is ``created`` (Unix seconds).
- ``{"error": {"code": 429, "message": ..., "status": "RESOURCE_EXHAUSTED"}}`` as
  data raises ``ProviderError`` carrying it, after anything else that event carried.

Speed: one JSON decoding per event, and a part that is only ``text`` (nearly every
part of a long answer) takes a short path of a few lookups and two appends.
"""

from __future__ import annotations

import calendar
import copy
import json
import re
import time
from typing import TYPE_CHECKING, Any, ClassVar

from .._completion import (
    Choice,
    Completion,
    FinishDelta,
    PartialArguments,
    ReasoningDelta,
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
    from .._completion import Delta
    from .._events import Event

__all__ = ["GeminiReducer"]

#: ``promptFeedback.blockReason`` values that do not mean the prompt was blocked.
_NOT_BLOCKED = frozenset({"", "BLOCK_REASON_UNSPECIFIED", "BLOCKED_REASON_UNSPECIFIED"})
_META_KEYS = frozenset({"candidates", "usageMetadata", "modelVersion", "responseId", "createTime"})


def _compact(value: Any) -> str:
    """JSON text as ``JSON.stringify`` writes it: no spaces, non-ASCII kept."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _int(value: Any) -> int | None:
    return value if type(value) is int else None


def _usage(raw: dict[str, Any]) -> Usage:
    prompt = _int(raw.get("promptTokenCount"))
    tool_prompt = _int(raw.get("toolUsePromptTokenCount"))
    candidates = _int(raw.get("candidatesTokenCount"))
    thoughts = _int(raw.get("thoughtsTokenCount"))
    input_tokens = prompt if tool_prompt is None else (prompt or 0) + tool_prompt
    output_tokens = candidates if thoughts is None else (candidates or 0) + thoughts
    total_tokens = _int(raw.get("totalTokenCount"))
    if total_tokens is None and input_tokens is not None and output_tokens is not None:
        total_tokens = input_tokens + output_tokens
    return Usage(input_tokens, output_tokens, total_tokens, raw)


def _has_counts(raw: dict[str, Any]) -> bool:
    return "totalTokenCount" in raw or "promptTokenCount" in raw or "candidatesTokenCount" in raw


def _unix_time(text: Any) -> int | None:
    """``createTime`` (RFC 3339, UTC, any number of fraction digits) in Unix seconds."""
    if type(text) is not str or len(text) < 20 or text[19] not in ".Z":
        return None
    try:
        return calendar.timegm(time.strptime(text[:19], "%Y-%m-%dT%H:%M:%S"))
    except ValueError:
        return None


# -- streamed function-call arguments (Vertex AI's partialArgs) -------------------------

_PATH_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\[\"((?:[^\"\\]|\\.)*)\"\]")


def _parse_path(path: Any) -> list[str | int] | None:
    """``$.a.b[0]['c d']`` as ``["a", "b", 0, "c d"]``; ``None`` if it is no such path."""
    if type(path) is not str or not path.startswith("$"):
        return None
    steps: list[str | int] = []
    position, end = 1, len(path)
    while position < end:
        match = _PATH_STEP.match(path, position)
        if match is None:
            return None
        name, number, single, double = match.groups()
        if number is not None:
            steps.append(int(number))
        else:
            steps.append(name if name is not None else single if single is not None else double)
        position = match.end()
    return steps or None


class _StreamedArguments:
    """Rebuilds a call's ``args`` from ``partialArgs`` pieces, and writes its JSON text
    as they arrive, so that the text written is always a prefix of the compact JSON
    of the object (the same text a whole ``args`` gives).

    That holds while pieces come in document order, as Google sends them: each value
    after the previous one, a string continued right after it began. A piece that
    breaks the order (revisiting a closed object, a key set twice) still updates the
    object, but no more text is written; the finished call's arguments are then the
    object's JSON text all the same. A string sent in many pieces is kept as a list
    of pieces while it is open, so a long one costs linear time, not quadratic.
    """

    __slots__ = ("value", "written", "final", "in_order", "_stack", "_open", "_open_pieces")

    def __init__(self) -> None:
        self.value: dict[str, Any] = {}
        self.written: list[str] = []  # the JSON text so far, in pieces
        self.final: str | None = None  # the whole JSON text, once finished
        # The containers open in the text, outermost first: [step to it, the container, children written].
        self._stack: list[list[Any]] = []
        self._open: list[str | int] | None = None  # the path of a string still open in the text
        self._open_pieces: list[str] = []
        self.in_order = True  # the text written so far says what the object holds

    def seed(self, args: dict[str, Any]) -> None:
        """A streamed call that opens with some whole ``args`` (not seen in practice)."""
        self.value.update(args)
        self.in_order = False

    def feed(self, partial_args: Any) -> str:
        """Fold ``partialArgs`` in; return the JSON text this adds."""
        text: list[str] = []
        for piece in partial_args if type(partial_args) is list else ():
            if type(piece) is not dict:
                continue
            steps = _parse_path(piece.get("jsonPath"))
            if steps is None:
                continue
            more = piece.get("willContinue") is True
            string = piece.get("stringValue")
            if type(string) is str:
                if steps == self._open:  # the next piece of the open string
                    self._open_pieces.append(string)
                    text.append(_compact(string)[1:-1])
                    if not more:
                        self._close_string(text)
                    continue
                self._close_string(text)
                existing = self._lookup(steps)
                if type(existing) is str:  # more of a string already closed: glue, out of order
                    self._parent(steps)[steps[-1]] = existing + string
                    self.in_order = False
                    continue
                value: Any = string
            elif "numberValue" in piece:
                value = piece["numberValue"]
            elif "boolValue" in piece:
                value = piece["boolValue"]
            elif "nullValue" in piece:
                value = None
            else:
                continue
            self._close_string(text)
            self._set(steps, value, more and type(string) is str, text)
        added = "".join(text)
        if added:
            self.written.append(added)
        return added

    def finish(self) -> str:
        """Close what is open; return the text that completes the object's JSON."""
        self._materialize()
        self._open = None
        final = self.final = _compact(self.value)
        have = "".join(self.written)
        rest = final[len(have) :] if final.startswith(have) else ""
        if rest:
            self.written.append(rest)
        return rest

    def current(self) -> dict[str, Any]:
        """A copy of the object so far (an open string holds what arrived)."""
        self._materialize()
        return copy.deepcopy(self.value)

    # -- internals

    def _materialize(self) -> None:
        if self._open is not None:
            joined = "".join(self._open_pieces)
            self._open_pieces[:] = [joined]
            self._parent(self._open)[self._open[-1]] = joined

    def _close_string(self, text: list[str]) -> None:
        if self._open is not None:
            self._materialize()
            self._open = None
            self._open_pieces = []
            text.append('"')

    def _lookup(self, steps: list[str | int]) -> Any:
        """The value at ``steps``, ``None`` if there is none (nothing is made)."""
        node: Any = self.value
        for step in steps:
            node = self._child(node, step)
            if node is None:
                return None
        return node

    def _parent(self, steps: list[str | int]) -> Any:
        """The container the last step goes into, made on the way where missing
        (``None`` when a step does not fit what is there)."""
        node: Any = self.value
        for depth, step in enumerate(steps[:-1]):
            child = self._child(node, step)
            if child is None:
                child = [] if type(steps[depth + 1]) is int else {}
                if not self._put(node, step, child):
                    return None
            node = child
        return node

    def _set(self, steps: list[str | int], value: Any, open_string: bool, text: list[str]) -> None:
        stack = self._stack
        # How much of the target's path is open in the text already.
        common = 0
        while common < len(steps) - 1 and common + 1 < len(stack) and stack[common + 1][0] == steps[common]:
            common += 1
        # The containers past that must be new, and so must the leaf, or the text cannot say it.
        node: Any = self.value
        for step in steps[:common]:
            node = node[step]
        in_order = self.in_order
        for step in steps[common:-1]:
            if self._child(node, step) is not None:
                in_order = False
                break
        if self._leaves_gap(steps):  # JSON has no holes: the nulls were never written
            in_order = False
        parent = self._parent(steps)
        if parent is None:
            self.in_order = False
            return
        leaf = steps[-1]
        if (type(parent) is dict and leaf in parent) or (type(parent) is list and leaf != len(parent)):
            in_order = False
        if not self._put(parent, leaf, value):
            self.in_order = False
            return
        self.in_order = in_order
        if not in_order:
            return
        if not stack:
            stack.append([None, self.value, 0])
            text.append("{")
        while len(stack) > common + 1:  # leaving containers: they are done
            closed = stack.pop()
            text.append("]" if type(closed[1]) is list else "}")
        node = stack[-1][1]
        for step in steps[common:-1]:
            text.append(self._key(stack[-1], step))
            node = node[step]
            text.append("[" if type(node) is list else "{")
            stack.append([step, node, 0])
        text.append(self._key(stack[-1], leaf))
        literal = _compact(value)
        if open_string:
            text.append(literal[:-1])
            self._open = steps
            self._open_pieces = [value]
        else:
            text.append(literal)

    def _leaves_gap(self, steps: list[str | int]) -> bool:
        """Whether setting ``steps`` puts an element past the end of a list (existing,
        or made on the way, empty), which fills the gap with nulls."""
        node: Any = self.value
        for step in steps:
            if type(step) is int:
                size = len(node) if type(node) is list else 0
                if step > size:
                    return True
            node = self._child(node, step)
        return False

    @staticmethod
    def _key(entry: list[Any], step: str | int) -> str:
        comma = "," if entry[2] else ""
        entry[2] += 1
        return comma if type(step) is int else comma + _compact(step) + ":"

    @staticmethod
    def _child(node: Any, step: str | int) -> Any:
        if type(node) is dict:
            return node.get(step)
        if type(node) is list and type(step) is int and step < len(node):
            return node[step]
        return None

    @staticmethod
    def _put(node: Any, step: str | int, value: Any) -> bool:
        if type(node) is dict and type(step) is str:
            node[step] = value
            return True
        if type(node) is list and type(step) is int:
            if step < len(node):
                node[step] = value
            else:
                node.extend([None] * (step - len(node)))  # JSON has no holes: a gap is nulls
                node.append(value)
            return True
        return False  # a key into a list or an index into an object


# -- per-candidate state -----------------------------------------------------------------


class _Call:
    __slots__ = ("position", "id", "name", "pieces", "streamed", "part", "reader")

    def __init__(self, position: int, call_id: str | None, name: str, part: dict[str, Any]) -> None:
        self.position = position
        self.id = call_id
        self.name = name
        self.pieces: list[str] = []  # the arguments' JSON text, for a whole call
        self.streamed: _StreamedArguments | None = None
        self.part = part  # the part that began the call (its thoughtSignature, ...)
        self.reader: PartialArguments | None = None  # made when someone asks for the partial value

    def partial(self, ended: bool) -> Any:
        """The arguments as far as they have arrived (see ``PartialArguments``)."""
        streamed = self.streamed
        if streamed is None:
            pieces = self.pieces
        else:
            if streamed.final is not None and not streamed.in_order:
                return streamed.value  # its text stopped short: the object has it all
            pieces = streamed.written
            ended = ended or streamed.final is not None
        reader = self.reader
        if reader is None:
            reader = self.reader = PartialArguments()
        return reader.read(pieces, ended)

    def arguments(self) -> str:
        """The JSON text: for a streamed call still open, the text written so far."""
        streamed = self.streamed
        if streamed is None:
            return "".join(self.pieces)
        if streamed.final is not None:
            return streamed.final
        return "".join(streamed.written)

    def block(self) -> dict[str, Any]:
        """The call as one ``functionCall`` part with its whole ``args``."""
        call: dict[str, Any] = {
            key: value
            for key, value in self.part["functionCall"].items()
            if key not in ("partialArgs", "willContinue", "args")
        }
        streamed = self.streamed
        call["args"] = streamed.current() if streamed is not None else self.part["functionCall"].get("args")
        block = dict(self.part)
        block["functionCall"] = call
        return block


class _TextRun:
    """Consecutive plain text parts of one kind, glued into one block."""

    __slots__ = ("thought", "pieces")

    def __init__(self, thought: bool) -> None:
        self.thought = thought
        self.pieces: list[str] = []

    def block(self) -> dict[str, Any]:
        if self.thought:
            return {"text": "".join(self.pieces), "thought": True}
        return {"text": "".join(self.pieces)}


class _Candidate:
    __slots__ = ("index", "content", "reasoning", "calls", "blocks", "run", "open_call", "finish_reason")

    def __init__(self, index: int) -> None:
        self.index = index
        self.content: list[str] = []
        self.reasoning: list[str] = []
        self.calls: list[_Call] = []
        self.blocks: list[Any] = []  # part dicts as sent, _TextRun and _Call entries
        self.run: _TextRun | None = None  # the text block a plain text part is glued to
        self.open_call: _Call | None = None  # a streamed call still taking partialArgs
        self.finish_reason: str | None = None

    def build(self) -> Choice:
        blocks = []
        for block in self.blocks:
            if type(block) is dict:
                blocks.append(block)
            else:
                blocks.append(block.block())
        return Choice(
            self.index,
            "".join(self.content),
            "".join(self.reasoning),
            "",
            [ToolCall(call.position, call.id, call.name, call.arguments()) for call in self.calls],
            None,
            self.finish_reason,
            None,
            blocks=blocks,
        )


class GeminiReducer(Reducer):
    """Reduces ``GenerateContentResponse`` chunks, per candidate."""

    name: ClassVar[str] = "gemini"
    end_marker: ClassVar[str] = "a finishReason"
    chunk_kind = "a GenerateContentResponse"

    __slots__ = ("_candidates", "_id", "_model", "_created", "_need_meta", "_usage_raw", "_extra")

    def __init__(self, *, compiled: bool = True) -> None:
        super().__init__(compiled=compiled)
        self._candidates: dict[int, _Candidate] = {}
        self._id: str | None = None
        self._model: str | None = None
        self._created: int | None = None
        self._need_meta = True
        self._usage_raw: dict[str, Any] | None = None  # made a Usage only when asked for
        self._extra: dict[str, Any] = {}

    # -- the interface -----------------------------------------------------------------

    @property
    def finished(self) -> bool:
        # A call whose arguments were announced to continue (willContinue) is not
        # over, even after a finish reason came: a stream that ends there was cut.
        candidates = self._candidates
        return bool(candidates) and all(
            state.finish_reason and state.open_call is None for state in candidates.values()
        )

    def partial_arguments(self, choice: int, index: int) -> Any:
        """The arguments of tool call ``index`` of ``choice`` as far as they have arrived
        (see ``PartialArguments``); a whole ``args`` part shows at once."""
        state = self._candidates.get(choice)
        if state is None or not 0 <= index < len(state.calls):
            raise IndexError(f"the stream has no tool call {index} in choice {choice} (yet)")
        return state.calls[index].partial(self.done or state.finish_reason is not None)

    def snapshot(self, *, complete: bool, error: dict[str, Any] | None) -> Completion:
        raw = self._usage_raw
        return Completion.from_choices(
            self.name,
            [self._candidates[index].build() for index in sorted(self._candidates)],
            id=self._id,
            model=self._model,
            created=self._created,
            usage=None if raw is None else _usage(raw),
            complete=complete,
            error=error,
            extra=dict(self._extra),
        )

    # -- decoding ----------------------------------------------------------------------

    def _apply(self, event: Event, obj: Any, out: list[Delta] | None) -> None:
        if self._need_meta:
            self._take_meta(obj)
        try:
            candidates = obj.get("candidates")
            if candidates:
                states = self._candidates
                for candidate in candidates:
                    index = candidate.get("index") or 0  # absent for the first candidate
                    state = states.get(index)
                    if state is None:
                        state = self._new_candidate(event, index)
                    content = candidate.get("content")
                    if content:
                        parts = content.get("parts")
                        if parts:
                            for part in parts:
                                text = part.get("text")
                                if type(text) is str and len(part) == 1:  # the short path: plain text
                                    if text:
                                        state.content.append(text)
                                        run = state.run
                                        if run is None or run.thought:
                                            run = state.run = _TextRun(False)
                                            state.blocks.append(run)
                                        run.pieces.append(text)
                                        if out is not None:
                                            out.append(TextDelta(index, text))
                                else:
                                    self._part(event, state, part, out)
                    reason = candidate.get("finishReason")
                    if reason and reason != state.finish_reason:
                        if type(reason) is not str:
                            raise self.bad_chunk(event, f"finishReason must be a string, not {reason!r}")
                        self._finish(state, reason, out)
            if not obj.keys() <= _META_KEYS:  # something besides the usual members
                self._take_other(obj, out)
            usage = obj.get("usageMetadata")
            if usage:
                self._take_usage(usage, out)
        except (AttributeError, TypeError) as exc:  # a list where an object belongs, ...
            if obj.get("error"):  # the provider's own error says more than the shape
                raise ProviderError(obj["error"], dialect=self.name) from None
            raise self.bad_chunk(event, f"unexpected chunk shape ({exc})") from None
        error = obj.get("error")
        if error or event.event == "error":
            raise ProviderError(error or obj, dialect=self.name)

    def _take_meta(self, obj: dict[str, Any]) -> None:
        if self._id is None:
            value = obj.get("responseId")
            if value and type(value) is str:
                self._id = value
        if self._model is None:
            value = obj.get("modelVersion")
            if value and type(value) is str:
                self._model = value
        if self._created is None:
            self._created = _unix_time(obj.get("createTime"))
        self._need_meta = self._id is None or self._model is None

    def _new_candidate(self, event: Event, index: Any) -> _Candidate:
        if type(index) is not int or index < 0:
            raise self.bad_chunk(event, f"candidate index must be a non-negative integer, not {index!r}")
        state = self._candidates[index] = _Candidate(index)
        return state

    def _take_other(self, obj: dict[str, Any], out: list[Delta] | None) -> None:
        """Top-level fields besides the usual ones, kept in ``extra``; a blocked prompt."""
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
                    self._finish(state, reason, out)

    def _take_usage(self, raw: Any, out: list[Delta] | None) -> None:
        if type(raw) is not dict:
            return
        previous = self._usage_raw
        if previous is not None:
            if not _has_counts(raw) and _has_counts(previous):
                return  # one without counts (Vertex's {"trafficType": ...}) erases nothing
            if out is not None and raw == previous:
                return  # the same report again: no delta (without deltas, taking it is cheaper)
        self._usage_raw = raw
        if out is not None:
            out.append(UsageDelta(_usage(raw)))

    def _finish(self, state: _Candidate, reason: str, out: list[Delta] | None) -> None:
        if state.open_call is not None:
            self._end_call(state, out)
        state.finish_reason = reason
        if out is not None:
            out.append(FinishDelta(state.index, reason))

    # -- parts besides plain text --------------------------------------------------------

    def _part(self, event: Event, state: _Candidate, part: Any, out: list[Delta] | None) -> None:
        if type(part) is not dict:
            raise self.bad_chunk(event, f"a content part must be an object, not {type(part).__name__}")
        call = part.get("functionCall")
        if call is not None:
            if type(call) is not dict:
                raise self.bad_chunk(event, f"functionCall must be an object, not {type(call).__name__}")
            self._function_call(state, part, call, out)
            return
        if state.open_call is not None:  # anything else ends a streamed call
            self._end_call(state, out)
        text = part.get("text")
        if type(text) is str:
            thought = part.get("thought") is True
            if text:
                index = state.index
                if thought:
                    state.reasoning.append(text)
                    if out is not None:
                        out.append(ReasoningDelta(index, text))
                else:
                    state.content.append(text)
                    if out is not None:
                        out.append(TextDelta(index, text))
            if len(part) == 2 and "thought" in part:  # plain thought text: glued like plain text
                if text:
                    run = state.run
                    if run is None or run.thought != thought:
                        run = state.run = _TextRun(thought)
                        state.blocks.append(run)
                    run.pieces.append(text)
                return
        # A signed part, an image, code, a citation...: a block of its own, as sent.
        state.run = None
        state.blocks.append(part)

    def _function_call(
        self, state: _Candidate, part: dict[str, Any], call: dict[str, Any], out: list[Delta] | None
    ) -> None:
        state.run = None
        name = call.get("name")
        name = name if type(name) is str else ""
        current = state.open_call
        if current is not None and not name:  # the next piece of a streamed call
            self._stream_pieces(state, current, call, out)
            if len(part) > 1:  # a signature on a later piece: keep it with the call
                current.part = {**current.part, **{k: v for k, v in part.items() if k != "functionCall"}}
            return
        if current is not None:
            self._end_call(state, out)
        call_id = call.get("id") or None
        position = len(state.calls)
        new = _Call(position, call_id if type(call_id) is str else None, name, part)
        state.calls.append(new)
        if out is not None:
            out.append(ToolCallStart(state.index, position, new.id, name))
        args = call.get("args")
        if call.get("willContinue") is True or "partialArgs" in call:
            new.streamed = _StreamedArguments()
            state.open_call = new
            state.blocks.append(new)
            if type(args) is dict and args:
                new.streamed.seed(args)
            self._stream_pieces(state, new, call, out)
            return
        text = _compact(args if args is not None else {})
        new.pieces.append(text)
        if out is not None:
            out.append(ToolCallArgumentsDelta(state.index, position, text))
        state.blocks.append(part)

    def _stream_pieces(self, state: _Candidate, call: _Call, piece: dict[str, Any], out: list[Delta] | None) -> None:
        streamed = call.streamed
        assert streamed is not None
        text = streamed.feed(piece.get("partialArgs"))
        if text and out is not None:
            out.append(ToolCallArgumentsDelta(state.index, call.position, text))
        if piece.get("willContinue") is not True:
            self._end_call(state, out)

    def _end_call(self, state: _Candidate, out: list[Delta] | None) -> None:
        call = state.open_call
        state.open_call = None
        if call is None or call.streamed is None:
            return
        rest = call.streamed.finish()
        if rest and out is not None:
            out.append(ToolCallArgumentsDelta(state.index, call.position, rest))
