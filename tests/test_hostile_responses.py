"""openai-responses under hostile streams: linear work, bounded memory, only sseparse errors.

Work is counted, never timed: every line the library's Python code runs (a trace
hook on the ``sseparse`` package) plus every step of an iteration over the reducer's
per-item and per-part tables, which is where a C-level ``max()`` or ``sorted()`` over
what was accumulated hides from a line count. Doubling the adversarial input must
at most about double that count. A custom tool's input read after each piece is
measured by the characters of the distinct values shown. Memory is measured with
``tracemalloc``. Every case runs on both builds (fixture ``implementation``).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sseparse
from sseparse import Accumulator, ChunkDecodeError, ParserClosedError, SseparseError
from sseparse._partial_json import EXACT_STRING_LIMIT, STRING_LAG_DIVISOR

PACKAGE = os.path.dirname(os.path.abspath(sseparse.__file__)) + os.sep

Reader = Callable[[Accumulator], Any]


def event(obj: Any) -> bytes:
    return b"data: " + json.dumps(obj, separators=(",", ":")).encode() + b"\n\n"


CREATED = event({"type": "response.created", "response": {"id": "resp_1", "model": "m", "status": "in_progress"}})


def added(index: int, item: dict[str, Any]) -> bytes:
    return event({"type": "response.output_item.added", "output_index": index, "item": item})


def text_delta(index: int | None, delta: str = "x", **fields: Any) -> bytes:
    obj: dict[str, Any] = {"type": "response.output_text.delta", "content_index": 0, "delta": delta, **fields}
    if index is not None:
        obj["output_index"] = index
    return event(obj)


# -- the adversarial streams (N units each) ----------------------------------------------------


def terminal_under_other_ids(n: int) -> tuple[bytes, Reader | None]:
    """N streamed messages, then a terminal event listing them under other ids."""
    out = [CREATED]
    output = []
    for i in range(n):
        out += [added(i, {"type": "message", "id": f"m{i}", "content": []}), text_delta(i)]
        output.append({"type": "message", "id": f"other{i}", "content": [{"type": "output_text", "text": "x"}]})
    out.append(event({"type": "response.completed", "response": {"status": "completed", "output": output}}))
    return b"".join(out), None


def deltas_without_output_index(n: int) -> tuple[bytes, Reader | None]:
    """N items, then N deltas with no output_index and an unknown item_id (each goes to the last item)."""
    out = [CREATED] + [added(i, {"type": "message"}) for i in range(n)]
    out += [text_delta(None, item_id="unknown") for _ in range(n)]
    return b"".join(out), None


def unfinished_items_at_close(n: int) -> tuple[bytes, Reader | None]:
    """N messages cut before done: close() fills in each block from its text."""
    out = [CREATED]
    for i in range(n):
        out += [added(i, {"type": "message"}), text_delta(i)]
    return b"".join(out), None


def new_items_in_the_terminal_event(n: int) -> tuple[bytes, Reader | None]:
    """A terminal event listing N items the stream never announced (all appended)."""
    output = [{"type": "message", "id": f"t{i}", "content": [{"type": "output_text", "text": "y"}]} for i in range(n)]
    done = event({"type": "response.completed", "response": {"status": "completed", "output": output}})
    return CREATED + added(0, {"type": "message", "id": "m"}) + text_delta(0) + done, None


CASES: dict[str, tuple[Callable[[int], tuple[bytes, Reader | None]], int]] = {
    "terminal-under-other-ids": (terminal_under_other_ids, 400),
    "deltas-without-output-index": (deltas_without_output_index, 400),
    "unfinished-items-at-close": (unfinished_items_at_close, 400),
    "new-items-in-the-terminal-event": (new_items_in_the_terminal_event, 400),
}


class CountingDict(dict):  # type: ignore[type-arg]
    """A dict that counts the keys its iterations yield (``max``, ``sorted``, ``for``)."""

    steps = 0

    def __iter__(self) -> Iterator[Any]:
        for key in dict.__iter__(self):
            self.steps += 1
            yield key


def work(stream: bytes, read: Reader | None, implementation: str) -> int:
    """Lines of sseparse code run, plus table iteration steps, to accumulate ``stream``
    one event per feed (``read`` after each), then close."""
    acc = Accumulator("openai-responses", implementation=implementation, deltas=False)
    reducer: Any = acc._reducer
    items = reducer._items = CountingDict()
    texts = CountingDict()
    if implementation == "python":  # (the compiled path takes the parts table as an exact dict)
        reducer._texts = texts
    lines = 0

    def local(frame: Any, kind: str, arg: Any) -> Any:
        nonlocal lines
        lines += 1
        return local

    def tracer(frame: Any, kind: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename.startswith(PACKAGE) else None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        for block in stream.split(b"\n\n")[:-1]:
            acc.feed(block + b"\n\n")
            if read is not None:
                read(acc)
        acc.close()
    finally:
        sys.settrace(previous)
    return lines + items.steps + texts.steps


@pytest.mark.parametrize("case", sorted(CASES))
def test_work_is_linear_in_the_adversarial_input(case: str, implementation: str) -> None:
    make, n = CASES[case]
    counts = [work(*make(size), implementation) for size in (n, 2 * n, 4 * n)]
    for smaller, larger in zip(counts, counts[1:]):
        assert larger <= 2.3 * smaller, f"{case}: work {counts} for N = {n}, {2 * n}, {4 * n}"


def test_a_custom_tools_input_read_after_each_piece_copies_a_linear_amount(implementation: str) -> None:
    """Reading a custom tool's input after every piece: the values shown are re-joined
    only as they grow geometrically (exact below EXACT_STRING_LIMIT), and exact once the
    call is done."""
    item = {"type": "custom_tool_call", "id": "c", "call_id": "call_c", "name": "sh", "input": ""}
    piece = "echo 0123456789 >> out; "
    count = 20_000
    acc = Accumulator("openai-responses", implementation=implementation, deltas=False)
    acc.feed(CREATED + added(0, item))
    delta = event({"type": "response.custom_tool_call_input.delta", "output_index": 0, "delta": piece})
    copied = 0
    shown: str | None = None
    for _ in range(count):
        acc.feed(delta)
        value = acc.partial_arguments(0)
        assert (piece * count).startswith(value)
        if value is not shown:
            copied += len(value)
            shown = value
    length = len(piece) * count
    assert len(shown or "") >= length * STRING_LAG_DIVISOR // (STRING_LAG_DIVISOR + 1)  # trails by little
    assert copied <= (STRING_LAG_DIVISOR + 2) * length + EXACT_STRING_LIMIT**2  # quadratic: ~ 5e9
    acc.feed(event({"type": "response.custom_tool_call_input.done", "output_index": 0, "input": piece * count}))
    assert acc.partial_arguments(0) == piece * count  # exact once done
    assert acc.close().tool_calls[0].arguments == piece * count


# -- memory: nothing sized by a number in the input --------------------------------------------


def test_huge_indexes_cost_nothing(implementation: str) -> None:
    big = 10**18
    stream = CREATED + b"".join(
        [
            added(big, {"type": "message", "id": "m"}),
            event({"type": "response.output_text.delta", "output_index": big, "content_index": big, "delta": "a"}),
            event({"type": "response.reasoning_summary_text.delta", "output_index": big - 1, "summary_index": big,
                   "delta": "b"}),
            event({"type": "response.function_call_arguments.delta", "output_index": 2**62, "delta": "{}"}),
            event({"type": "response.completed", "response": {"status": "completed", "output": [{"type": "x"}] * 3}}),
        ]
    )
    tracemalloc.start()
    try:
        acc = Accumulator("openai-responses", implementation=implementation)
        acc.feed(stream)
        completion = acc.close()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert completion.complete and completion.content == "a" and completion.reasoning == "b"
    assert peak < 256 * 1024, f"{peak} bytes for a {len(stream)}-byte stream"


def test_memory_of_a_terminal_event_under_other_ids_is_linear(implementation: str) -> None:
    peaks = []
    for n in (2_000, 4_000):
        stream, _ = terminal_under_other_ids(n)
        tracemalloc.start()
        try:
            acc = Accumulator("openai-responses", implementation=implementation, deltas=False)
            acc.feed(stream)
            completion = acc.close()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert completion.content == "x" * n  # once, not twice
        peaks.append(peak)
    assert peaks[1] <= 2.5 * peaks[0], peaks


# -- errors: only sseparse errors, carrying the partial result, with short messages -------------


def refused(stream: bytes, implementation: str) -> SseparseError:
    acc = Accumulator("openai-responses", implementation=implementation)
    with pytest.raises(SseparseError) as info:
        acc.feed(stream)
        acc.close()
    exc = info.value
    assert exc.completion is not None and exc.completion.complete is False
    assert exc.completion.error is not None and len(exc.completion.error["message"]) < 1000
    with pytest.raises(ParserClosedError):
        acc.feed(b"data: {}\n\n")
    return exc


def test_a_huge_foreign_type_gives_a_short_message(implementation: str) -> None:
    huge = "t" * 1_000_000
    exc = refused(CREATED + text_delta(0, "kept") + event({"type": huge}), implementation)
    assert isinstance(exc, ChunkDecodeError) and len(str(exc)) < 1000
    assert exc.completion is not None and exc.completion.content == "kept"


def test_huge_member_names_of_a_foreign_event_give_a_short_message(implementation: str) -> None:
    exc = refused(event({"k" * 500_000 + str(i): i for i in range(20)}), implementation)
    assert isinstance(exc, ChunkDecodeError) and len(str(exc)) < 1000


def test_a_huge_item_type_in_a_shape_error_gives_a_short_message(implementation: str) -> None:
    item = {"type": "x" * 1_000_000}
    arguments = event({"type": "response.function_call_arguments.delta", "output_index": 0, "delta": "{"})
    exc = refused(CREATED + added(0, item) + arguments, implementation)
    assert isinstance(exc, ChunkDecodeError) and len(str(exc)) < 1000


def test_a_huge_status_of_a_failed_response_gives_a_short_message(implementation: str) -> None:
    failed = event({"type": "response.failed", "response": {"status": "s" * 1_000_000}})
    exc = refused(CREATED + failed, implementation)
    assert isinstance(exc, sseparse.ProviderError) and len(str(exc)) < 1000


LEAVES = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=3)
MEMBERS = st.sampled_from(
    ["type", "output_index", "content_index", "summary_index", "item_id", "delta", "text", "arguments", "input",
     "item", "part", "response", "output", "usage", "status", "id", "call_id", "name", "content", "summary",
     "annotation", "logprobs", "error", "incomplete_details"]
)
TYPES = st.sampled_from(
    ["response.output_text.delta", "response.output_text.done", "response.function_call_arguments.delta",
     "response.function_call_arguments.done", "response.custom_tool_call_input.delta",
     "response.custom_tool_call_input.done", "response.reasoning_summary_text.delta", "response.refusal.delta",
     "response.output_item.added", "response.output_item.done", "response.content_part.added",
     "response.reasoning_summary_part.added", "response.output_text.annotation.added", "response.created",
     "response.completed", "response.incomplete", "message", "function_call", "custom_tool_call", "reasoning",
     "output_text", "refusal", "summary_text", "web_search_call"]
)
VALUES = st.recursive(
    LEAVES | TYPES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(MEMBERS, inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(MEMBERS, VALUES, max_size=6), min_size=1, max_size=8), st.sampled_from([1, 7, 0]))
def test_any_events_give_a_result_or_an_sseparse_error_alike_in_both_builds(events: list[Any], size: int) -> None:
    data = b"".join(event(obj) for obj in events)
    outcomes = []
    for implementation in ("cython", "python") if sseparse.IMPLEMENTATION == "cython" else ("python",):
        acc = Accumulator("openai-responses", implementation=implementation)
        raised: tuple[str, str] | None = None
        try:
            for start in range(0, len(data), size or len(data)):
                acc.feed(data[start : start + (size or len(data))])
            acc.close()
        except SseparseError as exc:  # anything else fails the test
            raised = (type(exc).__name__, str(exc))
            assert exc.completion is not None
        completion = acc.completion
        json.dumps(completion.to_dict())
        for index in range(len(completion.tool_calls)):
            with contextlib.suppress(IndexError):
                acc.partial_arguments(index)
        outcomes.append((completion, raised))
    assert all(outcome == outcomes[0] for outcome in outcomes)
