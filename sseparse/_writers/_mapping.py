"""How one dialect's words map onto another's: finish reasons and usage counts.

Finish reasons go through a small common vocabulary (the reason as a client acts on
it) and out to the target's word:

=================  ===============  ==============  =====================================
common             openai-chat      anthropic       openai-responses (status, reason)
=================  ===============  ==============  =====================================
``stop``           ``stop``         ``end_turn``    ``completed``
``tool_calls``     ``tool_calls``   ``tool_use``    ``completed``
``stop_sequence``  ``stop``         ``stop_sequence``  ``completed``
``pause``          ``stop``         ``pause_turn``  ``completed``
``length``         ``length``       ``max_tokens``  ``incomplete``, ``max_output_tokens``
``content_filter`` ``content_filter``  ``refusal``  ``incomplete``, ``content_filter``
anything else      as sent          as sent         ``incomplete``, as sent
=================  ===============  ==============  =====================================

and to Gemini: ``MAX_TOKENS`` for ``length``, ``SAFETY`` for ``content_filter``, the
word as sent for anything unknown, ``STOP`` for the rest.

A stream that called tools and stopped normally is ``tool_calls`` whatever its own
word (OpenAI says ``stop`` when a tool call was forced, Gemini always says ``STOP``,
the Responses API ``completed``): the client has calls to run.

Usage keeps the one meaning of ``sseparse.Usage`` (every input token counted in
``input_tokens``, cached or not); each target gets its own fields back: OpenAI's
``prompt_tokens`` (Responses: ``input_tokens``) includes cached tokens
(``prompt_tokens_details.cached_tokens`` / ``.cache_write_tokens``),
Anthropic's ``input_tokens`` excludes what was read from or written to the cache
(``cache_read_input_tokens``, ``cache_creation_input_tokens``). A count the source
did not send is left out, never written as a guessed 0, except where the target's
own SDK requires the field (Anthropic's ``output_tokens``).
"""

from __future__ import annotations

from typing import Any

from .._completion import Usage

__all__ = [
    "common_finish",
    "cuts_short",
    "openai_chat_finish",
    "anthropic_finish",
    "responses_finish",
    "gemini_finish",
    "gemini_usage",
    "openai_chat_usage",
    "anthropic_usage",
    "responses_usage",
]

_COMMON = {
    # openai-chat (and compatible servers)
    "stop": "stop",
    "length": "length",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",
    "content_filter": "content_filter",
    # anthropic
    "end_turn": "stop",
    "max_tokens": "length",
    "tool_use": "tool_calls",
    "stop_sequence": "stop_sequence",
    "pause_turn": "pause",
    "refusal": "content_filter",
    "model_context_window_exceeded": "length",
    # openai-responses (status, or incomplete_details.reason)
    "completed": "stop",
    "max_output_tokens": "length",
    "incomplete": "length",  # a status without incomplete_details: cut short by a limit
    # gemini
    "STOP": "stop",
    "MAX_TOKENS": "length",
    "SAFETY": "content_filter",
    "RECITATION": "content_filter",
    "BLOCKLIST": "content_filter",
    "PROHIBITED_CONTENT": "content_filter",
    "SPII": "content_filter",
    "IMAGE_SAFETY": "content_filter",
}

_OPENAI_CHAT = {
    "stop": "stop",
    "tool_calls": "tool_calls",
    "stop_sequence": "stop",
    "pause": "stop",
    "length": "length",
    "content_filter": "content_filter",
}
_ANTHROPIC = {
    "stop": "end_turn",
    "tool_calls": "tool_use",
    "stop_sequence": "stop_sequence",
    "pause": "pause_turn",
    "length": "max_tokens",
    "content_filter": "refusal",
}
_GEMINI = {
    "stop": "STOP",
    "tool_calls": "STOP",
    "stop_sequence": "STOP",
    "pause": "STOP",
    "length": "MAX_TOKENS",
    "content_filter": "SAFETY",
}
_RESPONSES: dict[str, tuple[str, str | None]] = {
    "stop": ("completed", None),
    "tool_calls": ("completed", None),
    "stop_sequence": ("completed", None),
    "pause": ("completed", None),
    "length": ("incomplete", "max_output_tokens"),
    "content_filter": ("incomplete", "content_filter"),
}


def cuts_short(reason: str) -> bool:
    """Whether a finish ``reason`` (any dialect's word) stopped the output where it was
    (a limit, a filter, a stop sequence): a tool call still open then was cut."""
    return _COMMON.get(reason, reason) in ("length", "content_filter", "stop_sequence")


