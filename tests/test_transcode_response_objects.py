"""The final ``Completion`` as each provider's non-streaming response object.

Each object is validated by the provider SDK's own model (pydantic, strict about
required fields and types), and says the same answer: content, reasoning, tool
calls, the finish reason in the target's words, usage in the target's fields.
"""

from __future__ import annotations

import json

import pytest

openai = pytest.importorskip("openai")
anthropic = pytest.importorskip("anthropic")

import sseparse  # noqa: E402
from test_transcode_sdk import KITCHEN_SINK  # noqa: E402
from transcode_cases import TARGETS, write  # noqa: E402

USAGE = sseparse.Usage(1000, 50, 1050, {}, cached_input_tokens=600, cache_write_tokens=100, reasoning_tokens=20)


def completion_with_full_usage() -> sseparse.Completion:
    completion = sseparse.accumulate([write(KITCHEN_SINK, "openai-chat")])
    return sseparse.Completion(
        dialect=completion.dialect,
        id=completion.id,
        model=completion.model,
        content=completion.content,
        reasoning=completion.reasoning,
        tool_calls=completion.tool_calls,
        finish_reason=completion.finish_reason,
        usage=USAGE,
        complete=True,
        choices=completion.choices,
    )


def test_openai_chat_completion_object() -> None:
    obj = sseparse.openai_chat_response(completion_with_full_usage())
    message = openai.types.chat.ChatCompletion.model_validate(obj).choices[0].message
    assert message.content == "Je regarde la météo 🌦️\n\n à 東京."
    assert obj["choices"][0]["message"]["reasoning_content"] == "Let me think about\r\nZürich…"
    assert [(c.id, c.function.name, json.loads(c.function.arguments)) for c in message.tool_calls] == [
        ("toolu_01A", "get_weather", {"city": "Zürich", "unit": "celsius"}),
        ("toolu_01B", "get_time", {}),
    ]
    assert obj["choices"][0]["finish_reason"] == "tool_calls"
    assert obj["usage"] == {
        "prompt_tokens": 1000,  # cached and cache-written tokens included
        "completion_tokens": 50,
        "total_tokens": 1050,
        "prompt_tokens_details": {"cached_tokens": 600, "cache_write_tokens": 100},
        "completion_tokens_details": {"reasoning_tokens": 20},
    }


def test_anthropic_message_object() -> None:
    obj = sseparse.anthropic_message(completion_with_full_usage())
    message = anthropic.types.Message.model_validate(obj)
    assert [block.type for block in message.content] == ["thinking", "text", "tool_use", "tool_use"]
    assert message.content[2].input == {"city": "Zürich", "unit": "celsius"}
    assert message.stop_reason == "tool_use"
    assert obj["usage"] == {
        "input_tokens": 300,  # 1000 - 600 read from the cache - 100 written to it
        "cache_read_input_tokens": 600,
        "cache_creation_input_tokens": 100,
        "output_tokens": 50,
    }


def test_responses_response_object() -> None:
    obj = sseparse.responses_response(completion_with_full_usage())
    response = openai.types.responses.Response.model_validate(obj)
    assert response.output_text == "Je regarde la météo 🌦️\n\n à 東京."
    assert [item.type for item in response.output] == ["reasoning", "message", "function_call", "function_call"]
    assert response.status == "completed" and response.incomplete_details is None
    assert obj["usage"] == {
        "input_tokens": 1000,
        "input_tokens_details": {"cached_tokens": 600, "cache_write_tokens": 100},
        "output_tokens": 50,
        "output_tokens_details": {"reasoning_tokens": 20},
        "total_tokens": 1050,
    }


@pytest.mark.parametrize("finish", ["length", "content_filter"])
def test_responses_cut_by_a_limit_is_incomplete_with_its_reason(finish: str) -> None:
    completion = sseparse.Completion(dialect="openai-chat", content="x", finish_reason=finish, complete=True)
    obj = sseparse.responses_response(completion)
    assert obj["status"] == "incomplete"
    assert obj["incomplete_details"] == {"reason": "max_output_tokens" if finish == "length" else "content_filter"}


def test_an_anthropic_source_keeps_its_blocks() -> None:
    completion = sseparse.accumulate([write(KITCHEN_SINK, "anthropic")])
    obj = sseparse.anthropic_message(completion)
    assert obj["content"] == completion.blocks
    assert obj["id"] == "msg_01KitchenSink"


@pytest.mark.parametrize("to", [*TARGETS, "gemini"])
def test_response_object_dispatches_and_refuses_unknown_targets(to: str) -> None:
    completion = sseparse.accumulate([write(KITCHEN_SINK, "openai-chat")])
    obj = sseparse.response_object(completion, to)
    assert obj.get("id", obj.get("responseId")) == "msg_01KitchenSink"
    with pytest.raises(sseparse.DialectError):
        sseparse.response_object(completion, "gemini-ish")
    json.dumps(sseparse.response_object(completion, to), allow_nan=False)


def test_gemini_response_object_reads_back_as_the_same_answer() -> None:
    obj = sseparse.gemini_response(completion_with_full_usage())
    assert obj["candidates"][0]["finishReason"] == "STOP"
    assert obj["usageMetadata"] == {
        "promptTokenCount": 1000,
        "cachedContentTokenCount": 600,
        "candidatesTokenCount": 30,
        "thoughtsTokenCount": 20,
        "totalTokenCount": 1050,
    }
    back = sseparse.accumulate([sseparse.encode_event(json.dumps(obj))], "gemini")
    assert back.complete and back.content == "Je regarde la météo 🌦️\n\n à 東京."
    assert [(c.id, c.name, c.parsed_arguments()) for c in back.tool_calls] == [
        ("toolu_01A", "get_weather", {"city": "Zürich", "unit": "celsius"}),
        ("toolu_01B", "get_time", {}),
    ]
