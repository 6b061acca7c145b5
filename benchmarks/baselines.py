"""What sseparse is measured against.

Framing (bytes fragments -> events):

- ``naive_split_lines``: the loop every tutorial writes: split each fragment on
  newlines and keep the ``data: `` lines. It is fast and wrong: a line cut between
  two fragments is lost or garbled, multi-line events come out as several payloads,
  and ``event:`` / ``id:`` are ignored. The benchmark counts its wrong events.
- ``BufferedParser``: a correct, careful pure-Python parser: a bytes buffer, split
  on blank lines, CR / CRLF / LF, BOM, comments, ``event`` / ``id`` / ``retry``,
  multi-line data, invalid UTF-8 replaced. It is written to be fast (C-speed string
  methods do the scanning, fast paths for the shapes LLM streams use), so that it is
  the strongest pure-Python opponent we could write, not a straw man.
- ``httpx_sse_events``: httpx-sse's decoder fed the way ``EventSource.iter_sse()``
  feeds it: httpx's incremental UTF-8 ``TextDecoder`` (what ``Response.iter_text()``
  does), then httpx-sse's ``SSELineDecoder`` and ``SSEDecoder``. Only the transport
  is left out, as it is for sseparse. ``None`` when httpx-sse is not installed.
- ``sseclient_events``: sseclient-py's ``SSEClient(fragments).events()`` (it reads any
  iterable of byte chunks, as it reads ``requests``' ``iter_content()``). ``None``
  when sseclient-py is not installed.

Accumulation (bytes fragments -> final text and tool calls), for OpenAI Chat
Completions and Anthropic Messages streams:

- ``naive_accumulate_*``: the naive loop + ``json.loads`` + dict accumulation by
  index (a payload that fails to parse is skipped, as such code ends up doing).
- ``buffered_accumulate_*``: ``BufferedParser`` + ``json.loads`` + the same dict
  accumulation.
- ``orjson_accumulate_*``: ``BufferedParser`` + ``orjson.loads`` + the same dict
  accumulation (``None`` without orjson).
- ``msgspec_accumulate_*``: ``BufferedParser`` + a ``msgspec.json.Decoder`` of typed
  structs declaring only the fields the accumulation reads (msgspec skips the others
  without building them) + the same accumulation on attributes. The fastest
  pure-Python pipeline we could build (``None`` without msgspec).
- ``openai_sdk_accumulate()`` / ``anthropic_sdk_accumulate()`` (which return the
  function, ``None`` when the SDK is not installed): what the official SDKs do
  for ``client.chat.completions.stream(...)`` / ``client.messages.stream(...)``:
  their own ``Stream`` class (their SSE decoder, ``json.loads``, building the typed
  chunk or event object), wrapped in ``ChatCompletionStream`` / ``MessageStream``,
  which accumulate a snapshot per chunk, and ``get_final_completion()`` /
  ``get_final_message()``. The stream reads the pre-cut fragments instead of a socket
  (see ``_FragmentStream``); nothing else is changed. ``None`` when not installed.

Every function takes a list of ``bytes`` fragments and returns its own result type;
``cases.py`` normalizes results for the correctness checks (outside the timings).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from typing import Any

__all__ = [
    "Accumulated",
    "BufferedParser",
    "anthropic_sdk_accumulate",
    "buffered_accumulate_anthropic",
    "msgspec_accumulate_anthropic",
    "msgspec_accumulate_openai",
    "orjson_accumulate_anthropic",
    "orjson_accumulate_openai",
    "sseclient_events",
    "buffered_accumulate_openai",
    "buffered_events",
    "httpx_sse_events",
    "naive_accumulate_anthropic",
    "naive_accumulate_openai",
    "naive_split_lines",
    "openai_sdk_accumulate",
    "versions",
]

_BOM = b"\xef\xbb\xbf"


# -- (1) the naive split-lines loop ---------------------------------------------------------


def naive_split_lines(fragments: Iterable[bytes]) -> list[str]:
    """The tutorial loop: the ``data: `` payloads of each fragment's lines. Wrong across cuts."""
    out = []
    for fragment in fragments:
        for line in fragment.split(b"\n"):
            line = line.strip()
            if line.startswith(b"data: "):
                out.append(line[6:].decode("utf-8", "replace"))
    return out


