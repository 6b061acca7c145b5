"""``auto``: the dialect is detected from the first event that carries data.

One case per rule of ``sseparse._dialects.detect`` (its docstring lists them), the
error shapes each provider opens a failing stream with, and the ``DialectError`` of a
stream that fits none.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import sseparse
from sseparse import Accumulator, DialectError, ProviderError


def event(data: Any, name: str | None = None) -> bytes:
    text = data if isinstance(data, str) else json.dumps(data)
    head = b"" if name is None else b"event: " + name.encode() + b"\n"
    return head + b"data: " + text.encode() + b"\n\n"


@pytest.mark.parametrize(
    ("data", "dialect"),
    [
        (event({"id": "chatcmpl-1", "object": "chat.completion.chunk", "choices": []}), "openai-chat"),
        (event({"choices": [{"index": 0, "delta": {"content": "x"}}]}), "openai-chat"),
        (event("[DONE]"), "openai-chat"),
        (event({"type": "response.created", "response": {"id": "resp_1"}}, "response.created"), "openai-responses"),
        (event({"type": "response.created", "response": {"id": "resp_1"}}), "openai-responses"),
        (event({"response": {"id": "resp_1"}}, "response.created"), "openai-responses"),
        (event({"type": "message_start", "message": {"id": "msg_1"}}, "message_start"), "anthropic"),
        (event({"type": "ping"}, "ping"), "anthropic"),
        (event({"candidates": [{"content": {"parts": [{"text": "Hi"}]}}]}), "gemini"),
        (event({"usageMetadata": {"promptTokenCount": 1}, "modelVersion": "gemini-2.5-pro"}), "gemini"),
        (event({"promptFeedback": {"blockReason": "SAFETY"}}), "gemini"),
    ],
)
def test_each_format_is_detected(data: bytes, dialect: str) -> None:
    acc = Accumulator()
    assert acc.dialect == "auto"
    acc.feed(b": keep-alive\n\n" + event(" ") + data)  # comments and blank data do not decide
    assert acc.dialect == dialect


@pytest.mark.parametrize(
    ("data", "dialect", "message"),
    [
        (event({"error": {"message": "Invalid API key", "type": "invalid_request_error"}}), "openai-chat", "Invalid"),
        (
            event({"error": {"object": "error", "message": "bad model", "type": "NotFoundError", "code": 404}}),
            "openai-chat",
            "bad model",
        ),
        (event("Service Unavailable", "error"), "openai-chat", "Service Unavailable"),
        (
            event(
                {"type": "error", "sequence_number": 2, "error": {"code": "server_error", "message": "boom"}}, "error"
            ),
            "openai-responses",
            "boom",
        ),
        (
            event({"type": "error", "code": "rate_limit_exceeded", "message": "slow down"}, "error"),
            "openai-responses",
            "slow",
        ),
        (
            event({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}, "error"),
            "anthropic",
            "Overloaded",
        ),
        (
            event({"error": {"code": 429, "message": "Resource exhausted", "status": "RESOURCE_EXHAUSTED"}}),
            "gemini",
            "Resource exhausted",
        ),
    ],
)
def test_a_stream_that_opens_with_an_error_is_read_by_its_providers_dialect(
    data: bytes, dialect: str, message: str
) -> None:
    with pytest.raises(ProviderError, match=message) as info:
        sseparse.accumulate([data])
    assert info.value.dialect == dialect
    assert info.value.completion is not None and info.value.completion.dialect == dialect


@pytest.mark.parametrize(
    "data",
    [
        event({"hello": "world"}),
        event("plain text"),
        event([1, 2, 3]),
        event({"type": "content.delta", "text": "x"}),
    ],
    ids=["unknown-object", "plain-text", "array", "unknown-type"],
)
def test_nothing_matches_raises_a_clear_dialect_error(data: bytes) -> None:
    acc = Accumulator()
    with pytest.raises(DialectError, match="cannot detect the dialect") as info:
        acc.feed(data)
    message = str(info.value)
    for name in ("openai-chat", "openai-responses", "anthropic", "gemini"):
        assert name in message  # says what can be passed instead
    assert data.split(b"data: ")[1][:8].decode() in message  # quotes what it saw
    assert info.value.completion is not None and info.value.completion.error is not None
    assert info.value.completion.error["type"] == "dialect_error"
    final = acc.close()
    assert final.complete is False and final.dialect == "auto"


def test_every_dialect_can_be_named_and_is_listed() -> None:
    assert set(sseparse.dialect_names()) >= {"openai-chat", "openai-responses", "anthropic", "gemini"}
    with pytest.raises(DialectError, match="known dialects: auto, openai-chat"):
        Accumulator("openai-response")
