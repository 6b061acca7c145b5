# cython: language_level=3, binding=True, embedsignature=True
"""The compiled ``encode_event``: the per-token case in C, the rest in ``_encode_py``.

One line of data and no other field (what a gateway writes per token): the text's
UTF-8 (CPython keeps it in the ``str`` for ASCII text, so no copy) is checked for CR
and LF with ``memchr`` and copied once into the block. Anything else, and every
error, goes to the pure function, which has the same behaviour by construction.
"""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize
from libc.string cimport memchr, memcpy

from ._encode_py import encode_event as _encode_py

cdef extern from "Python.h":
    const char* PyUnicode_AsUTF8AndSize(object unicode, Py_ssize_t* size) except NULL


def encode_event(data=None, *, event=None, id=None, retry=None, comment=None):
    cdef const char* text
    cdef Py_ssize_t size
    cdef char* out
    if event is None and id is None and retry is None and comment is None and type(data) is str:
        try:
            text = PyUnicode_AsUTF8AndSize(data, &size)
        except UnicodeEncodeError:
            return _encode_py(data)  # raises the EncodeError
        if memchr(text, 10, size) == NULL and memchr(text, 13, size) == NULL:
            block = PyBytes_FromStringAndSize(NULL, size + 8)
            out = PyBytes_AS_STRING(block)
            memcpy(out, b"data: ", 6)
            memcpy(out + 6, text, size)
            out[size + 6] = 10
            out[size + 7] = 10
            return block
    return _encode_py(data, event=event, id=id, retry=retry, comment=comment)


encode_event.__doc__ = _encode_py.__doc__
