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
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import helpers
import sseparse
from helpers import IMPLEMENTATIONS, data_stream, fragmentations, pieces, run_cli
from sseparse import (
    Accumulator,
    BlockDelta,
    ChunkDecodeError,
    Completion,
    FinishDelta,
    MetadataDelta,
    ProviderError,
    ReasoningDelta,
    SignatureDelta,
    SseparseError,
    TextDelta,
    ToolCall,
    ToolCallArgumentsDelta,
    ToolCallEnd,
    ToolCallStart,
    ToolCallUpdate,
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
    return data_stream(*chunks, done=False, newline=newline)


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


def run_accumulator(fragments: Iterable[bytes], implementation: str) -> tuple[Completion, list[Any], str | None]:
    """``feed_all`` through ``Accumulator("gemini", implementation=...)``."""
    acc = Accumulator("gemini", implementation=implementation)
    deltas: list[Any] = []
    raised: str | None = None
    try:
        for fragment in fragments:
            deltas.extend(acc.feed(fragment))
    except SseparseError as exc:
        deltas.extend(exc.deltas)
        raised = type(exc).__name__
    if raised is None:
        deltas.extend(acc.finish())  # with the deltas of a whole last event
    return acc.close(), deltas, raised


def accumulate_everywhere(data: bytes, *, every_split: bool = False) -> tuple[Completion, list[Any]]:
    """The Completion and deltas of ``data``, checked identical at every fragmentation,
    under both ``auto`` and the explicit dialect and in both builds; the deltas glue
    to the fields and fold to the Completion."""
    expected = feed_all([data])
    for fragments in fragmentations(data, every_split=every_split):
        assert feed_all(fragments) == expected, f"differs when fed in {len(fragments)} fragments"
        assert feed_all(fragments, "gemini") == expected
    for implementation in IMPLEMENTATIONS:
        for size in (None, 1, 7):
            fragments = pieces(data, size)
            assert run_accumulator(fragments, implementation) == expected, (implementation, size)
    helpers.fold_equals_completion(expected[1], expected[0])
    helpers.assert_quiet_agrees(data, expected[0], may_raise=True)
    completion, deltas, _ = expected
    helpers.assert_deltas_glue(completion, deltas)
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
        MetadataDelta(RESPONSE_ID, MODEL),
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
    assert completion.usage == Usage(13, 208, 221, raw, cached_input_tokens=2, reasoning_tokens=185)
    assert completion.usage.cache_write_tokens is None  # Gemini reports no cache writes


def test_counts_not_sent_are_none() -> None:
    raw = {"candidatesTokenCount": 4, "totalTokenCount": 4}
    completion, _ = accumulate_everywhere(sse(chunk(text("x"), finish="STOP", usageMetadata=raw)))
    assert completion.usage == Usage(None, 4, 4, raw)
    only_prompt = {"promptTokenCount": 7}
    completion, _ = accumulate_everywhere(sse(chunk(text("x"), finish="STOP", usageMetadata=only_prompt)))
    assert completion.usage == Usage(7, None, None, only_prompt)


def test_cumulative_usage_is_assigned_not_summed() -> None:
    data = sse(
        chunk(text("a"), usageMetadata=usage(5, 1, 10)),
        chunk(text("b"), usageMetadata=usage(5, 2, 10)),
        chunk(text("c"), finish="STOP", usageMetadata=usage(5, 3, 10)),
    )
    completion, deltas = accumulate_everywhere(data)
    assert completion.usage == Usage(5, 13, 18, usage(5, 3, 10), reasoning_tokens=10)
    assert [d.usage.output_tokens for d in deltas if type(d) is UsageDelta] == [11, 12, 13]


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
    assert [type(d) for d in deltas[:4]] == [MetadataDelta, ReasoningDelta, ReasoningDelta, TextDelta]
    assert SignatureDelta(0, "EqsFCqgFAb4+sig==") in deltas
    assert completion.usage is not None and completion.usage.output_tokens == 48
    assert completion.usage.reasoning_tokens == 40


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
    completion, deltas = accumulate_everywhere(data)
    assert completion.content == "Rechne:Vier."
    assert completion.blocks == [{"text": "Rechne:"}, code, result, image, {"text": "Vier."}]
    # no other delta covers them: each is a BlockDelta, so a gateway re-emitting deltas loses nothing
    blocks = [d for d in deltas if type(d) is BlockDelta]
    assert blocks == [BlockDelta(0, code), BlockDelta(0, result), BlockDelta(0, image)]


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
        ToolCall(0, None, "get_weather", '{"city":"Zürich","unit":"celsius"}', complete=True),
        ToolCall(1, "call_8s2", "get_time", '{"tz":"Asia/Tokyo"}', complete=True),
        ToolCall(2, None, "ping", "{}", complete=True),
    ]
    assert all(call.kind == "function" for call in completion.tool_calls)
    assert completion.tool_calls[0].parsed_arguments() == {"city": "Zürich", "unit": "celsius"}
    assert completion.finish_reason == "STOP"  # Gemini says STOP after calls too
    assert completion.blocks == [{"text": "Ich schaue nach."}, signed, with_id, no_args]
    assert [d for d in deltas if type(d) is ToolCallStart] == [
        ToolCallStart(0, 0, None, "get_weather"),
        ToolCallStart(0, 1, "call_8s2", "get_time"),
        ToolCallStart(0, 2, None, "ping"),
    ]
    # a whole call is complete as it arrives: its end comes right after its arguments
    calls = [d for d in deltas if type(d) in (ToolCallStart, ToolCallArgumentsDelta, ToolCallEnd)]
    assert [type(d) for d in calls] == [ToolCallStart, ToolCallArgumentsDelta, ToolCallEnd] * 3
    assert SignatureDelta(0, "CiMBjz1rX25K") in deltas
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
        ToolCall(0, None, "book", compact(BOOKING), complete=True),
        ToolCall(1, None, "confirm", '{"ok":false}', complete=True),
    ]
    assert completion.tool_calls[0].parsed_arguments() == BOOKING
    pieces_of_first = [d.arguments for d in deltas if type(d) is ToolCallArgumentsDelta and d.index == 0]
    assert pieces_of_first[0] == '{"city":"San '  # the open string shows while it arrives
    # a string stays open until a piece for another path comes: its quote comes with that piece
    assert pieces_of_first[1] == "Francisco"
    assert pieces_of_first[2] == '","guests":2,"vegan":true,"note":null,"dates":["2026-05-01","2026-05-0'
    assert pieces_of_first[-1] == "}}"  # the last piece of the call closes what is open
    # each call ends when its last part (no willContinue) comes, before the next one starts
    ends = [(type(d).__name__, d.index) for d in deltas if type(d) in (ToolCallStart, ToolCallEnd)]
    assert ends == [("ToolCallStart", 0), ("ToolCallEnd", 0), ("ToolCallStart", 1), ("ToolCallEnd", 1)]
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
    completion, deltas = accumulate_everywhere(cut)
    assert completion.tool_calls == [ToolCall(0, None, "book", '{"city":"San Francisco', complete=False)]
    assert not any(type(d) is ToolCallEnd for d in deltas)
    assert completion.complete is False
    assert completion.blocks == [
        {"functionCall": {"name": "book", "args": {"city": "San Francisco"}}, "thoughtSignature": "CiMBsig"}
    ]


