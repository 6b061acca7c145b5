"""The gemini dialect: what a ``streamGenerateContent?alt=sse`` stream accumulates to.

Every stream here is written to look like what the Gemini API and Vertex AI send:
one ``data:`` event per ``GenerateContentResponse`` chunk, lines ending with CRLF
(as Google's servers send them) or LF, no end marker, cumulative ``usageMetadata``
on every chunk. Each is fed at many fragmentations (1, 2, 3, 7 and 64 bytes, whole,
and every split point for the short ones): the ``Completion`` and the deltas must not
depend on where the bytes were cut.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sseparse
from sseparse import (
    Accumulator,
    ChunkDecodeError,
    Completion,
    FinishDelta,
    ProviderError,
    ReasoningDelta,
    SseparseError,
    TextDelta,
    ToolCall,
    ToolCallArgumentsDelta,
    ToolCallStart,
    Usage,
    UsageDelta,
)

# -- writing streams ------------------------------------------------------------------

RESPONSE_ID = "fKqLabWmJ9i-nsEPh8yIwQ4"
MODEL = "gemini-2.5-flash"


def usage(prompt: int = 12, candidates: int = 0, thoughts: int | None = None, **extra: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "promptTokenCount": prompt,
        "candidatesTokenCount": candidates,
        "totalTokenCount": prompt + candidates + (thoughts or 0),
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": prompt}],
    }
    if thoughts is not None:
        obj["thoughtsTokenCount"] = thoughts
    obj.update(extra)
    return obj


def chunk(*parts: dict[str, Any], finish: str | None = None, index: int | None = None, **extra: Any) -> dict[str, Any]:
    """One ``GenerateContentResponse`` as the API streams it."""
    candidate: dict[str, Any] = {"content": {"parts": list(parts), "role": "model"}}
    if finish is not None:
        candidate["finishReason"] = finish
    if index is not None:
        candidate["index"] = index
    obj: dict[str, Any] = {"candidates": [candidate], "modelVersion": MODEL, "responseId": RESPONSE_ID}
    obj.update(extra)
    return obj


def text(value: str, **extra: Any) -> dict[str, Any]:
    return {"text": value, **extra}


def sse(*chunks: Any, newline: bytes = b"\r\n") -> bytes:
    out = []
    for item in chunks:
        data = item if isinstance(item, str) else json.dumps(item, ensure_ascii=False, separators=(",", ":"))
        out.append(b"data: " + data.encode() + newline + newline)
    return b"".join(out)


def pieces(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)] or [b""]


def fragmentations(data: bytes, *, every_split: bool = False) -> Iterable[list[bytes]]:
    yield [data]
    for size in (1, 2, 3, 7, 64):
        yield pieces(data, size)
    if every_split:
        for cut in range(1, len(data)):
            yield [data[:cut], data[cut:]]


def feed_all(fragments: Iterable[bytes], dialect: str = "auto") -> tuple[Completion, list[Any], str | None]:
    """The Completion, the deltas and the name of the error raised, if any.

    Through ``iter_deltas``, which also yields the deltas of a whole event the stream
    ended inside of (Gemini has no end marker, so that event can be the last one).
    """
    stream = sseparse.iter_deltas(fragments, dialect, on_incomplete="ignore")
    deltas: list[Any] = []
    raised: str | None = None
    try:
        deltas.extend(stream)
    except SseparseError as exc:
        deltas.extend(exc.deltas)
        raised = type(exc).__name__
    return stream.completion, deltas, raised


def accumulate_everywhere(data: bytes, *, every_split: bool = False) -> tuple[Completion, list[Any]]:
    """The Completion and deltas of ``data``, checked identical at every fragmentation
    and under both ``auto`` and the explicit dialect; the deltas glue to the fields."""
    expected = feed_all([data])
    for fragments in fragmentations(data, every_split=every_split):
        assert feed_all(fragments) == expected, f"differs when fed in {len(fragments)} fragments"
        assert feed_all(fragments, "gemini") == expected
    quiet = Accumulator(deltas=False)
    with contextlib.suppress(SseparseError):
        for fragment in pieces(data, 5):
            assert quiet.feed(fragment) == []
    with contextlib.suppress(SseparseError):
        quiet.close()
    assert quiet.completion == expected[0]
    completion, deltas, _ = expected
    for choice in completion.choices:
        assert "".join(d.text for d in deltas if type(d) is TextDelta and d.choice == choice.index) == choice.content
        reasoning = "".join(d.text for d in deltas if type(d) is ReasoningDelta and d.choice == choice.index)
        assert reasoning == choice.reasoning
        for call in choice.tool_calls:
            glued = "".join(
                d.arguments
                for d in deltas
                if type(d) is ToolCallArgumentsDelta and d.choice == choice.index and d.index == call.index
            )
            assert glued == call.arguments
    return completion, deltas


# -- text -------------------------------------------------------------------------------

NON_ASCII_PARTS = ["Grüße", " aus", " Zürich", " —", " 東京", "は", "晴れ", " 🌤️", ", «ça", " va»", "?"]
FINAL_USAGE = usage(12, 11)


def text_stream(newline: bytes = b"\r\n") -> bytes:
    chunks = [
        chunk(text(part), usageMetadata=usage(12, number + 1)) for number, part in enumerate(NON_ASCII_PARTS[:-1])
    ]
    chunks.append(chunk(text(NON_ASCII_PARTS[-1]), finish="STOP", usageMetadata=FINAL_USAGE))
    return sse(*chunks, newline=newline)


@pytest.mark.parametrize("newline", [b"\r\n", b"\n"], ids=["crlf", "lf"])
def test_text_with_non_ascii_at_every_fragmentation(newline: bytes) -> None:
    completion, deltas = accumulate_everywhere(text_stream(newline))
    assert completion.dialect == "gemini"
    assert completion.content == "".join(NON_ASCII_PARTS)
    assert (completion.id, completion.model) == (RESPONSE_ID, MODEL)
    assert completion.finish_reason == "STOP"
    assert completion.complete is True
    assert completion.error is None
    assert completion.usage == Usage(12, 11, 23, FINAL_USAGE)
    assert completion.blocks == [{"text": "".join(NON_ASCII_PARTS)}]  # plain text parts glued
    assert [d.text for d in deltas if type(d) is TextDelta] == NON_ASCII_PARTS
    assert deltas[-2:] == [FinishDelta(0, "STOP"), UsageDelta(completion.usage)]


def test_small_crlf_stream_split_at_every_byte() -> None:
    data = sse(chunk(text("Ça 🎉")), chunk(text("!"), finish="STOP", usageMetadata=usage(3, 2)))
    completion, deltas = accumulate_everywhere(data, every_split=True)
    assert completion.content == "Ça 🎉!"
    assert deltas == [
        TextDelta(0, "Ça 🎉"),
        TextDelta(0, "!"),
        FinishDelta(0, "STOP"),
        UsageDelta(Usage(3, 2, 5, usage(3, 2))),
    ]


def test_usage_is_the_last_report_with_counts() -> None:
    """Cumulative: the last wins; Vertex's count-less ``{"trafficType": ...}`` erases nothing."""
    data = sse(
        chunk(text("a"), usageMetadata=usage(5, 1)),
        chunk(text("b"), usageMetadata={"trafficType": "ON_DEMAND"}),
        chunk(text("c"), finish="STOP", usageMetadata=usage(5, 3, trafficType="ON_DEMAND")),
        chunk(usageMetadata={"trafficType": "ON_DEMAND"}),
    )
    completion, deltas = accumulate_everywhere(data)
    assert completion.usage == Usage(5, 3, 8, usage(5, 3, trafficType="ON_DEMAND"))
    assert [d.usage.output_tokens for d in deltas if type(d) is UsageDelta] == [1, 3]