# -- (2) the careful buffered parser -------------------------------------------------------


class BufferedParser:
    """A correct SSE parser in plain, fast Python; events are ``(event, data, id)`` tuples.

    Line ends are normalized to LF per fragment (``bytes.replace`` runs at C speed; a
    CR ending a fragment is remembered so that an LF starting the next one is not a
    second line end). Complete events end at the last ``\\n\\n`` in the buffer; the
    search resumes where the previous one stopped, so 1-byte fragments stay linear.
    The completed part is decoded once (``errors="replace"``: a UTF-8 decoder never
    swallows an ASCII byte, so this equals decoding line by line) and split on blank
    lines. Two fast paths cover LLM streams: an event that is a single ``data: `` line,
    and an event whose lines after its header are all ``data: `` lines (joined with one
    ``str.replace``); anything else takes the general line-by-line path.
    """

    __slots__ = ("_buf", "_cr", "_last_id", "_scan", "_started", "retry")

    def __init__(self) -> None:
        self._buf = bytearray()
        self._scan = 0  # the search for "\n\n" restarts here: what lies before holds none
        self._cr = False  # the previous fragment ended with CR
        self._started = False  # the BOM question is settled
        self._last_id = ""
        self.retry: int | None = None

    def feed(self, data: bytes) -> list[tuple[str, str, str]]:
        if b"\n" not in data and b"\r" not in data:  # no line end: nothing can complete
            self._cr = False
            self._buf += data
            return []
        if self._cr:
            self._cr = False
            if data[:1] == b"\n":
                data = data[1:]
        if b"\r" in data:
            self._cr = data[-1:] == b"\r"
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        buf = self._buf
        buf += data
        end = buf.rfind(b"\n\n", self._scan)
        if end < 0:
            self._scan = len(buf) - 1 if buf else 0
            return []
        if not self._started:
            self._started = True
            if buf.startswith(_BOM):
                del buf[:3]
                end -= 3
        text = buf[:end].decode("utf-8", "replace")
        del buf[: end + 2]
        self._scan = len(buf) - 1 if buf else 0
        return self._events(text)

    def close(self) -> bool:
        """End of stream: ``True`` if it was cut inside an event (what is pending is dropped)."""
        pending = bytes(self._buf).strip(b"\n")
        self._buf = bytearray()
        return bool(pending)

    def _events(self, text: str) -> list[tuple[str, str, str]]:
        events: list[tuple[str, str, str]] = []
        append = events.append
        last_id = self._last_id
        for block in text.split("\n\n"):
            if block.startswith("data: "):
                if "\n" not in block:  # one data line: most LLM events
                    append(("message", block[6:], last_id))
                    continue
                head = ""
                body = block
            else:
                k = block.find("\ndata: ")
                head = block[:k] if k >= 0 else block
                body = block[k + 1 :] if k >= 0 else ""
            event_type = ""
            data = []
            if body and body.count("\n") == body.count("\ndata: "):
                # header lines (event:, id:, ...) then data lines only: join those in one go
                lines = head.split("\n") if head else ()
                tail = body[6:].replace("\ndata: ", "\n")
            else:
                lines = block.split("\n")
                tail = None
            for line in lines:
                if not line or line[0] == ":":
                    continue
                name, _, value = line.partition(":")
                if value[:1] == " ":
                    value = value[1:]
                if name == "data":
                    data.append(value)
                elif name == "event":
                    event_type = value
                elif name == "id":
                    if "\x00" not in value:
                        last_id = value
                elif name == "retry" and value.isascii() and value.isdigit():
                    self.retry = int(value)
            if tail is not None:
                data.append(tail)
            if data:
                append((event_type or "message", "\n".join(data), last_id))
        self._last_id = last_id
        return events


