"""The ``sseparse`` command line: a stable interface, used by scripts and outside checks.

Exit codes: 0 success, 1 the stream was bad or cut (what could be read is still
written), 2 bad usage (one line on standard error).

``accumulate --live`` is a debugging tool for ``curl -N ... | sseparse accumulate
--live``: standard output carries exactly the answer's text, as it arrives, so it can
be piped or saved; everything else (reasoning, tool calls, usage, finish reasons,
errors) goes to standard error, labelled, reasoning dimmed on a terminal. With
``--format`` as well, the live view goes entirely to standard error and standard
output carries only the final result, so ``... | sseparse accumulate --live --format
json > result.json`` shows the stream and keeps the result.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO, NoReturn

from ._accumulator import Accumulator
from ._completion import (
    Completion,
    Delta,
    FinishDelta,
    FunctionCallDelta,
    ReasoningDelta,
    RefusalDelta,
    TextDelta,
    ToolCall,
    ToolCallArgumentsDelta,
    ToolCallStart,
    Usage,
    UsageDelta,
)
from ._dialects import AUTO, dialect_names
from ._drivers import iter_deltas
from ._errors import EventTooLargeError, SseparseError, quote_prefix
from ._framing import EventParser

__all__ = ["main"]

_READ_SIZE = 64 * 1024


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, not argparse's usage block
        self.exit(2, f"{self.prog}: error: {message}\n")


#: The largest --chunk-size taken: fragments are buffered whole before they are fed.
MAX_CHUNK_SIZE = 1 << 30


def _positive(text: str) -> int:
    shown = quote_prefix(text, 24)
    if not (text.isascii() and text.strip().isdigit()):
        raise argparse.ArgumentTypeError(f"invalid chunk size {shown}: expected a positive integer")
    digits = text.strip().lstrip("0") or "0"
    value = int(digits) if len(digits) <= 10 else MAX_CHUNK_SIZE + 1  # no int of 10,000 digits
    if not 1 <= value <= MAX_CHUNK_SIZE:
        raise argparse.ArgumentTypeError(
            f"invalid chunk size {shown}: expected a positive integer up to {MAX_CHUNK_SIZE}"
        )
    return value


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sseparse", description="Parse Server-Sent Events streams.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    events = commands.add_parser("events", help="print each event as one JSON object per line")
    events.add_argument("file", nargs="?", metavar="FILE", help="raw SSE stream (default: standard input)")
    events.add_argument("--chunk-size", type=_positive, metavar="N", help="feed the parser N-byte fragments")
    events.set_defaults(run=_run_events)

    accumulate = commands.add_parser(
        "accumulate", help="print the stream's final answer (Completion.to_dict()) as one JSON object"
    )
    accumulate.add_argument("file", nargs="?", metavar="FILE", help="raw SSE stream (default: standard input)")
    accumulate.add_argument(
        "--dialect",
        default=AUTO,
        choices=(AUTO, *dialect_names()),
        metavar="D",
        help=f"wire format: {', '.join((AUTO, *dialect_names()))} (default: {AUTO}, detected from the first event)",
    )
    accumulate.add_argument("--chunk-size", type=_positive, metavar="N", help="feed the parser N-byte fragments")
    accumulate.add_argument(
        "--live",
        action="store_true",
        help="show the answer as it streams: its text on standard output, reasoning, tool calls, usage "
        "and finish on standard error (with --format, all of it on standard error)",
    )
    accumulate.add_argument(
        "--format",
        choices=("json", "text"),
        metavar="F",
        help="the final result: json (Completion.to_dict() as one object, the default) or text (readable); "
        "with --live, written to standard output after the stream",
    )
    accumulate.set_defaults(run=_run_accumulate)

    from ._cli_transcode import add_transcode  # its own module: see there

    add_transcode(commands, _positive)
    return parser


def read_fragments(stream: BinaryIO, chunk_size: int | None) -> Iterator[bytes]:
    """Fragments as they arrive (a pipe from ``curl -N`` is not waited on), or exactly
    ``chunk_size`` bytes each (the last may be shorter)."""
    fd = stream.fileno()
    if chunk_size is None:
        while block := os.read(fd, _READ_SIZE):
            yield block
        return
    pending = b""
    while block := os.read(fd, max(chunk_size, _READ_SIZE)):
        pending += block
        cut = len(pending) - len(pending) % chunk_size
        for start in range(0, cut, chunk_size):
            yield pending[start : start + chunk_size]
        pending = pending[cut:]
    if pending:
        yield pending


def _open_input(path: str | None) -> BinaryIO:
    if path is None or path == "-":
        return sys.stdin.buffer
    try:
        return open(path, "rb")
    except OSError as exc:
        _usage_error(f"cannot read {path!r}: {exc.strerror or exc}")


def _usage_error(message: str) -> NoReturn:
    sys.stderr.write(f"sseparse: error: {message}\n")
    raise SystemExit(2)


def _write_json(out: BinaryIO, obj: object) -> None:
    out.write(json_bytes(obj) + b"\n")


_SURROGATE = re.compile("[\ud800-\udfff]")


def utf8(text: str) -> bytes:
    """``text`` as UTF-8, a lone surrogate (valid in a JSON string escape, not in
    UTF-8) written as U+FFFD."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text).encode("utf-8")


