"""The WHATWG HTML "event stream interpretation" algorithm, case by case.

https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation

Each test pins one rule of the algorithm and is named for it; every test runs against
both implementations (``parser_cls``: ids ``c`` and ``py``). Where sseparse goes
beyond the spec (``close()`` reporting the cut event, ``Event.retry``), the test says so.
"""

from __future__ import annotations

import pytest

from sseparse import Event, IncompleteEvent


def parse(parser_cls: type, *fragments: bytes) -> list[Event]:
    """Events of a stream that ends cleanly (``close()`` finds nothing pending)."""
    parser = parser_cls()
    events: list[Event] = []
    for fragment in fragments:
        events.extend(parser.feed(fragment))
    assert parser.close() is None
    return events


def data_of(parser_cls: type, stream: bytes) -> list[str]:
    return [event.data for event in parse(parser_cls, stream)]


# -- the Event type ------------------------------------------------------------------


def test_simple_event_has_default_type_id_and_retry(parser_cls):
    assert parse(parser_cls, b"data: hello\n\n") == [Event(event="message", data="hello", id="", retry=None)]


def test_event_is_immutable(parser_cls):
    (event,) = parse(parser_cls, b"data: x\n\n")
    with pytest.raises(AttributeError):
        event.data = "y"  # type: ignore[misc]


def test_feed_returns_only_events_completed_by_that_fragment(parser_cls):
    parser = parser_cls()
    assert parser.feed(b"data: a\n") == []
    assert parser.feed(b"\ndata: b\n\ndata: c\n\nda") == [Event(data="a"), Event(data="b"), Event(data="c")]
    assert parser.feed(b"ta: d\n") == []
    assert parser.feed(b"\n") == [Event(data="d")]
    assert parser.close() is None


def test_feed_of_empty_fragment_returns_empty_list(parser_cls):
    parser = parser_cls()
    assert parser.feed(b"") == []
    assert parser.feed(b"data: x\n\n") == [Event(data="x")]
    assert parser.feed(b"") == []


# -- line endings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "stream",
    [
        pytest.param(b"data: a\ndata: b\n\n", id="lf"),
        pytest.param(b"data: a\r\ndata: b\r\n\r\n", id="crlf"),
        pytest.param(b"data: a\rdata: b\r\r", id="cr"),
        pytest.param(b"data: a\r\ndata: b\r\n\n", id="crlf-then-lf"),
        pytest.param(b"data: a\rdata: b\n\r\n", id="cr-lf-crlf"),
    ],
)
def test_every_line_ending_kind_ends_a_line(parser_cls, stream):
    assert data_of(parser_cls, stream) == ["a\nb"]


def test_mixed_line_endings_in_one_stream(parser_cls):
    stream = b"data: 1\r\n\r\ndata: 2\n\ndata: 3\r\rdata: 4\r\n\ndata: 5\n\r"
    assert data_of(parser_cls, stream) == ["1", "2", "3", "4", "5"]


def test_lf_then_cr_is_two_line_endings(parser_cls):
    # "\n\r" is not a pair: the CR ends an empty line, which dispatches.
    assert data_of(parser_cls, b"data: a\n\rdata: b\n\n") == ["a", "b"]


def test_cr_cr_lf_is_a_line_end_then_an_empty_line(parser_cls):
    assert data_of(parser_cls, b"data: a\r\r\ndata: b\n\n") == ["a", "b"]


