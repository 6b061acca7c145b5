# cython: language_level=3
"""The JSON walker the compiled fast paths share (``_fastpath``, ``_fast_gemini``).

It reads an event's data as UTF-8 bytes and validates it as ``json.loads`` would,
without building anything: a strict subset of what ``json.loads`` accepts (RFC 8259
JSON without ``NaN`` / ``Infinity``, strings without raw control characters, escapes
well formed), so every event a fast path takes is one the full decode takes too,
with the same values. Every byte of a multi-byte character is an ordinary string
byte to the walker, and outside strings no such byte is JSON, so reading the UTF-8
bytes takes the very same events as reading the decoded ``str``. Functions return
the index after what they read, or ``_FB`` ("not for the fast path": the full decode
reads the event). Inline functions in a ``.pxd``: one source, compiled into each
module that cimports it.
"""

from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.unicode cimport PyUnicode_DecodeUTF8, PyUnicode_FromKindAndData
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t
from libc.string cimport memcpy


cdef extern from "Python.h":
    double PyOS_string_to_double(const char* s, char** endptr, void* overflow_exception) except? -1.0
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


cdef extern from *:
    """
    /* The keys (and short string values) the value builder made last, by a hash
       of their bytes: the same few keys come in every chunk of a stream (usage
       counts, message fields), and a key found here is neither decoded nor hashed
       again. Two ways a set, the one found last first: two strings of one
       object whose hashes meet do not evict each other on every read. 256 short
       ASCII strings at most: a constant amount of memory, whatever the input. */
    static PyObject* sse_keys[256];

    static inline int sse_key_is(PyObject* key, const char* p, Py_ssize_t n) {
        return key != NULL && PyUnicode_GET_LENGTH(key) == n && memcmp(PyUnicode_1BYTE_DATA(key), p, n) == 0;
    }

    static PyObject* sse_key(const char* p, Py_ssize_t n) {
        /* The hash reads the key 8 bytes at a time (the last word overlapping the
           one before it): one multiply a word, not one a byte. */
        uint64_t h = (uint64_t)n, w, ascii = 0;
        Py_ssize_t i;
        PyObject* key;
        PyObject** set;
        if (n > 32)
            return PyUnicode_DecodeUTF8(p, n, "replace");
        if (n >= 8) {
            for (i = 0; i + 8 < n; i += 8) {
                memcpy(&w, p + i, 8);
                ascii |= w;
                h = (h ^ w) * 0x9E3779B97F4A7C15ull;
            }
            memcpy(&w, p + n - 8, 8);
            ascii |= w;
            h = (h ^ w) * 0x9E3779B97F4A7C15ull;
            if (ascii & 0x8080808080808080ull)
                return PyUnicode_DecodeUTF8(p, n, "replace");
        } else {
            for (i = 0; i < n; i++) {
                unsigned char c = (unsigned char)p[i];
                if (c >= 0x80)
                    return PyUnicode_DecodeUTF8(p, n, "replace");
                h = (h << 8) | c;
            }
            h *= 0x9E3779B97F4A7C15ull;
        }
        set = &sse_keys[2 * (((h >> 56) ^ (h >> 24)) & 127)];
        key = set[0];
        if (sse_key_is(key, p, n)) {
            Py_INCREF(key);
            return key;
        }
        key = set[1];
        if (sse_key_is(key, p, n)) {
            set[1] = set[0];  /* (found last: first) */
            set[0] = key;
            Py_INCREF(key);
            return key;
        }
        key = PyUnicode_FromStringAndSize(p, n);  /* ASCII: the decoded string */
        if (key == NULL)
            return NULL;
        Py_XDECREF(set[1]);
        set[1] = set[0];
        set[0] = key;
        Py_INCREF(key);
        return key;
    }
    """
    object sse_key(const char* p, Py_ssize_t n)


ctypedef uint8_t uchar

# A decoded string's storage (1, 2 or 4 bytes per character), for ``_unescape``.
ctypedef fused ucs_t:
    uint8_t
    uint16_t
    uint32_t


cdef enum:
    _MAX_DEPTH = 64     # deeper values go to the full decode
    _FB = -1            # "not for the fast path": hand the event to feed_event


cdef struct Span:
    Py_ssize_t start    # first character inside the quotes
    Py_ssize_t end      # the closing quote
    bint escaped


