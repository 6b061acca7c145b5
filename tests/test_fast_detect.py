"""``fast_detect`` (the compiled walker's reading of the first event) never answers
differently from ``detect``, the full decode's rules; it answers for the usual first
events of every dialect."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sseparse import Accumulator, SseparseError
from sseparse._dialects import detect, fast_detect
from sseparse._dialects._base import fastpath
from sseparse._errors import DialectError
from sseparse._events import Event

pytest.importorskip("sseparse._fastpath", reason="the compiled fast path is not built, or not in use (SSEPARSE_NO_EXTENSIONS)")
if fastpath is None:
    pytest.skip("the compiled fast path is not in use (SSEPARSE_NO_EXTENSIONS)", allow_module_level=True)

_KEYS = [
    "type", "object", "choices", "error", "candidates", "usageMetadata", "promptFeedback", "modelVersion",
    "sequence_number", "id", "message", "x",
]
_TYPES = [
    "message_start", "content_block_delta", "ping", "error", "response.created", "response.output_text.delta",
    "chat.completion.chunk", "message", "", "responsex", "Message_start",
]
_values = st.none() | st.booleans() | st.integers() | st.sampled_from(_TYPES) | st.lists(st.integers(), max_size=2) | st.dictionaries(
    st.sampled_from(["code", "status", "message"]), st.integers() | st.sampled_from(["RESOURCE_EXHAUSTED", "x"]), max_size=3
)


def _full(event: Event) -> Any:
    try:
        return detect(event)[0]
    except DialectError:
        return "DialectError"


@settings(max_examples=600, deadline=None)
@given(
    st.dictionaries(st.sampled_from(_KEYS), _values, max_size=5),
    st.sampled_from(["message", "error", "message_start", "response.completed", "ping", "x"]),
    st.sampled_from(["", " ", "\n"]),
    st.booleans(),
)
def test_fast_detect_agrees_with_detect(obj: dict[str, Any], event_type: str, pad: str, escape: bool) -> None:
    data = pad + json.dumps(obj, ensure_ascii=escape) + pad
    event = Event(event_type, data)
    fast = fast_detect(event)
    if fast is not None:
        assert fast == _full(event)


@pytest.mark.parametrize(
    ("data", "event_type", "expected"),
    [
        ('{"id":"c","object":"chat.completion.chunk","choices":[]}', "message", "openai-chat"),
        ('{"type":"message_start","message":{"id":"m"}}', "message_start", "anthropic"),
        ('{"type":"response.created","sequence_number":0,"response":{}}', "response.created", "openai-responses"),
        ('{"candidates":[{"content":{"parts":[{"text":"hi"}]}}]}', "message", "gemini"),
        # left to the full rules
        ('{"type":"error","error":{"type":"overloaded_error"}}', "error", None),
        ('{"error":{"message":"x"}}', "message", None),
        ('{"type":"msg","type":"message_start"}', "message", None),
        ('{"ty\\u0070e":"message_start"}', "message", None),
        ("[DONE]", "message", None),
        ('{"choices":[]} x', "message", None),
    ],
)
def test_fast_detect_cases(data: str, event_type: str, expected: str | None) -> None:
    event = Event(event_type, data)
    assert fast_detect(event) == expected
    if expected is not None:
        assert detect(event)[0] == expected


def _outcome(body: bytes, implementation: str) -> Any:
    acc = Accumulator("auto", implementation=implementation)
    try:
        acc.feed(body)
    except SseparseError as exc:
        return type(exc).__name__, str(exc), exc.completion.to_dict()
    return acc.dialect, acc.close().to_dict()


@settings(max_examples=400, deadline=None)
@given(
    st.dictionaries(st.sampled_from(_KEYS), _values, max_size=5),
    st.sampled_from(["message", "error", "message_start", "response.completed", "ping", "x", "Ünïcode"]),
    st.sampled_from([None, "message"]),
    st.booleans(),
    st.sampled_from([b"", b'\xff', "é".encode()]),
)
def test_auto_in_the_parse_agrees(
    obj: dict[str, Any], event_type: str, explicit: str | None, escape: bool, junk: bytes
) -> None:
    """``Accumulator("auto")`` detecting from the first event's bytes inside the parse
    (``FastFeed._detect``) gives what the pure accumulator gives: the same dialect,
    result or error, whatever the event name, the data's members, invalid UTF-8."""
    data = json.dumps(obj, ensure_ascii=escape).encode()
    if junk and data.endswith(b"}") and len(data) > 2:
        data = data[:-1] + b',"x":"' + junk + b'"}'
    head = b"" if event_type == "message" and explicit is None else f"event: {event_type}\n".encode()
    body = head + b"data: " + data + b"\n\n" + b'data: {"choices":[],"candidates":[]}\n\n'
    assert _outcome(body, "cython") == _outcome(body, "python")


