"""atheris fuzz target for the framing layer (see README.md in this directory).

The one invariant: feeding any bytes, cut at any points into bytes, bytearray or
memoryview fragments, to the compiled and to the pure parser gives only ``Event``
objects (and an ``IncompleteEvent`` or ``None`` from ``close()``) or an sseparse
error (a ``SseparseError`` subclass) — never another exception — and the two
implementations agree on everything observable: the events, the error and its
message, what ``close()`` returns, ``last_event_id`` and ``retry``.

A hang or unbounded memory shows up as a libFuzzer timeout or out-of-memory report
(``-timeout``, ``-rss_limit_mb``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

# Run from a checkout without installing: the package is one directory up.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

with atheris.instrument_imports(include=["sseparse"]):
    from sseparse._errors import EventTooLargeError, SseparseError
    from sseparse._events import Event, IncompleteEvent
    from sseparse._framing_py import DEFAULT_MAX_EVENT_SIZE
    from sseparse._framing_py import EventParser as PureParser

try:
    from sseparse._framing_c import EventParser as CompiledParser
except ImportError as exc:  # the invariant compares the two: without one there is nothing to fuzz
    sys.exit(f"fuzz_framing: the compiled parser is not built ({exc}); build it first (see fuzz/README.md)")

IMPLEMENTATIONS = (("c", CompiledParser), ("py", PureParser))
WRAPPERS = (bytes, bytearray, memoryview)


def run(cls, fragments, max_event_size):
    """Everything observable from one run; raises whatever is not an sseparse error."""
    parser = cls(max_event_size=max_event_size)
    events = []
    error = None
    pending = None
    try:
        for fragment in fragments:
            events.extend(parser.feed(fragment))
        pending = parser.close()
    except SseparseError as exc:
        events.extend(getattr(exc, "events", ()))
        error = (type(exc).__name__, str(exc))
        if isinstance(exc, EventTooLargeError):
            # a failed parser must keep refusing, and say so with an sseparse error
            try:
                parser.feed(b"data: more\n\n")
            except SseparseError:
                pass
            else:
                raise AssertionError("the parser accepted input after EventTooLargeError") from None
    for event in events:
        if type(event) is not Event:
            raise AssertionError(f"{cls.__module__} produced {type(event)!r}, not Event")
    if pending is not None and type(pending) is not IncompleteEvent:
        raise AssertionError(f"{cls.__module__} close() returned {type(pending)!r}")
    return events, error, pending, parser.last_event_id, parser.retry


def TestOneInput(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    choice = fdp.ConsumeIntInRange(0, 3)
    max_event_size = DEFAULT_MAX_EVENT_SIZE if choice == 0 else fdp.ConsumeIntInRange(1, 256 * choice)
    cuts = [fdp.ConsumeIntInRange(0, 4096) for _ in range(fdp.ConsumeIntInRange(0, 16))]
    wrapper = WRAPPERS[fdp.ConsumeIntInRange(0, len(WRAPPERS) - 1)]
    stream = fdp.ConsumeBytes(fdp.remaining_bytes())

    bounds = [0, *sorted(min(cut, len(stream)) for cut in cuts), len(stream)]
    fragments = [stream[a:b] for a, b in zip(bounds, bounds[1:])]

    results = {}
    for name, cls in IMPLEMENTATIONS:
        results[name] = run(cls, [wrapper(f) for f in fragments], max_event_size)
    if results["c"] != results["py"]:
        raise AssertionError(
            "compiled and pure parsers disagree\n"
            f"fragments={fragments!r}\nmax_event_size={max_event_size}\n"
            f"c ={results['c']!r}\npy={results['py']!r}"
        )


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
