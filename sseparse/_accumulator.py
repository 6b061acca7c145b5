"""``Accumulator``: bytes in, deltas out, and the ``Completion`` always at hand.

It owns one ``EventParser`` and one dialect reducer, and is the single place where
errors leave the accumulating layers: whatever is raised carries the partial
``Completion`` (``exc.completion``) and the deltas the call had produced
(``exc.deltas``), and after it the accumulator refuses more input instead of
producing a result with a hole in it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from inspect import Parameter as _Parameter
from inspect import Signature as _Signature
from typing import Any, NoReturn

from ._completion import Completion, Delta, Usage, completion_of
from ._dialects import AUTO, Reducer, detect, fast_detect, reducer_class
from ._dialects._base import fastpath
from ._errors import (
    ChunkDecodeError,
    DialectError,
    EventTooLargeError,
    IncompleteStreamError,
    ParserClosedError,
    ProviderError,
    SseparseError,
    ToolArgumentsError,
    describe_exception,
    fragment_type_error,
    quote_prefix,
)
from ._events import Event, IncompleteEvent
from ._framing import DEFAULT_MAX_EVENT_SIZE, IMPLEMENTATION, EventParser
from ._partial_arguments import PartialArguments
from ._typing import DialectName, ImplementationName

__all__ = ["Accumulator", "error_entry"]



class Accumulator:
    """Accumulates one stream, fed as byte fragments split anywhere (or as events).

    ``dialect`` is a dialect name or ``"auto"`` (detected from the first event with
    data). ``feed()`` returns the deltas each fragment produced, for rendering while
    the stream goes on; ``completion`` is the result so far; ``close()`` ends the
    stream and returns the final ``Completion``. With ``deltas=False`` no delta
    object is built and ``feed()`` returns an empty list: the cheaper path when only
    the final result matters.
    """

    __slots__ = (
        "_parser", "_reducer", "_fast", "_compiled", "_deltas", "_error", "_failure", "_final", "_cut",
        "_dialect", "_cached", "_failed",
    )

    # What ``inspect.signature`` and ``help()`` show: the compiled class's ``__init__``
    # is a slot that says nothing of its arguments (a test holds this to the one below).
    __signature__ = _Signature([
        _Parameter("dialect", _Parameter.POSITIONAL_OR_KEYWORD, default="auto", annotation="DialectName"),
        _Parameter("max_event_size", _Parameter.KEYWORD_ONLY, default=DEFAULT_MAX_EVENT_SIZE, annotation="int"),
        _Parameter("deltas", _Parameter.KEYWORD_ONLY, default=True, annotation="bool"),
        _Parameter(
            "implementation", _Parameter.KEYWORD_ONLY, default=None, annotation="ImplementationName | None"
        ),
    ], return_annotation="None")

    def __init__(
        self,
        dialect: DialectName = "auto",
        *,
        max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
        deltas: bool = True,
        implementation: ImplementationName | None = None,
    ) -> None:
        # ``implementation``: ``"cython"`` or ``"python"`` to pick one whatever
        # ``sseparse.IMPLEMENTATION`` says (the tests run every dialect on both);
        # ``None``, the default, uses the one in force.
        if implementation is None:
            try:
                setup = _SETUPS[dialect]
            except (KeyError, TypeError):  # the first of its kind, or a wrong value (the error says why)
                setup = _setup(dialect, None)
        else:
            setup = _setup(dialect, implementation)
        parser_cls, compiled, reducer_cls, fast = setup
        self._compiled = compiled
        self._parser: EventParser = (
            # (the default itself, not an equal value: a float equal to it is refused too)
            parser_cls() if max_event_size is DEFAULT_MAX_EVENT_SIZE else parser_cls(max_event_size=max_event_size)
        )
        # The reducer's fast path (``_fastpath.FastFeed``), if it has one: the compiled
        # parser hands each event's data bytes to it before any ``str`` or ``Event``
        # is built (only with the compiled modules; the results are the same). With
        # the dialect unknown, one that no reducer is bound to yet: the first event
        # is detected (``_start`` or ``_detect``, which bind it) in the very parse
        # that completes it.
        if reducer_cls is None:
            self._reducer: Reducer | None = None
            self._fast: Any = fast() if compiled else None
        else:
            reducer = self._reducer = reducer_cls(compiled)  # (positional: no keyword dict)
            self._fast = None if fast is None else fast(reducer)
        self._deltas = deltas
        self._error: dict[str, Any] | None = None  # the Completion's `error` entry
        self._failure: SseparseError | None = None  # raised earlier: refuse more input
        self._final: Completion | None = None
        # Why a closed stream is not complete, when it was cut: its IncompleteStreamError,
        # built when first read (a stream that is only read for its result never needs
        # it), and until then what builds it, (pending event, message).
        self._cut: IncompleteStreamError | tuple[IncompleteEvent | None, str] | None = None
        self._dialect = dialect  # the reducer's name once known (set where it is made)
        self._cached: tuple[int, Completion] | None = None  # (events folded, snapshot)
        self._failed: Completion | None = None  # the result as the last error raised left it

    @property
    def dialect(self) -> str:
        """The dialect in use; ``"auto"`` until the first event with data decided it."""
        return self._dialect

    @property
    def id(self) -> str | None:
        """The response's id as soon as a chunk said it; cheap (builds no snapshot)."""
        return self._meta("_id", "id")  # type: ignore[no-any-return]

    @property
    def model(self) -> str | None:
        """The model as soon as a chunk said it; cheap (builds no snapshot)."""
        return self._meta("_model", "model")  # type: ignore[no-any-return]

    @property
    def usage(self) -> Usage | None:
        """The latest usage report (one meaning in every dialect); cheap (builds no snapshot)."""
        reducer = self._reducer
        if reducer is None:
            return None if self._final is None else self._final.usage
        return reducer.usage_report

    def _meta(self, slot: str, field: str) -> Any:
        # Every reducer keeps the id and model as `_id` and `_model` (see Reducer.take_identity).
        reducer = self._reducer
        if reducer is None:
            return None if self._final is None else getattr(self._final, field)
        return getattr(reducer, slot)

    @property
    def cut(self) -> IncompleteStreamError | None:
        """After ``close()``: why the stream is not complete when it was cut (the
        error ``iter_deltas`` raises, carrying the ``completion``), else ``None``."""
        cut = self._cut
        if type(cut) is tuple:
            cut = self._cut = IncompleteStreamError(cut[0], message=cut[1])
            cut.completion = self._final
        return cut  # type: ignore[return-value]  # (not a tuple any more)

    @property
    def parser(self) -> EventParser:
        """The framing parser (its ``last_event_id`` and ``retry`` serve reconnection)."""
        return self._parser

    @property
    def completion(self) -> Completion:
        """The result so far; also after an error was raised, and final after ``close()``.

        Built when read after new input (joining the pieces so far), and the same
        object until more input is folded in; render from deltas, and read this when
        you need the whole.
        """
        if self._final is not None:
            return self._final
        reducer = self._reducer
        if reducer is None:
            return self._snapshot(False)
        cached = self._cached
        if cached is not None and cached[0] == reducer.events:
            return cached[1]
        reducer.live = True
        try:
            snapshot = self._snapshot(self._error is None and reducer.done)
        finally:
            reducer.live = False
        self._cached = (reducer.events, snapshot)
        return snapshot

    def partial_arguments(self, index: int, *, choice: int = 0) -> Any:
        """The arguments of tool call ``index`` of ``choice``, parsed as far as they have
        arrived: the JSON value forming while its pieces stream in.

        ``index`` and ``choice`` are those of the call's ``ToolCallStart`` and
        ``ToolCallArgumentsDelta``. The value is that of ``PartialJSONParser`` (see
        ``sseparse.PartialJSONParser`` for what an unfinished part shows): objects and
        arrays as soon as they open, strings as prefixes, numbers and literals once
        complete, so that each value read grows into the next and, once the call is
        over (its block stopped, its choice's finish reason, the end marker), equals
        ``ToolCall.parsed_arguments()`` (empty arguments are ``{}``). Arguments that
        turn out not to be JSON keep showing what was read before the error. A tool
        whose input is free text (a Responses API custom tool) shows that text so far.

        Nothing is parsed until this is called: each call feeds the parser only the
        pieces that arrived since the previous one, so reading after every delta costs
        time linear in the arguments, and never reading costs nothing. It reflects
        everything fed so far, which may be ahead of the delta being rendered. The
        value is the parser's live structure, updated in place by later reads: do not
        mutate it, and ``copy.deepcopy`` it to keep a snapshot.

        Raises ``IndexError`` for a call that has not started, and a
        ``ChunkDecodeError`` (with the ``completion`` so far) for arguments the input
        made unreadable; the stream can still be fed.
        """
        reducer = self._reducer
        if reducer is None:
            if self._final is not None:
                return _final_arguments(self._final, index, choice)
            raise IndexError(f"the stream has no tool call {index} in choice {choice} (yet)")
        # Dialects with live tool-call state provide it; the Reducer interface leaves it out.
        read: Callable[[int, int], Any] | None = getattr(reducer, "partial_arguments", None)
        if read is None:
            raise NotImplementedError(f"the {reducer.name} dialect does not show partial tool arguments")
        try:
            return read(choice, index)
        except (IndexError, SseparseError):
            raise
        except Exception as exc:  # what input made unreadable (too deep to copy...): an sseparse error
            error = self._unexpected(exc)
            error.completion = self._snapshot(False)
            raise error from exc

    def feed(self, data: bytes | bytearray | memoryview) -> list[Delta]:
        """Feed one fragment; return the deltas of the events it completed."""
        if self._failure is not None or self._final is not None:  # (one call less per fragment)
            self._check_open()
        out: list[Delta] | None = [] if self._deltas else None
        fast = self._fast
        if fast is not None and type(data) is bytes and self._reducer is not None:
            # The usual fragment, a dialect with a fast path: _feed_part, inline.
            try:
                events: list[Event] = fast.feed(self._parser, data, out)
            except Exception as exc:
                self._feed_failed(exc, out)
            if events:
                self._feed_events(events, out)
        else:
            self._feed_part(data, out)
        return [] if out is None else out

    def feed_event(self, event: Event) -> list[Delta]:
        """Feed one event framed elsewhere; return its deltas."""
        self._check_open()
        out: list[Delta] | None = [] if self._deltas else None
        self._feed_events((event,), out)
        return [] if out is None else out

    def close(self) -> Completion:
        """End the stream and return the final ``Completion``.

        A cut stream is not an error here: the result has ``complete=False`` and an
        ``error`` entry of type ``"incomplete_stream"``. An event cut before its
        terminating blank line is still used when its data is whole (a server that
        closes right after ``data: [DONE]``); a truncated one is named in that entry.
        A stream without its end marker is complete when every choice got a finish
        reason, unless it was cut inside an event. Calling ``close()`` again returns
        the same result.
        """
        return self._close(None)

    def finish(self) -> list[Delta]:
        """End the stream, like ``close()``, and return the deltas that ending it
        produced: those of an event the stream ended inside of, when its data was
        whole (a server that closes right after its last ``data:`` line). A consumer
        that renders deltas calls this, then reads ``close()`` (or ``completion``)
        for the final result; ``close()`` alone drops these deltas."""
        if self._final is not None:
            return []
        out: list[Delta] | None = [] if self._deltas else None
        self._close(out)
        return [] if out is None else out

    # -- internals ---------------------------------------------------------------------

    def _feed_part(self, data: bytes | bytearray | memoryview, out: list[Delta] | None) -> list[Event]:
        """Feed ``data``; return the events that went the usual way (not the fast path)."""
        fast = self._fast
        if type(data) is not bytes:
            _check_bytes_like(data)  # the caller's mistake stays a TypeError (mapped below otherwise)
        detecting = self._reducer is None
        try:
            if fast is not None:
                # Events go to the reducer as they complete; those it returns were not
                # offered (a fragment that may break the size limit) and go the usual way.
                events: list[Event] = (
                    fast.feed(self._parser, data, out, self)  # (its _start and _detect_in_parse)
                    if detecting
                    else fast.feed(self._parser, data, out)
                )
            else:
                events = self._parser.feed(data)
        except Exception as exc:
            self._feed_failed(exc, out)
        if events:
            self._feed_events(events, out)
        return events

    def _feed_failed(self, exc: Exception, out: list[Delta] | None) -> NoReturn:
        """Raise what feeding a fragment to the parser (and, on the fast path, its
        events to the reducer) raised, the accumulator failed with it."""
        if isinstance(exc, EventTooLargeError):
            self._feed_events(exc.events, out)  # completed before the limit: not lost
            self._fail(exc, out)
            raise exc
        if isinstance(exc, ParserClosedError):
            raise exc
        if isinstance(exc, SseparseError):  # from the reducer, through the fast path
            self._fail(exc, out)
            raise exc
        error = self._unexpected(exc)  # anything else the fast path let out: see _unexpected
        self._fail(error, out)
        raise error from exc

    def _close(self, out: list[Delta] | None) -> Completion:
        if self._final is not None:
            return self._final
        pending: IncompleteEvent | None = None
        if self._failure is None:
            pending = self._parser.close()
            if pending is not None and pending.has_data:
                try:
                    self._feed_events((pending.to_event(),), out)
                except (ChunkDecodeError, DialectError):
                    self._failure = None  # truncated, not malformed: reported as the cut below
                    self._error = None
                else:
                    pending = None
        reducer = self._reducer
        # (each of the reducer's attributes read once: a lookup by name when compiled)
        done = reducer is not None and reducer.done
        if reducer is not None and not done and self._failure is None and out is not None:
            reducer.flush(out)  # (deltas only: for finish(), not close())
            done = reducer.done
        # A finish reason on every choice ends a stream whose server sends no end
        # marker, but not one cut inside a block, even one with no data yet: what it
        # was (a usage chunk after the finish, a JSON error body) was not read.
        finished = reducer is not None and not done and reducer.finished
        complete = self._error is None and (done or (finished and pending is None))
        if not complete and self._error is None:
            # What error_entry(IncompleteStreamError(pending, message=...)) says, without
            # the exception: ``cut`` builds it when read.
            message = self._cut_message(pending, finished)
            self._cut = (pending, message)
            self._error = {
                "type": "incomplete_stream",
                "message": message,
                "pending_data_prefix": None if pending is None else quote_prefix(pending.data),
            }
            final = self._final = self._snapshot(False)
        elif self._failure is not None and self._failed is not None:
            # Failed earlier: nothing was folded in since, the result is the one built then.
            final = self._final = self._failed
        elif complete and done and reducer is not None and (cached := self._cached) is not None and (
            cached[0] == reducer.events
        ):
            # Read after its end marker, with nothing after it: the same result (the
            # snapshot of an ended stream is exact, read live or not).
            final = self._final = cached[1]
        else:
            final = self._final = self._snapshot(complete)
        if reducer is not None:
            # The result holds everything now: the pieces it was joined from go.
            self._reducer = self._fast = self._cached = None
        return final

    def _cut_message(self, pending: IncompleteEvent | None, finished: bool) -> str:
        """The message of the ``IncompleteStreamError`` of a stream cut here
        (``finished``: every choice had its finish reason)."""
        reducer = self._reducer
        if pending is not None and not pending.has_data and (reducer is None or reducer.events == 0):
            # Lines without a colon parse as unknown fields: an HTML page or a JSON error
            # body leaves a block with no data, which is no event cut in the middle.
            return "the body was not an SSE stream (no event with data: an HTML page or a JSON error?)"
        if reducer is None:
            return "the stream ended before any event with data"
        if finished:  # (cut after it)
            where = "stream ended after its finish reason, but not cleanly"
        else:
            marker = reducer.end_marker
            where = f"stream ended before {marker}" if marker else "stream ended early"
        if pending is not None and not pending.has_data and pending.event == "message":
            # Only unknown fields: a line without a colon, as a JSON error body sent
            # after the events leaves.
            where += ", in lines that are no event (not SSE: an error body sent after the events?)"
        elif pending is not None:
            where += f", in the middle of an event (event={quote_prefix(pending.event)}, data={quote_prefix(pending.data)})"
        return where

    def _feed_events(self, events: Sequence[Event], out: list[Delta] | None) -> None:
        reducer = self._reducer
        try:
            if reducer is None:
                count = len(events)
                index = 0
                while reducer is None:
                    if index == count:
                        return
                    reducer = self._detect(events[index], out)
                    index += 1
                if index == count:
                    return  # (the first event of a stream fed alone: no call for no rest)
                events = events[index:]
            reducer.feed_events(events, out)  # the rest: one call, the fast path's loop
        except SseparseError as exc:
            self._fail(exc, out)
            raise
        except Exception as exc:
            error = self._unexpected(exc)
            self._fail(error, out)
            raise error from exc

    def _unexpected(self, exc: Exception) -> ChunkDecodeError:
        """The boundary of the folding layers: an exception that is not sseparse's,
        raised while folding an event in (``Reducer`` maps those of a dialect's own
        code with the event named; this catches the rest), becomes a
        ``ChunkDecodeError`` for the last event fed, chained to it."""
        reducer = self._reducer
        index = reducer.events - 1 if reducer is not None and reducer.events else 0
        return ChunkDecodeError(f"cannot read this chunk ({describe_exception(exc)})", index=index, event=None)

    def _detect(self, event: Event, out: list[Delta] | None, *, fed_here: bool = True) -> Reducer | None:
        """The reducer of the dialect ``event`` (the first with data) says, made and
        fed that event; ``None`` while there is none (a blank event). ``fed_here``
        false: the fast path being parsed asks, and feeds the event itself when it was
        detected undecoded and the dialect has a fast path (``_detect_in_parse``)."""
        # The compiled walker first: the event then takes the fast path, undecoded.
        name = fast_detect(event) if self._compiled else None
        obj = None
        if name is None:
            name, obj = detect(event)
            if name is None:
                return None
        reducer = self._start(name)
        fast = self._fast
        if fast is not None:
            fast.bind(reducer)  # (the rest of a fragment being parsed takes its fast path)
            if not reducer.fast_dialect:
                # None: its own feed_events from the next fragment on (the fragment
                # being parsed, if any, goes there through the feed it is bound to).
                # _start makes only dialects the fast path reads.
                self._fast = None
        if obj is None:
            if fed_here or not reducer.fast_dialect:
                reducer.feed_events((event,), out)
        else:
            reducer.feed_decoded(event, obj, out)
        return reducer

    def _start(self, name: str) -> Reducer:
        """The reducer of dialect ``name``, made: as the fast path read it from the
        first event's bytes (``FastFeed._detect``: it binds it and feeds it that
        event), or as ``_detect`` found it."""
        reducer = self._reducer = _new_reducer(name, self._compiled)
        self._dialect = name  # type: ignore[assignment]  # a registered dialect's name
        return reducer

    def _detect_in_parse(self, event: Event, out: list[Delta] | None) -> bool:
        """``_detect`` for the fast path parsing a fragment (``FastFeed.feed``): whether
        it is to take ``event`` itself (detected undecoded, bound to a fast path)."""
        reducer = self._detect(event, out, fed_here=False)
        return reducer is not None and reducer.fast_dialect != 0 and reducer.events == 0

    def _fail(self, exc: SseparseError, out: list[Delta] | None) -> None:
        self._cached = None
        if self._failure is None:
            self._failure = exc
            self._error = error_entry(exc)
        exc.deltas = out if out is not None else []
        exc.completion = self._failed = self._snapshot(False)

    def _check_open(self) -> None:
        if self._failure is not None:
            raise ParserClosedError(
                f"the accumulator failed earlier and refuses more input: {self._failure}"
            ) from self._failure
        if self._final is not None:
            raise ParserClosedError("the accumulator is closed; create a new Accumulator for a new stream")

    def _snapshot(self, complete: bool) -> Completion:
        reducer = self._reducer
        if reducer is None:
            return completion_of(AUTO, [], None, None, None, None, None, False, self._error, {})
        try:
            return reducer.snapshot(complete, self._error)  # (positional: no keyword dict)
        except Exception as exc:  # noqa: BLE001 - the result must stay readable, and say why it is empty
            # A snapshot that cannot be built (a bug, or input no check caught) must not
            # hide the error being reported, nor pass for a result: a minimal one,
            # incomplete, with an error entry saying so.
            error = self._error or {
                "type": "error",
                "message": f"the result could not be built ({describe_exception(exc)})",
            }
            return completion_of(reducer.name, [], None, None, None, None, None, False, error, {})


