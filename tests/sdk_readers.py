"""Read a stream back with each provider's official SDK, as its users would.

Each ``read_*`` returns the same normalized view: content, reasoning, refusal, tool
calls ``(id, name, parsed arguments)``, the finish reason in the SDK's own field, and
usage in sseparse's single meaning (``input`` counts cached tokens too), with only
the counts the stream carried. A stream ending in its dialect's error form makes
the SDK raise (openai-chat, anthropic) or end on ``response.failed``
(openai-responses): ``read_*`` then raises ``SdkError`` carrying the message.

Imported by the transcoding tests (``conftest`` puts this folder on ``sys.path``);
they skip when the SDKs are not installed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import anthropic
import httpx2
import openai
from anthropic.lib.streaming import MessageStream
from openai import _models as openai_models
from openai._streaming import SSEDecoder
from openai._types import omit
from openai.lib.streaming.chat import ChatCompletionStreamState
from openai.lib.streaming.responses._responses import ResponseStreamState
from openai.types import responses as responses_types
from openai.types.chat import ChatCompletionChunk

_URL = "http://127.0.0.1:9/v1"  # never contacted: no request is made
_OPENAI = openai.OpenAI(api_key="sk-test-never-sent", base_url=_URL, max_retries=0)
_ANTHROPIC = anthropic.Anthropic(api_key="sk-ant-test-never-sent", base_url=_URL, max_retries=0)


class SdkError(Exception):
    """The SDK reported the stream as failed."""


def _counts(**counts: Any) -> dict[str, int]:
    return {key: value for key, value in counts.items() if value is not None}


def _args(text: str) -> Any:
    """Arguments parsed; text that is not JSON (a custom tool's input) as it is."""
    if not text.strip():
        return {}
    try:
        return json.loads(text)
    except ValueError:
        return text


def _response(data: bytes, path: str) -> Any:
    request = httpx2.Request("POST", _URL + path)
    return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=data, request=request)


# -- openai-chat ---------------------------------------------------------------------------


def read_openai_chat(data: bytes) -> dict[str, Any]:
    """``openai.Stream`` of ``ChatCompletionChunk`` (its SSE decoder, its ``[DONE]`` and
    its ``{"error": ...}`` handling) folded by ``ChatCompletionStreamState``."""
    stream = openai.Stream(cast_to=ChatCompletionChunk, response=_response(data, "/chat/completions"), client=_OPENAI)
    state = ChatCompletionStreamState()
    try:
        for chunk in stream:
            state.handle_chunk(chunk)
    except openai.APIError as exc:
        raise SdkError(exc.message) from exc
    snapshot = state.current_completion_snapshot.to_dict()
    choice = snapshot["choices"][0]
    message = choice.get("message", {})
    usage = snapshot.get("usage")
    return {
        "id": snapshot["id"],
        "model": snapshot["model"],
        "content": message.get("content") or "",
        "reasoning": message.get("reasoning_content") or "",
        "refusal": message.get("refusal") or "",
        "tool_calls": [
            (call.get("id"), call["custom"]["name"], call["custom"]["input"]) if call.get("type") == "custom"
            else (call.get("id"), call["function"]["name"], _args(call["function"]["arguments"]))
            for call in message.get("tool_calls") or []
        ],
        "finish_reason": choice.get("finish_reason"),
        "usage": None if usage is None else _counts(
            input=usage.get("prompt_tokens"),
            cached=(usage.get("prompt_tokens_details") or {}).get("cached_tokens"),
            cache_write=(usage.get("prompt_tokens_details") or {}).get("cache_write_tokens"),
            output=usage.get("completion_tokens"),
            reasoning=(usage.get("completion_tokens_details") or {}).get("reasoning_tokens"),
            total=usage.get("total_tokens"),
        ),
    }


# -- anthropic -------------------------------------------------------------------------------


class _FragmentStream(anthropic.Stream):  # type: ignore[misc]
    fragments: Sequence[bytes] = ()

    def _iter_events(self) -> Iterator[Any]:
        yield from self._decoder.iter_bytes(iter(self.fragments))


