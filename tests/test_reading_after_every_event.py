"""Reading ``completion`` while a stream goes on changes nothing: a result read after
any event is the result of that prefix read once, and the final result is the same
whether or not it was read on the way (every dialect, both builds).

Reading joins the text pieces so far and leaves them in their list as one piece, so
that the next read copies only what arrived since; these tests hold that to giving the
same text as a fresh join, including pieces that arrive after a read.
"""

from __future__ import annotations

import json
import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import sseparse

from .helpers import view

WORDS = ["a", "b ", "é", "\n", "xyz", "", "日本", "😀", " q"]


def _sse(obj: Any, event: str | None = None) -> bytes:
    head = f"event: {event}\n" if event else ""
    return (head + "data: " + json.dumps(obj, ensure_ascii=False) + "\n\n").encode()


def _chat(rnd: random.Random, steps: int) -> list[bytes]:
    out, calls = [], 0

    def chunk(delta: dict[str, Any], index: int = 0, finish: str | None = None) -> bytes:
        return _sse({"id": "c", "model": "m", "choices": [{"index": index, "delta": delta, "finish_reason": finish}]})

    for _ in range(steps):
        kind = rnd.choice(["content", "content", "reasoning_content", "refusal", "call", "piece", "other"])
        if kind == "call":
            out.append(chunk({"tool_calls": [{"index": calls, "id": f"t{calls}", "function": {"name": "f", "arguments": ""}}]}))
            calls += 1
        elif kind == "piece" and calls:
            out.append(chunk({"tool_calls": [{"index": calls - 1, "function": {"arguments": rnd.choice(WORDS)}}]}))
        elif kind == "other":
            out.append(chunk({"content": rnd.choice(WORDS)}, index=1))
        elif kind != "piece":
            out.append(chunk({kind: rnd.choice(WORDS)}))
    out.append(chunk({}, finish="stop"))
    out.append(b"data: [DONE]\n\n")
    return out


