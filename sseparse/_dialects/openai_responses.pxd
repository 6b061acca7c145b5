# The classes of the module of the same name, compiled as extension types (see
# sseparse._twins): their attributes are its classes' __slots__, which the tests compare;
# a cpdef is a method the compiled code calls on its own objects (a C call, still
# overridable).

from ._base cimport Reducer

cdef class _Call:
    cdef public object position, output_index, id, name, pieces, custom, complete, reader, _glued, _glued_count, _shown, _shown_count, _seen, _gained

cdef class _Item:
    cdef public object kind, _raw, _text, done, call

cdef class OpenAIResponsesReducer(Reducer):
    cdef public object _texts, _items, _ids, _last, _calls, _reasoning_parts, _logprobs, _created, _finish_reason, _extra
