"""Transcoding (issue: gateways) against the gateways people write by hand.

    python benchmarks/bench_transcode.py

- an Anthropic stream (the suite's ``anthropic`` stream: a 400-delta text block and
  a tool_use block) rewritten as openai-chat chunks, and the suite's ``openai-chat``
  stream (400 text pieces, usage) rewritten as Anthropic events, both fed at
  1500-byte fragments;
- ``encode_event`` of a 40-byte text.

Baselines, written here: the straightforward gateway (the suite's correct buffered
parser, ``json.loads`` per event, a dict per output chunk, ``json.dumps``, an
f-string per SSE event), and the same with ``orjson`` for both JSON directions; for
the encoder, an f-string with ``json.dumps`` of the text (the usual way to keep a
text on one ``data:`` line). Every baseline's output is checked to read back as the
same answer. CPU time of this thread, medians of samples taken in turn.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(1, os.path.dirname(HERE))  # the checkout this script belongs to

import streams
from timing import medians
from baselines import BufferedParser

import sseparse

try:
    import orjson
except ImportError:  # pragma: no cover - the bench extra has it
    orjson = None


# -- the straightforward gateways -------------------------------------------------------------


def anthropic_to_openai(fragments: Iterable[bytes], loads: Callable[[Any], Any] = json.loads,
                        dumps: Callable[[Any], str] = json.dumps) -> bytes:
    parser = BufferedParser()
    out: list[bytes] = []
    meta: dict[str, Any] = {}
    calls: dict[int, int] = {}
    usage: dict[str, int] = {}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> None:
        body = {"id": meta["id"], "object": "chat.completion.chunk", "created": meta["created"],
                "model": meta["model"], "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        out.append(f"data: {dumps(body)}\n\n".encode())

    for fragment in fragments:
        for _event, data, _id in parser.feed(fragment):
            obj = loads(data)
            kind = obj["type"]
            if kind == "content_block_delta":
                delta = obj["delta"]
                if delta["type"] == "text_delta":
                    chunk({"content": delta["text"]})
                elif delta["type"] == "input_json_delta":
                    chunk({"tool_calls": [{"index": calls[obj["index"]],
                                           "function": {"arguments": delta["partial_json"]}}]})
            elif kind == "content_block_start":
                block = obj["content_block"]
                if block["type"] == "tool_use":
                    calls[obj["index"]] = len(calls)
                    chunk({"tool_calls": [{"index": calls[obj["index"]], "id": block["id"], "type": "function",
                                           "function": {"name": block["name"], "arguments": ""}}]})
            elif kind == "message_start":
                message = obj["message"]
                meta.update(id=message["id"], model=message["model"], created=int(time.time()))
                usage["prompt_tokens"] = message["usage"]["input_tokens"]
                chunk({"role": "assistant", "content": ""})
            elif kind == "message_delta":
                reason = obj["delta"].get("stop_reason")
                finish = {"end_turn": "stop", "tool_use": "tool_calls", "max_tokens": "length"}.get(reason, "stop")
                chunk({}, finish)
                usage["completion_tokens"] = obj["usage"]["output_tokens"]
            elif kind == "message_stop":
                usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
                body = {"id": meta["id"], "object": "chat.completion.chunk", "created": meta["created"],
                        "model": meta["model"], "choices": [], "usage": usage}
                out.append(f"data: {dumps(body)}\n\n".encode())
                out.append(b"data: [DONE]\n\n")
    return b"".join(out)


def openai_to_anthropic(fragments: Iterable[bytes], loads: Callable[[Any], Any] = json.loads,
                        dumps: Callable[[Any], str] = json.dumps) -> bytes:
    parser = BufferedParser()
    out: list[bytes] = []
    state: dict[str, Any] = {"started": False, "block": None, "blocks": 0, "stop": None, "usage": None}

    def send(kind: str, body: dict[str, Any]) -> None:
        out.append(f"event: {kind}\ndata: {dumps(body)}\n\n".encode())

    def open_block(block: dict[str, Any]) -> int:
        if state["block"] is not None:
            send("content_block_stop", {"type": "content_block_stop", "index": state["block"]})
        index = state["block"] = state["blocks"]
        state["blocks"] += 1
        send("content_block_start", {"type": "content_block_start", "index": index, "content_block": block})
        return index

    for fragment in fragments:
        for _event, data, _id in parser.feed(fragment):
            if data == "[DONE]":
                if state["block"] is not None:
                    send("content_block_stop", {"type": "content_block_stop", "index": state["block"]})
                usage = state["usage"] or {}
                send("message_delta", {"type": "message_delta",
                                       "delta": {"stop_reason": state["stop"], "stop_sequence": None},
                                       "usage": {"input_tokens": usage.get("prompt_tokens", 0),
                                                 "output_tokens": usage.get("completion_tokens", 0)}})
                send("message_stop", {"type": "message_stop"})
                continue
            obj = loads(data)
            if not state["started"]:
                state["started"] = True
                send("message_start", {"type": "message_start", "message": {
                    "id": obj["id"], "type": "message", "role": "assistant", "model": obj["model"], "content": [],
                    "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 0, "output_tokens": 0}}})
            if obj.get("usage"):
                state["usage"] = obj["usage"]
            for choice in obj["choices"]:
                delta = choice["delta"]
                text = delta.get("content")
                if text:
                    if state["block"] is None:
                        open_block({"type": "text", "text": ""})
                    send("content_block_delta", {"type": "content_block_delta", "index": state["block"],
                                                 "delta": {"type": "text_delta", "text": text}})
                if choice.get("finish_reason"):
                    reason = choice["finish_reason"]
                    state["stop"] = {"stop": "end_turn", "tool_calls": "tool_use", "length": "max_tokens"}.get(
                        reason, "end_turn")
    return b"".join(out)


def orjson_dumps(obj: Any) -> str:
    return orjson.dumps(obj).decode()


# -- ours -------------------------------------------------------------------------------------------


def transcode(fragments: Iterable[bytes], to: str, source: str) -> bytes:
    transcoder = sseparse.Transcoder(to, source=source, created=1)
    out = [transcoder.feed(fragment) for fragment in fragments]
    out.append(transcoder.close())
    return b"".join(out)


def same_answer(a: bytes, b: bytes, dialect: str) -> None:
    x, y = sseparse.accumulate([a], dialect), sseparse.accumulate([b], dialect)
    assert x.complete and y.complete
    assert (x.content, [(c.name, c.arguments) for c in x.tool_calls]) == (
        y.content, [(c.name, c.arguments) for c in y.tool_calls]), dialect


def bench_transcoding() -> None:
    cases = [
        ("anthropic -> openai-chat", "anthropic", "openai-chat", anthropic_to_openai),
        ("openai-chat -> anthropic", "openai-chat", "anthropic", openai_to_anthropic),
    ]
    for label, source, target, baseline in cases:
        data = streams.get_stream(source)
        frags = streams.fragments(data, 1500)
        n = data.count(b"data:")
        ours = transcode(frags, target, source)
        same_answer(ours, baseline(frags), target)
        fns: dict[str, Callable[[], object]] = {
            "sseparse": lambda f=frags, t=target, s=source: transcode(f, t, s),
            "straightforward": lambda f=frags, b=baseline: b(f),
        }
        if orjson is not None:
            same_answer(ours, baseline(frags, orjson.loads, orjson_dumps), target)
            fns["orjson"] = lambda f=frags, b=baseline: b(f, orjson.loads, orjson_dumps)
        got = medians(fns)
        print(f"{label}: {n} events, {len(data):,} bytes in, {len(ours):,} bytes out, 1500-byte fragments")
        for name, t in got.items():
            ratio = "" if name == "sseparse" else f"   sseparse {t / got['sseparse']:.2f}x faster"
            print(f"  {name:16s} {t * 1e6:8.0f} µs  {t / n * 1e9:6.0f} ns/event{ratio}")
        print()


def bench_encoder() -> None:
    text = "The quick brown fox jumps over the dog."  # 40 bytes with the leading space below
    text = " " + text[:39]
    assert len(text.encode()) == 40
    assert sseparse.EventParser().feed(sseparse.encode_event(text))[0].data == text

    def baseline() -> bytes:
        return f"data: {json.dumps(text)}\n\n".encode()

    encode = sseparse.encode_event
    loops = 1000

    def ours_loop() -> None:
        for _ in range(loops):
            encode(text)

    def baseline_loop() -> None:
        for _ in range(loops):
            baseline()

    got = medians({"encode_event": ours_loop, "f-string + json.dumps": baseline_loop})
    print(f"one event of a 40-byte text ({loops} per sample):")
    for name, t in got.items():
        print(f"  {name:22s} {t / loops * 1e9:6.0f} ns")
    print(f"  encode_event {got['f-string + json.dumps'] / got['encode_event']:.2f}x faster")


def main() -> None:
    print(f"sseparse {sseparse.IMPLEMENTATION}; medians of CPU time\n")
    bench_transcoding()
    bench_encoder()


if __name__ == "__main__":
    main()