fc = helpers.function_call


def streamed(*partial_args: dict[str, Any]) -> bytes:
    """A streamed call ``f`` whose pieces are ``partial_args``, one chunk each, then its end."""
    return sse(*helpers.streamed_call_chunks(chunk, partial_args))


@pytest.mark.parametrize(
    ("pieces_", "reason"),
    [
        ([{"jsonPath": "$.a[1].c", "nullValue": None}], "not the next element"),  # a gap: JSON has no holes
        ([{"jsonPath": "$.a[0]", "numberValue": 1}, {"jsonPath": "$.a[2]", "numberValue": 3}], "not the next"),
        ([{"jsonPath": "$.a.x", "numberValue": 1}, {"jsonPath": "$.b", "numberValue": 2},
          {"jsonPath": "$.a.y", "numberValue": 3}], "written before"),  # back into a closed object
        ([{"jsonPath": "$.b", "numberValue": 2}, {"jsonPath": "$.b", "stringValue": "again"}], "written before"),
        ([{"jsonPath": "$.list[0]", "numberValue": 1}, {"jsonPath": "$.list.name", "stringValue": "x"}], "member"),
        ([{"jsonPath": "$.o.k", "numberValue": 1}, {"jsonPath": "$.o[0]", "numberValue": 1}], "into an object"),
        ([{"jsonPath": "$[0]", "numberValue": 1}], "cannot start with an index"),
        ([{"jsonPath": "no dollar", "stringValue": "x"}], "starting with '\\$'"),
        ([{"jsonPath": "$..a", "stringValue": "x"}], "not a path"),
        ([{"jsonPath": "$", "stringValue": "x"}], "not '\\$' itself"),
        ([{"jsonPath": "$.nothing"}], "exactly one"),
        ([{"jsonPath": "$.two", "numberValue": 1, "boolValue": True}], "exactly one"),
        ([{"jsonPath": "$.n", "numberValue": "7"}], "finite number"),
        ([{"jsonPath": "$.b", "boolValue": 1}], "true or false"),
        ([{"jsonPath": "$.s", "stringValue": 5}], "must be a string"),
    ],
    ids=[
        "gap-in-new-list",
        "gap-in-list",
        "closed-object-revisited",
        "member-set-twice",
        "key-into-list",
        "index-into-object",
        "index-at-top",
        "no-dollar",
        "bad-syntax",
        "no-step",
        "no-value",
        "two-values",
        "number-as-text",
        "bool-as-number",
        "string-as-number",
    ],
)
def test_pieces_json_text_cannot_say_in_order_are_refused(pieces_: list[dict[str, Any]], reason: str) -> None:
    """Nothing is guessed: no nulls for a hole, no rewriting of text already sent. What
    came before the refused piece stays, the call is not complete, and the accumulator
    refuses more input."""
    data = streamed(*pieces_)
    for implementation in IMPLEMENTATIONS:
        completion, deltas, raised = run_accumulator([data], implementation)
        assert raised == "ChunkDecodeError"
        assert completion.complete is False
        assert completion.error is not None and completion.error["type"] == "chunk_decode_error"
        assert completion.tool_calls[0].complete is False
        assert not any(type(d) is ToolCallEnd for d in deltas)
        helpers.fold_equals_completion(deltas, completion)
    with pytest.raises(ChunkDecodeError, match=reason):
        sseparse.accumulate([data], "gemini")


