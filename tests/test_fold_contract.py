"""The compiled path's contract of the anthropic and openai-responses reducers.

The events that carry a few scalars fold through one small reducer method each
(``AnthropicReducer.block_start`` / ``block_stop`` / ``message_stop``,
``OpenAIResponsesReducer.settle_text`` / ``response_meta`` / ``call_done`` /
``item_added`` / ``item_done`` / ``part_event`` / ``citation`` / ``terminal``), so that
a compiled extractor that reads such an event itself can call exactly that method.
These tests play that extractor in Python: every event the contract covers is taken
apart here and handed to its method (after counting it, as ``feed_event`` does), any
other goes to ``feed_event``; the deltas, the result, the events counted and the
error raised must be those of ``feed_event`` alone.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from hypothesis import HealthCheck, given, settings

import test_openai_responses as responses_tests
import test_trust as trust_tests
from sseparse import SseparseError
from sseparse._dialects import create_reducer
from sseparse._dialects.openai_responses import _REASONING, _REFUSAL, _SUMMARY, _TEXT
from sseparse._framing_py import EventParser

_TEXT_DONE = {
    "response.output_text.done": (_TEXT, "content_index", "text"),
    "response.refusal.done": (_REFUSAL, "content_index", "refusal"),
    "response.reasoning_summary_text.done": (_SUMMARY, "summary_index", "text"),
    "response.reasoning_text.done": (_REASONING, "content_index", "text"),
}
_LIFECYCLE = {"response.created", "response.queued", "response.in_progress"}
_PART_EVENTS = {
    "response.content_part.added": "content_index", "response.content_part.done": "content_index",
    "response.reasoning_summary_part.added": "summary_index", "response.reasoning_summary_part.done": "summary_index",
}
_CALL_DONE = {"response.function_call_arguments.done", "response.custom_tool_call_input.done"}


def _sub(obj: dict[str, Any], name: str) -> int | None:
    """An index as an extractor reads it: an integer, 0 when missing, else ``None`` (not its to take)."""
    value = obj.get(name, 0)
    return value if type(value) is int else None


_ITEM_MEMBERS = ("type", "id", "status", "call_id", "name", "arguments", "input")
_TERMINAL_MEMBERS = ("id", "model", "created_at", "usage", "status", "incomplete_details")


def _part_view(part: Any) -> dict[str, Any] | None:
    """What the reducer reads of a part (``None``: not an extractor's to take)."""
    if type(part) is not dict or not (part.get("type") is None or type(part["type"]) is str):
        return None
    return {key: part[key] for key in ("type", "text", "refusal") if key in part}


def _item_view(item: Any) -> dict[str, Any] | None:
    """What the reducer reads of an output item, as the compiled path builds it."""
    if type(item) is not dict:
        return None
    if any(item.get(key) is not None and type(item[key]) is not str for key in ("type", "status")):
        return None
    view = {key: item[key] for key in _ITEM_MEMBERS if key in item}
    for key in ("content", "summary"):
        parts = item.get(key)
        if parts is None:
            continue
        if type(parts) is not list:
            return None
        view[key] = [_part_view(part) for part in parts]
        if None in view[key]:
            return None
    return view


def _take_responses(reducer: Any, obj: dict[str, Any], out: list[Any] | None) -> bool:
    """Fold ``obj`` through a contract method if it is one of those events; whether it was."""
    kind = obj.get("type")
    index = obj.get("output_index")
    if kind in _LIFECYCLE:
        response = obj.get("response")
        if type(response) is not dict:
            return False
        reducer.events += 1
        reducer.response_meta(response.get("id"), response.get("model"), response.get("created_at"), out)
        return True
    if kind == "response.output_text.annotation.added":
        reducer.events += 1
        if out is not None and "annotation" in obj:
            reducer.citation(obj["annotation"], out)
        return True
    if kind in ("response.completed", "response.incomplete"):
        response = obj.get("response")
        if type(response) is not dict:
            return False
        view = {key: response[key] for key in _TERMINAL_MEMBERS if key in response}
        output = response.get("output")
        raws = []
        if output is not None:
            if type(output) is not list:
                return False
            view["output"] = [_item_view(item) for item in output]
            if None in view["output"]:
                return False
            raws = [json.dumps(item) for item in output]  # (the item whole, as its JSON text)
        reducer.events += 1
        reducer.terminal(kind, view, raws, out)
        return True
    if type(index) is not int:
        return False
    if kind in ("response.output_item.added", "response.output_item.done"):
        view = _item_view(obj.get("item"))
        if view is None:
            return False
        reducer.events += 1
        method = reducer.item_added if kind == "response.output_item.added" else reducer.item_done
        method(index, view, json.dumps(obj["item"]), out)
        return True
    if kind in _PART_EVENTS:
        part = _part_view(obj.get("part"))
        sub = _sub(obj, _PART_EVENTS[kind])
        if part is None or sub is None:
            return False
        reducer.events += 1
        reducer.part_event(index, sub, part, obj.get("item_id"), _PART_EVENTS[kind] == "summary_index", out)
        return True
    if kind in _TEXT_DONE:
        part, sub_name, field = _TEXT_DONE[kind]
        text, sub = obj.get(field), _sub(obj, sub_name)
    elif kind in _CALL_DONE:
        state = reducer._items.get(index)
        if state is None or state.call is None:  # (a call made up, or no call: the full decode's)
            return False
        reducer.events += 1
        text = obj["arguments"] if "arguments" in obj else obj.get("input")
        reducer.call_done(index, text, obj.get("name"), obj.get("item_id"), False, out)
        return True
    else:
        return False
    if type(text) is not str or sub is None:
        return False
    reducer.events += 1
    reducer.settle_text(index, part, sub, text, obj.get("item_id"), out)
    return True


def _take_anthropic(reducer: Any, event: Any, obj: dict[str, Any], out: list[Any] | None) -> bool:
    kind = obj.get("type")
    if event.event == "error":
        return False
    if kind == "ping":
        reducer.events += 1
        return True
    if kind == "message_stop":
        reducer.events += 1
        reducer.message_stop(out)
        return True
    index = obj.get("index")
    if kind == "content_block_stop" and (index is None or type(index) is int):
        reducer.events += 1
        reducer.block_stop(index, out)
        return True
    start = obj.get("content_block")
    if kind == "content_block_start" and type(index) is int and type(start) is dict:
        reducer.events += 1
        try:
            reducer.block_start(index, start, out)
        except sys.modules[type(reducer).__module__]._Unreadable:  # (its build's) raised before any state changed: the full decode says why
            reducer.events -= 1
            return False
        return True
    return False


def _run(data: bytes, dialect: str, contract: bool, deltas: bool) -> Any:
    reducer: Any = create_reducer(dialect, compiled=False)
    out: list[Any] | None = [] if deltas else None
    raised = None
    try:
        for event in EventParser().feed(data):
            if contract and not reducer.done:
                try:
                    obj = json.loads(event.data)
                except ValueError:
                    obj = None
                if type(obj) is dict:
                    if dialect == "anthropic":
                        taken = _take_anthropic(reducer, event, obj, out)
                    else:
                        taken = _take_responses(reducer, obj, out)
                    if taken:
                        continue
            reducer.feed_event(event, out)
    except SseparseError as exc:
        raised = (type(exc).__name__, str(exc))
    completion = reducer.snapshot(complete=reducer.done, error=None)
    return completion.to_dict(), out, reducer.events, reducer.done, raised


def assert_contract_folds_the_same(data: bytes, dialect: str) -> None:
    for deltas in (True, False):
        assert _run(data, dialect, True, deltas) == _run(data, dialect, False, deltas)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(responses_tests.generated_stream())
def test_responses_contract_methods_fold_like_the_full_decode(data: bytes) -> None:
    assert_contract_folds_the_same(data, "openai-responses")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trust_tests.anthropic_streams())
