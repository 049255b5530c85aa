"""A name the reports never use ("ISIS") stands for its one-word names, not its spelled-out form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from corpus.model import Paragraph, Report, ReportMeta
from retrieval.search import Searcher, answer_question, build_segment

META = ReportMeta("S/2016/501", "Second report", dt.date(2016, 5, 31))
PARAGRAPHS = [
    Paragraph(META.symbol, 1, "The State of Iraq and the Levant is a region of Iraq.", (), ()),
    Paragraph(META.symbol, 2, "ISIL fighters returned to their home countries.", (), ()),
    Paragraph(META.symbol, 3, "Member States strengthened cooperation on borders.", (), ()),
]


async def _fetch(keys: Sequence[tuple[str, int]]) -> list[Paragraph]:
    return [p for p in PARAGRAPHS if (p.report, p.number) in keys]


async def test_an_unknown_acronym_is_searched_as_its_known_one_word_name() -> None:
    searcher = Searcher.rebuild(
        {META.symbol: build_segment(Report(META, tuple(PARAGRAPHS)))}, {META.symbol: META}
    )
    answer = await answer_question(searcher, _fetch, "ISIS", k=5, report=None, year=None)
    assert [hit.paragraph.number for hit in answer.hits] == [2]
