"""The openai-chat dialect through the ``Accumulator``: what a stream accumulates to.

Every stream here is written to look like what the Chat Completions API sends
(``chat.completion.chunk`` objects, ``stream_options.include_usage``, ``[DONE]``) and
is fed at many fragmentations: 1, 2, 3, 7 and 64 bytes, whole, and, for the short
ones, every single split point. The result must not depend on where the bytes were
cut: the same ``Completion`` and the same deltas, in the same order.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Iterable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import helpers
import sseparse
from helpers import feed_all, fragmentations, pieces, text_of
from sseparse import (
    Accumulator,
    ChunkDecodeError,
    Completion,
    DialectError,
    Event,
    FinishDelta,
    FunctionCallDelta,
    IncompleteStreamError,
    MetadataDelta,
    ParserClosedError,
    ProviderError,
    ReasoningDelta,
    RefusalDelta,
    SseparseError,
    TextDelta,
    ToolCall,
    ToolCallArgumentsDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
    UsageDelta,
)

# -- writing streams ------------------------------------------------------------------

CHAT_ID = "chatcmpl-AzT6f3kQ9rV1xLmN0pQ2sT4uV"
MODEL = "gpt-4o-mini-2024-07-18"


def chunk(
    delta: dict[str, Any] | None = None,
    *,
    finish: str | None = None,
    index: int = 0,
    logprobs: Any = None,
    choices: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """One ``chat.completion.chunk`` as the API sends it (``usage: null`` included,
    as with ``stream_options.include_usage``)."""
    if choices is None:
        choices = [{"index": index, "delta": delta or {}, "logprobs": logprobs, "finish_reason": finish}]
    obj: dict[str, Any] = {
        "id": CHAT_ID,
        "object": "chat.completion.chunk",
        "created": 1726000000,
        "model": MODEL,
        "system_fingerprint": "fp_f85bea6784",
        "choices": choices,
        "usage": None,
    }
    obj.update(extra)
    return obj


def usage_chunk(prompt: int = 31, completion: int = 12, **details: Any) -> dict[str, Any]:
    usage = {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion, **details}
    return chunk(choices=[], usage=usage)


def sse(*chunks: Any, done: bool = True, newline: bytes = b"\n") -> bytes:
    """The raw stream: one ``data:`` event per chunk (a str is sent as is), then ``[DONE]``."""
    return helpers.data_stream(*chunks, done=done, newline=newline)


def accumulate_everywhere(data: bytes, *, every_split: bool = False) -> tuple[Completion, list[Any]]:
    """The Completion and deltas of ``data``, checked identical at every fragmentation
    and on both implementations, and the deltas checked to fold to the Completion.

    The ``MetadataDelta`` (checked by the fold) is left out of the deltas returned,
    which the tests compare with the pieces they expect."""
    completion, deltas = helpers.accumulate_everywhere(data, "openai-chat", every_split=every_split)
    return completion, [delta for delta in deltas if type(delta) is not MetadataDelta]


# -- streams --------------------------------------------------------------------------

NON_ASCII_PARTS = ["Grüße", " aus", " Zürich", " —", " 東京", "は", "晴れ", " 🌤️", ", «ça", " va»", "?"]

TEXT_STREAM = sse(
    chunk({"role": "assistant", "content": "", "refusal": None}),
    *(chunk({"content": part}) for part in NON_ASCII_PARTS),
    chunk({}, finish="stop"),
    usage_chunk(31, 12, prompt_tokens_details={"cached_tokens": 0}),
)


def parallel_tool_stream() -> bytes:
    """Two tool calls whose arguments arrive in 3-character pieces, interleaved."""
    args = [json.dumps({"city": "Zürich", "unit": "celsius"}, ensure_ascii=False), json.dumps({"city": "東京"})]
    out = [
        chunk({"role": "assistant", "content": None, "refusal": None}),
        chunk(
            {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "call_Kx1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": ""},
                    }
                ]
            }
        ),
        chunk(
            {
                "tool_calls": [
                    {
                        "index": 1,
                        "id": "call_Ry2",
                        "type": "function",
                        "function": {"name": "get_time", "arguments": ""},
                    }
                ]
            }
        ),
    ]
    for start in range(0, max(map(len, args)), 3):
        for index, text in enumerate(args):
            if text[start : start + 3]:
                out.append(
                    chunk({"tool_calls": [{"index": index, "function": {"arguments": text[start : start + 3]}}]})
                )
    out += [chunk({}, finish="tool_calls"), usage_chunk(88, 41)]
    return sse(*out)


# -- text -------------------------------------------------------------------------------


def test_text_with_non_ascii_at_every_fragmentation() -> None:
    completion, deltas = accumulate_everywhere(TEXT_STREAM)
    text = "".join(NON_ASCII_PARTS)
    assert completion.content == text
    assert completion.dialect == "openai-chat"
    assert completion.id == CHAT_ID
    assert completion.model == MODEL
    assert completion.created == 1726000000
    assert completion.system_fingerprint == "fp_f85bea6784"
    assert completion.finish_reason == "stop"
    assert completion.complete is True
    assert completion.error is None
    assert completion.usage == Usage(
        31,
        12,
        43,
        {
            "prompt_tokens": 31,
            "completion_tokens": 12,
            "total_tokens": 43,
            "prompt_tokens_details": {"cached_tokens": 0},
        },
        cached_input_tokens=0,
    )
    assert completion.reasoning == completion.refusal == ""
    assert completion.tool_calls == []
    assert [c.index for c in completion.choices] == [0]
    assert completion.choices[0].content == text
    # The deltas say the same thing, in order: text pieces, the finish, then usage.
    assert [d.text for d in deltas if type(d) is TextDelta] == NON_ASCII_PARTS
    assert deltas[-2:] == [FinishDelta(0, "stop"), UsageDelta(completion.usage)]


def test_text_split_at_every_byte() -> None:
    small = sse(chunk({"role": "assistant", "content": ""}), chunk({"content": "Ça 🎉"}), chunk({}, finish="stop"))
    completion, deltas = accumulate_everywhere(small, every_split=True)
    assert completion.content == "Ça 🎉"
    assert deltas == [TextDelta(0, "Ça 🎉"), FinishDelta(0, "stop")]


def test_empty_content_pieces_produce_no_deltas() -> None:
    completion, deltas = accumulate_everywhere(
        sse(chunk({"content": ""}), chunk({"content": "a"}), chunk({"content": ""}))
    )
    assert completion.content == "a"
    assert deltas == [TextDelta(0, "a")]


# -- tool calls ------------------------------------------------------------------------


def test_parallel_tool_calls_in_small_pieces() -> None:
    completion, deltas = accumulate_everywhere(parallel_tool_stream())
    assert completion.content == ""
    assert completion.finish_reason == "tool_calls"
    assert completion.complete
    first, second = completion.tool_calls
    assert (first.index, first.id, first.name) == (0, "call_Kx1", "get_weather")
    assert (second.index, second.id, second.name) == (1, "call_Ry2", "get_time")
    assert first.parsed_arguments() == {"city": "Zürich", "unit": "celsius"}
    assert second.parsed_arguments() == {"city": "東京"}
    assert completion.usage is not None and completion.usage.total_tokens == 129
    starts = [d for d in deltas if type(d) is ToolCallStart]
    assert starts == [ToolCallStart(0, 0, "call_Kx1", "get_weather"), ToolCallStart(0, 1, "call_Ry2", "get_time")]
    for call in completion.tool_calls:
        glued = "".join(d.arguments for d in deltas if type(d) is ToolCallArgumentsDelta and d.index == call.index)
        assert glued == call.arguments


def test_tool_call_after_text_and_parsed_arguments() -> None:
    stream = sse(
        chunk({"role": "assistant", "content": "Je regarde"}),
        chunk({"content": " la météo…"}),
        chunk(
            {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "weather", "arguments": '{"q"'},
                    }
                ]
            }
        ),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": ': "Genève"}'}}]}),
        chunk({}, finish="tool_calls"),
    )
    completion, deltas = accumulate_everywhere(stream, every_split=True)
    assert completion.content == "Je regarde la météo…"
    assert completion.tool_calls == [ToolCall(0, "call_1", "weather", '{"q": "Genève"}', "function", True)]
    assert completion.tool_calls[0].parsed_arguments() == {"q": "Genève"}
    assert [type(d) for d in deltas] == [
        TextDelta,
        TextDelta,
        ToolCallStart,
        ToolCallArgumentsDelta,
        ToolCallArgumentsDelta,
        ToolCallEnd,
        FinishDelta,
    ]


def test_legacy_function_call() -> None:
    stream = sse(
        chunk({"role": "assistant", "content": None, "function_call": {"name": "lookup", "arguments": ""}}),
        chunk({"function_call": {"arguments": '{"id": '}}),
        chunk({"function_call": {"arguments": "42}"}}),
        chunk({}, finish="function_call"),
    )
    completion, deltas = accumulate_everywhere(stream)
    assert completion.function_call == ToolCall(0, None, "lookup", '{"id": 42}', "function", True)
    assert completion.function_call.parsed_arguments() == {"id": 42}
    assert completion.tool_calls == []
    assert completion.finish_reason == "function_call"
    assert [d for d in deltas if type(d) is FunctionCallDelta] == [
        FunctionCallDelta(0, "lookup", ""),
        FunctionCallDelta(0, "", '{"id": '),
        FunctionCallDelta(0, "", "42}"),
    ]


# -- reasoning, refusal, logprobs --------------------------------------------------------


def test_reasoning_content_then_content() -> None:
    """DeepSeek, xAI, Moonshot: ``reasoning_content``, with ``content: null`` beside it."""
    stream = sse(
        chunk({"role": "assistant", "content": None, "reasoning_content": ""}),
        chunk({"content": None, "reasoning_content": "Let me"}),
        chunk({"content": None, "reasoning_content": " think — über"}),
        chunk({"content": "Answer", "reasoning_content": None}),
        chunk({"content": ".", "reasoning_content": None}, finish="stop"),
    )
    completion, deltas = accumulate_everywhere(stream)
    assert completion.reasoning == "Let me think — über"
    assert completion.content == "Answer."
    assert text_of(deltas, ReasoningDelta) == completion.reasoning
    assert [type(d) for d in deltas][:3] == [ReasoningDelta, ReasoningDelta, TextDelta]


def test_reasoning_field() -> None:
    """Groq, OpenRouter, vLLM: ``reasoning``."""
    completion, _ = accumulate_everywhere(
        sse(chunk({"reasoning": "Hmm"}), chunk({"reasoning": "…ok"}), chunk({"content": "Yes"}, finish="stop"))
    )
    assert (completion.reasoning, completion.content) == ("Hmm…ok", "Yes")


def test_reasoning_sent_under_both_names_is_kept_once() -> None:
    """vLLM sends ``reasoning`` and ``reasoning_content`` with the same text."""
    completion, deltas = accumulate_everywhere(
        sse(
            chunk({"reasoning": "One", "reasoning_content": "One"}),
            chunk({"reasoning": " two", "reasoning_content": " two"}),
        )
    )
    assert completion.reasoning == "One two"
    assert deltas == [ReasoningDelta(0, "One"), ReasoningDelta(0, " two")]


def test_reasoning_under_both_names_with_different_text_keeps_both() -> None:
    completion, _ = accumulate_everywhere(sse(chunk({"reasoning_content": "a", "reasoning": "b"})))
    assert completion.reasoning == "ab"


def test_refusal() -> None:
    stream = sse(
        chunk({"role": "assistant", "content": None, "refusal": ""}),
        chunk({"refusal": "I'm sorry,"}),
        chunk({"refusal": " I can't help with that."}),
        chunk({}, finish="stop"),
        usage_chunk(),
    )
    completion, deltas = accumulate_everywhere(stream)
    assert completion.refusal == "I'm sorry, I can't help with that."
    assert completion.content == ""
    assert text_of(deltas, RefusalDelta) == completion.refusal


def test_logprobs_are_glued_per_choice() -> None:
    def lp(token: str) -> dict[str, Any]:
        return {"content": [{"token": token, "logprob": -0.1, "bytes": list(token.encode()), "top_logprobs": []}]}

    stream = sse(
        chunk({"role": "assistant", "content": ""}, logprobs={"content": [], "refusal": None}),
        chunk({"content": "Fo"}, logprobs=lp("Fo")),
        chunk({"content": "o"}, logprobs=lp("o")),
        chunk({}, finish="stop"),
    )
    completion, _ = accumulate_everywhere(stream)
    assert completion.logprobs is not None
    assert [entry["token"] for entry in completion.logprobs["content"]] == ["Fo", "o"]
    assert completion.logprobs["refusal"] == []
    assert completion.choices[0].logprobs == completion.logprobs


def test_other_token_lists_in_logprobs_are_glued_too() -> None:
    """DeepSeek's reasoning models send the reasoning tokens' entries beside content's."""
    def entry(token: str) -> dict[str, Any]:
        return {"token": token, "logprob": -0.1, "top_logprobs": []}

    stream = sse(
        chunk({"reasoning_content": "Think"}, logprobs={"reasoning_content": [entry("Think")], "content": None}),
        chunk({"reasoning_content": " more"}, logprobs={"reasoning_content": [entry(" more")], "content": None}),
        chunk({"content": "Answer."}, logprobs={"content": [entry("Answer.")], "reasoning_content": None,
                                               "note": "not a list: not token entries"}),
        chunk({}, finish="stop"),
    )
    completion, _ = accumulate_everywhere(stream)
    assert completion.logprobs == {
        "content": [entry("Answer.")], "refusal": [], "reasoning_content": [entry("Think"), entry(" more")],
    }


