# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""The compiled event stream parser: the twin of ``_framing_py.py``.

Same algorithm, same limits, same errors, same ``Event`` objects; the test suite
runs every framing test against both and compares them on random input.

Why it is fast: a fragment is scanned in place (no copy) through the buffer
protocol; line ends are found with ``memchr``, and the next CR and the next LF are
remembered separately, so each byte is looked at a bounded number of times even in
a stream that never uses one of the two (total work is linear in the input). Only
an unterminated tail is copied, into ``_line``, and it is never rescanned. Data
lines are copied once into ``_data`` and decoded once, at dispatch (large data by
``_utf8.h``, which writes the str once instead of widening it). ``Event``
objects are built by filling their slots directly, which skips attrs' frozen
``__init__`` (four ``object.__setattr__`` calls) but gives the very same objects.

Bounded like the pure twin: data, event type, ids (at their stored size) and the
line being read all count against ``max_event_size``, checked before any copy.
"""

cimport cython
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_CheckExact, PyBytes_GET_SIZE
from cpython.buffer cimport PyBUF_SIMPLE, PyBuffer_Release, PyObject_CheckBuffer, PyObject_GetBuffer
from cpython.mem cimport PyMem_Free, PyMem_Realloc
from cpython.pycapsule cimport PyCapsule_GetPointer, PyCapsule_New
from cpython.ref cimport Py_DECREF, PyObject
from cpython.unicode cimport PyUnicode_GET_LENGTH, PyUnicode_KIND
from libc.stdint cimport uint64_t
from libc.string cimport memchr, memcmp, memcpy

from ._errors import EventTooLargeError, ParserClosedError, fragment_type_error
from ._events import Event, IncompleteEvent
from ._framing_py import DEFAULT_MAX_EVENT_SIZE


cdef extern from "Python.h":
    ctypedef struct PyTypeObject:
        pass
    ctypedef PyObject* (*allocfunc)(PyTypeObject*, Py_ssize_t)
    ctypedef int (*descrsetfunc)(PyObject*, PyObject*, PyObject*) except -1
    ctypedef struct _TypeSlots "PyTypeObject":
        allocfunc tp_alloc
        descrsetfunc tp_descr_set
    PyTypeObject* Py_TYPE(object)


# -- building Event objects ---------------------------------------------------------

cdef object _EVENT_TYPE = Event
cdef object _D_EVENT = Event.__dict__["event"]
cdef object _D_DATA = Event.__dict__["data"]
cdef object _D_ID = Event.__dict__["id"]
cdef object _D_RETRY = Event.__dict__["retry"]
cdef descrsetfunc _SET_SLOT = (<_TypeSlots*>Py_TYPE(_D_EVENT)).tp_descr_set
cdef allocfunc _ALLOC = (<_TypeSlots*>(<PyObject*>_EVENT_TYPE)).tp_alloc


cdef object _make_event(object event_type, object data, object event_id, object retry):
    """An ``Event`` with its slots filled by their member descriptors."""
    cdef PyObject* raw = _ALLOC(<PyTypeObject*><PyObject*>_EVENT_TYPE, 0)
    if raw == NULL:
        raise MemoryError()
    cdef object event = <object>raw
    # <object>raw took a new reference of its own; give back the one tp_alloc gave.
    Py_DECREF(event)
    _SET_SLOT(<PyObject*>_D_EVENT, raw, <PyObject*>event_type)
    _SET_SLOT(<PyObject*>_D_DATA, raw, <PyObject*>data)
    _SET_SLOT(<PyObject*>_D_ID, raw, <PyObject*>event_id)
    _SET_SLOT(<PyObject*>_D_RETRY, raw, <PyObject*>retry)
    return event


# -- a growable byte buffer -------------------------------------------------------------

cdef struct Buf:
    char* ptr
    Py_ssize_t len
    Py_ssize_t cap


cdef int _buf_reserve(Buf* b, Py_ssize_t extra) except -1:
    cdef Py_ssize_t need = b.len + extra
    cdef Py_ssize_t cap
    cdef char* ptr
    if need <= b.cap:
        return 0
    cap = b.cap * 2 if b.cap else 256
    if cap < need:
        cap = need
    ptr = <char*>PyMem_Realloc(b.ptr, cap)
    if ptr == NULL:
        raise MemoryError()
    b.ptr = ptr
    b.cap = cap
    return 0


cdef inline int _buf_append(Buf* b, const char* src, Py_ssize_t n) except -1:
    if b.len + n > b.cap:
        _buf_reserve(b, n)
    if n:
        memcpy(b.ptr + b.len, src, n)
    b.len += n
    return 0


#: Buffers that grew past this for one big event are freed once it is done: a
#: gateway holding many idle streams should not keep each one's largest event.
cdef enum:
    _KEEP_CAPACITY = 16384


cdef inline void _buf_clear(Buf* b):
    if b.cap > _KEEP_CAPACITY:
        _buf_free(b)
    else:
        b.len = 0


cdef inline void _buf_free(Buf* b):
    PyMem_Free(b.ptr)
    b.ptr = NULL
    b.len = 0
    b.cap = 0


cdef extern from "_utf8.h":
    str _decode "sseparse_decode_utf8"(const char* s, Py_ssize_t n)


def _decode_utf8(data: bytes) -> str:
    """The decoder of event data, for the tests (equal to ``data.decode("utf-8", "replace")``)."""
    return _decode(data, len(data))


cdef inline bint _has_eol(const char* p, Py_ssize_t n):
    """Whether ``p[:n]`` holds a CR or an LF: eight bytes at a time (a byte equal to
    either sets its high bit in ``t``; false hits only above a true one)."""
    cdef Py_ssize_t i = 0
    cdef uint64_t w, a, b
    while i + 8 <= n:
        memcpy(&w, p + i, 8)
        a = w ^ 0x0A0A0A0A0A0A0A0AULL
        b = w ^ 0x0D0D0D0D0D0D0D0DULL
        if (((a - 0x0101010101010101ULL) & ~a) | ((b - 0x0101010101010101ULL) & ~b)) & 0x8080808080808080ULL:
            return True
        i += 8
    while i < n:
        if p[i] == c'\n' or p[i] == c'\r':
            return True
        i += 1
    return False


# -- sink mode: the fast path ----------------------------------------------
#
# Called at each dispatch in sink mode. With ``event`` None: ``data[:n]`` is the
# event's data (lines joined by LF, exactly the bytes ``Event.data`` would decode)
# and ``etype[:etype_len]`` its raw event type (empty for "message"), of an event
# without a ``retry`` field (its id is ``last_event_id``, already set); it returns 1
# when it took the event (no ``str`` or ``Event`` is built), 0 to decline. After a
# decline it is called again with the built ``Event`` (``data`` NULL) and must take
# it. ``_fastpath`` hands its callback over in a capsule of this name and declares
# the same type: keep the two declarations identical.
ctypedef int (*event_sink)(object ctx, const char* data, Py_ssize_t n,
                           const char* etype, Py_ssize_t etype_len, object event) except -1

cdef const char* _SINK_CAPSULE = b"sseparse._framing_c.event_sink"

# ``EventParser._feed_sink`` as a C function, for ``_fastpath`` (a capsule of this
# name holds it; it declares the same type): ``parser`` must be an ``EventParser``
# (the caller checks its type), ``events`` the list of events not offered.
ctypedef int (*feed_sink_fn)(object parser, object data, list events, event_sink sink, object ctx) except -1


# -- the parser -----------------------------------------------------------------------

cdef int _feed_sink_c(object parser, object data, list events, event_sink sink, object ctx) except -1:
    return (<EventParser>parser)._feed_any(data, events, sink, ctx)

cdef enum:
    _OPEN = 0
    _CLOSED = 1
    _FAILED = 2

cdef str _MESSAGE = "message"
cdef str _STR_ERROR = "EventParser.feed() takes bytes, not str: pass response bytes, not decoded text"
cdef bytes _BOM = b"\xef\xbb\xbf"
cdef uint64_t _MAX_RETRY = 9223372036854775807ULL  # 2**63 - 1, as in the pure parser

cdef enum:
    _QUOTE = 65  # bytes of the offending line kept for the error message
    _CACHED_TYPE = 64  # longest event type whose decoded str is kept for the next dispatch


cdef inline Py_ssize_t _stored_size(str text):
    """Bytes CPython stores ``text`` in: 1, 2 or 4 per character, by its widest one."""
    return PyUnicode_GET_LENGTH(text) * PyUnicode_KIND(text)


cdef object _DEFAULT_MAX = DEFAULT_MAX_EVENT_SIZE
cdef Py_ssize_t _DEFAULT_MAX_C = min(DEFAULT_MAX_EVENT_SIZE, <Py_ssize_t>(2**62))


cdef class EventParser:
    """Turns byte fragments, split anywhere, into ``Event`` objects.

    ``feed()`` returns the events completed by that fragment; ``close()`` ends the
    stream and returns an ``IncompleteEvent`` if it was cut in the middle of an
    event (``None`` otherwise).
    """

    cdef Py_ssize_t _max
    cdef object _max_given  # as passed: it may not fit in a Py_ssize_t
    cdef int _state
    cdef object _error
    cdef Buf _line          # the unterminated tail: never holds CR or LF
    cdef Buf _data          # data lines, each followed by LF
    cdef Buf _event_type
    cdef bint _skip_lf      # the last line ended with a CR that may pair with an LF
    cdef bint _bom_done
    cdef bytes _bom_held    # start-of-stream bytes held until the BOM is decided
    cdef bint _pending      # a field line was seen since the last blank line
    cdef str _id_buffer
    cdef str _last_event_id
    # Stored size of the ids held: the id buffer, plus the last event ID while a new
    # id line of this block has replaced it (until the blank line commits it).
    cdef Py_ssize_t _id_size
    cdef Py_ssize_t _last_id_size
    cdef Py_ssize_t _ids_size
    cdef object _retry
    cdef object _block_retry
    cdef str _last_type_str  # the decoded event type of the last dispatch, reused
    cdef bytes _last_type_raw
    cdef event_sink _sink   # set only during _feed_sink()
    cdef object _sink_ctx

    def __cinit__(self):
        self._line.ptr = NULL
        self._data.ptr = NULL
        self._event_type.ptr = NULL
        self._sink = NULL
        self._sink_ctx = None

    def __init__(self, *, max_event_size=DEFAULT_MAX_EVENT_SIZE):
        if max_event_size is _DEFAULT_MAX:  # (nearly every parser: nothing to check)
            self._max = _DEFAULT_MAX_C
        else:
            if isinstance(max_event_size, bool) or not isinstance(max_event_size, int):
                raise TypeError(f"max_event_size must be an int, not {type(max_event_size).__name__}")
            if max_event_size < 1:
                raise ValueError(f"max_event_size must be at least 1, not {max_event_size}")
            self._max = min(max_event_size, <Py_ssize_t>(2**62))
        self._max_given = max_event_size
        self._state = _OPEN
        self._error = None
        self._skip_lf = False
        self._bom_done = False
        self._bom_held = b""
        self._pending = False
        self._id_buffer = ""
        self._last_event_id = ""
        self._id_size = 0
        self._last_id_size = 0
        self._ids_size = 0
        self._retry = None
        self._block_retry = None
        self._last_type_str = None
        self._last_type_raw = None

    def __dealloc__(self):
        _buf_free(&self._line)
        _buf_free(&self._data)
        _buf_free(&self._event_type)

    @property
    def max_event_size(self):
        return self._max_given

    @property
    def last_event_id(self):
        """The last event ID committed by a blank line: send it as ``Last-Event-ID``."""
        return self._last_event_id

    @property
    def retry(self):
        """The reconnection time in milliseconds set by the stream, if any."""
        return self._retry

    @property
    def closed(self):
        return self._state != _OPEN

    @cython.binding(False)  # a plain method descriptor: the cheapest call CPython has
    @cython.always_allow_keywords(False)  # METH_O: feed(data) is one argument, positional only
    def feed(self, data):
        """feed($self, data, /)