def test_crlf_split_across_fragments(parser_cls):
    # If the LF starting the second fragment were taken for an empty line, "a" would
    # be dispatched on its own.
    assert parse(parser_cls, b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n") == [Event(data="a\nb")]


def test_cr_at_fragment_end_then_data_is_a_line_end(parser_cls):
    assert parse(parser_cls, b"data: a\r", b"data: b\r", b"\r") == [Event(data="a\nb")]


def test_cr_at_fragment_end_then_cr_dispatches(parser_cls):
    parser = parser_cls()
    assert parser.feed(b"data: a\r") == []
    assert parser.feed(b"\r") == [Event(data="a")]


def test_cr_at_fragment_end_then_empty_fragment_then_lf(parser_cls):
    assert parse(parser_cls, b"data: a\r", b"", b"\n", b"", b"\r\n") == [Event(data="a")]


def test_lf_after_crlf_is_an_empty_line(parser_cls):
    # Only one LF pairs with a CR; the next one ends an empty line.
    assert parse(parser_cls, b"data: a\r", b"\n", b"\n") == [Event(data="a")]


def test_form_feed_and_vertical_tab_are_not_line_endings(parser_cls):
    assert data_of(parser_cls, b"data: a\x0bb\x0cc\x1cd\x85e\n\n") == ["a\x0bb\x0cc\x1cd\x85e".replace("\x85", "\ufffd")]


def test_unicode_line_separators_are_not_line_endings(parser_cls):
    text = "a\u2028b\u2029c\u0085d"
    assert data_of(parser_cls, b"data: " + text.encode() + b"\n\n") == [text]


# -- byte order mark -------------------------------------------------------------------

BOM = b"\xef\xbb\xbf"


def test_leading_bom_is_skipped(parser_cls):
    assert parse(parser_cls, BOM + b"data: a\n\n") == [Event(data="a")]


def test_leading_bom_split_byte_by_byte(parser_cls):
    assert parse(parser_cls, b"\xef", b"\xbb", b"\xbf", b"data: a\n\n") == [Event(data="a")]


def test_leading_bom_split_with_empty_fragments(parser_cls):
    assert parse(parser_cls, b"", b"\xef\xbb", b"", b"\xbfdata: a", b"\n\n") == [Event(data="a")]


def test_second_bom_is_part_of_the_field_name(parser_cls):
    # Only one BOM is skipped: the second makes the field "\ufeffdata", unknown.
    assert parse(parser_cls, BOM + BOM + b"data: a\n\ndata: b\n\n") == [Event(data="b")]


def test_bom_after_first_event_is_part_of_the_field_name(parser_cls):
    assert data_of(parser_cls, BOM + b"data: 1\n\n" + BOM + b"data: 2\n\ndata: 3\n\n") == ["1", "3"]


def test_bom_inside_a_value_is_kept(parser_cls):
    assert data_of(parser_cls, b"data: " + BOM + b"x\n\n") == ["\ufeffx"]


def test_bom_only_stream_has_no_events(parser_cls):
    assert parse(parser_cls, BOM) == []


def test_bom_prefix_then_other_bytes_is_not_a_bom(parser_cls):
    # "\xef\xbb" then "d": not a BOM, so the first field name is invalid UTF-8.
    assert parse(parser_cls, b"\xef\xbb", b"data: a\n\ndata: b\n\n") == [Event(data="b")]


def test_stream_shorter_than_a_bom_is_not_lost(parser_cls):
    # The bytes held while deciding whether they start a BOM are still reported.
    parser = parser_cls()
    assert parser.feed(b"\xef") == []
    assert parser.close() == IncompleteEvent(event="message", data="", id="", retry=None)


# -- comments ------------------------------------------------------------------------


def test_comment_lines_are_ignored(parser_cls):
    assert data_of(parser_cls, b": hello\ndata: a\n: data: b\n:\ndata: c\n\n") == ["a\nc"]


def test_comment_does_not_dispatch(parser_cls):
    assert data_of(parser_cls, b"data: a\n:\n:\ndata: b\n\n") == ["a\nb"]


def test_comment_only_stream_has_no_events_and_nothing_pending(parser_cls):
    assert parse(parser_cls, b": keep-alive\n\n: ping\n\n:") == []


def test_comment_with_colon_in_it(parser_cls):
    assert data_of(parser_cls, b"::::\ndata: a\n\n") == ["a"]


# -- fields and values -----------------------------------------------------------------


def test_one_leading_space_is_stripped(parser_cls):
    assert data_of(parser_cls, b"data: a\n\n") == ["a"]


def test_only_one_leading_space_is_stripped(parser_cls):
    assert data_of(parser_cls, b"data:  a\n\n") == [" a"]


def test_no_space_after_colon(parser_cls):
    assert data_of(parser_cls, b"data:a\n\n") == ["a"]


def test_tab_after_colon_is_kept(parser_cls):
    assert data_of(parser_cls, b"data:\ta\n\n") == ["\ta"]


def test_trailing_spaces_are_kept(parser_cls):
    assert data_of(parser_cls, b"data: a  \n\n") == ["a  "]


def test_colon_in_value_is_kept(parser_cls):
    assert data_of(parser_cls, b'data: {"a": "b:c"}: d\n\n') == ['{"a": "b:c"}: d']


def test_space_before_colon_is_part_of_the_field_name(parser_cls):
    assert data_of(parser_cls, b"data : a\ndata: b\n\n") == ["b"]


def test_leading_space_makes_an_unknown_field(parser_cls):
    assert data_of(parser_cls, b" data: a\ndata: b\n\n") == ["b"]


@pytest.mark.parametrize("name", [b"Data", b"DATA", b"dAta", b"data\x00", b"\x00data", b"da-ta", b"data_", b"dat"])
def test_field_names_are_exact_and_case_sensitive(parser_cls, name):
    assert data_of(parser_cls, name + b": a\ndata: b\n\n") == ["b"]


def test_field_names_event_id_retry_are_case_sensitive(parser_cls):
    parser = parser_cls()
    events = parser.feed(b"Event: x\nID: 1\nRetry: 5\ndata: a\n\n")
    assert events == [Event(data="a")]
    assert parser.last_event_id == ""
    assert parser.retry is None


def test_field_without_colon_has_empty_value(parser_cls):
    # "data" alone appends an empty line: the event is dispatched with data "".
    assert parse(parser_cls, b"data\n\n") == [Event(data="")]


def test_empty_data_value_dispatches_empty_data(parser_cls):
    assert parse(parser_cls, b"data:\n\n") == [Event(data="")]
    assert parse(parser_cls, b"data: \n\n") == [Event(data="")]


def test_two_empty_data_lines_give_one_lf(parser_cls):
    assert data_of(parser_cls, b"data\ndata\n\n") == ["\n"]


def test_data_lines_are_joined_with_lf(parser_cls):
    assert data_of(parser_cls, b"data: a\ndata: b\ndata: c\n\n") == ["a\nb\nc"]


def test_data_lines_interleaved_with_other_fields(parser_cls):
    assert parse(parser_cls, b"data: a\nevent: t\ndata: b\nid: 1\ndata: c\n\n") == [
        Event(event="t", data="a\nb\nc", id="1")
    ]


def test_trailing_lf_removed_only_once(parser_cls):
    assert data_of(parser_cls, b"data: a\ndata\n\n") == ["a\n"]
    assert data_of(parser_cls, b"data: a\ndata\ndata\n\n") == ["a\n\n"]


def test_wpt_style_field_parsing_vector(parser_cls):
    # Valid and near-miss field names mixed with every line ending.
    stream = (
        b"data:\x00\ndata:  2\rData:1\ndata\x00:2\ndata:1\r\x00data:4\nda-ta:3\r"
        b"data_5\ndata:3\rdata:\r\n data:32\ndata:4\n\n"
    )
    assert data_of(parser_cls, stream) == ["\x00\n 2\n1\n3\n\n4"]


def test_wpt_style_empty_data_vector(parser_cls):
    assert data_of(parser_cls, b"data:\n\ndata\ndata\n\ndata:test\n\n") == ["", "\n", "test"]


def test_unknown_fields_are_ignored(parser_cls):
    stream = b"foo: bar\ndata: a\nx\n:\nid2: 9\nretry2: 1\neventx: y\ndata: b\n\n"
    parser = parser_cls()
    assert parser.feed(stream) == [Event(data="a\nb")]
    assert parser.last_event_id == ""
    assert parser.retry is None


def test_unknown_field_alone_dispatches_nothing(parser_cls):
    assert parse(parser_cls, b"foo: bar\n\n") == []


def test_multiple_blank_lines_dispatch_nothing_more(parser_cls):
    assert data_of(parser_cls, b"\n\n\ndata: a\n\n\n\n\r\n\r\r") == ["a"]


# -- event type ------------------------------------------------------------------------


def test_event_field_sets_the_type(parser_cls):
    assert parse(parser_cls, b"event: add\ndata: 1\n\n") == [Event(event="add", data="1")]


def test_empty_event_type_is_message(parser_cls):
    assert parse(parser_cls, b"event:\ndata: 1\n\nevent\ndata: 2\n\nevent: \ndata: 3\n\n") == [
        Event(data="1"),
        Event(data="2"),
        Event(data="3"),
    ]


def test_event_type_last_one_wins_in_a_block(parser_cls):
    assert parse(parser_cls, b"event: a\nevent: b\ndata: 1\n\n") == [Event(event="b", data="1")]


def test_event_type_empty_after_a_type_resets_to_message(parser_cls):
    assert parse(parser_cls, b"event: a\nevent:\ndata: 1\n\n") == [Event(data="1")]


def test_event_type_is_reset_after_dispatch(parser_cls):
    assert parse(parser_cls, b"event: add\ndata: 1\n\ndata: 2\n\n") == [
        Event(event="add", data="1"),
        Event(event="message", data="2"),
    ]


def test_event_type_is_reset_by_a_block_without_data(parser_cls):
    assert parse(parser_cls, b"event: add\n\ndata: 2\n\n") == [Event(event="message", data="2")]


def test_event_type_message_is_just_a_type(parser_cls):
    assert parse(parser_cls, b"event: message\ndata: 1\n\n") == [Event(data="1")]


def test_event_type_keeps_spaces_and_unicode(parser_cls):
    assert parse(parser_cls, "event:  ünï code \ndata: 1\n\n".encode()) == [Event(event=" ünï code ", data="1")]


def test_repeated_event_types_stay_correct(parser_cls):
    # The compiled parser caches the last decoded type: it must never serve a stale one.
    stream = b"".join(b"event: %s\ndata: %d\n\n" % (t, i) for i, t in enumerate([b"a", b"a", b"b", b"ab", b"a", b"ba"]))
    assert [e.event for e in parse(parser_cls, stream)] == ["a", "a", "b", "ab", "a", "ba"]


# -- id --------------------------------------------------------------------------------


def test_id_is_reported_on_the_event(parser_cls):
    assert parse(parser_cls, b"id: 1\ndata: a\n\n") == [Event(data="a", id="1")]


def test_id_persists_across_events(parser_cls):
    assert [e.id for e in parse(parser_cls, b"id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\ndata: d\n\n")] == [
        "1",
        "1",
        "2",
        "2",
    ]


def test_event_id_is_the_last_id_in_force_at_dispatch(parser_cls):
    # An id after the data lines of the same block still counts, and the last one wins.
    assert parse(parser_cls, b"data: a\nid: 1\nid: 2\n\n") == [Event(data="a", id="2")]


def test_id_with_nul_is_ignored(parser_cls):
    parser = parser_cls()
    events = parser.feed(b"id: 1\ndata: a\n\nid: 2\x00\ndata: b\n\nid: \x00\ndata: c\n\n")
    assert [e.id for e in events] == ["1", "1", "1"]
    assert parser.last_event_id == "1"


def test_id_with_empty_value_resets_to_empty(parser_cls):
    parser = parser_cls()
    events = parser.feed(b"id: 1\ndata: a\n\nid:\ndata: b\n\nid: 3\ndata: c\n\nid\ndata: d\n\n")
    assert [e.id for e in events] == ["1", "", "3", ""]
    assert parser.last_event_id == ""


def test_id_keeps_spaces_colons_and_unicode(parser_cls):
    assert parse(parser_cls, "id:  a:b ü \ndata: x\n\n".encode()) == [Event(data="x", id=" a:b ü ")]


def test_id_with_invalid_utf8_is_replaced(parser_cls):
    parser = parser_cls()
    assert parser.feed(b"id: a\xffb\ndata: x\n\n") == [Event(data="x", id="a\ufffdb")]
    assert parser.last_event_id == "a\ufffdb"


def test_last_event_id_is_committed_at_a_blank_line(parser_cls):
    parser = parser_cls()
    assert parser.last_event_id == ""
    parser.feed(b"id: 1\ndata: a\n")
    assert parser.last_event_id == ""
    parser.feed(b"\n")
    assert parser.last_event_id == "1"


def test_id_of_a_cut_block_is_not_committed(parser_cls):
    parser = parser_cls()
    parser.feed(b"id: 1\ndata: a\n\nid: 2\ndata: b\n")
    assert parser.last_event_id == "1"
    assert parser.close() == IncompleteEvent(data="b", id="2", has_data=True)
    assert parser.last_event_id == "1"


def test_block_without_data_still_commits_its_id(parser_cls):
    parser = parser_cls()
    assert parser.feed(b"id: 5\n\n") == []
    assert parser.last_event_id == "5"
    assert parser.feed(b"data: a\n\n") == [Event(data="a", id="5")]


def test_id_then_unterminated_line_is_not_committed(parser_cls):
    parser = parser_cls()
    parser.feed(b"id: 1\n\nid: 2")
    assert parser.close() == IncompleteEvent(id="2")
    assert parser.last_event_id == "1"


# -- retry -----------------------------------------------------------------------------


def test_retry_sets_parser_retry_immediately(parser_cls):
    parser = parser_cls()
    assert parser.retry is None
    assert parser.feed(b"retry: 1500\n") == []
    assert parser.retry == 1500


def test_event_retry_is_the_value_set_in_its_block(parser_cls):
    parser = parser_cls()
    events = parser.feed(b"retry: 1000\ndata: a\n\ndata: b\n\nretry: 7\nretry: 8\ndata: c\n\n")
    assert [e.retry for e in events] == [1000, None, 8]
    assert parser.retry == 8


def test_retry_in_a_block_without_data_sets_parser_retry_only(parser_cls):
    parser = parser_cls()
    assert parser.feed(b"retry: 300\n\ndata: a\n\n") == [Event(data="a", retry=None)]
    assert parser.retry == 300


def test_retry_after_data_in_the_same_block_counts(parser_cls):
    assert parse(parser_cls, b"data: a\nretry: 5\n\n") == [Event(data="a", retry=5)]


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"10a", id="trailing-letter"),
        pytest.param(b"a10", id="leading-letter"),
        pytest.param(b"-1", id="negative"),
        pytest.param(b"+1", id="plus-sign"),
        pytest.param(b" 1", id="second-space"),
        pytest.param(b"1 ", id="trailing-space"),
        pytest.param(b"1.5", id="decimal-point"),
        pytest.param(b"1e3", id="exponent"),
        pytest.param(b"0x10", id="hex"),
        pytest.param(b"1_000", id="underscore"),
        pytest.param("١٢".encode(), id="arabic-indic-digits"),
        pytest.param("１２".encode(), id="fullwidth-digits"),
        pytest.param("²".encode(), id="superscript-two"),
        pytest.param(b"1\x00", id="nul"),
        pytest.param(b"\xff", id="invalid-utf8"),
    ],
)
def test_retry_that_is_not_only_ascii_digits_is_ignored(parser_cls, value):
    parser = parser_cls()
    events = parser.feed(b"retry: 42\n\nretry: " + value + b"\ndata: a\n\n")
    assert events == [Event(data="a", retry=None)]
    assert parser.retry == 42


