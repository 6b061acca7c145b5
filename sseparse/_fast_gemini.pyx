# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""The compiled path of the ``gemini`` reducer: a chunk read without building its dicts.

Every Gemini event is a whole ``GenerateContentResponse``: the newest piece of each
candidate wrapped in the same envelope (``content``, ``role``, ``index``,
``usageMetadata`` with its details, ``modelVersion``, ``responseId``...). Decoding
all of it into dicts costs more than folding the piece in. ``take_chunk``, the
gemini part of the fast path (``_fastpath.FastFeed``: the compiled parser hands it
each event's data bytes before any ``str`` or ``Event`` exists), walks the
event's data once, validating all of it as JSON, and notes where the few values the
reducer reads lie: the candidates, their parts, their finish reasons, the usage
object and the metadata strings. Then it makes the reducer's own updates, through
the methods the reducer documents as the compiled path's contract (``text``,
``thought_text``, ``function_call``, ``part``, ``finish``, ``usage``, ``meta``, ``candidate``; a usage
object whose text is the last one folded in, ``usage_text``, is skipped), which
the pure path calls too:

- a part that is only ``text`` (a string), or exactly ``text`` and ``thought``
  (``true`` or ``false``), gives the string, decoded from its UTF-8 bytes (and
  unescaped as the stdlib's scanner does);
- a ``functionCall`` part (maybe with a ``thoughtSignature``) whose call holds
  only ``name`` and ``id`` strings, an ``args`` object, a ``willContinue`` literal
  and Vertex AI's ``partialArgs`` entries (a ``jsonPath`` string and one string,
  integer, boolean or null value each) goes to ``function_call`` with those
  members read: the entries as ``(jsonPath, value, is_string, willContinue)``
  tuples, the part built without its ``partialArgs`` list (nobody reads it);
- any other part (a signed part, an image, a call of another shape...), and the
  usage object, are built alone from where they start in the data (by a small
  builder when they hold only plain strings, small integers and literals, else by
  ``json.loads`` of their text), as the full decode would have built them; so is a
  candidate with members besides ``content``, ``finishReason`` and ``index``
  (``safetyRatings``, ``citationMetadata``...), for ``candidate_extra``.

