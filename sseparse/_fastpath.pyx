# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""The compiled fast path of the reducers: the few fields they need, without the dict.

Nearly every event of a long answer is one of a handful of shapes: an OpenAI chat
chunk whose only delta is a piece of text or of one tool call's arguments, an
Anthropic ``content_block_delta`` carrying a ``text_delta`` or an
``input_json_delta``. For those, building the whole chunk as Python dicts (``id``,
``model``, ``object``, ``created``, ``system_fingerprint``, ``obfuscation``...) costs
more than everything else the pipeline does. ``feed_openai_chat`` and
``feed_anthropic`` walk the event's data once, validating all of it as JSON, pull out
the one string the reducer needs, and make the reducer's very own state update
(append the piece to its list, build the delta the caller asked for). Any event that
is not one of those shapes, or anything unusual in it (a key with an escape, a
number where a string belongs, ``NaN``, nesting past 64 levels, a duplicated key that
matters, a state the update needs that does not exist yet), is handed, unchanged,
to the reducer's ``feed_event``: the full decode, the single place of semantics.

What "validating all of it" means: the walker accepts a strict subset of what
``json.loads`` accepts (RFC 8259 JSON without ``NaN`` / ``Infinity``, strings without
raw control characters, escapes well formed), so every event it takes is one the
full decode takes too, with the same values: strings are sliced from the event's
``str`` when they have no escape, and decoded like the stdlib's scanner when they
do (``\\uXXXX`` surrogate pairs joined, lone surrogates kept). Everything else goes
to the full decode, which gives the error, if any. ``tests/test_fastpath_differential.py``
checks on random chunks that both paths give the same deltas, results and errors.

The walker reads the ``str`` in its own storage (1, 2 or 4 bytes per character:
the functions are fused over the three), so no UTF-8 copy is made.

The same walker also reads UTF-8 bytes, as a 1-byte ``str``: ``FusedFeed`` (at the
end) is the fused path the ``Accumulator`` uses when both compiled modules are built,
where the compiled parser hands each completed event's data buffer to the extractor
before any ``str`` or ``Event`` exists. Besides text and argument pieces, openai-chat
chunks may carry a non-empty string ``finish_reason`` and, alone in their chunk, a
tool call's first piece (its ``id`` and ``name``); the fused path also ends the stream
at ``[DONE]`` as ``feed_event`` does, without raising and catching a decode error.
openai-responses delta events (text, a call's arguments, a reasoning summary: nearly
every event of an answer) take the fused path too (``_responses_event``).

