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

from sseparse import IMPLEMENTATION, Accumulator, TextDelta
from sseparse._dialects._base import fast_feed
from sseparse._dialects import create_reducer
from sseparse._dialects.anthropic import AnthropicReducer
from sseparse._errors import EventTooLargeError
from sseparse._events import Event

from helpers import patchable

fastpath = pytest.importorskip("sseparse._fastpath", reason="the compiled fast path is not built, or not in use (SSEPARSE_NO_EXTENSIONS)")



def feed_fast(reducer: Any, events: list[Event], out: list[Any]) -> int:
    """The events through the compiled fast path (``FastFeed.feed_events``)."""
    return fastpath.FastFeed(reducer).feed_events(events, out)  # type: ignore[no-any-return]

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


_TAGS = frozenset({"content_block_delta", "text_delta", "input_json_delta", "thinking_delta"})


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
    kind = draw(
        st.sampled_from(["text"] * 6 + ["args"] * 6 + ["reasoning"] * 4 + ["parts"] * 3 + ["mixed", "finish", "usage", "empty", "odd"])
    )
    delta: dict[str, Any]
    if kind == "parts":  # Mistral's typed content parts, and near misses of every kind
        inner = st.fixed_dictionaries({"type": st.sampled_from(["text", "x"]), "text": texts | st.none() | st.integers()}) | json_values
        part = (
            st.fixed_dictionaries({"type": st.just("text"), "text": texts | st.none() | st.integers()})
            | st.fixed_dictionaries({"type": st.just("thinking"), "thinking": st.lists(inner, max_size=3) | st.none() | texts})
            | st.dictionaries(st.sampled_from(["type", "text", "thinking", "x"]), json_values | texts, max_size=3)
            | json_values
        )
        delta = {"content": draw(st.lists(part, max_size=4))}
        if draw(st.booleans()):
            delta.update(draw(st.dictionaries(st.sampled_from(["reasoning_content", "refusal", "role"]), st.none() | texts, max_size=2)))
        if draw(st.integers(0, 4)) == 0 and calls:
            delta["tool_calls"] = [{"index": 0, "function": {"arguments": draw(texts)}}]
    elif kind == "reasoning":  # the compatible servers' fields, in any combination
        delta = draw(
            st.dictionaries(
                st.sampled_from(
                    ["reasoning_content", "reasoning", "refusal", "content", "role", "reasoning_details", "function_call"]
                ),
                st.none() | texts | st.sampled_from(["same"]),
                max_size=4,
            )
        )
        if draw(st.booleans()) and delta.get("reasoning_content"):
            delta["reasoning"] = delta["reasoning_content"]  # vLLM: both, the same text
        if draw(st.integers(0, 5)) == 0 and calls:
            delta["tool_calls"] = [{"index": 0, "function": {"arguments": draw(texts)}}]
    elif kind in ("text", "mixed"):
        delta = {"content": draw(texts | st.none() if kind == "mixed" else texts)}
        if kind == "mixed":
            delta.update(draw(st.dictionaries(st.sampled_from(["role", "refusal", "reasoning_content"]), st.none() | texts, max_size=2)))
            # members the reducer keeps (extra["choices"]), null or not: the fast path
            # reads a null one and leaves any other to the full decode
            kept = st.sampled_from(["annotations", "audio", "reasoning_details", "x", "k\u00e9y"])
            detail = st.fixed_dictionaries(
                {"type": st.just("reasoning.text"), "text": st.none() | texts},
                optional={"index": st.integers(0, 2) | texts, "signature": st.none() | texts},
            )
            value = st.none() | json_values | st.lists(detail, max_size=2) | st.fixed_dictionaries(
                {}, optional={"id": texts, "transcript": st.none() | texts, "data": texts, "expires_at": st.integers()}
            )
            delta.update(draw(st.dictionaries(kept, value, max_size=2)))
    elif kind == "args" and calls:
        fn: dict[str, Any] = {"arguments": draw(texts | st.none() | st.just({"a": 1}))}
        if draw(st.booleans()):
            fn["name"] = draw(st.sampled_from([None, "", "more"]) | texts)
        piece: dict[str, Any] = {"index": draw(st.integers(0, calls)), "function": fn}
        if draw(st.booleans()):
            piece["id"] = draw(st.sampled_from([None, "", "call_x", "call_y"]) | texts)
        if draw(st.booleans()):
            piece["type"] = "function"
        if draw(st.integers(0, 3)) == 0:
            del piece["index"]  # Mistral: whole calls without an index
        piece.update(draw(extras))
        other = dict(piece, index=draw(st.integers(0, calls))) if draw(st.booleans()) else piece
        delta = {"tool_calls": [piece, other][: draw(st.integers(1, 2))]}
        if draw(st.integers(0, 3)) == 0:
            delta["content"] = draw(texts | st.none())
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
        choice["logprobs"] = draw(
            st.none()
            | st.dictionaries(
                st.sampled_from(["content", "refusal", "x"]),
                st.none() | st.lists(st.fixed_dictionaries({"token": texts, "logprob": st.floats(-5, 0)}), max_size=2) | json_values,
                max_size=3,
            )
            | json_values
        )
    if draw(st.integers(0, 9)) == 0:
        del choice["index"]
    chunk: dict[str, Any] = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "choices": [choice]}
    if kind == "usage":
        chunk["usage"] = draw(
            st.just({"prompt_tokens": 3, "completion_tokens": draw(st.integers(0, 9))})
            | st.dictionaries(st.sampled_from(["prompt_tokens", "total_tokens", "prompt_tokens_details"]), json_values, max_size=3)
            | json_values
        )
        if draw(st.integers(0, 3)) == 0:
            chunk["choices"] = []
    if draw(st.integers(0, 5)) == 0:  # Groq's usage, read when the chunk has none of its own
        chunk["x_groq"] = draw(
            st.fixed_dictionaries({"id": st.just("req_1")}, optional={"usage": st.none() | json_values | st.just({"prompt_tokens": 2})})
            | json_values
        )
    elif draw(st.booleans()):
        chunk["usage"] = None
    chunk.update(draw(extras))
    return chunk


