# The classes of the module of the same name, compiled as extension types (see
# sseparse._twins): their attributes are its classes' __slots__, which the tests compare.

from ._base cimport Reducer

cdef class _Block:
    cdef public object index, kind, start, pieces, grows, call, citations, signature, ended, reader, on_whole, whole, parsed

cdef class AnthropicReducer(Reducer):
    cdef public object _blocks, _by_index, _last, _calls, _extra, _stop_reason, _started
    cpdef flush(self, out)
    cpdef end(self, out)
