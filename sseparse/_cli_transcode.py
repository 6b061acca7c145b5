"""``sseparse transcode``: a stream in one dialect in, the same answer in another out.

Kept apart from ``_cli`` (which only registers it): output is written and flushed
per input fragment, so ``curl -N ... | sseparse transcode --to openai-chat`` shows
each piece as it arrives.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from ._dialects import AUTO, dialect_names
from ._transcode import Transcoder
from ._writers import TARGETS

__all__ = ["add_transcode"]


def add_transcode(commands: Any, chunk_size: Callable[[str], int]) -> None:
    """Register the ``transcode`` subcommand on ``commands`` (argparse subparsers)."""
    transcode = commands.add_parser(
        "transcode", help="rewrite a stream in another dialect, as it arrives (exit 1 if it was cut or failed)"
    )
    transcode.add_argument("file", nargs="?", metavar="FILE", help="raw SSE stream (default: standard input)")
    transcode.add_argument(
        "--to", required=True, choices=TARGETS, metavar="D", help=f"the dialect to write: {', '.join(TARGETS)}"
    )
    transcode.add_argument(
        "--from",
        dest="source",
        default=AUTO,
        choices=(AUTO, *dialect_names()),
        metavar="D",
        help=f"the dialect read: {', '.join((AUTO, *dialect_names()))} (default: {AUTO})",
    )
    transcode.add_argument("--chunk-size", type=chunk_size, metavar="N", help="feed the parser N-byte fragments")
    transcode.set_defaults(run=_run_transcode)


def _run_transcode(args: argparse.Namespace) -> int:
    """Exit 0 when the upstream ended properly; 1 after writing the target's error
    form when it was cut or failed (the reason also goes to standard error)."""
    from ._cli import _open_input, read_fragments  # registered by _cli: imported when run

    out = sys.stdout.buffer
    transcoder = Transcoder(args.to, source=args.source)
    with _open_input(args.file) as stream:
        for fragment in read_fragments(stream, args.chunk_size):
            data = transcoder.feed(fragment)
            if data:
                out.write(data)
                out.flush()
            if transcoder.error is not None:
                break
        out.write(transcoder.close())
        out.flush()
    if transcoder.error is not None:
        sys.stderr.write(f"sseparse: {transcoder.error.get('message')}\n")
        return 1
    return 0
