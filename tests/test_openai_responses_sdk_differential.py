"""Differential test: sseparse accumulates a Responses stream as the ``openai`` SDK does.

The SDK frames the same bytes with its own SSE decoder, raises on an event whose data
carries an ``error`` (as its ``Stream`` does), and folds the events with
``openai.lib.streaming.responses.ResponseStreamState`` (what ``client.responses.stream()``
uses); its final response is what ``get_final_response()`` returns. sseparse gets the
bytes at several fragmentations. Four views are compared on every stream:

- the whole stream: the SDK's final response (taken from ``response.completed``),
  with each tool call's kind (the item's type) and the usage's cached and reasoning
  token counts read from the SDK's typed ``usage``;
- the same stream with the terminal event's items under other ids (as some gateways
  send them; the SDK refuses that stream): the same answer as without the rotation;
- the same stream with ``response.completed`` carrying no ``output``: the SDK then
  rebuilds the output from the ``response.output_item.done`` items, and so must we;
- only the deltas (no ``.done`` event, no done item, no terminal event): the SDK's
  running snapshot against ours, so that gluing the deltas is checked on its own and
  not hidden by the authoritative texts that arrive later.

The SDK has no single reasoning string: its reasoning items' summary parts are joined
here with the blank line sseparse puts between them. Runs when ``openai`` is installed
(the ``test`` extra), skipped otherwise.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sseparse

openai = pytest.importorskip("openai")
streaming = pytest.importorskip("openai._streaming")
models = pytest.importorskip("openai._models")
responses_streaming = pytest.importorskip("openai.lib.streaming.responses._responses")
responses_types = pytest.importorskip("openai.types.responses")
not_given = pytest.importorskip("openai._types").omit

SEPARATOR = "\n\n"

# -- the SDK's side --------------------------------------------------------------------------


def sdk_state(data: bytes) -> tuple[Any, Any]:
    """The SDK's stream state after ``data``, and the response of its terminal event:
    ``get_final_response()`` for ``response.completed``; for ``response.incomplete``
    (which ``get_final_response()`` refuses) the response of the event it re-emits,
    with the output rebuilt from the done items when the event carried none."""
    state = responses_streaming.ResponseStreamState(input_tools=not_given, text_format=not_given)
    final = None
    for sse in streaming.SSEDecoder().iter_bytes(iter([data])):
        obj = sse.json()
        if isinstance(obj, dict) and obj.get("error"):
            raise AssertionError("the streams here carry no errors")
        for event in state.handle_event(models.construct_type(type_=responses_types.ResponseStreamEvent, value=obj)):
            if event.type == "response.incomplete":
                final = event.response
    return state, state._completed_response or final


def normalize_output(output: list[Any]) -> dict[str, Any]:
    """content, refusal, reasoning and tool calls of the SDK's output items (read by
    attribute: ``to_dict()`` on its parsed snapshot warns about the union it holds)."""
    content, refusal, reasoning, calls, functions, kinds = [], [], [], [], [], []
    for item in output:
        kind = item.type
        if kind == "message":
            for part in item.content or []:
                if part.type == "output_text":
                    content.append(part.text)
                elif part.type == "refusal":
                    refusal.append(part.refusal)
        elif kind == "reasoning":
            reasoning += [part.text for part in item.summary or [] if part.text]
        elif kind == "function_call":
            calls.append((item.call_id, item.name, item.arguments))
            functions.append(calls[-1])
            kinds.append("function")
        elif kind == "custom_tool_call":
            calls.append((item.call_id, item.name, item.input))
            kinds.append("custom")
    return {
        "content": "".join(content),
        "refusal": "".join(refusal),
        "reasoning": SEPARATOR.join(reasoning),
        "tool_calls": calls,
        "function_calls": functions,
        "kinds": kinds,
    }


def sdk_final(data: bytes) -> dict[str, Any]:
    response = sdk_state(data)[1]
    assert response is not None
    result = normalize_output(response.output)
    assert result["content"] == response.output_text
    details = response.incomplete_details
    del result["function_calls"]
    usage = response.usage
    return {
        **result,
        "id": response.id,
        "model": response.model,
        "created": int(response.created_at),
        "finish_reason": (details and details.reason) or response.status,
        "usage": None if usage is None else usage.to_dict(),
        "usage_parts": None
        if usage is None
        else (
            usage.input_tokens,
            usage.input_tokens_details.cached_tokens,
            usage.output_tokens,
            usage.output_tokens_details.reasoning_tokens,
            usage.total_tokens,
        ),
    }


def sdk_snapshot(data: bytes) -> dict[str, Any]:
    view = normalize_output(sdk_state(data)[0]._ResponseStreamState__current_snapshot.output)
    return {"content": view["content"], "function_calls": view["function_calls"]}


# -- ours -------------------------------------------------------------------------------------


def ours(completion: sseparse.Completion) -> dict[str, Any]:
    return {
        "content": completion.content,
        "refusal": completion.refusal,
        "reasoning": completion.reasoning,
        "tool_calls": [(call.id, call.name, call.arguments) for call in completion.tool_calls],
        "id": completion.id,
        "model": completion.model,
        "created": completion.created,
        "finish_reason": completion.finish_reason,
        "usage": None if completion.usage is None else completion.usage.raw,
        "kinds": [call.kind for call in completion.tool_calls],
        "usage_parts": None
        if (usage := completion.usage) is None
        else (
            usage.input_tokens,
            usage.cached_input_tokens,
            usage.output_tokens,
            usage.reasoning_tokens,
            usage.total_tokens,
        ),
    }


def ours_from_deltas(completion: sseparse.Completion) -> dict[str, Any]:
    """What the SDK's running snapshot also glues from deltas: text and function-call
    arguments (it leaves reasoning, refusals and custom tool input to the done items)."""
    kinds = [block["type"] for block in completion.blocks if block["type"] in ("function_call", "custom_tool_call")]
    calls = [(call.id, call.name, call.arguments) for call in completion.tool_calls]
    return {
        "content": completion.content,
        "function_calls": [call for call, kind in zip(calls, kinds, strict=True) if kind == "function_call"],
    }


def fragmentations(data: bytes) -> list[list[bytes]]:
    return [[data]] + [[data[i : i + size] for i in range(0, len(data), size)] for size in (1, 5, 64)]


def assert_same_as_sdk(events: list[dict[str, Any]]) -> None:
    data = encode(events)
    expected = sdk_final(data)
    for fragments in fragmentations(data):
        completion = sseparse.accumulate(fragments)
        assert completion.complete
        assert ours(completion) == expected

    # The terminal event without its output: both rebuild it from the done items.
    bare = [dict(e, response={**e["response"], "output": None}) if e["type"] in TERMINAL else e for e in events]
    expected = sdk_final(encode(bare))
    assert ours(sseparse.accumulate([encode(bare)])) == expected

    # The terminal event's items under other ids (a gateway rotating them; the SDK
    # refuses such a stream): the answer is still the SDK's answer to the stream
    # without the rotation, no text counted twice.
    expected = sdk_final(encode(events))
    rotated = [
        dict(e, response={**e["response"], "output": [{**i, "id": f"{i['id']}_x"} for i in e["response"]["output"]]})
        if e["type"] in TERMINAL
        else e
        for e in events
    ]
    for fragments in fragmentations(encode(rotated)):
        assert ours(sseparse.accumulate(fragments)) == expected

    # Deltas alone.
    deltas_only = [e for e in events if not e["type"].endswith(".done") and e["type"] not in TERMINAL]
    data = encode(deltas_only)
    expected = sdk_snapshot(data)
    for fragments in fragmentations(data):
        assert ours_from_deltas(sseparse.accumulate(fragments)) == expected


TERMINAL = ("response.completed", "response.incomplete")

# -- streams ------------------------------------------------------------------------------------

USAGE = {
    "input_tokens": 120,
    "input_tokens_details": {"cached_tokens": 64},
    "output_tokens": 45,
    "output_tokens_details": {"reasoning_tokens": 20},
    "total_tokens": 165,
}


def response(status: str, output: list[Any], **fields: Any) -> dict[str, Any]:
    return {
        "id": "resp_68c97a0b36f4819ea5906451",
        "object": "response",
        "created_at": 1758034395,
        "status": status,
        "error": None,
        "incomplete_details": None,
        "model": "gpt-5-2025-08-07",
        "output": output,
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": None,
        **fields,
    }


class Builder:
    """A Responses stream, item by item, numbered as the API numbers it."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.done: list[dict[str, Any]] = []
        self.add("response.created", response=response("in_progress", []))
        self.add("response.in_progress", response=response("in_progress", []))

    def add(self, kind: str, **fields: Any) -> None:
        self.events.append({"type": kind, "sequence_number": len(self.events), **fields})

    def message(self, parts: list[str], refusal: list[str] | None = None) -> Builder:
        index, item_id = len(self.done), f"msg_{len(self.done)}"
        item = {"id": item_id, "type": "message", "status": "in_progress", "content": [], "role": "assistant"}
        self.add("response.output_item.added", output_index=index, item=item)
        where = {"item_id": item_id, "output_index": index, "content_index": 0}
        if refusal is None:
            part = {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}
            self.add("response.content_part.added", **where, part=part)
            for piece in parts:
                self.add("response.output_text.delta", **where, delta=piece, logprobs=[])
            text = "".join(parts)
            self.add("response.output_text.done", **where, text=text, logprobs=[])
            final = {**part, "text": text}
        else:
            part = {"type": "refusal", "refusal": ""}
            self.add("response.content_part.added", **where, part=part)
            for piece in refusal:
                self.add("response.refusal.delta", **where, delta=piece)
            final = {"type": "refusal", "refusal": "".join(refusal)}
            self.add("response.refusal.done", **where, refusal=final["refusal"])
        self.add("response.content_part.done", **where, part=final)
        done = {**item, "status": "completed", "content": [final]}
        self.add("response.output_item.done", output_index=index, item=done)
        self.done.append(done)
        return self

    def call(self, name: str, pieces: list[str], *, custom: bool = False) -> Builder:
        index = len(self.done)
        item_id, call_id = f"{'ctc' if custom else 'fc'}_{index}", f"call_{index}x9"
        field, kind = ("input", "custom_tool_call") if custom else ("arguments", "function_call")
        item = {"id": item_id, "type": kind, "status": "in_progress", field: "", "call_id": call_id, "name": name}
        self.add("response.output_item.added", output_index=index, item=item)
        delta = "response.custom_tool_call_input.delta" if custom else "response.function_call_arguments.delta"
        for piece in pieces:
            self.add(delta, item_id=item_id, output_index=index, delta=piece)
        text = "".join(pieces)
        done_type = "response.custom_tool_call_input.done" if custom else "response.function_call_arguments.done"
        self.add(done_type, item_id=item_id, output_index=index, **{field: text})
        done = {**item, "status": "completed", field: text}
        self.add("response.output_item.done", output_index=index, item=done)
        self.done.append(done)
        return self

    def reasoning(self, summaries: list[list[str]]) -> Builder:
        index, item_id = len(self.done), f"rs_{len(self.done)}"
        item = {"id": item_id, "type": "reasoning", "summary": [], "encrypted_content": "gAAAAABo"}
        self.add("response.output_item.added", output_index=index, item=item)
        for number, pieces in enumerate(summaries):
            where = {"item_id": item_id, "output_index": index, "summary_index": number}
            self.add("response.reasoning_summary_part.added", **where, part={"type": "summary_text", "text": ""})
            for piece in pieces:
                self.add("response.reasoning_summary_text.delta", **where, delta=piece)
            self.add("response.reasoning_summary_text.done", **where, text="".join(pieces))
            self.add(
                "response.reasoning_summary_part.done", **where, part={"type": "summary_text", "text": "".join(pieces)}
            )
        summary = [{"type": "summary_text", "text": "".join(pieces)} for pieces in summaries]
        done = {**item, "summary": summary}
        self.add("response.output_item.done", output_index=index, item=done)
        self.done.append(done)
        return self

    def server_tool(self) -> Builder:
        index = len(self.done)
        item = {"id": f"ws_{index}", "type": "web_search_call", "status": "in_progress"}
        self.add("response.output_item.added", output_index=index, item=item)
        self.add("response.web_search_call.searching", output_index=index, item_id=item["id"])
        done = {**item, "status": "completed", "action": {"type": "search", "query": "Bären in Bern"}}
        self.add("response.output_item.done", output_index=index, item=done)
        self.done.append(done)
        return self

    def completed(self) -> list[dict[str, Any]]:
        self.add("response.completed", response=response("completed", self.done, usage=USAGE))
        return self.events

    def incomplete(self, reason: str) -> list[dict[str, Any]]:
        details = {"reason": reason}
        self.add(
            "response.incomplete", response=response("incomplete", self.done, usage=USAGE, incomplete_details=details)
        )
        return self.events