Consecutive chunks of one answer are near copies: the same envelope, the same
choice, the same call, only the piece of text (and OpenAI's random ``obfuscation``
pad) changes. ``FusedFeed`` keeps the last chunk that gave one text or arguments
piece as a template and takes a chunk that equals it outside those two strings with
two ``memcmp`` and a scan of the strings, instead of a walk of the whole chunk
(``_template_match`` says why that is exact).
"""

from cpython.mem cimport PyMem_Free, PyMem_Malloc, PyMem_Realloc
from cpython.list cimport PyList_Append
from cpython.ref cimport PyObject
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t
from libc.string cimport memcpy
from cpython.unicode cimport PyUnicode_DecodeUTF8, PyUnicode_FromKindAndData, PyUnicode_Substring
from libc.string cimport memcmp

from cpython.pycapsule cimport PyCapsule_New

from ._completion import new_arguments_delta, new_reasoning_delta, new_text_delta


cdef extern from "Python.h":
    unsigned int PyUnicode_KIND(object o)
    void* PyUnicode_DATA(object o)
    Py_ssize_t PyUnicode_GET_LENGTH(object o)
    int PyUnicode_1BYTE_KIND
    int PyUnicode_2BYTE_KIND
    int PyUnicode_4BYTE_KIND


cdef extern from *:
    """
    #if defined(_MSC_VER)
    #include <intrin.h>
    static int sse_ctz64(unsigned long long x) { unsigned long i; _BitScanForward64(&i, x); return (int)i; }
    #define SSE_LITTLE_ENDIAN 1
    #else
    #define sse_ctz64(x) __builtin_ctzll(x)
    #if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    #define SSE_LITTLE_ENDIAN 0
    #else
    #define SSE_LITTLE_ENDIAN 1
    #endif
    #endif
    """
    int sse_ctz64(uint64_t x) nogil
    bint SSE_LITTLE_ENDIAN


ctypedef fused ucs_t:
    uint8_t
    uint16_t
    uint32_t


# The anthropic reducer's _Block.grows values (anthropic.py: _TEXT, _THINKING, _INPUT).
cdef enum:
    _TEXT = 1
    _INPUT = 3

cdef enum:
    _MAX_DEPTH = 64     # deeper values go to the full decode
    _MAX_ITEMS = 16     # pieces pulled from one chunk
    _FB = -1            # "not for the fast path": hand the event to feed_event

# What an item of a chunk adds.
cdef enum:
    _ITEM_TEXT = 1
    _ITEM_ARGS = 2
    _ITEM_CALL = 3      # a tool-call piece with an id or a name: maybe a new call
    _ITEM_FINISH = 4    # a choice's finish reason (a string), after its other items
    _ITEM_REASONING = 5 # a piece of a reasoning summary (openai-responses)


cdef struct Span:
    Py_ssize_t start    # first character inside the quotes
    Py_ssize_t end      # the closing quote
    bint escaped


cdef struct Item:
    int kind
    long choice
    long key
    Span text
    Span id             # _ITEM_CALL: the id, if has_id
    Span name           # _ITEM_CALL: the name, if has_name
    bint has_id         # a non-empty id string
    bint has_name       # a non-empty name string


# -- the JSON walker ----------------------------------------------------------------------

cdef inline bint _is_ws(uint32_t c) nogil:
    return c == 32 or c == 10 or c == 13 or c == 9


cdef inline Py_ssize_t _ws(const ucs_t* s, Py_ssize_t i, Py_ssize_t n) nogil:
    while i < n and _is_ws(s[i]):
        i += 1
    return i


cdef inline int _hex(uint32_t c) nogil:
    if 48 <= c <= 57:
        return <int>c - 48
    if 97 <= c <= 102:
        return <int>c - 87
    if 65 <= c <= 70:
        return <int>c - 55
    return -1


# Characters that end a plain run inside a string: the quote, the backslash and the
# control characters (which json.loads rejects raw).
cdef unsigned char _SPECIAL[256]
_SPECIAL[:] = [1 if c < 32 or c == 34 or c == 92 else 0 for c in range(256)]


cdef inline Py_ssize_t _string(const ucs_t* s, Py_ssize_t i, Py_ssize_t n, Span* span) nogil:
    """``s[i]`` is an opening quote: the index after the closing one, or _FB."""
    cdef Py_ssize_t j = i + 1
    cdef uint32_t c
    cdef int k
    span.escaped = False
    span.start = j
    cdef uint64_t w, w2, t
    while True:
        if ucs_t is uint8_t:
            # Eight characters at a time while none is special (SWAR: a byte equal to
            # a quote or a backslash, or below 32, sets its high bit in t).
            while j + 8 <= n:
                memcpy(&w, s + j, 8)
                t = w ^ 0x2222222222222222ULL
                t = (t - 0x0101010101010101ULL) & ~t
                w2 = w ^ 0x5C5C5C5C5C5C5C5CULL
                t |= (w2 - 0x0101010101010101ULL) & ~w2
                t |= (w - 0x2020202020202020ULL) & ~w
                t &= 0x8080808080808080ULL
                if t:
                    # The lowest flagged byte is a true hit (a borrow only flags bytes
                    # above one): jump to it; the loop below then stops at once.
                    if SSE_LITTLE_ENDIAN:
                        j += sse_ctz64(t) >> 3
                    break
                j += 8
        # The plain run: for 1-byte strings the first test folds away.
        while j < n and (s[j] > 255 or not _SPECIAL[s[j]]):
            j += 1
        if j >= n:
            return _FB
        c = s[j]
        if c == 34:  # "
            span.end = j
            return j + 1
        if c < 32:  # json.loads is strict: raw control characters are errors
            return _FB
        # a backslash
        span.escaped = True
        if j + 1 >= n:
            return _FB
        c = s[j + 1]
        if c == 117:  # u
            if j + 5 >= n:
                return _FB
            for k in range(2, 6):
                if _hex(s[j + k]) < 0:
                    return _FB
            j += 6
        elif c == 34 or c == 92 or c == 47 or c == 98 or c == 102 or c == 110 or c == 114 or c == 116:
            j += 2
        else:
            return _FB


cdef Py_ssize_t _number(const ucs_t* s, Py_ssize_t i, Py_ssize_t n) nogil:
    """RFC 8259 number at ``s[i]``: the index after it, or _FB. Numbers of more than
    100 characters go to the full decode (Python limits the digits of an int)."""
    cdef Py_ssize_t start = i
    i = _number_end(s, i, n)
    if i - start > 100:
        return _FB
    return i


cdef Py_ssize_t _number_end(const ucs_t* s, Py_ssize_t i, Py_ssize_t n) nogil:
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
        return _FB  # -Infinity and the like: the full decode decides
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
    """Skips (and validates) the value at ``s[i]`` (no whitespace before it)."""
    cdef Span span
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
    cdef Span span
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


cdef inline bint _key_is(const ucs_t* s, Span* key, const char* word, Py_ssize_t k) nogil:
    cdef Py_ssize_t j
    if key.end - key.start != k:
        return False
    for j in range(k):
        if s[key.start + j] != <uint32_t>word[j]:
            return False
    return True


cdef Py_ssize_t _index(const ucs_t* s, Py_ssize_t i, Py_ssize_t n, long* out) nogil:
    """A small non-negative integer (no sign, fraction or exponent), or _FB."""
    cdef long v = 0
    cdef Py_ssize_t start = i
    if i >= n or not (48 <= s[i] <= 57):
        return _FB
    if s[i] == 48 and i + 1 < n and 48 <= s[i + 1] <= 57:
        return _FB
    while i < n and 48 <= s[i] <= 57:
        if i - start >= 9:
            return _FB
        v = v * 10 + <long>(s[i] - 48)
        i += 1
    if i < n and (s[i] == 46 or s[i] == 101 or s[i] == 69):
        return _FB
    out[0] = v
    return i


cdef inline Py_ssize_t _null(const ucs_t* s, Py_ssize_t i, Py_ssize_t n) nogil:
    return _literal(s, i, n, b"null", 4)


cdef inline Py_ssize_t _plain(const ucs_t* s, Py_ssize_t i, Py_ssize_t n, Span* span) nogil:
    """A string without escapes (a key, a type tag) at ``s[i]``: the index after it,
    or _FB (no string there, or one with an escape: the full decode reads it)."""
    if i >= n or s[i] != 34:
        return _FB
    i = _string(s, i, n, span)
    if i < 0 or span.escaped:
        return _FB
    return i


cdef Py_ssize_t _member(const ucs_t* s, Py_ssize_t i, Py_ssize_t n, Span* key) nogil:
    """At a member's key (after ``{`` or ``,`` and whitespace): reads the key, which
    must have no escape, and returns the index of its value, or _FB."""
    i = _plain(s, i, n, key)
    if i < 0:
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


# -- openai-chat chunks -------------------------------------------------------------------

cdef Py_ssize_t _chat_piece(const ucs_t* s, Py_ssize_t i, Py_ssize_t n, Item* item) nogil:
    """One tool-call piece ``{"index": K, "function": {"arguments": "..."}}``, other
    members allowed; an ``id`` and a ``name`` (strings or null, once each) make it an
    _ITEM_CALL when either is a non-empty string (the first piece of a call)."""
    cdef Span key, span
    cdef bint done = False, has_index = False, has_args = False, has_function = False
    cdef bint fdone, seen_id = False, seen_name = False
    item.has_id = False
    item.has_name = False
    if i >= n or s[i] != 123:
        return _FB
    i = _ws(s, i + 1, n)
    if i < n and s[i] == 125:
        return _FB
    while not done:
        i = _member(s, i, n, &key)
        if i < 0:
            return _FB
        if _key_is(s, &key, b"index", 5):
            if has_index:
                return _FB
            has_index = True
            i = _index(s, i, n, &item.key)
        elif _key_is(s, &key, b"id", 2):
            if seen_id:
                return _FB  # the last one counts: the full decode
            seen_id = True
            if i < n and s[i] == 34:
                i = _string(s, i, n, &item.id)
                item.has_id = item.id.end != item.id.start
            else:
                i = _null(s, i, n)
        elif _key_is(s, &key, b"function", 8):
            if has_function or i >= n or s[i] != 123:
                return _FB
            has_function = True
            i = _ws(s, i + 1, n)
            if i < n and s[i] == 125:
                return _FB
            fdone = False
            while not fdone:
                i = _member(s, i, n, &key)
                if i < 0:
                    return _FB
                if _key_is(s, &key, b"arguments", 9):
                    if has_args or i >= n or s[i] != 34:
                        return _FB
                    has_args = True
                    i = _string(s, i, n, &item.text)
                elif _key_is(s, &key, b"name", 4):
                    if seen_name:
                        return _FB
                    seen_name = True
                    if i < n and s[i] == 34:
                        i = _string(s, i, n, &item.name)
                        item.has_name = item.name.end != item.name.start
                    else:
                        i = _null(s, i, n)
                else:
                    i = _value(s, i, n, 3)
                if i < 0:
                    return _FB
                i = _next(s, i, n, 125, &fdone)
                if i < 0:
                    return _FB
        else:
            i = _value(s, i, n, 2)
        if i < 0:
            return _FB
        i = _next(s, i, n, 125, &done)
        if i < 0:
            return _FB
    if not has_index or not has_args:
        return _FB
    item.kind = _ITEM_CALL if item.has_id or item.has_name else _ITEM_ARGS
    return i


cdef Py_ssize_t _chat_delta(const ucs_t* s, Py_ssize_t i, Py_ssize_t n, long choice,
                            Item* items, int* count) nogil:
    """A delta that is ``{}``, ``{"content": "..."}`` or ``{"tool_calls": [...]}``."""
    cdef Span key
    cdef bint done = False
    if s[i] != 123:
        return _FB
    i = _ws(s, i + 1, n)
    if i < n and s[i] == 125:
        return i + 1
    i = _member(s, i, n, &key)
    if i < 0 or i >= n:
        return _FB
    if _key_is(s, &key, b"content", 7):
        if s[i] != 34 or count[0] >= _MAX_ITEMS:
            return _FB
        items[count[0]].kind = _ITEM_TEXT
        items[count[0]].choice = choice
        i = _string(s, i, n, &items[count[0]].text)
        count[0] += 1
    elif _key_is(s, &key, b"tool_calls", 10):
        if s[i] != 91:
            return _FB
        i = _ws(s, i + 1, n)
        if i < n and s[i] == 93:
            i += 1
        else:
            while not done:
                if count[0] >= _MAX_ITEMS:
                    return _FB
                items[count[0]].choice = choice
                i = _chat_piece(s, i, n, &items[count[0]])
                if i < 0:
                    return _FB
                count[0] += 1
                i = _next(s, i, n, 93, &done)
                if i < 0:
                    return _FB
    else:
        return _FB
    if i < 0:
        return _FB
    i = _ws(s, i, n)
    if i >= n or s[i] != 125:  # a second member: the reducer's longer path
        return _FB
    return i + 1


cdef Py_ssize_t _chat_choice(const ucs_t* s, Py_ssize_t i, Py_ssize_t n, Item* items, int* count) nogil:
    cdef Span key, finish
    cdef bint done = False, has_index = False, has_delta = False, has_finish = False
    cdef bint seen_finish = False
    cdef long choice = 0  # a missing index is the only choice, 0, as in the reducer
    cdef Py_ssize_t delta_at = -1
    cdef int first = count[0]
    cdef int k
    if i >= n or s[i] != 123:
        return _FB
    i = _ws(s, i + 1, n)
    if i < n and s[i] == 125:  # {}: choice 0 with nothing in it
        done = True
        i += 1
    while not done:
        i = _member(s, i, n, &key)
        if i < 0:
            return _FB
        if _key_is(s, &key, b"index", 5):
            if has_index:
                return _FB
            has_index = True
            i = _index(s, i, n, &choice)
        elif _key_is(s, &key, b"delta", 5):
            if has_delta or i >= n:
                return _FB
            has_delta = True
            if s[i] == 110:
                i = _null(s, i, n)
            else:
                i = _chat_delta(s, i, n, 0, items, count)
        elif _key_is(s, &key, b"finish_reason", 13):
            if seen_finish:
                return _FB
            seen_finish = True
            if i < n and s[i] == 34:
                i = _string(s, i, n, &finish)
                has_finish = finish.end != finish.start  # "" is no reason, as null
            else:
                i = _null(s, i, n)
        elif _key_is(s, &key, b"logprobs", 8):
            i = _null(s, i, n)
        elif _key_is(s, &key, b"text", 4):
            return _FB  # legacy Completions text: the reducer reads it
        else:
            i = _value(s, i, n, 2)
        if i < 0:
            return _FB
        i = _next(s, i, n, 125, &done)
        if i < 0:
            return _FB
    for k in range(first, count[0]):  # the index may come after the delta
        items[k].choice = choice
    if has_finish:  # the reducer sets the reason after the delta's pieces
        if count[0] >= _MAX_ITEMS:
            return _FB
        items[count[0]].kind = _ITEM_FINISH
        items[count[0]].choice = choice
        items[count[0]].text = finish
        count[0] += 1
    if count[0] == first:
        # Nothing to add, but the reducer creates the choice's state: only when it exists.
        if count[0] >= _MAX_ITEMS:
            return _FB
        items[count[0]].kind = 0
        items[count[0]].choice = choice
        count[0] += 1
    return i


cdef Py_ssize_t _chat_chunk(const ucs_t* s, Py_ssize_t n, Item* items, int* count, Span* pad) nogil:
    """The items of a chunk, or _FB. ``pad`` gets the span of a top-level
    ``"obfuscation"`` string (start -1 if none): the one member that changes from
    chunk to chunk besides the text (see ``FusedFeed._template_match``)."""
    cdef Span key
    cdef bint done = False, has_choices = False, cdone
    cdef Py_ssize_t i = _ws(s, 0, n)
    pad.start = -1
    if i >= n or s[i] != 123:
        return _FB
    i = _ws(s, i + 1, n)
    if i < n and s[i] == 125:
        return _FB
    while not done:
        i = _member(s, i, n, &key)
        if i < 0:
            return _FB
        if _key_is(s, &key, b"choices", 7):
            if has_choices or i >= n or s[i] != 91:
                return _FB
            has_choices = True
            i = _ws(s, i + 1, n)
            if i < n and s[i] == 93:
                i += 1
            else:
                cdone = False
                while not cdone:
                    i = _chat_choice(s, i, n, items, count)
                    if i < 0:
                        return _FB
                    i = _next(s, i, n, 93, &cdone)
                    if i < 0:
                        return _FB
        elif _key_is(s, &key, b"usage", 5):
            i = _null(s, i, n)
        elif _key_is(s, &key, b"x_groq", 6) or _key_is(s, &key, b"error", 5):
            return _FB
        elif _key_is(s, &key, b"obfuscation", 11) and i < n and s[i] == 34:
            i = _string(s, i, n, pad)
        else:
            i = _value(s, i, n, 1)
        if i < 0:
            return _FB
        i = _next(s, i, n, 125, &done)
        if i < 0:
            return _FB
    if _ws(s, i, n) != n:
        return _FB
    return i


# -- openai-responses events --------------------------------------------------------------

cdef Py_ssize_t _responses_event(const ucs_t* s, Py_ssize_t n, Item* item) nogil:
    """The delta events of an answer: ``{"type": T, "output_index": K, "delta": "...",
    ...}`` with T ``response.output_text.delta`` (_ITEM_TEXT, its part from
    ``content_index``), ``response.function_call_arguments.delta`` (_ITEM_ARGS) or
    ``response.reasoning_summary_text.delta`` (_ITEM_REASONING, its part from
    ``summary_index``); a missing part index is 0, as in the reducer. Other members
    are allowed (``sequence_number``, ``item_id``, ``obfuscation``...); ``logprobs``
    must be empty. A type with an escape, an index that is not a small non-negative
    integer, or a duplicated member the reducer reads: _FB. The piece goes in
    ``item.text``, K in ``item.key``, the part in ``item.choice``."""
    cdef Span key, span
    cdef bint done = False, has_delta = False, has_index = False
    cdef bint has_part = False, has_summary = False, has_logprobs = False
    cdef long part = 0, summary = 0
    cdef int kind = 0
    cdef Py_ssize_t i = _ws(s, 0, n)
    if i >= n or s[i] != 123:
        return _FB
    i = _ws(s, i + 1, n)
    if i < n and s[i] == 125:
        return _FB
    while not done:
        i = _member(s, i, n, &key)
        if i < 0 or i >= n:
            return _FB
        if _key_is(s, &key, b"type", 4):
            if kind:
                return _FB
            i = _plain(s, i, n, &span)
            if i < 0:
                return _FB
            if _key_is(s, &span, b"response.output_text.delta", 26):
                kind = _ITEM_TEXT
            elif _key_is(s, &span, b"response.function_call_arguments.delta", 38):
                kind = _ITEM_ARGS
            elif _key_is(s, &span, b"response.reasoning_summary_text.delta", 37):
                kind = _ITEM_REASONING
            else:
                return _FB
        elif _key_is(s, &key, b"delta", 5):
            if has_delta or s[i] != 34:
                return _FB
            has_delta = True
            i = _string(s, i, n, &item.text)
        elif _key_is(s, &key, b"output_index", 12):
            if has_index:
                return _FB
            has_index = True
            i = _index(s, i, n, &item.key)
        elif _key_is(s, &key, b"content_index", 13):
            if has_part:
                return _FB
            has_part = True
            i = _index(s, i, n, &part)
        elif _key_is(s, &key, b"summary_index", 13):
            if has_summary:
                return _FB
            has_summary = True
            i = _index(s, i, n, &summary)
        elif _key_is(s, &key, b"logprobs", 8):
            if has_logprobs:
                return _FB
            has_logprobs = True
            if s[i] == 91:  # [ ]
                i = _ws(s, i + 1, n)
                if i >= n or s[i] != 93:
                    return _FB
                i += 1
            else:
                i = _null(s, i, n)
        else:
            i = _value(s, i, n, 1)
        if i < 0:
            return _FB
        i = _next(s, i, n, 125, &done)
        if i < 0:
            return _FB
    if _ws(s, i, n) != n or not (kind and has_delta and has_index):
        return _FB
    item.kind = kind
    item.choice = summary if kind == _ITEM_REASONING else part if kind == _ITEM_TEXT else 0
    return i


# -- anthropic events ---------------------------------------------------------------------

cdef Py_ssize_t _messages_event(const ucs_t* s, Py_ssize_t n, Item* item) nogil:
    """``{"type": "content_block_delta", "index": K, "delta": {"type":
    "text_delta", "text": "..."}}`` or the same with ``input_json_delta`` and
    ``partial_json``; other members allowed."""
    cdef Span key, span
    cdef bint done = False, dd
    cdef bint has_type = False, has_index = False, has_delta = False, has_dtype = False
    cdef bint has_text = False, has_json = False
    cdef int dkind = 0
    cdef Span text, json
    cdef Py_ssize_t i = _ws(s, 0, n)
    if i >= n or s[i] != 123:
        return _FB
    i = _ws(s, i + 1, n)
    if i < n and s[i] == 125:
        return _FB
    while not done:
        i = _member(s, i, n, &key)
        if i < 0 or i >= n:
            return _FB
        if _key_is(s, &key, b"type", 4):
            if has_type:
                return _FB
            has_type = True
            i = _plain(s, i, n, &span)
            if i < 0 or not _key_is(s, &span, b"content_block_delta", 19):
                return _FB
        elif _key_is(s, &key, b"index", 5):
            if has_index:
                return _FB
            has_index = True
            i = _index(s, i, n, &item.key)
        elif _key_is(s, &key, b"delta", 5):
            if has_delta or s[i] != 123:
                return _FB
            has_delta = True
            i = _ws(s, i + 1, n)
            if i < n and s[i] == 125:
                return _FB
            dd = False
            while not dd:
                i = _member(s, i, n, &key)
                if i < 0 or i >= n:
                    return _FB
                if _key_is(s, &key, b"type", 4):
                    if has_dtype:
                        return _FB
                    has_dtype = True
                    i = _plain(s, i, n, &span)
                    if i < 0:
                        return _FB
                    if _key_is(s, &span, b"text_delta", 10):
                        dkind = _ITEM_TEXT
                    elif _key_is(s, &span, b"input_json_delta", 16):
                        dkind = _ITEM_ARGS
                    else:
                        return _FB
                elif _key_is(s, &key, b"text", 4):
                    if has_text or s[i] != 34:
                        return _FB
                    has_text = True
                    i = _string(s, i, n, &text)
                elif _key_is(s, &key, b"partial_json", 12):
                    if has_json or s[i] != 34:
                        return _FB
                    has_json = True
                    i = _string(s, i, n, &json)
                else:
                    i = _value(s, i, n, 2)
                if i < 0:
                    return _FB
                i = _next(s, i, n, 125, &dd)
                if i < 0:
                    return _FB
        else:
            i = _value(s, i, n, 1)
        if i < 0:
            return _FB
        i = _next(s, i, n, 125, &done)
        if i < 0:
            return _FB
    if _ws(s, i, n) != n or not (has_type and has_index and has_dtype):
        return _FB
    if dkind == _ITEM_TEXT and has_text:
        item.text = text
    elif dkind == _ITEM_ARGS and has_json:
        item.text = json
    else:
        return _FB
    item.kind = dkind
    return i


# -- strings ------------------------------------------------------------------------------

cdef str _unescape(const ucs_t* s, Py_ssize_t start, Py_ssize_t end):
    """The string between ``start`` and ``end``, whose escapes ``_string`` validated,
    decoded as the stdlib's scanner does (surrogate pairs joined, lone ones kept)."""
    cdef uint32_t* buf = <uint32_t*>PyMem_Malloc((end - start) * sizeof(uint32_t) + 4)
    cdef Py_ssize_t i = start, k = 0
    cdef uint32_t c, c2
    if buf == NULL:
        raise MemoryError()
    try:
        while i < end:
            c = s[i]
            if c != 92:
                buf[k] = c
                k += 1
                i += 1
                continue
            c = s[i + 1]
            if c == 117:
                c = (_hex(s[i + 2]) << 12) | (_hex(s[i + 3]) << 8) | (_hex(s[i + 4]) << 4) | _hex(s[i + 5])
                i += 6
                if 0xD800 <= c <= 0xDBFF and i + 5 < end and s[i] == 92 and s[i + 1] == 117:
                    c2 = (_hex(s[i + 2]) << 12) | (_hex(s[i + 3]) << 8) | (_hex(s[i + 4]) << 4) | _hex(s[i + 5])
                    if 0xDC00 <= c2 <= 0xDFFF:
                        c = 0x10000 + (((c - 0xD800) << 10) | (c2 - 0xDC00))
                        i += 6
                buf[k] = c
            else:
                if c == 98:
                    buf[k] = 8
                elif c == 102:
                    buf[k] = 12
                elif c == 110:
                    buf[k] = 10
                elif c == 114:
                    buf[k] = 13
                elif c == 116:
                    buf[k] = 9
                else:  # " \ /
                    buf[k] = c
                i += 2
            k += 1
        return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, k)
    finally:
        PyMem_Free(buf)


