"""Events after a stream's end marker: what carries nothing is passed over, anything
else is a ``ChunkDecodeError`` (it would be lost: a second response in the same body,
a server that kept sending), never a complete result that dropped it. Every dialect
with an end marker, both builds, every fragmentation."""

from __future__ import annotations

import json
from typing import Any

import pytest

import sseparse
from helpers import fold_equals_completion, fragmentations, run_cli
from sseparse import ChunkDecodeError, SseparseError

IMPLEMENTATIONS = ["python"] + (["cython"] if sseparse.IMPLEMENTATION == "cython" else [])


def block(data: Any, event: str | None = None) -> bytes:
    text = data if isinstance(data, str) else json.dumps(data)
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {text}\n\n".encode()


def _chat(content: str, finish: str | None = None) -> bytes:
    return block({
        "id": "c1", "object": "chat.completion.chunk", "model": "m",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": finish}],
    })


def _messages(name: str, **members: Any) -> bytes:
    return block({"type": name, **members}, name)


def _response(name: str, **members: Any) -> bytes:
    return block({"type": name, **members}, name)


_ANTHROPIC = b"".join([
    _messages("message_start", message={"id": "m1", "model": "c", "usage": {"input_tokens": 3, "output_tokens": 1}}),
    _messages("content_block_start", index=0, content_block={"type": "text", "text": ""}),
    _messages("content_block_delta", index=0, delta={"type": "text_delta", "text": "kept"}),
    _messages("content_block_stop", index=0),
    _messages("message_delta", delta={"stop_reason": "end_turn"}, usage={"output_tokens": 2}),
    _messages("message_stop"),
])
_RESPONSES = b"".join([
    _response("response.created", response={"id": "r1", "model": "m", "status": "in_progress", "output": []}),
    _response("response.output_text.delta", item_id="i", output_index=0, content_index=0, delta="kept"),
    _response("response.completed", response={"id": "r1", "model": "m", "status": "completed", "output": []}),
])
_CHAT = _chat("kept", "stop") + b"data: [DONE]\n\n"

#: dialect -> (a whole stream whose content is "kept", the tails that carry nothing,
#: the tails that would be lost)
STREAMS: dict[str, tuple[bytes, list[bytes], list[bytes]]] = {
    "openai-chat": (
        _CHAT,
        [b"data: [DONE]\n\n", b"data: \n\n", b": keep-alive\n\n"],
        [_chat(" more"), block({"error": {"message": "late"}}), block("not json")],
    ),
    "anthropic": (
        _ANTHROPIC,
        [_messages("ping"), block({"type": "ping"}), _messages("message_stop"), b"data: [DONE]\n\n"],
        [
            _messages("content_block_delta", index=0, delta={"type": "text_delta", "text": " more"}),
            _messages("message_start", message={"id": "m2", "model": "c"}),
            _messages("error", error={"type": "overloaded_error", "message": "late"}),
            block({"type": ["ping"]}),  # (no type: a list, unhashable)
        ],
    ),
    "openai-responses": (
        _RESPONSES,
        [block({"type": "keepalive"}, "keepalive"), b"data: [DONE]\n\n", b"data:  \n\n"],
        [
            _response("response.created", response={"id": "r2", "model": "m", "status": "in_progress", "output": []}),
            _response("response.output_text.delta", item_id="i", output_index=0, content_index=0, delta=" more"),
        ],
    ),
}


def read(fragments: list[bytes], dialect: str, implementation: str) -> tuple[Any, list[Any], SseparseError | None]:
    acc = sseparse.Accumulator(dialect, implementation=implementation)  # type: ignore[arg-type]
    deltas: list[Any] = []
    try:
        for fragment in fragments:
            deltas.extend(acc.feed(fragment))
        deltas.extend(acc.finish())
        return acc.close(), deltas, None
    except SseparseError as exc:
        deltas.extend(exc.deltas)
        assert exc.completion == acc.completion
        return exc.completion, deltas, exc


def _cases(kind: int) -> list[Any]:
    return [
        pytest.param(dialect, tail, id=f"{dialect}-{i}")
        for dialect, entry in STREAMS.items()
        for i, tail in enumerate(entry[kind])
    ]


@pytest.mark.parametrize("dialect", list(STREAMS))
def test_the_streams_alone_are_complete(dialect: str) -> None:
    for implementation in IMPLEMENTATIONS:
        completion, _, raised = read([STREAMS[dialect][0]], dialect, implementation)
        assert raised is None and completion.complete and completion.content == "kept"


@pytest.mark.parametrize(("dialect", "tail"), _cases(1))
def test_what_carries_nothing_after_the_end_changes_nothing(dialect: str, tail: bytes) -> None:
    body = STREAMS[dialect][0]
    alone = read([body], dialect, "python")
    for fragments in fragmentations(body + tail):
        for implementation in IMPLEMENTATIONS:
            for name in (dialect, "auto"):
                completion, deltas, raised = read(fragments, name, implementation)
                assert raised is None
                assert completion == alone[0] and deltas == alone[1]


