# cython: language_level=3
# What the fast path (``_fastpath.FastFeed``) calls of the compiled Gemini walker.

cdef int take_chunk(object reducer, const char* p, Py_ssize_t n, list out, object source) except -1