def _final_arguments(final: Completion, index: int, choice: int) -> Any:
    """``partial_arguments`` after ``close()`` freed the reducer: the call's
    arguments read whole from the result (what was read of them, when not JSON)."""
    calls = next((c.tool_calls for c in final.choices if c.index == choice), None)
    if calls is None or not 0 <= index < len(calls):
        raise IndexError(f"the stream has no tool call {index} in choice {choice}")
    call = calls[index]
    if call.kind == "custom":
        return call.arguments
    try:
        return call.parsed_arguments()
    except ToolArgumentsError:  # not JSON: what can be read of it, as before close()
        return PartialArguments().read([call.arguments], True)


def _check_bytes_like(data: Any) -> None:
    """The parser's ``InputTypeError`` for what is not bytes-like, before anything is read."""
    if isinstance(data, str):
        raise fragment_type_error(data, "Accumulator.feed()")
    try:
        memoryview(data).release()
    except TypeError:
        raise fragment_type_error(data, "Accumulator.feed()") from None


#: dialect -> its reducer class, as ``reducer_class`` gives it, compiled and pure:
#: for the reducer a detected stream makes (``_start``, ``_detect``), without a
#: Python call (two maps: a string key, no tuple to build and hash).
_COMPILED_CLASSES: dict[str, type[Reducer]] = {}
_PURE_CLASSES: dict[str, type[Reducer]] = {}


