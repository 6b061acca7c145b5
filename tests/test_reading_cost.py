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
