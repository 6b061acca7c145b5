"""Linear time under attack: each adversarial stream of issue 11 at n, 2n and 4n.

Prints the CPU time of each size and the ratio per doubling, for each build; a
linear case stays near 2x, a quadratic one near 4x. The target is at most 2.5x per
doubling. Times are CPU seconds (``time.process_time``), the best of ``--repeat``
runs, so that other load on the machine disturbs them less.

    python benchmarks/hostile.py [--scale 1.0] [--repeat 3] [--only NAME] [--implementation cython|python]

Each case builds its stream from the description in the issue (no captured data):
the events are fed one fragment per event, as a transport delivers them, and the
cases of "reading the result" read it the way a UI does, after every event. (Not
measured: reading ``completion`` after every event of a growing text, whose cost per
read includes copying the text into a new ``str``, a memcpy of what has arrived.)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import sseparse

TARGET = 2.5


def sse(obj: Any, event: str | None = None) -> bytes:
    head = f"event: {event}\n" if event else ""
    return (head + "data: " + json.dumps(obj, separators=(",", ":")) + "\n\n").encode()


# -- the streams ---------------------------------------------------------------------------


def responses_head() -> Iterator[bytes]:
    yield sse({"type": "response.created", "response": {"id": "resp_1", "model": "m", "output": []}},
              "response.created")


def responses_message(i: int, *, output_index: bool = True) -> Iterator[bytes]:
    """Message item ``msg_i`` added at output index ``i``, then one text delta in it
    (which names its output index or not)."""
    yield sse({"type": "response.output_item.added", "output_index": i,
               "item": {"type": "message", "id": f"msg_{i}", "role": "assistant", "content": []}},
              "response.output_item.added")
    where = {"output_index": i} if output_index else {}
    yield sse({"type": "response.output_text.delta", "item_id": f"msg_{i}", **where,
               "content_index": 0, "delta": "x"}, "response.output_text.delta")


def responses_terminal_ids_differ(n: int) -> Iterator[bytes]:
    """Responses: the terminal output's item ids differ from the streamed ones."""
    yield from responses_head()
    for i in range(n):
        yield from responses_message(i)
    output = [{"type": "message", "id": f"other_{i}", "role": "assistant", "status": "completed",
               "content": [{"type": "output_text", "text": "x", "annotations": []}]} for i in range(n)]
    yield sse({"type": "response.completed", "response": {"id": "resp_1", "model": "m", "status": "completed",
                                                         "output": output}}, "response.completed")


def responses_deltas_without_output_index(n: int) -> Iterator[bytes]:
    """Responses: text deltas that carry no ``output_index``."""
    yield from responses_head()
    for i in range(n):
        yield from responses_message(i, output_index=False)


def responses_unfinished_items(n: int) -> Iterator[bytes]:
    """Responses: message items never done, the stream closed after them."""
    yield from responses_head()
    for i in range(n):
        yield from responses_message(i)


def gemini_same_path_pieces(n: int) -> Iterator[bytes]:
    """Gemini (Vertex): ``partialArgs`` pieces for one path, none with ``willContinue``."""
    start = {"functionCall": {"name": "f", "willContinue": True}}
    yield sse({"candidates": [{"content": {"role": "model", "parts": [start]}}]})
    piece = "p" * 1000
    for _ in range(n):
        part = {"functionCall": {"partialArgs": [{"jsonPath": "$.text", "stringValue": piece}], "willContinue": True}}
        yield sse({"candidates": [{"content": {"role": "model", "parts": [part]}}]})


def anthropic_head() -> Iterator[bytes]:
    yield sse({"type": "message_start", "message": {"id": "msg_1", "type": "message", "role": "assistant",
                                                    "model": "m", "content": [], "usage": {"input_tokens": 1}}},
              "message_start")


def anthropic_usage_new_key(n: int) -> Iterator[bytes]:
    """Anthropic: ``message_delta`` usage with a new key each time (deltas on)."""
    yield from anthropic_head()
    for i in range(n):
        yield sse({"type": "message_delta", "delta": {}, "usage": {"output_tokens": i, f"key_{i}": i}},
                  "message_delta")


def chat_alternating_name(n: int) -> Iterator[bytes]:
    """openai-chat: a tool call whose name piece alternates between two values."""
    for i in range(n):
        name = "get_weather" if i % 2 else "lookup_city"
        call = {"index": 0, "function": {"name": name, "arguments": "{}" if i == 0 else ""}}
        if i == 0:
            call.update(id="call_1", type="function")
        yield sse({"id": "c", "object": "chat.completion.chunk", "model": "m",
                   "choices": [{"index": 0, "delta": {"tool_calls": [call]}}]})


def responses_custom_tool(n: int) -> Iterator[bytes]:
    """Responses: a custom tool's input in pieces (``partial_arguments`` read after each)."""
    yield from responses_head()
    yield sse({"type": "response.output_item.added", "output_index": 0,
               "item": {"type": "custom_tool_call", "id": "ctc_1", "call_id": "call_1", "name": "f", "input": ""}},
              "response.output_item.added")
    for _ in range(n):
        yield sse({"type": "response.custom_tool_call_input.delta", "output_index": 0, "item_id": "ctc_1",
                   "delta": "some input text "}, "response.custom_tool_call_input.delta")