def _new_reducer(name: str, compiled: bool) -> Reducer:
    """``create_reducer(name, compiled)``, its class looked up once per dialect."""
    classes = _COMPILED_CLASSES if compiled else _PURE_CLASSES
    cls = classes.get(name)
    if cls is None:
        cls = classes[name] = reducer_class(name, compiled)
    return cls(compiled)


_Setup = tuple[Any, bool, "type[Reducer] | None", Any]

#: dialect -> (parser class, compiled, reducer class or None for ``auto``, the fast
#: path's class or None): what ``Accumulator(dialect)`` works out from its
#: arguments, once per dialect (with the implementation in force).
_SETUPS: dict[str, _Setup] = {}


def _setup(dialect: str, implementation: str | None) -> _Setup:
    """The setup of ``Accumulator(dialect, implementation=implementation)``, kept in
    ``_SETUPS`` for the next one with the implementation in force; a wrong value
    raises as the accumulator always did (``ValueError`` for the implementation
    first, then ``DialectError``)."""
    parser_cls, compiled = _implementation(implementation)
    reducer_cls = None if dialect == AUTO else reducer_class(dialect, compiled)
    # (what fast_feed decides for each reducer: a fast path when compiled and the
    # dialect has one)
    fast = fastpath.FastFeed if compiled and (reducer_cls is None or reducer_cls.fast_dialect) else None
    setup = (parser_cls, compiled, reducer_cls, fast)
    if implementation is None:
        _SETUPS[dialect] = setup
    return setup


