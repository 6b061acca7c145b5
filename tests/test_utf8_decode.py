"""The compiled parser's decoder of large event data (``sseparse/_utf8.h``).

It must give exactly ``data.decode("utf-8", "replace")``: the same characters and the
same compact kind (CPython compares the kind before the characters, so ``==`` also
fails on a str written one kind too wide). It takes its own path only for valid
UTF-8 of at least ``MIN`` bytes that is not all ASCII; everything else goes to
CPython's decoder, so the interesting inputs sit around that line: sizes next to
``MIN``, each kind of invalid sequence at the start, in the middle and cut by the
end, and the sixteen-byte blocks of its ASCII runs.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

MIN = 1024  # SSEPARSE_UTF8_MIN

# one character of each encoded width, and the kinds of str they call for
WIDTHS = {
    "ascii": "a",
    "latin1": "é",  # C3 A9
    "latin1-edge": "\xff",  # C3 BF: the largest lead byte of Latin-1
    "ucs2-lowest": "\u0100",  # C4 80: the smallest lead byte of UCS-2
    "ucs2-2": "ж",  # D0 B6
    "ucs2-3": "語",  # E8 AA 9E
    "ucs2-edge": "\uffff",
    "ucs4": "😀",  # F0 9F 98 80
    "ucs4-edge": "\U0010ffff",
}

# byte sequences that are not UTF-8 (each becomes one or more U+FFFD)
INVALID = {
    "stray-continuation": b"\x80",
    "overlong-2": b"\xc0\xaf",
    "overlong-2-c1": b"\xc1\xbf",
    "overlong-3": b"\xe0\x80\xaf",
    "overlong-4": b"\xf0\x80\x80\xaf",
    "surrogate": b"\xed\xa0\x80",
    "above-max": b"\xf4\x90\x80\x80",
    "f5": b"\xf5\x80\x80\x80",
    "ff": b"\xff",
    "lead-then-ascii": b"\xc3a",
    "3-lead-then-ascii": b"\xe8\xaaa",
    "4-lead-then-ascii": b"\xf0\x9f\x98a",
    "lone-lead-2": b"\xc3",
    "lone-lead-3": b"\xe8\xaa",
    "lone-lead-4": b"\xf0\x9f\x98",
}


@pytest.fixture(scope="module")
def decode(compiled_cls: type) -> Callable[[bytes], str]:
    # compiled_cls skips, or fails when the compiled parser is required and missing
    return importlib.import_module("sseparse._framing_c")._decode_utf8  # type: ignore[no-any-return]


def check(decode: Callable[[bytes], str], data: bytes) -> None:
    got = decode(data)
    want = data.decode("utf-8", "replace")
    assert type(got) is str
    assert got == want
    assert len(got) == len(want)


@pytest.mark.parametrize("size", [0, 1, MIN - 1, MIN, MIN + 1, MIN + 15, MIN + 16, 4 * MIN + 7])
@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_every_kind_at_sizes_around_the_threshold(decode: Callable[[bytes], str], size: int, width: str) -> None:
    ch = WIDTHS[width].encode()
    pad = b"x" * max(size - len(ch), 0)
    check(decode, pad + ch)  # the widest character last
    check(decode, ch + pad)  # ... or first


@pytest.mark.parametrize("name", sorted(INVALID))
@pytest.mark.parametrize("where", ["start", "middle", "end", "after-wide"])
def test_invalid_sequences_decode_as_cpython_does(decode: Callable[[bytes], str], name: str, where: str) -> None:
    bad = INVALID[name]
    text = ("mixed text é 語 😀 " * 200).encode()
    if where == "start":
        data = bad + text
    elif where == "middle":
        data = text[:1600] + bad + text[1600:]  # 1600 is a character boundary
    elif where == "end":
        data = text + bad
    else:
        data = text + "😀".encode() + bad + b"tail"
    assert len(data) >= MIN
    check(decode, data)


@pytest.mark.parametrize("offset", range(0, 33))
def test_wide_character_at_each_offset_of_the_ascii_blocks(decode: Callable[[bytes], str], offset: int) -> None:
    for ch in WIDTHS.values():
        data = b"a" * (MIN + offset) + ch.encode() + b"b" * (offset % 17)
        check(decode, data)
        cut = ch.encode()[:-1]
        if cut:  # a character cut by the end of the data
            check(decode, b"a" * (MIN + offset) + cut)


def test_all_ascii_is_an_ascii_str(decode: Callable[[bytes], str]) -> None:
    data = bytes(range(128)) * 20
    got = decode(data)
    assert got == data.decode("ascii") and got.isascii()


@pytest.mark.parametrize(
    "text",
    ["данные поток " * 200, "日本語のテキスト" * 150, "😀" * 400, "a" * 40 + "é" * 1000, "é" * 1000 + "a" * 40],
    ids=["cyrillic", "cjk", "emoji", "ascii-then-latin1", "latin1-then-ascii"],
)
def test_dense_and_prefixed_text(decode: Callable[[bytes], str], text: str) -> None:
    """Dense multi-byte text (handed to CPython's decoder) and text whose first 64
    bytes are ASCII (copied optimistically), valid and with a bad byte at the end."""
    check(decode, text.encode())
    check(decode, text.encode() + b"\xff")


def test_random_words_in_many_scripts(decode: Callable[[bytes], str]) -> None:
    rng = random.Random(5)
    words = ["the", "café", "данные", "日本語", "😀", "👍🏽", "—", "x" * 40, "\u00ff", "\u0100"]
    for _ in range(200):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(200, 900)))
        check(decode, text.encode())


_char = st.one_of(
    st.characters(max_codepoint=0x7F),
    st.characters(min_codepoint=0x80, max_codepoint=0x7FF),
    st.characters(min_codepoint=0x800, max_codepoint=0xFFFF, blacklist_categories=("Cs",)),
    st.characters(min_codepoint=0x10000),
)
_piece = st.one_of(
    st.text(alphabet=_char, max_size=40).map(lambda s: s.encode()),
    st.binary(max_size=4),
    st.sampled_from(sorted(INVALID.values())),
    st.integers(1, 80).map(lambda n: b"a" * n),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_piece, min_size=1, max_size=200))
def test_random_bytes_decode_as_cpython_does(decode: Callable[[bytes], str], pieces: list[bytes]) -> None:
    data = b"".join(pieces)
    if len(data) < MIN:  # the interesting side of the threshold
        data = b"a" * (MIN - len(data)) + data
    check(decode, data)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_char, min_size=MIN // 4, max_size=3000))
def test_random_valid_text_round_trips(decode: Callable[[bytes], str], text: str) -> None:
    data = text.encode()
    if len(data) >= MIN:
        assert decode(data) == text
    check(decode, data)


def test_large_events_through_both_parsers(parser_cls: type) -> None:
    """The decoder as the parser uses it: large multi-line data, split anywhere."""
    rng = random.Random(11)
    words = ["café", "данные", "日本語", "😀", "plain", "\xff"]
    lines = [" ".join(rng.choice(words) for _ in range(rng.randint(5, 30))) for _ in range(120)]
    stream = "event: big\n" + "".join(f"data: {line}\n" for line in lines) + "\n"
    raw = stream.encode() + b"data: \xf0\x9f\x98" + b"x" * 2000 + b"\n\n"  # a cut emoji in a big event
    for size in (1, 7, 1000, len(raw)):
        parser = parser_cls()
        events = []
        for i in range(0, len(raw), size):
            events += parser.feed(raw[i : i + size])
        assert [e.data for e in events] == ["\n".join(lines), "\ufffd" + "x" * 2000]
