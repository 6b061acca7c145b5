"""PartialJSONParser: json.loads results from pieces split anywhere, views that only grow.

What is pinned here:

- split invariance: any valid document, cut anywhere (inside strings, escapes,
  surrogate pairs, numbers, literals), gives exactly ``json.loads`` of the whole;
- every intermediate ``value`` is a view that "grows into" the next one and into the
  final value (``grows_into`` below says precisely what that means), and equals what
  an independent, deliberately simple reference (``reference_view``) says the
  documented rules show for that prefix;
- invalid documents: wherever ``json.loads`` rejects a (mutated) document the parser
  raises ``PartialJSONError``, at the first character no valid document can have
  there, at the same position however the text is cut; wherever ``json.loads``
  accepts it, the parser gives the same value;
- incomplete is told apart from invalid;
- ``value`` stays cheap on a long string (a count, not a timing).

Hypothesis runs derandomized: the same examples every run.
"""

from __future__ import annotations

import copy
import json
import math
import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sseparse._errors import ParserClosedError, SseparseError
from sseparse._partial_json import EXACT_STRING_LIMIT, STRING_LAG_DIVISOR, PartialJSONError, PartialJSONParser

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- comparing values ----------------------------------------------------------------------


def same(a: Any, b: Any) -> bool:
    """Equal, with equal types all the way down (``1`` is not ``1.0`` nor ``True``), dict
    keys in the same order, ``NaN`` equal to ``NaN`` and ``-0.0`` unequal to ``0.0``."""
    if type(a) is not type(b):
        return False
    if type(a) is float:
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return bool(a == b and math.copysign(1.0, a) == math.copysign(1.0, b))
    if type(a) is list:
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if type(a) is dict:
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


def grows_into(view: Any, later: Any) -> bool:
    """``view`` is a prefix-consistent view of ``later`` (a later view, or the final value).

    A string is a prefix of the later string. A list is a prefix of the later list
    whose items are all final except the last, which grows into the later item. A
    dict's keys are a prefix of the later dict's keys, in order; all its values are
    final except the last key's, which grows into the later value. Anything else
    (numbers, literals) is only ever shown complete, so it is the same.
    """
    if type(view) is str:
        return type(later) is str and later.startswith(view)
    if type(view) is list:
        if type(later) is not list or len(view) > len(later):
            return False
        if not view:
            return True
        return all(same(x, y) for x, y in zip(view[:-1], later)) and grows_into(view[-1], later[len(view) - 1])
    if type(view) is dict:
        if type(later) is not dict:
            return False
        keys = list(view)
        if keys != list(later)[: len(keys)]:
            return False
        if not keys:
            return True
        return all(same(view[k], later[k]) for k in keys[:-1]) and grows_into(view[keys[-1]], later[keys[-1]])
    return same(view, later)


# -- an independent reference for what a prefix shows -------------------------------------------

_MISSING = object()
_WS = " \t\n\r"
_HIGH_ESCAPE_AT_END = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\Z")
_ESCAPE_PREFIX = re.compile(r"(?:\\(?:u[0-9a-fA-F]{0,3})?)?\Z")


class _Cut(Exception):
    """The prefix ended inside a value; ``view`` is what that value shows (or _MISSING)."""

    def __init__(self, view: Any) -> None:
        self.view = view


def _skip(s: str, i: int) -> int:
    while i < len(s) and s[i] in _WS:
        i += 1
    return i


def _real_escape_ends_at(raw: str, k: int) -> bool:
    """The 6 characters before ``raw[k]`` are a \\u escape, not an escaped backslash + 'u...'."""
    slashes = 0
    j = k - 6
    while j >= 0 and raw[j] == "\\":
        slashes += 1
        j -= 1
    return slashes % 2 == 1


def _ref_string(s: str, i: int) -> tuple[str, int]:
    j = i + 1
    while j < len(s):
        if s[j] == "\\":
            j += 2
        elif s[j] == '"':
            return json.loads(s[i : j + 1]), j + 1
        else:
            j += 1
    raw = s[i + 1 :]
    # The longest prefix json.loads decodes on its own...
    k = len(raw)
    while True:
        try:
            shown = json.loads('"' + raw[:k] + '"')
            break
        except ValueError:
            k -= 1
    # ...less a high surrogate escape whose partner may still come.
    if _HIGH_ESCAPE_AT_END.search(raw[:k]) and _real_escape_ends_at(raw, k) and _ESCAPE_PREFIX.match(raw[k:]):
        shown = json.loads('"' + raw[: k - 6] + '"')
    raise _Cut(shown)


