"""The Anthropic-to-OpenAI proxy of ``docs/gateways.md``, run as written against a
local upstream (a real HTTP server on loopback serving Messages API streams).

The proxy's Starlette app is driven in-process through httpx's ASGI transport; its
upstream requests go over real sockets. The openai SDK reads what it answers: the
same answer as the upstream's, a cut upstream or an upstream error as the SDK's
error (never a ``[DONE]``), an upstream error status passed on, and a ``stream:
false`` request answered with a ``chat.completion`` object the SDK's model accepts.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import sse_server as sse

starlette = sse.require_client("starlette")
httpx = sse.require_client("httpx")
openai = pytest.importorskip("openai")
pytest.importorskip("anthropic")

import sseparse  # noqa: E402
from sdk_readers import SdkError, read_openai_chat  # noqa: E402
from transcode_cases import Answer, Call, write  # noqa: E402

DOC = (Path(__file__).resolve().parent.parent / "docs" / "gateways.md").read_text(encoding="utf-8")
ANSWER = Answer(
    id="msg_01Proxy",
    model="claude-sonnet-4-5",
    reasoning=("Checking the weather…",),
    text=("Ich schaue nach", " — einen Moment."),
    calls=(Call("toolu_01W", "get_weather", ('{"city": ', '"Zürich"}')),),
    usage=sseparse.Usage(120, 40, 160, {}),
)
REQUEST = {
    "model": "claude-sonnet-4-5",
    "stream": True,
    "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Weather in Zürich?"}],
}


def server_events(data: bytes) -> list[sse.ServerEvent]:
    return [sse.ServerEvent(e.data, event=e.event) for e in sseparse.EventParser().feed(data)]


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    with sse.SSEServer() as running:
        yield running


def proxy(upstream: str) -> Any:
    """The page's ``proxy`` block, run, with its upstream URL pointed at ``upstream``."""
    namespace: dict[str, Any] = {"__name__": "gateway_proxy"}
    exec(compile(sse.python_blocks(DOC)["proxy"], "docs/gateways.md:proxy", "exec"), namespace)
    namespace["UPSTREAM"] = upstream
    return namespace["app"]


def post(app: Any, body: dict[str, Any]) -> Any:
    async def go() -> Any:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://proxy") as client:
            response = await client.post("/v1/chat/completions", json=body)
            await response.aread()
            return response

    return asyncio.run(go())


@pytest.mark.parametrize("chunks", ["whole", "bytes", "random"])
def test_the_openai_sdk_reads_the_upstreams_answer(server: Any, chunks: Any) -> None:
    stream = sse.Stream(events=server_events(write(ANSWER, "anthropic")), chunks=chunks)
    response = post(proxy(server.add(stream)), REQUEST)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    view = read_openai_chat(response.content)
    assert (view["id"], view["model"]) == ("msg_01Proxy", "claude-sonnet-4-5")
    assert view["content"] == "Ich schaue nach — einen Moment."
    assert view["reasoning"] == "Checking the weather…"
    assert view["tool_calls"] == [("toolu_01W", "get_weather", {"city": "Zürich"})]
    assert view["finish_reason"] == "tool_calls"
    assert view["usage"] == {"input": 120, "output": 40, "total": 160}
    upstream = json.loads(stream.requests[0].body)
    assert upstream["system"] == "Be brief." and upstream["stream"] is True
    assert upstream["messages"] == [{"role": "user", "content": "Weather in Zürich?"}]


def test_a_cut_upstream_is_an_error_for_the_client(server: Any) -> None:
    stream = sse.Stream(events=server_events(write(ANSWER, "anthropic")), cuts=[6])
    response = post(proxy(server.add(stream)), REQUEST)
    assert b"[DONE]" not in response.content
    assert "Ich schaue nach".encode() in response.content  # what came before the cut was sent
    with pytest.raises(SdkError):
        read_openai_chat(response.content)


def test_an_upstream_error_event_is_an_error_for_the_client(server: Any) -> None:
    events = server_events(write(ANSWER, "anthropic"))[:4]
    events.append(sse.ServerEvent('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
                                  event="error"))
    response = post(proxy(server.add(sse.Stream(events=events))), REQUEST)
    with pytest.raises(SdkError, match="Overloaded"):
        read_openai_chat(response.content)


def test_an_upstream_error_status_is_passed_on(server: Any) -> None:
    error = {"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}}
    stream = sse.Stream(status=401, error_body=error, content_type="application/json")
    response = post(proxy(server.add(stream)), REQUEST)
    assert response.status_code == 401
    assert response.json() == error


def test_stream_false_is_one_chat_completion_object(server: Any) -> None:
    stream = sse.Stream(events=server_events(write(ANSWER, "anthropic")), chunks="random")
    response = post(proxy(server.add(stream)), {**REQUEST, "stream": False})
    assert response.status_code == 200
    completion = openai.types.chat.ChatCompletion.model_validate(response.json())
    message = completion.choices[0].message
    assert message.content == "Ich schaue nach — einen Moment."
    assert [(c.id, c.function.name, json.loads(c.function.arguments)) for c in message.tool_calls or []] == [
        ("toolu_01W", "get_weather", {"city": "Zürich"})
    ]
    assert completion.choices[0].finish_reason == "tool_calls"
    assert completion.usage is not None and completion.usage.prompt_tokens == 120


def test_stream_false_with_a_cut_upstream_is_a_502(server: Any) -> None:
    stream = sse.Stream(events=server_events(write(ANSWER, "anthropic")), cuts=[3])
    response = post(proxy(server.add(stream)), {**REQUEST, "stream": False})
    assert response.status_code == 502
    assert response.json()["error"]["type"] == "incomplete_stream"
