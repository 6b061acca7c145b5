"""``sseparse accumulate [FILE] [--dialect D] [--chunk-size N]``: a stable interface.

It writes ``Completion.to_dict()`` as one JSON object. Exit 0 for a complete stream;
1 for a provider error, a malformed chunk or a cut stream, after writing what was
accumulated (``"complete": false`` and an ``"error"`` member); 2 for bad usage, with
one line on standard error.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import sseparse

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "openai-chat.sse"


def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "id": "chatcmpl-CLI",
        "object": "chat.completion.chunk",
        "created": 1732000000,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        **extra,
    }


def sse(*items: dict[str, Any] | str, done: bool = True) -> bytes:
    body = b"".join(
        b"data: " + (i if isinstance(i, str) else json.dumps(i, ensure_ascii=False)).encode() + b"\n\n" for i in items
    )
    return body + (b"data: [DONE]\n\n" if done else b"")


GOOD = sse(
    chunk({"role": "assistant", "content": "Grüß"}),
    chunk({"content": " Gott 🏔️"}),
    chunk(
        {
            "tool_calls": [
                {"index": 0, "id": "call_1", "type": "function", "function": {"name": "f", "arguments": '{"a":'}}
            ]
        }
    ),
    chunk({"tool_calls": [{"index": 0, "function": {"arguments": " 1}"}}]}),
    chunk({}, "tool_calls"),
    {**chunk({}), "choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}},
)


# Run from the folder holding the sseparse this test imported (site-packages for an
# installed one), so ``-m sseparse`` gets that same package, never a source tree
# without the compiled parser.
PACKAGE_PARENT = Path(sseparse.__file__).resolve().parents[1]


def cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "sseparse", "accumulate", *args],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        timeout=60,
        check=False,
        cwd=PACKAGE_PARENT,
    )


def one_object(out: bytes) -> dict[str, Any]:
    lines = out.decode("utf-8").splitlines()
    assert len(lines) == 1, "exactly one JSON object, on one line"
    result: dict[str, Any] = json.loads(lines[0])
    return result


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    path = tmp_path / "good.sse"
    path.write_bytes(GOOD)
    return path


def test_file(good_file: Path) -> None:
    proc = cli(str(good_file))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b""
    result = one_object(proc.stdout)
    assert result["content"] == "Grüß Gott 🏔️"
    assert "Grüß".encode() in proc.stdout  # UTF-8, not \u escapes
    assert result["tool_calls"] == [
        {"index": 0, "id": "call_1", "name": "f", "arguments": '{"a": 1}', "kind": "function", "complete": True}
    ]
    assert result["usage"]["total_tokens"] == 7
    assert result["finish_reason"] == "tool_calls"
    assert result["complete"] is True and result["error"] is None
    assert result["dialect"] == "openai-chat"


def test_the_same_at_every_chunk_size_and_from_stdin(good_file: Path) -> None:
    expected = one_object(cli(str(good_file)).stdout)
    for size in ("1", "2", "7", "100000"):
        assert one_object(cli(str(good_file), "--chunk-size", size).stdout) == expected
    assert one_object(cli(stdin=GOOD).stdout) == expected
    assert one_object(cli("-", "--chunk-size", "3", stdin=GOOD).stdout) == expected
    assert one_object(cli(str(good_file), "--dialect", "openai-chat").stdout) == expected
    assert one_object(cli(str(good_file), "--dialect", "auto").stdout) == expected


def test_bundled_example() -> None:
    """The README's first command accumulates this file."""
    proc = cli(str(EXAMPLE))
    assert proc.returncode == 0, proc.stderr
    result = one_object(proc.stdout)
    assert result["complete"] is True
    assert "Zürich" in result["content"] and "東京" in result["content"]
    assert [call["name"] for call in result["tool_calls"]] == ["get_weather", "get_weather"]
    for call in result["tool_calls"]:
        json.loads(call["arguments"])
    assert result["usage"]["total_tokens"] == 145


def test_provider_error_exits_1_with_what_was_accumulated(tmp_path: Path) -> None:
    path = tmp_path / "error.sse"
    path.write_bytes(
        sse(chunk({"content": "Part"}), {"error": {"message": "Rate limit reached", "code": "rate_limit_exceeded"}})
    )
    proc = cli(str(path))
    assert proc.returncode == 1
    result = one_object(proc.stdout)
    assert result["content"] == "Part"
    assert result["complete"] is False
    assert result["error"]["type"] == "provider_error"
    assert result["error"]["message"] == "Rate limit reached"
    assert result["error"]["code"] == "rate_limit_exceeded"
    assert b"Rate limit reached" in proc.stderr


def test_malformed_chunk_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "bad.sse"
    path.write_bytes(sse(chunk({"content": "ok"}), '{"choices": [oops'))
    proc = cli(str(path), "--chunk-size", "5")
    assert proc.returncode == 1
    result = one_object(proc.stdout)
    assert (result["content"], result["complete"]) == ("ok", False)
    assert result["error"]["type"] == "chunk_decode_error"
    assert result["error"]["event_index"] == 1