def json_bytes(obj: object) -> bytes:
    """``obj`` as RFC 8259 JSON in UTF-8, whatever the input held: a non-finite
    number (``NaN``, ``Infinity``, which Python's decoder accepts) is written as
    ``null``, a lone surrogate as U+FFFD."""
    try:
        text = json.dumps(obj, ensure_ascii=False, allow_nan=False)
    except ValueError:
        text = json.dumps(_finite(obj), ensure_ascii=False, allow_nan=False)
    return utf8(text)


def _finite(obj: object) -> object:
    """A copy of ``obj`` with every non-finite float replaced by ``None``; iterative,
    so that nesting costs no recursion."""
    root: list[object] = [obj]
    stack: list[tuple[Any, Any, object]] = [(root, 0, obj)]
    while stack:
        parent, key, value = stack.pop()
        if type(value) is float and not math.isfinite(value):
            parent[key] = None
        elif isinstance(value, dict):
            mapping = parent[key] = dict(value)
            stack.extend((mapping, k, v) for k, v in mapping.items())
        elif isinstance(value, (list, tuple)):
            items = parent[key] = list(value)
            stack.extend((items, i, v) for i, v in enumerate(items))
    return root[0]


def _run_events(args: argparse.Namespace) -> int:
    out = sys.stdout.buffer
    parser = EventParser()
    with _open_input(args.file) as stream:
        try:
            for fragment in read_fragments(stream, args.chunk_size):
                for event in parser.feed(fragment):
                    _write_json(out, event.to_dict())
                out.flush()
            pending = parser.close()
        except EventTooLargeError as exc:
            for event in getattr(exc, "events", ()):
                _write_json(out, event.to_dict())
            out.flush()
            sys.stderr.write(f"sseparse: {exc}\n")
            return 1
        except SseparseError as exc:
            out.flush()
            sys.stderr.write(f"sseparse: {exc}\n")
            return 1
    if pending is not None:
        sys.stderr.write(
            f"sseparse: stream ended in the middle of an event (event={quote_prefix(pending.event)}); it was not dispatched\n"
        )
        return 1
    return 0


def _run_accumulate(args: argparse.Namespace) -> int:
    """Exit 0 for a complete stream; 1 when it was cut or carried an error, after
    writing what was accumulated all the same (``complete: false`` and ``error``)."""
    if args.live:
        return _run_live(args)
    acc = Accumulator(args.dialect, deltas=False)
    with _open_input(args.file) as stream:
        try:
            for fragment in read_fragments(stream, args.chunk_size):
                acc.feed(fragment)
            completion = acc.close()
        except SseparseError as exc:
            completion = acc.completion
            sys.stderr.write(f"sseparse: {exc}\n")
    if acc.cut is not None:
        sys.stderr.write(f"sseparse: {acc.cut}\n")
    _write_result(sys.stdout.buffer, completion, args.format or "json")
    return 0 if completion.complete else 1