cdef inline str _text(str data, const ucs_t* s, Span* span):
    if span.escaped:
        return _unescape(s, span.start, span.end)
    return PyUnicode_Substring(data, span.start, span.end)


# -- the drivers --------------------------------------------------------------------------

cdef int _chat_extract(str data, Item* items) except -2:
    """The items of an openai-chat chunk, or _FB."""
    cdef int count = 0
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(data)
    cdef unsigned int kind = PyUnicode_KIND(data)
    cdef Py_ssize_t r
    cdef Span pad
    if kind == PyUnicode_1BYTE_KIND:
        r = _chat_chunk(<const uint8_t*>PyUnicode_DATA(data), n, items, &count, &pad)
    elif kind == PyUnicode_2BYTE_KIND:
        r = _chat_chunk(<const uint16_t*>PyUnicode_DATA(data), n, items, &count, &pad)
    else:
        r = _chat_chunk(<const uint32_t*>PyUnicode_DATA(data), n, items, &count, &pad)
    return _FB if r < 0 else count


cdef str _item_text(str data, Item* item):
    cdef unsigned int kind = PyUnicode_KIND(data)
    if kind == PyUnicode_1BYTE_KIND:
        return _text(data, <const uint8_t*>PyUnicode_DATA(data), &item.text)
    if kind == PyUnicode_2BYTE_KIND:
        return _text(data, <const uint16_t*>PyUnicode_DATA(data), &item.text)
    return _text(data, <const uint32_t*>PyUnicode_DATA(data), &item.text)


