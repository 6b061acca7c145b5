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
from helpers import patchable
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


# -- only sseparse errors escape, each with the partial result ------------------------------

from sseparse._dialects import create_reducer  # noqa: E402
from sseparse._dialects._base import MAX_NESTING, TOO_DEEP, Reducer, nested_deeper  # noqa: E402

#: Per dialect: a first chunk that starts a result, and a chunk the fast paths hand to
#: the reducer's own code, with an unknown member ``x_odd``.
FIRST = {
    "openai-chat": sse({"id": "c", "object": "chat.completion.chunk", "model": "m",
                        "choices": [{"index": 0, "delta": {"content": "Hi"}}]}),
    "anthropic": sse({"type": "message_start", "message": {"id": "m", "model": "x", "content": [], "usage": {}}},
                     event="message_start")
    + sse({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
          event="content_block_start")
    + sse({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}},
          event="content_block_delta"),
    "gemini": sse({"candidates": [{"content": {"parts": [{"text": "Hi"}], "role": "model"}}], "modelVersion": "g"}),
    "openai-responses": sse({"type": "response.created", "response": {"id": "r", "model": "m", "output": []}},
                            event="response.created")
    + sse({"type": "response.output_item.added", "output_index": 0,
           "item": {"type": "message", "id": "msg", "role": "assistant", "content": []}},
          event="response.output_item.added")
    + sse({"type": "response.output_text.delta", "item_id": "msg", "output_index": 0, "content_index": 0,
           "delta": "Hi"}, event="response.output_text.delta"),
}


def _odd(obj: dict[str, object]) -> str:
    """``obj`` with a member whose key has an escape: no compiled shortcut takes it."""
    return json.dumps(obj)[:-1] + ', "x_\\u006fdd": 0}'


ODD = {  # events that reach the reducer's own decoding (_apply) on both builds
    "openai-chat": sse(_odd({"id": "c", "object": "chat.completion.chunk",
                             "choices": [{"index": 0, "delta": {"role": "assistant"}}]})),
    "anthropic": sse(_odd({"type": "ping"}), event="ping"),
    "gemini": sse(_odd({"candidates": []})),
    "openai-responses": sse(_odd({"type": "response.in_progress", "response": {"id": "r"}}), event="response.in_progress"),
}
DIALECTS = sorted(FIRST)

UNEXPECTED = [
    RecursionError("maximum recursion depth exceeded"),
    ValueError("Exceeds the limit (4300 digits) for integer string conversion"),
    OverflowError("int too large to convert to float"),
    MemoryError(),
    KeyError("k" * BIG),
    TypeError("unhashable type: 'list'"),
]


def _raise(exc: BaseException):
    def apply(self, event, obj, out):
        raise exc

    return apply


def assert_failed_with_partial(accumulator: Accumulator, error: SseparseError, content: str = "Hi") -> None:
    assert error.completion is not None
    assert error.completion.content == content
    assert not error.completion.complete and error.completion.error is not None
    assert len(str(error)) <= MESSAGE_BOUND
    with pytest.raises(sseparse.ParserClosedError):
        accumulator.feed(b"data: {}\n\n")
    assert accumulator.completion.content == content  # still readable
    assert not accumulator.close().complete