def buffered_events(fragments: Iterable[bytes]) -> list[tuple[str, str, str]]:
    parser = BufferedParser()
    feed = parser.feed
    out: list[tuple[str, str, str]] = []
    extend = out.extend
    for fragment in fragments:
        extend(feed(fragment))
    parser.close()
    return out


# -- (3) httpx-sse -------------------------------------------------------------------------


def _make_httpx_sse() -> Callable[[Iterable[bytes]], list[Any]] | None:
    try:
        from httpx_sse._decoders import SSEDecoder, SSELineDecoder
    except ImportError:
        return None
    try:  # what httpx.Response.iter_text() uses
        from httpx._decoders import TextDecoder
    except ImportError:  # the same thing, should httpx move it
        import codecs

        class TextDecoder:  # type: ignore[no-redef]
            def __init__(self) -> None:
                self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

            def decode(self, data: bytes) -> str:
                return self.decoder.decode(data)

            def flush(self) -> str:
                return self.decoder.decode(b"", True)

    def httpx_sse_events(fragments: Iterable[bytes]) -> list[Any]:
        """``EventSource.iter_sse()`` minus the transport: bytes -> text -> lines -> events."""
        text_decoder = TextDecoder()
        line_decoder = SSELineDecoder()
        decoder = SSEDecoder()
        out = []
        for fragment in fragments:
            text = text_decoder.decode(fragment)
            if text:  # httpx's TextChunker passes on no empty strings
                for line in line_decoder.decode(text):
                    sse = decoder.decode(line.rstrip("\n"))
                    if sse is not None:
                        out.append(sse)
        text = text_decoder.flush()
        lines = (line_decoder.decode(text) if text else []) + line_decoder.flush()
        for line in lines:
            sse = decoder.decode(line.rstrip("\n"))
            if sse is not None:
                out.append(sse)
        return out

    return httpx_sse_events


httpx_sse_events = _make_httpx_sse()


# -- (4) sseclient-py ----------------------------------------------------------------------


def _make_sseclient() -> Callable[[Iterable[bytes]], list[Any]] | None:
    try:
        import sseclient
    except ImportError:
        return None

    def sseclient_events(fragments: Iterable[bytes]) -> list[Any]:
        """``SSEClient(source).events()`` with the fragments as the source's chunks."""
        return list(sseclient.SSEClient(iter(fragments)).events())

    return sseclient_events


sseclient_events = _make_sseclient()


# -- accumulation baselines ----------------------------------------------------------------


class Accumulated:
    """What the hand-written accumulators produce."""

    __slots__ = ("content", "finish_reason", "lost", "tool_calls")

    def __init__(self, content: str, tool_calls: list[dict[str, Any]], finish_reason: str | None, lost: int) -> None:
        self.content = content
        self.tool_calls = tool_calls  # [{"index", "id", "name", "arguments"}] by index
        self.finish_reason = finish_reason
        self.lost = lost  # payloads that were not valid JSON (the naive loop's cut lines)


def _reduce_openai(payloads: Iterable[str], loads: Callable[[str], Any] = json.loads) -> Accumulated:
    """Dict accumulation of Chat Completions chunks: content and tool calls by index."""
    content: list[str] = []
    calls: dict[int, dict[str, Any]] = {}
    finish = None
    lost = 0
    for data in payloads:
        if data == "[DONE]":
            break
        try:
            chunk = loads(data)
        except ValueError:  # orjson.JSONDecodeError is a ValueError too
            lost += 1
            continue
        for choice in chunk.get("choices") or ():
            delta = choice.get("delta") or {}
            text = delta.get("content")
            if text:
                content.append(text)
            for tc in delta.get("tool_calls") or ():
                call = calls.get(tc["index"])
                if call is None:
                    call = calls[tc["index"]] = {"index": tc["index"], "id": None, "name": None, "arguments": []}
                if tc.get("id"):
                    call["id"] = tc["id"]
                fn = tc.get("function")
                if fn:
                    if fn.get("name"):
                        call["name"] = fn["name"]
                    if fn.get("arguments"):
                        call["arguments"].append(fn["arguments"])
            if choice.get("finish_reason"):
                finish = choice["finish_reason"]
    tool_calls = [dict(c, arguments="".join(c["arguments"])) for _, c in sorted(calls.items())]
    return Accumulated("".join(content), tool_calls, finish, lost)


