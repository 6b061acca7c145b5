# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""The compiled path of the ``gemini`` reducer: a chunk read without building its dicts.

Every Gemini event is a whole ``GenerateContentResponse``: the newest piece of each
candidate wrapped in the same envelope (``content``, ``role``, ``index``,
``usageMetadata`` with its details, ``modelVersion``, ``responseId``...). Decoding
all of it into dicts costs more than folding the piece in. ``feed_gemini`` walks the
event's data once, validating all of it as JSON, and notes where the few values the
reducer reads lie: the candidates, their parts, their finish reasons, the usage
object and the metadata strings. Then it makes the reducer's own updates, through
the methods the reducer documents as the compiled path's contract (``text``,
``thought_text``, ``part``, ``finish``, ``usage``, ``meta``, ``candidate``; a usage
object whose text is the last one folded in, ``usage_text``, is skipped), which
the pure path calls too:

- a part that is only ``text`` (a string), or exactly ``text`` and ``thought``
  (``true`` or ``false``), gives the string: sliced from the data when it has no
  escape, else decoded by the stdlib's JSON scanner from its opening quote;
- any other part (a function call, a signed part, an image...), and the usage
  object, are built alone from where they start in the data (by a small builder
  when they hold only plain strings, small integers and literals, else by the same
  scanner), as the full decode would have built them; so is a
  candidate with members besides ``content``, ``finishReason`` and ``index``
  (``safetyRatings``, ``citationMetadata``...), for ``candidate_extra``.