def test_thinking_tokens_count_as_output() -> None:
    raw = usage(9, 23, 185, toolUsePromptTokenCount=4, cachedContentTokenCount=2)
    raw["totalTokenCount"] = 9 + 4 + 23 + 185
    completion, _ = accumulate_everywhere(sse(chunk(text("x"), finish="STOP", usageMetadata=raw)))
    # input: prompt + tool-use prompt; output: answer + thoughts; so input + output == total
    assert completion.usage == Usage(13, 208, 221, raw)


def test_vertex_create_time_is_created() -> None:
    data = sse(chunk(text("x"), finish="STOP", createTime="2026-04-02T17:03:50.399550Z"))
    completion, _ = accumulate_everywhere(data)
    assert completion.created == 1775149430
    assert sseparse.accumulate([sse(chunk(text("x"), createTime="yesterday"))]).created is None


# -- thoughts and signatures ----------------------------------------------------------------


def test_thought_parts_are_reasoning_and_signed_parts_stay_whole() -> None:
    data = sse(
        chunk(text("**Counting**\n\nLet me", thought=True)),
        chunk(text(" count the r's.", thought=True)),
        chunk(text("There are"), usageMetadata=usage(9, 3, 40)),
        chunk(text(" 3 r's."), usageMetadata=usage(9, 8, 40)),
        chunk(text("", thoughtSignature="EqsFCqgFAb4+sig=="), finish="STOP", usageMetadata=usage(9, 8, 40)),
    )
    completion, deltas = accumulate_everywhere(data)
    assert completion.reasoning == "**Counting**\n\nLet me count the r's."
    assert completion.content == "There are 3 r's."
    assert completion.blocks == [
        {"text": "**Counting**\n\nLet me count the r's.", "thought": True},
        {"text": "There are 3 r's."},
        {"text": "", "thoughtSignature": "EqsFCqgFAb4+sig=="},  # never merged with unsigned text
    ]
    assert [type(d) for d in deltas[:3]] == [ReasoningDelta, ReasoningDelta, TextDelta]
    assert completion.usage is not None and completion.usage.output_tokens == 48