Anything else (a member the walker does not know at the top level, a key it reads
given twice or with an escape, a value of a type the reducer would
refuse, a candidate index that is not a small integer, nesting past 64 levels, a
number of more than 100 characters, an ``event: error``, whitespace around the
chunk) is declined: the event goes, unchanged, to ``reducer.feed_event``: the full decode, the
single place of semantics. The walker accepts a strict subset of what ``json.loads``
accepts, so an event it takes is one the full decode takes, with the same values.
The walker is the one the other fast paths use (``_json_walker.pxd``), reading the
data's UTF-8 form. An error must name its event: when the parser built none, the
fast path builds it from the bytes (``FastFeed.current_event``), only then. ``tests/test_gemini_fast.py`` checks on random streams that both
paths give the same deltas, results and errors.
"""

import json

from cpython.bytes cimport PyBytes_FromStringAndSize
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM
from cpython.unicode cimport PyUnicode_DecodeUTF8

from ._errors import SseparseError
from ._json_walker cimport *
from ._dialects.gemini cimport GeminiReducer


cdef extern from "Python.h":
    const char* PyUnicode_AsUTF8AndSize(object o, Py_ssize_t* size) except NULL


cdef enum:
    _MAX_ITEMS = 32     # items taken from one chunk; more go to the full decode

# The items of a chunk, in the order the reducer folds them in.
cdef enum:
    _CANDIDATE = 1      # a candidate begins: index
    _TEXT = 2           # a part that is only "text": the string's span
    _THOUGHT = 3        # a part of "text" and "thought": the span; index 1 when thought is true
    _PART = 4           # any other part: start is its "{"
    _FINISH = 5         # the candidate's finishReason (a non-empty string): the span
    _EXTRA = 6          # the candidate has other members (safetyRatings...): start is its "{"
    _CALL = 7           # a functionCall part (see _call): start is its "{"; index: its entries
    _ENTRY = 8          # a partialArgs entry of the _CALL before it: the jsonPath's span

# _CALL flags: what the call holds.
cdef enum:
    _MORE = 1           # "willContinue": true
    _PIECES = 2         # a "partialArgs" list (its "[" is at)
    _ARGS = 4           # an "args" object

# _ENTRY flags: the value's member (its value is at).
cdef enum:
    _V_STRING = 1
    _V_NUMBER = 2       # an integer (a fraction or an exponent: the full decode)
    _V_TRUE = 3
    _V_FALSE = 4
    _V_NULL = 5


cdef struct Item:
    int kind
    long index
    Span span           # a string's span; _PART, _EXTRA and _CALL: span.start is the "{"
    Py_ssize_t at       # _CALL: where its partialArgs list starts; _ENTRY: where its value starts
    int flags           # _CALL, _ENTRY: see above


cdef struct Chunk:
    int count
    Item items[_MAX_ITEMS]
    Py_ssize_t usage    # where a non-empty usageMetadata object starts, or -1
    Py_ssize_t usage_end
    Item id             # responseId, modelVersion, createTime: kind 1 for a string, 2 for null
    Item model
    Item created
    bint member         # a member only Gemini sends: candidates, usageMetadata, modelVersion


cdef inline Py_ssize_t _opens(const uchar* s, Py_ssize_t i, Py_ssize_t n, uint32_t close, bint* empty) nogil:
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

cdef Py_ssize_t _entry(const uchar* s, Py_ssize_t i, Py_ssize_t n, Item* entry, bint* plain) nogil:
    """A ``partialArgs`` entry at ``s[i]``: ``plain`` cleared unless it is an object of a
    ``jsonPath`` string and exactly one value the reducer takes as it is (a string,
    an integer, ``true``, ``false``, ``null``) with ``willContinue`` a literal at most
    (other members are read by nobody)."""
    cdef Span key, span
    cdef bint done, seen_path = False, seen_more = False
    cdef int values = 0
    cdef Py_ssize_t j
    entry.kind = _ENTRY
    entry.flags = 0
    entry.index = 0
    if i >= n or s[i] != 123:
        plain[0] = False
        return _value(s, i, n, 4)
    i = _open(s, i, n, &done)
    while not done:
        i = _member(s, i, n, &key)
        if i < 0 or i >= n:
            return _FB
        if _key_is(s, &key, b"jsonPath", 8):
            if seen_path or s[i] != 34:
                plain[0] = False  # given twice (the last one counts), or not a string
                i = _value(s, i, n, 4)
            else:
                seen_path = True
                i = _string(s, i, n, &entry.span)
        elif (_key_is(s, &key, b"stringValue", 11) or _key_is(s, &key, b"numberValue", 11)
                or _key_is(s, &key, b"boolValue", 9) or _key_is(s, &key, b"nullValue", 9)):
            values += 1
            entry.at = i
            if key.end - key.start == 11 and s[key.start] == 115 and s[i] == 34:  # stringValue
                entry.flags = _V_STRING
                i = _string(s, i, n, &span)
            elif key.end - key.start == 11 and s[key.start] == 110 and (s[i] == 45 or 48 <= s[i] <= 57):
                entry.flags = _V_NUMBER
                i = _number(s, i, n)
                j = entry.at
                while 0 <= j < i:
                    if s[j] == 46 or s[j] == 101 or s[j] == 69:
                        plain[0] = False  # a float: the stdlib's own conversion, and its checks
                    j += 1
            elif key.end - key.start == 9 and s[key.start] == 98 and s[i] == 116:
                entry.flags = _V_TRUE
                i = _literal(s, i, n, b"true", 4)
            elif key.end - key.start == 9 and s[key.start] == 98 and s[i] == 102:
                entry.flags = _V_FALSE
                i = _literal(s, i, n, b"false", 5)
            elif key.end - key.start == 9 and s[key.start] == 110 and s[i] == 110:
                entry.flags = _V_NULL
                i = _literal(s, i, n, b"null", 4)
            else:
                plain[0] = False
                i = _value(s, i, n, 4)
        elif _key_is(s, &key, b"willContinue", 12):
            if seen_more:
                plain[0] = False
            seen_more = True
            if s[i] == 116:
                entry.index = 1
                i = _literal(s, i, n, b"true", 4)
            else:
                i = _value(s, i, n, 4)  # (anything else is not true)
        else:
            i = _value(s, i, n, 4)
        i = _then(s, i, n, &done)
        if i < 0:
            return _FB
    if not seen_path or values != 1:
        plain[0] = False
    return i


cdef Py_ssize_t _call(const uchar* s, Py_ssize_t i, Py_ssize_t n, Chunk* c, Item* item, bint* plain) nogil:
    """A part's ``functionCall`` object at ``s[i]``: its flags and its entries (items
    after ``item``); ``plain`` cleared unless it holds only ``name`` and ``id``
    strings, an ``args`` object, a ``willContinue`` literal and a ``partialArgs``
    list of plain entries, each at most once."""
    cdef Span key, span
    cdef Item* entry
    cdef bint done, empty
    cdef bint seen_name = False, seen_id = False, seen_args = False, seen_more = False, seen_pieces = False
    item.flags = 0
    item.index = 0
    i = _open(s, i, n, &done)
    if i < 0:
        return _FB
    while not done:
        i = _member(s, i, n, &key)
        if i < 0 or i >= n:
            return _FB
        if _key_is(s, &key, b"name", 4) and s[i] == 34 and _first(&seen_name):
            i = _string(s, i, n, &span)
        elif _key_is(s, &key, b"id", 2) and s[i] == 34 and _first(&seen_id):
            i = _string(s, i, n, &span)
        elif _key_is(s, &key, b"args", 4) and s[i] == 123 and _first(&seen_args):
            item.flags |= _ARGS
            i = _value(s, i, n, 3)
        elif _key_is(s, &key, b"willContinue", 12) and (s[i] == 116 or s[i] == 102) and _first(&seen_more):
            if s[i] == 116:
                item.flags |= _MORE
            i = _value(s, i, n, 3)
        elif _key_is(s, &key, b"partialArgs", 11) and s[i] == 91 and _first(&seen_pieces):
            item.flags |= _PIECES
            item.at = i
            i = _opens(s, i, n, 93, &empty)
            done = empty
            while not done:
                entry = _add(c)
                if entry == NULL:
                    return _FB
                i = _entry(s, i, n, entry, plain)
                if i < 0:
                    return _FB
                item.index += 1
                i = _next(s, i, n, 93, &done)
                if i < 0:
                    return _FB
            done = False
        else:
            plain[0] = False  # another member, or one given twice: the part is decoded whole
            i = _value(s, i, n, 3)
        i = _then(s, i, n, &done)
        if i < 0:
            return _FB
    return i


cdef Py_ssize_t _part(const uchar* s, Py_ssize_t i, Py_ssize_t n, Chunk* c, Item* item) nogil:
    """A content part at ``s[i]``: ``_TEXT``, ``_THOUGHT``, ``_CALL`` (a functionCall,
    maybe with a ``thoughtSignature`` string) or ``_PART``."""
    cdef Span key, text
    cdef bint done, plain = True
    cdef int members = 0, texts = 0, thoughts = 0, calls = 0, signatures = 0
    cdef int base = c.count
    cdef long thought = 0
    item.kind = _PART
    item.span.start = i
    i = _open(s, i, n, &done)
    if i < 0:
        return _FB  # not an object: the full decode says why
    if done:
        return i
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
        elif _key_is(s, &key, b"functionCall", 12) and i < n and s[i] == 123 and calls == 0:
            calls += 1
            i = _call(s, i, n, c, item, &plain)
        elif _key_is(s, &key, b"thoughtSignature", 16) and i < n and s[i] == 34:
            signatures += 1
            i = _value(s, i, n, 2)
        else:
            i = _value(s, i, n, 2)
        i = _then(s, i, n, &done)
        if i < 0:
            return _FB
    if calls == 1 and plain and signatures <= 1 and members == 1 + signatures:
        item.kind = _CALL
        return i
    c.count = base  # (the entries of a call decoded whole)
    if texts == 1 and members == 1:
        item.kind = _TEXT
    elif texts == 1 and thoughts == 1 and members == 2:
        item.kind = _THOUGHT
        item.index = thought
    else:
        return i  # any other part: decoded alone
    item.span = text
    return i


cdef Py_ssize_t _content(const uchar* s, Py_ssize_t i, Py_ssize_t n, Chunk* c) nogil:
    """A candidate's ``content`` object at ``s[i]``: its parts become items."""
    cdef Span key
    cdef Item* item
    cdef bint done, empty, parts = False, pdone
    i = _open(s, i, n, &done)
    if i < 0 or done:
        return i
    while not done:
        i = _member(s, i, n, &key)
        if i < 0:
            return _FB
        if _key_is(s, &key, b"parts", 5):
            if not _first(&parts):
                return _FB
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
        i = _then(s, i, n, &done)
        if i < 0:
            return _FB
    return i


