"""Real captured streams, when the shared captures sit beside the project (they are
not the project's to copy): every one read on both builds at several fragmentations,
its deltas folding to its Completion, and every wrong explicit dialect loud."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import helpers
import sseparse

CAPTURES = Path(__file__).resolve().parents[2] / "shared" / "streams"
FILES = sorted(CAPTURES.glob("*.sse")) if CAPTURES.is_dir() else []
DIALECTS = sseparse.dialect_names()

pytestmark = pytest.mark.skipif(not FILES, reason="the shared captures are not beside this checkout")


def _provider(path: Path) -> str:
    index = {entry["file"]: entry for entry in json.loads((CAPTURES / "INDEX.json").read_text())}
    provider = index[path.name]["provider"]
    return "openai-chat" if provider.startswith("openai-compat") else provider


def _run(data: bytes, dialect: str, implementation: str, size: int) -> tuple[Any, Any, list[Any]]:
    acc = sseparse.Accumulator(dialect, implementation=implementation)
    deltas: list[Any] = []
    try:
        for start in range(0, len(data), size):
            deltas.extend(acc.feed(data[start : start + size]))
        deltas.extend(acc.finish())
    except sseparse.SseparseError as exc:
        assert exc.completion is not None
        return (type(exc).__name__, str(exc)), exc.completion, [*deltas, *exc.deltas]
    return None, acc.close(), deltas


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_capture_reads_the_same_everywhere_and_its_deltas_fold(path: Path) -> None:
    data = path.read_bytes()
    expected = None
    for implementation in helpers.IMPLEMENTATIONS:
        for dialect in ("auto", _provider(path)):
            for size in (len(data) or 1, 1500, 7):
                error, completion, deltas = _run(data, dialect, implementation, size)
                helpers.fold_equals_completion(deltas, completion)
                got = (error, completion.to_dict())
                if expected is None:
                    expected = got
                assert got == expected, (implementation, dialect, size)
    assert expected is not None
    error, result = expected
    assert result["dialect"] == _provider(path)
    if error is None and result["complete"]:
        assert result["error"] is None


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_capture_read_in_a_wrong_dialect_is_never_complete(path: Path) -> None:
    data = path.read_bytes()
    right = _provider(path)
    for dialect in DIALECTS:
        if dialect == right:
            continue
        for implementation in helpers.IMPLEMENTATIONS:
            error, completion, _ = _run(data, dialect, implementation, 1500)
            assert completion.complete is False, f"{path.name} read as {dialect} ({implementation}) says complete"
            assert error is not None or completion.error is not None
