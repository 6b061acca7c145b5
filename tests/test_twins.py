"""The accumulator and reducers compiled from their own source, and their pure twins.

One source runs both ways (``sseparse._twins``): these tests hold the seam — the
``.pxd`` beside each module declares exactly its classes' ``__slots__``, each build
is loaded where it is wanted (the pure twin for ``implementation="python"`` and under
``SSEPARSE_NO_EXTENSIONS``), and the twins share every class a result is made of.
The two folding the same streams alike is what the differential suites check
(``implementation`` runs each on both).
"""

from __future__ import annotations

import ast
import importlib
import importlib.machinery
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import sseparse
from sseparse import Accumulator, _twins
from sseparse._env import env_flag

ROOT = Path(sseparse.__file__).resolve().parent
PACKAGE_PARENT = ROOT.parent
#: The compiled modules are in use (built, and SSEPARSE_NO_EXTENSIONS not set)...
LOADED = all(_twins.compiled(importlib.import_module(f"sseparse.{name}")) for name in _twins.SOURCES)
#: ...or at least built (a process without SSEPARSE_NO_EXTENSIONS would use them).
BUILT = all(
    any((ROOT / (name.replace(".", "/") + suffix)).exists() for suffix in importlib.machinery.EXTENSION_SUFFIXES)
    for name in _twins.SOURCES
)


def _declared(name: str) -> dict[str, tuple[str | None, list[str]]]:
    """``cdef class`` name -> (base, attributes) as the module's ``.pxd`` declares them."""
    text = (ROOT / (name.replace(".", "/") + ".pxd")).read_text()
    classes: dict[str, tuple[str | None, list[str]]] = {}
    current = None
    for line in text.splitlines():
        head = re.fullmatch(r"cdef class (\w+)(?:\((\w+)\))?:", line)
        if head:
            current = head.group(1)
            classes[current] = (head.group(2), [])
        elif current and (attrs := re.fullmatch(r"    cdef public \w+ ([^#]+?)\s*(?:#.*)?", line)):
            classes[current][1].extend(a.strip() for a in attrs.group(1).split(","))
    return classes


