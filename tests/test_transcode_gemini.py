"""The ``gemini`` target, read back by sseparse (the google-genai SDK is not among the
test dependencies): every source dialect's answers come out with the same text,
reasoning, tool calls (whole ``functionCall`` parts), the finish reason in Gemini's
words and ``usageMetadata``; a cut upstream ends with an error object and no finish
reason, so that a reader never takes it for a whole answer."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import helpers
import sseparse
from transcode_cases import TARGETS, Answer, Call, answers, fragmentations, transcode, write

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
GEMINI_WORDS = {"stop": "STOP", "length": "MAX_TOKENS", "content_filter": "SAFETY"}


def expected(answer: Answer, source: str) -> dict[str, Any]:
    usage = answer.usage
    if usage is None and source == "anthropic":  # its events carry zeros when nothing is known
        usage = sseparse.Usage(0, 0, 0, {})
    return {
        "id": answer.id,
        "model": answer.model,
        "content": "".join(answer.text) + "".join(answer.refusal),  # Gemini has no refusal field
        "reasoning": "".join(answer.reasoning),
        "tool_calls": [(call.id, call.name, call.arguments) for call in answer.calls],
        "finish_reason": GEMINI_WORDS[answer.finish],
        "tokens": None if usage is None else (usage.input_tokens, usage.output_tokens, usage.total_tokens),
    }


def read(out: bytes) -> dict[str, Any]:
    completion = sseparse.accumulate([out], "gemini")
    assert completion.complete
    usage = completion.usage
    return {
        **helpers.answer_view(completion),
        "finish_reason": completion.finish_reason,
        "tokens": None if usage is None else (usage.input_tokens, usage.output_tokens, usage.total_tokens),
    }


@pytest.mark.parametrize("source", TARGETS)
@SETTINGS
@given(answer=answers())
def test_every_answer_reads_the_same_as_gemini(source: str, implementation: str, answer: Answer) -> None:
    data = write(answer, source)
    for fragments in fragmentations(data, (None, 7)):
        out, transcoder = transcode(fragments, "gemini", source=source, implementation=implementation)
        assert transcoder.error is None
        assert read(out) == expected(answer, source)


def test_usage_metadata_counts_thinking_apart() -> None:
    usage = sseparse.Usage(500, 90, 590, {}, cached_input_tokens=200, reasoning_tokens=60)
    writer = sseparse.writer_for("gemini")
    out = writer.write([sseparse.TextDelta(0, "x"), sseparse.FinishDelta(0, "stop"), sseparse.UsageDelta(usage)])
    out += writer.end()
    last = sseparse.EventParser().feed(out)[-1].json()
    assert last["usageMetadata"] == {
        "promptTokenCount": 500,
        "cachedContentTokenCount": 200,
        "candidatesTokenCount": 30,
        "thoughtsTokenCount": 60,
        "totalTokenCount": 590,
    }
    assert last["candidates"][0]["finishReason"] == "STOP"


def test_a_stream_without_a_finish_reason_still_ends_with_stop() -> None:
    writer = sseparse.writer_for("gemini")
    out = writer.write([sseparse.TextDelta(0, "x")]) + writer.end()
    completion = sseparse.accumulate([out], "gemini")
    assert completion.complete and completion.finish_reason == "STOP"


@pytest.mark.parametrize("source", TARGETS)
def test_a_cut_upstream_is_an_error_not_a_finish(source: str) -> None:
    answer = Answer(id="r1", model="m", text=("Hallo", " Welt"), calls=(Call("c1", "f", ('{"a":', "1}")),))
    data = write(answer, source)
    out, transcoder = transcode([data[: len(data) // 2]], "gemini", source=source)
    assert transcoder.error is not None
    assert b"finishReason" not in out
    with pytest.raises(sseparse.ProviderError):
        sseparse.accumulate([out], "gemini")


def test_a_tool_call_is_one_whole_function_call_part() -> None:
    answer = Answer(id="r1", model="m", calls=(Call("c1", "get_weather", ('{"city": "Z', 'ürich"}')),))
    out, _ = transcode([write(answer, "openai-chat")], "gemini")
    parts = [part for event in sseparse.EventParser().feed(out)
             for part in event.json()["candidates"][0]["content"]["parts"] if "functionCall" in part]
    assert parts == [{"functionCall": {"id": "c1", "name": "get_weather", "args": {"city": "Zürich"}}}]