@pytest.mark.parametrize(("dialect", "tail"), _cases(2))
def test_an_event_after_the_end_is_an_error_not_a_loss(dialect: str, tail: bytes) -> None:
    body = STREAMS[dialect][0]
    expected = None
    for fragments in fragmentations(body + tail + tail):
        for implementation in IMPLEMENTATIONS:
            for name in (dialect, "auto"):
                completion, deltas, raised = read(fragments, name, implementation)
                assert isinstance(raised, ChunkDecodeError), raised
                assert "after the end of the stream" in str(raised)
                assert completion.content == "kept"
                assert completion.complete is False
                assert completion.error is not None and completion.error["type"] == "chunk_decode_error"
                assert completion.error["event_index"] == raised.index
                fold_equals_completion(deltas, completion)
                if expected is None:
                    expected = (completion, deltas, str(raised))
                assert (completion, deltas, str(raised)) == expected


def test_the_error_names_the_first_event_after_the_end() -> None:
    body, _, lost = STREAMS["openai-chat"]
    _, _, raised = read([body + b"data: [DONE]\n\n" + lost[0]], "openai-chat", IMPLEMENTATIONS[-1])
    assert isinstance(raised, ChunkDecodeError)
    assert raised.index == 3  # the chunk, [DONE], [DONE] again, then this one
    assert raised.event is not None and " more" in raised.event.data


def test_a_failed_stream_refuses_more_input() -> None:
    body, _, lost = STREAMS["anthropic"]
    for implementation in IMPLEMENTATIONS:
        acc = sseparse.Accumulator("anthropic", implementation=implementation)  # type: ignore[arg-type]
        acc.feed(body)
        with pytest.raises(ChunkDecodeError):
            acc.feed(lost[0])
        with pytest.raises(sseparse.ParserClosedError):
            acc.feed(lost[0])
        assert acc.close().complete is False


def test_the_command_line_writes_the_answer_and_exits_1() -> None:
    body, _, lost = STREAMS["openai-responses"]
    code, result = run_cli(body + lost[0])
    assert code == 1
    assert result["content"] == "kept" and result["complete"] is False
    assert result["error"]["type"] == "chunk_decode_error"


def test_gemini_has_no_end_marker_and_reads_on() -> None:
    """A finish reason is no end marker: what follows it is read (as before)."""
    def chunk(text: str, finish: str | None) -> bytes:
        candidate: dict[str, Any] = {"content": {"parts": [{"text": text}], "role": "model"}, "index": 0}
        if finish:
            candidate["finishReason"] = finish
        return block({"candidates": [candidate]})

    for implementation in IMPLEMENTATIONS:
        completion, _, raised = read([chunk("a", "STOP") + chunk("b", None)], "gemini", implementation)
        assert raised is None and completion.content == "ab"


# -- a second response while the first is open ---------------------------------------

def _created(response_id: str) -> bytes:
    return _response("response.created", response={"id": response_id, "model": "m", "status": "in_progress", "output": []})


def _in_progress(response_id: str) -> bytes:
    return _response("response.in_progress", response={"id": response_id, "model": "m", "status": "in_progress", "output": []})


def _text(delta: str) -> bytes:
    return _response("response.output_text.delta", item_id="i", output_index=0, content_index=0, delta=delta)


def _completed(response_id: str) -> bytes:
    return _response("response.completed", response={"id": response_id, "model": "m", "status": "completed", "output": []})


@pytest.mark.parametrize("created", ["r2", "r1"])
def test_a_second_response_while_the_first_is_open_is_an_error_not_a_mix(created: str) -> None:
    """A retry an intermediary spliced into the same body, the first response cut:
    a second response.created (whatever its id) is never folded into one answer
    with the first."""
    data = _created("r1") + _in_progress("r1") + _text("first ") + _created(created) + _text("second") + _completed(created)
    expected = None
    for fragments in fragmentations(data):
        for implementation in IMPLEMENTATIONS:
            for name in ("openai-responses", "auto"):
                completion, deltas, raised = read(fragments, name, implementation)
                assert isinstance(raised, ChunkDecodeError), raised
                assert "a second response.created" in str(raised) and raised.index == 3
                assert completion.content == "first " and completion.complete is False
                assert completion.id == "r1"
                fold_equals_completion(deltas, completion)
                if expected is None:
                    expected = (completion, deltas, str(raised))
                assert (completion, deltas, str(raised)) == expected


def test_ids_that_change_from_event_to_event_are_one_response() -> None:
    """A server that gives every event a new id (GitHub Copilot's Responses API does):
    one response all the same, read whole."""
    data = _created("id-1") + _in_progress("id-2") + _text("one") + _completed("id-4")
    for fragments in fragmentations(data):
        for implementation in IMPLEMENTATIONS:
            completion, _, raised = read(fragments, "auto", implementation)
            assert raised is None and completion.complete and completion.content == "one"
            assert completion.id == "id-1"


def test_the_same_response_in_every_lifecycle_event_reads_on() -> None:
    data = _created("r1") + _in_progress("r1") + _text("one") + _completed("r1")
    for implementation in IMPLEMENTATIONS:
        completion, _, raised = read([data], "auto", implementation)
        assert raised is None and completion.complete and completion.content == "one"