def test_a_signed_text_part_is_content_and_its_own_block() -> None:
    data = sse(
        chunk(text("Ich ")),
        chunk(text("denke", thoughtSignature="c2ln")),
        chunk(text(" nach."), finish="STOP"),
    )
    completion, _ = accumulate_everywhere(data)
    assert completion.content == "Ich denke nach."
    assert completion.blocks == [{"text": "Ich "}, {"text": "denke", "thoughtSignature": "c2ln"}, {"text": " nach."}]


def test_other_parts_are_kept_as_blocks() -> None:
    code = {"executableCode": {"language": "PYTHON", "code": "print(2 + 2)"}}
    result = {"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "4\n"}}
    image = {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}}
    data = sse(chunk(text("Rechne:")), chunk(code, result), chunk(image), chunk(text("Vier."), finish="STOP"))
    completion, _ = accumulate_everywhere(data)
    assert completion.content == "Rechne:Vier."
    assert completion.blocks == [{"text": "Rechne:"}, code, result, image, {"text": "Vier."}]


# -- function calls ---------------------------------------------------------------------------


def test_function_calls_with_whole_args() -> None:
    signed = {
        "functionCall": {"name": "get_weather", "args": {"city": "Zürich", "unit": "celsius"}},
        "thoughtSignature": "CiMBjz1rX25K",
    }
    with_id = {"functionCall": {"id": "call_8s2", "name": "get_time", "args": {"tz": "Asia/Tokyo"}}}
    no_args = {"functionCall": {"name": "ping"}}
    data = sse(
        chunk(text("Ich schaue nach.")),
        chunk(signed, with_id),
        chunk(no_args, finish="STOP", usageMetadata=usage(30, 15, 45)),
    )
    completion, deltas = accumulate_everywhere(data)
    assert completion.tool_calls == [
        ToolCall(0, None, "get_weather", '{"city":"Zürich","unit":"celsius"}'),
        ToolCall(1, "call_8s2", "get_time", '{"tz":"Asia/Tokyo"}'),
        ToolCall(2, None, "ping", "{}"),
    ]
    assert completion.tool_calls[0].parsed_arguments() == {"city": "Zürich", "unit": "celsius"}
    assert completion.finish_reason == "STOP"  # Gemini says STOP after calls too
    assert completion.blocks == [{"text": "Ich schaue nach."}, signed, with_id, no_args]
    assert [d for d in deltas if type(d) is ToolCallStart] == [
        ToolCallStart(0, 0, None, "get_weather"),
        ToolCallStart(0, 1, "call_8s2", "get_time"),
        ToolCallStart(0, 2, None, "ping"),
    ]
    acc = Accumulator()
    acc.feed(data)
    assert acc.partial_arguments(1) == {"tz": "Asia/Tokyo"}


def streamed_call_stream() -> bytes:
    """Vertex AI's ``streamFunctionCallArguments``: two calls, arguments in pieces."""

    def fc(**call: Any) -> dict[str, Any]:
        return {"functionCall": call}

    return sse(
        chunk(
            {**fc(name="book", willContinue=True), "thoughtSignature": "CiMBsig"},
            usageMetadata={"trafficType": "ON_DEMAND"},
        ),
        chunk(fc(partialArgs=[{"jsonPath": "$.city", "stringValue": "San ", "willContinue": True}], willContinue=True)),
        chunk(fc(partialArgs=[{"jsonPath": "$.city", "stringValue": "Francisco"}], willContinue=True)),
        chunk(
            fc(
                partialArgs=[
                    {"jsonPath": "$.guests", "numberValue": 2},
                    {"jsonPath": "$.vegan", "boolValue": True},
                    {"jsonPath": "$.note", "nullValue": None},
                    {"jsonPath": "$.dates[0]", "stringValue": "2026-05-01"},
                    {"jsonPath": "$.dates[1]", "stringValue": "2026-05-0", "willContinue": True},
                ],
                willContinue=True,
            )
        ),
        chunk(
            fc(
                partialArgs=[
                    {"jsonPath": "$.dates[1]", "stringValue": "3"},
                    {"jsonPath": "$.room.type", "stringValue": 'double "deluxe" — 東'},
                    {"jsonPath": "$.room.floor", "numberValue": 3.5},
                ],
                willContinue=True,
            )
        ),
        chunk(fc()),
        chunk(fc(name="confirm", willContinue=True)),
        chunk(fc(partialArgs=[{"jsonPath": "$.ok", "boolValue": False}], willContinue=True)),
        chunk(fc(), finish="STOP", usageMetadata=usage(26, 23, 132, trafficType="ON_DEMAND")),
    )


