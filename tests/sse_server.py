"""A real local Server-Sent Events server for the tests: stdlib only, loopback only.

Why a real server: a client library decides how a response's bytes reach sseparse
(chunk sizes, decoding, buffering, what a cut connection looks like), and only real
sockets show it. The recipes in ``docs/recipes.md`` and the reconnection loop of
``docs/reconnection.md`` are run against this server by the tests.

``SSEServer`` is a ``ThreadingHTTPServer`` on 127.0.0.1 and an ephemeral port,
speaking HTTP/1.1. ``server.add(Stream(...))`` registers what one path serves and
returns its URL. A ``Stream`` serves ``ServerEvent``\\ s (or a raw recorded body) with
adversarial delivery: random fragment sizes, one byte at a time, a slow drip, CRLF
or CR line ends, keep-alive comments, a disconnect in the middle of an event, a
non-200 status with a JSON error body, any Content-Type, chunked or close-delimited
bodies, and ``Last-Event-ID`` honoured on reconnect (the stream resumes after that
id; at the end it answers 204 No Content, which tells a client to stop).

The server itself is stdlib only; ``python_blocks`` and ``require_client`` at the end
serve the tests that run documentation code against it.

Every loop is bounded: a response is at most its body's bytes of fragments, a drip
delay is capped, each response has a deadline, sockets time out, and the server
shuts itself down after ``lifetime`` seconds whatever its user does.
"""

from __future__ import annotations

import importlib
import itertools
import json
import random
import re
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import ModuleType, TracebackType
from typing import Any, Literal

import pytest

from sseparse._env import env_flag

__all__ = [
    "Request",
    "SSEServer",
    "ServerEvent",
    "Stream",
    "encode",
    "expected_events",
    "python_blocks",
    "require_client",
]

LOOPBACK = "127.0.0.1"
MAX_DELAY = 0.2  # seconds between two fragments, at most
RESPONSE_DEADLINE = 30.0  # seconds one response may take before the server cuts it
GATE_TIMEOUT = 5.0  # seconds a gated stream waits for the client to see an event
SOCKET_TIMEOUT = 10.0
MAX_REQUEST_BODY = 1 << 20

Chunking = Literal["whole", "bytes", "random"] | int


@dataclass(frozen=True)
class ServerEvent:
    """One event as the server writes it; ``None`` fields are left out."""

    data: str
    id: str | None = None
    event: str | None = None
    retry: int | None = None


def encode(
    events: Sequence[ServerEvent],
    *,
    line_end: str = "\n",
    keepalive: bool = False,
) -> tuple[bytes, list[int]]:
    """The body for ``events`` and the offset where each event ends (after its blank
    line). ``keepalive`` puts a comment line before every event, as proxies need."""
    body = bytearray()
    ends: list[int] = []
    for event in events:
        lines: list[str] = []
        if keepalive:
            lines.append(": keep-alive")
        if event.event is not None:
            lines.append(f"event: {event.event}")
        if event.id is not None:
            lines.append(f"id: {event.id}")
        if event.retry is not None:
            lines.append(f"retry: {event.retry}")
        lines.extend(f"data: {line}" for line in event.data.split("\n"))
        body += (line_end.join(lines) + line_end + line_end).encode("utf-8")
        ends.append(len(body))
    return bytes(body), ends


def expected_events(events: Sequence[ServerEvent]) -> list[tuple[str, str, str, int | None]]:
    """What a correct client dispatches for ``events``: ``(event, data, id, retry)``
    tuples, the id being the last one in force (it carries over to id-less events)."""
    out: list[tuple[str, str, str, int | None]] = []
    last_id = ""
    for event in events:
        if event.id is not None:
            last_id = event.id
        out.append((event.event or "message", event.data, last_id, event.retry))
    return out


