"""A BM25 index that changes report by report: a large base, small tiers, tombstones.

Rebuilding the whole index for every ingest costs 25 s and 4.5 GiB at a million paragraphs, so,
as search engines do (Lucene's segments), the index is a stored *base* built from a set of
reports, plus small in-memory tiers built from the segments of reports added since, plus
*tombstones* for reports removed or replaced since (their docs are masked out). Collection
statistics are those of the live reports only: N, the total length and each term's document
frequency are the tiers' sums minus the tombstoned reports' own segments, so every score is still
exactly rank_bm25.BM25Okapi's over the current reports. Each tier's float32 impacts were computed
with its own average length; Bm25Index widens its rescoring margin by the drift and rescores the
candidates exactly, so the top k is exact too.

Docs are numbered as an index built from scratch over the live reports would number them: each
report's paragraphs contiguous, reports in citation order (the order key given). So doc ids,
`keys`, `report_slice` and the order of exact ties are the same as a fresh index's.

A TieredIndex never changes; `with_changes` returns a new one (snapshots keep theirs). Small
tiers merge with each other as they grow (geometrically, like Lucene's tiered policy); when they
hold too many docs, or tombstones too many, `needs_merge` says the base should be rebuilt, which
is the caller's (slow) business, done off the path of the person waiting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from retrieval.index import (
    EPSILON,
    Bm25Index,
    DocKeys,
    Ranking,
    checked_weights,
)
from retrieval.segment import hash_term, read_segment

SMALL_SHARE = 0.05  # the base is due for a rebuild when small tiers hold more of the docs
DEAD_SHARE = 0.10  # ... or when tombstones mask more of the base's docs
MAX_TIERS = 12  # ... or when there are more small tiers than this
TIER_FACTOR = 4  # a tier is merged into the one before it while that one is < 4x its size
TIER_MERGE_DOCS = 1 << 16  # small tiers merge only up to this many docs (a fraction of a second)
_TINY = 1e-30  # as Bm25Index: a term contributing less than this is no evidence
_CACHE_TERMS = 1 << 16  # term lookups kept per index (weighing asks for the same ones often)

OrderKey = Callable[[str], Any]


@dataclass(frozen=True)
class Tier:
    """One immutable index over some reports, and which of them are dead (tombstoned)."""

    index: Bm25Index
    segments: Mapping[str, bytes] | None  # a small tier's segments; None for the base
    dead: Mapping[str, bytes] = field(default_factory=dict)  # tombstoned report -> its segment

    @cached_property
    def spans(self) -> dict[str, slice]:
        return {r: self.index.report_slice(r) for r in self.index.reports}

    @cached_property
    def live_docs(self) -> int:
        return len(self.index) - sum(_width(self.spans[r]) for r in self.dead)

    def live_segments(self) -> dict[str, bytes]:
        assert self.segments is not None, "the base's segments are in the database"
        return {r: s for r, s in self.segments.items() if r not in self.dead}


@dataclass(frozen=True)
class _Term:
    df: int  # over the live reports
    local: tuple[int | None, ...]  # its id in each tier, None where the tier lacks it


class TieredIndex(Ranking):
    """Bm25Index's reading interface over a base, small tiers and tombstones (see the module)."""

    def __init__(self, tiers: Sequence[Tier], order: OrderKey) -> None:
        if not tiers or tiers[0].segments is not None:
            raise ValueError("the first tier is the base")
        self.tiers = tuple(tiers)
        self._order = order
        spans: list[tuple[Any, str, int, int, int]] = []  # (key, report, tier, start, stop)
        for i, tier in enumerate(self.tiers):
            for report, span in tier.spans.items():
                if report not in tier.dead:
                    spans.append((order(report), report, i, span.start, span.stop))
        spans.sort(key=lambda s: s[0])
        names = [s[1] for s in spans]
        if len(set(names)) != len(names):
            raise ValueError("a report is live in two tiers")
        starts = np.cumsum([0, *[stop - start for _k, _r, _t, start, stop in spans]])
        self._spans = [(r, t, a, b) for _k, r, t, a, b in spans]
        self._reports = tuple((r, int(starts[j]), int(starts[j + 1])) for j, r in enumerate(names))
        self._slices = {r: slice(a, b) for r, a, b in self._reports}
        self._n = int(starts[-1])
        total = sum(_total_length(t) for t in self.tiers)
        self.avgdl = total / self._n if self._n else 0.0
        self._delta_hi, self._delta_lo, self._delta_df = _delta(self.tiers)
        self._cache: dict[str, _Term] = {}
        self._cache_lock = threading.Lock()

    # -- building

    @classmethod
    def over(cls, base: SearchIndex, order: OrderKey) -> TieredIndex:
        """A one-piece index (as built or loaded, a searcher's before it goes live) as the base."""
        if not isinstance(base, Bm25Index):
            raise TypeError("TieredIndex.over takes a one-piece Bm25Index")
        return cls([Tier(base, None)], order)

    def with_changes(
        self, *, add: Mapping[str, bytes] = {}, remove: Mapping[str, bytes | None] = {}
    ) -> TieredIndex:
        """A new index with reports added, replaced (in both) or removed.

        `remove` maps each report leaving (or being replaced) to its segment as indexed, needed
        when it is in the base (the base's segments live in the database); None if unknown.
        """
        tiers = list(self.tiers)
        where = {r: t for r, t, _a, _b in self._spans}
        for report in dict.fromkeys([*remove, *add]):
            t = where.get(report)
            if t is None:
                if report in remove:
                    raise KeyError(f"{report} is not indexed")
                continue
            tier = tiers[t]
            old = remove.get(report) if tier.segments is None else tier.segments[report]
            if old is None:
                raise ValueError(f"the indexed segment of {report} is needed to remove it")
            tiers[t] = Tier(tier.index, tier.segments, {**tier.dead, report: old})
        if add:
            ordered = sorted(add, key=self._order)
            index = Bm25Index.from_segments([add[r] for r in ordered])
            tiers.append(Tier(index, dict(add)))
        return TieredIndex(_compact(tiers, self._order), self._order)

    # -- what the caller needs to manage it

    @property
    def base(self) -> Bm25Index:
        return self.tiers[0].index

    @property
    def changed(self) -> bool:
        """Whether anything was added or removed since the base was built."""
        return len(self.tiers) > 1 or bool(self.tiers[0].dead)

    @property
    def needs_merge(self) -> bool:
        """Whether the base should be rebuilt from the live reports (see the thresholds)."""
        small = sum(t.live_docs for t in self.tiers[1:])
        dead = len(self.base) - self.tiers[0].live_docs
        return (
            len(self.tiers) - 1 > MAX_TIERS
            or small > SMALL_SHARE * max(self._n, 1)
            or dead > DEAD_SHARE * max(len(self.base), 1)
        )

    def live_segments(self) -> dict[str, bytes]:
        """The small tiers' live segments, by report (the base's are in the database)."""
        return {r: s for t in self.tiers[1:] for r, s in t.live_segments().items()}

    # -- lookups (Bm25Index's interface)

    @cached_property
    def keys(self) -> DocKeys:
        if not self.changed:
            return self.base.keys
        numbers = [self.tiers[t].index.keys.numbers[a:b] for _r, t, a, b in self._spans]
        numbers = numbers or [np.empty(0, dtype=np.int32)]
        return DocKeys(self._reports, np.concatenate(numbers))

    def doc_index(self, report: str, number: int) -> int | None:
        span = self._slices.get(report)
        if span is None:
            return None
        hits = np.flatnonzero(self.keys.numbers[span] == number)
        return int(span.start + hits[0]) if hits.size else None

    def term_doc_frequency(self, term: str) -> int:
        return self._term(term).df

    def has_term(self, term: str) -> bool:
        return self._term(term).df > 0

    def _term(self, term: str) -> _Term:
        found = self._cache.get(term)
        if found is not None:
            return found
        hi, lo = hash_term(term)
        local = tuple(t.index._term_id_of(hi, lo) for t in self.tiers)
        df = sum(
            int(t.index._a["df"][i])
            for t, i in zip(self.tiers, local, strict=True)
            if i is not None
        )
        j = int(np.searchsorted(self._delta_hi, np.uint64(hi)))
        while j < self._delta_hi.size and int(self._delta_hi[j]) == hi:
            if int(self._delta_lo[j]) == lo:
                df += int(self._delta_df[j])
                break
            j += 1
        found = _Term(df, local)
        with self._cache_lock:
            if len(self._cache) >= _CACHE_TERMS:
                self._cache.clear()
            self._cache[term] = found
        return found

    @cached_property
    def average_idf(self) -> float:
        """BM25Okapi's mean idf over every term of the live reports, in digest order (as a
        fresh index sums it, so the epsilon floor is bit for bit the same)."""
        if not self.changed:
            return self.base.average_idf
        base = self.base._a
        df = base["df"].astype(np.int64)
        hi, lo, delta = _delta(self.tiers, with_small=True)
        at = np.searchsorted(base["hash_hi"], hi).astype(np.int64)
        inside = np.minimum(at, max(df.size - 1, 0))
        if df.size:
            same_hi = (at < df.size) & (base["hash_hi"][inside] == hi)
            known = same_hi & (base["hash_lo"][inside] == lo)
        else:
            same_hi = known = np.zeros(hi.size, dtype=bool)
        for j in np.flatnonzero(same_hi & ~known):  # two digests share a high half: rare
            at[j] = _position(base["hash_hi"], base["hash_lo"], int(hi[j]), int(lo[j]))
            known[j] = at[j] < df.size and int(base["hash_lo"][at[j]]) == int(lo[j])
        np.add.at(df, at[known], delta[known])
        new = ~known & (delta > 0)
        df = np.insert(df, at[new], delta[new])
        df = df[df > 0].astype(np.float64)
        if not df.size:
            return 0.0
        return float((np.log(self._n - df + 0.5) - np.log(df + 0.5)).mean())

    def _idf(self, dfs: Sequence[int]) -> np.ndarray:
        df = np.asarray(dfs, dtype=np.float64)
        idf = np.log(self._n - df + 0.5) - np.log(df + 0.5)
        return np.where(idf < 0, EPSILON * self.average_idf, idf)

    # -- scoring

    def _drift(self, tier: Tier) -> float:
        a, own = self.avgdl, tier.index.avgdl
        return max(a / own, own / a) if a and own else 1.0

    def _plan(
        self, query: Sequence[str], weights: Sequence[float] | None
    ) -> tuple[list[_Term], list[float]]:
        """As Bm25Index._plan, with the live collection's idf."""
        coef: dict[str, float] = {}
        for token, w in zip(query, checked_weights(query, weights), strict=True):
            if self._term(token).df > 0:
                coef[token] = coef.get(token, 0.0) + float(w)
        terms = [self._term(t) for t in coef]
        idf = self._idf([t.df for t in terms]).tolist()
        kept = [(t, c * i) for t, c, i in zip(terms, coef.values(), idf, strict=True)]
        kept = [(t, m) for t, m in kept if abs(m) > _TINY]
        return [t for t, _m in kept], [m for _t, m in kept]

    @cached_property
    def _maps(self) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per tier: its live reports' local starts (ascending), global starts and widths."""
        rows: list[list[tuple[int, int, int]]] = [[] for _ in self.tiers]
        for (_r, t, a, b), (_r2, start, _e) in zip(self._spans, self._reports, strict=True):
            rows[t].append((a, start, b - a))
        out = []
        for row in rows:
            row.sort()
            arr = np.array(row, dtype=np.int64).reshape(-1, 3)
            out.append((arr[:, 0], arr[:, 1], arr[:, 2]))
        return out

    def _identity(self, t: int) -> bool:
        """Whether tier t's doc ids are the global ones (the base, nothing before or removed)."""
        local, start, _w = self._maps[t]
        return not self.tiers[t].dead and bool(np.array_equal(local, start))

    def _global(self, t: int, docs: np.ndarray) -> np.ndarray:
        local, start, _w = self._maps[t]
        j = np.searchsorted(local, docs, side="right") - 1
        return start[j] + (docs - local[j])

    @cached_property
    def _locals(self) -> list[np.ndarray | None]:
        """Per tier, the global id of each live local doc (None when they are the same)."""
        out: list[np.ndarray | None] = []
        for t, tier in enumerate(self.tiers):
            if self._identity(t):
                out.append(None)
                continue
            local, start, width = self._maps[t]
            ids = np.full(len(tier.index), -1, dtype=np.int64)
            for a, s, w in zip(local.tolist(), start.tolist(), width.tolist(), strict=True):
                ids[a : a + w] = np.arange(s, s + w)
            out.append(ids)
        return out

    def _local_mask(self, t: int, mask: np.ndarray | None) -> np.ndarray | None:
        """Which of tier t's docs may answer: live ones, within `mask` (global) if given."""
        ids = self._locals[t]
        if ids is None:
            return None if mask is None else mask[: len(self.tiers[t].index)]
        live = ids >= 0
        if mask is None:
            return live
        out = np.zeros(ids.size, dtype=bool)
        out[live] = mask[ids[live]]
        return out

    def _scatter(self, t: int, local: np.ndarray, out: np.ndarray) -> None:
        ids = self._locals[t]
        if ids is None:
            out[: local.size] = local
        else:
            live = ids >= 0
            out[ids[live]] = local[live]

    def _local_terms(
        self, t: int, terms: Sequence[_Term], mults: Sequence[float]
    ) -> tuple[list[int], list[float]]:
        pairs = [(term.local[t], m) for term, m in zip(terms, mults, strict=True)]
        kept = [(i, m) for i, m in pairs if i is not None]
        return [i for i, _m in kept], [m for _i, m in kept]

    def _all_scores(self, terms: Sequence[_Term], mults: Sequence[float]) -> np.ndarray:
        scores = np.zeros(self._n)
        for t, tier in enumerate(self.tiers):
            ids, ms = self._local_terms(t, terms, mults)
            if ids:
                self._scatter(t, tier.index._all_scores(ids, ms, self.avgdl), scores)
        return scores

    def get_scores(self, query: Sequence[str]) -> np.ndarray:
        """BM25Okapi.get_scores over the live reports (repeated terms counted, unknown 0)."""
        terms = [self._term(token) for token in query]
        terms = [t for t in terms if t.df > 0]
        idf = self._idf([t.df for t in terms]).tolist()
        kept = [(t, i) for t, i in zip(terms, idf, strict=True) if i]
        return self._all_scores([t for t, _i in kept], [i for _t, i in kept])

    def matching_count(self, query: Sequence[str], allowed: np.ndarray | None = None) -> int:
        mask = self._mask(allowed)
        terms, mults = self._plan(query, None)
        if any(m < 0 for m in mults):
            hit = self._all_scores(terms, mults) > 0
            return int(np.count_nonzero(hit & mask if mask is not None else hit))
        count = 0
        for t, tier in enumerate(self.tiers):
            ids, _ms = self._local_terms(t, terms, mults)
            if not ids:
                continue
            hit = tier.index._hits(ids)
            local = self._local_mask(t, mask)
            count += int(np.count_nonzero(hit & local if local is not None else hit))
        return count

    def report_scores(
        self, query: Sequence[str], report: str, *, k1: float | None = None, b: float | None = None
    ) -> np.ndarray:
        found = [(t, a, stop) for r, t, a, stop in self._spans if r == report]
        if not found:
            raise KeyError(report)
        t, a, stop = found[0]
        terms, mults = self._plan(query, None)
        ids, ms = self._local_terms(t, terms, mults)
        return self.tiers[t].index._exact(ids, ms, np.arange(a, stop), self.avgdl, k1, b)

    def _ranked(
        self,
        terms: list[_Term],
        mults: list[float],
        k: int,
        mask: np.ndarray | None,
        counted: list[_Term] | None,
    ) -> tuple[list[tuple[int, float]], int | None]:
        """Each tier's best k merged, and (when `counted` terms are all scored) the number of
        live docs within `mask` holding one of them; None when it could not be counted."""
        counting = counted is not None and set(counted) <= set(terms)
        found: list[tuple[int, float]] = []
        total: int | None = 0 if counting else None
        for t, tier in enumerate(self.tiers):
            ids, ms = self._local_terms(t, terms, mults)
            if not ids:
                continue
            local = self._local_mask(t, mask)
            own = set(self._local_terms(t, counted, [1.0] * len(counted))[0]) if counting else None  # type: ignore[arg-type]
            hits, count = tier.index._top_k_and_count(ids, ms, k, local, self.avgdl, own)
            if total is not None:
                total = None if count is None else total + count
            if not hits:
                continue
            docs = np.array([d for d, _s in hits], dtype=np.int64)
            ids_global = docs if self._locals[t] is None else self._global(t, docs)
            found += zip(ids_global.tolist(), [s for _d, s in hits], strict=True)
        found.sort(key=lambda hit: (-hit[1], hit[0]))
        return found[:k], total