def common_finish(reason: str, has_tool_calls: bool) -> str:
    """The common word for a source ``reason`` (the reason itself when unknown)."""
    common = _COMMON.get(reason, reason)
    if common == "stop" and has_tool_calls:
        return "tool_calls"
    return common


def openai_chat_finish(reason: str, has_tool_calls: bool = False) -> str:
    common = common_finish(reason, has_tool_calls)
    return _OPENAI_CHAT.get(common, common)


def anthropic_finish(reason: str, has_tool_calls: bool = False) -> str:
    common = common_finish(reason, has_tool_calls)
    return _ANTHROPIC.get(common, common)


def gemini_finish(reason: str, has_tool_calls: bool = False) -> str:
    common = common_finish(reason, has_tool_calls)
    return _GEMINI.get(common, common)


def responses_finish(reason: str | None, has_tool_calls: bool = False) -> tuple[str, str | None]:
    """``(status, incomplete_details.reason)``; no reason at all is ``completed``."""
    if reason is None:
        return "completed", None
    common = common_finish(reason, has_tool_calls)
    return _RESPONSES.get(common, ("incomplete", common))


def _known(**counts: int | None) -> dict[str, int]:
    return {key: value for key, value in counts.items() if value is not None}


def openai_chat_usage(usage: Usage) -> dict[str, Any]:
    """Chat Completions ``usage``: ``prompt_tokens`` counts cached tokens too."""
    out: dict[str, Any] = _known(
        prompt_tokens=usage.input_tokens, completion_tokens=usage.output_tokens, total_tokens=_total(usage)
    )
    details = _known(cached_tokens=usage.cached_input_tokens, cache_write_tokens=usage.cache_write_tokens)
    if details:
        out["prompt_tokens_details"] = details
    if usage.reasoning_tokens is not None:
        out["completion_tokens_details"] = {"reasoning_tokens": usage.reasoning_tokens}
    return out


def anthropic_usage(usage: Usage | None, *, required: bool) -> dict[str, Any]:
    """Messages ``usage``: ``input_tokens`` without the cache reads and writes, which
    have fields of their own. ``required``: write the counts the SDK needs (0 when
    the source sent none: Anthropic's events cannot leave them out)."""
    if usage is None:
        return {"input_tokens": 0, "output_tokens": 0} if required else {"output_tokens": 0}
    cached, written = usage.cached_input_tokens, usage.cache_write_tokens
    total_input = usage.input_tokens
    uncached = None if total_input is None else max(0, total_input - (cached or 0) - (written or 0))
    out: dict[str, Any] = _known(
        input_tokens=uncached,
        cache_creation_input_tokens=written,
        cache_read_input_tokens=cached,
        output_tokens=usage.output_tokens,
    )
    if required:
        out.setdefault("input_tokens", 0)
    out.setdefault("output_tokens", 0)
    return out


def responses_usage(usage: Usage) -> dict[str, Any]:
    """Responses ``usage``: ``input_tokens`` counts cached tokens too."""
    out: dict[str, Any] = _known(input_tokens=usage.input_tokens)
    details = _known(cached_tokens=usage.cached_input_tokens, cache_write_tokens=usage.cache_write_tokens)
    if details:
        out["input_tokens_details"] = details
    if usage.output_tokens is not None:
        out["output_tokens"] = usage.output_tokens
    if usage.reasoning_tokens is not None:
        out["output_tokens_details"] = {"reasoning_tokens": usage.reasoning_tokens}
    total = _total(usage)
    if total is not None:
        out["total_tokens"] = total
    return out


def gemini_usage(usage: Usage) -> dict[str, Any]:
    """``usageMetadata``: thinking is counted apart from the answer
    (``thoughtsTokenCount`` beside ``candidatesTokenCount``); cached content is a part
    of ``promptTokenCount``."""
    output, reasoning = usage.output_tokens, usage.reasoning_tokens
    answer = None if output is None else output - (reasoning or 0)
    return _known(
        promptTokenCount=usage.input_tokens,
        cachedContentTokenCount=usage.cached_input_tokens,
        candidatesTokenCount=answer,
        thoughtsTokenCount=reasoning,
        totalTokenCount=_total(usage),
    )


def _total(usage: Usage) -> int | None:
    if usage.total_tokens is not None:
        return usage.total_tokens
    if usage.input_tokens is not None and usage.output_tokens is not None:
        return usage.input_tokens + usage.output_tokens
    return None