def test_retry_field_without_colon_is_ignored(parser_cls):
    parser = parser_cls()
    parser.feed(b"retry: 42\n\nretry\ndata: a\n\n")
    assert parser.retry == 42


@pytest.mark.parametrize(("value", "expected"), [(b"0", 0), (b"0005", 5), (b"3000", 3000), (b"00000000000000000000000001", 1)])
def test_retry_ascii_digits_are_base_ten(parser_cls, value, expected):
    parser = parser_cls()
    assert parser.feed(b"retry: " + value + b"\ndata: a\n\n") == [Event(data="a", retry=expected)]
    assert parser.retry == expected


def test_retry_up_to_int64_max_is_accepted(parser_cls):
    parser = parser_cls()
    parser.feed(b"retry: %d\n" % (2**63 - 1))
    assert parser.retry == 2**63 - 1


def test_retry_beyond_int64_max_is_ignored(parser_cls):
    # sseparse's documented bound (no real reconnection time is that long); both
    # implementations must draw the line at the same place.
    parser = parser_cls()
    parser.feed(b"retry: 5\n\nretry: %d\n\nretry: 99999999999999999999999\n\n" % 2**63)
    assert parser.retry == 5


# -- dispatch --------------------------------------------------------------------------


def test_block_with_empty_data_buffer_is_not_dispatched(parser_cls):
    assert parse(parser_cls, b"event: a\nid: 1\nretry: 5\n\n") == []


