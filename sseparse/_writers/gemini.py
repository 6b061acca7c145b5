"""``gemini`` target: ``streamGenerateContent?alt=sse`` responses, one per piece.

Each event is a whole ``GenerateContentResponse`` holding the newest piece:
text parts, ``"thought": true`` parts for reasoning, and each tool call as one
``functionCall`` part with its whole ``args`` (Gemini streams no argument pieces:
a call is written when it ends). ``responseId`` and ``modelVersion`` ride on every
event, as Google's do. The stream has no end marker: it ends with each candidate's
``finishReason``, on one last event that also carries ``usageMetadata``. A cut or
failed upstream ends with ``{"error": {"code", "message", "status"}}`` instead, and
no finish reason.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from .._completion import ReasoningDelta, RefusalDelta, TextDelta
from ._base import Call, StreamWriter, dumps, error_fields, quote
from ._mapping import gemini_finish, gemini_usage

__all__ = ["GeminiWriter"]


class GeminiWriter(StreamWriter):
    """Writes ``streamGenerateContent`` SSE events (see the module docstring)."""

    name: ClassVar[str] = "gemini"
    single_choice: ClassVar[bool] = False
    id_prefix: ClassVar[str] = ""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._tail = ""  # '],"modelVersion":...,"responseId":...}\n\n'
        self._reasons: dict[int, str] = {}  # candidate -> its finishReason, written at the end
        self._spoken: set[int] = set()  # candidates written to

    def _begin(self) -> None:
        self._tail = ',"modelVersion":' + quote(self._model or "") + ',"responseId":' + quote(self._id or "") + "}\n\n"

    def _part(self, choice: int, part: str) -> None:
        self._start()
        self._spoken.add(choice)
        self._out += [
            'data: {"candidates":[{"content":{"parts":[', part, '],"role":"model"},"index":', str(choice), "}]",
            self._tail,
        ]

    def _text(self, delta: TextDelta) -> None:
        self._part(delta.choice, '{"text":' + quote(delta.text) + "}")

    def _refusal(self, delta: RefusalDelta) -> None:
        self._part(delta.choice, '{"text":' + quote(delta.text) + "}")  # Gemini has no refusal field

    def _reasoning(self, delta: ReasoningDelta) -> None:
        self._part(delta.choice, '{"text":' + quote(delta.text) + ',"thought":true}')

    def _call_open(self, call: Call, arguments: str) -> None:
        pass  # written whole when it ends

    def _call_arguments(self, call: Call, piece: str) -> None:
        pass

    def _call_close(self, call: Call) -> None:
        text = call.arguments
        args: Any
        if call.kind == "custom":
            args = {"input": text}
        else:
            try:
                args = json.loads(text) if text.strip() else {}
            except (ValueError, RecursionError):
                args = {"input": text}  # not JSON: Gemini's args must be an object
        self._part(call.choice, dumps({"functionCall": {"id": call.id, "name": call.name, "args": args}}))

    def _finished(self, choice: int, reason: str) -> None:
        self._reasons[choice] = gemini_finish(reason, self._has_calls(choice))

    def _end(self) -> None:
        # The finish reasons are this dialect's end marker: a source that ended properly
        # without one (a bare [DONE]) still ends with STOP on each candidate it spoke in.
        spoken = self._spoken | {0}
        for choice in spoken - set(self._reasons):
            self._reasons[choice] = "STOP"
        candidates = [
            {"content": {"parts": [{"text": ""}], "role": "model"}, "finishReason": reason, "index": choice}
            for choice, reason in sorted(self._reasons.items())
        ]
        last: dict[str, Any] = {"candidates": candidates}
        if self._usage is not None:
            last["usageMetadata"] = gemini_usage(self._usage)
        self._out += ["data: ", dumps(last)[:-1], self._tail]

    def _fail(self, error: dict[str, Any]) -> None:
        message, kind, code = error_fields(error)
        body = {"error": {"code": 500, "message": message, "status": kind or "INTERNAL"}}
        self._out += ["data: ", dumps(body), "\n\n"]
