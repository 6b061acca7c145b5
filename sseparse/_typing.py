"""Names a type checker can check: a typo such as ``"antropic"`` fails there, not at run time."""

from __future__ import annotations

from typing import Literal

__all__ = ["DialectName", "ImplementationName"]

#: What ``Accumulator``, ``accumulate`` and ``iter_deltas`` take as ``dialect``
#: (``sseparse.dialect_names()`` lists them at run time, ``auto`` aside).
DialectName = Literal["auto", "openai-chat", "openai-responses", "anthropic", "gemini"]

#: ``sseparse.IMPLEMENTATION`` and ``Accumulator(implementation=...)``.
ImplementationName = Literal["cython", "python"]