def _write_result(out: BinaryIO, completion: Completion, form: str) -> None:
    if form == "text":
        out.write(utf8(completion_text(completion)))
    else:
        _write_json(out, completion.to_dict())
    out.flush()


def _run_live(args: argparse.Namespace) -> int:
    """``accumulate --live``: render deltas while reading, flushed before each read so
    that what arrived is shown before the next bytes are waited for."""
    final_format: str | None = args.format
    view = LiveView(
        text=sys.stdout.buffer if final_format is None else sys.stderr.buffer,
        side=sys.stderr.buffer,
        color=_use_color(sys.stderr),
    )
    with _open_input(args.file) as stream:

        def fragments() -> Iterator[bytes]:
            for fragment in read_fragments(stream, args.chunk_size):
                yield fragment
                view.flush()  # every delta of this fragment was rendered: show them

        deltas = iter_deltas(fragments(), args.dialect, on_incomplete="ignore")
        try:
            view.render(deltas)
        except KeyboardInterrupt:
            view.end()  # never leave the terminal dimmed
            raise
        except SseparseError as exc:
            view.render(exc.deltas)  # produced before the error, in the same fragment
            view.end()
            sys.stderr.write(f"sseparse: {exc}\n")
        else:
            view.end()
        completion = deltas.completion
    cut = deltas.accumulator.cut
    if cut is not None:
        sys.stderr.write(f"sseparse: {cut}\n")
    sys.stderr.flush()
    if final_format is not None:
        _write_result(sys.stdout.buffer, completion, final_format)
    return 0 if completion.complete else 1