cdef Py_ssize_t _candidate(const uchar* s, Py_ssize_t i, Py_ssize_t n, Chunk* c) nogil:
    """A candidate object at ``s[i]``: a _CANDIDATE item, its parts, its finish reason."""
    cdef Span key, reason
    cdef Item* head
    cdef Item* item
    cdef bint done, seen_index = False, seen_content = False, seen_reason = False
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
    i = _open(s, i, n, &done)
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
            if not _first(&seen_content):
                return _FB
            if i < n and s[i] == 123:
                i = _content(s, i, n, c)
            else:
                i = _literal(s, i, n, b"null", 4)
        elif _key_is(s, &key, b"finishReason", 12):
            if not _first(&seen_reason):
                return _FB
            if i < n and s[i] == 34:
                i = _string(s, i, n, &reason)
                has_reason = reason.end > reason.start
            else:
                i = _literal(s, i, n, b"null", 4)
        else:
            has_extra = True  # safetyRatings, citationMetadata...: kept in extra
            i = _value(s, i, n, 3)
        i = _then(s, i, n, &done)
        if i < 0:
            return _FB
    head.index = index
    if has_reason:
        item = _add(c)
        if item == NULL:
            return _FB
        item.kind = _FINISH
        item.span = reason
    if has_extra:
        item = _add(c)
        if item == NULL:
            return _FB
        item.kind = _EXTRA
        item.span.start = start
    return i


