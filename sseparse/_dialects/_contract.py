"""The contract between the compiled fast path (``sseparse._fastpath``) and the reducers.

The fast path reads the common events of a stream (pieces of text, reasoning, refusal
and tool-call arguments, a tool call's first piece, finish reasons, usage, block
starts and stops, lifecycle events) straight from their data and changes a reducer's
state through these calls only; it never reads or writes a reducer's attributes
(``events`` and ``done`` aside, which every ``Reducer`` has, and the class's
``fast_dialect`` and ``done_sentinel``). The Gemini walker (``_fast_gemini``, the
``GEMINI`` extractor) has a contract of its own, written in ``gemini.py``. Each reducer that has a fast path implements them, and its
own pure decoding goes through the same code, so each update is written once. The
constants below are read by the compiled module at import: a reducer and the
compiled code cannot disagree on them.

``FastReducer`` is the interface, written as a ``Protocol`` (``ResponsesFastReducer``
adds the openai-responses methods):

- ``fast_dialect``: which extractor reads the reducer's events (``CHAT``,
  ``MESSAGES``, ``RESPONSES``); ``done_sentinel``: whether ``[DONE]`` ends the stream.
- ``target(kind, where, key)``: where a piece of ``kind`` goes — ``(pieces, choice,
  position)``: the list it is appended to and the choice (and, for arguments, the
  tool call's position) its delta names — or ``None`` when the reducer's own
  decoding must read the event (the state it needs does not exist yet, the piece
  would not simply be appended). ``where`` is the choice (openai-chat), the content
  block's index (anthropic) or the output item's index (openai-responses); ``key``
  is the tool call's index (openai-chat) or the part's index (openai-responses).
  ``CHOICE`` asks only whether ``where`` exists, ``CHUNK`` whether the reducer
  takes a chunk's own members (its usage) now: any non-``None`` value says yes.
  The answer stays right until an event goes through ``feed_event`` or one of the
  calls below: the fast path may keep it until then.
- ``fast_tool_piece(choice, key, call_id, name, arguments, out)``: a tool-call piece
  that carries an id or a name (maybe a call's first piece); ``key`` its index, or
  ``None`` when it has none (a whole call in one piece, as Mistral sends them).
- ``fast_finish(choice, reason, out)``: a choice's finish reason (a non-empty string).
- ``fast_usage(raw, out)``: a chunk's usage object (decoded, a non-empty dict);
  ``fast_logprobs(choice, logprobs)``: a choice's (decoded, a non-empty dict whose
  ``content`` and ``refusal`` are lists or ``None``).
- ``fast_meta(id, model, created, fingerprint, out) -> bool``: an openai-chat
  chunk's own members while ``target(CHUNK, ...)`` says no (each ``None`` when not a
  string, ``created`` when not an integer); whether ``target(CHUNK, ...)`` says yes
  now. ``fast_choice(index) -> bool``: makes a choice a chunk starts (whether it
  made it). ``fast_extra(choice, key, value, text)``: a member with no common field
  of the chunk (``choice`` -1) or of one of its choices (not null; decoded, and as
  its JSON text ``bytes``), which the fast path passes only when its text differs
  from the reducer's ``_extra_text[key]`` (``[(choice, key)]`` for a choice's).
- ``block_stop(index, out)``, ``fast_block_start(index, start, out) -> bool``:
  Anthropic's ``content_block_stop`` and ``content_block_start`` (its block object,
  built from the walked bytes; ``False``, nothing changed, for a block the reducer
  cannot read);
  ``fast_signature(index, signature, out) -> bool``: a ``signature_delta`` (``False``,
  nothing changed, when block ``index`` is not a thinking block);
  ``fast_message_start(message, out) -> bool`` and ``fast_message_delta(event, out)``:
  its ``message_start`` (the message; ``False``, nothing changed, for one that
  comes with content or a stop reason: the full decode reads it) and
  ``message_delta`` (the whole event), built from the walked bytes;
  ``fast_message_meta(id, model, usage, out)``: a ``message_start`` whose message
  holds nothing the reducer keeps but these (its id and model strings, its usage
  object, each ``None`` when absent or null; any other member null, but ``type`` and
  ``role``, and no content nor stop reason), read without building the message.
  Both only for the first ``message_start`` (the reducer's ``_started`` false): a
  second one is the full decode's.
- ``fast_skips(kind) -> bool``: openai-responses: whether an event of type ``kind``
  folds nothing in (then it is only counted); ``response_meta(id, model, created_at,
  out)``: ``response.created`` / ``queued`` / ``in_progress`` (each ``None`` when
  not a string, ``created_at`` when not an integer), ``response.created`` only after
  ``open_response() -> bool`` said it is the first (``False``: the full decode reads
  it); ``index_of(item_id) -> int``:
  the output index of a delta that came without one (by its ``item_id``, a string
  or ``None``; asked before ``target``).
- openai-responses, the events around the deltas, one method each, which the
  reducer's own handlers call too (``openai_responses.py`` says what each takes):
  ``item_added(index, item, raw, out)`` and ``item_done(index, item, raw, out)``
  (``response.output_item.added`` / ``.done``: ``item`` a dict of the members the
  reducer reads, built from the walked bytes, ``raw`` the item's JSON text, decoded
  only if the result needs it); ``part_event(index, sub, part, item_id, summary,
  out)`` (content and summary parts); ``settle_text(index, kind, sub, text,
  item_id, out)`` (the ``.done`` texts; ``kind`` one of the ``PART_`` constants);
  ``call_done(index, text, name, item_id, custom, out)`` (a call's ``.done``
  arguments, for an item ``target(ARGUMENTS, ...)`` gives); ``citation(annotation,
  out)`` (only when deltas are asked for); ``terminal(kind, response, raws, out)``
  (``response.completed`` / ``incomplete``: ``response`` the members read, its
  ``output`` as items like ``item_done``'s, their texts in ``raws``). None of them
  raises on the values the compiled path gives them (it checks whatever the full
  decode would refuse first, and declines the event then); each may be called only
  while ``done`` is false, after counting the event.
- ``end(out)``: the dialect's end marker.
- ``feed_event(event, out)``: everything else, the full decode.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Final, Protocol

if TYPE_CHECKING:
    from .._completion import Delta
    from .._events import Event

__all__ = [
    "FastReducer", "ResponsesFastReducer", "CHAT", "MESSAGES", "RESPONSES", "GEMINI", "CHOICE", "CHUNK", "TEXT",
    "HAS_CHOICES", "HAS_ERROR", "HAS_GEMINI", "HAS_CHAT_OBJECT", "ARGUMENTS", "REASONING", "REFUSAL",
    "PART_TEXT", "PART_REFUSAL", "PART_SUMMARY", "PART_REASONING", "NOT_JSON",
]

# Which extractor reads a reducer's events (``FastReducer.fast_dialect``); 0: none.
CHAT: Final = 1
MESSAGES: Final = 2
RESPONSES: Final = 3
GEMINI: Final = 4  # (the Gemini walker, ``_fast_gemini.take_chunk``, with a contract of its own)

# The kinds of piece ``target`` is asked about.
CHOICE: Final = 0  # (nothing appended: whether the choice exists)
TEXT: Final = 1
ARGUMENTS: Final = 2
REASONING: Final = 3
REFUSAL: Final = 4
CHUNK: Final = 5  # (nothing appended: whether chunk-level members are taken now)

# openai-responses: the kinds of text part (``settle_text``'s ``kind``).
PART_TEXT: Final = 0  # a message's output_text part
PART_REFUSAL: Final = 1  # a message's refusal part
PART_SUMMARY: Final = 2  # a reasoning item's summary_text part
PART_REASONING: Final = 3  # a reasoning item's reasoning_text part

# The members dialect detection reads, as ``_fastpath.top_level`` reports them (a mask).
HAS_CHOICES: Final = 1
HAS_ERROR: Final = 2
HAS_GEMINI: Final = 4  # candidates, usageMetadata, promptFeedback or modelVersion
HAS_CHAT_OBJECT: Final = 8  # "object": "chat.completion.chunk"

Target = tuple[list[str], int, int]


class _NotJson:
    """The decoded value of an event whose data is not JSON (``[DONE]``, a typo).

    Detection hands it to a reducer (``Reducer.feed_decoded``): defined here, in a
    module that is not compiled from its source, so that there is one such object
    for the compiled reducers and their pure twins (see ``sseparse._twins``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_JSON"


NOT_JSON: Any = _NotJson()


class FastReducer(Protocol):
    """What the compiled fast path may call on a reducer (see the module's docstring)."""

    fast_dialect: ClassVar[int]
    done_sentinel: ClassVar[bool]
    events: int
    done: bool

    def target(self, kind: int, where: int, key: int) -> Target | None: ...

    def fast_tool_piece(
        self, choice: int, key: int | None, call_id: str | None, name: str, arguments: str, out: list[Delta] | None
    ) -> None: ...

    def fast_finish(self, choice: int, reason: str, out: list[Delta] | None) -> None: ...

    def end(self, out: list[Delta] | None) -> None: ...

    def feed_event(self, event: Event, out: list[Delta] | None) -> None: ...


class ResponsesFastReducer(FastReducer, Protocol):
    """What the compiled fast path calls on an openai-responses reducer besides
    (``fast_dialect`` ``RESPONSES``)."""

    def fast_skips(self, kind: str) -> bool: ...

    def index_of(self, item_id: str | None) -> int: ...

    def open_response(self) -> bool: ...

    def response_meta(self, response_id: Any, model: Any, created_at: Any, out: list[Delta] | None) -> None: ...

    def item_added(
        self, index: int, item: dict[str, Any], raw: dict[str, Any] | str, out: list[Delta] | None
    ) -> Any: ...

    def item_done(
        self, index: int, item: dict[str, Any], raw: dict[str, Any] | str, out: list[Delta] | None
    ) -> None: ...

    def part_event(
        self, index: int, sub: int, part: Any, item_id: Any, summary: bool, out: list[Delta] | None
    ) -> None: ...

    def settle_text(
        self, index: int, kind: int, sub: int, text: str, item_id: Any, out: list[Delta] | None
    ) -> None: ...

    def call_done(
        self, index: int, text: Any, name: Any, item_id: Any, custom: bool, out: list[Delta] | None
    ) -> None: ...

    def citation(self, annotation: Any, out: list[Delta]) -> None: ...

    def terminal(
        self, kind: Any, response: dict[str, Any], raws: list[Any] | None, out: list[Delta] | None
    ) -> None: ...

