"""The compiled path of the ``gemini`` reducer against the pure one, on random streams.

``sseparse._fast_gemini`` (the fast path's gemini walker, ``FastFeed``) walks a
Gemini chunk without building its dicts and folds the shapes it knows through the
reducer's own methods; anything else goes to ``feed_event``. These tests feed the same streams to both builds and require the
same deltas, the same ``Completion``, the same event count and the same error (type
and message), whatever the fragmentation. The chunks are random
``GenerateContentResponse`` objects (text, thought, signed and odd parts, whole and
streamed function calls, finish reasons, usage, metadata, several candidates)
written with random escapes, whitespace, key order, duplicate keys, and near misses
of every kind (a value of the wrong type, invalid JSON, an error event).
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sseparse import Accumulator, DialectError, SseparseError, encode_event
from sseparse._dialects import fast_detect, NOT_JSON, _guess, detect
from sseparse._dialects._base import fastpath
from sseparse._dialects.gemini import GeminiReducer
from sseparse._errors import ChunkDecodeError
from sseparse._events import Event

pytest.importorskip("sseparse._fast_gemini", reason="the compiled gemini path is not built, or not in use (SSEPARSE_NO_EXTENSIONS)")
if fastpath is None:
    pytest.skip("the compiled gemini path is not in use (SSEPARSE_NO_EXTENSIONS)", allow_module_level=True)


def feed_fast(reducer: GeminiReducer, events: list[Event], out: list[Any]) -> int:
    """The events through the fast path (``FastFeed``, as ``feed_events`` does):
    how many took the walker."""
    return int(fastpath.FastFeed(reducer).feed_events(events, out))


class Pairs(list):  # type: ignore[type-arg]
    """An object written member by member: keys may repeat (the last one counts)."""


# -- a JSON writer with the freedoms of the grammar ------------------------------------------

_SHORT = {'"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _string(value: str, rnd: random.Random, escape: float) -> str:
    out = ['"']
    for ch in value:
        code = ord(ch)
        if ch in '"\\' or code < 0x20 or rnd.random() < escape:
            if ch in _SHORT and rnd.random() < 0.6:
                out.append(_SHORT[ch])
            elif code > 0xFFFF:
                code -= 0x10000
                out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04X}")
            else:
                out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _ws(rnd: random.Random, odd: float) -> str:
    return "".join(rnd.choice(" \t\n\r") for _ in range(rnd.randint(1, 2))) if rnd.random() < odd else ""


def dumps(value: Any, rnd: random.Random, escape: float, odd: float) -> str:
    if isinstance(value, dict):
        items = list(value.items())
        rnd.shuffle(items)
        value = Pairs(items)
    if isinstance(value, Pairs):
        parts = [
            _ws(rnd, odd) + _string(k, rnd, escape / 40) + _ws(rnd, odd) + ":" + _ws(rnd, odd)
            + dumps(v, rnd, escape, odd) + _ws(rnd, odd)
            for k, v in value
        ]
        return "{" + ",".join(parts) + (_ws(rnd, odd) if not parts else "") + "}"
    if isinstance(value, list):
        return "[" + ",".join(_ws(rnd, odd) + dumps(v, rnd, escape, odd) + _ws(rnd, odd) for v in value) + "]"
    if isinstance(value, str):
        return _string(value, rnd, escape)
    return json.dumps(value)


# -- random chunks ---------------------------------------------------------------------------

texts = st.text(
    alphabet=st.characters(codec="utf-8") | st.sampled_from('"\\/\b\n\r\t\x00\x1f\u2028é中😀'), max_size=10
)
scalars = (
    st.none() | st.booleans() | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False) | texts
)
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
args = st.dictionaries(st.sampled_from(["location", "unit", "n", "é"]), values, max_size=3)


PATHS = [
    "$.a", "$.a", "$.b", "$.a.b", "$.a.c", "$['c']", '$["a"]', "$['a\\'b']", "$.l[0]", "$.l[1]", "$.l[0].x",
    "$.l[0][0]", "$[0]", "$", "a", "$.a[", "$..a", "$.é", "$.a b", "$." + "a." * 101 + "a", "$.n[" + "9" * 20 + "]", 5, None,
]


@st.composite
def entries(draw: Any) -> Any:
    """A ``partialArgs`` entry: nearly always a good one, sometimes anything."""
    roll = draw(st.integers(0, 19))
    if roll == 0:
        return draw(st.sampled_from(["x", 5, None, [], {}]))
    entry: Any = {}
    if roll != 1:
        entry["jsonPath"] = draw(st.sampled_from(PATHS))
    value = draw(st.sampled_from(["string"] * 6 + ["number", "float", "bool", "null", "two", "none", "odd"]))
    if value == "string":
        entry["stringValue"] = draw(texts)
    elif value == "number":
        entry["numberValue"] = draw(st.integers(-(10**20), 10**20))
    elif value == "float":
        entry["numberValue"] = draw(st.floats(allow_nan=False, allow_infinity=False))
    elif value == "bool":
        entry["boolValue"] = draw(st.booleans())
    elif value == "null":
        entry["nullValue"] = draw(st.sampled_from([None, "NULL_VALUE"]))
    elif value == "two":
        entry["stringValue"] = "x"
        entry["boolValue"] = True
    elif value == "odd":
        key = draw(st.sampled_from(["stringValue", "numberValue", "boolValue"]))
        entry[key] = draw(st.sampled_from([5, "5", None, [], {"a": 1}, True]))
    more = draw(st.sampled_from(["absent"] * 3 + [True, True, False, None, "yes"]))
    if more != "absent":
        entry["willContinue"] = more
    if draw(st.integers(0, 9)) == 0:
        entry["other"] = draw(values)
    if draw(st.integers(0, 14)) == 0:  # a member given twice: the last one counts
        entry = Pairs([*entry.items(), draw(st.sampled_from([("jsonPath", "$.z"), ("stringValue", "z"),
                                                              ("willContinue", False)]))])
    return entry


@st.composite
def function_calls(draw: Any) -> Any:
    """A ``functionCall`` part: whole, opening a streamed call, or a piece of one."""
    call: dict[str, Any] = {}
    shape = draw(st.sampled_from(["whole", "whole", "open", "piece", "piece", "piece", "end"]))
    if shape in ("whole", "open") or draw(st.integers(0, 5)) == 0:
        call["name"] = draw(st.sampled_from(["f", "g", "", 5, None]))
    if draw(st.integers(0, 3)) == 0:
        call["id"] = draw(st.sampled_from(["c1", "c2", "", None, 7]))
    if shape == "whole" or draw(st.integers(0, 9)) == 0:
        call["args"] = draw(args | values) if draw(st.integers(0, 3)) else draw(st.sampled_from([{}, None, []]))
    if shape in ("open", "piece") or draw(st.integers(0, 9)) == 0:
        call["willContinue"] = draw(st.sampled_from([True] * 4 + [False, None, "yes"]))
    if shape == "piece" or draw(st.integers(0, 9)) == 0:
        call["partialArgs"] = (
            draw(st.lists(entries(), max_size=4)) if draw(st.integers(0, 9)) else draw(st.sampled_from([None, {}, "x"]))
        )
    if draw(st.integers(0, 14)) == 0:
        call["other"] = 1
    roll = draw(st.integers(0, 14))
    if roll == 0:
        call = Pairs([*call.items(), draw(st.sampled_from([("name", "h"), ("willContinue", False), ("args", {"b": 1}),
                                                            ("partialArgs", [])]))])
    part: Any = {"functionCall": call}
    if draw(st.booleans()):
        part["thoughtSignature"] = draw(st.sampled_from(["sig", "sig", "", 5]))
    if roll == 1:
        part["text"] = "x"
    elif roll == 2:
        part = Pairs([*part.items(), ("functionCall", {"name": "f", "args": {}})])
    return part


@st.composite
def streamed_pieces(draw: Any) -> Any:
    """The usual shapes of Vertex AI's streamed arguments."""
    which = draw(st.integers(0, 3))
    if which == 0:
        return {"functionCall": {"name": "g", "willContinue": True}}
    if which == 1:
        piece = {"jsonPath": draw(st.sampled_from(["$.a", "$.b", "$.a.b", "$['c']", "$.l[0]", 5])),
                 "stringValue": draw(texts)}
        if draw(st.booleans()):
            piece["willContinue"] = True
        return {"functionCall": {"partialArgs": [piece], "willContinue": draw(st.booleans())}}
    if which == 2:
        return {"functionCall": {}}
    return {"functionCall": {"partialArgs": [{"jsonPath": "$.n", "numberValue": draw(st.integers(0, 9))}],
                             "willContinue": True}}


