# The classes of the module of the same name, compiled as extension types (see
# sseparse._twins): their attributes are its classes' __slots__, which the tests compare;
# a cpdef is a method the compiled code calls on its own objects (a C call, still
# overridable).

cimport cython

from ._base cimport Reducer

cpdef _usage(dict raw)  # (its callers check the type: raw.get is a C call)

cdef class _Open:
    cdef public object step, is_list, count, keys

cdef class _StreamedArguments:
    cdef public object written, final, broken, _stack, _open, _open_path, _promised

cdef class _Call:
    cdef public object position, id, name, text, streamed, part, reader, complete, built, final_block

cdef class _TextRun:
    cdef public object thought, pieces

cdef class _Candidate:
    cdef public object index, content, reasoning, calls, blocks, tail, run, open_call, finish_reason, extra, choice
    cpdef build(self)

cdef class GeminiReducer(Reducer):
    cdef public object _candidates, _created, need_meta, _usage_raw, usage_text, _extra, changed, _snapshot
    @cython.locals(state=_Candidate)
    cpdef snapshot(self, complete, error)
    # the compiled walker's contract (see _fast_gemini), called there in C
    cpdef chunk_error(self, event, obj, exc)
    cpdef meta(self, response_id, model, create_time, out)
    cpdef candidate(self, index)
    cpdef text(self, state, text, out)
    cpdef thought_text(self, state, text, thought, out)
    cpdef part(self, event, state, part, out)
    cpdef candidate_extra(self, state, candidate)
    cpdef usage(self, raw, out)
    cpdef finish(self, state, reason, out)
    cpdef function_call(self, state, part, name, call_id, args, has_args, pieces, streamed, more, out)
