"""The compiled path of openai-responses against the full decode, on random streams.

Besides the deltas and lifecycle events, the compiled path reads the events around
them (output items added and done, content and summary parts, ``.done`` texts and
arguments, citations, ``response.completed`` / ``incomplete``) with one walk that
builds only what the reducer's methods take. These tests write random streams of
every item type, with every member of those events now and then missing, given
twice, of another type, escaped or non-ASCII, terminal events that list items under
other ids or items the stream never streamed, errors and invalid JSON, and require
the compiled accumulator to give what the pure one gives (deltas, results, errors),
fragment by fragment, whatever the fragmentation.
"""

from __future__ import annotations

import json
import random
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import patchable
from sseparse import Accumulator
from sseparse._dialects.openai_responses import OpenAIResponsesReducer
from test_fastpath_differential import _accumulate, _cuts, _string, _ws, dumps, needs_compiled

pytest.importorskip("sseparse._fastpath", reason="the compiled fast path is not built, or not in use (SSEPARSE_NO_EXTENSIONS)")


#: An ``output_index`` left out of the event (some proxies drop it).
_ABSENT: Any = object()


class Pairs(list):  # type: ignore[type-arg]
    """A JSON object written member by member: a key may come twice."""


def write(value: Any, rnd: random.Random, escape: float, odd: float) -> str:
    """JSON text of ``value`` (``Pairs`` objects as given) with random escapes,
    whitespace and key order (see ``dumps``)."""
    if isinstance(value, dict):
        pairs = list(value.items())
        rnd.shuffle(pairs)
        value = Pairs(pairs)
    if isinstance(value, Pairs):
        members = [
            _ws(rnd, odd) + _string(key, rnd, escape / 20) + _ws(rnd, odd) + ":" + _ws(rnd, odd)
            + write(item, rnd, escape, odd) + _ws(rnd, odd)
            for key, item in value
        ]
        return "{" + ",".join(members) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_ws(rnd, odd) + write(item, rnd, escape, odd) for item in value) + "]"
    return dumps(value, rnd, escape=escape, odd=odd)


# (a lone surrogate is written as an escape, or raw: then the bytes are not UTF-8)
WORDS = ["", "Hel", "lo", ' "quoted" ', "caf\u00e9", "\u4e2d\u6587", "\U0001f600", "a\nb", "\\", "x" * 40, "\ud800x"]
ODD_VALUES: list[Any] = [None, 0, 7, -1, 1.5, True, "", "x", [], ["a"], {}, {"type": "x"}, 10**20]
ITEM_TYPES = ["message", "reasoning", "function_call", "custom_tool_call", "web_search_call",
              "image_generation_call", "mcp_call"]


