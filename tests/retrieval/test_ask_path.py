"""The fast /ask path answers exactly as reading every candidate would, and never from a stale
database: the first attempt skips the generation read, so these check what that must not change."""

from __future__ import annotations

from pathlib import Path

import pytest

import retrieval.search as search
from retrieval.answer import Answer
from tests.conftest import make_report_text

SYMBOL = "S/2099/8"
WORD = "vexlorim"  # in no bundled report
QUESTIONS = [
    "oil revenue",
    "ISIL's revenue from oil and extortion",
    "foreign terrorist fighters returning to Europe",
    "kidnapping for ransom",
    "what did the Monitoring Team say about Libya?",
    "resolution 2253 (2015)",
    "S/2018/80",
    "counter-terrorism financing in Africa",
    "zzzz nothing matches this",
    "how do terrorists move money",  # few typed words in the reports: the vectors choose
    "what is the latest on women and children in camps",
]


def summary(answer: Answer) -> tuple[object, ...]:
    return (
        [(h.citation, h.excerpt.start, h.excerpt.end, h.excerpt.highlights) for h in answer.hits],
        [(h.matched, h.coverage, round(h.score, 9)) for h in answer.hits],
        answer.total,
        answer.weak,
        answer.reason,
    )


@pytest.mark.parametrize("semantic", [True, False])
@pytest.mark.parametrize("k", [1, 3, 10])
async def test_reading_only_the_quoted_candidates_gives_the_same_answer(
    library_factory, monkeypatch: pytest.MonkeyPatch, k: int, semantic: bool
) -> None:
    library = await library_factory(semantic=semantic)
    shipped = [summary(await library.ask(q, k=k)) for q in QUESTIONS]
    monkeypatch.setattr(search, "FETCH_MARGIN", 0)  # a read whenever a candidate fails
    reads: list[int] = []  # paragraph reads of the question being asked
    real_fetch_more = search._fetch_more

    def fetch_more(fetch: object, have: object, ranked: list[object]) -> object:
        reads.append(len(ranked))
        return real_fetch_more(fetch, have, ranked)  # type: ignore[arg-type]

    monkeypatch.setattr(search, "_fetch_more", fetch_more)
    tight, reads_per_question = [], []
    for q in QUESTIONS:
        reads.clear()
        tight.append(summary(await library.ask(q, k=k)))
        reads_per_question.append(len(reads))
    if semantic and k > 1:  # some best k hold a candidate that is no evidence: read again
        assert max(reads_per_question) >= 2
    monkeypatch.setattr(search, "FIRST_FETCH_MARGIN", 10_000)  # one read takes every candidate
    full = [summary(await library.ask(q, k=k)) for q in QUESTIONS]
    assert shipped == full
    assert tight == full
    assert any(s[0] for s in full)  # the questions do find something


async def test_a_report_filter_names_a_report_another_process_just_added(
    library_factory, bundled_db: Path
) -> None:
    serving = await library_factory(bundled_db, semantic=False)
    other = await library_factory(bundled_db, semantic=False)  # as a CLI ingest would
    text = make_report_text([f"Couriers carried {WORD} across the border."], title="New")
    await other.ingest(text.encode(), source="new.txt", symbol=SYMBOL)
    answer = await serving.ask(WORD, k=3, report=SYMBOL)
    assert [h.citation for h in answer.hits] == [f"{SYMBOL}, para. 1"]
    assert answer.hits[0].matched == (WORD,)
