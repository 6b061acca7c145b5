"""``sseparse accumulate --live`` streams, and ``--format json|text`` shapes the result.

The live tests run the CLI in a subprocess fed through a pipe, a piece at a time:
each piece's output must come out before the next piece is written (the test waits
for it, with a generous timeout, and never measures time). If the CLI waited for the
end of its input, the wait would fail: the next piece is only written after.

Standard output of ``--live`` carries exactly the answer's text; reasoning, tool
calls, usage and finish reasons go to standard error, labelled. With ``--format`` as
well, the live view goes to standard error and standard output carries the result.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import helpers
import sseparse
from sseparse._cli import LiveView, completion_text

PACKAGE_PARENT = Path(sseparse.__file__).resolve().parents[1]
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "openai-chat.sse"
WAIT = 30.0  # seconds; only a broken CLI ever waits this long


def chunk(delta: dict[str, Any], finish: str | None = None, index: int = 0) -> bytes:
    body = {
        "id": "chatcmpl-live",
        "object": "chat.completion.chunk",
        "model": "m",
        "choices": [{"index": index, "delta": delta, "finish_reason": finish}],
    }
    return b"data: " + json.dumps(body, ensure_ascii=False).encode() + b"\n\n"


USAGE = (
    b'data: {"id": "chatcmpl-live", "object": "chat.completion.chunk", "model": "m", "choices": [], '
    b'"usage": {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}}\n\n'
)
CALL = {"index": 0, "id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": ""}}


class LiveCLI:
    """``sseparse accumulate --live ...`` in a subprocess, fed through a pipe."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sseparse", "accumulate", "--live", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=PACKAGE_PARENT,
            env={**os.environ, "NO_COLOR": ""},
        )
        assert self.proc.stdin and self.proc.stdout and self.proc.stderr
        self.stdin = self.proc.stdin
        self.out = helpers.Pipe(self.proc.stdout)
        self.err = helpers.Pipe(self.proc.stderr)

    def send(self, data: bytes) -> None:
        self.stdin.write(data)
        self.stdin.flush()

    def finish(self) -> int:
        """Close standard input (the end of the stream); the exit status."""
        self.stdin.close()
        try:
            return self.proc.wait(timeout=WAIT)
        finally:
            self.out.text, self.err.text  # noqa: B018 - join the readers
            assert self.proc.stdout and self.proc.stderr
            self.proc.stdout.close()
            self.proc.stderr.close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=WAIT)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None and not stream.closed:
                stream.close()


@pytest.fixture
def live() -> Any:
    started: list[LiveCLI] = []

    def start(*args: str) -> LiveCLI:
        cli = LiveCLI(*args)
        started.append(cli)
        return cli

    yield start
    for cli in started:
        cli.kill()


def test_text_comes_out_as_each_piece_arrives(live: Any) -> None:
    cli = live()
    cli.send(chunk({"role": "assistant", "content": "Grüß"}))
    cli.out.wait_for("Grüß")
    cli.send(chunk({"content": " Gott"})[:20])  # half an event: nothing to show yet
    cli.send(chunk({"content": " Gott"})[20:])
    cli.out.wait_for("Grüß Gott")
    cli.send(chunk({"content": " 🏔️"}) + chunk({}, "stop") + b"data: [DONE]\n\n")
    cli.err.wait_for("[finish] stop")
    assert cli.finish() == 0
    assert cli.out.text == "Grüß Gott 🏔️"  # exactly the answer's text, nothing else
    assert cli.err.text == "\n[finish] stop\n"


