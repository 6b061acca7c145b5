"""The compiled fast path of the reducers against the full decode, on random chunks.

``sseparse._fastpath`` pulls the few fields the reducers need out of an event's data
without building the chunk; anything it does not recognise goes to ``feed_event``.
These tests feed the same events to two reducers, one through the fast path and one
event by event through ``feed_event`` (``decode_json`` + the reducer), and require
the same deltas, the same ``Completion``, the same event count and the same error.
The chunks are random valid JSON written with every escape (short ones, ``\\uXXXX``
in both cases, surrogate pairs, lone surrogates), odd whitespace, shuffled keys,
extra members, and random near misses (a null where a string belongs, a name or an
id, a finish reason, usage, invalid JSON, ``[DONE]``).
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sseparse._dialects import create_reducer
from sseparse._events import Event

fastpath = pytest.importorskip("sseparse._fastpath", reason="the compiled fast path is not built")

FEED = {"openai-chat": fastpath.feed_openai_chat, "anthropic": fastpath.feed_anthropic}

# -- a JSON writer with every freedom the grammar allows ------------------------------------

_SHORT = {'"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _u(code: int, rnd: random.Random) -> str:
    text = f"\\u{code:04x}"
    return text.upper().replace("\\U", "\\u") if rnd.random() < 0.5 else text


def _string(value: str, rnd: random.Random, escape: float) -> str:
    out = ['"']
    for ch in value:
        code = ord(ch)
        must = ch in '"\\' or code < 0x20
        if must or rnd.random() < escape:
            if ch in _SHORT and rnd.random() < 0.6:
                out.append(_SHORT[ch])
            elif code > 0xFFFF:
                code -= 0x10000
                out.append(_u(0xD800 + (code >> 10), rnd) + _u(0xDC00 + (code & 0x3FF), rnd))
            else:
                out.append(_u(code, rnd))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


_TAGS = frozenset({"content_block_delta", "text_delta", "input_json_delta"})


def _ws(rnd: random.Random, odd: float) -> str:
    if rnd.random() >= odd:
        return ""
    return "".join(rnd.choice(" \t\n\r") for _ in range(rnd.randint(1, 3)))


def dumps(value: Any, rnd: random.Random, *, escape: float = 0.1, odd: float = 0.2, shuffle: bool = True) -> str:
    """JSON text of ``value`` with random escapes, whitespace and key order."""
    if isinstance(value, dict):
        items = list(value.items())
        if shuffle:
            rnd.shuffle(items)
        parts = [
            # (an escaped key sends the event to the full decode: rare, to test both)
            _ws(rnd, odd) + _string(k, rnd, escape / 20) + _ws(rnd, odd) + ":" + _ws(rnd, odd)
            + dumps(v, rnd, escape=escape, odd=odd, shuffle=shuffle) + _ws(rnd, odd)
            for k, v in items
        ]
        return "{" + ",".join(parts) + (_ws(rnd, odd) if not parts else "") + "}"
    if isinstance(value, list):
        parts = [_ws(rnd, odd) + dumps(v, rnd, escape=escape, odd=odd, shuffle=shuffle) + _ws(rnd, odd) for v in value]
        return "[" + ",".join(parts) + "]"
    if isinstance(value, str):
        return _string(value, rnd, escape / 20 if value in _TAGS else escape)  # an escaped tag: full decode
    return json.dumps(value)


# -- random chunks ----------------------------------------------------------------------------

texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=()) | st.sampled_from('"\\/\b\f\n\r\t\x00\x1f\x7f\u2028é中😀'),
    max_size=12,
)
lone_surrogates = st.sampled_from(["\\ud800", "\\udc00", "\\ud83d", "\\ud83dx", "\\ud83d\\u0041", "\\udfff\\ud800"])
json_scalars = st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.floats(allow_nan=False, allow_infinity=False) | texts
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
extras = st.dictionaries(st.sampled_from(["obfuscation", "x", "service_tier", "k\u00e9y", "type", "meta"]), json_values, max_size=2)


def _openai_chunk(draw: Any, calls: int) -> Any:
    kind = draw(st.sampled_from(["text"] * 6 + ["args"] * 6 + ["mixed", "finish", "usage", "empty", "odd"]))
    delta: dict[str, Any]
    if kind in ("text", "mixed"):
        delta = {"content": draw(texts | st.none() if kind == "mixed" else texts)}
        if kind == "mixed":
            delta.update(draw(st.dictionaries(st.sampled_from(["role", "refusal", "reasoning_content"]), st.none() | texts, max_size=2)))
    elif kind == "args" and calls:
        fn: dict[str, Any] = {"arguments": draw(texts | st.none() | st.just({"a": 1}))}
        if draw(st.booleans()):
            fn["name"] = draw(st.sampled_from([None, "", "more"]))
        piece: dict[str, Any] = {"index": draw(st.integers(0, calls)), "function": fn}
        if draw(st.booleans()):
            piece["id"] = draw(st.sampled_from([None, "", "call_x"]))
        if draw(st.booleans()):
            piece["type"] = "function"
        piece.update(draw(extras))
        delta = {"tool_calls": [piece] * draw(st.integers(1, 2))}
    elif kind == "empty":
        delta = {}
    elif kind == "odd":
        delta = draw(st.dictionaries(st.sampled_from(["content", "tool_calls", "x"]), json_values, max_size=2))
    else:
        delta = {}
    choice: dict[str, Any] = {"index": draw(st.sampled_from([0] * 9 + [1])), "delta": delta}
    if draw(st.booleans()):
        choice["finish_reason"] = "stop" if kind == "finish" else None
    if draw(st.booleans()):
        choice["logprobs"] = None
    if draw(st.integers(0, 9)) == 0:
        del choice["index"]
    chunk: dict[str, Any] = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "choices": [choice]}
    if kind == "usage":
        chunk["usage"] = {"prompt_tokens": 3, "completion_tokens": draw(st.integers(0, 9))}
    elif draw(st.booleans()):
        chunk["usage"] = None
    chunk.update(draw(extras))
    return chunk


def _anthropic_event(draw: Any) -> Any:
    kind = draw(st.sampled_from(["text"] * 6 + ["json"] * 6 + ["odd", "stop"]))
    if kind == "stop":
        return {"type": "content_block_stop", "index": draw(st.integers(0, 2))}
    delta: dict[str, Any]
    if kind == "text":
        delta = {"type": "text_delta", "text": draw(texts)}
    elif kind == "json":
        delta = {"type": "input_json_delta", "partial_json": draw(texts)}
    else:
        delta = draw(st.dictionaries(st.sampled_from(["type", "text", "partial_json"]), json_values | st.sampled_from(["text_delta", "input_json_delta"]), max_size=3))
    delta.update(draw(st.dictionaries(st.sampled_from(["x", "citation"]), json_values, max_size=1)))
    usual = 1 if kind == "json" else 0  # the tool block, the text block; sometimes another
    index = draw(st.sampled_from([usual] * 8 + [1 - usual, 2]))
    event: dict[str, Any] = {"type": "content_block_delta", "index": index, "delta": delta}
    event.update(draw(st.dictionaries(st.sampled_from(["x", "meta"]), json_values, max_size=1)))
    return event


@st.composite
def streams_of(draw: Any, dialect: str) -> list[tuple[str, str]]:
    """``(event type, data)`` pairs: a valid opening, then random chunks."""
    rnd = random.Random(draw(st.integers(0, 2**32)))
    escape = draw(st.sampled_from([0.0, 0.0, 0.1, 0.5, 1.0]))
    odd = draw(st.sampled_from([0.0, 0.0, 0.2, 0.8]))
    out: list[tuple[str, str]] = []

    def add(obj: Any, event: str = "message") -> None:
        text = dumps(obj, rnd, escape=escape, odd=odd)
        roll = rnd.randint(0, 60)  # not drawn: hypothesis would shrink every event towards the first case
        if roll == 0:
            text = text[: len(text) // 2]  # not JSON
        elif roll == 1:
            text = " " + text + "\n"
        elif roll == 2:
            text = text.replace("\\u", "\\x", 1)
        elif roll == 3:
            text = text.replace('"', '"' + draw(lone_surrogates), 1)
        out.append((event, text))

    if dialect == "openai-chat":
        calls = draw(st.integers(0, 3))
        add({"id": "chatcmpl-1", "model": "m", "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]})
        for k in range(calls):
            piece = {"index": k, "id": f"call_{k}", "type": "function", "function": {"name": f"f{k}", "arguments": ""}}
            add({"id": "chatcmpl-1", "choices": [{"index": 0, "delta": {"tool_calls": [piece]}}]})
        for _ in range(draw(st.integers(1, 12))):
            add(_openai_chunk(draw, calls))
        if draw(st.booleans()):
            out.append(("message", "[DONE]"))
            add(_openai_chunk(draw, calls))
    else:
        add({"type": "message_start", "message": {"id": "msg_1", "model": "m", "usage": {"input_tokens": 1}}})
        add({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}})
        if draw(st.booleans()):
            add({"type": "content_block_start", "index": 1, "content_block": {"type": "tool_use", "id": "t1", "name": "f", "input": {}}})
        for _ in range(draw(st.integers(1, 12))):
            add(_anthropic_event(draw), draw(st.sampled_from(["content_block_delta", "message", "error"])))
        if draw(st.booleans()):
            add({"type": "message_stop"}, "message_stop")
            add(_anthropic_event(draw))
    return out


# -- the comparison ---------------------------------------------------------------------------


def _run(dialect: str, events: list[Event], fast: bool) -> tuple[Any, ...]:
    reducer = create_reducer(dialect)
    out: list[Any] = []
    error = None
    try:
        if fast:
            FEED[dialect](reducer, events, out)
        else:
            for event in events:
                reducer.feed_event(event, out)
    except Exception as exc:  # noqa: BLE001 -- compared, type and message
        error = (type(exc).__name__, str(exc))
    snapshot = reducer.snapshot(complete=reducer.done, error=None).to_dict()
    return out, snapshot, reducer.events, reducer.done, error


def _check(dialect: str, pairs: list[tuple[str, str]]) -> None:
    events = [Event(kind, data) for kind, data in pairs]
    assert _run(dialect, events, True) == _run(dialect, events, False)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(streams_of("openai-chat"))
def test_openai_chat_fast_path_equals_full_decode(pairs: list[tuple[str, str]]) -> None:
    _check("openai-chat", pairs)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(streams_of("anthropic"))
def test_anthropic_fast_path_equals_full_decode(pairs: list[tuple[str, str]]) -> None:
    _check("anthropic", pairs)


@given(st.text(alphabet='{}[]":,0123456789.eE+-\\u tnrfalsebx ', max_size=60))
@settings(max_examples=300, deadline=None)
def test_garbage_data_is_never_taken_wrongly(data: str) -> None:
    """Near-JSON noise after a valid opening: same outcome on both paths."""
    for dialect, opening in (
        ("openai-chat", '{"id":"c","model":"m","choices":[{"index":0,"delta":{"content":""}}]}'),
        ("anthropic", '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}'),
    ):
        _check(dialect, [("message", opening), ("message", data)])
        wrapped = (
            '{"choices":[{"index":0,"delta":{"content":"' + data + '"}}]}'
            if dialect == "openai-chat"
            else '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"' + data + '"}}'
        )
        _check(dialect, [("message", opening), ("message", wrapped)])


# -- the fast path is taken, and by hand-picked cases ---------------------------------------------


def test_typical_chunks_take_the_fast_path() -> None:
    opening = Event(data='{"id":"c","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}')
    start = Event(data='{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"f","arguments":""}}]}}]}')
    text = Event(data='{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"h\\u00e9 \\ud83d\\ude00"},"logprobs":null,"finish_reason":null}],"obfuscation":"x"}')
    args = Event(data='{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"a\\""}}]}}]}')
    reducer = create_reducer("openai-chat")
    out: list[Any] = []
    assert fastpath.feed_openai_chat(reducer, [opening, start, text, args], out) == 2
    assert reducer.snapshot(complete=False, error=None).content == "hé 😀"
    assert reducer.snapshot(complete=False, error=None).tool_calls[0].arguments == '{"a"'
    assert reducer.events == 4

    reducer = create_reducer("anthropic")
    events = [
        Event(data='{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}'),
        Event(data='{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}'),
    ]
    assert fastpath.feed_anthropic(reducer, events, out) == 1


@pytest.mark.parametrize(
    "data",
    [
        '{"choices":[{"index":0,"delta":{"content":"a\\ud800b"}}]}',  # a lone surrogate
        '{"choices":[{"index":0,"delta":{"content":"\\ud83d\\ude00\\ud83d"}}]}',
        '{"choices":[{"index":0,"delta":{"content":"x"}}],"n":1' + "0" * 5000 + "}",  # Python's int digit limit
        '{"choices":[{"index":0,"delta":{"content":"x"}}],"n":NaN}',
        '{"choices":[{"index":0,"delta":{"content":"x"}}],"n":' + "[" * 200 + "]" * 200 + "}",
        '{"choices":[{"index":0,"delta":{"content":"x"}}],"choices":[]}',
        '{"choices":[{"index":0,"delta":{"content":"x","content":"y"}}]}',
        '{"choices":[{"index":0,"delta":{"cont\\u0065nt":"x"}}]}',
        '{"choices":[{"index":0,"delta":{"content":"x"}}]}\ufeff',
        '\ufeff{"choices":[{"index":0,"delta":{"content":"x"}}]}',
        '{"choices":[{"index":0,"delta":{"content":"tab\there"}}]}',
        '{"choices":[{"index":1,"delta":{"content":"new choice"}}]}',
        '{"choices":[{"index":0,"delta":{"content":"x"}}],"error":null}',
        '{"choices":[{"index":0,"delta":{"content":"x"}}],"usage":{"prompt_tokens":1}}',
        '{"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":"stop"}]}',
        '{"choices":[{"index":-0,"delta":{"content":"x"}}]}',
        '{"choices":[{"index":0.0,"delta":{"content":"x"}}]}',
        '{"choices":[{"index":00,"delta":{"content":"x"}}]}',
        '{"choices":[{"delta":{"content":"no index"}}]}',
        '{"choices":[{}]}',
        '{"choices":[]}',
        "[DONE]",
    ],
)
def test_edge_chunks(data: str) -> None:
    opening = '{"id":"c","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}'
    _check("openai-chat", [("message", opening), ("message", data), ("message", data)])
