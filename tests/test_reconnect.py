"""``Reconnector`` and ``ReconnectPolicy``: reconnection, sans I/O, per the WHATWG rules.

Unit tests pin the delay formula and each decision; a property test runs the loop
against a simulated resuming server cut at random points; and the loop of
``docs/reconnection.md`` (the very code of the page) runs against the real local
server of ``sse_server.py`` with ``httpx``, dropping connections mid-event.
"""

from __future__ import annotations

import asyncio
import io
import random
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sseparse
from sseparse import Event, EventTooLargeError, ParserClosedError, ReconnectDecision, ReconnectPolicy, Reconnector

HERE = Path(__file__).resolve().parent


import sse_server as sse  # noqa: E402  (tests/ is on sys.path: see conftest)
ServerEvent = sse.ServerEvent


def policy(**kwargs: Any) -> ReconnectPolicy:
    return ReconnectPolicy(**{"initial_delay": 1.0, "max_delay": 30.0, "jitter": 0.0, **kwargs})


def connect(rc: Reconnector, body: bytes, *, size: int | None = None) -> list[Event]:
    """One accepted connection whose body is ``body`` (fed in ``size``-byte fragments)."""
    assert rc.response(200, "text/event-stream")
    step = size or max(len(body), 1)
    events: list[Event] = []
    for start in range(0, len(body), step):
        events.extend(rc.feed(body[start : start + step]))
    return events


# -- the delay formula ------------------------------------------------------------------


def test_delay_doubles_from_initial_delay_until_max_delay() -> None:
    p = policy(initial_delay=0.5, max_delay=5.0)
    assert [p.delay(n) for n in range(1, 8)] == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0, 5.0]


def test_delay_uses_the_stream_retry_in_milliseconds_as_its_base() -> None:
    p = policy(initial_delay=9.0)
    assert p.delay(1, retry=250) == 0.25
    assert p.delay(3, retry=250) == 1.0


def test_delay_honours_a_server_retry_above_max_delay_without_growing() -> None:
    p = policy(max_delay=2.0)
    assert [p.delay(n, retry=10_000) for n in (1, 2, 5)] == [10.0, 10.0, 10.0]


def test_delay_jitter_only_adds_at_most_its_fraction() -> None:
    p = policy(initial_delay=2.0, jitter=0.5)
    assert p.delay(1, random=0.0) == 2.0
    assert p.delay(1, random=0.5) == 2.5
    assert 2.0 <= p.delay(1, random=0.999999) < 3.0
    assert p.delay(1, retry=100, random=0.5) == pytest.approx(0.125)  # never below the server's retry


def test_delay_multiplier_one_is_a_constant_delay() -> None:
    assert {policy(multiplier=1).delay(n) for n in range(1, 50)} == {1.0}


def test_delay_of_a_very_long_outage_is_the_cap_without_overflow() -> None:
    assert policy(max_delay=7.0).delay(10**9) == 7.0


