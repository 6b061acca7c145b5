"""Helpers shared by the test modules (``conftest`` puts this folder on ``sys.path``).

Writing and cutting streams: ``data_stream`` (one ``data:`` event per chunk),
``pieces``, ``fragmentations``, ``split_at`` and ``any_split`` (for hypothesis),
Gemini's ``function_call`` and ``streamed_call_chunks``.
Reading them: ``feed_all`` (through an ``Accumulator``), ``accumulate_everywhere``
(the same at every fragmentation), ``assert_quiet_agrees`` (without deltas),
``read_leniently``, ``text_of``, ``assert_deltas_glue``,
``assert_only_sseparse_errors``, ``assert_drivers_agree``, ``answer_view``, ``run_cli`` and ``cli_accumulated``
(``python -m sseparse accumulate``). A child's output: ``Pipe``.

``fold(deltas)`` rebuilds, from a stream's deltas alone, everything the SPEC says
they carry; ``view(completion)`` takes the same out of a ``Completion``. The
property "deltas lose nothing" is ``fold(deltas) == view(completion)``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import itertools
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, AnyStr

from hypothesis import strategies as st

import sseparse

#: The implementations every accumulation check runs on: the compiled one when it is
#: built (the ``implementation`` fixture fails a run that requires it and lacks it).
IMPLEMENTATIONS: tuple[str, ...] = (
    ("cython", "python") if importlib.util.find_spec("sseparse._framing_c") is not None else ("python",)
)


# -- writing and cutting streams --------------------------------------------------------


def data_stream(*chunks: Any, done: bool, newline: bytes = b"\n") -> bytes:
    """One ``data:`` event per chunk (compact JSON; a str is sent as is), then
    ``[DONE]`` when ``done``."""
    out = []
    for item in chunks:
        data = item if isinstance(item, str) else json.dumps(item, ensure_ascii=False, separators=(",", ":"))
        out.append(b"data: " + data.encode() + newline + newline)
    if done:
        out.append(b"data: [DONE]" + newline + newline)
    return b"".join(out)


def pieces(data: bytes, size: int | None) -> list[bytes]:
    """``data`` cut every ``size`` bytes (``None``: whole; one empty fragment for an
    empty stream)."""
    if size is None:
        return [data]
    return [data[i : i + size] for i in range(0, len(data), size)] or [b""]


def fragmentations(data: bytes, *, every_split: bool = False) -> Iterator[list[bytes]]:
    """``data`` whole, cut every 1, 2, 3, 7 and 64 bytes, and, with ``every_split``,
    in two at every byte."""
    yield [data]
    for size in (1, 2, 3, 7, 64):
        yield pieces(data, size)
    if every_split:
        for cut in range(1, len(data)):
            yield [data[:cut], data[cut:]]


def split_at(data: AnyStr, cuts: Iterable[int]) -> list[AnyStr]:
    """``data`` cut at each of ``cuts`` (in any order)."""
    bounds = [0, *sorted(cuts), len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


def any_split(stream: bytes) -> st.SearchStrategy[list[bytes]]:
    """``stream`` cut at up to 40 points drawn by hypothesis (no piece empty)."""
    return st.sets(st.integers(1, len(stream) - 1), max_size=40).map(lambda cuts: split_at(stream, cuts))


def function_call(**call: Any) -> dict[str, Any]:
    """A Gemini ``functionCall`` part."""
    return {"functionCall": call}


def streamed_call_chunks(chunk: Any, pieces: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The chunks of a Vertex streamed call ``f`` whose ``partialArgs`` are ``pieces``,
    one chunk each, then its end; ``chunk(*parts, finish=None)`` writes a chunk."""
    return [
        chunk(function_call(name="f", willContinue=True)),
        *(chunk(function_call(partialArgs=[piece], willContinue=True)) for piece in pieces),
        chunk(function_call(), finish="STOP"),
    ]


# -- reading streams --------------------------------------------------------------------


def feed_all(
    fragments: Iterable[bytes], dialect: str = "auto", implementation: str | None = None
) -> tuple[sseparse.Completion, list[Any]]:
    """The Completion and every delta (``finish()``'s included) of one ``Accumulator``."""
    acc = sseparse.Accumulator(dialect, implementation=implementation)  # type: ignore[arg-type]
    deltas: list[Any] = []
    for fragment in fragments:
        deltas.extend(acc.feed(fragment))
    deltas.extend(acc.finish())
    return acc.close(), deltas


