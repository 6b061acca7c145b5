"""No silent wrong answers: what the openai-chat and anthropic readers must never
get quietly wrong (wrong dialect, foreign sentinels, legacy Completions, reasoning
details, late ids and names, what a tool call is, usage meaning), on both builds."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import helpers
from sseparse import (
    Accumulator,
    ChunkDecodeError,
    Completion,
    MetadataDelta,
    SseparseError,
    ToolCall,
    ToolCallEnd,
    ToolCallStart,
    ToolCallUpdate,
    Transcoder,
    Usage,
)


def sse(*items: Any, done: bool = False) -> bytes:
    out = []
    for item in items:
        if isinstance(item, tuple):
            name, obj = item
            out.append(f"event: {name}\ndata: {json.dumps(obj, ensure_ascii=False)}\n\n".encode())
        elif isinstance(item, str):
            out.append(f"data: {item}\n\n".encode())
        else:
            out.append(f"data: {json.dumps(item, ensure_ascii=False)}\n\n".encode())
    if done:
        out.append(b"data: [DONE]\n\n")
    return b"".join(out)


def run(data: bytes, dialect: str, implementation: str, size: int = 0) -> tuple[Completion, list[Any]]:
    acc = Accumulator(dialect, implementation=implementation)
    deltas: list[Any] = []
    step = size or len(data) or 1
    for start in range(0, len(data), step):
        deltas.extend(acc.feed(data[start : start + step]))
    deltas.extend(acc.finish())
    return acc.close(), deltas


def everywhere(data: bytes, dialect: str, implementation: str) -> tuple[Completion, list[Any]]:
    """The result at several fragmentations (all equal), its deltas folding to it."""
    expected = run(data, dialect, implementation)
    for size in (1, 2, 7, 64):
        assert run(data, dialect, implementation, size) == expected
    helpers.fold_equals_completion(expected[1], expected[0])
    return expected


def chat(delta: dict[str, Any] | None = None, finish: str | None = None, **extra: Any) -> dict[str, Any]:
    choice: dict[str, Any] = {"index": 0, "delta": delta or {}, "finish_reason": finish}
    return {"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": "m-1", "choices": [choice], **extra}


MESSAGE_START = (
    "message_start",
    {
        "type": "message_start",
        "message": {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-x", "content": []},
    },
)


def anthropic_text(text: str, *, stop: bool = True) -> list[Any]:
    events: list[Any] = [
        MESSAGE_START,
        ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": text}}),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 2}}),
    ]
    if stop:
        events.append(("message_stop", {"type": "message_stop"}))
    return events


# -- 1. [DONE] is OpenAI's end marker, not Anthropic's ----------------------------------------


def test_done_after_message_stop_changes_nothing(implementation: str) -> None:
    completion, _ = everywhere(sse(*anthropic_text("Hi"), done=True), "anthropic", implementation)
    assert (completion.content, completion.finish_reason, completion.complete) == ("Hi", "end_turn", True)


def test_done_in_the_middle_of_an_anthropic_stream_ends_nothing(implementation: str) -> None:
    events = anthropic_text("Hi")
    data = sse(*events[:3]) + b"data: [DONE]\n\n" + sse(*events[3:])
    completion, _ = everywhere(data, "anthropic", implementation)
    assert (completion.content, completion.finish_reason, completion.complete) == ("Hi", "end_turn", True)


def test_done_without_message_stop_is_not_complete(implementation: str) -> None:
    completion, _ = everywhere(sse(*anthropic_text("Hi", stop=False)[:3], done=True), "anthropic", implementation)
    assert completion.content == "Hi"
    assert completion.complete is False
    assert completion.error is not None and completion.error["type"] == "incomplete_stream"


GEMINI_FINISHED = sse(
    {"candidates": [{"content": {"parts": [{"text": "Okay"}], "role": "model"}}]},
    {"candidates": [{"content": {"parts": [{"text": ""}], "role": "model"}, "finishReason": "STOP"}]},
)
# What a server sends when the model fails after the stream began: its JSON error
# body, after the events, with no SSE framing (lines without a colon: unknown fields).
ERROR_BODY = b'{\n  "error": {\n    "code": 503,\n    "message": "The model is overloaded.",\n    "status": "UNAVAILABLE"\n  }\n}\n'


@pytest.mark.parametrize(
    ("data", "dialect"),
    [
        (GEMINI_FINISHED + ERROR_BODY, "gemini"),
        (GEMINI_FINISHED + ERROR_BODY.rstrip(b"\n"), "gemini"),
        (sse(chat({"content": "Hi"}), chat({}, "stop")) + ERROR_BODY, "openai-chat"),
        # cut inside the line after the finish (the usage chunk that follows it, say)
        (sse(chat({"content": "Hi"}), chat({}, "stop")) + b"da", "openai-chat"),
    ],
)
def test_a_finished_stream_followed_by_what_is_no_event_is_not_complete(
    data: bytes, dialect: str, implementation: str
) -> None:
    completion, _ = everywhere(data, dialect, implementation)
    assert completion.finish_reason is not None and completion.content in ("Okay", "Hi")
    assert completion.complete is False
    assert completion.error is not None and completion.error["type"] == "incomplete_stream"
    assert completion.error["message"].startswith("stream ended after its finish reason")


def test_a_finished_stream_ending_in_comments_or_blank_lines_is_complete(implementation: str) -> None:
    data = GEMINI_FINISHED + b": keep-alive\n\n\n: bye"
    completion, _ = everywhere(data, "gemini", implementation)
    assert completion.complete is True and completion.error is None


# -- 2. a wrong explicit dialect is loud ------------------------------------------------------

OPENAI_STREAM = sse(chat({"role": "assistant", "content": "Hello"}), chat({}, "stop"), done=True)
ANTHROPIC_STREAM = sse(*anthropic_text("Hello"))
GEMINI_STREAM = sse(
    {"candidates": [{"content": {"parts": [{"text": "Hello"}], "role": "model"}, "finishReason": "STOP"}]}
)
RESPONSES_STREAM = sse(
    ("response.created", {"type": "response.created", "sequence_number": 0, "response": {"id": "resp_1"}}),
    ("response.output_text.delta", {"type": "response.output_text.delta", "sequence_number": 1, "delta": "Hello"}),
    ("response.completed", {"type": "response.completed", "sequence_number": 2, "response": {"id": "resp_1"}}),
)


@pytest.mark.parametrize(
    ("data", "dialect"),
    [
        (OPENAI_STREAM, "anthropic"),
        (GEMINI_STREAM, "anthropic"),
        (RESPONSES_STREAM, "anthropic"),
        (ANTHROPIC_STREAM, "openai-chat"),
        (GEMINI_STREAM, "openai-chat"),
        (RESPONSES_STREAM, "openai-chat"),
    ],
    ids=["chat-as-anthropic", "gemini-as-anthropic", "responses-as-anthropic", "anthropic-as-chat",
         "gemini-as-chat", "responses-as-chat"],
)
def test_a_stream_read_in_the_wrong_dialect_raises(data: bytes, dialect: str, implementation: str) -> None:
    acc = Accumulator(dialect, implementation=implementation)
    with pytest.raises(ChunkDecodeError) as info:
        acc.feed(data)
        acc.close()
    message = str(info.value)
    assert "event #0" in message and "expected" in message
    assert info.value.completion is not None and info.value.completion.complete is False


# -- 3. legacy Completions ----------------------------------------------------------------------


def legacy(text: str, index: int = 0, finish: str | None = None, **extra: Any) -> dict[str, Any]:
    choice = {"text": text, "index": index, "logprobs": None, "finish_reason": finish}
    return {"id": "cmpl-1", "object": "text_completion", "created": 1, "model": "base-1", "choices": [choice], **extra}


def test_legacy_completions_text_is_the_content(implementation: str) -> None:
    usage = {"prompt_tokens": 4, "completion_tokens": 3, "total_tokens": 7}
    data = sse(
        legacy("Once"),
        legacy("Zwei", index=1),
        legacy(" upon"),
        legacy(" a", finish="length"),
        legacy("!", index=1, finish="stop"),
        {"id": "cmpl-1", "object": "text_completion", "model": "base-1", "choices": [], "usage": usage},
        done=True,
    )
    for dialect in ("auto", "openai-chat"):
        completion, _ = everywhere(data, dialect, implementation)
        assert completion.dialect == "openai-chat"
        assert (completion.content, completion.finish_reason) == ("Once upon a", "length")
        assert [(c.content, c.finish_reason) for c in completion.choices] == [("Once upon a", "length"), ("Zwei!", "stop")]
        assert completion.usage is not None and completion.usage.total_tokens == 7
        assert completion.complete and completion.id == "cmpl-1" and completion.model == "base-1"


# -- 4. a choice's text or message beside (or instead of) its delta ------------------------------


def whole(content: Any, **message: Any) -> dict[str, Any]:
    """A non-streamed response's choice: the whole answer in ``message``."""
    choice = {"index": 0, "message": {"role": "assistant", "content": content, **message}, "finish_reason": "stop"}
    return {"id": "chatcmpl-1", "object": "chat.completion", "model": "m-1", "choices": [choice]}


