"""The timer of the small benchmark scripts (``bench_responses.py``, ``bench_transcode.py``).

``medians`` samples each function in turn, so that the load of a shared machine falls
on all of them alike, with the CPU time of this thread (as ``run.py`` does by default).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def medians(fns: dict[str, Callable[[], object]], min_time: float = 1.0) -> dict[str, float]:
    """The median CPU time of each function: at least 15 samples each, taken in turn,
    for ``min_time`` seconds per function at least."""
    perf = time.thread_time
    samples: dict[str, list[float]] = {name: [] for name in fns}
    end = perf() + min_time * len(fns)
    while min(len(s) for s in samples.values()) < 15 or perf() < end:
        for name, fn in fns.items():
            t0 = perf()
            fn()
            samples[name].append(perf() - t0)
    return {name: statistics.median(s) for name, s in samples.items()}
