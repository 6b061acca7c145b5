"""Differential test: sseparse accumulates what the official ``anthropic`` SDK accumulates.

The SDK gets the bytes the way ``client.messages.stream(...)`` does, minus the network:
its own ``anthropic.Stream`` (its SSE decoder, its event filtering, its typed events)
reading a list of fragments instead of a response body, wrapped in its
``MessageStream``, whose ``get_final_message()`` is the accumulated message. sseparse
gets the same bytes at several fragmentations. Content, reasoning, tool calls (id,
name, parsed input), stop reason, usage, id, model, every content block (our
``blocks`` against the SDK's ``message.content``), ``stop_sequence`` and
``stop_details`` must match. Runs when ``anthropic`` is installed (the ``test``
extra), skipped otherwise.

Streams stay inside what the SDK handles: it raises on a delta of the wrong kind and
has no notion of a tool input sent whole with no ``input_json_delta`` after it being
text, so those cases are pinned by ``test_anthropic.py`` alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import helpers
import sseparse

anthropic = pytest.importorskip("anthropic")
httpx2 = pytest.importorskip("httpx2")
streaming = pytest.importorskip("anthropic.lib.streaming")
anthropic_types = pytest.importorskip("anthropic.types")

_URL = "http://127.0.0.1:9/v1"  # never contacted: no request is made


class _FragmentStream(anthropic.Stream):  # type: ignore[misc,name-defined]
    """``anthropic.Stream`` reading a list of fragments instead of ``response.iter_bytes()``."""

    fragments: Sequence[bytes] = ()

    def _iter_events(self) -> Iterator[Any]:
        yield from self._decoder.iter_bytes(iter(self.fragments))


_CLIENT = anthropic.Anthropic(api_key="sk-ant-test-never-sent", base_url=_URL, max_retries=0)
_REQUEST = httpx2.Request("POST", _URL + "/messages")


def sdk_message(data: bytes) -> Any:
    response = httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=b"", request=_REQUEST)
    raw = _FragmentStream(cast_to=anthropic_types.RawMessageStreamEvent, response=response, client=_CLIENT)
    raw.fragments = [data]
    return streaming.MessageStream(raw, output_format=anthropic.NOT_GIVEN).get_final_message()


def _no_nulls(obj: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if obj is None else {key: value for key, value in obj.items() if value is not None}


def sdk_view(data: bytes) -> dict[str, Any]:
    message = sdk_message(data).to_dict()
    blocks = message["content"]
    return {
        "id": message["id"],
        "model": message["model"],
        "content": "".join(block["text"] for block in blocks if block["type"] == "text"),
        "reasoning": "".join(block["thinking"] for block in blocks if block["type"] == "thinking"),
        "tool_calls": [(block["id"], block["name"], block["input"]) for block in blocks if block["type"] == "tool_use"],
        "stop_reason": message["stop_reason"],
        "usage": _no_nulls(message["usage"]),
        "blocks": blocks,
        "stop_sequence": message.get("stop_sequence"),
        "stop_details": message.get("stop_details"),
    }


def our_view(completion: sseparse.Completion) -> dict[str, Any]:
    return {
        **helpers.answer_view(completion),
        "stop_reason": completion.finish_reason,
        "usage": _no_nulls(None if completion.usage is None else completion.usage.raw),
        "blocks": completion.blocks,
        "stop_sequence": completion.extra.get("stop_sequence"),
        "stop_details": completion.extra.get("stop_details"),
    }


def assert_same_as_sdk(data: bytes) -> None:
    expected = sdk_view(data)
    for size in (None, 1, 5, 64):
        completion = sseparse.accumulate(helpers.pieces(data, size))
        assert completion.complete
        assert completion.dialect == "anthropic"
        assert our_view(completion) == expected, f"differs from the anthropic SDK at fragment size {size}"


# -- streams ------------------------------------------------------------------------------

USAGE = {
    "input_tokens": 1021,
    "cache_creation_input_tokens": 0,
    "cache_read_input_tokens": 512,
    "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
    "output_tokens": 2,
    "service_tier": "standard",
}


def event(obj: dict[str, Any]) -> bytes:
    data = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return f"event: {obj['type']}\ndata: {data}\n\n".encode()


def start(usage: dict[str, Any] | None = None) -> bytes:
    message: dict[str, Any] = {
        "model": "claude-opus-4-1-20250805",
        "id": "msg_01Vx8cK3pQ2sLmN7tR4wZ9aB",
        "type": "message",
        "role": "assistant",
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": USAGE if usage is None else usage,
    }
    return event({"type": "message_start", "message": message})


def block(index: int, content_block: dict[str, Any]) -> bytes:
    return event({"type": "content_block_start", "index": index, "content_block": content_block})


def delta(index: int, kind: str, **fields: Any) -> bytes:
    return event({"type": "content_block_delta", "index": index, "delta": {"type": kind, **fields}})


def stop(index: int) -> bytes:
    return event({"type": "content_block_stop", "index": index})


def finish(reason: str, output_tokens: int, *, usage: dict[str, Any] | None = None, **fields: Any) -> bytes:
    return event(
        {
            "type": "message_delta",
            "delta": {"stop_reason": reason, "stop_sequence": None, **fields},
            "usage": {"output_tokens": output_tokens, **(usage or {})},
        }
    )


END = event({"type": "message_stop"}) + b""
PING = event({"type": "ping"})


def split(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def test_text() -> None:
    parts = ["Grüße", " aus", " Zürich", " 🌤️", " 東京", "は晴れ"]
    assert_same_as_sdk(
        start()
        + block(0, {"type": "text", "text": ""})
        + PING
        + b"".join(delta(0, "text_delta", text=part) for part in parts)
        + stop(0)
        + finish("end_turn", 19)
        + END
    )


def test_tool_use_in_pieces_after_text() -> None:
    args = json.dumps({"location": "Zürich, CH", "unit": "celsius", "days": [1, 2], "detail": None}, ensure_ascii=False)
    assert_same_as_sdk(
        start()
        + block(0, {"type": "text", "text": ""})
        + delta(0, "text_delta", text="Checking.")
        + stop(0)
        + block(1, {"type": "tool_use", "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "name": "get_weather", "input": {}})
        + delta(1, "input_json_delta", partial_json="")
        + b"".join(delta(1, "input_json_delta", partial_json=piece) for piece in split(args, 3))
        + stop(1)
        + finish("tool_use", 77)
        + END
    )


def test_tool_without_arguments() -> None:
    assert_same_as_sdk(
        start()
        + block(0, {"type": "tool_use", "id": "toolu_01NoArgs", "name": "refresh", "input": {}})
        + delta(0, "input_json_delta", partial_json="")
        + stop(0)
        + finish("tool_use", 12)
        + END
    )


def test_parallel_tool_calls() -> None:
    calls = [("toolu_01A", "get_time", {"tz": "Europe/Zurich"}), ("toolu_01B", "get_time", {"tz": "Asia/Tokyo"})]
    body = b""
    for index, (call_id, name, args) in enumerate(calls):
        body += block(index, {"type": "tool_use", "id": call_id, "name": name, "input": {}})
        body += b"".join(delta(index, "input_json_delta", partial_json=p) for p in split(json.dumps(args), 5))
        body += stop(index)
    assert_same_as_sdk(start() + body + finish("tool_use", 60) + END)


def test_thinking_signature_redacted_thinking_and_text() -> None:
    assert_same_as_sdk(
        start()
        + block(0, {"type": "thinking", "thinking": "", "signature": ""})
        + delta(0, "thinking_delta", thinking="The user asks for 925 ÷ 5. ")
        + delta(0, "thinking_delta", thinking="That is 185.")
        + delta(0, "thinking_delta", thinking="")
        + delta(0, "signature_delta", signature="EuYBCkQYAiJAl8SwZ2mYk6mWq3T0f3yWZTK0b")
        + stop(0)
        + block(1, {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIw"})
        + stop(1)
        + block(2, {"type": "text", "text": ""})
        + delta(2, "text_delta", text="925 ÷ 5 = 185")
        + stop(2)
        + finish("end_turn", 53, usage={"input_tokens": 1021, "cache_read_input_tokens": 512})
        + END
    )


def test_web_search_with_citations() -> None:
    result = {
        "type": "web_search_tool_result",
        "tool_use_id": "srvtoolu_01WYG3ziw53XMcoyKL4XcZmE",
        "content": [
            {
                "type": "web_search_result",
                "title": "Wetter Zürich",
                "url": "https://example.org/wetter",
                "encrypted_content": "EqgfCioIARgBIiQ3YTAwMjY1Mi1",
                "page_age": "2 days ago",
            }
        ],
    }
    citation = {
        "type": "web_search_result_location",
        "cited_text": "Heute sonnig, 21 °C.",
        "url": "https://example.org/wetter",
        "title": "Wetter Zürich",
        "encrypted_index": "Eo8BCioIAhgBIiQyYjQ0OWJmZi1",
    }
    assert_same_as_sdk(
        start()
        + block(
            0, {"type": "server_tool_use", "id": "srvtoolu_01WYG3ziw53XMcoyKL4XcZmE", "name": "web_search", "input": {}}
        )
        + delta(0, "input_json_delta", partial_json='{"query": "wetter ')
        + delta(0, "input_json_delta", partial_json='zürich"}')
        + stop(0)
        + block(1, result)
        + stop(1)
        + block(2, {"type": "text", "text": "", "citations": []})
        + delta(2, "citations_delta", citation=citation)
        + delta(2, "text_delta", text="It is sunny, 21 °C.")
        + delta(2, "citations_delta", citation={**citation, "cited_text": "Wind schwach."})
        + stop(2)
        + finish("end_turn", 230, usage={"server_tool_use": {"web_search_requests": 1}})
        + END
    )


def test_stop_sequence_and_stop_details() -> None:
    details = {"type": "refusal", "category": "cyber", "explanation": "Blocked."}
    assert_same_as_sdk(
        start()
        + block(0, {"type": "text", "text": ""})
        + delta(0, "text_delta", text="1, 2, 3")
        + stop(0)
        + finish("stop_sequence", 8, stop_sequence="4")
        + END
    )
    assert_same_as_sdk(start() + PING + finish("refusal", 5, stop_details=details) + END)


def test_usage_updates_across_message_deltas() -> None:
    assert_same_as_sdk(
        start(usage={"input_tokens": 9, "output_tokens": 1})
        + block(0, {"type": "text", "text": ""})
        + delta(0, "text_delta", text="a")
        + event(
            {
                "type": "message_delta",
                "delta": {"stop_reason": None, "stop_sequence": None},
                "usage": {"output_tokens": 4},
            }
        )
        + finish("max_tokens", 16, usage={"input_tokens": 11, "cache_creation_input_tokens": 3})
        + END
    )


def test_message_stop_without_its_blank_line() -> None:
    data = start() + block(0, {"type": "text", "text": ""}) + delta(0, "text_delta", text="ok") + finish("end_turn", 2)
    assert_same_as_sdk(data + b'event: message_stop\ndata: {"type":"message_stop"}')


# -- generated streams ------------------------------------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=10,
)


@st.composite
def messages(draw: st.DrawFn) -> bytes:
    """A message of random blocks (text, thinking, tool_use, server_tool_use, redacted
    thinking), their text or input cut at random places, and a random ending."""
    body = b""
    kinds = draw(st.lists(st.sampled_from(["text", "thinking", "tool_use", "server_tool_use", "redacted"]), max_size=5))
    for index, kind in enumerate(kinds):
        if kind in ("text", "thinking"):
            text = draw(st.text(max_size=30))
            cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=5)))
            parts = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
            body += block(
                index, {"type": kind, kind: ""} if kind == "text" else {"type": kind, kind: "", "signature": ""}
            )
            for part in parts:
                body += delta(index, f"{kind}_delta", **{kind: part})
            if kind == "thinking":
                body += delta(index, "signature_delta", signature=draw(st.text("abcXYZ+/=", max_size=20)))
        elif kind == "redacted":
            body += block(index, {"type": "redacted_thinking", "data": draw(st.text("abcXYZ+/=", max_size=20))})
        else:
            args = json.dumps(
                draw(st.dictionaries(st.text(max_size=5), _JSON, max_size=4)), ensure_ascii=draw(st.booleans())
            )
            cuts = sorted(draw(st.sets(st.integers(1, max(1, len(args) - 1)), max_size=8)))
            parts = [args[a:b] for a, b in zip([0, *cuts], [*cuts, len(args)], strict=True)]
            if kind == "tool_use":
                call_id, name = f"toolu_{index:02d}", f"tool_{index}"
            else:  # the SDK types a server tool's name as one of the server tools
                call_id, name = f"srvtoolu_{index:02d}", "web_search"
            body += block(index, {"type": kind, "id": call_id, "name": name, "input": {}})
            for part in parts:
                body += delta(index, "input_json_delta", partial_json=part)
        body += stop(index)
    reason = draw(st.sampled_from(["end_turn", "max_tokens", "tool_use", "pause_turn", "refusal"]))
    return start() + body + finish(reason, draw(st.integers(1, 5000))) + END


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages())
def test_generated_messages(data: bytes) -> None:
    assert_same_as_sdk(data)
