# cython: language_level=3
"""Builds instances of the frozen value classes (``Completion``, ``Choice``,
``ToolCall``, the deltas) from the value of every field, in order.

The compiled twin of ``_completion._positional_init``, with the same contract (no
``__init__`` runs: the class has no validator, converter nor post-init, checked by
the caller; every field is given): each value goes straight into its slot, where the
pure-Python builder calls one slot setter per field, which is most of the cost of a
snapshot and of the fast path's deltas. The objects are the very same: the class's
own instances, built by its own allocator, each slot holding its value.
"""

from cpython.object cimport PyObject, PyTypeObject
from cpython.sequence cimport PySequence_Fast_ITEMS
from cpython.tuple cimport PyTuple_GET_SIZE

cdef extern from "Python.h":
    # The allocator of every class without one of its own: a new reference, zeroed,
    # its type referenced, tracked by the collector.
    object _alloc "PyType_GenericAlloc"(PyTypeObject* type, Py_ssize_t nitems)
    PyObject* PyType_GenericAlloc(PyTypeObject* type, Py_ssize_t nitems)
    void _incref "Py_INCREF"(PyObject* obj)
    ctypedef struct _Layout "PyTypeObject":
        Py_ssize_t tp_basicsize
        Py_ssize_t tp_itemsize
        void* tp_alloc

cdef extern from "structmember.h":
    ctypedef struct PyMemberDef:
        const char* name
        int type
        Py_ssize_t offset
        int flags
    int T_OBJECT_EX
    int READONLY

cdef extern from "descrobject.h":
    ctypedef struct PyMemberDescrObject:
        PyMemberDef* d_member

cdef extern from *:
    """
    /* A builder is called like a function (vectorcall: the arguments as the caller
       holds them, no tuple made), where the interpreter and Cython look for it. */
    static int sse_set_vectorcall(PyTypeObject* tp, Py_ssize_t offset) {
    #if defined(Py_TPFLAGS_HAVE_VECTORCALL) && !defined(PYPY_VERSION) && !defined(Py_LIMITED_API)
        tp->tp_vectorcall_offset = offset;
        tp->tp_flags |= Py_TPFLAGS_HAVE_VECTORCALL;
        PyType_Modified(tp);
        return 1;
    #else
        (void)tp; (void)offset;
        return 0;
    #endif
    }
    """
    int sse_set_vectorcall(PyTypeObject* tp, Py_ssize_t offset)
    Py_ssize_t PyVectorcall_NARGS(size_t nargsf)
    ctypedef void* vectorcallfunc

cdef enum:
    _MAX_FIELDS = 32

from types import MemberDescriptorType


cdef class SlotBuilder:
    """``SlotBuilder(cls, names)(*values)``: a new ``cls`` whose slot ``names[i]`` holds
    ``values[i]``. Raises ``TypeError`` for a class it cannot build that way (its
    allocator or ``__new__`` is not the default one, a name is not a plain slot of the
    class itself): use the pure-Python builder then."""

    cdef vectorcallfunc vectorcall  # _vectorcall once built (NULL: called through __call__)
    cdef object cls
    cdef PyTypeObject* type
    cdef Py_ssize_t count
    cdef Py_ssize_t offsets[_MAX_FIELDS]
    cdef readonly str name

    def __init__(self, cls, names):
        cdef _Layout* tp
        cdef PyMemberDef* member
        if not isinstance(cls, type):
            raise TypeError("a class is needed")
        tp = <_Layout*><PyObject*>cls
        if tp.tp_alloc != <void*>PyType_GenericAlloc or cls.__new__ is not object.__new__ or tp.tp_itemsize != 0:
            raise TypeError(f"{cls.__name__} is not allocated the default way")
        names = list(names)
        if len(names) > _MAX_FIELDS:
            raise TypeError(f"{cls.__name__} has more than {_MAX_FIELDS} fields")
        for i, name in enumerate(names):
            descriptor = cls.__dict__.get(name)
            if type(descriptor) is not MemberDescriptorType or descriptor.__objclass__ is not cls:
                raise TypeError(f"{cls.__name__}.{name} is not a slot of the class itself")
            member = (<PyMemberDescrObject*>descriptor).d_member
            if member.type != T_OBJECT_EX or member.flags & READONLY or member.offset < <Py_ssize_t>sizeof(PyObject):
                raise TypeError(f"{cls.__name__}.{name} is not a plain object slot")
            if member.offset + <Py_ssize_t>sizeof(PyObject*) > tp.tp_basicsize:
                raise TypeError(f"{cls.__name__}.{name} lies outside the object")
            self.offsets[i] = member.offset
        self.cls = cls
        self.type = <PyTypeObject*>tp
        self.count = len(names)
        self.name = f"{cls.__name__}.<positional init>"
        self.vectorcall = <vectorcallfunc>_vectorcall

    def __call__(self, *values):
        if self.type == NULL:
            raise TypeError("SlotBuilder.__init__ was not called")
        if PyTuple_GET_SIZE(values) != self.count:
            raise self._wrong_count(PyTuple_GET_SIZE(values))
        return self._build(PySequence_Fast_ITEMS(values))  # (a tuple's own item array)

    cdef object _wrong_count(self, Py_ssize_t given):
        return TypeError(f"{self.name} takes {self.count} positional arguments ({given} given)")

    cdef object _build(self, PyObject** values):
        """A new instance whose slots hold ``values[:count]`` (new references)."""
        cdef Py_ssize_t i
        cdef char* slots
        obj = _alloc(self.type, 0)
        slots = <char*><PyObject*>obj
        for i in range(self.count):
            _incref(values[i])
            (<PyObject**>(slots + self.offsets[i]))[0] = values[i]
        return obj

    cdef PyObject* _slot(self, obj, Py_ssize_t i) noexcept:
        """Slot ``i`` of ``obj`` (an instance of exactly this class), borrowed; NULL when unset."""
        return (<PyObject**>(<char*><PyObject*>obj + self.offsets[i]))[0]