def _anthropic_event(draw: Any) -> Any:
    kind = draw(st.sampled_from(["text"] * 6 + ["json"] * 6 + ["thinking"] * 3 + ["signature"] * 2
                                + ["odd", "stop", "stop", "ping", "start", "start", "end", "mdelta", "mdelta", "mstart"]))
    if kind == "mdelta":  # message_delta: the stop reason, usage, other members, in every form
        delta = draw(st.dictionaries(st.sampled_from(["stop_reason", "stop_sequence", "stop_details"]),
                                     st.none() | st.sampled_from(["end_turn", "refusal", ""]) | json_values, max_size=3))
        event = {"type": "message_delta", "delta": draw(st.just(delta) | st.none() | json_values)}
        event.update(draw(st.dictionaries(st.sampled_from(["usage", "context_management", "index"]),
                                          st.just({"output_tokens": 3, "input_tokens": None}) | json_values, max_size=2)))
        return event
    if kind == "mstart":  # a message_start again (a server that restarts): its message in every form
        message = draw(st.dictionaries(
            st.sampled_from(["id", "model", "usage", "role", "type", "container", "content", "stop_reason", "stop_sequence"]),
            st.sampled_from(["msg_2", "m2", "", None]) | st.just([]) | st.just({"output_tokens": 2}) | json_values,
            max_size=6))
        return {"type": "message_start", "message": draw(st.just(message) | json_values)}
    if kind == "stop":
        return {"type": "content_block_stop", "index": draw(st.integers(0, 3))}
    if kind == "ping":
        return {"type": "ping"} | draw(st.dictionaries(st.sampled_from(["x", "index"]), json_values, max_size=1))
    if kind == "end":
        return {"type": "message_stop"} | draw(st.dictionaries(st.sampled_from(["x"]), json_values, max_size=1))
    if kind == "start":  # the empty text and thinking blocks, and near misses
        block_kind = draw(st.sampled_from(["text", "thinking", "tool_use", "server_tool_use", "web_search_tool_result", 3]))
        block: dict[str, Any] = {"type": block_kind}
        if block_kind in ("text", "thinking"):
            block[block_kind] = draw(st.sampled_from(["", "", "x"]) | json_values)
        elif block_kind != 3:  # a call or a result: id, name, input, content in every form
            block.update(draw(st.fixed_dictionaries(
                {}, optional={"id": st.sampled_from(["t2", "t3"]) | json_values, "name": st.sampled_from(["f", "g"]) | json_values,
                              "input": st.just({}) | json_values, "content": json_values})))
        block.update(draw(st.dictionaries(st.sampled_from(["citations", "signature"]), json_values, max_size=1)))
        return {"type": "content_block_start", "index": draw(st.integers(0, 3)), "content_block": block}
    delta: dict[str, Any]
    if kind == "text":
        delta = {"type": "text_delta", "text": draw(texts)}
    elif kind == "json":
        delta = {"type": "input_json_delta", "partial_json": draw(texts)}
    elif kind == "thinking":
        delta = {"type": "thinking_delta", "thinking": draw(texts)}
    elif kind == "signature":
        delta = {"type": "signature_delta", "signature": draw(texts | st.none() | json_values)}
    else:
        delta = draw(
            st.dictionaries(
                st.sampled_from(["type", "text", "partial_json", "thinking", "signature"]),
                json_values | st.sampled_from(["text_delta", "input_json_delta", "thinking_delta", "signature_delta"]),
                max_size=3,
            )
        )
    delta.update(draw(st.dictionaries(st.sampled_from(["x", "citation"]), json_values, max_size=1)))
    usual = 1 if kind == "json" else 2 if kind in ("thinking", "signature") else 0  # its block; sometimes another
    index = draw(st.sampled_from([usual] * 8 + [0, 1, 2, 3]))
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
        # The opening: the chunk's own members the reducer takes until it knows the id
        # and model, in every form (missing, empty, another type, escaped, odd created).
        opening: dict[str, Any] = {"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]}
        meta_values = st.sampled_from(["chatcmpl-1", "m", "", "\u00e9"]) | st.none() | st.integers(0, 9) | texts
        for name, values in (
            ("id", meta_values),
            ("model", meta_values),
            ("system_fingerprint", meta_values),
            ("created", st.integers(-(10**20), 10**20) | st.sampled_from([0, 1700000000, 1.5, "1", None, True])),
            ("object", st.just("chat.completion.chunk")),
        ):
            if draw(st.integers(0, 3)):
                opening[name] = draw(values)
        if draw(st.booleans()):
            opening["id"], opening["model"] = "chatcmpl-1", "m"  # usually both known at once
        add(opening)
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
        if draw(st.booleans()):
            add({"type": "content_block_start", "index": 2, "content_block": {"type": "thinking", "thinking": ""}})
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
            feed_fast(reducer, events, out)
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
    assert feed_fast(reducer, [opening, start, text, args], out) == 4
    assert reducer.snapshot(complete=False, error=None).content == "hé 😀"
    assert reducer.snapshot(complete=False, error=None).tool_calls[0].arguments == '{"a"'
    assert reducer.events == 4

    reducer = create_reducer("anthropic")
    events = [
        Event(data='{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}'),
        Event(data='{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}'),
    ]
    assert feed_fast(reducer, events, out) == 2  # the empty text block's start too


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
        # the compatible servers' reasoning and refusal fields
        '{"choices":[{"index":0,"delta":{"content":null,"reasoning_content":"r"}}]}',
        '{"choices":[{"index":0,"delta":{"reasoning":"r","reasoning_content":"r"}}]}',
        '{"choices":[{"index":0,"delta":{"reasoning":"r","reasoning_content":"s"}}]}',
        '{"choices":[{"index":0,"delta":{"reasoning":"r","reasoning_content":"\\u0072"}}]}',
        '{"choices":[{"index":0,"delta":{"reasoning":"","reasoning_content":"r"}}]}',
        '{"choices":[{"index":0,"delta":{"reasoning":"r","reasoning_details":[{"type":"reasoning.text","text":"d"}]}}]}',
        '{"choices":[{"index":0,"delta":{"reasoning_details":[{"type":"reasoning.text","text":"d"}]}}]}',
        '{"choices":[{"index":0,"delta":{"content":"c","refusal":"no","reasoning":"r","role":"assistant"}}]}',
        '{"choices":[{"index":0,"delta":{"content":[{"type":"text","text":"parts"}]}}]}',
        '{"choices":[{"index":0,"delta":{"content":[{"type":"thinking","thinking":[{"type":"text","text":"hm"}]},'
        '{"type":"text","text":"so"}],"refusal":"r"}}]}',
        '{"choices":[{"index":0,"delta":{"content":[{"text":"a","type":"text"},{"type":"thinking","thinking":null},'
        '{"type":"image","text":"no"},{"type":5,"text":"no"},{"type":"text","text":7}]}}]}',
        '{"choices":[{"index":0,"delta":{"content":[{"type":"t\\u0065xt","text":"esc"}]}}]}',
        '{"choices":[{"index":0,"delta":{"content":[{"type":"thinking","thinking":"str"}]}}]}',
        '{"choices":[{"index":0,"delta":{"content":[{"type":"thinking","thinking":[1]}]}}]}',
        '{"choices":[{"index":0,"delta":{"content":["x"]}}]}',
        '{"choices":[{"index":0,"delta":{"content":[{"type":"text","text":"a","text":"b"}]}}]}',
        '{"choices":[{"index":0,"delta":{"content":[' + ",".join(['{"type":"text","text":"p"}'] * 9) + ']}}]}',
        '{"choices":[{"index":0,"delta":{"content":1}}]}',
        '{"choices":[{"index":0,"delta":{"refusal":1}}]}',
        '{"choices":[{"index":0,"delta":{"reasoning":"a","reasoning":"b"}}]}',
        '{"choices":[{"index":0,"delta":{"tool_calls":null,"content":"x"}}]}',
        '{"choices":[{"index":0,"delta":{"function_call":{"name":"f","arguments":"{}"}}}]}',
        '{"choices":[{"index":0,"delta":{"content":"x","function_call":null,"tool_calls":null,"role":null}}]}',
        '{"choices":[{"index":0,"delta":{"content":"x","function_call":null,"function_call":{"name":"f"}}}]}',
        '{"choices":[{"index":0,"delta":{"content":"x","function_call":{},"reasoning_details":null}}]}',
        '{"choices":[{"index":0,"delta":{"reasoning_details":null,"reasoning":"r"}}]}',
        '{"choices":[{"index":0,"delta":{"function_call":nul}}]}',
        '{"choices":[{"index":0,"delta":{"content":"x","audio":{"id":"a"}},"finish_reason":"stop"}]}',
        # members the reducer keeps in extra["choices"]: the full decode, unless null
        '{"choices":[{"index":0,"delta":{"content":"x","x":1}}]}',
        '{"choices":[{"index":0,"delta":{"content":"x","x":null,"audio":null,"annotations":null}}]}',
        '{"choices":[{"index":0,"delta":{"annotations":[{"type":"url_citation","url_citation":{"url":"u"}}]}}]}',
        '{"choices":[{"index":0,"delta":{"audio":{"id":"a","transcript":"Hel"}}}]}',
        '{"choices":[{"index":0,"delta":{"reasoning_details":[{"type":"reasoning.text","text":"r","index":0}]}}]}',
        '{"choices":[{"index":0,"delta":{"role":"assistant","content":"x","provider_metadata":{"a":{"b":1}}}}]}',
        '{"choices":[{"index":0,"delta":{"content":"x"},"content_filter_results":{"hate":{"filtered":false}}}]}',
        '{"choices":[{"delta":{"content":"x"},"stop_reason":"###","finish_reason":"stop","index":0}],"p":"abc"}',
        '{"choices":[{"index":0,"delta":{"content":"x"},"a":1,"b":2,"c":3}],"d":4,"e":5}',
        '{"choices":[{"index":0,"delta":{"content":"x"},"k\\u00e9y":1}]}',
        '{"choices":[{"index":0,"delta":{},"finish_reason":"stop","usage":{"prompt_tokens":1,"completion_tokens":2}}]}',
        '{"choices":[{"index":0,"delta":{"content":"x"},"usage":null}],"x_groq":{"id":"req_1"}}',
        '{"choices":[{"index":0,"delta":{"tool_calls":[{"function":{"arguments":"1"}},{"function":{"arguments":"2"}}]}}]}',
        '{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}',
        '{"choices":[],"usage":{}}',
        '{"choices":[],"usage":{"a":1},"usage":{"b":2}}',
        '{"usage":{"prompt_tokens":1},"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":"stop"}]}',
        '{"choices":[],"usage":{"prompt_tokens":"\\u00e9","x":[1,{"y":null}]}}',
        '{"choices":[{"index":0,"delta":{"content":"x"},"logprobs":{"content":[{"token":"x","logprob":-0.5}],"refusal":null}}]}',
        '{"choices":[{"index":0,"delta":{"content":"x"},"logprobs":{}}]}',
        '{"choices":[{"index":0,"delta":{"content":"x"},"logprobs":{"content":"abc"}}]}',
        '{"choices":[{"index":0,"delta":{"content":"x"},"logprobs":{"content":3}}]}',
        '{"choices":[{"index":0,"delta":{"content":"x"},"logprobs":{"content":[1],"content":[2]}}]}',
        '{"choices":[{"index":0,"delta":{"content":"x"},"logprobs":[1]}]}',
        '{"choices":[{"index":0,"delta":{},"finish_reason":"stop","logprobs":{"refusal":[{"t":"\\ud83d\\ude00"}]}}]}',
        '{"choices":[],"x_groq":{"id":"r","usage":{"prompt_tokens":1,"completion_tokens":2}}}',
        '{"choices":[],"usage":null,"x_groq":{"usage":{"prompt_tokens":1}}}',
        '{"choices":[],"usage":{},"x_groq":{"usage":{"prompt_tokens":1}}}',
        '{"choices":[],"usage":{"prompt_tokens":5},"x_groq":{"usage":{"prompt_tokens":1}}}',
        '{"choices":[],"x_groq":{"usage":[1]}}',
        '{"choices":[],"x_groq":[1]}',
        '{"choices":[],"x_groq":{}}',
        '{"choices":[],"x_groq":{"usage":{"a":1},"usage":{"b":1}}}',
    ],
)
def test_edge_chunks(data: str) -> None:
    opening = '{"id":"c","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}'
    _check("openai-chat", [("message", opening), ("message", data), ("message", data)])


