"""The series view below the bot: order, names in words, timeline, trend, what's new, links."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpus.errors import UserError
from corpus.files import bundled_reports
from corpus.model import ReportMeta
from retrieval.errors import UnknownReport
from retrieval.library import Library
from retrieval.novelty import NEW_BELOW, score_novelty
from retrieval.search import Searcher, build_segment
from retrieval.series import (
    SeriesNameError,
    find_series_name,
    ordinal_word,
    resolve_series_name,
    series_order,
    series_place,
)
from tests.series_reports import CURRENCIES, DRONES, EDITED, SEVENTH

SECOND = ReportMeta("S/2016/501", date=dt.date(2016, 5, 31), ordinal=2)
SIXTH = ReportMeta("S/2018/80", date=dt.date(2018, 1, 31), ordinal=6)
SEVENTH_META = ReportMeta(SEVENTH, date=dt.date(2018, 8, 16), ordinal=7)
HELD = [SEVENTH_META, SECOND, SIXTH]  # deliberately out of order


# ---------------------------------------------------------------- names in words (pure)


@pytest.mark.parametrize(
    ("typed", "symbol"),
    [
        ("sixth report", "S/2018/80"),
        ("the Sixth Report", "S/2018/80"),
        ("6th", "S/2018/80"),
        ("the latest report", SEVENTH),
        ("latest", SEVENTH),
        ("most recent report", SEVENTH),
        ("the previous report", "S/2018/80"),
        ("previous", "S/2018/80"),
        ("second report", "S/2016/501"),
        ("the earliest report", "S/2016/501"),
    ],
)
def test_series_words_name_a_symbol(typed: str, symbol: str) -> None:
    assert resolve_series_name(typed, HELD) == symbol


@pytest.mark.parametrize("typed", ["S/2018/80", "drones", "report", "sixth reports about"])
def test_other_text_is_not_a_series_name(typed: str) -> None:
    assert resolve_series_name(typed, HELD) is None


def test_a_place_the_library_does_not_hold_says_what_it_holds() -> None:
    with pytest.raises(SeriesNameError, match=r"no fifth report.*second S/2016/501"):
        resolve_series_name("fifth report", HELD)
    with pytest.raises(SeriesNameError, match="no previous report"):
        resolve_series_name("previous", [SIXTH])


def test_series_order_is_by_date_not_by_symbol() -> None:
    assert [m.symbol for m in series_order(HELD)] == ["S/2016/501", "S/2018/80", SEVENTH]
    undated = ReportMeta("S/2017/10")
    assert [m.symbol for m in series_order([SIXTH, undated])] == ["S/2017/10", "S/2018/80"]


def test_place_in_the_series() -> None:
    assert series_place(SEVENTH_META, HELD) == "Seventh report · 3 of 3 held · latest"
    assert series_place(SIXTH, HELD) == "Sixth report · 2 of 3 held · previous"
    assert series_place(ReportMeta("S/2017/10"), [ReportMeta("S/2017/10")]) == "1 of 1 held"


def test_a_series_name_in_a_question_is_taken_out_of_it() -> None:
    found = find_series_name("what did the sixth report say about returnees", HELD)
    assert found == ("S/2018/80", "what did say about returnees")
    assert find_series_name("latest threat from returnees", HELD) is None  # a time word
    assert find_series_name("what did the ninth report say", HELD) is None


@given(st.integers(min_value=1, max_value=500))
def test_every_ordinal_word_reads_back(n: int) -> None:
    meta = ReportMeta("S/2020/1", date=dt.date(2020, 1, 1), ordinal=n)
    assert resolve_series_name(f"the {ordinal_word(n)} report", [meta]) == "S/2020/1"


# ---------------------------------------------------------------- the library


async def test_resolve_report_and_cite_accept_series_words(series_library: Library) -> None:
    assert await series_library.resolve_report("sixth report") == "S/2018/80"
    assert await series_library.resolve_report("the latest report") == SEVENTH
    assert await series_library.resolve_report("the previous report") == "S/2018/80"
    (paragraph,) = await series_library.cite("latest", DRONES)
    assert paragraph.report == SEVENTH
    with pytest.raises(UnknownReport, match="no third report"):
        await series_library.resolve_report("third report")


async def test_a_question_naming_a_report_searches_only_that_report(
    series_library: Library,
) -> None:
    answer = await series_library.ask("what did the second report say about oil revenue", k=5)
    assert answer.hits
    assert {h.paragraph.report for h in answer.hits} == {"S/2016/501"}


async def test_timeline_runs_oldest_to_newest_and_names_silent_reports(
    series_library: Library,
) -> None:
    timeline = await series_library.timeline("drones")
    assert [e.meta.symbol for e in timeline.entries] == ["S/2016/501", "S/2018/80", SEVENTH]
    assert [e.silent for e in timeline.entries] == [True, True, False]
    hit = timeline.entries[2].hit
    assert hit is not None
    assert hit.paragraph.number == DRONES
    assert hit.excerpt.text in hit.paragraph.text
    assert "drone" in hit.excerpt.text.lower()


async def test_timeline_quotes_each_report_on_a_shared_topic(series_library: Library) -> None:
    timeline = await series_library.timeline("oil revenue")
    assert all(e.hit is not None for e in timeline.entries)
    for entry in timeline.entries:
        assert entry.hit is not None
        assert entry.hit.paragraph.report == entry.meta.symbol
        assert (
            entry.hit.excerpt.text
            == entry.hit.paragraph.text[entry.hit.excerpt.start : entry.hit.excerpt.end]
        )


async def test_a_timeline_page_quotes_only_its_reports(series_library: Library) -> None:
    whole = await series_library.timeline("oil revenue")
    page = await series_library.timeline("oil revenue", first=1, count=1)
    assert [e.silent for e in page.entries] == [False, False, False]
    assert [e.hit is not None for e in page.entries] == [False, True, False]
    assert page.entries[1].hit == whole.entries[1].hit


async def test_timeline_of_stopwords_is_all_silent_with_a_reason(series_library: Library) -> None:
    timeline = await series_library.timeline("the of and")
    assert all(e.silent and e.hit is None for e in timeline.entries)
    assert timeline.reason


async def test_whatsnew_lists_new_paragraphs_and_not_kept_or_edited_ones(
    series_library: Library,
) -> None:
    news = await series_library.whatsnew("latest")
    assert news.previous is not None
    assert news.previous.symbol == "S/2018/80"
    assert [n.paragraph.number for n in news.new] == [DRONES, CURRENCIES]
    edited = next(n for n in news.scored if n.paragraph.number == EDITED)
    assert edited.similarity > 0.6
    assert edited.counterpart == ("S/2018/80", EDITED)
    kept = [n for n in news.scored if n.paragraph.number < DRONES]
    assert all(n.similarity >= NEW_BELOW for n in kept)


def test_whatsnew_does_not_move_when_the_search_is_tuned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Novelty is measured with its own fixed k1 and b, whatever the search's are."""
    reports = sorted(bundled_reports(), key=lambda r: r.meta.symbol)
    earlier, later = reports

    def novelty() -> list[tuple[int, float, tuple[str, int] | None]]:
        searcher = Searcher.rebuild(
            {r.symbol: build_segment(r) for r in reports}, {r.symbol: r.meta for r in reports}
        )
        scored = score_novelty(searcher.index, later.paragraphs, earlier.meta.symbol)
        return [(n.paragraph.number, n.similarity, n.counterpart) for n in scored]

    today = novelty()
    assert sum(similarity < NEW_BELOW for _n, similarity, _c in today) > 0
    monkeypatch.setattr("retrieval.index.K1", 2.0)
    monkeypatch.setattr("retrieval.index.B", 0.3)
    assert novelty() == today


