"""Reading the result is cheap: a snapshot is built once per new input, and a closed
accumulator keeps the result, not the pieces it was joined from (both builds)."""

from __future__ import annotations

import json
import tracemalloc

import sseparse


def _chat(text: str, finish: str | None = None) -> bytes:
    chunk = {"id": "c", "model": "m", "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": finish}]}
    return b"data: " + json.dumps(chunk).encode() + b"\n\n"


def test_the_same_snapshot_until_new_input(implementation: str) -> None:
    acc = sseparse.Accumulator("openai-chat", implementation=implementation)
    acc.feed(_chat("a"))
    first = acc.completion
    assert acc.completion is first  # nothing new: not built again
    acc.feed(b": keep-alive\n\n")
    assert acc.completion is first  # a comment folds nothing in
    acc.feed(_chat("b"))
    second = acc.completion
    assert second is not first and (first.content, second.content) == ("a", "ab")


def test_a_closed_accumulator_frees_its_pieces(implementation: str) -> None:
    pieces = [_chat("x" * 100) for _ in range(2000)] + [_chat("", "stop"), b"data: [DONE]\n\n"]
    tracemalloc.start()
    try:
        acc = sseparse.Accumulator("openai-chat", implementation=implementation, deltas=False)
        for piece in pieces:
            acc.feed(piece)
        before_close = tracemalloc.get_traced_memory()[0]
        final = acc.close()
        after_close = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert final.complete and len(final.content) == 200_000
    # 2,000 pieces of 100 characters (about 300 KB as str objects in a list) are gone;
    # the joined content (200 KB) stays, held by the result.
    assert after_close < before_close + 50_000
    assert acc.dialect == "openai-chat" and acc.close() is final and acc.completion is final


def _anthropic_tool_stream(pieces: list[str], stop: bool) -> list[bytes]:
    def event(obj: dict[str, object]) -> bytes:
        return f"event: {obj['type']}\ndata: {json.dumps(obj)}\n\n".encode()

    events = [
        event({"type": "message_start", "message": {"id": "m", "model": "c"}}),
        event({"type": "content_block_start", "index": 0,
               "content_block": {"type": "tool_use", "id": "t", "name": "f", "input": {}}}),
    ]
    events += [
        event({"type": "content_block_delta", "index": 0, "delta": {"type": "input_json_delta", "partial_json": p}})
        for p in pieces
    ]
    if stop:
        events += [event({"type": "content_block_stop", "index": 0}), event({"type": "message_stop"})]
    return events


def test_reading_a_growing_tool_input_after_every_event_parses_it_a_logarithmic_number_of_times(
    implementation: str, monkeypatch: object
) -> None:
    from sseparse._dialects import anthropic

    text = json.dumps({"items": [{"k": i} for i in range(2000)]})
    pieces = [text[i : i + 10] for i in range(0, len(text), 10)]
    parses = 0
    real_loads = anthropic.json.loads

    def counting_loads(data: str) -> object:
        nonlocal parses
        parses += 1
        return real_loads(data)

    monkeypatch.setattr(anthropic.json, "loads", counting_loads)  # type: ignore[attr-defined]
    acc = sseparse.Accumulator("anthropic", implementation=implementation, deltas=False)
    for raw in _anthropic_tool_stream(pieces, stop=True):
        acc.feed(raw)
        acc.completion  # a UI reading the whole result after every event
    # 2,000+ pieces, each read: the input is parsed again only after it grew by an
    # eighth (about 70 parses), not after every piece.
    assert len(pieces) > 2000 and 0 < parses < 100
    final = acc.close()
    assert final.blocks[0]["input"] == json.loads(text)  # exact once the block stopped


def test_a_cut_tool_input_is_exact_in_the_final_result(implementation: str) -> None:
    text = json.dumps({"path": "/tmp/a", "items": list(range(300))})
    pieces = [text[i : i + 7] for i in range(0, len(text) - 5, 7)]
    acc = sseparse.Accumulator("anthropic", implementation=implementation)
    for raw in _anthropic_tool_stream(pieces, stop=False):
        acc.feed(raw)
        acc.completion
    final = acc.close()
    exact = sseparse.Accumulator("anthropic", implementation=implementation)
    for raw in _anthropic_tool_stream(pieces, stop=False):
        exact.feed(raw)
    assert final.complete is False
    assert final.blocks == exact.close().blocks  # reads in between change nothing at the end


def test_id_model_and_usage_are_at_hand_without_a_snapshot(implementation: str) -> None:
    """Accumulator.id / .model / .usage, in every dialect, equal the Completion's."""
    usage_chunk = {"id": "c", "model": "m", "choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 2}}
    streams = {
        "openai-chat": [_chat("a"), b"data: " + json.dumps(usage_chunk).encode() + b"\n\n", b"data: [DONE]\n\n"],
        "anthropic": _anthropic_tool_stream(['{"a": 1}'], stop=True),
    }
    for dialect, events in streams.items():
        acc = sseparse.Accumulator(dialect, implementation=implementation)
        assert (acc.id, acc.model, acc.usage) == (None, None, None)
        acc.feed(events[0])
        assert acc._cached is None  # reading the accessors below builds nothing
        snapshot_free = (acc.id, acc.model)
        assert acc._cached is None
        assert snapshot_free == (acc.completion.id, acc.completion.model) and acc.id is not None
        for raw in events[1:]:
            acc.feed(raw)
        assert acc.usage == acc.completion.usage
        final = acc.close()
        assert (acc.id, acc.model, acc.usage) == (final.id, final.model, final.usage)