def _ref_value(s: str, i: int) -> tuple[Any, int]:
    i = _skip(s, i)
    if i == len(s):
        raise _Cut(_MISSING)
    c = s[i]
    if c == '"':
        return _ref_string(s, i)
    if c in "{[":
        container: Any = {} if c == "{" else []
        close = "}" if c == "{" else "]"
        i = _skip(s, i + 1)
        if i < len(s) and s[i] == close:
            return container, i + 1
        while True:
            if c == "{":
                i = _skip(s, i)
                if i == len(s):
                    raise _Cut(container)
                try:
                    key, i = _ref_string(s, i)
                except _Cut:
                    raise _Cut(container) from None
                i = _skip(s, i)
                if i == len(s):
                    raise _Cut(container)
                assert s[i] == ":"
                i += 1
            try:
                item, i = _ref_value(s, i)
            except _Cut as cut:
                if cut.view is not _MISSING:
                    if c == "{":
                        container[key] = cut.view
                    else:
                        container.append(cut.view)
                raise _Cut(container) from None
            if c == "{":
                container[key] = item
            else:
                container.append(item)
            i = _skip(s, i)
            if i == len(s):
                raise _Cut(container)
            if s[i] == close:
                return container, i + 1
            assert s[i] == ","
            i += 1
    for word in ("true", "false", "null", "NaN", "Infinity", "-Infinity"):
        if s.startswith(word, i):
            return json.loads(word), i + len(word)
        if word.startswith(s[i:]) and (word != "-Infinity" or len(s) - i > 1):
            raise _Cut(_MISSING)
    m = re.compile(r"-?[0-9][-+.eE0-9]*|-\Z").match(s, i)
    assert m is not None, s[i:]
    if m.end() == len(s):
        raise _Cut(_MISSING)  # the number may go on
    return json.loads(m.group()), m.end()


def reference_view(prefix: str) -> Any:
    """What ``value`` shows after ``prefix`` of a valid document, by the documented rules,
    computed from scratch (quadratic, and only for strings shorter than the exact limit)."""
    try:
        return _ref_value(prefix, 0)[0]
    except _Cut as cut:
        return None if cut.view is _MISSING else cut.view


# -- running the parser -------------------------------------------------------------------------


class Run:
    """Everything observable from feeding pieces and closing: the final value or the error,
    a deep copy of ``value`` and ``done`` after every piece, and which call raised."""

    def __init__(self, pieces: Iterable[str]) -> None:
        self.views: list[Any] = []
        self.dones: list[bool] = []
        self.error: PartialJSONError | None = None
        self.raised_by = ""
        self.result: Any = None
        parser = PartialJSONParser()
        self.parser = parser
        try:
            for piece in pieces:
                self.raised_by = "feed"
                parser.feed(piece)
                self.views.append(copy.deepcopy(parser.value))
                self.dones.append(parser.done)
            self.raised_by = "close"
            self.result = parser.close()
            self.raised_by = ""
        except PartialJSONError as exc:
            self.error = exc

    def signature(self) -> tuple[int, bool] | None:
        return None if self.error is None else (self.error.position, self.error.incomplete)


def split(text: str, cuts: Iterable[int]) -> list[str]:
    points = sorted({c for c in cuts if 0 < c < len(text)})
    bounds = [0, *points, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:])]


def check_valid_run(text: str, pieces: Sequence[str], *, against_reference: bool = True) -> None:
    """The pieces of valid ``text`` give json.loads(text), with views that only grow."""
    assert "".join(pieces) == text
    expected = json.loads(text)
    run = Run(pieces)
    assert run.error is None, f"{run.raised_by}() raised {run.error}"
    assert same(run.result, expected), (run.result, expected)
    previous: Any = None
    fed = 0
    for piece, view, done in zip(pieces, run.views, run.dones):
        fed += len(piece)
        if against_reference:
            want = reference_view(text[:fed])
            assert same(view, want), f"after {text[:fed]!r}: shows {view!r}, the rules say {want!r}"
        if view is not None or done:
            assert grows_into(view, expected), f"after {text[:fed]!r}: {view!r} does not grow into {expected!r}"
            if previous is not None:
                assert grows_into(previous, view), f"{previous!r} then {view!r}"
            previous = view
        if done:
            assert same(view, expected)
    assert run.parser.done


