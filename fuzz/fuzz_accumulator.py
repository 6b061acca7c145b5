"""Structure-aware fuzz target for the ``Accumulator`` of every dialect (see README.md).

The fuzzer's bytes do not become the stream directly: they drive a generator that
writes real-looking chunks of one dialect (text, reasoning, tool calls with argument
pieces, Gemini ``partialArgs`` paths, usage, finish reasons, provider errors), then
mutates them (a value replaced by a hostile one: huge or negative numbers, long or
odd strings, deep nesting, the wrong type; keys dropped or added; events repeated,
dropped, cut), frames them as SSE (event names, comments, ids, multi-line data,
sometimes a flipped byte) and splits the bytes at random points.

The one invariant, on both builds (compiled and pure): feeding, reading
``completion`` and ``partial_arguments`` and closing raise nothing but
``SseparseError`` subclasses; each error raised while accumulating carries
``exc.completion``, after which the accumulator refuses more input; the two builds
give the same completion and the same error (type and message); and one input costs
bounded time and memory (libFuzzer's ``-timeout`` and ``-rss_limit_mb``; the
fallback driver measures both).

Two drivers: atheris (``python fuzz/fuzz_accumulator.py CORPUS_DIR [libFuzzer
flags]``) and, where atheris cannot be installed, a pure-Python one that draws the
same choices from ``random`` (``python fuzz/fuzz_accumulator.py --random
--seconds 600``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Run from a checkout without installing: the package is one directory up.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

try:
    import atheris
except ImportError:  # the random driver needs nothing more
    atheris = None

#: Fuzzing with atheris: run as a script without the random driver's flags (the
#: tests import this module for its generator, and take sseparse as it is).
FUZZING = (
    __name__ == "__main__" and atheris is not None and "--random" not in sys.argv and "--replay" not in sys.argv
)

if FUZZING:
    with atheris.instrument_imports(include=["sseparse"]):
        import sseparse
else:
    import sseparse

from sseparse import Accumulator, ParserClosedError, SseparseError  # noqa: E402

#: The dialects fuzzed: all of them, or those listed (comma-separated) in
#: SSEPARSE_FUZZ_DIALECTS, to keep fuzzing the others while one has an open finding.
DIALECTS = tuple(
    os.environ.get("SSEPARSE_FUZZ_DIALECTS", "").split(",") if os.environ.get("SSEPARSE_FUZZ_DIALECTS")
    else ("openai-chat", "anthropic", "gemini", "openai-responses")
)
IMPLEMENTATIONS = ("cython", "python") if sseparse.IMPLEMENTATION == "cython" else ("python",)

#: Per input: at most this many seconds (the random driver reports slower ones and
#: stops a case at 4 times this) and this many bytes traced per byte of input, plus a
#: constant. The random driver caps the address space so that a runaway allocation
#: is a MemoryError (a finding), not a machine swapping.
TIME_BOUND = 5.0
MEMORY_PER_BYTE = 64
MEMORY_CONSTANT = 16 * 1024 * 1024
ADDRESS_SPACE = 4 * 1024 * 1024 * 1024

#: Exceptions that, even mapped to an sseparse error, mean a bound was broken.
BOUND_BROKEN = (MemoryError, RecursionError)


class CaseTimeout(BaseException):
    """Raised by the random driver's alarm (a BaseException: no ``except Exception`` maps it)."""


# -- where choices come from ----------------------------------------------------------------


class Choices:
    """The generator's source of decisions: the fuzzer's bytes, or ``random``."""

    def __init__(self, fdp: Any = None, rng: random.Random | None = None) -> None:
        self.fdp = fdp
        self.rng = rng
        self.raw: list[str] = []  # JSON texts json.dumps cannot write (see raw())

    def raw_json(self, text: str) -> str:
        """A placeholder that ``dumps`` replaces by ``text`` as is: a value nested
        deeper or a number longer than ``json.dumps`` itself can write."""
        self.raw.append(text)
        return f"\x00RAW{len(self.raw) - 1}\x00"

    def dumps(self, obj: Any, ensure_ascii: bool) -> str:
        text = json.dumps(obj, ensure_ascii=ensure_ascii)
        for i, raw in enumerate(self.raw):
            text = text.replace(f'"\\u0000RAW{i}\\u0000"', raw)
        return text

    def int(self, lo: int, hi: int) -> int:
        if self.fdp is not None:
            return int(self.fdp.ConsumeIntInRange(lo, hi))
        assert self.rng is not None
        return self.rng.randint(lo, hi)

    def chance(self, percent: int) -> bool:
        return self.int(0, 99) < percent

    def pick(self, options: Any) -> Any:
        return options[self.int(0, len(options) - 1)]

    def text(self, size: int) -> str:
        if self.fdp is not None:
            return str(self.fdp.ConsumeUnicode(size))
        assert self.rng is not None
        alphabet = "abc xyz{}[]\":,.$\\\n\r\t\x00é€😀\ud800\u2028"
        return "".join(self.rng.choice(alphabet) for _ in range(self.rng.randint(0, size)))