def _deep(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = [value] if depth % 2 else {"k": value}
    return value


class Writer:
    """Random events of one stream, with near misses."""

    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd
        self.escape = rnd.choice([0.0, 0.0, 0.1, 0.4])
        self.odd = rnd.choice([0.0, 0.0, 0.2])
        self.miss = rnd.choice([0.0, 0.02, 0.08])  # how often a member is spoiled
        self.events: list[str] = []
        self.seq = 0

    def spoil(self, obj: dict[str, Any]) -> Any:
        """``obj`` as is, or with one member missing, of another type, or twice."""
        rnd = self.rnd
        if not obj or rnd.random() >= self.miss:
            return obj
        key = rnd.choice(list(obj))
        roll = rnd.randint(0, 3)
        if roll == 0:
            return {k: v for k, v in obj.items() if k != key}
        if roll == 1:
            return {**obj, key: rnd.choice(ODD_VALUES)}
        if roll == 2:  # twice, the last one counts
            return Pairs([*obj.items(), (key, rnd.choice([obj[key], *ODD_VALUES]))])
        return {**obj, "deep": _deep(rnd.choice([3, 63, 70, 130]))}

    def word(self) -> str:
        return "".join(self.rnd.choice(WORDS) for _ in range(self.rnd.randint(0, 3)))

    def add(self, obj: dict[str, Any], name: str | None = None) -> None:
        rnd = self.rnd
        obj = {"sequence_number": self.seq, **{k: v for k, v in obj.items() if v is not _ABSENT}}
        self.seq += 1
        data = write(self.spoil(obj), rnd, self.escape, self.odd)
        roll = rnd.random()
        if roll < 0.003:
            data = data[: rnd.randint(0, len(data))]  # invalid JSON
        elif roll < 0.005:
            data = json.dumps([obj])  # not an object
        event = name if name is not None else rnd.choice([obj.get("type", "message"), "message"])
        lines = "".join(f"data: {line}\n" for line in re.split("\r\n|\r|\n", data))  # (JSON whitespace: the same)
        self.events.append(f"event: {event}\n{lines}\n")

    def part(self, kind: str, text: str | None) -> Any:
        field = "refusal" if kind == "refusal" else "text"
        part: dict[str, Any] = {"type": kind, "annotations": [{"type": "url_citation", "url": "https://e.x/\u00e9"}]}
        if text is not None:
            part[field] = text
        if self.rnd.random() < 0.1:
            part["logprobs"] = [{"token": "a", "logprob": -0.5}]
        return self.spoil(part)

    def item(self, index: int, kind: str, done: bool) -> dict[str, Any]:
        rnd = self.rnd
        item: dict[str, Any] = {"id": f"item_{index}", "type": kind}
        if rnd.random() < 0.8:
            item["status"] = "completed" if done else rnd.choice(["in_progress", "incomplete", "completed"])
        if kind == "message":
            item["role"] = "assistant"
            count = rnd.randint(0, 2) if done or rnd.random() < 0.2 else 0
            item["content"] = [
                self.part(rnd.choice(["output_text", "output_text", "refusal", "other"]), self.word())
                for _ in range(count)
            ]
        elif kind == "reasoning":
            item["summary"] = [self.part("summary_text", self.word()) for _ in range(rnd.randint(0, 2) if done else 0)]
            if rnd.random() < 0.3:
                item["content"] = [self.part("reasoning_text", self.word())]
            item["encrypted_content"] = "gAAA" * rnd.randint(0, 30)
        elif kind in ("function_call", "custom_tool_call"):
            field = "arguments" if kind == "function_call" else "input"
            item[field] = self.word() if done or rnd.random() < 0.3 else ""
            if rnd.random() < 0.8:
                item["call_id"] = rnd.choice([f"call_{index}", "", None])
            if rnd.random() < 0.8:
                item["name"] = rnd.choice([f"tool_{index}", "", "t\u00e9"])
        elif kind == "web_search_call":
            item["action"] = {"type": "search", "query": self.word(), "sources": [{"type": "url", "url": "u"}] * 3}
        elif kind == "image_generation_call":
            item["result"] = "UklGR" * rnd.randint(0, 50) if done else None
        return self.spoil(item)

    def stream(self) -> bytes:
        rnd = self.rnd
        index_of = rnd.choice(
            [lambda i: i, lambda i: i, lambda i: rnd.choice([i, i + 1, 0, -1, "1", None, _ABSENT]), lambda i: _ABSENT]
        )
        if rnd.random() < 0.9:
            self.add({"type": "response.created", "response": {"id": "resp_1", "model": "m", "output": []}})
        done_items = []
        for index in range(rnd.randint(0, 5)):
            kind = rnd.choice(ITEM_TYPES)
            where: Any = index_of(index)
            if rnd.random() < 0.85:
                added = self.item(index, kind, False)
                self.add({"type": "response.output_item.added", "output_index": where, "item": added})
            if kind == "message":
                for sub in range(rnd.randint(0, 2)):
                    part = rnd.choice(["output_text", "output_text", "refusal"])
                    base = "response.output_text" if part == "output_text" else "response.refusal"
                    field = "text" if part == "output_text" else "refusal"
                    ids = {"item_id": rnd.choice([f"item_{index}", f"item_{index}", None, 5]), "output_index": where,
                           "content_index": rnd.choice([sub, sub, sub, None, "0"])}
                    if rnd.random() < 0.7:
                        self.add({"type": "response.content_part.added", **ids, "part": self.part(part, "")})
                    pieces = [self.word() for _ in range(rnd.randint(0, 3))]
                    for piece in pieces:
                        self.add({"type": f"{base}.delta", **ids, "delta": piece})
                    whole = "".join(pieces) if rnd.random() < 0.8 else self.word()
                    for _ in range(rnd.randint(0, 2)):
                        self.add({"type": "response.output_text.annotation.added", **ids, "annotation_index": 0,
                                  "annotation": {"type": "url_citation", "title": self.word(), "start_index": 0}})
                    if rnd.random() < 0.7:
                        self.add({"type": f"{base}.done", **ids, field: whole, "logprobs": []})
                    if rnd.random() < 0.7:
                        self.add({"type": "response.content_part.done", **ids, "part": self.part(part, whole)})
            elif kind == "reasoning":
                for sub in range(rnd.randint(0, 2)):
                    ids = {"item_id": f"item_{index}", "output_index": where, "summary_index": sub}
                    if rnd.random() < 0.7:
                        self.add({"type": "response.reasoning_summary_part.added", **ids,
                                  "part": self.part("summary_text", "")})
                    pieces = [self.word() for _ in range(rnd.randint(0, 3))]
                    for piece in pieces:
                        self.add({"type": "response.reasoning_summary_text.delta", **ids, "delta": piece})
                    whole = "".join(pieces) if rnd.random() < 0.8 else self.word()
                    if rnd.random() < 0.7:
                        self.add({"type": "response.reasoning_summary_text.done", **ids, "text": whole})
                    if rnd.random() < 0.5:
                        self.add({"type": "response.reasoning_summary_part.done", **ids,
                                  "part": self.part("summary_text", whole)})
                if rnd.random() < 0.3:
                    ids = {"item_id": f"item_{index}", "output_index": where, "content_index": 0}
                    self.add({"type": "response.reasoning_text.delta", **ids, "delta": self.word()})
                    self.add({"type": "response.reasoning_text.done", **ids, "text": self.word()})
            elif kind in ("function_call", "custom_tool_call"):
                base = "response.function_call_arguments"
                if kind == "custom_tool_call":
                    base = "response.custom_tool_call_input"
                field = "arguments" if kind == "function_call" else "input"
                pieces = [self.word() for _ in range(rnd.randint(0, 3))]
                for piece in pieces:
                    self.add({"type": f"{base}.delta", "item_id": f"item_{index}", "output_index": where,
                              "delta": piece})
                if rnd.random() < 0.7:
                    done: dict[str, Any] = {"type": f"{base}.done", "item_id": f"item_{index}", "output_index": where,
                                            field: "".join(pieces) if rnd.random() < 0.8 else self.word()}
                    if rnd.random() < 0.5:
                        done["name"] = rnd.choice([f"tool_{index}", "", None, 3])
                    self.add(done)
            else:
                for step in ("in_progress", "searching", "completed"):
                    if rnd.random() < 0.5:
                        self.add({"type": f"response.{kind}.{step}", "output_index": where, "item_id": f"item_{index}"})
            item = self.item(index, kind, True)
            if rnd.random() < 0.75:
                self.add({"type": "response.output_item.done", "output_index": where, "item": item})
            done_items.append(item)
        if rnd.random() < 0.05:
            self.add({"type": "error", "code": "server_error", "message": self.word()}, "error")
        self.terminal(done_items)
        if rnd.random() < 0.2:  # after the end: ignored
            self.add({"type": "response.output_text.delta", "output_index": 0, "content_index": 0, "delta": "late"})
        raw = "".join(self.events).encode("utf-8", "surrogatepass")
        if rnd.random() < 0.05:
            raw = raw[: rnd.randint(0, len(raw))]
        return raw

    def terminal(self, done_items: list[Any]) -> None:
        rnd = self.rnd
        end = rnd.choice(["completed", "completed", "completed", "incomplete", "failed", "none"])
        if end == "none":
            return
        output = [dict(item) if isinstance(item, dict) else item for item in done_items]
        roll = rnd.randint(0, 5)
        if roll == 0:  # other ids (as some gateways send them)
            for item in output:
                if isinstance(item, dict):
                    item["id"] = rnd.choice(["other", f"x_{rnd.randint(0, 9)}", None])
        elif roll == 1:  # items the stream never streamed
            output.append(self.item(len(output) + 3, rnd.choice(ITEM_TYPES), True))
        elif roll == 2:
            rnd.shuffle(output)
        elif roll == 3:
            output = output[: rnd.randint(0, len(output))]
        response: dict[str, Any] = {
            "id": rnd.choice(["resp_1", "resp_2", "", None]), "object": "response", "model": rnd.choice(["m", None, 3]),
            "created_at": rnd.choice([1700000000, None, 1.5, 10**20]),
            "status": rnd.choice([end, end, "", None, 3]),
            "output": output if rnd.random() < 0.9 else rnd.choice([None, {}, "x", [1]]),
            "tools": [{"type": "function", "name": "f", "parameters": {"type": "object"}}],
            "instructions": self.word(),
        }
        if rnd.random() < 0.9:
            response["usage"] = rnd.choice([
                {"input_tokens": 3, "input_tokens_details": {"cached_tokens": 1}, "output_tokens": 5,
                 "output_tokens_details": {"reasoning_tokens": 2}, "total_tokens": 8},
                {"input_tokens": 3, "output_tokens": 1.5}, None, [], {},
            ])
        if end == "incomplete" or rnd.random() < 0.2:
            response["incomplete_details"] = rnd.choice([{"reason": "max_output_tokens"}, None, {"reason": 3}, "x"])
        if end == "failed":
            response["error"] = rnd.choice([{"code": "server_error", "message": "boom"}, None])
        obj: dict[str, Any] = {"type": f"response.{end}", "response": self.spoil(response)}
        if rnd.random() < 0.05:
            obj["response"] = rnd.choice(ODD_VALUES)
        self.add(obj)


@st.composite
def responses_streams(draw: Any) -> bytes:
    return Writer(random.Random(draw(st.integers(0, 2**64)))).stream()


@needs_compiled
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(responses_streams(), st.integers(0, 2**32), st.sampled_from([0, 1, 2, 3, 3]), st.booleans(), st.booleans())
def test_compiled_responses_equal_pure(data: bytes, seed: int, mode: int, deltas: bool, auto: bool) -> None:
    fragments = _cuts(data, random.Random(seed), mode)
    name = "auto" if auto else "openai-responses"
    limit = 1 << 20
    assert _accumulate(name, fragments, limit, deltas, True) == _accumulate(name, fragments, limit, deltas, False)


def _sse(*events: dict[str, Any]) -> bytes:
    return b"".join(b"data: " + json.dumps(event).encode() + b"\n\n" for event in events)


def _typical() -> bytes:
    message = {"id": "msg_1", "type": "message", "status": "completed", "role": "assistant",
               "content": [{"type": "output_text", "text": "Hi \u00e9", "annotations": [{"type": "url_citation"}]}]}
    search = {"id": "ws_1", "type": "web_search_call", "status": "completed",
              "action": {"type": "search", "query": "q"}}
    call = {"id": "fc_1", "type": "function_call", "status": "completed", "call_id": "call_1", "name": "f",
            "arguments": '{"a": 1}'}
    summary = {"id": "rs_1", "type": "reasoning", "summary": [{"type": "summary_text", "text": "Think"}]}
    ids = {"item_id": "msg_1", "output_index": 2, "content_index": 0}
    return _sse(
        {"type": "response.created", "response": {"id": "resp_1", "model": "m", "output": []}},
        {"type": "response.output_item.added", "output_index": 0, "item": {**summary, "summary": []}},
        {"type": "response.reasoning_summary_part.added", "item_id": "rs_1", "output_index": 0, "summary_index": 0,
         "part": {"type": "summary_text", "text": ""}},
        {"type": "response.reasoning_summary_text.delta", "item_id": "rs_1", "output_index": 0, "summary_index": 0,
         "delta": "Think"},
        {"type": "response.reasoning_summary_text.done", "item_id": "rs_1", "output_index": 0, "summary_index": 0,
         "text": "Think"},
        {"type": "response.reasoning_summary_part.done", "item_id": "rs_1", "output_index": 0, "summary_index": 0,
         "part": {"type": "summary_text", "text": "Think"}},
        {"type": "response.output_item.done", "output_index": 0, "item": summary},
        {"type": "response.output_item.added", "output_index": 1, "item": {**search, "status": "in_progress"}},
        {"type": "response.web_search_call.searching", "output_index": 1, "item_id": "ws_1"},
        {"type": "response.output_item.done", "output_index": 1, "item": search},
        {"type": "response.output_item.added", "output_index": 2, "item": {**message, "content": []}},
        {"type": "response.content_part.added", **ids, "part": {"type": "output_text", "text": "", "annotations": []}},
        {"type": "response.output_text.delta", **ids, "delta": "Hi \u00e9"},
        {"type": "response.output_text.annotation.added", **ids, "annotation": {"type": "url_citation"}},
        {"type": "response.output_text.done", **ids, "text": "Hi \u00e9"},
        {"type": "response.content_part.done", **ids, "part": message["content"][0]},
        {"type": "response.output_item.done", "output_index": 2, "item": message},
        {"type": "response.output_item.added", "output_index": 3, "item": {**call, "arguments": ""}},
        {"type": "response.function_call_arguments.delta", "item_id": "fc_1", "output_index": 3, "delta": '{"a"'},
        {"type": "response.function_call_arguments.done", "item_id": "fc_1", "output_index": 3,
         "arguments": '{"a": 1}', "name": "f"},
        {"type": "response.output_item.done", "output_index": 3, "item": call},
        {"type": "response.completed", "response": {
            "id": "resp_1", "model": "m", "status": "completed", "output": [summary, search, message, call],
            "usage": {"input_tokens": 3, "output_tokens": 5, "total_tokens": 8}}},
    )


@needs_compiled
def test_the_events_around_the_deltas_take_the_compiled_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a typical stream no event reaches the full decode (but the first piece of a
    reasoning part, which opens the part: see ``target``), and the result is the pure
    accumulator's."""
    decoded: list[str] = []
    full_decode = OpenAIResponsesReducer.feed_event

    def feed_event(self: Any, event: Any, out: Any) -> None:
        decoded.append(event.data)
        full_decode(self, event, out)

    data = _typical()
    for deltas in (True, False):
        decoded.clear()
        acc = patchable(Accumulator("openai-responses", deltas=deltas, implementation="cython"), feed_event=feed_event)
        acc.feed(data)
        assert [json.loads(data)["type"] for data in decoded] == ["response.reasoning_summary_text.delta"]
        assert acc.close().complete
        assert _accumulate("openai-responses", [data], 1 << 20, deltas, True) == _accumulate(
            "openai-responses", [data], 1 << 20, deltas, False
        )


@needs_compiled
@pytest.mark.parametrize(
    "event",
    [
        # not a call: the full decode says so
        {"type": "response.function_call_arguments.done", "output_index": 2, "arguments": "{}"},
        # an item whose type is not a string
        {"type": "response.output_item.added", "output_index": 5, "item": {"type": ["message"], "id": "m"}},
        {"type": "response.output_item.done", "output_index": 2, "item": {"type": "message", "content": "text"}},
        {"type": "response.output_item.done", "output_index": 2, "item": {"type": "message", "content": [3]}},
        {"type": "response.output_item.done", "output_index": 2, "item": {"type": "message", "status": [1]}},
        {"type": "response.content_part.added", "output_index": 2, "part": {"type": {}}},
        {"type": "response.completed", "response": {"output": [1]}},
        {"type": "response.completed", "response": {"output": "x", "usage": {"input_tokens": 1}}},
        {"type": "response.failed", "response": {"error": {"code": "x", "message": "y"}}},
    ],
)
def test_events_the_reducer_refuses_fail_alike(event: dict[str, Any]) -> None:
    """Events whose fold raises (after changing state, for some) are left whole to the
    full decode: the same error, the same partial result."""
    head = _typical().split(b"data: {\"type\": \"response.completed\"")[0]
    data = head + _sse(event)
    for deltas in (True, False):
        assert _accumulate("openai-responses", [data], 1 << 20, deltas, True) == _accumulate(
            "openai-responses", [data], 1 << 20, deltas, False
        )


@needs_compiled
@pytest.mark.parametrize("with_null", [False, True])
def test_deltas_without_output_index_find_their_item_by_id(with_null: bool) -> None:
    """Deltas a proxy sent without ``output_index`` (or with null) go to the item their
    ``item_id`` names, not the last one; with no known id, to the last item; on the
    compiled path as in the pure reducer."""
    missing = {"output_index": None} if with_null else {}
    events = [
        {"type": "response.created", "response": {"id": "r", "model": "m", "output": []}},
        {"type": "response.output_item.added", "output_index": 0, "item": {"type": "message", "id": "msg_a", "content": []}},
        {"type": "response.content_part.added", "output_index": 0, "content_index": 0, "item_id": "msg_a",
         "part": {"type": "output_text", "text": ""}},
        {"type": "response.output_item.added", "output_index": 1, "item": {"type": "message", "id": "msg_b", "content": []}},
        {"type": "response.content_part.added", "output_index": 1, "content_index": 0, "item_id": "msg_b",
         "part": {"type": "output_text", "text": ""}},
        {"type": "response.output_text.delta", "item_id": "msg_b", "content_index": 0, "delta": "B", **missing},
        {"type": "response.output_text.delta", "item_id": "msg_a", "content_index": 0, "delta": "A", **missing},
        {"type": "response.output_text.delta", "item_id": "msg_a", "content_index": 0, "delta": "a", **missing},
        {"type": "response.output_text.delta", "item_id": None, "content_index": 0, "delta": "b", **missing},
        {"type": "response.output_text.delta", "content_index": 0, "delta": "!", **missing},
    ]
    body = _sse(*events)
    results = []
    for implementation in ("cython", "python"):
        acc = Accumulator("openai-responses", implementation=implementation)  # type: ignore[arg-type]
        deltas = acc.feed(body)
        results.append((acc.close().to_dict(), [repr(d) for d in deltas]))
    assert results[0] == results[1]
    assert results[0][0]["content"] == "AaBb!"


@needs_compiled
@pytest.mark.parametrize("index", [-1, -(2**63) - 1, 2**63, 10**9, 10**30])
def test_a_delta_without_output_index_naming_an_item_at_an_odd_index(index: int) -> None:
    """An item the full decode placed at an output_index the walker would not read (negative,
    or too big for it: one past a C long raised OverflowError in the compiled path, found
    by the fuzz driver) named by a later delta without an output_index: that delta goes to
    the full decode, and the two builds agree."""
    events = [
        {"type": "response.created", "response": {"id": "r", "model": "m", "output": []}},
        {"type": "response.output_item.added", "output_index": 0, "item": {"type": "message", "id": "msg_a", "content": []}},
        {"type": "response.refusal.delta", "item_id": "msg_a", "output_index": index, "content_index": 0, "delta": "no"},
        {"type": "response.refusal.delta", "item_id": "msg_a", "content_index": 0, "delta": ", thanks"},
        {"type": "response.output_text.delta", "item_id": "msg_a", "content_index": 0, "delta": "x"},
    ]
    data = _sse(*events)
    for deltas in (True, False):
        compiled = _accumulate("openai-responses", [data], 1 << 20, deltas, True)
        assert compiled == _accumulate("openai-responses", [data], 1 << 20, deltas, False)
        assert "OverflowError" not in repr(compiled)