# -- hypothesis: JSON text with every spelling ----------------------------------------------------

# Repetition is weighting: characters that need escaping, or that tempt a parser.
_SPECIAL_CHARS = '"\\/\b\f\n\r\t\x00\x1f\x7f\u2028 é€\ud800\udbff\udc00\udfff😀\U0010ffff{}[]:,'
_chars = st.one_of(
    st.characters(exclude_categories=()),  # any code point, lone surrogates included
    st.sampled_from(_SPECIAL_CHARS),
)
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _u_escape(code: int, upper: bool) -> str:
    text = f"\\u{code:04x}"
    return text.upper().replace("\\U", "\\u") if upper else text


@st.composite
def json_string(draw: st.DrawFn) -> str:
    """A JSON string literal, each character written raw, as a short escape, or as \\uXXXX
    (astral characters as a surrogate pair, hex digits in either case)."""
    out = ['"']
    for ch in draw(st.lists(_chars, max_size=12)):
        how = draw(st.integers(0, 3))
        code = ord(ch)
        if how == 0 and ch not in '"\\' and code >= 0x20:
            out.append(ch)
        elif how <= 1 and ch in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[ch])
        elif code > 0xFFFF:
            code -= 0x10000
            upper = draw(st.booleans())
            out.append(_u_escape(0xD800 + (code >> 10), upper) + _u_escape(0xDC00 + (code & 0x3FF), upper))
        else:
            out.append(_u_escape(code, draw(st.booleans())))
    out.append('"')
    return "".join(out)


_numbers = st.one_of(
    st.integers().map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.from_regex(r"\A-?(?:0|[1-9][0-9]{0,25})(?:\.[0-9]{1,25})?(?:[eE][-+]?[0-9]{1,3})?\Z"),
)
_literals = st.sampled_from(["true", "false", "null", "NaN", "Infinity", "-Infinity"])
_space = st.text(alphabet=" \t\n\r", max_size=3)


@st.composite
def _array(draw: st.DrawFn, items: st.SearchStrategy[str]) -> str:
    parts = draw(st.lists(items, max_size=6))
    ws = [draw(_space) for _ in range(2 * len(parts) + 1)]
    if not parts:
        return "[" + ws[0] + "]"
    body = "".join(ws[2 * k] + part + ws[2 * k + 1] + ("," if k < len(parts) - 1 else "") for k, part in enumerate(parts))
    return "[" + body + "]"


@st.composite
def _object(draw: st.DrawFn, items: st.SearchStrategy[str]) -> str:
    members = draw(st.lists(st.tuples(json_string(), items), max_size=6, unique_by=lambda kv: json.loads(kv[0])))
    if not members:
        return "{" + draw(_space) + "}"
    body = ",".join(
        draw(_space) + key + draw(_space) + ":" + draw(_space) + value + draw(_space) for key, value in members
    )
    return "{" + body + "}"


json_text = st.builds(
    lambda before, doc, after: before + doc + after,
    _space,
    st.recursive(
        json_string() | _numbers | _literals,
        lambda items: _array(items) | _object(items),
        max_leaves=25,
    ),
    _space,
)

_plain_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(_chars),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(_chars, max_size=5), children, max_size=5),
    max_leaves=25,
)


@st.composite
def dumped_json(draw: st.DrawFn) -> str:
    """``json.dumps`` of a random value with random separators, indent and ensure_ascii."""
    value = draw(_plain_values)
    indent = draw(st.sampled_from([None, None, 0, 2, "\t"]))
    separators = draw(st.sampled_from([None, (",", ":"), (", ", ": "), (" ,", " : ")]))
    return json.dumps(value, ensure_ascii=draw(st.booleans()), indent=indent, separators=separators)


@st.composite
def cut_points(draw: st.DrawFn, text: str) -> list[int]:
    if not text:
        return []
    return draw(st.lists(st.integers(0, len(text)), max_size=min(len(text), 40)))


