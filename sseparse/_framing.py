"""Chooses the framing implementation once, at import.

The compiled parser is used when it was built, unless ``SSEPARSE_NO_EXTENSIONS`` is
set (see ``_env``); ``IMPLEMENTATION`` says which one is in use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._env import env_flag
from ._framing_py import DEFAULT_MAX_EVENT_SIZE

__all__ = ["EventParser", "IMPLEMENTATION", "DEFAULT_MAX_EVENT_SIZE"]

IMPLEMENTATION: str

if TYPE_CHECKING:
    from ._framing_py import EventParser
elif env_flag("SSEPARSE_NO_EXTENSIONS"):
    from ._framing_py import EventParser

    IMPLEMENTATION = "python"
else:
    try:
        from ._framing_c import EventParser
    except ImportError:  # not built: the install already warned loudly
        from ._framing_py import EventParser

        IMPLEMENTATION = "python"
    else:
        IMPLEMENTATION = "cython"