def refused(data: bytes, dialect: str, implementation: str) -> ChunkDecodeError:
    """The error every fragmentation raises (the same), its completion not complete."""
    errors = []
    for size in (0, 1, 7):
        with pytest.raises(ChunkDecodeError) as caught:
            run(data, dialect, implementation, size)
        errors.append(caught.value)
        assert caught.value.completion is not None and not caught.value.completion.complete
    assert all((str(e), e.completion) == (str(errors[0]), errors[0].completion) for e in errors)
    return errors[0]


def test_a_whole_response_sent_as_one_event_is_read(implementation: str) -> None:
    # A server that does not stream may still answer in one SSE event: the non-streamed
    # object. Its message was kept in extra while the content stayed empty, complete.
    calls = [{"id": "call_1", "type": "function", "function": {"name": "add", "arguments": '{"a":1}'}}]
    for data in (sse(whole("Hello there"), done=True), sse(whole(None, tool_calls=calls), done=True)):
        for dialect in ("auto", "openai-chat"):
            completion, _ = everywhere(data, dialect, implementation)
            assert completion.complete and completion.finish_reason == "stop"
            assert "choices" not in completion.extra  # read, not kept aside
    text, _ = everywhere(sse(whole("Hello there"), done=True), "openai-chat", implementation)
    assert text.content == "Hello there"
    beside = whole("Hello there")
    beside["choices"][0]["delta"] = {"role": "assistant"}  # both forms, the delta with no piece
    assert everywhere(sse(beside, done=True), "openai-chat", implementation)[0].content == "Hello there"
    call, _ = everywhere(sse(whole(None, tool_calls=calls), done=True), "openai-chat", implementation)
    assert call.content == "" and [(c.id, c.name, c.arguments, c.complete) for c in call.tool_calls] == [
        ("call_1", "add", '{"a":1}', True)
    ]