# message_start messages: those the fast path reads without building them (every
# member null but id, model, usage, type and role; content [] and no stop reason) and
# their near misses, which it builds whole (fast_message_start) or leaves to the
# full decode.
_MESSAGES = [
    '{"id":"msg_1","model":"c","usage":{"input_tokens":1}}',
    '{"model":"c","id":"msg_1","type":"message","role":"assistant","content":[],"stop_reason":null,'
    '"stop_sequence":null,"usage":{"input_tokens":5,"cache_creation":{"a":0},"output_tokens":1}}',
    '{"id":"msg_1","content":[ ],"model":"c"}',
    '{}',
    '{"id":"","model":""}',
    '{"id":"m\\u00e9\\n","model":"\u00e9t\u00e9"}',
    '{"id":5,"model":"c"}',
    '{"id":null,"model":null,"usage":null}',
    '{"id":"a","id":"b","model":"c"}',
    '{"id":"a","model":"c","model":"d"}',
    '{"id":"a","usage":{"input_tokens":1},"usage":{"input_tokens":2}}',
    '{"id":"a","usage":{}}',
    '{"id":"a","usage":[1]}',
    '{"id":"a","usage":"x"}',
    '{"id":"a","usage":{"input_tokens":"1","output_tokens":2.5}}',
    '{"id":"a","content":[{"type":"text","text":"hi"}]}',
    '{"id":"a","content":[],"content":[]}',
    '{"id":"a","content":null}',
    '{"id":"a","content":false}',
    '{"id":"a","content":""}',
    '{"id":"a","content":{}}',
    '{"id":"a","stop_reason":"end_turn"}',
    '{"id":"a","stop_reason":null,"stop_reason":null}',
    '{"id":"a","stop_sequence":"x"}',
    '{"id":"a","container":{"id":"c1"}}',
    '{"id":"a","container":null,"extra":null}',
    '{"id":"a","type":"message","type":5,"role":[1,{"x":null}]}',
    '{"\\u0069d":"a","model":"c"}',
    '{"id":"a","model":"c","usage":{"input_tokens":1,"input_tokens":2}}',
    # not JSON, where the message is read member by member as it is walked
    '{"id":"a" "model":"c"}',
    '{"id":"a","model":"c",}',
    '{"id":"a","model":"c","usage":{"input_tokens":01}}',
    '{"id":"a","usage":{"input_tokens":1,}}',
    '{"id":"a","type":"message","role":tru}',
    '{"id":"a","stop_sequence":nul}',
    '{"id":"a","stop_sequence":nuLL,"model":"c"}',
    '{"id":"a","type":"message","role":"assistant"x}',
    '{"id":"a","content":[,]}',
    '{"id":"a\x01b","model":"c"}',
    '{"id":"a\\x","model":"c"}',
    '{"id":"a","model":"c"',
    '{"id":"a","model":"c"}}',
]


@pytest.mark.parametrize("message", _MESSAGES)
@pytest.mark.parametrize("again", [False, True], ids=["first", "again"])
def test_message_start_messages(message: str, again: bool) -> None:
    events = [("message_start", '{"type":"message_start","message":' + message + "}")]
    if again:  # (after a first message_start: a server that restarts)
        events.insert(0, ("message_start", '{"type":"message_start","message":{"id":"m0","usage":{"output_tokens":1}}}'))
    events.append(("content_block_start", '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}'))
    _check("anthropic", events)


@pytest.mark.skipif(IMPLEMENTATION != "cython", reason="the compiled modules are not in use")
def test_a_plain_message_start_is_read_without_building_its_message() -> None:
    # The message the fast path reads member by member: fast_message_start (which
    # takes the built message) is not called; a message it keeps more of is built.
    calls: list[Any] = []

    def built(self: Any, message: Any, out: Any) -> bool:
        calls.append(message)
        return bool(AnthropicReducer.fast_message_start(self, message, out))

    plain = b'data: {"type":"message_start","message":{"id":"m","model":"c","content":[],"usage":{"input_tokens":3}}}\n\n'
    kept = b'data: {"type":"message_start","message":{"id":"m","model":"c","container":{"id":"x"}}}\n\n'
    for data, expected in ((plain, []), (kept, [{"id": "m", "model": "c", "container": {"id": "x"}}])):
        calls.clear()
        accumulator = patchable(Accumulator("anthropic"), fast_message_start=built)
        deltas = accumulator.feed(data)
        assert calls == expected
        pure = Accumulator("anthropic", implementation="python")
        assert deltas == pure.feed(data)
        assert accumulator.close() == pure.close()


# -- the fast path: bytes straight from the parser's buffer ----------------------------------
#
# ``Accumulator`` with both compiled modules hands each completed event's data, as UTF-8
# bytes, to the extractors (``_fastpath.FastFeed``). Compared here with an accumulator
# on the pure-Python parser without it, on random streams (event types, ids, retry,
# comments, CRLF, a BOM, multi-line data, invalid UTF-8, multi-byte characters) cut at
# random points, with small size limits too: the same deltas per fragment, the same
# errors (and what they carry), the same parser state, the same final result.

