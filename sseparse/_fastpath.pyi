"""Types of the compiled fast path of the reducers (``_fastpath.pyx``)."""

from collections.abc import Iterable
from typing import Any

from ._completion import Delta
from ._dialects._contract import FastReducer
from ._events import Event
from ._framing_c import EventParser

class FastFeed:
    template_hits: int
    def __init__(self, reducer: FastReducer | None = None) -> None: ...
    def bind(self, reducer: Any) -> None: ...
    def feed(
        self,
        parser: EventParser,
        data: bytes | bytearray | memoryview,
        out: list[Delta] | None,
        owner: Any = None,
    ) -> list[Event]: ...
    def feed_events(self, events: Iterable[Event], out: list[Delta] | None) -> int: ...
    def current_event(self) -> Event: ...

def top_level(data: str) -> tuple[str, int] | None: ...
def build_value(data: str) -> tuple[Any] | None: ...
