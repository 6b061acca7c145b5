"""The anthropic dialect through the ``Accumulator``: what a Messages stream accumulates to.

Every stream here is written to look like what the Messages API sends (``event:``
lines naming the type, compact JSON, ``message_start`` ... ``message_stop``) and is
fed at many fragmentations: 1, 2, 3, 7 and 64 bytes, whole, and, for the short ones,
every single split point. The result must not depend on where the bytes were cut:
the same ``Completion`` and the same deltas, in the same order.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import helpers
import sseparse
from helpers import feed_all, fragmentations, pieces, run_cli
from sseparse import (
    Accumulator,
    ChunkDecodeError,
    Completion,
    Event,
    FinishDelta,
    MetadataDelta,
    ProviderError,
    ReasoningDelta,
    SseparseError,
    TextDelta,
    ToolCall,
    ToolCallArgumentsDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
    UsageDelta,
)

# -- writing streams ------------------------------------------------------------------

MESSAGE_ID = "msg_01HsQ7vTq2wNfK8dZ3xYcB5e"
MODEL = "claude-sonnet-4-5-20250929"
START_USAGE = {
    "input_tokens": 472,
    "cache_creation_input_tokens": 0,
    "cache_read_input_tokens": 2048,
    "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
    "output_tokens": 3,
    "service_tier": "standard",
}


def message_start(usage: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    message = {
        "model": MODEL,
        "id": MESSAGE_ID,
        "type": "message",
        "role": "assistant",
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": START_USAGE if usage is None else usage,
        **extra,
    }
    return {"type": "message_start", "message": message}


def block_start(index: int, block: dict[str, Any]) -> dict[str, Any]:
    return {"type": "content_block_start", "index": index, "content_block": block}


def text_start(index: int) -> dict[str, Any]:
    return block_start(index, {"type": "text", "text": ""})


def delta(index: int, kind: str, **fields: Any) -> dict[str, Any]:
    return {"type": "content_block_delta", "index": index, "delta": {"type": kind, **fields}}


def text(index: int, piece: str) -> dict[str, Any]:
    return delta(index, "text_delta", text=piece)


def json_piece(index: int, piece: str) -> dict[str, Any]:
    return delta(index, "input_json_delta", partial_json=piece)


def thinking(index: int, piece: str) -> dict[str, Any]:
    return delta(index, "thinking_delta", thinking=piece)


def block_stop(index: int) -> dict[str, Any]:
    return {"type": "content_block_stop", "index": index}


def message_delta(stop_reason: str | None, output_tokens: int, **more: Any) -> dict[str, Any]:
    usage = {"output_tokens": output_tokens, **more.pop("usage", {})}
    return {
        "type": "message_delta",
        "delta": {"stop_reason": stop_reason, "stop_sequence": more.pop("stop_sequence", None), **more},
        "usage": usage,
    }


PING = {"type": "ping"}
MESSAGE_STOP = {"type": "message_stop"}


def text_block(index: int, *pieces: str) -> list[dict[str, Any]]:
    """A whole text block: its start, a delta per piece, its stop."""
    return [text_start(index), *(text(index, piece) for piece in pieces), block_stop(index)]


def end(stop_reason: str | None, output_tokens: int, **more: Any) -> list[dict[str, Any]]:
    """The end of a message: its ``message_delta``, then ``message_stop``."""
    return [message_delta(stop_reason, output_tokens, **more), MESSAGE_STOP]


def sse(*events: dict[str, Any] | str, named: bool = True, newline: bytes = b"\n") -> bytes:
    """The raw stream: one event per object (``event:`` line then ``data:``); a str is sent as data."""
    out = []
    for item in events:
        if isinstance(item, str):
            out.append(b"data: " + item.encode() + newline + newline)
            continue
        data = json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode()
        head = b"event: " + item["type"].encode() + newline if named else b""
        out.append(head + b"data: " + data + newline + newline)
    return b"".join(out)


def accumulate_everywhere(data: bytes, *, every_split: bool = False) -> tuple[Completion, list[Any]]:
    """The Completion and deltas of ``data``, checked identical at every fragmentation,
    under ``auto`` and ``anthropic``, on both implementations, and without deltas;
    the deltas glue to the fields and fold to the Completion."""
    completion, deltas = helpers.accumulate_everywhere(data, "anthropic", every_split=every_split)
    assert completion.dialect == "anthropic"
    helpers.assert_deltas_glue(completion, deltas)
    json.dumps(completion.to_dict())
    return completion, deltas


# -- streams ----------------------------------------------------------------------------

NON_ASCII_PARTS = ["Grüße", " aus", " Zürich", " —", " 東京", "は", "晴れ", " 🌤️", ", «ça", " va»", "?"]

TEXT_STREAM = sse(
    message_start(),
    text_start(0),
    PING,
    *(text(0, part) for part in NON_ASCII_PARTS),
    block_stop(0),
    *end("end_turn", 27),
)

WEATHER_ARGS = json.dumps({"city": "Zürich", "units": "celsius", "days": [1, 2, 3]}, ensure_ascii=False)


def tool_stream(args: str = WEATHER_ARGS, size: int = 4) -> bytes:
    """Text, then a tool_use block whose input arrives in ``size``-character pieces."""
    return sse(
        message_start(),
        *text_block(0, "Let me check the weather."),
        block_start(1, {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather", "input": {}}),
        json_piece(1, ""),
        *(json_piece(1, args[i : i + size]) for i in range(0, len(args), size)),
        block_stop(1),
        *end("tool_use", 89),
    )


# -- text -------------------------------------------------------------------------------


def test_text_with_non_ascii_at_every_fragmentation() -> None:
    completion, deltas = accumulate_everywhere(TEXT_STREAM)
    assert completion.content == "".join(NON_ASCII_PARTS)
    assert completion.id == MESSAGE_ID
    assert completion.model == MODEL
    assert completion.finish_reason == "end_turn"
    assert completion.complete is True
    assert completion.error is None
    assert completion.reasoning == completion.refusal == ""
    assert completion.tool_calls == []
    assert completion.blocks == [{"type": "text", "text": "".join(NON_ASCII_PARTS)}]
    assert completion.choices[0].blocks == completion.blocks
    assert completion.extra == {}
    assert completion.created is None and completion.system_fingerprint is None
    # input_tokens counts the cache: 472 sent + 2,048 read from the cache + 0 written to it.
    final_usage = Usage(2520, 27, 2547, {**START_USAGE, "output_tokens": 27}, 2048, 0, None)
    assert deltas == [
        MetadataDelta(MESSAGE_ID, MODEL),
        UsageDelta(Usage(2520, 3, 2523, START_USAGE, 2048, 0, None)),
        *(TextDelta(0, part) for part in NON_ASCII_PARTS),
        FinishDelta(0, "end_turn"),
        UsageDelta(final_usage),
    ]
    assert completion.usage == final_usage


def test_short_text_split_at_every_byte() -> None:
    data = sse(message_start(), text_start(0), text(0, "Hé 👋"), block_stop(0), message_delta("end_turn", 4))
    data += sse(MESSAGE_STOP)
    completion, _ = accumulate_everywhere(data, every_split=True)
    assert completion.content == "Hé 👋"
    assert completion.complete


def test_empty_text_pieces_produce_no_deltas() -> None:
    data = sse(message_start(), text_start(0), text(0, ""), text(0, "a"), text(0, ""), block_stop(0), MESSAGE_STOP)
    completion, deltas = accumulate_everywhere(data)
    assert [d for d in deltas if type(d) is TextDelta] == [TextDelta(0, "a")]
    assert completion.blocks == [{"type": "text", "text": "a"}]


def test_several_text_blocks_are_glued_in_order() -> None:
    data = sse(
        message_start(),
        *text_block(0, "One. "),
        *text_block(1, "Two."),
        *end("end_turn", 5),
    )
    completion, _ = accumulate_everywhere(data)
    assert completion.content == "One. Two."
    assert completion.blocks == [{"type": "text", "text": "One. "}, {"type": "text", "text": "Two."}]


def test_deltas_reach_their_block_by_index_even_interleaved() -> None:
    data = sse(
        message_start(),
        text_start(0),
        text(0, "a"),
        block_start(1, {"type": "thinking", "thinking": "", "signature": ""}),
        thinking(1, "x"),
        text(0, "b"),
        thinking(1, "y"),
        block_stop(0),
        block_stop(1),
        MESSAGE_STOP,
    )
    completion, _ = accumulate_everywhere(data)
    assert completion.content == "ab"
    assert completion.reasoning == "xy"


def test_text_sent_in_content_block_start_is_kept() -> None:
    data = sse(message_start(), block_start(0, {"type": "text", "text": "Pre"}), text(0, "fix"), MESSAGE_STOP)
    completion, deltas = accumulate_everywhere(data)
    assert completion.content == "Prefix"
    assert [d for d in deltas if type(d) is TextDelta] == [TextDelta(0, "Pre"), TextDelta(0, "fix")]


def test_content_and_stop_reason_sent_in_message_start_are_read() -> None:
    """A server that sends (some of) the answer in ``message_start``'s message: its
    blocks are read as blocks that started and stopped whole, its stop reason as the
    finish reason; blocks streamed after them follow (their indexes start again)."""
    start = message_start(
        content=[
            {"type": "text", "text": "hi"},
            {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {"a": 1}},
        ],
        stop_reason="tool_use",
    )
    completion, deltas = accumulate_everywhere(sse(start, MESSAGE_STOP))
    assert completion.complete and completion.error is None
    assert completion.content == "hi"
    assert completion.finish_reason == "tool_use"
    assert [(c.id, c.name, c.arguments, c.complete) for c in completion.tool_calls] == [("toolu_1", "f", '{"a": 1}', True)]
    completion, _ = accumulate_everywhere(
        sse(message_start(content=[{"type": "text", "text": "Pre"}]), block_start(0, {"type": "text", "text": ""}),
            text(0, "fix"), block_stop(0), *end("end_turn", 3))
    )
    assert completion.content == "Prefix" and completion.finish_reason == "end_turn"


@pytest.mark.parametrize(
    "message",
    [{"content": "text"}, {"content": [1]}, {"content": [{"type": 1}]}, {"stop_reason": 3}],
)
def test_unreadable_content_in_message_start_is_an_error(message: dict[str, Any], implementation: str) -> None:
    """Content or a stop reason in ``message_start`` that cannot be read is a
    ``ChunkDecodeError`` naming the event, in both builds, never dropped."""
    data = sse(message_start(**message), MESSAGE_STOP)
    acc = sseparse.Accumulator("anthropic", implementation=implementation)  # type: ignore[arg-type]
    with pytest.raises(sseparse.ChunkDecodeError) as info:
        acc.feed(data)
    assert info.value.index == 0 and info.value.event is not None


def test_stream_without_event_lines_is_read_from_the_data_type() -> None:
    """Proxies that drop ``event:`` lines: the data's ``type`` says it all."""
    data = sse(message_start(), text_start(0), text(0, "Hi"), message_delta("end_turn", 2), MESSAGE_STOP, named=False)
    completion, _ = accumulate_everywhere(data)
    assert completion.content == "Hi"
    assert completion.complete


