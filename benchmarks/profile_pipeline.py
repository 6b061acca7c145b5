"""Where the time of ``sseparse.accumulate`` goes, per event, layer by layer.

    python benchmarks/profile_pipeline.py            # openai-chat, openai-tools, anthropic at 1500 B

Each layer is timed alone on the same events (CPU time of this thread, medians of
samples taken in turn, one layer after the other, as ``run.py`` does), so the parts
can be compared with the whole:

- ``framing``: the compiled ``EventParser`` over the 1500-byte fragments (scanning,
  copying data lines, decoding the data to ``str``, building the ``Event`` objects);
- ``floor: UTF-8 decode``: only decoding each event's data bytes to ``str`` (what
  framing cannot avoid while it returns ``str`` data);
- ``decode_json``: the stdlib scanner over every event's data (the full decode);
- ``reduce (decoded)``: the dialect reducer fed the already decoded chunks;
- ``reduce (fast path)``: the reducer fed the events through ``feed_events``, which
  uses the compiled extractor of ``sseparse._fastpath`` when it is built;
- ``fast path (frame+reduce)``: what the ``Accumulator`` runs when both compiled modules
  are built: ``_fastpath.FastFeed`` over the fragments, the parser handing each
  event's data bytes to the extractor before any ``str`` or ``Event`` exists (the
  events it declines built and reduced as usual), then the snapshot;
- ``accumulate``: the whole pipeline, ``sseparse.accumulate(fragments, dialect)``.
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(1, os.path.dirname(HERE))

import cases  # noqa: E402
import streams  # noqa: E402

import sseparse  # noqa: E402
from sseparse._dialects import create_reducer  # noqa: E402
from sseparse._dialects._base import decode_json  # noqa: E402
from sseparse._dialects._base import fast_feed  # noqa: E402
from sseparse._framing_c import EventParser  # noqa: E402


def _median_times(fns: list[Callable[[], Any]], min_time: float = 0.4) -> list[float]:
    """Median time per call of each function, their samples interleaved (one of each
    in turn), so that load from elsewhere on a shared machine hits them alike."""
    perf = time.thread_time
    numbers = []
    for fn in fns:
        fn()
        t0 = perf()
        fn()
        once = max(perf() - t0, 1e-7)
        numbers.append(max(1, int(0.003 / once)))
    samples: list[list[float]] = [[] for _ in fns]
    end = perf() + min_time * len(fns)
    while len(samples[0]) < 9 or perf() < end:
        for fn, number, out in zip(fns, numbers, samples):
            t0 = perf()
            for _ in range(number):
                fn()
            out.append((perf() - t0) / number)
    return [statistics.median(s) for s in samples]


def profile(stream: str, size: int = 1500) -> list[tuple[str, float]]:
    dialect = cases.ACCUMULATE_STREAMS[stream]
    data = streams.get_stream(stream)
    frags = streams.fragments(data, size)
    parser = EventParser()
    events = [e for f in frags for e in parser.feed(f)]
    raw = [(e.event.encode(), e.data.encode()) for e in events]
    decoded = []
    for e in events:
        try:
            decoded.append(decode_json(e.data))
        except ValueError:
            decoded.append(None)

    def framing() -> None:
        p = EventParser()
        for f in frags:
            p.feed(f)
        p.close()

    def floor() -> None:
        for _, body in raw:
            body.decode("utf-8", "replace")

    def decode() -> None:
        for e in events:
            try:
                decode_json(e.data)
            except ValueError:
                pass

    def reduce_decoded() -> None:
        r = create_reducer(dialect)
        for e, obj in zip(events, decoded):
            if obj is None:
                r.feed_event(e, None)
            else:
                r.feed_decoded(e, obj, None)
        r.snapshot(complete=True, error=None)

    def reduce_fast() -> None:
        r = create_reducer(dialect)
        r.feed_events(events, None)
        r.snapshot(complete=True, error=None)

    def fast() -> None:
        r = create_reducer(dialect)
        p = EventParser()
        feed = fast_feed(r).feed
        for f in frags:
            feed(p, f, None)
        p.close()
        r.snapshot(complete=True, error=None)

    def accumulate() -> None:
        sseparse.accumulate(frags, dialect)

    parts = [
        ("framing", framing),
        ("floor: UTF-8 decode", floor),
        ("decode_json", decode),
        ("reduce (decoded)", reduce_decoded),
    ]
    if hasattr(create_reducer(dialect), "feed_events"):
        parts.append(("reduce (fast path)", reduce_fast))
    if fast_feed(create_reducer(dialect)) is not None:
        parts.append(("fast path (frame+reduce)", fast))
    parts.append(("accumulate", accumulate))
    gc.collect()
    times = _median_times([fn for _, fn in parts])
    return [(name, t / len(events)) for (name, _), t in zip(parts, times)]


def main() -> None:
    print(f"sseparse {sseparse.IMPLEMENTATION}; per event, median CPU time, 1500-byte fragments\n")
    for stream in cases.ACCUMULATE_STREAMS:
        n = len(cases.reference_events(stream))
        size = len(streams.get_stream(stream))
        print(f"{stream}: {n} events, {size / n:.0f} bytes per event")
        for name, t in profile(stream):
            print(f"  {name:<22} {t * 1e9:8.0f} ns")
        print()


if __name__ == "__main__":
    main()
