"""Accumulation benchmarks: bytes fragments -> final text and tool calls.

``sseparse.accumulate(fragments, dialect=...)`` against the buffered parser + json +
dict accumulation, the naive loop + json + dict accumulation, and the official SDKs'
stream accumulation (openai ``ChatCompletionStream``, anthropic ``MessageStream``).
Skipped, with the reason, while ``sseparse.accumulate`` or a dialect is missing.
"""

from __future__ import annotations

import cases
import pytest
import streams

#: The targets are at 1500-byte fragments; 16 shows the naive loop breaking, whole the floor.
SIZES = (16, 1500, 16384, None)

PARAMS = [
    pytest.param(stream, impl.name, size, id=f"{impl.name}-{stream}-{streams.fragment_label(size)}")
    for stream in cases.ACCUMULATE_STREAMS
    for impl in cases.accumulate_impls(stream)
    for size in SIZES
]


@pytest.mark.parametrize(("stream", "impl_name", "size"), PARAMS)
def test_accumulate(benchmark, stream: str, impl_name: str, size: int | None) -> None:
    impl = next(i for i in cases.accumulate_impls(stream) if i.name == impl_name)
    if impl.fn is None:
        pytest.skip(impl.skip)
    data = streams.get_stream(stream)
    frags = streams.fragments(data, size)
    benchmark.group = f"accumulate {stream} frag={streams.fragment_label(size)}"
    try:
        result = impl.fn(frags)
    except Exception as exc:
        if type(exc).__name__ == "DialectError":
            pytest.skip(f"not in this checkout: {exc}")
        raise
    check = cases.check_completion(impl, stream, result)
    benchmark.extra_info.update(bytes=len(data), events=len(cases.reference_events(stream)), check=check)
    benchmark(impl.fn, frags)
    if impl.correct:
        assert check["ok"], f"{impl_name} returned a wrong result: {check}"