@st.composite
def parts(draw: Any) -> Any:
    kind = draw(st.sampled_from(["text"] * 8 + ["thought"] * 3 + ["signed", "call", "call", "stream", "stream", "odd", "dup"]))
    if kind == "text":
        return {"text": draw(texts)}
    if kind == "thought":
        return {"text": draw(texts), "thought": draw(st.sampled_from([True, True, False, None, "yes"]))}
    if kind == "signed":
        return {"text": draw(st.sampled_from(["", "a"])), "thoughtSignature": draw(st.sampled_from(["sig", "", 5]))}
    if kind == "call":
        return draw(function_calls())
    if kind == "stream":
        return draw(streamed_pieces())
    if kind == "dup":  # keys given twice: the last one counts
        first, last = draw(st.sampled_from([("text", "text"), ("thought", "thought"), ("text", "thought")]))
        return Pairs([(first, draw(texts | st.booleans())), ("text", draw(texts)), (last, draw(texts | st.booleans()))])
    return draw(st.sampled_from([{}, {"inlineData": {"mimeType": "image/png", "data": "AA=="}}, "x", 5, None, []])
                | st.dictionaries(st.sampled_from(["text", "thought", "x"]), values, max_size=2))


@st.composite
def candidates(draw: Any, index: int) -> Any:
    candidate: dict[str, Any] = {}
    if index or draw(st.booleans()):
        candidate["index"] = index
    roll = draw(st.integers(0, 12))
    if roll == 0:
        candidate["index"] = draw(st.sampled_from([None, "0", -1, 1.0, 10**12, False]))
    content = draw(st.sampled_from(["parts"] * 10 + ["none", "empty", "odd", "absent"]))
    if content == "parts":
        body: dict[str, Any] = {"parts": draw(st.lists(parts(), max_size=3))}
        if draw(st.booleans()):
            body["role"] = "model"
        candidate["content"] = body
    elif content != "absent":
        candidate["content"] = {"none": None, "empty": {}, "odd": draw(st.sampled_from([[], "x", {"parts": None},
                                                                                          {"parts": {}}, {"parts": "ab"}]))}[content]
    reason = draw(st.sampled_from(["absent"] * 8 + ["STOP"] * 3 + ["MAX_TOKENS", "", None, 5, "ST\u004fP"]))
    if reason != "absent":
        candidate["finishReason"] = reason
    if roll == 1:
        candidate["safetyRatings"] = [{"category": "HARM_CATEGORY_X", "probability": "NEGLIGIBLE"}]
    return candidate


