"""``Accumulator.id`` / ``.model`` / ``.usage``: what the result says, as soon as a
chunk said it, in every dialect, with or without deltas, on both builds."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sseparse import Accumulator


def _sse(*events: tuple[str | None, dict[str, Any]]) -> bytes:
    return b"".join(
        ((f"event: {name}\n" if name else "") + f"data: {json.dumps(obj)}\n\n").encode() for name, obj in events
    )


STREAMS = {
    "openai-chat": _sse(
        (None, {"id": "", "model": "", "choices": [], "prompt_filter_results": []}),  # Azure's first chunk: empty
        (None, {"id": "c1", "model": "m1", "choices": [{"index": 0, "delta": {"content": "Hi"}}]}),
        (None, {"id": "c1", "model": "m1", "choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 1}}),
    ),
    "anthropic": _sse(
        ("message_start", {"type": "message_start", "message": {"id": "msg", "model": "m2", "usage": {"input_tokens": 5}}}),
        ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}}),
        ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 2}}),
    ),
    "openai-responses": _sse(
        ("response.created", {"type": "response.created", "sequence_number": 0, "response": {"id": "r", "model": "m3"}}),
        ("response.completed", {"type": "response.completed", "sequence_number": 1,
                                "response": {"id": "r", "model": "m3", "output": [],
                                             "usage": {"input_tokens": 1, "output_tokens": 1, "total_tokens": 2}}}),
    ),
    "gemini": _sse(
        (None, {"candidates": [{"content": {"parts": [{"text": "Hi"}]}, "index": 0}], "modelVersion": "m4",
                "responseId": "g1", "usageMetadata": {"promptTokenCount": 4, "candidatesTokenCount": 1}}),
    ),
}


@pytest.mark.parametrize("deltas", [True, False])
@pytest.mark.parametrize("dialect", sorted(STREAMS))
def test_identity_and_usage_before_and_after_close(implementation: str, dialect: str, deltas: bool) -> None:
    acc = Accumulator(dialect, deltas=deltas, implementation=implementation)  # type: ignore[arg-type]
    assert (acc.id, acc.model, acc.usage) == (None, None, None)
    acc.feed(STREAMS[dialect])
    seen = (acc.id, acc.model, acc.usage)
    final = acc.close()
    assert seen == (final.id, final.model, final.usage)
    assert final.id and final.model and final.usage is not None and final.usage.input_tokens
    assert (acc.id, acc.model, acc.usage) == seen  # after close, from the result
