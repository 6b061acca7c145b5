"""Every captured provider stream, transcoded to every target, reads the same.

The captures are real responses kept next to the repository (not part of it); the
test skips when they are absent. For each one, sseparse's reading of the source is
the reference; the target's SDK and sseparse reading the transcoded stream must give
its content, reasoning, tool calls (name, parsed arguments; the id when the source
had one), the finish reason in the target's words and the token counts. A source
that failed or was cut must come out as the target's error form.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("openai")
pytest.importorskip("anthropic")

import helpers  # noqa: E402
import sseparse  # noqa: E402
from sdk_readers import READERS, SdkError  # noqa: E402
from transcode_cases import TARGETS, target_finish, transcode  # noqa: E402

STREAMS = Path(__file__).resolve().parents[2] / "shared" / "streams"
CAPTURES = sorted(STREAMS.glob("*.sse")) if STREAMS.is_dir() else []

#: Captures whose source dialect does not yet emit a delta the writers need; the
#: marks go once the dialects emit them.
# (capture, target) pairs that cannot read the same, and why.
KNOWN_GAPS: dict[tuple[str, str], str] = {}


def _arguments(call: sseparse.ToolCall, target: str) -> Any:
    if call.kind == "custom":
        return {"input": call.arguments} if target in ("anthropic", "gemini") else call.arguments
    return call.parsed_arguments()


def reference(source: sseparse.Completion, target: str) -> dict[str, Any]:
    content, refusal = source.content, source.refusal
    if "anthropic" in (target, source.dialect) or target == "gemini":  # neither has a refusal field
        content, refusal = content + refusal, ""
    usage = source.usage
    return {
        "content": content,
        "reasoning": source.reasoning,
        "refusal": refusal,
        "tool_calls": [
            (call.id, call.name, _arguments(call, target)) for call in source.tool_calls
        ],
        "finish_reason": None if source.finish_reason is None else target_finish(
            source.finish_reason, target, bool(source.tool_calls)
        ),
        "tokens": None if usage is None else (usage.input_tokens, usage.output_tokens),
    }


def comparable(view: dict[str, Any], source: sseparse.Completion) -> dict[str, Any]:
    usage = view["usage"]
    calls = view["tool_calls"]
    ids = [call.id for call in source.tool_calls]
    return {
        "content": view["content"],
        "reasoning": view["reasoning"],
        "refusal": view["refusal"],
        # a call the source gave no id gets one made up: only its presence is compared
        "tool_calls": [(cid if known is not None else known, name, args)
                       for (cid, name, args), known in zip(calls, ids + [None] * len(calls))],
        "finish_reason": view["finish_reason"],
        "tokens": None if usage is None else (usage.get("input"), usage.get("output")),
    }


def read_and_transcode(path: Path, target: str) -> tuple[sseparse.Completion, bytes, Any]:
    """The capture at ``path`` read (the partial result when it raises) and transcoded
    into ``target`` in 1500-byte fragments: the source, the bytes out, the transcoder."""
    data = path.read_bytes()
    try:
        source = sseparse.accumulate([data])
    except sseparse.SseparseError as exc:
        assert exc.completion is not None
        source = exc.completion
    out, transcoder = transcode(helpers.pieces(data, 1500), target)
    return source, out, transcoder


@pytest.mark.skipif(not CAPTURES, reason="the captured streams are not next to the repository")
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("path", CAPTURES, ids=lambda path: path.stem)
def test_every_capture_reads_the_same_in_every_target(path: Path, target: str, request: Any) -> None:
    if (path.stem, target) in KNOWN_GAPS:
        request.applymarker(pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[path.stem, target]))
    source, out, transcoder = read_and_transcode(path, target)
    if not source.complete:
        assert transcoder.error is not None
        with pytest.raises(SdkError):
            READERS[target](out)
        return
    assert transcoder.error is None
    want = reference(source, target)
    if source.usage is None and source.dialect == "anthropic" or (target == "anthropic" and source.usage is None):
        want["tokens"] = (0, 0)
    assert comparable(READERS[target](out), source) == want
    ours = sseparse.accumulate([out], target)
    assert ours.complete
    view = {
        "content": ours.content,
        "reasoning": ours.reasoning,
        "refusal": ours.refusal,
        "tool_calls": [(call.id, call.name, _arguments(call, "openai-chat") if target != "anthropic" else
                        call.parsed_arguments()) for call in ours.tool_calls],
        "finish_reason": ours.finish_reason,
        "usage": None if ours.usage is None else {"input": ours.usage.input_tokens, "output": ours.usage.output_tokens},
    }
    assert comparable(view, source) == want


@pytest.mark.skipif(not CAPTURES, reason="the captured streams are not next to the repository")
@pytest.mark.parametrize("path", CAPTURES, ids=lambda path: path.stem)
def test_every_capture_reads_the_same_as_gemini(path: Path, request: Any) -> None:
    """Gemini as the target, read back by sseparse alone (no Gemini SDK here)."""
    if (path.stem, "gemini") in KNOWN_GAPS:
        request.applymarker(pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[path.stem, "gemini"]))
    source, out, transcoder = read_and_transcode(path, "gemini")
    if not source.complete:
        assert transcoder.error is not None and b"finishReason" not in out
        with pytest.raises(sseparse.SseparseError):
            sseparse.accumulate([out], "gemini")
        return
    assert transcoder.error is None
    want = reference(source, "gemini")
    if source.usage is None and source.dialect == "anthropic":
        want["tokens"] = (0, 0)
    ours = sseparse.accumulate([out], "gemini")
    assert ours.complete
    view = {
        "content": ours.content,
        "reasoning": ours.reasoning,
        "refusal": ours.refusal,
        "tool_calls": [(call.id, call.name, call.parsed_arguments()) for call in ours.tool_calls],
        "finish_reason": ours.finish_reason,
        "usage": None if ours.usage is None else {"input": ours.usage.input_tokens, "output": ours.usage.output_tokens},
    }
    assert comparable(view, source) == want
