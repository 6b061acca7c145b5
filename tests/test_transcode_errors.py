"""A cut or failed upstream shows downstream in the target's own error form, never
as its end marker: the target's SDK raises (or ends on ``response.failed``), and
sseparse reading the output reports the error, not a complete answer."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("openai")
pytest.importorskip("anthropic")

import sseparse  # noqa: E402
from sdk_readers import READERS, SdkError  # noqa: E402
from transcode_cases import TARGETS, Answer, Call, transcode, write  # noqa: E402

END_MARKERS = {
    "openai-chat": b"data: [DONE]",
    "anthropic": b"event: message_stop",
    "openai-responses": b"event: response.completed",
}
#: Where each source's stream stops being cut: a stream whose choices all finished is
#: complete without its end marker (servers that never send one).
LAST_WORD = {
    "openai-chat": b'"finish_reason":"',
    "anthropic": b'"stop_reason":"',
    "openai-responses": b"event: response.completed",
}
ANSWER = Answer(
    id="msg_01Cut",
    model="m-1",
    reasoning=("hmm",),
    text=("Hello", " wörld"),
    calls=(Call("call_a", "lookup", ('{"q": ', '"x"}')),),
    usage=sseparse.Usage(10, 5, 15, {}),
)


def assert_error_form(out: bytes, target: str) -> str:
    assert END_MARKERS[target] not in out
    with pytest.raises(SdkError) as info:
        READERS[target](out)
    with pytest.raises(sseparse.SseparseError) as ours:
        sseparse.accumulate([out], target)
    assert isinstance(ours.value, (sseparse.ProviderError, sseparse.IncompleteStreamError))
    return str(info.value)


@pytest.mark.parametrize("source", TARGETS)
@pytest.mark.parametrize("target", TARGETS)
def test_a_stream_cut_anywhere_ends_in_the_error_form(source: str, target: str, implementation: str) -> None:
    data = write(ANSWER, source)
    end = data.rindex(LAST_WORD[source])
    for cut in sorted({0, 1, end // 3, end // 2, end - 1, end}):
        out, transcoder = transcode([data[:cut]], target, source=source, implementation=implementation)
        assert transcoder.error is not None and transcoder.error["type"] == "incomplete_stream"
        assert_error_form(out, target)


@pytest.mark.parametrize("target", TARGETS)
def test_the_pieces_before_the_cut_are_written_first(target: str) -> None:
    data = write(ANSWER, "anthropic")
    cut = data.index(b"lookup")
    transcoder = sseparse.Transcoder(target)
    head = transcoder.feed(data[:cut])
    assert "wörld".encode() in head  # streamed before the end was known
    tail = transcoder.close()
    assert END_MARKERS[target] not in head + tail
    assert_error_form(head + tail, target)


PROVIDER_ERRORS = {
    "openai-chat": b'data: {"error": {"message": "Rate limit reached", "type": "rate_limit_error", '
    b'"code": "rate_limit_exceeded"}}\n\n',
    "anthropic": b'event: error\ndata: {"type": "error", "error": {"type": "overloaded_error", '
    b'"message": "Overloaded"}}\n\n',
    "openai-responses": b'event: response.failed\ndata: {"type": "response.failed", "sequence_number": 99, '
    b'"response": {"id": "resp_1", "object": "response", "status": "failed", "output": [], '
    b'"error": {"code": "server_error", "message": "The model failed"}}}\n\n',
}


@pytest.mark.parametrize("source", TARGETS)
@pytest.mark.parametrize("target", TARGETS)
def test_a_provider_error_becomes_the_targets_error(source: str, target: str, implementation: str) -> None:
    data = write(ANSWER, source)
    end = data.rindex(LAST_WORD[source])
    head = data[: data.rindex(b"\n\n", 0, end) + 2]  # every event before the last word
    transcoder = sseparse.Transcoder(target, source=source, implementation=implementation)
    out = transcoder.feed(head + PROVIDER_ERRORS[source]) + transcoder.close()
    assert transcoder.error is not None and transcoder.error["type"] == "provider_error"
    message = assert_error_form(out, target)
    assert json.loads(json.dumps(transcoder.error["message"])) in message
    assert b"wxrld" not in out and "wörld".encode() in out


def test_the_anthropic_error_keeps_the_providers_error_type() -> None:
    transcoder = sseparse.Transcoder("anthropic", source="anthropic")
    data = write(ANSWER, "anthropic")
    out = transcoder.feed(data[: data.index(b"\n\n") + 2] + PROVIDER_ERRORS["anthropic"])
    assert b'"type":"overloaded_error"' in out


def test_openai_chat_error_form_is_an_error_chunk_without_done() -> None:
    data = write(ANSWER, "anthropic")
    out, _ = transcode([data[: data.rindex(LAST_WORD["anthropic"])]], "openai-chat")
    last = out.rstrip(b"\n").rsplit(b"\n\n", 1)[-1]
    body = json.loads(last.removeprefix(b"data: "))
    assert set(body) == {"error"} and body["error"]["message"]


def test_feeding_after_a_failure_is_refused_and_close_adds_nothing() -> None:
    transcoder = sseparse.Transcoder("openai-chat", source="anthropic")
    assert b'"error"' in transcoder.feed(PROVIDER_ERRORS["anthropic"])
    assert transcoder.close() == b""
    with pytest.raises(sseparse.ParserClosedError):
        transcoder.feed(b"data: {}\n\n")


@pytest.mark.parametrize("target", TARGETS)
def test_a_malformed_upstream_is_an_error_not_an_end(target: str) -> None:
    data = write(ANSWER, "openai-chat")
    broken = data.replace(b'"content":" w', b'"content": w', 1)
    out, transcoder = transcode([broken], target, source="openai-chat")
    assert transcoder.error is not None and transcoder.error["type"] == "chunk_decode_error"
    assert_error_form(out, target)


@pytest.mark.parametrize("target", TARGETS)
def test_an_empty_upstream_is_a_cut(target: str) -> None:
    out, transcoder = transcode([b""], target)
    assert transcoder.error is not None
    assert_error_form(out, target)