USAGES = [
    {"promptTokenCount": 9, "candidatesTokenCount": 5, "totalTokenCount": 14,
     "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 9}]},
    {"promptTokenCount": 9, "candidatesTokenCount": 7, "totalTokenCount": 30, "thoughtsTokenCount": 14},
    {"promptTokenCount": 9, "candidatesTokenCount": 7, "totalTokenCount": 30, "thoughtsTokenCount": 14},
    {"trafficType": "ON_DEMAND"},
    {"promptTokenCount": 9, "toolUsePromptTokenCount": 2, "cachedContentTokenCount": 4, "candidatesTokenCount": 1.5},
    {},
    None,
    "x",
    {"promptTokenCount": 10**19, "totalTokenCount": -3},
]


@st.composite
def chunks(draw: Any) -> Any:
    chunk: dict[str, Any] = {}
    if draw(st.integers(0, 9)):
        count = draw(st.sampled_from([1] * 6 + [0, 2]))
        chunk["candidates"] = [draw(candidates(k)) for k in range(count)]
    if draw(st.booleans()):
        chunk["usageMetadata"] = draw(st.sampled_from(USAGES))
    for key, choices in (
        ("modelVersion", ["gemini-x"] * 4 + ["", 5, "gemini-\u00e9"]),
        ("responseId", ["r1"] * 4 + [None]),
        ("createTime", ["2026-04-02T17:03:50.399550Z"] * 4 + ["2026-02-30T00:00:00Z", 7]),
    ):
        if draw(st.booleans()):
            chunk[key] = draw(st.sampled_from(choices))
    roll = draw(st.integers(0, 30))
    if roll == 0:
        chunk["promptFeedback"] = {"blockReason": "SAFETY"}
    elif roll == 1:
        chunk["error"] = {"code": 429, "message": "slow down", "status": "RESOURCE_EXHAUSTED"}
    elif roll == 2:
        chunk["choices"] = []
    return chunk


@st.composite
def streams(draw: Any) -> list[tuple[str, str]]:
    """``(event type, data)`` pairs."""
    rnd = random.Random(draw(st.integers(0, 2**32)))
    escape = draw(st.sampled_from([0.0, 0.0, 0.1, 0.5]))
    odd = draw(st.sampled_from([0.0, 0.0, 0.2, 0.8]))
    out = []
    for _ in range(draw(st.integers(1, 8))):
        text = dumps(draw(chunks()), rnd, escape, odd)
        roll = rnd.randint(0, 50)  # not drawn: shrinking would pull every event to the first case
        if roll == 0:
            text = text[: len(text) // 2]  # not JSON
        elif roll == 1:
            text = " " + text + "\n"
        elif roll == 2:
            text = text.replace("\\u", "\\x", 1)
        elif roll == 3:
            text = "[DONE]"
        elif roll == 4:
            text = "[" * 70 + "]" * 70
        out.append(("error" if roll == 5 else "message", text))
    return out


# -- the comparisons -------------------------------------------------------------------------


def _reduce(events: list[Event], compiled: bool) -> tuple[Any, ...]:
    reducer = GeminiReducer(compiled=compiled)
    assert reducer.compiled is compiled
    out: list[Any] = []
    error = None
    try:
        if compiled:
            reducer.feed_events(events, out)
        else:
            for event in events:
                reducer.feed_event(event, out)
    except SseparseError as exc:
        error = (type(exc).__name__, str(exc))
    return out, error, reducer.events, reducer.snapshot(complete=False, error=None).to_dict(), reducer.finished


def _accumulate(body: bytes, cuts: list[int], implementation: str, dialect: str) -> tuple[Any, ...]:
    acc = Accumulator(dialect, implementation=implementation)  # type: ignore[arg-type]
    deltas: list[Any] = []
    error = None
    try:
        start = 0
        for cut in [*cuts, len(body)]:
            deltas += acc.feed(body[start:cut])
            start = cut
        deltas += acc.finish()
    except SseparseError as exc:
        error = (type(exc).__name__, str(exc))
        deltas += exc.deltas
    return deltas, error, acc.close().to_dict()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(streams())
def test_compiled_reducer_is_the_pure_one(stream: list[tuple[str, str]]) -> None:
    events = [Event(event=kind, data=data) for kind, data in stream]
    assert _reduce(events, True) == _reduce(events, False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(streams(), st.data())
def test_both_builds_agree_on_every_fragmentation(stream: list[tuple[str, str]], data: Any) -> None:
    body = b"".join(encode_event(text, event=None if kind == "message" else kind) for kind, text in stream)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(body)), max_size=6)))
    if data.draw(st.integers(0, 9)) == 0:
        cuts = list(range(1, len(body)))  # one byte at a time
    dialect = data.draw(st.sampled_from(["gemini", "gemini", "auto"]))
    assert _accumulate(body, cuts, "cython", dialect) == _accumulate(body, cuts, "python", dialect)