def test_no_logprobs_is_none() -> None:
    completion, _ = accumulate_everywhere(TEXT_STREAM)
    assert completion.logprobs is None


# -- delta members with no common field: extra["choices"] -----------------------------------


def test_annotations_are_kept_and_said_as_citations() -> None:
    """Web search models (OpenAI's search models, OpenRouter's web plugin) send
    ``url_citation`` annotations in a delta."""
    first = {"type": "url_citation", "url_citation": {"url": "https://a.example", "title": "A", "start_index": 0,
                                                     "end_index": 5}}
    second = {"type": "url_citation", "url_citation": {"url": "https://b.example", "title": "B"}}
    stream = sse(
        chunk({"role": "assistant", "content": "", "annotations": [first]}),
        chunk({"content": "Hello"}),
        chunk({"content": ".", "annotations": [second]}),
        chunk({}, finish="stop"),
        done=True,
    )
    completion, deltas = accumulate_everywhere(stream, every_split=True)
    assert completion.content == "Hello." and completion.complete
    assert completion.extra == {"choices": [{"index": 0, "message": {"annotations": [first, second]}}]}
    assert [d for d in deltas if isinstance(d, sseparse.CitationDelta)] == [
        sseparse.CitationDelta(0, first), sseparse.CitationDelta(0, second)
    ]


