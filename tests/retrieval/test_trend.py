"""Trend counting (pure): the vectorised count equals a plain reading of the text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.model import Paragraph, ReportMeta
from retrieval.aliases import AliasGroup, AliasTable
from retrieval.tokenize import tokenize
from retrieval.trend import (
    TermSpec,
    Vocabulary,
    build_trend,
    count_words,
    join_reports,
    report_terms,
    split_terms,
    term_specs,
)

WORDS = ["oil", "revenue", "drone", "state", "islamic", "levant", "iraq"]
NAMES = [
    ("oil", "revenue"),
    ("drone",),
    ("drone", "drone"),
    ("drone", "drone", "drone"),
    ("islamic", "state"),
    ("state",),
]


def plain_count(paragraphs: list[list[str]], names: list[tuple[str, ...]]) -> int:
    """The rule read aloud: longest names first; within a name, left to right without overlap;
    a shorter name never counts inside a longer one already counted."""
    total = 0
    for words in paragraphs:
        taken = [False] * len(words)
        for name in sorted(names, key=lambda n: (-len(n), n)):
            n, i = len(name), 0
            while i + n <= len(words):
                if tuple(words[i : i + n]) == name and not any(taken[i : i + n]):
                    total += 1
                    taken[i : i + n] = [True] * n
                    i += n
                else:
                    i += 1
    return total


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.lists(st.sampled_from(WORDS), max_size=30), min_size=1, max_size=4),
        min_size=1,
        max_size=3,
    ),
    st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True),
)
def test_counts_match_a_plain_reading(
    reports: list[list[list[str]]], names: list[tuple[str, ...]]
) -> None:
    vocab = Vocabulary()
    streams = []
    for r, paragraphs in enumerate(reports):
        meta = ReportMeta(f"S/2020/{r + 1}")
        paras = [Paragraph(meta.symbol, i + 1, " ".join(w)) for i, w in enumerate(paragraphs)]
        streams.append((meta, report_terms(meta.symbol, paras, vocab)))
    terms = [tuple(tokenize(" ".join(n))) for n in names]  # "revenue" is indexed as "revenu"
    spec = TermSpec("term", tuple(sorted(terms, key=lambda n: (-len(n), n))))
    trend = build_trend([spec], join_reports(streams), vocab)
    for row, paragraphs in zip(trend.rows, reports, strict=True):
        assert row.counts == (plain_count(paragraphs, list(names)),)
        assert row.words == sum(len(w) for w in paragraphs)


def test_a_shorter_name_counts_beside_a_longer_one_not_inside_it() -> None:
    vocab = Vocabulary()
    meta = ReportMeta("S/2020/1")
    stream = report_terms(meta.symbol, [Paragraph(meta.symbol, 1, "drone " * 5)], vocab)
    names = (("drone", "drone", "drone"), ("drone", "drone"))
    trend = build_trend([TermSpec("d", names)], join_reports([(meta, stream)]), vocab)
    assert trend.rows[0].counts == (2,)  # drone drone drone | drone drone


def test_a_name_expands_to_its_alias_group_and_only_an_exact_name_does() -> None:
    table = AliasTable([AliasGroup(("ISIL", "Da'esh", "Islamic State"), "test")])
    (isil,) = term_specs(["ISIL"], table)
    assert set(isil.names) == {("isil",), ("daesh",), ("islam", "state")}
    assert isil.names[0] == ("islam", "state")  # longest first
    (state,) = term_specs(["state"], table)
    assert state.names == (("state",),)  # a word of a name is not the name


def test_words_are_runs_of_letters_and_digits() -> None:
    assert count_words("ISIL's 2017 attacks — in Da’esh-held areas (S/2018/80).") == 10


def test_terms_split_on_commas_or_keep_quoted_phrases() -> None:
    assert split_terms("ISIL, oil revenue ; drones") == ["ISIL", "oil revenue", "drones"]
    assert split_terms('ISIL "oil revenue" drones') == ["ISIL", "oil revenue", "drones"]
