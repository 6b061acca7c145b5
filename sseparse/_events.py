"""The one ``Event`` type both framing implementations produce."""

from __future__ import annotations

import json
from typing import Any

import attrs

__all__ = ["Event", "IncompleteEvent"]


@attrs.frozen(slots=True)
class Event:
    """One dispatched server-sent event.

    ``id`` is the last event ID in force when the event was dispatched (``""`` if the
    stream never set one); ``retry`` is the reconnection time set inside this event's
    block, if any.
    """

    event: str = "message"
    data: str = ""
    id: str = ""
    retry: int | None = None

    def json(self) -> Any:
        """``json.loads(self.data)``; only those who ask pay for JSON."""
        return json.loads(self.data)

    def to_dict(self) -> dict[str, Any]:
        return {"event": self.event, "data": self.data, "id": self.id, "retry": self.retry}


@attrs.frozen(slots=True)
class IncompleteEvent:
    """What a stream cut in the middle of an event was carrying.

    The WHATWG algorithm discards it; sseparse hands it to the caller instead, so a
    cut stream is never lost silently. ``data`` is what the data buffer held (joined
    as if the event had been dispatched), ``event`` the type set so far (``"message"``
    if none), ``id`` the last event ID that would have been in force, ``retry`` a retry
    value set in the cut block. ``has_data`` tells an empty data buffer (a blank line
    would not have dispatched anything) from one empty ``data`` line (it would have
    dispatched an event whose data is ``""``).
    """

    event: str = "message"
    data: str = ""
    id: str = ""
    retry: int | None = None
    has_data: bool = False

    def to_event(self) -> Event:
        """The event as it would have been dispatched, had the stream not been cut."""
        return Event(self.event, self.data, self.id, self.retry)
