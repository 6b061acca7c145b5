"""The ``sseparse`` command line: a stable interface, used by scripts and outside checks.

Exit codes: 0 success, 1 the stream was bad or cut (what could be read is still
written), 2 bad usage (one line on standard error).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from typing import BinaryIO, NoReturn

from ._accumulator import Accumulator
from ._dialects import AUTO, dialect_names
from ._errors import EventTooLargeError, SseparseError
from ._framing import EventParser

__all__ = ["main"]

_READ_SIZE = 64 * 1024


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, not argparse's usage block
        self.exit(2, f"{self.prog}: error: {message}\n")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid chunk size {text!r}: expected a positive integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"invalid chunk size {text!r}: expected a positive integer")
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
    accumulate.set_defaults(run=_run_accumulate)
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
    out.write(json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n")


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
            f"sseparse: stream ended in the middle of an event (event={pending.event!r}); it was not dispatched\n"
        )
        return 1
    return 0


def _run_accumulate(args: argparse.Namespace) -> int:
    """Exit 0 for a complete stream; 1 when it was cut or carried an error, after
    writing what was accumulated all the same (``complete: false`` and ``error``)."""
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
    _write_json(sys.stdout.buffer, completion.to_dict())
    return 0 if completion.complete else 1


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