def test_a_string_continued_without_will_continue_is_glued() -> None:
    """Pieces for the same path glue to the open string, ``willContinue`` or not."""
    data = streamed(
        {"jsonPath": "$.s", "stringValue": "ab"},
        {"jsonPath": "$.s", "stringValue": "cd"},
        {"jsonPath": "$.t", "stringValue": "e", "willContinue": True},
        {"jsonPath": "$.t", "stringValue": ""},
    )
    completion, deltas = accumulate_everywhere(data)
    assert completion.tool_calls == [ToolCall(0, None, "f", '{"s":"abcd","t":"e"}', complete=True)]


def test_a_string_announced_to_continue_but_left_is_not_complete() -> None:
    """``willContinue`` on a piece, then a piece for another path: that value was cut."""
    data = streamed(
        {"jsonPath": "$.s", "stringValue": "ab", "willContinue": True}, {"jsonPath": "$.t", "numberValue": 1}
    )
    completion, deltas = accumulate_everywhere(data)
    assert completion.tool_calls == [ToolCall(0, None, "f", '{"s":"ab","t":1}', complete=False)]
    assert completion.complete is True  # the stream itself ended properly


def test_a_finish_reason_in_the_middle_of_a_call_leaves_it_incomplete() -> None:
    """``MAX_TOKENS`` while a call announced more pieces: the stream is complete, the call is not."""
    data = sse(
        chunk(fc(name="f", willContinue=True)),
        chunk(fc(partialArgs=[{"jsonPath": "$.q", "stringValue": "how t", "willContinue": True}], willContinue=True)),
        chunk(finish="MAX_TOKENS"),
    )
    completion, deltas = accumulate_everywhere(data)
    assert completion.complete is True
    assert completion.finish_reason == "MAX_TOKENS"
    assert completion.tool_calls == [ToolCall(0, None, "f", '{"q":"how t"}', complete=False)]
    assert not any(type(d) is ToolCallEnd for d in deltas)


