# The classes of the module of the same name, compiled as extension types (see
# sseparse._twins): their attributes are its classes' __slots__, which the tests compare.

cdef class Reducer:
    cdef public object events, done, compiled, live, _id, _model, _usage
    cpdef take_identity(self, response_id, model, out)
    cpdef flush(self, out)
    cpdef end(self, out)
