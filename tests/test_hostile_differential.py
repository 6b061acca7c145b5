"""Compiled vs pure accumulation on mutated streams of all four dialects.

The streams come from the structure-aware generator of ``fuzz/fuzz_accumulator.py``
(real-looking chunks of each dialect, values replaced by hostile ones, keys dropped
or added, events repeated or moved, frames damaged, bytes split anywhere), its
decisions drawn by hypothesis so that a failure shrinks. Both builds must give the
same ``Completion.to_dict()`` and the same exception (type and message), and each
run keeps the invariant of the fuzz target: only sseparse errors, each with its
partial result, and no more input accepted after one.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

_PATH = Path(__file__).resolve().parents[1] / "fuzz" / "fuzz_accumulator.py"
_spec = importlib.util.spec_from_file_location("fuzz_accumulator", _PATH)
assert _spec is not None and _spec.loader is not None
fuzz = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("fuzz_accumulator", fuzz)
_spec.loader.exec_module(fuzz)


class Drawn:
    """The fuzz generator's ``FuzzedDataProvider`` calls, answered by hypothesis."""

    def __init__(self, data: Any) -> None:
        self.data = data

    def ConsumeIntInRange(self, lo: int, hi: int) -> int:  # noqa: N802 - atheris' name
        return int(self.data.draw(st.integers(lo, hi)))

    def ConsumeUnicode(self, size: int) -> str:  # noqa: N802 - atheris' name
        return str(self.data.draw(st.text(max_size=size)))


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_compiled_and_pure_accumulate_mutated_streams_alike(compiled_cls, data):
    # compiled_cls: skipped (or failed, when extensions are required) without the build.
    dialect, given_dialect, limit, deltas, fragments, reads = fuzz.build_case(fuzz.Choices(fdp=Drawn(data)))
    compiled = fuzz.run_case(given_dialect, limit, deltas, fragments, reads, "cython")
    pure = fuzz.run_case(given_dialect, limit, deltas, fragments, reads, "python")
    assert compiled[0] == pure[0], f"{dialect} as {given_dialect}: the errors differ"
    assert compiled[1] == pure[1], f"{dialect} as {given_dialect}: the completions differ"
