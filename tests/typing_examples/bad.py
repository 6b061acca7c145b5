"""Mistakes the types catch: each line must be an error of ``mypy --strict``."""

from __future__ import annotations

import sseparse

sseparse.Accumulator("antropic")  # line 7: a typo in a dialect name
sseparse.accumulate([b""], dialect="openai")  # line 8: not a dialect
sseparse.Accumulator(implementation="c")  # line 9: not an implementation