def _reduce_anthropic(payloads: Iterable[str], loads: Callable[[str], Any] = json.loads) -> Accumulated:
    """Dict accumulation of Messages events: text blocks and tool_use input by index."""
    content: list[str] = []
    calls: dict[int, dict[str, Any]] = {}
    finish = None
    lost = 0
    for data in payloads:
        try:
            event = loads(data)
        except ValueError:
            lost += 1
            continue
        kind = event.get("type")
        if kind == "content_block_delta":
            delta = event["delta"]
            if delta["type"] == "text_delta":
                content.append(delta["text"])
            elif delta["type"] == "input_json_delta":
                call = calls.get(event["index"])
                if call is not None:
                    call["arguments"].append(delta["partial_json"])
        elif kind == "content_block_start":
            block = event["content_block"]
            if block["type"] == "tool_use":
                calls[event["index"]] = {
                    "index": event["index"],
                    "id": block["id"],
                    "name": block["name"],
                    "arguments": [],
                }
        elif kind == "message_delta":
            finish = event["delta"].get("stop_reason") or finish
        elif kind == "error":
            raise RuntimeError(f"provider error: {event.get('error')}")
    tool_calls = [dict(c, arguments="".join(c["arguments"])) for _, c in sorted(calls.items())]
    return Accumulated("".join(content), tool_calls, finish, lost)


def _buffered_payloads(fragments: Iterable[bytes]) -> Iterator[str]:
    parser = BufferedParser()
    feed = parser.feed
    for fragment in fragments:
        for event in feed(fragment):
            yield event[1]
    parser.close()


def naive_accumulate_openai(fragments: Iterable[bytes]) -> Accumulated:
    return _reduce_openai(naive_split_lines(fragments))


def buffered_accumulate_openai(fragments: Iterable[bytes]) -> Accumulated:
    return _reduce_openai(_buffered_payloads(fragments))


def naive_accumulate_anthropic(fragments: Iterable[bytes]) -> Accumulated:
    return _reduce_anthropic(naive_split_lines(fragments))


def buffered_accumulate_anthropic(fragments: Iterable[bytes]) -> Accumulated:
    return _reduce_anthropic(_buffered_payloads(fragments))


# -- the fastest pure-Python pipelines: orjson, msgspec typed structs ---------------------


def _make_orjson() -> tuple[Callable[[list[bytes]], Accumulated], Callable[[list[bytes]], Accumulated]] | None:
    try:
        import orjson
    except ImportError:
        return None
    loads = orjson.loads

    def orjson_accumulate_openai(fragments: Iterable[bytes]) -> Accumulated:
        return _reduce_openai(_buffered_payloads(fragments), loads)

    def orjson_accumulate_anthropic(fragments: Iterable[bytes]) -> Accumulated:
        return _reduce_anthropic(_buffered_payloads(fragments), loads)

    return orjson_accumulate_openai, orjson_accumulate_anthropic


try:
    import msgspec
except ImportError:
    msgspec = None