--

Parse one fragment; return the events it completed, in order.

        If the stream breaks a limit, the ``EventTooLargeError`` carries the events
        this call completed before that point as ``.events``, and the parser refuses
        any further input.
        """
        cdef list events = []
        cdef const char* p
        cdef Py_ssize_t n, i
        # The commonest call of a transport that reads a few bytes at a time: a piece
        # of a line, with no line end. It only extends the unterminated tail, exactly
        # as _feed does, and cannot break the limit (checked first): skip the rest.
        if PyBytes_CheckExact(data) and self._state == _OPEN and self._bom_done and not self._skip_lf:
            n = PyBytes_GET_SIZE(data)
            if 0 < n <= 64 and _held(self) + self._line.len + n <= self._max:
                p = PyBytes_AS_STRING(data)
                if not _has_eol(p, n):
                    _buf_append(&self._line, p, n)
                    return events
        self._feed_any(data, events, NULL, None)
        return events

    def _feed_sink(self, data, sink, ctx):
        """``feed()`` in sink mode (private: ``_fastpath.FastFeed`` calls it).

        Each completed event is offered to the callback in the capsule ``sink`` (see
        ``event_sink`` above), with ``ctx``, instead of being returned. Returns the
        events that were not offered: all of them when this fragment could break
        ``max_event_size`` (then the parser runs exactly as ``feed()``, errors and
        ``.events`` included), none otherwise. The parser's own state
        (``last_event_id``, ``retry``, buffers) ends up exactly as after ``feed()``.
        """
        cdef event_sink fn = <event_sink>PyCapsule_GetPointer(sink, _SINK_CAPSULE)  # checks the name
        cdef list events = []
        self._feed_any(data, events, fn, ctx)
        return events

    def close(self):
        """End the stream. Returns what a cut event carried, or ``None`` if none was cut.

        Per the WHATWG algorithm the cut event is not dispatched; it is returned so
        that the caller knows the stream was cut and loses nothing. Calling
        ``close()`` again returns ``None``.
        """
        cdef Py_ssize_t n
        if self._state == _FAILED:
            self._raise_closed()
        if self._state == _CLOSED:
            return None
        self._state = _CLOSED
        if not self._bom_done and self._bom_held:
            # a stream shorter than a BOM, and not a BOM
            _buf_append(&self._line, <const char*>self._bom_held, len(self._bom_held))
        self._bom_done = True
        if self._line.len:
            # The unterminated line goes into the report, but it is not a line: it must
            # not change the reconnection time a transport reads after close().
            n = self._line.len
            self._line.len = 0
            retry = self._retry
            self._process(self._line.ptr, n, None)
            self._retry = retry
        _buf_free(&self._line)
        if not self._pending:
            return None
        n = self._data.len - 1 if self._data.len else 0
        pending = IncompleteEvent(
            _decode(self._event_type.ptr, self._event_type.len) if self._event_type.len else _MESSAGE,
            _decode(self._data.ptr, n) if n > 0 else "",
            self._id_buffer,
            self._block_retry,
            self._data.len > 0,
        )
        _buf_free(&self._data)
        _buf_free(&self._event_type)
        return pending

    # -- internals -----------------------------------------------------------------

    cdef int _feed_any(self, object data, list events, event_sink sink, object ctx) except -1:
        cdef Py_buffer view
        if self._state != _OPEN:
            self._raise_closed()
        if not PyBytes_CheckExact(data) and (isinstance(data, str) or not PyObject_CheckBuffer(data)):
            raise fragment_type_error(data)  # an int would be that many NUL bytes to bytes()
        if not self._bom_done:
            if isinstance(data, str):
                raise TypeError(_STR_ERROR)
            data = self._strip_bom(data)
            if data is None:
                return 0
        try:
            if PyBytes_CheckExact(data):  # the common case: no buffer protocol round trip
                self._run(PyBytes_AS_STRING(data), PyBytes_GET_SIZE(data), events, sink, ctx)
            else:
                if isinstance(data, str):
                    raise TypeError(_STR_ERROR)
                try:
                    PyObject_GetBuffer(data, &view, PyBUF_SIMPLE)
                except BufferError:  # a non-contiguous view: parse a copy
                    data = bytes(memoryview(data))
                    PyObject_GetBuffer(data, &view, PyBUF_SIMPLE)
                try:
                    self._run(<const char*>view.buf, view.len, events, sink, ctx)
                finally:
                    PyBuffer_Release(&view)
        except EventTooLargeError as exc:
            self._fail(exc, events)
            raise
        return 0

    cdef int _run(self, const char* p, Py_ssize_t n, list events, event_sink sink, object ctx) except -1:
        # Sink mode only when this fragment cannot break the limit: the bytes held
        # (_held() + _line) never grow by more than four times the bytes consumed (an
        # id is held decoded, at up to 4 bytes per character), so no
        # EventTooLargeError (which must carry the completed events as Event
        # objects) can happen.
        if sink == NULL or _held(self) + self._line.len + 4 * n > self._max:
            return self._feed(p, n, events)
        self._sink = sink
        self._sink_ctx = ctx
        try:
            self._feed(p, n, events)
        finally:
            self._sink = NULL
            self._sink_ctx = None
        return 0

    cdef object _strip_bom(self, object data):
        """Holds the first bytes of the stream until the BOM question is settled."""
        if type(data) is bytes and PyBytes_GET_SIZE(data) >= 3 and not self._bom_held:
            # (the usual first fragment: settled by its first three bytes)
            self._bom_done = True
            if memcmp(PyBytes_AS_STRING(data), <const char*>_BOM, 3) == 0:
                return data[3:]
            return data
        # Through memoryview: bytes(5) would be five NUL bytes, bytes([100, 97]) b"da".
        cdef bytes head = self._bom_held + (data if type(data) is bytes else bytes(memoryview(data)))
        if len(head) < 3 and _BOM.startswith(head):
            self._bom_held = head
            return None
        self._bom_done = True
        self._bom_held = b""
        return head[3:] if head.startswith(_BOM) else head

    cdef int _feed(self, const char* p, Py_ssize_t n, list events) except -1:
        cdef Py_ssize_t pos = 0
        cdef Py_ssize_t next_lf = -1
        cdef Py_ssize_t next_cr = -1
        cdef Py_ssize_t eol
        cdef const char* hit
        if n == 0:
            return 0
        if self._skip_lf:
            self._skip_lf = False
            if p[0] == c'\n':
                pos = 1
        while pos < n:
            if next_lf < pos:
                hit = <const char*>memchr(p + pos, c'\n', n - pos)
                next_lf = hit - p if hit != NULL else n
            if next_cr < pos:
                hit = <const char*>memchr(p + pos, c'\r', n - pos)
                next_cr = hit - p if hit != NULL else n
            eol = next_lf if next_lf < next_cr else next_cr
            if eol == n:  # no terminator: keep the tail, refusing it before the copy
                if _held(self) + self._line.len + n - pos > self._max:
                    self._too_large(_held(self) + self._line.len + n - pos, p + pos, n - pos)
                _buf_append(&self._line, p + pos, n - pos)
                return 0
            if self._line.len:
                if _held(self) + self._line.len + eol - pos > self._max:
                    self._too_large(_held(self) + self._line.len + eol - pos, p + pos, eol - pos)
                _buf_append(&self._line, p + pos, eol - pos)
                self._process(self._line.ptr, self._line.len, events)
                _buf_clear(&self._line)
            else:
                self._process(p + pos, eol - pos, events)
            if p[eol] == c'\r':
                if eol + 1 == n:
                    self._skip_lf = True
                    return 0
                pos = eol + 2 if p[eol + 1] == c'\n' else eol + 1
            else:
                pos = eol + 1
        return 0

    cdef int _process(self, const char* s, Py_ssize_t n, list events) except -1:
        cdef const char* colon
        cdef const char* v
        cdef Py_ssize_t name_len, vlen, i
        cdef uint64_t retry
        if n == 0:
            self._dispatch(events)
            return 0
        if _held(self) + n > self._max:
            raise EventTooLargeError(_held(self) + n, self._max_given, s[:min(n, _QUOTE)])
        if s[0] == c':':  # a comment
            return 0
        self._pending = True
        colon = <const char*>memchr(s, c':', n)
        if colon == NULL:
            name_len = n
            v = s + n
            vlen = 0
        else:
            name_len = colon - s
            v = colon + 1
            vlen = n - name_len - 1
            if vlen and v[0] == c' ':
                v += 1
                vlen -= 1
        if name_len == 4 and memcmp(s, b"data", 4) == 0:
            if self._data.len + vlen + 1 > self._data.cap:
                _buf_reserve(&self._data, vlen + 1)
            if vlen:
                memcpy(self._data.ptr + self._data.len, v, vlen)
            self._data.ptr[self._data.len + vlen] = c'\n'
            self._data.len += vlen + 1
        elif name_len == 5 and memcmp(s, b"event", 5) == 0:
            self._event_type.len = 0
            _buf_append(&self._event_type, v, vlen)
        elif name_len == 2 and memcmp(s, b"id", 2) == 0:
            if memchr(v, 0, vlen) == NULL:
                self._id_buffer = _decode(v, vlen)
                self._id_size = _stored_size(self._id_buffer)
                self._ids_size = self._id_size + self._last_id_size
                # A cut id is handed over by close(), not held: only a held one counts.
                if events is not None and _held(self) > self._max:
                    raise EventTooLargeError(_held(self), self._max_given, s[:min(n, _QUOTE)])
        elif name_len == 5 and memcmp(s, b"retry", 5) == 0:
            if vlen == 0:
                return 0
            retry = 0
            for i in range(vlen):
                if v[i] < c'0' or v[i] > c'9':
                    return 0
                if retry > (_MAX_RETRY - <uint64_t>(v[i] - 48)) // 10:
                    return 0  # beyond 2**63 - 1: ignored, like the pure parser
                retry = retry * 10 + <uint64_t>(v[i] - 48)
            self._retry = self._block_retry = retry
        return 0

    cdef int _dispatch(self, list events) except -1:
        cdef object retry = self._block_retry
        cdef str event_type
        self._last_event_id = self._id_buffer
        self._ids_size = self._last_id_size = self._id_size
        self._block_retry = None
        self._pending = False
        if self._data.len == 0:
            _buf_clear(&self._event_type)
            return 0
        # Offered as bytes only without a retry field of its own: what the sink knows
        # then (data, type, ``last_event_id``) is the whole event, should it build it.
        if self._sink != NULL and retry is None and self._sink(self._sink_ctx, self._data.ptr, self._data.len - 1,
                                                               self._event_type.ptr, self._event_type.len, None):
            _buf_clear(&self._data)  # taken: no str, no Event
            _buf_clear(&self._event_type)
            return 0
        if self._event_type.len == 0:
            event_type = _MESSAGE
        elif (self._last_type_raw is not None
              and len(self._last_type_raw) == self._event_type.len
              and memcmp(<const char*>self._last_type_raw, self._event_type.ptr, self._event_type.len) == 0):
            event_type = self._last_type_str
        else:
            event_type = _decode(self._event_type.ptr, self._event_type.len) or _MESSAGE
            if self._event_type.len <= _CACHED_TYPE:  # a long one would be held past its event
                self._last_type_raw = self._event_type.ptr[:self._event_type.len]
                self._last_type_str = event_type
        data = _decode(self._data.ptr, self._data.len - 1)
        _buf_clear(&self._data)
        _buf_clear(&self._event_type)
        event = _make_event(event_type, data, self._id_buffer, retry)
        if self._sink != NULL:
            self._sink(self._sink_ctx, NULL, 0, NULL, 0, event)
        else:
            events.append(event)
        return 0

    cdef int _too_large(self, Py_ssize_t size, const char* p, Py_ssize_t n) except -1:
        """Raises for the kept line followed by ``p[:n]``, quoting the start of the two."""
        cdef bytes prefix = self._line.ptr[:min(self._line.len, _QUOTE)] if self._line.len else b""
        if len(prefix) < _QUOTE:
            prefix += p[:min(n, _QUOTE - len(prefix))]
        raise EventTooLargeError(size, self._max_given, prefix)

    cdef void _fail(self, exc, list events):
        exc.events = events
        self._state = _FAILED
        self._error = exc
        _buf_free(&self._line)
        _buf_free(&self._data)
        _buf_free(&self._event_type)

    cdef int _raise_closed(self) except -1:
        if self._state == _FAILED:
            raise ParserClosedError(
                f"the parser failed earlier and refuses more input: {self._error}"
            ) from self._error
        raise ParserClosedError("the parser is closed; create a new EventParser for a new stream")


cdef inline Py_ssize_t _held(EventParser parser):
    """Bytes the pending event holds besides the line being read: its data buffer
    (one LF per line), its event type, and the ids (at their stored size). A
    function, not a method: inlined in the hot paths, no virtual call."""
    return parser._data.len + parser._event_type.len + parser._ids_size


cdef feed_sink_fn _FEED_SINK_FN = _feed_sink_c
_FEED_SINK = PyCapsule_New(<void*>_FEED_SINK_FN, b"sseparse._framing_c.feed_sink", NULL)