# First events the dialect's own walker reads while detecting (an event named
# ``response.*``, or named as Anthropic's with an Anthropic ``type``), and their near
# misses, which the rules read instead: the same dialect, result or error as the pure
# accumulator's.
_START = '{"type":"message_start","message":{"id":"m","model":"c","usage":{"input_tokens":1}}}'
_CREATED = '{"type":"response.created","sequence_number":0,"response":{"id":"r","model":"g","output":[]}}'
_NAMED_FIRST = [
    ("message_start", _START),
    ("message_start", '{"type":"message_start"}'),  # (no message: the walker leaves it)
    ("message_start", _CREATED),  # rule 2 reads the data's type first
    ("message_start", '{"type":"message_start","message":{"id":"m"},"candidates":[]}'),
    ("message_start", '{"type":"message_start","message":{"id":"m"}'),  # not JSON
    ("content_block_delta", '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}'),
    ("content_block_start", '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}'),
    ("ping", '{"type":"ping"}'),
    ("message_stop", '{"type":"message_stop"}'),
    ("message_delta", '{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}'),
    ("ping", '{"type":"ping","type":"ping"}'),
    ("ping", '{"choices":[]}'),
    ("response.created", _CREATED),
    ("response.created", _START),  # rule 2 reads the event's name first
    ("response.created", '{"type":"response.created"'),  # not JSON
    ("response.created", "[1]"),
    ("response.output_text.delta", '{"type":"response.output_text.delta","item_id":"i","output_index":0,'
     '"content_index":0,"delta":"hi","sequence_number":1}'),
    ("response.created", '{"type":"error","code":"x","message":"boom","sequence_number":0}'),
    ("response.in_progress", '{"candidates":[]}'),
    # Events the Responses walker leaves to _responses_view (it stops at their type):
    # invalid JSON after the type is the rules' to report (found by the fuzz driver).
    ("response.completed", '{"type":"response.completed","response":{"id":"r","output":[]'),
    ("response.output_item.added", '{"type":"response.output_item.added","output_index":0,"item":{"id":"x}'),
    ("response.output_item.done", '{"type":"response.output_item.done","output_index":0,"item":{"type":"message"}}'),
]


@pytest.mark.parametrize(("name", "data"), _NAMED_FIRST)
def test_first_events_read_by_their_dialects_walker(name: str, data: str) -> None:
    body = f"event: {name}\ndata: {data}\n\n".encode() + b'event: message_stop\ndata: {"type":"message_stop"}\n\n'
    assert _outcome(body, "cython") == _outcome(body, "python")


# First chunks named "message" that the chat walker reads while detecting (rule 6: a
# choices member or the chat object, and no member another rule reads), and near misses.
_CHOICE = '{"index":0,"delta":{"role":"assistant","content":"hi"},"finish_reason":null}'
_PLAIN_FIRST = [
    '{"id":"c","object":"chat.completion.chunk","model":"m","choices":[' + _CHOICE + "]}",
    '{"id":"c","model":"m","choices":[' + _CHOICE + "]}",
    '{"id":"c","model":"m","choices":[]}',
    '{"id":"c","model":"m","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}}',
    '{"id":"c","object":"chat.completion.chunk","model":"m"}',
    '{"id":"c","object":"chat.completion.chunk","object":"x","model":"m"}',
    '{"id":"c","object":"x","object":"chat.completion.chunk","model":"m"}',
    '{"id":"c","object":"chat.completion.chun\\u006b","model":"m"}',
    '{"id":"c","object":5,"model":"m"}',
    '{"id":"c","model":"m","choices":[' + _CHOICE + '],"type":"x"}',
    '{"id":"c","model":"m","choices":[' + _CHOICE + '],"type":5}',
    '{"type":"response.created","choices":[' + _CHOICE + "]}",
    '{"type":"message_start","choices":[]}',
    '{"id":"c","model":"m","choices":[' + _CHOICE + '],"candidates":[]}',
    '{"id":"c","model":"m","choices":[],"modelVersion":"g"}',
    '{"id":"c","model":"m","choices":[],"usageMetadata":{"promptTokenCount":1}}',
    '{"id":"c","model":"m","choices":[],"promptFeedback":{}}',
    '{"id":"c","model":"m","choices":[' + _CHOICE + '],"error":{"message":"boom"}}',
    '{"id":"c","model":"m","choices":{}}',
    '{"id":"c","model":"m"}',
    '{"id":"c","model":"m","choices":[' + _CHOICE + '],"choices":[]}',
]


@pytest.mark.parametrize("data", _PLAIN_FIRST)
@pytest.mark.parametrize("named", [False, True], ids=["unnamed", "message"])
def test_first_chunks_read_by_the_chat_walker(data: str, named: bool) -> None:
    head = b"event: message\n" if named else b""
    body = head + f"data: {data}\n\n".encode() + b"data: [DONE]\n\n"
    assert _outcome(body, "cython") == _outcome(body, "python")
