"""What goes where bytes go: any bytes-like object is taken, anything else is refused
by an ``InputTypeError`` (an ``SseparseError`` and a ``TypeError``) naming what came.

``bytes(3)`` is three NUL bytes and ``bytes([100, 97])`` is ``b"da"``: an int or a
list must never be turned into bytes on the way in, in either implementation.
"""

from __future__ import annotations

import array
from typing import Any

import pytest

import sseparse

NOT_BYTES = [3, 0, 3.0, None, [100, 97], (b"data: a\n\n",), object()]


@pytest.mark.parametrize("bad", NOT_BYTES, ids=lambda v: type(v).__name__)
def test_parser_refuses_what_is_not_bytes_like(parser_cls: type, bad: Any) -> None:
    parser = parser_cls()
    with pytest.raises(sseparse.InputTypeError, match=f"not {type(bad).__name__}"):
        parser.feed(bad)
    assert parser.feed(b"data: a\n\n")[0].data == "a"  # refused before any state changed


def test_parser_refuses_text_with_its_message(parser_cls: type) -> None:
    with pytest.raises(TypeError, match="takes bytes, not str"):
        parser_cls().feed("data: a\n\n")


@pytest.mark.parametrize(
    "make",
    [bytes, bytearray, memoryview, lambda b: array.array("B", b), lambda b: memoryview(b + b"xx")[:-2]],
    ids=["bytes", "bytearray", "memoryview", "array", "sliced-view"],
)
def test_parser_takes_any_bytes_like_object(parser_cls: type, make: Any) -> None:
    events = parser_cls().feed(make(b"\xef\xbb\xbfdata: \xc3\xa9\n\n"))
    assert [e.data for e in events] == ["é"]


@pytest.mark.parametrize("dialect", ["auto", "openai-chat"])
def test_accumulator_refuses_an_int_on_both_paths(implementation: str, dialect: str) -> None:
    acc = sseparse.Accumulator(dialect, implementation=implementation)
    with pytest.raises(sseparse.InputTypeError):
        acc.feed(3)  # type: ignore[arg-type]


def test_input_type_error_is_both_kinds() -> None:
    assert issubclass(sseparse.InputTypeError, sseparse.SseparseError)
    assert issubclass(sseparse.InputTypeError, TypeError)