def assert_quiet_agrees(data: bytes, completion: sseparse.Completion, *, may_raise: bool = False) -> None:
    """An ``Accumulator(deltas=False)`` fed ``data`` in 5-byte pieces returns no
    deltas and closes to ``completion`` (with ``may_raise``, the stream may raise: its
    ``completion`` is compared then)."""
    errors = (sseparse.SseparseError,) if may_raise else ()
    quiet = sseparse.Accumulator(deltas=False)
    with contextlib.suppress(*errors):
        for fragment in pieces(data, 5):
            assert quiet.feed(fragment) == []
    with contextlib.suppress(*errors):
        assert quiet.close() == completion
    assert quiet.completion == completion


def text_of(deltas: Iterable[Any], cls: type = sseparse.TextDelta, choice: int = 0) -> str:
    """The ``text`` of the ``cls`` deltas of ``choice``, glued in order."""
    return "".join(d.text for d in deltas if type(d) is cls and d.choice == choice)


def assert_deltas_glue(completion: sseparse.Completion, deltas: list[Any]) -> None:
    """Each choice's text, reasoning, refusal and tool-call arguments are its deltas
    glued in order, and its tool calls start in the order they are listed; no delta
    is of a choice the Completion does not have."""
    choices = {choice.index for choice in completion.choices}
    assert {d.choice for d in deltas if hasattr(d, "choice")} <= choices
    for choice in completion.choices:
        assert text_of(deltas, sseparse.TextDelta, choice.index) == choice.content
        assert text_of(deltas, sseparse.ReasoningDelta, choice.index) == choice.reasoning
        assert text_of(deltas, sseparse.RefusalDelta, choice.index) == choice.refusal
        mine = [d for d in deltas if getattr(d, "choice", None) == choice.index]
        starts = [d.index for d in mine if type(d) is sseparse.ToolCallStart]
        assert starts == [call.index for call in choice.tool_calls]
        for call in choice.tool_calls:
            pieces_of_call = [
                d.arguments for d in mine if type(d) is sseparse.ToolCallArgumentsDelta and d.index == call.index
            ]
            assert "".join(pieces_of_call) == call.arguments


def assert_only_sseparse_errors(parts: Iterable[bytes], dialect: str = "auto") -> None:
    """Feeding ``parts`` raises nothing but an ``SseparseError``, and the result after
    it is a ``Completion`` that serializes to JSON."""
    acc = sseparse.Accumulator(dialect)  # type: ignore[arg-type]
    try:
        for part in parts:
            acc.feed(part)
    except sseparse.SseparseError:
        pass
    result = acc.close()
    assert isinstance(result, sseparse.Completion)
    json.dumps(result.to_dict())


def read_leniently(fragments: Iterable[bytes], dialect: str) -> sseparse.Accumulator:
    """An ``Accumulator`` fed ``fragments`` then closed, where sseparse's own errors
    may be raised (and nothing else)."""
    acc = sseparse.Accumulator(dialect)  # type: ignore[arg-type]
    with contextlib.suppress(sseparse.SseparseError):
        for fragment in fragments:
            acc.feed(fragment)
    with contextlib.suppress(sseparse.SseparseError):
        acc.close()
    return acc


def accumulate_everywhere(
    data: bytes, dialect: str, *, every_split: bool = False
) -> tuple[sseparse.Completion, list[Any]]:
    """``feed_all`` of ``data`` whole, its deltas folding to its Completion, checked
    equal at every fragmentation on every build, under ``auto`` and (once detected)
    under ``dialect``, and without deltas."""
    expected = feed_all([data])
    fold_equals_completion(expected[1], expected[0])
    for fragments in fragmentations(data, every_split=every_split):
        for implementation in IMPLEMENTATIONS:
            got = feed_all(fragments, implementation=implementation)
            assert got == expected, f"differs when fed in {len(fragments)} fragments ({implementation})"
            if expected[0].dialect == dialect:  # an empty stream stays undetected under auto
                assert feed_all(fragments, dialect, implementation) == expected
    assert_quiet_agrees(data, expected[0])
    return expected


