"""Builds the compiled modules (framing, fast path, and the accumulator and reducers
compiled from their source), falling back loudly to pure Python.

``SSEPARSE_NO_EXTENSIONS=1`` skips the extension; ``SSEPARSE_REQUIRE_EXTENSIONS=1``
turns a failed build into an error instead of a fallback (CI sets it).
"""

from __future__ import annotations

import importlib.util
import os
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))


def _load_env_flag():
    # The one parser of these switches lives in the package; load it without
    # importing the package (its dependencies need not be installed yet).
    spec = importlib.util.spec_from_file_location("_sseparse_env", os.path.join(HERE, "sseparse", "_env.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.env_flag


env_flag = _load_env_flag()
REQUIRE = env_flag("SSEPARSE_REQUIRE_EXTENSIONS")
SKIP = env_flag("SSEPARSE_NO_EXTENSIONS")

BANNER = "*" * 75


def _warn(message: str) -> None:
    sys.stderr.write(f"\n{BANNER}\n{message}\n{BANNER}\n\n")


class OptionalBuildExt(build_ext):
    """build_ext that falls back to the pure-Python parser unless told not to."""

    def finalize_options(self):
        super().finalize_options()
        if self.parallel is None:  # eleven modules: one compiler per core (at most 4)
            self.parallel = max(1, min(4, os.cpu_count() or 1))

    def run(self):
        try:
            super().run()
        except Exception as exc:  # compiler missing, Python headers missing, ...
            self._fallback(exc)

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:
            self._fallback(exc)

    def _fallback(self, exc: Exception) -> None:
        if REQUIRE:
            raise RuntimeError(
                f"SSEPARSE_REQUIRE_EXTENSIONS is set and the compiled parser failed to build: {exc}"
            ) from exc
        _warn(
            "WARNING: sseparse could not build its compiled parser and falls back to\n"
            "the pure-Python implementation, which is several times slower.\n"
            f"Reason: {exc}\n"
            "Install a C compiler and the Python headers, then reinstall."
        )


def _extensions():
    if SKIP:
        if REQUIRE:
            raise RuntimeError("SSEPARSE_NO_EXTENSIONS and SSEPARSE_REQUIRE_EXTENSIONS are both set")
        _warn("SSEPARSE_NO_EXTENSIONS is set: building sseparse without its compiled parser.")
        return []
    try:
        from Cython.Build import cythonize
    except ImportError as exc:
        if REQUIRE:
            raise RuntimeError("SSEPARSE_REQUIRE_EXTENSIONS is set and Cython is not installed") from exc
        _warn("WARNING: Cython is not installed; sseparse falls back to its pure-Python parser.")
        return []
    compiled = cythonize(
        [
            Extension("sseparse._framing_c", ["sseparse/_framing_c.pyx"], depends=["sseparse/_utf8.h"]),
            Extension("sseparse._fastpath", ["sseparse/_fastpath.pyx"]),
            Extension("sseparse._encode_c", ["sseparse/_encode_c.pyx"]),
            Extension("sseparse._fast_gemini", ["sseparse/_fast_gemini.pyx"]),
            Extension("sseparse._values_c", ["sseparse/_values_c.pyx"]),
        ],
        compiler_directives={
            "language_level": "3",
            "boundscheck": False,
            "wraparound": False,
            "cdivision": True,
            "initializedcheck": False,
        },
    )
    # The accumulator and the reducers, compiled from their Python source with the
    # .pxd beside each (see sseparse/_twins.py): Python's semantics kept whole (no
    # typing from annotations, indexing and division as Python does them).
    twins = cythonize(
        [Extension(f"sseparse.{name}", [f"sseparse/{name.replace('.', '/')}.py"]) for name in _twin_sources()],
        compiler_directives={"language_level": "3", "annotation_typing": False},
    )
    return compiled + twins


def _twin_sources():
    spec = importlib.util.spec_from_file_location("_sseparse_twins", os.path.join(HERE, "sseparse", "_twins.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SOURCES


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
