"""Calling code an embedder writes, type-checked with ``mypy --strict`` by tests/test_typing.py."""

from __future__ import annotations

from collections.abc import Iterable

import httpx

import sseparse
import sseparse.httpx


def answer(fragments: Iterable[bytes]) -> str:
    completion = sseparse.accumulate(fragments, dialect="anthropic")
    return completion.content


def render(fragments: Iterable[bytes], dialect: sseparse.DialectName) -> list[str]:
    with sseparse.iter_deltas(fragments, dialect) as stream:
        return [delta.text for delta in stream if isinstance(delta, sseparse.TextDelta)]


def which() -> sseparse.ImplementationName:
    return sseparse.IMPLEMENTATION


def follow(client: httpx.Client, url: str) -> list[str]:
    policy = sseparse.ReconnectPolicy(initial_delay=0.5, max_server_delay=60.0)
    with sseparse.httpx.connect_sse(client, "GET", url, policy=policy) as source:
        return [event.data for event in source.iter_events()]


def report(exc: sseparse.SseparseError) -> str:
    if isinstance(exc, sseparse.ProviderError):
        return exc.completion.content  # always set: no None check
    if isinstance(exc, sseparse.IncompleteStreamError) and exc.pending is not None:
        return exc.pending.data
    if isinstance(exc, sseparse.ChunkDecodeError) and exc.event is not None:
        return exc.event.data
    if isinstance(exc, sseparse.ResponseError):
        return f"{exc.status} {exc.content_type} {exc.body!r}"
    return str(exc)