# -- the walker takes the usual chunks (else it would be no faster) ------------------------


USUAL = [
    '{"candidates":[{"content":{"parts":[{"text":"Hi \\"there\\"\\n"}],"role":"model"},"index":0}],'
    '"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":5,"totalTokenCount":14,'
    '"promptTokensDetails":[{"modality":"TEXT","tokenCount":9}]},"modelVersion":"gemini-x","responseId":"r1"}',
    '{"candidates":[{"content":{"parts":[{"text":"hmm","thought":true}],"role":"model"},"index":0}],'
    '"modelVersion":"gemini-x","responseId":"r1"}',
    '{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{"city":"Zürich","n":2.5}},'
    '"thoughtSignature":"c2ln"}],"role":"model"},"index":0}],"modelVersion":"gemini-x","responseId":"r1"}',
    '{"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"partialArgs":[{"jsonPath":"$.city",'
    '"stringValue":"Bos","willContinue":true}],"willContinue":true}}]}}],"usageMetadata":{"trafficType":"ON_DEMAND"},'
    '"modelVersion":"gemini-x","createTime":"2026-04-02T17:03:50.399550Z","responseId":"r1"}',
    '{"candidates":[{"content":{"parts":[{"text":"!"}]},"safetyRatings":[{"category":"HARM_CATEGORY_X",'
    '"probability":"NEGLIGIBLE"}],"citationMetadata":{"citations":[{"startIndex":0,"uri":"https://example.com"}]}}]}',
    '{"candidates":[{"content":{"parts":[{"text":""}],"role":"model"},"finishReason":"STOP","index":0}],'
    '"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":5,"totalTokenCount":14},"modelVersion":"gemini-x"}',
]

