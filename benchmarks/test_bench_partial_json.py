"""Incremental tool arguments: ``PartialJSONParser`` against re-parsing every prefix with jiter.

    pytest benchmarks/test_bench_partial_json.py --benchmark-group-by=group

The same documents, pieces and implementations as ``bench_partial_json.py`` (which
prints the ratios the issue asks for, from one run): a ~100 KB and a ~200 KB
tool-arguments document fed in 10-byte pieces, ``value`` read after every piece. The
jiter baseline (a benchmark-only dependency) is quadratic, so it runs a few rounds at
100 KB only; it is skipped when jiter is not installed.
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING

import bench_partial_json as bench
import pytest

if TYPE_CHECKING:
    from pytest_benchmark.fixture import BenchmarkFixture


@cache
def _document(kb: int) -> tuple[list[str], object]:
    text = bench.make_document(kb * 1000)
    return bench.cut(text, 10), json.loads(text)


@pytest.mark.parametrize("kb", [100, 200])
def test_partial_json_sseparse(benchmark: BenchmarkFixture, kb: int) -> None:
    pieces, expected = _document(kb)
    benchmark.group = "partial json, 10-byte pieces"
    benchmark.extra_info.update(kb=kb, pieces=len(pieces))
    assert benchmark(bench.run_sseparse, pieces) == expected


@pytest.mark.parametrize("impl", ["jiter-sdk", "jiter-prefix"])
def test_partial_json_jiter_reparse(benchmark: BenchmarkFixture, impl: str) -> None:
    if bench.jiter is None:
        pytest.skip("jiter is not installed (a benchmark-only dependency)")
    pieces, expected = _document(100)
    func = bench.run_jiter_sdk if impl == "jiter-sdk" else bench.run_jiter_prefix
    benchmark.group = "partial json, 10-byte pieces"
    benchmark.extra_info.update(kb=100, pieces=len(pieces))
    assert benchmark.pedantic(func, args=(pieces,), rounds=3, iterations=1) == expected  # type: ignore[no-untyped-call]
