"""Odd questions never raise: each gets a clear answer, or no hits and a reason that says why."""

from __future__ import annotations

import pytest

from retrieval.answer import Answer
from retrieval.query import MAX_QUERY_CHARS
from retrieval.search import answer_question
from tests.retrieval.test_search import SEARCHER, fetch


async def ask(question: str) -> Answer:
    return await answer_question(SEARCHER, fetch, question, k=3, report=None, year=None)


@pytest.mark.parametrize(
    ("question", "says"),
    [
        ("", "empty"),
        ("   \t\n ", "empty"),
        ("the of and what is", "common words"),
        ("?!... ,,, ---", "punctuation"),
        ("*", "punctuation"),
        ("🙂🔥💣", "symbols"),
        ('" OR 1=1 --', "common words"),
        ("\x00\x07\x1b\u200b", "empty"),
        ("\ud800\udfff", "empty"),
    ],
)
async def test_nothing_to_search_gives_no_hits_and_the_reason(question: str, says: str) -> None:
    answer = await ask(question)
    assert answer.hits == ()
    assert answer.total == 0
    assert says in (answer.reason or "")


@pytest.mark.parametrize(
    "question",
    [
        "داعش في العراق",  # right-to-left text the English reports do not contain
        "NEAR(oil revenue",  # FTS syntax
        "oil* OR revenue^2 AND NOT border",
        "'; DROP TABLE paragraph; --",
        '"oil revenue',  # unbalanced quote
        "oil\x00revenue\u202e",  # NUL and a bidi override
    ],
)
async def test_syntax_is_just_text(question: str) -> None:
    answer = await ask(question)
    assert answer.hits or answer.reason
    for hit in answer.hits:
        assert hit.excerpt.text == hit.paragraph.text[hit.excerpt.start : hit.excerpt.end]


async def test_fts_words_still_find_their_paragraph() -> None:
    answer = await ask("NEAR(oil revenue")
    assert answer.hits[0].citation == "S/2016/501, para. 2"


async def test_right_to_left_text_finds_nothing_and_says_so() -> None:
    answer = await ask("داعش في العراق")
    assert answer.hits == ()
    assert "No paragraph matches" in (answer.reason or "")


async def test_ten_kilobytes_are_cut_and_the_answer_says_so() -> None:
    answer = await ask("oil revenue " * 1000)
    assert len(answer.query) <= MAX_QUERY_CHARS
    assert f"first {len(answer.query)} characters" in (answer.reason or "")
    assert answer.hits[0].citation == "S/2016/501, para. 2"


async def test_a_typo_only_question_is_an_empty_answer_not_an_error() -> None:
    answer = await ask("xqzzv blorf")
    assert answer.hits == ()
    assert answer.reason
