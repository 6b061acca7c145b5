"""A final ``Completion`` as each provider's non-streaming response object.

What a gateway answers a ``stream=false`` request with: the same fields and the same
mapping (finish reasons, usage) as the stream writers. A source in the target's own
dialect gives back its blocks (Anthropic content blocks, Responses output items) as
accumulated, so nothing the common fields leave out is lost.
"""

from __future__ import annotations

import time
from typing import Any

from .._completion import Choice, Completion, ToolCall
from .._errors import SseparseError
from ._base import new_id
from ._mapping import (
    anthropic_finish,
    anthropic_usage,
    gemini_finish,
    gemini_usage,
    openai_chat_finish,
    openai_chat_usage,
    responses_finish,
    responses_usage,
)

__all__ = ["openai_chat_response", "anthropic_message", "responses_response", "gemini_response"]


def _calls(choice: Completion | Choice) -> list[ToolCall]:
    """The tool calls of ``choice``, then its legacy ``function_call`` if it has one."""
    return [*choice.tool_calls, *([choice.function_call] if choice.function_call else [])]


def openai_chat_response(
    completion: Completion, *, id: str | None = None, model: str | None = None, created: int | None = None  # noqa: A002
) -> dict[str, Any]:
    """``completion`` as a Chat Completions ``chat.completion`` object."""
    choices = []
    for choice in completion.choices or []:
        message: dict[str, Any] = {"role": "assistant", "content": choice.content or None,
                                   "refusal": choice.refusal or None}
        if choice.reasoning:
            message["reasoning_content"] = choice.reasoning
        calls = _calls(choice)
        if calls:
            message["tool_calls"] = [
                {"id": call.id or new_id("call_"), "type": "function",
                 "function": {"name": call.name, "arguments": call.arguments}}
                for call in calls
            ]
        reason = choice.finish_reason
        choices.append({
            "index": choice.index,
            "message": message,
            "logprobs": None,
            "finish_reason": None if reason is None else openai_chat_finish(reason, bool(calls)),
        })
    return {
        "id": id or completion.id or new_id("chatcmpl-"),
        "object": "chat.completion",
        "created": created if created is not None else completion.created or int(time.time()),
        "model": model or completion.model or "",
        "choices": choices,
        "usage": None if completion.usage is None else openai_chat_usage(completion.usage),
    }


def _input(call: ToolCall) -> Any:
    if call.kind == "custom":
        return {"input": call.arguments}
    try:
        return call.parsed_arguments()
    except SseparseError:
        return {}  # not JSON: Anthropic's input must be an object


def _own_blocks(completion: Completion, dialect: str) -> list[dict[str, Any]] | None:
    """The blocks of a ``completion`` read in the target's own ``dialect``, as they
    were accumulated (``None`` otherwise: the common fields are written)."""
    if completion.dialect == dialect and completion.blocks:
        return [dict(block) for block in completion.blocks]
    return None


def _anthropic_content(completion: Completion) -> list[dict[str, Any]]:
    content: list[dict[str, Any]] = []
    if completion.reasoning:
        content.append({"type": "thinking", "thinking": completion.reasoning, "signature": ""})
    text = completion.content + completion.refusal
    if text:
        content.append({"type": "text", "text": text})
    content += [
        {"type": "tool_use", "id": call.id or new_id("toolu_"), "name": call.name, "input": _input(call)}
        for call in _calls(completion)
    ]
    return content


def anthropic_message(
    completion: Completion, *, id: str | None = None, model: str | None = None  # noqa: A002
) -> dict[str, Any]:
    """``completion`` (its first choice) as a Messages API ``message`` object."""
    reason = completion.finish_reason
    has_calls = bool(completion.tool_calls or completion.function_call)
    return {
        "id": id or completion.id or new_id("msg_"),
        "type": "message",
        "role": "assistant",
        "model": model or completion.model or "",
        "content": _own_blocks(completion, "anthropic") or _anthropic_content(completion),
        "stop_reason": None if reason is None else anthropic_finish(reason, has_calls),
        "stop_sequence": completion.extra.get("stop_sequence") if completion.dialect == "anthropic" else None,
        "usage": anthropic_usage(completion.usage, required=True),
    }


def _responses_output(completion: Completion) -> list[dict[str, Any]]:
    output: list[dict[str, Any]] = []
    if completion.reasoning:
        output.append({"id": new_id("rs_"), "type": "reasoning",
                       "summary": [{"type": "summary_text", "text": completion.reasoning}]})
    parts: list[dict[str, Any]] = []
    if completion.content:
        parts.append({"type": "output_text", "text": completion.content, "annotations": []})
    if completion.refusal:
        parts.append({"type": "refusal", "refusal": completion.refusal})
    if parts:
        output.append({"id": new_id("msg_"), "type": "message", "status": "completed", "role": "assistant",
                       "content": parts})
    for call in _calls(completion):
        call_id = call.id or new_id("call_")
        if call.kind == "custom":
            output.append({"id": new_id("ctc_"), "type": "custom_tool_call", "status": "completed",
                           "call_id": call_id, "name": call.name, "input": call.arguments})
        else:
            output.append({"id": new_id("fc_"), "type": "function_call", "status": "completed",
                           "call_id": call_id, "name": call.name, "arguments": call.arguments})
    return output


def responses_response(
    completion: Completion, *, id: str | None = None, model: str | None = None, created: int | None = None  # noqa: A002
) -> dict[str, Any]:
    """``completion`` (its first choice) as a Responses API ``response`` object."""
    output = _own_blocks(completion, "openai-responses") or _responses_output(completion)
    has_calls = bool(completion.tool_calls or completion.function_call)
    status, reason = responses_finish(completion.finish_reason, has_calls)
    return {
        "id": id or completion.id or new_id("resp_"),
        "object": "response",
        "created_at": created if created is not None else completion.created or int(time.time()),
        "status": status,
        "model": model or completion.model or "",
        "output": output,
        "usage": None if completion.usage is None else responses_usage(completion.usage),
        "error": None,
        "incomplete_details": None if reason is None else {"reason": reason},
        # echoes of the request, which a gateway knows and a Completion does not: the API's defaults
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
    }


def gemini_response(
    completion: Completion, *, id: str | None = None, model: str | None = None  # noqa: A002
) -> dict[str, Any]:
    """``completion`` as a Gemini ``GenerateContentResponse`` (one candidate per choice)."""
    candidates = []
    for choice in completion.choices or []:
        if completion.dialect == "gemini" and choice.blocks:
            parts = [dict(part) for part in choice.blocks]
        else:
            parts = []
            if choice.reasoning:
                parts.append({"text": choice.reasoning, "thought": True})
            text = choice.content + choice.refusal
            if text:
                parts.append({"text": text})
            calls = _calls(choice)
            parts += [{"functionCall": {"id": call.id, "name": call.name, "args": _object(call)}} for call in calls]
        reason = choice.finish_reason
        candidate: dict[str, Any] = {"content": {"parts": parts, "role": "model"}, "index": choice.index}
        if reason is not None:
            has_calls = bool(choice.tool_calls or choice.function_call)
            candidate["finishReason"] = gemini_finish(reason, has_calls)
        candidates.append(candidate)
    out: dict[str, Any] = {"candidates": candidates}
    if completion.usage is not None:
        out["usageMetadata"] = gemini_usage(completion.usage)
    out["modelVersion"] = model or completion.model or ""
    out["responseId"] = id or completion.id or new_id("")
    return out


def _object(call: ToolCall) -> Any:
    """The call's arguments as the object Gemini's ``args`` must be."""
    value = _input(call)
    return value if isinstance(value, dict) else {"input": value}