def test_block_without_data_resets_type_and_commits_id(parser_cls):
    parser = parser_cls()
    assert parser.feed(b"event: a\nid: 9\n\ndata: x\n\n") == [Event(event="message", data="x", id="9")]
    assert parser.last_event_id == "9"


def test_events_keep_stream_order(parser_cls):
    stream = b"".join(b"data: %d\n\n" % i for i in range(100))
    assert data_of(parser_cls, stream) == [str(i) for i in range(100)]


# -- UTF-8 -------------------------------------------------------------------------------


def test_non_ascii_text_is_decoded(parser_cls):
    text = "Grüße, 世界! 🎉 Ω≈ç√"
    assert data_of(parser_cls, b"data: " + text.encode() + b"\n\n") == [text]


def test_split_unicode_character(parser_cls):
    encoded = "data: €🎉\n\n".encode()
    for cut in range(len(b"data: "), len(encoded)):
        assert parse(parser_cls, encoded[:cut], encoded[cut:]) == [Event(data="€🎉")], cut


def test_split_unicode_character_byte_by_byte(parser_cls):
    encoded = "event: ü\ndata: 世🎉\nid: ß\n\n".encode()
    assert parse(parser_cls, *(encoded[i : i + 1] for i in range(len(encoded)))) == [
        Event(event="ü", data="世🎉", id="ß")
    ]


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        pytest.param(b"\xff", "\ufffd", id="ff"),
        pytest.param(b"a\xfeb", "a\ufffdb", id="fe-inside"),
        pytest.param(b"\x80", "\ufffd", id="lone-continuation"),
        pytest.param(b"\xc0\xaf", "\ufffd\ufffd", id="overlong"),
        pytest.param(b"\xed\xa0\x80", "\ufffd\ufffd\ufffd", id="surrogate"),
        pytest.param(b"\xf4\x90\x80\x80", "\ufffd\ufffd\ufffd\ufffd", id="beyond-u10ffff"),
        pytest.param(b"\xe2\x82x", "\ufffdx", id="truncated-then-ascii"),
    ],
)
def test_invalid_utf8_becomes_replacement_character(parser_cls, raw, text):
    assert data_of(parser_cls, b"data: " + raw + b"\n\n") == [text]


