"""``python -m sseparse events``: a stable interface that scripts and outside checks use.

Run in a subprocess (``sys.executable``), as a user would: from a file and from
standard input, at several ``--chunk-size`` values, with each implementation.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import load_compiled_parser

import sseparse
from sseparse import Event
from sseparse._framing_py import EventParser as PureParser

# The folder holding the sseparse under test (the source tree for an editable install,
# site-packages for an installed one): the subprocess must import that same package,
# never a source tree beside it that may lack the compiled parser.
PACKAGE_PARENT = Path(sseparse.__file__).resolve().parents[1]

STREAM = (
    "\ufeff: welcome\r\n"
    "retry: 2500\r\n"
    "id: evt-1\r\n"
    "event: greeting\r\n"
    "data: Grüß Gott, 世界 🎉\r\n"
    "\r\n"
    'data: {"choices": [{"delta": {"content": "naïve — ok"}}]}\n'
    "\n"
    "data: line one\r"
    "data:  two spaces\r"
    "\r"
    "id\n"
    "data\n"
    "\n"
    "event: done\n"
    "data: [DONE]\n"
    "\n"
).encode()

EXPECTED = [
    {"event": "greeting", "data": "Grüß Gott, 世界 🎉", "id": "evt-1", "retry": 2500},
    {"event": "message", "data": '{"choices": [{"delta": {"content": "naïve — ok"}}]}', "id": "evt-1", "retry": None},
    {"event": "message", "data": "line one\n two spaces", "id": "evt-1", "retry": None},
    {"event": "message", "data": "", "id": "", "retry": None},
    {"event": "done", "data": "[DONE]", "id": "", "retry": None},
]


@pytest.fixture(params=["default", "pure"])
def cli_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """The environment of the subprocess: the default implementation (the compiled
    one: skipped where it was not built, failed where it is required), or the pure one."""
    if request.param == "default":
        load_compiled_parser()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_PARENT), env.get("PYTHONPATH")]))
    env.pop("SSEPARSE_NO_EXTENSIONS", None)
    if request.param == "pure":
        env["SSEPARSE_NO_EXTENSIONS"] = "1"
    env["PYTHONIOENCODING"] = "ascii"  # the output must be UTF-8 bytes whatever the locale
    return env


def run_cli(args: list[str], env: dict[str, str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "sseparse", *args],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def json_lines(stdout: bytes) -> list[dict[str, object]]:
    # JSON Lines are split on LF only: U+2028 inside a JSON string is legal (and str.splitlines would cut there).
    text = stdout.decode("utf-8")
    assert text.endswith("\n") or text == ""
    return [json.loads(line) for line in text.split("\n")[:-1]]


def test_expected_output_is_what_the_parser_gives():
    # The table above is checked against the library, so the CLI tests below test the CLI.
    parser = PureParser()
    assert [e.to_dict() for e in parser.feed(STREAM)] == EXPECTED
    assert parser.close() is None


@pytest.mark.parametrize("chunk_size", [None, 1, 2, 7, 4096])
def test_events_from_a_file(tmp_path, cli_env, chunk_size):
    path = tmp_path / "stream.sse"
    path.write_bytes(STREAM)
    args = ["events", str(path)] + ([] if chunk_size is None else ["--chunk-size", str(chunk_size)])
    result = run_cli(args, cli_env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json_lines(result.stdout) == EXPECTED
    assert result.stderr == b""


@pytest.mark.parametrize("chunk_size", [None, 1, 2, 7, 4096])
def test_events_from_stdin(tmp_path, cli_env, chunk_size):
    args = ["events"] + ([] if chunk_size is None else ["--chunk-size", str(chunk_size)])
    result = run_cli(args, cli_env, tmp_path, stdin=STREAM)
    assert result.returncode == 0, result.stderr
    assert json_lines(result.stdout) == EXPECTED


def test_events_from_stdin_as_dash(tmp_path, cli_env):
    result = run_cli(["events", "-", "--chunk-size", "3"], cli_env, tmp_path, stdin=STREAM)
    assert result.returncode == 0, result.stderr
    assert json_lines(result.stdout) == EXPECTED


def test_output_lines_have_exactly_the_four_keys(tmp_path, cli_env):
    result = run_cli(["events"], cli_env, tmp_path, stdin=STREAM)
    for line in json_lines(result.stdout):
        assert list(line) == ["event", "data", "id", "retry"]


def test_all_chunk_sizes_give_byte_identical_output(tmp_path, cli_env):
    path = tmp_path / "stream.sse"
    path.write_bytes(STREAM * 50)
    outputs = {
        size: run_cli(["events", str(path), "--chunk-size", str(size)], cli_env, tmp_path).stdout
        for size in (1, 2, 7, 4096)
    }
    assert len(set(outputs.values())) == 1
    assert len(json_lines(outputs[1])) == 5 * 50


def test_one_json_object_per_event_even_with_newlines_in_data(tmp_path, cli_env):
    result = run_cli(["events"], cli_env, tmp_path, stdin=b"data: a\ndata: b\r\ndata: \xe2\x80\xa8c\n\n")
    assert result.returncode == 0
    assert result.stdout.count(b"\n") == 1
    assert json_lines(result.stdout) == [Event(data="a\nb\n\u2028c").to_dict()]


def test_empty_input_gives_no_output_and_success(tmp_path, cli_env):
    result = run_cli(["events"], cli_env, tmp_path, stdin=b"")
    assert (result.returncode, result.stdout, result.stderr) == (0, b"", b"")


def test_cut_stream_exits_1_after_writing_the_complete_events(tmp_path, cli_env):
    result = run_cli(["events", "--chunk-size", "5"], cli_env, tmp_path, stdin=b"data: a\n\ndata: cut")
    assert result.returncode == 1
    assert json_lines(result.stdout) == [Event(data="a").to_dict()]
    stderr = result.stderr.decode()
    assert stderr.startswith("sseparse")
    assert stderr.count("\n") == 1


def _assert_usage_error(result: subprocess.CompletedProcess[bytes]) -> str:
    assert result.returncode == 2
    assert result.stdout == b""
    stderr = result.stderr.decode()
    assert stderr.endswith("\n") and stderr.count("\n") == 1, stderr
    assert "error" in stderr
    return stderr


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", ""])
def test_bad_chunk_size_is_a_usage_error(tmp_path, cli_env, value):
    stderr = _assert_usage_error(run_cli(["events", "--chunk-size", value], cli_env, tmp_path, stdin=STREAM))
    assert "chunk" in stderr


def test_missing_file_is_a_usage_error(tmp_path, cli_env):
    stderr = _assert_usage_error(run_cli(["events", str(tmp_path / "nope.sse")], cli_env, tmp_path))
    assert "nope.sse" in stderr


def test_directory_as_file_is_a_usage_error(tmp_path, cli_env):
    _assert_usage_error(run_cli(["events", str(tmp_path)], cli_env, tmp_path))


def test_unknown_command_is_a_usage_error(tmp_path, cli_env):
    _assert_usage_error(run_cli(["frobnicate"], cli_env, tmp_path))


def test_no_command_is_a_usage_error(tmp_path, cli_env):
    _assert_usage_error(run_cli([], cli_env, tmp_path))


def test_unknown_option_is_a_usage_error(tmp_path, cli_env):
    _assert_usage_error(run_cli(["events", "--bogus"], cli_env, tmp_path, stdin=STREAM))
