"""Types of the compiled path of the ``gemini`` reducer (``_fast_gemini.pyx``)."""

from collections.abc import Iterable
from typing import Any

from ._completion import Delta
from ._events import Event

def feed_gemini(reducer: Any, events: Iterable[Event], out: list[Delta] | None) -> int: ...