BOOKING = {
    "city": "San Francisco",
    "guests": 2,
    "vegan": True,
    "note": None,
    "dates": ["2026-05-01", "2026-05-03"],
    "room": {"type": 'double "deluxe" — 東', "floor": 3.5},
}


def compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_streamed_function_call_arguments_are_rebuilt() -> None:
    completion, deltas = accumulate_everywhere(streamed_call_stream())
    assert completion.tool_calls == [
        ToolCall(0, None, "book", compact(BOOKING)),
        ToolCall(1, None, "confirm", '{"ok":false}'),
    ]
    assert completion.tool_calls[0].parsed_arguments() == BOOKING
    pieces_of_first = [d.arguments for d in deltas if type(d) is ToolCallArgumentsDelta and d.index == 0]
    assert pieces_of_first[0] == '{"city":"San '  # the open string shows while it arrives
    assert pieces_of_first[2] == ',"guests":2,"vegan":true,"note":null,"dates":["2026-05-01","2026-05-0'
    assert pieces_of_first[-1] == "}}"  # the last piece of the call closes what is open
    assert completion.blocks == [
        {"functionCall": {"name": "book", "args": BOOKING}, "thoughtSignature": "CiMBsig"},
        {"functionCall": {"name": "confirm", "args": {"ok": False}}},
    ]
    assert completion.complete


def test_streamed_arguments_partial_value_grows() -> None:
    data = streamed_call_stream()
    acc = Accumulator()
    seen: list[Any] = []
    for event in sseparse.iter_events([data]):
        acc.feed_event(event)
        with contextlib.suppress(IndexError):
            seen.append(copy.deepcopy(acc.partial_arguments(0)))
    assert {"city": "San "} in seen
    assert seen[-1] == BOOKING
    assert acc.close().tool_calls[0].parsed_arguments() == BOOKING


def test_cut_inside_a_streamed_call_shows_the_text_so_far() -> None:
    data = streamed_call_stream()
    cut = data[: data.index(b'"numberValue"')]
    cut = cut[: cut.rindex(b"data:")]  # just before the fourth chunk
    completion, _ = accumulate_everywhere(cut)
    assert completion.tool_calls == [ToolCall(0, None, "book", '{"city":"San Francisco"')]
    assert completion.complete is False
    assert completion.blocks == [
        {"functionCall": {"name": "book", "args": {"city": "San Francisco"}}, "thoughtSignature": "CiMBsig"}
    ]


def test_streamed_arguments_with_a_gap_in_a_list() -> None:
    """``$.a[1]`` before ``$.a[0]`` was sent: the list's hole is a null in the final
    object, which the text written so far cannot say; it stops there, and the partial
    value and the final arguments agree once the call is over (found by hypothesis)."""

    def fc(**call: Any) -> dict[str, Any]:
        return {"functionCall": call}

    data = sse(
        chunk(fc(name="f", willContinue=True)),
        chunk(fc(partialArgs=[{"jsonPath": "$.k", "numberValue": 1}], willContinue=True)),
        chunk(fc(partialArgs=[{"jsonPath": "$.a[1].c", "nullValue": None}], willContinue=False)),
        chunk(text("ok"), finish="STOP"),
    )
    completion, deltas, _ = feed_all([data])
    assert completion.tool_calls[0].arguments == '{"k":1,"a":[null,{"c":null}]}'
    pieces = [d.arguments for d in deltas if type(d) is ToolCallArgumentsDelta]
    assert pieces == ['{"k":1', ',"a":[null,{"c":null}]}']  # nothing more until the call ended
    acc = Accumulator("gemini")
    acc.feed(data)
    assert acc.partial_arguments(0) == {"k": 1, "a": [None, {"c": None}]}


def test_a_streamed_call_still_open_at_the_end_is_a_cut_stream() -> None:
    """A finish reason came (a blocked prompt), then a call announced more arguments
    (willContinue) and the stream ended: not complete, even with a finish reason."""

    def fc(**call: Any) -> dict[str, Any]:
        return {"functionCall": call}

    data = sse(
        {"candidates": [{"content": {"parts": [], "role": "model"}}], "promptFeedback": {"blockReason": "SAFETY"}},
        chunk(fc(name="f", partialArgs=[{"jsonPath": "$.a", "nullValue": None}], willContinue=True)),
    )
    completion, _, _ = feed_all([data])
    assert completion.complete is False
    assert completion.error is not None and completion.error["type"] == "incomplete_stream"
    assert completion.tool_calls[0].arguments == '{"a":null'


