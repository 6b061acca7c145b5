"""Types of the compiled fast path of the reducers (``_fastpath.pyx``)."""

from collections.abc import Iterable
from typing import Any

from ._completion import Delta
from ._events import Event

def feed_openai_chat(reducer: Any, events: Iterable[Event], out: list[Delta] | None) -> int: ...
def feed_anthropic(reducer: Any, events: Iterable[Event], out: list[Delta] | None) -> int: ...