cdef object _vectorcall(PyObject* callable, PyObject** args, size_t nargsf, PyObject* kwnames):
    """``SlotBuilder.__call__`` as a vectorcall: the same checks, the same object."""
    cdef SlotBuilder self = <SlotBuilder>callable
    cdef Py_ssize_t given = PyVectorcall_NARGS(nargsf)
    if kwnames != NULL and PyTuple_GET_SIZE(<object>kwnames):
        raise TypeError(f"{self.name} takes no keyword arguments")
    if given != self.count:
        raise self._wrong_count(given)
    return self._build(args)


cdef int _enable_vectorcall() except -1:
    """Builders are called through ``_vectorcall``: the offset of its field, read
    from an instance that was never initialised (whose field is NULL: such an
    instance is called through ``__call__``, which refuses it)."""
    cdef SlotBuilder probe = SlotBuilder.__new__(SlotBuilder)
    sse_set_vectorcall(<PyTypeObject*>SlotBuilder, <char*>&probe.vectorcall - <char*><PyObject*>probe)
    return 0


_enable_vectorcall()


# -- completion_of, compiled ---------------------------------------------------------

# The builders of Completion (its 18 fields) and Choice (its 9), and the pure
# ``completion_of`` for what this one does not read itself, given by ``_completion``
# (``bind_completion``) once it made them.
cdef SlotBuilder _completion = None
cdef SlotBuilder _choice = None
cdef object _pure = None

# The fields of a Choice the Completion mirrors, by position in each class.
cdef enum:
    _MIRRORED = 7       # content, reasoning, refusal, tool_calls, function_call, finish_reason, logprobs
    _CHOICE_FIRST = 1   # Choice.content
    _CHOICE_BLOCKS = 8  # Choice.blocks
    _COMPLETION_FIELDS = 18


def bind_completion(SlotBuilder completion not None, SlotBuilder choice not None, pure not None):
    """Makes ``completion_of`` build with these (``_completion``'s builders of
    ``Completion`` and ``Choice``, fields in their declared order, and its pure
    ``completion_of``)."""
    global _completion, _choice, _pure
    if completion.count != _COMPLETION_FIELDS or choice.count != _CHOICE_BLOCKS + 1:
        raise TypeError("bind_completion: not the builders of Completion and Choice")
    _completion = completion
    _choice = choice
    _pure = pure