UNUSUAL = [
    ' {"candidates":[]}',  # whitespace around the chunk
    '{"candidates":[{"index":1.0}]}',
    '{"candidates":[],"candidates":[]}',
    '{"promptFeedback":{"blockReason":"SAFETY"}}',
    '{"error":{"code":429,"message":"m","status":"RESOURCE_EXHAUSTED"}}',
    '{"candidates":[{"content":{"parts":[{"text":"a"}]}}],"usageMetadata":5}',
    '{"c\\u0061ndidates":[]}',
    '{}',
    '{"candidates":[{"finishReason":5}]}',
]


@pytest.mark.parametrize("data", USUAL)
def test_the_usual_chunks_take_the_walker(data: str) -> None:
    reducer = GeminiReducer()
    assert feed_fast(reducer, [Event(data=data)], []) == 1
    assert reducer.events == 1


@pytest.mark.parametrize("data", UNUSUAL)
def test_unusual_chunks_go_to_the_full_decode(data: str) -> None:
    reducer = GeminiReducer()
    events = [Event(data=data)]
    try:
        taken = feed_fast(reducer, events, [])
    except SseparseError:
        taken = 0
    assert taken == 0
    assert _reduce(events, True) == _reduce(events, False)


def test_the_usual_stream_is_the_same_on_both_builds(implementation: str) -> None:
    body = b"".join(encode_event(data) for data in USUAL)
    results = []
    for impl in (implementation, "python"):
        acc = Accumulator("gemini", implementation=impl)  # type: ignore[arg-type]
        deltas = [delta for k in range(0, len(body), 7) for delta in acc.feed(body[k : k + 7])]
        results.append((deltas, acc.close().to_dict()))
    assert results[0] == results[1]
    final = results[0][1]
    assert final["content"] == 'Hi "there"\n!' and final["reasoning"] == "hmm"
    assert final["extra"]["candidates"][0]["safetyRatings"][0]["probability"] == "NEGLIGIBLE"
    # (the streamed call was cut by the finish reason: closed, not complete)
    calls = [(call["arguments"], call["complete"]) for call in final["tool_calls"]]
    assert calls == [('{"city":"Zürich","n":2.5}', True), ('{"city":"Bos"}', False)]
    assert final["usage"]["output_tokens"] == 5 and final["finish_reason"] == "STOP"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(streams(), st.sampled_from(["message", "error", "response.created", "message_start", "ping"]))
def test_detection_by_walking_is_detection_by_decoding(stream: list[tuple[str, str]], kind: str) -> None:
    """Auto detection by the compiled walker (``fast_detect``) gives, on Gemini
    chunks and their near misses, the very dialect the rules give the decoded chunk."""
    for _, data in stream:
        event = Event(event=kind, data=data)
        try:
            obj = json.loads(data)
        except ValueError:
            obj = NOT_JSON
        try:
            name = detect(event)[0]
        except DialectError:
            name = None
        if data.strip():
            assert name == _guess(kind, data, obj)
        quick = fast_detect(event)
        if quick is not None:
            assert quick == name


# -- streamed function calls, piece after piece ------------------------------------------


@st.composite
def good_entries(draw: Any) -> dict[str, Any]:
    """A ``partialArgs`` entry as Vertex AI sends them (a path that may or may not
    fit what came before)."""
    path = draw(st.sampled_from(["$.a", "$.a", "$.b", "$.c.d", "$.c.e", "$.l[0]", "$.l[1]", "$['a']", "$.m[0].x"]))
    key = draw(st.sampled_from(["stringValue"] * 4 + ["numberValue", "boolValue", "nullValue"]))
    value = {"stringValue": texts, "numberValue": st.integers(-999, 10**19), "boolValue": st.booleans(),
             "nullValue": st.none()}[key]
    entry = {"jsonPath": path, key: draw(value)}
    if draw(st.booleans()):
        entry["willContinue"] = True
    return entry