cdef str _ERROR = "error"


cdef str _str_span(str data, Span* span):
    cdef unsigned int kind = PyUnicode_KIND(data)
    if kind == PyUnicode_1BYTE_KIND:
        return _text(data, <const uint8_t*>PyUnicode_DATA(data), span)
    if kind == PyUnicode_2BYTE_KIND:
        return _text(data, <const uint16_t*>PyUnicode_DATA(data), span)
    return _text(data, <const uint32_t*>PyUnicode_DATA(data), span)


cdef int _finish(object reducer, object state, str reason, list out) except -1:
    """A non-empty string finish reason: the reducer's own update when it is new."""
    if reason != state.finish_reason:
        reducer.finish(state, reason, out)
    return 0


cdef int _chat_resolve(dict choices, Item* items, int count, PyObject** targets, long* positions) except -2:
    """Finds the list each item appends to (its state holds it, so borrowed pointers
    are safe): ``count``, or _FB when a state the items need does not exist yet."""
    cdef int k
    cdef object state, position, call
    for k in range(count):
        state = choices.get(items[k].choice)
        if state is None:
            return _FB
        if items[k].kind == _ITEM_TEXT:
            targets[k] = <PyObject*>state.content
        elif items[k].kind == _ITEM_CALL:
            if count != 1:
                return _FB  # alone in its chunk, or the full decode
            targets[k] = <PyObject*>state
        elif items[k].kind == _ITEM_FINISH:
            targets[k] = <PyObject*>state
        elif items[k].kind == _ITEM_ARGS:
            position = state.by_index.get(items[k].key)
            if position is None:
                return _FB
            call = state.calls[position]
            targets[k] = <PyObject*>call.pieces
            positions[k] = call.position
    return count