# -- hostile values ---------------------------------------------------------------------------

FIELD_NAMES = (
    "index", "output_index", "content_index", "summary_index", "id", "item_id", "call_id", "name", "type",
    "arguments", "partial_json", "input", "content", "text", "delta", "role", "finish_reason", "stop_reason",
    "finishReason", "usage", "usageMetadata", "tool_calls", "function", "functionCall", "partialArgs", "jsonPath",
    "willContinue", "stringValue", "numberValue", "args", "message", "code", "error", "choices", "candidates",
    "parts", "output", "item", "response", "reasoning_content", "refusal", "thought", "signature", "model",
)


def hostile(c: Choices, depth: int = 0) -> Any:
    kind = c.int(0, 19)
    if kind == 0:
        return None
    if kind == 1:
        return c.chance(50)
    if kind == 2:
        return c.int(-3, 3)
    if kind == 3:
        return c.pick([2**31, 2**63, -(2**63) - 1, 10**c.int(19, 400), -(10**c.int(19, 400))])
    if kind == 4:
        return c.raw_json(c.pick(["", "-"]) + "9" * c.int(400, 6000)) if c.chance(20) else 10**9
    if kind == 5:
        return c.pick([0.5, -0.0, 1e308, -1e308, float("nan"), float("inf"), 1.5e-320])
    if kind == 6:
        return c.text(40)
    if kind == 7:
        return c.pick(["x", "9" * c.int(1, 60)]) * c.int(1, 20_000 if c.chance(90) else 400_000)
    if kind == 8:
        return c.pick(["0", "-1", "1e3", "9" * 5000, "", "stop", "tool_calls", "[DONE]"])
    if kind == 9:
        return json_path(c)
    if kind == 10:
        depth = c.int(1, c.pick([10, 127, 128, 129, 600, 5000]))
        if depth < 100:
            value: Any = c.pick([0, "x", {}])
            for _ in range(depth):
                value = [value] if c.chance(50) else {"a": value}
            return value
        return c.raw_json(c.pick(["[" * depth + "]" * depth, '{"a":' * depth + "0" + "}" * depth]))
    if kind == 11:
        return [hostile(c, depth + 1) for _ in range(c.int(0, 3))] if depth < 4 else []
    if kind == 12:
        return {c.pick(FIELD_NAMES): hostile(c, depth + 1) for _ in range(c.int(0, 3))} if depth < 4 else {}
    if kind == 13:
        return [c.text(5)] * c.int(1, 50_000)
    if kind == 14:
        return {f"k{i}": i for i in range(c.int(1, 2000))}
    if kind == 15:
        return "\ud800" + c.text(4)
    return c.pick(["", "a", "{", '{"a": 1}', "null", "[", "}", '"'])


def json_path(c: Choices) -> str:
    steps = [c.pick([".a", ".b", "[0]", "[1]", "['q']", "[-1]", "[]", ".", "[" + "9" * c.int(1, 6000) + "]",
                     "[99999999]", "[1000000000]", "..x", "[*]"]) for _ in range(c.int(0, 6))]
    if c.chance(10):
        steps = [".a"] * c.int(100, 6000)
    return c.pick(["$", "", "$$", "a"]) + "".join(steps)


def mutate(c: Choices, value: Any, depth: int = 0) -> Any:
    """``value`` with one place in it changed (replaced, dropped, wrapped, added to)."""
    if depth > 6 or not isinstance(value, (dict, list)) or not value or c.chance(20):
        op = c.int(0, 3)
        if op == 0 or not isinstance(value, (dict, list)):
            return hostile(c)
        if op == 1:
            return [value]
        if op == 2 and isinstance(value, dict):
            return {**value, c.pick(FIELD_NAMES): hostile(c)}
        return {"a": value}
    if isinstance(value, dict):
        key = c.pick(list(value))
        copy = dict(value)
        if c.chance(15):
            del copy[key]
        else:
            copy[key] = mutate(c, value[key], depth + 1)
        return copy
    i = c.int(0, len(value) - 1)
    return [*value[:i], mutate(c, value[i], depth + 1), *value[i + 1 :]]


