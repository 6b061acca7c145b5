"""The values the compiled fast paths build whole from an event's bytes (usage,
logprobs, blocks, messages, parts: ``_json_walker._value_at``) are those
``json.loads`` builds: same types, same values, every float rounded alike, every
escape unescaped alike."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

fastpath = pytest.importorskip("sseparse._fastpath", reason="the compiled fast path is not built, or not in use (SSEPARSE_NO_EXTENSIONS)")


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (``1 == 1.0`` and ``0.0 == -0.0``
    are not the same value here)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b) or (math.isnan(a) and math.isnan(b))
    return bool(a == b)


def _check(text: str) -> None:
    built = fastpath.build_value(text)
    expected = json.loads(text)
    if built is None:  # left to the full decode: allowed, never a different value
        return
    assert _same(built[0], expected), (text, built[0], expected)


_number_text = st.from_regex(r"-?(0|[1-9][0-9]{0,30})(\.[0-9]{1,40})?([eE][+-]?[0-9]{1,4})?", fullmatch=True)
_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=500, deadline=None)
@given(_values, st.booleans(), st.sampled_from([None, 0, 1]))
def test_built_like_json_loads(value: Any, ascii: bool, indent: int | None) -> None:
    _check(json.dumps(value, ensure_ascii=ascii, indent=indent))


@settings(max_examples=500, deadline=None)
@given(_number_text)
def test_numbers_converted_like_the_stdlib(text: str) -> None:
    _check(text)
    _check(f'{{"logprob":{text},"x":[{text}]}}')


@pytest.mark.parametrize(
    "text",
    [
        "1e400", "-1e400", "1e-400", "-0.0", "-0", "0.1", "2.5e-3", "123456789012345678.5", "1" * 18, "1" * 19,
        "9" * 100, '"\\ud83d\\ude00"', '"\\ud800 lone"', '"tab\\tnew\\nline \\"q\\" \\\\ \\/ \\u00e9"',
        '{"\\u006bey":"v","k\\"2":1.5}', '[-1.0E+2, 0e0, 1E-0]', '"é😀"', "{}", "[]", '{"a":{"b":[[[]]]}}',
    ],
)
def test_cases(text: str) -> None:
    _check(text)
    assert fastpath.build_value(text) is not None or len(text) >= 19


def test_deep_values_left_to_the_full_decode() -> None:
    text = "[" * 70 + "]" * 70
    built = fastpath.build_value(text)
    assert built is None or _same(built[0], json.loads(text))


def test_keys_kept_between_values_stay_exact() -> None:
    """The builder keeps the keys and short strings it made last (a small table, by
    a hash of their bytes, two ways a set): thousands of keys and string values,
    colliding, near-equal, non-ASCII, escaped or long, read again in other values,
    still build what ``json.loads`` builds."""
    keys = [f"k{i}" for i in range(3000)] + ["k1 ", "K1", "é", "a" * 32, "a" * 33, "\u2028", "k\\u0031"]
    for rounds in range(2):
        for start in range(0, len(keys), 500):
            text = "{" + ",".join(f'"{k}":{i}' for i, k in enumerate(keys[start : start + 500])) + "}"
            _check(text)
            text = "{" + ",".join(f'"{k}":"{keys[-1 - i]}"' for i, k in enumerate(keys[start : start + 500])) + "}"
            _check(text)
            _check("[" + ",".join(f'"{k}"' for k in keys[start : start + 500]) + "]")
    _check('[{"k1":1,"k2":2},{"k2":3,"k1":4},{"k1 ":5}]')
    _check('[{"k1":"k2","k2":"k1"},{"k2":"k1 ","k1":"K1"},{"k1 ":"k1"}]')
