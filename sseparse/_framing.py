"""Chooses the framing implementation once, at import.

The compiled parser is used when it was built, unless ``SSEPARSE_NO_EXTENSIONS`` is
set (``_env.USE_EXTENSIONS``); ``IMPLEMENTATION`` says which one is in use, and the
reducers' compiled fast path is used exactly when it is ``"cython"``. A missing compiled
parser that was not opted out of is a ``RuntimeWarning``: pip does not show the
build's own warning unless asked to, and a silent 10x slowdown is a bug report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._env import USE_EXTENSIONS
from ._framing_py import DEFAULT_MAX_EVENT_SIZE
from ._typing import ImplementationName

__all__ = ["EventParser", "IMPLEMENTATION", "DEFAULT_MAX_EVENT_SIZE"]

IMPLEMENTATION: ImplementationName

if TYPE_CHECKING:
    from ._framing_py import EventParser
elif not USE_EXTENSIONS:
    from ._framing_py import EventParser

    IMPLEMENTATION = "python"
else:
    try:
        from ._framing_c import EventParser
    except ImportError as exc:  # not built; pip hides the build's own warning
        import warnings

        from ._framing_py import EventParser

        IMPLEMENTATION = "python"
        warnings.warn(
            f"sseparse could not load its compiled parser ({exc}); using the pure-Python "
            "parser, which is several times slower. Set SSEPARSE_NO_EXTENSIONS=1 to choose "
            "it on purpose and silence this warning.",
            RuntimeWarning,
            stacklevel=2,
        )
    else:
        IMPLEMENTATION = "cython"
