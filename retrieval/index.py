"""BM25 with rank_bm25.BM25Okapi's scoring, vectorised with numpy and pruned for top-k.

Terms are identified by a 128-bit BLAKE2b digest (a collision is less likely than a bit flip in
RAM), so segments merge and blobs load with array operations only. Postings are CSR by term,
doc-ordered, with raw term frequencies (exact float64 scores, BM25Okapi's expression and operation
order) and float32 impacts (tf part of BM25); terms in a quarter of the docs or more are stored as
dense rows instead. top_k accumulates float32 impacts into a reused buffer (np.add.at for sparse
terms, one vector add for dense ones), finds the k-th best through per-block maxima, and rescores
only the candidates near it exactly: no per-posting Python, no full sort.

Each report reaches the index as a segment, whose byte format lives in retrieval/segment.py; the
segment functions are re-exported here so callers that import them from the index keep working.
"""

from __future__ import annotations

import bisect
import json
import threading
from collections.abc import Iterator, Mapping, Sequence, Set
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from retrieval.segment import (
    SEGMENT_MAGIC,
    build_segment,
    hash_term,
    hash_terms,
    read_segment,
    read_segment_extras,
    read_segment_report,
    tf_dtype,
)

__all__ = [
    "BLOCK_DOCS",
    "DENSE_SHARE",
    "EPSILON",
    "INDEX_VERSION",
    "K1",
    "MAX_WEIGHT",
    "SEGMENT_MAGIC",
    "B",
    "Bm25Index",
    "DocKeys",
    "build_segment",
    "hash_terms",
    "read_segment_extras",
    "read_segment_report",
]

K1 = 0.9  # term-frequency saturation (BM25Okapi(k1=0.9, b=0.6); docs/search-quality.md)
B = 0.6  # length normalisation
EPSILON = 0.25  # negative idf becomes EPSILON * mean idf, as BM25Okapi does
BLOCK_DOCS = 1024  # docs per block when looking for the k-th best score (a power of two)
DENSE_SHARE = 0.25  # terms in at least this share of docs are stored as dense rows
INDEX_VERSION = 1
# Approximate (float32) scores are within ~(2 * terms + 2) * 6e-8 of exact ones (relative, all
# terms positive); candidates within this much larger margin of the k-th best are rescored
# exactly, so rounding never reorders or drops a hit.
_MARGIN_PER_TERM = 2e-6
_CHUNK = 1 << 22  # postings per step when computing impacts at build time
MAX_WEIGHT = 1e6  # query-term weights above this would overflow float32 accumulation
_TINY = 1e-30  # a term contributing less than this (times its impacts) is no evidence
_RESCALED = 1e-12  # multipliers rescaled for scoring stay within [this, 1 / this]


# ---------------------------------------------------------------- the index


class DocKeys(Sequence[tuple[str, int]]):
    """Doc index -> (report, paragraph number), without materialising a tuple per doc."""

    def __init__(self, reports: Sequence[tuple[str, int, int]], numbers: np.ndarray) -> None:
        self._names = [r for r, _s, _e in reports]
        self._starts = np.array([s for _r, s, _e in reports], dtype=np.int64)
        self._start_list = self._starts.tolist()  # bisect on a list: no numpy call per doc
        self._reports = tuple(reports)
        self._numbers = numbers

    def __len__(self) -> int:
        return int(self._numbers.size)

    @property
    def numbers(self) -> np.ndarray:
        """Each doc's paragraph number."""
        return self._numbers

    def __getitem__(self, i: int) -> tuple[str, int]:  # type: ignore[override]
        i = range(len(self))[i]
        return self._names[bisect.bisect_right(self._start_list, i) - 1], int(self._numbers[i])

    def many(self, docs: Sequence[int] | np.ndarray) -> list[tuple[str, int]]:
        """The keys of many docs at once (what a ranking needs): one numpy pass, not one per doc.
        IndexError for a doc outside the index, as keys[doc] would (negatives count from the end).
        """
        at = np.asarray(docs, dtype=np.int64).reshape(-1)
        n = len(self)
        if at.size and (int(at.min()) < -n or int(at.max()) >= n):
            raise IndexError("doc index out of range")
        at = np.where(at < 0, at + n, at)
        reports = np.searchsorted(self._starts, at, side="right") - 1
        names = self._names
        return list(
            zip([names[r] for r in reports.tolist()], self._numbers[at].tolist(), strict=True)
        )

    def __iter__(self) -> Iterator[tuple[str, int]]:
        for report, start, stop in self._reports:
            for number in self._numbers[start:stop].tolist():
                yield report, number


