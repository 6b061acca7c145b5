"""What reducers produce: the final ``Completion`` and the deltas fed chunks yield.

These are the same for every dialect; a dialect only decides how its chunks map onto
them. All are immutable, slotted attrs classes: a ``Completion`` is a snapshot, built
when asked for, never updated under the caller's feet.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeAlias

import attrs

from ._errors import ToolArgumentsError
from ._framing import IMPLEMENTATION
# Re-exported: the dialects import it from here, with the values their state builds.
from ._partial_arguments import PartialArguments

__all__ = [
    "Usage",
    "ToolCall",
    "Choice",
    "Completion",
    "Delta",
    "TextDelta",
    "ReasoningDelta",
    "RefusalDelta",
    "ToolCallStart",
    "ToolCallArgumentsDelta",
    "FunctionCallDelta",
    "UsageDelta",
    "FinishDelta",
    "MetadataDelta",
    "ToolCallUpdate",
    "ToolCallEnd",
    "SignatureDelta",
    "CitationDelta",
    "BlockDelta",
    "PartialArguments",
]


@attrs.frozen(slots=True)
class Usage:
    """Token counts with one meaning in every dialect; ``raw`` is the usage object
    as the provider sent it (later reports merged over it where counts are cumulative).

    ``input_tokens`` counts every input token, cached or not; ``cached_input_tokens``
    (read from a cache) and ``cache_write_tokens`` (written to one) are parts of it.
    ``output_tokens`` counts every output token, reasoning included;
    ``reasoning_tokens`` is part of it. A count the provider did not send is
    ``None``, never a guessed 0.
    """

    input_tokens: int | None
    output_tokens: int | None
    total_tokens: int | None
    raw: dict[str, Any]
    cached_input_tokens: int | None = None
    cache_write_tokens: int | None = None
    reasoning_tokens: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "total_tokens": self.total_tokens,
            "cached_input_tokens": self.cached_input_tokens,
            "cache_write_tokens": self.cache_write_tokens,
            "reasoning_tokens": self.reasoning_tokens,
            "raw": self.raw,
        }


@attrs.frozen(slots=True)
class ToolCall:
    """One tool call, its argument pieces glued in arrival order.

    ``index`` is the call's position in its choice's ``tool_calls`` (the provider's
    own ``index`` only says which pieces belong together: it need not start at 0, and
    a server may reuse it for a second call). ``id`` is ``None`` when the provider
    sent none (legacy ``function_call``). ``arguments`` is the raw JSON text.

    ``kind`` is ``"function"`` (JSON arguments) or ``"custom"`` (free-text input,
    such as a Responses API custom tool's). ``complete`` is true only when the
    provider closed the call (its block stopped, its item is done, its choice
    finished, or the stream ended properly): a call cut by the end of the stream or
    by an error is ``False``, so that nobody executes truncated arguments.
    """

    index: int
    id: str | None
    name: str
    arguments: str
    kind: str = "function"
    complete: bool = False

    def parsed_arguments(self) -> Any:
        """``json.loads(arguments)``; empty arguments are ``{}``.

        Servers send ``""`` for a tool that takes no arguments, and calling it with
        none is what the model meant. Invalid JSON raises ``ToolArgumentsError``. A
        ``"custom"`` call's input is free text, not JSON: it is returned as it is.
        """
        if self.kind == "custom":
            return self.arguments
        text = self.arguments
        if not text or text.isspace():
            return {}
        try:
            return json.loads(text)
        except ValueError as exc:
            raise ToolArgumentsError(self, str(exc)) from None
        except RecursionError:
            raise ToolArgumentsError(self, "nested too deeply") from None

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "id": self.id,
            "name": self.name,
            "arguments": self.arguments,
            "kind": self.kind,
            "complete": self.complete,
        }


@attrs.frozen(slots=True)
class Choice:
    """Everything one choice of the stream accumulated (``n > 1`` gives several).

    ``logprobs`` is ``None`` unless the provider sent some; then it holds the
    token entries glued in order, ``{"content": [...], "refusal": [...]}``.

    ``blocks`` is, for a dialect whose answer is a list of typed blocks (Anthropic's
    content blocks, the Responses API's output items), that list as the provider's
    non-streaming response would carry it, accumulated: every block in arrival order as plain dicts, text, thinking and
    tool input filled in, and the blocks no common field covers (``redacted_thinking``,
    ``server_tool_use``, ``web_search_tool_result``, ...) kept as sent. It is what a
    client sends back to continue the conversation (thinking blocks need their
    ``signature``). Empty for dialects without blocks (``openai-chat``).
    """

    index: int
    content: str = ""
    reasoning: str = ""
    refusal: str = ""
    tool_calls: list[ToolCall] = attrs.Factory(list)
    function_call: ToolCall | None = None
    finish_reason: str | None = None
    logprobs: dict[str, list[Any]] | None = None
    blocks: list[dict[str, Any]] = attrs.Factory(list)

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, **_answer_dict(self), "blocks": self.blocks}


def _answer_dict(answer: Choice | Completion) -> dict[str, Any]:
    """The per-choice fields a ``Choice`` and a ``Completion`` share, as plain data, in
    their order (``to_dict`` of both)."""
    return {
        "content": answer.content,
        "reasoning": answer.reasoning,
        "refusal": answer.refusal,
        "tool_calls": [call.to_dict() for call in answer.tool_calls],
        "function_call": None if answer.function_call is None else answer.function_call.to_dict(),
        "finish_reason": answer.finish_reason,
        "logprobs": answer.logprobs,
    }


@attrs.frozen(slots=True, kw_only=True)
class Completion:
    """The answer a stream carried, accumulated; a snapshot of the stream so far.

    The per-choice fields at the top level mirror the first choice (``index`` 0 in
    practice), which is all a stream without ``n > 1`` has; ``choices`` lists every
    choice. ``complete`` says the stream ended properly (its end marker such as
    ``[DONE]``, or a finish reason on every choice); when it is false, ``error`` says
    why: a dict with ``type`` (``"incomplete_stream"``, ``"provider_error"``,
    ``"chunk_decode_error"``, ``"dialect_error"``, ``"event_too_large"``) and
    ``message``, plus the details of that error.

    ``extra`` holds the message-level fields a provider sent that have no common
    name, as sent (Anthropic: ``stop_sequence``, ``stop_details``, ``container``,
    ``context_management``; each dialect's module lists its own); empty when there
    are none.
    """

    dialect: str
    id: str | None = None
    model: str | None = None
    created: int | None = None
    system_fingerprint: str | None = None
    content: str = ""
    reasoning: str = ""
    refusal: str = ""
    tool_calls: list[ToolCall] = attrs.Factory(list)
    function_call: ToolCall | None = None
    finish_reason: str | None = None
    logprobs: dict[str, list[Any]] | None = None
    usage: Usage | None = None
    complete: bool = False
    error: dict[str, Any] | None = None
    choices: list[Choice] = attrs.Factory(list)
    blocks: list[dict[str, Any]] = attrs.Factory(list)
    extra: dict[str, Any] = attrs.Factory(dict)

    @classmethod
    def from_choices(
        cls,
        dialect: str,
        choices: list[Choice],
        *,
        id: str | None = None,
        model: str | None = None,
        created: int | None = None,
        system_fingerprint: str | None = None,
        usage: Usage | None = None,
        complete: bool = False,
        error: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Completion:
        """A ``Completion`` whose top-level fields mirror the first of ``choices``."""
        return completion_of(
            dialect, choices, id, model, created, system_fingerprint, usage, complete, error,
            {} if extra is None else extra,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (what ``sseparse accumulate`` prints)."""
        return {
            "dialect": self.dialect,
            "id": self.id,
            "model": self.model,
            "created": self.created,
            "system_fingerprint": self.system_fingerprint,
            **_answer_dict(self),
            "usage": None if self.usage is None else self.usage.to_dict(),
            "complete": self.complete,
            "error": self.error,
            "choices": [choice.to_dict() for choice in self.choices],
            "blocks": self.blocks,
            "extra": self.extra,
        }


# -- deltas: what feeding one chunk produced, for rendering while accumulating --------

#: The compiled builder of ``_positional_init`` (``_values_c.SlotBuilder``), with the
#: extensions in use and built.
_SlotBuilder: Any = None
if IMPLEMENTATION == "cython":
    try:
        from ._values_c import SlotBuilder as _SlotBuilder
    except ImportError:  # built before it existed: the pure-Python builder
        pass


def _positional_init(cls: type[Any], *, compiled: bool = True) -> Callable[..., Any]:
    """A function building ``cls`` from the value of every field, in order.

    The attrs ``__init__`` of a frozen class sets each field with ``object.__setattr__``
    looked up by name; this one calls each slot's own setter, about half the cost: it
    is most of a snapshot's, paid once more by every stream. With the extensions in
    use (and ``compiled``), the compiled builder writes each slot directly, several
    times cheaper again; the objects are the same. Only for classes whose fields have
    no validator or converter and that have no post-init (checked here), and the
    caller gives every field, default factories included.
    """
    fields = attrs.fields(cls)
    if any(f.validator is not None or f.converter is not None for f in fields):
        raise TypeError(f"{cls.__name__} has validators or converters: use its __init__")
    if getattr(cls, "__attrs_post_init__", None) is not None:
        raise TypeError(f"{cls.__name__} has a post-init: use its __init__")
    names = [f.name for f in fields]
    if compiled and _SlotBuilder is not None:
        try:
            return _SlotBuilder(cls, names)  # type: ignore[no-any-return]
        except TypeError:  # a class it cannot build: the pure-Python builder below
            pass
    scope: dict[str, Any] = {f"_set_{name}": getattr(cls, name).__set__ for name in names}
    scope.update(_new=object.__new__, _cls=cls)
    lines = [f"def build({', '.join(names)}, /):", "    self = _new(_cls)"]  # positional only, as the compiled one
    lines += [f"    _set_{name}(self, {name})" for name in names]
    lines.append("    return self")
    exec("\n".join(lines), scope)  # noqa: S102 - generated from the field names, as attrs does
    build: Callable[..., Any] = scope["build"]
    build.__qualname__ = f"{cls.__name__}.<positional init>"
    return build


#: ``Completion`` from all its fields in order (the snapshot's hot path).
_new_completion: Callable[..., Completion] = _positional_init(Completion)
#: ``Choice`` from all its fields in order, for the reducers' snapshots.
make_choice: Callable[..., Choice] = _positional_init(Choice)
#: ``ToolCall`` from all its fields in order, for the reducers' snapshots.
new_tool_call: Callable[[int, str | None, str, str, str, bool], ToolCall] = _positional_init(ToolCall)
#: ``Usage`` from all its fields in order, for the reducers' usage reports.
new_usage: Callable[..., Usage] = _positional_init(Usage)


def completion_of(
    dialect: str,
    choices: list[Choice],
    id: str | None,
    model: str | None,
    created: int | None,
    system_fingerprint: str | None,
    usage: Usage | None,
    complete: bool,
    error: dict[str, Any] | None,
    extra: dict[str, Any],
) -> Completion:
    """``Completion.from_choices`` with every argument given, in order (the snapshot's
    hot path: no keyword parsing); ``extra`` is the ``Completion``'s own dict."""
    if choices:
        first = choices[0]
        return _new_completion(
            dialect, id, model, created, system_fingerprint, first.content, first.reasoning, first.refusal,
            first.tool_calls, first.function_call, first.finish_reason, first.logprobs, usage, complete, error,
            choices, first.blocks, extra,
        )
    # No choice: the defaults, with lists of this Completion's own.
    return _new_completion(
        dialect, id, model, created, system_fingerprint, "", "", "", [], None, None, None, usage, complete, error,
        choices, [], extra,
    )


#: The pure ``completion_of`` (the compiled one, when in use, is tested against it).
pure_completion_of = completion_of
if _SlotBuilder is not None and isinstance(_new_completion, _SlotBuilder) and isinstance(make_choice, _SlotBuilder):
    # The compiled twin: the same Completion without a Python frame (every snapshot).
    from ._values_c import bind_completion as _bind_completion
    from ._values_c import completion_of  # noqa: F811

    _bind_completion(_new_completion, make_choice, pure_completion_of)


@attrs.frozen(slots=True)
class TextDelta:
    """A piece of the answer's text for choice ``choice``."""

    choice: int
    text: str


@attrs.frozen(slots=True)
class ReasoningDelta:
    """A piece of the model's visible reasoning (``reasoning_content`` / ``reasoning``)."""

    choice: int
    text: str


@attrs.frozen(slots=True)
class RefusalDelta:
    """A piece of a refusal message."""

    choice: int
    text: str


@attrs.frozen(slots=True)
class ToolCallStart:
    """A new tool call began; ``index`` is its position in the choice's ``tool_calls``.

    ``id`` may be ``None`` and ``name`` empty if the provider only sends them later:
    a ``ToolCallUpdate`` then says what arrived. ``kind`` is the ``ToolCall.kind``.
    """

    choice: int
    index: int
    id: str | None
    name: str
    kind: str = "function"


@attrs.frozen(slots=True)
class ToolCallUpdate:
    """More of tool call ``index``'s identity arrived after its ``ToolCallStart``.

    ``id``, when not ``None``, is the call's id from now on; ``name``, when not
    empty, is a piece appended to its name (OpenAI-compatible servers may stream a
    name in pieces). Folding the start and its updates gives the call's id and name.
    """

    choice: int
    index: int
    id: str | None
    name: str


@attrs.frozen(slots=True)
class ToolCallEnd:
    """The provider closed tool call ``index``: its arguments are whole
    (``ToolCall.complete``). A call that never gets one was cut."""

    choice: int
    index: int


@attrs.frozen(slots=True)
class ToolCallArgumentsDelta:
    """A piece of the arguments (raw JSON text) of tool call ``index``."""

    choice: int
    index: int
    arguments: str


@attrs.frozen(slots=True)
class FunctionCallDelta:
    """A piece of a legacy ``function_call`` (the one before tool calls existed)."""

    choice: int
    name: str
    arguments: str


@attrs.frozen(slots=True)
class UsageDelta:
    """The provider reported token usage (the latest report wins)."""

    usage: Usage


@attrs.frozen(slots=True)
class FinishDelta:
    """Choice ``choice`` finished, for the provider's own ``finish_reason``."""

    choice: int
    finish_reason: str


@attrs.frozen(slots=True)
class MetadataDelta:
    """The response's ``id`` or ``model`` became known (or, for ``model``, was
    corrected by a later event); a ``None`` field says nothing new."""

    id: str | None
    model: str | None


@attrs.frozen(slots=True)
class SignatureDelta:
    """The signature of the reasoning just streamed in choice ``choice`` (Anthropic
    ``signature_delta``): what a client must send back with that thinking."""

    choice: int
    signature: str


@attrs.frozen(slots=True)
class CitationDelta:
    """A citation of the text being streamed in choice ``choice``, as sent."""

    choice: int
    citation: Any


@attrs.frozen(slots=True)
class BlockDelta:
    """A whole block (or output item) of choice ``choice`` that no other delta
    covers, as ``Choice.blocks`` holds it: server tool calls and their results,
    redacted thinking, block types newer than this version."""

    choice: int
    block: dict[str, Any]


#: Every delta built from all its fields in order, like the snapshot: the reducers
#: build them this way (a third of the cost of a long text stream was building its
#: TextDeltas through the attrs ``__init__``; a short stream builds about as many
#: deltas as it has events).
new_text_delta: Callable[[int, str], TextDelta] = _positional_init(TextDelta)
new_reasoning_delta: Callable[[int, str], ReasoningDelta] = _positional_init(ReasoningDelta)
new_refusal_delta: Callable[[int, str], RefusalDelta] = _positional_init(RefusalDelta)
new_arguments_delta: Callable[[int, int, str], ToolCallArgumentsDelta] = _positional_init(ToolCallArgumentsDelta)
new_metadata_delta: Callable[[str | None, str | None], MetadataDelta] = _positional_init(MetadataDelta)
#: (choice, index, id, name, kind)
new_call_start: Callable[[int, int, str | None, str, str], ToolCallStart] = _positional_init(ToolCallStart)
new_call_update: Callable[[int, int, str | None, str], ToolCallUpdate] = _positional_init(ToolCallUpdate)
new_call_end: Callable[[int, int], ToolCallEnd] = _positional_init(ToolCallEnd)
new_function_call_delta: Callable[[int, str, str], FunctionCallDelta] = _positional_init(FunctionCallDelta)
new_usage_delta: Callable[[Usage], UsageDelta] = _positional_init(UsageDelta)
new_finish_delta: Callable[[int, str], FinishDelta] = _positional_init(FinishDelta)
new_signature_delta: Callable[[int, str], SignatureDelta] = _positional_init(SignatureDelta)
new_citation_delta: Callable[[int, Any], CitationDelta] = _positional_init(CitationDelta)
new_block_delta: Callable[[int, dict[str, Any]], BlockDelta] = _positional_init(BlockDelta)

#: Any of the deltas above; match on the class to render each kind.
Delta: TypeAlias = (
    TextDelta
    | ReasoningDelta
    | RefusalDelta
    | ToolCallStart
    | ToolCallArgumentsDelta
    | FunctionCallDelta
    | UsageDelta
    | FinishDelta
    | MetadataDelta
    | ToolCallUpdate
    | ToolCallEnd
    | SignatureDelta
    | CitationDelta
    | BlockDelta
)