def test_truncated_multibyte_at_line_end_is_one_replacement(parser_cls):
    # "\xe2\x82" is the start of "€" cut by the line end: one U+FFFD, and the LF survives.
    assert data_of(parser_cls, b"data: a\xe2\x82\ndata: b\n\n") == ["a\ufffd\nb"]


def test_multibyte_cut_by_line_end_is_not_rejoined(parser_cls):
    # The two halves of "€" on two data lines must not be glued back across the LF.
    assert data_of(parser_cls, b"data: \xe2\x82\ndata: \xac\n\n") == ["\ufffd\n\ufffd"]


def test_truncated_multibyte_at_cr_line_end(parser_cls):
    assert data_of(parser_cls, b"data: \xf0\x9f\x8e\rdata: ok\r\r") == ["\ufffd\nok"]


def test_invalid_utf8_in_field_name_makes_it_unknown(parser_cls):
    assert data_of(parser_cls, b"dat\xe1: a\ndata: b\n\n") == ["b"]


def test_invalid_utf8_in_event_type_is_replaced(parser_cls):
    assert parse(parser_cls, b"event: a\xc3\ndata: 1\n\n") == [Event(event="a\ufffd", data="1")]


def test_nul_in_data_is_kept(parser_cls):
    assert data_of(parser_cls, b"data: a\x00b\n\n") == ["a\x00b"]


