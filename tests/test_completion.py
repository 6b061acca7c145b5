"""The result classes: ``Completion``, ``Choice``, ``ToolCall``, ``Usage`` and the deltas."""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest

import sseparse
from sseparse import (
    Accumulator,
    Choice,
    Completion,
    FinishDelta,
    FunctionCallDelta,
    ReasoningDelta,
    RefusalDelta,
    SseparseError,
    TextDelta,
    ToolArgumentsError,
    ToolCall,
    ToolCallArgumentsDelta,
    ToolCallStart,
    Usage,
    UsageDelta,
)


def sse(*chunks: dict[str, Any], done: bool = True) -> bytes:
    body = b"".join(b"data: " + json.dumps(c, ensure_ascii=False).encode() + b"\n\n" for c in chunks)
    return body + (b"data: [DONE]\n\n" if done else b"")


def chunk(delta: dict[str, Any], index: int = 0, finish: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "id": "chatcmpl-C1",
        "object": "chat.completion.chunk",
        "created": 1731000000,
        "model": "gpt-4o-mini",
        "choices": [{"index": index, "delta": delta, "finish_reason": finish}],
        **extra,
    }


USAGE = {
    "prompt_tokens": 12,
    "completion_tokens": 7,
    "total_tokens": 19,
    "completion_tokens_details": {"reasoning_tokens": 0},
}

STREAM = sse(
    chunk({"role": "assistant", "content": "Hallo"}),
    chunk({"content": " 👋"}, logprobs=None),
    chunk(
        {
            "tool_calls": [
                {
                    "index": 0,
                    "id": "call_9",
                    "type": "function",
                    "function": {"name": "greet", "arguments": '{"to": "Jürgen"}'},
                }
            ]
        }
    ),
    chunk({"content": "Zweite"}, index=1),
    chunk({}, finish="tool_calls"),
    chunk({}, index=1, finish="stop"),
    {**chunk({}), "choices": [], "usage": USAGE},
)


def completion() -> Completion:
    return sseparse.accumulate([STREAM])


def test_to_dict_is_plain_json_ready_data() -> None:
    data = completion().to_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    call = {
        "index": 0,
        "id": "call_9",
        "name": "greet",
        "arguments": '{"to": "Jürgen"}',
        "kind": "function",
        "complete": True,
    }
    # The top level mirrors the first choice.
    first_choice = {
        "content": "Hallo 👋",
        "reasoning": "",
        "refusal": "",
        "tool_calls": [call],
        "function_call": None,
        "finish_reason": "tool_calls",
        "logprobs": None,
    }
    assert data == {
        "dialect": "openai-chat",
        "id": "chatcmpl-C1",
        "model": "gpt-4o-mini",
        "created": 1731000000,
        "system_fingerprint": None,
        **first_choice,
        "usage": {
            "input_tokens": 12,
            "output_tokens": 7,
            "total_tokens": 19,
            "cached_input_tokens": None,
            "cache_write_tokens": None,
            "reasoning_tokens": 0,
            "raw": USAGE,
        },
        "complete": True,
        "error": None,
        "choices": [
            {"index": 0, **first_choice, "blocks": []},
            {
                "index": 1,
                "content": "Zweite",
                "reasoning": "",
                "refusal": "",
                "tool_calls": [],
                "function_call": None,
                "finish_reason": "stop",
                "logprobs": None,
                "blocks": [],
            },
        ],
        "blocks": [],
        "extra": {},
    }


def test_top_level_fields_mirror_the_first_choice() -> None:
    result = completion()
    first = result.choices[0]
    for field in (
        "content",
        "reasoning",
        "refusal",
        "tool_calls",
        "function_call",
        "finish_reason",
        "logprobs",
        "blocks",
    ):
        assert getattr(result, field) == getattr(first, field)


def test_a_completion_without_choices_has_empty_defaults() -> None:
    empty = Completion(dialect="openai-chat")
    assert (empty.content, empty.reasoning, empty.refusal, empty.tool_calls, empty.choices) == ("", "", "", [], [])
    assert (empty.id, empty.usage, empty.finish_reason, empty.error, empty.complete) == (None, None, None, None, False)
    json.dumps(empty.to_dict())
    assert Completion.from_choices("openai-chat", []) == empty


