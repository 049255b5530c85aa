"""BM25 with rank_bm25.BM25Okapi's scoring, vectorised with numpy and pruned for top-k.

Terms are identified by a 128-bit BLAKE2b digest (a collision is less likely than a bit flip in
RAM), so segments merge and blobs load with array operations only. Postings are CSR by term,
doc-ordered, with raw term frequencies: scores are computed in float64 with BM25Okapi's exact
expression. top_k skips doc blocks whose per-term block maxima cannot reach the k-th best score.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence

import numpy as np

K1 = 1.5  # BM25Okapi's term-frequency saturation
B = 0.75  # BM25Okapi's length normalisation
EPSILON = 0.25  # negative idf becomes EPSILON * mean idf, as BM25Okapi does
BLOCK_DOCS = 1024  # docs per block for block-max pruning (a power of two)
SEGMENT_MAGIC = b"RBSEG1\n"
INDEX_VERSION = 1
_SLACK = 1.0 + 1e-9  # bounds are summed in float64: never prune a doc whose score equals them
_FIRST_BLOCKS = 4  # blocks scored in the first pruning round; later rounds double it


def hash_terms(terms: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return the (hi, lo) uint64 halves of each term's 128-bit digest."""
    digests = b"".join(
        hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=16).digest() for t in terms
    )
    pairs = np.frombuffer(digests, dtype=">u8").reshape(-1, 2).astype(np.uint64)
    return pairs[:, 0].copy(), pairs[:, 1].copy()


# ---------------------------------------------------------------- containers


def _pack(header: dict[str, object], arrays: Mapping[str, np.ndarray], magic: bytes) -> bytes:
    """Concatenate arrays behind a JSON header naming dtype, shape and offset of each."""
    layout, chunks, offset = {}, [], 0
    for name, arr in arrays.items():
        raw = np.ascontiguousarray(arr).tobytes()
        layout[name] = [arr.dtype.str, list(arr.shape), offset, len(raw)]
        pad = -len(raw) % 8
        chunks.append(raw + b"\0" * pad)
        offset += len(raw) + pad
    head = json.dumps({**header, "arrays": layout}).encode()
    head += b" " * (-(len(magic) + 8 + len(head)) % 8)
    return magic + len(head).to_bytes(8, "little") + head + b"".join(chunks)


def _unpack(data: bytes, magic: bytes) -> tuple[dict[str, object], dict[str, np.ndarray]]:
    """Views (no copies) of the arrays in a container made by _pack."""
    if not data.startswith(magic):
        raise ValueError("not an index segment of this version; rebuild it from the paragraphs")
    size = int.from_bytes(data[len(magic) : len(magic) + 8], "little")
    start = len(magic) + 8
    header = json.loads(data[start : start + size])
    base = start + size
    arrays = {
        name: np.frombuffer(data, np.dtype(dt), int(np.prod(shape)), base + off).reshape(shape)
        for name, (dt, shape, off, _n) in header.pop("arrays").items()
    }
    return header, arrays


def _tf_dtype(max_tf: int) -> np.dtype:
    return np.dtype("<u2") if max_tf <= np.iinfo(np.uint16).max else np.dtype("<u4")


# ---------------------------------------------------------------- segments