_BAD_UTF8 = [b"\xff", b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98", b"\xed\xa0\x80", b"\xc0\xaf", b"\x80"]


@st.composite
def sse_bytes(draw: Any, dialect: str) -> bytes:
    pairs = draw(streams_of(dialect))
    rnd = random.Random(draw(st.integers(0, 2**32)))
    eol = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    parts: list[str] = ["\ufeff"] if rnd.random() < 0.1 else []
    for kind, data in pairs:
        if rnd.random() < 0.1:
            parts.append(": keep-alive" + eol)
        if kind != "message" or rnd.random() < 0.2:
            parts.append(f"event: {kind}{eol}")
        if rnd.random() < 0.2:
            parts.append(f"id: {rnd.randint(0, 99)}{eol}")
        if rnd.random() < 0.1:
            parts.append(f"retry: {rnd.randint(0, 9999)}{eol}")
        for line in data.split("\n"):
            parts.append(("data: " if rnd.random() < 0.9 else "data:") + line + eol)
        parts.append(eol)
    raw = bytearray("".join(parts).encode("utf-8", "surrogatepass"))
    for _ in range(draw(st.sampled_from([0, 0, 1, 3]))):  # invalid UTF-8 anywhere
        at = rnd.randint(0, len(raw))
        raw[at:at] = rnd.choice(_BAD_UTF8)
    if rnd.random() < 0.2:
        raw = raw[: rnd.randint(0, len(raw))]  # a cut stream
    return bytes(raw)


def _cuts(data: bytes, rnd: random.Random, mode: int) -> list[bytes]:
    if mode == 0:
        return [data]
    if mode == 1:
        return [data[i : i + 1] for i in range(len(data))]
    out, i = [], 0
    while i < len(data):
        n = rnd.randint(0, 40 if mode == 2 else 400)
        out.append(data[i : i + n])
        i += n
    return out


def _accumulate(dialect: str, fragments: list[bytes], limit: int, deltas: bool, compiled: bool) -> Any:
    # With the dialect unknown, the compiled side detects it inside the parse that
    # completes the first event (an unbound FastFeed): compared exactly all the same,
    # EventTooLargeError's size and message included.
    return _accumulate_exact(dialect, fragments, limit, deltas, compiled)


def _accumulate_exact(dialect: str, fragments: list[bytes], limit: int, deltas: bool, compiled: bool) -> list[Any]:
    """What an accumulator gives and carries, fragment by fragment: the compiled one
    (its fast path, fed by the compiled parser) when ``compiled``, else the pure one."""
    acc = Accumulator(dialect, max_event_size=limit, deltas=deltas, implementation="cython" if compiled else "python")
    trace: list[Any] = []
    for fragment in fragments:
        try:
            got = acc.feed(fragment)
        except Exception as exc:  # noqa: BLE001 -- compared, with what it carries
            trace.append(
                (
                    type(exc).__name__,
                    str(exc),
                    getattr(exc, "deltas", None),
                    getattr(getattr(exc, "completion", None), "to_dict", lambda: None)(),
                    getattr(exc, "events", None),
                )
            )
        else:
            trace.append(got)
        trace.append((acc.parser.last_event_id, acc.parser.retry, acc.dialect))
        reducer = acc._reducer
        if compiled and reducer is not None:
            # the path under test is really taken (or the dialect has none)
            assert (acc._fast is not None) == (fast_feed(reducer) is not None)
    try:
        trace.append(acc.close().to_dict())
    except Exception as exc:  # noqa: BLE001
        trace.append((type(exc).__name__, str(exc)))
    trace.append(None if acc.cut is None else str(acc.cut))
    trace.append(acc.completion.to_dict())
    return trace


needs_compiled = pytest.mark.skipif(IMPLEMENTATION != "cython", reason="the compiled modules are not in use")


@needs_compiled
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    st.sampled_from(["openai-chat", "anthropic"]).flatmap(lambda d: st.tuples(st.just(d), sse_bytes(d))),
    st.integers(0, 2**32),
    st.sampled_from([0, 1, 2, 2, 3, 3]),
    st.sampled_from([64 * 1024 * 1024, 64 * 1024 * 1024, 400, 120]),
    st.booleans(),
    st.booleans(),
)
def test_fused_path_equals_pure_parser(
    case: tuple[str, bytes], seed: int, mode: int, limit: int, deltas: bool, auto: bool
) -> None:
    dialect, data = case
    fragments = _cuts(data, random.Random(seed), mode)
    name = "auto" if auto else dialect
    assert _accumulate(name, fragments, limit, deltas, True) == _accumulate(name, fragments, limit, deltas, False)


@needs_compiled
def test_fused_path_split_multibyte_and_invalid_utf8() -> None:
    """A character cut across fragments, and invalid bytes inside and outside strings."""
    opening = b'data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}\n\n'
    text = 'h\u00e9 \u4e2d\U0001f600'.encode()
    chunks = [
        b'data: {"choices":[{"index":0,"delta":{"content":"' + text + b'"}}]}\n\n',
        b'data: {"choices":[{"index":0,"delta":{"content":"a\xffb\xe2\x82"}}]}\n\n',
        b'data: {"choices":[{"index":0,"delta":{"content":"\\u00e9\xc3"}}]}\n\n',
        b'data: {"choices":[{"index":0,"delta":{"content":"x"}}]\xff}\n\n',
    ]
    stream = opening + b"".join(chunks)
    for size in (1, 2, 3, 5, 7, len(stream)):
        fragments = [stream[i : i + size] for i in range(0, len(stream), size)]
        fast = _accumulate("openai-chat", fragments, 1 << 20, True, True)
        assert fast == _accumulate("openai-chat", fragments, 1 << 20, True, False)
    acc = Accumulator("openai-chat")
    acc.feed(opening + chunks[0] + chunks[1] + chunks[2])
    assert acc.completion.content == "h\u00e9 \u4e2d\U0001f600a\ufffdb\ufffd\u00e9\ufffd"
    with pytest.raises(Exception, match="event #4") as info:
        acc.feed(chunks[3])
    assert "\ufffd" in str(info.value)


@pytest.mark.parametrize(
    "piece",
    [
        '{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}}',
        '{"index":0,"id":"call_1","function":{"name":"f","arguments":"{\\"a\\":"}}',
        '{"index":0,"id":"call_2","function":{"name":"g","arguments":"{}"}}',  # same index, new id
        '{"index":0,"id":"call_1","function":{"name":"f","arguments":"1"}}',  # the same call again
        '{"index":0,"id":"c\\u00e9\\ud83d\\ude00","function":{"name":"n\\u0041","arguments":"x"}}',
        '{"index":0,"id":"","function":{"name":"more","arguments":"x"}}',  # a name in pieces
        '{"index":0,"id":null,"function":{"name":"f","arguments":"x"}}',
        '{"index":0,"id":"a","id":"b","function":{"arguments":"x"}}',  # duplicated keys
        '{"index":0,"function":{"name":"a","name":"b","arguments":"x"}}',
        '{"index":0,"id":7,"function":{"name":"f","arguments":"x"}}',
        '{"index":0,"id":"call_1","function":{"name":"f"}}',
        '{"index":0,"id":"call_1","function":{"name":"f","arguments":{"a":1}}}',
        '{"index":3,"id":"call_3","function":{"name":"h","arguments":"x"}}',
        '{"id":"call_4","function":{"name":"h","arguments":"x"}}',  # no index
    ],
)
def test_tool_call_pieces_with_id_or_name(piece: str) -> None:
    opening = '{"id":"c","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}'
    data = '{"choices":[{"index":0,"delta":{"tool_calls":[' + piece + "]}}]}"
    two = '{"choices":[{"index":0,"delta":{"tool_calls":[' + piece + "," + piece + "]}}]}"
    _check("openai-chat", [("message", opening), ("message", data), ("message", data), ("message", two)])


