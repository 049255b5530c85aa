"""A question across the series: the best answering paragraph of each report, oldest first.

Every paragraph is scored once for the question: its words and the other names of what it names,
weighted as /ask weighs them, summed over BM25Okapi's per-term scores (so the total is exactly
what the index's ranking computes). The same per-term scores say which words each paragraph
holds, which gives /ask's coverage (the share of the question's weight a paragraph matches)
without reading any text. Each report keeps its three best-scored paragraphs and quotes the one
covering most of the question; a report whose best covers less than half (the bar /ask uses to
call a match weak) is silent on it. Only the quoted paragraphs are read from the database.
/ask's second, feedback round is left out: the words it adds are not evidence of an answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from corpus.model import ReportMeta
from retrieval.answer import Hit
from retrieval.excerpt import best_excerpt
from retrieval.query import parse_query
from retrieval.search import WEAK_COVERAGE, Fetch, Searcher, lit_weights
from retrieval.weigh import Plan, plan_query

PER_REPORT_CANDIDATES = 3  # best-scored paragraphs per report weighed for coverage


@dataclass(frozen=True)
class TimelineEntry:
    """One report's answer; `hit` is None when it is silent, or when it was not asked to be
    quoted (outside the page being shown: quoting is the costly part at scale)."""

    meta: ReportMeta
    hit: Hit | None
    silent: bool

    def __post_init__(self) -> None:
        if self.silent and self.hit is not None:
            raise ValueError(f"{self.meta.symbol} is silent but has a quote")


@dataclass(frozen=True)
class Timeline:
    question: str
    entries: tuple[TimelineEntry, ...]  # oldest first
    reason: str | None = None  # why nothing could be searched (empty question, stopwords only)


@dataclass(frozen=True)
class _Choice:
    doc: int
    score: float
    coverage: float


async def build_timeline(
    searcher: Searcher,
    fetch: Fetch,
    question: str,
    series: Sequence[ReportMeta],
    quote: slice = slice(None),
) -> Timeline:
    """Score once, choose each report's answer; read and quote those of series[quote] only."""
    query = parse_query(question, known_reports=searcher.reports)
    if not query.terms:
        silent = tuple(TimelineEntry(meta, None, True) for meta in series)
        return Timeline(query.text, silent, query.problem or "The question has no words to find.")
    plan = plan_query(searcher, query, question)
    symbols = [m.symbol for m in series]
    chosen = await asyncio.to_thread(_choose, searcher, plan, symbols)
    shown = {m.symbol for m in series[quote]}
    keys = {s: searcher.index.keys[c.doc] for s, c in chosen.items() if s in shown}
    paragraphs = {(p.report, p.number): p for p in await fetch(list(keys.values()))}
    weights = lit_weights(searcher, plan)
    entries = []
    for meta in series:
        choice, key = chosen.get(meta.symbol), keys.get(meta.symbol)
        paragraph = paragraphs.get(key) if key else None
        if choice is None or paragraph is None:
            entries.append(TimelineEntry(meta, None, choice is None))
            continue
        excerpt = best_excerpt(paragraph, weights, phrases=query.phrases)
        hit = Hit(paragraph, choice.score, excerpt, (), choice.coverage, meta.date)
        entries.append(TimelineEntry(meta, hit, False))
    return Timeline(query.text, tuple(entries), query.problem)


def _choose(searcher: Searcher, plan: Plan, symbols: Sequence[str]) -> dict[str, _Choice]:
    """Each report's answering paragraph (covering at least WEAK_COVERAGE), by symbol."""
    index = searcher.index
    per_term = {t: index.get_scores([t]) for t in dict.fromkeys(plan.terms)}
    scores = np.zeros(len(index))
    for term, weight in zip(plan.terms, plan.weights, strict=True):
        scores += weight * per_term[term]
    chosen: dict[str, _Choice] = {}
    for symbol in symbols:
        if symbol not in index.reports:
            continue
        span = index.report_slice(symbol)
        part = scores[span]
        k = min(PER_REPORT_CANDIDATES, part.size)
        if k == 0:
            continue
        best = np.argpartition(-part, k - 1)[:k] if part.size > k else np.arange(part.size)
        best = best[part[best] > 0]
        if best.size == 0:
            continue
        docs = best + span.start
        coverage = _coverage(plan, per_term, docs)
        order = sorted(range(docs.size), key=lambda i: (-coverage[i], -scores[docs[i]], docs[i]))
        top = order[0]
        if coverage[top] >= WEAK_COVERAGE:
            chosen[symbol] = _Choice(int(docs[top]), float(scores[docs[top]]), coverage[top])
    return chosen


def _coverage(plan: Plan, per_term: Mapping[str, np.ndarray], docs: np.ndarray) -> list[float]:
    """/ask's coverage for each doc: typed words present, or stood in for by another name."""
    found: dict[str, np.ndarray] = {}
    for typed in plan.importance:
        if typed in per_term:
            found[typed] = (per_term[typed][docs] > 0).astype(float)
    for term, typed in plan.origin.items():
        if term in per_term:
            credit = (per_term[term][docs] > 0) * plan.credit.get(term, 1.0)
            found[typed] = np.maximum(found.get(typed, np.zeros(docs.size)), credit)
    total = sum(plan.importance.values()) or 1.0
    covered = sum((plan.importance.get(t, 0.0) * v for t, v in found.items()), np.zeros(docs.size))
    return [round(min(float(c) / total, 1.0), 4) for c in covered]