else:
    # Only the fields the accumulation reads: msgspec skips every other member
    # without building it, which is what makes typed structs faster than dicts.
    class Function(msgspec.Struct):
        name: str | None = None
        arguments: str | None = None

    class ToolCallPiece(msgspec.Struct):
        index: int = 0
        id: str | None = None
        function: Function | None = None

    class ChatDelta(msgspec.Struct):
        content: str | None = None
        tool_calls: list[ToolCallPiece] | None = None

    class ChatChoice(msgspec.Struct):
        delta: ChatDelta | None = None
        finish_reason: str | None = None

    class ChatChunk(msgspec.Struct):
        choices: list[ChatChoice] | None = None

    class MessagesDelta(msgspec.Struct):
        type: str = ""
        text: str | None = None
        partial_json: str | None = None
        stop_reason: str | None = None

    class ContentBlock(msgspec.Struct):
        type: str = ""
        id: str | None = None
        name: str | None = None

    class MessagesEvent(msgspec.Struct):
        type: str = ""
        index: int | None = None
        delta: MessagesDelta | None = None
        content_block: ContentBlock | None = None
        error: msgspec.Raw | None = None


def _make_msgspec() -> tuple[Callable[[list[bytes]], Accumulated], Callable[[list[bytes]], Accumulated]] | None:
    if msgspec is None:
        return None
    decode_chat = msgspec.json.Decoder(ChatChunk).decode
    decode_messages = msgspec.json.Decoder(MessagesEvent).decode
    DecodeError = msgspec.DecodeError  # ValidationError is one too

    def msgspec_accumulate_openai(fragments: Iterable[bytes]) -> Accumulated:
        content: list[str] = []
        calls: dict[int, dict[str, Any]] = {}
        finish = None
        lost = 0
        for data in _buffered_payloads(fragments):
            if data == "[DONE]":
                break
            try:
                chunk = decode_chat(data)
            except DecodeError:
                lost += 1
                continue
            for choice in chunk.choices or ():
                delta = choice.delta
                if delta is not None:
                    text = delta.content
                    if text:
                        content.append(text)
                    for tc in delta.tool_calls or ():
                        call = calls.get(tc.index)
                        if call is None:
                            call = calls[tc.index] = {"index": tc.index, "id": None, "name": None, "arguments": []}
                        if tc.id:
                            call["id"] = tc.id
                        fn = tc.function
                        if fn is not None:
                            if fn.name:
                                call["name"] = fn.name
                            if fn.arguments:
                                call["arguments"].append(fn.arguments)
                if choice.finish_reason:
                    finish = choice.finish_reason
        tool_calls = [dict(c, arguments="".join(c["arguments"])) for _, c in sorted(calls.items())]
        return Accumulated("".join(content), tool_calls, finish, lost)

    def msgspec_accumulate_anthropic(fragments: Iterable[bytes]) -> Accumulated:
        content: list[str] = []
        calls: dict[int, dict[str, Any]] = {}
        finish = None
        lost = 0
        for data in _buffered_payloads(fragments):
            try:
                event = decode_messages(data)
            except DecodeError:
                lost += 1
                continue
            kind = event.type
            if kind == "content_block_delta":
                delta = event.delta
                if delta.type == "text_delta":
                    content.append(delta.text)
                elif delta.type == "input_json_delta":
                    call = calls.get(event.index)
                    if call is not None:
                        call["arguments"].append(delta.partial_json)
            elif kind == "content_block_start":
                block = event.content_block
                if block.type == "tool_use":
                    calls[event.index] = {"index": event.index, "id": block.id, "name": block.name, "arguments": []}
            elif kind == "message_delta":
                finish = event.delta.stop_reason or finish
            elif kind == "error":
                raise RuntimeError(f"provider error: {event.error}")
        tool_calls = [dict(c, arguments="".join(c["arguments"])) for _, c in sorted(calls.items())]
        return Accumulated("".join(content), tool_calls, finish, lost)

    return msgspec_accumulate_openai, msgspec_accumulate_anthropic


orjson_accumulate_openai, orjson_accumulate_anthropic = _make_orjson() or (None, None)
msgspec_accumulate_openai, msgspec_accumulate_anthropic = _make_msgspec() or (None, None)


# -- the official SDKs ---------------------------------------------------------------------

