"""Split invariance: however a stream is cut into fragments, the result is the same.

For each stream below, every single split point, every pair of split points (for the
short streams), 1-byte fragments and bytearray/memoryview fragments must give exactly
what the one-shot parse gives: the same events, the same ``close()`` result, the same
``last_event_id`` and ``retry``. The streams are written to look like what real servers
send (OpenAI and Anthropic style chunks, non-ASCII text, CRLF and CR servers, ids,
retry, comments, a BOM), plus cut streams whose ``close()`` reports the pending event.
"""

from __future__ import annotations

import json
from itertools import combinations

import pytest

from sseparse import Event, IncompleteEvent


def _openai_chunk(i: int, content: str | None, finish: str | None = None) -> bytes:
    delta = {} if content is None else {"content": content}
    chunk = {
        "id": "chatcmpl-9x",
        "object": "chat.completion.chunk",
        "created": 1718000000,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return b"data: " + json.dumps(chunk, ensure_ascii=False, separators=(",", ":")).encode() + b"\n\n"


OPENAI = (
    b": keep-alive\n\n"
    + b"".join(_openai_chunk(i, text) for i, text in enumerate(["Grüß", " dich", ", 世界", " 🎉", "—ok"]))
    + _openai_chunk(5, None, "stop")
    + b"data: [DONE]\n\n"
)

ANTHROPIC = (
    b"event: message_start\n"
    b'data: {"type":"message_start","message":{"id":"msg_01","role":"assistant","content":[]}}\n\n'
    b"event: content_block_start\n"
    b'data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n'
    b"event: ping\n"
    b'data: {"type": "ping"}\n\n'
    b"event: content_block_delta\n"
    + 'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Привет, мир — ça va?"}}\n\n'.encode()
    + b"event: content_block_stop\n"
    b'data: {"type":"content_block_stop","index":0}\n\n'
    b"event: message_stop\n"
    b'data: {"type":"message_stop"}\n\n'
)

# Short streams: small enough that every pair of split points is tried.
SHORT = {
    "lf": b"data: a\n\ndata: b\n\n",
    "crlf": b"event: e\r\ndata: 1\r\ndata: 2\r\n\r\n",
    "cr": b"id: 7\rdata: x\r\rdata: y\r\r",
    "mixed-endings": b"data: 1\r\n\rdata: 2\n\r\ndata: 3\r\r\n",
    "bom": b"\xef\xbb\xbfdata: \xc3\xa9t\xc3\xa9\n\n",
    "double-bom": b"\xef\xbb\xbf\xef\xbb\xbfdata: a\n\ndata: b\n\n",
    "multibyte": "data: €🎉ß\n\nevent: ü\ndata: 世\n\n".encode(),
    "comments": b": c\n:\ndata: a\n: x\ndata: b\n\n:\n",
    "empty-data": b"data\n\ndata:\ndata\n\n",
    "retry-and-id": b"retry: 1500\nid: 1\ndata: a\n\nid\nretry: x\ndata: b\n\n",
    "id-with-nul": b"id: 1\n\nid: 2\x00\ndata: a\n\n",
    "invalid-utf8": b"data: \xff\xe2\x82\ndata: \xac\xc0\n\n",
    "cut-mid-event": b"data: a\n\nevent: t\nid: 3\ndata: b\ndata: c",
    "cut-mid-crlf": b"data: a\r\n\r\ndata: b\r",
    "cut-after-retry": b"retry: 10\n\ndata: x\nretry: 2",
    "only-blank-lines": b"\n\r\n\r\r\n\n",
}

LONG = {
    "openai": OPENAI,
    "openai-crlf": OPENAI.replace(b"\n", b"\r\n"),
    "openai-cr": OPENAI.replace(b"\n", b"\r"),
    "anthropic": ANTHROPIC,
    "anthropic-crlf-bom": b"\xef\xbb\xbf" + ANTHROPIC.replace(b"\n", b"\r\n"),
    "multiline": (
        b"id: 1\nretry: 3000\nevent: report\n"
        + b"".join(f"data: línea {i}: {'✓' * (i % 4)}\n".encode() for i in range(12))
        + b"\n: progress\nid: 2\ndata: {\ndata:   \"k\": [1,\ndata:  2]\ndata: }\n\n"
    ),
    "cut-openai": OPENAI[: len(OPENAI) * 2 // 3],
}

ALL = {**SHORT, **LONG}


def _fragments_single(data: bytes):
    for cut in range(len(data) + 1):
        yield cut, [data[:cut], data[cut:]]


def _all_outcomes_equal(run, parser_cls, data, cuts_and_fragments):
    expected = run(parser_cls, [data])
    for cuts, fragments in cuts_and_fragments:
        got = run(parser_cls, fragments)
        assert got == expected, f"split at {cuts} of {data!r}"
    return expected


def test_streams_are_what_they_claim(parser_cls, run):
    # The fixtures themselves: check a few one-shot results so that a stream
    # accidentally giving no events cannot make the split tests vacuous.
    openai = run(parser_cls, [OPENAI])
    assert [e.data for e in openai.events][-1] == "[DONE]"
    assert "".join(
        json.loads(e.data)["choices"][0]["delta"].get("content", "") for e in openai.events[:-1]
    ) == "Grüß dich, 世界 🎉—ok"
    assert openai.pending is None and openai.error is None
    anthropic = run(parser_cls, [ANTHROPIC])
    assert [e.event for e in anthropic.events] == [
        "message_start",
        "content_block_start",
        "ping",
        "content_block_delta",
        "content_block_stop",
        "message_stop",
    ]
    assert run(parser_cls, [LONG["anthropic-crlf-bom"]]).events == anthropic.events
    assert run(parser_cls, [LONG["openai-cr"]]).events == openai.events
    multiline = run(parser_cls, [LONG["multiline"]])
    assert multiline.events[0].data.count("\n") == 11 and multiline.events[0].retry == 3000
    assert multiline.events[1] == Event(data='{\n  "k": [1,\n 2]\n}', id="2")
    assert run(parser_cls, [SHORT["cut-mid-event"]]).pending == IncompleteEvent(event="t", data="b\nc", id="3", has_data=True)
    assert run(parser_cls, [LONG["cut-openai"]]).pending is not None


@pytest.mark.parametrize("name", sorted(ALL))
def test_every_single_split_point_gives_the_one_shot_result(parser_cls, run, name):
    data = ALL[name]
    _all_outcomes_equal(run, parser_cls, data, _fragments_single(data))


@pytest.mark.parametrize("name", sorted(SHORT))
def test_every_two_split_points_give_the_one_shot_result(parser_cls, run, name):
    data = SHORT[name]
    pairs = (
        ((a, b), [data[:a], data[a:b], data[b:]]) for a, b in combinations(range(len(data) + 1), 2)
    )
    _all_outcomes_equal(run, parser_cls, data, pairs)


@pytest.mark.parametrize("name", sorted(ALL))
def test_one_byte_fragments_give_the_one_shot_result(parser_cls, run, name):
    data = ALL[name]
    assert run(parser_cls, [data[i : i + 1] for i in range(len(data))]) == run(parser_cls, [data])


@pytest.mark.parametrize("name", sorted(ALL))
@pytest.mark.parametrize("size", [2, 3, 5, 16, 64])
def test_fixed_size_fragments_give_the_one_shot_result(parser_cls, run, name, size):
    data = ALL[name]
    assert run(parser_cls, [data[i : i + size] for i in range(0, len(data), size)]) == run(parser_cls, [data])


@pytest.mark.parametrize("name", sorted(ALL))
def test_one_byte_fragments_with_empty_fragments_between(parser_cls, run, name):
    data = ALL[name]
    fragments = [piece for i in range(len(data)) for piece in (b"", data[i : i + 1])] + [b""]
    assert run(parser_cls, fragments) == run(parser_cls, [data])


@pytest.mark.parametrize("name", sorted(ALL))
@pytest.mark.parametrize("wrap", [bytearray, memoryview, lambda b: memoryview(bytearray(b))], ids=["bytearray", "memoryview", "memoryview-of-bytearray"])
def test_bytes_like_fragments_give_the_same_result(parser_cls, run, name, wrap):
    data = ALL[name]
    expected = run(parser_cls, [data])
    assert run(parser_cls, [wrap(data)]) == expected
    assert run(parser_cls, [wrap(data[i : i + 7]) for i in range(0, len(data), 7)]) == expected
    assert run(parser_cls, [wrap(data[i : i + 1]) for i in range(len(data))]) == expected


def test_memoryview_slices_of_one_buffer(parser_cls, run):
    # What a transport reading into a reused buffer hands over: slices of one memoryview.
    data = ALL["openai-crlf"]
    view = memoryview(data)
    fragments = [view[i : i + 11] for i in range(0, len(data), 11)]
    assert run(parser_cls, fragments) == run(parser_cls, [data])


def test_bytearray_reused_after_feed_does_not_corrupt_pending_line(parser_cls):
    # A transport may overwrite its buffer after feed() returns: the parser must have
    # copied the unterminated tail, not kept a view of it.
    buffer = bytearray(b"data: hello")
    parser = parser_cls()
    assert parser.feed(buffer) == []
    buffer[:] = b"XXXXXXXXXXX"
    view = memoryview(bytearray(b" world\n\n"))
    events = parser.feed(view)
    view[:] = b"ZZZZZZZZ"
    assert events == [Event(data="hello world")]
