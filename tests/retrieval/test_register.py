"""The register glossary: the shipped file is valid, lookup is word for word, and expansions
weigh less than the words the user typed."""

from __future__ import annotations

import datetime as dt
from functools import cache

from hypothesis import given
from hypothesis import strategies as st

from corpus.files import bundled_reports
from corpus.model import ReportMeta
from retrieval.register import (
    REGISTER_CAP,
    REGISTER_WEIGHT,
    Expansion,
    Register,
    RegisterEntry,
    shipped_register,
    weigh_expansion,
    word_keys,
)
from retrieval.search import paragraph_terms
from retrieval.tokenize import tokenize
from tests.retrieval.one_report import answer_over

ENTRIES = shipped_register().entries


@cache
def corpus_vocabulary() -> frozenset[str]:
    return frozenset(t for r in bundled_reports() for p in r.paragraphs for t in paragraph_terms(p))


def test_every_entry_has_report_words_everyday_words_and_a_source() -> None:
    assert len(ENTRIES) >= 50
    for entry in ENTRIES:
        assert entry.report, entry
        assert entry.everyday, entry
        assert len(entry.source) > 10, entry


def test_report_words_are_words_of_the_reports() -> None:
    vocabulary = corpus_vocabulary()
    missing = [
        (phrase, term)
        for entry in ENTRIES
        for phrase in entry.report
        for term in tokenize(phrase)
        if term not in vocabulary
    ]
    assert not missing


def test_no_everyday_phrase_is_listed_twice_even_inflected() -> None:
    seen: dict[tuple[tuple[str, ...], ...], str] = {}
    for entry in ENTRIES:
        for phrase in (*entry.everyday, *entry.idioms):
            keys = word_keys(phrase)
            assert keys not in seen, (phrase, seen.get(keys))
            seen[keys] = phrase


def test_everyday_phrases_search_for_something_the_entry_lacks() -> None:
    for entry in ENTRIES:
        own = {t for phrase in entry.report for t in tokenize(phrase)}
        for phrase in (*entry.everyday, *entry.idioms):
            terms = set(tokenize(phrase))
            assert terms, phrase  # not only stopwords
            assert not terms <= own, phrase  # adds nothing the report words do not
        for idiom in entry.idioms:
            assert len(word_keys(idiom)) > 1, idiom


REGISTER = Register(
    [
        RegisterEntry(("revenue", "financing"), ("money",), "test", ("make money",)),
        RegisterEntry(("current", "recent"), ("nowadays",), "test", ("these days",)),
    ]
)


def test_a_phrase_matches_word_for_word_with_stems_compared() -> None:
    (found,) = REGISTER.find("How is ISIL making money?")
    assert found.phrase == "make money"
    assert found.report == (("revenu",), ("financ",))
    assert found.figurative == ("make",)  # "money" is an everyday word of the entry by itself


def test_an_idiom_does_not_fire_on_one_of_its_words() -> None:
    assert REGISTER.find("on the day of the attack") == []
    (found,) = REGISTER.find("what about these days")
    assert found.typed == ("day",)
    assert found.figurative == ("day",)


@given(st.text(max_size=80))
def test_lookup_takes_any_text_and_only_reports_typed_terms(question: str) -> None:
    for found in shipped_register().find(question):
        assert set(found.typed) <= set(tokenize(question))


@given(
    st.floats(0.01, 8.0),
    st.lists(st.tuples(st.text("abcdefgh", min_size=1, max_size=4), st.floats(0.01, 8.0)),
             min_size=1, max_size=12),
)  # fmt: skip
def test_expansion_weights_are_capped_by_the_typed_word(
    typed_idf: float, report: list[tuple[str, float]]
) -> None:
    idf = dict(report)
    expansion = Expansion("x", ("typed",), tuple((t,) for t in idf))
    weights = weigh_expansion(expansion, typed_idf, idf.__getitem__, lambda t: True)
    contributions = [w * idf[t] for t, w in weights.items()]
    assert all(c <= REGISTER_WEIGHT * typed_idf + 1e-9 for c in contributions)
    assert sum(contributions) <= REGISTER_CAP * typed_idf + 1e-9


META = ReportMeta("S/2018/80", "Sixth report", dt.date(2018, 1, 31))
TEXTS = [
    "The group reported revenue from the fields near the river.",
    "The group reported money from the fields near the river.",
    "The group relied on virtual currencies in the past year.",
    "Member States should strengthen cooperation on the borders.",
    "The committee held a workshop on human rights compliance.",
    "The office published guidance on prisons and detention.",
]


async def _ranked(question: str) -> list[int]:
    answer = await answer_over(TEXTS, question, meta=META)
    return [hit.paragraph.number for hit in answer.hits]


async def test_an_everyday_word_finds_the_report_word_but_ranks_below_an_exact_match() -> None:
    ranked = await _ranked("where does the money come from")
    assert ranked[:2] == [2, 1]  # paragraph 1 says "revenue": found, but after "money"


async def test_an_everyday_word_the_reports_never_use_still_finds_an_answer() -> None:
    ranked = await _ranked("are they using bitcoin")
    assert ranked[:1] == [3]


async def test_a_report_word_covers_part_of_the_everyday_word_it_stands_for() -> None:
    answer = await answer_over(TEXTS, "jail", meta=META)
    (hit,) = answer.hits
    assert hit.paragraph.number == 6  # "prisons and detention"
    assert hit.matched == ("jail",)
    assert hit.coverage == REGISTER_WEIGHT  # a looser equivalent than an alias: half the word
    answer = await answer_over(TEXTS, "jail menus", meta=META)
    assert answer.weak  # half of one word of two is not an answer
