"""Stream writers: deltas in, a target dialect's SSE bytes out; and the final
``Completion`` as each provider's non-streaming response object.

One module per target (``openai_chat``, ``anthropic``, ``openai_responses``,
``gemini``), the
shared bookkeeping in ``_base`` and the finish-reason and usage tables in
``_mapping``.
"""

from __future__ import annotations

from typing import Any

from .._completion import Completion
from .._errors import DialectError
from ._base import StreamWriter
from ._responses import anthropic_message, gemini_response, openai_chat_response, responses_response
from .anthropic import AnthropicWriter
from .gemini import GeminiWriter
from .openai_chat import OpenAIChatWriter
from .openai_responses import ResponsesWriter

__all__ = [
    "StreamWriter",
    "OpenAIChatWriter",
    "AnthropicWriter",
    "ResponsesWriter",
    "GeminiWriter",
    "TARGETS",
    "writer_for",
    "response_object",
    "openai_chat_response",
    "anthropic_message",
    "responses_response",
    "gemini_response",
]

_WRITERS: dict[str, type[StreamWriter]] = {
    "openai-chat": OpenAIChatWriter,
    "anthropic": AnthropicWriter,
    "openai-responses": ResponsesWriter,
    "gemini": GeminiWriter,
}
#: The dialects a stream can be written in.
TARGETS: tuple[str, ...] = tuple(_WRITERS)


def writer_for(to: str, **options: Any) -> StreamWriter:
    """A new writer of dialect ``to`` (``StreamWriter`` takes the ``options``)."""
    cls = _WRITERS.get(to)
    if cls is None:
        raise DialectError(f"cannot write dialect {to!r}: expected one of {', '.join(TARGETS)}")
    return cls(**options)


def response_object(completion: Completion, to: str, **options: Any) -> dict[str, Any]:
    """``completion`` as dialect ``to``'s non-streaming response (a JSON-ready dict):
    ``openai_chat_response``, ``anthropic_message``, ``responses_response`` or
    ``gemini_response``."""
    if to == "openai-chat":
        return openai_chat_response(completion, **options)
    if to == "anthropic":
        return anthropic_message(completion, **options)
    if to == "openai-responses":
        return responses_response(completion, **options)
    if to == "gemini":
        return gemini_response(completion, **options)
    raise DialectError(f"cannot write dialect {to!r}: expected one of {', '.join(TARGETS)}")