@pytest.mark.parametrize(
    "chunks",
    [
        # Mistral: a whole call without an index, its finish reason and usage in one chunk
        ['{"choices":[{"index":0,"delta":{"content":null,"tool_calls":[{"id":"a","function":{"name":"f","arguments":"{}"}}]},'
         '"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}'],
        # two whole calls in one chunk, with and without indexes, and text beside them
        ['{"choices":[{"index":0,"delta":{"content":"t","tool_calls":[{"id":"a","function":{"name":"f","arguments":"1"}},'
         '{"id":"b","function":{"name":"g","arguments":"2"}}]}}]}'],
        ['{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","function":{"name":"f","arguments":"1"}},'
         '{"index":1,"id":"b","function":{"name":"g","arguments":"2"}}]},"finish_reason":"tool_calls"}]}'],
        # a call's first piece and an argument piece of the same index in one chunk: a
        # new id at an index in use moves where that index's pieces go
        ['{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","function":{"name":"f","arguments":"1"}}]}}]}',
         '{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"b","function":{"name":"g","arguments":"2"}},'
         '{"index":0,"function":{"arguments":"3"}}]}}]}'],
        # a piece without an index that continues the last call (no id, no name)
        ['{"choices":[{"index":0,"delta":{"tool_calls":[{"id":"a","function":{"name":"f","arguments":"{"}}]}}]}',
         '{"choices":[{"index":0,"delta":{"tool_calls":[{"function":{"arguments":"}"}}]}}]}',
         '{"choices":[{"index":0,"delta":{"tool_calls":[{"id":"a","function":{"arguments":"!"}}]}}]}'],
    ],
)
def test_calls_in_chunks_with_other_items(chunks: list[str]) -> None:
    """A call's first piece beside other items of its chunk (text, another call, the
    finish reason, usage), with or without an index: as the full decode reads it."""
    opening = '{"id":"c","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}'
    _check("openai-chat", [("message", opening), *(("message", chunk) for chunk in chunks)])


@needs_compiled
@pytest.mark.parametrize(
    "chunks",
    [
        ['{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}'] * 2,
        ['{"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":"length"}]}'],
        ['{"choices":[{"finish_reason":"stop","delta":{"content":"x"},"index":0}]}'],
        ['{"choices":[{"index":0,"delta":{},"finish_reason":""}]}'],
        ['{"choices":[{"index":0,"delta":{},"finish_reason":"st\\u006fp"}]}'],
        ['{"choices":[{"index":0,"delta":{},"finish_reason":"stop","finish_reason":null}]}'],
        ['{"choices":[{"index":0,"delta":{},"finish_reason":7}]}'],
        ['{"choices":[{"index":0,"delta":{},"finish_reason":"stop"},{"index":1,"delta":{},"finish_reason":"stop"}]}'],
        ['{"choices":[{"index":1,"delta":{},"finish_reason":"stop"}]}'],
        ['{"choices":[{"index":0,"delta":{},"finish_reason":"a"}]}', '{"choices":[{"index":0,"delta":{},"finish_reason":"b"}]}'],
        ["[DONE]", '{"choices":[{"index":0,"delta":{"content":"after"}}]}'],
        ["[DONE]extra"],
        ["[DONE"],
        [" [DONE]"],
        ["event: error\n[DONE]"],
    ],
)
def test_fused_finish_reasons_and_end_marker(chunks: list[str]) -> None:
    opening = '{"id":"c","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}'
    parts = []
    for data in [opening, *chunks]:
        kind, _, body = data.rpartition("\n")
        parts.append((f"{kind}\n" if kind else "") + "".join(f"data: {line}\n" for line in body.split("\n")) + "\n")
    stream = "".join(parts).encode()
    for size in (1, 7, len(stream)):
        fragments = [stream[i : i + size] for i in range(0, len(stream), size)]
        for deltas in (True, False):
            fast = _accumulate("openai-chat", fragments, 1 << 20, deltas, True)
            assert fast == _accumulate("openai-chat", fragments, 1 << 20, deltas, False)


# ``FastFeed`` keeps the last chunk that gave one text or arguments piece as a
# template: a chunk equal to it but for that string (and its "obfuscation" string) is
# taken without a walk. Streams of such near-copies, with every kind of difference
# the template must notice (a changed byte anywhere, a string with quotes, escapes or
# raw control characters, a missing or non-string pad, extra members, a finish reason,
# a new call), must give what the pure parser's path gives.

_TEMPLATE_ORDERS = {
    # where the envelope's members go relative to "choices" and "obfuscation"
    "openai": ('{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m",'
               '"system_fingerprint":"fp","choices":[%s],"usage":null,"obfuscation":%s}'),
    "azure": '{"choices":[%s],"created":1,"id":"c","model":"m","obfuscation":%s,"object":"o","usage":null}',
    "pad-first": '{"obfuscation":%s,"id":"c","choices":[%s]}',
    "no-pad": '{"id":"c","model":"m","choices":[%s]%s}',
}


_TEMPLATE_CHARS = ["a", " ", '"', "\\", "\n", "\x01", "\u00e9", "\u4e2d", "\U0001f600", "/", "\u2028"]


@st.composite
def template_stream(draw: Any) -> bytes:
    # Rates matter here (runs of near-copies, rare breaks), so a seeded Random decides.
    rnd = random.Random(draw(st.integers(0, 2**32)))
    order = rnd.choice(sorted(_TEMPLATE_ORDERS))
    shape = _TEMPLATE_ORDERS[order]
    opening = '{"id":"c","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}'
    events = [opening]
    call = 0
    kind = "text"
    for _ in range(rnd.randint(1, 30)):
        if rnd.random() < 0.2:  # runs of one kind: the template's case
            kind = rnd.choice(["text", "text", "args", "args", "call", "finish", "extra", "text-finish"])
        value = "".join(rnd.choice(_TEMPLATE_CHARS) for _ in range(rnd.randint(0, 12)))
        text = json.dumps(value, ensure_ascii=rnd.random() < 0.5)
        if rnd.random() < 0.01:
            text = text[:-1] + "\x01" + '"'  # a raw control character: not JSON
        if kind == "text":
            choice = '{"index":0,"delta":{"content":%s},"logprobs":null,"finish_reason":null}' % text
        elif kind == "args":
            choice = ('{"index":0,"delta":{"tool_calls":[{"index":%d,"function":{"arguments":%s}}]},'
                      '"finish_reason":null}' % (call, text))
        elif kind == "call":
            call += rnd.randint(0, 1)
            choice = ('{"index":0,"delta":{"tool_calls":[{"index":%d,"id":"call_%d","type":"function",'
                      '"function":{"name":"f","arguments":%s}}]},"finish_reason":null}' % (call, call, text))
        elif kind == "finish":
            choice = '{"index":0,"delta":{},"finish_reason":"stop"}'
        elif kind == "text-finish":  # the text's chunk but for what follows the text
            choice = '{"index":0,"delta":{"content":%s},"logprobs":null,"finish_reason":"length"}' % text
        else:
            choice = '{"index":0,"delta":{"content":%s},"logprobs":null,"finish_reason":null,"x":[1]}' % text
        if rnd.random() < 0.1:  # now and then a pad that is no string
            pad = rnd.choice(["null", "7", "[]"])
        else:
            pad = rnd.choice(['"abc"', '"a\\"b"', '""', '"' + "p" * 20 + '"', '"\\u00e9"', '"q"'])
        if order == "no-pad":
            chunk = shape % (choice, "" if rnd.random() < 0.7 else ',"extra":' + pad)
        elif order == "pad-first":
            chunk = shape % (pad, choice)
        else:
            chunk = shape % (choice, pad)
        if rnd.random() < 0.01:  # one character changed anywhere
            at = rnd.randrange(len(chunk))
            chunk = chunk[:at] + rnd.choice('{}[]",:0a \\') + chunk[at + 1 :]
        elif rnd.random() < 0.03:  # ... or next to the text, where the template's slot is
            at = chunk.find(text) + rnd.choice([-2, -1, len(text) - 1, len(text), len(text) + 1])
            chunk = chunk[:at] + rnd.choice('{}[]",:0a \\') + chunk[at + 1 :]
        elif rnd.random() < 0.02:  # a character more or less at the end
            chunk = chunk[:-1] if rnd.random() < 0.5 else chunk + rnd.choice(["}", " ", "x", ","])
        events.append(chunk)
    return "".join(f"data: {e}\n\n" for e in events).encode()