def test_text_beside_an_empty_or_contentless_delta_is_the_content(implementation: str) -> None:
    def piece(text: str, delta: dict[str, Any]) -> dict[str, Any]:
        item = chat(delta)
        item["choices"][0]["text"] = text
        return item

    data = sse(piece("Hel", {}), piece("lo", {"role": "assistant"}), piece("", {}), chat({}, "stop"), done=True)
    completion, _ = everywhere(data, "openai-chat", implementation)
    assert (completion.content, completion.complete) == ("Hello", True)
    # the same piece in both forms (a server that fills both) is read once
    twice = sse(piece("Hel", {"content": "Hel"}), piece("lo", {"content": "lo"}), chat({}, "stop"), done=True)
    assert everywhere(twice, "openai-chat", implementation)[0].content == "Hello"


def test_text_and_delta_content_that_differ_are_refused(implementation: str) -> None:
    item = chat({"content": "yes"})
    item["choices"][0]["text"] = "no"
    error = refused(sse(chat({"content": "Well: "}), item, chat({}, "stop"), done=True), "openai-chat", implementation)
    assert "differ" in str(error) and error.completion.content == "Well: "


def test_a_whole_message_after_the_deltas_must_repeat_them(implementation: str) -> None:
    last = chat({}, "stop")
    last["choices"][0]["message"] = {"role": "assistant", "content": "Hello"}
    data = sse(chat({"content": "Hel"}), chat({"content": "lo"}), last, done=True)
    completion, _ = everywhere(data, "openai-chat", implementation)
    assert (completion.content, completion.complete) == ("Hello", True)  # not "HelloHello"
    assert completion.extra["choices"] == [{"index": 0, "message": {"role": "assistant", "content": "Hello"}}]
    # the repeated message and the delta members kept beside it share one entry
    cited = chat({"content": "Hel", "annotations": [{"type": "url_citation", "url": "https://a.example"}]})
    completion, _ = everywhere(sse(cited, chat({"content": "lo"}), last, done=True), "openai-chat", implementation)
    assert completion.extra["choices"] == [{"index": 0, "message": {
        "role": "assistant", "content": "Hello", "annotations": [{"type": "url_citation", "url": "https://a.example"}],
    }}]
    for content in ("Hello!", "Hellp", ["Hello"]):
        other = chat({}, "stop")
        other["choices"][0]["message"] = {"role": "assistant", "content": content}
        error = refused(sse(chat({"content": "Hel"}), chat({"content": "lo"}), other, done=True), "openai-chat", implementation)
        assert "differs from the text its deltas gave" in str(error)
        assert error.completion.content == "Hello" and error.completion.finish_reason is None


