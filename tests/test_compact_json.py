"""The compiled writer of a decoded value's JSON text (``_values_c.compact_json``,
what the compiled Gemini reducer writes a function call's ``args`` with) writes
exactly what the stdlib's encoder writes with ``separators=(",", ":")`` and
``ensure_ascii=False``, and leaves to it (``None``) whatever it does not write."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

values_c = pytest.importorskip("sseparse._values_c", reason="the compiled modules are not built")


def _stdlib(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


_text = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=12) | st.sampled_from(
    ["", '"', "\\", "\x00", "\x1f", "\x7f", "\u2028", "é", "\ud800", "\U0001f600", "a\"b\\c\nd\te", "/"]
)
_scalars = (
    st.none() | st.booleans() | st.integers() | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([0.0, -0.0, 1e300, 5e-324, 1.5, -2.0])
    | _text
)
_values = st.recursive(
    _scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4), max_leaves=25
)


@settings(max_examples=1500, deadline=None)
@given(_values)
def test_writes_what_the_stdlib_writes(value: Any) -> None:
    assert values_c.compact_json(value) == _stdlib(value)


@pytest.mark.parametrize(
    "value",
    [
        float("nan"), float("inf"), -float("inf"), [1, float("nan")], {"a": float("inf")},
        {1: "a"}, {None: 1}, {"a": {2.5: 1}}, (1, 2), {"a": (1,)}, object(), {"a": b"x"}, True.__class__,
        type("S", (str,), {})("x"), type("I", (int,), {})(3), type("D", (dict,), {})(), [1, type("L", (list,), {})()],
    ],
    ids=repr,
)
def test_leaves_to_the_stdlib_what_it_does_not_write(value: Any) -> None:
    assert values_c.compact_json(value) is None


def test_deep_values_are_left_to_the_stdlib() -> None:
    value: Any = "x"
    for _ in range(199):
        value = [value]
    assert values_c.compact_json(value) == _stdlib(value)
    assert values_c.compact_json({"a": value}) == _stdlib({"a": value})  # 200 containers
    assert values_c.compact_json({"a": [value]}) is None  # 201
    assert values_c.compact_json([[value]]) is None


def test_the_compiled_gemini_reducer_writes_with_it() -> None:
    gemini = pytest.importorskip("sseparse._dialects.gemini")
    if gemini.__file__.endswith(".py"):
        pytest.skip("the gemini reducer is not compiled here")
    assert gemini._compact_c is values_c.compact_json
    for value in ({"location": "San Francisco"}, {"a": float("nan")}, {"a": [1, 2.5, None]}):
        try:
            expected = _stdlib(value)
        except ValueError:
            with pytest.raises(ValueError):
                gemini._compact(value)
            continue
        assert gemini._compact(value) == expected