def _anthropic(rnd: random.Random, steps: int) -> list[bytes]:
    out = [_sse({"type": "message_start", "message": {"id": "m", "model": "c"}}, "message_start")]
    index, grows = -1, None
    for _ in range(steps):
        if grows is None or rnd.random() < 0.15:
            if grows is not None:
                out.append(_sse({"type": "content_block_stop", "index": index}, "content_block_stop"))
            index += 1
            grows = rnd.choice(["text", "thinking", "tool_use"])
            block = {"type": grows, grows: ""} if grows != "tool_use" else {
                "type": "tool_use", "id": f"t{index}", "name": "f", "input": {}}
            out.append(_sse({"type": "content_block_start", "index": index, "content_block": block},
                            "content_block_start"))
        if grows == "tool_use":
            delta = {"type": "input_json_delta", "partial_json": rnd.choice(['{"k": ', '"v', 'é"', ", ", "1"])}
        else:
            delta = {"type": f"{grows}_delta", grows: rnd.choice(WORDS)}
        out.append(_sse({"type": "content_block_delta", "index": index, "delta": delta}, "content_block_delta"))
    out.append(_sse({"type": "content_block_stop", "index": index}, "content_block_stop"))
    out.append(_sse({"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 3}},
                    "message_delta"))
    out.append(_sse({"type": "message_stop"}, "message_stop"))
    return out


def _gemini(rnd: random.Random, steps: int) -> list[bytes]:
    out = []
    for _ in range(steps):
        parts = []
        for _ in range(rnd.randint(1, 3)):
            kind = rnd.choice(["text", "text", "thought", "call"])
            if kind == "call":
                parts.append({"functionCall": {"name": "f", "args": {"k": rnd.choice(WORDS)}}})
            elif kind == "thought":
                parts.append({"text": rnd.choice(WORDS), "thought": True})
            else:
                parts.append({"text": rnd.choice(WORDS)})
        out.append(_sse({"candidates": [{"content": {"role": "model", "parts": parts}, "index": 0}],
                         "modelVersion": "g", "responseId": "r"}))
    out.append(_sse({"candidates": [{"content": {"role": "model", "parts": [{"text": "."}]}, "finishReason": "STOP",
                                     "index": 0}], "modelVersion": "g", "responseId": "r"}))
    return out


def _responses(rnd: random.Random, steps: int) -> list[bytes]:
    def event(obj: dict[str, Any]) -> bytes:
        return _sse(obj, obj["type"])

    out = [event({"type": "response.created", "response": {"id": "r", "model": "m", "output": []}})]
    index, open_kind = -1, None
    for _ in range(steps):
        if open_kind is None or rnd.random() < 0.15:
            index += 1
            open_kind = rnd.choice(["message", "reasoning", "function_call"])
            item: dict[str, Any] = {"type": open_kind, "id": f"i{index}"}
            if open_kind == "function_call":
                item.update(call_id=f"c{index}", name="f", arguments="")
            out.append(event({"type": "response.output_item.added", "output_index": index, "item": item}))
        if open_kind == "message":
            out.append(event({"type": "response.output_text.delta", "item_id": f"i{index}", "output_index": index,
                              "content_index": 0, "delta": rnd.choice(WORDS)}))
        elif open_kind == "reasoning":
            out.append(event({"type": "response.reasoning_summary_text.delta", "item_id": f"i{index}",
                              "output_index": index, "summary_index": 0, "delta": rnd.choice(WORDS)}))
        else:
            out.append(event({"type": "response.function_call_arguments.delta", "item_id": f"i{index}",
                              "output_index": index, "delta": rnd.choice(['{"k"', ": ", '"é"', "}"])}))
    out.append(event({"type": "response.completed", "response": {"id": "r", "model": "m", "status": "completed"}}))
    return out


BUILDERS = {"openai-chat": _chat, "anthropic": _anthropic, "gemini": _gemini, "openai-responses": _responses}


def _texts(completion: sseparse.Completion) -> Any:
    """What the pieces are joined into: the fields ``view`` compares, and the text of
    every block (a tool input shown while it streams is parsed on its own schedule)."""
    blocks = [
        {key: value for key, value in block.items() if key in ("text", "thinking", "arguments")}
        for choice in completion.choices
        for block in choice.blocks
        if isinstance(block, dict)
    ]
    return view(completion), blocks, completion.content, completion.reasoning, completion.refusal


def _prefix_read_once(dialect: str, events: list[bytes], implementation: str) -> Any:
    acc = sseparse.Accumulator(dialect, implementation=implementation)
    for event in events:
        acc.feed(event)
    return _texts(acc.completion)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(sorted(BUILDERS)), st.integers(0, 2**32), st.integers(1, 30), st.integers(0, 2**32))
def test_a_result_read_on_the_way_is_that_of_its_prefix(
    implementation: str, dialect: str, seed: int, steps: int, mask_seed: int
) -> None:
    events = BUILDERS[dialect](random.Random(seed), steps)
    reads = random.Random(mask_seed)
    acc = sseparse.Accumulator(dialect, implementation=implementation)
    for count, event in enumerate(events, 1):
        acc.feed(event)
        if reads.random() < 0.6:
            assert _texts(acc.completion) == _prefix_read_once(dialect, events[:count], implementation)
    final = acc.close()
    unread = sseparse.Accumulator(dialect, implementation=implementation)
    for event in events:
        unread.feed(event)
    assert final.complete
    assert final.to_dict() == unread.close().to_dict()


def test_reading_after_every_event_leaves_one_piece_of_each_text(implementation: str) -> None:
    """The joined text replaces its pieces: the next read joins it and what came since."""
    events = _chat(random.Random(7), 200)
    acc = sseparse.Accumulator("openai-chat", implementation=implementation)
    for event in events[:100]:
        acc.feed(event)
        acc.completion  # noqa: B018 - the read is the point
    state = acc._reducer._choices[0]
    assert len(state.content) == 1 and (state.reasoning is None or len(state.reasoning) <= 1)
    assert state.content[0] == acc.completion.content
