# The classes of the module of the same name, compiled as extension types (see
# sseparse._twins): their attributes are its classes' __slots__, which the tests compare;
# a cpdef is a method the compiled code calls on its own objects (a C call, still
# overridable).

cimport cython

@cython.locals(classes=dict)
cpdef _new_reducer(name, compiled)

cdef class Accumulator:
    cdef public object _parser, _reducer, _fast, _compiled, _deltas, _error, _failure, _final, _cut, _dialect, _cached, _failed
    cpdef _close(self, out)
    cpdef _cut_message(self, pending, finished)
    cpdef _snapshot(self, complete)
    cpdef _feed_events(self, events, out)
    cpdef _fail(self, exc, out)
    cpdef _feed_part(self, data, out)
    cpdef _check_open(self)