def assert_drivers_agree(
    data: bytes, dialect: str, completion: sseparse.Completion, deltas: list[Any], size: int = 11
) -> None:
    """``iter_deltas`` (dialect detected) gives ``deltas`` and ``completion`` for ``data``
    fed ``size`` bytes at a time, and ``accumulate`` in ``dialect`` gives ``completion``."""
    stream = sseparse.iter_deltas(pieces(data, size))
    assert list(stream) == deltas
    assert stream.completion == completion
    assert sseparse.accumulate(pieces(data, 3), dialect) == completion  # type: ignore[arg-type]


def cli_accumulated(data: bytes, chunk_size: int | None) -> dict[str, Any]:
    """What ``sseparse accumulate --dialect auto`` prints for ``data`` (read ``chunk_size``
    bytes at a time, or at its default), checked to exit 0 with ``accumulate``'s result."""
    size_args = [] if chunk_size is None else ["--chunk-size", str(chunk_size)]
    code, result = run_cli(data, "--dialect", "auto", *size_args)
    assert code == 0
    assert result == sseparse.accumulate([data]).to_dict()
    return result


def answer_view(completion: sseparse.Completion) -> dict[str, Any]:
    """What every dialect says of an answer, for comparing with another reading of it:
    id, model, content, reasoning, and the tool calls as (id, name, parsed arguments)."""
    return {
        "id": completion.id,
        "model": completion.model,
        "content": completion.content,
        "reasoning": completion.reasoning,
        "tool_calls": [(call.id, call.name, call.parsed_arguments()) for call in completion.tool_calls],
    }


def run_cli(data: bytes, *args: str) -> tuple[int, dict[str, Any]]:
    """``python -m sseparse accumulate ARGS`` with ``data`` on its standard input: the
    exit code and the JSON it printed."""
    cwd = Path(sseparse.__file__).resolve().parent.parent
    proc = subprocess.run(
        [sys.executable, "-m", "sseparse", "accumulate", *args], input=data,
        capture_output=True,
        cwd=cwd,
        timeout=60,
        check=False,
    )
    return proc.returncode, json.loads(proc.stdout)


# -- a child's output --------------------------------------------------------------------

#: How long a test waits for a child's output: only a broken program waits this long.
PIPE_WAIT = 30.0