# -- real-looking chunks per dialect ------------------------------------------------------------


def chat_events(c: Choices) -> list[tuple[str | None, Any]]:
    base = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "gpt"}

    def chunk(delta: Any, finish: Any = None, index: int = 0) -> tuple[None, Any]:
        return None, {**base, "choices": [{"index": index, "delta": delta, "finish_reason": finish}]}

    events: list[tuple[str | None, Any]] = [chunk({"role": "assistant", "content": ""})]
    for _ in range(c.int(0, 6)):
        kind = c.int(0, 5)
        if kind == 0:
            events.append(chunk({"content": c.text(12)}, index=c.pick([0, 0, 1])))
        elif kind == 1:
            events.append(chunk({c.pick(["reasoning_content", "reasoning"]): c.text(8)}))
        elif kind == 2:
            events.append(chunk({"refusal": c.text(6)}))
        else:
            call: dict[str, Any] = {"index": c.int(0, 2), "function": {"arguments": c.pick(['{"a"', ': 1', "}", ""])}}
            if c.chance(40):
                call.update(id=f"call_{c.int(0, 3)}", type="function")
                call["function"]["name"] = c.pick(["get", "weather", ""])
            events.append(chunk({"tool_calls": [call]}))
    events.append(chunk({}, c.pick(["stop", "tool_calls", "length"])))
    if c.chance(50):
        events.append((None, {**base, "choices": [], "usage": {
            "prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15,
            "prompt_tokens_details": {"cached_tokens": 2}, "completion_tokens_details": {"reasoning_tokens": 1}}}))
    if c.chance(10):
        events.append((None, {"error": {"message": c.text(20), "type": "server_error", "code": c.int(0, 600)}}))
    events.append((None, "[DONE]"))
    return events


def anthropic_events(c: Choices) -> list[tuple[str | None, Any]]:
    def ev(obj: dict[str, Any]) -> tuple[str, Any]:
        return obj["type"], obj

    events = [ev({"type": "message_start", "message": {
        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude", "content": [],
        "stop_reason": None, "usage": {"input_tokens": 5, "cache_read_input_tokens": 1, "output_tokens": 1}}})]
    for index in range(c.int(0, 3)):
        kind = c.pick(["text", "tool_use", "thinking"])
        if kind == "text":
            block: dict[str, Any] = {"type": "text", "text": ""}
            deltas = [{"type": "text_delta", "text": c.text(10)} for _ in range(c.int(0, 3))]
        elif kind == "tool_use":
            block = {"type": "tool_use", "id": f"toolu_{index}", "name": "get", "input": {}}
            deltas = [{"type": "input_json_delta", "partial_json": p} for p in ('{"city": ', '"Paris"', "}")]
        else:
            block = {"type": "thinking", "thinking": "", "signature": ""}
            deltas = [{"type": "thinking_delta", "thinking": c.text(8)}, {"type": "signature_delta", "signature": "s"}]
        events.append(ev({"type": "content_block_start", "index": index, "content_block": block}))
        events += [ev({"type": "content_block_delta", "index": index, "delta": d}) for d in deltas]
        events.append(ev({"type": "content_block_stop", "index": index}))
        if c.chance(20):
            events.append(ev({"type": "ping"}))
    events.append(ev({"type": "message_delta", "delta": {"stop_reason": c.pick(["end_turn", "tool_use"])},
                      "usage": {"output_tokens": 7}}))
    if c.chance(10):
        events.append(ev({"type": "error", "error": {"type": "overloaded_error", "message": c.text(20)}}))
    events.append(ev({"type": "message_stop"}))
    return events