def chat_custom_tool(n: int) -> Iterator[bytes]:
    """openai-chat: a custom tool's input in pieces (``partial_arguments`` read after each)."""
    yield sse({"id": "c", "object": "chat.completion.chunk", "model": "m", "choices": [{"index": 0, "delta": {
        "tool_calls": [{"index": 0, "id": "call_1", "type": "custom", "custom": {"name": "f", "input": ""}}]}}]})
    for _ in range(n):
        yield sse({"id": "c", "object": "chat.completion.chunk", "model": "m", "choices": [{"index": 0, "delta": {
            "tool_calls": [{"index": 0, "custom": {"input": "some input text "}}]}}]})


def anthropic_tool_input(n: int) -> Iterator[bytes]:
    """Anthropic: a tool input streamed in pieces (``completion`` read after each event)."""
    yield from anthropic_head()
    yield sse({"type": "content_block_start", "index": 0,
               "content_block": {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}}},
              "content_block_start")
    yield sse({"type": "content_block_delta", "index": 0,
               "delta": {"type": "input_json_delta", "partial_json": '{"items": ['}}, "content_block_delta")
    for i in range(n):
        piece = ("," if i else "") + json.dumps({"n": i, "text": "abcdefghij" * 3})
        yield sse({"type": "content_block_delta", "index": 0,
                   "delta": {"type": "input_json_delta", "partial_json": piece}}, "content_block_delta")


def gemini_citations(n: int) -> Iterator[bytes]:
    """Gemini: a new citation in every chunk, gathered (each kept once)."""
    for i in range(n):
        citation = {"startIndex": i, "endIndex": i + 1, "uri": f"https://example.com/{i}"}
        yield sse({"candidates": [{"content": {"role": "model", "parts": [{"text": "x"}]},
                                   "citationMetadata": {"citations": [citation]}}]})


# -- how each is read --------------------------------------------------------------------


def feed_and_close(dialect: str) -> Callable[[list[bytes], str], None]:
    def run(events: list[bytes], implementation: str) -> None:
        acc = sseparse.Accumulator(dialect, implementation=implementation)
        for event in events:
            acc.feed(event)
        acc.close()

    return run


def read_completion_each_event(dialect: str) -> Callable[[list[bytes], str], None]:
    def run(events: list[bytes], implementation: str) -> None:
        acc = sseparse.Accumulator(dialect, implementation=implementation)
        for event in events:
            acc.feed(event)
            acc.completion  # noqa: B018 - the read is the point
        acc.close()

    return run


def read_partial_each_event(dialect: str) -> Callable[[list[bytes], str], None]:
    def run(events: list[bytes], implementation: str) -> None:
        acc = sseparse.Accumulator(dialect, implementation=implementation)
        started = False
        for event in events:
            deltas = acc.feed(event)
            started = started or any(isinstance(d, sseparse.ToolCallStart) for d in deltas)
            if started:
                acc.partial_arguments(0)
        acc.close()

    return run


#: name -> (stream builder, reader, n at scale 1)
CASES: dict[str, tuple[Callable[[int], Iterator[bytes]], Callable[[list[bytes], str], None], int]] = {
    "responses-terminal-ids-differ": (responses_terminal_ids_differ, feed_and_close("openai-responses"), 5000),
    "responses-deltas-without-output-index": (
        responses_deltas_without_output_index, feed_and_close("openai-responses"), 4000),
    "responses-unfinished-items-at-close": (responses_unfinished_items, feed_and_close("openai-responses"), 4000),
    "gemini-same-path-pieces": (gemini_same_path_pieces, feed_and_close("gemini"), 2500),
    "anthropic-usage-new-key": (anthropic_usage_new_key, feed_and_close("anthropic"), 4000),
    "chat-alternating-tool-name": (chat_alternating_name, feed_and_close("openai-chat"), 20000),
    "responses-custom-tool-partial-read": (
        responses_custom_tool, read_partial_each_event("openai-responses"), 10000),
    "chat-custom-tool-partial-read": (chat_custom_tool, read_partial_each_event("openai-chat"), 10000),
    "anthropic-tool-input-completion-read": (
        anthropic_tool_input, read_completion_each_event("anthropic"), 1000),
    "gemini-citations": (gemini_citations, feed_and_close("gemini"), 4000),
}


def measure(run: Callable[[list[bytes], str], None], events: list[bytes], implementation: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        try:
            run(events, implementation)
        except sseparse.SseparseError:
            pass  # an error is an outcome too: its cost is what is measured
        best = min(best, time.process_time() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every n (default 1.0)")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs (default 3)")
    parser.add_argument("--only", action="append", default=[], help="run only this case (repeatable)")
    parser.add_argument("--implementation", choices=["cython", "python"], action="append", default=[])
    args = parser.parse_args(argv)
    implementations = args.implementation or (["cython", "python"] if sseparse.IMPLEMENTATION == "cython"
                                              else ["python"])
    names = args.only or list(CASES)
    print(f"CPU seconds at n, 2n, 4n (best of {args.repeat}); ratio per doubling, target <= {TARGET}x")
    failed = []
    for name in names:
        build, run, base = CASES[name]
        n = max(1, int(base * args.scale))
        for implementation in implementations:
            times = [measure(run, list(build(n * k)), implementation, args.repeat) for k in (1, 2, 4)]
            ratios = [b / a if a > 0 else float("inf") for a, b in zip(times, times[1:])]
            ok = all(r <= TARGET for r in ratios)
            if not ok:
                failed.append(f"{name} [{implementation}]")
            print(f"{name:40} {implementation:7} n={n:<6} "
                  + " ".join(f"{t:7.3f}s" for t in times)
                  + "   " + " ".join(f"{r:5.2f}x" for r in ratios)
                  + ("" if ok else "   OVER"), flush=True)
    print("all within target" if not failed else f"over target: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