@pytest.mark.parametrize("member", [{"text": 3}, {"message": "Hello"}, {"message": ["Hello"]}, {"text": "a", "delta": [1]}])
def test_a_text_or_message_of_another_type_is_refused(implementation: str, member: dict[str, Any]) -> None:
    item = chat({})
    item["choices"][0].update(member)
    refused(sse(chat({"content": "A"}), item, done=True), "openai-chat", implementation)


# -- 5. reasoning_details -------------------------------------------------------------------------


def test_reasoning_sent_only_as_reasoning_details(implementation: str) -> None:
    details = [{"type": "reasoning.text", "text": "Think", "format": "x", "index": 0}]
    more = [{"type": "reasoning.summary", "summary": "ing."}, {"type": "reasoning.encrypted", "data": "opaque"}]
    data = sse(chat({"reasoning_details": details}), chat({"reasoning_details": more}), chat({"content": "A"}, "stop"))
    completion, _ = everywhere(data, "openai-chat", implementation)
    assert (completion.reasoning, completion.content) == ("Thinking.", "A")


def test_reasoning_and_reasoning_details_together_are_counted_once(implementation: str) -> None:
    details = [{"type": "reasoning.text", "text": "Hm."}]
    data = sse(chat({"reasoning": "Hm.", "reasoning_details": details}), chat({"content": "A"}, "stop"), done=True)
    completion, _ = everywhere(data, "openai-chat", implementation)
    assert completion.reasoning == "Hm."


# -- 6. deltas lose nothing: late ids and names ----------------------------------------------------


def test_an_id_and_a_name_that_arrive_late_are_deltas(implementation: str) -> None:
    data = sse(
        chat({"tool_calls": [{"index": 0, "function": {"arguments": '{"a"'}}]}),
        chat({"tool_calls": [{"index": 0, "id": "call_late", "function": {"arguments": ": 1"}}]}),
        chat({"tool_calls": [{"index": 0, "function": {"name": "look", "arguments": "}"}}]}),
        chat({"tool_calls": [{"index": 0, "function": {"name": "up"}}]}),
        chat({}, "tool_calls"),
        done=True,
    )
    completion, deltas = everywhere(data, "openai-chat", implementation)
    assert completion.tool_calls == [ToolCall(0, "call_late", "lookup", '{"a": 1}', "function", True)]
    assert deltas[0] == MetadataDelta("chatcmpl-1", "m-1")
    assert ToolCallStart(0, 0, None, "") in deltas
    updates = [d for d in deltas if type(d) is ToolCallUpdate]
    assert updates == [ToolCallUpdate(0, 0, "call_late", ""), ToolCallUpdate(0, 0, None, "look"), ToolCallUpdate(0, 0, None, "up")]
    assert deltas.count(ToolCallEnd(0, 0)) == 1


def test_a_repeated_whole_name_is_kept_once_and_alternating_names_are_linear(implementation: str) -> None:
    pieces = [{"index": 0, "id": "c", "function": {"name": name, "arguments": "1"}} for name in "abab"]
    data = sse(*(chat({"tool_calls": [piece]}) for piece in pieces), chat({}, "stop"))
    completion, _ = everywhere(data, "openai-chat", implementation)
    assert completion.tool_calls[0].name == "abab"
    same = sse(*(chat({"tool_calls": [{"index": 0, "function": {"name": "ab"}}]}) for _ in range(3)))
    completion, _ = everywhere(same, "openai-chat", implementation)
    assert completion.tool_calls[0].name == "ab"


