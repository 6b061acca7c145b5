"""Chooses ``encode_event``'s implementation with the parser's (see ``_framing``):
the compiled one when the extensions are in use, else the pure one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._framing import IMPLEMENTATION

__all__ = ["encode_event"]

if TYPE_CHECKING or IMPLEMENTATION != "cython":
    from ._encode_py import encode_event
else:
    try:
        from ._encode_c import encode_event
    except ImportError:  # an older build without it: the pure one is the same, slower
        from ._encode_py import encode_event