# ---------------------------------------------------------------- helpers


def _position(his: np.ndarray, los: np.ndarray, hi: int, lo: int) -> int:
    """Where digest (hi, lo) is, or would go, in digest-sorted (his, los)."""
    i = int(np.searchsorted(his, np.uint64(hi)))
    while i < his.size and int(his[i]) == hi and int(los[i]) < lo:
        i += 1
    return i


def _width(span: slice) -> int:
    return span.stop - span.start


def _total_length(tier: Tier) -> int:
    doc_len = tier.index._a["doc_len"]
    total = int(doc_len.sum(dtype=np.int64))
    for report in tier.dead:
        total -= int(doc_len[tier.spans[report]].sum(dtype=np.int64))
    return total


def _segment_terms(segment: bytes, sign: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    _name, a = read_segment(segment)
    return a["hash_hi"], a["hash_lo"], sign * np.diff(a["term_ptr"]).astype(np.int64)


def _tier_terms(tier: Tier) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a = tier.index._a
    return a["hash_hi"], a["hash_lo"], a["df"].astype(np.int64)


def _delta(
    tiers: Sequence[Tier], *, with_small: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Document frequencies to add to the tiers' own, by digest (sorted): minus each tombstoned
    report's; with `with_small`, plus the small tiers' (the base's own are then the rest)."""
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for i, tier in enumerate(tiers):
        parts += [_segment_terms(s, -1) for s in tier.dead.values()]
        if with_small and i:
            parts.append(_tier_terms(tier))
    return _summed(parts)


def _summed(
    parts: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    parts = list(parts)
    if not parts:
        empty = np.empty(0, dtype=np.uint64)
        return empty, empty, np.empty(0, dtype=np.int64)
    hi = np.concatenate([p[0] for p in parts]).astype(np.uint64)
    lo = np.concatenate([p[1] for p in parts]).astype(np.uint64)
    value = np.concatenate([p[2] for p in parts]).astype(np.int64)
    order = np.lexsort((lo, hi))
    hi, lo, value = hi[order], lo[order], value[order]
    first = np.ones(hi.size, dtype=bool)
    first[1:] = (hi[1:] != hi[:-1]) | (lo[1:] != lo[:-1])
    starts = np.flatnonzero(first)
    return hi[starts], lo[starts], np.add.reduceat(value, starts)


def _compact(tiers: list[Tier], order: OrderKey) -> list[Tier]:
    """Drop small tiers with nothing live; merge the newest into the one before it while that
    one is not much larger (sizes stay geometric, so there are few tiers and merges are cheap)."""
    base, small = tiers[0], [t for t in tiers[1:] if t.live_docs or not len(t.index)]
    small = [t for t in small if t.live_segments()]
    while len(small) >= 2:
        last, before = small[-1], small[-2]
        merged_docs = last.live_docs + before.live_docs
        if before.live_docs > TIER_FACTOR * last.live_docs or merged_docs > TIER_MERGE_DOCS:
            break
        segments = {**before.live_segments(), **last.live_segments()}
        ordered = sorted(segments, key=order)
        index = Bm25Index.from_segments([segments[r] for r in ordered])
        small[-2:] = [Tier(index, segments)]
    return [base, *small]


# What a Searcher holds: a freshly built or loaded index is one piece; a live library's is tiered.
SearchIndex = Bm25Index | TieredIndex