Anything else (a member the walker does not know at the top level, a key it reads
given twice or with an escape, a value of a type the reducer would
refuse, a candidate index that is not a small integer, nesting past 64 levels, a
number of more than 100 characters, an ``event: error``, whitespace around the
chunk) sends the event, unchanged, to ``reducer.feed_event``: the full decode, the
single place of semantics. The walker accepts a strict subset of what ``json.loads``
accepts, so an event it takes is one the full decode takes, with the same values.
``tests/test_gemini_fast.py`` checks on random streams that both paths give the same
deltas, results and errors.
"""

import json

from cpython.unicode cimport PyUnicode_Substring
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t
from libc.string cimport memcpy

from ._errors import SseparseError


cdef extern from "Python.h":
    unsigned int PyUnicode_KIND(object o)
    void* PyUnicode_DATA(object o)
    Py_ssize_t PyUnicode_GET_LENGTH(object o)
    int PyUnicode_1BYTE_KIND
    int PyUnicode_2BYTE_KIND


ctypedef fused ucs_t:
    uint8_t
    uint16_t
    uint32_t


cdef enum:
    _MAX_DEPTH = 64     # deeper values go to the full decode
    _MAX_ITEMS = 32     # items taken from one chunk; more go to the full decode
    _FB = -1            # "not for this path": hand the event to feed_event

# The items of a chunk, in the order the reducer folds them in.
cdef enum:
    _CANDIDATE = 1      # a candidate begins: index
    _TEXT = 2           # a part that is only "text": the string's span
    _THOUGHT = 3        # a part of "text" and "thought": the span; index 1 when thought is true
    _PART = 4           # any other part: start is its "{"
    _FINISH = 5         # the candidate's finishReason (a non-empty string): the span
    _EXTRA = 6          # the candidate has other members (safetyRatings...): start is its "{"


cdef struct Item:
    int kind
    long index
    Py_ssize_t start    # a string: its first character inside the quotes
    Py_ssize_t end      # a string: its closing quote
    bint escaped


cdef struct Chunk:
    int count
    Item items[_MAX_ITEMS]
    Py_ssize_t usage    # where a non-empty usageMetadata object starts, or -1
    Py_ssize_t usage_end
    Item id             # responseId, modelVersion, createTime: kind 1 for a string, 2 for null
    Item model
    Item created
    bint member         # a member only Gemini sends: candidates, usageMetadata, modelVersion


# -- the JSON walker (the approach of _fastpath.pyx, kept small) ---------------------------

cdef inline bint _is_ws(uint32_t c) nogil:
    return c == 32 or c == 10 or c == 13 or c == 9


cdef inline Py_ssize_t _ws(const ucs_t* s, Py_ssize_t i, Py_ssize_t n) nogil:
    while i < n and _is_ws(s[i]):
        i += 1
    return i


cdef inline bint _is_hex(uint32_t c) nogil:
    return 48 <= c <= 57 or 97 <= c <= 102 or 65 <= c <= 70


# Characters that end a plain run inside a string: the quote, the backslash and the
# control characters (which json.loads rejects raw).
cdef unsigned char _SPECIAL[256]
_SPECIAL[:] = [1 if c < 32 or c == 34 or c == 92 else 0 for c in range(256)]


cdef Py_ssize_t _string(const ucs_t* s, Py_ssize_t i, Py_ssize_t n, Item* span) nogil:
    """``s[i]`` is an opening quote: the index after the closing one, or _FB."""
    cdef Py_ssize_t j = i + 1
    cdef uint32_t c
    cdef int k
    cdef uint64_t w, w2, t
    span.escaped = False
    span.start = j
    while True:
        if ucs_t is uint8_t:
            # Eight characters at a time while none is special (a byte equal to a
            # quote or a backslash, or below 32, sets its high bit in t).
            while j + 8 <= n:
                memcpy(&w, s + j, 8)
                t = w ^ 0x2222222222222222ULL
                t = (t - 0x0101010101010101ULL) & ~t
                w2 = w ^ 0x5C5C5C5C5C5C5C5CULL
                t |= (w2 - 0x0101010101010101ULL) & ~w2
                t |= (w - 0x2020202020202020ULL) & ~w
                if t & 0x8080808080808080ULL:
                    break  # the plain loop below finds which character it is
                j += 8
        while j < n and (s[j] > 255 or not _SPECIAL[s[j]]):
            j += 1
        if j >= n:
            return _FB
        c = s[j]
        if c == 34:  # "
            span.end = j
            return j + 1
        if c < 32:
            return _FB
        span.escaped = True  # a backslash
        if j + 1 >= n:
            return _FB
        c = s[j + 1]
        if c == 117:  # u
            if j + 5 >= n:
                return _FB
            for k in range(2, 6):
                if not _is_hex(s[j + k]):
                    return _FB
            j += 6
        elif c == 34 or c == 92 or c == 47 or c == 98 or c == 102 or c == 110 or c == 114 or c == 116:
            j += 2
        else:
            return _FB


cdef Py_ssize_t _number(const ucs_t* s, Py_ssize_t i, Py_ssize_t n) nogil:
    """An RFC 8259 number at ``s[i]``: the index after it, or _FB (also for more than
    100 characters: Python limits the digits of an int)."""
    cdef Py_ssize_t start = i
    if i < n and s[i] == 45:  # -
        i += 1
    if i >= n:
        return _FB
    if s[i] == 48:  # 0
        i += 1
    elif 49 <= s[i] <= 57:
        while i < n and 48 <= s[i] <= 57:
            i += 1
    else:
        return _FB
    if i < n and s[i] == 46:  # .
        i += 1
        if i >= n or not (48 <= s[i] <= 57):
            return _FB
        while i < n and 48 <= s[i] <= 57:
            i += 1
    if i < n and (s[i] == 101 or s[i] == 69):  # e E
        i += 1
        if i < n and (s[i] == 43 or s[i] == 45):
            i += 1
        if i >= n or not (48 <= s[i] <= 57):
            return _FB
        while i < n and 48 <= s[i] <= 57:
            i += 1
    if i - start > 100:
        return _FB
    return i


cdef inline Py_ssize_t _literal(const ucs_t* s, Py_ssize_t i, Py_ssize_t n, const char* word, Py_ssize_t k) nogil:
    cdef Py_ssize_t j
    if i + k > n:
        return _FB
    for j in range(k):
        if s[i + j] != <uint32_t>word[j]:
            return _FB
    return i + k


cdef Py_ssize_t _value(const ucs_t* s, Py_ssize_t i, Py_ssize_t n, int depth) nogil:
    """Skips (and validates) the value at ``s[i]``; ``depth`` counts the containers
    around it."""
    cdef Item span
    cdef uint32_t c
    if i >= n:
        return _FB
    c = s[i]
    if c == 34:
        return _string(s, i, n, &span)
    if c == 123 or c == 91:  # { [
        if depth >= _MAX_DEPTH:
            return _FB
        return _container(s, i, n, depth + 1)
    if c == 116:
        return _literal(s, i, n, b"true", 4)
    if c == 102:
        return _literal(s, i, n, b"false", 5)
    if c == 110:
        return _literal(s, i, n, b"null", 4)
    return _number(s, i, n)


cdef Py_ssize_t _container(const ucs_t* s, Py_ssize_t i, Py_ssize_t n, int depth) nogil:
    cdef Item span
    cdef bint obj = s[i] == 123
    cdef uint32_t close = 125 if obj else 93
    i = _ws(s, i + 1, n)
    if i < n and s[i] == close:
        return i + 1
    while True:
        if obj:
            if i >= n or s[i] != 34:
                return _FB
            i = _string(s, i, n, &span)
            if i < 0:
                return _FB
            i = _ws(s, i, n)
            if i >= n or s[i] != 58:  # :
                return _FB
            i = _ws(s, i + 1, n)
        i = _value(s, i, n, depth)
        if i < 0:
            return _FB
        i = _ws(s, i, n)
        if i >= n:
            return _FB
        if s[i] == close:
            return i + 1
        if s[i] != 44:  # ,
            return _FB
        i = _ws(s, i + 1, n)


cdef inline bint _key_is(const ucs_t* s, Item* key, const char* word, Py_ssize_t k) nogil:
    cdef Py_ssize_t j
    if key.end - key.start != k:
        return False
    for j in range(k):
        if s[key.start + j] != <uint32_t>word[j]:
            return False
    return True


cdef Py_ssize_t _member(const ucs_t* s, Py_ssize_t i, Py_ssize_t n, Item* key) nogil:
    """At a member's key: reads the key, which must have no escape, and returns the
    index of its value (whitespace skipped), or _FB."""
    if i >= n or s[i] != 34:
        return _FB
    i = _string(s, i, n, key)
    if i < 0 or key.escaped:
        return _FB
    i = _ws(s, i, n)
    if i >= n or s[i] != 58:
        return _FB
    return _ws(s, i + 1, n)


cdef inline Py_ssize_t _next(const ucs_t* s, Py_ssize_t i, Py_ssize_t n, uint32_t close, bint* done) nogil:
    """After a value inside a container: past the ``,`` (done False) or the closing
    character (done True); _FB otherwise."""
    i = _ws(s, i, n)
    if i >= n:
        return _FB
    if s[i] == close:
        done[0] = True
        return i + 1
    if s[i] != 44:
        return _FB
    done[0] = False
    return _ws(s, i + 1, n)


cdef inline Py_ssize_t _opens(const ucs_t* s, Py_ssize_t i, Py_ssize_t n, uint32_t close, bint* empty) nogil:
    """``s[i]`` opens a container: the index of its first member or element, with
    ``empty`` set when it closes at once (then the index after it)."""
    i = _ws(s, i + 1, n)
    empty[0] = i < n and s[i] == close
    return i + 1 if empty[0] else i


cdef inline Item* _add(Chunk* c) nogil:
    if c.count == _MAX_ITEMS:
        return NULL
    c.count += 1
    return &c.items[c.count - 1]


# -- a GenerateContentResponse -------------------------------------------------------------

cdef Py_ssize_t _part(const ucs_t* s, Py_ssize_t i, Py_ssize_t n, Chunk* c, Item* item) nogil:
    """A content part at ``s[i]``: ``_TEXT``, ``_THOUGHT`` or ``_PART``."""
    cdef Item key, text
    cdef bint done, empty
    cdef int members = 0, texts = 0, thoughts = 0
    cdef long thought = 0
    item.kind = _PART
    item.start = i
    if i >= n or s[i] != 123:
        return _FB  # not an object: the full decode says why
    i = _opens(s, i, n, 125, &empty)
    if empty:
        return i
    done = False
    while not done:
        i = _member(s, i, n, &key)
        if i < 0:
            return _FB
        members += 1
        if _key_is(s, &key, b"text", 4) and i < n and s[i] == 34:
            texts += 1
            i = _string(s, i, n, &text)
        elif _key_is(s, &key, b"thought", 7) and i < n and (s[i] == 116 or s[i] == 102):
            thoughts += 1
            thought = s[i] == 116
            i = _value(s, i, n, 2)
        else:
            i = _value(s, i, n, 2)
        if i < 0:
            return _FB
        i = _next(s, i, n, 125, &done)
        if i < 0:
            return _FB
    if texts == 1 and members == 1:
        item.kind = _TEXT
    elif texts == 1 and thoughts == 1 and members == 2:
        item.kind = _THOUGHT
        item.index = thought
    else:
        return i  # any other part: decoded alone
    item.start = text.start
    item.end = text.end
    item.escaped = text.escaped
    return i


cdef Py_ssize_t _content(const ucs_t* s, Py_ssize_t i, Py_ssize_t n, Chunk* c) nogil:
    """A candidate's ``content`` object at ``s[i]``: its parts become items."""
    cdef Item key
    cdef Item* item
    cdef bint done, empty, parts = False, pdone
    i = _opens(s, i, n, 125, &empty)
    if empty:
        return i
    done = False
    while not done:
        i = _member(s, i, n, &key)
        if i < 0:
            return _FB
        if _key_is(s, &key, b"parts", 5):
            if parts:
                return _FB
            parts = True
            if i < n and s[i] == 91:  # [
                i = _opens(s, i, n, 93, &empty)
                pdone = empty
                while not pdone:
                    item = _add(c)
                    if item == NULL:
                        return _FB
                    i = _part(s, i, n, c, item)
                    if i < 0:
                        return _FB
                    i = _next(s, i, n, 93, &pdone)
                    if i < 0:
                        return _FB
            else:
                i = _literal(s, i, n, b"null", 4)
        else:
            i = _value(s, i, n, 2)  # role, and whatever else: the reducer reads only the parts
        if i < 0:
            return _FB
        i = _next(s, i, n, 125, &done)
        if i < 0:
            return _FB
    return i