class Pipe:
    """Collects what a child writes to one pipe, on a thread: ``wait_for`` a piece of
    it while the child runs, ``wait_eof``, and ``data`` (``text``: once it ended)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._fd = stream.fileno()
        self.data = bytearray()
        self._cond = threading.Condition()
        self._eof = False
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while block := os.read(self._fd, 65536):
            with self._cond:
                self.data += block
                self._cond.notify_all()
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def wait_for(self, expected: str | bytes) -> None:
        """Until ``expected`` (text: its UTF-8) has come out; fails after ``PIPE_WAIT``
        seconds or at the end of the output."""
        needle = expected.encode("utf-8") if isinstance(expected, str) else expected
        with self._cond:
            seen = self._cond.wait_for(lambda: needle in self.data or self._eof, timeout=PIPE_WAIT)
            if not seen or needle not in self.data:
                raise AssertionError(f"{expected!r} did not come out; got {bytes(self.data)!r}")

    def wait_eof(self) -> None:
        with self._cond:
            self._cond.wait_for(lambda: self._eof, timeout=PIPE_WAIT)

    @property
    def text(self) -> str:
        """All the output as text, once the child closed the pipe."""
        self._thread.join(PIPE_WAIT)
        return self.data.decode("utf-8")


# -- deltas lose nothing ----------------------------------------------------------------


def _choice(choices: dict[int, dict[str, Any]], index: int) -> dict[str, Any]:
    state = choices.get(index)
    if state is None:
        state = choices[index] = {
            "content": [],
            "reasoning": [],
            "refusal": [],
            "tool_calls": {},
            "finish_reason": None,
        }
    return state


def fold(deltas: Iterable[Any]) -> dict[str, Any]:
    """What a consumer that only saw ``deltas`` knows of the answer."""
    choices: dict[int, dict[str, Any]] = {}
    meta: dict[str, Any] = {"id": None, "model": None, "usage": None}
    for delta in deltas:
        kind = type(delta)
        if kind is sseparse.TextDelta:
            _choice(choices, delta.choice)["content"].append(delta.text)
        elif kind is sseparse.ReasoningDelta:
            _choice(choices, delta.choice)["reasoning"].append(delta.text)
        elif kind is sseparse.RefusalDelta:
            _choice(choices, delta.choice)["refusal"].append(delta.text)
        elif kind is sseparse.ToolCallStart:
            calls = _choice(choices, delta.choice)["tool_calls"]
            assert delta.index not in calls, f"a second start for tool call {delta.index}"
            calls[delta.index] = {
                "id": delta.id,
                "name": [delta.name],
                "arguments": [],
                "kind": delta.kind,
                "complete": False,
            }
        elif kind is sseparse.ToolCallUpdate:
            call = _choice(choices, delta.choice)["tool_calls"][delta.index]
            if delta.id is not None:
                call["id"] = delta.id
            call["name"].append(delta.name)
        elif kind is sseparse.ToolCallArgumentsDelta:
            _choice(choices, delta.choice)["tool_calls"][delta.index]["arguments"].append(delta.arguments)
        elif kind is sseparse.ToolCallEnd:
            _choice(choices, delta.choice)["tool_calls"][delta.index]["complete"] = True
        elif kind is sseparse.FinishDelta:
            _choice(choices, delta.choice)["finish_reason"] = delta.finish_reason
        elif kind is sseparse.UsageDelta:
            meta["usage"] = delta.usage
        elif kind is sseparse.MetadataDelta:
            if delta.id is not None:
                meta["id"] = delta.id
            if delta.model is not None:
                meta["model"] = delta.model
    folded_choices = []
    for index in sorted(choices):
        state = choices[index]
        folded_choices.append(
            {
                "index": index,
                "content": "".join(state["content"]),
                "reasoning": "".join(state["reasoning"]),
                "refusal": "".join(state["refusal"]),
                "tool_calls": [
                    (
                        position,
                        call["id"],
                        "".join(call["name"]),
                        "".join(call["arguments"]),
                        call["kind"],
                        call["complete"],
                    )
                    for position, call in sorted(state["tool_calls"].items())
                ],
                "finish_reason": state["finish_reason"],
            }
        )
    return {**meta, "choices": folded_choices}


def _is_empty(choice: dict[str, Any]) -> bool:
    return not (
        choice["content"] or choice["reasoning"] or choice["refusal"] or choice["tool_calls"] or choice["finish_reason"]
    )


def view(completion: sseparse.Completion) -> dict[str, Any]:
    """The part of ``completion`` that ``fold`` rebuilds (choices with nothing in
    them are left out: a choice that only ever sent empty deltas has no delta)."""
    choices = [
        {
            "index": choice.index,
            "content": choice.content,
            "reasoning": choice.reasoning,
            "refusal": choice.refusal,
            "tool_calls": [
                (call.index, call.id, call.name, call.arguments, call.kind, call.complete) for call in choice.tool_calls
            ],
            "finish_reason": choice.finish_reason,
        }
        for choice in completion.choices
    ]
    return {
        "id": completion.id,
        "model": completion.model,
        "usage": completion.usage,
        "choices": [choice for choice in choices if not _is_empty(choice)],
    }


def fold_equals_completion(deltas: Iterable[Any], completion: sseparse.Completion) -> None:
    """Assert that ``deltas`` fold to ``completion`` (empty choices compared away)."""
    folded = fold(deltas)
    folded["choices"] = [choice for choice in folded["choices"] if not _is_empty(choice)]
    assert folded == view(completion)


def patchable(accumulator: Any, **methods: Any) -> Any:
    """``accumulator`` (not fed yet), its reducer swapped for one of a Python subclass of
    the dialect's, with ``methods`` in it, which a test may also monkeypatch: the
    compiled reducers are extension types, whose methods cannot be replaced (the
    subclass runs their code all the same). The fast path calls the reducer's methods
    through its type, which honours the subclass's (``cpdef``)."""
    reducer = accumulator._reducer
    cls = type(f"Patchable{type(reducer).__name__}", (type(reducer),), {"__slots__": (), **methods})
    accumulator._reducer = replacement = cls(reducer.compiled)
    if accumulator._fast is not None:
        accumulator._fast.bind(replacement)
    return accumulator
