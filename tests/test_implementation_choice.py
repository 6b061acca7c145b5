"""Which parser ``import sseparse`` picks, and that both give the very same events.

The choice is made once, at import, so each case runs in a fresh interpreter.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

import sseparse
from sseparse import Event

# The folder holding the sseparse under test (the source tree for an editable install,
# site-packages for an installed one): the subprocess must import that same package,
# never a source tree beside it that may lack the compiled parser.
PACKAGE_PARENT = Path(sseparse.__file__).resolve().parents[1]

PROBE = """
import json, sys, warnings
if BLOCK_COMPILED:  # pretend the extension was never built
    class Block:
        def find_spec(self, name, path=None, target=None):
            if name == "sseparse._framing_c":
                raise ImportError("blocked by the test")
    sys.meta_path.insert(0, Block())
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    import sseparse
print(json.dumps({
    "implementation": sseparse.IMPLEMENTATION,
    "module": sseparse.EventParser.__module__,
    "warnings": [str(w.message) for w in caught],
}))
"""


def probe(no_extensions: str | None, *, block_compiled: bool = False) -> dict[str, object]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_PARENT), env.get("PYTHONPATH")]))
    env.pop("SSEPARSE_NO_EXTENSIONS", None)
    if no_extensions is not None:
        env["SSEPARSE_NO_EXTENSIONS"] = no_extensions
    result = subprocess.run(
        [sys.executable, "-c", f"BLOCK_COMPILED = {block_compiled}\n{PROBE}"], capture_output=True, env=env, cwd=PACKAGE_PARENT, timeout=60, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "yes", "on", " 1 "])
def test_no_extensions_set_picks_pure_python(value):
    seen = probe(value)
    assert seen["implementation"] == "python"
    assert seen["module"] == "sseparse._framing_py"
    assert seen["warnings"] == []  # chosen on purpose: nothing to warn about


@pytest.mark.parametrize("value", ["0", "false", "no", "off", "", "2"])
def test_no_extensions_not_true_does_not_force_pure_python(compiled_cls, value):
    # With the compiled parser built, only a true value may opt out of it
    # ("0" meaning "on" would be aiohttp's accident).
    seen = probe(value)
    assert seen["implementation"] == "cython"
    assert seen["module"] == "sseparse._framing_c"


def test_compiled_parser_is_the_default_when_built(compiled_cls):
    seen = probe(None)
    assert seen["implementation"] == "cython"
    assert seen["module"] == "sseparse._framing_c"
    assert seen["warnings"] == []


def test_missing_compiled_parser_falls_back_to_pure_python_with_a_warning():
    seen = probe(None, block_compiled=True)
    assert seen["implementation"] == "python"
    assert seen["module"] == "sseparse._framing_py"
    assert any("compiled parser" in message for message in seen["warnings"])  # type: ignore[union-attr]


def test_missing_compiled_parser_opted_out_of_is_silent():
    seen = probe("1", block_compiled=True)
    assert seen["implementation"] == "python"
    assert seen["warnings"] == []


STREAM = "id: 7\nretry: 30\nevent: ü\ndata: a\ndata: 🎉\n\ndata: b\n\n".encode()


def test_both_implementations_build_the_same_attrs_event(compiled_cls, pure_cls):
    c_events = compiled_cls().feed(STREAM)
    py_events = pure_cls().feed(STREAM)
    assert c_events == py_events
    for c_event, py_event in zip(c_events, py_events):
        assert type(c_event) is Event and type(py_event) is Event
        assert attrs.has(type(c_event))
        assert repr(c_event) == repr(py_event)
        assert hash(c_event) == hash(py_event)
        assert attrs.asdict(c_event) == attrs.asdict(py_event)
        assert c_event.to_dict() == py_event.to_dict()


def test_compiled_events_are_frozen_and_behave_like_attrs_events(compiled_cls):
    (event, _) = compiled_cls().feed(STREAM)
    assert event == Event(event="ü", data="a\n🎉", id="7", retry=30)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.data = "x"  # type: ignore[misc]
    assert attrs.evolve(event, data="x") == Event(event="ü", data="x", id="7", retry=30)
    assert pickle.loads(pickle.dumps(event)) == event
    assert {event: 1}[Event(event="ü", data="a\n🎉", id="7", retry=30)] == 1
    assert not hasattr(event, "__dict__")
    for value, kind in ((event.event, str), (event.data, str), (event.id, str), (event.retry, int)):
        assert type(value) is kind


def test_both_implementations_report_the_same_incomplete_event(compiled_cls, pure_cls):
    results = []
    for cls in (compiled_cls, pure_cls):
        parser = cls()
        parser.feed(STREAM + b"event: x\ndata: cut")
        results.append(parser.close())
    assert results[0] == results[1]
    assert type(results[0]) is type(results[1])


def test_both_implementations_share_the_error_classes(compiled_cls, pure_cls):
    from sseparse import EventTooLargeError, ParserClosedError

    for cls in (compiled_cls, pure_cls):
        parser = cls(max_event_size=4)
        with pytest.raises(EventTooLargeError):
            parser.feed(b"data: 12345\n")
        with pytest.raises(ParserClosedError):
            parser.feed(b"\n")