@pytest.mark.parametrize("target", ["openai-chat", "anthropic", "openai-responses", "gemini"])
def test_annotations_pass_through_a_chat_to_chat_transcoder_only(target: str) -> None:
    citation = {"type": "url_citation", "url_citation": {"url": "https://a.example", "title": "A"}}
    stream = sse(chunk({"role": "assistant", "content": "Hi", "annotations": [citation]}), chunk({}, finish="stop"))
    transcoder = sseparse.Transcoder(target)
    written = transcoder.feed(stream) + transcoder.close()
    acc = sseparse.Accumulator(target)
    acc.feed(written)
    result = acc.close()
    assert result.content == "Hi" and result.complete
    if target == "openai-chat":
        assert result.extra["choices"] == [{"index": 0, "message": {"annotations": [citation]}}]
    else:  # (other dialects' citations have other shapes)
        assert b"url_citation" not in written


def test_audio_pieces_are_glued_and_its_other_members_kept_as_last_sent() -> None:
    stream = sse(
        chunk({"role": "assistant", "audio": {"id": "audio_1", "transcript": "Hel"}}),
        chunk({"audio": {"transcript": "lo"}}),
        chunk({"audio": {"data": "UklG"}}),
        chunk({"audio": {"data": "Rg==", "transcript": None}}),
        chunk({"audio": {"expires_at": 1729000000, "id": "audio_1"}}),
        chunk({}, finish="stop"),
        done=True,
    )
    completion, _ = accumulate_everywhere(stream)
    audio = {"id": "audio_1", "transcript": "Hello", "data": "UklGRg==", "expires_at": 1729000000}
    assert completion.extra == {"choices": [{"index": 0, "message": {"audio": audio}}]}