# -- properties --------------------------------------------------------------------------------------


@SETTINGS
@given(st.data())
def test_any_document_split_anywhere_gives_json_loads(data: st.DataObject) -> None:
    text = data.draw(json_text, label="text")
    pieces = split(text, data.draw(cut_points(text), label="cuts"))
    check_valid_run(text, pieces)


@SETTINGS
@given(st.data())
def test_json_dumps_output_split_anywhere_gives_json_loads(data: st.DataObject) -> None:
    text = data.draw(dumped_json(), label="text")
    pieces = split(text, data.draw(cut_points(text), label="cuts"))
    check_valid_run(text, pieces)


@settings(SETTINGS, max_examples=100)
@given(json_text)
def test_any_document_in_one_character_pieces(text: str) -> None:
    check_valid_run(text, list(text))


@settings(SETTINGS, max_examples=150)
@given(json_text, st.data())
def test_a_prefix_is_never_invalid_and_closes_only_if_json_loads_reads_it(text: str, data: st.DataObject) -> None:
    prefix = text[: data.draw(st.integers(0, len(text)), label="cut")]
    parser = PartialJSONParser()
    parser.feed(prefix)  # a prefix of a valid document is never an error
    try:
        expected = json.loads(prefix)
    except ValueError:
        with pytest.raises(PartialJSONError) as info:
            parser.close()
        assert info.value.incomplete
        assert info.value.position == len(prefix)
    else:
        assert same(parser.close(), expected)


