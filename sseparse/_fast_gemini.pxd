# cython: language_level=3
# What the fast path (``_fastpath.FastFeed``) calls of the compiled Gemini walker.

# ``start(source)``: the reducer made and bound for the first chunk of an "auto" stream
ctypedef object (*StartFn)(object source)

cdef int take_chunk(object reducer, const char* p, Py_ssize_t n, list out, object source, StartFn start) except -1
