"""The ``openai-chat`` dialect: Chat Completions ``chat.completion.chunk`` streams.

OpenAI speaks it, and so do most OpenAI-compatible servers (Azure, vLLM, DeepSeek,
Ollama, Groq, OpenRouter, llama.cpp, LiteLLM, xAI, Mistral...), each with quirks that
this reducer handles and ``tests/test_openai_chat_quirks.py`` pins one by one:

- ``id``, ``model``, ``created`` come from the first chunk that has them: Azure's
  first chunk has empty ``choices``, ``prompt_filter_results`` and an empty id/model.
- Usage arrives on a chunk with empty ``choices`` (``stream_options.include_usage``),
  on the last content chunk, or only in Groq's ``x_groq.usage``; a later chunk
  without usage never erases it.
- Reasoning is ``reasoning_content`` (DeepSeek, xAI, Moonshot) or ``reasoning``
  (Groq, OpenRouter, vLLM); vLLM sends both with the same text, kept once.
- Tool-call pieces are glued per ``index``, in arrival order. A piece without
  ``index`` is a whole call (or continues the last call when it names no other
  id or name); the same ``index`` with a different ``id`` is a new call; an empty
  ``id`` (Alibaba repeats ``"id": ""``) is no id.
- ``{"error": {...}}`` as data raises ``ProviderError``, after the choices that
  chunk carried were folded in; ``event: error`` too.
- ``[DONE]`` ends the stream; events after it are ignored, as the openai SDK does.

Speed: the common chunks (pieces of text, reasoning, refusal or arguments, finish
reasons) are read by the compiled fast path through this reducer's contract methods
(``target``, ``fast_tool_piece``, ``fast_finish``: see ``_contract``); every other
chunk is decoded once (``decode_json``) and folded in by ``_apply``, where a text-only
delta takes a short path of a few dict lookups.
"""

from __future__ import annotations

import json
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
    new_call_end,
    new_call_start,
    new_call_update,
    new_citation_delta,
    new_finish_delta,
    new_function_call_delta,
    new_reasoning_delta,
    new_refusal_delta,
    new_text_delta,
    new_tool_call,
    new_usage,
    new_usage_delta,
)
from .._errors import ProviderError, quote_prefix, short_repr
from .._partial_arguments import PartialText
from ._base import Reducer, glue, member_names, with_reasoning
from ._chat_message import ChatMessage
from ._contract import ARGUMENTS, CHAT, CHOICE, CHUNK, REASONING, REFUSAL, TEXT

if TYPE_CHECKING:
    from .._completion import Delta
    from .._events import Event

__all__ = ["OpenAIChatReducer"]

_EMPTY: dict[str, Any] = {}
# The delta members read into the common fields (the others: ``_chat_message``).
_DELTA_READ = frozenset(("role", "content", "reasoning_content", "reasoning", "refusal", "tool_calls", "function_call"))
# Finish reasons that cut the output where it was: a tool call still open was cut too.
_CUT_SHORT = frozenset(("length", "content_filter"))
# A choice's members read into the common fields.
_CHOICE_READ = frozenset(("index", "delta", "finish_reason", "logprobs", "text", "message"))
# A chunk's members read into the common fields, or noise (``obfuscation``: random
# padding); the others are kept in ``extra``, as last sent.
_TOP_READ = frozenset(
    ("choices", "usage", "error", "object", "id", "model", "created", "system_fingerprint", "obfuscation")
)
_NO_PIECES: list[str] = []  # (``target``'s answer for a choice: nothing is appended to it)

# A chunk with none of these members is not a chat.completion.chunk (it is another
# dialect's event, read with the wrong dialect): checked until the id and model are known.
_CHUNK_KEYS = frozenset(("choices", "usage", "error", "object", "x_groq", "id", "model"))




def _detail_texts(details: Any) -> tuple[str, ...]:
    """The text of ``reasoning_details`` entries (``reasoning.text`` and
    ``reasoning.summary``; encrypted entries carry none)."""
    texts = []
    for entry in details if type(details) is list else ():
        if type(entry) is dict:
            kind = entry.get("type")
            field = "text" if kind == "reasoning.text" else "summary" if kind == "reasoning.summary" else None
            text = entry.get(field) if field else None
            if type(text) is str and text:
                texts.append(text)
    return tuple(texts)