# -- 7. what a tool call is -------------------------------------------------------------------------


def test_a_call_cut_by_the_end_of_the_stream_is_not_complete(implementation: str) -> None:
    piece = {"index": 0, "id": "call_1", "function": {"name": "f", "arguments": '{"path": "/tm'}}
    completion, deltas = everywhere(sse(chat({"tool_calls": [piece]})), "openai-chat", implementation)
    assert completion.tool_calls == [ToolCall(0, "call_1", "f", '{"path": "/tm', "function", False)]
    assert not any(type(d) is ToolCallEnd for d in deltas)
    assert completion.to_dict()["tool_calls"][0]["complete"] is False


def test_an_anthropic_call_is_complete_at_its_block_stop(implementation: str) -> None:
    start = {"type": "content_block_start", "index": 0,
             "content_block": {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}}}
    piece = {"type": "content_block_delta", "index": 0, "delta": {"type": "input_json_delta", "partial_json": '{"a": 1}'}}
    cut = sse(MESSAGE_START, ("content_block_start", start), ("content_block_delta", piece))
    completion, _ = everywhere(cut, "anthropic", implementation)
    assert completion.tool_calls[0].complete is False
    stopped = cut + sse(("content_block_stop", {"type": "content_block_stop", "index": 0}))
    completion, deltas = everywhere(stopped, "anthropic", implementation)
    assert completion.tool_calls[0].complete is True and completion.complete is False
    assert deltas[-1] == ToolCallEnd(0, 0)


@pytest.mark.parametrize("reason", ["length", "content_filter"])
def test_a_chat_call_open_when_its_choice_finished_short_is_not_complete(reason: str, implementation: str) -> None:
    piece = {"index": 0, "id": "call_1", "function": {"name": "write", "arguments": '{"lines": ["one", "tw'}}
    completion, deltas = everywhere(sse(chat({"tool_calls": [piece]}), chat({}, reason), done=True), "openai-chat",
                                    implementation)
    assert completion.complete and completion.finish_reason == reason
    assert completion.tool_calls == [ToolCall(0, "call_1", "write", '{"lines": ["one", "tw', "function", False)]
    assert not any(type(d) is ToolCallEnd for d in deltas)
    # A call its choice finished normally is complete, [DONE] or not.
    completion, _ = everywhere(sse(chat({"tool_calls": [piece]}), chat({}, "tool_calls")), "openai-chat", implementation)
    assert completion.tool_calls[0].complete


@pytest.mark.parametrize("target", ["openai-chat", "anthropic", "openai-responses"])
@pytest.mark.parametrize("source", ["openai-chat", "anthropic"])
def test_a_call_cut_short_stays_cut_through_the_transcoder(source: str, target: str) -> None:
    if source == "openai-chat":
        piece = {"index": 0, "id": "call_1", "function": {"name": "write", "arguments": '{"lines": ["tw'}}
        data = sse(chat({"tool_calls": [piece]}), chat({}, "length"), done=True)
    else:
        start = {"type": "content_block_start", "index": 0,
                 "content_block": {"type": "tool_use", "id": "call_1", "name": "write", "input": {}}}
        piece = {"type": "content_block_delta", "index": 0,
                 "delta": {"type": "input_json_delta", "partial_json": '{"lines": ["tw'}}
        stop = {"type": "message_delta", "delta": {"stop_reason": "max_tokens"}, "usage": {"output_tokens": 9}}
        data = sse(MESSAGE_START, ("content_block_start", start), ("content_block_delta", piece),
                   ("message_delta", stop), ("message_stop", {"type": "message_stop"}))
    transcoder = Transcoder(target, source=source)
    written = transcoder.feed(data) + transcoder.close()
    acc = Accumulator(target)
    acc.feed(written)
    result = acc.close()
    assert result.complete
    assert [(c.name, c.arguments, c.complete) for c in result.tool_calls] == [("write", '{"lines": ["tw', False)]


# -- 8. usage with one meaning -------------------------------------------------------------------


