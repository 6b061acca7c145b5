"""A resumable JSON parser that shows the value while its text is still arriving.

Tool-call arguments stream in as pieces of one JSON document. The official SDKs
re-parse the whole prefix after every piece (quadratic in the document size);
``PartialJSONParser`` keeps its place instead, so feeding a document in any number
of pieces costs time linear in its length, and ``value`` shows what has formed so
far at any moment.

What ``value`` shows, by the state of each part of the document:

- nothing read yet, or a top-level number or literal not finished: ``None``
  (``done`` tells a finished top-level ``null`` apart);
- an object or array: the live ``dict`` / ``list``, created as soon as its ``{`` or
  ``[`` arrives and filled in document order; a member appears once its value has
  started (a string, an object, an array) or is complete (a number, a literal);
- an object key being read, or a key whose value has not started: absent;
- a string being read: a prefix of it, exact while the string is shorter than
  ``EXACT_STRING_LIMIT`` characters; a longer one may trail the text read by at most
  1/``STRING_LAG_DIVISOR`` of its length (see "Why linear"); exact again as soon as
  the string ends. An escape split between pieces appears once complete, and a
  ``\\uD83D`` escape once the next character says whether a low surrogate follows;
- a number: absent until the character after it arrives (``12`` may become ``123``),
  or until ``close()`` for a top-level number;
- ``true``, ``false``, ``null``, ``NaN``, ``Infinity``, ``-Infinity``: absent until
  their last character arrives.

So, for a document without duplicate keys, every value shown "grows into" the final
one: lists and key lists are prefixes, all members but the last are final, strings
are prefixes. With duplicate keys the last one wins, as in ``json.loads``; the
earlier value shows until the later one starts.

The result is exactly ``json.loads`` of the whole text, with its default settings:
``NaN``, ``Infinity`` and ``-Infinity`` are accepted; control characters in strings
are rejected (strict mode); lone surrogate escapes are kept as lone surrogates; a
high surrogate escape followed by a low one is joined; numbers with a fraction or an
exponent are ``float`` (``1e400`` is ``inf``), others ``int``, subject to the
interpreter's integer digit limit (``sys.set_int_max_str_digits``). Two deliberate
differences, both on documents ``json.loads`` cannot read at all: there is no nesting
limit (``json.loads`` raises ``RecursionError`` on deep nesting, this parser is not
recursive), and it takes ``str`` only (a leading BOM is invalid, as for ``json.loads``
of a ``str``).

Invalid JSON raises ``PartialJSONError`` from the ``feed()`` call that brings the
first character no valid document can have there (``1.`` is fine, ``1.x`` fails at
``x``), with its position in the document and a short quote. A document that is
merely unfinished raises ``PartialJSONError`` with ``incomplete=True`` from
``close()``. After any error the parser refuses more input, but ``value`` still
shows what was read before it.

Why linear: every character is looked at a bounded number of times. Runs of ordinary
characters inside strings, digit runs and whitespace are consumed by one
compiled-regex call each; a fast path that reads a whole string, key or number in one
call and finds it cut by the end of the piece leaves the general path to read the same
characters once more, never again; a string's text is kept as a list of pieces and
joined once when it ends. Open
containers are kept on a stack and filled in place, never rebuilt. What is carried
from one piece to the next is at most 11 characters (an unfinished escape or literal),
prepended to the next piece; an unfinished number keeps its state instead, so even a
number split into a million pieces is read once. ``value`` costs O(1), except when a
string is being read and has grown since the last look: then its prefix is joined
into a new ``str``, which costs its length. Showing every prefix of a long string
would cost the square of its length when ``value`` is read after every piece, so a
string past ``EXACT_STRING_LIMIT`` characters is only re-joined once what it gained
reaches 1/``STRING_LAG_DIVISOR`` of what is shown: the joined lengths then grow
geometrically and their sum stays within ``STRING_LAG_DIVISOR + 1`` times the
string's length, plus ``EXACT_STRING_LIMIT`` per read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final, cast

from ._errors import ParserClosedError, PartialJSONError, quote_prefix

__all__ = ["PartialJSONParser", "PartialJSONError", "EXACT_STRING_LIMIT", "STRING_LAG_DIVISOR"]

#: A string being read is shown exactly while it is shorter than this (characters).
EXACT_STRING_LIMIT: Final = 4096
#: Past that, the shown prefix is refreshed once the unshown part reaches 1/this of it.
STRING_LAG_DIVISOR: Final = 64

# Parser states: what the next significant character may be. The three states inside
# a token come first, so that one comparison (``state < _VALUE``) tells them apart from
# the states where whitespace is skipped.
_STRING: Final = 0  # inside a string value
_KEY: Final = 1  # inside a key
_NUMBER: Final = 2  # inside a number (sub-state in _num_state)
_VALUE: Final = 3  # a value (document start, after ':' or after ',' in an array)
_ARRAY_FIRST: Final = 4  # a value or ']' (just after '[')
_AFTER: Final = 5  # ',' or the closing bracket of the innermost container
_OBJECT_FIRST: Final = 6  # a key or '}' (just after '{')
_KEY_NEXT: Final = 7  # a key (after ',' in an object)
_COLON: Final = 8  # ':' after a key
_DONE: Final = 9  # the top-level value is complete: only whitespace may follow

# Number sub-states, after: '-', '0' (leading), 1-9 digits, '.', fraction digits,
# 'e'/'E', exponent sign, exponent digits.
_N_SIGN, _N_ZERO, _N_INT, _N_DOT, _N_FRAC, _N_EXP, _N_EXP_SIGN, _N_EXP_DIGITS = range(8)

# Parser status.
_OPEN, _CLOSED, _FAILED = 0, 1, 2

_WS: Final = " \t\n\r"
# Always matches (maybe empty), hence the cast: ``_skip_ws(text, i).end()``.
_skip_ws = cast("Callable[[str, int], re.Match[str]]", re.compile(r"[ \t\n\r]*").match)
_string_special = re.compile(r'["\\\x00-\x1f]').search
# A key with no escape, the ':' after it and the whitespace before the value, all in
# one piece: the common case, read with one call.
_simple_key = re.compile(r'[ \t\n\r]*"([^"\\\x00-\x1f]*)"[ \t\n\r]*:[ \t\n\r]*').match
# ASCII digits only, like json's C scanner (the pure-Python one's \d would take any digit).
_number = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?").match
_skip_digits = cast("Callable[[str, int], re.Match[str]]", re.compile(r"[0-9]*").match)
_NUMBER_END: Final = frozenset(_WS + ",]}")
_HEX: Final = frozenset("0123456789abcdefABCDEF")
_ESCAPES: Final = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_LITERALS: Final[dict[str, tuple[str, Any]]] = {
    "t": ("true", True),
    "f": ("false", False),
    "n": ("null", None),
    "N": ("NaN", float("nan")),
    "I": ("Infinity", float("inf")),
    "-": ("-Infinity", float("-inf")),
}

_EXPECTED: Final = {
    _VALUE: "a value",
    _ARRAY_FIRST: "a value or ']'",
    _OBJECT_FIRST: "a key in double quotes or '}'",
    _KEY_NEXT: "a key in double quotes",
    _COLON: "':' after the key",
    _STRING: "the end of the string",
    _KEY: "the end of the key",
    _NUMBER: "the end of the number",
    _DONE: "the end of the document, after the complete value",
}


class PartialJSONParser:
    """Reads one JSON document fed in pieces split anywhere; shows it as it forms.

    ``feed(text)`` takes the next piece, ``value`` is the value so far (see the
    module documentation for what each unfinished part shows), ``done`` says the
    top-level value is complete, and ``close()`` returns the final value, exactly
    ``json.loads`` of the whole text, or raises ``PartialJSONError``.

    ``value`` is the parser's own live structure, updated in place by later pieces,
    so that reading it costs nothing: do not mutate it, and copy it
    (``copy.deepcopy``) to keep a snapshot.
    """

    __slots__ = (
        "_status",
        "_error",
        "_state",
        "_pos",
        "_held",
        "_stack",
        "_root",
        "_key",
        "_parts",
        "_length",
        "_shown",
        "_num_state",
    )

    def __init__(self) -> None:
        self._status = _OPEN
        self._error: PartialJSONError | None = None
        self._state = _VALUE
        self._pos = 0  # characters fed so far
        self._held = ""  # an unfinished escape, literal or '-', at most 11 characters
        self._stack: list[Any] = []  # the open containers, innermost last
        self._root: Any = None
        self._key = ""  # the key of the member being read in the innermost object
        self._parts: list[str] = []  # the string or number being read, in pieces
        self._length = 0  # characters in _parts (for a string)
        self._shown = 0  # characters of the string being read that ``value`` shows
        self._num_state = _N_SIGN

    @property
    def value(self) -> Any:
        """The value so far: the live structure, not a copy; ``None`` before anything shows."""
        if self._state == _STRING and self._length != self._shown:
            shown = self._shown
            if shown < EXACT_STRING_LIMIT or (self._length - shown) * STRING_LAG_DIVISOR >= shown:
                self._show_string()
        return self._root

    @property
    def done(self) -> bool:
        """A complete top-level value has been read (only whitespace may follow)."""
        return self._state == _DONE and self._status != _FAILED

    @property
    def position(self) -> int:
        """How many characters were fed so far."""
        return self._pos

    def feed(self, text: str) -> None:
        """Read the next piece of the document.

        Raises ``PartialJSONError`` as soon as the text cannot be JSON any more; the
        parser then refuses more input (``ParserClosedError``).
        """
        if self._status != _OPEN:
            self._refuse()
        if not isinstance(text, str):
            raise TypeError(f"PartialJSONParser.feed() takes str, not {type(text).__name__}")
        base = self._pos  # where text[0] is in the document
        self._pos = base + len(text)
        if self._held:
            base -= len(self._held)
            text = self._held + text
            self._held = ""
        # One pass over ``text`` from the saved state; see "Why linear" above. The
        # branches are ordered by how often they run, and the common shapes (a whole
        # string, number or key inside the piece) take a fast path.
        n = len(text)
        i = 0
        state = self._state
        stack = self._stack
        try:
            while i < n:
                if state < _VALUE:  # inside a token: whitespace is not skipped
                    if state == _NUMBER:
                        i = self._scan_number(text, i, i, n, base)
                        state = self._state
                        continue
                    parts = self._parts
                    while True:
                        m = _string_special(text, i)
                        if m is None:
                            if i < n:
                                parts.append(text[i:])
                                self._length += n - i
                                i = n
                            break
                        j = m.start()
                        if j > i:
                            parts.append(text[i:j])
                            self._length += j - i
                        c = text[j]
                        if c == '"':
                            i = j + 1
                            s = parts[0] if len(parts) == 1 else "".join(parts)
                            parts.clear()
                            if state == _KEY:
                                self._key = s
                                state = _COLON
                            elif not stack:
                                self._root = s
                                state = _DONE
                            else:
                                top = stack[-1]
                                if type(top) is list:
                                    top[-1] = s
                                else:
                                    top[self._key] = s
                                state = _AFTER
                            break
                        if c != "\\":
                            raise self._invalid(text, j, base, "an escape, not a raw control character, in a string")
                        if j + 1 == n:
                            self._held = text[j:]
                            i = n
                            break
                        escaped = _ESCAPES.get(text[j + 1])
                        if escaped is not None:
                            parts.append(escaped)
                            self._length += 1
                            i = j + 2
                            continue
                        if text[j + 1] != "u":
                            raise self._invalid(text, j + 1, base, "an escape: one of \"\\/bfnrtu after '\\'")
                        decoded = self._unicode_escape(text, j, n, base)
                        if decoded is None:
                            self._held = text[j:]
                            i = n
                            break
                        parts.append(decoded[0])
                        self._length += 1
                        i = decoded[1]
                    continue
                c = text[i]
                if c in _WS:
                    i = _skip_ws(text, i).end()
                    if i == n:
                        break
                    c = text[i]
                if state == _VALUE or state == _ARRAY_FIRST:
                    if c == '"':
                        m = _string_special(text, i + 1)
                        if m is not None and text[m.start()] == '"':  # the whole string is here
                            j = m.start()
                            value: Any = text[i + 1 : j]
                            i = j + 1
                        else:
                            self._place("")
                            self._length = self._shown = 0
                            state = _STRING
                            i += 1
                            continue
                    elif c in "0123456789" or (c == "-" and i + 1 < n and text[i + 1] != "I"):
                        m = _number(text, i)
                        if m is None or m.end() == n or text[m.end()] not in _NUMBER_END:
                            self._num_state = _N_SIGN if c == "-" else _N_ZERO if c == "0" else _N_INT
                            i = self._scan_number(text, i, i + 1, n, base)
                            state = self._state
                            continue
                        i = m.end()  # the whole number is here
                        try:
                            value = int(m.group()) if m.lastindex is None else float(m.group())
                        except ValueError:
                            value = self._int(m.group(), base + i)  # raises the digit limit error
                    elif c == "{":
                        obj: dict[str, Any] = {}
                        self._place(obj)
                        stack.append(obj)
                        i += 1
                        m = _simple_key(text, i)
                        if m is None:
                            state = _OBJECT_FIRST
                        else:
                            self._key = m.group(1)
                            state = _VALUE
                            i = m.end()
                        continue
                    elif c == "[":
                        arr: list[Any] = []
                        self._place(arr)
                        stack.append(arr)
                        state = _ARRAY_FIRST
                        i += 1
                        continue
                    elif c in _LITERALS:
                        if c == "-" and i + 1 == n:  # a number or -Infinity: the next piece says
                            self._held = "-"
                            break
                        word, value = _LITERALS[c]
                        if not text.startswith(word, i):
                            got = text[i : i + len(word)]
                            k = 0
                            while k < len(got) and got[k] == word[k]:
                                k += 1
                            if k < len(got):
                                raise self._invalid(text, i + k, base, repr(word))
                            self._held = got  # the piece ends inside the literal
                            break
                        i += len(word)
                    elif c == "]" and state == _ARRAY_FIRST:
                        stack.pop()
                        state = _AFTER if stack else _DONE
                        i += 1
                        continue
                    else:
                        raise self._invalid(text, i, base, _EXPECTED[state])
                    # A complete scalar: place it.
                    if not stack:
                        self._root = value
                        state = _DONE
                    else:
                        top = stack[-1]
                        if type(top) is list:
                            top.append(value)
                        else:
                            top[self._key] = value
                        state = _AFTER
                elif state == _AFTER:
                    top = stack[-1]
                    if c == ",":
                        i += 1
                        if type(top) is list:
                            state = _VALUE
                        else:
                            m = _simple_key(text, i)
                            if m is None:
                                state = _KEY_NEXT
                            else:
                                self._key = m.group(1)
                                state = _VALUE
                                i = m.end()
                    elif c == ("]" if type(top) is list else "}"):
                        i += 1
                        stack.pop()
                        if not stack:
                            state = _DONE
                    else:
                        raise self._invalid(text, i, base, "',' or '" + ("]" if type(top) is list else "}") + "'")
                elif state == _OBJECT_FIRST or state == _KEY_NEXT:
                    if c == '"':
                        m = _simple_key(text, i)
                        if m is None:
                            self._length = 0
                            state = _KEY
                            i += 1
                        else:
                            self._key = m.group(1)
                            state = _VALUE
                            i = m.end()
                    elif c == "}" and state == _OBJECT_FIRST:
                        stack.pop()
                        state = _AFTER if stack else _DONE
                        i += 1
                    else:
                        raise self._invalid(text, i, base, _EXPECTED[state])
                elif state == _COLON:
                    if c != ":":
                        raise self._invalid(text, i, base, _EXPECTED[_COLON])
                    state = _VALUE
                    i += 1
                else:  # _DONE
                    raise self._invalid(text, i, base, _EXPECTED[_DONE])
        except PartialJSONError as exc:
            self._status = _FAILED
            self._error = exc
            raise
        finally:
            self._state = state

    def close(self) -> Any:
        """End the document and return its value, exactly ``json.loads`` of the whole text.

        Raises ``PartialJSONError`` with ``incomplete=True`` if the document is not
        finished. Calling ``close()`` again returns the same value.
        """
        if self._status == _CLOSED:
            return self._root
        if self._status == _FAILED:
            self._refuse()
        state = self._state
        if state == _NUMBER and not self._stack and self._num_state in (_N_ZERO, _N_INT, _N_FRAC, _N_EXP_DIGITS):
            self._end_number(self._num_state, self._pos)  # a top-level number ends with the document
            state = self._state
        if state != _DONE:
            if self._held:
                what = "the end of the escape" if state in (_STRING, _KEY) else f"the end of {self._held!r}"
            elif state == _AFTER:
                what = "',' or '" + ("]" if type(self._stack[-1]) is list else "}") + "'"
            else:
                what = _EXPECTED[state]
            depth = len(self._stack)
            if depth:
                what += f" ({depth} container{'s' if depth > 1 else ''} still open)"
            error = PartialJSONError(what, position=self._pos, incomplete=True)
            self._status = _FAILED
            self._error = error
            raise error
        self._status = _CLOSED
        return self._root

    # -- internals ----------------------------------------------------------------

    def _refuse(self) -> None:
        if self._status == _FAILED:
            raise ParserClosedError(f"the JSON parser failed earlier and refuses more input: {self._error}") from (
                self._error
            )
        raise ParserClosedError("the JSON parser is closed; create a new PartialJSONParser for a new document")

    def _show_string(self) -> None:
        """Put the string being read, as read so far, where ``value`` shows it."""
        parts = self._parts
        text = "".join(parts)
        parts.clear()
        parts.append(text)
        self._shown = self._length
        stack = self._stack
        if not stack:
            self._root = text
        elif type(stack[-1]) is list:
            stack[-1][-1] = text
        else:
            stack[-1][self._key] = text

    def _place(self, value: Any) -> int:
        """Add a complete scalar or a new container to the innermost container; the next state."""
        stack = self._stack
        if not stack:
            self._root = value
            return _DONE
        top = stack[-1]
        if type(top) is list:
            top.append(value)
        else:
            top[self._key] = value
        return _AFTER

    def _invalid(self, text: str, i: int, base: int, expected: str) -> PartialJSONError:
        found = quote_prefix(text[i : i + 33], 32) if i < len(text) else "the end of the piece"
        return PartialJSONError(expected, position=base + i, found=found)

    def _int(self, text: str, position: int) -> int:
        try:
            return int(text)
        except ValueError as exc:  # more digits than sys.get_int_max_str_digits() allows
            raise PartialJSONError(
                f"an integer json.loads accepts ({exc})", position=position, found=quote_prefix(text, 32)
            ) from None

    def _end_number(self, num_state: int, position: int) -> None:
        """Convert the number in ``_parts`` (it ended at ``position``) and place it."""
        parts = self._parts
        text = parts[0] if len(parts) == 1 else "".join(parts)
        parts.clear()
        number = self._int(text, position) if num_state == _N_INT or num_state == _N_ZERO else float(text)
        self._state = self._place(number)

    def _scan_number(self, text: str, start: int, i: int, n: int, base: int) -> int:
        """Read a number from ``text[start]`` on, whose state after ``text[i - 1]`` is
        ``_num_state``; return the index just after it.

        Returns ``n`` when the piece ends inside the number, which is then kept in
        ``_parts`` with ``_state`` set to ``_NUMBER``.
        """
        ns = self._num_state
        while i < n:
            if ns == _N_INT or ns == _N_FRAC or ns == _N_EXP_DIGITS:
                i = _skip_digits(text, i).end()
                if i == n:
                    break
            c = text[i]
            if ns == _N_SIGN:
                if c == "0":
                    ns = _N_ZERO
                elif "1" <= c <= "9":
                    ns = _N_INT
                else:
                    raise self._invalid(text, i, base, "a digit after '-'")
            elif ns == _N_ZERO or ns == _N_INT or ns == _N_FRAC:
                if c == "." and ns != _N_FRAC:
                    ns = _N_DOT
                elif c == "e" or c == "E":
                    ns = _N_EXP
                else:
                    break
            elif ns == _N_DOT:
                if "0" <= c <= "9":
                    ns = _N_FRAC
                else:
                    raise self._invalid(text, i, base, "a digit after '.'")
            elif ns == _N_EXP:
                if c == "+" or c == "-":
                    ns = _N_EXP_SIGN
                elif "0" <= c <= "9":
                    ns = _N_EXP_DIGITS
                else:
                    raise self._invalid(text, i, base, "a digit or a sign in the exponent")
            elif ns == _N_EXP_SIGN:
                if "0" <= c <= "9":
                    ns = _N_EXP_DIGITS
                else:
                    raise self._invalid(text, i, base, "a digit in the exponent")
            else:  # _N_EXP_DIGITS, followed by something else
                break
            i += 1
        if i > start:
            self._parts.append(text[start:i])
        if i == n:
            self._num_state = ns
            self._state = _NUMBER
            return n
        self._end_number(ns, base + i)
        return i

    def _unicode_escape(self, text: str, j: int, n: int, base: int) -> tuple[str, int] | None:
        """Decode the ``\\uXXXX`` escape at ``text[j]`` (joined with a low surrogate escape
        after a high one, as json does); ``(character, index after it)``, or ``None``
        when the piece ends before that is decided."""
        for p in range(j + 2, min(n, j + 6)):
            if text[p] not in _HEX:
                raise self._invalid(text, p, base, "4 hex digits after '\\u'")
        if n < j + 6:
            return None
        code = int(text[j + 2 : j + 6], 16)
        if not 0xD800 <= code <= 0xDBFF:
            return chr(code), j + 6
        # A high surrogate: a following \uDC00-\uDFFF escape completes the pair.
        if n == j + 6 or (text[j + 6] == "\\" and n == j + 7):
            return None
        if text[j + 6] != "\\" or text[j + 7] != "u":
            return chr(code), j + 6
        for p in range(j + 8, min(n, j + 12)):
            if text[p] not in _HEX:
                raise self._invalid(text, p, base, "4 hex digits after '\\u'")
        if n < j + 12:
            return None
        low = int(text[j + 8 : j + 12], 16)
        if 0xDC00 <= low <= 0xDFFF:
            return chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)), j + 12
        return chr(code), j + 6  # a lone high surrogate; the next escape is read on its own