def test_reasoning_details_are_merged_by_index_with_their_signature() -> None:
    """OpenRouter: the reasoning text in pieces, the signature a client sends back in
    the last one; the text is the reasoning too."""
    def detail(text: str, signature: str | None = None, index: int = 0) -> dict[str, Any]:
        return {"type": "reasoning.text", "text": text, "signature": signature, "format": "anthropic-claude-v1",
                "index": index}

    encrypted = {"type": "reasoning.encrypted", "data": "gAAAA", "format": "anthropic-claude-v1"}
    stream = sse(
        chunk({"role": "assistant", "reasoning": "2+2", "reasoning_details": [detail("2+2")]}),
        chunk({"reasoning": " is 4.", "reasoning_details": [detail(" is 4.")]}),
        chunk({"reasoning_details": [detail("", "EtoBCkg")]}),
        chunk({"reasoning_details": [encrypted]}),
        chunk({"content": "4"}),
        chunk({}, finish="stop"),
        done=True,
    )
    completion, _ = accumulate_everywhere(stream)
    assert (completion.reasoning, completion.content) == ("2+2 is 4.", "4")
    details = [{"type": "reasoning.text", "text": "2+2 is 4.", "format": "anthropic-claude-v1", "index": 0,
                "signature": "EtoBCkg"}, encrypted]
    assert completion.extra == {"choices": [{"index": 0, "message": {"reasoning_details": details}}]}


def test_other_delta_members_are_kept_as_last_sent_per_choice(implementation: str) -> None:
    stream = sse(
        chunk({"content": "a", "provider_metadata": {"gateway": {"tries": 1}}, "x": None}, index=1),
        chunk({"content": "b", "provider_metadata": {"gateway": {"tries": 2}}}, index=1),
        chunk({"content": "c"}, index=0),
        chunk({}, finish="stop", index=0),
        chunk({}, finish="stop", index=1),
        done=True,
    )
    acc = sseparse.Accumulator("openai-chat", implementation=implementation)
    acc.feed(stream[: stream.index(b"\n\n") + 2])
    early = acc.completion
    acc.feed(stream[stream.index(b"\n\n") + 2 :])
    final = acc.close()
    assert final.extra == {"choices": [{"index": 1, "message": {"provider_metadata": {"gateway": {"tries": 2}}}}]}
    assert early.extra == {"choices": [{"index": 1, "message": {"provider_metadata": {"gateway": {"tries": 1}}}}]}
    plain, _ = accumulate_everywhere(TEXT_STREAM)
    assert plain.extra == {}


def test_chunk_members_without_a_common_field_are_kept_as_last_sent() -> None:
    """Perplexity's citations, OpenRouter's provider, OpenAI's service_tier...; null
    sends nothing, and OpenAI's ``obfuscation`` padding is noise."""
    citations = ["https://a.example", "https://b.example"]
    stream = sse(
        chunk({"role": "assistant", "content": ""}, prompt_filter_results=[{"prompt_index": 0}]),
        chunk({"content": "Hi"}, citations=citations[:1], service_tier="default", obfuscation="xyz"),
        chunk({"content": "!"}, citations=citations, service_tier=None, provider="Novita"),
        chunk({}, finish="stop", citations=citations, provider="Novita", obfuscation="q"),
        done=True,
    )
    completion, _ = accumulate_everywhere(stream, every_split=True)
    assert completion.extra == {
        "prompt_filter_results": [{"prompt_index": 0}], "citations": citations, "service_tier": "default",
        "provider": "Novita",
    }


def test_a_choices_members_without_a_common_field_are_kept_as_last_sent() -> None:
    """Azure's content filter results on every choice, vLLM's ``stop_reason`` (the stop
    string or token that ended it) beside the finish reason."""
    def filtered(severity: str) -> dict[str, Any]:
        return {"hate": {"filtered": False, "severity": severity}}

    stream = sse(
        chunk(choices=[{"index": 0, "delta": {"role": "assistant", "content": ""}, "content_filter_results": {}}]),
        chunk(choices=[{"index": 0, "delta": {"content": "Hi"}, "content_filter_results": filtered("safe")}]),
        chunk(choices=[{"index": 0, "delta": {"content": "!"}, "content_filter_results": filtered("low")}]),
        chunk(choices=[{"index": 0, "delta": {"content": "?"}, "content_filter_results": filtered("low"),
                        "stop_reason": None}]),
        chunk(choices=[{"index": 1, "delta": {"content": "b"}, "finish_reason": "stop", "stop_reason": "###"}]),
        chunk(choices=[{"index": 0, "delta": {"annotations": [{"type": "x"}]}, "finish_reason": "stop",
                        "stop_reason": 128001}]),
    )
    completion, _ = accumulate_everywhere(stream, every_split=True)
    assert completion.content == "Hi!?" and completion.choices[1].content == "b"
    assert completion.extra == {"choices": [
        {"index": 0, "content_filter_results": filtered("low"), "stop_reason": 128001,
         "message": {"annotations": [{"type": "x"}]}},
        {"index": 1, "stop_reason": "###"},
    ]}