class Ranking:
    """top_k and top_k_counted, and the doc-range lookups, shared by the one-piece index and the
    tiered one: they differ only in how terms are planned and ranked (each defines `_plan`,
    `_all_scores`, `matching_count` and `_ranked`), not in these rules."""

    _n: int
    _reports: tuple[tuple[str, int, int], ...]  # (report, first doc, end) in doc order
    _slices: dict[str, slice]

    def __len__(self) -> int:
        return self._n

    @property
    def reports(self) -> tuple[str, ...]:
        return tuple(r for r, _s, _e in self._reports)

    def report_slice(self, report: str) -> slice:
        """The contiguous doc range of one report; KeyError if it is not indexed."""
        return self._slices[report]

    def _mask(self, allowed: np.ndarray | None) -> np.ndarray | None:
        return checked_mask(allowed, self._n)

    def _ranked(
        self, terms: list, mults: list[float], k: int, mask: np.ndarray | None, counted: list | None
    ) -> tuple[list[tuple[int, float]], int | None]:
        """Best k (doc, score); and the count of docs holding a `counted` term, or None."""
        raise NotImplementedError

    def _plan(
        self, query: Sequence[str], weights: Sequence[float] | None
    ) -> tuple[list, list[float]]:
        """The query's distinct known terms (in the index's own form) and their multipliers."""
        raise NotImplementedError

    def _all_scores(self, terms: Sequence, mults: Sequence[float]) -> np.ndarray:
        """Every doc's score (for degenerate corpora, where the bounds do not hold)."""
        raise NotImplementedError

    def matching_count(self, query: Sequence[str], allowed: np.ndarray | None = None) -> int:
        """How many docs (within `allowed`) hold one of the query's terms."""
        raise NotImplementedError

    def report_scores(
        self, query: Sequence[str], report: str, *, k1: float | None = None, b: float | None = None
    ) -> np.ndarray:
        """Exact BM25Okapi scores of one report's docs, in doc order, with k1 and b given (the
        index's own by default): a measure calibrated on fixed values, as novelty is, then stays
        put when the search's parameters are tuned. KeyError if the report is not indexed."""
        raise NotImplementedError

    def top_k(
        self,
        query: Sequence[str],
        k: int,
        *,
        weights: Sequence[float] | None = None,
        allowed: np.ndarray | None = None,
    ) -> list[tuple[int, float]]:
        """Best k (doc, score), best first, ties in doc order, zero scores dropped."""
        mask = self._mask(allowed)
        terms, mults = self._plan(query, weights)
        if k <= 0 or not terms:
            return []
        if any(m < 0 for m in mults):  # degenerate corpora: mean idf < 0, bounds don't hold
            scores = self._all_scores(terms, mults)
            if mask is not None:
                scores[~mask] = 0.0
            return _best(np.arange(self._n), scores, k)
        return self._ranked(terms, mults, k, mask, None)[0]

    def top_k_counted(
        self,
        query: Sequence[str],
        k: int,
        *,
        weights: Sequence[float] | None = None,
        allowed: np.ndarray | None = None,
        count: Sequence[str] = (),
    ) -> tuple[list[tuple[int, float]], int]:
        """top_k, and matching_count(count, allowed) from the same pass over the postings when
        every term of `count` is scored (the usual case: they are the question's own words)."""
        mask = self._mask(allowed)
        terms, mults = self._plan(query, weights)
        counted, count_mults = self._plan(count, None)
        if k <= 0 or not terms or min(mults + count_mults, default=0.0) < 0:
            return self.top_k(query, k, weights=weights, allowed=allowed), self.matching_count(
                count, allowed
            )
        hits, total = self._ranked(terms, mults, k, mask, counted)
        return hits, self.matching_count(count, allowed) if total is None else total


