"""Hostile Gemini streams: bounded memory, linear work, only sseparse errors.

A buggy or malicious upstream chooses every byte. Whatever it sends, the gemini
reducer raises only ``SseparseError`` subclasses, each carrying the partial result
(``exc.completion``), after which the accumulator refuses more input; nothing is
sized by a number read from the input (measured with ``tracemalloc``, which is
deterministic); nothing recurses deeper than ``MAX_DEPTH`` levels of arguments;
and repeated pieces or repeated reads cost work linear in the input (counted, not
timed). Every case runs on both builds (the ``implementation`` fixture).
"""

from __future__ import annotations

import contextlib
import json
import sys
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import helpers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sseparse
from sseparse import Accumulator, ChunkDecodeError, ParserClosedError, SseparseError, ToolCallArgumentsDelta
from sseparse._dialects import gemini
from sseparse._dialects._base import MAX_NESTING, TOO_DEEP
from sseparse._dialects.gemini import MAX_DEPTH


def sse(*chunks: Any) -> bytes:
    return b"".join(
        b"data: " + (c if isinstance(c, str) else json.dumps(c, separators=(",", ":"))).encode() + b"\n\n"
        for c in chunks
    )


def part(*parts: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": list(parts)}}
    if finish is not None:
        candidate["finishReason"] = finish
    return {"candidates": [candidate], "modelVersion": "gemini-3.1-pro-preview", "responseId": "r-1"}


fc = helpers.function_call


def streamed_call(*pieces: dict[str, Any]) -> bytes:
    """A Vertex streamed call whose ``partialArgs`` are ``pieces``, one chunk each."""
    return sse(*helpers.streamed_call_chunks(part, pieces))


def refused(implementation: str, data: bytes, match: str) -> sseparse.Completion:
    """Feed ``data``; it must raise ``ChunkDecodeError`` matching ``match``, carry the
    partial result, and leave the accumulator refusing more input. The partial
    result is returned (already serialized once, to show it is plain data)."""
    acc = Accumulator("gemini", implementation=implementation)
    with pytest.raises(ChunkDecodeError, match=match) as info:
        acc.feed(data)
    exc = info.value
    assert len(str(exc)) < 1000  # the message quotes a short prefix of the input
    completion = exc.completion
    assert completion is not None
    assert completion.complete is False
    assert completion.error is not None and completion.error["type"] == "chunk_decode_error"
    with pytest.raises(ParserClosedError):
        acc.feed(sse(part({"text": "more"}, finish="STOP")))
    final = acc.close()
    assert final.complete is False
    json.dumps(final.to_dict())
    helpers.fold_equals_completion(exc.deltas, completion)
    return completion


@contextlib.contextmanager
def peak_memory() -> Iterator[Callable[[], int]]:
    """The peak of memory allocated inside the block, in bytes."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    try:
        yield lambda: tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


# -- nothing sized by a number from the input -----------------------------------------------


@pytest.mark.parametrize("index", [1, 100_000_000, 1_000_000_000, 10**17])
def test_a_list_index_past_the_next_element_is_refused_without_filling(implementation: str, index: int) -> None:
    """247 bytes once held 1.5 GB: ``$.a[100000000]`` filled a list with nulls."""
    data = streamed_call({"jsonPath": f"$.a[{index}]", "stringValue": "x"})
    with peak_memory() as peak:
        completion = refused(implementation, data, r"not the next element \(0\)")
    assert peak() < 512 * 1024  # nothing sized by the index (a few dozen objects)
    assert completion.tool_calls[0].arguments == "{"  # what came before the refused piece
    assert completion.tool_calls[0].complete is False


def test_a_gap_after_some_elements_is_refused(implementation: str) -> None:
    data = streamed_call(
        {"jsonPath": "$.a[0]", "numberValue": 1},
        {"jsonPath": "$.a[1]", "numberValue": 2},
        {"jsonPath": "$.a[99999999]", "numberValue": 3},
    )
    completion = refused(implementation, data, r"index 99999999 is not the next element \(2\)")
    assert completion.tool_calls[0].arguments == '{"a":[1,2'


@pytest.mark.parametrize("digits", [19, 400, 5000, 100_000])
def test_an_index_of_many_digits_is_refused(implementation: str, digits: int) -> None:
    """5,000 digits raised ``ValueError`` (the interpreter's int-digits limit) from
    ``feed()``, and the stream later closed ``complete=True`` with ``{}``."""
    data = streamed_call({"jsonPath": "$.a[" + "9" * digits + "]", "numberValue": 1})
    refused(implementation, data, f"an index of {digits} digits")


# -- no recursion past MAX_DEPTH ---------------------------------------------------------------


@pytest.mark.parametrize("steps", [MAX_DEPTH + 1, 500, 5000, 50_000])
def test_a_path_deeper_than_the_limit_is_refused(implementation: str, steps: int) -> None:
    """500 ``.a`` steps made ``completion`` and ``close()`` raise ``RecursionError``
    (deepcopy), 5,000 made ``feed()`` raise it."""
    data = streamed_call({"jsonPath": "$" + ".a" * steps, "stringValue": "deep"})
    refused(implementation, data, f"more than MAX_DEPTH={MAX_DEPTH} steps")


@pytest.mark.parametrize("index_steps", [False, True])
def test_a_path_at_the_limit_works_everywhere(implementation: str, index_steps: bool) -> None:
    step = "[0]" if index_steps else ".a"
    data = streamed_call({"jsonPath": "$.r" + step * (MAX_DEPTH - 1), "stringValue": "deep"})
    acc = Accumulator("gemini", implementation=implementation)
    deltas = acc.feed(data)
    snapshot = acc.completion  # a snapshot of the finished call: its block holds the object
    completion = acc.close()
    assert completion.complete is True
    call = completion.tool_calls[0]
    assert call.complete is True
    value = call.parsed_arguments()
    depth = 0
    while isinstance(value, (dict, list)):
        value = next(iter(value.values())) if isinstance(value, dict) else value[0]
        depth += 1
    assert (depth, value) == (MAX_DEPTH, "deep")
    assert acc.partial_arguments(0) == call.parsed_arguments()
    json.dumps(completion.to_dict())
    assert snapshot.blocks == completion.blocks
    helpers.fold_equals_completion(deltas, completion)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 400, 900])
def test_whole_args_nested_deeper_than_the_limit_are_refused(implementation: str, depth: int) -> None:
    args: Any = "leaf"
    for _ in range(depth - 1):
        args = [args]
    data = sse(part(fc(name="f", args={"x": args}), finish="STOP"))
    # Past the chunk nesting limit every dialect shares, the chunk is refused before
    # the dialect reads it; below it, by the dialect's own MAX_DEPTH for arguments.
    refused(implementation, data, f"MAX_DEPTH={MAX_DEPTH}" if depth + 8 < MAX_NESTING else TOO_DEEP)


def test_whole_args_at_the_limit_are_taken(implementation: str) -> None:
    args: Any = "leaf"
    for _ in range(MAX_DEPTH - 1):
        args = [args]
    acc = Accumulator("gemini", implementation=implementation)
    acc.feed(sse(part(fc(name="f", args={"x": args}), finish="STOP")))
    completion = acc.close()
    assert completion.complete and completion.tool_calls[0].parsed_arguments() == {"x": args}


def test_another_part_nested_deeper_than_the_limit_is_refused(implementation: str) -> None:
    nested: Any = {}
    for _ in range(MAX_DEPTH + 5):
        nested = {"n": nested}
    refused(implementation, sse(part({"text": "a"}), part({"executableCode": nested})), "MAX_DEPTH")


@pytest.mark.parametrize(
    "chunk",
    [
        '{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{"x":NaN}}}]}}]}',
        '{"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{"x":-Infinity}}}]}}]}',
        '{"candidates":[{"content":{"parts":[{"functionCall":{"partialArgs":[{"jsonPath":"$.x",'
        '"numberValue":1e400}]}}]}}]}',
        '{"candidates":[{"content":{"parts":[{"functionCall":{"partialArgs":[{"jsonPath":"$.x",'
        '"numberValue":NaN}]}}]}}]}',
    ],
    ids=["nan-args", "infinity-args", "overflowing-number-piece", "nan-piece"],
)
def test_numbers_json_cannot_write_are_refused(implementation: str, chunk: str) -> None:
    """``NaN`` and ``Infinity`` decode in Python but are not JSON: arguments holding
    them would not parse anywhere else."""
    data = sse(part({"text": "a"})) + b"data: " + chunk.encode() + b"\n\n"
    refused(implementation, data, "NaN|Infinity|finite number")


# -- linear work ---------------------------------------------------------------------------------


def counting(monkeypatch: pytest.MonkeyPatch, accumulator: Accumulator) -> list[int]:
    """Count the characters of JSON text ``accumulator``'s reducer writes: its
    strings (``_string``, the encoder of every string piece) and other values
    (``_compact``), looked up at each call in the module of that reducer (the
    pure twin's own module for ``implementation="python"`` in a compiled install)."""
    module = sys.modules[type(accumulator._reducer).__module__]
    written = [0]

    def counted(original: Callable[[Any], str]) -> Callable[[Any], str]:
        def write(value: Any) -> str:
            text = original(value)
            written[0] += len(text)
            return text

        return write

    monkeypatch.setattr(module, "_string", counted(module._string))
    monkeypatch.setattr(module, "_compact", counted(module._compact))
    return written


@pytest.mark.parametrize("pieces", [1000, 4000])
def test_pieces_for_one_path_without_will_continue_cost_linear_work(
    implementation: str, pieces: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each piece glued as ``existing + string`` made 20 MB take 14.6 s: now every
    character is written once, and each delta carries only the new text."""
    piece = "x" * 50
    data = streamed_call(*[{"jsonPath": "$.s", "stringValue": piece}] * pieces)
    acc = Accumulator("gemini", implementation=implementation)
    written = counting(monkeypatch, acc)
    deltas = acc.feed(data)
    call = acc.close().tool_calls[0]
    assert call.arguments == '{"s":"' + piece * pieces + '"}'
    assert call.complete
    argument_deltas = [d.arguments for d in deltas if type(d) is ToolCallArgumentsDelta]
    assert sum(map(len, argument_deltas)) == len(call.arguments)  # no text written twice
    assert len(piece) * pieces <= written[0] <= len(call.arguments) + 4 * pieces  # each piece once, with its quotes


def test_alternating_paths_cannot_revisit(implementation: str) -> None:
    """Two members taking turns would need each string rewritten: refused at the first revisit."""
    data = streamed_call(
        {"jsonPath": "$.a", "stringValue": "x"},
        {"jsonPath": "$.b", "stringValue": "y"},
        {"jsonPath": "$.a", "stringValue": "x"},
    )
    refused(implementation, data, "written before")


def test_reading_completion_reuses_what_did_not_change(implementation: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A finished streamed call is parsed into its block once, however often the
    result is read; a read with nothing new returns the very same snapshot."""
    acc = Accumulator("gemini", implementation=implementation)
    module = sys.modules[type(acc._reducer).__module__]  # (the pure twin's own module, for "python")
    loads = [0]
    original = module.decode_json

    def counting_decode(text: str) -> Any:
        loads[0] += 1
        return original(text)

    monkeypatch.setattr(module, "decode_json", counting_decode)  # what a call's block is parsed with
    acc.feed(sse(part(fc(name="f", willContinue=True)), part(fc(partialArgs=[{"jsonPath": "$.k", "numberValue": 1}]))))
    first = acc.completion
    assert acc.completion is first  # nothing came: the same snapshot
    before = loads[0]
    assert before == 1  # the call's block, parsed for the first read
    for number in range(200):
        acc.feed(sse(part({"text": f"{number} "})))
        acc.completion
    assert loads[0] == before  # the finished call's block was not parsed again
    assert acc.close().tool_calls[0].arguments == '{"k":1}'


def test_a_closed_run_of_text_is_joined_once(implementation: str) -> None:
    """Reading after every event joins only the text that came since the last read
    (the copy into the new snapshot's string aside)."""
    acc = Accumulator("gemini", implementation=implementation)
    for number in range(300):
        acc.feed(sse(part({"text": "a"})))
        completion = acc.completion
        assert completion.content == "a" * (number + 1)
    reducer = acc._reducer
    assert type(reducer).__name__ == "GeminiReducer"  # (the compiled one or its pure twin)
    state = reducer._candidates[0]
    assert len(state.content) == 1 and state.run is not None and len(state.run.pieces) == 1


@pytest.mark.parametrize("size", [200_000, 400_000])
def test_memory_is_linear_in_a_long_streamed_string(implementation: str, size: int) -> None:
    data = streamed_call(*[{"jsonPath": "$.s", "stringValue": "y" * 100, "willContinue": True}] * (size // 100))
    acc = Accumulator("gemini", implementation=implementation, deltas=False)
    with peak_memory() as peak:
        acc.feed(data)
        completion = acc.close()
    assert len(completion.tool_calls[0].arguments) == size + 8
    assert peak() < 12 * size  # the pieces, the text, the block's copy: a constant each


# -- any piece at all: only sseparse errors -------------------------------------------------------

PATH = st.text(st.sampled_from(list("$.[]'\"0123456789ab\\")), max_size=30)
VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.just([1]),
    st.just({"k": "v"}),
)
PIECE = st.dictionaries(
    st.sampled_from(["jsonPath", "stringValue", "numberValue", "boolValue", "nullValue", "willContinue"]),
    PATH | VALUE,
    max_size=4,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(PIECE, max_size=3) | VALUE, min_size=1, max_size=6), st.booleans())
def test_any_partial_args_give_a_result_or_an_sseparse_error(implementation: str, pieces: list[Any], end: bool) -> None:
    chunks = [part(fc(name="f", willContinue=True))]
    chunks += [part(fc(partialArgs=group, willContinue=True)) for group in pieces]
    if end:
        chunks.append(part(fc(), finish="STOP"))
    acc = Accumulator("gemini", implementation=implementation)
    data = b"".join(b"data: " + json.dumps(c, separators=(",", ":")).encode() + b"\n\n" for c in chunks)
    deltas: list[Any] = []
    try:
        deltas += acc.feed(data)
    except SseparseError as exc:
        assert exc.completion is not None
        deltas += exc.deltas
        with pytest.raises(ParserClosedError):
            acc.feed(b"data: {}\n\n")
    completion = acc.close()
    json.dumps(completion.to_dict(), allow_nan=False)
    helpers.fold_equals_completion(deltas, completion)
    for call in completion.tool_calls:
        if call.complete:
            call.parsed_arguments()
        with contextlib.suppress(IndexError):
            acc.partial_arguments(call.index)


@pytest.mark.parametrize("depth", [MAX_DEPTH, MAX_DEPTH + 1, 950, 990, 1000, 100_000])
def test_a_deep_chunk_gives_the_same_outcome_in_both_builds(depth: int) -> None:
    """Nesting the JSON decoder cannot take, or that ``MAX_DEPTH`` refuses: the same
    ``ChunkDecodeError`` (type and message) in both builds, never ``RecursionError``."""
    inner = "[" * depth + "]" * depth
    data = sse(part({"text": "a"})) + b'data: {"candidates":[{"content":{"parts":[{"inlineData":' + inner.encode()
    data += b"}]}}]}\n\n"
    outcomes = []
    for implementation in ("cython", "python"):
        if implementation == "cython":
            pytest.importorskip("sseparse._framing_c")
        acc = Accumulator("gemini", implementation=implementation)
        try:
            acc.feed(data)
        except ChunkDecodeError as exc:
            assert exc.completion is not None and exc.completion.content == "a"
            outcomes.append(str(exc))
        else:
            outcomes.append("accepted")
    assert outcomes[0] == outcomes[-1]
    assert (outcomes[0] == "accepted") == (depth <= MAX_DEPTH - 1)


def outcome(implementation: str, fragments: list[bytes]) -> tuple[Any, ...]:
    """Everything a caller sees: deltas, the error (type and message), the result."""
    acc = Accumulator("gemini", implementation=implementation)
    deltas: list[Any] = []
    error = None
    try:
        for fragment in fragments:
            deltas += acc.feed(fragment)
    except SseparseError as exc:
        deltas += exc.deltas
        error = (type(exc).__name__, str(exc))
    return deltas, error, acc.close()


SEED = sse(
    part({"text": "Sonnig", "thought": True}),
    part({**fc(name="f", willContinue=True), "thoughtSignature": "c2ln"}),
    part(fc(partialArgs=[{"jsonPath": "$.a[0].b", "stringValue": "x", "willContinue": True}], willContinue=True)),
    part(fc(partialArgs=[{"jsonPath": "$.a[0].b", "stringValue": "y"}, {"jsonPath": "$.c", "numberValue": 2}])),
    part({"text": "fertig"}, finish="STOP"),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, len(SEED) - 1), st.binary(max_size=3), st.integers(0, 3)), max_size=4),
    st.integers(1, 64),
)
def test_both_builds_agree_on_mutated_streams(edits: list[tuple[int, bytes, int]], size: int) -> None:
    """A real-looking stream with bytes replaced, inserted or deleted anywhere: both
    builds give the same deltas, error (type and message) and result."""
    pytest.importorskip("sseparse._framing_c")
    data = bytearray(SEED)
    for position, insert, delete in edits:
        data[position : position + delete] = insert
    fragments = [bytes(data[i : i + size]) for i in range(0, len(data), size)]
    compiled, pure = outcome("cython", fragments), outcome("python", fragments)
    assert compiled == pure
    json.dumps(pure[2].to_dict())


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        ({"text": 5}, "a part's text must be a string, not int"),
        ({"text": ["a"], "thought": True}, "a part's text must be a string, not list"),
        ({"functionCall": 5}, "functionCall must be an object, not int"),
        ({"functionCall": ["get"], "thoughtSignature": "c2ln"}, "functionCall must be an object, not list"),
    ],
)
def test_a_part_of_the_wrong_shape_names_its_event_on_both_paths(bad: dict[str, Any], match: str) -> None:
    """A part the reducer refuses names the event it came in (its position and data),
    whichever path read the chunk: the compiled walker hands such a part to the
    reducer, which raises; the error is mapped for the event only then."""
    data = sse(part({"text": "a"}), part({"text": "b"}, bad))
    errors = []
    for implementation in ("python", "cython") if sseparse.IMPLEMENTATION == "cython" else ("python",):
        completion = refused(implementation, data, match)
        assert completion.content == "ab"  # the text before the part is kept
        acc = Accumulator("gemini", implementation=implementation)
        with pytest.raises(ChunkDecodeError) as info:
            acc.feed(data)
        assert info.value.index == 1
        assert info.value.event is not None and info.value.event.data == sse(part({"text": "b"}, bad))[6:-2].decode()
        errors.append((str(info.value), info.value.index, info.value.event, info.value.completion.to_dict()))
    assert all(error == errors[0] for error in errors)