def _same_kind(call: _CallState, kind: str, name: str, arguments: str | None) -> None:
    """A piece that says something must be of its call's kind (function or custom)."""
    if kind != call.kind and (arguments or name):
        raise TypeError(f"a {kind} tool-call piece continues a {call.kind} call")


class _CallState:
    __slots__ = ("position", "id", "names", "pieces", "reader", "ended", "name_length", "kind")

    def __init__(
        self, position: int, id: str | None, names: list[str], pieces: list[str], name_length: int = 0,
        kind: str = "function",
    ) -> None:
        self.position = position
        self.id = id
        self.names = names  # the name, in the pieces it arrived in (joined when built)
        self.pieces = pieces  # the arguments' (or a custom tool's input's) pieces
        self.reader: PartialArguments | PartialText | None = None  # created when someone asks for the partial value
        self.ended = False  # its choice finished or the stream ended: ToolCall.complete
        self.name_length = name_length
        self.kind = kind  # "function", or "custom" (free-text input: GPT-5's custom tools)

    @property
    def name(self) -> str:
        names = self.names
        if len(names) > 1:
            names[:] = ["".join(names)]
        return names[0] if names else ""

    def add_name(self, name: str) -> bool:
        """Append a piece of the name, unless it repeats the whole name (servers that
        send the full name on every piece); the check joins only when the lengths
        agree, so alternating pieces cost linear time."""
        if len(name) == self.name_length and name == self.name:
            return False
        self.names.append(name)
        self.name_length += len(name)
        return True

    def build(self) -> ToolCall:
        return new_tool_call(self.position, self.id, self.name, "".join(self.pieces), self.kind, self.ended)

    def partial(self, ended: bool) -> Any:
        reader = self.reader
        if reader is None:
            reader = self.reader = PartialText() if self.kind == "custom" else PartialArguments()
        return reader.read(self.pieces, ended)


class _ChoiceState:
    __slots__ = (
        "index", "content", "reasoning", "refusal", "calls", "by_index", "function_call", "finish_reason", "logprobs",
        "message", "others",
    )

    def __init__(self, index: int) -> None:
        self.index = index
        self.content: list[str] = []
        # Made when first needed (most choices have no reasoning, refusal nor tool
        # call: four objects fewer per stream): see reasoning_list() and the others.
        self.reasoning: list[str] | None = None
        self.refusal: list[str] | None = None
        self.calls: list[_CallState] | None = None
        self.by_index: dict[Any, int] | None = None  # the provider's tool-call index -> position
        self.function_call: _CallState | None = None
        self.finish_reason: str | None = None
        self.logprobs: dict[str, list[Any]] | None = None
        self.message: ChatMessage | None = None  # the delta members with no common field (annotations...)
        self.others: dict[str, Any] | None = None  # the choice's own members with none, as last sent

    def extra(self) -> dict[str, Any]:
        """The choice's entry in ``extra["choices"]``: its members with no common field
        (Azure's ``content_filter_results``, vLLM's ``stop_reason``...) and its delta's
        (``message``), as the non-streaming response's choice would carry them."""
        view: dict[str, Any] = {"index": self.index}
        if self.others:
            view.update(self.others)
        if self.message is not None:
            members = self.message.view()
            sent = view.get("message")  # the choice's own whole message, repeated (see _repeated)
            view["message"] = {**sent, **members} if type(sent) is dict else members
        return view

    def untouched(self) -> bool:
        """Whether no piece of an answer has come for this choice yet."""
        return not self.content and not self.reasoning and not self.refusal and not self.calls and (
            self.function_call is None
        )

    def reasoning_list(self) -> list[str]:
        reasoning = self.reasoning
        if reasoning is None:
            reasoning = self.reasoning = []
        return reasoning

    def refusal_list(self) -> list[str]:
        refusal = self.refusal
        if refusal is None:
            refusal = self.refusal = []
        return refusal

    def build(self) -> Choice:
        # What the choice has nothing of is not joined nor copied: most have no
        # reasoning, refusal, tool call nor logprobs.
        reasoning, refusal, calls, logprobs = self.reasoning, self.refusal, self.calls, self.logprobs
        function_call = self.function_call
        return make_choice(
            self.index,
            glue(self.content),
            glue(reasoning) if reasoning else "",
            glue(refusal) if refusal else "",
            [call.build() for call in calls] if calls else [],
            None if function_call is None else function_call.build(),
            self.finish_reason,
            None if logprobs is None else {key: list(value) for key, value in logprobs.items()},
            [],
        )