def build_segment(
    report: str, numbers: Sequence[int], docs: Sequence[Sequence[str]], extras: bytes = b""
) -> bytes:
    """Pack one report's term statistics so the global index can be rebuilt without tokenising."""
    if len(numbers) != len(docs):
        raise ValueError(f"{report}: {len(numbers)} numbers for {len(docs)} docs")
    nums = np.asarray(numbers, dtype="<i8").reshape(-1)
    if np.unique(nums).size != nums.size:
        raise ValueError(f"{report}: paragraph numbers repeat")
    vocab: dict[str, int] = {}
    flat = [vocab.setdefault(tok, len(vocab)) for doc in docs for tok in doc]
    lengths = np.fromiter((len(doc) for doc in docs), dtype=np.int64, count=len(docs))
    terms = list(vocab)
    hi, lo = hash_terms(terms)
    order = np.lexsort((lo, hi))  # term ids of the segment: rank in digest order
    rank = np.empty(len(terms), dtype=np.int64)
    rank[order] = np.arange(len(terms))
    doc_of = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
    pair, tf = np.unique(rank[np.asarray(flat, dtype=np.int64)] * len(docs) + doc_of,
                         return_counts=True)  # fmt: skip
    post_term, post_doc = np.divmod(pair, max(len(docs), 1))
    words = [terms[i].encode("utf-8", "surrogatepass") for i in order]
    arrays = {
        "numbers": nums.astype("<i4"),
        "doc_len": lengths.astype("<i4"),
        "hash_hi": hi[order].astype("<u8"),
        "hash_lo": lo[order].astype("<u8"),
        "term_ptr": np.searchsorted(post_term, np.arange(len(terms) + 1)).astype("<i8"),
        "post_doc": post_doc.astype("<i4"),
        "post_tf": tf.astype(_tf_dtype(int(tf.max(initial=0)))),
        "word_ptr": np.cumsum([0, *map(len, words)], dtype=np.int64).astype("<i8"),
        "words": np.frombuffer(b"".join(words), dtype=np.uint8),
        "extras": np.frombuffer(extras, dtype=np.uint8),
    }
    return _pack({"report": report}, arrays, SEGMENT_MAGIC)


def read_segment_extras(data: bytes) -> bytes:
    """The opaque payload stored with a segment (the search layer's learned aliases)."""
    return _unpack(data, SEGMENT_MAGIC)[1]["extras"].tobytes()


def read_segment_report(data: bytes) -> str:
    """The report symbol a segment indexes."""
    return str(_unpack(data, SEGMENT_MAGIC)[0]["report"])


# ---------------------------------------------------------------- the index


class DocKeys(Sequence[tuple[str, int]]):
    """Doc index -> (report, paragraph number), without materialising a tuple per doc."""

    def __init__(self, reports: Sequence[tuple[str, int, int]], numbers: np.ndarray) -> None:
        self._names = [r for r, _s, _e in reports]
        self._starts = np.array([s for _r, s, _e in reports], dtype=np.int64)
        self._reports = tuple(reports)
        self._numbers = numbers

    def __len__(self) -> int:
        return int(self._numbers.size)

    def __getitem__(self, i: int) -> tuple[str, int]:  # type: ignore[override]
        i = range(len(self))[i]
        report = self._names[int(np.searchsorted(self._starts, i, side="right")) - 1]
        return report, int(self._numbers[i])

    def __iter__(self) -> Iterator[tuple[str, int]]:
        for report, start, stop in self._reports:
            for number in self._numbers[start:stop].tolist():
                yield report, number


