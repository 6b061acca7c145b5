# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""The compiled fast path of the reducers: the few fields they need, without the dict.

Nearly every event of an answer is one of a few shapes: an OpenAI chat chunk whose
delta carries a piece of text, reasoning or refusal, or of a tool call's arguments
(maybe with a finish reason, usage or logprobs); an Anthropic ``content_block_delta``
and the events around it (block starts and stops, ``message_start``,
``message_delta``, pings, the end); a Responses event (its deltas, lifecycle events,
and the events around them: output items, parts, ``.done`` texts, the terminal
response, whose objects are built only as far as the reducer reads them); a Gemini
chunk (read by the Gemini walker, ``_fast_gemini.take_chunk``, the ``GEMINI``
extractor, through the reducer's own contract written in ``gemini.py``). For those,
building the whole chunk as Python dicts (``id``, ``model``, ``object``,
``created``, ``system_fingerprint``, ``obfuscation``...) costs more than everything
else the pipeline does. ``FastFeed`` walks an event's data once, as UTF-8 bytes,
validating all of it as JSON, pulls out what the reducer needs (the *items* of the
event) and applies them through the reducer's contract
(``sseparse._dialects._contract``): it appends each piece to the list the reducer's
``target`` names and builds the delta, or calls the reducer's own method (a tool
call's first piece, a finish reason, a block's start, the end marker...), with the
values it needs whole built from the walked bytes (``_json_walker._value_at``).
Any event that is not one of those shapes, or anything unusual in it (a key
with an escape, a number where a string belongs, ``NaN``, nesting past 64 levels, a
duplicated key that matters, a target the reducer does not give), is handed,
unchanged, to the reducer's ``feed_event``: the full decode, the single place of
semantics.

What "validating all of it" means: the walker accepts a strict subset of what
``json.loads`` accepts (RFC 8259 JSON without ``NaN`` / ``Infinity``, strings without
raw control characters, escapes well formed), so every event it takes is one the
full decode takes too, with the same values: strings are decoded from their bytes
as the parser decodes the whole data, and unescaped like the stdlib's scanner
(``\\uXXXX`` surrogate pairs joined, lone surrogates kept). Every byte of a
multi-byte character is an ordinary string byte to the walker, and outside strings
no such byte is JSON, so reading UTF-8 bytes takes the very same events as reading
the decoded ``str``. ``tests/test_fastpath_differential.py`` checks on random
events that both paths give the same deltas, results and errors.

Events reach ``FastFeed`` two ways, through the same ``_take``: ``feed`` runs the
compiled parser in sink mode, which hands each completed event's data buffer over
before any ``str`` or ``Event`` exists (the ``Accumulator``'s path); ``feed_events``
takes ``Event`` objects framed elsewhere and reads their data's UTF-8 form. With the
dialect unknown (``"auto"``), a ``FastFeed`` starts with no reducer: the first
event's bytes say which dialect it is (``_detect``: the rules ``fast_detect``
applies; a Gemini chunk is detected by the very walk that reads it), or else its
owner's detector (``Accumulator._detect_in_parse``) decides on the ``Event``; the reducer made for it is bound within the
same parse, and the rest of the fragment takes its fast path.

