"""Answers for the transcoding tests, and what each dialect should show of them.

An ``Answer`` is what a model said (reasoning, text, refusal, tool calls, a finish
reason in the common vocabulary, usage); ``deltas()`` is how sseparse tells it, and
``expected(answer, target, via)`` what the target dialect's SDK must read back after
the answer went through the dialects ``via``: Anthropic has no refusal field (the
refusal is text there), every finish reason is the target's word for it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import attrs
from hypothesis import strategies as st

import sseparse
from sseparse._writers._mapping import anthropic_finish, gemini_finish, openai_chat_finish, responses_finish

TARGETS = ("openai-chat", "anthropic", "openai-responses")


@attrs.frozen
class Call:
    id: str
    name: str
    pieces: tuple[str, ...]

    @property
    def arguments(self) -> Any:
        return json.loads("".join(self.pieces))


@attrs.frozen
class Answer:
    id: str
    model: str
    reasoning: tuple[str, ...] = ()
    text: tuple[str, ...] = ()
    refusal: tuple[str, ...] = ()
    calls: tuple[Call, ...] = ()
    finish: str = "stop"  # stop, length or content_filter
    usage: sseparse.Usage | None = None

    def deltas(self) -> list[Any]:
        out: list[Any] = [sseparse.MetadataDelta(self.id, self.model)]
        out += [sseparse.ReasoningDelta(0, piece) for piece in self.reasoning]
        out += [sseparse.TextDelta(0, piece) for piece in self.text]
        out += [sseparse.RefusalDelta(0, piece) for piece in self.refusal]
        for index, call in enumerate(self.calls):
            out.append(sseparse.ToolCallStart(0, index, call.id, call.name))
            out += [sseparse.ToolCallArgumentsDelta(0, index, piece) for piece in call.pieces]
            out.append(sseparse.ToolCallEnd(0, index))
        out.append(sseparse.FinishDelta(0, self.finish))
        if self.usage is not None:
            out.append(sseparse.UsageDelta(self.usage))
        return out


def write(answer: Answer, dialect: str, **options: Any) -> bytes:
    """``answer`` as a stream of ``dialect``, written by sseparse's own writer."""
    writer = sseparse.writer_for(dialect, **options)
    return writer.write(answer.deltas()) + writer.end()


def target_finish(common: str, target: str, has_calls: bool) -> str:
    if target == "openai-chat":
        return openai_chat_finish(common, has_calls)
    if target == "anthropic":
        return anthropic_finish(common, has_calls)
    if target == "gemini":
        return gemini_finish(common, has_calls)
    status, reason = responses_finish(common, has_calls)
    return reason or status


def expected_usage(usage: sseparse.Usage | None, target: str, via: Iterable[str] = ()) -> dict[str, int] | None:
    if usage is None:
        return {"input": 0, "output": 0} if target == "anthropic" else None
    if "anthropic" in via:  # Anthropic's usage has no reasoning count to carry on
        usage = attrs.evolve(usage, reasoning_tokens=None)
    out = {"input": usage.input_tokens, "output": usage.output_tokens}
    if usage.cached_input_tokens is not None:
        out["cached"] = usage.cached_input_tokens
    if usage.cache_write_tokens is not None:
        out["cache_write"] = usage.cache_write_tokens
    if target != "anthropic":
        out["total"] = usage.input_tokens + usage.output_tokens
        if usage.reasoning_tokens is not None:
            out["reasoning"] = usage.reasoning_tokens
    return {key: value for key, value in out.items() if value is not None}


def expected(answer: Answer, target: str, via: Iterable[str] = ()) -> dict[str, Any]:
    text, refusal = "".join(answer.text), "".join(answer.refusal)
    usage = answer.usage
    if usage is None and "anthropic" in via:  # its events must carry counts: zeros when unknown
        usage = sseparse.Usage(0, 0, 0, {})
    if "anthropic" in (target, *via):
        text, refusal = text + refusal, ""
    return {
        "id": answer.id,
        "model": answer.model,
        "content": text,
        "reasoning": "".join(answer.reasoning),
        "refusal": refusal,
        "tool_calls": [(call.id, call.name, call.arguments) for call in answer.calls],
        "finish_reason": target_finish(answer.finish, target, bool(answer.calls)),
        "usage": expected_usage(usage, target, via),
    }