@pytest.mark.parametrize("tail", [b"", b'data: {"choices": ['], ids=["between-events", "inside-an-event"])
def test_cut_stream_exits_1(tmp_path: Path, tail: bytes) -> None:
    before_finish = GOOD[: GOOD.index(b'"finish_reason": "tool_calls"')]
    path = tmp_path / "cut.sse"
    path.write_bytes(before_finish[: before_finish.rindex(b"\n\n") + 2] + tail)
    proc = cli(str(path))
    assert proc.returncode == 1
    result = one_object(proc.stdout)
    assert result["complete"] is False
    assert result["error"]["type"] == "incomplete_stream"
    assert result["content"] == "Grüß Gott 🏔️"
    assert result["tool_calls"][0]["arguments"] == '{"a": 1}'
    assert proc.stderr.count(b"\n") == 1 and b"[DONE]" in proc.stderr


def test_empty_input_exits_1() -> None:
    proc = cli(stdin=b"")
    assert proc.returncode == 1
    result = one_object(proc.stdout)
    assert result["complete"] is False and result["error"]["type"] == "incomplete_stream"


def test_undetectable_stream_exits_1() -> None:
    proc = cli(stdin=b'data: {"what": "is this"}\n\n')
    assert proc.returncode == 1
    result = one_object(proc.stdout)
    assert result["error"]["type"] == "dialect_error"
    assert result["dialect"] == "auto"


@pytest.mark.parametrize(
    "args",
    [
        ["--dialect", "nope"],
        ["--chunk-size", "0"],
        ["--chunk-size", "-3"],
        ["--chunk-size", "big"],
        ["--no-such-option"],
        ["a.sse", "b.sse"],
    ],
)
def test_bad_usage_exits_2_with_one_line(args: list[str]) -> None:
    proc = cli(*args, stdin=GOOD)
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert proc.stderr.count(b"\n") == 1 and proc.stderr.startswith(b"sseparse")


def test_missing_file_exits_2(tmp_path: Path) -> None:
    proc = cli(str(tmp_path / "missing.sse"))
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert proc.stderr.count(b"\n") == 1 and b"missing.sse" in proc.stderr


def test_help_lists_the_dialects() -> None:
    proc = cli("--help")
    assert proc.returncode == 0
    assert b"openai-chat" in proc.stdout and b"auto" in proc.stdout


# -- the output is JSON whatever the input (RFC 8259, UTF-8) ------------------------------------

HOSTILE_VALUES = (
    b'data: {"choices":[{"index":0,"delta":{"content":"A\\ud800B"},"finish_reason":"stop"}],'
    b'"usage":{"prompt_tokens":NaN,"completion_tokens":-Infinity,"x":[1e999]}}\n\ndata: [DONE]\n\n'
)


def _strict(out: bytes) -> Any:
    def refuse(constant: str) -> Any:
        raise AssertionError(f"{constant} is not JSON")

    return json.loads(out.decode("utf-8"), parse_constant=refuse)  # strict UTF-8, no NaN


@pytest.mark.parametrize("extra", [[], ["--chunk-size", "3"], ["--live", "--format", "json"]])
def test_lone_surrogates_and_non_finite_numbers_become_valid_json(extra: list[str]) -> None:
    proc = cli(*extra, stdin=HOSTILE_VALUES)
    assert proc.returncode == 0, proc.stderr
    result = _strict(proc.stdout.splitlines()[-1])
    assert result["content"] == "A\ufffdB"
    assert result["usage"]["raw"] == {"prompt_tokens": None, "completion_tokens": None, "x": [None]}


def test_text_formats_write_lone_surrogates_as_replacement_characters() -> None:
    proc = cli("--format", "text", stdin=HOSTILE_VALUES)
    assert proc.returncode == 0, proc.stderr
    assert "A\ufffdB" in proc.stdout.decode("utf-8")
    live = cli("--live", stdin=HOSTILE_VALUES)
    assert live.returncode == 0, live.stderr
    assert live.stdout.decode("utf-8") == "A\ufffdB"


@pytest.mark.parametrize("size", ["100000000000", "99999999999999999999", "9" * 5000, "0", "-3", "1e3", "٣"])
def test_an_absurd_chunk_size_is_bad_usage(size: str) -> None:
    proc = cli("--chunk-size", size, stdin=b"")
    assert proc.returncode == 2
    lines = proc.stderr.decode().splitlines()
    assert len(lines) == 1 and "chunk size" in lines[0] and len(lines[0]) < 200


def test_events_output_is_valid_json_for_any_bytes() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "sseparse", "events"],
        input=b"event: \xff\xfe\ndata: \xed\xa0\x80 \xf0\x9f\nid: \xc3\n\n",
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert _strict(proc.stdout)["data"] == "\ufffd\ufffd\ufffd \ufffd"
