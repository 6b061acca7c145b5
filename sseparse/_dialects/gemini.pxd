# The classes of the module of the same name, compiled as extension types (see
# sseparse._twins): their attributes are its classes' __slots__, which the tests compare;
# a cpdef is a method the compiled code calls on its own objects (a C call, still
# overridable).

cimport cython

from ._base cimport Reducer, glue

cpdef _usage(dict raw)  # (its callers check the type: raw.get is a C call)

@cython.locals(year="long long", month="long long", day="long long", hour="long long", minute="long long",
               second="long long", days="long long")
cpdef _unix_time(text)
@cython.locals(value="long long", position=Py_ssize_t, digit="long long")
cpdef long long _digits(str text, Py_ssize_t start, Py_ssize_t end)

# the streamed arguments' writer, called in C by the reducer's own methods
cpdef _parse_path(path)
cpdef _piece_value(piece)
cpdef _entry(piece)
cpdef _member_prefix(_Open entry, step)
cpdef _nests_deeper(value, limit)

cdef class _Open:
    cdef public object step, is_list, count, keys

cdef class _StreamedArguments:
    cdef public object written, final, broken, _stack, _open, _open_path, _promised
    cpdef seed(self, args)
    cpdef feed(self, partial_args)
    cpdef _piece(self, path, value, is_string, more, text)
    cpdef finish(self)
    cpdef closed_text(self)
    cpdef _close_string(self, text)
    cpdef _write(self, steps, value, text)

cdef class _Call:
    cdef public object position, id, name, text
    cdef public _StreamedArguments streamed  # (a C call to its methods)
    cdef public object part, reader, complete, built, final_block
    cpdef partial(self, ended)
    cpdef tool_call(self)
    cpdef block(self)

cdef class _TextRun:
    cdef public object thought, pieces
    cpdef block(self)

cdef class _Candidate:
    cdef public object index, content, reasoning, calls, blocks, tail, run, open_call, finish_reason, extra, choice, cited
    cpdef push(self, block)
    cpdef reasoning_list(self)
    cpdef build(self)

cdef class GeminiReducer(Reducer):
    cdef public object _candidates, _created, need_meta, _usage_raw, usage_text, _extra, changed, _snapshot
    cpdef _apply(self, event, obj, out)
    @cython.locals(state=_Candidate)
    cpdef snapshot(self, complete, error)
    # the compiled walker's contract (see _fast_gemini), called there in C
    cpdef chunk_error(self, event, obj, exc)
    cpdef meta(self, response_id, model, create_time, out)
    cpdef candidate(self, index)
    @cython.locals(run=_TextRun)
    cpdef text(self, _Candidate state, text, out)
    @cython.locals(run=_TextRun)
    cpdef thought_text(self, _Candidate state, text, thought, out)
    cpdef part(self, state, part, out)
    cpdef _part(self, _Candidate state, part, out)
    cpdef _other_part(self, _Candidate state, dict part, out)
    cpdef candidate_extra(self, state, candidate)
    cpdef usage(self, raw, out)
    cpdef finish(self, state, reason, out)
    @cython.locals(current=_Call)
    cpdef function_call(self, _Candidate state, part, name, call_id, args, has_args, pieces, streamed, more, out)
    @cython.locals(new=_Call)
    cpdef _new_call(self, _Candidate state, part, name, call_id, args, pieces, streamed, more, out)
    @cython.locals(streamed=_StreamedArguments)
    cpdef _stream_pieces(self, _Candidate state, _Call call, pieces, more, out)
    @cython.locals(call=_Call)
    cpdef _end_call(self, _Candidate state, out, announced=*)