class Bm25Index(Ranking):
    """A global BM25Okapi index over every report's paragraphs, in citation order."""

    def __init__(self, meta: dict[str, Any], arrays: Mapping[str, np.ndarray]) -> None:
        self._meta = meta
        self._a = dict(arrays)
        self._n = int(self._a["numbers"].size)
        self._reports = tuple((str(r), int(s), int(e)) for r, s, e in meta["reports"])
        self._slices = {r: slice(s, e) for r, s, e in self._reports}
        self.keys = DocKeys(self._reports, self._a["numbers"])
        self._local = threading.local()
        self._shift = int(meta["block_shift"])
        self._n_blocks = (self._n + (1 << self._shift) - 1) >> self._shift
        df = self._a["df"]
        self._dense_row = {int(t): row for row, t in enumerate(self._a["dense_terms"])}
        self.avgdl = float(meta["avgdl"])
        self.idf, self.average_idf = _okapi_idf(self._n, df)
        doc_len = self._a["doc_len"].astype(np.float64)
        # BM25Okapi's denominator, in its operation order, so scores match it bit for bit.
        with np.errstate(divide="ignore", invalid="ignore"):
            self._norm = K1 * (1 - B + B * doc_len / self.avgdl) if self.avgdl else doc_len * 0

    # -- building and persistence

    @classmethod
    def from_segments(
        cls,
        segments: Sequence[bytes],
        *,
        block_docs: int = BLOCK_DOCS,
        dense_share: float = DENSE_SHARE,
    ) -> Bm25Index:
        """Merge report segments, in the given order, into one index (idf and avgdl are global)."""
        if block_docs < 1 or block_docs & (block_docs - 1):
            raise ValueError("block_docs must be a power of two")
        unpacked = [read_segment(s) for s in segments]
        names = [name for name, _a in unpacked]
        parts = [arrays for _n, arrays in unpacked]
        if len(set(names)) != len(names):
            raise ValueError("a report appears in two segments")
        starts = np.cumsum([0, *[a["numbers"].size for a in parts]])
        doc_len = _cat([a["doc_len"] for a in parts], np.int64)
        n = int(doc_len.size)
        avgdl = int(doc_len.sum()) / n if n else 0.0
        arrays = {
            "numbers": _cat([a["numbers"] for a in parts], np.int32).astype("<i4"),
            "doc_len": doc_len.astype("<i4"),
            **_merge_postings(parts, starts),
        }
        arrays.update(_store_postings(arrays, doc_len, avgdl, dense_share))
        reports = [[r, int(starts[i]), int(starts[i + 1])] for i, r in enumerate(names)]
        shift = block_docs.bit_length() - 1
        meta = {
            "version": INDEX_VERSION,
            "bm25": [K1, B],
            "avgdl": avgdl,
            "block_shift": shift,
            "reports": reports,
        }
        return cls(meta, arrays)

    def to_blobs(self) -> dict[str, bytes]:
        """One blob per array plus "meta" (JSON): what store.py persists."""
        layout = {name: [a.dtype.str, list(a.shape)] for name, a in self._a.items()}
        meta = {**self._meta, "arrays": layout}
        return {"meta": json.dumps(meta).encode(), **{k: a.tobytes() for k, a in self._a.items()}}

    @classmethod
    def from_blobs(cls, blobs: Mapping[str, bytes]) -> Bm25Index:
        """Load without copying: every array is a view of its blob."""
        meta = json.loads(blobs["meta"])
        if meta.get("version") != INDEX_VERSION:
            raise ValueError("index blobs of another version; rebuild the index from segments")
        if meta.get("bm25") != [K1, B]:  # stored impacts are computed with k1 and b
            raise ValueError("index blobs built with other BM25 parameters; rebuild from segments")
        layout = meta.pop("arrays")
        arrays = {
            name: np.frombuffer(blobs[name], dtype=np.dtype(dt)).reshape(shape)
            for name, (dt, shape) in layout.items()
        }
        return cls(meta, arrays)

    # -- lookups

    def doc_index(self, report: str, number: int) -> int | None:
        span = self._slices.get(report)
        if span is None:
            return None
        hits = np.flatnonzero(self._a["numbers"][span] == number)
        return int(span.start + hits[0]) if hits.size else None

    def _term_id(self, term: str) -> int | None:
        hi, lo = hash_term(term)
        return self._term_id_of(hi, lo)

    def _term_id_of(self, hi: int, lo: int) -> int | None:
        """The local id of the term with this digest, or None."""
        his = self._a["hash_hi"]
        i = int(np.searchsorted(his, np.uint64(hi)))
        while i < his.size and int(his[i]) == hi:
            if int(self._a["hash_lo"][i]) == lo:
                return i
            i += 1
        return None

    def term_doc_frequency(self, term: str) -> int:
        t = self._term_id(term)
        return 0 if t is None else int(self._a["df"][t])

    def has_term(self, term: str) -> bool:
        return self._term_id(term) is not None

    # -- scoring

    def _postings(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        """Docs holding term t (ascending) and the term's frequency in each."""
        row = self._dense_row.get(t)
        if row is not None:
            docs = np.flatnonzero(self._a["dense_tf"][row])
            return docs, self._a["dense_tf"][row][docs]
        lo, hi = int(self._a["term_ptr"][t]), int(self._a["term_ptr"][t + 1])
        return self._a["post_doc"][lo:hi], self._a["post_tf"][lo:hi]

    def _norm_of(
        self, docs: np.ndarray, avgdl: float, k1: float | None = None, b: float | None = None
    ) -> np.ndarray:
        """BM25Okapi's length normalisation of `docs` for a collection of average length avgdl
        (the tiered index passes the whole collection's; elementwise, so bit for bit the same)."""
        k1, b = K1 if k1 is None else k1, B if b is None else b
        if avgdl == self.avgdl and (k1, b) == (K1, B):
            return self._norm[docs]
        doc_len = self._a["doc_len"][docs].astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            return k1 * (1 - b + b * doc_len / avgdl) if avgdl else doc_len * 0

    def _impacts(self, t: int, avgdl: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Docs holding term t and their tf part of BM25 in float64 (idf not applied)."""
        docs, tf = self._postings(t)
        norm = self._norm[docs] if avgdl is None else self._norm_of(docs, avgdl)
        return docs, tf * (K1 + 1) / (tf + norm)

    def get_scores(self, query: Sequence[str]) -> np.ndarray:
        """BM25Okapi.get_scores: every doc's score, repeated terms counted, unknown terms 0."""
        scores = np.zeros(self._n)
        for token in query:
            t = self._term_id(token)
            if t is not None and self.idf[t]:
                docs, impact = self._impacts(t)
                scores[docs] += self.idf[t] * impact
        return scores

    def _plan(
        self, query: Sequence[str], weights: Sequence[float] | None
    ) -> tuple[list[int], list[float]]:
        """Distinct known terms and their multipliers (idf x summed weights), zeros dropped."""
        coef: dict[int, float] = {}
        for token, w in zip(query, checked_weights(query, weights), strict=True):
            t = self._term_id(token)
            if t is not None:
                coef[t] = coef.get(t, 0.0) + float(w)
        terms = [t for t, c in coef.items() if abs(c * self.idf[t]) > _TINY]
        return terms, [coef[t] * float(self.idf[t]) for t in terms]

    def _all_scores(
        self, terms: Sequence[int], mults: Sequence[float], avgdl: float | None = None
    ) -> np.ndarray:
        """Every doc's score, terms added in the given order (a term may repeat)."""
        scores = np.zeros(self._n)
        for t, m in zip(terms, mults, strict=True):
            docs, impact = self._impacts(t, avgdl)
            scores[docs] += m * impact
        return scores

    def _hits(self, terms: Sequence[int]) -> np.ndarray:
        """Which docs hold at least one of the terms."""
        hit = np.zeros(self._n, dtype=bool)
        for t in terms:
            row = self._dense_row.get(t)
            if row is None:  # numpy indexes 3x faster with intp indices than with int32 ones
                hit.view(np.uint8)[self._postings(t)[0].astype(np.intp)] = 1
            else:
                np.logical_or(hit, self._a["dense_tf"][row], out=hit)
        return hit

    def matching_count(self, query: Sequence[str], allowed: np.ndarray | None = None) -> int:
        """How many docs (within `allowed`) score above zero."""
        mask = self._mask(allowed)
        terms, mults = self._plan(query, None)
        hit = self._all_scores(terms, mults) > 0 if any(m < 0 for m in mults) else self._hits(terms)
        return int(np.count_nonzero(hit & mask if mask is not None else hit))

    def report_scores(
        self, query: Sequence[str], report: str, *, k1: float | None = None, b: float | None = None
    ) -> np.ndarray:
        span = self.report_slice(report)
        terms, mults = self._plan(query, None)
        return self._exact(terms, mults, np.arange(span.start, span.stop), self.avgdl, k1, b)

    def _ranked(
        self,
        terms: list[int],
        mults: list[float],
        k: int,
        mask: np.ndarray | None,
        counted: Sequence[int] | None,
    ) -> tuple[list[tuple[int, float]], int | None]:
        return self._top_k_and_count(
            terms, mults, k, mask, None, None if counted is None else set(counted)
        )

    def _scratch(self) -> tuple[np.ndarray, np.ndarray]:
        """Zeroed float32 accumulator of whole blocks and a temporary, per thread, reused.

        A term's docs are still converted to intp in a fresh array each time: kept in a third
        reused buffer, they made a question's first ask take ~20 more page faults (~7 µs each
        in a virtual machine), because the allocator then met the other temporaries' sizes
        later (docs/operations.md, "The eighth pass")."""
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            acc = np.zeros(self._n_blocks << self._shift, dtype=np.float32)
            scratch = self._local.scratch = (acc, np.empty(self._n, dtype=np.float32))
        return scratch

    def _top_k_and_count(
        self,
        terms: list[int],
        mults: list[float],
        k: int,
        mask: np.ndarray | None,
        avgdl: float | None = None,
        counted: Set[int] | None = None,
    ) -> tuple[list[tuple[int, float]], int | None]:
        """Approximate scores of every doc, then the exact scores of the docs near the top; and,
        when every term of `counted` is among `terms`, how many docs (within `mask`) hold one.

        The counted terms are added first: at that point a doc's sum is positive exactly when it
        holds one of them (every impact is positive), so the count costs one comparison pass
        instead of matching_count's own pass over their postings. The order in which terms are
        added changes float32 rounding only, which the rescoring margin covers.

        With `avgdl` (the whole collection's, when this index is one tier of several), the
        stored impacts were computed for another average length: each is then off by at most the
        ratio of the two (the length term of the denominator scales by at most that), so the
        rescoring margin is widened by its square and candidates are rescored with `avgdl`.
        """
        avgdl = self.avgdl if avgdl is None else avgdl
        drift = max(avgdl / self.avgdl, self.avgdl / avgdl) if avgdl and self.avgdl else 1.0
        ptr, post_doc, impact = self._a["term_ptr"], self._a["post_doc"], self._a["post_impact"]
        acc, tmp = self._scratch()
        head = acc[: self._n]
        spans = [(int(ptr[t]), int(ptr[t + 1])) for t in terms]
        counting = counted is not None and counted <= set(terms)
        # The counted terms first (then the rest), dense rows first within each group, then
        # the longest lists: the very first term is written over the (zero) accumulator, not
        # added to it (a plain scatter is ~20% faster than add.at).
        group = [counting and terms[i] in counted for i in range(len(terms))]  # type: ignore[operator]
        order = sorted(
            range(len(terms)),
            key=lambda i: (
                not group[i],
                terms[i] not in self._dense_row,
                spans[i][0] - spans[i][1],
            ),
        )
        counted_terms = sum(group)
        # Approximate scores only choose the candidates, so any positive scale will do: in units
        # of the longest sparse list's multiplier, its impacts are added as stored, with no
        # multiplication pass over them (float32 rounding is relative: the margin still holds).
        sparse = [i for i in range(len(terms)) if terms[i] not in self._dense_row]
        unscaled = max(sparse, key=lambda i: spans[i][1] - spans[i][0], default=None)
        unit = mults[unscaled] if unscaled is not None else 1.0
        if not _RESCALED <= min(mults) / unit <= max(mults) / unit <= 1 / _RESCALED:
            unscaled, unit = None, 1.0  # extreme weights: keep float32 far from its limits
        total: int | None = None
        try:
            for step, i in enumerate(order):
                if counting and step == counted_terms:
                    total = _positive_count(head, mask)
                (lo, hi), m, row = spans[i], mults[i] / unit, self._dense_row.get(terms[i])
                if row is None:  # products into the reused buffers: no allocation per term
                    # add.at is ~25% faster with intp indices, conversion included
                    docs = post_doc[lo:hi].astype(np.intp)
                    values = impact[lo:hi]
                    if i != unscaled:
                        values = np.multiply(values, np.float32(m), out=tmp[: hi - lo])
                    if step == 0:  # a term's docs are distinct: a plain scatter will do
                        acc[docs] = values
                    else:
                        np.add.at(acc, docs, values)
                elif step == 0:
                    np.multiply(self._a["dense_impact"][row], np.float32(m), out=head)
                else:
                    np.multiply(self._a["dense_impact"][row], np.float32(m), out=tmp)
                    head += tmp
            if counting and total is None:  # every term was counted
                total = _positive_count(head, mask)
            if mask is not None:
                np.copyto(head, np.float32(0.0), where=~mask)
            margin = 1 - (1 - _MARGIN_PER_TERM * (len(terms) + 2)) / drift**2
            # Narrower blocks mean fewer candidates, wider ones a faster pass for their maxima
            # (at 1M docs, 1024 wide: 0.10 ms against 0.12 at 512, and 3% less for a top_k);
            # below 256 docs numpy's max gets slow.
            width = min(1 << self._shift, max(256, 1 << max(self._n >> 10, 1).bit_length()))
            candidates = _near_top(acc, width, k, margin)
        finally:
            touched = sum(hi - lo for lo, hi in spans)
            if touched > self._n >> 3 or any(t in self._dense_row for t in terms):
                acc.fill(0.0)
            else:
                for lo, hi in spans:
                    acc[post_doc[lo:hi].astype(np.intp)] = 0.0
        return _best(candidates, self._exact(terms, mults, candidates, avgdl), k), total

    def _exact(
        self,
        terms: list[int],
        mults: list[float],
        docs: np.ndarray,
        avgdl: float,
        k1: float | None = None,
        b: float | None = None,
    ) -> np.ndarray:
        """BM25Okapi scores of the given ascending docs, summed in query-term order."""
        ptr, post_doc, post_tf = self._a["term_ptr"], self._a["post_doc"], self._a["post_tf"]
        scores = np.zeros(docs.size)
        norm = self._norm_of(docs, avgdl, k1, b)  # elementwise: as per term's docs
        k1 = K1 if k1 is None else k1
        wanted = docs.astype(post_doc.dtype)
        for t, m in zip(terms, mults, strict=True):
            row = self._dense_row.get(t)
            if row is not None:
                tf = self._a["dense_tf"][row][docs]
                found = tf > 0
                tf = tf[found]
            else:
                lo, hi = int(ptr[t]), int(ptr[t + 1])
                if hi == lo:
                    continue
                span_docs = post_doc[lo:hi]  # int32: searched with int32 docs, or numpy
                at = span_docs.searchsorted(wanted)  # would copy the span to int64 first
                np.minimum(at, hi - lo - 1, out=at)
                found = span_docs[at] == docs
                tf = post_tf[lo:hi][at[found]]
            scores[found] += m * (tf * (k1 + 1) / (tf + norm[found]))
        return scores


# ---------------------------------------------------------------- pure helpers


def checked_weights(query: Sequence[str], weights: Sequence[float] | None) -> Sequence[float]:
    """One weight per query term (1 each by default), each within 0..MAX_WEIGHT."""
    if weights is None:
        return [1.0] * len(query)
    if len(weights) != len(query):
        raise ValueError("one weight per query term")
    for w in weights:
        if not 0 <= w <= MAX_WEIGHT:  # also refuses NaN
            raise ValueError(f"weights must be between 0 and {MAX_WEIGHT:g}, not {w!r}")
    return weights


def checked_mask(allowed: np.ndarray | None, n: int) -> np.ndarray | None:
    """`allowed` as a boolean mask of the n docs (None: every doc)."""
    if allowed is None:
        return None
    mask = np.asarray(allowed)
    if mask.dtype != np.bool_ or mask.shape != (n,):
        raise ValueError(f"allowed must be a boolean array of {n} docs")
    return mask


def _cat(arrays: Sequence[np.ndarray], dtype: DTypeLike) -> np.ndarray:
    return (
        np.concatenate([np.asarray(a, dtype=dtype) for a in arrays])
        if arrays
        else np.empty(0, dtype)
    )


def _okapi_idf(n: int, df: np.ndarray) -> tuple[np.ndarray, float]:
    """BM25Okapi._calc_idf: log((N-n+.5)/(n+.5)); negative values -> EPSILON * mean idf."""
    df = df.astype(np.float64)
    idf = np.log(n - df + 0.5) - np.log(df + 0.5)
    average = float(idf.mean()) if idf.size else 0.0
    return np.where(idf < 0, EPSILON * average, idf), average


def _merge_postings(parts: Sequence[dict[str, np.ndarray]], starts: np.ndarray) -> dict:
    """Global term ids (rank in digest order) and one posting list per term, doc-ascending.

    The "post_term" entry is the term of each posting and "df" each term's number of postings,
    for _store_postings to consume.
    """
    hi = _cat([a["hash_hi"] for a in parts], np.uint64)
    lo = _cat([a["hash_lo"] for a in parts], np.uint64)
    order = _digest_order(hi, lo)
    hi, lo = hi[order], lo[order]
    is_new = np.ones(hi.size, dtype=bool)
    is_new[1:] = (hi[1:] != hi[:-1]) | (lo[1:] != lo[:-1])
    # Each segment's postings are grouped by term: one run per (segment, term), in `order`'s
    # (term, segment) order, is where each run goes. Postings are moved a run at a time, with no
    # sort of the postings themselves (what a stable sort of them by term would give).
    run_len = _cat([np.diff(a["term_ptr"]) for a in parts], np.int64)[order]
    run_from = _cat(
        [a["term_ptr"][:-1] + b for a, b in zip(parts, _posting_bases(parts), strict=True)],
        np.int64,
    )[order]
    by_term = _run_gather(run_from, run_len)
    post_term = np.repeat((np.cumsum(is_new) - 1).astype(np.int32), run_len)
    post_doc = _cat(  # doc ids are int32: the sums stay int32, with no int64 temporaries
        [a["post_doc"] + np.int32(start) for a, start in zip(parts, starts, strict=False)],
        np.int32,
    )
    tf_type = max((a["post_tf"].dtype for a in parts), key=lambda d: d.itemsize, default="u1")
    first_runs = np.flatnonzero(is_new)  # each term's first run
    return {
        "hash_hi": hi[is_new].astype("<u8"),
        "hash_lo": lo[is_new].astype("<u8"),
        "df": np.add.reduceat(run_len, first_runs) if first_runs.size else run_len,
        "post_term": post_term,
        "post_doc": post_doc[by_term],
        "post_tf": _cat([a["post_tf"] for a in parts], tf_type)[by_term],
    }


def _run_gather(run_from: np.ndarray, run_len: np.ndarray) -> np.ndarray:
    """Indices that read the runs [run_from, run_from + run_len) one after the other: ones,
    with a jump where a run starts, summed (one pass, one array, even at 10^8 postings)."""
    runs = run_len > 0
    run_from, run_len = run_from[runs], run_len[runs]
    total = int(run_len.sum())
    dtype = (
        np.int32 if total < 2**31 and (run_from.size == 0 or run_from.max() < 2**31) else np.int64
    )
    steps = np.ones(total, dtype=dtype)
    if total:
        run_to = np.cumsum(run_len) - run_len
        steps[run_to[1:]] = run_from[1:] - (run_from[:-1] + run_len[:-1] - 1)
        steps[0] = run_from[0]
    return np.cumsum(steps, out=steps)


def _posting_bases(parts: Sequence[dict[str, np.ndarray]]) -> np.ndarray:
    """Where each segment's postings start once all are concatenated."""
    return np.cumsum([0, *[a["post_doc"].size for a in parts]])[:-1]


def _digest_order(hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
    """The stable order of terms by (hi, lo) digest. Each segment's terms are already in digest
    order, so a stable sort on hi (timsort merges the runs) does it unless two digests share
    a hi with their lo out of order (never seen, but then the full sort)."""
    order = np.argsort(hi, kind="stable")
    sorted_hi, sorted_lo = hi[order], lo[order]
    tied = sorted_hi[1:] == sorted_hi[:-1]
    if tied.any() and (sorted_lo[1:][tied] < sorted_lo[:-1][tied]).any():
        return np.lexsort((lo, hi))
    return order


def _store_postings(
    arrays: dict[str, np.ndarray], doc_len: np.ndarray, avgdl: float, dense_share: float
) -> dict[str, np.ndarray]:
    """Split merged postings: common terms become dense rows, the rest stay CSR by term."""
    post_term, post_doc, post_tf = arrays.pop("post_term"), arrays["post_doc"], arrays["post_tf"]
    df = arrays.pop("df")
    n, n_terms = doc_len.size, arrays["hash_hi"].size
    impact = _impacts32(post_doc, post_tf, doc_len, avgdl)
    tf_type = tf_dtype(int(post_tf.max(initial=0)))
    dense = np.flatnonzero(df >= np.ceil(n * dense_share))
    is_dense = np.zeros(n_terms, dtype=bool)
    is_dense[dense] = True
    in_dense = is_dense[post_term]
    dense_tf = np.zeros((dense.size, n), dtype=tf_type)
    dense_impact = np.zeros((dense.size, n), dtype="<f4")
    at = ((np.cumsum(is_dense) - 1)[post_term[in_dense]], post_doc[in_dense])
    dense_tf[at], dense_impact[at] = post_tf[in_dense], impact[in_dense]
    sparse = ~in_dense
    term_ptr = np.zeros(n_terms + 1, dtype="<i8")  # postings are by term: counts add up
    np.cumsum(np.where(is_dense, 0, df), out=term_ptr[1:])
    return {
        "df": df.astype("<i4"),
        "dense_terms": dense.astype("<i4"),
        "dense_tf": dense_tf,
        "dense_impact": dense_impact,
        "term_ptr": term_ptr,
        "post_doc": post_doc[sparse].astype("<i4", copy=False),
        "post_tf": post_tf[sparse].astype(tf_type, copy=False),
        "post_impact": impact[sparse],
    }


def _impacts32(
    post_doc: np.ndarray, post_tf: np.ndarray, doc_len: np.ndarray, avgdl: float
) -> np.ndarray:
    """The tf part of BM25 for every posting, as float32 (candidates are rescored exactly)."""
    out = np.empty(post_doc.size, dtype="<f4")
    if not post_doc.size:
        return out
    norm = K1 * (1 - B + B * doc_len.astype(np.float64) / avgdl)
    for lo in range(0, post_doc.size, _CHUNK):  # bounded float64 temporaries on big corpora
        tf = post_tf[lo : lo + _CHUNK].astype(np.float64)
        out[lo : lo + _CHUNK] = tf * (K1 + 1) / (tf + norm[post_doc[lo : lo + _CHUNK]])
    return out


def _near_top(acc: np.ndarray, width: int, k: int, margin: float) -> np.ndarray:
    """Docs whose approximate score may be among the best k, found through block maxima."""
    # Scores are >= +0.0, and non-negative floats order as their bit patterns do: the integer
    # max is SIMD-fast where the float one checks for NaN.
    best = acc.view(np.int32).reshape(-1, width).max(axis=1).view(np.float32)
    positive = best[best > 0]
    if not positive.size:
        return np.empty(0, dtype=np.int64)
    # k blocks reach their maxima, so the k-th best score is at least the k-th largest maximum.
    floor = np.partition(positive, -k)[-k] if positive.size >= k else positive.min() * 0
    lowest = floor * (1 - margin)
    blocks = np.flatnonzero(best >= lowest)
    blocks = blocks[best[blocks] > 0]
    # Only docs at or above `lowest` can be near the top (at least k docs reach `floor`): the
    # blocks' rows are copied whole (contiguous) and filtered, not gathered doc by doc.
    rows = acc.reshape(-1, width)[blocks]
    keep = (rows >= lowest) & (rows > 0) if lowest > 0 else rows > 0
    at = np.flatnonzero(keep)
    docs = blocks[at // width] * width + at % width
    values = rows.reshape(-1)[at]
    if docs.size > k:  # the k-th best among these is the k-th best overall
        docs = docs[values >= np.partition(values, -k)[-k] * (1 - margin)]
    return docs


def _positive_count(scores: np.ndarray, mask: np.ndarray | None) -> int:
    """How many of the (non-negative float32) scores are positive, within mask if given."""
    bits = scores.view(np.int32)  # sums of positive terms from +0.0: never -0.0
    return int(np.count_nonzero(bits if mask is None else (bits != 0) & mask))


def _keep_best(docs: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Drop candidates that can no longer enter the top k (ties with the k-th are kept)."""
    if docs.size <= k:
        return docs, scores
    keep = scores >= np.partition(scores, -k)[-k]
    return docs[keep], scores[keep]


def _best(docs: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """Best first, ties by doc order (citation order), positive scores only."""
    positive = scores > 0
    docs, scores = _keep_best(docs[positive], scores[positive], k)
    order = np.lexsort((docs, -scores))[:k]
    return list(zip(docs[order].tolist(), scores[order].tolist(), strict=True))
