# The classes of the module of the same name, compiled as extension types (see
# sseparse._twins): their attributes are its classes' __slots__, which the tests compare;
# a cpdef is a method the compiled code calls on its own objects (a C call, still
# overridable).

from ._base cimport Reducer, glue

cpdef _usage(dict raw)  # (its callers check the type: raw.get is a C call)

cdef class _Call:
    cdef public object position, output_index, id, name, pieces, custom, complete, reader, _glued, _glued_count
    cpdef build(self)

cdef class _Item:
    cdef public object kind, _raw, _text, done, call
    cpdef take(self, item, raw)

cpdef _block(_Item state, parts)

cdef class OpenAIResponsesReducer(Reducer):
    cdef public object _texts, _items, _ids, _last, _calls, _reasoning_parts, _logprobs, _created, _finish_reason, _extra, _opened
    cpdef _apply(self, event, obj, out)
    cpdef _take_output(self, output, raws, out, closes)
    cpdef _new_item(self, index, item, raw)
    cpdef _item_texts(self, index, item, out)
    cpdef snapshot(self, complete, error)
    # the fast path's contract (_contract.FastReducer), called by _fastpath in C
    cpdef target(self, kind, where, key)
    cpdef fast_skips(self, kind)
    cpdef settle_text(self, index, kind, sub, text, item_id, out)
    cpdef open_response(self)
    cpdef response_meta(self, response_id, model, created_at, out)
    cpdef call_done(self, index, text, name, item_id, custom, out)
    cpdef index_of(self, item_id)
    cpdef terminal(self, kind, response, raws, out)
    cpdef item_added(self, index, item, raw, out)
    cpdef item_done(self, index, item, raw, out, closes=*)
    cpdef part_event(self, index, sub, part, item_id, summary, out)
    cpdef citation(self, annotation, out)
