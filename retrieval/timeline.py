"""A question across the series: the best answering paragraph of each report, oldest first.

One BM25 pass over the whole index (the question's terms and the other names of what it names,
weighted as /ask weighs them) ranks every paragraph once; each report then keeps its best few
and the one covering most of the question is quoted. A report whose best paragraph covers less
than half the question's weight (the same bar /ask uses to call a match weak) is silent on it.
/ask's second, feedback round is left out: its added words are not evidence of an answer.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from corpus.model import Paragraph, ReportMeta
from retrieval.answer import Hit
from retrieval.excerpt import best_excerpt
from retrieval.query import parse_query
from retrieval.search import WEAK_COVERAGE, Fetch, Searcher, paragraph_terms
from retrieval.weigh import Plan, plan_query, term_idf

PER_REPORT_CANDIDATES = 3  # best-scored paragraphs per report weighed for coverage


@dataclass(frozen=True)
class TimelineEntry:
    """One report's answer, or None when it is silent on the question."""

    meta: ReportMeta
    hit: Hit | None


@dataclass(frozen=True)
class Timeline:
    question: str
    entries: tuple[TimelineEntry, ...]  # oldest first
    reason: str | None = None  # why nothing could be searched (empty question, stopwords only)


async def build_timeline(
    searcher: Searcher, fetch: Fetch, question: str, series: Sequence[ReportMeta]
) -> Timeline:
    """Rank once, keep each report's best candidates, quote the best of each (or none)."""
    query = parse_query(question, known_reports=searcher.reports)
    if not query.terms:
        silent = tuple(TimelineEntry(meta, None) for meta in series)
        return Timeline(query.text, silent, query.problem or "The question has no words to find.")
    plan = plan_query(searcher, query, question)
    best = await asyncio.to_thread(_candidates, searcher, plan, {m.symbol for m in series})
    wanted = [key for kept in best.values() for key, _ in kept]
    paragraphs = {(p.report, p.number): p for p in await fetch(wanted)}
    entries = []
    for meta in series:
        keys = best.get(meta.symbol, [])
        hits = [_hit(paragraphs[k], s, plan, meta) for k, s in keys if k in paragraphs]
        hits = [h for h in hits if h.coverage >= WEAK_COVERAGE]
        hit = max(hits, key=lambda h: (h.coverage, h.score), default=None)
        if hit is not None:
            hit = _with_excerpt(hit, searcher, plan, query.phrases)
        entries.append(TimelineEntry(meta, hit))
    return Timeline(query.text, tuple(entries), query.problem)


def _candidates(
    searcher: Searcher, plan: Plan, symbols: set[str]
) -> dict[str, list[tuple[tuple[str, int], float]]]:
    """Each report's best-scored paragraphs (best first)."""
    index = searcher.index
    best: dict[str, list[tuple[tuple[str, int], float]]] = {}
    for doc, score in index.top_k(plan.terms, len(index), weights=plan.weights):
        key = index.keys[doc]
        kept = best.setdefault(key[0], [])
        if key[0] in symbols and len(kept) < PER_REPORT_CANDIDATES:
            kept.append((key, score))
    return best


def _hit(paragraph: Paragraph, score: float, plan: Plan, meta: ReportMeta) -> Hit:
    """A candidate with its coverage of the question (as /ask computes it); excerpt added later."""
    present = Counter(paragraph_terms(paragraph))
    found = dict.fromkeys((t for t in plan.importance if t in present), 1.0)
    for term, typed in plan.origin.items():  # a typed word covered by another name for it
        if term in present:
            found[typed] = max(found.get(typed, 0.0), plan.credit.get(term, 1.0))
    total = sum(plan.importance.values()) or 1.0
    coverage = sum(plan.importance.get(t, 0.0) * c for t, c in found.items()) / total
    excerpt = best_excerpt(paragraph, {})
    return Hit(paragraph, score, excerpt, tuple(found), round(min(coverage, 1.0), 4), meta.date)


def _with_excerpt(
    hit: Hit, searcher: Searcher, plan: Plan, phrases: Sequence[tuple[str, ...]]
) -> Hit:
    weights: dict[str, float] = {}
    for t, w in zip(plan.terms, plan.weights, strict=True):
        if t in plan.importance or t in plan.origin:
            weights[t] = weights.get(t, 0.0) + term_idf(searcher, t) * w
    excerpt = best_excerpt(hit.paragraph, weights, phrases=phrases)
    return Hit(hit.paragraph, hit.score, excerpt, hit.matched, hit.coverage, hit.report_date)
