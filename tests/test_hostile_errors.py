"""Hostile input meets the error path: bounded messages, only sseparse errors escape.

Whatever a stream carries (a 1 MB provider message, a 1 MB event name, a huge or
deeply nested odd value), an error's text and its ``Completion.error`` entry quote at
most a short prefix; the provider's whole error object stays available as data.
Every case runs on both builds (``implementation``: compiled and pure).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import sseparse
from sseparse import Accumulator, ChunkDecodeError, ProviderError, SseparseError
from sseparse._errors import MESSAGE_LENGTH, PREFIX_LENGTH, short_repr

BIG = 1_000_000
#: The longest message any case below may produce: the cut provider message or
#: reason, plus the position, event name and data prefixes around it.
MESSAGE_BOUND = MESSAGE_LENGTH + 4 * PREFIX_LENGTH + 200


def sse(*chunks: Any, event: str | None = None) -> bytes:
    head = f"event: {event}\n" if event else ""
    return b"".join((head + "data: " + (c if isinstance(c, str) else json.dumps(c)) + "\n\n").encode() for c in chunks)


def deep(depth: int, leaf: Any = 0) -> Any:
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def feed_error(dialect: str, implementation: str, stream: bytes) -> SseparseError:
    accumulator = Accumulator(dialect, implementation=implementation)
    with pytest.raises(SseparseError) as info:
        accumulator.feed(stream)
        accumulator.close()
    error = info.value
    assert error.completion is not None
    assert not error.completion.complete
    with pytest.raises(sseparse.ParserClosedError):
        accumulator.feed(b"data: {}\n\n")
    return error


def assert_bounded(error: SseparseError) -> None:
    assert len(str(error)) <= MESSAGE_BOUND
    assert error.completion is not None and error.completion.error is not None
    assert len(error.completion.error["message"]) <= MESSAGE_BOUND


# -- short_repr --------------------------------------------------------------------------


def test_short_repr_of_a_small_value_is_its_repr():
    value = {"a": [1, 2.5, None, True], "b": "text", "c": {}}
    assert short_repr(value) == repr(value)


@pytest.mark.parametrize(
    "value",
    [
        "x" * BIG,
        ["x"] * BIG,
        {str(i): i for i in range(100_000)},
        deep(100_000),
        deep(50_000, {"k": deep(50_000)}),
        10**5000,
        b"\xff" * BIG,
    ],
    ids=["long-str", "long-list", "big-dict", "deep-list", "deep-mixed", "huge-int", "bytes"],
)
def test_short_repr_is_a_short_prefix_whatever_the_value(value):
    text = short_repr(value)
    assert len(text) <= PREFIX_LENGTH + 3
    assert text.endswith("...") or "bits" in text


def test_short_repr_does_not_walk_what_it_does_not_show():
    walked = 0

    def items():
        nonlocal walked
        for i in range(BIG):
            walked += 1
            yield i

    class Lazy(list):  # a list whose items are counted as they are read
        def __iter__(self):
            return items()

    short_repr(Lazy())
    assert walked <= PREFIX_LENGTH


# -- provider errors ----------------------------------------------------------------------

HUGE = "m" * BIG

PROVIDER_ERRORS = {
    "openai-chat": sse({"error": {"message": HUGE, "type": "t" * BIG, "code": "c" * BIG}}),
    "anthropic": sse({"type": "error", "error": {"type": "overloaded_error", "message": HUGE}}, event="error"),
    "openai-responses": sse({"type": "error", "code": "server_error", "message": HUGE}, event="error"),
    "gemini": sse({"error": {"code": 500, "message": HUGE, "status": "INTERNAL"}}),
}


@pytest.mark.parametrize("dialect", sorted(PROVIDER_ERRORS))
def test_a_huge_provider_message_is_cut_in_the_text_and_kept_as_data(implementation, dialect):
    error = feed_error(dialect, implementation, PROVIDER_ERRORS[dialect])
    assert isinstance(error, ProviderError)
    assert_bounded(error)
    assert error.message is not None and error.message.startswith("mmm") and error.message.endswith("...")
    assert len(error.message) == MESSAGE_LENGTH + 3
    whole = error.error if "message" in error.error else error.error["error"]
    assert whole["message"] == HUGE  # the provider's object, as sent


def test_provider_code_and_type_are_cut(implementation):
    error = feed_error("openai-chat", implementation, PROVIDER_ERRORS["openai-chat"])
    assert error.code is not None and len(error.code) == PREFIX_LENGTH + 3
    assert error.type is not None and len(error.type) == PREFIX_LENGTH + 3


@pytest.mark.parametrize("depth", [50, 400, 900])
def test_a_deep_error_code_builds_a_short_message(implementation, depth):
    stream = sse({"error": {"message": "boom", "code": deep(depth)}})
    error = feed_error("openai-chat", implementation, stream)
    assert isinstance(error, SseparseError)
    assert_bounded(error)


def test_provider_error_of_a_huge_non_object_is_cut():
    error = ProviderError(["x" * BIG] * 10)
    assert len(str(error)) <= MESSAGE_BOUND
    error = ProviderError("y" * BIG, dialect="gemini")
    assert len(str(error)) <= MESSAGE_BOUND
    assert error.error == "y" * BIG


# -- odd values and names quoted by chunk errors ---------------------------------------------


ODD_VALUES = {
    "openai-chat-finish-reason-list": (
        "openai-chat",
        sse({"id": "c", "object": "chat.completion.chunk", "choices": [
            {"index": 0, "delta": {}, "finish_reason": ["r" * BIG]}]}),
    ),
    "openai-chat-string-index": (
        "openai-chat",
        sse({"id": "c", "object": "chat.completion.chunk", "choices": [{"index": "i" * BIG, "delta": {}}]}),
    ),
    "gemini-finish-reason-list": (
        "gemini",
        sse({"candidates": [{"index": 0, "content": {"parts": [{"text": "a"}]}, "finishReason": ["r" * BIG]}]}),
    ),
    "gemini-string-index": ("gemini", sse({"candidates": [{"index": "i" * BIG, "content": {"parts": []}}]})),
    "anthropic-stop-reason-list": (
        "anthropic",
        sse({"type": "message_start", "message": {"id": "m", "model": "x", "content": [], "usage": {}}},
            event="message_start")
        + sse({"type": "message_delta", "delta": {"stop_reason": ["s" * BIG]}, "usage": {}}, event="message_delta"),
    ),
    "anthropic-string-block-index": (
        "anthropic",
        sse({"type": "message_start", "message": {"id": "m", "model": "x", "content": [], "usage": {}}},
            event="message_start")
        + sse({"type": "content_block_delta", "index": "b" * BIG, "delta": {"type": "text_delta", "text": "t"}},
              event="content_block_delta"),
    ),
}


@pytest.mark.parametrize("name", sorted(ODD_VALUES))
def test_an_odd_value_is_quoted_by_a_short_prefix(implementation, name):
    dialect, stream = ODD_VALUES[name]
    error = feed_error(dialect, implementation, stream)
    assert isinstance(error, ChunkDecodeError)
    assert_bounded(error)


@pytest.mark.parametrize("dialect", ["openai-chat", "anthropic", "gemini", "openai-responses"])
def test_a_huge_event_name_is_quoted_by_a_short_prefix(implementation, dialect):
    stream = b"event: " + b"e" * BIG + b"\ndata: {not json\n\n"
    error = feed_error(dialect, implementation, stream)
    assert isinstance(error, ChunkDecodeError)
    assert_bounded(error)


def test_a_cut_event_with_a_huge_name_is_reported_by_a_short_prefix(implementation):
    stream = sse({"id": "c", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": "a"}}]})
    accumulator = Accumulator("openai-chat", implementation=implementation)
    accumulator.feed(stream + b"event: " + b"e" * BIG + b"\ndata: {\"id\"")
    completion = accumulator.close()
    assert completion.content == "a" and not completion.complete
    assert completion.error is not None and len(completion.error["message"]) <= MESSAGE_BOUND
    assert accumulator.cut is not None and len(str(accumulator.cut)) <= MESSAGE_BOUND


def test_tool_arguments_error_quotes_a_huge_name_by_a_prefix():
    call = sseparse.ToolCall(index=0, id="i" * BIG, name="n" * BIG, arguments="{" + "x" * BIG)
    with pytest.raises(sseparse.ToolArgumentsError) as info:
        call.parsed_arguments()
    assert len(str(info.value)) <= MESSAGE_BOUND
