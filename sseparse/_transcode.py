"""``Transcoder``: one provider's stream in, the same answer in another dialect out.

Sans-I/O, like the rest: ``feed()`` takes the upstream's byte fragments and returns
the bytes to send downstream now, ``close()`` what ends the stream. It is an
``Accumulator`` (the compiled fast path makes the deltas) and a stream writer (which
turns each delta into the target's bytes as soon as it is known), nothing more.

A cut or failed upstream never ends in the target's end marker: the writer writes the
target's own error form instead, and ``error`` says what happened.
"""

from __future__ import annotations

from typing import Any

from ._accumulator import Accumulator, error_entry
from ._completion import Completion, Delta
from ._dialects import AUTO
from ._errors import ParserClosedError, SseparseError
from ._framing import DEFAULT_MAX_EVENT_SIZE
from ._typing import DialectName, ImplementationName
from ._writers import StreamWriter, writer_for

__all__ = ["Transcoder"]


class Transcoder:
    """Transcodes one stream from dialect ``source`` (``"auto"``: detected) to ``to``.

    ``id``, ``model`` and ``created`` set the written response's identity (by default
    the source's, as its ``MetadataDelta`` says). After ``close()``, or after a
    ``feed()`` that met a provider error or a malformed stream, ``error`` is the
    ``Completion.error`` entry of what went wrong (``None`` for a complete stream) and
    ``completion`` the source's answer as read.
    """

    __slots__ = ("_acc", "_writer", "_error", "_done", "_detecting", "_to")

    def __init__(
        self,
        to: str,
        *,
        source: DialectName = "auto",
        id: str | None = None,  # noqa: A002
        model: str | None = None,
        created: int | None = None,
        max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
        implementation: ImplementationName | None = None,
    ) -> None:
        self._acc = acc = Accumulator(source, max_event_size=max_event_size, implementation=implementation)

        def identity() -> tuple[str | None, str | None, int | None]:
            completion = acc.completion  # once, at the first byte written
            return completion.id, completion.model, completion.created

        self._writer: StreamWriter = writer_for(
            to, id=id, model=model, created=created, passthrough=source == to, identity=identity
        )
        self._error: dict[str, Any] | None = None
        self._done = False
        self._to = to
        self._detecting = source == AUTO  # whole blocks pass through once the source proves to be `to`

    @property
    def completion(self) -> Completion:
        """The source's answer as read so far (final after ``close()``)."""
        return self._acc.completion

    @property
    def error(self) -> dict[str, Any] | None:
        """What went wrong upstream (a ``Completion.error`` entry), once it is known;
        ``None`` while the stream goes well and after a proper end."""
        return self._error

    @property
    def accumulator(self) -> Accumulator:
        """The ``Accumulator`` reading the source (its parser serves reconnection)."""
        return self._acc

    def feed(self, data: bytes | bytearray | memoryview) -> bytes:
        """The target's bytes for what ``data`` completed (``b""`` when nothing yet).

        A provider error or a malformed upstream is not raised: the target's error
        form is returned, and the stream is over (``close()`` then returns ``b""``).
        Feeding after that raises ``ParserClosedError``.
        """
        if self._done:
            raise ParserClosedError("the transcoder's stream is over; create a new Transcoder for a new stream")
        try:
            deltas = self._acc.feed(data)
        except SseparseError as exc:
            return self._failed(exc, exc.deltas)
        if self._detecting:
            self._detected()
        return self._writer.write(deltas) if deltas else b""

    def _detected(self) -> None:
        dialect = self._acc.dialect
        if dialect != AUTO:
            self._detecting = False
            self._writer._passthrough = dialect == self._to

    def close(self) -> bytes:
        """The end of the stream: the target's end marker when the upstream ended
        properly, else its error form."""
        if self._done:
            return b""
        self._done = True
        out: list[Delta] = []
        try:
            completion = self._acc._close(out)  # the deltas of an event cut before its blank line, too
        except SseparseError as exc:  # a malformed last event
            self._done = False
            return self._failed(exc, out)
        if self._detecting:
            self._detected()
        head = self._writer.write(out) if out else b""
        if completion.complete:
            return head + self._writer.end()
        self._error = completion.error
        return head + self._writer.fail(completion.error)

    def _failed(self, exc: SseparseError, deltas: Any) -> bytes:
        self._done = True
        self._error = error_entry(exc)
        head = self._writer.write(deltas) if deltas else b""
        return head + self._writer.fail(self._error)