def test_event_line_stands_in_for_a_missing_type_and_a_missing_index_means_the_last_block() -> None:
    """Lenient servers speaking the Messages format: the event name says the type, and a
    delta without ``index`` continues the block the last one went to."""
    no_type = {key: value for key, value in text(0, "b").items() if key != "type"}
    no_index = {key: value for key, value in text(0, "c").items() if key != "index"}
    body = sse(message_start(), text_start(0), text(0, "a"))
    body += b"event: content_block_delta\ndata: " + json.dumps(no_type).encode() + b"\n\n"
    body += sse(no_index, MESSAGE_STOP, named=False)
    completion, _ = accumulate_everywhere(body)
    assert completion.content == "abc"


def test_crlf_stream() -> None:
    lf, _ = accumulate_everywhere(TEXT_STREAM)
    crlf_stream = sse(
        message_start(),
        text_start(0),
        PING,
        *(text(0, part) for part in NON_ASCII_PARTS),
        block_stop(0),
        *end("end_turn", 27),
        newline=b"\r\n",
    )
    assert accumulate_everywhere(crlf_stream)[0] == lf


# -- tool use ---------------------------------------------------------------------------


def test_tool_use_in_small_pieces() -> None:
    completion, deltas = accumulate_everywhere(tool_stream())
    assert completion.content == "Let me check the weather."
    assert completion.tool_calls == [
        ToolCall(0, "toolu_01A09q90qw90lq917835lq9", "get_weather", WEATHER_ARGS, "function", True)
    ]
    assert completion.tool_calls[0].parsed_arguments() == {"city": "Zürich", "units": "celsius", "days": [1, 2, 3]}
    assert completion.finish_reason == "tool_use"
    assert completion.complete
    assert ToolCallStart(0, 0, "toolu_01A09q90qw90lq917835lq9", "get_weather") in deltas
    assert [d.arguments for d in deltas if type(d) is ToolCallArgumentsDelta] == [
        WEATHER_ARGS[i : i + 4] for i in range(0, len(WEATHER_ARGS), 4)
    ]
    assert completion.blocks[1] == {
        "type": "tool_use",
        "id": "toolu_01A09q90qw90lq917835lq9",
        "name": "get_weather",
        "input": {"city": "Zürich", "units": "celsius", "days": [1, 2, 3]},
    }


