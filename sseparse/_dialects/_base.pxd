# The classes of the module of the same name, compiled as extension types (see
# sseparse._twins): their attributes are its classes' __slots__, which the tests compare;
# a cpdef is a method the compiled code calls on its own objects (a C call, still
# overridable).

cpdef decode_json(data)
cpdef str glue(list pieces)

cdef class Reducer:
    cdef public object events, done, compiled, live, _id, _model, _usage
    cpdef _init_common(self, compiled)
    cpdef feed_event(self, event, out)
    cpdef after_end(self, event)
    cpdef _quiet(self, event)
    cpdef _fold(self, event, obj, out)
    cpdef _apply(self, event, obj, out)
    cpdef snapshot(self, complete, error)
    cpdef take_identity(self, response_id, model, out)
    cpdef flush(self, out)
    cpdef end(self, out)
