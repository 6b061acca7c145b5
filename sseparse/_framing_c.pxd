# The compiled parser's C-level interface: ``_fastpath`` cimports it to run the
# fused accumulation path (``EventParser.feed_sink``), which hands each completed
# event's data, as the UTF-8 bytes the parser would decode, to a C callback before
# any ``str`` or ``Event`` is built.

cdef struct Buf:
    char* ptr
    Py_ssize_t len
    Py_ssize_t cap


# Called at each dispatch in sink mode. With ``event`` None: ``data[:n]`` is the
# event's data (lines joined by LF, exactly the bytes ``Event.data`` would decode)
# and ``etype[:etype_len]`` its raw event type (empty for "message"); return 1 when
# the event was taken (no ``Event`` is built), 0 to decline. After a decline it is
# called again with the built ``Event`` (``data`` NULL), which it must take.
ctypedef int (*event_sink)(object ctx, const char* data, Py_ssize_t n,
                           const char* etype, Py_ssize_t etype_len, object event) except -1


cdef class EventParser:
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
    cdef object _retry
    cdef object _block_retry
    cdef str _last_type_str  # the decoded event type of the last dispatch, reused
    cdef bytes _last_type_raw
    cdef event_sink _sink   # set only during feed_sink()
    cdef object _sink_ctx

    cdef list feed_sink(self, object data, event_sink sink, object ctx)
    cdef int _feed_any(self, object data, list events, event_sink sink, object ctx) except -1
    cdef object _strip_bom(self, object data)
    cdef int _run(self, const char* p, Py_ssize_t n, list events, event_sink sink, object ctx) except -1
    cdef int _feed(self, const char* p, Py_ssize_t n, list events) except -1
    cdef int _process(self, const char* s, Py_ssize_t n, list events) except -1
    cdef int _dispatch(self, list events) except -1
    cdef void _fail(self, exc, list events)
    cdef int _raise_closed(self) except -1