def encode(events: list[dict[str, Any]]) -> bytes:
    return b"".join(
        b"event: " + e["type"].encode() + b"\ndata: " + json.dumps(e, ensure_ascii=False).encode() + b"\n\n"
        for e in events
    )


def split(text: str, size: int = 3) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


ARGS = json.dumps({"location": "São Paulo", "unit": "celsius", "days": [1, 2]}, ensure_ascii=False)

STREAMS = {
    "text": lambda: (
        Builder().message(["Der", " Bär", " läuft", " über", " die", " Brücke", " — 熊", " 🐻‍❄️"]).completed()
    ),
    "function-calls": lambda: (
        Builder().message(["Ich schaue nach."]).call("get_weather", split(ARGS)).call("get_time", ["{}"]).completed()
    ),
    "reasoning": lambda: (
        Builder()
        .reasoning([["**Plan**", "\n\nErst", " denken."], ["**Prüfen**", "\n\nDann reden."]])
        .message(["Fertig!"])
        .completed()
    ),
    "refusal": lambda: Builder().message([], refusal=["Es tut", " mir leid."]).completed(),
    "custom-tool": lambda: (
        Builder().call("write_sql", ["SELECT * ", "FROM bären ", "WHERE age > 3"], custom=True).completed()
    ),
    "server-tool": lambda: Builder().reasoning([]).server_tool().message(["Laut Suche: ", "ja."]).completed(),
    "incomplete": lambda: Builder().message(["Es war", " einmal"]).incomplete("max_output_tokens"),
}


