"""The semantic layer beside BM25: paragraph vectors, a query vector, and their fusion (pure).

BM25 finds the paragraphs that use the question's words; sentence vectors find the ones that
mean the same in other words ("how do they pay for things" -> revenue, financing). Neither alone
is enough (vectors alone ranked no better than BM25 on our questions), so the two are fused by a
convex combination of min-max-normalised scores over both candidate lists, the method that lifted
held-out questions most in our trial. BM25 keeps the last word where exact words matter:
search.py ranks paragraphs with a typed number, symbol or quoted phrase before the others.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.vectors import ReportVectors

# The vectors' share of the fused score (BM25 has the rest) follows how much of the question
# BM25's best paragraph holds (its coverage: the typed words' idf it matches, as for a hit): all
# of it, and the words are good evidence (0.3); none, and the question is in other words than
# the reports', which the vectors read better (0.8). Chosen on the tunable sets (dev, own, team),
# confirmed on fresh and blind (docs/search-quality.md). SEMANTIC_WEIGHT is a fixed share, the
# one the models were compared at (benchmarks/compare_models.py).
VECTOR_SHARE_COVERED = 0.3
VECTOR_SHARE_UNCOVERED = 0.8
SEMANTIC_WEIGHT = 0.5
# A paragraph that shares no typed word with the question is shown only if its vector is at least
# this close to the question's; and a hit at least this close counts as an answer, not a guess.
MIN_SIMILARITY = 0.35
STRONG_SIMILARITY = 0.55
# Feedback in vector space (Rocchio): the question's vector plus the mean of its FEEDBACK_DOCS
# closest paragraphs' vectors, each weighing the same. Unlike BM25 feedback (which adds words and
# lost on unseen questions), it lifted all three of our sets a little (docs/search-quality.md).
FEEDBACK_DOCS = 3
FEEDBACK_WEIGHT = 1.0

Encode = Callable[[str], np.ndarray]


@dataclass(frozen=True)
class SemanticLayer:
    """Unit vectors of every indexed paragraph, in the BM25 index's doc order.

    They stay int8, as stored, and are widened a block at a time when compared with a question:
    a quarter of a float32 matrix's memory (370 MiB at a million paragraphs, not 1.5 GiB) and
    no slower, since the comparison is bound by memory, not arithmetic
    (benchmarks/bench_semantic_scale.py).
    """

    codes: np.ndarray  # (docs, dims) int8; a doc without a vector has a zero row
    scales: np.ndarray  # (docs,) float32: doc i's vector is codes[i] * scales[i]
    encode: Encode  # question -> unit vector (the model; loaded once)
    model: str

    @classmethod
    def align(
        cls,
        doc_reports: Sequence[tuple[str, Sequence[int]]],
        vectors: Mapping[str, ReportVectors],
        encode: Encode,
        model: str,
    ) -> SemanticLayer:
        """Lay each report's vectors out in index order; mismatched reports get zero rows."""
        dims = next((v.codes.shape[1] for v in vectors.values() if v.model == model), 384)
        total = sum(len(numbers) for _, numbers in doc_reports)
        codes = np.zeros((total, dims), dtype=np.int8)
        scales = np.zeros(total, dtype=np.float32)
        at = 0
        for symbol, numbers in doc_reports:
            stored = vectors.get(symbol)
            if stored is not None and stored.model == model and stored.numbers == tuple(numbers):
                codes[at : at + len(numbers)] = stored.codes
                scales[at : at + len(numbers)] = stored.scales
            at += len(numbers)
        return cls(codes, scales, encode, model)

    @classmethod
    def of_vectors(cls, vectors: np.ndarray, encode: Encode, model: str) -> SemanticLayer:
        """A layer over float vectors (one row per doc), quantised as ingest stores them."""
        stored = ReportVectors.quantise(model, range(len(vectors)), vectors)
        return cls(stored.codes, stored.scales, encode, model)

    def vectors(self, docs: Sequence[int]) -> np.ndarray:
        """The given docs' vectors as float32 rows."""
        picked = np.asarray(docs, dtype=np.intp)
        return self.codes[picked].astype(np.float32) * self.scales[picked, None]

    def similarities(self, query: np.ndarray) -> np.ndarray:
        """Cosine similarity of every doc to the query vector (both unit length)."""
        query = query.astype(np.float32)
        out = np.empty(len(self.codes), dtype=np.float32)
        wide = np.empty((min(_BLOCK, len(self.codes)), self.codes.shape[1]), dtype=np.float32)
        for lo in range(0, len(self.codes), _BLOCK):
            block = self.codes[lo : lo + _BLOCK]
            np.copyto(wide[: len(block)], block, casting="unsafe")  # int8 -> float32 is exact
            np.matmul(wide[: len(block)], query, out=out[lo : lo + len(block)])
        out *= self.scales
        return out


