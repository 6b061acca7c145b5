"""An Anthropic tool input read while it streams: a read before the first piece
shows the start's whole input; once pieces arrive (through the compiled fast path or
the full decode alike) they replace it, and every read is the input so far."""

from __future__ import annotations

import json

import pytest

from sseparse import Accumulator


def _event(obj: dict[str, object]) -> bytes:
    return f"event: {obj['type']}\ndata: {json.dumps(obj)}\n\n".encode()


START = {"type": "message_start", "message": {"id": "msg_1", "model": "m", "usage": {"input_tokens": 1}}}


def _delta(piece: str) -> bytes:
    return _event({"type": "content_block_delta", "index": 0, "delta": {"type": "input_json_delta", "partial_json": piece}})


@pytest.mark.parametrize("whole", [{}, {"city": "Paris"}])
def test_reads_before_and_after_the_first_piece(implementation: str, whole: dict[str, object]) -> None:
    acc = Accumulator("anthropic", implementation=implementation)
    acc.feed(_event(START))
    acc.feed(_event({"type": "content_block_start", "index": 0,
                     "content_block": {"type": "tool_use", "id": "t", "name": "f", "input": whole}}))
    assert acc.partial_arguments(0) == whole  # the start's input, read whole
    acc.feed(_delta(""))  # an empty piece changes nothing
    assert acc.partial_arguments(0) == whole
    acc.feed(_delta('{"ci'))
    assert acc.partial_arguments(0) == {}  # the pieces replace the start's input
    acc.feed(_delta('ty": "Ber'))
    assert acc.partial_arguments(0) == {"city": "Ber"}
    acc.feed(_delta('lin"}'))
    acc.feed(_event({"type": "content_block_stop", "index": 0}))
    assert acc.partial_arguments(0) == {"city": "Berlin"}
    acc.feed(_event({"type": "message_stop"}))
    completion = acc.close()
    assert completion.tool_calls[0].arguments == '{"city": "Berlin"}'