cdef Py_ssize_t _candidate(const ucs_t* s, Py_ssize_t i, Py_ssize_t n, Chunk* c) nogil:
    """A candidate object at ``s[i]``: a _CANDIDATE item, its parts, its finish reason."""
    cdef Item key, reason
    cdef Item* head
    cdef Item* item
    cdef bint done, empty = False, seen_index = False, seen_content = False, seen_reason = False
    cdef bint has_reason = False, has_extra = False
    cdef Py_ssize_t start = i
    cdef long index = 0
    cdef int digits
    if i >= n or s[i] != 123:
        return _FB
    head = _add(c)
    if head == NULL:
        return _FB
    head.kind = _CANDIDATE
    i = _opens(s, i, n, 125, &empty)
    done = empty
    while not done:
        i = _member(s, i, n, &key)
        if i < 0:
            return _FB
        if _key_is(s, &key, b"index", 5):
            if seen_index or i >= n or not (48 <= s[i] <= 57):
                return _FB
            seen_index = True
            if s[i] == 48:
                i += 1
            else:
                digits = 0
                while i < n and 48 <= s[i] <= 57:
                    digits += 1
                    if digits > 9:
                        return _FB
                    index = index * 10 + <long>(s[i] - 48)
                    i += 1
            if i < n and (s[i] == 46 or s[i] == 101 or s[i] == 69 or 48 <= s[i] <= 57):
                return _FB  # a fraction, an exponent, a leading zero: the full decode
        elif _key_is(s, &key, b"content", 7):
            if seen_content:
                return _FB
            seen_content = True
            if i < n and s[i] == 123:
                i = _content(s, i, n, c)
            else:
                i = _literal(s, i, n, b"null", 4)
        elif _key_is(s, &key, b"finishReason", 12):
            if seen_reason:
                return _FB
            seen_reason = True
            if i < n and s[i] == 34:
                i = _string(s, i, n, &reason)
                has_reason = reason.end > reason.start
            else:
                i = _literal(s, i, n, b"null", 4)
        else:
            has_extra = True  # safetyRatings, citationMetadata...: kept in extra
            i = _value(s, i, n, 3)
        if i < 0:
            return _FB
        i = _next(s, i, n, 125, &done)
        if i < 0:
            return _FB
    head.index = index
    if has_reason:
        item = _add(c)
        if item == NULL:
            return _FB
        item.kind = _FINISH
        item.start = reason.start
        item.end = reason.end
        item.escaped = reason.escaped
    if has_extra:
        item = _add(c)
        if item == NULL:
            return _FB
        item.kind = _EXTRA
        item.start = start
    return i