def test_anthropic_input_tokens_include_the_cache(implementation: str) -> None:
    usage = {"input_tokens": 10, "cache_read_input_tokens": 200, "cache_creation_input_tokens": 30, "output_tokens": 1}
    start = ("message_start", {"type": "message_start", "message": {"id": "m", "model": "c", "usage": usage}})
    stop = ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 9}})
    completion, _ = everywhere(sse(start, stop, ("message_stop", {"type": "message_stop"})), "anthropic", implementation)
    assert completion.usage == Usage(240, 9, 249, {**usage, "output_tokens": 9}, 200, 30, None)


def test_openai_usage_parts(implementation: str) -> None:
    usage = {
        "prompt_tokens": 100,
        "completion_tokens": 50,
        "total_tokens": 150,
        "prompt_tokens_details": {"cached_tokens": 64},
        "completion_tokens_details": {"reasoning_tokens": 20},
    }
    data = sse(chat({"content": "x"}, "stop"), {**chat(), "choices": [], "usage": usage}, done=True)
    completion, _ = everywhere(data, "openai-chat", implementation)
    assert completion.usage == Usage(100, 50, 150, usage, 64, None, 20)


def test_anthropic_cache_names_passed_through_by_a_gateway(implementation: str) -> None:
    usage = {"prompt_tokens": 675, "completion_tokens": 1, "total_tokens": 676,
             "cache_read_input_tokens": 674, "cache_creation_input_tokens": 0}
    data = sse({**chat({"content": "x"}, "stop"), "usage": usage}, done=True)
    completion, _ = everywhere(data, "openai-chat", implementation)
    assert completion.usage == Usage(675, 1, 676, usage, 674, 0, None)
    # OpenAI's own names win where both are sent.
    both = {**usage, "prompt_tokens_details": {"cached_tokens": 600, "cache_write_tokens": 5}}
    completion, _ = everywhere(sse({**chat({"content": "x"}, "stop"), "usage": both}, done=True), "openai-chat",
                               implementation)
    assert completion.usage == Usage(675, 1, 676, both, 600, 5, None)


def test_reasoning_left_out_of_the_completion_count_is_counted_in(implementation: str) -> None:
    """xAI's usage: ``completion_tokens`` leaves the reasoning out and the total adds it
    (307 + 26 + 227 = 560). ``output_tokens`` counts it, as everywhere (253); the raw
    report stays as sent. A total of prompt + completion (OpenAI's) keeps the count."""
    usage = {
        "prompt_tokens": 307,
        "completion_tokens": 26,
        "total_tokens": 560,
        "prompt_tokens_details": {"cached_tokens": 306},
        "completion_tokens_details": {"reasoning_tokens": 227},
    }
    data = sse(chat({"content": "x"}, "stop"), {**chat(), "choices": [], "usage": usage}, done=True)
    completion, _ = everywhere(data, "openai-chat", implementation)
    assert completion.usage == Usage(307, 253, 560, usage, 306, None, 227)
    responses = {"input_tokens": 307, "output_tokens": 26, "total_tokens": 560,
                 "output_tokens_details": {"reasoning_tokens": 227}}
    terminal = {"type": "response.completed", "sequence_number": 1,
                "response": {"id": "r", "model": "m", "status": "completed", "output": [], "usage": responses}}
    completion, _ = everywhere(sse(("response.completed", terminal)), "openai-responses", implementation)
    assert completion.usage == Usage(307, 253, 560, responses, None, None, 227)


def test_a_count_not_sent_is_none_never_zero(implementation: str) -> None:
    data = sse(chat({"content": "x"}, "stop"), {**chat(), "choices": [], "usage": {"completion_tokens": 3}}, done=True)
    completion, _ = everywhere(data, "openai-chat", implementation)
    assert completion.usage == Usage(None, 3, None, {"completion_tokens": 3})


def test_usage_reports_with_new_members_each_time_stay_bounded(implementation: str) -> None:
    events = [MESSAGE_START]
    for i in range(500):
        report = {"output_tokens": i, f"member_{i}": i}
        events.append(("message_delta", {"type": "message_delta", "delta": {}, "usage": report}))
    completion, _ = run(sse(*events), "anthropic", implementation)
    assert completion.usage is not None and completion.usage.output_tokens == 499
    assert len(completion.usage.raw) <= 64