# -- several choices ---------------------------------------------------------------------


def test_multiple_choices_interleaved() -> None:
    stream = sse(
        chunk(
            choices=[
                {"index": i, "delta": {"role": "assistant", "content": ""}, "finish_reason": None} for i in range(3)
            ]
        ),
        chunk({"content": "Un"}, index=0),
        chunk({"content": "Deux"}, index=1),
        chunk({"content": "Drei"}, index=2),
        chunk({"content": " chat"}, index=1),
        chunk(
            choices=[
                {"index": 0, "delta": {"content": "!"}, "finish_reason": "stop"},
                {"index": 2, "delta": {}, "finish_reason": "length"},
            ]
        ),
        chunk({}, index=1, finish="stop"),
        usage_chunk(),
    )
    completion, deltas = accumulate_everywhere(stream)
    assert [(c.index, c.content, c.finish_reason) for c in completion.choices] == [
        (0, "Un!", "stop"),
        (1, "Deux chat", "stop"),
        (2, "Drei", "length"),
    ]
    assert (completion.content, completion.finish_reason) == ("Un!", "stop")  # mirrors choice 0
    assert text_of(deltas, choice=1) == "Deux chat"
    assert FinishDelta(2, "length") in deltas


def test_choices_listed_by_index_even_if_they_start_out_of_order() -> None:
    completion, _ = accumulate_everywhere(sse(chunk({"content": "b"}, index=1), chunk({"content": "a"}, index=0)))
    assert [c.index for c in completion.choices] == [0, 1]
    assert completion.content == "a"


# -- the end of the stream -------------------------------------------------------------


def test_done_ends_the_stream() -> None:
    """(What may follow it: test_after_the_end.)"""
    data = sse(chunk({"content": "kept"}))
    completion, deltas = accumulate_everywhere(data)
    assert completion.content == "kept"
    assert completion.complete
    assert deltas == [TextDelta(0, "kept")]


def test_completion_is_not_complete_before_done() -> None:
    acc = Accumulator()
    acc.feed(sse(chunk({"content": "Hi"}, finish="stop"), done=False))
    assert acc.completion.content == "Hi"
    assert acc.completion.complete is False  # not ended yet: more may come
    acc.feed(b"data: [DONE]\n\n")
    assert acc.completion.complete is True
    assert acc.close().complete is True


def test_stream_cut_before_done_keeps_everything() -> None:
    data = sse(chunk({"role": "assistant", "content": ""}), chunk({"content": "Half an ans"}), done=False)
    completion, deltas = accumulate_everywhere(data)
    assert completion.content == "Half an ans"
    assert deltas == [TextDelta(0, "Half an ans")]
    assert completion.complete is False
    assert completion.error is not None
    assert completion.error["type"] == "incomplete_stream"
    assert "[DONE]" in completion.error["message"]
    assert completion.error["pending_data_prefix"] is None


def test_stream_cut_inside_an_event_names_what_was_pending() -> None:
    data = sse(chunk({"content": "Hello"}), done=False) + b'data: {"id":"chatcmpl-1","choices":[{"ind'
    completion, _ = accumulate_everywhere(data)
    assert completion.content == "Hello"
    assert completion.complete is False
    assert completion.error is not None and completion.error["type"] == "incomplete_stream"
    assert completion.error["pending_data_prefix"].startswith('\'{"id":"chatcmpl-1"')


def test_whole_event_without_its_blank_line_is_used() -> None:
    """A server that closes right after ``data: [DONE]`` (no blank line) ended properly."""
    completion, _ = accumulate_everywhere(sse(chunk({"content": "ok"})).rstrip(b"\n") + b"\n")
    assert completion.complete and completion.error is None
    completion, _ = accumulate_everywhere(sse(chunk({"content": "ok"}), done=False)[:-2])
    assert completion.content == "ok"
    assert completion.complete is False  # no [DONE], no finish reason


def test_finish_reason_without_done_is_complete() -> None:
    """Servers that never send ``[DONE]``: a finish reason on every choice ends the answer."""
    completion, _ = accumulate_everywhere(sse(chunk({"content": "ok"}), chunk({}, finish="stop"), done=False))
    assert completion.complete is True
    assert completion.error is None


def test_empty_stream() -> None:
    completion, deltas = accumulate_everywhere(b"")
    assert deltas == []
    assert completion.complete is False
    assert completion.dialect == "auto"
    assert completion.error is not None and completion.error["type"] == "incomplete_stream"


def test_only_done() -> None:
    completion, _ = accumulate_everywhere(b"data: [DONE]\n\n")
    assert completion.complete is True
    assert completion.dialect == "openai-chat"
    assert completion.content == ""
    assert completion.choices == []


def test_close_twice_returns_the_same_completion_and_feed_after_close_raises() -> None:
    acc = Accumulator()
    acc.feed(TEXT_STREAM)
    final = acc.close()
    assert acc.close() is final
    assert acc.completion is final
    with pytest.raises(ParserClosedError):
        acc.feed(b"data: [DONE]\n\n")
    with pytest.raises(ParserClosedError):
        acc.feed_event(Event(data="[DONE]"))