def test_streamed_arguments_out_of_order_still_give_the_whole_object() -> None:
    def fc(**call: Any) -> dict[str, Any]:
        return {"functionCall": call}

    data = sse(
        chunk(fc(name="f", willContinue=True)),
        chunk(fc(partialArgs=[{"jsonPath": "$.a.x", "numberValue": 1}], willContinue=True)),
        chunk(fc(partialArgs=[{"jsonPath": "$.b", "numberValue": 2}], willContinue=True)),
        chunk(fc(partialArgs=[{"jsonPath": "$.a.y", "numberValue": 3}], willContinue=True)),  # back into "a"
        chunk(fc(partialArgs=[{"jsonPath": "$.b", "stringValue": "again"}])),
        chunk(text("ok"), finish="STOP"),
    )
    completion, deltas, _ = feed_all([data])
    assert completion.tool_calls[0].parsed_arguments() == {"a": {"x": 1, "y": 3}, "b": "again"}
    assert completion.tool_calls[0].arguments == '{"a":{"x":1,"y":3},"b":"again"}'
    shown = "".join(d.arguments for d in deltas if type(d) is ToolCallArgumentsDelta)
    assert shown == '{"a":{"x":1},"b":2'  # the text stopped where it could no longer say it
    for fragments in fragmentations(data):
        assert feed_all(fragments) == (completion, deltas, None)


def test_strange_json_paths() -> None:
    def fc(**call: Any) -> dict[str, Any]:
        return {"functionCall": call}

    data = sse(
        chunk(fc(name="f", willContinue=True)),
        chunk(
            fc(
                partialArgs=[
                    {"jsonPath": "$['a key.with dots']", "stringValue": "v"},
                    {"jsonPath": "$.list[2]", "numberValue": 7},  # a gap: filled with nulls
                    {"jsonPath": "no dollar", "stringValue": "skipped"},
                    {"jsonPath": "$.list.name", "stringValue": "a key into a list: skipped"},
                    {"jsonPath": "$.nothing"},
                ]
            )
        ),
        chunk(finish="STOP"),
    )
    completion, _, raised = feed_all([data])
    assert raised is None
    assert completion.tool_calls[0].parsed_arguments() == {"a key.with dots": "v", "list": [None, None, 7]}


# -- finish, candidates, blocked prompts -------------------------------------------------------


@pytest.mark.parametrize("reason", ["MAX_TOKENS", "SAFETY", "RECITATION", "MALFORMED_FUNCTION_CALL"])
def test_finish_reason_is_the_providers_own(reason: str) -> None:
    completion, deltas = accumulate_everywhere(sse(chunk(text("Once upon")), chunk(finish=reason)))
    assert completion.finish_reason == reason
    assert completion.complete is True
    assert FinishDelta(0, reason) in deltas


def test_multiple_candidates_are_choices() -> None:
    data = sse(
        {
            "candidates": [
                {"content": {"parts": [text("Rot")], "role": "model"}, "index": 0},
                {"content": {"parts": [text("Blau")], "role": "model"}, "index": 1},
            ],
            "modelVersion": MODEL,
        },
        chunk(text("kehlchen"), finish="STOP"),
        chunk(text("meise"), finish="MAX_TOKENS", index=1, usageMetadata=usage(4, 6)),
    )
    completion, _ = accumulate_everywhere(data)
    assert [(c.index, c.content, c.finish_reason) for c in completion.choices] == [
        (0, "Rotkehlchen", "STOP"),
        (1, "Blaumeise", "MAX_TOKENS"),
    ]
    assert completion.content == "Rotkehlchen"
    assert completion.complete


def test_not_complete_until_every_candidate_finished() -> None:
    data = sse(chunk(text("a"), finish="STOP"), chunk(text("b"), index=1))
    completion, _ = accumulate_everywhere(data)
    assert completion.complete is False
    assert completion.error is not None and completion.error["type"] == "incomplete_stream"


@pytest.mark.parametrize("reason", ["SAFETY", "PROHIBITED_CONTENT", "OTHER"])
def test_blocked_prompt_is_the_finish_reason(reason: str) -> None:
    feedback = {
        "blockReason": reason,
        "safetyRatings": [{"category": "HARM_CATEGORY_HARASSMENT", "probability": "HIGH"}],
    }
    data = sse({"promptFeedback": feedback, "usageMetadata": usage(8, 0), "modelVersion": MODEL})
    completion, deltas = accumulate_everywhere(data)
    assert completion.finish_reason == reason
    assert completion.complete is True
    assert completion.content == ""
    assert completion.extra == {"promptFeedback": feedback}
    assert deltas[0] == FinishDelta(0, reason)


