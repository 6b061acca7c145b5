"""Environment switches, parsed one way at build time (``setup.py``) and at import.

Only ``1``, ``true``, ``yes`` and ``on`` (any case) turn a switch on: ``"0"`` or an
empty value leaves it off.
"""

from __future__ import annotations

import os

__all__ = ["env_flag", "USE_EXTENSIONS"]

_TRUE = frozenset({"1", "true", "yes", "on"})


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in _TRUE


#: The one decision whether the compiled modules are used (when they are built): the
#: framing parser (``_framing``), and through it the reducers' fast path, follow it.
USE_EXTENSIONS = not env_flag("SSEPARSE_NO_EXTENSIONS")