def feed_openai_chat(reducer, events, list out):
    """``OpenAIChatReducer.feed_events``: each event through the fast path when it
    is one of its shapes, else through ``reducer.feed_event``. Returns how many
    events took the fast path."""
    cdef Item items[_MAX_ITEMS]
    cdef PyObject* targets[_MAX_ITEMS]  # the list each item appends to (its state holds it)
    cdef long positions[_MAX_ITEMS]
    cdef int count, k
    cdef long fast = 0, pending = 0
    cdef bint ready = False
    cdef dict choices = None
    cdef object text, data
    feed_event = reducer.feed_event
    for event in events:
        if not ready:
            if reducer.done:
                break
            if reducer._need_meta:
                feed_event(event, out)
                continue
            choices = reducer._choices
            ready = True
        data = event.data
        if type(data) is not str or event.event == _ERROR:
            count = _FB
        else:
            count = _chat_extract(<str>data, items)
        if count >= 0:
            count = _chat_resolve(choices, items, count, targets, positions)
        if count < 0:
            if pending:
                reducer.events += pending
                pending = 0
            ready = False
            feed_event(event, out)
            continue
        pending += 1
        fast += 1
        for k in range(count):
            if items[k].kind == _ITEM_CALL:
                reducer.tool_piece(<object>targets[k], items[k].key,
                                   _str_span(<str>data, &items[k].id) if items[k].has_id else None,
                                   _str_span(<str>data, &items[k].name) if items[k].has_name else "",
                                   _str_span(<str>data, &items[k].text), out)
                continue
            if items[k].kind == _ITEM_FINISH:
                _finish(reducer, <object>targets[k], _str_span(<str>data, &items[k].text), out)
                continue
            if items[k].kind == 0 or items[k].text.end == items[k].text.start:
                continue
            text = _item_text(<str>data, &items[k])
            PyList_Append(<object>targets[k], text)
            if out is not None:
                if items[k].kind == _ITEM_TEXT:
                    out.append(new_text_delta(items[k].choice, text))
                else:
                    out.append(new_arguments_delta(items[k].choice, positions[k], text))
    if pending:
        reducer.events += pending
    return fast