@st.composite
def call_streams(draw: Any) -> list[tuple[str, str]]:
    """Streams of function-call parts as Vertex AI sends them (a call opened with its
    name, its arguments in ``partialArgs`` pieces in document order, strings
    continued, a last part), with random near misses among them."""
    rnd = random.Random(draw(st.integers(0, 2**32)))
    escape = draw(st.sampled_from([0.0, 0.0, 0.1, 0.5]))
    odd = draw(st.sampled_from([0.0, 0.0, 0.2]))
    out = []
    for _ in range(draw(st.integers(1, 10))):
        roll = draw(st.integers(0, 9))
        if roll == 0:
            part: Any = draw(function_calls())
        elif roll == 1:
            part = {"functionCall": {"name": draw(st.sampled_from(["f", "g"])), "willContinue": True}}
            if draw(st.booleans()):
                part["thoughtSignature"] = "sig"
        elif roll == 2:
            part = {"functionCall": {}}
        elif roll == 3:
            part = {"text": draw(texts)}
        else:
            pieces = [draw(entries()) if draw(st.integers(0, 5)) == 0 else draw(good_entries()) for _ in range(draw(st.integers(0, 3)))]
            call: dict[str, Any] = {"partialArgs": pieces}
            if draw(st.integers(0, 3)):
                call["willContinue"] = True
            if draw(st.integers(0, 9)) == 0:
                call["id"] = "late"
            part = {"functionCall": call}
        candidate: dict[str, Any] = {"content": {"role": "model", "parts": [part]}}
        if draw(st.integers(0, 14)) == 0:
            candidate["finishReason"] = "STOP"
        chunk = {"candidates": [candidate], "usageMetadata": {"trafficType": "ON_DEMAND"}, "modelVersion": "m"}
        out.append(("message", dumps(chunk, rnd, escape, odd)))
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(call_streams())
def test_streamed_calls_are_the_same_on_both_paths(stream: list[tuple[str, str]]) -> None:
    events = [Event(event=kind, data=data) for kind, data in stream]
    assert _reduce(events, True) == _reduce(events, False)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(call_streams(), st.data())
def test_streamed_calls_agree_on_every_fragmentation(stream: list[tuple[str, str]], data: Any) -> None:
    body = b"".join(encode_event(text) for _, text in stream)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(body)), max_size=6)))
    if data.draw(st.integers(0, 9)) == 0:
        cuts = list(range(1, len(body)))  # one byte at a time
    dialect = data.draw(st.sampled_from(["gemini", "auto"]))
    assert _accumulate(body, cuts, "cython", dialect) == _accumulate(body, cuts, "python", dialect)


class _Spy(GeminiReducer):
    """Counts which method a function-call part reached."""

    __slots__ = ("seen",)

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def part(self, *args: Any) -> None:
        self.seen.append("part")
        super().part(*args)

    def function_call(self, *args: Any) -> None:
        self.seen.append("function_call")
        super().function_call(*args)


CALLS = [
    '{"functionCall":{"name":"weather","args":{"location":"San Francisco","n":[1,true,null]}},"thoughtSignature":"c2ln"}',
    '{"functionCall":{"name":"getWeather","willContinue":true},"thoughtSignature":"c2ln"}',
    '{"functionCall":{"partialArgs":[{"jsonPath":"$.location","stringValue":"Bos\\u00e9","willContinue":true}],'
    '"willContinue":true}}',
    '{"functionCall":{"partialArgs":[{"jsonPath":"$.location","stringValue":""},{"jsonPath":"$.n","numberValue":-3},'
    '{"jsonPath":"$[\'b c\']","boolValue":false},{"jsonPath":"$.z","nullValue":null}],"willContinue":true}}',
    '{"functionCall":{"id":"c1"}}',  # (the last piece: no willContinue)
]


def test_function_call_parts_take_the_compiled_path() -> None:
    """Function-call parts (whole, opening a streamed call, its pieces, its end) go
    straight to ``function_call``, not through ``part`` as decoded dicts."""
    reducer = _Spy()
    events = [Event(data='{"candidates":[{"content":{"parts":[' + part + ']}}]}') for part in CALLS]
    assert feed_fast(reducer, events, []) == len(CALLS)
    assert reducer.seen == ["function_call"] * len(CALLS)
    pure = GeminiReducer(compiled=False)
    for event in events:
        pure.feed_event(event, [])
    assert reducer.snapshot(complete=False, error=None) == pure.snapshot(complete=False, error=None)
    calls = reducer.snapshot(complete=False, error=None).tool_calls
    assert [(c.name, c.arguments, c.complete) for c in calls] == [
        ("weather", '{"location":"San Francisco","n":[1,true,null]}', True),
        ("getWeather", '{"location":"Bosé","n":-3,"b c":false,"z":null}', True),
    ]
    assert calls[1].id == "c1"