def test_nul_in_event_type_is_kept(parser_cls):
    assert parse(parser_cls, b"event: a\x00\ndata: 1\n\n") == [Event(event="a\x00", data="1")]


# -- end of stream -----------------------------------------------------------------------


def test_close_after_a_complete_stream_returns_none(parser_cls):
    parser = parser_cls()
    parser.feed(b"data: a\n\n")
    assert parser.close() is None
    assert parser.closed


def test_event_without_final_blank_line_is_not_dispatched(parser_cls):
    parser = parser_cls()
    assert parser.feed(b"data: a\n\ndata: b\n") == [Event(data="a")]
    assert parser.close() == IncompleteEvent(event="message", data="b", id="", retry=None, has_data=True)


def test_close_reports_the_unterminated_last_line(parser_cls):
    parser = parser_cls()
    assert parser.feed(b"event: t\nid: 4\nretry: 9\ndata: a\ndata: b") == []
    assert parser.close() == IncompleteEvent(event="t", data="a\nb", id="4", retry=9, has_data=True)


def test_close_after_an_unterminated_comment_returns_none(parser_cls):
    parser = parser_cls()
    parser.feed(b"data: a\n\n: ping")
    assert parser.close() is None


def test_close_reports_a_cut_block_without_data(parser_cls):
    parser = parser_cls()
    parser.feed(b"event: add\n")
    assert parser.close() == IncompleteEvent(event="add", data="", id="", retry=None)