cdef int _messages_extract(str data, Item* item) except -2:
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(data)
    cdef unsigned int kind = PyUnicode_KIND(data)
    cdef Py_ssize_t r
    if kind == PyUnicode_1BYTE_KIND:
        r = _messages_event(<const uint8_t*>PyUnicode_DATA(data), n, item)
    elif kind == PyUnicode_2BYTE_KIND:
        r = _messages_event(<const uint16_t*>PyUnicode_DATA(data), n, item)
    else:
        r = _messages_event(<const uint32_t*>PyUnicode_DATA(data), n, item)
    return _FB if r < 0 else 1


def feed_anthropic(reducer, events, list out):
    """``AnthropicReducer.feed_events``: ``content_block_delta`` text and
    ``input_json_delta`` events into the block the last delta went to, through the
    fast path; every other event through ``reducer.feed_event``. Returns how many
    events took the fast path."""
    cdef Item item
    cdef long fast = 0, pending = 0
    cdef bint ready = False
    cdef object block = None, pieces = None, block_index = None, text, data
    cdef long grows = 0, call = -1
    feed_event = reducer.feed_event
    for event in events:
        if not ready:
            if reducer.done:
                break
            block = reducer._last
            if block is not None:
                pieces = block.pieces
                grows = block.grows
                call = block.call
                block_index = block.index
            ready = True
        data = event.data
        if (type(data) is not str or block is None or type(block_index) is not int
                or _messages_extract(<str>data, &item) < 0
                or block_index != item.key
                or (item.kind == _ITEM_TEXT and grows != _TEXT)
                or (item.kind == _ITEM_ARGS and (grows != _INPUT or not pieces))):
            if pending:
                reducer.events += pending
                pending = 0
            ready = False
            feed_event(event, out)
            continue
        pending += 1
        fast += 1
        if item.text.end == item.text.start:
            continue
        text = _item_text(<str>data, &item)
        PyList_Append(pieces, text)
        if out is not None:
            if item.kind == _ITEM_TEXT:
                out.append(new_text_delta(0, text))
            elif call >= 0:
                out.append(new_arguments_delta(0, call, text))
    if pending:
        reducer.events += pending
    return fast


# -- the fused path: straight from the parser's data buffer -------------------------------

cdef str _utf8_text(const char* p, Span* span):
    """The string of ``span`` in UTF-8 ``p``, decoded as the parser decodes the whole
    data (invalid bytes become U+FFFD). The same characters as slicing the decoded
    data: a span is bounded by ASCII quotes, and the decoder never lets an invalid
    sequence swallow an ASCII byte, so decoding stops and restarts there alike."""
    cdef str raw = PyUnicode_DecodeUTF8(p + span.start, span.end - span.start, "replace")
    cdef Py_ssize_t n
    cdef unsigned int kind
    if not span.escaped:
        return raw
    n = PyUnicode_GET_LENGTH(raw)  # the escapes are ASCII: unchanged by the decode
    kind = PyUnicode_KIND(raw)
    if kind == PyUnicode_1BYTE_KIND:
        return _unescape(<const uint8_t*>PyUnicode_DATA(raw), 0, n)
    if kind == PyUnicode_2BYTE_KIND:
        return _unescape(<const uint16_t*>PyUnicode_DATA(raw), 0, n)
    return _unescape(<const uint32_t*>PyUnicode_DATA(raw), 0, n)


cdef enum:
    _CHAT = 1
    _MESSAGES = 2
    _RESPONSES = 3

# openai_responses._TEXT and _SUMMARY: the kinds of text part in the reducer's keys
cdef int _RESPONSES_TEXT = 0
cdef int _RESPONSES_SUMMARY = 2