cdef Py_ssize_t _chunk(const uchar* s, Py_ssize_t n, Chunk* c) nogil:
    """The whole chunk: ``n`` when it is one of the shapes this path takes, else _FB."""
    cdef Span key
    cdef Item* meta
    cdef bint done, empty, seen_candidates = False, seen_usage = False
    cdef Py_ssize_t i, j
    c.count = 0
    c.usage = -1
    c.id.kind = c.model.kind = c.created.kind = 0
    c.member = False
    i = _open(s, 0, n, &done)
    if i < 0 or done:
        return _FB
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
                i = _string(s, i, n, &meta.span)
            else:
                i = _literal(s, i, n, b"null", 4)  # null: as if absent
        i = _then(s, i, n, &done)
        if i < 0:
            return _FB
    return i if i == n else _FB


# -- the driver ---------------------------------------------------------------------------

cdef inline object _meta(const char* p, Item* item):
    return _utf8_text(p, &item.span) if item.kind == 1 else None


_loads = json.loads
cdef str _ERROR = "error"


cdef dict _object_without(const char* p, Py_ssize_t n, Py_ssize_t start, Py_ssize_t skip):
    """The object at ``p[start]`` (walked already, its keys without escapes, none
    given twice) as the full decode builds it, but for the member whose value starts
    at ``skip``, left out where it is (a ``partialArgs`` list: read as entries)."""
    cdef const uchar* s = <const uchar*>p
    cdef Span key
    cdef bint done
    cdef Py_ssize_t i, end
    cdef dict obj = {}
    i = _open(s, start, n, &done)
    while not done:
        i = _member(s, i, n, &key)
        end = _value(s, i, n, 0)
        if i != skip:
            if s[i] == 123 and i < skip < end:
                obj[_utf8_text(p, &key)] = _object_without(p, n, i, skip)
            else:
                obj[_utf8_text(p, &key)] = _value_at(p, n, i, _loads)
        i = _then(s, end, n, &done)
    return obj


cdef object _entry_value(const char* p, Py_ssize_t n, Item* entry):
    if entry.flags == _V_STRING:
        return _value_at(p, n, entry.at, _loads)
    if entry.flags == _V_NUMBER:
        return _value_at(p, n, entry.at, _loads)
    if entry.flags == _V_TRUE:
        return True
    if entry.flags == _V_FALSE:
        return False
    return None