def test_anthropic_contract_methods_fold_like_the_full_decode(data: bytes) -> None:
    assert_contract_folds_the_same(data, "anthropic")


def _sse(*events: dict[str, Any]) -> bytes:
    return b"".join(b"data: " + json.dumps(event).encode() + b"\n\n" for event in events)


def test_responses_contract_on_done_texts_that_differ_and_parts_before_their_items() -> None:
    created = {"type": "response.created", "response": {"id": "resp_1", "model": "m", "created_at": 5}}
    data = _sse(
        created,
        {"type": "response.in_progress", "response": {"id": "resp_2", "model": "n"}},
        {"type": "response.content_part.added", "item_id": "msg_1", "output_index": 0, "content_index": 0,
         "part": {"type": "output_text", "text": ""}},
        {"type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0, "content_index": 0,
         "delta": "Hel"},
        {"type": "response.output_text.done", "item_id": "msg_1", "output_index": 0, "content_index": 0,
         "text": "Hello"},
        {"type": "response.refusal.done", "item_id": "msg_1", "output_index": 0, "content_index": 1,
         "refusal": "No"},
        {"type": "response.content_part.done", "item_id": "msg_1", "output_index": 0, "content_index": 0,
         "part": {"type": "output_text", "text": "Other"}},
        {"type": "response.reasoning_summary_part.added", "item_id": "rs_1", "output_index": 1, "summary_index": 0,
         "part": {"type": "summary_text", "text": ""}},
        {"type": "response.reasoning_summary_text.done", "item_id": "rs_1", "output_index": 1, "summary_index": 0,
         "text": "Thought"},
        {"type": "response.reasoning_summary_text.done", "item_id": "rs_1", "output_index": 1, "summary_index": 1,
         "text": "More"},
        {"type": "response.output_item.added", "output_index": 2,
         "item": {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "", "arguments": ""}},
        {"type": "response.function_call_arguments.delta", "item_id": "fc_1", "output_index": 2, "delta": '{"a"'},
        {"type": "response.function_call_arguments.done", "item_id": "fc_1", "output_index": 2,
         "arguments": '{"a": 1}', "name": "f"},
        {"type": "response.output_item.added", "output_index": 3,
         "item": {"type": "custom_tool_call", "id": "ct_1", "call_id": "call_2", "name": "g", "input": ""}},
        {"type": "response.custom_tool_call_input.done", "item_id": "ct_1", "output_index": 3, "input": "free"},
        {"type": "response.completed", "response": {"id": "resp_1", "status": "completed", "output": []}},
        {"type": "response.output_text.done", "output_index": 0, "content_index": 0, "text": "after the end"},
    )
    assert_contract_folds_the_same(data, "openai-responses")


