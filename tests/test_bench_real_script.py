"""benchmarks/real.py keeps working: run once on a small folder of streams written here.

No timing is checked (machines are noisy): only that every stream is read, each with
the dialect its folder's INDEX.json names (``openai-compatible`` as ``openai-chat``)
or the detected one, and that every cell has a number.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "real.py"


def _sse(*chunks: object) -> bytes:
    return b"".join(f"data: {json.dumps(chunk)}\n\n".encode() for chunk in chunks)


def _chat(text: str, finish: str | None = None) -> dict[str, object]:
    return {"id": "c1", "object": "chat.completion.chunk", "model": "m",
            "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": finish}]}


def test_real_script_reads_a_folder_with_and_without_index(tmp_path: Path) -> None:
    indexed = tmp_path / "indexed"
    indexed.mkdir()
    (indexed / "compat.sse").write_bytes(_sse(_chat("Hé"), _chat(" there", "stop")) + b"data: [DONE]\n\n")
    (indexed / "INDEX.json").write_text(json.dumps([{"file": "compat.sse", "provider": "openai-compatible"}]))
    other = tmp_path / "other" / "deeper"
    other.mkdir(parents=True)
    anthropic = [
        ("message_start", {"type": "message_start", "message": {"id": "msg_1", "model": "claude", "usage": {
            "input_tokens": 3, "output_tokens": 1}}}),
        ("content_block_start", {"type": "content_block_start", "index": 0,
                                 "content_block": {"type": "text", "text": ""}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 0,
                                 "delta": {"type": "text_delta", "text": "Hi"}}),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn"},
                           "usage": {"output_tokens": 2}}),
        ("message_stop", {"type": "message_stop"}),
    ]
    (other / "claude.sse").write_bytes(
        b"".join(f"event: {name}\ndata: {json.dumps(obj)}\n\n".encode() for name, obj in anthropic)
    )
    out = tmp_path / "out.json"

    run = subprocess.run(
        [sys.executable, str(SCRIPT), str(indexed), str(tmp_path / "other"), "--repeat", "1", "--json", str(out),
         "--markdown", str(tmp_path / "out.md")],
        capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONHASHSEED": "0"},
    )

    assert run.returncode == 0, run.stdout + run.stderr
    streams = {s["name"]: s for s in json.loads(out.read_text())["streams"]}
    assert {name: s["dialect"] for name, s in streams.items()} == {"compat": "openai-chat", "claude": "anthropic"}
    for s in streams.values():
        assert s["complete"] is True
        assert set(s["times"]) == {"1", "1500", "whole"}
        for cell in s["times"].values():
            assert {"naive", "auto", "named"} <= set(cell) and all(t > 0 for t in cell.values())
        assert set(s["phases"]["auto"]) == {"construct", "detect", "feed", "close", "one-event", "naive-one-event"}
        assert all(t > 0 for phases in s["phases"].values() for t in phases.values())
    assert "anthropic" in run.stdout and "openai-chat" in run.stdout
    tables = (tmp_path / "out.md").read_text(encoding="utf-8")
    assert "| anthropic | 1 |" in tables and "| openai-chat | 1 |" in tables and "| all | 2 |" in tables
    assert "| dialect | named | auto | naive loop |" in tables


def test_the_docs_real_traffic_tables_are_those_of_the_committed_run() -> None:
    """docs/_static/perf/real-summary.md is what real.py renders from docs/_static/real.json."""
    docs = SCRIPT.parent.parent / "docs" / "_static"
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--from-json", str(docs / "real.json")],
        capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == (docs / "perf" / "real-summary.md").read_text(encoding="utf-8"), (
        "run: python benchmarks/real.py --from-json docs/_static/real.json --markdown docs/_static/perf/real-summary.md"
    )


def test_a_body_of_several_responses_is_timed_on_its_first() -> None:
    """sseparse reads one response and says so at the second: timing it against a
    naive loop that decodes both would compare different work."""
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import real
    finally:
        sys.path.remove(str(SCRIPT.parent))
    first = _sse(_chat("one", "stop")) + b"data: [DONE]\n\n"
    body = first + b": between\n\n" + _sse(_chat("two", "stop")) + b"data: [DONE]\n\n"
    assert real.first_response(body, "openai-chat") == first
    assert real.first_response(first, "openai-chat") == first
    failed = _sse(_chat("one"), {"error": {"message": "quota", "type": "insufficient_quota"}})
    assert real.first_response(failed, "openai-chat") == failed
    assert real.sseparse_loop([first], "openai-chat").complete
    assert real.naive_loop([first]) == 1
