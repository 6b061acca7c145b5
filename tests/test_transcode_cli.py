"""``sseparse transcode``: streams as it reads, exit 1 after the error form, 2 on bad usage.

The streaming test feeds the CLI through a pipe, one event at a time, and waits (with
a generous timeout, never measuring time) for each event's transcoded piece before it
writes the next: a CLI that waited for the end of its input would fail the wait.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import helpers
import sseparse
from transcode_cases import Answer, Call, write

PACKAGE_PARENT = Path(sseparse.__file__).resolve().parents[1]
WAIT = 30.0  # seconds; only a broken CLI ever waits this long
ANSWER = Answer(
    id="msg_01Cli",
    model="claude-x",
    text=("Grüße", " aus Köln"),
    calls=(Call("toolu_1", "get_weather", ('{"city":', ' "Köln"}')),),
    usage=sseparse.Usage(20, 9, 29, {}),
)


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "sseparse", "transcode", *args],
        input=stdin,
        capture_output=True,
        cwd=PACKAGE_PARENT,
        timeout=WAIT,
    )


@pytest.mark.parametrize("target", ["openai-chat", "anthropic", "openai-responses", "gemini"])
def test_a_file_is_written_in_the_target_dialect(tmp_path: Path, target: str) -> None:
    path = tmp_path / "in.sse"
    path.write_bytes(write(ANSWER, "anthropic"))
    result = run(str(path), "--to", target, "--chunk-size", "7")
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    completion = sseparse.accumulate([result.stdout], target)
    assert completion.complete
    assert completion.content == "Grüße aus Köln"
    assert [(c.id, c.name, c.parsed_arguments()) for c in completion.tool_calls] == [
        ("toolu_1", "get_weather", {"city": "Köln"})
    ]


def test_standard_input_and_an_explicit_source() -> None:
    result = run("--to", "anthropic", "--from", "openai-chat", stdin=write(ANSWER, "openai-chat"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith(b'event: message_stop\ndata: {"type":"message_stop"}\n\n')


def test_a_cut_upstream_writes_the_error_form_and_exits_1() -> None:
    data = write(ANSWER, "anthropic")
    result = run("--to", "openai-chat", stdin=data[: data.index(b"get_weather") + 20])
    assert result.returncode == 1
    assert b"[DONE]" not in result.stdout
    last = json.loads(result.stdout.rstrip(b"\n").rsplit(b"\n\n", 1)[-1].removeprefix(b"data: "))
    assert set(last) == {"error"}
    assert result.stderr.startswith(b"sseparse: ") and result.stderr.count(b"\n") == 1
    assert "Grüße".encode() in result.stdout  # what came before the cut was written


def test_a_provider_error_exits_1_with_the_targets_error() -> None:
    error = b'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n'
    data = write(ANSWER, "anthropic")
    result = run("--to", "anthropic", stdin=data[: data.index(b"\n\n") + 2] + error)
    assert result.returncode == 1
    assert result.stdout.endswith(b'event: error\ndata: {"type":"error","error":{"type":"overloaded_error",'
                                  b'"message":"Overloaded"}}\n\n')


@pytest.mark.parametrize(
    "args",
    [
        ("--to", "gemini-ish"),
        (),
        ("--to", "anthropic", "--from", "nope"),
        ("--to", "anthropic", "--chunk-size", "0"),
        ("--to", "anthropic", "/no/such/file.sse"),
    ],
)
def test_bad_usage_exits_2_with_one_line(args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.count(b"\n") == 1


@pytest.mark.parametrize("target", ["openai-chat", "anthropic", "openai-responses"])
def test_output_comes_out_before_the_input_ends(target: str) -> None:
    events = [block + b"\n\n" for block in write(ANSWER, "anthropic").split(b"\n\n") if block]
    proc = subprocess.Popen(
        [sys.executable, "-m", "sseparse", "transcode", "--to", target],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=PACKAGE_PARENT,
    )
    assert proc.stdin is not None and proc.stdout is not None
    out = helpers.Pipe(proc.stdout)
    waited = 0
    try:
        for event in events:
            proc.stdin.write(event)
            proc.stdin.flush()
            for piece in ("Grüße".encode(), " aus Köln".encode()):
                if piece in event:
                    out.wait_for(piece)  # transcoded and out while the input is still open
                    waited += 1
        assert waited == 2
        assert proc.poll() is None  # still reading: its input has not ended
        proc.stdin.close()
        assert proc.wait(timeout=WAIT) == 0
        out.wait_eof()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=WAIT)
        proc.stdout.close()
    assert sseparse.accumulate([bytes(out.data)], target).content == "Grüße aus Köln"
