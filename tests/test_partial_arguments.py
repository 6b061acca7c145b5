"""Partial tool arguments: ``Accumulator.partial_arguments(index, choice=)``.

A UI wants to show a tool call's arguments while they stream in. The accessor parses
the pieces received so far with ``PartialJSONParser``, lazily: nothing is parsed for
a caller who never asks, and each read feeds only the pieces that arrived since the
last one. These tests pin what the views look like (each grows into the next, the last
is ``json.loads`` of the whole), that the work is linear and that not asking costs no
parsing at all, for the anthropic and openai-chat dialects.
"""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sseparse
import sseparse._partial_arguments
from sseparse import (
    Accumulator,
    PartialJSONError,
    PartialJSONParser,
    ToolArgumentsError,
    ToolCallArgumentsDelta,
    ToolCallStart,
)

# -- streams of one or more tool calls, one event per argument piece ---------------------


def _event(obj: dict[str, Any], name: str | None = None) -> bytes:
    head = f"event: {name}\n" if name else ""
    return (head + "data: " + json.dumps(obj, ensure_ascii=False) + "\n\n").encode()


def anthropic_events(pieces: list[str], *, end: bool = True) -> list[bytes]:
    """A Messages stream with one tool_use block whose input is ``pieces``."""
    events: list[dict[str, Any]] = [
        {"type": "message_start", "message": {"id": "msg_1", "model": "claude-x", "usage": {"input_tokens": 5}}},
        {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}},
        },
        *(
            {"type": "content_block_delta", "index": 0, "delta": {"type": "input_json_delta", "partial_json": p}}
            for p in pieces
        ),
    ]
    if end:
        events += [
            {"type": "content_block_stop", "index": 0},
            {"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"output_tokens": 9}},
            {"type": "message_stop"},
        ]
    return [_event(obj, obj["type"]) for obj in events]


def _chunk(choices: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": "gpt-x", "choices": choices}


def openai_events(pieces: list[str], *, end: bool = True, choice: int = 0) -> list[bytes]:
    """A Chat Completions stream with one tool call whose arguments are ``pieces``."""
    first = {"index": 0, "id": "call_1", "type": "function", "function": {"name": "f", "arguments": ""}}
    events = [_chunk([{"index": choice, "delta": {"role": "assistant", "tool_calls": [first]}}])]
    events += [
        _chunk([{"index": choice, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": p}}]}}])
        for p in pieces
    ]
    out = [_event(obj) for obj in events]
    if end:
        out += [_event(_chunk([{"index": choice, "delta": {}, "finish_reason": "tool_calls"}])), b"data: [DONE]\n\n"]
    return out


STREAMS: dict[str, Callable[..., list[bytes]]] = {"anthropic": anthropic_events, "openai-chat": openai_events}


def grows_into(before: Any, after: Any, *, top: bool = True) -> bool:
    """``before`` is an earlier view of ``after``: containers are prefixes (by key
    order for objects) whose members are final but the last, which grows; strings are
    prefixes; anything else is equal. Only the whole value may be ``None`` before it
    shows anything."""
    if type(before) is dict:
        if type(after) is not dict:
            return False
        keys, later = list(before), list(after)
        if later[: len(keys)] != keys:
            return False
        if not keys:
            return True
        return all(before[k] == after[k] for k in keys[:-1]) and grows_into(
            before[keys[-1]], after[keys[-1]], top=False
        )
    if type(before) is list:
        if type(after) is not list or len(after) < len(before):
            return False
        if not before:
            return True
        last = len(before) - 1
        return before[:last] == after[:last] and grows_into(before[last], after[last], top=False)
    if type(before) is str:
        return type(after) is str and after.startswith(before)
    return (top and before is None) or (type(before) is type(after) and before == after)


def split_at(text: str, cuts: list[int]) -> list[str]:
    bounds = [0, *sorted(set(cuts)), len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


# -- the property the issue asks for -----------------------------------------------------

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
_JSON = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(
    args=st.dictionaries(st.text(max_size=6), _JSON, max_size=5),
    ascii_only=st.booleans(),
    indent=st.sampled_from([None, 0, 2]),
    data=st.data(),
    dialect=st.sampled_from(sorted(STREAMS)),
)
def test_views_after_every_piece_grow_into_the_final_arguments(
    args: dict[str, Any], ascii_only: bool, indent: int | None, data: st.DataObject, dialect: str
) -> None:
    text = json.dumps(args, ensure_ascii=ascii_only, indent=indent)
    cuts = data.draw(st.lists(st.integers(1, max(1, len(text) - 1)), max_size=20))
    pieces = split_at(text, cuts)
    acc = Accumulator(dialect)
    views = []
    for raw in STREAMS[dialect](pieces):
        for delta in acc.feed(raw):
            if type(delta) is ToolCallArgumentsDelta:
                views.append(copy.deepcopy(acc.partial_arguments(delta.index, choice=delta.choice)))
    final = acc.close()
    assert final.complete
    assert len(views) == len(pieces)
    for before, after in zip(views, views[1:], strict=False):
        assert grows_into(before, after), (before, after)
    assert acc.partial_arguments(0) == json.loads(text) == final.tool_calls[0].parsed_arguments()
    assert grows_into(views[-1], json.loads(text))


@pytest.mark.parametrize("dialect", sorted(STREAMS))
def test_views_of_a_document_cut_everywhere_one_character_at_a_time(dialect: str) -> None:
    text = json.dumps({"path": "src/ü.py", "edits": [{"line": 12, "new": "x = 1\n"}, {"line": 40, "new": ""}]})
    acc = Accumulator(dialect)
    previous: Any = None
    seen = []
    for raw in STREAMS[dialect](list(text)):
        for delta in acc.feed(raw):
            if type(delta) is ToolCallArgumentsDelta:
                view = copy.deepcopy(acc.partial_arguments(delta.index))
                assert grows_into(previous, view)
                previous = view
                seen.append(view)
    acc.close()
    assert seen[0] == {}  # the object shows as soon as its brace arrives
    assert {"path": "src/ü.py"} in seen
    assert {"path": "src/ü.py", "edits": [{"line": 12, "new": "x = "}]} in seen
    assert acc.partial_arguments(0) == json.loads(text)


# -- laziness and linear work --------------------------------------------------------------


class CountingParser(PartialJSONParser):
    created = 0
    fed = 0

    def __init__(self) -> None:
        type(self).created += 1
        super().__init__()

    def feed(self, text: str) -> None:
        type(self).fed += len(text)
        super().feed(text)


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> type[CountingParser]:
    CountingParser.created = CountingParser.fed = 0
    monkeypatch.setattr(sseparse._partial_arguments, "PartialJSONParser", CountingParser)
    return CountingParser


@pytest.mark.parametrize("dialect", sorted(STREAMS))
def test_nothing_is_parsed_for_a_caller_who_never_asks(dialect: str, counting: type[CountingParser]) -> None:
    stream = b"".join(STREAMS[dialect](['{"a": ', '[1, 2], "b": "', 'x"}']))
    for deltas in (True, False):
        acc = Accumulator(dialect, deltas=deltas)
        acc.feed(stream)
        final = acc.close()
        assert final.tool_calls[0].parsed_arguments() == {"a": [1, 2], "b": "x"}
        assert sseparse.accumulate([stream]).tool_calls[0].arguments == '{"a": [1, 2], "b": "x"}'
    assert counting.created == 0 and counting.fed == 0


@pytest.mark.parametrize("dialect", sorted(STREAMS))
def test_reading_after_every_piece_feeds_each_character_once(dialect: str, counting: type[CountingParser]) -> None:
    text = json.dumps({"content": "y" * 5000, "items": list(range(300))})
    pieces = split_at(text, list(range(7, len(text), 7)))
    acc = Accumulator(dialect)
    for raw in STREAMS[dialect](pieces):
        for delta in acc.feed(raw):
            if type(delta) is ToolCallArgumentsDelta:
                acc.partial_arguments(delta.index)
                acc.partial_arguments(delta.index)  # a second read without new pieces feeds nothing
    acc.close()
    assert acc.partial_arguments(0) == json.loads(text)
    assert counting.created == 1
    assert counting.fed == len(text)


# -- what the value is at the edges --------------------------------------------------------


def test_openai_empty_arguments_are_none_until_the_finish_reason_then_an_empty_object() -> None:
    acc = Accumulator("openai-chat")
    events = openai_events([])
    acc.feed(events[0])
    assert acc.partial_arguments(0) is None
    for raw in events[1:]:
        acc.feed(raw)
    assert acc.partial_arguments(0) == {}
    assert acc.close().tool_calls[0].parsed_arguments() == {}


def test_anthropic_tool_without_arguments_is_an_empty_object() -> None:
    acc = Accumulator("anthropic")
    for raw in anthropic_events([""]):
        acc.feed(raw)
    assert acc.partial_arguments(0) == {}


def test_anthropic_input_sent_whole_with_the_block() -> None:
    acc = Accumulator("anthropic")
    start = {
        "type": "content_block_start",
        "index": 0,
        "content_block": {"type": "tool_use", "id": "toolu_9", "name": "g", "input": {"q": "ü", "n": [1]}},
    }
    deltas = acc.feed(_event({"type": "message_start", "message": {"id": "m", "model": "c"}}) + _event(start))
    assert ToolCallStart(0, 0, "toolu_9", "g") in deltas
    assert acc.partial_arguments(0) == {"q": "ü", "n": [1]}


def test_a_top_level_number_shows_once_the_call_is_over() -> None:
    acc = Accumulator("anthropic")
    events = anthropic_events(["4", "2"])
    for raw in events[:-3]:
        acc.feed(raw)
    assert acc.partial_arguments(0) is None  # 42 may still become 421
    acc.feed(events[-3])  # content_block_stop
    assert acc.partial_arguments(0) == 42


def test_invalid_arguments_keep_showing_what_was_read() -> None:
    acc = Accumulator("openai-chat")
    for raw in openai_events(['{"a": 1, ', '"b": tru', "x}"]):
        acc.feed(raw)
    assert acc.partial_arguments(0) == {"a": 1}
    with pytest.raises(ToolArgumentsError):
        acc.close().tool_calls[0].parsed_arguments()


def test_a_cut_stream_shows_the_arguments_so_far() -> None:
    for dialect, make in STREAMS.items():
        acc = Accumulator(dialect)
        for raw in make(['{"city": "Zür', 'ich", "days": [1, 2'], end=False):
            acc.feed(raw)
        final = acc.close()
        assert final.complete is False
        assert acc.partial_arguments(0) == {"city": "Zürich", "days": [1]}, dialect


def test_reading_the_completion_mid_call_does_not_freeze_the_partial_value() -> None:
    """A snapshot shows a cut tool input through the same reader; later reads go on."""
    acc = Accumulator("anthropic")
    events = anthropic_events(['{"a": "x', 'y", "b": 2}'])
    for raw in events[:3]:
        acc.feed(raw)
    assert acc.completion.blocks[0]["input"] == {"a": "x"}
    assert acc.partial_arguments(0) == {"a": "x"}
    for raw in events[3:]:
        acc.feed(raw)
    assert acc.partial_arguments(0) == {"a": "xy", "b": 2}
    assert acc.close().blocks[0]["input"] == {"a": "xy", "b": 2}


def test_a_snapshot_does_not_change_when_more_arguments_arrive() -> None:
    acc = Accumulator("anthropic")
    events = anthropic_events(['{"list": [1', ", 2]}"])
    for raw in events[:3]:
        acc.feed(raw)
    before = acc.completion
    assert before.blocks[0]["input"] == {"list": []}
    for raw in events[3:]:
        acc.feed(raw)
    assert before.blocks[0]["input"] == {"list": []}
    assert acc.close().blocks[0]["input"] == {"list": [1, 2]}


def test_the_second_choice_of_an_openai_stream() -> None:
    acc = Accumulator("openai-chat")
    for raw in openai_events(['{"k": ', '"v"}'], choice=1):
        acc.feed(raw)
    assert acc.partial_arguments(0, choice=1) == {"k": "v"}
    with pytest.raises(IndexError):
        acc.partial_arguments(0, choice=0)


@pytest.mark.parametrize("dialect", sorted(STREAMS))
def test_a_call_that_has_not_started_is_an_index_error(dialect: str) -> None:
    acc = Accumulator(dialect)
    with pytest.raises(IndexError):
        acc.partial_arguments(0)
    acc.feed(b"".join(STREAMS[dialect](["{}"])))
    with pytest.raises(IndexError):
        acc.partial_arguments(1)
    with pytest.raises(IndexError):
        acc.partial_arguments(-1)
    assert Accumulator().partial_arguments.__doc__


def test_iter_deltas_and_aiter_deltas_give_the_partial_value() -> None:
    pieces = ['{"a": [', "1, ", "2]}"]
    stream = sseparse.iter_deltas(anthropic_events(pieces))
    views = [copy.deepcopy(stream.partial_arguments(d.index)) for d in stream if type(d) is ToolCallArgumentsDelta]
    assert views == [{"a": []}, {"a": [1]}, {"a": [1, 2]}]

    async def fragments() -> AsyncIterator[bytes]:
        for raw in openai_events(pieces):
            yield raw

    async def run() -> list[Any]:
        astream = sseparse.aiter_deltas(fragments())
        return [
            copy.deepcopy(astream.partial_arguments(d.index))
            async for d in astream
            if type(d) is ToolCallArgumentsDelta
        ]

    assert asyncio.run(run()) == views


def test_the_partial_json_parser_is_exported() -> None:
    assert "PartialJSONParser" in sseparse.__all__ and "PartialJSONError" in sseparse.__all__
    parser = sseparse.PartialJSONParser()
    parser.feed('{"a": [1, "b')
    assert parser.value == {"a": [1, "b"]}
    with pytest.raises(PartialJSONError):
        parser.close()
    assert issubclass(PartialJSONError, sseparse.SseparseError)