@pytest.mark.parametrize("exc", UNEXPECTED, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("dialect", DIALECTS)
def test_an_unexpected_exception_in_a_reducer_is_a_chunk_decode_error(implementation, dialect, exc, monkeypatch):
    accumulator = patchable(Accumulator(dialect, implementation=implementation))
    assert accumulator.feed(FIRST[dialect]) is not None
    monkeypatch.setattr(type(accumulator._reducer), "_apply", _raise(exc))
    with pytest.raises(ChunkDecodeError) as info:
        accumulator.feed(ODD[dialect])
    assert info.value.__cause__ is exc
    assert type(exc).__name__ in str(info.value)
    monkeypatch.undo()
    assert_failed_with_partial(accumulator, info.value)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_accumulator_maps_what_escapes_the_reducer_interface(implementation, dialect, monkeypatch):
    # The last line of defence: an exception from outside the dialect's _apply.
    accumulator = patchable(Accumulator(dialect, implementation=implementation))
    accumulator.feed(FIRST[dialect])
    reducer = accumulator._reducer
    boom = OverflowError("from feed_events")

    def feed_events(events, out):
        raise boom

    monkeypatch.setattr(type(reducer), "feed_events", lambda self, events, out: feed_events(events, out))
    accumulator._fast = None  # the usual path, where feed_events is called
    with pytest.raises(ChunkDecodeError) as info:
        accumulator.feed(ODD[dialect])
    assert info.value.__cause__ is boom
    monkeypatch.undo()
    assert_failed_with_partial(accumulator, info.value)


def test_a_str_fed_is_still_the_callers_type_error(implementation):
    accumulator = Accumulator("openai-chat", implementation=implementation)
    with pytest.raises(TypeError, match="not str"):
        accumulator.feed("data: {}\n\n")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        accumulator.feed(3.5)  # type: ignore[arg-type]
    assert accumulator.feed(FIRST["openai-chat"])  # not failed by the caller's mistake


def test_a_snapshot_that_cannot_be_built_gives_a_minimal_incomplete_completion(implementation, monkeypatch):
    accumulator = patchable(Accumulator("openai-chat", implementation=implementation))
    accumulator.feed(FIRST["openai-chat"])
    reducer = accumulator._reducer

    def snapshot(*, complete, error):
        raise RecursionError("maximum recursion depth exceeded while building")

    monkeypatch.setattr(type(reducer), "snapshot", lambda self, complete, error: snapshot(complete=complete, error=error))
    completion = accumulator.completion
    assert completion.dialect == "openai-chat" and not completion.complete
    assert completion.error is not None and "RecursionError" in completion.error["message"]
    monkeypatch.setattr(type(reducer), "_apply", _raise(ValueError("odd")))
    with pytest.raises(ChunkDecodeError) as info:
        accumulator.feed(ODD["openai-chat"])
    # The error being reported is not lost to the snapshot's failure.
    assert info.value.completion is not None
    assert info.value.completion.error["type"] == "chunk_decode_error"
    final = accumulator.close()
    assert not final.complete and final.error["type"] == "chunk_decode_error"


def test_a_snapshot_failing_at_close_is_not_complete(implementation, monkeypatch):
    accumulator = patchable(Accumulator("openai-chat", implementation=implementation))
    accumulator.feed(FIRST["openai-chat"] + b"data: [DONE]\n\n")
    monkeypatch.setattr(type(accumulator._reducer), "snapshot", lambda self, complete, error: _raise_snapshot(complete=complete, error=error))
    final = accumulator.close()
    assert not final.complete and final.error is not None


def _raise_snapshot(*, complete, error):
    raise KeyError("missing")


# -- the nesting limit -----------------------------------------------------------------------


def test_nested_deeper_is_iterative_and_exact():
    assert not nested_deeper(deep(MAX_NESTING))
    assert nested_deeper(deep(MAX_NESTING + 1))
    assert nested_deeper(deep(200_000))  # no RecursionError
    assert not nested_deeper({"a": [{"b": 1}] * 10_000})
    assert not nested_deeper("[" * 10_000)  # text is not nesting
    mixed: Any = 0
    for i in range(MAX_NESTING + 1):
        mixed = {"k": mixed} if i % 2 else [mixed]
    assert nested_deeper(mixed) and not nested_deeper(mixed, MAX_NESTING + 1)


def _with_member(dialect: str, value: Any) -> bytes:
    """A chunk of ``dialect`` carrying ``value`` in an unknown top-level member."""
    head, data = ODD[dialect].split(b"data: ", 1)
    chunk = json.loads(data)
    chunk["x_odd"] = value
    return head + b"data: " + json.dumps(chunk).encode() + b"\n\n"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_chunk_at_the_nesting_limit_is_read(implementation, dialect):
    accumulator = Accumulator(dialect, implementation=implementation)
    accumulator.feed(FIRST[dialect])
    accumulator.feed(_with_member(dialect, deep(MAX_NESTING - 1)))  # the chunk itself is one level
    assert accumulator.completion.content == "Hi"


@pytest.mark.parametrize("depth", [MAX_NESTING, 400, 990, 5000, 100_000])
@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_chunk_nested_beyond_the_limit_is_a_chunk_decode_error_in_both_builds(implementation, dialect, depth):
    accumulator = Accumulator(dialect, implementation=implementation)
    accumulator.feed(FIRST[dialect])
    stream = _with_member(dialect, "@").replace(b'"@"', b"[" * depth + b"0" + b"]" * depth)
    with pytest.raises(ChunkDecodeError, match=TOO_DEEP) as info:
        accumulator.feed(stream)
    assert_failed_with_partial(accumulator, info.value)


def test_anthropic_deep_tool_input_is_refused_at_the_same_depth_in_both_builds(implementation):
    accumulator = Accumulator("anthropic", implementation=implementation)
    accumulator.feed(FIRST["anthropic"])
    for depth in (MAX_NESTING - 3, MAX_NESTING - 2):  # chunk, block and input wrap it in 3 levels
        block = {"type": "tool_use", "id": "t", "name": "f", "input": {"a": deep(depth)}}
        stream = sse({"type": "content_block_start", "index": 1, "content_block": block}, event="content_block_start")
        if depth == MAX_NESTING - 3:
            accumulator.feed(stream)
        else:
            with pytest.raises(ChunkDecodeError, match=TOO_DEEP):
                accumulator.feed(stream)
    assert accumulator.completion.content == "Hi"


def test_every_reducer_folds_through_the_shared_boundary():
    # The boundary lives in Reducer._fold: a dialect overriding feed_event would skip it.
    for dialect in DIALECTS:
        for compiled in (True, False):  # (the compiled reducer and its pure twin: each its own Reducer)
            cls = type(create_reducer(dialect, compiled=compiled))
            base = cls.__mro__[-2]
            assert base.__name__ == "Reducer"
            assert cls.feed_event is base.feed_event and cls.feed_decoded is base.feed_decoded


@pytest.mark.parametrize("digits", [400, 5000])
def test_gemini_path_index_of_many_digits_is_an_sseparse_error(implementation, digits):
    accumulator = Accumulator("gemini", implementation=implementation)
    accumulator.feed(FIRST["gemini"])
    call = {"functionCall": {"name": "f", "willContinue": True}}
    piece = {"functionCall": {"partialArgs": [{"jsonPath": "$.a[" + "9" * digits + "]", "numberValue": 1}],
                              "willContinue": True}}
    stream = sse({"candidates": [{"content": {"parts": [call]}}]}, {"candidates": [{"content": {"parts": [piece]}}]})
    try:
        accumulator.feed(stream)
    except SseparseError as exc:
        assert_failed_with_partial(accumulator, exc)
    else:  # read (or refused) without a container sized by the number
        accumulator.close()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_partial_arguments_that_cannot_be_read_are_an_sseparse_error(implementation, dialect, monkeypatch):
    accumulator = patchable(Accumulator(dialect, implementation=implementation))
    accumulator.feed(FIRST[dialect])

    def unreadable(self, choice, index):
        raise RecursionError("maximum recursion depth exceeded while copying")

    monkeypatch.setattr(type(accumulator._reducer), "partial_arguments", unreadable, raising=False)
    with pytest.raises(ChunkDecodeError) as info:
        accumulator.partial_arguments(0)
    assert isinstance(info.value.__cause__, RecursionError)
    assert info.value.completion is not None and info.value.completion.content == "Hi"
    monkeypatch.undo()
    accumulator.feed(b"\n")  # a read that failed does not fail the stream


def _at_depth(frames: int, run: Any) -> Any:
    """``run()`` called ``frames`` Python frames deeper than here."""
    return run() if frames == 0 else _at_depth(frames - 1, run)


@pytest.mark.parametrize("dialect", ["openai-responses", "openai-chat", "anthropic", "gemini"])
@pytest.mark.parametrize("depth", [150, 700, 2000])
def test_deep_invalid_json_fails_alike_whoever_calls(dialect: str, depth: int) -> None:
    """Data nested past the limit and invalid further on: the same error in both
    builds and from any depth of the caller's stack (``json.loads`` gives up on the
    depth at a point that depends on the stack; the message does not)."""
    data = '{"type": ' + "[" * depth + "1 2" + "]" * depth + "}"
    body = b"event: response.created\ndata: " + data.encode() + b"\n\n"
    seen = set()
    for implementation in ("cython", "python") if sseparse.IMPLEMENTATION == "cython" else ("python",):
        for frames in (0, 300, 700):
            acc = sseparse.Accumulator(dialect, implementation=implementation)  # type: ignore[arg-type]
            with pytest.raises(sseparse.ChunkDecodeError) as info:
                _at_depth(frames, lambda: acc.feed(body))
            seen.add(str(info.value))
    assert len(seen) == 1
    assert "nested deeper than" in seen.pop()