def test_another_part_in_the_middle_of_a_call_leaves_it_incomplete() -> None:
    data = sse(
        chunk(fc(name="f", willContinue=True)),
        chunk(fc(partialArgs=[{"jsonPath": "$.a", "numberValue": 1}], willContinue=True)),
        chunk(text("oops")),
        chunk(fc(name="g", args={"b": 2}), finish="STOP"),
    )
    completion, _ = accumulate_everywhere(data)
    assert completion.tool_calls == [
        ToolCall(0, None, "f", '{"a":1}', complete=False),
        ToolCall(1, None, "g", '{"b":2}', complete=True),
    ]


def test_a_late_call_id_is_an_update() -> None:
    data = sse(
        chunk(fc(name="f", willContinue=True)),
        chunk(fc(id="call-7", partialArgs=[{"jsonPath": "$.a", "numberValue": 1}], willContinue=True)),
        chunk(fc(), finish="STOP"),
    )
    completion, deltas = accumulate_everywhere(data)
    assert completion.tool_calls == [ToolCall(0, "call-7", "f", '{"a":1}', complete=True)]
    assert ToolCallUpdate(0, 0, "call-7", "") in deltas


def test_a_late_name_is_an_update() -> None:
    data = sse(
        chunk(fc(willContinue=True, partialArgs=[{"jsonPath": "$.a", "numberValue": 1}])),
        chunk(fc(name="f", id="c-1", willContinue=True)),
        chunk(fc(), finish="STOP"),
    )
    completion, deltas = accumulate_everywhere(data)
    assert completion.tool_calls == [ToolCall(0, "c-1", "f", '{"a":1}', complete=True)]
    assert ToolCallUpdate(0, 0, "c-1", "f") in deltas
    assert completion.blocks == [{"functionCall": {"name": "f", "id": "c-1", "args": {"a": 1}}}]


def test_whole_args_on_a_later_part_of_a_streamed_call_are_refused() -> None:
    data = sse(
        chunk(fc(name="f", willContinue=True)),
        chunk(fc(args={"a": 1}, willContinue=True)),
        chunk(fc(), finish="STOP"),
    )
    with pytest.raises(ChunkDecodeError, match="partialArgs were expected"):
        sseparse.accumulate([data], "gemini")


def test_whole_args_with_a_streamed_start_are_written_first() -> None:
    data = sse(
        chunk(fc(name="f", args={"x": [1, {"y": None}]}, willContinue=True)),
        chunk(fc(partialArgs=[{"jsonPath": "$.z", "stringValue": "w"}])),
        chunk(text("ok"), finish="STOP"),
    )
    completion, _ = accumulate_everywhere(data)
    assert completion.tool_calls[0] == ToolCall(0, None, "f", '{"x":[1,{"y":null}],"z":"w"}', complete=True)



def test_a_streamed_call_still_open_at_the_end_is_a_cut_stream() -> None:
    """A finish reason came (a blocked prompt), then a call announced more arguments
    (willContinue) and the stream ended: not complete, even with a finish reason."""


    data = sse(
        {"candidates": [{"content": {"parts": [], "role": "model"}}], "promptFeedback": {"blockReason": "SAFETY"}},
        chunk(fc(name="f", partialArgs=[{"jsonPath": "$.a", "nullValue": None}], willContinue=True)),
    )
    completion, _, _ = feed_all([data])
    assert completion.complete is False
    assert completion.error is not None and completion.error["type"] == "incomplete_stream"
    assert completion.tool_calls[0].arguments == '{"a":null'


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
    assert deltas[:2] == [MetadataDelta(None, MODEL), FinishDelta(0, reason)]


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


