"""The examples of ``docs/embedding.md``, run as written against the real local server.

The page's blocks only define functions (so that ``test_docs_examples.py`` runs them
harmlessly); here each is called against ``sse_server.py``: the connect helpers
across disconnects, the official ``openai`` and ``anthropic`` clients pointed at the
local server with sseparse reading their raw streamed bytes, and the MCP sketch
resuming a cut POST stream with a GET.
"""

from __future__ import annotations

import asyncio
import io
import json
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

import sseparse

HERE = Path(__file__).resolve().parent


import sse_server as sse  # noqa: E402  (tests/ is on sys.path: see conftest)
ServerEvent = sse.ServerEvent
DOC = (HERE.parent / "docs" / "embedding.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def server() -> Any:
    with sse.SSEServer() as running:
        yield running


def doc(name: str) -> dict[str, Any]:
    """Run block ``name`` of the page in a fresh namespace; return the namespace."""
    namespace: dict[str, Any] = {"__name__": "embedding_doc"}
    exec(compile(sse.python_blocks(DOC)[name], f"docs/embedding.md:{name}", "exec"), namespace)
    return namespace


def test_every_python_block_of_the_page_is_run_here() -> None:
    assert set(sse.python_blocks(DOC)) == {
        "helper_events",
        "helper_chat",
        "helper_aiohttp",
        "bridge_openai",
        "bridge_anthropic",
        "mcp",
    }


FEED = [
    ServerEvent("Grüß Gott", id="café-1"),
    ServerEvent("東京", id="2"),
    ServerEvent("multi\nline", id="3"),
    ServerEvent("end", id="4"),
]


def test_helper_prints_every_event_once_across_disconnects(server: Any) -> None:
    sse.require_client("httpx")
    stream = sse.Stream(FEED, chunks="random", cuts=[1, 0, 1])
    url = server.add(stream)
    out = io.StringIO()
    with redirect_stdout(out):
        doc("helper_events")["print_feed"](url)
    assert out.getvalue().splitlines() == ["café-1 Grüß Gott", "2 東京", "3 multi", "line", "4 end"]
    assert [r.last_event_id for r in stream.requests] == [None, "café-1", "café-1", "2", "4"]


def test_aiohttp_helper_collects_every_event(server: Any) -> None:
    sse.require_client("aiohttp")
    url = server.add(sse.Stream(FEED, chunks="bytes", cuts=[2]))
    assert asyncio.run(doc("helper_aiohttp")["collect"](url)) == [e.data for e in FEED]


CHAT = [
    ServerEvent(json.dumps({"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m", **rest}))
    for rest in (
        {"choices": [{"index": 0, "delta": {"role": "assistant", "content": "Grüß "}, "finish_reason": None}]},
        {"choices": [{"index": 0, "delta": {"content": "東京"}, "finish_reason": None}]},
        {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
        {"choices": [], "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}},
    )
] + [ServerEvent("[DONE]")]


def test_helper_chat_prints_as_it_streams_and_returns_the_completion(server: Any) -> None:
    sse.require_client("httpx")
    stream = sse.Stream(CHAT, chunks="bytes")
    url = server.add(stream)
    out = io.StringIO()
    with redirect_stdout(out):
        completion = asyncio.run(doc("helper_chat")["chat"](url, "key", "hi"))
    assert out.getvalue() == "Grüß 東京"
    assert completion.complete and completion.content == "Grüß 東京" and completion.usage.total_tokens == 8
    request = stream.requests[0]
    assert request.method == "POST" and request.headers["authorization"] == "Bearer key"
    assert json.loads(request.body)["stream"] is True


def test_helper_chat_cut_is_reported_not_resent(server: Any) -> None:
    sse.require_client("httpx")
    stream = sse.Stream(CHAT, cuts=[2])
    url = server.add(stream)
    with redirect_stdout(io.StringIO()), pytest.raises(sseparse.IncompleteStreamError) as info:
        asyncio.run(doc("helper_chat")["chat"](url, "key", "hi"))
    assert info.value.completion is not None and info.value.completion.content == "Grüß 東京"
    assert len(stream.requests) == 1


def test_openai_bridge_reads_the_sdks_raw_stream(server: Any) -> None:
    openai = sse.require_client("openai")
    url = server.add(sse.Stream(CHAT, chunks="random"), name="openai", suffix="/chat/completions")
    client = openai.OpenAI(base_url=url.removesuffix("/chat/completions"), api_key="test", max_retries=0)
    completion = doc("bridge_openai")["openai_answer"](client, "hi")
    assert completion.complete and completion.content == "Grüß 東京"
    assert completion.usage.input_tokens == 5 and completion.usage.output_tokens == 3


def test_openai_bridge_error_status_is_the_sdks_error(server: Any) -> None:
    openai = sse.require_client("openai")
    error = {"error": {"message": "bad key", "type": "invalid_request_error"}}
    url = server.add(sse.Stream(status=401, content_type="application/json", error_body=error), suffix="/chat/completions")
    client = openai.OpenAI(base_url=url.removesuffix("/chat/completions"), api_key="test", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        doc("bridge_openai")["openai_answer"](client, "hi")


MESSAGES = [
    ServerEvent(json.dumps(data), event=data["type"])
    for data in (
        {
            "type": "message_start",
            "message": {
                "id": "msg_1", "type": "message", "role": "assistant", "model": "claude", "content": [],
                "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 9, "output_tokens": 1},
            },
        },
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Grüß "}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "東京"}},
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None}, "usage": {"output_tokens": 4}},
        {"type": "message_stop"},
    )
]  # fmt: skip


def test_anthropic_bridge_reads_the_sdks_raw_stream(server: Any) -> None:
    anthropic = sse.require_client("anthropic")
    url = server.add(sse.Stream(MESSAGES, chunks="bytes"), name="anthropic", suffix="/v1/messages")
    client = anthropic.Anthropic(base_url=url.removesuffix("/v1/messages"), api_key="test", max_retries=0)
    out = io.StringIO()
    with redirect_stdout(out):
        completion = doc("bridge_anthropic")["anthropic_answer"](client, "hi")
    assert out.getvalue() == "Grüß 東京"
    assert completion.complete and completion.finish_reason == "end_turn" and completion.usage.output_tokens == 4


def test_anthropic_bridge_body_that_ends_early_raises_with_the_partial_answer(server: Any) -> None:
    anthropic = sse.require_client("anthropic")
    url = server.add(sse.Stream(MESSAGES, cuts=[3], transfer="close"), suffix="/v1/messages")
    client = anthropic.Anthropic(base_url=url.removesuffix("/v1/messages"), api_key="test", max_retries=0)
    with redirect_stdout(io.StringIO()), pytest.raises(sseparse.IncompleteStreamError) as info:
        doc("bridge_anthropic")["anthropic_answer"](client, "hi")
    assert info.value.completion is not None and info.value.completion.content == "Grüß "
    assert not info.value.completion.complete


def test_anthropic_bridge_broken_chunked_body_raises_the_transport_error(server: Any) -> None:
    anthropic = sse.require_client("anthropic")
    url = server.add(sse.Stream(MESSAGES, cuts=[3]), suffix="/v1/messages")
    client = anthropic.Anthropic(base_url=url.removesuffix("/v1/messages"), api_key="test", max_retries=0)
    with redirect_stdout(io.StringIO()), pytest.raises(Exception) as info:
        doc("bridge_anthropic")["anthropic_answer"](client, "hi")
    assert type(info.value).__name__ == "RemoteProtocolError"


def test_openai_bridge_body_that_ends_early_is_not_complete(server: Any) -> None:
    openai = sse.require_client("openai")
    url = server.add(sse.Stream(CHAT, cuts=[2], transfer="close"), suffix="/chat/completions")
    client = openai.OpenAI(base_url=url.removesuffix("/chat/completions"), api_key="test", max_retries=0)
    completion = doc("bridge_openai")["openai_answer"](client, "hi")
    assert not completion.complete and completion.content == "Grüß 東京"
    assert completion.error is not None and completion.error["type"] == "incomplete_stream"


MCP = [
    ServerEvent(json.dumps({"jsonrpc": "2.0", "method": "notifications/progress", "params": {"progress": 1}}), id="e1"),
    ServerEvent(json.dumps({"jsonrpc": "2.0", "method": "notifications/progress", "params": {"progress": 2}}), id="e2"),
    ServerEvent(json.dumps({"jsonrpc": "2.0", "id": 7, "result": {"content": [{"type": "text", "text": "42"}]}}), id="e3"),
]


def test_mcp_sketch_resumes_a_cut_post_stream_with_a_get(server: Any) -> None:
    httpx = sse.require_client("httpx")
    stream = sse.Stream(MCP, cuts=[1])  # the POST's stream drops inside the second message
    url = server.add(stream, name="mcp")
    seen: list[Any] = []
    request = {"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": "answer"}}
    with httpx.Client(timeout=10) as client:
        response = doc("mcp")["mcp_request"](client, url, request, session_id="s1", on_message=seen.append)
    assert response["result"]["content"][0]["text"] == "42"
    assert [m["params"]["progress"] for m in seen] == [1, 2]  # each notification once
    assert [(r.method, r.last_event_id, r.headers.get("mcp-session-id")) for r in stream.requests] == [
        ("POST", None, "s1"),
        ("GET", "e1", "s1"),
    ]


def test_mcp_sketch_takes_a_plain_json_answer(server: Any) -> None:
    httpx = sse.require_client("httpx")
    answer = {"jsonrpc": "2.0", "id": 1, "result": {}}
    url = server.add(sse.Stream(status=200, content_type="application/json", body=json.dumps(answer).encode()))
    with httpx.Client(timeout=10) as client:
        assert doc("mcp")["mcp_request"](client, url, {"jsonrpc": "2.0", "id": 1, "method": "ping"}) == answer