@needs_compiled
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(template_stream(), st.integers(0, 2**32), st.sampled_from([0, 2, 3]), st.booleans())
def test_template_chunks_equal_pure_parser(data: bytes, seed: int, mode: int, deltas: bool) -> None:
    fragments = _cuts(data, random.Random(seed), mode)
    assert _accumulate("openai-chat", fragments, 1 << 20, deltas, True) == _accumulate(
        "openai-chat", fragments, 1 << 20, deltas, False
    )


@needs_compiled
def test_template_takes_the_near_copies() -> None:
    """The template is really used: on a stream of content chunks that differ only in
    their text and pad, every chunk after the first one with text is taken by it."""
    head = '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":['
    opening = head + '{"index":0,"delta":{"role":"assistant","content":""}}]}'
    pieces = ["Hel", 'lo "you"', "\u00e9\n", "\u4e2d"]
    chunks = [
        head + '{"index":0,"delta":{"content":%s},"finish_reason":null}],"obfuscation":"%s"}' % (json.dumps(p), "x" * i)
        for i, p in enumerate(pieces)
    ]
    data = "".join(f"data: {c}\n\n" for c in [opening, *chunks]).encode()
    acc = Accumulator("openai-chat")
    acc.feed(data)
    assert acc.completion.content == 'Hello "you"\u00e9\n\u4e2d'
    assert acc._fast.template_hits == len(pieces) - 1


@needs_compiled
@pytest.mark.parametrize("between", ["declined", "walked", "none", "choice-member"])
def test_members_kept_as_last_sent_are_those_of_the_last_chunk_around_templates(between: str) -> None:
    """A chunk's members the reducer keeps as last sent (here OpenRouter's
    ``provider``): a template hit carries the template's, so it is used only while
    they are the reducer's; a chunk that changed them in between (read by the full
    decode, or walked without becoming the template) makes the next near copy walk."""
    head = '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":['

    def text(piece: str, provider: str) -> str:
        return head + '{"index":0,"delta":{"content":"%s"},"finish_reason":null}],"provider":"%s"}' % (piece, provider)

    other = {
        # function_call with a value: the full decode reads it
        "declined": head + '{"index":0,"delta":{"function_call":{"name":"f"}}}],"provider":"B"}',
        # two pieces: walked by the fast path, not a template
        "walked": head + '{"index":0,"delta":{"reasoning_content":"r","content":"x"}}],"provider":"B"}',
        "none": text("x", "A"),
        # a choice's member kept as last sent changed by a walked chunk
        "choice-member": head + '{"index":0,"delta":{"content":"x"},"content_filter_results":{"a":1}}],"provider":"B"}',
    }[between]
    chunks = [text("a", "A"), text("b", "A"), other, text("c", "A"), text("d", "A")]
    data = "".join(f"data: {c}\n\n" for c in chunks).encode()
    results = []
    for implementation in ("cython", "python"):
        acc = Accumulator("openai-chat", implementation=implementation)
        acc.feed(data)
        results.append(acc.completion.to_dict())
        assert acc.completion.extra["provider"] == "A"
        acc.feed(f"data: {other}\n\n".encode())
        assert acc.completion.extra["provider"] == ("A" if between == "none" else "B")
        results.append(acc.close().to_dict())
        if implementation == "cython":
            assert acc._fast is None  # (closed)
    assert results[0:2] == results[2:4]
    # The template is in play: a stream of near copies with kept members hits it.
    acc = Accumulator("openai-chat")
    acc.feed("".join(f"data: {text(p, 'A')}\n\n" for p in "abcdef").encode())
    assert acc._fast.template_hits == 5 and acc.completion.extra == {"provider": "A"}


_T_HEAD = '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":['
_T_CHUNK = _T_HEAD + '{"index":0,"delta":{"content":%s},"finish_reason":null}],"usage":null,"obfuscation":%s}'
_T_BASE = _T_CHUNK % ('"Hello"', '"pad"')
_T_VARIANTS = {
    "other-text": _T_CHUNK % ('" world"', '"other pad"'),
    "escapes": _T_CHUNK % ('"a\\"b\\\\c\\u00e9\\ud83d\\ude00\\n"', '"p\\"q"'),
    "raw-utf8": _T_CHUNK % ('"h\u00e9 \u4e2d\U0001f600"', '"\u00e9"'),
    "empty-strings": _T_CHUNK % ('""', '""'),
    "control-in-text": _T_CHUNK % ('"a\x01b"', '"pad"'),
    "control-in-pad": _T_CHUNK % ('"ab"', '"p\x01d"'),
    "pad-not-string": _T_CHUNK % ('"ab"', "null"),
    "pad-number": _T_CHUNK % ('"ab"', "12"),
    "no-quote-before-text": (_T_CHUNK % ('"ab"', '"pad"')).replace('"content":"', '"content":7', 1),
    "text-not-closed": (_T_CHUNK % ('"ab', '"pad"')),
    "finish-after-text": (_T_HEAD + '{"index":0,"delta":{"content":"ab"},"finish_reason":"length"}],'
                          '"usage":null,"obfuscation":"pad"}'),
    "changed-after-pad": (_T_CHUNK % ('"ab"', '"pad"'))[:-1] + ',"x":1}',
    "usage-after-text": (_T_HEAD + '{"index":0,"delta":{"content":"ab"},"finish_reason":null}],'
                         '"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3},"obfuscation":"pad"}'),
    "trailing-garbage": _T_CHUNK % ('"ab"', '"pad"') + "}",
    "trailing-space": _T_CHUNK % ('"ab"', '"pad"') + " ",
    "cut-at-end": (_T_CHUNK % ('"ab"', '"pad"'))[:-1],
    "cut-in-pad": (_T_CHUNK % ('"ab"', '"pad"'))[:-4],
    "shorter-than-template": _T_HEAD,
    "second-choice": _T_HEAD + '{"index":1,"delta":{"content":"ab"},"finish_reason":null}],"usage":null,"obfuscation":"p"}',
}


@needs_compiled
@pytest.mark.parametrize("name", sorted(_T_VARIANTS))
def test_template_variants_equal_pure_parser(name: str) -> None:
    """A template, then a chunk that differs from it in one way: in a string slot
    (taken by the template) or anywhere else (walked, or refused, as without it)."""
    opening = _T_HEAD + '{"index":0,"delta":{"role":"assistant","content":""}}]}'
    events = [opening, _T_BASE, _T_VARIANTS[name], _T_CHUNK % ('"!"', '"end"')]
    data = "".join(f"data: {e}\n\n" for e in events).encode()
    for fragments in ([data], [data[i : i + 7] for i in range(0, len(data), 7)]):
        assert _accumulate("openai-chat", fragments, 1 << 20, True, True) == _accumulate(
            "openai-chat", fragments, 1 << 20, True, False
        )


_T_NOPAD = _T_HEAD + '{"index":0,"delta":{"content":%s},"finish_reason":null}]}'


@needs_compiled
@pytest.mark.parametrize(
    "variant",
    [_T_NOPAD % '"other"', _T_NOPAD % '"ab"' + "}", _T_NOPAD % '"ab"' + " ", (_T_NOPAD % '"ab"')[:-1],
     _T_NOPAD % '"ab"' + ',"x":1}', '{"obfuscation":"p",' + (_T_NOPAD % '"ab"')[1:]],
)
def test_template_without_pad_equals_pure_parser(variant: str) -> None:
    opening = _T_HEAD + '{"index":0,"delta":{"role":"assistant","content":""}}]}'
    events = [opening, _T_NOPAD % '"Hello"', variant, _T_NOPAD % '"!"']
    data = "".join(f"data: {e}\n\n" for e in events).encode()
    assert _accumulate("openai-chat", [data], 1 << 20, True, True) == _accumulate(
        "openai-chat", [data], 1 << 20, True, False
    )


