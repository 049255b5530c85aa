"""Excerpts: whole sentences of the paragraph, chosen for the query, quoted by offsets."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.model import Paragraph
from retrieval.excerpt import best_excerpt, split_sentences
from retrieval.tokenize import tokenize


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


@pytest.mark.parametrize(
    "text",
    [
        "As noted in S/2018/80, para. 13 of the report, revenue fell.",
        "See resolution No. 2253 on this point.",
        "The analysis (see S/2017/573. Annex I) is relevant.",
        "Measures include, e.g. Travel bans, and i.e. Asset freezes.",
        "Mr. Guterres presented the report.",
        "Revenue fell by 2.5 per cent in 2017.",
        "States should: (a) Share data. (b) Screen travellers.",
        "The report by J. Smith was issued.",
    ],
)
def test_no_break_inside_abbreviations_symbols_numbers_or_lists(text: str) -> None:
    assert sentences(text) == [text]


def test_breaks_between_ordinary_sentences() -> None:
    text = "ISIL lost Marawi. Its leader was killed! Was funding cut? Yes."
    assert sentences(text) == ["ISIL lost Marawi.", "Its leader was killed!", "Was funding cut?",
                               "Yes."]  # fmt: skip


def test_a_sentence_may_end_with_a_symbol() -> None:
    text = "It was noted in S/PRST/2015/11. The Centre then acted."
    assert sentences(text) == ["It was noted in S/PRST/2015/11.", "The Centre then acted."]


def test_break_before_quoted_sentence() -> None:
    assert sentences('It ended. "Caliphate" was the word used.') == [
        "It ended.",
        '"Caliphate" was the word used.',
    ]


PARA = Paragraph(
    "S/2018/80",
    13,
    "The ability of ISIL to generate revenues was weakened. Oil fields were lost in 2017. "
    "ISIL's revenues have fallen by more than 90 per cent since 2015. Extortion continues.",
)


def weights(query: str) -> dict[str, float]:
    return dict.fromkeys(tokenize(query), 1.0)


def test_picks_the_sentence_that_answers() -> None:
    excerpt = best_excerpt(PARA, weights("how much have revenues fallen"))
    assert "fallen by more than 90 per cent" in excerpt.text
    assert excerpt.text == PARA.text[excerpt.start : excerpt.end]


def test_joins_two_sentences_when_together_they_cover_more() -> None:
    excerpt = best_excerpt(PARA, weights("oil fields lost, revenues fallen"))
    assert excerpt.text.startswith("Oil fields")
    assert "90 per cent" in excerpt.text


def test_highlights_are_the_matched_words() -> None:
    excerpt = best_excerpt(PARA, weights("extortion"))
    assert [PARA.text[a:b] for a, b in excerpt.highlights] == ["Extortion"]


def test_no_match_quotes_the_first_sentence() -> None:
    excerpt = best_excerpt(PARA, weights("bitcoin"))
    assert excerpt.text == "The ability of ISIL to generate revenues was weakened."
    assert excerpt.highlights == ()


words = st.sampled_from(
    [
        "ISIL",
        "revenue",
        "oil",
        "para.",
        "S/2017/573.",
        "(a)",
        "e.g.",
        "No.",
        "2.5",
        "Mr.",
        "fell",
        "Da’esh",
        "counter-terrorism",
        "The",
        "It",
        ".",
        "!",
        "?",
        "\n",
        "’s",
        "38,000",
    ]
)
texts = st.lists(words, min_size=1, max_size=60).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(texts, st.lists(words, max_size=6).map(" ".join))
def test_every_excerpt_is_a_nonempty_slice_with_highlights_inside(text: str, query: str) -> None:
    paragraph = Paragraph("S/2018/80", 1, text)
    excerpt = best_excerpt(paragraph, weights(query))
    assert excerpt.text == paragraph.text[excerpt.start : excerpt.end]
    if text.strip():
        assert excerpt.text.strip()
    for lo, hi in excerpt.highlights:
        assert excerpt.start <= lo < hi <= excerpt.end


@given(st.text(max_size=400))
def test_sentences_are_ordered_and_cover_all_nonspace_text(text: str) -> None:
    spans = split_sentences(text)
    assert all(a < b for a, b in spans)
    assert all(b1 <= a2 for (_, b1), (a2, _) in itertools.pairwise(spans))
    covered = "".join(text[a:b] for a, b in spans)
    assert "".join(covered.split()) == "".join(text.split())