# -- errors ------------------------------------------------------------------------------


def test_malformed_json_names_the_event_and_keeps_what_came_before() -> None:
    data = sse(chunk({"content": "Before"}), '{"id": "chatcmpl-x", "choices": [', chunk({"content": "after"}))
    for fragments in fragmentations(data):
        acc = Accumulator()
        seen: list[Any] = []
        with pytest.raises(ChunkDecodeError) as info:
            for fragment in fragments:
                seen.extend(acc.feed(fragment))
        exc = info.value
        assert exc.index == 1  # the second event
        assert '{"id": "chatcmpl-x"' in str(exc) and "event #1" in str(exc)
        assert exc.completion is not None and exc.completion.content == "Before"
        assert exc.completion.complete is False
        assert exc.completion.error is not None and exc.completion.error["type"] == "chunk_decode_error"
        assert exc.completion.error["event_index"] == 1
        assert [*seen, *exc.deltas] == [MetadataDelta(CHAT_ID, MODEL), TextDelta(0, "Before")]
        assert acc.completion == exc.completion
        with pytest.raises(ParserClosedError):
            acc.feed(b"data: [DONE]\n\n")
        final = acc.close()  # never raises after an error: the partial result
        assert final.content == "Before" and not final.complete
        assert final.error == exc.completion.error


def test_malformed_json_message_quotes_only_a_prefix() -> None:
    garbage = "{" + "x" * 10_000
    with pytest.raises(ChunkDecodeError) as info:
        sseparse.accumulate([sse(chunk({"content": "a"}), garbage)])
    assert len(str(info.value)) < 400


@pytest.mark.parametrize(
    "data",
    [
        "[1, 2]",
        '"just a string"',
        '{"choices": "abc"}',
        '{"choices": [1]}',
        '{"choices": [{"index": "zero", "delta": {}}]}',
        '{"choices": [{"index": 0, "delta": {"content": 5}}]}',
        '{"choices": [{"index": 0, "delta": {"tool_calls": [7]}}]}',
        '{"choices": [{"index": 0, "delta": {}, "finish_reason": 1}]}',
        "[" * 100_000,
    ],
    ids=["list", "string", "choices-str", "choice-int", "index-str", "content-int", "piece-int", "finish-int", "deep"],
)
def test_chunks_of_the_wrong_shape_raise_chunk_decode_error(data: str) -> None:
    with pytest.raises(ChunkDecodeError) as info:
        sseparse.accumulate([sse(chunk({"content": "ok"}), data)], "openai-chat")
    assert info.value.completion is not None
    assert info.value.completion.content == "ok"


def test_provider_error_without_choices() -> None:
    error = {"message": "The server had an error while processing your request.", "type": "server_error", "code": "500"}
    data = sse(chunk({"content": "Partial"}), {"error": error})
    for fragments in fragmentations(data):
        with pytest.raises(ProviderError) as info:
            sseparse.accumulate(fragments)
        exc = info.value
        assert exc.message == error["message"]
        assert exc.code == "500"
        assert exc.type == "server_error"
        assert exc.error == error
        assert error["message"] in str(exc)
        assert exc.completion is not None
        assert exc.completion.content == "Partial"
        assert exc.completion.complete is False
        assert exc.completion.error == {
            "type": "provider_error",
            "message": error["message"],
            "code": "500",
            "error_type": "server_error",
            "provider_error": error,
            "request_id": None,
        }


def test_provider_error_with_choices_keeps_that_chunks_content() -> None:
    """OpenRouter sends the error on a chunk with ``finish_reason: "error"``."""
    failing = chunk({"content": " and more"}, finish="error", error={"code": 502, "message": "Upstream died"})
    acc = Accumulator()
    with pytest.raises(ProviderError) as info:
        acc.feed(sse(chunk({"content": "Some"}), failing))
    exc = info.value
    assert exc.message == "Upstream died" and exc.code == "502"
    assert exc.completion is not None
    assert exc.completion.content == "Some and more"
    assert exc.completion.finish_reason == "error"
    assert exc.deltas == [
        MetadataDelta(CHAT_ID, MODEL),
        TextDelta(0, "Some"),
        TextDelta(0, " and more"),
        FinishDelta(0, "error"),
    ]
    assert acc.close().complete is False


def test_error_event_type() -> None:
    with pytest.raises(ProviderError) as info:
        sseparse.accumulate([sse(chunk({"content": "a"}), done=False) + b"event: error\ndata: upstream timeout\n\n"])
    assert info.value.message == "upstream timeout"
    with pytest.raises(ProviderError) as info:
        sseparse.accumulate([b'event: error\ndata: {"message": "overloaded", "code": "overloaded"}\n\n'], "openai-chat")
    assert (info.value.message, info.value.code) == ("overloaded", "overloaded")


def test_blank_data_events_are_ignored() -> None:
    completion, _ = accumulate_everywhere(b"data:\n\ndata: \n\n" + sse(chunk({"content": "x"})))
    assert completion.content == "x" and completion.complete


# -- dialects ----------------------------------------------------------------------------


def test_auto_detects_openai_chat_and_reports_it() -> None:
    acc = Accumulator()
    assert acc.dialect == "auto"
    acc.feed(b": keep-alive\n\ndata:\n\n")
    assert acc.dialect == "auto"  # nothing with data yet
    acc.feed(sse(chunk({"content": "x"}), done=False))
    assert acc.dialect == "openai-chat"