def _slotted(name: str) -> dict[str, tuple[str | None, list[str]]]:
    """Class name -> (base, ``__slots__``) of every class with slots in the module's source."""
    tree = ast.parse((ROOT / (name.replace(".", "/") + ".py")).read_text())
    classes: dict[str, tuple[str | None, list[str]]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        for statement in node.body:
            if isinstance(statement, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__slots__" for t in statement.targets
            ):
                slots = ast.literal_eval(statement.value)
                base = node.bases[0].id if node.bases and isinstance(node.bases[0], ast.Name) else None
                if slots or base is not None:
                    classes[node.name] = (base, list(slots))
    return classes


@pytest.mark.parametrize("name", _twins.SOURCES)
def test_each_pxd_declares_exactly_its_classes_slots(name: str) -> None:
    # An attribute added to a class but not to its .pxd fails in the compiled build
    # only; one in the .pxd only would exist in one build: the two lists are one.
    assert _declared(name) == _slotted(name)


@pytest.mark.parametrize("name", _twins.SOURCES)
def test_the_pure_twin_is_loaded_from_the_source(name: str) -> None:
    module = importlib.import_module(f"{_twins.PURE}.{name}")
    assert module.__file__ == str(ROOT / (name.replace(".", "/") + ".py"))
    assert not _twins.compiled(module)


def test_the_twins_share_every_other_module() -> None:
    import sseparse._completion
    import sseparse._dialects._contract
    import sseparse._errors

    assert importlib.import_module(f"{_twins.PURE}._completion") is sseparse._completion
    assert importlib.import_module(f"{_twins.PURE}._errors") is sseparse._errors
    assert importlib.import_module(f"{_twins.PURE}._dialects._contract") is sseparse._dialects._contract
    # ...but not the real package's submodules: the twin registry has its own
    assert importlib.import_module(f"{_twins.PURE}._dialects") is not importlib.import_module("sseparse._dialects")
    assert sys.modules["sseparse._dialects"].openai_chat.__name__ == "sseparse._dialects.openai_chat"


@pytest.mark.parametrize("dialect", sseparse.dialect_names())
def test_each_implementation_folds_with_its_own_build(dialect: str) -> None:
    pure = Accumulator(dialect, implementation="python")
    assert type(pure._reducer).__module__.startswith(f"{_twins.PURE}." if LOADED else "sseparse.")
    assert not _twins.compiled(sys.modules[type(pure._reducer).__module__])
    if sseparse.IMPLEMENTATION == "cython":
        compiled = Accumulator(dialect)
        assert _twins.compiled(sys.modules[type(compiled._reducer).__module__]) == LOADED


def test_built_where_extensions_are_required() -> None:
    # CI sets SSEPARSE_REQUIRE_EXTENSIONS: the compiled reducers must be there too.
    if not env_flag("SSEPARSE_REQUIRE_EXTENSIONS"):
        pytest.skip("checked where SSEPARSE_REQUIRE_EXTENSIONS is set (CI)")
    assert BUILT
    if not env_flag("SSEPARSE_NO_EXTENSIONS"):  # (set: the pure build on purpose)
        assert LOADED and sseparse.IMPLEMENTATION == "cython"
        from sseparse._dialects import _base  # noqa: PLC0415

        assert _base.fastpath is not None  # (its import turns it off quietly when it fails)


def test_the_compiled_classes_are_extension_types() -> None:
    if not LOADED:
        pytest.skip("the accumulator and reducers were not compiled in this install")
    from sseparse._dialects.openai_chat import OpenAIChatReducer

    for cls in (Accumulator, OpenAIChatReducer):
        with pytest.raises(TypeError):  # an extension type (a Python class would take it)
            cls.probe = 1  # type: ignore[attr-defined]
        assert not hasattr(cls(), "__dict__")


PROBE = """
import json, sys
import sseparse
from sseparse import _twins
names = [f"sseparse.{name}" for name in _twins.SOURCES]
result = sseparse.accumulate([STREAM], dialect="auto")
print(json.dumps({
    "files": [sys.modules[name].__file__ for name in names],
    "result": result.to_dict(),
}))
"""

STREAM = (
    b'data: {"id":"c1","object":"chat.completion.chunk","model":"m","choices":[{"index":0,'
    b'"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}\n\n'
    b'data: {"id":"c1","object":"chat.completion.chunk","model":"m","choices":[{"index":0,'
    b'"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'
)


@pytest.mark.parametrize("no_extensions", [True, False])
def test_no_extensions_loads_every_module_from_its_source(no_extensions: bool) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_PARENT), env.get("PYTHONPATH")]))
    env.pop("SSEPARSE_NO_EXTENSIONS", None)
    if no_extensions:
        env["SSEPARSE_NO_EXTENSIONS"] = "1"
    result = subprocess.run(
        [sys.executable, "-c", PROBE.replace("STREAM", repr(STREAM))],
        capture_output=True, env=env, cwd=PACKAGE_PARENT, timeout=60, text=True,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    from_source = [file.endswith(".py") for file in seen["files"]]
    assert from_source == [no_extensions or not BUILT] * len(_twins.SOURCES)
    assert seen["result"] == sseparse.accumulate([STREAM], dialect="auto").to_dict()


def test_the_accumulator_shows_the_signature_of_its_init() -> None:
    # The compiled class's __init__ is a type slot: inspect.signature and help() read
    # the class's __signature__, which must say what the pure __init__ takes.
    import inspect

    pure = importlib.import_module(f"{_twins.PURE}._accumulator").Accumulator
    init = inspect.signature(pure.__init__)
    expected = init.replace(parameters=list(init.parameters.values())[1:])
    assert str(inspect.signature(Accumulator)) == str(expected)
    assert str(inspect.signature(pure)) == str(expected)


def test_the_pure_twin_never_takes_the_fast_path() -> None:
    # The pure reducers are the reference: even asked to (compiled=True), they fold
    # every event themselves, and the fast path refuses them (it calls the compiled
    # reducers' methods in C, through their types).
    pure = importlib.import_module(f"{_twins.PURE}._dialects")
    for name in sseparse.dialect_names():
        reducer = pure.create_reducer(name, True)
        assert reducer.compiled is False
    if sseparse.IMPLEMENTATION != "cython" or not LOADED:
        return
    from sseparse import _fastpath
    from sseparse._dialects import create_reducer

    for name in sseparse.dialect_names():  # (the fast path knows their classes: it still checks others)
        _fastpath.FastFeed(create_reducer(name, True))
    with pytest.raises(TypeError, match="compiled reducer"):
        _fastpath.FastFeed(pure.create_reducer("openai-chat", False))
    feed = _fastpath.FastFeed()
    with pytest.raises(TypeError, match="compiled reducer"):
        feed.bind(pure.create_reducer("anthropic", False))


# A build where the fast path and the base were compiled but one reducer was not
# (its compiler failed): that reducer module comes from its source.
PARTIAL = """
import importlib.util, json, os, sys
ROOT = importlib.util.find_spec("sseparse").submodule_search_locations[0]  # (not imported yet)

class Source:
    def find_spec(self, fullname, path=None, target=None):
        if fullname == "sseparse._dialects.openai_chat":
            return importlib.util.spec_from_file_location(fullname, os.path.join(ROOT, "_dialects", "openai_chat.py"))
        return None

sys.meta_path.insert(0, Source())
import sseparse
from sseparse import _twins
from sseparse._dialects import _base, openai_chat
result = sseparse.accumulate([STREAM], dialect="auto")
print(json.dumps({
    "source": not _twins.compiled(openai_chat), "fastpath": _base.fastpath is not None, "result": result.to_dict(),
}))
"""


def test_a_reducer_left_uncompiled_turns_the_fast_path_off() -> None:
    if sseparse.IMPLEMENTATION != "cython" or not LOADED:
        pytest.skip("the accumulator and reducers were not compiled in this install")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_PARENT), env.get("PYTHONPATH")]))
    env.pop("SSEPARSE_NO_EXTENSIONS", None)
    result = subprocess.run(
        [sys.executable, "-c", PARTIAL.replace("STREAM", repr(STREAM))],
        capture_output=True, env=env, cwd=PACKAGE_PARENT, timeout=60, text=True,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["source"] is True
    assert seen["fastpath"] is False  # (not a crash: the fast path reads only compiled reducers)
    assert seen["result"] == sseparse.accumulate([STREAM], dialect="auto").to_dict()


def test_no_extensions_refuses_the_modules_that_read_the_compiled_reducers() -> None:
    # They import the compiled reducers' types: with the reducers from source, a clear
    # ModuleNotFoundError (which pytest.importorskip skips), not Cython's size check.
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_PARENT), env.get("PYTHONPATH")]))
    env["SSEPARSE_NO_EXTENSIONS"] = "1"
    probe = (
        "import importlib, json, sseparse\n"
        "seen = {}\n"
        "for name in ('sseparse._fastpath', 'sseparse._fast_gemini'):\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "        seen[name] = None\n"
        "    except ImportError as exc:\n"
        "        seen[name] = [type(exc).__name__, str(exc)]\n"
        "print(json.dumps(seen))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, env=env, cwd=PACKAGE_PARENT, timeout=60, text=True
    )
    assert result.returncode == 0, result.stderr
    for name, (kind, message) in json.loads(result.stdout).items():
        assert kind == "ModuleNotFoundError"
        assert message.startswith(f"{name} reads the compiled reducers")