def gemini_events(c: Choices) -> list[tuple[str | None, Any]]:
    def chunk(*parts: Any, **extra: Any) -> tuple[None, Any]:
        candidate: dict[str, Any] = {"content": {"role": "model", "parts": list(parts)}}
        if "finish" in extra:
            candidate["finishReason"] = extra.pop("finish")
        if c.chance(30):  # Vertex's createTime: the usual shape, an impossible date, another shape
            extra["createTime"] = c.pick(
                ["2026-04-02T17:03:50.399550Z", "2024-02-29T23:59:60Z", "2023-02-29T00:00:00.1Z",
                 "0000-01-01T00:00:00Z", "2026-4-02T17:03:50Z", "2026-04-02T17:03:5:.1Z", c.text(24), 7])
        return None, {"candidates": [candidate], "modelVersion": "gemini", "responseId": "r1", **extra}

    events = []
    for _ in range(c.int(1, 6)):
        kind = c.int(0, 4)
        if kind == 0:
            events.append(chunk({"text": c.text(12)}))
        elif kind == 1:
            events.append(chunk({"text": c.text(6), "thought": True}))
        elif kind == 2:
            events.append(chunk({"functionCall": {"name": "get", "args": {"city": "Paris"}}}))
        else:
            events.append(chunk({"functionCall": {"name": "book", "willContinue": True}}))
            for _ in range(c.int(1, 4)):
                path = json_path(c) if c.chance(15) else c.pick(["$.city", "$.dates[0]", "$.a.b", "$.n"])
                piece: dict[str, Any] = {"jsonPath": path}
                piece[c.pick(["stringValue", "numberValue", "boolValue", "nullValue"])] = c.pick(["San ", 2, True, None])
                if c.chance(50):
                    piece["willContinue"] = True
                events.append(chunk({"functionCall": {"partialArgs": [piece], "willContinue": True}}))
            events.append(chunk({"functionCall": {}}))
    events.append(chunk({"text": ""}, finish=c.pick(["STOP", "MAX_TOKENS"]), usageMetadata={
        "promptTokenCount": 4, "candidatesTokenCount": 3, "totalTokenCount": 7, "thoughtsTokenCount": 1}))
    if c.chance(10):
        events.append((None, {"error": {"code": 500, "message": c.text(20), "status": "INTERNAL"}}))
    return events


def responses_events(c: Choices) -> list[tuple[str | None, Any]]:
    def ev(obj: dict[str, Any]) -> tuple[str, Any]:
        return obj["type"], obj

    response = {"id": "resp_1", "object": "response", "model": "gpt", "status": "in_progress", "output": []}
    events = [ev({"type": "response.created", "response": response})]
    output = []
    for i in range(c.int(0, 3)):
        kind = c.pick(["message", "function_call", "custom_tool_call", "reasoning"])
        if kind == "message":
            item: dict[str, Any] = {"type": "message", "id": f"msg_{i}", "role": "assistant", "content": []}
            events.append(ev({"type": "response.output_item.added", "output_index": i, "item": item}))
            events.append(ev({"type": "response.content_part.added", "item_id": f"msg_{i}", "output_index": i,
                              "content_index": 0, "part": {"type": "output_text", "text": ""}}))
            for _ in range(c.int(0, 3)):
                events.append(ev({"type": c.pick(["response.output_text.delta", "response.refusal.delta"]),
                                  "item_id": f"msg_{i}", "output_index": i, "content_index": 0,
                                  "delta": c.text(8)}))
            done = {**item, "status": "completed", "content": [{"type": "output_text", "text": "", "annotations": []}]}
        elif kind in ("function_call", "custom_tool_call"):
            item = {"type": kind, "id": f"fc_{i}", "call_id": f"call_{i}", "name": "get",
                    "arguments" if kind == "function_call" else "input": ""}
            events.append(ev({"type": "response.output_item.added", "output_index": i, "item": item}))
            delta = ("response.function_call_arguments.delta" if kind == "function_call"
                     else "response.custom_tool_call_input.delta")
            for piece in ('{"a"', ": 1}"):
                events.append(ev({"type": delta, "item_id": f"fc_{i}", "output_index": i, "delta": piece}))
            done = {**item, "status": "completed"}
        else:
            item = {"type": "reasoning", "id": f"rs_{i}", "summary": []}
            events.append(ev({"type": "response.output_item.added", "output_index": i, "item": item}))
            events.append(ev({"type": "response.reasoning_summary_text.delta", "item_id": f"rs_{i}",
                              "output_index": i, "summary_index": 0, "delta": c.text(8)}))
            done = item
        events.append(ev({"type": "response.output_item.done", "output_index": i, "item": done}))
        output.append(done)
    final = {**response, "status": "completed", "output": output,
             "usage": {"input_tokens": 5, "output_tokens": 3, "total_tokens": 8,
                       "input_tokens_details": {"cached_tokens": 1}, "output_tokens_details": {"reasoning_tokens": 1}}}
    end = c.pick(["response.completed", "response.completed", "response.incomplete", "response.failed"])
    if end == "response.failed":
        final["error"] = {"code": "server_error", "message": c.text(20)}
    events.append(ev({"type": end, "response": final}))
    return events