_MUTATION_CHARS = list('{}[]:,"\\ \t\n-+.eE0123456789tfnulsraINyx/bu\x00\x1f\x7f\ud800é😀\ufeff١')


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A valid document with 1 to 3 characters inserted, deleted or replaced, or cut short."""
    text: str = draw(json_text)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["insert", "delete", "replace", "cut"]))
        at = draw(st.integers(0, len(text)))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(_MUTATION_CHARS)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + 1 :]
        elif kind == "replace":
            text = text[:at] + draw(st.sampled_from(_MUTATION_CHARS)) + text[at + 1 :]
        else:
            text = text[:at]
    return text


@settings(SETTINGS, max_examples=400)
@given(mutated(), st.data())
def test_mutated_documents_fail_exactly_where_json_loads_fails(text: str, data: st.DataObject) -> None:
    pieces = split(text, data.draw(cut_points(text), label="cuts"))
    run = Run(pieces)
    whole = Run([text])
    try:
        expected = json.loads(text)
    except ValueError:
        assert run.error is not None, f"json.loads rejects {text!r}, the parser returned {run.result!r}"
        # The same error however the text is cut...
        assert run.signature() == whole.signature()
        position = run.error.position
        if run.error.incomplete:
            assert run.raised_by == "close" and position == len(text)
        else:
            # ...at the first character that cannot be there: everything before it is fine.
            before = PartialJSONParser()
            before.feed(text[:position])
            with pytest.raises(PartialJSONError) as info:
                PartialJSONParser().feed(text[: position + 1])
            assert (info.value.position, info.value.incomplete) == (position, False)
    else:
        assert run.error is None, f"json.loads reads {text!r}, the parser raised {run.error}"
        assert same(run.result, expected)
        assert same(whole.result, expected)


# Tokens glued from bits of their grammar, valid or not: numbers, literals, strings.
_NUMBER_BITS = ["-", "0", "0", "1", "9", "12", ".", ".5", "e", "E", "+", "-", "7", "00", "x"]
_LITERAL_BITS = ["t", "tr", "true", "ue", "f", "false", "n", "null", "nul", "l", "NaN", "N", "Infinity", "Inf", "-", "inity"]
_STRING_BITS = [
    *["\\", "\\\\", "u", "\\u", "d83d", "D83D", "de00", "DE00", "dc00", "00e9", "0041", "12", "G", "x"],
    *["é", "😀", "\ud800", "\\n", "\\/", "\\x", "\\U", "\x01", "\x1f", "\x7f", '"', " ", "\n"],
]
_token = st.one_of(
    st.lists(st.sampled_from(_NUMBER_BITS), min_size=1, max_size=6).map("".join),
    st.lists(st.sampled_from(_LITERAL_BITS), min_size=1, max_size=4).map("".join),
    st.lists(st.sampled_from(_STRING_BITS), max_size=8).map(lambda bits: '"' + "".join(bits) + '"'),
)
_contexts = ["{}", "[{}]", "[1,{}]", '{{"k": {}}}', '[{} ,"x"]', " {} "]


@settings(SETTINGS, max_examples=500)
@given(_token, st.sampled_from(_contexts), st.data())
def test_any_token_split_anywhere_is_accepted_exactly_when_json_loads_accepts_it(
    token: str, context: str, data: st.DataObject
) -> None:
    text = context.format(token)
    run = Run(split(text, data.draw(cut_points(text), label="cuts")))
    assert run.signature() == Run([text]).signature()
    try:
        expected = json.loads(text)
    except ValueError:
        assert run.error is not None, f"json.loads rejects {text!r}, the parser returned {run.result!r}"
    else:
        assert run.error is None, f"json.loads reads {text!r}, the parser raised {run.error}"
        assert same(run.result, expected)


# -- hand-written documents, split at every point ----------------------------------------------------

TRICKY = [
    "{}",
    "[]",
    '""',
    "0",
    "-0",
    "-0.0",
    "1E+05",
    "1e400",
    "-1.5e-7",
    "123456789012345678901234567890",
    "true",
    "null",
    "NaN",
    "-Infinity",
    ' \t\n\r{ "a" : [ 1 , 2.5 , -3e2 , true , false , null ] , "b" : { } } \n',
    '{"a":{"b":{"c":[[[[]]],{"d":""}]}}}',
    r'"\"\\\/\b\f\n\r\t\u0000\u001F\u00e9\u00E9\u20ac"',
    r'"\ud83d\ude00 \uD83D\uDE00"',
    r'"\ud800\u0041 \ud800\ud800 \udc00 \ud800\ud83d\ude00 \ud800\n \ud800x \ude00\ud83d"',
    '"raw: é € 😀 \U0010ffff \u2028 \x7f"',
    '"\ud800 lone raw surrogate"',
    '{"content": "line 1\\nline \\"2\\"\\t\\u00e9\\ud83d\\ude80", "n": [0, -1, 2.50, 1e3, -Infinity, NaN]}',
    '[1,[2,[3,{"x":[4,"5"]}]],-6.0e-1,"7",true]',
    '{"a": 1, "a": [2], "b": 3, "a": {"c": 4}}',  # duplicate keys: the last wins, at the first's place
    '{"": "", " ": " ", "\\u0000": null}',
]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_document_split_at_every_point(text: str) -> None:
    for cut in range(len(text) + 1):
        pieces = [p for p in (text[:cut], text[cut:]) if p]
        if text.startswith('{"a": 1, "a"'):  # duplicate keys: views do not only grow
            _check_result_only(text, pieces)
        else:
            check_valid_run(text, pieces)


@pytest.mark.parametrize("text", [t for t in TRICKY if len(t) <= 60])
def test_tricky_document_split_at_every_pair_of_points(text: str) -> None:
    for a in range(1, len(text)):
        for b in range(a + 1, len(text)):
            _check_result_only(text, [text[:a], text[a:b], text[b:]])


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_document_in_one_character_pieces(text: str) -> None:
    if text.startswith('{"a": 1, "a"'):
        _check_result_only(text, list(text))
    else:
        check_valid_run(text, list(text))


def _check_result_only(text: str, pieces: list[str]) -> None:
    run = Run(pieces)
    assert run.error is None, run.error
    assert same(run.result, json.loads(text))


# -- what each partial state shows ---------------------------------------------------------------------

SHOWS: list[tuple[str, Any, bool]] = [
    # (prefix, value shown, done)
    ("", None, False),
    ("  ", None, False),
    ("{", {}, False),
    ('{"ke', {}, False),  # a key being read is not shown
    ('{"key"', {}, False),
    ('{"key":', {}, False),  # nor a key whose value has not started
    ('{"key": "', {"key": ""}, False),  # a string shows as soon as it starts
    ('{"key": "va', {"key": "va"}, False),
    ('{"key": "va\\', {"key": "va"}, False),  # an escape shows once complete
    ('{"key": "va\\n', {"key": "va\n"}, False),
    ('{"key": "\\u00', {"key": ""}, False),
    ('{"key": "\\u00e9', {"key": "é"}, False),
    ('{"key": "\\ud83d', {"key": ""}, False),  # a high surrogate waits for its partner
    ('{"key": "\\ud83d\\', {"key": ""}, False),
    ('{"key": "\\ud83d\\ude0', {"key": ""}, False),
    ('{"key": "\\ud83d\\ude00', {"key": "😀"}, False),
    ('{"key": "\\ud83dx', {"key": "\ud83dx"}, False),  # ...or its absence
    ('{"key": "\\ud83d\\n', {"key": "\ud83d\n"}, False),
    ('{"key": "\\ud83d\\u0041', {"key": "\ud83dA"}, False),
    ('{"key": 1', {}, False),  # a number is not shown until it ends: 1 may become 12
    ('{"key": 12', {}, False),
    ('{"key": 12.', {}, False),
    ('{"key": 12.5e', {}, False),
    ('{"key": 12.5e3 ', {"key": 12500.0}, False),
    ('{"key": 12,', {"key": 12}, False),
    ('{"key": 12}', {"key": 12}, True),
    ('{"key": t', {}, False),  # a literal is not shown until complete
    ('{"key": tru', {}, False),
    ('{"key": true', {"key": True}, False),
    ('{"key": nul', {}, False),
    ('{"key": null', {"key": None}, False),
    ('{"key": -', {}, False),
    ('{"key": -I', {}, False),
    ('{"key": -Infinit', {}, False),
    ('{"key": -Infinity', {"key": -math.inf}, False),
    ('{"key": [', {"key": []}, False),  # a container shows as soon as it opens
    ('{"key": [{', {"key": [{}]}, False),
    ('{"key": [{"a": [1, 2', {"key": [{"a": [1]}]}, False),
    ('{"key": [{"a": [1, 2]', {"key": [{"a": [1, 2]}]}, False),
    ('{"key": [{"a": [1, 2]}], "k2"', {"key": [{"a": [1, 2]}]}, False),
    ("[", [], False),
    ('["a", "b', ["a", "b"], False),
    ("[1, 2", [1], False),
    ("[1, 2 ", [1, 2], False),
    ("[1, 2]", [1, 2], True),
    ("[1, 2] \n", [1, 2], True),
    ('"', "", False),
    ('"abc', "abc", False),
    ('"abc"', "abc", True),
    ("12", None, False),  # a top-level number ends with whitespace or close()
    ("12 ", 12, True),
    ("-", None, False),
    ("nul", None, False),
    ("null", None, True),  # done tells a finished null from nothing
    ("NaN", math.nan, True),
]


@pytest.mark.parametrize(("prefix", "shown", "done"), SHOWS)
def test_what_a_prefix_shows(prefix: str, shown: Any, done: bool) -> None:
    for pieces in ([prefix], list(prefix)):
        parser = PartialJSONParser()
        for piece in pieces:
            parser.feed(piece)
        assert same(parser.value, shown), (pieces, parser.value)
        assert parser.done is done
        assert same(reference_view(prefix), shown)


def test_value_is_the_live_structure() -> None:
    parser = PartialJSONParser()
    parser.feed('{"a": [')
    root = parser.value
    inner = root["a"]
    parser.feed('1, {"b": 2}], "c": "x"}')
    assert parser.value is root and root["a"] is inner
    assert parser.close() is root
    assert root == {"a": [1, {"b": 2}], "c": "x"}


def test_duplicate_keys_keep_the_first_place_and_the_last_value() -> None:
    text = '{"a": 1, "b": 2, "a": [3, 4]}'
    parser = PartialJSONParser()
    parser.feed(text[:-6])  # the later "a" has started: it replaces the earlier one
    assert parser.value == {"a": [], "b": 2}
    parser.feed(text[-6:])
    result = parser.close()
    assert same(result, json.loads(text))
    assert list(result) == ["a", "b"]


# -- json.loads semantics --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "1",
        "-0",
        "1.0",
        "1e2",
        "1E-2",
        "-0.0",
        "1e400",
        "-1e400",
        "0.1e-400",
        "9" * 4300,  # at the interpreter's int digit limit: still an int
        "1" + "0" * 5000 + ".5",  # floats have no digit limit
        "NaN",
        "Infinity",
        "-Infinity",
        '"\\ud800"',
        '"\\udfff\\ud800"',
        '"\x7f\u0080\u2028\u2029"',
    ],
)
def test_scalars_are_exactly_what_json_loads_makes(text: str) -> None:
    for pieces in ([text], [text[:1], text[1:]], [text[:-1], text[-1:]]):
        run = Run([p for p in pieces if p])
        assert run.error is None, run.error
        assert same(run.result, json.loads(text))


@pytest.mark.skipif(not hasattr(sys, "get_int_max_str_digits"), reason="no int digit limit on this Python")
def test_int_past_the_digit_limit_is_an_error_like_json_loads() -> None:
    text = "[" + "1" * 5000 + "]"
    with pytest.raises(ValueError):
        json.loads(text)
    parser = PartialJSONParser()
    parser.feed(text[:-1])
    with pytest.raises(PartialJSONError, match="4300") as info:
        parser.feed("]")
    assert info.value.position == len(text) - 1 and not info.value.incomplete


def test_deep_nesting_needs_no_recursion() -> None:
    depth = 20_000  # json.loads raises RecursionError here
    parser = PartialJSONParser()
    for _ in range(depth):
        parser.feed("[")
    parser.feed("]" * depth)
    value = parser.close()
    for _ in range(depth - 1):
        value = value[0]
    assert value == []


# -- invalid and incomplete ---------------------------------------------------------------------------------

INVALID = [
    # (document, position of the first impossible character)
    ("\ufeff{}", 0),  # a BOM: json.loads refuses it in a str too
    ("{,}", 1),
    ("[1,]", 3),
    ("[1 2]", 3),
    ('{"a" 1}', 5),
    ('{"a": 1,}', 8),
    ("{'a': 1}", 1),
    ("{a: 1}", 1),
    ('{"a": 1]', 7),
    ("[1}", 2),
    ("]", 0),
    ("01", 1),
    ("-01", 2),
    ("[01]", 2),
    ("[-01]", 3),
    ('{"a": 00}', 7),
    ("[0x1]", 2),
    ("[1.]", 3),
    ("[1e5.5]", 4),
    ("1.", None),  # incomplete, not invalid: 1.5 was possible
    ("1.x", 2),
    ("1.e5", 2),
    ("1e", None),
    ("1e+", None),
    ("1e+x", 3),
    (".5", 0),
    ("+1", 0),
    ("- 1", 1),
    ("-x", 1),
    ("-Inf", None),
    ("-Infinitx", 8),
    ("tru", None),
    ("trux", 3),
    ("True", 0),
    ("nan", 1),  # n could start null
    ("\u0661", 0),  # a non-ASCII digit
    ("[1\u00a0]", 2),  # a non-JSON space
    ('"a\x00b"', 2),
    ('"a\nb"', 2),
    ('"a\x1f"', 2),
    ('"\\x41"', 2),
    ('"\\U0001F600"', 2),
    ('"\\u12G4"', 5),
    ('"\\ud800\\uZZZZ"', 9),
    ('"\\ud800\\u12"', 11),
    ('"abc', None),
    ("[1] x", 4),
    ("{} {}", 3),
    ('"a" "b"', 4),
    ("", None),
    ("   ", None),
    ("[", None),
    ('{"a":', None),
    ('{"a"', None),
    ('"\\', None),
    ('"\\ud83d', None),
]


@pytest.mark.parametrize(("text", "position"), INVALID)
def test_invalid_or_incomplete_document(text: str, position: int | None) -> None:
    with pytest.raises(ValueError):
        json.loads(text)
    for pieces in ([text], list(text)):
        run = Run(pieces)
        assert run.error is not None
        assert isinstance(run.error, SseparseError)
        if position is None:
            assert run.error.incomplete and run.raised_by == "close"
            assert run.error.position == len(text)
            assert "incomplete JSON" in str(run.error)
        else:
            assert not run.error.incomplete and run.raised_by == "feed"
            assert run.error.position == position
            assert f"character {position}" in str(run.error)


def test_error_message_quotes_the_offending_text() -> None:
    parser = PartialJSONParser()
    parser.feed('{"tool": "search", "limit": 10')
    with pytest.raises(PartialJSONError) as info:
        parser.feed(' "query": "cats"}')
    message = str(info.value)
    assert "character 31" in message and "',' or '}'" in message and '\'"query": "cats"}\'' in message


def test_error_message_quote_is_short() -> None:
    parser = PartialJSONParser()
    with pytest.raises(PartialJSONError) as info:
        parser.feed("[1, ?" + "x" * 10_000)
    assert len(str(info.value)) < 200


def test_after_an_error_the_parser_refuses_input_but_keeps_its_value() -> None:
    parser = PartialJSONParser()
    parser.feed('{"a": [1, 2], "b": "x')
    with pytest.raises(PartialJSONError) as info:
        parser.feed('\x01"}')
    assert parser.value == {"a": [1, 2], "b": "x"}
    assert not parser.done
    with pytest.raises(ParserClosedError) as again:
        parser.feed("}")
    assert again.value.__cause__ is info.value
    with pytest.raises(ParserClosedError):
        parser.close()


def test_an_incomplete_close_is_final_too() -> None:
    parser = PartialJSONParser()
    parser.feed("[1, 2")
    with pytest.raises(PartialJSONError, match=r"the end of the number \(1 container still open\)"):
        parser.close()
    with pytest.raises(ParserClosedError):
        parser.feed("]")


def test_close_twice_returns_the_same_value_and_feed_after_close_is_refused() -> None:
    parser = PartialJSONParser()
    parser.feed("[1]")
    first = parser.close()
    assert parser.close() is first
    with pytest.raises(ParserClosedError, match="closed"):
        parser.feed(" ")


def test_a_top_level_number_ends_at_close() -> None:
    parser = PartialJSONParser()
    parser.feed("-12")
    parser.feed(".5")
    assert parser.value is None and not parser.done
    assert parser.close() == -12.5
    assert parser.done


def test_feed_takes_str_only() -> None:
    with pytest.raises(TypeError, match="str"):
        PartialJSONParser().feed(b"{}")  # type: ignore[arg-type]


def test_empty_pieces_change_nothing() -> None:
    parser = PartialJSONParser()
    for piece in ["", "[", "", "1", "", "]", ""]:
        parser.feed(piece)
    assert parser.close() == [1]
    assert parser.position == 3


# -- cost of reading value ---------------------------------------------------------------------------------------


def test_a_long_string_read_after_every_piece_is_joined_a_linear_number_of_times() -> None:
    """Reading ``value`` after every 10-character piece of a 200,000-character string.

    Showing every prefix exactly would join 2 * 10**9 characters in all; the rule
    (exact below EXACT_STRING_LIMIT, then refreshed when the unshown part reaches
    1/STRING_LAG_DIVISOR of the shown part) joins a bounded multiple of the length,
    and the shown prefix never trails by more than that fraction.
    """
    body = "".join("\\n" if k % 97 == 0 else chr(0x41 + k % 26) for k in range(200_000))
    head = '{"content": "'
    text = head + body + '"}'
    final = json.loads(text)["content"]
    parser = PartialJSONParser()
    parser.feed(head)
    joined = 0
    shown = parser.value["content"]
    raw = 0  # raw characters of the string fed so far
    for start in range(len(head), len(text) - 2, 10):
        piece = text[start : min(start + 10, len(text) - 2)]
        parser.feed(piece)
        raw += len(piece)
        read = raw - body.count("\\", 0, raw)  # each \\n is 2 raw characters, 1 read
        current = parser.value["content"]
        if current is not shown:
            joined += len(current)
            shown = current
        assert final.startswith(current)
        lag = read - len(current)
        assert lag == 0 or (read > EXACT_STRING_LIMIT and lag * STRING_LAG_DIVISOR < len(current)), (read, lag)
    assert read == len(final)
    parser.feed('"}')
    assert parser.close()["content"] == final
    assert joined <= (STRING_LAG_DIVISOR + 2) * len(final) + EXACT_STRING_LIMIT**2 // 10
    assert joined * 100 < sum(range(0, len(final), 10))  # re-joining every prefix: 2 * 10**9


def test_a_short_string_is_shown_exactly_after_every_piece() -> None:
    body = "x" * (EXACT_STRING_LIMIT - 1)
    parser = PartialJSONParser()
    parser.feed('["')
    for k in range(0, len(body), 7):
        parser.feed(body[k : k + 7])
        assert parser.value == [body[: k + 7]]