def test_delay_zero_base_stays_zero() -> None:
    assert policy(initial_delay=0.0).delay(5) == 0.0
    assert policy().delay(4, retry=0) == 0.0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"initial_delay": -1},
        {"max_delay": -0.1},
        {"multiplier": 0.5},
        {"jitter": -0.1},
        {"max_attempts": -1},
        {"max_attempts": 1.5},
        {"initial_delay": float("nan")},
        {"initial_delay": True},
    ],
)
def test_policy_rejects_values_that_make_no_schedule(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        ReconnectPolicy(**kwargs)


def test_delay_rejects_attempt_zero_and_random_out_of_range() -> None:
    with pytest.raises(ValueError):
        policy().delay(0)
    with pytest.raises(ValueError):
        policy().delay(1, random=1.0)


def test_policy_is_immutable_and_retry_statuses_become_a_frozenset() -> None:
    p = ReconnectPolicy(retry_statuses=[503, 429])
    assert p.retry_statuses == frozenset({429, 503})
    with pytest.raises(AttributeError):
        p.max_delay = 1.0  # type: ignore[misc]


def test_default_policy_is_browser_like() -> None:
    p = ReconnectPolicy()
    assert (p.initial_delay, p.max_delay, p.multiplier, p.jitter, p.max_attempts) == (3.0, 60.0, 2.0, 0.2, None)
    assert p.retry_statuses == frozenset() and p.check_content_type


# -- decisions --------------------------------------------------------------------------


def test_request_headers_carry_last_event_id_only_once_there_is_one() -> None:
    rc = Reconnector(policy())
    assert rc.request_headers() == {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
    connect(rc, b"id: 7\ndata: x\n\n")
    assert rc.request_headers()["Last-Event-ID"] == "7"
    assert rc.disconnected().last_event_id == "7"
    assert rc.request_headers()["Last-Event-ID"] == "7"


def test_a_clean_end_reconnects_after_the_base_delay() -> None:
    rc = Reconnector(policy())
    assert [e.data for e in connect(rc, b"id: 1\ndata: a\n\nid: 2\ndata: b\n\n")] == ["a", "b"]
    decision = rc.disconnected()
    assert decision == ReconnectDecision(
        reconnect=True, delay=1.0, reason="the stream ended", last_event_id="2", attempt=1, status=200
    )
    assert not decision.stop


def test_cut_event_is_not_delivered_and_its_id_not_committed() -> None:
    rc = Reconnector(policy())
    events = connect(rc, b"id: 1\ndata: a\n\nid: 2\ndata: hal", size=3)
    assert [(e.id, e.data) for e in events] == [("1", "a")]
    decision = rc.disconnected()
    assert decision.last_event_id == "1"
    assert decision.cut is not None and (decision.cut.id, decision.cut.data) == ("2", "hal")
    assert decision.reason == "the stream ended in the middle of an event"
    assert rc.request_headers()["Last-Event-ID"] == "1"


def test_stream_retry_sets_the_wait() -> None:
    rc = Reconnector(policy(initial_delay=9.0))
    connect(rc, b"retry: 1500\ndata: a\n\n")
    assert rc.retry == 1500
    assert rc.disconnected().delay == 1.5
    # it carries over to later connections, which do not repeat it
    connect(rc, b"data: b\n\n")
    assert rc.disconnected().delay == 1.5


def test_retry_line_of_a_cut_block_counts_as_the_standard_says() -> None:
    rc = Reconnector(policy(initial_delay=9.0))
    connect(rc, b"data: a\n\nretry: 200\ndata: cut")
    decision = rc.disconnected()
    assert decision.cut is not None and decision.delay == 0.2


def test_unterminated_retry_line_does_not_count() -> None:
    rc = Reconnector(policy(initial_delay=9.0))
    connect(rc, b"data: a\n\nretry: 200")
    assert rc.disconnected().delay == 9.0


def test_backoff_grows_while_attempts_deliver_nothing_and_resets_on_events() -> None:
    rc = Reconnector(policy(initial_delay=1.0))
    connect(rc, b"data: a\n\n")
    assert rc.disconnected().delay == 1.0  # attempt 1
    assert rc.disconnected(ConnectionRefusedError("refused")).delay == 2.0  # attempt 2: no response
    connect(rc, b": only a comment\n\n")  # accepted, then dropped without an event
    decision = rc.disconnected()
    assert (decision.attempt, decision.delay) == (3, 4.0)
    connect(rc, b"data: b\n\n")
    assert (rc.disconnected().attempt, rc.attempt) == (1, 1)


def test_max_attempts_gives_up_after_that_many_failed_reconnections() -> None:
    rc = Reconnector(policy(max_attempts=2))
    connect(rc, b"data: a\n\n")
    assert rc.disconnected().reconnect  # reconnection 1
    assert rc.disconnected(OSError("down")).reconnect  # reconnection 2
    decision = rc.disconnected(OSError("down"))
    assert decision.stop and "gave up after 2 reconnections" in decision.reason


def test_max_attempts_zero_never_reconnects() -> None:
    rc = Reconnector(policy(max_attempts=0))
    connect(rc, b"data: a\n\n")
    assert rc.disconnected().stop


def test_network_error_is_named_in_the_reason() -> None:
    rc = Reconnector(policy())
    decision = rc.disconnected(ConnectionResetError("reset by peer"))
    assert decision.reconnect and decision.reason == "connection lost: ConnectionResetError: reset by peer"
    assert isinstance(decision.error, ConnectionResetError)


def test_204_no_content_stops() -> None:
    rc = Reconnector(policy())
    assert not rc.response(204, None)
    decision = rc.disconnected()
    assert decision.stop and decision.status == 204 and "204 No Content" in decision.reason


@pytest.mark.parametrize("status", [301, 400, 401, 404, 429, 500, 503])
def test_any_status_but_200_stops_by_default(status: int) -> None:
    rc = Reconnector(policy())
    assert not rc.response(status, "application/json")
    decision = rc.disconnected()
    assert decision.stop and decision.status == status


def test_retry_statuses_are_retried_with_backoff_and_retry_after_as_a_floor() -> None:
    rc = Reconnector(policy(initial_delay=1.0, retry_statuses={503}))
    assert not rc.response(503, "text/plain", retry_after="5")
    decision = rc.disconnected()
    assert (decision.reconnect, decision.delay, decision.attempt, decision.status) == (True, 5.0, 1, 503)
    assert not rc.response(503, None, retry_after="Wed, 21 Oct 2015 07:28:00 GMT")  # a date: ignored
    assert rc.disconnected().delay == 2.0
    assert not rc.response(503, None, retry_after=0.5)
    assert rc.disconnected().delay == 4.0  # the backoff is longer than the floor
    assert not rc.response(500, None)
    assert rc.disconnected().stop


@pytest.mark.parametrize(
    ("content_type", "read"),
    [
        ("text/event-stream", True),
        ("text/event-stream; charset=utf-8", True),
        ("Text/Event-Stream ;charset=UTF-8", True),
        ("text/plain", False),
        ("text/html; charset=utf-8", False),
        ("application/json", False),
        (None, False),
    ],
)
def test_content_type_is_compared_by_its_essence(content_type: str | None, read: bool) -> None:
    rc = Reconnector(policy())
    assert rc.response(200, content_type) is read
    decision = rc.disconnected()
    assert decision.reconnect is read
    if not read:
        assert "is not text/event-stream" in decision.reason


def test_check_content_type_false_reads_any_200() -> None:
    rc = Reconnector(policy(check_content_type=False))
    assert rc.response(200, "text/plain")
    assert [e.data for e in rc.feed(b"data: a\n\n")] == ["a"]


def test_events_of_a_new_connection_keep_the_last_event_id_in_force() -> None:
    rc = Reconnector(policy())
    connect(rc, b"id: 41\ndata: a\n\n")
    rc.disconnected()
    events = connect(rc, b"data: b\n\nid: 42\ndata: c\n\ndata: d\n\n")
    assert [(e.id, e.data) for e in events] == [("41", "b"), ("42", "c"), ("42", "d")]
    assert rc.disconnected().last_event_id == "42"


def test_an_empty_id_field_still_resets_the_last_event_id() -> None:
    rc = Reconnector(policy(), last_event_id="41")
    events = connect(rc, b"id\ndata: b\n\n")
    assert [(e.id, e.data) for e in events] == [("", "b")]
    assert rc.disconnected().last_event_id == ""
    assert "Last-Event-ID" not in rc.request_headers()


@pytest.mark.parametrize("size", [1, 2, 3, 4, 100])
def test_leading_bom_of_a_resumed_stream_is_skipped_in_any_fragmentation(size: int) -> None:
    rc = Reconnector(policy(), last_event_id="5")
    events = connect(rc, b"\xef\xbb\xbfdata: x\n\n", size=size)
    assert [(e.id, e.data) for e in events] == [("5", "x")]


def test_connection_that_sent_nothing_keeps_the_last_event_id() -> None:
    rc = Reconnector(policy(), last_event_id="5", retry=100)
    connect(rc, b"")
    decision = rc.disconnected()
    assert (decision.last_event_id, decision.delay, decision.cut) == ("5", 0.1, None)
    connect(rc, b"\xef\xbb")  # part of a BOM, then nothing
    assert rc.disconnected().last_event_id == "5"


def test_start_from_a_saved_position() -> None:
    rc = Reconnector(policy(), last_event_id="abc", retry=50)
    assert rc.request_headers()["Last-Event-ID"] == "abc"
    assert (rc.last_event_id, rc.retry) == ("abc", 50)


@pytest.mark.parametrize("bad", ["a\nb", "a\rb", "a\x00b"])
def test_a_last_event_id_no_stream_can_set_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        Reconnector(last_event_id=bad)


def test_retry_argument_must_be_milliseconds() -> None:
    with pytest.raises(ValueError):
        Reconnector(retry=-1)


def test_feed_before_a_response_and_a_second_response_are_refused() -> None:
    rc = Reconnector(policy())
    with pytest.raises(ParserClosedError):
        rc.feed(b"data: a\n\n")
    assert not rc.response(500, None)
    with pytest.raises(ParserClosedError):
        rc.feed(b"data: a\n\n")
    with pytest.raises(ParserClosedError):
        rc.response(200, "text/event-stream")
    rc.disconnected()
    assert rc.response(200, "text/event-stream")


def test_feed_takes_bytes_not_text() -> None:
    rc = Reconnector(policy(), last_event_id="1")
    rc.response(200, "text/event-stream")
    with pytest.raises(TypeError):
        rc.feed("data: a\n\n")  # type: ignore[arg-type]


def test_event_too_large_propagates_and_the_reconnector_recovers() -> None:
    rc = Reconnector(policy(), max_event_size=16)
    rc.response(200, "text/event-stream")
    with pytest.raises(EventTooLargeError) as info:
        rc.feed(b"id: 1\ndata: a\n\ndata: " + b"x" * 64)
    assert [e.data for e in info.value.events] == ["a"]  # dispatched before the limit
    decision = rc.disconnected(info.value)
    assert decision.last_event_id == "1" and decision.attempt == 1  # events were delivered
    assert [e.data for e in connect(rc, b"data: b\n\n")] == ["b"]


def test_injected_random_source_makes_delays_reproducible() -> None:
    def delays(seed: int) -> list[float]:
        rc = Reconnector(policy(jitter=0.5), random=random.Random(seed).random)
        return [rc.disconnected(OSError()).delay for _ in range(5)]

    assert delays(1) == delays(1)
    assert delays(1) != delays(2)
    assert all(1.0 * 2**n <= d < 1.5 * 2**n for n, d in enumerate(delays(3)))


def test_exported_from_the_package() -> None:
    assert {"Reconnector", "ReconnectPolicy", "ReconnectDecision"} <= set(sseparse.__all__)


# -- the loop against a simulated resuming server, cut anywhere -------------------------


def simulate(
    events: list[Any], cut_points: list[float], sizes: list[int], line_end: str
) -> tuple[list[tuple[str, str, str, int | None]], list[str | None]]:
    """Run the reconnect loop against an in-memory server that resumes after
    ``Last-Event-ID`` and drops connection ``n`` at ``cut_points[n]`` (a fraction of
    its body); return what was delivered and the Last-Event-ID each request sent."""
    rc = Reconnector(policy(), random=random.Random(0).random)
    delivered: list[tuple[str, str, str, int | None]] = []
    sent: list[str | None] = []
    for connection in range(len(cut_points) + 2):
        last = rc.request_headers().get("Last-Event-ID")
        sent.append(last)
        ids = [e.id for e in events]
        remaining = events[len(ids) - ids[::-1].index(last) :] if last in ids else events
        if last is not None and last in ids and not remaining:
            assert not rc.response(204, None)
            assert rc.disconnected().stop
            return delivered, sent
        body, _ = sse.encode(remaining, line_end=line_end)
        if connection < len(cut_points):
            body = body[: int(len(body) * cut_points[connection])]
        assert rc.response(200, "text/event-stream; charset=utf-8")
        offset = 0
        for i in range(len(body)):
            size = sizes[i % len(sizes)]
            delivered.extend((e.event, e.data, e.id, e.retry) for e in rc.feed(body[offset : offset + size]))
            offset += size
            if offset >= len(body):
                break
        assert rc.disconnected().reconnect
    raise AssertionError("the loop did not end")


server_events = st.lists(
    st.builds(
        ServerEvent,
        data=st.text(st.characters(blacklist_characters="\r\n", blacklist_categories=["Cs"]), max_size=12),
        event=st.none() | st.sampled_from(["delta", "ping"]),
        retry=st.none() | st.integers(0, 5000),
    ),
    min_size=1,
    max_size=8,
).map(lambda evs: [ServerEvent(e.data, str(i), e.event, e.retry) for i, e in enumerate(evs, 1)])


@settings(max_examples=150, deadline=None)
@given(
    events=server_events,
    cut_points=st.lists(st.floats(0.0, 1.0), max_size=5),
    sizes=st.lists(st.integers(1, 9), min_size=1, max_size=6),
    line_end=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_every_event_once_in_order_whatever_the_cuts(
    events: list[Any], cut_points: list[float], sizes: list[int], line_end: str
) -> None:
    delivered, sent = simulate(events, cut_points, sizes, line_end)
    assert delivered == sse.expected_events(events)
    assert sent[0] is None


# -- the documented loop against the real local server ----------------------------------

DOC = (HERE.parent / "docs" / "reconnection.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    with sse.SSEServer() as running:
        yield running


def doc_namespace(*names: str, **values: Any) -> dict[str, Any]:
    """Run the named blocks of docs/reconnection.md, in order, in one namespace."""
    blocks = sse.python_blocks(DOC)
    namespace: dict[str, Any] = {"__name__": "reconnection_doc", **values}
    for name in names:
        exec(compile(blocks[name], f"docs/reconnection.md:{name}", "exec"), namespace)
    return namespace


def test_every_python_block_of_the_page_is_run_here() -> None:
    assert set(sse.python_blocks(DOC)) == {"follow", "follow_usage", "afollow", "schedule"}


def test_documented_schedule() -> None:
    doc_namespace("schedule")


STORY = [
    ServerEvent("hello", id="1", retry=5),
    ServerEvent("multi\nline", id="2", event="delta"),
    ServerEvent("ünïcödé 🎉", id="3"),
    ServerEvent("four", id="4"),
    ServerEvent("five", id="5", event="delta"),
    ServerEvent("six", id="6"),
    ServerEvent("seven", id="7"),
]


def fast_reconnector() -> Reconnector:
    # The stream's own `retry: 5` sets 5 ms waits; a cut before it uses 10 ms.
    return Reconnector(ReconnectPolicy(initial_delay=0.01, max_delay=0.05), random=random.Random(0).random)


@pytest.mark.parametrize(
    "delivery",
    [
        {"cuts": [2, 0, 3], "chunks": "random"},
        {"cuts": [0, 1, 1, 1, 1, 1, 1], "chunks": "bytes", "line_end": "\r\n"},
        {"cuts": [3, 2], "chunks": "random", "transfer": "close", "line_end": "\r", "keepalive": True},
        {"cuts": [], "chunks": 7, "delay": 0.001},
    ],
    ids=["chunked-random", "chunked-bytes-crlf", "close-cr-keepalive", "no-cut-drip"],
)
def test_documented_loop_delivers_each_event_once_across_disconnects(server: Any, delivery: dict[str, Any]) -> None:
    httpx = sse.require_client("httpx")
    stream = sse.Stream(events=STORY, **delivery)
    url = server.add(stream)
    follow: Callable[..., Iterator[Event]] = doc_namespace("follow")["follow"]
    with httpx.Client(timeout=10.0) as client:
        events = list(follow(client, url, fast_reconnector()))
    assert [(e.event, e.data, e.id, e.retry) for e in events] == sse.expected_events(STORY)
    sent = [request.last_event_id for request in stream.requests]
    cuts = delivery["cuts"]
    # a request per connection, the last one answered 204 after resuming at the end
    assert len(sent) == len(cuts) + 2
    assert sent[0] is None and sent[-1] == "7"
    resumed_after = [sum(cuts[: n + 1]) for n in range(len(cuts))]
    assert sent[1 : len(cuts) + 1] == [str(k) if k else None for k in resumed_after]


def test_documented_usage_prints_every_event(server: Any) -> None:
    sse.require_client("httpx")  # the page's block imports it
    url = server.add(sse.Stream(events=STORY, cuts=[2, 1], chunks="random"))
    out = io.StringIO()
    with redirect_stdout(out):
        doc_namespace("follow", "follow_usage", url=url)
    assert out.getvalue().splitlines() == [
        "1 hello",
        "2 multi",
        "line",
        "3 ünïcödé 🎉",
        "4 four",
        "5 five",
        "6 six",
        "7 seven",
    ]


def test_documented_async_loop_delivers_each_event_once(server: Any) -> None:
    httpx = sse.require_client("httpx")
    stream = sse.Stream(events=STORY, cuts=[1, 2, 0, 2], chunks="random", seed=3)
    url = server.add(stream)
    afollow: Callable[..., AsyncIterator[Event]] = doc_namespace("afollow")["afollow"]

    async def run() -> list[Event]:
        async with httpx.AsyncClient(timeout=10.0) as client:
            return [event async for event in afollow(client, url, fast_reconnector())]

    events = asyncio.run(run())
    assert [(e.event, e.data, e.id, e.retry) for e in events] == sse.expected_events(STORY)
    assert [r.last_event_id for r in stream.requests] == [None, "1", "3", "3", "5", "7"]


@pytest.mark.parametrize(
    ("stream_kwargs", "status"),
    [
        ({"status": 500, "content_type": "application/json"}, 500),
        ({"status": 204}, 204),
        ({"content_type": "text/html; charset=utf-8"}, 200),
    ],
    ids=["error-status", "no-content", "wrong-content-type"],
)
def test_documented_loop_stops_where_the_standard_says(server: Any, stream_kwargs: dict[str, Any], status: int) -> None:
    httpx = sse.require_client("httpx")
    stream = sse.Stream(events=STORY, **stream_kwargs)
    url = server.add(stream)
    follow = doc_namespace("follow")["follow"]
    with httpx.Client(timeout=10.0) as client:
        assert list(follow(client, url, fast_reconnector())) == []
    assert len(stream.requests) == 1


def test_documented_loop_retries_a_refused_connection_then_gives_up() -> None:
    httpx = sse.require_client("httpx")
    with sse.SSEServer() as gone:
        url = gone.add(sse.Stream(events=STORY))
    rc = Reconnector(ReconnectPolicy(initial_delay=0.001, max_delay=0.002, max_attempts=2))
    follow = doc_namespace("follow")["follow"]
    with httpx.Client(timeout=10.0) as client:
        assert list(follow(client, url, rc)) == []
    assert rc.attempt == 2


# -- stopping early, non-ASCII ids, hostile numbers ------------------------------------


def test_a_break_without_abandon_leaves_the_connection_open_to_the_reconnector() -> None:
    rc = Reconnector(policy())
    assert rc.response(200, "text/event-stream")
    rc.feed(b"id: 1\ndata: a\n\n")
    with pytest.raises(ParserClosedError, match="already called"):
        rc.response(200, "text/event-stream")  # what a second follow() met


def test_abandon_forgets_the_connection_and_keeps_the_resume_point() -> None:
    rc = Reconnector(policy())
    assert rc.response(200, "text/event-stream")
    events = rc.feed(b"id: 1\ndata: a\n\nid: 2\ndata: b\n\ndata: cut")
    assert [e.id for e in events] == ["1", "2"]
    rc.abandon()
    assert rc.last_event_id == "2" and rc.attempt == 0
    assert rc.request_headers()["Last-Event-ID"] == "2"
    assert rc.response(200, "text/event-stream")  # a new connection may begin


def test_abandon_with_the_id_of_the_last_event_handled_resumes_before_the_others() -> None:
    rc = Reconnector(policy())
    rc.response(200, "text/event-stream")
    first, _second = rc.feed(b"id: 1\ndata: a\n\nid: 2\ndata: b\n\n")
    rc.abandon(first.id)  # the caller stopped after the first of the two
    assert rc.request_headers()["Last-Event-ID"] == "1"


def test_abandon_when_idle_is_harmless_and_refuses_an_impossible_id() -> None:
    rc = Reconnector(policy(), last_event_id="7")
    rc.abandon()
    assert rc.last_event_id == "7"
    with pytest.raises(ValueError):
        rc.abandon("a\nb")


def test_request_headers_as_bytes_carry_a_non_ascii_id_as_utf8() -> None:
    rc = Reconnector(policy(), last_event_id="café-1")
    assert rc.request_headers()["Last-Event-ID"] == "café-1"
    raw = rc.request_headers(as_bytes=True)
    assert raw[b"Last-Event-ID"] == "café-1".encode() and raw[b"Accept"] == b"text/event-stream"
    assert b"Last-Event-ID" not in Reconnector(policy()).request_headers(as_bytes=True)


def test_an_id_of_invalid_utf8_is_sent_as_its_decoded_form() -> None:
    # 900 bytes of \xff are 900 U+FFFD: what a browser sends too. Bounded (3 bytes per
    # byte), stable when sent again, and never the server's own bytes.
    rc = Reconnector(policy())
    rc.response(200, "text/event-stream")
    rc.feed(b"id: " + b"\xff" * 900 + b"\ndata: a\n\n")
    rc.disconnected()
    sent = rc.request_headers(as_bytes=True)[b"Last-Event-ID"]
    assert sent == "\ufffd".encode() * 900 and len(sent) == 2700
    rc.response(200, "text/event-stream")
    rc.feed(b"data: b\n\n")  # a resumed connection with no id keeps it: it does not grow
    rc.disconnected()
    assert rc.request_headers(as_bytes=True)[b"Last-Event-ID"] == sent


@pytest.mark.parametrize("digits", [16, 401, 4301, 100_000])
def test_a_retry_after_of_many_digits_waits_max_server_delay(digits: int) -> None:
    rc = Reconnector(policy(retry_statuses={503}, max_server_delay=120.0))
    assert not rc.response(503, None, retry_after="9" * digits)
    decision = rc.disconnected()
    assert decision.reconnect and decision.delay == 120.0


def test_a_huge_numeric_retry_after_is_capped_too() -> None:
    rc = Reconnector(policy(retry_statuses={503}))
    rc.response(503, None, retry_after=10**400)
    assert rc.disconnected().delay == 3600.0


def test_a_huge_stream_retry_is_capped_at_max_server_delay() -> None:
    rc = Reconnector(ReconnectPolicy())
    rc.response(200, "text/event-stream")
    rc.feed(b"retry: 9223372036854775807\ndata: a\n\n")
    decision = rc.disconnected()
    assert 3600.0 <= decision.delay <= 3600.0 * 1.2
    assert ReconnectPolicy().delay(1, retry=10**30) == 3600.0


def test_max_server_delay_must_be_finite() -> None:
    with pytest.raises(ValueError):
        ReconnectPolicy(max_server_delay=float("inf"))


@pytest.mark.parametrize("bad", [3, 3.0, None, [100, 97]])
def test_reconnector_feed_refuses_what_is_not_bytes(bad: Any) -> None:
    rc = Reconnector(policy(), last_event_id="x")  # holding the first bytes for a BOM
    rc.response(200, "text/event-stream")
    with pytest.raises(sseparse.InputTypeError, match="bytes-like"):
        rc.feed(bad)
    assert rc.feed(bytearray(b"data: a\n\n"))[0].data == "a"


def test_documented_loop_can_be_left_and_followed_again(server: Any) -> None:
    httpx = sse.require_client("httpx")
    stream = sse.Stream(events=STORY, chunks="whole")  # each feed() returns several events
    url = server.add(stream)
    follow = doc_namespace("follow")["follow"]
    rc = fast_reconnector()
    with httpx.Client(timeout=10.0) as client:
        seen = []
        for event in follow(client, url, rc):
            seen.append(event.data)
            if len(seen) == 2:
                break
        seen += [event.data for event in follow(client, url, rc)]
    assert seen == [e.data for e in STORY]
    assert [r.last_event_id for r in stream.requests] == [None, "2", "7"]


def test_documented_loop_sends_a_non_ascii_id(server: Any) -> None:
    httpx = sse.require_client("httpx")
    events = [ServerEvent("a", id="café-1"), ServerEvent("b", id="東京-2")]
    stream = sse.Stream(events=events, cuts=[1])
    url = server.add(stream)
    follow = doc_namespace("follow")["follow"]
    with httpx.Client(timeout=10.0) as client:
        assert [e.id for e in follow(client, url, fast_reconnector())] == ["café-1", "東京-2"]
    assert [r.last_event_id for r in stream.requests] == [None, "café-1", "東京-2"]