def _usage(raw: dict[str, Any]) -> Usage:
    """OpenAI's usage object read with the one meaning (``prompt_tokens`` already
    counts cached tokens). DeepSeek names its cache hits ``prompt_cache_hit_tokens``;
    a few gateways pass other providers' names (``input_tokens``, Anthropic's
    ``cache_read_input_tokens`` and ``cache_creation_input_tokens``...) through; xAI's
    completion count leaves the reasoning out (``with_reasoning``). A count is taken
    only when it is an integer (``as_int``, written out: one report per stream, read
    in full)."""
    input_tokens = raw.get("prompt_tokens")
    if type(input_tokens) is not int:
        input_tokens = raw.get("input_tokens")
        if type(input_tokens) is not int:
            input_tokens = None
    output_tokens = raw.get("completion_tokens")
    if type(output_tokens) is not int:
        output_tokens = raw.get("output_tokens")
        if type(output_tokens) is not int:
            output_tokens = None
    total_tokens = raw.get("total_tokens")
    if type(total_tokens) is not int:
        total_tokens = None if input_tokens is None or output_tokens is None else input_tokens + output_tokens
    prompt = raw.get("prompt_tokens_details")
    if type(prompt) is not dict:
        prompt = raw.get("input_tokens_details")
        prompt = prompt if type(prompt) is dict else _EMPTY
    cached = prompt.get("cached_tokens")
    if type(cached) is not int:
        cached = raw.get("prompt_cache_hit_tokens")
        if type(cached) is not int:
            cached = raw.get("cache_read_input_tokens")  # Anthropic's names, passed through by gateways
            if type(cached) is not int:
                cached = raw.get("cached_tokens")  # Moonshot, Together: at the top of the usage object
                if type(cached) is not int:
                    cached = None
    written = prompt.get("cache_write_tokens")
    if type(written) is not int:
        written = raw.get("cache_creation_input_tokens")
        if type(written) is not int:
            written = None
    output = raw.get("completion_tokens_details")
    if type(output) is not dict:
        output = raw.get("output_tokens_details")
    reasoning = output.get("reasoning_tokens") if type(output) is dict else None
    if type(reasoning) is not int:
        reasoning = None
    output_tokens = with_reasoning(input_tokens, output_tokens, reasoning, total_tokens)
    return new_usage(input_tokens, output_tokens, total_tokens, raw, cached, written, reasoning)