class Bm25Index:
    """A global BM25Okapi index over every report's paragraphs, in citation order."""

    def __init__(self, meta: dict[str, object], arrays: Mapping[str, np.ndarray]) -> None:
        self._meta = meta
        self._a = dict(arrays)
        self._n = int(self._a["numbers"].size)
        self._reports = tuple((str(r), int(s), int(e)) for r, s, e in meta["reports"])  # type: ignore[attr-defined]
        self._slices = {r: slice(s, e) for r, s, e in self._reports}
        self.keys = DocKeys(self._reports, self._a["numbers"])
        self._shift = int(meta["block_shift"])  # type: ignore[arg-type]
        self._n_blocks = (self._n + (1 << self._shift) - 1) >> self._shift
        df = np.diff(self._a["term_ptr"])
        self.avgdl = float(meta["avgdl"])  # type: ignore[arg-type]
        self.idf, self.average_idf = _okapi_idf(self._n, df)
        doc_len = self._a["doc_len"].astype(np.float64)
        # BM25Okapi's denominator, in its operation order, so scores match it bit for bit.
        with np.errstate(divide="ignore", invalid="ignore"):
            self._norm = K1 * (1 - B + B * doc_len / self.avgdl) if self.avgdl else doc_len * 0

    # -- building and persistence

    @classmethod
    def from_segments(cls, segments: Sequence[bytes], *, block_docs: int = BLOCK_DOCS) -> Bm25Index:
        """Merge report segments, in the given order, into one index (idf and avgdl are global)."""
        if block_docs < 1 or block_docs & (block_docs - 1):
            raise ValueError("block_docs must be a power of two")
        parts = [_unpack(s, SEGMENT_MAGIC) for s in segments]
        names = [str(h["report"]) for h, _a in parts]
        if len(set(names)) != len(names):
            raise ValueError("a report appears in two segments")
        sizes = [a["numbers"].size for _h, a in parts]
        starts = np.cumsum([0, *sizes])
        hi = _cat([a["hash_hi"] for _h, a in parts], np.uint64)
        lo = _cat([a["hash_lo"] for _h, a in parts], np.uint64)
        order = np.lexsort((lo, hi))
        is_new = np.ones(hi.size, dtype=bool)
        is_new[1:] = (hi[order][1:] != hi[order][:-1]) | (lo[order][1:] != lo[order][:-1])
        global_id = np.empty(hi.size, dtype=np.int64)
        global_id[order] = np.cumsum(is_new) - 1
        term_base = np.cumsum([0, *[a["hash_hi"].size for _h, a in parts]])
        post_term = _cat(
            [
                global_id[base + np.repeat(np.arange(a["hash_hi"].size), np.diff(a["term_ptr"]))]
                for base, (_h, a) in zip(term_base, parts, strict=False)
            ],
            np.int64,
        )
        post_doc = _cat([a["post_doc"] + starts[i] for i, (_h, a) in enumerate(parts)], np.int64)
        post_tf = _cat([a["post_tf"] for _h, a in parts], np.uint32)
        by_term = np.argsort(post_term, kind="stable")  # segments are in doc order: stays sorted
        post_term, post_doc, post_tf = post_term[by_term], post_doc[by_term], post_tf[by_term]
        n_terms = int(is_new.sum())
        doc_len = _cat([a["doc_len"] for _h, a in parts], np.int64)
        n = int(doc_len.size)
        avgdl = int(doc_len.sum()) / n if n else 0.0
        arrays = {
            "numbers": _cat([a["numbers"] for _h, a in parts], np.int32).astype("<i4"),
            "doc_len": doc_len.astype("<i4"),
            "hash_hi": hi[order][is_new].astype("<u8"),
            "hash_lo": lo[order][is_new].astype("<u8"),
            "term_ptr": np.searchsorted(post_term, np.arange(n_terms + 1)).astype("<i8"),
            "post_doc": post_doc.astype("<i4"),
            "post_tf": post_tf.astype(_tf_dtype(int(post_tf.max(initial=0)))),
        }
        shift = block_docs.bit_length() - 1
        arrays.update(_block_maxima(post_term, post_doc, post_tf, doc_len, avgdl, n_terms, shift))
        reports = [[r, int(starts[i]), int(starts[i + 1])] for i, r in enumerate(names)]
        meta = {"version": INDEX_VERSION, "avgdl": avgdl, "block_shift": shift, "reports": reports}
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
        layout = meta.pop("arrays")
        arrays = {
            name: np.frombuffer(blobs[name], dtype=np.dtype(dt)).reshape(shape)
            for name, (dt, shape) in layout.items()
        }
        return cls(meta, arrays)

    # -- lookups

    def __len__(self) -> int:
        return self._n

    @property
    def reports(self) -> tuple[str, ...]:
        return tuple(r for r, _s, _e in self._reports)

    def report_slice(self, report: str) -> slice:
        """The contiguous doc range of one report; KeyError if it is not indexed."""
        return self._slices[report]

    def doc_index(self, report: str, number: int) -> int | None:
        span = self._slices.get(report)
        if span is None:
            return None
        hits = np.flatnonzero(self._a["numbers"][span] == number)
        return int(span.start + hits[0]) if hits.size else None

    def _term_id(self, term: str) -> int | None:
        hi, lo = (int(h[0]) for h in hash_terms([term]))
        his = self._a["hash_hi"]
        i = int(np.searchsorted(his, np.uint64(hi)))
        while i < his.size and int(his[i]) == hi:
            if int(self._a["hash_lo"][i]) == lo:
                return i
            i += 1
        return None

    def term_doc_frequency(self, term: str) -> int:
        t = self._term_id(term)
        return 0 if t is None else int(self._a["term_ptr"][t + 1] - self._a["term_ptr"][t])

    def has_term(self, term: str) -> bool:
        return self._term_id(term) is not None

    # -- scoring

    def _impacts(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        """Docs holding term t and their tf part of BM25 (idf not applied)."""
        ptr = self._a["term_ptr"]
        lo, hi = int(ptr[t]), int(ptr[t + 1])
        docs = self._a["post_doc"][lo:hi]
        tf = self._a["post_tf"][lo:hi]
        return docs, tf * (K1 + 1) / (tf + self._norm[docs])

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
        if weights is None:
            weights = [1.0] * len(query)
        if len(weights) != len(query):
            raise ValueError("one weight per query term")
        coef: dict[int, float] = {}
        for token, w in zip(query, weights, strict=True):
            if not (w >= 0 and np.isfinite(w)):
                raise ValueError(f"weights must be finite and >= 0, not {w!r}")
            t = self._term_id(token)
            if t is not None:
                coef[t] = coef.get(t, 0.0) + float(w)
        terms = [t for t, c in coef.items() if c and self.idf[t]]
        return terms, [coef[t] * float(self.idf[t]) for t in terms]

    def _dense(self, terms: list[int], mults: list[float]) -> np.ndarray:
        scores = np.zeros(self._n)
        for t, m in zip(terms, mults, strict=True):
            docs, impact = self._impacts(t)
            scores[docs] += m * impact
        return scores

    def _mask(self, allowed: np.ndarray | None) -> np.ndarray | None:
        if allowed is None:
            return None
        mask = np.asarray(allowed)
        if mask.dtype != np.bool_ or mask.shape != (self._n,):
            raise ValueError(f"allowed must be a boolean array of {self._n} docs")
        return mask

    def matching_count(self, query: Sequence[str], allowed: np.ndarray | None = None) -> int:
        """How many docs (within `allowed`) score above zero."""
        mask = self._mask(allowed)
        terms, mults = self._plan(query, None)
        if any(m < 0 for m in mults):
            hit = self._dense(terms, mults) > 0
        else:
            hit = np.zeros(self._n, dtype=bool)
            for t in terms:
                hit[self._impacts(t)[0]] = True
        return int(np.count_nonzero(hit & mask if mask is not None else hit))

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
            scores = self._dense(terms, mults)
            if mask is not None:
                scores[~mask] = 0.0
            return _best(np.arange(self._n), scores, k)
        return self._top_k_pruned(terms, mults, k, mask)

    def _top_k_pruned(
        self, terms: list[int], mults: list[float], k: int, mask: np.ndarray | None
    ) -> list[tuple[int, float]]:
        """Score the blocks with the highest upper bounds until no other block can compete."""
        ptr, eb, em = self._a["entry_ptr"], self._a["entry_block"], self._a["entry_max"]
        spans = [(int(ptr[t]), int(ptr[t + 1])) for t in terms]
        blocks = np.concatenate([eb[lo:hi] for lo, hi in spans])
        bound = np.concatenate(
            [m * em[lo:hi].astype(np.float64) for (lo, hi), m in zip(spans, mults, strict=True)]
        )
        ub = np.bincount(blocks, weights=bound, minlength=self._n_blocks) * _SLACK
        if mask is not None:
            starts = np.arange(0, self._n, 1 << self._shift)
            ub[~np.logical_or.reduceat(mask, starts)] = 0.0
        order = np.argsort(-ub, kind="stable")
        order = order[: np.count_nonzero(ub > 0)]
        docs, scores = np.empty(0, dtype=np.int64), np.empty(0)
        pos, batch = 0, _FIRST_BLOCKS
        while pos < order.size:
            if docs.size >= k:
                theta = np.partition(scores, -k)[-k]
                remaining = order[pos:][ub[order[pos:]] >= theta]
                if not remaining.size:
                    break
                order, pos = remaining, 0
            chosen = np.sort(order[pos : pos + batch])
            pos, batch = pos + batch, batch * 2
            d, s = self._score_blocks(terms, mults, chosen, mask)
            docs, scores = _keep_best(np.concatenate([docs, d]), np.concatenate([scores, s]), k)
        return _best(docs, scores, k)

    def _score_blocks(
        self, terms: list[int], mults: list[float], blocks: np.ndarray, mask: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Exact scores of every doc in the given (sorted) blocks; positive ones only."""
        shift, size = self._shift, 1 << self._shift
        edges = np.empty(2 * blocks.size, dtype=np.int64)
        edges[0::2], edges[1::2] = blocks << shift, (blocks + 1) << shift
        ptr, post_doc = self._a["term_ptr"], self._a["post_doc"]
        starts, lengths, range_mult = [], [], []
        for t, m in zip(terms, mults, strict=True):
            lo, hi = int(ptr[t]), int(ptr[t + 1])
            cut = np.searchsorted(post_doc[lo:hi], edges) + lo
            starts.append(cut[0::2])
            lengths.append(cut[1::2] - cut[0::2])
            range_mult.append(np.full(blocks.size, m))
        first, length = np.concatenate(starts), np.concatenate(lengths)
        total = int(length.sum())
        idx = np.repeat(first - np.cumsum(length) + length, length) + np.arange(total)
        docs = post_doc[idx]
        tf = self._a["post_tf"][idx]
        contrib = np.repeat(np.concatenate(range_mult), length) * (
            tf * (K1 + 1) / (tf + self._norm[docs])
        )
        local = np.searchsorted(blocks, docs >> shift) * size + (docs & (size - 1))
        sums = np.bincount(local, weights=contrib, minlength=blocks.size * size)
        doc_ids = ((blocks[:, None] << shift) + np.arange(size)).reshape(-1)
        keep = (sums > 0) & (doc_ids < self._n)
        if mask is not None:
            keep &= mask[np.minimum(doc_ids, self._n - 1)]
        return doc_ids[keep], sums[keep]


# ---------------------------------------------------------------- pure helpers


def _cat(arrays: Sequence[np.ndarray], dtype: type) -> np.ndarray:
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


def _block_maxima(
    post_term: np.ndarray,
    post_doc: np.ndarray,
    post_tf: np.ndarray,
    doc_len: np.ndarray,
    avgdl: float,
    n_terms: int,
    shift: int,
) -> dict[str, np.ndarray]:
    """Per (term, block) the largest tf part of BM25, rounded up to float32: pruning bounds."""
    if not post_term.size:
        return {
            "entry_ptr": np.zeros(1, "<i8"),
            "entry_block": np.empty(0, "<i4"),
            "entry_max": np.empty(0, "<f4"),
        }
    norm = K1 * (1 - B + B * doc_len.astype(np.float64) / avgdl)
    tf = post_tf.astype(np.float64)
    impact = tf * (K1 + 1) / (tf + norm[post_doc])
    key = post_term * ((int(doc_len.size) >> shift) + 1) + (post_doc >> shift)
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    best = np.maximum.reduceat(impact, first)
    upper = best.astype(np.float32)
    low = upper.astype(np.float64) < best
    upper[low] = np.nextafter(upper[low], np.float32(np.inf))
    return {
        "entry_ptr": np.searchsorted(post_term[first], np.arange(n_terms + 1)).astype("<i8"),
        "entry_block": (post_doc[first] >> shift).astype("<i4"),
        "entry_max": upper.astype("<f4"),
    }


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