def _implementation(name: str | None) -> tuple[Any, bool]:
    """The parser class for ``implementation=name``, and whether the compiled reducer
    paths may be used with it."""
    if name is None:  # (a build whose fast path could not be imported folds the pure way)
        return EventParser, IMPLEMENTATION == "cython" and fastpath is not None
    if name == "python":
        from ._framing_py import EventParser as PureParser

        return PureParser, False
    if name == "cython":
        from ._framing_c import EventParser as CompiledParser  # ImportError when not built

        return CompiledParser, fastpath is not None
    raise ValueError(f"implementation must be 'cython', 'python' or None, not {name!r}")


def error_entry(exc: SseparseError) -> dict[str, Any]:
    """The ``Completion.error`` entry describing ``exc``: plain JSON-ready data."""
    if isinstance(exc, ProviderError):
        return {
            "type": "provider_error",
            "message": exc.message,
            "code": exc.code,
            "error_type": exc.type,
            "provider_error": exc.error,
            "request_id": exc.request_id,
        }
    if isinstance(exc, ChunkDecodeError):
        return {
            "type": "chunk_decode_error",
            "message": str(exc),
            "event_index": exc.index,
            "data_prefix": quote_prefix(getattr(exc.event, "data", "")),
        }
    if isinstance(exc, IncompleteStreamError):
        pending = exc.pending
        return {
            "type": "incomplete_stream",
            "message": str(exc),
            "pending_data_prefix": None if pending is None else quote_prefix(pending.data),
        }
    if isinstance(exc, EventTooLargeError):
        return {"type": "event_too_large", "message": str(exc), "limit": exc.limit}
    if isinstance(exc, DialectError):
        return {"type": "dialect_error", "message": str(exc)}
    return {"type": "error", "message": str(exc)}