def test_done_sentinel_from_a_gateway_ends_nothing() -> None:
    """``[DONE]`` is OpenAI's end marker: before any finish reason it does not make the
    stream complete, and what comes after it is still read."""
    done = b"data: [DONE]\r\n\r\n"
    completion, _ = accumulate_everywhere(sse(chunk(text("a"))) + done)
    assert completion.content == "a"
    assert completion.complete is False
    assert completion.error is not None and completion.error["type"] == "incomplete_stream"
    completion, _ = accumulate_everywhere(sse(chunk(text("a"))) + done + sse(chunk(text("b"), finish="STOP")))
    assert (completion.content, completion.complete) == ("ab", True)
    completion, _ = accumulate_everywhere(sse(chunk(text("a"), finish="STOP")) + done)
    assert (completion.content, completion.complete) == ("a", True)  # the finish reason ended it


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
        assert completion.error["error_type"] == QUOTA["status"]  # Google's status stands for a type
        assert deltas == [MetadataDelta(RESPONSE_ID, MODEL), TextDelta(0, "So far")]


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
        {"candidates": [{"content": {"parts": [{"text": 5}]}}]},
        {"candidates": [{"content": {"parts": [{"functionCall": {"name": "f", "args": [1, 2]}}]}}]},
        {"usageMetadata": [{"promptTokenCount": 3}]},
        {"id": "chatcmpl-1", "choices": [{"index": 0, "delta": {"content": "x"}}]},
    ],
    ids=[
        "candidates-not-list",
        "part-not-object",
        "call-not-object",
        "negative-index",
        "reason-not-text",
        "array",
        "text-not-string",
        "args-not-object",
        "usage-not-object",
        "another-dialects-chunk",
    ],
)
def test_chunks_of_the_wrong_shape_raise_chunk_decode_error(obj: Any) -> None:
    with pytest.raises(ChunkDecodeError):
        sseparse.accumulate([sse(chunk(text("x")), obj)], "gemini")


# -- drivers and the command line -----------------------------------------------------------------


def test_iter_deltas_and_accumulate_agree() -> None:
    data = streamed_call_stream()
    completion, deltas, _ = feed_all([data])
    helpers.assert_drivers_agree(data, "gemini", completion, deltas)


@pytest.mark.parametrize("size", [None, 1, 7])
def test_cli_accumulates_a_gemini_stream(size: int | None) -> None:
    result = helpers.cli_accumulated(streamed_call_stream(), size)
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
    assert feed_all(data.draw(helpers.any_split(stream))) == feed_all([stream])


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


def scalar_piece(path: str, value: bool | int | float | None) -> dict[str, Any]:
    """The ``partialArgs`` piece that sets the leaf at ``path`` to ``value`` (not a string)."""
    if isinstance(value, bool):
        return {"jsonPath": path, "boolValue": value}
    if value is None:
        return {"jsonPath": path, "nullValue": None}
    return {"jsonPath": path, "numberValue": value}


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
            parts = helpers.split_at(value, data.draw(st.sets(st.integers(0, len(value)), max_size=3)))
            for number, part in enumerate(parts):
                piece: dict[str, Any] = {"jsonPath": path, "stringValue": part}
                if number < len(parts) - 1:
                    piece["willContinue"] = True
                pieces.append(piece)
        else:
            pieces.append(scalar_piece(path, value))
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
    acc = helpers.read_leniently((sse(item) for item in chunks), "gemini")
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


# -- no silent wrong answers: other dialects, candidate members --------------------------------

OTHER_DIALECTS = {
    "openai-chat": (
        b'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o",'
        b'"choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}\n\n'
        b'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o",'
        b'"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n'
        b"data: [DONE]\n\n"
    ),
    "anthropic": (
        b'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message",'
        b'"role":"assistant","model":"claude","content":[],"usage":{"input_tokens":3,"output_tokens":1}}}\n\n'
        b'event: content_block_start\ndata: {"type":"content_block_start","index":0,'
        b'"content_block":{"type":"text","text":""}}\n\n'
        b'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,'
        b'"delta":{"type":"text_delta","text":"Hi"}}\n\n'
        b'event: message_stop\ndata: {"type":"message_stop"}\n\n'
    ),
    "openai-responses": (
        b'event: response.created\ndata: {"type":"response.created","sequence_number":0,'
        b'"response":{"id":"resp_1","object":"response","status":"in_progress","output":[]}}\n\n'
        b'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":1,'
        b'"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hi"}\n\n'
        b'event: response.completed\ndata: {"type":"response.completed","sequence_number":2,'
        b'"response":{"id":"resp_1","object":"response","status":"completed","output":[]}}\n\n'
    ),
}