Consecutive chunks of one answer are near copies: the same envelope, the same
choice, the same call, only the piece of text (and OpenAI's random ``obfuscation``
pad) changes. ``FastFeed`` keeps the last event that gave one piece as a template
and takes an event that equals it outside those two strings with two ``memcmp`` and
a scan of the strings, instead of a walk of the whole event (``_template_match``
says why that is exact).
"""

from cpython.mem cimport PyMem_Free, PyMem_Realloc
from cpython.list cimport PyList_Append
from cpython.ref cimport PyObject
from libc.string cimport memcpy, memcmp, strlen
from cpython.unicode cimport PyUnicode_DecodeUTF8
from cpython.bytes cimport PyBytes_FromStringAndSize
from cpython.pycapsule cimport PyCapsule_GetPointer, PyCapsule_New

from ._json_walker cimport *
from ._fast_gemini cimport take_chunk
from ._dialects._base cimport Reducer
from ._dialects.anthropic cimport AnthropicReducer
from ._dialects.gemini cimport GeminiReducer
from ._dialects.openai_chat cimport OpenAIChatReducer
from ._dialects.openai_responses cimport OpenAIResponsesReducer

from ._events import Event
from ._completion import new_arguments_delta, new_reasoning_delta, new_refusal_delta, new_text_delta
from ._dialects import _contract
from . import _twins
from json import loads as _loads

# The reducers this walks are the compiled ones, called in C through their types: a
# build where one of them is not compiled has no fast path (its import fails here,
# and the reducers fold every event themselves).
for _cls in (Reducer, AnthropicReducer, GeminiReducer, OpenAIChatReducer, OpenAIResponsesReducer):
    if not _twins.compiled(__import__(_cls.__module__, fromlist=["_"])):
        raise ImportError(f"{_cls.__module__} is not compiled: the fast path needs the compiled reducers")
del _cls


cdef extern from "Python.h":
    const char* PyUnicode_AsUTF8AndSize(object o, Py_ssize_t* size) except NULL


# The contract's constants, read from it (never copied): which extractor, and the
# kinds of piece ``target`` is asked about.
cdef int _CHAT = _contract.CHAT
cdef int _MESSAGES = _contract.MESSAGES
cdef int _RESPONSES = _contract.RESPONSES
cdef int _GEMINI = _contract.GEMINI
cdef int _CHOICE = _contract.CHOICE
cdef int _CHUNK = _contract.CHUNK
cdef int _TEXT = _contract.TEXT
cdef int _ARGUMENTS = _contract.ARGUMENTS
cdef int _REASONING = _contract.REASONING
cdef int _REFUSAL = _contract.REFUSAL

# Items that are no piece: the fast path calls the reducer's method for them.
cdef enum:
    _ITEM_CALL = 100    # a tool-call piece with an id or a name: maybe a new call
    _ITEM_FINISH = 101  # a choice's finish reason (a string), after its other items
    _ITEM_USAGE = 102   # a chunk's usage object (its span, braces included), after the choices
    _ITEM_SKIP = 103    # an event of a type the reducer may fold nothing for (its span)
    _ITEM_LOGPROBS = 104  # a choice's logprobs object (its span, braces included), after its finish reason
    # Anthropic's events around the deltas, alone in their event (_ITEM_DELTA: none of
    # these, a delta of a piece kind)
    _ITEM_DELTA = 110
    _ITEM_STOP = 111    # content_block_stop
    _ITEM_START = 112   # content_block_start (its block object built whole)
    _ITEM_PING = 113
    _ITEM_END = 114     # message_stop
    # openai-responses: response.created / queued / in_progress, the response's
    # id, model and created_at (response_meta)
    _ITEM_META = 115
    # anthropic: message_start (its message object built whole) and message_delta (the
    # whole event built): fast_message_start / fast_message_delta
    _ITEM_MSTART = 116
    _ITEM_MDELTA = 117
    # openai-responses: an event whose objects the reducer reads (item.key: which,
    # one of the _V_ kinds), left to _responses_view
    _ITEM_VIEW = 118
    # anthropic: a thinking block's signature_delta (the signature in item.text)
    _ITEM_SIGNATURE = 119

cdef enum:
    _MAX_ITEMS = 16     # items pulled from one event
    _MAX_EXTRAS = 4     # members of a chat chunk kept as last sent (more: the full decode)


cdef struct Item:
    int kind            # a contract kind (_TEXT...), or one of the _ITEM_ kinds
    long choice         # ``target``'s where: the choice, block or output item
    long key            # ``target``'s key: the tool call's or the part's index
    Span text
    Span id             # _ITEM_CALL: the id, if has_id (_ITEM_META: the response's id;
                        # _ITEM_MSTART: the message's id, start -1 when absent)
    Span name           # _ITEM_CALL: the name, if has_name (_ITEM_META: its model;
                        # _ITEM_MSTART: the message's model, start -1 when absent)
    bint has_id         # a non-empty id string (_ITEM_META: a string)
    bint has_name       # a non-empty name string (_ITEM_META: a string)
    long long number    # _ITEM_META: created_at, if has_number (_ITEM_MSTART: where the
                        # message's usage object starts, -1 when absent)
    bint has_number     # (_ITEM_MSTART: _message_meta read the message: id, name, number hold)


cdef struct Meta:
    # An openai-chat chunk's own members the reducer takes until it knows the id and
    # model (``fast_meta``): their spans when strings, ``created`` when an integer.
    Span id
    Span model
    Span fingerprint
    long long created
    bint has_id, has_model, has_fingerprint, has_created
    bint chat           # a member only a chat chunk has (choices, id, model, object, usage)
    # What detection's rules read of a chunk (``"auto"``, a first event named "message"):
    bint chat_rule      # rule 6: a choices member, or object "chat.completion.chunk"
    bint foreign        # a member another rule reads (type, Gemini's), or object twice
    # The members the reducer keeps as last sent (fast_extra): not null, not read.
    int extras
    Span extra_key[_MAX_EXTRAS]
    Span extra_value[_MAX_EXTRAS]
    long extra_choice[_MAX_EXTRAS]  # -1: the chunk's own, else the choice's


cdef inline bint _is_piece(int kind) nogil:
    return kind == _TEXT or kind == _ARGUMENTS or kind == _REASONING or kind == _REFUSAL


# -- openai-chat chunks -------------------------------------------------------------------

cdef Py_ssize_t _chat_piece(const uchar* s, Py_ssize_t i, Py_ssize_t n, Item* item) nogil:
    """One tool-call piece ``{"index": K, "function": {"arguments": "..."}}``, other
    members allowed; an ``id`` and a ``name`` (strings or null, once each) make it an
    _ITEM_CALL when either is a non-empty string (the first piece of a call), which
    may come without an index (``key`` -1)."""
    cdef Span key, span
    cdef bint done = False, has_index = False, has_args = False, has_function = False
    cdef bint fdone, seen_id = False, seen_name = False
    item.has_id = False
    item.has_name = False
    i = _open(s, i, n, &done)
    if i < 0 or done:
        return _FB
    while not done:
        i = _member(s, i, n, &key)
        if i < 0:
            return _FB
        if _key_is(s, &key, b"index", 5):
            if not _first(&has_index):
                return _FB
            i = _index(s, i, n, &item.key)
        elif _key_is(s, &key, b"id", 2):
            if not _first(&seen_id):
                return _FB  # the last one counts: the full decode
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
                    if not _first(&seen_name):
                        return _FB
                    if i < n and s[i] == 34:
                        i = _string(s, i, n, &item.name)
                        item.has_name = item.name.end != item.name.start
                    else:
                        i = _null(s, i, n)
                else:
                    i = _value(s, i, n, 3)
                i = _then(s, i, n, &fdone)
                if i < 0:
                    return _FB
        elif _key_is(s, &key, b"custom", 6):
            # A custom tool's piece is the full decode's; an empty object or null (some
            # gateways echo one beside every function piece) says nothing.
            i = _empty_or_null(s, i, n, 123)
        else:
            i = _value(s, i, n, 2)
        i = _then(s, i, n, &done)
        if i < 0:
            return _FB
    if not has_args:
        return _FB
    item.kind = _ITEM_CALL if item.has_id or item.has_name else _ARGUMENTS
    if not has_index:
        if item.kind != _ITEM_CALL:
            return _FB  # (it continues the last call: the full decode reads which)
        item.key = -1  # no index (Mistral sends whole calls so): None for the reducer
    return i


cdef Py_ssize_t _chat_string(const uchar* s, Py_ssize_t i, Py_ssize_t n, Span* span, bint* seen) nogil:
    """A delta member the reducer reads as text: a string (``span`` set, empty or
    not) or null (``span.start`` -1); anything else, or the member twice: _FB."""
    if seen[0] or i >= n:
        return _FB
    seen[0] = True
    if s[i] == 34:
        return _string(s, i, n, span)
    span.start = -1
    return _null(s, i, n)


cdef inline bint _has_text(Span* span) nogil:
    return span.start >= 0 and span.end > span.start


cdef inline bint _same_bytes(const uchar* s, Span* a, Span* b) nogil:
    return a.end - a.start == b.end - b.start and memcmp(s + a.start, s + b.start, a.end - a.start) == 0


cdef inline void _lead(Item* item, int kind, Span* text) noexcept nogil:
    item.kind = kind
    item.key = 0
    item.text = text[0]


cdef enum:
    _MAX_PARTS = 8      # pieces read from one delta's typed content parts


cdef inline int _push_piece(Span* spans, int* kinds, int* parts, Span* text, int kind) noexcept nogil:
    """A typed content part's piece of ``kind`` (none for an empty ``text``); -1 when
    there are _MAX_PARTS already."""
    if not _has_text(text):
        return 0
    if parts[0] == _MAX_PARTS:
        return -1
    spans[parts[0]] = text[0]
    kinds[parts[0]] = kind
    parts[0] += 1
    return 0


cdef inline Py_ssize_t _empty_or_null(const uchar* s, Py_ssize_t i, Py_ssize_t n, uchar opening) nogil:
    """An empty object or array (``opening`` its bracket) or null at ``s[i]``: the index
    after it; anything else: _FB."""
    if i >= n:
        return _FB
    if s[i] == opening:
        i = _ws(s, i + 1, n)
        if i >= n or s[i] != opening + 2:  # "{" and "}", "[" and "]"
            return _FB
        return i + 1
    return _null(s, i, n)


cdef Py_ssize_t _thinking_texts(const uchar* s, Py_ssize_t i, Py_ssize_t n, Span* spans, int* kinds,
                                int* parts) nogil:
    """A ``thinking`` part's ``thinking`` at ``s[i]`` (walked already: valid JSON): null,
    or an array of objects whose ``text`` strings are reasoning pieces; anything else
    (the reducer fails on it), a ``text`` twice, too many pieces: _FB."""
    cdef bint done = False, inner_done, seen
    cdef Span key, text
    if s[i] == 110:
        return _null(s, i, n)
    if s[i] != 91:
        return _FB
    i = _ws(s, i + 1, n)
    if i < n and s[i] == 93:
        return i + 1
    while not done:
        if i >= n or s[i] != 123:
            return _FB
        i = _open(s, i, n, &inner_done)
        seen = False
        text.start = -1
        while i >= 0 and not inner_done:
            i = _member(s, i, n, &key)
            if i < 0 or i >= n:
                return _FB
            if _key_is(s, &key, b"text", 4):
                if not _first(&seen):
                    return _FB
                if s[i] == 34:
                    i = _string(s, i, n, &text)
                else:
                    i = _value(s, i, n, 6)  # not a string: no text, as the reducer reads it
            else:
                i = _value(s, i, n, 6)
            i = _then(s, i, n, &inner_done)
        if i < 0:
            return _FB
        if _push_piece(spans, kinds, parts, &text, _REASONING) < 0:
            return _FB
        i = _next(s, i, n, 93, &done)
        if i < 0:
            return _FB
    return i


cdef Py_ssize_t _content_parts(const uchar* s, Py_ssize_t i, Py_ssize_t n, Span* spans, int* kinds,
                               int* parts) nogil:
    """``content`` sent as typed parts (Mistral's reasoning models), as the reducer
    reads them: a ``text`` part's ``text`` string is text, the ``text`` strings of a
    ``thinking`` part's ``thinking`` are reasoning; empty strings give no piece. A
    part of another type (which the reducer keeps in ``extra``), a part that is not
    an object, a ``type`` with an
    escape, a member read twice, a ``thinking`` that is not null or an array of
    objects, more than _MAX_PARTS pieces: _FB."""
    cdef bint done = False, part_done, seen_type, seen_text, seen_thinking
    cdef Span key, kind, text
    cdef Py_ssize_t thinking_at
    i = _ws(s, i + 1, n)
    if i < n and s[i] == 93:
        return i + 1
    while not done:
        if i >= n or s[i] != 123:
            return _FB
        i = _open(s, i, n, &part_done)
        seen_type = seen_text = seen_thinking = False
        kind.start = text.start = -1
        thinking_at = -1
        while i >= 0 and not part_done:
            i = _member(s, i, n, &key)
            if i < 0 or i >= n:
                return _FB
            if _key_is(s, &key, b"type", 4):
                if not _first(&seen_type):
                    return _FB
                if s[i] == 34:
                    i = _plain(s, i, n, &kind)
                else:
                    i = _value(s, i, n, 5)  # not a string: a part of no type the reducer reads
            elif _key_is(s, &key, b"text", 4):
                if not _first(&seen_text):
                    return _FB
                if s[i] == 34:
                    i = _string(s, i, n, &text)
                else:
                    i = _value(s, i, n, 5)
            elif _key_is(s, &key, b"thinking", 8):
                if not _first(&seen_thinking):
                    return _FB
                thinking_at = i
                i = _value(s, i, n, 5)
            else:
                i = _value(s, i, n, 5)
            i = _then(s, i, n, &part_done)
        if i < 0:
            return _FB
        if kind.start >= 0 and _key_is(s, &kind, b"text", 4):
            if _push_piece(spans, kinds, parts, &text, _TEXT) < 0:
                return _FB
        elif kind.start >= 0 and _key_is(s, &kind, b"thinking", 8):
            if thinking_at >= 0 and _thinking_texts(s, thinking_at, n, spans, kinds, parts) < 0:
                return _FB
        else:
            return _FB  # a part of another type (an image...): the reducer keeps it
        i = _next(s, i, n, 93, &done)
        if i < 0:
            return _FB
    return i


cdef Py_ssize_t _chat_delta(const uchar* s, Py_ssize_t i, Py_ssize_t n, Item* items, int* count,
                            bint* template) nogil:
    """A delta object: ``content``, ``reasoning_content``, ``reasoning`` and
    ``refusal`` as strings or null, ``tool_calls`` as an array of pieces (or null),
    ``role`` skipped, any other member null (the reducer keeps the others: see
    ``_dialects._chat_message``). Its items come in the
    reducer's order: reasoning (``reasoning`` after ``reasoning_content`` only when it
    differs: a server that sends both sends the same text), refusal, content, then
    the tool-call pieces; ``content`` may be typed parts (``_content_parts``), whose
    pieces stand in its place. ``reasoning_details`` or ``function_call`` but null
    (Azure and gateways send ``"function_call": null``), a ``content`` that is
    neither a string, null nor an array of parts, both reasonings with different
    bytes, or a member the reducer reads given twice: _FB. Both reasonings with the
    same bytes clear ``template``: the event cannot serve as a template (its second
    reasoning string, outside the item, would have to change with it)."""
    cdef Span key, content, reasoning, other, refusal
    cdef bint done = False, seen_content = False, seen_reasoning = False, seen_other = False
    cdef bint seen_refusal = False, seen_calls = False
    cdef int first = count[0], lead = 0, k, p, parts = 0
    cdef Span part_spans[_MAX_PARTS]
    cdef int part_kinds[_MAX_PARTS]
    content.start = reasoning.start = other.start = refusal.start = -1
    i = _open(s, i, n, &done)
    if i < 0:
        return _FB
    while not done:
        i = _member(s, i, n, &key)
        if i < 0 or i >= n:
            return _FB
        if _key_is(s, &key, b"content", 7):
            if i < n and s[i] == 91:  # typed parts, in content's place among the items
                if not _first(&seen_content):
                    return _FB
                i = _content_parts(s, i, n, part_spans, part_kinds, &parts)
            else:
                i = _chat_string(s, i, n, &content, &seen_content)
        elif _key_is(s, &key, b"reasoning_content", 17):
            i = _chat_string(s, i, n, &reasoning, &seen_reasoning)
        elif _key_is(s, &key, b"reasoning", 9):
            i = _chat_string(s, i, n, &other, &seen_other)
        elif _key_is(s, &key, b"refusal", 7):
            i = _chat_string(s, i, n, &refusal, &seen_refusal)
        elif _key_is(s, &key, b"tool_calls", 10):
            if not _first(&seen_calls):
                return _FB
            if s[i] == 110:
                i = _null(s, i, n)
            elif s[i] != 91:
                return _FB
            else:
                i = _ws(s, i + 1, n)
                if i < n and s[i] == 93:
                    i += 1
                else:
                    k = count[0]
                    while True:
                        if count[0] >= _MAX_ITEMS:
                            return _FB
                        i = _chat_piece(s, i, n, &items[count[0]])
                        if i < 0:
                            return _FB
                        count[0] += 1
                        i = _next(s, i, n, 93, &done)
                        if i < 0:
                            return _FB
                        if done:
                            break
                    done = False
                    if count[0] - k > 1:
                        # Several pieces, one without an index: which calls they
                        # continue is the reducer's to say (_tool_pieces).
                        for p in range(k, count[0]):
                            if items[p].key < 0:
                                return _FB
        elif _key_is(s, &key, b"role", 4):
            i = _value(s, i, n, 2)
        elif s[i] != 110:
            # reasoning_details, function_call, and the members the reducer keeps
            # (annotations, audio, a server's own): the full decode.
            return _FB
        else:
            i = _null(s, i, n)  # (null: nothing to read, as the reducer reads it)
        i = _then(s, i, n, &done)
        if i < 0:
            return _FB
    if _has_text(&reasoning) and _has_text(&other):
        if reasoning.escaped or other.escaped or not _same_bytes(s, &reasoning, &other):
            return _FB
        other.start = -1
        template[0] = False
    # The leading items go before the tool-call pieces already in place.
    lead = _has_text(&reasoning) + _has_text(&other) + _has_text(&refusal) + _has_text(&content) + parts
    if lead:
        if count[0] + lead > _MAX_ITEMS:
            return _FB
        for k in range(count[0] - 1, first - 1, -1):
            items[k + lead] = items[k]
        count[0] += lead
        k = first
        if _has_text(&reasoning):
            _lead(&items[k], _REASONING, &reasoning)
            k += 1
        if _has_text(&other):
            _lead(&items[k], _REASONING, &other)
            k += 1
        if _has_text(&refusal):
            _lead(&items[k], _REFUSAL, &refusal)
            k += 1
        if _has_text(&content):
            _lead(&items[k], _TEXT, &content)
        for p in range(parts):
            _lead(&items[k], part_kinds[p], &part_spans[p])
            k += 1
    return i



cdef Py_ssize_t _logprobs(const uchar* s, Py_ssize_t i, Py_ssize_t n, Span* span) nogil:
    """A choice's ``logprobs`` object whose ``content`` and ``refusal`` are arrays or
    null (what the reducer extends its lists with), other members skipped: its span,
    braces included, decoded alone when applied (``{}``: start -1, as null)."""
    cdef Span key
    cdef bint done = False, seen_content = False, seen_refusal = False
    span.start = i
    i = _ws(s, i + 1, n)
    if i < n and s[i] == 125:
        span.start = -1
        return i + 1
    while not done:
        i = _member(s, i, n, &key)
        if i < 0 or i >= n:
            return _FB
        if _key_is(s, &key, b"content", 7) or _key_is(s, &key, b"refusal", 7):
            if (seen_content if s[key.start] == 99 else seen_refusal) or not (s[i] == 91 or s[i] == 110):
                return _FB
            if s[key.start] == 99:
                seen_content = True
            else:
                seen_refusal = True
        i = _value(s, i, n, 3)
        i = _then(s, i, n, &done)
        if i < 0:
            return _FB
    span.end = i
    return i


cdef inline int _kept(Meta* meta, Span* key, Py_ssize_t start, Py_ssize_t end, long choice) noexcept nogil:
    """A member the reducer keeps as last sent (not null: ``fast_extra``), of the chunk
    (``choice`` -1) or of a choice: noted in ``meta``; -1 (_FB) past ``_MAX_EXTRAS``
    members or for a key with escapes."""
    if meta.extras == _MAX_EXTRAS or key.escaped:
        return -1
    meta.extra_key[meta.extras] = key[0]
    meta.extra_value[meta.extras].start = start
    meta.extra_value[meta.extras].end = end
    meta.extra_choice[meta.extras] = choice
    meta.extras += 1
    return 0


cdef Py_ssize_t _chat_choice(const uchar* s, Py_ssize_t i, Py_ssize_t n, Item* items, int* count,
                             bint* template, Meta* meta) nogil:
    cdef Span key, finish, logprobs
    cdef bint done = False, has_index = False, has_delta = False, has_finish = False
    cdef bint seen_finish = False, seen_logprobs = False
    logprobs.start = -1
    cdef long choice = 0  # a missing index is the only choice, 0, as in the reducer
    cdef Py_ssize_t delta_at = -1
    cdef int first = count[0], first_extra = meta.extras
    cdef int k
    cdef Py_ssize_t j
    i = _open(s, i, n, &done)  # {}: choice 0 with nothing in it
    if i < 0:
        return _FB
    while not done:
        i = _member(s, i, n, &key)
        if i < 0:
            return _FB
        if _key_is(s, &key, b"index", 5):
            if not _first(&has_index):
                return _FB
            i = _index(s, i, n, &choice)
        elif _key_is(s, &key, b"delta", 5):
            if has_delta or i >= n:
                return _FB
            has_delta = True
            if s[i] == 110:
                i = _null(s, i, n)
            else:
                i = _chat_delta(s, i, n, items, count, template)
        elif _key_is(s, &key, b"finish_reason", 13):
            if not _first(&seen_finish):
                return _FB
            if i < n and s[i] == 34:
                i = _string(s, i, n, &finish)
                has_finish = finish.end != finish.start  # "" is no reason, as null
            else:
                i = _null(s, i, n)
        elif _key_is(s, &key, b"logprobs", 8):
            if seen_logprobs or i >= n:
                return _FB
            seen_logprobs = True
            if s[i] == 123:
                i = _logprobs(s, i, n, &logprobs)
            else:
                i = _null(s, i, n)
        elif _key_is(s, &key, b"text", 4) or _key_is(s, &key, b"message", 7):
            return _FB  # legacy Completions text, a whole message: the reducer reads them
        elif _key_is(s, &key, b"usage", 5) and i < n and s[i] != 110:
            return _FB  # a usage object on the choice (Moonshot): the reducer reads it
        else:
            j = i
            i = _value(s, i, n, 2)
            if i >= 0 and s[j] != 110 and _kept(meta, &key, j, i, 0) < 0:  # (its choice: set below)
                return _FB
        i = _then(s, i, n, &done)
        if i < 0:
            return _FB
    for k in range(first, count[0]):  # the index may come after the delta
        items[k].choice = choice
    for k in range(first_extra, meta.extras):
        meta.extra_choice[k] = choice
    if has_finish:  # the reducer sets the reason after the delta's pieces
        if count[0] >= _MAX_ITEMS:
            return _FB
        items[count[0]].kind = _ITEM_FINISH
        items[count[0]].choice = choice
        items[count[0]].key = 0
        items[count[0]].text = finish
        count[0] += 1
    if logprobs.start >= 0:  # and its log probabilities after that
        if count[0] >= _MAX_ITEMS:
            return _FB
        items[count[0]].kind = _ITEM_LOGPROBS
        items[count[0]].choice = choice
        items[count[0]].key = 0
        items[count[0]].text = logprobs
        count[0] += 1
    if count[0] == first:
        # Nothing to add, but the reducer creates the choice's state: only when it exists.
        if count[0] >= _MAX_ITEMS:
            return _FB
        items[count[0]].kind = _CHOICE
        items[count[0]].choice = choice
        items[count[0]].key = 0
        count[0] += 1
    return i


cdef Py_ssize_t _meta_string(const uchar* s, Py_ssize_t i, Py_ssize_t n, Span* span, bint* has, bint* seen) nogil:
    """A member ``_take_meta`` reads as a string: its span when it is one (others are
    skipped, as the reducer skips them); twice: _FB."""
    if seen[0] or i >= n:
        return _FB
    seen[0] = True
    if s[i] == 34:
        i = _string(s, i, n, span)
        has[0] = i >= 0
        return i
    return _value(s, i, n, 1)


cdef Py_ssize_t _meta_int(const uchar* s, Py_ssize_t i, Py_ssize_t n, Meta* meta, bint* seen) nogil:
    """``created``: an integer of at most 18 digits; a float or another value is
    skipped, as the reducer skips it; a longer integer, or the member twice: _FB."""
    cdef Py_ssize_t j = i, end
    cdef long long v = 0
    cdef bint negative = False
    if seen[0] or i >= n:
        return _FB
    seen[0] = True
    if not (s[i] == 45 or 48 <= s[i] <= 57):
        return _value(s, i, n, 1)
    end = _number(s, i, n)
    if end < 0:
        return _FB
    if s[j] == 45:
        negative = True
        j += 1
    while j < end and 48 <= s[j] <= 57:
        v = v * 10 + (s[j] - 48)
        j += 1
    if j < end:  # a fraction or an exponent: a float
        return end
    if end - i - negative > 18:
        return _FB
    meta.created = -v if negative else v
    meta.has_created = True
    return end


cdef Py_ssize_t _usage_span(const uchar* s, Py_ssize_t i, Py_ssize_t n, Span* usage) nogil:
    """A usage object at ``s[i]`` (``{``): its span, braces included (start -1 for
    ``{}``, which the reducer takes as no usage)."""
    usage.start = i
    i = _value(s, i, n, 1)
    usage.end = i
    if i >= 0 and _ws(s, usage.start + 1, n) == i - 1:
        usage.start = -1
    return i


cdef Py_ssize_t _groq(const uchar* s, Py_ssize_t i, Py_ssize_t n, Span* usage) nogil:
    """Groq's ``x_groq`` object (or null): the span of its ``usage`` object, when it
    has one; a usage that is neither an object nor null, or given twice: _FB."""
    cdef Span key
    cdef bint done = False, seen = False
    if s[i] == 110:
        return _null(s, i, n)
    i = _open(s, i, n, &done)
    if i < 0:
        return _FB  # the reducer reads it as an object: the full decode says what it is
    while not done:
        i = _member(s, i, n, &key)
        if i < 0 or i >= n:
            return _FB
        if _key_is(s, &key, b"usage", 5):
            if seen or not (s[i] == 123 or s[i] == 110):
                return _FB
            seen = True
            i = _usage_span(s, i, n, usage) if s[i] == 123 else _null(s, i, n)
        else:
            i = _value(s, i, n, 2)
        i = _then(s, i, n, &done)
        if i < 0:
            return _FB
    return i


cdef Py_ssize_t _chat_chunk(const uchar* s, Py_ssize_t n, Item* items, int* count, Span* pad,
                            bint* template, Meta* meta, bint detecting) nogil:
    """The items of a chunk, or _FB. ``pad`` gets the span of a top-level
    ``"obfuscation"`` string (start -1 if none): the one member that changes from
    chunk to chunk besides the text (see ``FastFeed._template_match``). ``detecting``
    (``"auto"``'s first event, which is chat's only without a member another rule
    reads): _FB as soon as such a member is met (a Gemini chunk opens with one)."""
    cdef Span key, usage, groq
    cdef bint done = False, has_choices = False, cdone, seen_usage = False, usage_given = False
    cdef bint seen_groq = False
    cdef bint seen_id = False, seen_model = False, seen_fingerprint = False, seen_created = False
    cdef bint seen_object = False
    cdef Span span
    cdef Py_ssize_t j
    cdef Py_ssize_t i = _ws(s, 0, n)
    pad.start = -1
    usage.start = groq.start = -1
    meta.has_id = meta.has_model = meta.has_fingerprint = meta.has_created = meta.chat = False
    meta.chat_rule = meta.foreign = False
    meta.extras = 0
    i = _open(s, i, n, &done)
    if i < 0 or done:
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
                    i = _chat_choice(s, i, n, items, count, template, meta)
                    if i < 0:
                        return _FB
                    i = _next(s, i, n, 93, &cdone)
                    if i < 0:
                        return _FB
        elif _key_is(s, &key, b"usage", 5):
            if seen_usage or i >= n:
                return _FB
            seen_usage = True
            if s[i] == 123:  # its span, braces included
                usage_given = True
                i = _usage_span(s, i, n, &usage)
            else:
                i = _null(s, i, n)
        elif _key_is(s, &key, b"x_groq", 6):
            # Groq's usage, read when the chunk has no usage of its own (null counts as none)
            if seen_groq or i >= n:
                return _FB
            seen_groq = True
            j = i
            i = _groq(s, i, n, &groq)
            if i >= 0 and s[j] != 110 and _kept(meta, &key, j, i, -1) < 0:  # (also kept as last sent)
                return _FB
        elif _key_is(s, &key, b"error", 5):
            return _FB
        elif _key_is(s, &key, b"id", 2):
            i = _meta_string(s, i, n, &meta.id, &meta.has_id, &seen_id)
            meta.chat = True
        elif _key_is(s, &key, b"model", 5):
            i = _meta_string(s, i, n, &meta.model, &meta.has_model, &seen_model)
            meta.chat = True
        elif _key_is(s, &key, b"system_fingerprint", 18):
            i = _meta_string(s, i, n, &meta.fingerprint, &meta.has_fingerprint, &seen_fingerprint)
        elif _key_is(s, &key, b"created", 7):
            i = _meta_int(s, i, n, meta, &seen_created)
        elif _key_is(s, &key, b"object", 6):
            if seen_object:
                meta.foreign = True  # (the last one counts: the rules' own reading)
                if detecting:
                    return _FB
            seen_object = meta.chat = True
            if i < n and s[i] == 34:
                j = _string(s, i, n, &span)
                if j >= 0 and not span.escaped and _key_is(s, &span, b"chat.completion.chunk", 21):
                    meta.chat_rule = True
                i = j
            else:
                i = _value(s, i, n, 1)
        elif _key_is(s, &key, b"obfuscation", 11):
            if i < n and s[i] == 34:
                i = _string(s, i, n, pad)
            else:
                i = _value(s, i, n, 1)  # (noise, whatever its value: the reducer skips it too)
        else:
            if (_key_is(s, &key, b"type", 4) or _key_is(s, &key, b"candidates", 10)
                    or _key_is(s, &key, b"usageMetadata", 13) or _key_is(s, &key, b"promptFeedback", 14)
                    or _key_is(s, &key, b"modelVersion", 12)):
                meta.foreign = True
                if detecting:
                    return _FB
            j = i
            i = _value(s, i, n, 1)
            if i >= 0 and s[j] != 110 and _kept(meta, &key, j, i, -1) < 0:
                return _FB
        i = _then(s, i, n, &done)
        if i < 0:
            return _FB
    if _ws(s, i, n) != n:
        return _FB
    if has_choices:
        meta.chat_rule = True
    if has_choices or seen_usage:
        meta.chat = True
    if not usage_given:
        usage = groq
    if usage.start >= 0:  # read after the choices, as the reducer does
        if count[0] >= _MAX_ITEMS:
            return _FB
        items[count[0]].kind = _ITEM_USAGE
        items[count[0]].choice = 0
        items[count[0]].key = 0
        items[count[0]].text = usage
        usage.escaped = False
        count[0] += 1
    return i


# -- openai-responses events --------------------------------------------------------------

cdef Py_ssize_t _response_meta(const uchar* s, Py_ssize_t i, Py_ssize_t n, Item* item) nogil:
    """The ``response`` object of ``response.created`` (``queued``, ``in_progress``):
    its ``id`` and ``model`` when strings, its ``created_at`` when an integer (see
    ``_meta_int``), everything else skipped; not an object, or one of those three
    members twice: _FB."""
    cdef Span key
    cdef Meta meta
    cdef bint done = False, seen_id = False, seen_model = False, seen_created = False
    item.has_id = item.has_name = item.has_number = False
    meta.has_created = False
    i = _open(s, i, n, &done)
    if i < 0:
        return _FB
    while not done:
        i = _member(s, i, n, &key)
        if i < 0 or i >= n:
            return _FB
        if _key_is(s, &key, b"id", 2):
            i = _meta_string(s, i, n, &item.id, &item.has_id, &seen_id)
        elif _key_is(s, &key, b"model", 5):
            i = _meta_string(s, i, n, &item.name, &item.has_name, &seen_model)
        elif _key_is(s, &key, b"created_at", 10):
            i = _meta_int(s, i, n, &meta, &seen_created)
        else:
            i = _value(s, i, n, 2)
        i = _then(s, i, n, &done)
        if i < 0:
            return _FB
    item.has_number = meta.has_created
    item.number = meta.created
    return i


# The events around the deltas that carry objects (output items, parts, the terminal
# response...): ``_responses_event`` leaves them to ``_responses_view``, which walks
# the whole event once more, validating it, and builds only what the reducer reads:
# a dict of the members its method takes (each built as the full decode builds it),
# and an item whole only as its JSON text (the reducer decodes it if ever read).
cdef enum:
    _V_ADDED = 1            # response.output_item.added: item_added
    _V_DONE = 2             # response.output_item.done: item_done
    _V_PART = 3             # response.content_part.added / .done: part_event
    _V_SUMMARY_PART = 4     # response.reasoning_summary_part.added / .done: part_event
    _V_TEXT = 5             # response.output_text.done: settle_text
    _V_REFUSAL = 6          # response.refusal.done
    _V_SUMMARY_TEXT = 7     # response.reasoning_summary_text.done
    _V_REASONING_TEXT = 8   # response.reasoning_text.done
    _V_ARGUMENTS = 9        # response.function_call_arguments.done: call_done
    _V_CITATION = 10        # response.output_text.annotation.added: citation
    _V_COMPLETED = 11       # response.completed: terminal
    _V_INCOMPLETE = 12      # response.incomplete

cdef int _PART_TEXT = _contract.PART_TEXT
cdef int _PART_REFUSAL = _contract.PART_REFUSAL
cdef int _PART_SUMMARY = _contract.PART_SUMMARY
cdef int _PART_REASONING = _contract.PART_REASONING


# The event types _responses_view reads, and which _V_ kind each is.
cdef const char* _VIEW_TYPES[14]
cdef int _VIEW_KINDS[14]
_VIEW_TYPES[:] = [
    b"response.output_item.added", b"response.output_item.done", b"response.content_part.added",
    b"response.content_part.done", b"response.reasoning_summary_part.added", b"response.reasoning_summary_part.done",
    b"response.output_text.done", b"response.refusal.done", b"response.reasoning_summary_text.done",
    b"response.reasoning_text.done", b"response.function_call_arguments.done",
    b"response.output_text.annotation.added", b"response.completed", b"response.incomplete",
]
_VIEW_KINDS[:] = [
    _V_ADDED, _V_DONE, _V_PART, _V_PART, _V_SUMMARY_PART, _V_SUMMARY_PART, _V_TEXT, _V_REFUSAL, _V_SUMMARY_TEXT,
    _V_REASONING_TEXT, _V_ARGUMENTS, _V_CITATION, _V_COMPLETED, _V_INCOMPLETE,
]


cdef int _view_kind(const uchar* s, Span* t) noexcept nogil:
    """Which of the events ``_responses_view`` reads type ``t`` is (0: none)."""
    cdef int j
    if t.end - t.start < 18 or memcmp(s + t.start, b"response.", 9) != 0:
        return 0
    for j in range(14):
        if _key_is(s, t, _VIEW_TYPES[j], strlen(_VIEW_TYPES[j])):
            return _VIEW_KINDS[j]
    return 0


cdef Py_ssize_t _built(const char* p, Py_ssize_t i, Py_ssize_t n, int depth, dict into, str name) except -2:
    """The value at ``p[i]``, walked (validated) and built into ``into[name]``: the
    index after it, or _FB."""
    cdef Py_ssize_t end = _value(<const uchar*>p, i, n, depth)
    if end >= 0:
        into[name] = _value_at(p, n, i, _loads)
    return end


cdef Py_ssize_t _tag(const char* p, Py_ssize_t i, Py_ssize_t n, dict into, str name) except -2:
    """A member the reducer hashes (``type``, ``status``): a string, put in
    ``into[name]``, or null; anything else: _FB."""
    cdef Span span
    cdef const uchar* s = <const uchar*>p
    if s[i] == 34:
        i = _string(s, i, n, &span)
        if i >= 0:
            into[name] = _utf8_text(p, &span)
        return i
    return _null(s, i, n)


cdef Py_ssize_t _parts(const char* p, Py_ssize_t i, Py_ssize_t n, int depth, dict into, str name) except -2:
    """An item's ``content`` or ``summary``: an array of parts, each built as a dict
    of its ``type``, ``text`` and ``refusal`` (``_part``), or null; else _FB."""
    cdef const uchar* s = <const uchar*>p
    cdef bint done = False
    cdef list parts
    cdef dict part
    if s[i] == 110:
        return _null(s, i, n)
    if s[i] != 91 or depth >= _MAX_DEPTH:
        return _FB
    depth += 1  # (its parts' level)
    parts = []
    i = _ws(s, i + 1, n)
    if i < n and s[i] == 93:
        i += 1
    else:
        while not done:
            part = {}
            i = _part(p, i, n, depth, part)
            if i < 0:
                return _FB
            parts.append(part)
            i = _next(s, i, n, 93, &done)
            if i < 0:
                return _FB
    into[name] = parts
    return i


# How ``_members`` reads a member of a Responses object (see the tables below).
cdef enum:
    _M_BUILT = 1        # any value, built (``_built``)
    _M_TAG = 2          # a string or null (``_tag``)
    _M_PARTS = 3        # an array of parts or null (``_parts``)
    _M_OUTPUT = 4       # an array of output items or null (``_output``)

# (name as bytes, name as str, reader) of the members the reducer reads of a part,
# an output item, the terminal response (``error`` aside: a failed response is the
# full decode's). 16 members at most: a bit each.
_PART_MEMBERS = ((b"type", "type", _M_TAG), (b"text", "text", _M_BUILT), (b"refusal", "refusal", _M_BUILT))
_ITEM_MEMBERS = (
    (b"type", "type", _M_TAG), (b"id", "id", _M_BUILT), (b"status", "status", _M_TAG),
    (b"call_id", "call_id", _M_BUILT), (b"name", "name", _M_BUILT), (b"arguments", "arguments", _M_BUILT),
    (b"input", "input", _M_BUILT), (b"content", "content", _M_PARTS), (b"summary", "summary", _M_PARTS),
)
_RESPONSE_MEMBERS = (
    (b"output", "output", _M_OUTPUT), (b"id", "id", _M_BUILT), (b"model", "model", _M_BUILT),
    (b"created_at", "created_at", _M_BUILT), (b"usage", "usage", _M_BUILT), (b"status", "status", _M_BUILT),
    (b"incomplete_details", "incomplete_details", _M_BUILT),
)


cdef Py_ssize_t _members(const char* p, Py_ssize_t i, Py_ssize_t n, int depth, dict into, tuple table,
                         list raws) except -2:
    """An object of which the reducer reads the members of ``table`` (see above): each
    read into ``into`` by its reader, the others walked and skipped; not an object,
    a member of another type than its reader takes, or one of them twice: _FB.
    ``raws``: where ``_output`` puts the output items' JSON texts."""
    cdef const uchar* s = <const uchar*>p
    cdef Span key
    cdef bint done = False
    cdef int seen = 0, bit, k, reader
    cdef bytes name
    if depth >= _MAX_DEPTH:
        return _FB
    depth += 1  # (its members' level)
    i = _open(s, i, n, &done)
    while i >= 0 and not done:
        i = _member(s, i, n, &key)
        if i < 0 or i >= n:
            return _FB
        bit = 0
        for k in range(len(table)):
            name = <bytes>(<tuple>table[k])[0]
            if _key_is(s, &key, name, len(name)):
                bit = 1 << k
                reader = (<tuple>table[k])[2]
                field = (<tuple>table[k])[1]
                if reader == _M_BUILT:
                    i = _built(p, i, n, depth, into, field)
                elif reader == _M_TAG:
                    i = _tag(p, i, n, into, field)
                elif reader == _M_PARTS:
                    i = _parts(p, i, n, depth, into, field)
                else:
                    i = _output(p, i, n, depth, into, field, raws)
                break
        else:
            i = _value(s, i, n, depth)
        if seen & bit:
            return _FB  # the last one counts: the full decode
        seen |= bit
        i = _then(s, i, n, &done)
    return i


cdef Py_ssize_t _part(const char* p, Py_ssize_t i, Py_ssize_t n, int depth, dict part) except -2:
    """A part object: its ``type`` (a string or null), ``text`` and ``refusal`` in
    ``part``, other members skipped; not an object, or one of those twice: _FB."""
    return _members(p, i, n, depth, part, _PART_MEMBERS, None)


cdef Py_ssize_t _item(const char* p, Py_ssize_t i, Py_ssize_t n, int depth, dict item) except -2:
    """An output item object: in ``item`` the members the reducer reads of it
    (``item_added``), other members skipped; not an object, a ``type`` or ``status``
    that is not a string or null, ``content`` or ``summary`` not an array of objects
    or null, or one of those members twice: _FB."""
    return _members(p, i, n, depth, item, _ITEM_MEMBERS, None)


cdef Py_ssize_t _output(const char* p, Py_ssize_t i, Py_ssize_t n, int depth, dict into, str name,
                        list raws) except -2:
    """The terminal response's ``output``: an array of output items, each read by
    ``_item`` into a list in ``into[name]`` and its JSON text appended to ``raws``,
    or null; else _FB."""
    cdef const uchar* s = <const uchar*>p
    cdef bint done = False
    cdef list output
    cdef dict item
    cdef Py_ssize_t start
    if s[i] == 110:
        return _null(s, i, n)
    if s[i] != 91 or depth >= _MAX_DEPTH:
        return _FB
    output = into[name] = []
    i = _ws(s, i + 1, n)
    if i < n and s[i] == 93:
        return i + 1
    while not done:
        item = {}
        start = i
        i = _item(p, i, n, depth + 1, item)
        if i < 0:
            return _FB
        output.append(item)
        raws.append(PyUnicode_DecodeUTF8(p + start, i - start, "replace"))
        i = _next(s, i, n, 93, &done)
        if i < 0:
            return _FB
    return i


cdef Py_ssize_t _response(const char* p, Py_ssize_t i, Py_ssize_t n, dict response, list raws) except -2:
    """The terminal event's ``response`` object: in ``response`` the members
    ``terminal`` reads (``error`` aside: a failed response is the full decode's),
    ``output`` as a list of items (their texts in ``raws``); not an object, an
    ``output`` that is not an array of objects or null, or one of those members
    twice: _FB."""
    return _members(p, i, n, 1, response, _RESPONSE_MEMBERS, raws)


cdef object _MISSING = object()  # a member the event does not have
#: The compiled reducers' classes (exactly: a subclass may change its class
#: attributes) -> (fast_dialect, done_sentinel), read once here rather than per stream.
cdef dict _BOUND = {
    cls: (cls.fast_dialect, bool(cls.done_sentinel))
    for cls in (OpenAIChatReducer, AnthropicReducer, OpenAIResponsesReducer, GeminiReducer)
}


cdef tuple _responses_view(const char* p, Py_ssize_t n, int which, bint citing):
    """What the reducer's method takes of an event ``which`` (one of the _V_ kinds):
    ``(output_index, part index, item_id, value, extra)``, or ``None`` when the full
    decode must read it (invalid JSON, a member the reducer reads given twice or of
    another type than the one taken here, a required one missing). ``value`` is the
    item (``_item``), the part (``_part``), the text, the arguments, the annotation
    (built only when ``citing``) or the response (``_response``); ``extra`` the
    item's JSON text, the ``.done`` arguments' ``name``, or the output items' texts.
    Whatever the event, nothing of the reducer is read or changed here."""
    cdef const uchar* s = <const uchar*>p
    cdef Span key, span
    cdef bint done = False
    cdef int seen = 0, bit
    cdef long index = -1, sub = 0
    cdef Py_ssize_t i = _ws(s, 0, n), start
    cdef object value = _MISSING, extra = None, item_id = None
    cdef dict built
    cdef list raws
    i = _open(s, i, n, &done)
    if i < 0 or done:
        return None
    while not done:
        i = _member(s, i, n, &key)
        if i < 0 or i >= n:
            return None
        bit = 0
        if _key_is(s, &key, b"type", 4):
            bit = 1  # (read by _responses_event)
            i = _value(s, i, n, 1)
        elif _key_is(s, &key, b"output_index", 12):
            bit = 2
            i = _index(s, i, n, &index)
        elif (_key_is(s, &key, b"summary_index", 13) if which == _V_SUMMARY_PART or which == _V_SUMMARY_TEXT
                else _key_is(s, &key, b"content_index", 13)):
            bit = 4
            i = _index(s, i, n, &sub)
        elif _key_is(s, &key, b"item_id", 7):
            bit = 8
            if s[i] == 34:
                i = _string(s, i, n, &span)
                if i >= 0:
                    item_id = _utf8_text(p, &span)
            else:
                i = _null(s, i, n)
        elif which == _V_ARGUMENTS and _key_is(s, &key, b"name", 4):
            bit = 16
            built = {}
            i = _built(p, i, n, 1, built, "name")
            if i >= 0:
                extra = built["name"]
        elif (_key_is(s, &key, b"item", 4) if which <= _V_DONE
                else _key_is(s, &key, b"part", 4) if which <= _V_SUMMARY_PART
                else _key_is(s, &key, b"refusal", 7) if which == _V_REFUSAL
                else _key_is(s, &key, b"text", 4) if which <= _V_REASONING_TEXT
                else _key_is(s, &key, b"arguments", 9) if which == _V_ARGUMENTS
                else _key_is(s, &key, b"annotation", 10) if which == _V_CITATION
                else _key_is(s, &key, b"response", 8)):
            bit = 32
            built = {}
            start = i
            if which <= _V_DONE:
                i = _item(p, i, n, 1, built)
                if i >= 0:
                    value = built
                    extra = PyUnicode_DecodeUTF8(p + start, i - start, "replace")
            elif which <= _V_SUMMARY_PART:
                i = _part(p, i, n, 1, built)
                value = built
            elif which <= _V_ARGUMENTS:
                if s[i] != 34:
                    return None  # (not a string: nothing to settle, the full decode's case)
                i = _string(s, i, n, &span)
                if i >= 0:
                    value = _utf8_text(p, &span)
            elif which == _V_CITATION:
                i = _value(s, i, n, 1)
                value = _value_at(p, n, start, _loads) if citing and i >= 0 else None
            else:
                raws = []
                i = _response(p, i, n, built, raws)
                value = built
                extra = raws
        else:
            i = _value(s, i, n, 1)
        if seen & bit:
            return None  # the last one counts: the full decode
        seen |= bit
        i = _then(s, i, n, &done)
        if i < 0:
            return None
    if _ws(s, i, n) != n:
        return None
    if which < _V_CITATION and (index < 0 or value is _MISSING):
        return None  # (an event without them: the full decode's case)
    if which > _V_CITATION and value is _MISSING:
        return None
    return (index, sub, item_id, value, extra)


cdef Py_ssize_t _responses_event(const uchar* s, Py_ssize_t n, Item* item) nogil:
    """The delta events of an answer: ``{"type": T, "output_index": K, "delta": "...",
    ...}`` with T ``response.output_text.delta`` (_TEXT, its part from
    ``content_index``), ``response.function_call_arguments.delta`` (_ARGUMENTS) or
    ``response.reasoning_summary_text.delta`` (_REASONING, its part from
    ``summary_index``); a missing part index is 0, as in the reducer. Other members
    are allowed (``sequence_number``, ``item_id``, ``obfuscation``...); ``logprobs``
    must be empty. A type with an escape, an index that is not a small non-negative
    integer, or a duplicated member the reducer reads: _FB. The piece goes in
    ``item.text``, K in ``item.choice``, the part in ``item.key``; without K (absent
    or null), ``item.choice`` is -1 and the ``item_id`` (a string or null) in
    ``item.id`` (``has_id``): the reducer's ``index_of`` says which item.
    ``response.custom_tool_call_input.delta`` is a call's arguments too. Any other
    type starting with ``response.`` gives _ITEM_SKIP with the type's span in
    ``item.text``: the reducer says whether it folds nothing for it
    (``fast_skips``); the types ``_responses_view`` reads give _ITEM_VIEW (which, in
    ``item.key``), and the walk stops there: that one walks the whole event."""
    cdef Span key, span, tspan, item_id
    cdef bint done = False, has_delta = False, has_index = False, has_response = False
    cdef bint has_part = False, has_summary = False, has_logprobs = False
    cdef bint seen_index = False, seen_item_id = False, created = False
    cdef long part = 0, summary = 0
    cdef int kind = 0, view
    cdef Py_ssize_t i = _ws(s, 0, n)
    item_id.start = -1
    i = _open(s, i, n, &done)
    if i < 0 or done:
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
                kind = _TEXT
            elif (_key_is(s, &span, b"response.function_call_arguments.delta", 38)
                    or _key_is(s, &span, b"response.custom_tool_call_input.delta", 37)):
                kind = _ARGUMENTS
            elif _key_is(s, &span, b"response.reasoning_summary_text.delta", 37):
                kind = _REASONING
            elif (_key_is(s, &span, b"response.created", 16) or _key_is(s, &span, b"response.in_progress", 20)
                    or _key_is(s, &span, b"response.queued", 15)):
                kind = _ITEM_META
                created = span.end - span.start == 16
            else:
                view = _view_kind(s, &span)
                if view:
                    # The events whose objects the reducer reads: _responses_view walks
                    # the whole event again and builds them (the walk stops here).
                    item.kind = _ITEM_VIEW
                    item.key = view
                    item.choice = 0
                    return i
                if span.end - span.start <= 9 or memcmp(s + span.start, b"response.", 9) != 0:
                    return _FB
                kind = _ITEM_SKIP
                tspan = span
        elif _key_is(s, &key, b"delta", 5):
            if has_delta or s[i] != 34:
                return _FB
            has_delta = True
            i = _string(s, i, n, &item.text)
        elif _key_is(s, &key, b"response", 8):
            if not _first(&has_response):
                return _FB
            i = _response_meta(s, i, n, item)
        elif _key_is(s, &key, b"output_index", 12):
            if not _first(&seen_index):
                return _FB
            if s[i] == 110:
                i = _null(s, i, n)  # (as if absent: the item is found by its id)
            else:
                has_index = True
                i = _index(s, i, n, &item.choice)
        elif _key_is(s, &key, b"item_id", 7):
            if not _first(&seen_item_id):
                return _FB
            if s[i] == 34:
                i = _string(s, i, n, &item_id)
            else:
                i = _null(s, i, n)
        elif _key_is(s, &key, b"content_index", 13):
            if not _first(&has_part):
                return _FB
            i = _index(s, i, n, &part)
        elif _key_is(s, &key, b"summary_index", 13):
            if not _first(&has_summary):
                return _FB
            i = _index(s, i, n, &summary)
        elif _key_is(s, &key, b"logprobs", 8):
            if not _first(&has_logprobs):
                return _FB
            i = _empty_or_null(s, i, n, 91)  # [ ]
        else:
            i = _value(s, i, n, 1)
        i = _then(s, i, n, &done)
        if i < 0:
            return _FB
    if _ws(s, i, n) != n or not kind:
        return _FB
    if kind == _ITEM_SKIP:
        item.kind = kind
        item.text = tspan
        item.key = 0
        return i
    if kind == _ITEM_META:
        if not has_response:
            return _FB
        item.kind = kind
        item.key = created  # (1: response.created, the reducer's open_response first)
        return i
    if not has_delta:
        return _FB
    if not has_index:
        # No output_index (some proxies drop it): the reducer finds the item by its
        # item_id (``index_of``), the id's span in item.id.
        item.choice = -1
        item.id = item_id
        item.has_id = item_id.start >= 0
    item.kind = kind
    item.key = summary if kind == _REASONING else part if kind == _TEXT else 0
    return i


# -- anthropic events ---------------------------------------------------------------------

cdef Py_ssize_t _stop_reason(const uchar* s, Py_ssize_t i, Py_ssize_t n) nogil:
    """A ``message_delta``'s delta (an object, or null): what the reducer can take
    without an error, a ``stop_reason`` that is a string or null (once); other
    members skipped (they go to the result's extra)."""
    cdef Span key
    cdef bint done = False, seen = False
    if s[i] == 110:
        return _null(s, i, n)
    i = _open(s, i, n, &done)
    if i < 0:
        return _FB
    while not done:
        i = _member(s, i, n, &key)
        if i < 0 or i >= n:
            return _FB
        if _key_is(s, &key, b"stop_reason", 11):
            if not _first(&seen) or not (s[i] == 34 or s[i] == 110):
                return _FB
        i = _value(s, i, n, 2)
        i = _then(s, i, n, &done)
        if i < 0:
            return _FB
    return i


cdef bint _anthropic_name(const char* name, Py_ssize_t n) noexcept nogil:
    """Whether an SSE event name is one of Anthropic's event types (``EVENT_TYPES``)."""
    if n == 4:
        return memcmp(name, b"ping", 4) == 0
    if n == 12:
        return memcmp(name, b"message_stop", 12) == 0
    if n == 13:
        return memcmp(name, b"message_start", 13) == 0 or memcmp(name, b"message_delta", 13) == 0
    if n == 18:
        return memcmp(name, b"content_block_stop", 18) == 0
    if n == 19:
        return memcmp(name, b"content_block_start", 19) == 0 or memcmp(name, b"content_block_delta", 19) == 0
    return False


cdef Py_ssize_t _message_meta(const uchar* s, Py_ssize_t i, Py_ssize_t n, Span* id, Span* model,
                              Py_ssize_t* usage) nogil:
    """``message_start``'s message (at ``s[i]``, walked here: invalid JSON is _FB too) when all the reducer
    keeps of it is its ``id`` and ``model`` (strings, ``id.start`` -1 when absent) and
    its ``usage`` (an object, whose start goes in ``usage``; -1 when absent or null):
    ``content`` ``[]`` or null, ``stop_reason`` null, ``type`` and ``role`` any value,
    every other member null (a value would be kept: the message is built whole then),
    each member the reducer reads given once. The index after it, or _FB."""
    cdef Span key
    cdef bint done = False, seen_id = False, seen_model = False, seen_usage = False
    cdef bint seen_content = False, seen_stop = False
    id.start = model.start = -1
    usage[0] = -1
    i = _open(s, i, n, &done)
    if i < 0:
        return _FB
    while not done:
        i = _member(s, i, n, &key)
        if i < 0 or i >= n:
            return _FB
        if _key_is(s, &key, b"id", 2):
            if not _first(&seen_id) or s[i] != 34:
                return _FB
            i = _string(s, i, n, id)
        elif _key_is(s, &key, b"model", 5):
            if not _first(&seen_model) or s[i] != 34:
                return _FB
            i = _string(s, i, n, model)
        elif _key_is(s, &key, b"usage", 5):
            if not _first(&seen_usage):
                return _FB
            if s[i] == 123:
                usage[0] = i
                i = _value(s, i, n, 2)
            else:
                i = _null(s, i, n)
        elif _key_is(s, &key, b"content", 7):
            if not _first(&seen_content):
                return _FB
            if s[i] == 91:  # only an empty array
                i = _ws(s, i + 1, n)
                if i >= n or s[i] != 93:
                    return _FB
                i += 1
            else:
                i = _null(s, i, n)
        elif _key_is(s, &key, b"stop_reason", 11):
            if not _first(&seen_stop):
                return _FB
            i = _null(s, i, n)
        elif _key_is(s, &key, b"type", 4) or _key_is(s, &key, b"role", 4):
            i = _value(s, i, n, 2)
        else:
            i = _null(s, i, n)
        i = _then(s, i, n, &done)
        if i < 0:
            return _FB
    return i


cdef Py_ssize_t _messages_event(const uchar* s, Py_ssize_t n, Item* item) nogil:
    """``{"type": "content_block_delta", "index": K, "delta": {"type":
    "text_delta", "text": "..."}}`` or the same with ``input_json_delta`` and
    ``partial_json`` or ``thinking_delta`` and ``thinking``; other members allowed.
    The block's index goes in ``item.choice``. Also the events around the deltas:
    ``content_block_stop`` with an index (_ITEM_STOP), ``ping`` (_ITEM_PING),
    ``message_stop`` (_ITEM_END), ``content_block_start`` (_ITEM_START, where its
    block object starts in ``item.text.start``),
    ``message_start`` (_ITEM_MSTART, where its message starts in ``item.text.start``)
    and ``message_delta`` (_ITEM_MDELTA, the event's start there; see ``_stop_reason``)."""
    cdef Span key, span
    cdef bint done = False, dd
    cdef bint has_type = False, has_index = False, has_delta = False, has_dtype = False
    cdef bint has_text = False, has_json = False, has_thinking = False, has_block = False, has_signature = False
    cdef bint has_message = False, delta_read = False
    cdef int dkind = 0, etype = 0
    cdef Span text, json, thinking, signature
    cdef Py_ssize_t i = _ws(s, 0, n), at = 0, at_block = 0, j, usage = -1
    item.text.start = i  # (message_delta: the whole event is built, from here)
    item.has_number = False
    i = _open(s, i, n, &done)
    if i < 0 or done:
        return _FB
    while not done:
        i = _member(s, i, n, &key)
        if i < 0 or i >= n:
            return _FB
        if _key_is(s, &key, b"type", 4):
            if not _first(&has_type):
                return _FB
            i = _plain(s, i, n, &span)
            if i < 0:
                return _FB
            if _key_is(s, &span, b"content_block_delta", 19):
                etype = _ITEM_DELTA
            elif _key_is(s, &span, b"content_block_stop", 18):
                etype = _ITEM_STOP
            elif _key_is(s, &span, b"ping", 4):
                etype = _ITEM_PING
            elif _key_is(s, &span, b"message_stop", 12):
                etype = _ITEM_END
            elif _key_is(s, &span, b"content_block_start", 19):
                etype = _ITEM_START
            elif _key_is(s, &span, b"message_start", 13):
                etype = _ITEM_MSTART
            elif _key_is(s, &span, b"message_delta", 13):
                etype = _ITEM_MDELTA
            else:
                return _FB
        elif _key_is(s, &key, b"message", 7):
            if not _first(&has_message) or s[i] != 123:
                return _FB
            at = i
            # Read for its id, model and usage as it is walked (one walk, not two);
            # a message with more than those is walked whole and built, later.
            j = _message_meta(s, i, n, &item.id, &item.name, &usage)
            item.has_number = j >= 0
            i = j if j >= 0 else _value(s, i, n, 1)
        elif _key_is(s, &key, b"content_block", 13):
            if not _first(&has_block) or s[i] != 123:
                return _FB
            at_block = i
            i = _value(s, i, n, 1)
        elif _key_is(s, &key, b"index", 5):
            if not _first(&has_index):
                return _FB
            i = _index(s, i, n, &item.choice)
        elif _key_is(s, &key, b"delta", 5) and etype == _ITEM_MDELTA:
            if not _first(&has_delta):
                return _FB
            i = _stop_reason(s, i, n)
            delta_read = True
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
                    if not _first(&has_dtype):
                        return _FB
                    i = _plain(s, i, n, &span)
                    if i < 0:
                        return _FB
                    if _key_is(s, &span, b"text_delta", 10):
                        dkind = _TEXT
                    elif _key_is(s, &span, b"input_json_delta", 16):
                        dkind = _ARGUMENTS
                    elif _key_is(s, &span, b"thinking_delta", 14):
                        dkind = _REASONING
                    elif _key_is(s, &span, b"signature_delta", 15):
                        dkind = _ITEM_SIGNATURE
                    else:
                        return _FB
                elif _key_is(s, &key, b"text", 4):
                    if has_text or s[i] != 34:
                        return _FB
                    has_text = True
                    i = _string(s, i, n, &text)
                elif _key_is(s, &key, b"thinking", 8):
                    if has_thinking or s[i] != 34:
                        return _FB
                    has_thinking = True
                    i = _string(s, i, n, &thinking)
                elif _key_is(s, &key, b"partial_json", 12):
                    if has_json or s[i] != 34:
                        return _FB
                    has_json = True
                    i = _string(s, i, n, &json)
                elif _key_is(s, &key, b"signature", 9):
                    if has_signature or s[i] != 34:
                        return _FB
                    has_signature = True
                    i = _string(s, i, n, &signature)
                else:
                    i = _value(s, i, n, 2)
                i = _then(s, i, n, &dd)
                if i < 0:
                    return _FB
        else:
            i = _value(s, i, n, 1)
        i = _then(s, i, n, &done)
        if i < 0:
            return _FB
    if _ws(s, i, n) != n or not has_type:
        return _FB
    item.key = 0
    if etype == _ITEM_PING or etype == _ITEM_END:
        item.kind = etype
        return i
    if etype == _ITEM_MSTART:
        if not has_message:
            return _FB
        item.kind = etype
        item.text.start = at
        item.number = usage
        return i
    if etype == _ITEM_MDELTA:
        if has_delta and not delta_read:
            return _FB  # its delta came before its type: read as a block's delta, not checked
        item.kind = etype
        return i
    if not has_index or (has_block and etype != _ITEM_START) or (has_delta and etype != _ITEM_DELTA):
        return _FB
    if etype == _ITEM_STOP:
        item.kind = etype
        return i
    if etype == _ITEM_START:
        if not has_block:
            return _FB
        item.kind = etype
        item.text.start = at_block
        return i
    if not has_dtype:
        return _FB
    if dkind == _TEXT and has_text:
        item.text = text
    elif dkind == _ARGUMENTS and has_json:
        item.text = json
    elif dkind == _REASONING and has_thinking:
        item.text = thinking
    elif dkind == _ITEM_SIGNATURE and has_signature:
        item.text = signature
    else:
        return _FB
    item.kind = dkind
    item.key = 0
    return i


# -- the feed -----------------------------------------------------------------------------

cdef class FastFeed:
    """The fast path of one reducer, whose ``fast_dialect`` says which extractor reads
    its events (see the module's docstring; the reducer implements
    ``_contract.FastReducer``).

    ``feed(parser, data, out)`` runs the compiled parser in sink mode: each event it
    completes is offered as the UTF-8 bytes of its data; an event the extractor
    declines is built as the ``Event`` the parser returns and given to
    ``reducer.feed_event``, in stream order. An error the reducer raises stops the
    feeding (the parser still reads the rest of the fragment, as ``feed()`` does) and
    is raised once the fragment is parsed, so the parser's state is exactly what
    ``feed()`` leaves. Returns the events the parser did not offer (see
    ``EventParser._feed_sink``): the caller feeds them the ordinary way.

    ``feed_events(events, out)`` does the same for ``Event`` objects.
    """

    cdef object reducer
    # The same reducer, typed: what this calls on it is a C call (``_bind`` checks it
    # is the compiled reducer of its dialect); None for a reducer without a fast path.
    cdef Reducer base
    cdef OpenAIChatReducer chat
    cdef AnthropicReducer messages
    cdef OpenAIResponsesReducer responses
    cdef object owner       # while no reducer is bound: what makes one (see feed)
    cdef object parser      # during feed(): the parser (current_event reads its last event id)
    # The event being taken, for current_event: its Event when there is one, else its bytes.
    cdef object c_event
    cdef const char* c_data
    cdef Py_ssize_t c_n
    cdef const char* c_type
    cdef Py_ssize_t c_tlen
    cdef object own_feed_events  # a reducer without a fast path: its feed_events
    cdef object out
    cdef object error
    cdef int dialect
    cdef bint sentinel      # the reducer's done_sentinel: [DONE] ends the stream
    cdef bint ready         # the reducer was not done when last asked
    cdef bint done
    cdef long pending       # events taken and not yet counted in reducer.events
    cdef bint chunk_ready   # openai-chat: the reducer takes pieces (it knows the id and model)
    cdef dict skips         # openai-responses: event type -> whether the reducer folds nothing for it
    # The target of the last single-piece event, while nothing but pieces went to the
    # reducer since (the contract: a target stays right until then).
    cdef bint cached
    cdef int c_kind
    cdef long c_where, c_key
    cdef object c_list
    cdef long c_choice, c_position
    # The template: the bytes of the last event that gave one piece, and where its
    # string (and its "obfuscation" string, if any) lie in them.
    cdef char* t_buf
    cdef Py_ssize_t t_len
    cdef Py_ssize_t t_a, t_a_end    # the item's string: inside the quotes
    cdef Py_ssize_t t_b, t_b_end    # the pad string, or t_b == t_b_end == t_len
    cdef int t_kind                 # the item it gave
    cdef long t_choice, t_key
    cdef readonly long template_hits  # events taken by _template_match (for the tests)
    cdef bint t_extras              # the template's chunk had members kept as last sent
    cdef bint extras_current        # they are the reducer's (no other event came since)

    def __init__(self, reducer=None):
        if reducer is not None:
            self._bind(reducer)

    def bind(self, reducer):
        """Feed ``reducer`` from now on. A feed made without one (``"auto"``) declines
        every event until its ``owner`` (see ``feed``) made the reducer and bound
        it, so that the rest of the fragment takes the fast path at once. A reducer
        without a fast path (``fast_dialect`` 0) gets each event through its own
        ``feed_events``."""
        self._bind(reducer)

    cdef int _bind(self, reducer) except -1:
        cdef int dialect
        cdef bint sentinel
        cdef tuple known = _BOUND.get(type(reducer))
        if known is not None:  # a compiled reducer of its dialect
            dialect = known[0]
            sentinel = known[1]
        else:
            dialect = reducer.fast_dialect
            if dialect and not (
                (dialect == _CHAT and isinstance(reducer, OpenAIChatReducer))
                or (dialect == _MESSAGES and isinstance(reducer, AnthropicReducer))
                or (dialect == _RESPONSES and isinstance(reducer, OpenAIResponsesReducer))
                or (dialect == _GEMINI and isinstance(reducer, GeminiReducer))
            ):
                raise TypeError(
                    f"the fast path reads the compiled reducer of its dialect, not {type(reducer).__qualname__}"
                )
            sentinel = bool(reducer.done_sentinel)
        self.base = self.chat = self.messages = self.responses = None
        self.reducer = reducer
        self.dialect = dialect
        if dialect:
            self.base = <Reducer>reducer
            if dialect == _CHAT:
                self.chat = <OpenAIChatReducer>reducer
            elif dialect == _MESSAGES:
                self.messages = <AnthropicReducer>reducer
            elif dialect == _RESPONSES:
                self.responses = <OpenAIResponsesReducer>reducer
            self.own_feed_events = None  # (self.base.feed_event instead: a C call)
        else:
            self.own_feed_events = reducer.feed_events
        self.sentinel = sentinel
        self.ready = self.cached = self.done = self.chunk_ready = False
        self.t_len = 0
        self.skips = None
        return 0

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

    cdef int _template_take(self, const char* p, Py_ssize_t n, Item* item, Span* pad, bint extras) except -1:
        cdef char* buf
        if n > 1024:
            return 0
        self.t_extras = extras
        self.extras_current = True
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

    def feed(self, parser, data, list out, owner=None):
        """While no reducer is bound (``"auto"``), ``owner`` (the ``Accumulator``) makes
        it: ``owner._start(name)`` makes the reducer of dialect ``name`` when the first
        event's bytes say which it is (``_detect``), and this feed binds it; else
        ``owner._detect_in_parse(event, out)`` is called with each event (built as the
        parser returns it) until it binds one (``bind``). (One object given, not two
        bound methods made for every fragment.)"""
        cdef list events
        cdef object error
        self.out = out
        self.owner = owner
        self.parser = parser
        self.ready = False
        self.cached = False
        try:
            if type(parser) is _PARSER:
                events = []
                _FEED_SINK(parser, data, events, _SINK_FN, self)
            else:
                events = parser._feed_sink(data, _SINK, self)
        finally:
            self.out = None
            self.owner = self.parser = None
            self._count()
        if self.error is not None:
            error = self.error
            self.error = None
            raise error
        return events

    def feed_events(self, events, list out):
        """Each event through the fast path when it is one of its shapes, else through
        ``reducer.feed_event``. Returns how many took the fast path."""
        cdef long fast = 0
        if self.reducer is None:
            raise ValueError("FastFeed.feed_events needs a reducer bound")
        self.out = out
        self.ready = False
        self.cached = False
        try:
            for event in events:
                if self.done:
                    self._declined(event)  # (after the end: see _sink)
                    continue
                if self._take_event(event):
                    fast += 1
                    continue
                self._declined(event)
        finally:
            self.out = None
            self._count()
        return fast

    cdef inline void _count(self):
        if self.pending:  # (never with no reducer bound: nothing was taken)
            self.base.events += self.pending
            self.pending = 0

    cdef object _target(self, int kind, long where, long key):
        """The reducer's ``target`` (not Gemini's: its walker asks nothing of it)."""
        if self.chat is not None:
            return self.chat.target(kind, where, key)
        if self.messages is not None:
            return self.messages.target(kind, where, key)
        return self.responses.target(kind, where, key)

    cdef int _declined(self, event) except -1:
        """An event for the full decode: counted in order, and whatever was known of
        the reducer's state is asked again afterwards (or, with no reducer bound yet,
        an event for the owner's detector)."""
        self._count()
        self.ready = False
        self.cached = False
        if self.reducer is None:
            # owner._detect_in_parse(event, out): binds this feed to the reducer it
            # makes; true when the event is left to this feed (detected undecoded, a
            # fast dialect)
            if self.owner is None:  # (feed() is given one whenever no reducer is bound)
                raise ValueError("an event for a FastFeed with no reducer bound and no owner")
            if self.owner._detect_in_parse(event, self.out):
                if not self._take_event(event):
                    self._declined(event)
        elif self.dialect:
            self.base.feed_event(event, self.out)
        else:
            self.own_feed_events((event,), self.out)  # the reducer's own feed_events
        return 0

    cdef int _take_event(self, event) except -1:
        """``_take`` for an ``Event``: its data's UTF-8 form (0 when it has none)."""
        cdef const char* p
        cdef const char* etype
        cdef Py_ssize_t n, tlen
        data = event.data
        name = event.event
        if type(data) is not str or type(name) is not str:
            return 0
        try:
            p = PyUnicode_AsUTF8AndSize(data, &n)
            etype = PyUnicode_AsUTF8AndSize(name, &tlen)
        except UnicodeEncodeError:  # lone surrogates: the full decode
            return 0
        self.c_event = event
        try:
            return self._take(p, n, etype, tlen)
        finally:
            self.c_event = None

    cdef int _take(self, const char* p, Py_ssize_t n, const char* etype, Py_ssize_t tlen) except -1:
        """Takes one event's data ``p`` (its type ``etype``): 1 when it was applied (or
        the stream is over), 0 when the reducer must read it."""
        cdef Item items[_MAX_ITEMS]
        cdef Span pad
        cdef Meta meta
        cdef int count = 0
        cdef bint walked = True, template = True, prewalked = False
        cdef int found
        # Whether the reducer's kept members (fast_extra) are still the template's:
        # any event but a template hit may change them (the full decode included).
        cdef bint extras_current = self.extras_current
        self.extras_current = False
        pad.start = -1
        meta.extras = 0
        if not self.dialect:
            # No reducer bound yet (then the first event's bytes may say which), or
            # one without a fast path.
            if self.reducer is not None or self.owner is None:
                return 0
            found = self._detect(p, n, etype, tlen, items, &count, &pad, &template, &meta)
            if found == 2:
                return 1  # (a Gemini chunk, detected and taken by the same walk)
            if not found or not self.dialect:
                return 0
            prewalked = found == 3  # (walked by its dialect's walker: its items are read)
        if not self.ready:
            if self.base.done:
                self.done = True
                return 0  # (after the end: the reducer's after_end says whether it carries anything)
            self.ready = True
        if tlen == 5 and memcmp(etype, b"error", 5) == 0:
            return 0
        if self.dialect == _GEMINI:
            return self._gemini(self.reducer, p, n, etype, tlen)
        if self.t_len and (extras_current or not self.t_extras) and self._template_match(p, n, &items[0]):
            # (a template whose chunk had kept members only while they are the
            # reducer's: a hit carries the template's)
            count = 1
            walked = False
            self.extras_current = extras_current
            self.template_hits += 1
        elif self.dialect == _CHAT:
            if self.sentinel and n >= 6 and memcmp(p, b"[DONE]", 6) == 0:
                # What feed_event does with it (Reducer._not_json: no JSON value starts
                # with "[D"): count the event and end the stream, without raising and
                # catching a decode error.
                self.pending += 1
                self.base.end(self.out)
                self.done = True
                return 1
            if not prewalked and _chat_chunk(<const uchar*>p, n, items, &count, &pad, &template, &meta, False) < 0:
                return 0
            if count == 0:
                return 0  # (no item asks the reducer whether it is ready: the full decode)
            if not self.chunk_ready and not self._chunk_meta(p, &meta):
                return 0
        elif self.dialect == _MESSAGES:
            if not prewalked and _messages_event(<const uchar*>p, n, &items[0]) < 0:
                return 0
            count = 1
        elif self.dialect == _RESPONSES:
            if not prewalked and _responses_event(<const uchar*>p, n, &items[0]) < 0:
                return 0
            count = 1
        else:
            return 0
        if not self._apply(items, count, p, n):
            return 0
        if meta.extras and self.dialect == _CHAT:  # (a detection walk may have read it as chat first)
            self._chat_extras(p, n, &meta)
        if walked and template and count == 1 and _is_piece(items[0].kind) and self.dialect != _RESPONSES:
            # (Responses events number themselves: no two are alike outside their text.)
            self._template_take(p, n, &items[0], &pad, meta.extras != 0)
        return 1

    cdef int _chat_extras(self, const char* p, Py_ssize_t n, Meta* meta) except -1:
        """A chat chunk's members (and its choices') the reducer keeps as last sent
        (``fast_extra``), each passed when its JSON text differs from the one the
        reducer has."""
        cdef int k
        cdef long choice
        cdef OpenAIChatReducer chat = self.chat
        for k in range(meta.extras):
            choice = meta.extra_choice[k]
            key = _utf8_text(p, &meta.extra_key[k])
            text = PyBytes_FromStringAndSize(p + meta.extra_value[k].start,
                                             meta.extra_value[k].end - meta.extra_value[k].start)
            texts = chat._extra_text
            if texts is not None and (<dict?>texts).get(key if choice < 0 else (choice, key)) == text:
                continue
            chat.fast_extra(choice, key, _value_at(p, n, meta.extra_value[k].start, _loads), text)
        return 0

    cdef int _gemini(self, reducer, const char* p, Py_ssize_t n, const char* etype, Py_ssize_t tlen) except -1:
        """``take_chunk`` of this event's data (``reducer`` None: the first event of an
        ``"auto"`` stream), the event's bytes kept for ``current_event`` meanwhile."""
        self.c_data = p
        self.c_n = n
        self.c_type = etype
        self.c_tlen = tlen
        try:
            return take_chunk(reducer, p, n, self.out, self, _start_gemini)
        finally:
            self.c_data = NULL

    def current_event(self):
        """The ``Event`` being taken (for an error that names it): the one given, or,
        from the parser's sink, the one the parser would have built (the parser
        offers only events without a ``retry`` field; the last event id is its own)."""
        if self.c_event is not None:
            return self.c_event
        if self.parser is None or self.c_data == NULL:
            raise ValueError("no event is being taken")
        return Event(
            _MESSAGE if self.c_tlen == 0 else PyUnicode_DecodeUTF8(self.c_type, self.c_tlen, "replace"),
            PyUnicode_DecodeUTF8(self.c_data, self.c_n, "replace"),
            self.parser.last_event_id,
            None)

    cdef int _detect(self, const char* p, Py_ssize_t n, const char* etype, Py_ssize_t tlen, Item* items,
                     int* count, Span* pad, bint* template, Meta* meta) except -1:
        """``"auto"``: the dialect of the first event with data, read from its bytes as
        ``fast_detect`` reads them, and the reducer ``owner._start`` makes for it bound (1);
        0 when the walker or the rules leave it to ``detect`` (through the owner's ``_detect_in_parse``);
        2 when it was a Gemini chunk, read and folded by the Gemini walker in the
        same walk (``take_chunk``); 3 when the dialect's own walker read it whole and
        that walk decides the rules, its items as it leaves them for ``_take`` (the
        chat walker's ``count``, ``pad``, ``template`` and ``meta`` too): a chunk named "message" with a
        choices member or the chat object and no member another rule reads (rule 6;
        it has no error, which the chat walker leaves to the full decode), a
        Responses event named ``response.*`` (rule 2 decides by the name, the data
        being a JSON object), an event named as Anthropic's whose ``type`` is one of
        Anthropic's too (which that walker checks: rule 3). Otherwise ``count`` is 0
        and ``pad`` and ``template`` as ``_take`` set them."""
        cdef Span kind
        cdef int mask = 0
        cdef bint plain = tlen == 0 or (tlen == 7 and memcmp(etype, b"message", 7) == 0)
        cdef bint responses = tlen >= 9 and memcmp(etype, b"response.", 9) == 0
        if tlen == 5 and memcmp(etype, b"error", 5) == 0:
            return 0
        if plain:
            if (_chat_chunk(<const uchar*>p, n, items, count, pad, template, meta, True) >= 0
                    and meta.chat_rule and not meta.foreign):
                self._bind(self.owner._start("openai-chat"))
                return 3
            count[0] = 0
            template[0] = True
            pad.start = -1
            if self._gemini(None, p, n, etype, tlen):
                return 2
        if responses and _responses_event(<const uchar*>p, n, &items[0]) >= 0 and items[0].kind != _ITEM_VIEW:
            # (not an event _responses_view reads: the walk stopped at its type, and
            # the data may not even be JSON, which detection must say)
            self._bind(self.owner._start("openai-responses"))
            return 3
        if _anthropic_name(etype, tlen) and _messages_event(<const uchar*>p, n, &items[0]) >= 0:
            self._bind(self.owner._start("anthropic"))
            return 3
        if _top(<const uchar*>p, n, &kind, &mask) < 0:
            return 0
        name = _detected(
            _MESSAGE if plain else PyUnicode_DecodeUTF8(etype, tlen, "replace"),
            _utf8_text(p, &kind) if kind.start >= 0 else "",
            mask)
        if name is None:
            return 0
        self._bind(self.owner._start(name))
        return 1

    cdef bint _chunk_meta(self, const char* p, Meta* meta) except -1:
        """openai-chat, until the reducer knows the id and model: whether it takes this
        chunk's pieces, after giving it the chunk's own members (``fast_meta``: what
        the full decode takes first; it takes nothing twice, should the chunk still
        go to it)."""
        if self._target(_CHUNK, 0, 0) is None:
            if not meta.chat:
                return False  # the reducer's shape check says what this is
            if not self.chat.fast_meta(
                    _utf8_text(p, &meta.id) if meta.has_id else None,
                    _utf8_text(p, &meta.model) if meta.has_model else None,
                    meta.created if meta.has_created else None,
                    _utf8_text(p, &meta.fingerprint) if meta.has_fingerprint else None,
                    self.out):
                return False
        self.chunk_ready = True
        return True

    cdef int _apply(self, Item* items, int count, const char* p, Py_ssize_t n) except -1:
        """The one place where items change the reducer's state: every target is asked
        for first (nothing is changed when one is missing: 0), then each piece is
        appended and its delta built, in order."""
        cdef PyObject* lists[_MAX_ITEMS]  # borrowed: the reducer's state holds them
        cdef long choices[_MAX_ITEMS]
        cdef long positions[_MAX_ITEMS]
        cdef int k, j, kind
        cdef object target, text, out
        if items[0].kind >= _ITEM_STOP:
            return self._event(p, n, &items[0])
        if items[0].kind == _ITEM_SKIP:
            return self._skip(p, &items[0])
        if items[0].choice < 0 and self.dialect == _RESPONSES:
            where = self.responses.index_of(_utf8_text(p, &items[0].id) if items[0].has_id else None)
            # An index the walker would not have read itself (the item was made by an
            # event whose output_index was negative or huge, read by the full decode):
            # the full decode, which reads any integer (found by the fuzz driver).
            if type(where) is not int or not 0 <= where < 1000000000:
                return 0
            items[0].choice = where
        if (count == 1 and self.cached and items[0].kind == self.c_kind and items[0].choice == self.c_where
                and items[0].key == self.c_key):
            lists[0] = <PyObject*>self.c_list
            choices[0] = self.c_choice
            positions[0] = self.c_position
        else:
            self.cached = False
            for k in range(count):
                kind = items[k].kind
                if kind == _ITEM_CALL:
                    # A call's piece may move where a call's pieces go: with no other
                    # argument piece in its event (whose target would be asked before
                    # it moved), or the full decode.
                    for j in range(count):
                        if items[j].kind == _ARGUMENTS:
                            return 0
                    kind = _CHOICE
                elif kind == _ITEM_FINISH or kind == _ITEM_LOGPROBS:
                    kind = _CHOICE
                elif kind == _ITEM_USAGE:
                    kind = _CHUNK
                target = self._target(kind, items[k].choice, items[k].key)
                if target is None:
                    # A choice this chunk starts: made as the full decode makes it.
                    if self.dialect != _CHAT or not self.chat.fast_choice(items[k].choice):
                        return 0
                    target = self._target(kind, items[k].choice, items[k].key)
                    if target is None:
                        return 0
                if _is_piece(kind):
                    lists[k] = <PyObject*>(<tuple>target)[0]
                    choices[k] = (<tuple>target)[1]
                    positions[k] = (<tuple>target)[2]
            if count == 1 and _is_piece(items[0].kind):
                self.cached = True
                self.c_kind = items[0].kind
                self.c_where = items[0].choice
                self.c_key = items[0].key
                self.c_list = <object>lists[0]
                self.c_choice = choices[0]
                self.c_position = positions[0]
        self.pending += 1
        out = self.out
        for k in range(count):
            kind = items[k].kind
            if kind == _ITEM_CALL:
                self.cached = False
                self.chat.fast_tool_piece(
                    items[k].choice, None if items[k].key < 0 else items[k].key,
                    _utf8_text(p, &items[k].id) if items[k].has_id else None,
                    _utf8_text(p, &items[k].name) if items[k].has_name else "",
                    _utf8_text(p, &items[k].text), out)
            elif kind == _ITEM_FINISH:
                self.cached = False
                self.chat.fast_finish(items[k].choice, _utf8_text(p, &items[k].text), out)
            elif kind == _ITEM_LOGPROBS:
                self.chat.fast_logprobs(
                    items[k].choice,
                    _value_at(p, n, items[k].text.start, _loads))
            elif kind == _ITEM_USAGE:
                self.chat.fast_usage(
                    _value_at(p, n, items[k].text.start, _loads),
                    out)
            elif kind != _CHOICE and items[k].text.end != items[k].text.start:
                text = _utf8_text(p, &items[k].text)
                PyList_Append(<object>lists[k], text)
                if out is not None:
                    if kind == _TEXT:
                        out.append(new_text_delta(choices[k], text))
                    elif kind == _ARGUMENTS:
                        if positions[k] >= 0:
                            out.append(new_arguments_delta(choices[k], positions[k], text))
                    elif kind == _REASONING:
                        out.append(new_reasoning_delta(choices[k], text))
                    else:
                        out.append(new_refusal_delta(choices[k], text))
        return 1

    cdef int _skip(self, const char* p, Item* item) except -1:
        """An event of a type the reducer folds nothing for: counted (``fast_skips``
        answers once per type; at most 64 types are kept)."""
        cdef str kind = _utf8_text(p, &item.text)
        skips = self.skips
        if skips is None:
            skips = self.skips = {}
        answer = skips.get(kind)
        if answer is None:
            answer = bool(self.responses.fast_skips(kind))
            if len(skips) < 64:
                skips[kind] = answer
        if not answer:
            return 0
        self.pending += 1
        return 1

    cdef int _event(self, const char* p, Py_ssize_t n, Item* item) except -1:
        """An event with no piece: the reducer's own method (Anthropic's events around
        the deltas may open or close a block: nothing known of its state is kept;
        Responses' ``response.created`` and the like); 0 when the reducer refused a
        block or a message it does not take so, unchanged (the full decode then reads
        it, or says why not)."""
        self.cached = False
        if item.kind == _ITEM_VIEW:
            return self._view(p, n, item.key)
        if item.kind == _ITEM_START:
            if not self.messages.fast_block_start(item.choice, _value_at(p, n, item.text.start, _loads), self.out):
                return 0
            self.pending += 1
            return 1
        if item.kind == _ITEM_MSTART:
            if self.messages._started:
                return 0  # (a second start: the full decode says what it is)
            if item.has_number:  # (_message_meta read the message: what fast_message_start
                # does with such a message, without building it)
                self.messages.fast_message_meta(
                    _utf8_text(p, &item.id) if item.id.start >= 0 else None,
                    _utf8_text(p, &item.name) if item.name.start >= 0 else None,
                    _value_at(p, n, item.number, _loads) if item.number >= 0 else None,
                    self.out)
            elif not self.messages.fast_message_start(_value_at(p, n, item.text.start, _loads), self.out):
                return 0
            self.pending += 1
            return 1
        if item.kind == _ITEM_SIGNATURE:
            if not self.messages.fast_signature(item.choice, _utf8_text(p, &item.text), self.out):
                return 0
            self.pending += 1
            return 1
        if item.kind == _ITEM_META and item.key == 1 and not self.responses.open_response():
            return 0  # (a second response.created: the full decode says what it is)
        self.pending += 1
        if item.kind == _ITEM_MDELTA:
            self.messages.fast_message_delta(_value_at(p, n, item.text.start, _loads), self.out)
        elif item.kind == _ITEM_META:
            self.responses.response_meta(
                _utf8_text(p, &item.id) if item.has_id else None,
                _utf8_text(p, &item.name) if item.has_name else None,
                item.number if item.has_number else None,
                self.out)
        elif item.kind == _ITEM_STOP:
            self.messages.block_stop(item.choice, self.out)
        elif item.kind == _ITEM_END:
            self.base.end(self.out)
            self.done = True
        return 1


    cdef int _view(self, const char* p, Py_ssize_t n, int which) except -1:
        """An event left to ``_responses_view``: the reducer's method with what it
        read, or 0 (nothing changed) when the full decode must read it. Every method
        called takes any value of the members it is given without raising; the one
        check they leave to the caller is done first: a call's ``.done`` arguments
        are taken only for an output item that is a call."""
        cdef long index, sub
        cdef OpenAIResponsesReducer reducer = self.responses
        out = self.out
        view = _responses_view(p, n, which, out is not None)
        if view is None:
            return 0
        index, sub, item_id, value, extra = view
        if which == _V_ARGUMENTS and self._target(_ARGUMENTS, index, 0) is None:
            return 0  # (no such call: made up, or an error, by the full decode)
        self.pending += 1
        if which == _V_ADDED:
            reducer.item_added(index, value, extra, out)
        elif which == _V_DONE:
            reducer.item_done(index, value, extra, out)
        elif which == _V_PART or which == _V_SUMMARY_PART:
            reducer.part_event(index, sub, value, item_id, which == _V_SUMMARY_PART, out)
        elif which == _V_TEXT:
            reducer.settle_text(index, _PART_TEXT, sub, value, item_id, out)
        elif which == _V_REFUSAL:
            reducer.settle_text(index, _PART_REFUSAL, sub, value, item_id, out)
        elif which == _V_SUMMARY_TEXT:
            reducer.settle_text(index, _PART_SUMMARY, sub, value, item_id, out)
        elif which == _V_REASONING_TEXT:
            reducer.settle_text(index, _PART_REASONING, sub, value, item_id, out)
        elif which == _V_ARGUMENTS:
            reducer.call_done(index, value, extra, item_id, False, out)
        elif which == _V_CITATION:
            if out is not None and value is not _MISSING:
                reducer.citation(value, out)
        else:
            kind = "response.completed" if which == _V_COMPLETED else "response.incomplete"
            reducer.terminal(kind, value, extra, out)
            self.done = True
        return 1


cdef int _sink(object ctx, const char* p, Py_ssize_t n, const char* etype, Py_ssize_t tlen, object event) except -1:
    cdef FastFeed self = <FastFeed>ctx
    if self.error is not None:
        return 1  # after an error nothing more is fed
    try:
        if event is None:
            # After the end marker, the event is built and the reducer's after_end
            # says whether it carries anything (a second response would be lost).
            return 0 if self.done else self._take(p, n, etype, tlen)
        self._declined(event)
    except BaseException as exc:  # raised by FastFeed.feed once the fragment is parsed
        self.error = exc
    return 1


cdef object _start_gemini(object source):
    """``take_chunk`` read the first event of an ``"auto"`` stream as Gemini's: the
    reducer ``owner._start`` of the feed ``source`` makes for it, bound."""
    cdef FastFeed feed = <FastFeed>source
    feed._bind(feed.owner._start("gemini"))
    return feed.reducer


# The compiled parser's callback type (``_framing_c.pyx``, ``event_sink``): the same
# declaration, kept identical by hand; the capsule's name is checked on every call.
ctypedef int (*event_sink)(object ctx, const char* data, Py_ssize_t n,
                           const char* etype, Py_ssize_t etype_len, object event) except -1

cdef event_sink _SINK_FN = _sink
_SINK = PyCapsule_New(<void*>_SINK_FN, b"sseparse._framing_c.event_sink", NULL)

# The compiled parser's ``_feed_sink`` as a C function (``_framing_c.feed_sink_fn``:
# keep the two declarations identical), for a parser of exactly that class: the
# feed of every fragment, without a Python call.
ctypedef int (*feed_sink_fn)(object parser, object data, list events, event_sink sink, object ctx) except -1
cdef feed_sink_fn _FEED_SINK = NULL
cdef object _PARSER = None
try:
    from . import _framing_c
except ImportError:  # (no compiled parser: its _feed_sink is never asked for)
    pass
else:
    _FEED_SINK = <feed_sink_fn>PyCapsule_GetPointer(_framing_c._FEED_SINK, b"sseparse._framing_c.feed_sink")
    _PARSER = _framing_c.EventParser


# -- dialect detection --------------------------------------------------------------------

# The top-level members ``top_level`` reports, as the contract numbers them.
cdef int _HAS_CHOICES = _contract.HAS_CHOICES
cdef int _HAS_ERROR = _contract.HAS_ERROR
cdef int _HAS_GEMINI = _contract.HAS_GEMINI
cdef int _HAS_CHAT_OBJECT = _contract.HAS_CHAT_OBJECT


cdef Py_ssize_t _top(const uchar* s, Py_ssize_t n, Span* kind, int* mask) nogil:
    cdef Span key, span
    cdef bint done = False, seen_type = False, seen_object = False
    cdef Py_ssize_t i = _ws(s, 0, n)
    kind.start = -1
    i = _open(s, i, n, &done)
    if i < 0:
        return _FB
    while not done:
        i = _member(s, i, n, &key)
        if i < 0 or i >= n:
            return _FB
        if _key_is(s, &key, b"type", 4) or _key_is(s, &key, b"object", 6):
            if (seen_type if key.end - key.start == 4 else seen_object):
                return _FB  # the last one counts: the full decode
            if s[i] == 34:
                i = _plain(s, i, n, &span)
                if i >= 0:
                    if key.end - key.start == 4:
                        kind[0] = span
                    elif _key_is(s, &span, b"chat.completion.chunk", 21):
                        mask[0] |= _HAS_CHAT_OBJECT
            else:
                i = _value(s, i, n, 1)
            if key.end - key.start == 4:
                seen_type = True
            else:
                seen_object = True
        else:
            if _key_is(s, &key, b"choices", 7):
                mask[0] |= _HAS_CHOICES
            elif _key_is(s, &key, b"error", 5):
                mask[0] |= _HAS_ERROR
            elif (_key_is(s, &key, b"candidates", 10) or _key_is(s, &key, b"usageMetadata", 13)
                    or _key_is(s, &key, b"promptFeedback", 14) or _key_is(s, &key, b"modelVersion", 12)):
                mask[0] |= _HAS_GEMINI
            i = _value(s, i, n, 1)
        i = _then(s, i, n, &done)
        if i < 0:
            return _FB
    if _ws(s, i, n) != n:
        return _FB
    return i


_MESSAGE = "message"
cdef dict _DETECTED = {}  # (event type, data's type, mask) -> fast_rules' answer, up to 256 kept
cdef object _fast_rules = None  # _dialects.fast_rules (imported when first needed: it imports this module)


cdef object _detected(str event_type, str kind, int mask):
    global _fast_rules
    key = (event_type, kind, mask)
    try:
        return _DETECTED[key]
    except KeyError:
        pass
    if _fast_rules is None:
        from ._dialects import fast_rules
        _fast_rules = fast_rules
    name = _fast_rules(event_type, kind, mask)
    if len(_DETECTED) < 256:
        _DETECTED[key] = name
    return name


def top_level(str data):
    """What dialect detection reads of an event's data, without decoding it: ``(type,
    mask)``, ``type`` the ``type`` member when it is a string ("" otherwise) and
    ``mask`` which of the members detection looks for it has; ``None`` when the data
    is not a JSON object the walker reads whole (invalid JSON, an escape in a key or
    in ``type``, a duplicated ``type`` or ``object``...): then the full decode decides."""
    cdef const char* p
    cdef Py_ssize_t n
    cdef Span kind
    cdef int mask = 0
    try:
        p = PyUnicode_AsUTF8AndSize(data, &n)
    except UnicodeEncodeError:
        return None
    if _top(<const uchar*>p, n, &kind, &mask) < 0:
        return None
    return (_utf8_text(p, &kind) if kind.start >= 0 else "", mask)


def build_value(str data):
    """The JSON value ``data`` holds, as the fast paths build the values they hand
    over whole (``_value_at``): ``(value,)``, or ``None`` when the walker leaves the
    data to the full decode. For the tests: it must equal ``json.loads(data)``."""
    cdef const char* p
    cdef Py_ssize_t n, end
    try:
        p = PyUnicode_AsUTF8AndSize(data, &n)
    except UnicodeEncodeError:
        return None
    end = _value(<const uchar*>p, 0, n, 0)
    if end < 0 or end != n:
        return None
    return (_value_at(p, n, 0, _loads),)