cdef Py_ssize_t _chunk(const ucs_t* s, Py_ssize_t n, Chunk* c) nogil:
    """The whole chunk: ``n`` when it is one of the shapes this path takes, else _FB."""
    cdef Item key
    cdef Item* meta
    cdef bint done, empty, seen_candidates = False, seen_usage = False
    cdef Py_ssize_t i, j
    c.count = 0
    c.usage = -1
    c.id.kind = c.model.kind = c.created.kind = 0
    c.member = False
    if n == 0 or s[0] != 123:
        return _FB
    i = _opens(s, 0, n, 125, &empty)
    if empty:
        return _FB
    done = False
    while not done:
        i = _member(s, i, n, &key)
        if i < 0:
            return _FB
        if _key_is(s, &key, b"candidates", 10):
            if seen_candidates:
                return _FB
            seen_candidates = c.member = True
            if i < n and s[i] == 91:  # [
                i = _opens(s, i, n, 93, &empty)
                done = empty
                while not done:
                    i = _candidate(s, i, n, c)
                    if i < 0:
                        return _FB
                    i = _next(s, i, n, 93, &done)
                    if i < 0:
                        return _FB
            else:
                i = _literal(s, i, n, b"null", 4)
        elif _key_is(s, &key, b"usageMetadata", 13):
            if seen_usage:
                return _FB
            seen_usage = c.member = True
            if i < n and s[i] == 123:
                _opens(s, i, n, 125, &empty)
                j = i
                i = _container(s, i, n, 1)
                if not empty:
                    c.usage = j
                    c.usage_end = i
            else:
                i = _literal(s, i, n, b"null", 4)
        else:
            if _key_is(s, &key, b"responseId", 10):
                meta = &c.id
            elif _key_is(s, &key, b"modelVersion", 12):
                meta = &c.model
                c.member = True
            elif _key_is(s, &key, b"createTime", 10):
                meta = &c.created
            else:
                return _FB  # promptFeedback, error, another dialect's member...
            if meta.kind or i >= n:
                return _FB  # (given twice: the last one counts, the full decode reads it)
            meta.kind = 2
            if s[i] == 34:
                meta.kind = 1
                i = _string(s, i, n, meta)
            else:
                i = _literal(s, i, n, b"null", 4)  # null: as if absent
        if i < 0:
            return _FB
        i = _next(s, i, n, 125, &done)
        if i < 0:
            return _FB
    return i if i == n else _FB