def test_unknown_dialect_name() -> None:
    with pytest.raises(DialectError, match=r"unknown dialect 'openai'.*openai-chat"):
        Accumulator("openai")
    with pytest.raises(DialectError):
        sseparse.accumulate([TEXT_STREAM], "nope")
    assert "openai-chat" in sseparse.dialect_names()


def test_undetectable_stream() -> None:
    acc = Accumulator()
    with pytest.raises(DialectError, match="cannot detect") as info:
        acc.feed(b'data: {"hello": "world"}\n\n')
    assert info.value.completion is not None
    assert info.value.completion.error is not None
    assert info.value.completion.error["type"] == "dialect_error"
    assert acc.close().complete is False


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b'event: message_start\ndata: {"type":"message_start","message":{}}\n\n', "anthropic"),
        (b'event: response.created\ndata: {"type":"response.created","response":{}}\n\n', "openai-responses"),
        (b'data: {"candidates":[{"content":{"parts":[{"text":"Hi"}]}}]}\n\n', "gemini"),
    ],
)
def test_other_formats_are_detected_by_auto(data: bytes, name: str) -> None:
    assert name in sseparse.dialect_names()
    acc = Accumulator()
    acc.feed(data)
    assert acc.dialect == name


def test_explicit_dialect_reads_a_stream_auto_would_too() -> None:
    assert sseparse.accumulate([TEXT_STREAM], "openai-chat") == sseparse.accumulate([TEXT_STREAM])


# -- feeding events, bytes-likes ----------------------------------------------------------


def test_feed_event_takes_events_framed_elsewhere() -> None:
    acc = Accumulator("openai-chat")
    assert acc.feed_event(Event(data=json.dumps(chunk({"content": "Hé"})))) == [
        MetadataDelta(CHAT_ID, MODEL),
        TextDelta(0, "Hé"),
    ]
    assert acc.feed_event(Event(data="[DONE]")) == []
    assert acc.close().content == "Hé"


def test_bytearray_and_memoryview_fragments() -> None:
    expected = sseparse.accumulate([TEXT_STREAM])
    assert sseparse.accumulate(bytearray(p) for p in pieces(TEXT_STREAM, 9)) == expected
    assert sseparse.accumulate(memoryview(p) for p in pieces(TEXT_STREAM, 9)) == expected


def test_crlf_stream() -> None:
    crlf = sse(chunk({"content": "a\r\nb"}), chunk({}, finish="stop"), newline=b"\r\n")
    completion, _ = accumulate_everywhere(crlf, every_split=True)
    assert completion.content == "a\r\nb" and completion.complete


# -- drivers ---------------------------------------------------------------------------------


async def agen(fragments: Iterable[bytes]) -> AsyncIterator[bytes]:
    for fragment in fragments:
        await asyncio.sleep(0)
        yield fragment


def test_accumulate_and_aaccumulate_agree() -> None:
    expected = feed_all([TEXT_STREAM])[0]
    assert sseparse.accumulate(pieces(TEXT_STREAM, 3)) == expected
    assert asyncio.run(sseparse.aaccumulate(agen(pieces(TEXT_STREAM, 3)))) == expected
    assert asyncio.run(sseparse.aaccumulate(agen(pieces(TEXT_STREAM, 3)), "openai-chat")) == expected


def test_accumulate_returns_a_cut_stream() -> None:
    completion = sseparse.accumulate([sse(chunk({"content": "cut"}), done=False)])
    assert completion.content == "cut" and not completion.complete


def test_iter_deltas_yields_what_feed_returns_and_keeps_the_completion() -> None:
    expected_completion, expected_deltas = feed_all([parallel_tool_stream()])
    stream = sseparse.iter_deltas(pieces(parallel_tool_stream(), 11))
    assert list(stream) == expected_deltas
    assert stream.completion == expected_completion
    assert stream.accumulator.dialect == "openai-chat"


def test_iter_deltas_next() -> None:
    stream = sseparse.iter_deltas([TEXT_STREAM])
    assert next(stream) == MetadataDelta(CHAT_ID, MODEL)
    assert next(stream) == TextDelta(0, NON_ASCII_PARTS[0])


def test_iter_deltas_raises_on_a_cut_stream_unless_told_to_ignore() -> None:
    cut = sse(chunk({"content": "Never fin"}), done=False)
    stream = sseparse.iter_deltas(pieces(cut, 4))
    got: list[Any] = []
    with pytest.raises(IncompleteStreamError) as info:
        for delta in stream:
            got.append(delta)
    assert got == [MetadataDelta(CHAT_ID, MODEL), TextDelta(0, "Never fin")]
    assert info.value.completion is not None and info.value.completion.content == "Never fin"
    assert stream.completion.complete is False
    ignoring = sseparse.iter_deltas([cut], on_incomplete="ignore")
    assert list(ignoring) == [MetadataDelta(CHAT_ID, MODEL), TextDelta(0, "Never fin")]
    assert ignoring.completion.complete is False
    with pytest.raises(ValueError):
        sseparse.iter_deltas([cut], on_incomplete="dispatch")  # type: ignore[arg-type]


def test_iter_deltas_yields_the_deltas_of_a_whole_tail_event() -> None:
    data = sse(chunk({"content": "a"}), chunk({"content": "b"}, finish="stop"), done=False)[:-1]
    assert list(sseparse.iter_deltas([data])) == [
        MetadataDelta(CHAT_ID, MODEL),
        TextDelta(0, "a"),
        TextDelta(0, "b"),
        FinishDelta(0, "stop"),
    ]


