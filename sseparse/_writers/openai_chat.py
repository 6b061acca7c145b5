"""``openai-chat`` target: ``chat.completion.chunk`` objects, ``data: [DONE]`` at the end.

Each chunk is its fixed head (id, object, created, model: built once, when the first
chunk is due) and one choice; a text piece is the head, the piece as a JSON string
and a fixed tail. Each choice opens with ``{"role": "assistant", "content": ""}``;
reasoning goes in ``reasoning_content`` (what DeepSeek, vLLM and other compatible
servers send, and the openai SDK keeps); usage is the final chunk with empty
``choices`` (the ``stream_options.include_usage`` form), written once at the end
with the last report. A cut or failed upstream ends with a ``{"error": {...}}``
chunk, which the openai SDK raises as an ``APIError``, and no ``[DONE]``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from .._completion import CitationDelta, Delta, ReasoningDelta, RefusalDelta, TextDelta
from ._base import Call, StreamWriter, dumps, encode, error_fields, quote
from ._mapping import openai_chat_finish, openai_chat_usage

__all__ = ["OpenAIChatWriter"]

_TAIL = '},"logprobs":null,"finish_reason":null}]}\n\n'


class OpenAIChatWriter(StreamWriter):
    """Writes Chat Completions chunks (see the module docstring)."""

    name: ClassVar[str] = "openai-chat"
    single_choice: ClassVar[bool] = False
    id_prefix: ClassVar[str] = "chatcmpl-"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._head = ""  # 'data: {"id":...,"choices":[' once started
        self._text_head: dict[int, str] = {}  # choice -> head + '{"index":N,"delta":{'
        self._content_head: dict[int, str] = {}  # the same + '"content":'

    def _begin(self) -> None:
        self._head = (
            'data: {"id":' + quote(self._id or "") + ',"object":"chat.completion.chunk","created":'
            + str(self._created) + ',"model":' + quote(self._model or "") + ',"choices":['
        )

    def _choice(self, choice: int) -> str:
        """The head of a chunk of ``choice`` up to its delta's members; the first such
        chunk of a choice is preceded by its role chunk."""
        head = self._text_head.get(choice)
        if head is None:
            self._start()
            prefix = self._head + '{"index":' + str(choice) + ',"delta":{'
            self._out += [prefix, '"role":"assistant","content":""', _TAIL]
            head = self._text_head[choice] = prefix
            self._content_head[choice] = prefix + '"content":'
        return head

    def write(self, deltas: Iterable[Delta]) -> bytes:
        """The bytes for ``deltas``: a text piece of a choice already open is one
        concatenation here (nearly every delta of a stream); the rest goes the
        general way."""
        out = self._out = []
        heads = self._content_head
        handlers = self._handlers
        for delta in deltas:
            kind = type(delta)
            if kind is TextDelta:
                head = heads.get(delta.choice)  # type: ignore[union-attr]
                if head is None:
                    self._text(delta)  # type: ignore[arg-type]
                else:
                    out.append(head + quote(delta.text) + _TAIL)  # type: ignore[union-attr]
                continue
            handler = handlers.get(kind)
            if handler is not None:
                handler(self, delta)
        return encode(out) if out else b""

    def _text(self, delta: TextDelta) -> None:
        self._out += [self._choice(delta.choice), '"content":', quote(delta.text), _TAIL]

    def _reasoning(self, delta: ReasoningDelta) -> None:
        self._out += [self._choice(delta.choice), '"reasoning_content":', quote(delta.text), _TAIL]

    def _refusal(self, delta: RefusalDelta) -> None:
        self._out += [self._choice(delta.choice), '"refusal":', quote(delta.text), _TAIL]

    def _citation(self, delta: CitationDelta) -> None:
        # A chat source's annotation, written as it came; other dialects' citations
        # have other shapes, which chat chunks do not carry.
        if self._passthrough:
            self._out += [self._choice(delta.choice), '"annotations":[', dumps(delta.citation), "]", _TAIL]

    # A custom tool's call (free-text input) is written as Chat Completions streams
    # one: "custom" with its name and input pieces, where a function call has
    # "function" with its arguments.

    def _call_open(self, call: Call, arguments: str) -> None:
        custom = call.kind == "custom"
        self._out += [
            self._choice(call.choice),
            '"tool_calls":[{"index":', str(call.index), ',"id":', quote(call.id or ""),
            ',"type":"custom","custom":{"name":' if custom else ',"type":"function","function":{"name":',
            quote(call.name), ',"input":' if custom else ',"arguments":', quote(arguments), "}}]",
            _TAIL,
        ]

    def _call_arguments(self, call: Call, piece: str) -> None:
        self._out += [
            self._choice(call.choice), '"tool_calls":[{"index":', str(call.index),
            ',"custom":{"input":' if call.kind == "custom" else ',"function":{"arguments":', quote(piece), "}}]", _TAIL,
        ]

    def _call_name(self, call: Call, piece: str) -> None:
        self._out += [
            self._choice(call.choice), '"tool_calls":[{"index":', str(call.index),
            ',"custom":{"name":' if call.kind == "custom" else ',"function":{"name":', quote(piece), "}}]", _TAIL,
        ]

    def _finished(self, choice: int, reason: str) -> None:
        mapped = openai_chat_finish(reason, self._has_calls(choice))
        self._out += [self._choice(choice), '},"logprobs":null,"finish_reason":', quote(mapped), "}]}\n\n"]

    def _end(self) -> None:
        if not self._text_head:  # nothing was said: still one chunk, which says who spoke
            self._choice(0)
        if self._usage is not None:
            self._out += [self._head, '],"usage":', dumps(openai_chat_usage(self._usage)), "}\n\n"]
        self._out.append("data: [DONE]\n\n")

    def _fail(self, error: dict[str, Any]) -> None:
        message, kind, code = error_fields(error)
        body = {
            "message": message,
            "type": kind or "server_error",
            "param": None,
            "code": code or error.get("type") or "upstream_error",
        }
        self._out += ["data: ", dumps({"error": body}), "\n\n"]