@pytest.mark.parametrize("reason", ["", "BLOCK_REASON_UNSPECIFIED", "BLOCKED_REASON_UNSPECIFIED"])
def test_unspecified_block_reason_blocks_nothing(reason: str) -> None:
    data = sse({"promptFeedback": {"blockReason": reason}}, chunk(text("Hallo"), finish="STOP"))
    completion, _ = accumulate_everywhere(data)
    assert (completion.content, completion.finish_reason) == ("Hallo", "STOP")


def test_cut_before_a_finish_reason_keeps_everything() -> None:
    completion, _ = accumulate_everywhere(sse(chunk(text("Half an ")), chunk(text("ans"))))
    assert completion.content == "Half an ans"
    assert completion.complete is False
    assert completion.error is not None and completion.error["type"] == "incomplete_stream"
    assert "finishReason" in completion.error["message"]


def test_cut_inside_an_event_after_the_finish_is_not_complete() -> None:
    data = sse(chunk(text("done"), finish="STOP")) + b'data: {"candidates":[{"content":'
    completion, _ = accumulate_everywhere(data)
    assert completion.content == "done"
    assert completion.complete is False  # an event was lost
    assert completion.error is not None and completion.error["pending_data_prefix"] is not None


def test_whole_last_event_without_its_blank_line_is_used() -> None:
    data = sse(chunk(text("a")), chunk(text("b"), finish="STOP"))[:-2]
    completion, _ = accumulate_everywhere(data)
    assert completion.content == "ab" and completion.complete


def test_done_sentinel_from_a_gateway_does_not_end_the_stream() -> None:
    """[DONE] is OpenAI's end marker: skipped here, and only a finish reason ends the stream."""
    completion, _ = accumulate_everywhere(sse(chunk(text("a"))) + b"data: [DONE]\r\n\r\n")
    assert completion.content == "a" and not completion.complete


# -- errors -------------------------------------------------------------------------------------

QUOTA = {"code": 429, "message": "Resource has been exhausted (e.g. check quota).", "status": "RESOURCE_EXHAUSTED"}


def test_error_object_mid_stream_keeps_the_partial_result() -> None:
    data = sse(chunk(text("So far")), {"error": QUOTA}, chunk(text(" never")))
    for fragments in fragmentations(data):
        completion, deltas, raised = feed_all(fragments)
        assert raised == "ProviderError"
        assert completion.content == "So far"
        assert completion.complete is False
        assert completion.error is not None
        assert completion.error["type"] == "provider_error"
        assert completion.error["provider_error"] == QUOTA
        assert (completion.error["code"], completion.error["message"]) == ("429", QUOTA["message"])
        assert deltas == [TextDelta(0, "So far")]


def test_error_as_the_first_event_is_detected_as_gemini() -> None:
    with pytest.raises(ProviderError, match="RESOURCE_EXHAUSTED|exhausted") as info:
        sseparse.accumulate([sse({"error": QUOTA})])
    assert info.value.dialect == "gemini"
    assert info.value.error == QUOTA
    assert info.value.completion is not None and info.value.completion.dialect == "gemini"


def test_malformed_json_names_the_event_and_keeps_what_came_before() -> None:
    data = sse(chunk(text("Before")), '{"candidates": [', chunk(text("after")))
    for fragments in fragmentations(data):
        completion, _, raised = feed_all(fragments)
        assert raised == "ChunkDecodeError"
        assert completion.content == "Before"
    with pytest.raises(ChunkDecodeError, match=r"event #1 .*not valid JSON"):
        sseparse.accumulate([data])


@pytest.mark.parametrize(
    "obj",
    [
        {"candidates": "none"},
        {"candidates": [{"content": {"parts": ["just text"]}}]},
        {"candidates": [{"content": {"parts": [{"functionCall": "f"}]}}]},
        {"candidates": [{"index": -1, "content": {"parts": [{"text": "x"}]}}]},
        {"candidates": [{"finishReason": 3}]},
        [{"candidates": []}],
    ],
    ids=["candidates-not-list", "part-not-object", "call-not-object", "negative-index", "reason-not-text", "array"],
)
def test_chunks_of_the_wrong_shape_raise_chunk_decode_error(obj: Any) -> None:
    with pytest.raises(ChunkDecodeError):
        sseparse.accumulate([sse(chunk(text("x")), obj)], "gemini")


# -- drivers and the command line -----------------------------------------------------------------


def test_iter_deltas_and_accumulate_agree() -> None:
    data = streamed_call_stream()
    expected, expected_deltas, _ = feed_all([data])
    stream = sseparse.iter_deltas(pieces(data, 11))
    assert list(stream) == expected_deltas
    assert stream.completion == expected
    assert sseparse.accumulate(pieces(data, 3), "gemini") == expected


