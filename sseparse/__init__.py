"""sseparse: Server-Sent Events framing, chunk decoding and reduction, sans I/O.

bytes fragments -> ``EventParser`` -> ``Event`` -> dialect decoding -> reducers -> deltas
and a final ``Completion``. Every layer is usable on its own.
"""

from __future__ import annotations

from . import _twins
from ._env import USE_EXTENSIONS as _USE_EXTENSIONS

_twins.install(_USE_EXTENSIONS)  # first: it decides where the modules below come from

from ._accumulator import Accumulator  # noqa: E402
from ._completion import (
    Choice,
    Completion,
    BlockDelta,
    CitationDelta,
    Delta,
    FinishDelta,
    MetadataDelta,
    FunctionCallDelta,
    ReasoningDelta,
    RefusalDelta,
    SignatureDelta,
    TextDelta,
    ToolCall,
    ToolCallArgumentsDelta,
    ToolCallEnd,
    ToolCallStart,
    ToolCallUpdate,
    Usage,
    UsageDelta,
)
from ._dialects import dialect_names
from ._drivers import (
    AsyncDeltaStream,
    DeltaStream,
    aaccumulate,
    accumulate,
    aiter_deltas,
    aiter_events,
    iter_deltas,
    iter_events,
)
from ._errors import (
    ChunkDecodeError,
    DialectError,
    EncodeError,
    EventTooLargeError,
    IncompleteStreamError,
    InputTypeError,
    ParserClosedError,
    ProviderError,
    ResponseError,
    SseparseError,
    ToolArgumentsError,
)
from ._encode import encode_event
from ._events import Event, IncompleteEvent
from ._framing import DEFAULT_MAX_EVENT_SIZE, IMPLEMENTATION, EventParser
from ._partial_json import PartialJSONError, PartialJSONParser
from ._transcode import Transcoder
from ._writers import (
    AnthropicWriter,
    GeminiWriter,
    OpenAIChatWriter,
    ResponsesWriter,
    StreamWriter,
    anthropic_message,
    gemini_response,
    openai_chat_response,
    response_object,
    responses_response,
    writer_for,
)
from ._reconnect import ReconnectDecision, ReconnectPolicy, Reconnector
from ._typing import DialectName, ImplementationName

__version__ = "0.1.0"

__all__ = [
    "IMPLEMENTATION",
    "DEFAULT_MAX_EVENT_SIZE",
    "EventParser",
    "Event",
    "IncompleteEvent",
    "iter_events",
    "aiter_events",
    "encode_event",
    "Transcoder",
    "StreamWriter",
    "OpenAIChatWriter",
    "AnthropicWriter",
    "ResponsesWriter",
    "GeminiWriter",
    "writer_for",
    "response_object",
    "openai_chat_response",
    "anthropic_message",
    "responses_response",
    "gemini_response",
    "Accumulator",
    "accumulate",
    "aaccumulate",
    "iter_deltas",
    "aiter_deltas",
    "DeltaStream",
    "AsyncDeltaStream",
    "dialect_names",
    "DialectName",
    "ImplementationName",
    "Completion",
    "Choice",
    "ToolCall",
    "Usage",
    "Delta",
    "TextDelta",
    "ReasoningDelta",
    "RefusalDelta",
    "ToolCallStart",
    "ToolCallArgumentsDelta",
    "FunctionCallDelta",
    "UsageDelta",
    "FinishDelta",
    "MetadataDelta",
    "ToolCallUpdate",
    "ToolCallEnd",
    "SignatureDelta",
    "CitationDelta",
    "BlockDelta",
    "PartialJSONParser",
    "Reconnector",
    "ReconnectPolicy",
    "ReconnectDecision",
    "SseparseError",
    "EventTooLargeError",
    "ParserClosedError",
    "IncompleteStreamError",
    "ChunkDecodeError",
    "ProviderError",
    "DialectError",
    "ToolArgumentsError",
    "InputTypeError",
    "ResponseError",
    "EncodeError",
    "PartialJSONError",
]