@pytest.mark.parametrize("other", sorted(OTHER_DIALECTS))
def test_another_dialects_stream_read_as_gemini_is_refused(other: str, implementation: str) -> None:
    data = OTHER_DIALECTS[other]
    assert sseparse.accumulate([data]).dialect == other  # what auto makes of it
    for fragments in ([data], pieces(data, 1), pieces(data, 7)):
        acc = Accumulator("gemini", implementation=implementation)
        with pytest.raises(ChunkDecodeError, match=r"event #0 .*not a Gemini chunk.*another dialect") as info:
            for fragment in fragments:
                acc.feed(fragment)
        completion = info.value.completion
        assert completion is not None and completion.complete is False
        assert completion.error is not None and completion.error["event_index"] == 0
        with pytest.raises(sseparse.ParserClosedError):
            acc.feed(b"data: {}\n\n")
        assert acc.close().complete is False


def test_an_empty_object_carries_nothing_and_ends_nothing() -> None:
    completion, _ = accumulate_everywhere(sse(chunk(text("a")), {}))
    assert (completion.content, completion.complete) == ("a", False)


def test_candidate_members_without_a_common_field_are_kept() -> None:
    ratings = [{"category": "HARM_CATEGORY_HATE_SPEECH", "probability": "NEGLIGIBLE"}]
    grounding = {"webSearchQueries": ["wetter zürich"], "groundingChunks": [{"web": {"uri": "https://x.ch"}}]}
    first = {"content": {"parts": [text("Sonnig")]}, "safetyRatings": [{"category": "X", "probability": "LOW"}]}
    last = {"content": {"parts": [text(".")]}, "finishReason": "STOP", "groundingMetadata": grounding}
    data = sse({"candidates": [first]}, {"candidates": [{**last, "safetyRatings": ratings}]})
    completion, _ = accumulate_everywhere(data)
    assert completion.extra == {"candidates": [{"index": 0, "safetyRatings": ratings, "groundingMetadata": grounding}]}



def test_the_citations_of_every_chunk_are_kept_each_once(implementation: str) -> None:
    """Each chunk's ``citationMetadata`` cites its own part of the text: the result has
    them all, in arrival order, a citation sent again kept once; a result read on the
    way keeps what it had."""
    one = {"startIndex": 396, "endIndex": 569, "uri": "https://a.example/cookies"}
    two = {"startIndex": 474, "endIndex": 598, "uri": "https://b.example/bread", "license": "mit"}
    three = {"endIndex": 991, "startIndex": 868, "uri": "https://c.example/banana"}
    chunks = [
        {"candidates": [{"content": {"parts": [text("Cookies")]}, "citationMetadata": {"citations": [one, two]}}]},
        {"candidates": [{"content": {"parts": [text(" and bread")]}}]},
        {"candidates": [{"content": {"parts": [text(".")]}, "finishReason": "STOP",
                         "citationMetadata": {"citations": [dict(reversed(one.items())), three]}}]},
    ]
    completion, _ = accumulate_everywhere(sse(*chunks))
    assert completion.extra["candidates"][0]["citationMetadata"] == {"citations": [one, two, three]}
    acc = sseparse.Accumulator("gemini", implementation=implementation)
    acc.feed(sse(chunks[0]))
    early = acc.completion
    acc.feed(sse(*chunks[1:]))
    assert early.extra["candidates"][0]["citationMetadata"] == {"citations": [one, two]}
    assert acc.close().extra["candidates"][0]["citationMetadata"]["citations"] == [one, two, three]



# -- deltas lose nothing ------------------------------------------------------------------------


