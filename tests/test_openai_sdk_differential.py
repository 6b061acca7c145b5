"""Differential test: sseparse accumulates what the official ``openai`` SDK accumulates.

The SDK frames the same bytes with its own SSE decoder, stops at ``[DONE]``, skips the
chunks its ``ChatCompletionStream`` skips (``object`` other than
``chat.completion.chunk``: Azure's content-filter chunk) and folds the rest with its
own ``ChatCompletionStreamState``; sseparse gets the bytes at several fragmentations.
Content, reasoning (the SDK keeps ``reasoning_content`` as an extra field), refusal,
tool calls, legacy function calls, logprobs, finish reasons, id, model and usage must
match. Runs when ``openai`` is installed (the ``test`` extra), skipped otherwise.

Streams here stay inside what the SDK handles correctly; where sseparse deliberately
differs (tool-call indexes not starting at 0, a reused index with a new id, usage
followed by a chunk without it, Azure's empty id) the quirk tests pin our behaviour.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import helpers
import sseparse

openai = pytest.importorskip("openai")
streaming = pytest.importorskip("openai._streaming")
models = pytest.importorskip("openai._models")
chat_streaming = pytest.importorskip("openai.lib.streaming.chat")
chat_types = pytest.importorskip("openai.types.chat")


# -- both sides, normalized --------------------------------------------------------------


def sdk_accumulate(data: bytes) -> dict[str, Any]:
    state = chat_streaming.ChatCompletionStreamState()
    for sse in streaming.SSEDecoder().iter_bytes(iter([data])):
        if sse.data.startswith("[DONE]"):
            break
        chunk = models.construct_type(type_=chat_types.ChatCompletionChunk, value=sse.json())
        if chunk.object != "chat.completion.chunk":  # what ChatCompletionStream skips
            continue
        state.handle_chunk(chunk)
    snapshot = state.current_completion_snapshot.to_dict()
    choices = []
    for choice in snapshot["choices"]:
        message = choice.get("message", {})
        logprobs = choice.get("logprobs")
        function_call = message.get("function_call")
        choices.append(
            {
                "index": choice["index"],
                "content": message.get("content") or "",
                "reasoning": (message.get("reasoning_content") or "") + (message.get("reasoning") or ""),
                "refusal": message.get("refusal") or "",
                "tool_calls": [
                    (call.get("id"), call["function"].get("name"), call["function"].get("arguments"))
                    for call in message.get("tool_calls") or []
                ],
                "function_call": function_call and (function_call.get("name"), function_call.get("arguments")),
                "finish_reason": choice.get("finish_reason"),
                "logprobs": logprobs
                and {"content": logprobs.get("content") or [], "refusal": logprobs.get("refusal") or []},
            }
        )
    return {"id": snapshot["id"], "model": snapshot["model"], "usage": snapshot.get("usage"), "choices": choices}


def ours(completion: sseparse.Completion) -> dict[str, Any]:
    return {
        "id": completion.id,
        "model": completion.model,
        "usage": None if completion.usage is None else completion.usage.raw,
        "choices": [
            {
                "index": choice.index,
                "content": choice.content,
                "reasoning": choice.reasoning,
                "refusal": choice.refusal,
                "tool_calls": [(call.id, call.name, call.arguments) for call in choice.tool_calls],
                "function_call": choice.function_call and (choice.function_call.name, choice.function_call.arguments),
                "finish_reason": choice.finish_reason,
                "logprobs": choice.logprobs,
            }
            for choice in completion.choices
        ],
    }


def assert_same_as_sdk(data: bytes) -> None:
    expected = sdk_accumulate(data)
    for size in (None, 1, 5, 64):
        completion = sseparse.accumulate(helpers.pieces(data, size))
        assert completion.complete
        assert ours(completion) == expected, f"differs from the openai SDK at fragment size {size}"
        if len(completion.choices) == 1:
            assert completion.content == expected["choices"][0]["content"]


# -- streams ------------------------------------------------------------------------------


def chunk(choices: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "id": "chatcmpl-D1ff",
        "object": "chat.completion.chunk",
        "created": 1733000000,
        "model": "gpt-4o-2024-08-06",
        "system_fingerprint": "fp_a7d06e42a7",
        "choices": choices,
        "usage": None,
        **extra,
    }


def choice(delta: dict[str, Any], index: int = 0, finish: str | None = None, logprobs: Any = None) -> dict[str, Any]:
    return {"index": index, "delta": delta, "logprobs": logprobs, "finish_reason": finish}


def sse(*chunks: dict[str, Any], newline: bytes = b"\n") -> bytes:
    body = b"".join(
        b"data: " + json.dumps(c, ensure_ascii=False, separators=(",", ":")).encode() + newline + newline
        for c in chunks
    )
    return body + b"data: [DONE]" + newline + newline


USAGE = {
    "prompt_tokens": 40,
    "completion_tokens": 18,
    "total_tokens": 58,
    "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
    "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
}


def text_stream(newline: bytes = b"\n") -> bytes:
    parts = ["Der", " Bär", " läuft", " über", " die", " Brücke", " —", " 熊", "が", "橋", "を", " 🐻‍❄️", "."]
    return sse(
        chunk([choice({"role": "assistant", "content": "", "refusal": None})]),
        *(chunk([choice({"content": part})]) for part in parts),
        chunk([choice({}, finish="stop")]),
        chunk([], usage=USAGE),
        newline=newline,
    )


def tool_stream() -> bytes:
    arguments = [
        json.dumps({"location": "São Paulo", "unit": "celsius"}, ensure_ascii=False),
        json.dumps({"location": "Kraków"}, ensure_ascii=False),
        "{}",
    ]
    names = ["get_weather", "get_weather", "get_time"]
    chunks = [chunk([choice({"role": "assistant", "content": None})])]
    for index, name in enumerate(names):
        call = {
            "index": index,
            "id": f"call_{index}x9",
            "type": "function",
            "function": {"name": name, "arguments": ""},
        }
        chunks.append(chunk([choice({"tool_calls": [call]})]))
        text = arguments[index]
        for start in range(0, len(text), 2):
            piece = {"index": index, "function": {"arguments": text[start : start + 2]}}
            chunks.append(chunk([choice({"tool_calls": [piece]})]))
    chunks += [chunk([choice({}, finish="tool_calls")]), chunk([], usage=USAGE)]
    return sse(*chunks)


def multiple_choices_stream() -> bytes:
    texts = [["Rot", "kehl", "chen"], ["Blau", "meise"], ["Grün", "fink", "!"]]
    chunks = [chunk([choice({"role": "assistant", "content": ""}, index=i) for i in range(3)])]
    for step in range(3):
        for index, parts in enumerate(texts):
            if step < len(parts):
                chunks.append(chunk([choice({"content": parts[step]}, index=index)]))
    chunks.append(chunk([choice({}, index=i, finish="stop" if i != 1 else "length") for i in range(3)]))
    chunks.append(chunk([], usage=USAGE))
    return sse(*chunks)


def logprobs_refusal_stream() -> bytes:
    def entry(token: str) -> dict[str, Any]:
        return {"token": token, "logprob": -0.25, "bytes": list(token.encode()), "top_logprobs": []}

    return sse(
        chunk(
            [choice({"role": "assistant", "content": None, "refusal": ""}, logprobs={"content": None, "refusal": []})]
        ),
        chunk([choice({"refusal": "Es tut"}, logprobs={"content": None, "refusal": [entry("Es"), entry(" tut")]})]),
        chunk(
            [choice({"refusal": " mir leid."}, logprobs={"content": None, "refusal": [entry(" mir"), entry(" leid.")]})]
        ),
        chunk([choice({}, finish="stop")]),
        chunk([], usage=USAGE),
    )


def reasoning_stream() -> bytes:
    return sse(
        chunk([choice({"role": "assistant", "content": None, "reasoning_content": ""})]),
        chunk([choice({"content": None, "reasoning_content": "Erst denken,"})]),
        chunk([choice({"content": None, "reasoning_content": " dann reden."})]),
        chunk([choice({"content": "Fertig", "reasoning_content": None})]),
        chunk([choice({"content": "!", "reasoning_content": None}, finish="stop")], usage=USAGE),
    )


def azure_stream() -> bytes:
    first = {
        "choices": [],
        "created": 0,
        "id": "",
        "model": "",
        "object": "",
        "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": {}}],
    }
    return sse(first, chunk([choice({"role": "assistant", "content": "Hej"})]), chunk([choice({}, finish="stop")]))


def function_call_stream() -> bytes:
    return sse(
        chunk([choice({"role": "assistant", "content": None, "function_call": {"name": "lookup", "arguments": ""}})]),
        chunk([choice({"function_call": {"arguments": '{"term": '}})]),
        chunk([choice({"function_call": {"arguments": '"Ärger"}'}})]),
        chunk([choice({}, finish="function_call")]),
    )


@pytest.mark.parametrize(
    "make",
    [
        text_stream,
        lambda: text_stream(b"\r\n"),
        tool_stream,
        multiple_choices_stream,
        logprobs_refusal_stream,
        reasoning_stream,
        azure_stream,
        function_call_stream,
    ],
    ids=[
        "text",
        "text-crlf",
        "tool-calls",
        "multiple-choices",
        "logprobs-refusal",
        "reasoning",
        "azure",
        "function-call",
    ],
)
def test_same_as_the_openai_sdk(make: Any) -> None:
    assert_same_as_sdk(make())


def test_bundled_example_same_as_the_openai_sdk() -> None:
    from pathlib import Path

    assert_same_as_sdk((Path(__file__).resolve().parent.parent / "examples" / "openai-chat.sse").read_bytes())


# -- random streams ------------------------------------------------------------------------

TEXT = st.text(st.characters(codec="utf-8"), min_size=1, max_size=6)


@st.composite
def random_stream(draw: st.DrawFn) -> bytes:
    """Content, reasoning and tool-call pieces for 1-3 choices, in a random order."""
    n = draw(st.integers(1, 3))
    calls = [0] * n  # tool calls started per choice
    chunks = [chunk([choice({"role": "assistant", "content": ""}, index=i) for i in range(n)])]
    for _ in range(draw(st.integers(0, 25))):
        index = draw(st.integers(0, n - 1))
        kind = draw(st.sampled_from(["content", "reasoning", "start", "arguments"]))
        if kind == "content":
            delta: dict[str, Any] = {"content": draw(TEXT)}
        elif kind == "reasoning":
            delta = {"content": None, "reasoning_content": draw(TEXT)}
        elif kind == "start" or calls[index] == 0:
            call = calls[index]
            calls[index] += 1
            delta = {
                "tool_calls": [
                    {
                        "index": call,
                        "id": f"call_{index}_{call}",
                        "type": "function",
                        "function": {"name": draw(st.sampled_from(["a", "b_c", "wetter"])), "arguments": draw(TEXT)},
                    }
                ]
            }
        else:
            call = draw(st.integers(0, calls[index] - 1))
            delta = {"tool_calls": [{"index": call, "function": {"arguments": draw(TEXT)}}]}
        chunks.append(chunk([choice(delta, index=index)]))
    chunks.append(
        chunk([choice({}, index=i, finish=draw(st.sampled_from(["stop", "length", "tool_calls"]))) for i in range(n)])
    )
    if draw(st.booleans()):
        chunks.append(chunk([], usage=USAGE))
    return sse(*chunks)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_stream())
def test_random_streams_same_as_the_openai_sdk(data: bytes) -> None:
    assert_same_as_sdk(data)