def run_cli(data: bytes, *args: str) -> tuple[int, dict[str, Any]]:
    cwd = Path(sseparse.__file__).resolve().parent.parent
    proc = subprocess.run(
        [sys.executable, "-m", "sseparse", "accumulate", *args], input=data, capture_output=True, cwd=cwd, check=False
    )
    return proc.returncode, json.loads(proc.stdout)


@pytest.mark.parametrize("size", [None, 1, 7])
def test_cli_accumulates_a_gemini_stream(size: int | None) -> None:
    data = streamed_call_stream()
    code, result = run_cli(data, "--dialect", "auto", *([] if size is None else ["--chunk-size", str(size)]))
    assert code == 0
    assert result == sseparse.accumulate([data]).to_dict()
    assert result["dialect"] == "gemini"
    assert json.loads(result["tool_calls"][0]["arguments"]) == BOOKING


def test_cli_exits_1_on_a_cut_stream_with_the_partial_result() -> None:
    code, result = run_cli(sse(chunk(text("Half"))))
    assert code == 1
    assert (result["content"], result["complete"]) == ("Half", False)
    assert result["error"]["type"] == "incomplete_stream"


# -- properties ------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_split_points_give_the_same_result(data: st.DataObject) -> None:
    stream = streamed_call_stream()
    cuts = sorted(data.draw(st.sets(st.integers(1, len(stream) - 1), max_size=40)))
    bounds = [0, *cuts, len(stream)]
    assert feed_all(stream[a:b] for a, b in itertools.pairwise(bounds)) == feed_all([stream])


KEYS = [
    "candidates",
    "content",
    "parts",
    "text",
    "thought",
    "thoughtSignature",
    "functionCall",
    "name",
    "args",
    "id",
    "partialArgs",
    "jsonPath",
    "stringValue",
    "numberValue",
    "willContinue",
    "finishReason",
    "index",
    "usageMetadata",
    "promptFeedback",
    "blockReason",
    "error",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.recursive(
            st.none() | st.booleans() | st.integers(-1, 3) | st.sampled_from(["$.a", "$.a[0]", "$", "STOP"]),
            lambda children: (
                st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(KEYS), children, max_size=4)
            ),
            max_leaves=25,
        ),
        min_size=1,
        max_size=5,
    )
)
def test_any_json_chunks_give_a_result_or_an_sseparse_error(chunks: list[Any]) -> None:
    acc = Accumulator("gemini")
    with contextlib.suppress(SseparseError):
        acc.feed(sse(*chunks))
    with contextlib.suppress(SseparseError):
        acc.close()
    json.dumps(acc.completion.to_dict())


def leaves(value: Any, path: str = "$") -> list[tuple[str, Any]]:
    """The (jsonPath, leaf) pairs of ``value`` in document order."""
    if isinstance(value, dict):
        return [pair for key, child in value.items() for pair in leaves(child, f"{path}.{key}")]
    if isinstance(value, list):
        return [pair for number, child in enumerate(value) for pair in leaves(child, f"{path}[{number}]")]
    return [(path, value)]