def read_anthropic(data: bytes) -> dict[str, Any]:
    """``anthropic.Stream`` wrapped in ``MessageStream`` (its ``accumulate_event``), as
    ``client.messages.stream(...)`` reads; ``get_final_message()``."""
    response = _response(b"", "/messages")
    raw = _FragmentStream(cast_to=anthropic.types.RawMessageStreamEvent, response=response, client=_ANTHROPIC)
    raw.fragments = [data]
    try:
        message = MessageStream(raw, output_format=anthropic.NOT_GIVEN).get_final_message().to_dict()
    except anthropic.APIError as exc:
        raise SdkError(exc.message) from exc
    blocks = message["content"]
    usage = message["usage"]
    cache_read, cache_write = usage.get("cache_read_input_tokens"), usage.get("cache_creation_input_tokens")
    return {
        "id": message["id"],
        "model": message["model"],
        "content": "".join(block["text"] for block in blocks if block["type"] == "text"),
        "reasoning": "".join(block["thinking"] for block in blocks if block["type"] == "thinking"),
        "refusal": "",
        "tool_calls": [(block["id"], block["name"], block["input"]) for block in blocks if block["type"] == "tool_use"],
        "finish_reason": message["stop_reason"],
        "usage": _counts(
            input=usage["input_tokens"] + (cache_read or 0) + (cache_write or 0),
            cached=cache_read,
            cache_write=cache_write,
            output=usage["output_tokens"],
        ),
    }


# -- openai-responses ------------------------------------------------------------------------


def read_responses(data: bytes) -> dict[str, Any]:
    """The SDK's ``ResponseStreamState`` (what ``client.responses.stream()`` folds with)
    over its own SSE decoder; the response of ``response.completed`` (its
    ``get_final_response()``) or of ``response.incomplete``."""
    state = ResponseStreamState(input_tools=omit, text_format=omit)
    final = None
    for sse in SSEDecoder().iter_bytes(iter([data])):
        event = openai_models.construct_type(type_=responses_types.ResponseStreamEvent, value=sse.json())
        for emitted in state.handle_event(event):
            if emitted.type == "response.failed":
                error = emitted.response.error
                raise SdkError(error.message if error is not None else "response.failed")
            if emitted.type == "error":
                raise SdkError(emitted.message)
            if emitted.type == "response.incomplete":
                final = emitted.response
    response = state._completed_response or final
    assert response is not None, "the stream has no terminal event"
    content, refusal, reasoning, calls = [], [], [], []
    for item in response.output:
        if item.type == "message":
            for part in item.content or []:
                if part.type == "output_text":
                    content.append(part.text)
                elif part.type == "refusal":
                    refusal.append(part.refusal)
        elif item.type == "reasoning":
            reasoning += [part.text for part in item.summary or [] if part.text]
        elif item.type == "function_call":
            calls.append((item.call_id, item.name, _args(item.arguments)))
        elif item.type == "custom_tool_call":
            calls.append((item.call_id, item.name, item.input))
    details = response.incomplete_details
    usage = response.usage
    return {
        "id": response.id,
        "model": response.model,
        "content": "".join(content),
        "reasoning": "\n\n".join(reasoning),
        "refusal": "".join(refusal),
        "tool_calls": calls,
        "finish_reason": (details and details.reason) or response.status,
        "usage": None if usage is None else _counts(
            input=usage.input_tokens,
            cached=getattr(getattr(usage, "input_tokens_details", None), "cached_tokens", None),
            cache_write=getattr(getattr(usage, "input_tokens_details", None), "cache_write_tokens", None),
            output=usage.output_tokens,
            reasoning=getattr(getattr(usage, "output_tokens_details", None), "reasoning_tokens", None),
            total=usage.total_tokens,
        ),
    }


READERS = {"openai-chat": read_openai_chat, "anthropic": read_anthropic, "openai-responses": read_responses}
