"""Reading a question: citations, filters, phrases and the words BM25 ranks on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrieval.query import MAX_QUERY_CHARS, parse_query
from retrieval.tokenize import tokenize

KNOWN = ("S/2016/501", "S/2018/80")


@pytest.mark.parametrize(
    "question",
    ["S/2018/80 para 13", "S/2018/80 ¶13", "S/2018/80#13", "s/2018/80, para. 13", "S/2018/80 13"],
)
def test_a_citation_names_the_paragraph(question: str) -> None:
    query = parse_query(question, known_reports=KNOWN)
    assert query.citation == ("S/2018/80", 13, 13)
    assert query.terms == ()
    assert query.problem is None


def test_a_citation_inside_a_question_keeps_the_other_words() -> None:
    query = parse_query("what does S/2018/80 paras 12-14 say about oil", known_reports=KNOWN)
    assert query.citation == ("S/2018/80", 12, 14)
    assert query.terms == tuple(tokenize("oil"))


def test_filters_in_the_text_are_read_and_removed() -> None:
    query = parse_query("report:s/2016/501 year:2016 oil revenue", known_reports=KNOWN)
    assert (query.report, query.year) == ("S/2016/501", 2016)
    assert query.terms == tuple(tokenize("oil revenue"))


def test_parameters_win_over_filters_in_the_text() -> None:
    query = parse_query("year:2016 oil", year=2018, report="S/2018/80", known_reports=KNOWN)
    assert (query.report, query.year) == ("S/2018/80", 2018)


def test_a_bad_year_filter_is_ignored_and_said() -> None:
    query = parse_query("year:20x oil", known_reports=KNOWN)
    assert query.year is None
    assert "year:20x" in (query.problem or "")


def test_a_bare_known_symbol_filters_by_report() -> None:
    query = parse_query("what does S/2018/80 say about prisons", known_reports=KNOWN)
    assert query.report == "S/2018/80"
    assert query.terms == tuple(tokenize("prisons"))


def test_a_symbol_the_corpus_only_cites_is_a_search_term() -> None:
    query = parse_query("what does S/2017/573 say about propaganda", known_reports=KNOWN)
    assert query.report is None
    assert "s/2017/573" in query.terms


def test_quoted_phrases_are_kept_as_phrases() -> None:
    query = parse_query("“foreign terrorist fighters” returning home", known_reports=KNOWN)
    assert query.phrases == (tuple(tokenize("foreign terrorist fighters")),)
    assert set(tokenize("returning home")) <= set(query.terms)


def test_question_words_are_dropped_unless_nothing_else_is_left() -> None:
    assert parse_query("how many fighters are there").terms == tuple(tokenize("fighters"))
    assert parse_query("how many").terms == tuple(tokenize("many"))


def test_long_questions_are_cut_at_a_word_and_flagged() -> None:
    query = parse_query("oil " * 5000)
    assert query.truncated
    assert len(query.text) <= MAX_QUERY_CHARS
    assert query.text.endswith("oil")


@given(st.text(max_size=3000))
def test_any_text_parses_without_raising(text: str) -> None:
    query = parse_query(text, known_reports=KNOWN)
    assert query.terms or query.citation or query.problem