# -- the fold, on generated streams --------------------------------------------------------------

_text = st.text(st.characters(codec="utf-8", exclude_characters="\r"), max_size=6)


@st.composite
def chat_streams(draw: Any) -> bytes:
    items: list[Any] = []
    for _ in range(draw(st.integers(0, 12))):
        choice = draw(st.integers(0, 1))
        kind = draw(st.sampled_from(["text", "reasoning", "refusal", "tool", "finish", "usage", "legacy"]))
        if kind == "tool":
            piece: dict[str, Any] = {"index": draw(st.integers(0, 2)), "function": {}}
            if draw(st.booleans()):
                piece["id"] = draw(st.sampled_from(["", "call_a", "call_b"]))
            if draw(st.booleans()):
                piece["function"]["name"] = draw(st.sampled_from(["", "f", "g", "fg"]))
            if draw(st.booleans()):
                piece["function"]["arguments"] = draw(_text)
            delta: Any = {"tool_calls": [piece]}
        elif kind == "finish":
            delta = None
        elif kind == "usage":
            items.append({**chat(), "choices": [], "usage": {"prompt_tokens": draw(st.integers(0, 9)), "completion_tokens": 1}})
            continue
        elif kind == "legacy":
            items.append(legacy(draw(_text), index=choice))
            continue
        else:
            delta = {{"text": "content", "reasoning": "reasoning_content", "refusal": "refusal"}[kind]: draw(_text)}
        obj = chat(delta, draw(st.sampled_from(["stop", "tool_calls"])) if delta is None else None)
        obj["choices"][0]["index"] = choice
        items.append(obj)
    return sse(*items, done=draw(st.booleans()))


@st.composite
def anthropic_streams(draw: Any) -> bytes:
    items: list[Any] = [MESSAGE_START]
    blocks = draw(st.lists(st.sampled_from(["text", "thinking", "tool_use", "server_tool_use", "redacted_thinking"]), max_size=4))
    for index, kind in enumerate(blocks):
        block: dict[str, Any] = {"type": kind}
        if kind in ("tool_use", "server_tool_use"):
            block.update(id=f"t{index}", name="f", input={} if draw(st.booleans()) else {"k": draw(_text)})
        elif kind == "redacted_thinking":
            block["data"] = "x"
        else:
            block[kind] = ""
        items.append(("content_block_start", {"type": "content_block_start", "index": index, "content_block": block}))
        for _ in range(draw(st.integers(0, 3))):
            if kind == "text":
                delta = {"type": "text_delta", "text": draw(_text)}
            elif kind == "thinking":
                delta = draw(st.sampled_from([{"type": "thinking_delta", "thinking": "th"}, {"type": "signature_delta", "signature": "s"}]))
            elif kind == "redacted_thinking":
                continue
            else:
                delta = {"type": "input_json_delta", "partial_json": draw(st.sampled_from(['{"a"', ": 1", "}"]))}
            items.append(("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}))
        if draw(st.booleans()):
            items.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
    if draw(st.booleans()):
        items.append(("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn"},
                                        "usage": {"output_tokens": draw(st.integers(0, 9))}}))
    if draw(st.booleans()):
        items.append(("message_stop", {"type": "message_stop"}))
    return sse(*items, done=draw(st.booleans()))


def _fold_everywhere(data: bytes, dialect: str, size: int) -> None:
    results = []
    for implementation in helpers.IMPLEMENTATIONS:
        try:
            completion, deltas = run(data, dialect, implementation, size)
        except SseparseError as exc:  # a generated stream may be malformed: the same error in both
            results.append((type(exc).__name__, str(exc)))
            continue
        helpers.fold_equals_completion(deltas, completion)
        results.append(completion.to_dict())
    assert all(result == results[0] for result in results)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chat_streams(), st.sampled_from([0, 1, 5, 40]))
def test_chat_deltas_fold_to_the_completion(data: bytes, size: int) -> None:
    _fold_everywhere(data, "openai-chat", size)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(anthropic_streams(), st.sampled_from([0, 1, 5, 40]))
def test_anthropic_deltas_fold_to_the_completion(data: bytes, size: int) -> None:
    _fold_everywhere(data, "anthropic", size)