def test_reasoning_tool_calls_and_usage_go_to_stderr_as_they_arrive(live: Any) -> None:
    cli = live()
    cli.send(chunk({"reasoning_content": "Let me"}))
    cli.err.wait_for("[reasoning] Let me")
    cli.send(chunk({"reasoning_content": " think."}))
    cli.err.wait_for("[reasoning] Let me think.")
    cli.send(chunk({"content": "Checking."}))
    cli.out.wait_for("Checking.")
    cli.send(chunk({"tool_calls": [CALL]}))
    cli.err.wait_for("[tool call #0 get_weather (call_1)] ")
    cli.send(chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"city": '}}]}))
    cli.err.wait_for('[tool call #0 get_weather (call_1)] {"city": ')
    cli.send(chunk({"tool_calls": [{"index": 0, "function": {"arguments": '"Zürich"}'}}]}))
    cli.err.wait_for('{"city": "Zürich"}')
    cli.send(chunk({}, "tool_calls"))
    cli.err.wait_for("[finish] tool_calls\n")
    cli.send(USAGE)
    cli.err.wait_for("[usage] 5 input, 7 output, 12 total tokens\n")
    cli.send(b"data: [DONE]\n\n")
    assert cli.finish() == 0
    assert cli.out.text == "Checking."
    assert cli.err.text == (
        "[reasoning] Let me think.\n"
        '\n[tool call #0 get_weather (call_1)] {"city": "Zürich"}\n'
        "[finish] tool_calls\n"
        "[usage] 5 input, 7 output, 12 total tokens\n"
    )
    assert "\x1b[" not in cli.err.text  # no colour on a pipe


def test_live_with_format_json_shows_everything_on_stderr_and_the_result_on_stdout(live: Any) -> None:
    cli = live("--format", "json")
    cli.send(chunk({"content": "Hel"}))
    cli.err.wait_for("Hel")
    cli.send(chunk({"content": "lo"}) + chunk({}, "stop"))
    cli.err.wait_for("Hello\n[finish] stop\n")
    cli.send(b"data: [DONE]\n\n")
    assert cli.finish() == 0
    result = json.loads(cli.out.text)
    pieces = [chunk({"content": "Hel"}), chunk({"content": "lo"}), chunk({}, "stop"), b"data: [DONE]\n\n"]
    assert result == sseparse.accumulate(pieces).to_dict()
    assert cli.out.text.count("\n") == 1


def test_live_with_format_text(live: Any) -> None:
    cli = live("--format", "text")
    cli.send(EXAMPLE.read_bytes())
    assert cli.finish() == 0
    expected = completion_text(sseparse.accumulate([EXAMPLE.read_bytes()]))
    assert cli.out.text == expected
    assert "get_weather" in cli.err.text


def test_cut_stream_exits_1_after_showing_what_came(live: Any) -> None:
    cli = live()
    cli.send(chunk({"content": "Part"}))
    cli.out.wait_for("Part")
    cli.send(chunk({"content": "ial"})[:25])
    assert cli.finish() == 1
    assert cli.out.text == "Part"
    assert cli.err.text.startswith("\nsseparse: stream ended before [DONE], in the middle of an event")
    assert cli.err.text.count("\n") == 2


def test_provider_error_exits_1_after_showing_what_came(live: Any) -> None:
    cli = live()
    cli.send(chunk({"content": "Part"}))
    cli.out.wait_for("Part")
    cli.send(b'data: {"error": {"message": "Rate limit reached", "code": "rate_limit_exceeded"}}\n\n')
    cli.err.wait_for("Rate limit reached")
    cli.send(chunk({"content": "ignored"}))
    assert cli.finish() == 1
    assert cli.out.text == "Part"
    assert "provider error" in cli.err.text


def test_live_output_equals_the_whole_answer_at_any_chunk_size() -> None:
    data = EXAMPLE.read_bytes()
    completion = sseparse.accumulate([data])
    for size in ("1", "7", "4096"):
        proc = subprocess.run(
            [sys.executable, "-m", "sseparse", "accumulate", "--live", "--chunk-size", size, str(EXAMPLE)],
            capture_output=True,
            timeout=60,
            check=False,
            cwd=PACKAGE_PARENT,
        )
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.decode() == completion.content
        assert proc.stderr.decode().count("[tool call #") == 2


# -- --format without --live ------------------------------------------------------------


def cli(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "sseparse", "accumulate", *args],
        input=stdin,
        capture_output=True,
        timeout=60,
        check=False,
        cwd=PACKAGE_PARENT,
    )


def test_format_json_is_the_default_output_byte_for_byte() -> None:
    default = cli(str(EXAMPLE))
    explicit = cli(str(EXAMPLE), "--format", "json")
    assert default.returncode == explicit.returncode == 0
    assert explicit.stdout == default.stdout


def test_format_text_shows_content_tool_calls_and_usage() -> None:
    proc = cli(str(EXAMPLE), "--format", "text")
    assert proc.returncode == 0 and proc.stderr == b""
    text = proc.stdout.decode()
    content = sseparse.accumulate([EXAMPLE.read_bytes()]).content
    assert text.startswith(content + "\n\ntool call #0 get_weather (call_")
    assert '    "city": "Zürich",\n' in text and '    "city": "東京",\n' in text
    assert text.endswith("finish reason: tool_calls\n\nusage: 84 input, 61 output, 145 total tokens\n")


def test_format_text_of_a_cut_stream_says_so_and_exits_1() -> None:
    proc = cli("--format", "text", stdin=chunk({"content": "Part"}))
    assert proc.returncode == 1
    assert proc.stdout.decode().startswith("Part\n\nincomplete: stream ended before [DONE]")


@pytest.mark.parametrize("args", [["--format", "xml"], ["--format"], ["--live", "--format", "yaml"]])
def test_bad_format_exits_2_with_one_line(args: list[str]) -> None:
    proc = cli(*args, stdin=b"")
    assert proc.returncode == 2 and proc.stdout == b""
    assert proc.stderr.count(b"\n") == 1 and proc.stderr.startswith(b"sseparse")


# -- the renderer and the text form, in process -----------------------------------------


def render(deltas: list[Any], *, color: bool = False) -> tuple[str, str]:
    text, side = io.BytesIO(), io.BytesIO()
    view = LiveView(text, side, color=color)
    view.render(deltas)
    view.end()
    return text.getvalue().decode(), side.getvalue().decode()


def test_reasoning_is_dimmed_on_a_terminal() -> None:
    _, side = render([sseparse.ReasoningDelta(0, "hmm"), sseparse.TextDelta(0, "ok")], color=True)
    assert side == "[reasoning] \x1b[2mhmm\x1b[0m\n\n"  # the last newline ends the text's line


def test_other_choices_and_refusals_are_labelled_on_stderr() -> None:
    text, side = render(
        [
            sseparse.TextDelta(0, "a"),
            sseparse.TextDelta(1, "b"),
            sseparse.TextDelta(1, "c"),
            sseparse.RefusalDelta(0, "no"),
            sseparse.FinishDelta(1, "stop"),
            sseparse.FunctionCallDelta(0, "f", "{}"),
        ]
    )
    assert text == "a"
    assert side == "\n[choice 1] bc\n[refusal] no\n[finish choice 1] stop\n[function call f] {}\n"


def test_text_form_of_several_choices_and_arguments_that_are_not_json() -> None:
    bad_call = {**CALL, "function": {"name": "f", "arguments": "{oops"}}
    completion = sseparse.accumulate(
        [
            chunk({"content": "one"}, "stop"),
            chunk({"content": "two", "tool_calls": [bad_call]}, None, 1),
            chunk({}, "length", 1),
            b"data: [DONE]\n\n",
        ]
    )
    assert completion_text(completion) == (
        "== choice 0 ==\n\none\n\nfinish reason: stop\n\n"
        "== choice 1 ==\n\ntwo\n\ntool call #0 f (call_1):\n  {oops\n\nfinish reason: length\n"
    )
