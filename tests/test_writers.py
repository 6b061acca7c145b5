"""The stream writers, delta by delta: what a source says late, what it never says,
and what only some targets can carry. Every output is read back by the target's own
SDK (``sdk_readers``) and by sseparse."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("openai")
pytest.importorskip("anthropic")

import sseparse  # noqa: E402
from sdk_readers import READERS  # noqa: E402
from transcode_cases import TARGETS  # noqa: E402

D = sseparse


def written(target: str, *batches: list[Any], **options: Any) -> tuple[bytes, list[bytes]]:
    """The whole output for ``batches`` of deltas (one ``write()`` each) and ``end()``,
    and what each ``write()`` returned."""
    writer = sseparse.writer_for(target, **options)
    parts = [writer.write(batch) for batch in batches]
    return b"".join(parts) + writer.end(), parts


@pytest.mark.parametrize("target", TARGETS)
def test_a_call_whose_id_and_name_come_late_is_written_once_they_are_known(target: str) -> None:
    out, parts = written(
        target,
        [D.MetadataDelta("resp_1", "m"), D.ToolCallStart(0, 0, None, "get_")],
        [D.ToolCallUpdate(0, 0, None, "weather"), D.ToolCallArgumentsDelta(0, 0, '{"city": ')],
        [D.ToolCallUpdate(0, 0, "call_late", ""), D.ToolCallArgumentsDelta(0, 0, '"Köln"}')],
        [D.ToolCallEnd(0, 0), D.FinishDelta(0, "tool_calls")],
    )
    assert b"get_" not in parts[0] + parts[1]  # held until the id arrived
    assert b"call_late" in parts[2]
    view = READERS[target](out)
    assert view["tool_calls"] == [("call_late", "get_weather", {"city": "Köln"})]
    completion = sseparse.accumulate([out], target)
    assert [(c.id, c.name, c.parsed_arguments()) for c in completion.tool_calls] == view["tool_calls"]


@pytest.mark.parametrize("target", TARGETS)
def test_a_call_that_never_gets_an_id_gets_one_made_up(target: str) -> None:
    out, _ = written(
        target,
        [D.ToolCallStart(0, 0, None, "lookup"), D.ToolCallArgumentsDelta(0, 0, '{"q": 1}'), D.ToolCallEnd(0, 0)],
        [D.ToolCallStart(0, 1, None, "lookup"), D.ToolCallArgumentsDelta(0, 1, "{}"), D.ToolCallEnd(0, 1)],
        [D.FinishDelta(0, "STOP")],
    )
    calls = READERS[target](out)["tool_calls"]
    assert [(name, args) for _, name, args in calls] == [("lookup", {"q": 1}), ("lookup", {})]
    ids = [call_id for call_id, _, _ in calls]
    assert all(call_id and call_id.startswith("call_") for call_id in ids) and len(set(ids)) == 2
    assert READERS[target](out)["finish_reason"] in ("tool_calls", "tool_use", "completed")


@pytest.mark.parametrize("target", ["openai-chat", "openai-responses"])
def test_a_custom_tool_call_stays_custom(target: str) -> None:
    """A custom tool's free-text input, name late, beside a function call: the targets
    that have custom calls write one (openai-chat: ``custom`` pieces), read back as
    ``kind="custom"`` by sseparse on both builds and as such by the target's SDK."""
    out, _ = written(
        target,
        [D.MetadataDelta("resp_1", "m"), D.ToolCallStart(0, 0, "call_c", "pyth", "custom")],
        [D.ToolCallUpdate(0, 0, None, "on"), D.ToolCallArgumentsDelta(0, 0, 'print("ok")'), D.ToolCallEnd(0, 0)],
        [D.ToolCallStart(0, 1, "call_f", "add"), D.ToolCallArgumentsDelta(0, 1, '{"a": 1}'), D.ToolCallEnd(0, 1)],
        [D.FinishDelta(0, "tool_calls")],
    )
    assert READERS[target](out)["tool_calls"] == [("call_c", "python", 'print("ok")'), ("call_f", "add", {"a": 1})]
    for implementation in ("cython", "python"):
        if implementation == "cython" and sseparse.IMPLEMENTATION != "cython":
            continue
        acc = sseparse.Accumulator(target, implementation=implementation)
        acc.feed(out)
        completion = acc.close()
        assert [(c.kind, c.id, c.name, c.arguments, c.complete) for c in completion.tool_calls] == [
            ("custom", "call_c", "python", 'print("ok")', True), ("function", "call_f", "add", '{"a": 1}', True)
        ]


@pytest.mark.parametrize("target", TARGETS)
def test_a_legacy_function_call_becomes_a_tool_call(target: str) -> None:
    out, _ = written(
        target,
        [D.FunctionCallDelta(0, "get_time", ""), D.FunctionCallDelta(0, "", '{"tz":'), D.FunctionCallDelta(0, "", '"UTC"}')],
        [D.FinishDelta(0, "function_call")],
    )
    ((_, name, args),) = READERS[target](out)["tool_calls"]
    assert (name, args) == ("get_time", {"tz": "UTC"})