# Rows widened at a time: 1.5 MiB of float32 stays in cache between the copy and the product
# (at 1M docs, 1024 rows: as fast as a float32 matrix; 16384 rows: 1.7 times slower).
_BLOCK = 1024


def with_feedback(
    layer: SemanticLayer, query: np.ndarray, similarity: np.ndarray, allowed: np.ndarray | None
) -> np.ndarray:
    """Similarities to the question's vector moved toward its closest allowed paragraphs.

    Used to rank only: a paragraph's evidence (is it close enough to show, is the answer weak)
    stays its similarity to the question itself, which feedback would inflate.
    """
    closest = dense_top(similarity, FEEDBACK_DOCS, allowed)
    if not closest:
        return similarity
    moved = query.astype(np.float32) + FEEDBACK_WEIGHT * layer.vectors(closest).mean(axis=0)
    norm = float(np.linalg.norm(moved))
    return layer.similarities(moved / norm) if norm > 0 else similarity


def dense_top(similarity: np.ndarray, n: int, allowed: np.ndarray | None) -> list[int]:
    """The n docs closest to the question among those the filters allow."""
    scores = similarity if allowed is None else np.where(allowed, similarity, -np.inf)
    n = min(n, int(np.isfinite(scores).sum()))
    if n <= 0:
        return []
    best = np.argpartition(-scores, n - 1)[:n]
    return [int(d) for d in best[np.argsort(-scores[best], kind="stable")]]


def vector_share(coverage: float) -> float:
    """The vectors' share of the fused score when BM25's best paragraph has this coverage."""
    covered = min(max(coverage, 0.0), 1.0)
    return VECTOR_SHARE_UNCOVERED + (VECTOR_SHARE_COVERED - VECTOR_SHARE_UNCOVERED) * covered


def fuse(
    lexical: Sequence[tuple[int, float]],
    similarity: np.ndarray,
    dense: Sequence[int],
    weight: float = SEMANTIC_WEIGHT,
) -> list[tuple[int, float]]:
    """Convex combination of min-max-normalised BM25 and cosine scores over both lists.

    A doc outside BM25's list scores as its last entry (0 after normalising); ties keep
    BM25's order, then the vectors' order.
    """
    candidates = list(dict.fromkeys([d for d, _ in lexical] + list(dense)))
    if not candidates:
        return []
    bm25 = dict(lexical)
    lows = [s for _, s in lexical]
    lo, hi = (min(lows), max(lows)) if lows else (0.0, 0.0)
    sims = similarity[np.asarray(candidates)]
    s_lo, s_hi = float(sims.min()), float(sims.max())
    fused = []
    for position, doc in enumerate(candidates):
        b = (bm25.get(doc, lo) - lo) / (hi - lo) if hi > lo else (1.0 if doc in bm25 else 0.0)
        s = (float(sims[position]) - s_lo) / (s_hi - s_lo) if s_hi > s_lo else 0.0
        fused.append((doc, (1 - weight) * b + weight * s, position))
    fused.sort(key=lambda item: (-item[1], item[2]))
    return [(doc, score) for doc, score, _ in fused]