_A_DELTA = '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":%s}}'
_A_VARIANTS = [
    _A_DELTA % '" world"',
    _A_DELTA % '"a\\"b\\\\c\\u00e9\\ud83d\\ude00\\n"',
    _A_DELTA % '"h\u00e9 \U0001f600"',
    _A_DELTA % '""',
    _A_DELTA % '"a\x01b"',
    _A_DELTA % '"ab"' + "}",
    (_A_DELTA % '"ab"')[:-1],
    (_A_DELTA % '"ab"').replace('"index":0', '"index":1'),
    (_A_DELTA % '"ab"').replace("text_delta", "input_json_delta").replace('"text"', '"partial_json"'),
    (_A_DELTA % '"ab"')[:-2] + ',"x":1}}',
    (_A_DELTA % '"ab"').replace('"text":"', '"text":7', 1),
]


@needs_compiled
@pytest.mark.parametrize("variant", _A_VARIANTS)
def test_anthropic_template_variants_equal_pure_parser(variant: str) -> None:
    events = [
        ("message_start", '{"type":"message_start","message":{"id":"m","model":"c","usage":{"input_tokens":1}}}'),
        ("content_block_start", '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}'),
        ("content_block_delta", _A_DELTA % '"Hello"'),
        ("content_block_delta", variant),
        ("content_block_delta", _A_DELTA % '"!"'),
        ("content_block_stop", '{"type":"content_block_stop","index":0}'),
        ("message_stop", '{"type":"message_stop"}'),
    ]
    data = "".join(f"event: {e}\ndata: {d}\n\n" for e, d in events).encode()
    for fragments in ([data], [data[i : i + 5] for i in range(0, len(data), 5)]):
        assert _accumulate("anthropic", fragments, 1 << 20, True, True) == _accumulate(
            "anthropic", fragments, 1 << 20, True, False
        )


@needs_compiled
def test_anthropic_template_takes_the_near_copies() -> None:
    start = '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}'
    pieces = ["Hel", 'lo "you"', "\u00e9\n", "\u4e2d"]
    events = [("content_block_start", start)] + [("content_block_delta", _A_DELTA % json.dumps(p)) for p in pieces]
    acc = Accumulator("anthropic")
    acc.feed("".join(f"event: {e}\ndata: {d}\n\n" for e, d in events).encode())
    assert acc.completion.content == 'Hello "you"\u00e9\n\u4e2d'
    assert acc._fast.template_hits == len(pieces) - 1


# ``Accumulator("auto")`` given a large fragment (a whole stream read at once) detects
# the dialect from its first event inside that parse, and the rest of the fragment
# takes the fast path. Everything observable must be what the pure feed gives.


@needs_compiled
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    st.sampled_from(["openai-chat", "anthropic"]).flatmap(lambda d: st.lists(sse_bytes(d), min_size=2, max_size=4)),
    st.sampled_from([64 * 1024 * 1024, 64 * 1024 * 1024, 700, 300]),
    st.booleans(),
)
def test_auto_whole_stream_equals_pure_parser(parts: list[bytes], limit: int, deltas: bool) -> None:
    data = b"".join(parts)  # several events; cuts and errors inside
    assert _accumulate("auto", [data], limit, deltas, True) == _accumulate("auto", [data], limit, deltas, False)


@needs_compiled
def test_auto_whole_stream_takes_the_fused_path() -> None:
    head = '{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":['
    chunks = [head + '{"index":0,"delta":{"role":"assistant","content":""}}]}']
    chunks += [head + '{"index":0,"delta":{"content":%s},"finish_reason":null}]}' % json.dumps(f"w{i} ") for i in range(200)]
    data = "".join(f"data: {c}\n\n" for c in chunks).encode() + b"data: [DONE]\n\n"
    acc = Accumulator("auto")
    deltas = acc.feed(data)
    assert acc.dialect == "openai-chat" and acc._fast is not None
    assert acc._fast.template_hits > 150  # the rest of the fragment went the fast path
    assert "".join(d.text for d in deltas if type(d) is TextDelta) == "".join(f"w{i} " for i in range(200))
    assert acc.close().complete


@needs_compiled
def test_auto_whole_stream_errors_as_one_feed() -> None:
    """A malformed first chunk (raised from the first slice: the parser still reads
    the rest, its last id is the stream's), and an event over the limit far into the
    fragment (its .events holds every event completed before it in the fragment)."""
    good = b'data: {"choices":[{"index":0,"delta":{"content":"x"}}]}\n\n'
    bad_first = b"data: {nope\n\n" + (b"id: 7\n" + good) * 60
    too_large = good * 40 + b"data: " + b"y" * 5000 + b"\n\n" + good
    for data, limit, error in ((bad_first, 1 << 20, "DialectError"), (too_large, 4096, "EventTooLargeError")):
        assert _accumulate("auto", [data], limit, True, True) == _accumulate("auto", [data], limit, True, False)
        assert _accumulate_exact("auto", [data], limit, True, True)[0][0] == error
    acc = Accumulator("auto", max_event_size=4096)
    with pytest.raises(EventTooLargeError) as info:
        acc.feed(too_large)
    assert len(info.value.events) == 40


# openai-responses: ``response.output_text.delta`` events take the fast path
# (``_responses_event``); every variation the walker must refuse or read right.


_RESPONSE_DELTAS = {
    # item type -> (the delta event's type, its part index member or None)
    "message": ("response.output_text.delta", "content_index"),
    "function_call": ("response.function_call_arguments.delta", None),
    "custom_tool_call": ("response.custom_tool_call_input.delta", None),
    "reasoning": ("response.reasoning_summary_text.delta", "summary_index"),
}
# Types the reducer has no handler for (only counted), near misses of handled ones, others.
_RESPONSE_OTHER_TYPES = [
    "response.web_search_call.searching", "response.image_generation_call.in_progress", "response.x",
    "response.", "response.output_text.annotation.added", "response.content_part.added", "keepalive",
    "response.queued", "responsex.y", "error", "response.output_text.delta",
]