cdef class FusedFeed:
    """The fused accumulation path of one reducer (openai-chat or anthropic).

    ``feed(parser, data, out)`` runs the compiled parser in sink mode: each event it
    completes is offered, as the UTF-8 bytes of its data, to the same extractors as
    ``feed_openai_chat`` / ``feed_anthropic`` (their walker reads bytes as it reads a
    1-byte ``str``: every byte of a multi-byte character is an ordinary string
    character, and outside strings any such byte is not JSON, so the very same events
    are taken); only the extracted strings are decoded. An event they decline is
    built as the ``Event`` the parser returns and given to ``reducer.feed_event``, in
    stream order. An error the reducer raises stops the feeding (the parser still
    reads the rest of the fragment, as ``feed()`` does) and is raised once the
    fragment is parsed, so the parser's state is exactly what ``feed()`` leaves.
    Returns the events the parser did not offer (see ``EventParser._feed_sink``): the
    caller feeds them the ordinary way.
    """

    cdef object reducer
    cdef object feed_event
    cdef object out
    cdef object error
    cdef int dialect
    cdef bint sentinel      # the reducer's done_sentinel: [DONE] ends the stream
    cdef bint ready
    cdef bint done
    cdef long pending
    cdef dict choices       # openai-chat: the choices' state; openai-responses: the text parts
    cdef object block       # anthropic: the last block; openai-responses: the output items
    cdef object pieces
    cdef object block_index
    cdef long grows
    cdef long call
    # The list the last single-item chunk appended to, while ``ready``: the next
    # chunk for the same choice (and call) skips the lookups. Only fast-path items
    # touch the state while ``ready`` holds, and only a call's first piece changes
    # where pieces go (it clears this).
    cdef bint cached
    cdef int c_kind
    cdef long c_choice
    cdef long c_key
    cdef long c_position
    cdef object c_list
    # The template: the bytes of the last chunk that gave one text or arguments item,
    # and where its string (and its "obfuscation" string, if any) lie in them.
    cdef char* t_buf
    cdef Py_ssize_t t_len
    cdef Py_ssize_t t_a, t_a_end    # the item's string: inside the quotes
    cdef Py_ssize_t t_b, t_b_end    # the pad string, or t_b == t_b_end == t_len
    cdef int t_kind                 # the item it gave (_ITEM_TEXT or _ITEM_ARGS)
    cdef long t_choice, t_key
    cdef readonly long template_hits  # chunks taken by _template_match (for the tests)

    def __init__(self, reducer, int dialect):
        self.reducer = reducer
        self.feed_event = reducer.feed_event
        self.dialect = dialect
        self.sentinel = bool(getattr(reducer, "done_sentinel", False))

    def __dealloc__(self):
        PyMem_Free(self.t_buf)

    cdef bint _template_match(self, const char* p, Py_ssize_t n, Item* item) noexcept:
        """Whether chunk ``p`` is the template with other strings in its two slots; if
        so ``item`` is what the walker (``_chat_chunk`` or ``_messages_event``) gives
        for it, without walking it.

        Why it is exact: the walker reads a chunk from left to right and what it does
        depends only on the characters read so far. Up to the item's string the chunk
        is the template's characters; the string is checked as the walker checks it
        and ends where the template's next characters start again; the pad string
        (the value of a member the walker skips) likewise; so the walk is the
        template's, step for step, with only the item's span moved.
        """
        cdef Span a, b
        cdef Py_ssize_t j, k, fixed
        cdef const char* t = self.t_buf
        if n < self.t_len - (self.t_a_end - self.t_a) - (self.t_b_end - self.t_b):
            return False
        if memcmp(p, t, self.t_a) != 0:
            return False
        j = _string(<const uint8_t*>p, self.t_a - 1, n, &a)  # past the closing quote
        if j < 0:
            return False
        j -= 1
        fixed = self.t_b - self.t_a_end  # from the closing quote to the pad's start
        if j + fixed > n or memcmp(p + j, t + self.t_a_end, fixed) != 0:
            return False
        j += fixed
        if self.t_b != self.t_len:
            k = _string(<const uint8_t*>p, j - 1, n, &b)
            if k < 0:
                return False
            j = k - 1
            fixed = self.t_len - self.t_b_end
            if j + fixed != n or memcmp(p + j, t + self.t_b_end, fixed) != 0:
                return False
        elif j != n:
            return False
        item.kind = self.t_kind
        item.choice = self.t_choice
        item.key = self.t_key
        item.text = a
        return True

    cdef int _template_take(self, const char* p, Py_ssize_t n, Item* item, Span* pad) except -1:
        cdef char* buf
        if n > 1024:
            return 0
        if n > self.t_len or self.t_buf == NULL:
            buf = <char*>PyMem_Realloc(self.t_buf, n)
            if buf == NULL:
                raise MemoryError()
            self.t_buf = buf
        memcpy(self.t_buf, p, n)
        self.t_len = n
        self.t_kind = item.kind
        self.t_choice = item.choice
        self.t_key = item.key
        self.t_a = item.text.start
        self.t_a_end = item.text.end
        if pad.start > item.text.end:
            self.t_b = pad.start
            self.t_b_end = pad.end
        else:
            self.t_b = self.t_b_end = n
        return 0

    def feed(self, parser, data, list out):
        cdef list events
        cdef object error
        self.out = out
        self.ready = False
        self.cached = False
        try:
            events = parser._feed_sink(data, _SINK, self)
        finally:
            self.out = None
            if self.pending:
                self.reducer.events += self.pending
                self.pending = 0
        if self.error is not None:
            error = self.error
            self.error = None
            raise error
        return events

    cdef int _take_chat(self, const char* p, Py_ssize_t n, const char* etype, Py_ssize_t tlen) except -1:
        cdef Item items[_MAX_ITEMS]
        cdef PyObject* targets[_MAX_ITEMS]
        cdef long positions[_MAX_ITEMS]
        cdef int count = 0, k
        cdef object text, out
        cdef Span pad
        if not self.ready:
            reducer = self.reducer
            if reducer.done:
                self.done = True
                return 1
            if reducer._need_meta:
                return 0
            self.choices = reducer._choices
            self.ready = True
        if self.sentinel and n >= 6 and memcmp(p, b"[DONE]", 6) == 0:
            # What feed_event does with it (Reducer._not_json: no JSON value starts with
            # "[D"): count the event and end the stream, without raising and catching
            # a decode error.
            self.pending += 1
            self.reducer.end(self.out)
            self.done = True
            return 1
        if tlen == 5 and memcmp(etype, b"error", 5) == 0:
            return 0
        if self.t_len and self._template_match(p, n, &items[0]):
            count = 1
            self.template_hits += 1
        else:
            if _chat_chunk(<const uint8_t*>p, n, items, &count, &pad) < 0:
                return 0
            if count == 1 and (items[0].kind == _ITEM_TEXT or items[0].kind == _ITEM_ARGS):
                self._template_take(p, n, &items[0], &pad)
        if (count == 1 and self.cached and items[0].kind == self.c_kind and items[0].choice == self.c_choice
                and (items[0].kind == _ITEM_TEXT or items[0].key == self.c_key)):
            targets[0] = <PyObject*>self.c_list
            positions[0] = self.c_position
        else:
            self.cached = False
            if _chat_resolve(self.choices, items, count, targets, positions) < 0:
                return 0
            if count == 1 and (items[0].kind == _ITEM_TEXT or items[0].kind == _ITEM_ARGS):
                self.cached = True
                self.c_kind = items[0].kind
                self.c_choice = items[0].choice
                self.c_key = items[0].key
                self.c_position = positions[0]
                self.c_list = <object>targets[0]
        self.pending += 1
        out = self.out
        for k in range(count):
            if items[k].kind == _ITEM_CALL:
                self.reducer.tool_piece(<object>targets[k], items[k].key,
                                        _utf8_text(p, &items[k].id) if items[k].has_id else None,
                                        _utf8_text(p, &items[k].name) if items[k].has_name else "",
                                        _utf8_text(p, &items[k].text), out)
                continue
            if items[k].kind == _ITEM_FINISH:
                _finish(self.reducer, <object>targets[k], _utf8_text(p, &items[k].text), out)
                continue
            if items[k].kind == 0 or items[k].text.end == items[k].text.start:
                continue
            text = _utf8_text(p, &items[k].text)
            PyList_Append(<object>targets[k], text)
            if out is not None:
                if items[k].kind == _ITEM_TEXT:
                    out.append(new_text_delta(items[k].choice, text))
                else:
                    out.append(new_arguments_delta(items[k].choice, positions[k], text))
        return 1

    cdef int _take_responses(self, const char* p, Py_ssize_t n, const char* etype, Py_ssize_t tlen) except -1:
        """The delta events of an answer, as the reducer folds them in: a text piece
        (``_apply``'s short path, when its part exists: a new part is the full
        decode's, which makes up its item if none was added), a piece of a call's
        arguments (``_arguments_delta``, when the call's item exists) or of a reasoning
        summary (``_add``, when its part has pieces already: a new part is the full
        decode's, with its separator)."""
        cdef Item item
        cdef object text, key, pieces, state
        if not self.ready:
            reducer = self.reducer
            if reducer.done:
                self.done = True
                return 1
            self.choices = reducer._texts
            self.block = reducer._items
            self.ready = True
        if tlen == 5 and memcmp(etype, b"error", 5) == 0:
            return 0
        if _responses_event(<const uint8_t*>p, n, &item) < 0:
            return 0
        if item.text.end == item.text.start:  # an empty piece: the reducer only counts it
            self.pending += 1
            return 1
        if self.cached and item.kind == self.c_kind and item.key == self.c_key and item.choice == self.c_choice:
            pieces = self.c_list  # the list of the previous piece (no other event since)
        else:
            if item.kind == _ITEM_ARGS:
                state = self.block.get(item.key)
                if state is None or state.call is None:
                    return 0  # a delta before its item, or not a call's: the full decode
                pieces = state.call.pieces
                self.c_position = state.call.position
            else:
                key = (item.key, _RESPONSES_TEXT if item.kind == _ITEM_TEXT else _RESPONSES_SUMMARY, item.choice)
                pieces = self.choices.get(key)
                if item.kind == _ITEM_REASONING:
                    if not pieces:
                        return 0
                elif pieces is None:
                    return 0  # a new part: the full decode's (it may make up the item)
            self.cached = True
            self.c_kind = item.kind
            self.c_key = item.key
            self.c_choice = item.choice
            self.c_list = pieces
        self.pending += 1
        text = _utf8_text(p, &item.text)
        PyList_Append(pieces, text)
        if self.out is not None:
            if item.kind == _ITEM_TEXT:
                self.out.append(new_text_delta(0, text))
            elif item.kind == _ITEM_ARGS:
                self.out.append(new_arguments_delta(0, self.c_position, text))
            else:
                self.out.append(new_reasoning_delta(0, text))
        return 1

    cdef int _take_messages(self, const char* p, Py_ssize_t n) except -1:
        cdef Item item
        cdef Span pad
        cdef object text, out
        if not self.ready:
            reducer = self.reducer
            if reducer.done:
                self.done = True
                return 1
            block = self.block = reducer._last
            if block is not None:
                self.pieces = block.pieces
                self.grows = block.grows
                self.call = block.call
                self.block_index = block.index
            self.ready = True
        if self.block is None or type(self.block_index) is not int:
            return 0
        if self.t_len and self._template_match(p, n, &item):
            self.template_hits += 1
        else:
            if _messages_event(<const uint8_t*>p, n, &item) < 0:
                return 0
            if item.kind == _ITEM_TEXT or item.kind == _ITEM_ARGS:
                pad.start = -1  # no pad in these events
                self._template_take(p, n, &item, &pad)
        if (self.block_index != item.key
                or (item.kind == _ITEM_TEXT and self.grows != _TEXT)
                or (item.kind == _ITEM_ARGS and (self.grows != _INPUT or not self.pieces))):
            return 0
        self.pending += 1
        if item.text.end == item.text.start:
            return 1
        text = _utf8_text(p, &item.text)
        PyList_Append(self.pieces, text)
        out = self.out
        if out is not None:
            if item.kind == _ITEM_TEXT:
                out.append(new_text_delta(0, text))
            elif self.call >= 0:
                out.append(new_arguments_delta(0, self.call, text))
        return 1