# -- the JSON walker ----------------------------------------------------------------------

cdef inline bint _is_ws(uint32_t c) nogil:
    return c == 32 or c == 10 or c == 13 or c == 9


cdef inline Py_ssize_t _ws(const uchar* s, Py_ssize_t i, Py_ssize_t n) nogil:
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




cdef inline Py_ssize_t _string(const uchar* s, Py_ssize_t i, Py_ssize_t n, Span* span) nogil:
    """``s[i]`` is an opening quote: the index after the closing one, or _FB."""
    cdef Py_ssize_t j = i + 1
    cdef uint32_t c
    cdef int k
    span.escaped = False
    span.start = j
    cdef uint64_t w, w2, t
    while True:
        # Eight bytes at a time while none is special (SWAR: a byte equal to a quote
        # or a backslash, or below 32, sets its high bit in t).
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
        # The bytes that end a plain run: the quote, the backslash and the control
        # characters (which json.loads rejects raw).
        while j < n and s[j] >= 32 and s[j] != 34 and s[j] != 92:
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


cdef inline Py_ssize_t _number(const uchar* s, Py_ssize_t i, Py_ssize_t n) nogil:
    """RFC 8259 number at ``s[i]``: the index after it, or _FB. Numbers of more than
    100 characters go to the full decode (Python limits the digits of an int)."""
    cdef Py_ssize_t start = i
    i = _number_end(s, i, n)
    if i - start > 100:
        return _FB
    return i


cdef inline Py_ssize_t _number_end(const uchar* s, Py_ssize_t i, Py_ssize_t n) nogil:
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


cdef inline Py_ssize_t _literal(const uchar* s, Py_ssize_t i, Py_ssize_t n, const char* word, Py_ssize_t k) nogil:
    cdef Py_ssize_t j
    if i + k > n:
        return _FB
    for j in range(k):
        if s[i + j] != <uint32_t>word[j]:
            return _FB
    return i + k


cdef inline Py_ssize_t _value(const uchar* s, Py_ssize_t i, Py_ssize_t n, int depth) nogil:
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


cdef inline Py_ssize_t _container(const uchar* s, Py_ssize_t i, Py_ssize_t n, int depth) nogil:
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


cdef inline bint _key_is(const uchar* s, Span* key, const char* word, Py_ssize_t k) nogil:
    cdef Py_ssize_t j
    if key.end - key.start != k:
        return False
    for j in range(k):
        if s[key.start + j] != <uint32_t>word[j]:
            return False
    return True


cdef inline Py_ssize_t _index(const uchar* s, Py_ssize_t i, Py_ssize_t n, long* out) nogil:
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


cdef inline Py_ssize_t _null(const uchar* s, Py_ssize_t i, Py_ssize_t n) nogil:
    return _literal(s, i, n, b"null", 4)


cdef inline Py_ssize_t _plain(const uchar* s, Py_ssize_t i, Py_ssize_t n, Span* span) nogil:
    """A string without escapes (a key, a type tag) at ``s[i]``: the index after it,
    or _FB (no string there, or one with an escape: the full decode reads it)."""
    if i >= n or s[i] != 34:
        return _FB
    i = _string(s, i, n, span)
    if i < 0 or span.escaped:
        return _FB
    return i


cdef inline Py_ssize_t _member(const uchar* s, Py_ssize_t i, Py_ssize_t n, Span* key) nogil:
    """At a member's key (after ``{`` or ``,`` and whitespace): reads the key, which
    must have no escape, and returns the index of its value, or _FB."""
    i = _plain(s, i, n, key)
    if i < 0:
        return _FB
    i = _ws(s, i, n)
    if i >= n or s[i] != 58:
        return _FB
    return _ws(s, i + 1, n)


cdef inline Py_ssize_t _next(const uchar* s, Py_ssize_t i, Py_ssize_t n, uint32_t close, bint* done) nogil:
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


cdef inline Py_ssize_t _open(const uchar* s, Py_ssize_t i, Py_ssize_t n, bint* done) nogil:
    """At an object's ``{`` (else _FB): the index of its first key (``done`` false),
    or past the ``}`` of an empty one (``done`` true)."""
    done[0] = False
    if i < 0 or i >= n or s[i] != 123:
        return _FB
    i = _ws(s, i + 1, n)
    if i < n and s[i] == 125:
        done[0] = True
        return i + 1
    return i