def test_tool_use_split_at_every_byte() -> None:
    completion, _ = accumulate_everywhere(tool_stream('{"q": "ü"}', size=3), every_split=True)
    assert completion.tool_calls[0].arguments == '{"q": "ü"}'


def test_tool_input_whole_in_content_block_start() -> None:
    """A server that sends the input with the block and no ``input_json_delta``."""
    data = sse(
        message_start(),
        block_start(0, {"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {"id": 7, "tags": ["ä"]}}),
        block_stop(0),
        *end("tool_use", 9),
    )
    completion, deltas = accumulate_everywhere(data)
    call = completion.tool_calls[0]
    assert call.parsed_arguments() == {"id": 7, "tags": ["ä"]}
    assert call.arguments == json.dumps({"id": 7, "tags": ["ä"]}, ensure_ascii=False)
    assert deltas[2:5] == [
        ToolCallStart(0, 0, "toolu_1", "lookup"),
        ToolCallArgumentsDelta(0, 0, call.arguments),
        ToolCallEnd(0, 0),
    ]
    assert completion.blocks == [
        {"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {"id": 7, "tags": ["ä"]}}
    ]


def test_tool_without_arguments_has_an_empty_object() -> None:
    """``input: {}`` and one empty ``partial_json``: the SDK's message holds ``{}``."""
    data = sse(
        message_start(),
        block_start(0, {"type": "tool_use", "id": "toolu_2", "name": "refresh", "input": {}}),
        json_piece(0, ""),
        block_stop(0),
        *end("tool_use", 9),
    )
    completion, deltas = accumulate_everywhere(data)
    assert completion.tool_calls == [ToolCall(0, "toolu_2", "refresh", "{}", "function", True)]
    assert completion.tool_calls[0].parsed_arguments() == {}
    assert [d for d in deltas if type(d) is ToolCallArgumentsDelta] == [ToolCallArgumentsDelta(0, 0, "{}")]
    assert completion.blocks[0]["input"] == {}


def test_parallel_tool_calls_are_numbered_in_arrival_order() -> None:
    data = sse(
        message_start(),
        block_start(0, {"type": "tool_use", "id": "toolu_a", "name": "f", "input": {}}),
        json_piece(0, '{"x": 1}'),
        block_stop(0),
        block_start(1, {"type": "tool_use", "id": "toolu_b", "name": "g", "input": {}}),
        json_piece(1, '{"y":'),
        json_piece(1, " 2}"),
        block_stop(1),
        *end("tool_use", 30),
    )
    completion, _ = accumulate_everywhere(data)
    assert completion.tool_calls == [
        ToolCall(0, "toolu_a", "f", '{"x": 1}', "function", True),
        ToolCall(1, "toolu_b", "g", '{"y": 2}', "function", True),
    ]


def test_tool_input_cut_by_the_stream_end_shows_what_was_read() -> None:
    data = sse(
        message_start(),
        block_start(0, {"type": "tool_use", "id": "toolu_c", "name": "f", "input": {}}),
        json_piece(0, '{"path": "/tmp/a.txt", "content": "hel'),
    )
    completion, _ = accumulate_everywhere(data)
    assert completion.complete is False
    assert completion.tool_calls[0].arguments == '{"path": "/tmp/a.txt", "content": "hel'
    assert completion.blocks[0]["input"] == {"path": "/tmp/a.txt", "content": "hel"}


# -- thinking, redacted thinking, server tools, citations -------------------------------

SIGNATURE = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"


def test_thinking_then_text() -> None:
    data = sse(
        message_start(),
        block_start(0, {"type": "thinking", "thinking": "", "signature": ""}),
        thinking(0, "Let me add: "),
        thinking(0, "2 + 2 = 4."),
        delta(0, "signature_delta", signature=SIGNATURE),
        block_stop(0),
        *text_block(1, "It is 4."),
        *end("end_turn", 40),
    )
    completion, deltas = accumulate_everywhere(data)
    assert completion.reasoning == "Let me add: 2 + 2 = 4."
    assert completion.content == "It is 4."
    assert [d for d in deltas if type(d) is ReasoningDelta] == [
        ReasoningDelta(0, "Let me add: "),
        ReasoningDelta(0, "2 + 2 = 4."),
    ]
    assert completion.blocks == [
        {"type": "thinking", "thinking": "Let me add: 2 + 2 = 4.", "signature": SIGNATURE},
        {"type": "text", "text": "It is 4."},
    ]


def test_redacted_thinking_is_kept_in_blocks_only() -> None:
    redacted = {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIw"}
    data = sse(
        message_start(),
        block_start(0, redacted),
        block_stop(0),
        *text_block(1, "Done."),
        *end("end_turn", 7),
    )
    completion, _ = accumulate_everywhere(data)
    assert completion.reasoning == ""
    assert completion.content == "Done."
    assert completion.blocks == [redacted, {"type": "text", "text": "Done."}]


def web_search_stream() -> bytes:
    result = {
        "type": "web_search_tool_result",
        "tool_use_id": "srvtoolu_014hJH82Qum7Td6UV8gDXThB",
        "content": [
            {
                "type": "web_search_result",
                "title": "Städte im Überblick",
                "url": "https://example.org/staedte",
                "encrypted_content": "EqgfCioIARgBIiQ3YTAwMjY1Mi1",
                "page_age": None,
            }
        ],
    }
    citation = {
        "type": "web_search_result_location",
        "cited_text": "Zürich ist die größte Stadt der Schweiz.",
        "url": "https://example.org/staedte",
        "title": "Städte im Überblick",
        "encrypted_index": "Eo8BCioIAhgBIiQyYjQ0OWJmZi1",
    }
    return sse(
        message_start(usage={"input_tokens": 2101, "output_tokens": 1}),
        *text_block(0, "I'll search."),
        block_start(
            1, {"type": "server_tool_use", "id": "srvtoolu_014hJH82Qum7Td6UV8gDXThB", "name": "web_search", "input": {}}
        ),
        json_piece(1, '{"query": "gr'),
        json_piece(1, 'ößte Stadt Schweiz"}'),
        block_stop(1),
        block_start(2, result),
        block_stop(2),
        block_start(3, {"type": "text", "text": "", "citations": []}),
        delta(3, "citations_delta", citation=citation),
        text(3, "Zürich is the largest city."),
        block_stop(3),
        *end("end_turn", 120, usage={"server_tool_use": {"web_search_requests": 1}}),
    )


def test_server_tool_blocks_are_kept_and_are_not_tool_calls() -> None:
    completion, deltas = accumulate_everywhere(web_search_stream())
    assert completion.tool_calls == []
    assert not any(type(d) in (ToolCallStart, ToolCallArgumentsDelta) for d in deltas)
    assert completion.content == "I'll search.Zürich is the largest city."
    kinds = [block["type"] for block in completion.blocks]
    assert kinds == ["text", "server_tool_use", "web_search_tool_result", "text"]
    assert completion.blocks[1]["input"] == {"query": "größte Stadt Schweiz"}
    assert completion.blocks[2]["content"][0]["title"] == "Städte im Überblick"
    assert completion.blocks[3]["citations"][0]["cited_text"] == "Zürich ist die größte Stadt der Schweiz."
    assert completion.blocks[3]["text"] == "Zürich is the largest city."
    assert completion.usage is not None
    assert completion.usage.raw == {
        "input_tokens": 2101,
        "output_tokens": 120,
        "server_tool_use": {"web_search_requests": 1},
    }


def test_unknown_block_and_delta_and_event_types_are_kept() -> None:
    """New types the API may add: blocks are kept as sent, and so are deltas and events
    of types this version does not read (in extra["unread"], in order: they were
    skipped, lost from a complete result); a ping carries nothing."""
    data = sse(
        message_start(),
        block_start(0, {"type": "container_upload", "file_id": "file_011CNha8iCJcU1wXNR6q4V8w"}),
        block_stop(0),
        text_start(1),
        delta(1, "future_delta", anything=[1, 2]),
        text(1, "ok"),
        {"type": "message_annotation", "note": "new"},
        PING,
        *end("end_turn", 3),
    )
    completion, _ = accumulate_everywhere(data)
    assert completion.content == "ok"
    assert completion.blocks[0] == {"type": "container_upload", "file_id": "file_011CNha8iCJcU1wXNR6q4V8w"}
    assert completion.complete
    assert completion.extra["unread"] == [
        {"type": "content_block_delta", "index": 1, "delta": {"type": "future_delta", "anything": [1, 2]}},
        {"type": "message_annotation", "note": "new"},
    ]
    # a result read before the end keeps what it had
    acc = sseparse.Accumulator("anthropic")
    head, tail = data.split(b"message_annotation", 1)
    acc.feed(head)
    early = acc.completion
    acc.feed(b"message_annotation" + tail)
    assert len(early.extra["unread"]) == 1 and len(acc.close().extra["unread"]) == 2


def test_a_compaction_block_glues_its_summary_and_keeps_the_last_encrypted_content() -> None:
    data = sse(
        message_start(),
        block_start(0, {"type": "compaction", "content": None, "encrypted_content": None}),
        delta(0, "compaction_delta", content="Earlier: the user ", encrypted_content="Ep_old"),
        delta(0, "compaction_delta", content=None, encrypted_content=None),  # nothing new
        delta(0, "compaction_delta", content="asked about Zürich.", encrypted_content="Ep_new"),
        block_stop(0),
        *text_block(1, "Sunny."),
        *end("end_turn", 9),
    )
    completion, deltas = accumulate_everywhere(data, every_split=True)
    summary = {"type": "compaction", "content": "Earlier: the user asked about Zürich.", "encrypted_content": "Ep_new"}
    assert completion.blocks[0] == summary
    assert completion.content == "Sunny." and completion.reasoning == "" and completion.complete
    assert sseparse.BlockDelta(0, summary) in deltas


@pytest.mark.parametrize(
    "bad",
    [
        delta(0, "compaction_delta", content=7),
        delta(0, "compaction_delta", content="x", encrypted_content=["not", "text"]),
        text(0, "text into a compaction block"),
    ],
)
def test_a_compaction_delta_of_the_wrong_shape_is_an_error(bad: dict[str, Any], implementation: str) -> None:
    head = sse(message_start(), block_start(0, {"type": "compaction", "content": None}),
               delta(0, "compaction_delta", content="kept"))
    acc = Accumulator("anthropic", implementation=implementation)
    with pytest.raises(ChunkDecodeError):
        acc.feed(head + sse(bad))
    assert acc.completion.blocks[0]["content"] == "kept"


def test_a_delta_of_nothing_but_its_type_is_an_empty_piece() -> None:
    """A gateway that re-encodes events without their empty strings sends the first
    input piece, ``"partial_json": ""``, as a delta of nothing but its type."""
    data = sse(
        message_start(stop_reason=""),  # "" for null: no reason
        text_start(0),
        delta(0, "text_delta"),
        text(0, "Let me look."),
        block_stop(0),
        block_start(1, {"type": "tool_use", "id": "toolu_1", "name": "search", "input": {}}),
        delta(1, "input_json_delta"),
        json_piece(1, '{"q": "Foo"}'),
        block_stop(1),
        *end("tool_use", 12),
    )
    completion, _ = accumulate_everywhere(data)
    assert completion.content == "Let me look."
    assert completion.tool_calls == [ToolCall(0, "toolu_1", "search", '{"q": "Foo"}', "function", True)]
    assert completion.finish_reason == "tool_use" and completion.complete


@pytest.mark.parametrize("reason", ["max_tokens", "model_context_window_exceeded", "stop_sequence", "refusal"])
def test_a_call_the_provider_never_stopped_is_cut_when_the_message_stopped_short(reason: str) -> None:
    head = [
        message_start(),
        block_start(0, {"type": "tool_use", "id": "toolu_1", "name": "write", "input": {}}),
        json_piece(0, '{"lines": ["one", "tw'),
    ]
    completion, deltas = accumulate_everywhere(sse(*head, *end(reason, 30)))
    assert completion.complete and completion.finish_reason == reason
    assert completion.tool_calls == [ToolCall(0, "toolu_1", "write", '{"lines": ["one", "tw', "function", False)]
    assert not any(isinstance(d, ToolCallEnd) for d in deltas)
    # The same call with its input whole in the start: said by a delta all the same.
    whole = [message_start(), block_start(0, {"type": "tool_use", "id": "toolu_2", "name": "f", "input": {"a": 1}})]
    completion, deltas = accumulate_everywhere(sse(*whole, *end(reason, 3)))
    assert completion.tool_calls == [ToolCall(0, "toolu_2", "f", '{"a": 1}', "function", False)]
    assert ToolCallArgumentsDelta(0, 0, '{"a": 1}') in deltas
    # A message that stopped for its tool calls closes a call never stopped.
    completion, deltas = accumulate_everywhere(sse(*head[:2], json_piece(0, '{"lines": []}'), *end("tool_use", 9)))
    assert completion.tool_calls[0].complete and ToolCallEnd(0, 0) in deltas


def _read_to_failure(data: bytes, fragments: list[bytes], implementation: str) -> tuple[Any, list[Any], Any]:
    acc = Accumulator("auto", implementation=implementation)  # type: ignore[arg-type]
    deltas: list[Any] = []
    try:
        for fragment in fragments:
            deltas.extend(acc.feed(fragment))
        deltas.extend(acc.finish())
    except sseparse.SseparseError as exc:
        deltas.extend(exc.deltas)
        return exc.completion, deltas, exc
    return acc.close(), deltas, None


def test_a_second_message_while_the_first_is_open_is_an_error_not_a_mix() -> None:
    """An intermediary that lost its upstream mid-answer, retried, and spliced the
    retry into the same body: the first answer (cut) is the result, not complete,
    and the error says why; the two are never folded into one answer."""
    first = {"type": "tool_use", "id": "toolu_first", "name": "f", "input": {}}
    second = {"type": "tool_use", "id": "toolu_second", "name": "f", "input": {}}
    head = sse(message_start(), *text_block(0, "Calling."), block_start(1, first), json_piece(1, '{"value": "Spark'))
    for retry_id in (MESSAGE_ID, "msg_retry"):  # (a gateway may give both attempts its own id)
        retried = message_start()
        retried["message"]["id"] = retry_id
        data = head + sse(
            retried, *text_block(0, "Calling again."), block_start(1, second),
            json_piece(1, '{"value": "Sparkle"}'), block_stop(1), *end("tool_use", 20),
        )
        seen = []
        for fragments in fragmentations(data, every_split=True):
            for implementation in helpers.IMPLEMENTATIONS:
                completion, deltas, raised = _read_to_failure(data, fragments, implementation)
                assert isinstance(raised, ChunkDecodeError) and "a second message_start" in str(raised)
                assert raised.index == 6  # the second message_start
                assert completion.complete is False and completion.content == "Calling."
                assert completion.tool_calls == [
                    ToolCall(0, "toolu_first", "f", '{"value": "Spark', "function", False)
                ]
                assert not [d for d in deltas if isinstance(d, ToolCallEnd)]
                helpers.fold_equals_completion(deltas, completion)
                seen.append((completion, deltas))
        assert all(entry == seen[0] for entry in seen)


def test_the_same_message_start_twice_before_any_block_is_passed_over() -> None:
    """Some gateways send a response's message_start frame twice: nothing new."""
    once = sse(message_start(), *text_block(0, "Hi"), *end("end_turn", 2))
    twice = sse(message_start(), message_start(), *text_block(0, "Hi"), *end("end_turn", 2))
    completion, deltas = accumulate_everywhere(twice)
    assert (completion, deltas) == accumulate_everywhere(once)
    assert completion.complete and completion.content == "Hi"


def test_thinking_tokens_are_the_reasoning_tokens() -> None:
    usage = {"output_tokens": 48, "output_tokens_details": {"thinking_tokens": 30}}
    data = sse(message_start(), *text_block(0, "ok"), message_delta("end_turn", 48, usage=usage), MESSAGE_STOP)
    completion, _ = accumulate_everywhere(data)
    assert completion.usage is not None
    assert (completion.usage.output_tokens, completion.usage.reasoning_tokens) == (48, 30)
    bad = {"output_tokens": 48, "output_tokens_details": {"thinking_tokens": "30"}}
    data = sse(message_start(), *text_block(0, "ok"), message_delta("end_turn", 48, usage=bad), MESSAGE_STOP)
    completion, _ = accumulate_everywhere(data)
    assert completion.usage is not None and completion.usage.reasoning_tokens is None


# -- message_delta: stop reasons, extras, usage -----------------------------------------


@pytest.mark.parametrize("reason", ["end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal"])
def test_stop_reason_is_the_providers_own(reason: str) -> None:
    data = sse(message_start(), text_start(0), text(0, "x"), message_delta(reason, 2), MESSAGE_STOP)
    completion, deltas = accumulate_everywhere(data)
    assert completion.finish_reason == reason
    assert FinishDelta(0, reason) in deltas


def test_stop_sequence_and_stop_details_go_to_extra() -> None:
    details = {"type": "refusal", "category": "cyber", "explanation": "Blocked under the Usage Policy."}
    data = sse(
        message_start(),
        text_start(0),
        text(0, "1, 2, 3"),
        *end("stop_sequence", 6, stop_sequence="4", stop_details=details),
    )
    completion, _ = accumulate_everywhere(data)
    assert completion.finish_reason == "stop_sequence"
    assert completion.extra == {"stop_sequence": "4", "stop_details": details}


def test_refusal_stop_reason_leaves_refusal_text_empty() -> None:
    """Anthropic says refusal with a stop reason, not with text: ``refusal`` stays empty."""
    data = sse(message_start(), PING, message_delta("refusal", 5), MESSAGE_STOP)
    completion, _ = accumulate_everywhere(data)
    assert completion.finish_reason == "refusal"
    assert completion.refusal == completion.content == ""
    assert completion.complete


def test_context_management_goes_to_extra() -> None:
    event = {**message_delta("end_turn", 3), "context_management": {"applied_edits": []}}
    completion, _ = accumulate_everywhere(sse(message_start(), event, MESSAGE_STOP))
    assert completion.extra == {"context_management": {"applied_edits": []}}


def test_output_tokens_are_cumulative_and_assigned_not_added() -> None:
    data = sse(
        message_start(),
        text_start(0),
        text(0, "a"),
        message_delta(None, 10),
        *end("end_turn", 25),
    )
    completion, deltas = accumulate_everywhere(data)
    assert completion.usage is not None
    assert (completion.usage.input_tokens, completion.usage.output_tokens, completion.usage.total_tokens) == (
        2520,
        25,
        2545,
    )
    assert [d.usage.output_tokens for d in deltas if type(d) is UsageDelta] == [3, 10, 25]


def test_message_delta_usage_updates_other_fields_and_null_keeps_earlier_counts() -> None:
    data = sse(
        message_start(),
        message_delta(
            "end_turn",
            48,
            usage={"input_tokens": 480, "cache_read_input_tokens": None, "cache_creation_input_tokens": 16},
        ),
        MESSAGE_STOP,
    )
    completion, _ = accumulate_everywhere(data)
    # 480 sent + 2,048 read (the null kept the earlier count) + 16 written.
    assert completion.usage == Usage(
        2544,
        48,
        2592,
        {**START_USAGE, "input_tokens": 480, "cache_creation_input_tokens": 16, "output_tokens": 48},
        2048,
        16,
        None,
    )


def test_the_same_usage_again_makes_no_usage_delta() -> None:
    data = sse(message_start(usage={"input_tokens": 5, "output_tokens": 1}), message_delta(None, 1), MESSAGE_STOP)
    _, deltas = accumulate_everywhere(data)
    assert [d for d in deltas if type(d) is UsageDelta] == [
        UsageDelta(Usage(5, 1, 6, {"input_tokens": 5, "output_tokens": 1}))
    ]


def test_message_start_fields_without_a_common_name_go_to_extra() -> None:
    data = sse(message_start(container={"id": "container_011CN", "expires_at": "2025-11-21T10:00:00Z"}), MESSAGE_STOP)
    completion, _ = accumulate_everywhere(data)
    assert completion.extra == {"container": {"id": "container_011CN", "expires_at": "2025-11-21T10:00:00Z"}}


# -- the end of the stream --------------------------------------------------------------


def test_message_stop_ends_the_stream() -> None:
    """(What may follow it: test_after_the_end.)"""
    data = sse(message_start(), text_start(0), text(0, "kept"), MESSAGE_STOP)
    completion, deltas = accumulate_everywhere(data)
    assert completion.content == "kept"
    assert completion.complete


def test_not_complete_before_message_stop_or_a_stop_reason() -> None:
    acc = Accumulator()
    acc.feed(sse(message_start(), text_start(0), text(0, "Hi")))
    assert acc.completion.content == "Hi"
    assert acc.completion.complete is False
    acc.feed(sse(message_delta("end_turn", 2)))
    assert acc.completion.complete is False  # more may come: not closed yet
    acc.feed(sse(MESSAGE_STOP))
    assert acc.completion.complete is True


def test_stream_cut_before_message_stop_keeps_everything() -> None:
    data = sse(message_start(), text_start(0), text(0, "Half an ans"))
    completion, deltas = accumulate_everywhere(data)
    assert completion.content == "Half an ans"
    assert completion.complete is False
    assert completion.error is not None and completion.error["type"] == "incomplete_stream"
    assert "message_stop" in completion.error["message"]


def test_stop_reason_without_message_stop_is_complete() -> None:
    completion, _ = accumulate_everywhere(
        sse(message_start(), text_start(0), text(0, "ok"), message_delta("end_turn", 2))
    )
    assert completion.complete is True
    assert completion.error is None


def test_message_stop_without_its_blank_line_is_used() -> None:
    """Captures often end right after ``data: {"type":"message_stop"}``."""
    data = sse(message_start(), text_start(0), text(0, "ok"), message_delta("end_turn", 2), MESSAGE_STOP)[:-2]
    completion, _ = accumulate_everywhere(data)
    assert completion.complete and completion.error is None
    data = sse(message_start(), text_start(0), text(0, "ok"), MESSAGE_STOP)[:-1]
    completion, _ = accumulate_everywhere(data)
    assert completion.complete and completion.error is None


def test_stream_cut_inside_an_event_names_what_was_pending() -> None:
    data = sse(message_start(), text_start(0), text(0, "Hello")) + b'event: content_block_delta\ndata: {"type":"conte'
    completion, _ = accumulate_everywhere(data)
    assert completion.content == "Hello"
    assert completion.complete is False
    assert completion.error is not None
    assert completion.error["pending_data_prefix"].startswith('\'{"type":"conte')


# -- errors -----------------------------------------------------------------------------

OVERLOADED = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}


def test_error_event_raises_provider_error_and_keeps_the_partial_result() -> None:
    data = sse(message_start(), text_start(0), text(0, "Partial"), OVERLOADED, text(0, " never"))
    for fragments in fragmentations(data):
        acc = Accumulator()
        with pytest.raises(ProviderError) as info:
            for fragment in fragments:
                acc.feed(fragment)
        exc = info.value
        assert exc.type == "overloaded_error"
        assert exc.message == "Overloaded"
        assert exc.error == OVERLOADED["error"]
        assert exc.dialect == "anthropic"
        assert exc.completion is not None and exc.completion.content == "Partial"
        final = acc.close()
        assert final.content == "Partial"
        assert final.complete is False
        assert final.error is not None
        assert final.error["type"] == "provider_error"
        assert final.error["error_type"] == "overloaded_error"
        assert final.error["message"] == "Overloaded"
        assert final.error["request_id"] is None


def test_the_request_id_beside_an_error_is_kept(implementation: str) -> None:
    data = sse(message_start(), text_start(0), text(0, "Partial"),
               {**OVERLOADED, "request_id": "req_011CYeT1GYt7Kg27RdtV9zeo"})
    acc = Accumulator("anthropic", implementation=implementation)
    with pytest.raises(ProviderError) as info:
        acc.feed(data)
    assert info.value.request_id == "req_011CYeT1GYt7Kg27RdtV9zeo"
    assert info.value.error == OVERLOADED["error"]
    final = acc.close()
    assert final.error is not None and final.error["request_id"] == "req_011CYeT1GYt7Kg27RdtV9zeo"


def test_error_as_the_first_event_is_detected_and_raised() -> None:
    with pytest.raises(ProviderError, match="overloaded_error"):
        sseparse.accumulate([sse(OVERLOADED)])


def test_plain_text_error_event() -> None:
    data = sse(message_start()) + b"event: error\ndata: upstream connect error\n\n"
    with pytest.raises(ProviderError, match="upstream connect error"):
        sseparse.accumulate([data])


def test_error_deltas_before_it_in_the_same_feed_are_on_the_exception() -> None:
    acc = Accumulator()
    with pytest.raises(ProviderError) as info:
        acc.feed(
            sse(message_start(usage={"input_tokens": 1, "output_tokens": 1}), text_start(0), text(0, "a"), OVERLOADED)
        )
    assert TextDelta(0, "a") in info.value.deltas


def test_malformed_json_names_the_event_and_keeps_what_came_before() -> None:
    data = sse(message_start(), text_start(0), text(0, "Before"), '{"type":"content_block_delta","ind', text(0, "x"))
    acc = Accumulator()
    with pytest.raises(ChunkDecodeError) as info:
        acc.feed(data)
    assert "event #3" in str(info.value)
    assert "content_block_delta" in str(info.value)
    assert acc.close().content == "Before"


@pytest.mark.parametrize(
    "bad",
    [
        text(5, "to a block that never started"),
        json_piece(0, '{"into": "a text block"}'),
        thinking(0, "into a text block"),
        delta(0, "signature_delta", signature="into a text block"),
        delta(0, "text_delta", text=7),
        delta(0, "text_delta", txt="a member of another name, and no text"),
        {"type": "content_block_delta", "index": 0},
        {"type": "content_block_start", "index": 1, "content_block": "text"},
        {"type": "content_block_start", "index": 1, "content_block": {"type": "tool_use", "id": 5, "name": "f"}},
        {"type": "content_block_start", "content_block": {"type": "text", "text": ""}},
        {"type": "message_start", "message": []},
        message_delta(["end_turn"], 1),  # type: ignore[arg-type]
        [1, 2],
    ],
)
def test_events_of_the_wrong_shape_raise_chunk_decode_error(bad: Any) -> None:
    head = sse(message_start(), text_start(0), text(0, "ok"))
    data = head + (b"data: " + json.dumps(bad).encode() + b"\n\n")
    acc = Accumulator()
    with pytest.raises(ChunkDecodeError):
        acc.feed(data)
    assert acc.close().content == "ok"


def test_blank_data_events_are_ignored() -> None:
    data = sse(message_start()) + b"data: \n\n" + sse(text_start(0), text(0, "a"), MESSAGE_STOP)
    assert accumulate_everywhere(data)[0].content == "a"


# -- detection, events framed elsewhere, the CLI ------------------------------------------


def test_auto_detects_anthropic() -> None:
    acc = Accumulator()
    assert acc.dialect == "auto"
    acc.feed(sse(PING))
    assert acc.dialect == "anthropic"
    assert "anthropic" in sseparse.dialect_names()


def test_feed_event_takes_events_framed_elsewhere() -> None:
    acc = Accumulator("anthropic")
    acc.feed_event(Event(event="message_start", data=json.dumps(message_start())))
    acc.feed_event(Event(event="content_block_start", data=json.dumps(text_start(0))))
    assert acc.feed_event(Event(event="content_block_delta", data=json.dumps(text(0, "Hé")))) == [TextDelta(0, "Hé")]
    acc.feed_event(Event(event="message_stop", data=json.dumps(MESSAGE_STOP)))
    final = acc.close()
    assert final.content == "Hé" and final.complete


def test_iter_deltas_and_accumulate_agree() -> None:
    stream = sseparse.iter_deltas(pieces(tool_stream(), 9))
    deltas = list(stream)
    completion, expected = feed_all([tool_stream()])
    assert deltas == expected
    assert stream.completion == completion == sseparse.accumulate(pieces(tool_stream(), 9))


def test_cli_accumulates_an_anthropic_stream(tmp_path: Path) -> None:
    path = tmp_path / "anthropic.sse"
    path.write_bytes(tool_stream())
    expected = feed_all([tool_stream()])[0].to_dict()
    for args in ([], ["--chunk-size", "3"], ["--dialect", "anthropic", "--chunk-size", "64"]):
        code, result = run_cli(b"", str(path), *args)
        assert code == 0
        assert result == json.loads(json.dumps(expected))


def test_cli_on_an_error_stream_writes_the_partial_result_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "error.sse"
    path.write_bytes(sse(message_start(), text_start(0), text(0, "Partial"), OVERLOADED))
    code, result = run_cli(b"", str(path), "--chunk-size", "5")
    assert code == 1
    assert result["content"] == "Partial"
    assert result["complete"] is False
    assert result["error"]["error_type"] == "overloaded_error"


# -- properties --------------------------------------------------------------------------


def test_two_streams_glued_read_as_one() -> None:
    """The stream the split property uses: every kind of block, the second part's
    message_start ignored for id and model, both message_deltas folded in."""
    stream = web_search_stream().replace(sse(MESSAGE_STOP), b"") + tool_stream()[len(sse(message_start())) :]
    completion, _ = accumulate_everywhere(stream)
    assert completion.content == "I'll search.Zürich is the largest city.Let me check the weather."
    assert [call.name for call in completion.tool_calls] == ["get_weather"]
    assert completion.finish_reason == "tool_use"


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_split_points_give_the_same_result(data: st.DataObject) -> None:
    stream = web_search_stream().replace(sse(MESSAGE_STOP), b"") + tool_stream()[len(sse(message_start())) :]
    assert feed_all(data.draw(helpers.any_split(stream))) == feed_all([stream])


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.binary(max_size=40),
            st.sampled_from(
                [b"event: ", b"data: ", b"\n\n", b"{", b'"type":"content_block_delta"', b'"index":0', b"message_stop"]
            ),
        ),
        max_size=30,
    )
)
def test_garbage_raises_only_sseparse_errors(parts: list[bytes]) -> None:
    helpers.assert_only_sseparse_errors(parts, "anthropic")


