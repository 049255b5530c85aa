"""Answer a question over a few paragraphs of one report, indexed in memory (no database)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from corpus.model import Paragraph, Report, ReportMeta
from retrieval.answer import Answer
from retrieval.options import SearchOptions
from retrieval.search import Searcher, answer_question, build_segment

META = ReportMeta("S/2016/501", "Second report", dt.date(2016, 5, 31))


async def answer_over(
    texts: Sequence[str],
    question: str,
    *,
    k: int = 5,
    meta: ReportMeta = META,
    options: SearchOptions | None = None,
) -> Answer:
    """The answer to `question` when `meta`'s paragraphs 1, 2, … are `texts`."""
    paragraphs = [Paragraph(meta.symbol, i + 1, t, (), ()) for i, t in enumerate(texts)]

    async def fetch(keys: Sequence[tuple[str, int]]) -> list[Paragraph]:
        return [p for p in paragraphs if (p.report, p.number) in keys]

    report = Report(meta, tuple(paragraphs))
    searcher = Searcher.rebuild({meta.symbol: build_segment(report)}, {meta.symbol: meta})
    if options is not None:
        searcher = searcher.with_options(options)
    return await answer_question(searcher, fetch, question, k=k, report=None, year=None)