cdef int _sink(object ctx, const char* p, Py_ssize_t n, const char* etype, Py_ssize_t tlen, object event) except -1:
    cdef FusedFeed self = <FusedFeed>ctx
    if self.error is not None or self.done:
        return 1  # after an error (or the end marker) nothing more is fed
    try:
        if event is None:
            if self.dialect == _CHAT:
                return self._take_chat(p, n, etype, tlen)
            if self.dialect == _MESSAGES:
                return self._take_messages(p, n)
            return self._take_responses(p, n, etype, tlen)
        if self.pending:
            self.reducer.events += self.pending
            self.pending = 0
        self.ready = False
        self.cached = False
        self.feed_event(event, self.out)
    except BaseException as exc:  # raised by FusedFeed.feed once the fragment is parsed
        self.error = exc
    return 1


# The compiled parser's callback type (``_framing_c.pyx``, ``event_sink``): the same
# declaration, kept identical by hand; the capsule's name is checked on every call.
ctypedef int (*event_sink)(object ctx, const char* data, Py_ssize_t n,
                           const char* etype, Py_ssize_t etype_len, object event) except -1

cdef event_sink _SINK_FN = _sink
_SINK = PyCapsule_New(<void*>_SINK_FN, b"sseparse._framing_c.event_sink", NULL)


cdef dict _FUSED_DIALECTS = None  # reducer class -> its FusedFeed dialect, set on first use


def fused_for(reducer):
    """The ``FusedFeed`` of ``reducer``, or ``None`` when its dialect has none."""
    global _FUSED_DIALECTS
    if _FUSED_DIALECTS is None:  # (the dialect modules import this one: not at import time)
        from ._dialects.anthropic import AnthropicReducer
        from ._dialects.openai_chat import OpenAIChatReducer
        from ._dialects.openai_responses import _SUMMARY, _TEXT, OpenAIResponsesReducer

        _FUSED_DIALECTS = {OpenAIChatReducer: _CHAT, AnthropicReducer: _MESSAGES}
        if (_TEXT, _SUMMARY) == (_RESPONSES_TEXT, _RESPONSES_SUMMARY):
            _FUSED_DIALECTS[OpenAIResponsesReducer] = _RESPONSES
    dialect = _FUSED_DIALECTS.get(type(reducer))
    return None if dialect is None else FusedFeed(reducer, dialect)