_BAD_PATH = (
    '{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","partialArgs":'
    '[{"jsonPath":"$..bad","stringValue":"x\\u00e9 é"}],"willContinue":true}}]}}]}'
)


@pytest.mark.parametrize(
    "head",
    [b"", b"id: 8\n", b"event: chunk\nid: 9\n", b"retry: 1500\nid: 10\n", b"event: \xc3\xa9v\xff\n"],
)
def test_an_error_inside_the_walked_fold_names_the_event(head: bytes) -> None:
    """A chunk the walker takes whose fold fails (a ``jsonPath`` no path reads): the
    error names the very event the pure build names (type, data, id, retry), built
    from the bytes when the parser offered it undecoded; at every split."""
    body = (
        b'id: 7\ndata: {"candidates":[{"content":{"parts":[{"text":"hi"}]}}]}\n\n'
        + head + b"data: " + _BAD_PATH.encode() + b"\n\n"
    )
    seen = []
    for impl in ("cython", "python"):
        for cut in range(0, len(body), 7):
            acc = Accumulator("gemini", implementation=impl)  # type: ignore[arg-type]
            with pytest.raises(ChunkDecodeError) as info:
                acc.feed(body[:cut])
                acc.feed(body[cut:])
            exc = info.value
            seen.append((exc.event, exc.index, str(exc), exc.completion.to_dict()))
    assert all(s == seen[0] for s in seen)
    assert seen[0][0].data == _BAD_PATH and seen[0][1] == 1


@pytest.mark.parametrize("head", [b"", b"event: message\n", b"event: x\n", b"event: response.created\n", b"event: message_start\n", b"event: error\n"])
@pytest.mark.parametrize(
    "first",
    [
        '{"candidates":[{"content":{"parts":[{"text":"a"}]}}],"modelVersion":"m","responseId":"r"}',
        '{"responseId":"r"}',
        '{"usageMetadata":{"totalTokenCount":3}}',
        '{"candidates":[{"content":{"parts":[{"text":"a"}]}}],"promptFeedback":{}}',
        '{"candidates":[],"choices":[]}',
        '{"candidates":[{"content":{"parts":[{"text":"a"}]}}],"type":"message_start"}',
    ],
)
def test_auto_detects_gemini_in_the_walk_that_reads_it(head: bytes, first: str) -> None:
    """``"auto"`` reads a stream's first Gemini chunk once (detection and fold in
    the Gemini walker's walk) and ends where the pure build ends: same dialect,
    deltas, result and error, at every split."""
    body = head + b"data: " + first.encode() + b'\n\ndata: {"candidates":[{"content":{"parts":[{"text":"b"}]},"finishReason":"STOP"}]}\n\n'
    expected = _accumulate(body, [], "python", "auto")
    for cut in range(len(body) + 1):
        assert _accumulate(body, [cut], "cython", "auto") == expected


def test_an_error_in_the_first_chunk_of_an_auto_stream() -> None:
    """``"auto"``: the first chunk, detected and folded in one walk, fails in its fold:
    the same error, event and partial result (dialect and model known) as the pure
    build, at every split."""
    body = b"id: 3\ndata: " + _BAD_PATH[:-1].encode() + b',"modelVersion":"m"}\n\n'
    seen = []
    for impl in ("cython", "python"):
        for cut in range(len(body) + 1):
            acc = Accumulator("auto", implementation=impl)  # type: ignore[arg-type]
            with pytest.raises(ChunkDecodeError) as info:
                acc.feed(body[:cut])
                acc.feed(body[cut:])
            exc = info.value
            seen.append((exc.event, exc.index, str(exc), exc.completion.to_dict(), acc.dialect))
    assert all(s == seen[0] for s in seen)
    assert seen[0][3]["dialect"] == "gemini" and seen[0][3]["model"] == "m" and seen[0][0].id == "3"
