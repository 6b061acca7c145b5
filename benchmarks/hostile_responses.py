"""openai-responses under adversarial streams: CPU time as the input doubles.

    python benchmarks/hostile_responses.py [--quick]

Each case builds a stream of N, 2N and 4N adversarial units, accumulates it (both
builds) and prints the CPU time and the ratio per doubling: about 2 for linear work,
about 4 for quadratic. The cases are those of the hostile-input issue for this
dialect:

- ``terminal-ids``: N streamed message items, then a terminal event listing them
  under other ids (a gateway rotating ids);
- ``no-output-index``: N items, then N deltas with neither ``output_index`` nor a
  known ``item_id`` (each goes to the last item);
- ``close-unfinished``: N message items cut before their ``output_item.done``, then
  ``close()`` (each block is filled in from the text received);
- ``custom-partial``: a custom tool's input in N pieces, ``partial_arguments()``
  read after each;
- ``completion-reads``: a text answer in N pieces, ``completion`` read after each event.

CPU time of this process (``time.process_time``), best of a few runs.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Callable

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # the checkout this script belongs to

import sseparse


def _event(obj: dict) -> bytes:
    return b"data: " + json.dumps(obj, separators=(",", ":")).encode() + b"\n\n"


def _created() -> bytes:
    return _event({"type": "response.created", "response": {"id": "resp_1", "model": "m", "status": "in_progress"}})


def terminal_ids(n: int) -> tuple[bytes, Callable[[sseparse.Accumulator], object] | None]:
    out = [_created()]
    done = []
    for i in range(n):
        item = {"type": "message", "id": f"m{i}", "content": []}
        out.append(_event({"type": "response.output_item.added", "output_index": i, "item": item}))
        out.append(_event({"type": "response.output_text.delta", "output_index": i, "content_index": 0, "delta": "x"}))
        done.append({"type": "message", "id": f"other{i}", "content": [{"type": "output_text", "text": "x"}]})
    out.append(_event({"type": "response.completed", "response": {"status": "completed", "output": done}}))
    return b"".join(out), None


def no_output_index(n: int) -> tuple[bytes, Callable[[sseparse.Accumulator], object] | None]:
    out = [_created()]
    for i in range(n):
        out.append(_event({"type": "response.output_item.added", "output_index": i, "item": {"type": "message"}}))
    for _ in range(n):
        out.append(_event({"type": "response.output_text.delta", "item_id": "?", "content_index": 0, "delta": "x"}))
    return b"".join(out), None


def close_unfinished(n: int) -> tuple[bytes, Callable[[sseparse.Accumulator], object] | None]:
    out = [_created()]
    for i in range(n):
        out.append(_event({"type": "response.output_item.added", "output_index": i, "item": {"type": "message"}}))
        out.append(_event({"type": "response.output_text.delta", "output_index": i, "content_index": 0, "delta": "x"}))
    return b"".join(out), None


def custom_partial(n: int) -> tuple[bytes, Callable[[sseparse.Accumulator], object] | None]:
    item = {"type": "custom_tool_call", "id": "c", "call_id": "call_c", "name": "sh", "input": ""}
    out = [_created(), _event({"type": "response.output_item.added", "output_index": 0, "item": item})]
    delta = _event({"type": "response.custom_tool_call_input.delta", "output_index": 0, "delta": "echo 12345; "})
    out.extend([delta] * n)
    return b"".join(out), _partial


def _partial(acc: sseparse.Accumulator) -> None:
    with contextlib.suppress(IndexError):  # (before the call's item)
        acc.partial_arguments(0)


def completion_reads(n: int) -> tuple[bytes, Callable[[sseparse.Accumulator], object] | None]:
    item = {"type": "message", "id": "m", "content": []}
    part = {"type": "output_text", "text": ""}
    out = [
        _created(),
        _event({"type": "response.output_item.added", "output_index": 0, "item": item}),
        _event({"type": "response.content_part.added", "output_index": 0, "content_index": 0, "part": part}),
    ]
    delta = _event({"type": "response.output_text.delta", "output_index": 0, "content_index": 0, "delta": "word "})
    out.extend([delta] * n)
    return b"".join(out), lambda acc: acc.completion


CASES = {
    "terminal-ids": (terminal_ids, 5_000),
    "no-output-index": (no_output_index, 4_000),
    "close-unfinished": (close_unfinished, 4_000),
    "custom-partial": (custom_partial, 20_000),
    "completion-reads": (completion_reads, 5_000),
}


def run(data: bytes, read: Callable[[sseparse.Accumulator], object] | None, implementation: str) -> float:
    acc = sseparse.Accumulator("openai-responses", implementation=implementation, deltas=False)
    start = time.process_time()
    if read is None:
        acc.feed(data)
    else:  # one event per feed, and a read after each
        for event in data.split(b"\n\n")[:-1]:
            acc.feed(event + b"\n\n")
            read(acc)
    acc.close()
    return time.process_time() - start


def main() -> None:
    quick = "--quick" in sys.argv
    builds = ["cython", "python"] if sseparse.IMPLEMENTATION == "cython" else ["python"]
    print(f"sseparse {sseparse.IMPLEMENTATION}; CPU seconds, best of {2 if quick else 3}; ratio per doubling")
    for name, (make, n) in CASES.items():
        for implementation in builds:
            times = []
            for size in (n, 2 * n, 4 * n):
                data, read = make(size)
                times.append(min(run(data, read, implementation) for _ in range(2 if quick else 3)))
            ratios = " ".join(f"{b / a:.2f}x" for a, b in zip(times, times[1:]))
            cells = " / ".join(f"{t:.3f}" for t in times)
            print(f"  {name:17} {implementation:6} N={n:>6}: {cells} s   {ratios}")


if __name__ == "__main__":
    main()