GENERATORS: dict[str, Callable[[Choices], list[tuple[str | None, Any]]]] = {
    "openai-chat": chat_events,
    "anthropic": anthropic_events,
    "gemini": gemini_events,
    "openai-responses": responses_events,
}


# -- one case ---------------------------------------------------------------------------------


def build_case(c: Choices) -> tuple[str, str, int, bool, list[bytes], list[int]]:
    """(dialect, dialect given to the Accumulator, max_event_size, deltas, fragments, reads)."""
    dialect = c.pick(DIALECTS)
    events = GENERATORS[dialect](c)
    for _ in range(c.int(0, 4)):  # mutate chunks
        i = c.int(0, len(events) - 1)
        name, obj = events[i]
        events[i] = (name, mutate(c, obj))
    for _ in range(c.int(0, 2)):  # repeat, drop or move events
        if len(events) < 2:
            break
        i, j = c.int(0, len(events) - 1), c.int(0, len(events) - 1)
        op = c.int(0, 2)
        if op == 0:
            events.insert(j, events[i])
        elif op == 1:
            del events[i]
        else:
            events.insert(j, events.pop(i))
    blocks = []
    for name, obj in events:
        data = obj if isinstance(obj, str) else c.dumps(obj, ensure_ascii=c.chance(50))
        if c.chance(3):
            data = data[: c.int(0, len(data))]  # a cut chunk
        lines = data.split("\n") if not c.chance(5) else [data[:3], data[3:]]
        block = "".join(f"data: {line}\n" for line in lines)
        if name is not None or c.chance(5):
            block = f"event: {name if not c.chance(5) else c.text(6)}\n" + block
        if c.chance(5):
            block = f": keep-alive\nid: {c.int(0, 9)}\n" + block
        blocks.append(block + "\n")
    raw = bytearray("".join(blocks).encode("utf-8", "surrogatepass"))
    for _ in range(c.int(0, 2) if c.chance(15) else 0):  # byte-level damage
        if raw:
            raw[c.int(0, len(raw) - 1)] = c.pick([0x0A, 0x0D, 0x00, 0xFF, 0x22, 0x7B])
    if c.chance(5):
        raw = raw[: c.int(0, len(raw))]
    cuts = sorted({c.int(0, len(raw)) for _ in range(c.int(0, 8))})
    bounds = [0, *cuts, len(raw)]
    fragments = [bytes(raw[a:b]) for a, b in zip(bounds, bounds[1:])]
    given = "auto" if c.chance(25) else dialect
    limit = c.pick([64 * 1024 * 1024, 1 << 20, 4096, 300])
    reads = [c.int(0, len(fragments)) for _ in range(c.int(0, 3))]
    return dialect, given, limit, c.chance(70), fragments, reads


def run_case(given: str, limit: int, deltas: bool, fragments: list[bytes], reads: list[int],
             implementation: str) -> tuple[Any, ...]:
    """What one build makes of the case; raises AssertionError when the invariant breaks."""
    acc = Accumulator(given, max_event_size=limit, deltas=deltas, implementation=implementation)
    error: SseparseError | None = None
    try:
        for i, fragment in enumerate(fragments):
            if i in reads:
                acc.completion.to_dict()
                _read_partials(acc)
            acc.feed(fragment)
        final = acc.close()
    except SseparseError as exc:
        error = exc
        cause = exc.__cause__
        assert not isinstance(cause, BOUND_BROKEN), f"{type(cause).__name__} behind {type(exc).__name__}: {exc}"
        assert exc.completion is not None, f"{type(exc).__name__} without completion: {exc}"
        assert not exc.completion.complete, "an error with a complete result"
        exc.completion.to_dict()
        try:
            acc.feed(b"data: {}\n\n")
        except ParserClosedError:
            pass
        else:
            raise AssertionError("the accumulator accepted input after an error") from None
        final = acc.completion
    _read_partials(acc)
    return (
        None if error is None else (type(error).__name__, str(error)),
        repr(final.to_dict()),
    )