cdef int _call_item(GeminiReducer reducer, object state, const char* p, Py_ssize_t n, Item* items, int k, list out) except -1:
    """``reducer.function_call`` for the ``_CALL`` item ``items[k]`` and its entries."""
    cdef Item* item = &items[k]
    cdef Item* entry
    cdef dict part, call
    cdef tuple pieces = None
    cdef long e
    if item.flags & _PIECES:
        part = _object_without(p, n, item.span.start, item.at)
        pieces = PyTuple_New(item.index)
        for e in range(item.index):
            entry = &items[k + 1 + e]
            piece = (_utf8_text(p, &entry.span), _entry_value(p, n, entry), entry.flags == _V_STRING, entry.index == 1)
            Py_INCREF(piece)
            PyTuple_SET_ITEM(pieces, e, piece)
    else:
        part = _value_at(p, n, item.span.start, _loads)
    call = part["functionCall"]
    name = call.get("name")
    call_id = call.get("id")
    args = call.get("args")
    reducer.function_call(
        state, part, "" if name is None else name, call_id if call_id else None, args, args is not None,
        pieces, item.flags & (_MORE | _PIECES) != 0, item.flags & _MORE != 0, out)
    return 0


cdef int take_chunk(object reducer, const char* p, Py_ssize_t n, list out, object source, StartFn start) except -1:
    """The gemini part of the fast path (``_fastpath.FastFeed``): the event's data ``p``
    walked and folded into ``reducer`` (1), or left unchanged to the full decode (0);
    with ``reducer`` None, the first event of an ``"auto"`` stream (see below).
    ``source.current_event()`` gives the event, when an error must name it (the
    reducer counted the event first: its position is right)."""
    cdef Chunk chunk
    cdef GeminiReducer typed
    if _chunk(<const uchar*>p, n, &chunk) < 0:
        return 0
    if reducer is None:
        # ``"auto"``, the stream's first event (named "message"): a chunk this walk
        # reads with a member only Gemini sends is what detection calls gemini (the
        # rules, ``_dialects._by_members``: no ``type``, ``object``, ``choices`` nor
        # ``error`` member); ``start(source)`` makes the reducer and binds it.
        if not chunk.member:
            return 0
        reducer = start(source)
    typed = <GeminiReducer?>reducer  # (the compiled reducer: the fast path checked it when bound)
    typed.events += 1
    _fold(typed, p, n, &chunk, out, source)
    return 1


cdef int _fold(GeminiReducer reducer, const char* p, Py_ssize_t n, Chunk* c, list out, object source) except -1:
    """The reducer's updates for a walked chunk, in the order ``_apply`` makes them."""
    cdef int k = 0
    cdef Item* item
    cdef object state = None, reason, text
    reducer.changed = True
    if reducer.need_meta:
        reducer.meta(_meta(p, &c.id), _meta(p, &c.model), _meta(p, &c.created), out)
    try:
        while k < c.count:
            item = &c.items[k]
            k += 1
            if item.kind == _CANDIDATE:
                state = reducer.candidate(item.index)
            elif item.kind == _TEXT:
                if item.span.end > item.span.start:
                    reducer.text(state, _utf8_text(p, &item.span), out)
            elif item.kind == _THOUGHT:
                reducer.thought_text(state, _utf8_text(p, &item.span), item.index == 1, out)
            elif item.kind == _CALL:
                _call_item(reducer, state, p, n, c.items, k - 1, out)
                if item.flags & _PIECES:
                    k += item.index  # (its entries)
            elif item.kind == _PART:
                reducer.part(state, _value_at(p, n, item.span.start, _loads), out)
            elif item.kind == _FINISH:
                reason = _utf8_text(p, &item.span)
                if reason != state.finish_reason:
                    reducer.finish(state, reason, out)
            else:  # _EXTRA
                reducer.candidate_extra(state, _value_at(p, n, item.span.start, _loads))
        if c.usage >= 0:
            text = PyBytes_FromStringAndSize(p + c.usage, c.usage_end - c.usage)
            if text != reducer.usage_text:  # (the same report again changes nothing)
                reducer.usage(_value_at(p, n, c.usage, _loads), out)
                reducer.usage_text = text
    except SseparseError:
        raise
    except Exception as exc:
        raise reducer.chunk_error(source.current_event(), None, exc) from None
    return 0
