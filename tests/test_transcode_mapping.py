"""The finish-reason table of ``docs/gateways.md`` is what the writers do.

The table is read from the page itself, so the page and the code cannot drift: for
every source word of a row (and for the "with tool calls" row, the stop words with
tool calls), each target column must be the word the mapping gives.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sseparse._writers._mapping import anthropic_finish, gemini_finish, openai_chat_finish, responses_finish

PAGE = (Path(__file__).resolve().parent.parent / "docs" / "gateways.md").read_text(encoding="utf-8")


def finish_rows() -> list[list[str]]:
    section = PAGE.split("## Finish reasons", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| ---")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[1:]]


def responses_word(reason: str, has_calls: bool) -> str:
    status, detail = responses_finish(reason, has_calls)
    return status if detail is None else f"{status}, reason {detail}"


def words(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


ROWS = finish_rows()


def test_the_table_has_every_row() -> None:
    assert len(ROWS) == 7


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row[0][:30])
def test_every_source_word_maps_as_the_table_says(row: list[str]) -> None:
    sources, chat, anthropic, responses, gemini = row
    with_calls = sources.startswith("the same, with tool calls")
    sources_words = words(sources) or ["OTHER", "MALFORMED_FUNCTION_CALL", "a-new-word"]
    if with_calls:
        sources_words += ["stop", "end_turn", "completed", "STOP"]
    for word in sources_words:
        expect_chat = word if chat == "as sent" else words(chat)[0]
        expect_anthropic = word if anthropic == "as sent" else words(anthropic)[0]
        expect_gemini = word if gemini == "as sent" else words(gemini)[0]
        expect_responses = (
            f"incomplete, reason {word}" if "as sent" in responses
            else responses.replace("`", "")
        )
        assert openai_chat_finish(word, with_calls) == expect_chat, word
        assert anthropic_finish(word, with_calls) == expect_anthropic, word
        assert gemini_finish(word, with_calls) == expect_gemini, word
        assert responses_word(word, with_calls) == expect_responses, word