def ours(completion: sseparse.Completion, target: str) -> dict[str, Any]:
    """sseparse's reading of a target stream, in the SDK readers' terms."""
    usage = completion.usage
    view_usage = None
    if usage is not None:
        counts = {
            "input": usage.input_tokens,
            "output": usage.output_tokens,
            "cached": usage.cached_input_tokens,
            "cache_write": usage.cache_write_tokens,
            "reasoning": usage.reasoning_tokens,
            "total": None if target == "anthropic" else usage.total_tokens,
        }
        view_usage = {key: value for key, value in counts.items() if value is not None}
    return {
        "id": completion.id,
        "model": completion.model,
        "content": completion.content,
        "reasoning": completion.reasoning,
        "refusal": completion.refusal,
        "tool_calls": [(call.id, call.name, call.parsed_arguments()) for call in completion.tool_calls],
        "finish_reason": completion.finish_reason,
        "usage": view_usage,
    }


# -- hypothesis ------------------------------------------------------------------------------

pieces = st.text(min_size=1, max_size=12)
json_values = st.one_of(st.integers(-(10**6), 10**6), st.text(max_size=10), st.booleans(), st.none())


@st.composite
def calls(draw: st.DrawFn, index: int) -> Call:
    arguments = json.dumps(draw(st.dictionaries(st.text(max_size=6), json_values, max_size=3)), ensure_ascii=False)
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(arguments) - 1)), max_size=4)))
    bounds = [0, *[c for c in cuts if c < len(arguments)], len(arguments)]
    name = draw(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,15}", fullmatch=True))
    return Call(f"call_{index}_{draw(st.from_regex(r'[a-f0-9]{6}', fullmatch=True))}", name,
                tuple(arguments[a:b] for a, b in zip(bounds, bounds[1:]) if b > a))


@st.composite
def answers(draw: st.DrawFn, *, full_usage: bool = False) -> Answer:
    count = draw(st.integers(0, 3))
    usage = None
    if draw(st.booleans()):
        inp, out = draw(st.integers(0, 10**6)), draw(st.integers(0, 10**5))
        cached = draw(st.none() | st.integers(0, inp)) if full_usage else None
        written = draw(st.none() | st.integers(0, inp - (cached or 0))) if full_usage else None
        reasoning = draw(st.none() | st.integers(0, out)) if full_usage else None
        usage = sseparse.Usage(inp, out, inp + out, {}, cached_input_tokens=cached, cache_write_tokens=written,
                               reasoning_tokens=reasoning)
    return Answer(
        id=draw(st.from_regex(r"[a-z]{3}_[A-Za-z0-9]{8}", fullmatch=True)),
        model=draw(st.sampled_from(["gpt-4o-2024-08-06", "claude-sonnet-4-5", "über-model 1"])),
        reasoning=tuple(draw(st.lists(pieces, max_size=3))),
        text=tuple(draw(st.lists(pieces, max_size=4))),
        refusal=tuple(draw(st.lists(pieces, max_size=2))),
        calls=tuple(draw(calls(i)) for i in range(count)),
        finish=draw(st.sampled_from(["stop", "length", "content_filter"])),
        usage=usage,
    )


def fragmentations(data: bytes, sizes: Iterable[int | None] = (None, 1, 17)) -> Iterable[list[bytes]]:
    for size in sizes:
        yield [data] if size is None else [data[i : i + size] for i in range(0, len(data), size)]


def transcode(fragments: Iterable[bytes], to: str, **options: Any) -> tuple[bytes, sseparse.Transcoder]:
    transcoder = sseparse.Transcoder(to, **options)
    out = []
    for fragment in fragments:
        out.append(transcoder.feed(fragment))
        if transcoder.error is not None:  # the upstream failed: its error form ends the output
            break
    return b"".join(out) + transcoder.close(), transcoder
