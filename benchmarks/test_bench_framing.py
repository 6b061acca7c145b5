"""Framing benchmarks: bytes fragments -> events, sseparse (compiled and pure) and baselines.

One benchmark per (implementation, stream, fragment size); pytest-benchmark groups
them by stream and fragment size, so each group compares the implementations on the
same bytes. Every result is checked against the reference parse (outside the timing);
the naive loop's wrong events are recorded in ``extra_info`` instead of failing.
``python benchmarks/run.py`` measures the same cases, interleaved, with ratio tables.
"""

from __future__ import annotations

import cases
import pytest
import streams

IMPLS = {impl.name: impl for impl in cases.framing_impls()}


@pytest.mark.parametrize("size", streams.FRAGMENT_SIZES, ids=streams.fragment_label)
@pytest.mark.parametrize("stream", streams.stream_names())
@pytest.mark.parametrize("impl_name", list(IMPLS))
def test_framing(benchmark, impl_name: str, stream: str, size: int | None) -> None:
    impl = IMPLS[impl_name]
    if impl.fn is None:
        pytest.skip(impl.skip)
    data = streams.get_stream(stream)
    frags = streams.fragments(data, size)
    benchmark.group = f"framing {stream} frag={streams.fragment_label(size)}"
    check = cases.check_events(impl, stream, impl.fn(frags))
    benchmark.extra_info.update(
        bytes=len(data), events=check["events"], wrong_events=check["wrong"], spurious_payloads=check["spurious"]
    )
    benchmark(impl.fn, frags)
    if impl.correct:
        assert check["ok"], f"{impl_name} got {check['wrong']} of {check['events']} events wrong"
