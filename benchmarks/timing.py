"""What the benchmark scripts share to take time.

``TIMERS`` and ``add_timer_argument``: the ``--timer`` option of ``run.py`` and
``bench_partial_json.py``. ``medians``, the timer of the small scripts
(``bench_responses.py``, ``bench_transcode.py``): it samples each function in turn, so
that the load of a shared machine falls on all of them alike.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

#: ``cpu``: the CPU time of this thread, which keeps other processes' load on a shared
#: machine out of the numbers; ``wall``: ``time.perf_counter``.
TIMERS: dict[str, Callable[[], float]] = {"cpu": time.thread_time, "wall": time.perf_counter}


def add_timer_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--timer",
        choices=list(TIMERS),
        default="cpu",
        help="cpu (default): the CPU time of this thread, which keeps other processes' load on a "
        "shared machine out of the numbers; wall: time.perf_counter",
    )


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