def _use_color(stream: object) -> bool:
    """ANSI dimming for reasoning: only on a terminal, and never when ``NO_COLOR`` is set."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty()) and not os.environ.get("NO_COLOR")


_DIM, _RESET = "\x1b[2m", "\x1b[0m"


class LiveView:
    """Renders deltas as they come: choice 0's text raw on ``text``, the rest on ``side``,
    each run of one kind opened by a label such as ``[reasoning]``.

    Layout newlines only ever go to ``side``: when ``text`` is standard output it
    carries exactly the answer's text. ``text`` and ``side`` are taken to share a
    terminal, so a label starts on a fresh line even after text written to the other.
    """

    def __init__(self, text: BinaryIO, side: BinaryIO, *, color: bool = False) -> None:
        self._text = text
        self._side = side
        self._color = color
        self._section: object = None  # what the last piece written belongs to
        self._midline = False  # the last character written (to either) was not a newline
        self._dimmed = False
        self._names: dict[tuple[int, int], ToolCallStart] = {}

    def render(self, deltas: Iterable[Delta]) -> None:
        for delta in deltas:
            if isinstance(delta, TextDelta):
                if delta.choice == 0:
                    self._piece(("text", 0), None, delta.text, to_text=True)
                else:
                    self._piece(("text", delta.choice), f"[choice {delta.choice}] ", delta.text)
            elif isinstance(delta, ReasoningDelta):
                self._piece(("reasoning", delta.choice), self._label("reasoning", delta.choice), delta.text, dim=True)
            elif isinstance(delta, RefusalDelta):
                self._piece(("refusal", delta.choice), self._label("refusal", delta.choice), delta.text)
            elif isinstance(delta, ToolCallStart):
                self._names[(delta.choice, delta.index)] = delta
                self._open(("tool", delta.choice, delta.index), self._tool_label(delta))
            elif isinstance(delta, ToolCallArgumentsDelta):
                start = self._names.get((delta.choice, delta.index))
                label = self._tool_label(start) if start else f"[tool call #{delta.index}] "
                self._piece(("tool", delta.choice, delta.index), label, delta.arguments)
            elif isinstance(delta, FunctionCallDelta):
                label = f"[function call {delta.name}] " if delta.name else "[function call] "
                self._piece(("function", delta.choice), label, delta.arguments)
            elif isinstance(delta, UsageDelta):
                self._line(f"[usage] {usage_text(delta.usage)}")
            elif isinstance(delta, FinishDelta):
                self._line(f"{self._label('finish', delta.choice)}{delta.finish_reason}")

    def flush(self) -> None:
        self._text.flush()
        self._side.flush()

    def end(self) -> None:
        """Close the last section and leave the terminal at the start of a line."""
        self._undim()
        if self._midline:
            self._side.write(b"\n")
            self._midline = False
        self._section = None
        self.flush()

    # -- internals ------------------------------------------------------------------

    @staticmethod
    def _label(kind: str, choice: int) -> str:
        return f"[{kind}] " if choice == 0 else f"[{kind} choice {choice}] "

    @staticmethod
    def _tool_label(start: ToolCallStart) -> str:
        where = "" if start.choice == 0 else f" choice {start.choice}"
        ident = f" ({start.id})" if start.id else ""
        name = f" {start.name}" if start.name else ""
        return f"[tool call #{start.index}{where}{name}{ident}] "

    def _open(self, section: object, label: str | None, *, dim: bool = False) -> None:
        if section == self._section:
            return
        self._undim()
        if self._midline:
            self._side.write(b"\n")
            self._midline = False
        self._section = section
        if label:
            self._side.write(utf8(label))
            self._midline = True
        if dim and self._color:
            self._side.write(_DIM.encode())
            self._dimmed = True

    def _piece(
        self, section: object, label: str | None, text: str, *, to_text: bool = False, dim: bool = False
    ) -> None:
        self._open(section, label, dim=dim)
        if not text:
            return
        (self._text if to_text else self._side).write(utf8(text))
        self._midline = not text.endswith("\n")

    def _line(self, line: str) -> None:
        self._open(("line", line), None)
        self._side.write(utf8(line) + b"\n")
        self._midline = False
        self._section = None

    def _undim(self) -> None:
        if self._dimmed:
            self._side.write(_RESET.encode())
            self._dimmed = False


def usage_text(usage: Usage) -> str:
    counts = [(usage.input_tokens, "input"), (usage.output_tokens, "output"), (usage.total_tokens, "total")]
    shown = [f"{count} {name}" for count, name in counts if count is not None]
    return (", ".join(shown) + " tokens") if shown else json.dumps(usage.raw, ensure_ascii=False)


def completion_text(completion: Completion) -> str:
    """``--format text``: the answer, then reasoning, refusal, tool calls, finish reason,
    usage and what went wrong, in that order, as plain text."""
    parts: list[str] = []
    several = len(completion.choices) > 1
    for choice in completion.choices if several else [completion]:
        if several:
            parts.append(f"== choice {getattr(choice, 'index', 0)} ==")
        if choice.content:
            parts.append(choice.content)
        if choice.reasoning:
            parts.append("reasoning:\n" + _indent(choice.reasoning))
        if choice.refusal:
            parts.append("refusal:\n" + _indent(choice.refusal))
        parts.extend(_call_text("tool call", call) for call in choice.tool_calls)
        if choice.function_call is not None:
            parts.append(_call_text("function call", choice.function_call))
        if choice.finish_reason is not None:
            parts.append(f"finish reason: {choice.finish_reason}")
    if completion.usage is not None:
        parts.append(f"usage: {usage_text(completion.usage)}")
    if not completion.complete:
        error = completion.error or {}
        parts.append(f"incomplete: {error.get('message') or 'the stream did not end properly'}")
    return "\n\n".join(parts) + "\n"


def _call_text(kind: str, call: ToolCall) -> str:
    ident = f" ({call.id})" if call.id else ""
    try:
        arguments = json.dumps(call.parsed_arguments(), indent=2, ensure_ascii=False)
    except SseparseError:
        arguments = call.arguments  # not JSON: shown as sent
    return f"{kind} #{call.index} {call.name}{ident}:\n{_indent(arguments)}"


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.split("\n"))


def main(argv: list[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    try:
        status: int = args.run(args)
        return status
    except BrokenPipeError:  # `sseparse events big.sse | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
