"""What one open stream costs in memory: an idle parser and accumulator, and one mid-stream.

    python benchmarks/memory.py

A gateway holds one ``EventParser`` (inside an ``Accumulator``) per open stream, so
the bytes per instance decide how many streams fit. ``tracemalloc`` counts the
memory allocated while ``COUNT`` instances are created and kept alive, divided by
``COUNT``: everything an instance owns (the object, its buffers, the reducer and its
state, the compiled fast path's ``FastFeed``), nothing shared (classes, interned
strings). "Mid-stream" instances have been fed the first half of a benchmark stream:
they hold the partial answer, the unterminated tail and, on the fast path, the last
chunk kept as a template (at most 1 KiB).
"""

from __future__ import annotations

import gc
import os
import sys
import tracemalloc
from collections.abc import Callable

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(1, os.path.dirname(HERE))  # the checkout this script belongs to

import streams

import sseparse

COUNT = 10_000


def per_instance(make: Callable[[], object], count: int = COUNT) -> float:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    keep = [make() for _ in range(count)]
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del keep
    return (after - before) / count


def main() -> None:
    print(f"sseparse {sseparse.IMPLEMENTATION}, {COUNT:,} instances each, bytes per instance\n")
    rows: list[tuple[str, float]] = [("EventParser, idle", per_instance(sseparse.EventParser))]
    for dialect in ("openai-chat", "anthropic", "openai-responses", "gemini", "auto"):
        rows.append((f"Accumulator({dialect!r}), idle", per_instance(lambda d=dialect: sseparse.Accumulator(d))))
        rows.append(
            (
                f"EventParser + Accumulator({dialect!r}), idle",
                per_instance(lambda d=dialect: (sseparse.EventParser(), sseparse.Accumulator(d))),
            )
        )
    for name, dialect in (("openai-chat", "openai-chat"), ("anthropic", "anthropic")):
        data = streams.get_stream(name)
        half = data[: len(data) // 2]

        def mid(d: str = dialect, h: bytes = half) -> object:
            acc = sseparse.Accumulator(d)
            for i in range(0, len(h), 1500):
                acc.feed(h[i : i + 1500])
            return acc

        rows.append((f"Accumulator({dialect!r}) after half of {name} ({len(half):,} B)", per_instance(mid, 1000)))
    width = max(len(r[0]) for r in rows)
    print(f"| {'instance'.ljust(width)} | bytes |")
    print(f"|{'-' * (width + 2)}|------:|")
    for label, size in rows:
        print(f"| {label.ljust(width)} | {size:,.0f} |")


if __name__ == "__main__":
    main()
