"""Types of the compiled fast path of the reducers (``_fastpath.pyx``)."""

from collections.abc import Iterable
from typing import Any

from ._completion import Delta
from ._events import Event
from ._framing_c import EventParser

def feed_openai_chat(reducer: Any, events: Iterable[Event], out: list[Delta] | None) -> int: ...
def feed_anthropic(reducer: Any, events: Iterable[Event], out: list[Delta] | None) -> int: ...

class FusedFeed:
    template_hits: int
    def __init__(self, reducer: Any, dialect: int) -> None: ...
    def feed(self, parser: EventParser, data: bytes | bytearray | memoryview, out: list[Delta] | None) -> list[Event]: ...

def fused_for(reducer: Any) -> FusedFeed | None: ...