@pytest.mark.parametrize("target", TARGETS)
def test_an_empty_answer_is_still_a_whole_stream(target: str) -> None:
    out, _ = written(target, [])
    view = READERS[target](out)
    assert (view["content"], view["tool_calls"]) == ("", [])
    assert sseparse.accumulate([out], target).complete


@pytest.mark.parametrize("target", TARGETS)
def test_the_callers_id_and_model_win_and_the_identity_is_fixed_once_written(target: str) -> None:
    out, _ = written(
        target,
        [D.MetadataDelta("src_id", "src-model"), D.TextDelta(0, "a")],
        [D.MetadataDelta("other", "other-model"), D.TextDelta(0, "b"), D.FinishDelta(0, "stop")],
        id="gw_1",
    )
    view = READERS[target](out)
    assert (view["id"], view["model"], view["content"]) == ("gw_1", "src-model", "ab")


def test_openai_chat_carries_every_choice() -> None:
    out, _ = written(
        "openai-chat",
        [D.TextDelta(0, "Rot"), D.TextDelta(1, "Blau"), D.TextDelta(0, "kehlchen")],
        [D.FinishDelta(1, "length"), D.FinishDelta(0, "end_turn")],
    )
    completion = sseparse.accumulate([out], "openai-chat")
    assert [(c.index, c.content, c.finish_reason) for c in completion.choices] == [
        (0, "Rotkehlchen", "stop"),
        (1, "Blau", "length"),
    ]


@pytest.mark.parametrize("target", ["anthropic", "openai-responses"])
def test_single_answer_targets_keep_the_first_choice(target: str) -> None:
    out, _ = written(target, [D.TextDelta(0, "Rot"), D.TextDelta(1, "Blau"), D.FinishDelta(1, "stop")],
                     [D.FinishDelta(0, "stop")])
    assert READERS[target](out)["content"] == "Rot"


def test_an_openai_chat_name_piece_after_the_call_opened_is_written() -> None:
    out, _ = written(
        "openai-chat",
        [D.ToolCallStart(0, 0, "call_1", "get"), D.ToolCallArgumentsDelta(0, 0, "{")],
        [D.ToolCallUpdate(0, 0, None, "_weather"), D.ToolCallArgumentsDelta(0, 0, "}"), D.FinishDelta(0, "stop")],
    )
    assert READERS["openai-chat"](out)["tool_calls"] == [("call_1", "get_weather", {})]


def test_anthropic_thinking_keeps_its_signature() -> None:
    out, _ = written(
        "anthropic",
        [D.ReasoningDelta(0, "Hmm."), D.SignatureDelta(0, "EqQBCkYIBRgCKkD="), D.TextDelta(0, "Ja.")],
        [D.FinishDelta(0, "end_turn")],
    )
    completion = sseparse.accumulate([out], "anthropic")
    assert completion.blocks[0] == {"type": "thinking", "thinking": "Hmm.", "signature": "EqQBCkYIBRgCKkD="}
    assert completion.content == "Ja."


REDACTED = {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT"}


def test_whole_blocks_pass_through_between_the_same_dialect_only() -> None:
    deltas = [D.BlockDelta(0, REDACTED), D.TextDelta(0, "Ja."), D.FinishDelta(0, "end_turn")]
    same, _ = written("anthropic", deltas, passthrough=True)
    assert sseparse.accumulate([same], "anthropic").blocks[0] == REDACTED
    other, _ = written("anthropic", deltas)
    assert [b["type"] for b in sseparse.accumulate([other], "anthropic").blocks] == ["text"]


def test_responses_whole_items_pass_through() -> None:
    item = {"id": "ws_1", "type": "web_search_call", "status": "completed", "action": {"type": "search", "query": "x"}}
    out, _ = written("openai-responses", [D.BlockDelta(0, item), D.TextDelta(0, "Found."), D.FinishDelta(0, "completed")],
                     passthrough=True)
    completion = sseparse.accumulate([out], "openai-responses")
    assert completion.blocks[0] == item and completion.content == "Found."


@pytest.mark.parametrize("target", TARGETS)
def test_fail_writes_nothing_after_it_and_end_after_fail_writes_nothing(target: str) -> None:
    writer = sseparse.writer_for(target)
    out = writer.write([D.TextDelta(0, "x")]) + writer.fail({"type": "incomplete_stream", "message": "cut"})
    assert writer.end() == b"" and writer.fail(None) == b""
    assert b"cut" in out


def test_auto_detection_turns_the_passthrough_on_for_the_same_dialect() -> None:
    same = sseparse.Transcoder("anthropic")
    same.feed(b'event: ping\ndata: {"type": "ping"}\n\n')
    assert same._writer._passthrough is True
    other = sseparse.Transcoder("openai-chat")
    other.feed(b'event: ping\ndata: {"type": "ping"}\n\n')
    assert other._writer._passthrough is False