def _read_partials(acc: Accumulator) -> None:
    for index in range(3):
        try:
            acc.partial_arguments(index)
        except (IndexError, NotImplementedError):
            pass


def check(c: Choices) -> tuple[int, list[str]]:
    """Runs one generated case on every build; returns its size and any differences."""
    return check_case(build_case(c))


def check_case(case: tuple[Any, ...]) -> tuple[int, list[str]]:
    """``check`` of a case already built (the random driver traces the memory of
    this part alone: making a hostile value costs the generator, not sseparse)."""
    dialect, given, limit, deltas, fragments, reads = case
    outcomes = [run_case(given, limit, deltas, fragments, reads, impl) for impl in IMPLEMENTATIONS]
    problems = []
    if len(outcomes) == 2 and outcomes[0] != outcomes[1]:
        which = "error" if outcomes[0][0] != outcomes[1][0] else "completion"
        problems.append(f"builds differ ({which}) on {dialect} as {given}: {outcomes[0][0]} / {outcomes[1][0]}")
    return sum(map(len, fragments)), problems


# -- drivers ----------------------------------------------------------------------------------


def test_one_input(data: bytes) -> None:
    """The atheris target: any exception (or a difference between builds) is a finding."""
    _, problems = check(Choices(fdp=atheris.FuzzedDataProvider(data)))
    if problems:
        raise AssertionError("; ".join(problems))


def random_driver(seconds: float, seed: int, memory_every: int) -> int:
    """Draws cases from ``random`` until ``seconds`` pass; prints what it finds."""
    start = time.monotonic()
    findings: dict[str, int] = {}
    n = 0
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    def alarm(signum: int, frame: Any) -> None:
        raise CaseTimeout()

    signal.signal(signal.SIGALRM, alarm)
    while time.monotonic() - start < seconds:
        case_seed = seed + n
        n += 1
        traced = memory_every and n % memory_every == 0
        began = time.process_time()
        problems: list[str]
        signal.alarm(int(4 * TIME_BOUND))
        try:
            case = build_case(Choices(rng=random.Random(case_seed)))
            if traced:
                tracemalloc.start()
            size, problems = check_case(case)
        except CaseTimeout:
            size, problems = 0, [f"timeout: more than {4 * TIME_BOUND:.0f} s"]
        except Exception as exc:  # noqa: BLE001 - every escape is a finding
            size, problems = 0, [f"{type(exc).__name__}: {str(exc)[:200]}"]
        finally:
            signal.alarm(0)
        spent = time.process_time() - began
        if spent > TIME_BOUND:
            problems.append(f"slow: {spent:.1f} s for {size} bytes")
        if traced:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            if peak > MEMORY_PER_BYTE * size + MEMORY_CONSTANT:
                problems.append(f"memory: {peak} bytes traced for {size} bytes")
        for problem in problems:
            key = problem[:120]
            if key not in findings:
                print(f"seed {case_seed}: {problem}", flush=True)
            findings[key] = findings.get(key, 0) + 1
    print(f"{n} cases in {time.monotonic() - start:.0f} s (seeds {seed}..{seed + n - 1}), "
          f"{len(findings)} distinct findings", flush=True)
    for key, count in sorted(findings.items(), key=lambda kv: -kv[1]):
        print(f"  {count:6} x {key}")
    return 1 if findings else 0


def replay(seed: int) -> None:
    """Re-runs one case of the random driver, letting its exception through."""
    dialect, given, limit, deltas, fragments, reads = build_case(Choices(rng=random.Random(seed)))
    print(f"dialect={dialect} given={given} max_event_size={limit} deltas={deltas} reads={reads}")
    print(b"".join(fragments)[:2000])
    for impl in IMPLEMENTATIONS:
        print(impl, run_case(given, limit, deltas, fragments, reads, impl))


def main() -> int:
    if "--random" in sys.argv or "--replay" in sys.argv or atheris is None:
        parser = argparse.ArgumentParser(description="the random driver of fuzz_accumulator")
        parser.add_argument("--random", action="store_true")
        parser.add_argument("--seconds", type=float, default=600)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--memory-every", type=int, default=25, help="trace memory of every Nth case (0: never)")
        parser.add_argument("--replay", type=int, help="re-run the case of this seed and show it")
        args = parser.parse_args()
        if args.replay is not None:
            replay(args.replay)
            return 0
        return random_driver(args.seconds, args.seed, args.memory_every)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main())
