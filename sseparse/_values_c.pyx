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
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_GET_SIZE

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

cdef enum:
    _MAX_FIELDS = 32

from types import MemberDescriptorType


cdef class SlotBuilder:
    """``SlotBuilder(cls, names)(*values)``: a new ``cls`` whose slot ``names[i]`` holds
    ``values[i]``. Raises ``TypeError`` for a class it cannot build that way (its
    allocator or ``__new__`` is not the default one, a name is not a plain slot of the
    class itself): use the pure-Python builder then."""

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

    def __call__(self, *values):
        cdef Py_ssize_t i, count = self.count
        cdef char* slots
        cdef PyObject* value
        if PyTuple_GET_SIZE(values) != count:
            raise TypeError(f"{self.name} takes {count} positional arguments ({PyTuple_GET_SIZE(values)} given)")
        obj = _alloc(self.type, 0)
        slots = <char*><PyObject*>obj
        for i in range(count):
            value = PyTuple_GET_ITEM(values, i)
            _incref(value)
            (<PyObject**>(slots + self.offsets[i]))[0] = value
        return obj
