"""The modules compiled from their own Python source, and their pure twins.

The accumulator and the reducers are plain Python, and also compiled by Cython
(pure-Python mode: each ``.pxd`` beside its ``.py`` makes the classes extension
types, their attributes struct fields), so that one source runs both ways and the
two cannot drift apart. A compiled module shadows its ``.py`` on import; this
module's finder brings the source back where it is wanted:

- ``sseparse._pure.<name>`` is always the pure module (loaded from the ``.py``), so
  that ``Accumulator(implementation="python")`` folds with the pure reducers in the
  same process as the compiled ones, and the tests compare the two; any other
  ``sseparse._pure.<module>`` is the ordinary ``sseparse.<module>`` (one set of
  errors, events and result classes);
- with ``SSEPARSE_NO_EXTENSIONS`` set, ``sseparse.<name>`` itself is the pure one.

Nothing here imports the package: ``setup.py`` reads ``SOURCES`` from this file.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from types import ModuleType
from typing import Any

__all__ = ["SOURCES", "PURE", "install", "compiled"]

#: Modules of ``sseparse`` compiled from their ``.py`` (each with its ``.pxd``).
SOURCES = (
    "_accumulator",
    "_dialects._base",
    "_dialects.anthropic",
    "_dialects.gemini",
    "_dialects.openai_chat",
    "_dialects.openai_responses",
)

#: The package under which the pure twins are imported.
PURE = "sseparse._pure"

_ROOT = os.path.dirname(os.path.abspath(__file__))
_PACKAGES = frozenset(name.rpartition(".")[0] for name in SOURCES if "." in name)


def _source(name: str) -> tuple[str, list[str] | None]:
    """The ``.py`` file of module ``name`` (relative to the package), and its search
    locations when it is a package."""
    path = os.path.join(_ROOT, *name.split("."))
    if name in _PACKAGES:
        return os.path.join(path, "__init__.py"), [path]
    return path + ".py", None


class _Alias(importlib.abc.Loader):
    """Loads ``sseparse._pure.<module>`` as the ordinary ``sseparse.<module>``."""

    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module(self.target)

    def exec_module(self, module: ModuleType) -> None:
        pass


#: Compiled modules that read the compiled reducers through their types (Cython
#: imports those at their own import): with the reducers loaded from source they
#: cannot be imported (see ``_Refused``).
_READ_COMPILED = ("sseparse._fastpath", "sseparse._fast_gemini")


class _Refused(importlib.abc.Loader):
    """Refuses a module of ``_READ_COMPILED`` under ``SSEPARSE_NO_EXTENSIONS``: a
    ``ModuleNotFoundError`` saying why (Cython's own check would raise a ``ValueError``,
    a type's size changed)."""

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        raise ModuleNotFoundError(  # (not there in this configuration: pytest.importorskip skips)
            f"{spec.name} reads the compiled reducers, and SSEPARSE_NO_EXTENSIONS loads them from their source",
            name=spec.name,
        )

    def exec_module(self, module: ModuleType) -> None:  # pragma: no cover - create_module raises
        pass


class _Finder(importlib.abc.MetaPathFinder):
    def __init__(self, pure_main: bool) -> None:
        self.pure_main = pure_main  # SSEPARSE_NO_EXTENSIONS: sseparse.<name> from source too

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith("sseparse."):
            return None
        if fullname == PURE:
            return importlib.util.spec_from_loader(PURE, None, is_package=True)  # (nothing of its own)
        if fullname.startswith(PURE + "."):
            name = fullname[len(PURE) + 1:]
            if name in SOURCES or name in _PACKAGES:
                file, locations = _source(name)
                return importlib.util.spec_from_file_location(fullname, file, submodule_search_locations=locations)
            return importlib.util.spec_from_loader(fullname, _Alias("sseparse." + name))
        if self.pure_main:
            if fullname in _READ_COMPILED:
                return importlib.util.spec_from_loader(fullname, _Refused())
            name = fullname[len("sseparse."):]
            if name in SOURCES:
                file, _ = _source(name)
                return importlib.util.spec_from_file_location(fullname, file)
        return None


def install(use_extensions: bool) -> None:
    """Put the finder first on ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder(pure_main=not use_extensions))


def compiled(module: ModuleType) -> bool:
    """Whether ``module`` was loaded from its compiled build (not from its source)."""
    return not (getattr(module, "__file__", None) or "").endswith(".py")