cdef inline Py_ssize_t _then(const uchar* s, Py_ssize_t i, Py_ssize_t n, bint* done) nogil:
    """After a member's value (an _FB passes through): past the ``,`` (``done``
    false) or the object's closing ``}`` (``done`` true)."""
    if i < 0:
        return _FB
    return _next(s, i, n, 125, done)


cdef inline bint _first(bint* seen) nogil:
    """Whether a member the reader takes is met for the first time (given twice, the
    last one counts: the full decode reads it)."""
    if seen[0]:
        return False
    seen[0] = True
    return True


# -- strings ------------------------------------------------------------------------------

cdef inline str _unescape(const ucs_t* s, Py_ssize_t start, Py_ssize_t end):
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



cdef inline str _utf8_text(const char* p, Span* span):
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


# -- values built whole ----------------------------------------------------------------

cdef inline object _build(const char* p, Py_ssize_t n, Py_ssize_t* at, int depth, bint* ok):
    """The value at ``p[at[0]]`` (walked already: valid JSON), built as the stdlib's
    scanner builds it: strings unescaped as it does (``_utf8_text``), floats by the
    conversion its ``float()`` makes (``PyOS_string_to_double`` of the number's
    text); ``at[0]`` is moved past it. An integer of more than 18 digits (Python
    limits the digits of an int: the stdlib's own conversion raises) or nesting
    past 64 levels clears ``ok``: the caller decodes the whole value instead."""
    cdef const uchar* s = <const uchar*>p
    cdef Py_ssize_t i = at[0], j
    cdef Span span
    cdef uchar c = s[i]
    cdef long long v
    cdef object value, key
    cdef dict obj
    cdef list arr
    cdef char digits[104]
    if c == 34:
        at[0] = _string(s, i, n, &span)
        if not span.escaped and span.end - span.start <= 32:
            # (short strings recur like keys: "standard", "TEXT", "completed"...)
            return sse_key(p + span.start, span.end - span.start)
        return _utf8_text(p, &span)
    if c == 123 or c == 91:
        if depth >= _MAX_DEPTH:
            ok[0] = False
            return None
        i = _ws(s, i + 1, n)
        if c == 123:
            obj = {}
            if s[i] == 125:
                at[0] = i + 1
                return obj
            while True:
                i = _string(s, i, n, &span)
                key = _utf8_text(p, &span) if span.escaped else sse_key(p + span.start, span.end - span.start)
                i = _ws(s, i, n)
                at[0] = _ws(s, i + 1, n)  # past the colon
                value = _build(p, n, at, depth + 1, ok)
                if not ok[0]:
                    return None
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
            value = _build(p, n, at, depth + 1, ok)
            if not ok[0]:
                return None
            arr.append(value)
            i = _ws(s, at[0], n)
            if s[i] == 93:
                at[0] = i + 1
                return arr
            at[0] = _ws(s, i + 1, n)
    if c == 116:
        at[0] = i + 4
        return True
    if c == 102:
        at[0] = i + 5
        return False
    if c == 110:
        at[0] = i + 4
        return None
    j = i + 1 if c == 45 else i
    v = 0
    while j < n and 48 <= s[j] <= 57:
        if j - i >= 18:
            ok[0] = False
            return None
        v = v * 10 + <long long>(s[j] - 48)
        j += 1
    if j < n and (s[j] == 46 or s[j] == 101 or s[j] == 69):
        j = _number_end(s, i, n)  # a float: at most 100 characters (see _number)
        if j < 0 or j - i > 100:
            ok[0] = False
            return None
        memcpy(digits, p + i, j - i)
        digits[j - i] = 0
        at[0] = j
        return PyOS_string_to_double(digits, NULL, NULL)
    at[0] = j
    return -v if c == 45 else v


cdef inline object _value_at(const char* p, Py_ssize_t n, Py_ssize_t start, object loads):
    """The JSON value that starts at ``p[start]`` (walked already), as the full
    decode builds it: by ``_build``, else by ``loads`` (``json.loads``) of its text."""
    cdef Py_ssize_t at = start
    cdef bint ok = True
    cdef object value = _build(p, n, &at, 0, &ok)
    if not ok:
        at = _value(<const uchar*>p, start, n, 0)
        return loads(PyUnicode_DecodeUTF8(p + start, at - start, "replace"))
    return value