@st.composite
def responses_bytes(draw: Any) -> bytes:
    rnd = random.Random(draw(st.integers(0, 2**32)))
    escape = rnd.choice([0.0, 0.0, 0.1, 0.5])
    odd = rnd.choice([0.0, 0.0, 0.2])
    seq = iter(range(10_000))
    events: list[tuple[str, str]] = []

    def add(obj: dict[str, Any], name: str | None = None) -> None:
        obj.setdefault("sequence_number", next(seq))
        events.append((obj.get("type", "x") if name is None else name, dumps(obj, rnd, escape=escape, odd=odd)))

    add({"type": "response.created", "response": {"id": "resp_1", "model": "m", "status": "in_progress"}})
    for _ in range(rnd.randint(0, 2)):  # the lifecycle events, their response in every form
        response: Any = {"status": "in_progress", "output": [], "tools": [{"type": "function", "name": "f"}]}
        for name, value in (("id", draw(st.sampled_from(["resp_1", "", None, 3]) | texts)),
                            ("model", draw(st.sampled_from(["m", "", None, ["m"]]) | texts)),
                            ("created_at", draw(st.sampled_from([1700000000, 0, -1, 1.5, "1", None, True, 10**19, 10**30])))):
            if rnd.random() < 0.7:
                response[name] = value
        if rnd.random() < 0.1:
            response = draw(json_values)
        add({"type": rnd.choice(["response.in_progress", "response.queued", "response.created"]), "response": response})
    for index in range(rnd.randint(1, 4)):
        item_type = rnd.choice(["message", "function_call", "function_call", "custom_tool_call", "reasoning"])
        delta_type, part_key = _RESPONSE_DELTAS[item_type]
        item: dict[str, Any] = {"type": item_type, "id": f"item_{index}"}
        if item_type == "message":
            item.update(role="assistant", content=[])
        elif item_type == "function_call":
            item.update(call_id=f"call_{index}", name="f", arguments="")
        elif item_type == "custom_tool_call":
            item.update(call_id=f"call_{index}", name="f", input="")
        else:
            item.update(summary=[])
        if rnd.random() < 0.9:  # (else the deltas come before any item: the full decode's case)
            add({"type": "response.output_item.added", "output_index": index, "item": item})
        if item_type == "reasoning" and rnd.random() < 0.8:
            add({"type": "response.reasoning_summary_part.added", "output_index": index, "summary_index": 0,
                 "part": {"type": "summary_text", "text": ""}})
        pieces = []
        for _ in range(rnd.randint(1, 15)):
            piece = draw(texts)
            pieces.append(piece)
            obj: dict[str, Any] = {"type": delta_type, "item_id": f"item_{index}", "output_index": index, "delta": piece}
            if part_key is not None:
                obj[part_key] = 0
            if item_type == "message":
                obj["logprobs"] = []
            roll = rnd.randint(0, 30)
            if roll == 0:
                del obj["output_index"]
            elif roll == 1:
                obj["output_index"] = rnd.choice([1.0, -1, True, "0", 10**12, None, index + 1])
            elif roll == 2:
                obj["content_index" if part_key is None else part_key] = rnd.choice(["0", 0.0, 1, None])
            elif roll == 3 and part_key is not None:
                del obj[part_key]
            elif roll == 4:
                obj["logprobs"] = rnd.choice([None, [{"token": "a", "logprob": -0.1}], {}, False, []])
            elif roll == 5:
                obj.pop("logprobs", None)
            elif roll == 6:
                obj["delta"] = rnd.choice([None, 3, ["a"]])
            elif roll == 7:
                del obj["type"]  # the type only in the SSE event name (or nowhere)
            elif roll == 8:
                obj["obfuscation"] = draw(texts)
            elif roll == 9:  # another type with the same members
                obj["type"] = rnd.choice(["response.refusal.delta", "response.reasoning_text.delta",
                                          "response.output_text.deltas", "response.custom_tool_call_input.delta",
                                          *(t for t, _ in _RESPONSE_DELTAS.values())])
            elif roll == 10:  # the type twice (the last one counts)
                text_ = dumps(obj, rnd, escape=escape, odd=odd, shuffle=False)
                events.append((delta_type, text_[:-1] + ',"type":"response.refusal.delta"}'))
                continue
            elif roll == 11 and part_key is not None:
                obj[part_key] = 1  # a second summary part / content part
            elif roll in (12, 13):  # an event of another type between the deltas
                other = {"type": rnd.choice(_RESPONSE_OTHER_TYPES), "output_index": index}
                other.update(draw(st.dictionaries(st.sampled_from(["item_id", "delta", "x", "output_index"]), json_values, max_size=2)))
                add(other, rnd.choice([other["type"], "message"]))
            obj.update(draw(st.dictionaries(st.sampled_from(["x", "obfuscation", "annotations"]), json_values, max_size=1)))
            name = rnd.choice([delta_type] * 8 + ["message", "error"])
            add(obj, name)
        text = "".join(pieces) if rnd.random() < 0.8 else "other"
        if item_type == "message":
            add({"type": "response.output_text.done", "output_index": index, "content_index": 0, "text": text})
        elif item_type == "function_call":
            add({"type": "response.function_call_arguments.done", "output_index": index, "arguments": text})
        elif item_type == "custom_tool_call":
            add({"type": "response.custom_tool_call_input.done", "output_index": index, "input": text})
        else:
            add({"type": "response.reasoning_summary_text.done", "output_index": index, "summary_index": 0, "text": text})
        if rnd.random() < 0.7:
            add({"type": "response.output_item.done", "output_index": index, "item": item})
    if rnd.random() < 0.8:
        add({"type": "response.completed",
             "response": {"id": "resp_1", "model": "m", "status": "completed",
                          "usage": {"input_tokens": 1, "output_tokens": 2, "total_tokens": 3}}})
        if rnd.random() < 0.3:  # after the end: ignored
            add({"type": "response.output_text.delta", "output_index": 0, "content_index": 0, "delta": "late"})
    raw = "".join(f"event: {name}\ndata: {data}\n\n" for name, data in events).encode("utf-8", "surrogatepass")
    if rnd.random() < 0.1:
        raw = raw[: rnd.randint(0, len(raw))]
    return raw


@needs_compiled
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(responses_bytes(), st.integers(0, 2**32), st.sampled_from([0, 1, 2, 3]), st.booleans(), st.booleans())
def test_responses_fused_path_equals_pure_parser(data: bytes, seed: int, mode: int, deltas: bool, auto: bool) -> None:
    fragments = _cuts(data, random.Random(seed), mode)
    name = "auto" if auto else "openai-responses"
    limit = 1 << 20
    assert _accumulate(name, fragments, limit, deltas, True) == _accumulate(name, fragments, limit, deltas, False)


@needs_compiled
def test_responses_text_deltas_take_the_fused_path() -> None:
    """The deltas of a plain answer are read by the walker (the pieces land in the
    reducer's list without an Event), and give the same result as the full decode."""
    head = [
        ("response.created", {"type": "response.created", "sequence_number": 0, "response": {"id": "r", "model": "m"}}),
        ("response.output_item.added", {"type": "response.output_item.added", "sequence_number": 1, "output_index": 0,
                                        "item": {"type": "message", "id": "msg", "role": "assistant", "content": []}}),
    ]
    pieces = ["Hel", 'lo "you"', "\u00e9\n", "\u4e2d\U0001f600", ""]
    deltas = [("response.output_text.delta", {"type": "response.output_text.delta", "sequence_number": 2 + i,
                                              "item_id": "msg", "output_index": 0, "content_index": 0, "delta": p,
                                              "logprobs": [], "obfuscation": "x" * i}) for i, p in enumerate(pieces)]
    data = "".join(f"event: {e}\ndata: {json.dumps(d)}\n\n" for e, d in head + deltas).encode()
    acc = Accumulator("openai-responses")
    got = acc.feed(data[:10]) + acc.feed(data[10:])
    assert "".join(d.text for d in got if type(d) is TextDelta) == "".join(pieces)
    assert acc._fast is not None and acc._reducer.events == len(head) + len(pieces)
    fragments = [data[:10], data[10:]]
    assert _accumulate("openai-responses", fragments, 1 << 20, True, True) == _accumulate(
        "openai-responses", fragments, 1 << 20, True, False
    )


@pytest.mark.parametrize(
    "first",
    [
        '{"type":"message_start","message":{"id":"msg_1","model":"m"}}',  # another dialect's
        '{"choices":[]}',
        '{"choices":[],"usage":null}',
        '{"x":1}',
        '{"id":"c","model":"m","choices":[]}',
    ],
)
def test_chunks_without_items_before_the_id_and_model(first: str) -> None:
    """A chunk that gives no item asks the reducer nothing: the full decode reads it
    (the shape check and the id and model of the first chunks are its own)."""
    then = '{"choices":[{"index":0,"delta":{"content":"x"}}]}'
    _check("openai-chat", [("message", first), ("message", then), ("message", first)])


@pytest.mark.skipif(IMPLEMENTATION != "cython", reason="the compiled modules are not in use")
def test_the_fast_path_feeds_a_parser_subclass_through_its_method() -> None:
    # The compiled parser's class itself is fed through its C entry; a subclass
    # through its _feed_sink method: the same deltas and results either way.
    from sseparse._framing_c import EventParser  # noqa: PLC0415

    class Parser(EventParser):  # type: ignore[misc]
        pass

    data = (b'data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\n'
            b'data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":" there"},'
            b'"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n')
    outcomes = []
    for parser in (EventParser(), Parser()):
        reducer = create_reducer("openai-chat")
        feed = fastpath.FastFeed(reducer)
        out: list[Any] = []
        left = [feed.feed(parser, data[i:i + 7], out) for i in range(0, len(data), 7)]
        outcomes.append((out, left, reducer.snapshot(True, None), parser.last_event_id))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][2].content == "Hi there" and outcomes[0][2].finish_reason == "stop"