_NO_NETWORK_URL = "http://127.0.0.1:9/v1"  # never contacted: no request is made


def _fragment_streams(stream_type: Any, cast_to: Any, client: Any, path: str) -> Callable[[list[bytes]], Any]:
    """``raw(fragments)``: the SDK's ``stream_type`` (``openai.Stream[...]``,
    ``anthropic.Stream[...]``) reading ``fragments`` instead of ``response.iter_bytes()``,
    as if ``client`` had received them in answer to a POST to ``path``."""
    import httpx2

    class _FragmentStream(stream_type):  # type: ignore[misc, valid-type]
        _fragments: Sequence[bytes] = ()

        def _iter_events(self) -> Iterator[Any]:
            yield from self._decoder.iter_bytes(iter(self._fragments))

    request = httpx2.Request("POST", _NO_NETWORK_URL + path)
    headers = {"content-type": "text/event-stream; charset=utf-8"}

    def raw(fragments: list[bytes]) -> Any:
        response = httpx2.Response(200, headers=headers, content=b"", request=request)
        stream = _FragmentStream(cast_to=cast_to, response=response, client=client)
        stream._fragments = fragments
        return stream

    return raw


def _make_openai_sdk() -> Callable[[list[bytes]], Any] | None:
    try:
        import httpx2  # noqa: F401  # the SDK's transport, needed by _fragment_streams
        import openai
        from openai.lib.streaming.chat import ChatCompletionStream
        from openai.types.chat import ChatCompletionChunk
    except ImportError:
        return None

    client = openai.OpenAI(api_key="sk-benchmark-never-sent", base_url=_NO_NETWORK_URL, max_retries=0)
    raw = _fragment_streams(openai.Stream[ChatCompletionChunk], ChatCompletionChunk, client, "/chat/completions")

    def openai_sdk_accumulate(fragments: list[bytes]) -> Any:
        """``client.chat.completions.stream(...)`` from the response on: a ``ParsedChatCompletion``."""
        stream = ChatCompletionStream(raw_stream=raw(fragments), response_format=openai.omit, input_tools=openai.omit)
        return stream.get_final_completion()

    return openai_sdk_accumulate


def _make_anthropic_sdk() -> Callable[[list[bytes]], Any] | None:
    try:
        import anthropic
        import httpx2  # noqa: F401  # the SDK's transport, needed by _fragment_streams
        from anthropic.lib.streaming import MessageStream
        from anthropic.types import RawMessageStreamEvent
    except ImportError:
        return None

    client = anthropic.Anthropic(api_key="sk-ant-benchmark-never-sent", base_url=_NO_NETWORK_URL, max_retries=0)
    raw = _fragment_streams(anthropic.Stream[RawMessageStreamEvent], RawMessageStreamEvent, client, "/messages")

    def anthropic_sdk_accumulate(fragments: list[bytes]) -> Any:
        """``client.messages.stream(...)`` from the response on: a ``ParsedMessage``."""
        return MessageStream(raw(fragments), output_format=anthropic.NOT_GIVEN).get_final_message()

    return anthropic_sdk_accumulate


@cache
def openai_sdk_accumulate() -> Callable[[list[bytes]], Any] | None:
    """The openai SDK accumulation function, or ``None``; the SDK is imported on first use."""
    return _make_openai_sdk()


@cache
def anthropic_sdk_accumulate() -> Callable[[list[bytes]], Any] | None:
    """The anthropic SDK accumulation function, or ``None``; the SDK is imported on first use."""
    return _make_anthropic_sdk()


def versions() -> dict[str, str | None]:
    """Versions of the packages measured, ``None`` for those not installed."""
    from importlib import metadata

    out: dict[str, str | None] = {}
    for name in (
        "sseparse",
        "httpx-sse",
        "httpx",
        "sseclient-py",
        "orjson",
        "msgspec",
        "openai",
        "anthropic",
        "pydantic",
        "httpx2",
    ):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out
