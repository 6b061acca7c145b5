# The classes of the module of the same name, compiled as extension types (see
# sseparse._twins): their attributes are its classes' __slots__, which the tests compare;
# a cpdef is a method the compiled code calls on its own objects (a C call, still
# overridable).

from ._base cimport Reducer, glue

cpdef _usage(dict raw)  # (its callers check the type: raw.get is a C call)

cdef class _Block:
    cdef public object index, kind, start, pieces, grows, call, citations, signature, ended, reader, on_whole, whole, parsed, encrypted
    cpdef build(self, ended, live=*)

cdef class AnthropicReducer(Reducer):
    cdef public object _blocks, _by_index, _last, _calls, _extra, _stop_reason, _started, _unread
    cpdef _apply(self, event, obj, out)
    cpdef block_start(self, index, start, out)
    cpdef _close_block(self, _Block block, out)
    cpdef _say_whole_input(self, _Block block, out)
    cpdef _piece(self, event, dict delta, delta_kind, key)
    cpdef _on_message_delta(self, event, obj, out)
    # the fast path's contract (_contract.FastReducer), called by _fastpath in C
    cpdef target(self, kind, where, key)
    cpdef block_stop(self, index, out)
    cpdef fast_message_start(self, message, out)
    cpdef fast_message_meta(self, response_id, model, usage, out)
    cpdef fast_block_start(self, index, start, out)
    cpdef fast_signature(self, index, signature, out)
    cpdef fast_message_delta(self, obj, out)
    cpdef _take_meta(self, message, out)
    cpdef _take_usage(self, raw, out)
    cpdef flush(self, out)
    cpdef end(self, out)
    cpdef snapshot(self, complete, error)
