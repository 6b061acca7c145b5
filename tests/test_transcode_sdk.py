"""Transcoded streams read back by the target provider's own SDK give the same answer.

Answers are drawn by hypothesis and written in each source dialect by sseparse's own
writers (first checked against that dialect's SDK), then transcoded to every target
at several fragmentations, on both implementations; the target's SDK (openai
``ChatCompletionStreamState``, openai ``ResponseStreamState``, anthropic
``MessageStream``) and sseparse itself must read the same content, reasoning,
refusal, tool calls (id, name, parsed arguments), the finish reason in the target's
words, and usage (its cache and reasoning parts too, where the dialects on the way
carry them).
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

pytest.importorskip("openai")
pytest.importorskip("anthropic")

import sseparse  # noqa: E402
from sdk_readers import READERS  # noqa: E402
from transcode_cases import (  # noqa: E402
    TARGETS,
    Answer,
    Call,
    answers,
    expected,
    fragmentations,
    ours,
    transcode,
    write,
)

PAIRS = [(source, target) for source in TARGETS for target in TARGETS]
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def check(answer: Answer, source: str, target: str, implementation: str, sizes: Any = (None, 1, 17)) -> None:
    data = write(answer, source)
    assert READERS[source](data) == expected(answer, source), f"the {source} writer's stream, read by its SDK"
    want = expected(answer, target, via=[source])
    for fragments in fragmentations(data, sizes):
        out, transcoder = transcode(fragments, target, source=source, implementation=implementation)
        assert transcoder.error is None
        assert READERS[target](out) == want
        completion = sseparse.accumulate([out], target)
        assert completion.complete
        assert ours(completion, target) == want


@pytest.mark.parametrize(("source", "target"), PAIRS)
@SETTINGS
@given(answer=answers())
def test_every_answer_reads_the_same_in_every_target(
    source: str, target: str, implementation: str, answer: Answer
) -> None:
    check(answer, source, target, implementation, sizes=(None, 7))


KITCHEN_SINK = Answer(
    id="msg_01KitchenSink",
    model="claude-sonnet-4-5",
    reasoning=("Let me think", " about\r\nZürich…"),
    text=("Je regarde ", "la météo 🌦️", "\n\n", " à 東京."),
    calls=(
        Call("toolu_01A", "get_weather", ('{"city": "Z', 'ürich", "unit"', ': "celsius"}')),
        Call("toolu_01B", "get_time", ("{}",)),
    ),
    finish="stop",
    usage=sseparse.Usage(1200, 85, 1285, {}),
)


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_cache_and_reasoning_counts_carry_over(source: str, target: str, implementation: str) -> None:
    usage = sseparse.Usage(1200, 85, 1285, {}, cached_input_tokens=700, cache_write_tokens=300, reasoning_tokens=40)
    check(attrs.evolve(KITCHEN_SINK, usage=usage), source, target, implementation, sizes=(None,))


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_text_reasoning_and_parallel_tool_calls(source: str, target: str, implementation: str) -> None:
    check(KITCHEN_SINK, source, target, implementation, sizes=(None, 1, 5, 1500))


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_the_output_reads_the_same_at_every_fragmentation(source: str, target: str) -> None:
    out, _ = transcode([write(KITCHEN_SINK, source)], target, source=source)
    want = ours(sseparse.accumulate([out], target), target)
    for size in (1, 2, 3, 7, 64):
        pieces = [out[i : i + size] for i in range(0, len(out), size)]
        assert ours(sseparse.accumulate(pieces, target), target) == want, size


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("finish", ["stop", "length", "content_filter"])
def test_finish_reasons_are_the_targets_words(target: str, finish: str, implementation: str) -> None:
    answer = Answer(id="chatcmpl-9", model="m", text=("x",), finish=finish)
    check(answer, "openai-chat", target, implementation, sizes=(None,))
    words = {
        "openai-chat": {"stop": "stop", "length": "length", "content_filter": "content_filter"},
        "anthropic": {"stop": "end_turn", "length": "max_tokens", "content_filter": "refusal"},
        "openai-responses": {"stop": "completed", "length": "max_output_tokens", "content_filter": "content_filter"},
    }
    out, _ = transcode([write(answer, "openai-chat")], target)
    assert sseparse.accumulate([out]).finish_reason == words[target][finish]


@pytest.mark.parametrize("target", TARGETS)
def test_a_forced_tool_call_that_says_stop_is_a_tool_call(target: str) -> None:
    answer = Answer(id="chatcmpl-9", model="m", calls=(Call("call_1", "f", ("{}",)),), finish="stop")
    out, _ = transcode([write(answer, "openai-chat")], target)
    assert READERS[target](out)["finish_reason"] == {"openai-chat": "tool_calls", "anthropic": "tool_use",
                                                      "openai-responses": "completed"}[target]


@pytest.mark.parametrize("target", TARGETS)
def test_a_lone_surrogate_escape_survives(target: str) -> None:
    source = (
        b'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,'
        b'"delta":{"role":"assistant","content":"a\\ud800b"},"finish_reason":null}]}\n\n'
        b'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,'
        b'"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'
    )
    out, transcoder = transcode([source], target)
    assert transcoder.error is None
    out.decode("utf-8")  # valid UTF-8: the surrogate is written back as its JSON escape
    assert sseparse.accumulate([out]).content == "a\ud800b"