@st.composite
def gemini_stream(draw: st.DrawFn) -> bytes:
    """A well-formed Gemini stream: text, thoughts, signed and other parts, whole and
    streamed calls (ended, cut by a part, a finish or the end), late ids, several
    candidates, cumulative usage, blocked prompts, ``[DONE]`` from a gateway."""
    candidates = draw(st.sampled_from([[0], [0, 1]]))
    words = st.text(st.characters(codec="utf-8"), min_size=1, max_size=6)
    events: list[Any] = []
    prompt = draw(st.integers(1, 50))
    out = 0
    for _ in range(draw(st.integers(1, 10))):
        index = draw(st.sampled_from(candidates))
        kind = draw(st.sampled_from(["text", "thought", "signed", "image", "call", "streamed", "usage", "done"]))
        parts: list[dict[str, Any]] = []
        if kind == "text":
            parts = [text(draw(words)) for _ in range(draw(st.integers(1, 3)))]
        elif kind == "thought":
            parts = [text(draw(words), thought=True)]
        elif kind == "signed":
            parts = [text(draw(words), thoughtSignature=draw(st.sampled_from(["c2ln", ""])))]
        elif kind == "image":
            parts = [{"inlineData": {"mimeType": "image/png", "data": "AA=="}}]
        elif kind == "call":
            call_id = draw(st.sampled_from([{}, {"id": "c1"}]))
            parts = [fc(name=draw(st.sampled_from(["f", "g"])), args=draw(ARGS), **call_id)]
        elif kind == "streamed":
            args = draw(ARGS)
            pieces_ = []
            for path, value in leaves(args):
                if isinstance(value, str):
                    cut = draw(st.integers(0, len(value)))
                    more = draw(st.booleans())
                    pieces_.append({"jsonPath": path, "stringValue": value[:cut], "willContinue": True})
                    last = {"willContinue": False} if more else {}
                    pieces_.append({"jsonPath": path, "stringValue": value[cut:], **last})
                else:
                    pieces_.append(scalar_piece(path, value))
            events.append(chunk(fc(name="s", willContinue=True), index=index or None))
            for number, piece in enumerate(pieces_):
                late_id = {"id": "late"} if number == 0 and draw(st.booleans()) else {}
                events.append(chunk(fc(partialArgs=[piece], willContinue=True, **late_id), index=index or None))
            ending = draw(st.sampled_from(["ended", "part", "open"]))
            if ending == "ended":
                events.append(chunk(fc(), index=index or None))
            elif ending == "part":
                events.append(chunk(text("!"), index=index or None))
            continue
        elif kind == "usage":
            out += draw(st.integers(0, 5))
            thoughts = draw(st.none() | st.integers(0, 9))
            events.append({"usageMetadata": usage(prompt, out, thoughts), "modelVersion": MODEL})
            continue
        else:
            events.append("[DONE]")
            continue
        events.append(chunk(*parts, index=index or None))
    for index in candidates:
        if draw(st.booleans()):
            events.append(chunk(finish=draw(st.sampled_from(["STOP", "MAX_TOKENS"])), index=index or None))
    if draw(st.booleans()):
        events.insert(0, {"promptFeedback": {"blockReason": "SAFETY"}, "modelVersion": MODEL})
    return sse(*events, newline=draw(st.sampled_from([b"\r\n", b"\n"])))


@settings(max_examples=120, deadline=None)
@given(gemini_stream(), st.sampled_from([None, 1, 5, 64]))
def test_deltas_fold_to_the_completion(implementation: str, data: bytes, size: int | None) -> None:
    fragments = pieces(data, size)
    completion, deltas, raised = run_accumulator(fragments, implementation)
    assert raised is None
    helpers.fold_equals_completion(deltas, completion)
    assert (completion, deltas) == run_accumulator([data], implementation)[:2]
    for call in completion.tool_calls:
        if call.complete:
            call.parsed_arguments()  # a complete call's arguments are whole JSON


CAPTURES = Path(__file__).resolve().parents[2] / "shared" / "streams"


@pytest.mark.skipif(not CAPTURES.is_dir(), reason="the shared captures are not here")
@pytest.mark.parametrize("size", [None, 1, 13, 256])
def test_deltas_fold_to_the_completion_on_every_capture(implementation: str, size: int | None) -> None:
    captures = sorted(CAPTURES.glob("gemini-*.sse"))
    assert captures
    for path in captures:
        data = path.read_bytes()
        fragments = pieces(data, size)
        completion, deltas, raised = run_accumulator(fragments, implementation)
        assert raised is None, path.name
        assert completion.complete, path.name
        helpers.fold_equals_completion(deltas, completion)
        for call in completion.tool_calls:
            assert call.complete and call.kind == "function", path.name
            call.parsed_arguments()
        assert completion == sseparse.accumulate([data]), path.name  # auto and the explicit dialect agree
