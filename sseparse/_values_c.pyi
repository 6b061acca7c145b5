from collections.abc import Iterable
from typing import Any

class SlotBuilder:
    name: str
    def __init__(self, cls: type[Any], names: Iterable[str]) -> None: ...
    def __call__(self, *values: Any) -> Any: ...