def test_aiter_deltas() -> None:
    expected_completion, expected_deltas = feed_all([TEXT_STREAM])

    async def main() -> tuple[list[Any], Completion]:
        stream = sseparse.aiter_deltas(agen(pieces(TEXT_STREAM, 7)))
        first = await stream.__anext__()
        return [first, *[delta async for delta in stream]], stream.completion

    deltas, completion = asyncio.run(main())
    assert deltas == expected_deltas
    assert completion == expected_completion


def test_aiter_deltas_raises_on_a_cut_stream() -> None:
    async def main() -> None:
        async for _ in sseparse.aiter_deltas(agen([sse(chunk({"content": "x"}), done=False)])):
            pass

    with pytest.raises(IncompleteStreamError):
        asyncio.run(main())


def test_event_too_large_keeps_what_came_before() -> None:
    data = sse(chunk({"content": "small"}), chunk({"content": "x" * 500}))
    acc = Accumulator(max_event_size=300)
    with pytest.raises(sseparse.EventTooLargeError) as info:
        acc.feed(data)
    assert info.value.completion is not None and info.value.completion.content == "small"
    assert info.value.deltas == [MetadataDelta(CHAT_ID, MODEL), TextDelta(0, "small")]
    final = acc.close()
    assert final.error is not None and final.error["type"] == "event_too_large"


# -- properties ----------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_split_points_give_the_same_result(data: st.DataObject) -> None:
    stream = parallel_tool_stream()
    assert feed_all(data.draw(helpers.any_split(stream))) == feed_all([stream])


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(st.binary(max_size=40), st.sampled_from([b"data: ", b"\n\n", b"[DONE]", b"{", b'"choices"'])),
        max_size=30,
    )
)
def test_garbage_raises_only_sseparse_errors(parts: list[bytes]) -> None:
    helpers.assert_only_sseparse_errors(parts)


@settings(max_examples=150, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "choices",
                        "index",
                        "delta",
                        "content",
                        "tool_calls",
                        "function",
                        "arguments",
                        "id",
                        "name",
                        "usage",
                        "x_groq",
                        "logprobs",
                        "finish_reason",
                        "reasoning",
                        "refusal",
                        "error",
                        "function_call",
                    ]
                ),
                children,
                max_size=4,
            )
        ),
        max_leaves=20,
    )
)
def test_any_json_chunk_gives_a_result_or_an_sseparse_error(obj: Any) -> None:
    data = b"data: " + json.dumps(obj).encode() + b"\n\n"
    acc = Accumulator("openai-chat")
    with contextlib.suppress(SseparseError):
        acc.feed(data)
    json.dumps(acc.close().to_dict())


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=30),
        st.builds(
            lambda ws1, value, ws2: ws1 + json.dumps(value) + ws2,
            st.sampled_from(["", " ", "\n", "\ufeff", "\t "]),
            st.recursive(st.none() | st.integers() | st.text(max_size=4), lambda c: st.lists(c, max_size=3)),
            st.sampled_from(["", " ", "\r\n", "x", "]", "{}"]),
        ),
    )
)
def test_decode_json_is_json_loads(text: str) -> None:
    """The fast decoder gives exactly what ``json.loads`` gives, errors included."""
    from sseparse._dialects._base import decode_json

    try:
        expected: Any = json.loads(text)
    except ValueError as exc:
        with pytest.raises(ValueError) as info:
            decode_json(text)
        assert str(info.value) == str(exc)
    else:
        assert json.dumps(decode_json(text)) == json.dumps(expected)  # NaN != NaN, its text is


def test_chunk_with_whitespace_around_its_json() -> None:
    data = b"data:   " + json.dumps(chunk({"content": "ok"})).encode() + b"  \n\n"
    assert sseparse.accumulate([data + b"data: [DONE]\n\n"]).content == "ok"


def test_error_as_the_very_first_event_is_a_provider_error() -> None:
    with pytest.raises(ProviderError) as info:
        sseparse.accumulate([b"event: error\ndata: Service Unavailable\n\n"])
    assert info.value.message == "Service Unavailable"
    with pytest.raises(ProviderError) as info:
        sseparse.accumulate([b'data: {"error": {"message": "Invalid API key", "code": "invalid_api_key"}}\n\n'])
    assert (info.value.message, info.value.code) == ("Invalid API key", "invalid_api_key")
    assert info.value.completion is not None and info.value.completion.dialect == "openai-chat"


def test_provider_error_in_an_event_the_stream_ended_inside_of() -> None:
    """``close()`` uses a whole tail event; an error there is raised, not called a cut."""
    acc = Accumulator()
    acc.feed(sse(chunk({"content": "So far"}), done=False) + b'data: {"error": {"message": "boom"}}\n')
    with pytest.raises(ProviderError, match="boom") as info:
        acc.close()
    assert info.value.completion is not None and info.value.completion.content == "So far"
    final = acc.close()
    assert final.complete is False
    assert final.error is not None and final.error["type"] == "provider_error"


def test_provider_error_wins_over_a_malformed_chunk_that_carries_it() -> None:
    with pytest.raises(ProviderError, match="quota"):
        sseparse.accumulate([b'data: {"choices": "n/a", "error": {"message": "quota exceeded"}}\n\n'], "openai-chat")