async def test_whatsnew_of_the_first_report_has_nothing_to_compare(
    series_library: Library,
) -> None:
    news = await series_library.whatsnew("S/2016/501")
    assert news.previous is None


async def test_cited_by_names_the_citing_paragraph(series_library: Library) -> None:
    (links,) = await series_library.paragraph_links("S/2018/80", [13])
    assert links.cited_by == ((SEVENTH, DRONES),)
    (unrelated,) = await series_library.paragraph_links("S/2018/80", [12])
    assert unrelated.cited_by == ()


async def test_references_the_library_holds_are_marked_held(series_library: Library) -> None:
    (links,) = await series_library.paragraph_links(SEVENTH, [CURRENCIES])
    assert [r.label for r in links.references] == ["S/2016/501, para. 9", "S/2017/573, para. 20"]
    assert links.held == (("S/2016/501", 9),)


async def test_cited_by_follows_an_ingest(library: Library, report_text: object) -> None:
    (before,) = await library.paragraph_links("S/2016/501", [9])
    assert before.cited_by == ()
    text = "Report\nI. Introduction\n1. Oil income fell further (S/2016/501, para. 9).\n"
    await library.ingest(
        text.encode(), source="new.txt", symbol="S/2019/1", date=dt.date(2019, 1, 1)
    )
    (after,) = await library.paragraph_links("S/2016/501", [9])
    assert after.cited_by == (("S/2019/1", 1),)