# -- the driver ---------------------------------------------------------------------------

_scan = json.JSONDecoder().scan_once  # the stdlib's C scanner, as the full decode uses it
cdef str _ERROR = "error"


cdef inline object _str(str data, Item* span):
    """A string the walker found: sliced, or decoded from its opening quote."""
    if span.escaped:
        return _scan(data, span.start - 1)[0]
    return PyUnicode_Substring(data, span.start, span.end)


cdef inline object _meta(str data, Item* span):
    return _str(data, span) if span.kind == 1 else None


cdef object _NONE = None
cdef object _TRUE = True
cdef object _FALSE = False


cdef object _build(str data, const ucs_t* s, Py_ssize_t* at, int depth):
    """The value at ``s[at[0]]`` (walked already: valid JSON), built as the stdlib's
    scanner builds it, when it holds only objects, arrays, strings without escapes,
    integers of at most 18 digits, ``true``, ``false`` and ``null``; ``at[0]`` is
    moved past it. Returns ``_FB_VALUE`` for anything else (the caller decodes the
    whole value with the scanner instead)."""
    cdef Py_ssize_t i = at[0], j, n = PyUnicode_GET_LENGTH(data)
    cdef Item span
    cdef uint32_t c = s[i]
    cdef long long v
    cdef bint negative
    cdef object value, key
    cdef dict obj
    cdef list arr
    if c == 34:
        i = _string(s, i, n, &span)
        if span.escaped:
            return _FB_VALUE
        at[0] = i
        return PyUnicode_Substring(data, span.start, span.end)
    if c == 123 or c == 91:
        if depth >= _MAX_DEPTH:
            return _FB_VALUE
        i = _ws(s, i + 1, n)
        if c == 123:
            obj = {}
            if s[i] == 125:
                at[0] = i + 1
                return obj
            while True:
                i = _string(s, i, n, &span)
                if span.escaped:
                    return _FB_VALUE
                key = PyUnicode_Substring(data, span.start, span.end)
                i = _ws(s, i, n)
                at[0] = _ws(s, i + 1, n)  # past the colon
                value = _build(data, s, at, depth + 1)
                if value is _FB_VALUE:
                    return _FB_VALUE
                obj[key] = value
                i = _ws(s, at[0], n)
                if s[i] == 125:
                    at[0] = i + 1
                    return obj
                i = _ws(s, i + 1, n)  # past the comma
        arr = []
        if s[i] == 93:
            at[0] = i + 1
            return arr
        at[0] = i
        while True:
            value = _build(data, s, at, depth + 1)
            if value is _FB_VALUE:
                return _FB_VALUE
            arr.append(value)
            i = _ws(s, at[0], n)
            if s[i] == 93:
                at[0] = i + 1
                return arr
            at[0] = _ws(s, i + 1, n)
    if c == 116:
        at[0] = i + 4
        return _TRUE
    if c == 102:
        at[0] = i + 5
        return _FALSE
    if c == 110:
        at[0] = i + 4
        return _NONE
    negative = c == 45
    j = i + 1 if negative else i
    v = 0
    while j < n and 48 <= s[j] <= 57:
        if j - i >= 18:
            return _FB_VALUE
        v = v * 10 + <long long>(s[j] - 48)
        j += 1
    if j < n and (s[j] == 46 or s[j] == 101 or s[j] == 69):
        return _FB_VALUE  # a float: the scanner's own conversion
    at[0] = j
    return -v if negative else v