def completion_of(dialect, choices, id, model, created, system_fingerprint, usage, complete, error, extra):
    """``_completion.completion_of``, compiled: the same ``Completion``, without the
    Python frame nor the argument tuple (every snapshot builds one)."""
    cdef PyObject* values[_COMPLETION_FIELDS]
    cdef PyObject* slot
    cdef Py_ssize_t i
    if _completion is None:
        raise RuntimeError("sseparse._values_c.completion_of: bind_completion() was not called")
    values[0] = <PyObject*>dialect
    values[1] = <PyObject*>id
    values[2] = <PyObject*>model
    values[3] = <PyObject*>created
    values[4] = <PyObject*>system_fingerprint
    values[12] = <PyObject*>usage
    values[13] = <PyObject*>complete
    values[14] = <PyObject*>error
    values[15] = <PyObject*>choices
    values[17] = <PyObject*>extra
    if choices:
        first = choices[0]
        if type(first) is _choice.cls:
            for i in range(_MIRRORED):
                slot = _choice._slot(first, _CHOICE_FIRST + i)
                if slot == NULL:
                    break
                values[5 + i] = slot
            else:
                slot = _choice._slot(first, _CHOICE_BLOCKS)
                if slot != NULL:
                    values[16] = slot
                    return _completion._build(values)
        # (another class, or a slot left unset: the pure one reads each attribute)
        return _pure(dialect, choices, id, model, created, system_fingerprint, usage, complete, error, extra)
    # No choice: the defaults, with lists of this Completion's own.
    tool_calls = []
    blocks = []
    values[5] = values[6] = values[7] = <PyObject*>""
    values[8] = <PyObject*>tool_calls
    values[9] = values[10] = values[11] = <PyObject*>None
    values[16] = <PyObject*>blocks
    return _completion._build(values)


# -- JSON text of a decoded value, compact ---------------------------------------------

from json.encoder import encode_basestring as _encode_string

cdef enum:
    _COMPACT_DEPTH = 200    # deeper: None (the stdlib's encoder, with its own guard)


def compact_json(value):
    """``value`` (as ``json.loads`` builds it) as the JSON text ``JSON.stringify``
    writes: what the stdlib's C encoder writes with ``separators=(",", ":")`` and
    ``ensure_ascii=False`` (strings through the same ``encode_basestring``, numbers
    through ``int.__repr__`` and ``float.__repr__``), without its per-call setup.
    ``None`` for anything else (another type, a key that is not a string, a float
    that is not finite, nesting past 200): the caller encodes that with the stdlib,
    which says what is wrong."""
    cdef list out = []
    if not _write(value, out, 0):
        return None
    return "".join(out)


from cpython.unicode cimport PyUnicode_DATA, PyUnicode_GET_LENGTH, PyUnicode_KIND
from libc.stdint cimport uint8_t, uint16_t, uint32_t


cdef inline int _string(str text, list out) except -1:
    """``encode_basestring(text)``: quoted as it is when nothing in it is escaped
    (no quote, backslash or control character), else through the stdlib's."""
    cdef Py_ssize_t i, n = PyUnicode_GET_LENGTH(text)
    cdef unsigned int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef uint32_t c
    for i in range(n):
        if kind == 1:
            c = (<uint8_t*>data)[i]
        elif kind == 2:
            c = (<uint16_t*>data)[i]
        else:
            c = (<uint32_t*>data)[i]
        if c < 0x20 or c == 0x22 or c == 0x5C:
            out.append(_encode_string(text))
            return 0
    out.append('"')
    out.append(text)
    out.append('"')
    return 0


cdef bint _write(object value, list out, int depth) except -1:
    cdef type kind = type(value)
    cdef bint first
    if kind is str:
        _string(<str>value, out)
    elif kind is dict or kind is list:
        if depth >= _COMPACT_DEPTH:
            return False
        if not value:
            out.append("{}" if kind is dict else "[]")
            return True
        first = True
        if kind is dict:
            for key, item in (<dict>value).items():
                if type(key) is not str:
                    return False
                out.append("{" if first else ",")
                first = False
                _string(<str>key, out)
                out.append(":")
                if not _write(item, out, depth + 1):
                    return False
            out.append("}")
        else:
            for item in <list>value:
                out.append("[" if first else ",")
                first = False
                if not _write(item, out, depth + 1):
                    return False
            out.append("]")
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(repr(value))  # (int.__repr__: an exact int)
    elif kind is float:
        if not (-1.7976931348623157e308 <= <double>value <= 1.7976931348623157e308):
            return False  # NaN, Infinity: not JSON (the stdlib says so)
        out.append(repr(value))  # (float.__repr__: an exact float)
    else:
        return False
    return True