_KEYS = [
    "type",
    "index",
    "delta",
    "content_block",
    "message",
    "usage",
    "text",
    "thinking",
    "signature",
    "partial_json",
    "citation",
    "input",
    "id",
    "name",
    "stop_reason",
    "input_tokens",
    "output_tokens",
    "error",
]
_VALUES = [
    "content_block_delta",
    "content_block_start",
    "content_block_stop",
    "message_start",
    "message_delta",
    "message_stop",
    "error",
    "text",
    "text_delta",
    "tool_use",
    "thinking",
    "input_json_delta",
    "thinking_delta",
    "citations_delta",
    "signature_delta",
    "server_tool_use",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.recursive(
            st.none() | st.booleans() | st.integers(-1, 3) | st.sampled_from(_VALUES) | st.text(max_size=4),
            lambda children: (
                st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(_KEYS), children, max_size=4)
            ),
            max_leaves=20,
        ),
        max_size=6,
    )
)
def test_any_json_events_give_a_result_or_an_sseparse_error(objs: list[Any]) -> None:
    data = sse(message_start(), text_start(0), *(json.dumps(obj) for obj in objs))
    acc = Accumulator("anthropic")
    with contextlib.suppress(SseparseError):
        acc.feed(data)
    result = acc.close()
    json.dumps(result.to_dict())
    for call in result.tool_calls:
        with contextlib.suppress(SseparseError):
            call.parsed_arguments()


def test_a_whole_input_that_is_not_json_stays_its_text_in_blocks() -> None:
    """A server tool's input whose pieces end (its block stopped) but do not make JSON
    shows in ``blocks`` as the text sent, not as a value read from its first part;
    cut before its block stopped, as what can be read so far."""
    start = block_start(0, {"type": "server_tool_use", "id": "srvtoolu_1", "name": "bash", "input": {}})
    pieces = [json_piece(0, '"command"'), json_piece(0, ':"view"}')]
    completion, _ = accumulate_everywhere(sse(message_start(), start, *pieces, block_stop(0), *end("end_turn", 3)))
    assert completion.complete
    assert completion.blocks[0]["input"] == '"command":"view"}'
    cut, _ = accumulate_everywhere(sse(message_start(), start, json_piece(0, '{"command":"vi')))
    assert not cut.complete and cut.blocks[0]["input"] == {"command": "vi"}
