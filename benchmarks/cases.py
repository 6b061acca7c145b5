"""The measured implementations, by group, and the checks of what they return.

``run.py`` and the pytest-benchmark files both take their implementations from
here, so the two always measure the same code. An implementation that cannot run
(compiled parser not built, optional package not installed, ``sseparse.accumulate``
not written yet) is still listed, with the reason it is skipped.

Each implementation is a function of a list of ``bytes`` fragments that parses the
whole stream: it creates its parser, feeds every fragment, ends the stream and
returns everything it produced. Results are normalized only outside the timings.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import baselines
import streams

__all__ = [
    "ACCUMULATE_STREAMS",
    "Impl",
    "accumulate_impls",
    "check_completion",
    "check_events",
    "framing_impls",
    "reference_completion",
    "reference_events",
]


@dataclass(frozen=True)
class Impl:
    name: str
    fn: Callable[[list[bytes]], Any] | None
    role: str  # "sseparse" (measured) or "baseline"
    description: str
    skip: str | None = None  # why it cannot run here
    correct: bool = True  # False for the naive loop: its errors are counted, not failed
    extra: dict[str, Any] = field(default_factory=dict)


# -- framing --------------------------------------------------------------------------------


def _sseparse_runner(parser_cls: Any) -> Callable[[list[bytes]], list[Any]]:
    def run(fragments: list[bytes]) -> list[Any]:
        parser = parser_cls()
        feed = parser.feed
        out: list[Any] = []
        extend = out.extend
        for fragment in fragments:
            extend(feed(fragment))
        parser.close()
        return out

    return run


@cache
def framing_impls() -> tuple[Impl, ...]:
    impls = []
    try:
        from sseparse._framing_c import EventParser as CParser
    except ImportError as exc:
        impls.append(
            Impl(
                "sseparse-c",
                None,
                "sseparse",
                "sseparse compiled (Cython) EventParser",
                skip=f"sseparse._framing_c is not built ({exc}); build it with setup.py build_ext --inplace",
            )
        )
    else:
        impls.append(
            Impl("sseparse-c", _sseparse_runner(CParser), "sseparse", "sseparse compiled (Cython) EventParser")
        )
    from sseparse._framing_py import EventParser as PyParser

    impls.append(Impl("sseparse-py", _sseparse_runner(PyParser), "sseparse", "sseparse pure-Python EventParser"))
    impls.append(Impl("buffered", baselines.buffered_events, "baseline", "careful pure-Python buffered parser"))
    impls.append(
        Impl(
            "httpx-sse",
            baselines.httpx_sse_events,
            "baseline",
            "httpx TextDecoder + httpx-sse line and event decoders",
            skip=None if baselines.httpx_sse_events else "httpx-sse is not installed",
        )
    )
    impls.append(
        Impl(
            "sseclient-py",
            baselines.sseclient_events,
            "baseline",
            "sseclient-py SSEClient(fragments).events()",
            skip=None if baselines.sseclient_events else "sseclient-py is not installed",
        )
    )
    impls.append(
        Impl(
            "naive",
            baselines.naive_split_lines,
            "baseline",
            "naive split-lines loop (wrong across fragments)",
            correct=False,
        )
    )
    return tuple(impls)


def _normalize_events(result: list[Any]) -> list[tuple[str, str, str]]:
    out = []
    for ev in result:
        if isinstance(ev, tuple):
            out.append(ev)
        else:  # sseparse Event, httpx-sse ServerSentEvent, sseclient-py Event (id None: no id)
            out.append((ev.event, ev.data, ev.id or ""))
    return out


@cache
def reference_events(stream: str) -> tuple[tuple[str, str, str], ...]:
    """The correct events of a stream: sseparse's pure parser on the whole stream,
    cross-checked against the buffered baseline (two independent parsers)."""
    from sseparse._framing_py import EventParser

    data = streams.get_stream(stream)
    parser = EventParser()
    events = _normalize_events(parser.feed(data))
    if parser.close() is not None:
        raise AssertionError(f"stream {stream} ends inside an event")
    if events != baselines.buffered_events([data]):
        raise AssertionError(f"sseparse and the buffered baseline disagree on stream {stream}")
    return tuple(events)


def check_events(impl: Impl, stream: str, result: list[Any]) -> dict[str, Any]:
    """``{"ok": bool, "wrong": int, "spurious": int, "events": int}`` for one result.

    For the naive loop (which only yields data payloads) ``wrong`` counts the correct
    events whose data it did not produce and ``spurious`` the payloads it produced
    that are no event's data (cut, merged or split lines).
    """
    ref = reference_events(stream)
    if impl.name == "naive":
        want = Counter(data for _, data, _ in ref)
        got = Counter(result)
        wrong = sum((want - got).values())
        spurious = sum((got - want).values())
        return {"ok": wrong == 0 and spurious == 0, "wrong": wrong, "spurious": spurious, "events": len(ref)}
    got_events = _normalize_events(result)
    wrong = sum(1 for a, b in zip(got_events, ref) if a != b) + abs(len(got_events) - len(ref))
    return {"ok": wrong == 0, "wrong": wrong, "spurious": 0, "events": len(ref)}


# -- accumulation ---------------------------------------------------------------------------

#: stream -> dialect
ACCUMULATE_STREAMS: dict[str, str] = {
    "openai-chat": "openai-chat",
    "openai-tools": "openai-chat",
    "anthropic": "anthropic",
}


def _sseparse_accumulate(dialect: str) -> tuple[Callable[[list[bytes]], Any] | None, str | None]:
    import sseparse

    accumulate = getattr(sseparse, "accumulate", None)
    if accumulate is None:
        return None, "sseparse.accumulate does not exist yet in this checkout"

    def run(fragments: list[bytes]) -> Any:
        return accumulate(fragments, dialect=dialect)

    return run, None


def accumulate_impls(stream: str) -> tuple[Impl, ...]:
    dialect = ACCUMULATE_STREAMS[stream]
    fn, skip = _sseparse_accumulate(dialect)
    impls = [Impl("sseparse", fn, "sseparse", f"sseparse.accumulate(fragments, dialect={dialect!r})", skip=skip)]
    openai = dialect == "openai-chat"
    impls += [
        Impl(
            "buffered+msgspec",
            baselines.msgspec_accumulate_openai if openai else baselines.msgspec_accumulate_anthropic,
            "baseline",
            "buffered parser + msgspec typed structs (only the fields read) + accumulation",
            skip=None if baselines.msgspec_accumulate_openai else "msgspec is not installed",
        ),
        Impl(
            "buffered+orjson",
            baselines.orjson_accumulate_openai if openai else baselines.orjson_accumulate_anthropic,
            "baseline",
            "buffered parser + orjson.loads + dict accumulation",
            skip=None if baselines.orjson_accumulate_openai else "orjson is not installed",
        ),
    ]
    if openai:
        impls += [
            Impl(
                "buffered+json",
                baselines.buffered_accumulate_openai,
                "baseline",
                "buffered parser + json.loads + dict accumulation",
            ),
            Impl(
                "openai-sdk",
                baselines.openai_sdk_accumulate(),
                "baseline",
                "openai SDK: Stream + ChatCompletionStream.get_final_completion()",
                skip=None if baselines.openai_sdk_accumulate() else "openai (and httpx2) not installed",
            ),
            Impl(
                "naive+json",
                baselines.naive_accumulate_openai,
                "baseline",
                "naive split-lines + json.loads + dict accumulation",
                correct=False,
            ),
        ]
    else:
        impls += [
            Impl(
                "buffered+json",
                baselines.buffered_accumulate_anthropic,
                "baseline",
                "buffered parser + json.loads + dict accumulation",
            ),
            Impl(
                "anthropic-sdk",
                baselines.anthropic_sdk_accumulate(),
                "baseline",
                "anthropic SDK: Stream + MessageStream.get_final_message()",
                skip=None if baselines.anthropic_sdk_accumulate() else "anthropic (and httpx2) not installed",
            ),
            Impl(
                "naive+json",
                baselines.naive_accumulate_anthropic,
                "baseline",
                "naive split-lines + json.loads + dict accumulation",
                correct=False,
            ),
        ]
    return tuple(impls)


def _args(text: str | None) -> Any:
    try:
        return json.loads(text) if text else {}
    except ValueError:
        return ("invalid JSON", text)


def _normalize_completion(result: Any) -> dict[str, Any]:
    """``{"content": str, "tool_calls": [(id, name, parsed arguments)]}`` from any result."""
    if isinstance(result, baselines.Accumulated):
        return {
            "content": result.content,
            "tool_calls": [(c["id"], c["name"], _args(c["arguments"])) for c in result.tool_calls],
        }
    choices = getattr(result, "choices", None)
    if choices is not None and hasattr(result, "object"):  # openai ChatCompletion
        message = choices[0].message
        return {
            "content": message.content or "",
            "tool_calls": [(t.id, t.function.name, _args(t.function.arguments)) for t in message.tool_calls or ()],
        }
    blocks = getattr(result, "content", None)
    if isinstance(blocks, list):  # anthropic Message
        return {
            "content": "".join(b.text for b in blocks if b.type == "text"),
            "tool_calls": [(b.id, b.name, b.input) for b in blocks if b.type == "tool_use"],
        }
    # sseparse Completion
    return {
        "content": result.content or "",
        "tool_calls": [(t.id, t.name, _args(t.arguments)) for t in result.tool_calls or ()],
    }


@cache
def _reference_completion_json(stream: str) -> str:
    data = streams.get_stream(stream)
    fn = (
        baselines.buffered_accumulate_openai
        if ACCUMULATE_STREAMS[stream] == "openai-chat"
        else baselines.buffered_accumulate_anthropic
    )
    return json.dumps(_normalize_completion(fn([data])))


def reference_completion(stream: str) -> dict[str, Any]:
    """The correct final content and tool calls: the buffered baseline on the whole stream."""
    return json.loads(_reference_completion_json(stream))


def check_completion(impl: Impl, stream: str, result: Any) -> dict[str, Any]:
    ref = reference_completion(stream)
    got = json.loads(json.dumps(_normalize_completion(result)))
    ok = got == ref
    out: dict[str, Any] = {"ok": ok}
    if not ok:
        lost = max(0, len(ref["content"]) - len(got["content"]))
        out["content_chars_lost"] = lost
        out["content_lost_pct"] = 100.0 * lost / max(1, len(ref["content"]))
        out["tool_calls_wrong"] = sum(1 for a, b in zip(got["tool_calls"], ref["tool_calls"]) if a != b) + abs(
            len(got["tool_calls"]) - len(ref["tool_calls"])
        )
        if isinstance(result, baselines.Accumulated):
            out["payloads_lost"] = result.lost
    return out
