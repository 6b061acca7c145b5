"""openai-responses and ``auto``: the fast path against the same pipeline without it.

    python benchmarks/bench_responses.py

Two measurements the main suite (``run.py``) does not make:

- an openai-responses text answer (``response.output_text.delta`` events, shaped as
  the API sends them, with ``sequence_number``, ``item_id``, ``logprobs`` and
  ``obfuscation``) at 1500-byte fragments, accumulated with the fast path and with
  it switched off (every event decoded by the reducer);
- ``accumulate(dialect="auto")`` given the whole openai-chat and anthropic benchmark
  streams as one fragment, against the same with the dialect named.

CPU time of this thread, medians of samples taken in turn (as ``run.py`` does).
"""

from __future__ import annotations

import json
import os
import random
import sys
from collections.abc import Callable

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(1, os.path.dirname(HERE))  # the checkout this script belongs to

import streams
from timing import medians

import sseparse


def responses_stream(n_pieces: int = 400, seed: int = streams.SEED + 7) -> bytes:
    rng = random.Random(seed)
    words = list(streams._WORDS_EN) + list(streams._WORDS_INTL)
    item = "msg_" + streams._ident(rng, 48, "0123456789abcdef")
    seq = iter(range(10**6))
    events = [
        ("response.created", {"type": "response.created", "sequence_number": next(seq),
                              "response": {"id": "resp_1", "model": "gpt-4.1", "status": "in_progress"}}),
        ("response.output_item.added", {"type": "response.output_item.added", "sequence_number": next(seq),
                                        "output_index": 0,
                                        "item": {"type": "message", "id": item, "role": "assistant", "content": []}}),
    ]
    text = []
    for _ in range(n_pieces):
        piece = " " + rng.choice(words)
        text.append(piece)
        events.append(("response.output_text.delta", {
            "type": "response.output_text.delta", "sequence_number": next(seq), "item_id": item,
            "output_index": 0, "content_index": 0, "delta": piece, "logprobs": [],
            "obfuscation": streams._ident(rng, rng.randint(2, 15)),
        }))
    events.append(("response.output_text.done", {"type": "response.output_text.done", "sequence_number": next(seq),
                                                 "item_id": item, "output_index": 0, "content_index": 0,
                                                 "text": "".join(text)}))
    events.append(("response.completed", {"type": "response.completed", "sequence_number": next(seq),
                                           "response": {"id": "resp_1", "model": "gpt-4.1", "status": "completed",
                                                        "usage": {"input_tokens": 12, "output_tokens": n_pieces,
                                                                  "total_tokens": n_pieces + 12}}}))
    out = (f"event: {name}\ndata: {json.dumps(obj, ensure_ascii=False, separators=(',', ':'))}\n\n"
           for name, obj in events)
    return "".join(out).encode()


def without_sink(frags: list[bytes]) -> Callable[[], object]:
    """The same accumulation with the parser returning events, each then read by the
    reducer's fast path from its ``str`` (instead of from the parser's buffer)."""
    def run() -> object:
        acc = sseparse.Accumulator("openai-responses")
        acc._fast = None
        for fragment in frags:
            acc.feed(fragment)
        return acc.close()

    return run


def main() -> None:
    if sseparse.IMPLEMENTATION != "cython":
        sys.exit("the compiled modules are not in use: nothing to compare")
    print(f"sseparse {sseparse.IMPLEMENTATION}; medians of CPU time\n")
    data = responses_stream()
    frags = streams.fragments(data, 1500)
    n = data.count(b"data:")

    def run() -> object:
        return sseparse.accumulate(frags, "openai-responses")

    assert without_sink(frags)() == run()
    got = medians({"fast": run, "without": without_sink(frags)})
    print(f"openai-responses text, {n} events, {len(data):,} bytes, 1500-byte fragments:")
    for name, t in got.items():
        print(f"  {name:8s} {t * 1e6:8.0f} µs  {t / n * 1e9:6.0f} ns/event")
    print(f"  fast path: {got['without'] / got['fast']:.2f}x\n")
    for stream, dialect in (("openai-chat", "openai-chat"), ("anthropic", "anthropic")):
        whole = [streams.get_stream(stream)]
        auto = medians({
            "named": lambda w=whole, d=dialect: sseparse.accumulate(w, d),
            "auto": lambda w=whole: sseparse.accumulate(w),
        })
        print(f"{stream}, whole stream in one fragment: named {auto['named'] * 1e6:.0f} µs, "
              f"auto {auto['auto'] * 1e6:.0f} µs")


if __name__ == "__main__":
    main()