cdef class _Fallback:
    pass


cdef object _FB_VALUE = _Fallback()


cdef object _value_at(str data, Py_ssize_t start):
    """The JSON value that starts at ``data[start]`` (walked already), as the full
    decode builds it."""
    cdef Py_ssize_t at = start
    cdef unsigned int kind = PyUnicode_KIND(data)
    cdef object value
    if kind == PyUnicode_1BYTE_KIND:
        value = _build(data, <const uint8_t*>PyUnicode_DATA(data), &at, 0)
    elif kind == PyUnicode_2BYTE_KIND:
        value = _build(data, <const uint16_t*>PyUnicode_DATA(data), &at, 0)
    else:
        value = _build(data, <const uint32_t*>PyUnicode_DATA(data), &at, 0)
    if value is _FB_VALUE:
        return _scan(data, start)[0]
    return value


cdef Py_ssize_t _walk(str data, Chunk* c):
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(data)
    cdef unsigned int kind = PyUnicode_KIND(data)
    if kind == PyUnicode_1BYTE_KIND:
        return _chunk(<const uint8_t*>PyUnicode_DATA(data), n, c)
    if kind == PyUnicode_2BYTE_KIND:
        return _chunk(<const uint16_t*>PyUnicode_DATA(data), n, c)
    return _chunk(<const uint32_t*>PyUnicode_DATA(data), n, c)


cdef int _fold(object reducer, object event, str data, Chunk* c, list out) except -1:
    """The reducer's updates for a walked chunk, in the order ``_apply`` makes them."""
    cdef int k
    cdef Item* item
    cdef object state = None, reason, text
    reducer.changed = True
    if reducer.need_meta:
        reducer.meta(_meta(data, &c.id), _meta(data, &c.model), _meta(data, &c.created), out)
    try:
        for k in range(c.count):
            item = &c.items[k]
            if item.kind == _CANDIDATE:
                state = reducer.candidate(event, item.index)
            elif item.kind == _TEXT:
                if item.end > item.start:
                    reducer.text(state, _str(data, item), out)
            elif item.kind == _THOUGHT:
                reducer.thought_text(state, _str(data, item), item.index == 1, out)
            elif item.kind == _PART:
                reducer.part(event, state, _value_at(data, item.start), out)
            elif item.kind == _FINISH:
                reason = _str(data, item)
                if reason != state.finish_reason:
                    reducer.finish(state, reason, out)
            else:  # _EXTRA
                reducer.candidate_extra(state, _value_at(data, item.start))
        if c.usage >= 0:
            text = PyUnicode_Substring(data, c.usage, c.usage_end)
            if text != reducer.usage_text:  # (the same report again changes nothing)
                reducer.usage(_value_at(data, c.usage), out)
                reducer.usage_text = text
    except SseparseError:
        raise
    except Exception as exc:
        raise reducer.chunk_error(event, None, exc) from None
    return 0


def feed_gemini(reducer, events, list out):
    """``GeminiReducer.feed_events``: each event through the walker when it is one
    of its shapes, else through ``reducer.feed_event``. Returns how many events took
    the walker."""
    cdef Chunk chunk
    cdef long fast = 0
    feed_event = reducer.feed_event
    for event in events:
        data = event.data
        if reducer.done or type(data) is not str or event.event == _ERROR or _walk(<str>data, &chunk) < 0:
            feed_event(event, out)
            continue
        reducer.events += 1
        fast += 1
        _fold(reducer, event, <str>data, &chunk, out)
    return fast



def is_gemini_chunk(str data):
    """Whether ``data`` is a chunk the walker takes that has a member only Gemini
    sends (``candidates``, ``usageMetadata`` or ``modelVersion``): what auto
    detection may take for Gemini without decoding it (its rules say so for any
    object whose members are all Gemini's)."""
    cdef Chunk chunk
    return _walk(data, &chunk) >= 0 and chunk.member