@dataclass(eq=False)
class Stream:
    """What one path serves, and how it delivers it.

    ``chunks``: ``"whole"`` (one write), ``"bytes"`` (one byte per write),
    ``"random"`` (1 to 2*``max_random`` bytes, from ``seed``), or an int size. Each write is
    flushed on its own, and is one HTTP chunk when ``transfer`` is ``"chunked"``
    (``"close"``: no length, the end of the body is the end of the connection).
    ``delay``: seconds between writes (a slow drip; capped at ``MAX_DELAY``).
    ``cuts``: for connection *n*, ``cuts[n]`` complete events are sent and then half of
    the next one (``cut_inside[n]`` bytes of it when given: inside a UTF-8 character,
    between CR and LF...), and the connection is dropped (later connections are not cut).
    ``retry_after``: a ``Retry-After`` header sent with an error status.
    ``gated``: after each complete event the server waits until the client ``ack()``\\ s
    it (for at most ``gate_timeout`` seconds), so a test can prove that a client hands
    events over while the stream goes on (a client that buffered would make the server
    wait in vain: ``gate_timeouts`` counts those waits).
    ``status`` other than 200 sends ``error_body`` (JSON, or a str as it is) with ``content_type``.
    ``body`` replaces ``events`` with raw bytes (a recorded stream).
    """

    events: Sequence[ServerEvent] = ()
    body: bytes | None = None
    chunks: Chunking = "whole"
    max_random: int = 24
    seed: int = 0
    delay: float = 0.0
    line_end: str = "\n"
    keepalive: bool = False
    transfer: Literal["chunked", "close"] = "chunked"
    content_type: str = "text/event-stream"
    status: int = 200
    error_body: Any = None
    cuts: Sequence[int] = ()
    cut_inside: Sequence[int] = ()
    retry_after: str | None = None
    gated: bool = False
    gate_timeout: float = GATE_TIMEOUT
    done_status: int = 204
    # -- filled in by the server ---------------------------------------------------------
    requests: list[Request] = field(default_factory=list, init=False)
    gate_timeouts: int = field(default=0, init=False)
    _acked: int = field(default=0, init=False)
    _cond: threading.Condition = field(default_factory=threading.Condition, init=False)

    def ack(self) -> None:
        """The client saw one more event (gated streams wait for this)."""
        with self._cond:
            self._acked += 1
            self._cond.notify_all()

    def _wait_for_ack(self, count: int, stopping: threading.Event) -> None:
        deadline = time.monotonic() + min(self.gate_timeout, GATE_TIMEOUT)
        with self._cond:
            while self._acked < count and not stopping.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    self.gate_timeouts += 1
                    return
                self._cond.wait(min(left, 0.1))