def test_close_after_cr_terminated_event(parser_cls):
    parser = parser_cls()
    assert parser.feed(b"data: a\r\r") == [Event(data="a")]
    assert parser.close() is None


def test_close_twice_returns_none(parser_cls):
    parser = parser_cls()
    parser.feed(b"data: a\n")
    assert parser.close() == IncompleteEvent(data="a", has_data=True)
    assert parser.close() is None


def test_unterminated_retry_line_does_not_change_reconnection_time(parser_cls):
    # A line only exists once it is terminated: "retry: 12" cut from "retry: 1234"
    # must not become the reconnection time when the stream ends.
    parser = parser_cls()
    parser.feed(b"retry: 5000\n\ndata: a\nretry: 12")
    pending = parser.close()
    assert pending is not None and pending.data == "a"
    assert parser.retry == 5000


def test_incomplete_event_to_event(parser_cls):
    parser = parser_cls()
    parser.feed(b"id: 1\n\nevent: t\ndata: a\nretry: 3\n")
    pending = parser.close()
    assert pending is not None
    assert pending.to_event() == Event(event="t", data="a", id="1", retry=3)


@pytest.mark.parametrize(
    ("stream", "data", "has_data"),
    [
        pytest.param(b"data\n", "", True, id="one-empty-data-line"),
        pytest.param(b"data:", "", True, id="unterminated-empty-data-line"),
        pytest.param(b"data\ndata\n", "\n", True, id="two-empty-data-lines"),
        pytest.param(b"data: a", "a", True, id="unterminated-data"),
        pytest.param(b"event: x\n", "", False, id="type-only"),
        pytest.param(b"id: 1\nretry: 5", "", False, id="id-and-retry-only"),
        pytest.param(b"foo: bar\n", "", False, id="unknown-field-only"),
    ],
)
def test_incomplete_event_says_whether_its_data_buffer_is_empty(parser_cls, stream, data, has_data):
    # Dispatching a cut event "as if terminated" needs this: b"data\n\n" dispatches an
    # event with data "", a block without data lines dispatches nothing.
    parser = parser_cls()
    parser.feed(stream)
    pending = parser.close()
    assert pending is not None
    assert (pending.data, pending.has_data) == (data, has_data)
    terminated = parser_cls().feed(stream + b"\n\n")
    assert bool(terminated) == has_data