# ---------------------------------------------------------------- trend: exact counts


HAND_COUNTED = (
    "Report of the Secretary-General\n"
    "I. Introduction\n"
    "1. ISIL, also known as Da'esh, used drones. The Islamic State in Iraq and the Levant "
    "bought two drones.\n"
    "2. Oil revenue fell; oil revenues from smuggling fell too. A drone's range is short.\n"
    "3. Nothing here names the group.\n"
)
# Counted by hand, reading the text above:
#   words: paragraph 1 has 19 (ISIL also known as Da'esh used drones The Islamic State in Iraq
#          and the Levant bought two drones), paragraph 2 has 13 (Oil revenue fell oil revenues
#          from smuggling fell too A drone's range is short), paragraph 3 has 5: 37 words.
#   ISIL: "ISIL", "Da'esh", "Islamic State in Iraq and the Levant" = 3
#   drones: "drones", "drones", "drone's" = 3
#   "oil revenue": "Oil revenue", "oil revenues" = 2
#   smuggling: 1


async def test_trend_counts_exactly_what_a_reader_counts(library: Library) -> None:
    await library.ingest(
        HAND_COUNTED.encode(), source="hand.txt", symbol="S/2030/1", date=dt.date(2030, 1, 1)
    )
    trend = await library.trend(["ISIL", "drones", "oil revenue", "smuggling"])
    row = next(r for r in trend.rows if r.meta.symbol == "S/2030/1")
    assert row.words == 37
    assert row.counts == (3, 3, 2, 1)
    assert row.per_10k(0) == pytest.approx(3 * 10_000 / 37)
    assert [r.meta.symbol for r in trend.rows] == ["S/2016/501", "S/2018/80", "S/2030/1"]


async def test_trend_counts_follow_a_replaced_report(library: Library) -> None:
    await library.ingest(
        b"Report\nI. Intro\n1. drones drones.\n", source="a.txt", symbol="S/2030/2"
    )
    first = await library.trend(["drones"])
    await library.ingest(b"Report\nI. Intro\n1. drones.\n", source="a.txt", symbol="S/2030/2")
    second = await library.trend(["drones"])
    assert [r.counts for r in first.rows][-1] == (2,)
    assert [r.counts for r in second.rows][-1] == (1,)


async def test_trend_refuses_bad_terms_clearly(library: Library) -> None:
    with pytest.raises(UserError, match="at most 5 terms"):
        await library.trend(["a1", "b2", "c3", "d4", "e5", "f6"])
    with pytest.raises(UserError, match="no words that can be counted"):
        await library.trend(["the"])
    with pytest.raises(UserError, match="at least one term"):
        await library.trend(["  "])


async def test_every_timeline_quote_is_a_slice_of_its_reports_paragraph(
    series_library: Library,
) -> None:
    """Forty questions made of the reports' own words (seeded): quotes are verbatim, each from
    the report it stands for, and a report is silent exactly when it has no quote."""
    import random

    from retrieval.tokenize import STOPWORDS

    words = sorted(
        {
            w.strip(".,;:()“”\"'").lower()
            for p in await series_library.export()
            for w in p.text.split()
            if len(w) > 4
        }
        - set(STOPWORDS)
    )
    rng = random.Random(11)
    for _ in range(40):
        question = " ".join(rng.sample(words, rng.randint(1, 4)))
        timeline = await series_library.timeline(question)
        assert [e.meta.symbol for e in timeline.entries] == ["S/2016/501", "S/2018/80", SEVENTH]
        for entry in timeline.entries:
            assert entry.silent == (entry.hit is None)
            if entry.hit is not None:
                hit = entry.hit
                assert hit.paragraph.report == entry.meta.symbol
                (stored,) = await series_library.cite(hit.paragraph.report, hit.paragraph.number)
                assert hit.excerpt.text == stored.text[hit.excerpt.start : hit.excerpt.end]
                assert hit.coverage >= 0.5