@dataclass(frozen=True)
class Request:
    """What a client sent: its method, path, headers (lower-cased names) and body."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def last_event_id(self) -> str | None:
        return self.headers.get("last-event-id")


def fragments(body: bytes, stream: Stream, connection: int, must_split: Sequence[int]) -> Iterator[bytes]:
    """``body`` cut as ``stream.chunks`` says, and also at each offset of ``must_split``."""
    cuts: set[int] = {offset for offset in must_split if 0 < offset < len(body)}
    chunks = stream.chunks
    if chunks == "bytes":
        cuts.update(range(1, len(body)))
    elif chunks == "random":
        rng = random.Random(stream.seed * 1000 + connection)
        offset = 0
        while offset < len(body):
            offset += rng.randint(1, 2 * stream.max_random)
            cuts.add(offset)
    elif isinstance(chunks, int):
        cuts.update(range(chunks, len(body), chunks))
    elif chunks != "whole":
        raise ValueError(f"unknown chunking {chunks!r}")
    start = 0
    for end in sorted(c for c in cuts if c < len(body)):
        yield body[start:end]
        start = end
    if start < len(body):
        yield body[start:]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = SOCKET_TIMEOUT
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: pytest shows stderr of failing tests, and a request log is noise."""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        self.close_connection = True  # one response per connection: no idle threads
        length = min(int(self.headers.get("content-length") or 0), MAX_REQUEST_BODY)
        body = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0]
        stream = self.server.streams.get(path)
        if stream is None:
            self._send_plain(404, "application/json", json.dumps({"error": {"message": f"no stream at {path}"}}))
            return
        # http.server decodes header bytes as latin-1; Last-Event-ID is sent UTF-8 encoded
        headers = {name.lower(): _utf8(value) for name, value in self.headers.items()}
        with self.server.lock:
            connection = len(stream.requests)
            stream.requests.append(Request(self.command, self.path, headers, body))
        if stream.status != 200:
            error = stream.error_body if stream.error_body is not None else {"error": {"message": "refused"}}
            extra = {"Retry-After": stream.retry_after} if stream.retry_after is not None else {}
            body_text = error if isinstance(error, str) else json.dumps(error)
            self._send_plain(stream.status, stream.content_type, body_text, extra)
            return
        self._send_stream(stream, connection, headers.get("last-event-id"))

    def _send_plain(self, status: int, content_type: str, text: str, extra: dict[str, str] | None = None) -> None:
        payload = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)

    def _send_stream(self, stream: Stream, connection: int, last_event_id: str | None) -> None:
        events = list(stream.events)
        if last_event_id is not None and stream.body is None:
            ids = [event.id for event in events]
            if last_event_id in ids:
                events = events[len(ids) - ids[::-1].index(last_event_id) :]
                if not events:  # resumed at the end: nothing more, and never will be
                    self.send_response(stream.done_status)
                    self.send_header("Content-Length", "0")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    return
        ends: list[int]
        if stream.body is not None:
            body, ends = stream.body, []
        else:
            body, ends = encode(events, line_end=stream.line_end, keepalive=stream.keepalive)
        cut = connection < len(stream.cuts) and stream.cuts[connection] < len(ends)
        if cut:
            whole = stream.cuts[connection]
            start = ends[whole - 1] if whole else 0
            inside = stream.cut_inside[connection] if connection < len(stream.cut_inside) else None
            body = body[: start + (max(1, (ends[whole] - start) // 2) if inside is None else inside)]
            ends = ends[:whole]
        self.send_response(200)
        self.send_header("Content-Type", stream.content_type)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        chunked = stream.transfer == "chunked"
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        deadline = time.monotonic() + RESPONSE_DEADLINE
        stopping = self.server.stopping
        delay = min(max(stream.delay, 0.0), MAX_DELAY)
        sent = 0
        done_events = 0
        for fragment in fragments(body, stream, connection, ends if stream.gated else ()):
            if stopping.is_set() or time.monotonic() > deadline:
                return  # dropped: the connection closes without its end
            if sent and delay:
                time.sleep(delay)
            if chunked:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(fragment), fragment))
            else:
                self.wfile.write(fragment)
            self.wfile.flush()
            sent += len(fragment)
            if stream.gated:
                while done_events < len(ends) and ends[done_events] <= sent:
                    done_events += 1
                    stream._wait_for_ack(done_events, stopping)
        if cut:
            return  # dropped mid-event: no end of the chunked body
        if chunked:
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()


def _utf8(value: str) -> str:
    return value.encode("latin-1").decode("utf-8", "replace")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__((LOOPBACK, 0), _Handler)
        self.streams: dict[str, Stream] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()


class SSEServer:
    """A running local SSE server; use it as a context manager (it stops on exit, and
    after ``lifetime`` seconds in any case)."""

    def __init__(self, *, lifetime: float = 120.0) -> None:
        self._server = _Server()
        host, port = self._server.server_address[:2]
        assert host == LOOPBACK
        self.base_url = f"http://{LOOPBACK}:{port}"
        self._counter = itertools.count()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="sse-server", daemon=True
        )
        self._watchdog = threading.Timer(lifetime, self.stop)
        self._watchdog.daemon = True
        self._stopped = False

    def __enter__(self) -> SSEServer:
        self._thread.start()
        self._watchdog.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop serving and wake every delivery loop; idempotent."""
        if self._stopped:
            return
        self._stopped = True
        self._server.stopping.set()
        self._watchdog.cancel()
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=10)
        self._server.server_close()

    def add(self, stream: Stream, *, name: str = "stream", suffix: str = "") -> str:
        """Serve ``stream`` at a new path (ending with ``suffix``, such as the
        ``/chat/completions`` an SDK appends to its base URL); returns its URL."""
        path = f"/{name}/{next(self._counter)}{suffix}"
        with self._server.lock:
            self._server.streams[path] = stream
        return self.base_url + path


# -- the docs' code, as the tests run it -----------------------------------------------

_NAMED_BLOCK = re.compile(r"<!--\s*test:\s*([\w-]+)\s*-->\s*\n```python\n(.*?)\n```", re.DOTALL)


def python_blocks(markdown: str) -> dict[str, str]:
    """The ``python`` code blocks of a Markdown page by the name of the ``<!-- test:
    NAME -->`` comment just before each (invisible when rendered). Every ``python``
    block must have one, so that none goes untested."""
    blocks = dict(_NAMED_BLOCK.findall(markdown))
    total = markdown.count("```python\n")
    if total != len(blocks):
        raise AssertionError(f"{total - len(blocks)} python block(s) without a <!-- test: NAME --> comment")
    return blocks


def require_client(name: str) -> ModuleType:
    """Import an optional HTTP client: the test is skipped without it, except in CI
    (``CI`` set to a true value), where a missing client is an error."""
    if env_flag("CI"):
        return importlib.import_module(name)
    module: ModuleType = pytest.importorskip(name)
    return module
