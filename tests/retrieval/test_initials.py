"""Acronyms read off names, citations number-first, time words, boilerplate footnotes, WordNet."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpus.files import bundled_reports
from retrieval.initials import names_spelled, report_names, spells, typed_acronyms
from retrieval.options import SearchOptions
from retrieval.query import parse_query
from retrieval.search import boilerplate_footnotes, paragraph_terms
from retrieval.wordnet import shipped_synonyms

NO_FOOTNOTES = SearchOptions(footnotes=False)


@pytest.mark.parametrize(
    ("acronym", "name"),
    [
        ("ISGS", "the Islamic State in the Greater Sahara"),
        (
            "BIMSTEC",
            "Bay of Bengal Initiative for Multi-Sectoral Technical and Economic Cooperation",
        ),
        ("FFIS", "Future of Financial Intelligence Sharing"),
        ("UNESCO", "United Nations Educational, Scientific and Cultural Organization"),
    ],
)
def test_an_acronym_spells_its_name(acronym: str, name: str) -> None:
    assert spells(acronym, name)


@pytest.mark.parametrize(
    ("acronym", "name"),
    [
        ("ISGS", "Islamic State"),  # too few words
        ("NATO", "United Nations Office on Drugs and Crime"),
        ("FATF", "Financial Intelligence Unit"),
        ("ISIS", "Islamic State in Iraq and the Levant"),  # the last letter is not the last word's
    ],
)
def test_an_acronym_does_not_spell_other_names(acronym: str, name: str) -> None:
    assert not spells(acronym, name)


def test_names_are_read_from_text_with_their_small_words() -> None:
    text = "It met the Bay of Bengal Initiative for Multi-Sectoral Technical and Economic "
    text += "Cooperation in May. The Council and the Monitoring Team agreed."
    names = report_names(text)
    assert any(spells("BIMSTEC", name) for name in names)  # a name may run on ("… in May")
    assert any(spells("MT", name) or "Monitoring Team" in name for name in names)


def test_an_acronym_spelling_many_names_is_not_expanded() -> None:
    names = [f"Special {word} Mission" for word in ("Alpha", "Beta", "Gamma", "Delta")]
    assert names_spelled("SM", names) == []  # too short
    assert names_spelled("SAM", names) == ["Special Alpha Mission"]
    alike = [f"Special {word} Mission" for word in ("Alpha", "Arctic", "Atlas", "Azure")]
    assert names_spelled("SAM", alike[:3]) == alike[:3]  # three: each searched
    assert names_spelled("SAM", alike) == []  # four: too vague to mean any one


def test_typed_acronyms_include_plurals_and_skip_words() -> None:
    assert typed_acronyms("role of FIUs and CTED in Mosul") == [("FIUs", "FIU"), ("CTED", "CTED")]


@given(st.text(max_size=80))
def test_name_reading_never_fails(text: str) -> None:
    for name in report_names(text):
        assert name in text
    for typed, key in typed_acronyms(text):
        assert typed in text
        assert key.isupper() or not key.isalpha()


@pytest.mark.parametrize(
    "question",
    ["what does para 29 of S/2016/501 say", "paragraph 29 in S/2016/501", "¶ 29 of S/2016/501"],
)
def test_citations_written_number_first(question: str) -> None:
    assert parse_query(question).citation == ("S/2016/501", 29, 29)


@pytest.mark.parametrize(
    ("question", "recent", "terms"),
    [
        ("how is ISIL making money now?", True, ("isil", "make", "money")),
        ("current threat assessment", True, ("threat", "assess")),
        ("is anyone still joining these days", True, ("anyon", "still", "join")),
        ("oil revenue", False, ("oil", "revenu")),
    ],
)
def test_time_words_prefer_the_newest_report_and_are_not_searched(
    question: str, recent: bool, terms: tuple[str, ...]
) -> None:
    query = parse_query(question)
    assert query.recent is recent
    assert query.terms == terms
    assert query.text == " ".join(question.split())


def test_boilerplate_footnotes_are_not_indexed() -> None:
    report = next(r for r in bundled_reports() if r.symbol == "S/2018/80")
    boilerplate = boilerplate_footnotes(report)
    assert "information provided by a member state." in boilerplate
    only_boilerplate = [
        p
        for p in report.paragraphs
        if p.footnotes
        and all(" ".join(f.text.casefold().split()) in boilerplate for f in p.footnotes)
        and "provid" not in paragraph_terms(p, boilerplate=boilerplate, options=NO_FOOTNOTES)
    ]
    assert only_boilerplate
    for paragraph in only_boilerplate:
        assert "provid" in paragraph_terms(paragraph)  # the footnote said "provided" …
        assert "provid" not in paragraph_terms(paragraph, boilerplate=boilerplate)  # … no more


def test_wordnet_synonyms_are_words_the_reports_use() -> None:
    vocabulary = {t for r in bundled_reports() for p in r.paragraphs for t in paragraph_terms(p)}
    table = shipped_synonyms()
    assert len(table) > 1000
    assert all(term in vocabulary for synonyms in table.values() for term in synonyms)