KEY = st.text(st.characters(codec="utf-8", exclude_characters=".[]'\"\\"), min_size=1, max_size=4)
ARGS = st.dictionaries(
    KEY,
    st.recursive(
        st.none() | st.booleans() | st.integers(-9, 99) | st.floats(-5, 5, allow_nan=False) | st.text(max_size=8),
        lambda children: (
            st.lists(children, min_size=1, max_size=3) | st.dictionaries(KEY, children, min_size=1, max_size=3)
        ),
        max_leaves=12,
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=150, deadline=None)
@given(ARGS, st.data())
def test_streamed_arguments_rebuild_any_object(args: dict[str, Any], data: st.DataObject) -> None:
    """Any object sent as partialArgs in document order, strings in random pieces and the
    pieces spread over chunks at random, comes back as its compact JSON, deltas glued."""
    pieces: list[dict[str, Any]] = []
    for path, value in leaves(args):
        if isinstance(value, str):
            cuts = sorted(data.draw(st.sets(st.integers(0, len(value)), max_size=3)))
            bounds = [0, *cuts, len(value)]
            parts = [value[a:b] for a, b in itertools.pairwise(bounds)]
            for number, part in enumerate(parts):
                piece: dict[str, Any] = {"jsonPath": path, "stringValue": part}
                if number < len(parts) - 1:
                    piece["willContinue"] = True
                pieces.append(piece)
        elif isinstance(value, bool):
            pieces.append({"jsonPath": path, "boolValue": value})
        elif value is None:
            pieces.append({"jsonPath": path, "nullValue": None})
        else:
            pieces.append({"jsonPath": path, "numberValue": value})
    cuts = sorted(data.draw(st.sets(st.integers(1, max(1, len(pieces) - 1)), max_size=4)))
    groups = [pieces[a:b] for a, b in itertools.pairwise([0, *cuts, len(pieces)]) if pieces[a:b]]
    chunks = [chunk({"functionCall": {"name": "f", "willContinue": True}})]
    chunks += [chunk({"functionCall": {"partialArgs": group, "willContinue": True}}) for group in groups]
    chunks.append(chunk({"functionCall": {}}, finish="STOP"))
    completion, deltas, raised = feed_all([sse(*chunks)])
    assert raised is None
    assert completion.tool_calls[0].arguments == compact(args)
    assert "".join(d.arguments for d in deltas if type(d) is ToolCallArgumentsDelta) == compact(args)


PATHS = st.sampled_from(["$.a", "$.a.b", "$.a[0]", "$.a[1].c", "$['a b']", "$", "$[0]", "a", "$.a.", "$..a", "$.a[x]"])
VALUES = st.none() | st.booleans() | st.integers(-1, 2) | st.text(max_size=3) | st.just([1]) | st.just({"k": 1})


@st.composite
def shaped_part(draw: st.DrawFn) -> dict[str, Any]:
    """A content part of a known kind whose members have any of the shapes they could take."""
    kind = draw(st.sampled_from(["text", "thought", "call", "streamed", "piece", "end", "other"]))
    if kind in ("text", "thought"):
        part: dict[str, Any] = {"text": draw(st.text(max_size=3) | st.none() | st.integers())}
        if kind == "thought":
            part["thought"] = draw(st.booleans() | st.none())
    elif kind == "call":
        part = {"functionCall": {"name": draw(VALUES), "args": draw(VALUES), "id": draw(VALUES)}}
    elif kind == "streamed":
        part = {"functionCall": {"name": draw(st.sampled_from(["f", "g"])), "willContinue": True}}
    elif kind == "piece":
        arg = {"jsonPath": draw(PATHS | VALUES), "willContinue": draw(st.booleans())}
        arg[draw(st.sampled_from(["stringValue", "numberValue", "boolValue", "nullValue", "other"]))] = draw(VALUES)
        part = {
            "functionCall": {
                "partialArgs": draw(st.sampled_from([[arg], [arg, arg], arg, None])),
                "willContinue": draw(st.booleans()),
            }
        }
    elif kind == "end":
        part = {"functionCall": {}}
    else:
        part = {"inlineData": {"mimeType": "image/png", "data": "AA=="}}
    if draw(st.booleans()):
        part["thoughtSignature"] = draw(VALUES)
    return part


@st.composite
def shaped_chunk(draw: st.DrawFn) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"parts": draw(st.lists(shaped_part(), max_size=3)), "role": "model"}}
    if draw(st.booleans()):
        candidate["finishReason"] = draw(st.sampled_from(["STOP", "MAX_TOKENS"]) | VALUES)
    if draw(st.booleans()):
        candidate["index"] = draw(VALUES)
    obj: dict[str, Any] = {"candidates": [candidate]}
    if draw(st.booleans()):
        obj["usageMetadata"] = draw(st.just(usage(3, 4, 5)) | st.just({"trafficType": "ON_DEMAND"}) | VALUES)
    if draw(st.booleans()):
        obj["promptFeedback"] = {"blockReason": draw(st.sampled_from(["SAFETY", ""]) | VALUES)}
    if draw(st.booleans()):
        obj["createTime"] = draw(st.sampled_from(["2026-04-02T17:03:50.399550Z", "2026-13-40T99:99:99Z"]) | VALUES)
    return obj


@settings(max_examples=400, deadline=None)
@given(st.lists(shaped_chunk(), min_size=1, max_size=6))
def test_chunks_of_any_shape_give_a_result_or_an_sseparse_error(chunks: list[dict[str, Any]]) -> None:
    acc = Accumulator("gemini")
    with contextlib.suppress(SseparseError):
        for item in chunks:
            acc.feed(sse(item))
    with contextlib.suppress(SseparseError):
        acc.close()
    completion = acc.completion
    json.dumps(completion.to_dict())
    for choice in completion.choices:
        for call in choice.tool_calls:
            partial = acc.partial_arguments(call.index, choice=choice.index)
            if choice.finish_reason is not None and completion.error is None:
                assert partial == call.parsed_arguments()  # once over, the partial value is the whole


def test_snapshots_are_not_changed_by_later_events() -> None:
    acc = Accumulator()
    snapshots: list[tuple[Completion, dict[str, Any]]] = []
    for event in sseparse.iter_events([streamed_call_stream()]):
        acc.feed_event(event)
        snapshot = acc.completion
        snapshots.append((snapshot, copy.deepcopy(snapshot.to_dict())))
    for snapshot, as_dict in snapshots:
        assert snapshot.to_dict() == as_dict