class OpenAIChatReducer(Reducer):
    """Reduces ``chat.completion.chunk`` events, per choice."""

    name: ClassVar[str] = "openai-chat"
    end_marker: ClassVar[str] = "[DONE]"
    chunk_kind = "a chat.completion.chunk"
    done_sentinel = True
    fast_dialect = CHAT

    __slots__ = ("_choices", "_created", "_fingerprint", "_need_meta", "_extra", "_extra_text", "_custom_calls")

    def __init__(self, compiled: bool = True) -> None:
        self._init_common(compiled)  # (Reducer.__init__'s, a C call in the compiled build)
        self._choices: dict[int, _ChoiceState] = {}
        self._created: int | None = None
        self._fingerprint: str | None = None
        self._need_meta = True
        # Top-level members with no common field (service_tier, Perplexity's citations,
        # OpenRouter's provider...), as last sent; and the JSON text the compiled path
        # gave each (and each choice's: under (choice, key)), so that it passes a
        # member again only when it changed.
        self._extra: dict[str, Any] | None = None
        self._extra_text: dict[Any, bytes] | None = None
        # A custom tool's call was seen: the compiled path leaves tool-call pieces and
        # finish reasons to the full decode, where a piece of the wrong kind is refused.
        self._custom_calls = False

    # -- the interface -----------------------------------------------------------------

    @property
    def finished(self) -> bool:
        choices = self._choices
        for state in choices.values():
            if not state.finish_reason:
                return False
        return bool(choices)

    def partial_arguments(self, choice: int, index: int) -> Any:
        """The arguments of tool call ``index`` of ``choice`` as far as they have arrived
        (see ``PartialArguments``); complete once the choice has its finish reason."""
        state = self._choices.get(choice)
        calls = None if state is None else state.calls
        if state is None or calls is None or not 0 <= index < len(calls):
            raise IndexError(f"the stream has no tool call {index} in choice {choice} (yet)")
        return calls[index].partial(self.done or state.finish_reason is not None)

    # -- the compiled fast path's contract (see _contract) -------------------------------

    def target(self, kind: int, where: int, key: int) -> tuple[list[str], int, int] | None:
        """Where a piece of choice ``where`` goes: only once the id and model are known
        (until then each chunk is checked and read whole), for a choice (and a tool
        call's ``key``) that exists; no tool-call piece nor finish reason once a custom
        tool's call was seen (the full decode refuses a piece of the wrong kind)."""
        if self._need_meta:
            return None
        if kind == CHUNK:
            return _NO_PIECES, 0, 0
        state = self._choices.get(where)
        if state is None:
            return None
        if kind == TEXT:
            return state.content, where, 0
        if kind == ARGUMENTS:
            by_index, calls = state.by_index, state.calls
            position = None if by_index is None else by_index.get(key)
            if position is None or calls is None or self._custom_calls:
                return None
            return calls[position].pieces, where, position
        if kind == REASONING:
            return state.reasoning_list(), where, 0
        if kind == REFUSAL:
            return state.refusal_list(), where, 0
        return (_NO_PIECES, where, 0) if kind == CHOICE and not self._custom_calls else None

    def fast_tool_piece(
        self, choice: int, key: int | None, call_id: str | None, name: str, arguments: str, out: list[Delta] | None
    ) -> None:
        self.tool_piece(self._choices[choice], key, call_id, name, arguments, out)

    def fast_meta(
        self, id: str | None, model: str | None, created: int | None, fingerprint: str | None, out: list[Delta] | None
    ) -> bool:
        """A chunk's own members while the id and model are not known (as decoded, or
        ``None``); each is taken the first time it has a value of its type (a non-empty
        string, a non-zero integer ``created``): Azure's first chunk has ``"id": ""``,
        ``"model": ""``, ``"created": 0``. Whether the id and model are known now
        (``target`` then takes pieces)."""
        self.take_identity(id, model, out)
        if self._created is None and created and type(created) is int:
            self._created = created
        if self._fingerprint is None and fingerprint and type(fingerprint) is str:
            self._fingerprint = fingerprint
        need = self._need_meta = self._id is None or self._model is None
        return not need

    def fast_choice(self, index: int) -> bool:
        """A choice a chunk starts (a non-negative index): whether it was made now."""
        if self._need_meta or index in self._choices:
            return False
        self._choices[index] = _ChoiceState(index)
        return True

    def fast_logprobs(self, choice: int, logprobs: dict[str, Any]) -> None:
        self._take_logprobs(self._choices[choice], logprobs)

    def fast_usage(self, raw: dict[str, Any], out: list[Delta] | None) -> None:
        self._take_usage(raw, out)

    def fast_finish(self, choice: int, reason: str, out: list[Delta] | None) -> None:
        state = self._choices[choice]
        if reason != state.finish_reason:
            self.finish(state, reason, out)

    # -- decoding ----------------------------------------------------------------------

    def end(self, out: list[Delta] | None) -> None:
        """``[DONE]``: the stream is over, and so is every call still open."""
        self.done = True
        for state in self._choices.values():
            self._end_calls(state, out)

    def finish(self, state: _ChoiceState, reason: Any, out: list[Delta] | None) -> None:
        """A choice's finish reason (a new, non-empty value): its calls are closed (see
        ``_end_calls``)."""
        if type(reason) is not str:
            raise TypeError(f"finish_reason must be a string, not {type(reason).__name__}")
        state.finish_reason = reason
        self._end_calls(state, out)
        if out is not None:
            out.append(new_finish_delta(state.index, reason))

    def _end_calls(self, state: _ChoiceState, out: list[Delta] | None) -> None:
        """The choice's calls are whole: closed by its finish or by ``[DONE]`` — unless
        the choice finished short (``length``, ``content_filter``): a call still open
        then was cut, and stays ``complete=False``."""
        if state.finish_reason in _CUT_SHORT:
            return
        for call in state.calls or ():
            if not call.ended:
                call.ended = True
                if out is not None:
                    out.append(new_call_end(state.index, call.position))
        if state.function_call is not None:
            state.function_call.ended = True

    def snapshot(self, complete: bool, error: dict[str, Any] | None) -> Completion:
        states = self._choices
        choices: list[Choice]
        # The chunks' members with no common field, and each choice's delta members
        # with none: extra["choices"].
        extra: dict[str, Any] = dict(self._extra) if self._extra else {}
        if len(states) == 1:
            for state in states.values():  # (the only one: compiled, a walk of the dict, no view made)
                choices = [state.build()]
                if state.message is not None or state.others:
                    extra["choices"] = [state.extra()]
        elif states:
            ordered = [states[index] for index in sorted(states)]
            choices = [state.build() for state in ordered]
            kept = [state.extra() for state in ordered if state.message is not None or state.others]
            if kept:
                extra["choices"] = kept
        else:
            choices = []
        return completion_of(
            self.name, choices, self._id, self._model, self._created, self._fingerprint, self._usage, complete, error,
            extra,
        )

    def _apply(self, event: Event, obj: Any, out: list[Delta] | None) -> None:
        if self._need_meta:
            if obj and _CHUNK_KEYS.isdisjoint(obj) and event.event != "error":
                raise self.bad_chunk(
                    event, f"expected {self.chunk_kind} (with choices, usage or an error), got members {member_names(obj)}"
                )
            self._take_meta(obj, out)
        others = obj.keys() - _TOP_READ
        if others:
            extra = self._extra
            if extra is None:
                extra = self._extra = {}
            self._keep(extra, obj, others, -1)
        inner = None  # a usage object sent on a choice
        try:
            choices = obj.get("choices")
            if choices:
                states = self._choices
                for choice in choices:
                    index = choice.get("index") or 0  # missing or null: the only choice
                    state = states.get(index)
                    if state is None:
                        state = self._new_choice(event, index)
                    delta = choice.get("delta")
                    if "text" in choice or "message" in choice:
                        self._other_forms(event, state, choice, delta, out)
                    elif delta:
                        text = delta.get("content")
                        if type(text) is str and len(delta) == 1:  # the short path: text only
                            if text:
                                state.content.append(text)
                                if out is not None:
                                    out.append(new_text_delta(index, text))
                        else:
                            self._delta(event, state, delta, out)
                    reason = choice.get("finish_reason")
                    if reason and reason != state.finish_reason:
                        self.finish(state, reason, out)
                    logprobs = choice.get("logprobs")
                    if logprobs:
                        self._take_logprobs(state, logprobs)
                    others = choice.keys() - _CHOICE_READ
                    if others:
                        kept = state.others
                        if kept is None:
                            kept = state.others = {}
                        self._keep(kept, choice, others, index)
                        if "usage" in others and type(choice["usage"]) is dict:
                            inner = choice["usage"]  # Moonshot's, on the choice
            usage = obj.get("usage")
            if usage is None:
                extra = obj.get("x_groq")
                if extra:
                    usage = extra.get("usage")
                if not usage and inner is not None:
                    usage = inner
            if usage:
                self._take_usage(usage, out)
        except (AttributeError, TypeError) as exc:  # a list where an object belongs, ...
            if obj.get("error"):  # the provider's own error says more than the shape
                raise ProviderError(obj["error"], dialect=self.name) from None
            raise self.bad_chunk(event, f"unexpected chunk shape ({exc})") from None
        error = obj.get("error")
        if error or event.event == "error":
            raise ProviderError(error or obj, dialect=self.name)

    def _keep(self, kept: dict[str, Any], members: dict[str, Any], others: set[str], choice: int) -> None:
        """The members ``others`` of the chunk (``choice`` -1) or of choice ``choice``
        that have no common field (not null), into ``kept``, as last sent."""
        texts = self._extra_text
        for key, value in members.items():
            if value is not None and key in others:
                kept[key] = value
                if texts is not None:  # (the compiled path compares with nothing now)
                    texts.pop(key if choice < 0 else (choice, key), None)

    def fast_extra(self, choice: int, key: str, value: Any, text: bytes) -> None:
        """The compiled fast path's contract (see ``_contract``): a member with no
        common field of the chunk (``choice`` -1) or of choice ``choice`` (which
        exists), ``value`` as decoded (not null) and ``text`` its JSON text: kept as
        last sent (``_extra_text`` has the text, for the next comparison, under
        ``key`` or ``(choice, key)``)."""
        texts = self._extra_text
        if texts is None:
            texts = self._extra_text = {}
        if choice < 0:
            kept = self._extra
            if kept is None:
                kept = self._extra = {}
            texts[key] = text
        else:
            state = self._choices[choice]
            kept = state.others
            if kept is None:
                kept = state.others = {}
            texts[(choice, key)] = text
        kept[key] = value

    def _take_meta(self, obj: dict[str, Any], out: list[Delta] | None) -> None:
        get = obj.get
        self.fast_meta(get("id"), get("model"), get("created"), get("system_fingerprint"), out)

    def _new_choice(self, event: Event, index: Any) -> _ChoiceState:
        if type(index) is not int or index < 0:
            raise self.bad_chunk(event, f"choice index must be a non-negative integer, not {short_repr(index)}")
        state = self._choices[index] = _ChoiceState(index)
        return state

    # -- the rarer fields --------------------------------------------------------------

    def _other_forms(
        self, event: Event, state: _ChoiceState, choice: dict[str, Any], delta: Any, out: list[Delta] | None
    ) -> None:
        """A choice that carries ``text`` (a piece in the legacy Completions form) or
        ``message`` (the whole answer, as a non-streamed response's choice holds it),
        instead of its ``delta`` or beside it. Each is read where it says what the
        delta does not, passed over where it repeats it, and refused where the two
        disagree: which one is the answer is unknown, and a result built from either
        would look whole."""
        text = choice.get("text")
        message = choice.get("message")
        if text is not None and type(text) is not str:
            raise self.bad_chunk(event, f"choice text must be a string, not {type(text).__name__}")
        if message is not None and type(message) is not dict:
            raise self.bad_chunk(event, f"choice message must be an object, not {type(message).__name__}")
        if delta is not None and type(delta) is not dict:
            raise self.bad_chunk(event, f"choice delta must be an object, not {type(delta).__name__}")
        if text:
            sent = delta.get("content") if delta else None
            if not sent:
                delta = {**delta, "content": text} if delta else {"content": text}
            elif sent != text:
                raise self.bad_chunk(
                    event,
                    f"the choice's text {quote_prefix(text)} and its delta's content {quote_prefix(repr(sent))} "
                    "differ: which one is the answer is unknown",
                )
        if message:
            if delta:
                self._delta(event, state, delta, out)
            if state.untouched():
                # the whole answer in one event (beside a delta with no piece: a role)
                self._delta(event, state, message, out)
            else:
                self._repeated(event, state, message)
            return
        if delta:
            self._delta(event, state, delta, out)

    def _repeated(self, event: Event, state: _ChoiceState, message: dict[str, Any]) -> None:
        """A choice's ``message`` after (or beside) its deltas: the whole answer again,
        as some servers add it to the last chunk. Its text must be the text the deltas
        gave; the message is kept in the choice's ``extra`` entry, as last sent. The
        lengths are compared before the texts: a message that cannot match costs no
        copy of the text so far."""
        content = message.get("content")
        if content is not None:
            pieces = state.content
            if type(content) is not str or sum(map(len, pieces)) != len(content) or glue(pieces) != content:
                raise self.bad_chunk(
                    event,
                    "the choice's message (the whole answer, "
                    f"content {quote_prefix(content if type(content) is str else repr(content))}) "
                    "differs from the text its deltas gave: which one is the answer is unknown",
                )
        kept = state.others
        if kept is None:
            kept = state.others = {}
        kept["message"] = message

    def _delta(self, event: Event, state: _ChoiceState, delta: dict[str, Any], out: list[Delta] | None) -> None:
        if len(delta) == 1:  # one field: a tool-call piece (most chunks of a tool call) or reasoning
            pieces = delta.get("tool_calls")
            if pieces:
                self._tool_pieces(state, pieces, out)
                return
        index = state.index
        # Reasoning first: when one delta carries both, the reasoning came before.
        reasoning = delta.get("reasoning_content")
        other = delta.get("reasoning")
        # Not text (an object a server puts there): kept as sent, not read as reasoning.
        if reasoning and type(reasoning) is not str:
            self._keep_member(state, "reasoning_content", reasoning)
            reasoning = None
        if other and type(other) is not str:
            self._keep_member(state, "reasoning", other)
            other = None
        if other and other != reasoning:
            reasoning = other if not reasoning else (reasoning, other)
        if not reasoning:
            details = delta.get("reasoning_details")
            if details:  # Snowflake Cortex sends only these; OpenRouter also `reasoning`, read above
                reasoning = _detail_texts(details)
        if reasoning:
            for text in reasoning if type(reasoning) is tuple else (reasoning,):
                if text and type(text) is str:
                    state.reasoning_list().append(text)
                    if out is not None:
                        out.append(new_reasoning_delta(index, text))
        refusal = delta.get("refusal")
        if refusal:
            if type(refusal) is str:
                state.refusal_list().append(refusal)
                if out is not None:
                    out.append(new_refusal_delta(index, refusal))
            else:
                self._keep_member(state, "refusal", refusal)
        text = delta.get("content")
        if text:
            if type(text) is str:
                state.content.append(text)
                if out is not None:
                    out.append(new_text_delta(index, text))
            elif type(text) is list:
                self._content_parts(state, text, out)
            else:
                raise self.bad_chunk(event, f"delta content must be a string, not {type(text).__name__}")
        pieces = delta.get("tool_calls")
        if pieces:
            self._tool_pieces(state, pieces, out)
        function_call = delta.get("function_call")
        if function_call:
            self._function_piece(state, function_call, out)
        for key, value in delta.items():
            if value is not None and key not in _DELTA_READ:
                message = state.message
                if message is None:
                    message = state.message = ChatMessage()
                for citation in message.take(key, value):
                    if out is not None:
                        out.append(new_citation_delta(index, citation))

    def _keep_member(self, state: _ChoiceState, key: str, value: Any) -> None:
        """A delta member kept in the choice's ``extra`` entry (``message``), as sent."""
        message = state.message
        if message is None:
            message = state.message = ChatMessage()
        message.take(key, value)

    def _content_parts(self, state: _ChoiceState, parts: list[Any], out: list[Delta] | None) -> None:
        """Content sent as typed parts (Mistral's reasoning models): ``text`` parts are
        text, ``thinking`` parts (a list of text parts) are reasoning, and the others
        are kept in the choice's ``extra`` entry (``message["content_parts"]``)."""
        index = state.index
        for part in parts:
            kind = part.get("type")
            if kind == "text":
                text = part.get("text")
                if text and type(text) is str:
                    state.content.append(text)
                    if out is not None:
                        out.append(new_text_delta(index, text))
            elif kind == "thinking":
                for inner in part.get("thinking") or ():
                    text = inner.get("text")
                    if text and type(text) is str:
                        state.reasoning_list().append(text)
                        if out is not None:
                            out.append(new_reasoning_delta(index, text))
            else:  # an image, Mistral's reference (its citations)...: kept, in order
                self._keep_member(state, "content_parts", [part])

    def _tool_pieces(self, state: _ChoiceState, pieces: Any, out: list[Delta] | None) -> None:
        """A delta's tool-call pieces. Several pieces with no index, id nor name (Moonshot
        sends the calls' arguments so, one piece per call, in the order the calls came)
        continue the last as many calls, in order; one such piece, the last call."""
        count = len(pieces)
        calls = state.calls
        if count > 1 and calls is not None and len(calls) >= count and all(
            type(piece) is dict and piece.get("index") is None and not piece.get("id")
            and not (piece.get("function") or _EMPTY).get("name")
            for piece in pieces
        ):
            first = len(calls) - count
            for offset, piece in enumerate(pieces):
                self._tool_piece(state, piece, out, calls[first + offset])
            return
        for piece in pieces:
            self._tool_piece(state, piece, out)

    def _tool_piece(
        self, state: _ChoiceState, piece: dict[str, Any], out: list[Delta] | None, call: _CallState | None = None
    ) -> None:
        """One piece; ``call`` the call it continues, when its place said so. A piece of
        a custom tool's call carries ``custom`` (``name``, and its free-text ``input`` in
        pieces) instead of ``function``; an empty ``custom`` beside ``function`` (some
        gateways echo one on every piece) says nothing."""
        key = piece.get("index")
        call_id = piece.get("id") or None  # Alibaba sends "id": "" on every later piece
        if call_id is not None and type(call_id) is not str:
            call_id = str(call_id)
        function = piece.get("function") or _EMPTY
        custom = piece.get("custom")
        kind = "function"
        if custom:
            if function:
                raise TypeError("a tool-call piece carries both function and custom")
            function, kind = custom, "custom"
            arguments = custom.get("input")
            if arguments is not None and type(arguments) is not str:
                raise TypeError(f"a custom tool call's input must be a string, not {type(arguments).__name__}")
        else:
            arguments = function.get("arguments")
            if arguments and type(arguments) is not str:  # some servers send an object, not its JSON text
                arguments = json.dumps(arguments, ensure_ascii=False)
        name = function.get("name") or ""
        if type(name) is not str:
            name = str(name)
        if call is not None:
            _same_kind(call, kind, name, arguments)
            self._arguments(state, call, arguments, out)
            return
        self.tool_piece(state, key, call_id, name, arguments, out, kind)

    def tool_piece(
        self,
        state: _ChoiceState,
        key: Any,
        call_id: str | None,
        name: str,
        arguments: str | None,
        out: list[Delta] | None,
        kind: str = "function",
    ) -> None:
        """One tool-call piece, read: ``key`` the provider's index (``None`` when it
        sent none), ``kind`` the call's (``"custom"``: ``arguments`` is a piece of its
        input). The compiled path's pieces with an id or a name come here too
        (``fast_tool_piece``)."""
        calls = state.calls
        if calls is None:  # (the choice's first call: made below)
            calls = state.calls = []
        call: _CallState | None = None
        if key is None:
            # No index: the whole call in one piece, unless it names no other call,
            # in which case it can only continue the last one.
            if calls and not name and (call_id is None or call_id == calls[-1].id):
                call = calls[-1]
        else:
            by_index = state.by_index
            position = None if by_index is None else by_index.get(key)
            if position is not None:
                call = calls[position]
                if call_id is not None and call.id is not None and call_id != call.id:
                    call = None  # the same index, another id: a new call, not more arguments
        if call is None:
            call = _CallState(len(calls), call_id, [name] if name else [], [], len(name), kind)
            if kind != "function":
                self._custom_calls = True
            calls.append(call)
            if key is not None:
                by_index = state.by_index
                if by_index is None:
                    by_index = state.by_index = {}
                by_index[key] = call.position
            if out is not None:
                out.append(new_call_start(state.index, call.position, call.id, name, kind))
        else:
            _same_kind(call, kind, name, arguments)
            new_id = None
            if call.id is None and call_id is not None:
                call.id = new_id = call_id
            # A name streamed in pieces; a repeated whole name is kept once.
            added = bool(name) and call.add_name(name)
            if out is not None and (new_id is not None or added):
                out.append(new_call_update(state.index, call.position, new_id, name if added else ""))
        self._arguments(state, call, arguments, out)

    def _arguments(self, state: _ChoiceState, call: _CallState, arguments: str | None, out: list[Delta] | None) -> None:
        """A piece of ``call``'s arguments (nothing when empty)."""
        if arguments:
            call.pieces.append(arguments)
            if out is not None:
                out.append(new_arguments_delta(state.index, call.position, arguments))

    def _function_piece(self, state: _ChoiceState, piece: dict[str, Any], out: list[Delta] | None) -> None:
        name = piece.get("name") or ""
        arguments = piece.get("arguments") or ""
        if type(arguments) is not str:
            arguments = json.dumps(arguments, ensure_ascii=False)
        call = state.function_call
        if call is None:
            call = state.function_call = _CallState(0, None, [], [])
        if name:
            call.add_name(name)
        if arguments:
            call.pieces.append(arguments)
        if out is not None and (name or arguments):
            out.append(new_function_call_delta(state.index, name, arguments))

    def _take_logprobs(self, state: _ChoiceState, logprobs: dict[str, Any]) -> None:
        kept = state.logprobs
        if kept is None:
            kept = state.logprobs = {"content": [], "refusal": []}
        for key, entries in logprobs.items():
            # content and refusal, and a server's other token lists (DeepSeek's
            # reasoning_content): each glued in order.
            if entries and type(entries) is list:
                found = kept.get(key)
                if found is None:
                    kept[key] = list(entries)
                else:
                    found.extend(entries)

    def _take_usage(self, raw: Any, out: list[Delta] | None) -> None:
        if type(raw) is not dict:
            return
        if self._usage is not None and raw == self._usage.raw:
            return  # the same report again
        usage = self._usage = _usage(raw)
        if out is not None:
            out.append(new_usage_delta(usage))
