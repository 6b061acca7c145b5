"""Real-server quirks of the openai-chat dialect, one test each.

The streams imitate what each server sends (field order, ``null`` fields, extra
members), written for these tests. Each is fed whole, in 1, 3 and 7-byte fragments and
split at every point, and must give the same result every time.
"""

from __future__ import annotations

from typing import Any

import pytest

import helpers
from helpers import IMPLEMENTATIONS, data_stream, feed_all, pieces
from sseparse import (
    Accumulator,
    ChunkDecodeError,
    Completion,
    FinishDelta,
    MetadataDelta,
    TextDelta,
    ToolCall,
    ToolCallArgumentsDelta,
    ToolCallStart,
    UsageDelta,
)


def sse(*chunks: Any, done: bool = True) -> bytes:
    return data_stream(*chunks, done=done)


def accumulate(data: bytes) -> tuple[Completion, list[Any]]:
    """The result of ``data``, the same whatever its fragmentation and on both
    implementations, its deltas folding to it; the ``MetadataDelta`` (checked by
    the fold) is left out of the deltas returned."""
    expected = feed_all([data])
    helpers.fold_equals_completion(expected[1], expected[0])
    for implementation in IMPLEMENTATIONS:
        for size in (1, 3, 7):
            assert feed_all(pieces(data, size), implementation=implementation) == expected
        for cut in range(1, len(data), max(1, len(data) // 300)):
            cut_in_two = [data[:cut], data[cut:]]
            assert feed_all(cut_in_two, implementation=implementation) == expected, f"differs when cut at byte {cut}"
    return expected[0], [delta for delta in expected[1] if type(delta) is not MetadataDelta]


def chunk(delta: dict[str, Any] | None = None, finish: str | None = None, **extra: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "id": "chatcmpl-Q1",
        "object": "chat.completion.chunk",
        "created": 1730000000,
        "model": "gpt-4o-2024-08-06",
        "choices": [{"index": 0, "delta": delta or {}, "logprobs": None, "finish_reason": finish}],
    }
    obj.update(extra)
    return obj


def tool_chunk(*pieces: dict[str, Any]) -> dict[str, Any]:
    return chunk({"tool_calls": list(pieces)})


# -- where id, model and usage come from ------------------------------------------------------


def test_azure_first_chunk_with_empty_choices_and_prompt_filter_results() -> None:
    """Azure OpenAI starts with a content-filter chunk: no choices, and an empty id,
    model and object. The id and model must come from the real chunks."""
    azure_first = {
        "choices": [],
        "created": 0,
        "id": "",
        "model": "",
        "object": "",
        "prompt_filter_results": [
            {"prompt_index": 0, "content_filter_results": {"hate": {"filtered": False, "severity": "safe"}}}
        ],
    }
    azure_chunk: dict[str, Any] = {
        "choices": [
            {
                "content_filter_results": {},
                "delta": {"content": "Ciao", "refusal": None, "role": "assistant"},
                "finish_reason": None,
                "index": 0,
                "logprobs": None,
            }
        ],
        "created": 1762317021,
        "id": "chatcmpl-Azure7",
        "model": "gpt-5-nano-2025-08-07",
        "obfuscation": "D3Wb",
        "object": "chat.completion.chunk",
        "system_fingerprint": None,
        "usage": None,
    }
    last = dict(azure_chunk, choices=[dict(azure_chunk["choices"][0], delta={}, finish_reason="stop")])
    completion, _ = accumulate(sse(azure_first, azure_chunk, last))
    assert completion.id == "chatcmpl-Azure7"
    assert completion.model == "gpt-5-nano-2025-08-07"
    assert completion.created == 1762317021
    assert completion.content == "Ciao"
    assert completion.complete


def test_usage_on_a_chunk_with_empty_choices() -> None:
    """``stream_options: {"include_usage": true}``: usage comes last, with ``choices: []``."""
    usage = {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11}
    completion, deltas = accumulate(
        sse(chunk({"content": "Hi"}, usage=None), chunk({}, "stop", usage=None), dict(chunk(), choices=[], usage=usage))
    )
    assert completion.usage is not None
    assert (completion.usage.input_tokens, completion.usage.output_tokens, completion.usage.total_tokens) == (9, 2, 11)
    assert completion.usage.raw == usage
    assert completion.finish_reason == "stop"
    assert deltas[-1] == UsageDelta(completion.usage)


def test_groq_usage_in_x_groq() -> None:
    """Groq reports usage in ``x_groq.usage`` (newer deployments also at the top level)."""
    groq_usage = {
        "queue_time": 0.04,
        "prompt_tokens": 210,
        "prompt_time": 0.01,
        "completion_tokens": 15,
        "completion_time": 0.05,
        "total_tokens": 225,
        "total_time": 0.06,
    }
    first = chunk({"role": "assistant", "content": ""}, x_groq={"id": "req_01abc", "seed": 68952})
    last = chunk({}, "stop", x_groq={"id": "req_01abc", "usage": groq_usage})
    completion, _ = accumulate(sse(first, chunk({"content": "Salut"}), last))
    assert completion.usage is not None
    assert (completion.usage.input_tokens, completion.usage.output_tokens, completion.usage.total_tokens) == (
        210,
        15,
        225,
    )
    assert completion.usage.raw == groq_usage
    # When both are sent, the top-level usage is the one kept.
    both = chunk({}, "stop", x_groq={"usage": dict(groq_usage, total_tokens=1)}, usage=groq_usage)
    completion, _ = accumulate(sse(chunk({"content": "x"}), both))
    assert completion.usage is not None and completion.usage.total_tokens == 225


def test_usage_before_a_final_chunk_without_usage_is_kept() -> None:
    """Some servers send usage on the finish chunk, then one more chunk without it:
    a chunk without usage never erases the usage already reported."""
    usage = {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}
    completion, deltas = accumulate(
        sse(chunk({"content": "abc"}), chunk({}, "stop", usage=usage), chunk({}, usage=None), dict(chunk(), choices=[]))
    )
    assert completion.usage is not None and completion.usage.raw == usage
    assert sum(type(d) is UsageDelta for d in deltas) == 1


def test_usage_repeated_is_reported_once_and_updates_win() -> None:
    first = {"prompt_tokens": 5, "completion_tokens": 1, "total_tokens": 6}
    later = {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}
    completion, deltas = accumulate(
        sse(chunk({"content": "a"}, usage=first), chunk({"content": "b"}, usage=first), chunk({}, "stop", usage=later))
    )
    assert [d.usage.raw for d in deltas if type(d) is UsageDelta] == [first, later]
    assert completion.usage is not None and completion.usage.total_tokens == 7


def test_usage_without_total_tokens_gets_the_sum() -> None:
    completion, _ = accumulate(sse(chunk({"content": "a"}, "stop", usage={"prompt_tokens": 4, "completion_tokens": 6})))
    assert completion.usage is not None and completion.usage.total_tokens == 10


def test_chunks_without_object_or_system_fingerprint() -> None:
    """Moonshot and llama.cpp-style chunks omit ``object``; they are chat chunks all the same."""
    bare = {
        "id": "chatcmpl-stream",
        "created": 1785880003,
        "model": "kimi-k2",
        "choices": [{"index": 0, "delta": {"content": "Hi"}}],
    }
    completion, _ = accumulate(sse(bare))
    assert (completion.id, completion.model, completion.content) == ("chatcmpl-stream", "kimi-k2", "Hi")


# -- tool calls ---------------------------------------------------------------------------------


def test_tool_call_piece_without_index_is_a_whole_call() -> None:
    """Some servers (Gemini's OpenAI endpoint, older vLLM) send each call whole, without ``index``."""
    completion, deltas = accumulate(
        sse(
            tool_chunk({"id": "call_a", "type": "function", "function": {"name": "f", "arguments": '{"x": 1}'}}),
            tool_chunk({"id": "call_b", "type": "function", "function": {"name": "g", "arguments": '{"y": 2}'}}),
            chunk({}, "tool_calls"),
        )
    )
    assert completion.tool_calls == [ToolCall(0, "call_a", "f", '{"x": 1}', "function", True), ToolCall(1, "call_b", "g", '{"y": 2}', "function", True)]
    assert [d for d in deltas if type(d) is ToolCallStart] == [
        ToolCallStart(0, 0, "call_a", "f"),
        ToolCallStart(0, 1, "call_b", "g"),
    ]


def test_tool_call_piece_without_index_or_id_continues_the_last_call() -> None:
    completion, _ = accumulate(
        sse(
            tool_chunk({"id": "call_a", "function": {"name": "f", "arguments": '{"x"'}}),
            tool_chunk({"function": {"arguments": ": 1}"}}),
        )
    )
    assert completion.tool_calls == [ToolCall(0, "call_a", "f", '{"x": 1}', "function", True)]


def test_several_pieces_without_index_or_id_continue_the_last_calls_in_order() -> None:
    """Moonshot: the calls whole but empty in one chunk, then their arguments, one piece
    per call in the calls' order, none with an index."""
    weather = {"id": "weather_0", "type": "function", "function": {"name": "weather", "arguments": ""}}
    time = {"id": "time_1", "type": "function", "function": {"name": "time", "arguments": ""}}
    completion, deltas = accumulate(
        sse(
            tool_chunk(weather, time),
            tool_chunk({"function": {"arguments": '{"location":'}}, {"function": {"arguments": '{"zone":'}}),
            tool_chunk({"function": {"arguments": '"SF"}'}}, {"function": {"arguments": '"UTC"}'}}),
            chunk({}, "tool_calls"),
        )
    )
    assert completion.tool_calls == [
        ToolCall(0, "weather_0", "weather", '{"location":"SF"}', "function", True),
        ToolCall(1, "time_1", "time", '{"zone":"UTC"}', "function", True),
    ]
    # More such pieces than calls: as before, each continues the last call.
    completion, _ = accumulate(
        sse(tool_chunk(weather), tool_chunk({"function": {"arguments": '{"a":'}}, {"function": {"arguments": "1}"}}))
    )
    assert completion.tool_calls[0].arguments == '{"a":1}'


def test_usage_sent_on_the_choice_is_the_usage_unless_the_chunk_has_its_own() -> None:
    on_choice = {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17,
                 "completion_tokens_details": {"reasoning_tokens": 1}}
    finish = {"index": 0, "delta": {}, "finish_reason": "stop", "usage": on_choice}
    completion, _ = accumulate(sse(chunk({"content": "Hi"}), chunk(choices=[finish])))
    assert completion.usage is not None
    assert (completion.usage.input_tokens, completion.usage.output_tokens, completion.usage.reasoning_tokens) == (12, 5, 1)
    own = {"prompt_tokens": 99, "completion_tokens": 33, "total_tokens": 132}
    completion, _ = accumulate(sse(chunk({"content": "Hi"}), chunk(choices=[finish], usage=own)))
    assert completion.usage is not None and completion.usage.input_tokens == 99


def test_cached_tokens_at_the_top_of_the_usage_object() -> None:
    usage = {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110, "cached_tokens": 80}
    completion, _ = accumulate(sse(chunk({"content": "Hi"}, "stop"), chunk(choices=[], usage=usage)))
    assert completion.usage is not None and completion.usage.cached_input_tokens == 80


def test_groqs_x_groq_is_kept_besides_its_usage() -> None:
    x_groq = {"id": "req_01", "seed": 872656815}
    completion, _ = accumulate(sse(chunk({"content": "Hi"}, x_groq=x_groq), chunk({}, "stop")))
    assert completion.extra == {"x_groq": x_groq}


def test_same_index_twice_in_one_chunk_is_merged() -> None:
    completion, deltas = accumulate(
        sse(
            tool_chunk(
                {"index": 0, "id": "call_m", "type": "function", "function": {"name": "search", "arguments": ""}},
                {"index": 0, "function": {"arguments": '{"q": '}},
                {"index": 0, "function": {"arguments": '"naïve"}'}},
            ),
            chunk({}, "tool_calls"),
        )
    )
    assert completion.tool_calls == [ToolCall(0, "call_m", "search", '{"q": "naïve"}', "function", True)]
    assert completion.tool_calls[0].parsed_arguments() == {"q": "naïve"}
    assert [d for d in deltas if type(d) is ToolCallArgumentsDelta] == [
        ToolCallArgumentsDelta(0, 0, '{"q": '),
        ToolCallArgumentsDelta(0, 0, '"naïve"}'),
    ]


def test_same_index_with_a_different_id_is_a_new_call() -> None:
    """Servers that number every call 0 start a new call with a new id: its arguments
    must not be glued onto the previous call's."""
    completion, deltas = accumulate(
        sse(
            tool_chunk({"index": 0, "id": "call_1", "type": "function", "function": {"name": "a", "arguments": "{}"}}),
            tool_chunk(
                {"index": 0, "id": "call_2", "type": "function", "function": {"name": "b", "arguments": '{"k"'}}
            ),
            tool_chunk({"index": 0, "function": {"arguments": ": 3}"}}),
            chunk({}, "tool_calls"),
        )
    )
    assert completion.tool_calls == [ToolCall(0, "call_1", "a", "{}", "function", True), ToolCall(1, "call_2", "b", '{"k": 3}', "function", True)]
    assert [d.index for d in deltas if type(d) is ToolCallArgumentsDelta] == [0, 1, 1]


def test_empty_id_on_later_pieces_is_no_id() -> None:
    """Alibaba repeats ``"id": ""`` on every piece after the first."""
    completion, _ = accumulate(
        sse(
            tool_chunk(
                {"index": 0, "id": "call_eee1", "type": "function", "function": {"name": "weather", "arguments": ""}}
            ),
            tool_chunk({"index": 0, "id": "", "type": "function", "function": {"arguments": '{"location": "San'}}),
            tool_chunk({"index": 0, "id": "", "type": "function", "function": {"arguments": ' Francisco"}'}}),
            tool_chunk({"function": {"arguments": ""}, "index": 0, "id": "", "type": "function"}),
            chunk({}, "tool_calls"),
        )
    )
    assert completion.tool_calls == [ToolCall(0, "call_eee1", "weather", '{"location": "San Francisco"}', "function", True)]


def test_id_and_name_repeated_on_every_piece_are_kept_once() -> None:
    completion, _ = accumulate(
        sse(
            tool_chunk({"index": 0, "id": "call_r", "function": {"name": "lookup", "arguments": '{"a"'}}),
            tool_chunk({"index": 0, "id": "call_r", "function": {"name": "lookup", "arguments": ": 1}"}}),
        )
    )
    assert completion.tool_calls == [ToolCall(0, "call_r", "lookup", '{"a": 1}', "function", True)]


def test_tool_call_indexes_that_do_not_start_at_zero() -> None:
    """Anthropic's OpenAI-compatible endpoint numbers the first tool call 1 when text
    came first. The call is the first of ``tool_calls`` all the same."""
    completion, deltas = accumulate(
        sse(
            chunk({"role": "assistant"}),
            chunk({"content": "Reading it."}),
            tool_chunk(
                {"index": 1, "id": "toolu_01", "type": "function", "function": {"name": "read_file", "arguments": ""}}
            ),
            tool_chunk({"index": 1, "function": {"arguments": '{"pa'}}),
            tool_chunk({"index": 1, "function": {"arguments": 'th": "a.txt"}'}}),
            chunk({}, "tool_calls"),
        )
    )
    assert completion.content == "Reading it."
    assert completion.tool_calls == [ToolCall(0, "toolu_01", "read_file", '{"path": "a.txt"}', "function", True)]
    assert ToolCallStart(0, 0, "toolu_01", "read_file") in deltas


def test_arguments_sent_as_an_object_are_kept_as_json_text() -> None:
    completion, _ = accumulate(
        sse(tool_chunk({"index": 0, "id": "c", "function": {"name": "f", "arguments": {"k": "é"}}}))
    )
    assert completion.tool_calls[0].arguments == '{"k": "é"}'
    assert completion.tool_calls[0].parsed_arguments() == {"k": "é"}


def test_tool_call_without_arguments() -> None:
    completion, _ = accumulate(
        sse(
            tool_chunk({"index": 0, "id": "call_n", "function": {"name": "now", "arguments": ""}}),
            chunk({}, "tool_calls"),
        )
    )
    assert completion.tool_calls == [ToolCall(0, "call_n", "now", "", "function", True)]
    assert completion.tool_calls[0].parsed_arguments() == {}


# -- finish reasons, keep-alives, cut streams ------------------------------------------------


def test_finish_reason_length() -> None:
    completion, deltas = accumulate(sse(chunk({"content": "Once upon a"}), chunk({}, "length")))
    assert completion.finish_reason == "length"
    assert completion.complete  # the stream ended properly; the answer was cut by the limit
    assert FinishDelta(0, "length") in deltas


def test_finish_reason_content_filter() -> None:
    completion, _ = accumulate(sse(chunk({"content": "I was say"}), chunk({}, "content_filter")))
    assert (completion.finish_reason, completion.content, completion.complete) == ("content_filter", "I was say", True)


def test_finish_reason_repeated_is_reported_once() -> None:
    _, deltas = accumulate(sse(chunk({"content": "a"}, "stop"), chunk({}, "stop")))
    assert deltas == [TextDelta(0, "a"), FinishDelta(0, "stop")]


def test_keep_alive_comments_between_events() -> None:
    """OpenRouter sends ``: OPENROUTER PROCESSING``; others send ``: keep-alive`` or ``:ping``."""
    data = (
        b": OPENROUTER PROCESSING\n\n"
        + sse(chunk({"content": "Bon"}), done=False)
        + b":ping\n\n: keep-alive\n\n"
        + sse(chunk({"content": "jour"}, "stop"))
    )
    completion, deltas = accumulate(data)
    assert completion.content == "Bonjour"
    assert deltas == [TextDelta(0, "Bon"), TextDelta(0, "jour"), FinishDelta(0, "stop")]


def test_stream_cut_before_done_loses_nothing() -> None:
    data = sse(
        chunk({"content": "Partial "}),
        tool_chunk({"index": 0, "id": "call_c", "function": {"name": "f", "arguments": '{"a": '}}),
        done=False,
    )
    completion, _ = accumulate(data)
    assert completion.complete is False
    assert completion.content == "Partial "
    # Cut: the call is there, with what arrived, and says it is not whole.
    assert completion.tool_calls == [ToolCall(0, "call_c", "f", '{"a": ', "function", False)]
    assert completion.error is not None and completion.error["type"] == "incomplete_stream"


def test_mistral_content_parts() -> None:
    """Mistral's reasoning models send content as typed parts, thinking included."""
    completion, _ = accumulate(
        sse(
            chunk(
                {"role": "assistant", "content": [{"type": "thinking", "thinking": [{"type": "text", "text": "Hmm."}]}]}
            ),
            chunk({"content": [{"type": "text", "text": "Oui."}]}),
            chunk({"content": ""}, "stop"),
        )
    )
    assert (completion.reasoning, completion.content) == ("Hmm.", "Oui.")


def test_content_parts_of_other_types_are_kept_in_order() -> None:
    """An image or Mistral's ``reference`` part is no text: kept in the choice's extra
    entry, in arrival order, on both builds (both dropped them before)."""
    image = {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}
    reference = {"type": "reference", "reference_ids": [1, 2]}
    completion, _ = accumulate(
        sse(
            chunk({"role": "assistant", "content": [{"type": "text", "text": "See "}, image]}),
            chunk({"content": [reference, {"type": "text", "text": "this."}]}),
            chunk({"content": [{"text": "no type"}]}, "stop"),
        )
    )
    assert completion.content == "See this."
    assert completion.extra["choices"] == [
        {"index": 0, "message": {"content_parts": [image, reference, {"text": "no type"}]}}
    ]


def test_mistral_content_parts_up_to_the_compiled_path_s_limit_and_past_it() -> None:
    """Eight pieces in one delta are read by the compiled path, more by the full
    decode; empty texts are no piece; the same result on both builds either way."""
    for count in (8, 9, 12):
        thinking = [{"type": "text", "text": f"r{k} "} for k in range(count - 4)]
        parts = [{"type": "thinking", "thinking": thinking}, {"type": "text", "text": ""}]
        parts += [{"type": "text", "text": f"t{k} "} for k in range(4)]
        completion, _ = accumulate(sse(chunk({"role": "assistant", "content": parts}), chunk({}, "stop")))
        assert completion.reasoning == "".join(f"r{k} " for k in range(count - 4))
        assert completion.content == "t0 t1 t2 t3 "


def test_choice_without_index_or_with_null_index_is_choice_0() -> None:
    completion, _ = accumulate(
        sse(
            {"id": "x", "choices": [{"delta": {"content": "a"}}]},
            {"id": "x", "choices": [{"index": None, "delta": {"content": "b"}}]},
        )
    )
    assert [(c.index, c.content) for c in completion.choices] == [(0, "ab")]


# -- custom tools (free-text input) ---------------------------------------------------------


def custom_piece(index: int, input: str, *, call_id: str | None = None, name: str | None = None) -> dict[str, Any]:
    custom: dict[str, Any] = {"input": input}
    piece: dict[str, Any] = {"index": index, "custom": custom}
    if call_id is not None:
        piece.update(id=call_id, type="custom")
        custom["name"] = name
    return piece


def test_a_custom_tool_call_keeps_its_kind_name_and_input() -> None:
    """GPT-5's custom tools stream ``custom`` (name, input pieces) where a function call
    has ``function``: the call was read with no name and no input, complete."""
    function = {"index": 1, "id": "call_f", "type": "function", "function": {"name": "add", "arguments": '{"a":'}}
    completion, deltas = accumulate(
        sse(
            tool_chunk(custom_piece(0, "print(", call_id="call_c", name="python")),
            tool_chunk(custom_piece(0, '"ok")')),
            tool_chunk(function),
            tool_chunk({"index": 1, "function": {"arguments": "1}"}}),
            chunk({}, "tool_calls"),
        )
    )
    assert completion.tool_calls == [
        ToolCall(0, "call_c", "python", 'print("ok")', "custom", True),
        ToolCall(1, "call_f", "add", '{"a":1}', "function", True),
    ]
    assert completion.tool_calls[0].parsed_arguments() == 'print("ok")'  # free text, as it is
    starts = [d for d in deltas if type(d) is ToolCallStart]
    assert [(d.name, d.kind) for d in starts] == [("python", "custom"), ("add", "function")]


def test_an_empty_custom_member_beside_a_function_piece_says_nothing() -> None:
    """Some gateways echo ``"custom": {}`` on every function piece."""
    first = {"index": 0, "id": "call_1", "type": "function", "custom": {}, "function": {"name": "f", "arguments": "{"}}
    completion, _ = accumulate(
        sse(tool_chunk(first), tool_chunk({"index": 0, "custom": None, "function": {"arguments": "}"}}), chunk({}, "stop"))
    )
    assert completion.tool_calls == [ToolCall(0, "call_1", "f", "{}", "function", True)]


def test_the_partial_input_of_a_custom_call_is_its_text() -> None:
    for implementation in IMPLEMENTATIONS:
        acc = Accumulator("openai-chat", implementation=implementation)
        acc.feed(sse(tool_chunk(custom_piece(0, "ls ", call_id="call_c", name="shell")), done=False))
        assert acc.partial_arguments(0) == "ls "
        acc.feed(sse(tool_chunk(custom_piece(0, "-l")), done=False))
        assert acc.partial_arguments(0) == "ls -l"


def test_a_piece_that_mixes_the_two_kinds_is_refused() -> None:
    both = {"index": 0, "id": "call_1", "function": {"name": "f", "arguments": "{}"}, "custom": {"input": "x"}}
    wrong = {"index": 0, "function": {"arguments": "{}"}}  # a function piece for a custom call
    # the same, with the call's id and a name (a piece the compiled path reads itself), and without an index
    named = {"index": 0, "id": "call_c", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    unindexed = {"id": "call_c", "function": {"arguments": "{}"}}
    for data in (
        sse(tool_chunk(both), chunk({}, "stop")),
        *(
            sse(tool_chunk(custom_piece(0, "a", call_id="call_c", name="sh")), tool_chunk(piece), chunk({}, "stop"))
            for piece in (wrong, named, unindexed)
        ),
    ):
        errors = []
        for implementation in IMPLEMENTATIONS:
            for size in (1, len(data)):
                with pytest.raises(ChunkDecodeError) as caught:
                    feed_all(pieces(data, size), implementation=implementation)
                assert caught.value.completion is not None and not caught.value.completion.complete
                errors.append((str(caught.value), caught.value.completion))
        assert all(error == errors[0] for error in errors)  # the same on both builds, naming the event
        assert errors[0][0].startswith("event #") and "('message', data '{" in errors[0][0]


def test_reasoning_or_refusal_that_is_not_text_is_kept_not_dropped() -> None:
    """A server that puts an object where the text goes: not read as text, kept as
    sent in the choice's extra entry (it was dropped, on both builds)."""
    completion, _ = accumulate(
        sse(
            chunk({"role": "assistant", "reasoning": {"effort": "low"}, "content": "A"}),
            chunk({"reasoning_content": ["x"], "refusal": 7, "content": "B"}, "stop"),
        )
    )
    assert (completion.content, completion.reasoning, completion.refusal) == ("AB", "", "")
    assert completion.extra["choices"] == [
        {"index": 0, "message": {"reasoning": {"effort": "low"}, "reasoning_content": ["x"], "refusal": 7}}
    ]
