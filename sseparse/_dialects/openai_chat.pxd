# The classes of the module of the same name, compiled as extension types (see
# sseparse._twins): their attributes are its classes' __slots__, which the tests compare;
# a cpdef is a method the compiled code calls on its own objects (a C call, still
# overridable).

cimport cython

from ._base cimport Reducer, glue

cpdef _usage(dict raw)  # (its callers check the type: raw.get is a C call)

cdef class _CallState:
    cdef public object position, id, names, pieces, reader, ended, name_length, kind
    cpdef build(self)

cdef class _ChoiceState:
    cdef public object index, content, reasoning, refusal, calls, by_index, function_call, finish_reason, logprobs, message, others
    cpdef build(self)
    cpdef extra(self)

cdef class OpenAIChatReducer(Reducer):
    cdef public object _choices, _created, _fingerprint, _need_meta, _extra, _extra_text, _custom_calls
    cpdef _apply(self, event, obj, out)
    cpdef finish(self, state, reason, out)
    cpdef tool_piece(self, state, key, call_id, name, arguments, out, kind=*)
    cpdef _arguments(self, _ChoiceState state, _CallState call, arguments, out)
    cpdef _take_usage(self, raw, out)
    # the fast path's contract (_contract.FastReducer), called by _fastpath in C
    cpdef target(self, kind, where, key)
    cpdef fast_tool_piece(self, choice, key, call_id, name, arguments, out)
    cpdef fast_meta(self, id, model, created, fingerprint, out)
    cpdef fast_choice(self, index)
    cpdef fast_extra(self, long choice, key, value, text)
    cpdef fast_logprobs(self, choice, logprobs)
    cpdef fast_usage(self, raw, out)
    cpdef fast_finish(self, choice, reason, out)
    cpdef end(self, out)
    @cython.locals(state=_ChoiceState)
    cpdef snapshot(self, complete, error)
