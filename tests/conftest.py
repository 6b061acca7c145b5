"""Shared fixtures: every framing test runs against both implementations.

``parser_cls`` is parametrized with the ids ``c`` (the compiled
``sseparse._framing_c.EventParser``) and ``py`` (the pure
``sseparse._framing_py.EventParser``). ``compiled_cls`` and ``pure_cls`` give one
implementation each, for the tests that compare them.

When the compiled module cannot be imported, its tests are skipped with the reason,
unless the environment asks for it (``SSEPARSE_REQUIRE_EXTENSIONS`` or ``CI`` set to a
true value, parsed by ``sseparse._env.env_flag`` like every other switch): then they
fail, because a CI run that silently tested only the pure parser would prove nothing
about the one users get by default.

``outcome()`` runs a stream through a parser and records everything observable
(events, the error, what ``close()`` returned, ``last_event_id``, ``retry``), so that
two runs can be compared with ``==``.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Iterable

import attrs
import pytest

from sseparse._env import env_flag
from sseparse._errors import EventTooLargeError, SseparseError
from sseparse._events import Event, IncompleteEvent

# ``import helpers`` from any test module (the suite is not a package).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

COMPILED_MODULE = "sseparse._framing_c"
PURE_MODULE = "sseparse._framing_py"


def extensions_required() -> bool:
    return env_flag("SSEPARSE_REQUIRE_EXTENSIONS") or env_flag("CI")


def load_compiled_parser() -> type:
    """The compiled ``EventParser``; skips (or fails, when required) if it was not built."""
    try:
        module = importlib.import_module(COMPILED_MODULE)
    except ImportError as exc:
        if extensions_required():
            pytest.fail(
                f"the compiled parser was not built ({COMPILED_MODULE} does not import: {exc}); "
                "SSEPARSE_REQUIRE_EXTENSIONS or CI is set, so testing only the pure parser is not enough",
                pytrace=False,
            )
        pytest.skip(f"the compiled parser was not built ({COMPILED_MODULE} does not import: {exc})")
    return module.EventParser  # type: ignore[no-any-return]


def load_pure_parser() -> type:
    return importlib.import_module(PURE_MODULE).EventParser  # type: ignore[no-any-return]


_LOADERS: dict[str, Callable[[], type]] = {"c": load_compiled_parser, "py": load_pure_parser}


@pytest.fixture(scope="session", params=["c", "py"])
def parser_cls(request: pytest.FixtureRequest) -> type:
    """``EventParser`` of one implementation: ids ``c`` (compiled) and ``py`` (pure)."""
    return _LOADERS[request.param]()


@pytest.fixture(scope="session", params=["c", "py"])
def implementation(request: pytest.FixtureRequest) -> str:
    """The ``Accumulator(implementation=...)`` of one build: ids ``c`` (the compiled
    parser and the reducers' fast path) and ``py`` (pure parser and reducers)."""
    if request.param == "c":
        load_compiled_parser()  # skips, or fails when the extension is required
        return "cython"
    return "python"


@pytest.fixture(scope="session")
def compiled_cls() -> type:
    return load_compiled_parser()


@pytest.fixture(scope="session")
def pure_cls() -> type:
    return load_pure_parser()


# -- recording everything a run shows ------------------------------------------------


@attrs.frozen
class Outcome:
    """Everything observable from feeding a stream and closing the parser.

    ``error`` is ``(type name, limit)`` for comparing runs that split the stream
    differently (the size a limit error reports depends on where it was noticed);
    ``error_message`` is kept apart for comparing two implementations on the very same
    fragments, where it must be identical too.
    """

    events: tuple[Event, ...]
    error: tuple[str, int | None] | None
    pending: IncompleteEvent | None
    last_event_id: str
    retry: int | None
    error_message: str | None = attrs.field(default=None, eq=False)


def outcome(
    cls: type,
    fragments: Iterable[bytes | bytearray | memoryview],
    *,
    max_event_size: int | None = None,
) -> Outcome:
    """Feed ``fragments`` to a new ``cls`` parser, then close it; record what happened.

    Only ``SseparseError`` is caught: any other exception escapes and fails the test.
    """
    parser = cls() if max_event_size is None else cls(max_event_size=max_event_size)
    events: list[Event] = []
    error: tuple[str, int | None] | None = None
    message: str | None = None
    pending: IncompleteEvent | None = None
    try:
        for fragment in fragments:
            events.extend(parser.feed(fragment))
        pending = parser.close()
    except SseparseError as exc:
        events.extend(getattr(exc, "events", ()))
        error = (type(exc).__name__, exc.limit if isinstance(exc, EventTooLargeError) else None)
        message = str(exc)
    for event in events:
        assert type(event) is Event, f"feed() returned {type(event)!r}, not Event"
    assert pending is None or type(pending) is IncompleteEvent
    return Outcome(tuple(events), error, pending, parser.last_event_id, parser.retry, message)


@pytest.fixture(scope="session")
def run() -> Callable[..., Outcome]:
    """``run(cls, fragments, max_event_size=None) -> Outcome``."""
    return outcome