def test_anthropic_contract_on_a_reused_index_an_unknown_stop_and_unreadable_starts() -> None:
    start = {"type": "message_start", "message": {"id": "msg_1", "model": "m", "usage": {"input_tokens": 3}}}
    data = _sse(
        start,
        {"type": "ping"},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": "Hi"}},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "tool_use", "id": "t", "name": "f",
                                                                      "input": {"k": [1]}}},
        {"type": "content_block_stop", "index": 7},
        {"type": "content_block_start", "index": 1, "content_block": {"type": "web_search_tool_result", "c": [1]}},
        {"type": "content_block_stop", "index": 1},
        {"type": "content_block_stop", "index": 1},
        {"type": "content_block_stop"},
        {"type": "message_stop"},
        {"type": "content_block_start", "index": 2, "content_block": {"type": "text", "text": "after the end"}},
    )
    assert_contract_folds_the_same(data, "anthropic")
    for bad in ({"type": "tool_use", "id": 1, "name": "f"}, {"type": 3}, {"type": "thinking", "thinking": 1}):
        data = _sse(start, {"type": "content_block_start", "index": 0, "content_block": bad})
        assert_contract_folds_the_same(data, "anthropic")
        assert _run(data, "anthropic", True, True)[4][0] == "ChunkDecodeError"
