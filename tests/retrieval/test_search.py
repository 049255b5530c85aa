"""The Searcher on a small corpus of its own: names, footnotes, citations, filters, phrases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.model import Footnote, Paragraph, Report, ReportMeta
from retrieval.answer import Answer
from retrieval.search import Searcher, answer_question, build_segment

OLD = ReportMeta("S/2016/501", "Second report", dt.date(2016, 5, 31))
NEW = ReportMeta("S/2018/80", "Sixth report", dt.date(2018, 1, 31))


def para(meta: ReportMeta, number: int, text: str, *footnotes: str) -> Paragraph:
    notes = tuple(Footnote(i + 1, t) for i, t in enumerate(footnotes))
    return Paragraph(meta.symbol, number, text, ("II. Threat",), notes)


REPORTS = [
    Report(
        OLD,
        (
            para(OLD, 1, "Islamic State in Iraq and the Levant (ISIL, also known as Da’esh) "
                 "remains a threat to international peace and security."),
            para(OLD, 2, "ISIL oil production has fallen by between 30 and 50 per cent. "
                 "Revenue from taxation continues."),
            para(OLD, 3, "Foreign terrorist fighters continue to travel to the region. Border "
                 "controls were strengthened."),
            para(OLD, 4, "The Islamic Movement of Uzbekistan (IMU) pledged allegiance to ISIL."),
            para(OLD, 5, "Attacks in Kabul were claimed by ISIL.", "See Hedayah, Abu Dhabi."),
        ),
    ),
    Report(
        NEW,
        (
            para(NEW, 1, "Radicalization in prisons is a growing concern. Prison staff need "
                 "training."),
            para(NEW, 2, "The IMU is active near the northern border."),
            para(NEW, 3, "ISIL revenues have fallen by more than 90 per cent since 2015."),
            para(NEW, 4, "Member States should use advance passenger information systems."),
        ),
    ),
]  # fmt: skip
PARAGRAPHS = {(p.report, p.number): p for r in REPORTS for p in r.paragraphs}


async def fetch(keys: Sequence[tuple[str, int]]) -> list[Paragraph]:
    return [PARAGRAPHS[k] for k in keys if k in PARAGRAPHS]


def make_searcher() -> Searcher:
    segments = {r.symbol: build_segment(r) for r in REPORTS}
    return Searcher.rebuild(segments, {r.symbol: r.meta for r in REPORTS})


SEARCHER = make_searcher()


async def ask(question: str, k: int = 5, **filters: object) -> Answer:
    options = {"report": None, "year": None, **filters}
    return await answer_question(SEARCHER, fetch, question, k=k, **options)  # type: ignore[arg-type]


def cited(answer: Answer) -> list[str]:
    return [hit.citation for hit in answer.hits]


async def test_best_paragraph_first_with_a_verbatim_excerpt() -> None:
    answer = await ask("radicalisation in prisons")
    assert cited(answer)[0] == "S/2018/80, para. 1"
    hit = answer.hits[0]
    assert hit.excerpt.text == "Radicalization in prisons is a growing concern."
    assert hit.coverage == 1.0
    assert not answer.weak


async def test_rare_spelling_of_a_common_name_is_weighted_as_the_name() -> None:
    answer = await ask("Daesh attacks in Kabul")
    assert cited(answer)[0] == "S/2016/501, para. 5"


async def test_footnote_text_counts_for_its_paragraph() -> None:
    answer = await ask("Hedayah")
    assert cited(answer) == ["S/2016/501, para. 5"]
    assert answer.hits[0].matched == ("Hedayah",)


async def test_curated_acronym_finds_the_spelled_out_name() -> None:
    answer = await ask("FTF travel")
    assert cited(answer)[0] == "S/2016/501, para. 3"
    api = await ask("API systems")
    assert cited(api)[0] == "S/2018/80, para. 4"


async def test_learned_acronym_links_long_form_and_abbreviation() -> None:
    groups = [g.names for g in SEARCHER.learned]
    assert ("IMU", "Islamic Movement of Uzbekistan") in groups
    answer = await ask("Islamic Movement of Uzbekistan")
    assert set(cited(answer)[:2]) == {"S/2016/501, para. 4", "S/2018/80, para. 2"}


async def test_a_citation_comes_first() -> None:
    answer = await ask("S/2018/80 para 3")
    assert cited(answer)[0] == "S/2018/80, para. 3"
    assert answer.hits[0].excerpt.text


async def test_a_citation_of_a_missing_paragraph_says_so() -> None:
    answer = await ask("S/2018/80#99")
    assert answer.hits == ()
    assert "no paragraph 99" in (answer.reason or "")


@pytest.mark.parametrize(
    ("filters", "question"),
    [({"report": "S/2018/80"}, "fallen per cent"), ({"year": 2018}, "fallen per cent"),
     ({}, "fallen per cent report:S/2018/80"), ({}, "year:2018 fallen per cent")],
)  # fmt: skip
async def test_filters_keep_one_report(filters: dict[str, object], question: str) -> None:
    answer = await ask(question, **filters)
    assert cited(answer) == ["S/2018/80, para. 3"]


async def test_unknown_report_filter_lists_the_known_ones() -> None:
    answer = await ask("oil", report="S/1999/1")
    assert answer.hits == ()
    assert "S/2016/501" in (answer.reason or "")


async def test_a_quoted_phrase_must_occur_in_the_hit() -> None:
    plain = await ask("border controls")
    assert len(plain.hits) > 1
    phrase = await ask('"border controls"')
    assert cited(phrase) == ["S/2016/501, para. 3"]


async def test_a_question_the_corpus_cannot_answer_is_weak() -> None:
    answer = await ask("are drones used by ISIL for surveillance flights")
    assert answer.weak
    assert answer.reason


async def test_saved_blobs_answer_the_same() -> None:
    loaded = Searcher.from_blobs(SEARCHER.to_blobs(), {r.symbol: r.meta for r in REPORTS})
    assert loaded.learned == SEARCHER.learned
    for question in ("oil revenue", "IMU border", "Daesh"):
        a = await answer_question(SEARCHER, fetch, question, k=5, report=None, year=None)
        b = await answer_question(loaded, fetch, question, k=5, report=None, year=None)
        assert [(h.citation, h.score) for h in a.hits] == [(h.citation, h.score) for h in b.hits]


async def test_empty_searcher_answers_with_a_reason() -> None:
    answer = await answer_question(Searcher.empty(), fetch, "oil", k=3, report=None, year=None)
    assert answer.hits == ()
    assert answer.reason


WORDS = ["oil", "ISIL", "Da'esh", "border", "prisons", "revenue", "fallen", "IMU", "the", "?",
         '"', "S/2018/80", "para", "3", "year:2016", "FTF", "Kabul", "taxation"]  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join), st.integers(1, 10))
async def test_every_hit_quotes_its_own_paragraph(question: str, k: int) -> None:
    answer = await ask(question, k=k)
    assert len(answer.hits) <= max(k, 1)
    for hit in answer.hits:
        assert PARAGRAPHS[(hit.paragraph.report, hit.paragraph.number)] == hit.paragraph
        assert hit.excerpt.text
        assert hit.excerpt.text == hit.paragraph.text[hit.excerpt.start : hit.excerpt.end]
        assert 0.0 <= hit.coverage <= 1.0
    scores = [h.score for h in answer.hits]
    assert scores == sorted(scores, reverse=True)


async def test_a_capitalised_short_name_stands_for_its_group() -> None:
    answer = await ask("IS attacks in Kabul")
    assert cited(answer)[0] == "S/2016/501, para. 5"
    assert "IS" in answer.hits[0].matched
    lower = await ask("is attacks in Kabul")
    assert "is" not in lower.hits[0].matched


async def test_only_question_words_and_their_names_are_highlighted() -> None:
    answer = await ask("Daesh oil")
    allowed = {"isil", "daesh", "da'esh", "da’esh", "oil"}
    for hit in answer.hits:
        lit = {hit.paragraph.text[a:b].lower() for a, b in hit.excerpt.highlights}
        assert lit <= allowed, hit.citation