@pytest.mark.parametrize("name", list(STREAMS))
def test_same_as_the_openai_sdk(name: str) -> None:
    assert_same_as_sdk(STREAMS[name]())


# -- random streams --------------------------------------------------------------------------------

TEXT = st.text(st.characters(codec="utf-8"), min_size=1, max_size=6)


@st.composite
def random_stream(draw: st.DrawFn) -> list[dict[str, Any]]:
    builder = Builder()
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(["message", "call", "custom", "reasoning", "server"]))
        if kind == "message":
            builder.message(draw(st.lists(TEXT, max_size=6)))
        elif kind == "call":
            builder.call(draw(st.sampled_from(["a", "wetter"])), draw(st.lists(TEXT, max_size=6)))
        elif kind == "custom":
            builder.call("sql", draw(st.lists(TEXT, max_size=4)), custom=True)
        elif kind == "reasoning":
            builder.reasoning(draw(st.lists(st.lists(TEXT, min_size=1, max_size=3), max_size=3)))
        else:
            builder.server_tool()
    if draw(st.booleans()):
        return builder.completed()
    return builder.incomplete(draw(st.sampled_from(["max_output_tokens", "content_filter"])))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_stream())
def test_random_streams_same_as_the_openai_sdk(events: list[dict[str, Any]]) -> None:
    assert_same_as_sdk(events)