def test_classes_are_frozen_and_slotted() -> None:
    result = completion()
    samples: list[Any] = [
        result,
        result.choices[0],
        result.tool_calls[0],
        result.usage,
        TextDelta(0, "a"),
        ReasoningDelta(0, "a"),
        RefusalDelta(0, "a"),
        ToolCallStart(0, 0, "id", "n"),
        ToolCallArgumentsDelta(0, 0, "{"),
        FunctionCallDelta(0, "n", "{"),
        UsageDelta(Usage(1, 2, 3, {})),
        FinishDelta(0, "stop"),
    ]
    for obj in samples:
        assert not hasattr(obj, "__dict__"), type(obj)
        field = attrs.fields(type(obj))[0].name
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            setattr(obj, field, None)


def test_a_snapshot_does_not_change_when_the_stream_goes_on() -> None:
    logprob = {"content": [{"token": "a", "logprob": -0.5, "bytes": [97], "top_logprobs": []}]}
    acc = Accumulator()
    acc.feed(
        sse(
            chunk({"content": "a"}, logprobs=None)
            | {"choices": [{"index": 0, "delta": {"content": "a"}, "logprobs": logprob}]},
            chunk({"tool_calls": [{"index": 0, "id": "c1", "function": {"name": "f", "arguments": "{"}}]}),
            done=False,
        )
    )
    before = acc.completion
    before_dict = before.to_dict()
    acc.feed(
        sse(
            {"choices": [{"index": 0, "delta": {"content": "b"}, "logprobs": logprob}]},
            chunk({"tool_calls": [{"index": 0, "function": {"arguments": "}"}}]}),
        )
    )
    after = acc.close()
    assert before.to_dict() == before_dict
    assert (before.content, before.tool_calls[0].arguments, len(before.logprobs or {})) == ("a", "{", 2)
    assert before.logprobs is not None and len(before.logprobs["content"]) == 1
    assert (after.content, after.tool_calls[0].arguments) == ("ab", "{}")
    assert after.logprobs is not None and len(after.logprobs["content"]) == 2


def test_parsed_arguments() -> None:
    assert ToolCall(0, "c", "f", '{"a": [1, "ü"]}').parsed_arguments() == {"a": [1, "ü"]}
    assert ToolCall(0, "c", "f", "").parsed_arguments() == {}
    assert ToolCall(0, "c", "f", "  \n").parsed_arguments() == {}


def test_parsed_arguments_of_invalid_json_is_a_clear_error() -> None:
    call = ToolCall(2, "call_bad", "get_weather", '{"city": "Par' + "x" * 500)
    with pytest.raises(ToolArgumentsError) as info:
        call.parsed_arguments()
    exc = info.value
    assert isinstance(exc, SseparseError)
    assert exc.tool_call is call
    message = str(exc)
    assert "get_weather" in message and "call_bad" in message and "#2" in message
    assert '{"city": "Par' in message
    assert len(message) < 300  # a prefix, not the whole text
    with pytest.raises(ToolArgumentsError, match="nested too deeply"):
        ToolCall(0, None, "f", "[" * 100_000).parsed_arguments()


def test_usage_to_dict() -> None:
    assert Usage(1, 2, 3, {"prompt_tokens": 1}).to_dict() == {
        "input_tokens": 1,
        "output_tokens": 2,
        "total_tokens": 3,
        "cached_input_tokens": None,
        "cache_write_tokens": None,
        "reasoning_tokens": None,
        "raw": {"prompt_tokens": 1},
    }


def test_choice_defaults() -> None:
    choice = Choice(3)
    assert choice.to_dict() == {
        "index": 3,
        "content": "",
        "reasoning": "",
        "refusal": "",
        "tool_calls": [],
        "function_call": None,
        "finish_reason": None,
        "logprobs": None,
        "blocks": [],
    }


def test_deltas_compare_by_value_and_hash() -> None:
    assert TextDelta(0, "a") == TextDelta(0, "a")
    other: object = ReasoningDelta(0, "a")
    assert TextDelta(0, "a") != other
    assert len({TextDelta(0, "a"), TextDelta(0, "a"), TextDelta(1, "a")}) == 2


def test_error_entry_of_a_cut_stream_is_json_ready() -> None:
    cut = sseparse.accumulate([STREAM[:-30]])
    assert cut.complete is False
    assert cut.error is not None
    json.dumps(cut.to_dict())
    assert set(cut.error) >= {"type", "message"}


def test_public_names_are_exported() -> None:
    for name in (
        "Accumulator",
        "Completion",
        "Choice",
        "ToolCall",
        "Usage",
        "Delta",
        "accumulate",
        "aaccumulate",
        "iter_deltas",
        "aiter_deltas",
        "ToolArgumentsError",
        "dialect_names",
    ):
        assert name in sseparse.__all__
        assert getattr(sseparse, name) is not None
