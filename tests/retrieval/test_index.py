"""retrieval.index is held to rank_bm25.BM25Okapi: same scores and top-10, real and odd corpora."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from retrieval.index import K1, B, Bm25Index
from retrieval.segment import build_segment
from retrieval.tokenize import tokenize

ROOT = Path(__file__).resolve().parents[2]
DEV_QUESTIONS = ROOT.parent / "shared" / "eval" / "dev_questions.json"
REL = 1e-9


def bundled() -> list[tuple[str, list[int], list[list[str]]]]:
    """The bundled reports as (symbol, numbers, tokens); the parser's view when it exists."""
    try:
        from corpus.files import bundled_reports
    except ImportError:
        return _crude_bundled()
    return [
        (r.symbol, [p.number for p in r.paragraphs], [tokenize(p.text) for p in r.paragraphs])
        for r in bundled_reports()
    ]


def _crude_bundled() -> list[tuple[str, list[int], list[list[str]]]]:
    """Lines starting with a paragraph number, first occurrence of each number."""
    reports = []
    for path in sorted((ROOT / "corpus" / "data").glob("*.txt")):
        found: dict[int, str] = {}
        for m in re.finditer(r"^(\d+)\. (.+)$", path.read_text(encoding="utf-8"), re.M):
            found.setdefault(int(m.group(1)), m.group(2))
        reports.append((path.stem, list(found), [tokenize(t) for t in found.values()]))
    return reports


def index_of(reports: list[tuple[str, list[int], list[list[str]]]], **kw: float) -> Bm25Index:
    return Bm25Index.from_segments([build_segment(*r) for r in reports], **kw)


def reference_ranking(scores: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list:
    """Best first, ties by doc order, positive only: what top_k promises."""
    if allowed is not None:
        scores = np.where(allowed, scores, 0.0)
    order = np.lexsort((np.arange(scores.size), -scores))
    return [(int(d), float(scores[d])) for d in order if scores[d] > 0][:k]


def assert_same_ranking(got: list, expected: list, scores: np.ndarray) -> None:
    """Same length and scores; docs may differ only inside ties; exact ties in doc order."""
    assert len(got) == len(expected)
    for (doc, score), (_d, want) in zip(got, expected, strict=True):
        assert score == pytest.approx(want, rel=REL)
        assert scores[doc] == pytest.approx(score, rel=REL)
    assert len({d for d, _s in got}) == len(got)
    for (d1, s1), (d2, s2) in itertools.pairwise(got):
        assert s1 >= s2
        if s1 == s2:
            assert d1 < d2


QUERIES = [
    "foreign terrorist fighters returning home",
    "ISIL financing oil revenue",
    "the of and",  # stopwords only: no terms
    "Marawi siege funding",
    "counter-terrorism counter terrorism counterterrorism",
    "Libya Libya Libya Sirte",
    "zzzunknownterm",
    "S/2017/573",
]


def dev_queries() -> list[str]:
    if not DEV_QUESTIONS.exists():
        return QUERIES
    return QUERIES + [q["question"] for q in json.loads(DEV_QUESTIONS.read_text())]


@pytest.mark.parametrize(("block_docs", "dense_share"), [(1024, 0.25), (8, 2.0), (1, 0.0)])
def test_bundled_corpus_matches_bm25okapi(block_docs: int, dense_share: float) -> None:
    reports = bundled()
    index = index_of(reports, block_docs=block_docs, dense_share=dense_share)
    reference = BM25Okapi([doc for _r, _n, docs in reports for doc in docs], k1=K1, b=B)
    assert len(index) == reference.corpus_size
    for question in dev_queries():
        query = tokenize(question)
        want = reference.get_scores(query)
        got = index.get_scores(query)
        np.testing.assert_allclose(got, want, rtol=REL, atol=0)
        top = index.top_k(query, 10)
        assert_same_ranking(top, reference_ranking(want, 10), want)
        assert index.matching_count(query) == int((want > 0).sum())


@given(
    sizes=st.lists(st.integers(0, 4), min_size=1, max_size=6),
    picks=st.lists(st.integers(-40, 40), max_size=30),
)
def test_many_keys_are_the_keys_of_each_doc(sizes: list[int], picks: list[int]) -> None:
    """keys.many(docs) is [keys[d] for d in docs], empty reports and negative docs included,
    and refuses a doc outside the index as keys[d] does."""
    segments = [
        build_segment(f"S/2000/{r}", [10 * r + i for i in range(size)], [["word"]] * size)
        for r, size in enumerate(sizes)
    ]
    keys = Bm25Index.from_segments(segments).keys
    inside = [d for d in picks if -len(keys) <= d < len(keys)]
    assert keys.many(inside) == [keys[d] for d in inside]
    assert keys.many(np.array(inside, dtype=np.int32)) == [keys[d] for d in inside]
    outside = [d for d in picks if d not in inside]
    for d in outside:
        with pytest.raises(IndexError):
            keys.many([*inside, d])
        with pytest.raises(IndexError):
            keys[d]


def test_bundled_keys_follow_citation_order() -> None:
    reports = bundled()
    index = index_of(reports)
    flat = [(symbol, n) for symbol, numbers, _d in reports for n in numbers]
    assert list(index.keys) == flat
    assert [index.keys[i] for i in (0, len(flat) - 1, -1)] == [flat[0], flat[-1], flat[-1]]
    for i, (symbol, number) in enumerate(flat):
        assert index.doc_index(symbol, number) == i
        span = index.report_slice(symbol)
        assert span.start <= i < span.stop
    assert index.doc_index(flat[0][0], 10_000) is None
    assert index.doc_index("S/1999/1", 1) is None
    with pytest.raises(KeyError):
        index.report_slice("S/1999/1")


# ---------------------------------------------------------------- generated corpora


def test_zipf_corpus_matches_bm25okapi() -> None:
    """Thousands of docs, many blocks, dense and sparse terms, near-ties from short docs."""
    rng = np.random.default_rng(7)
    vocab = [f"w{i}" for i in range(400)]
    docs = [
        [vocab[min(int(z), 399)] for z in rng.zipf(1.3, size=int(rng.integers(0, 40)))]
        for _ in range(3000)
    ]
    reports = [(f"S/{i}", list(range(1, 501)), docs[i * 500 : (i + 1) * 500]) for i in range(6)]
    index = index_of(reports, block_docs=16)
    reference = BM25Okapi(docs, k1=K1, b=B)
    for _ in range(60):
        query = [vocab[min(int(z), 399)] for z in rng.zipf(1.2, size=int(rng.integers(1, 8)))]
        want = reference.get_scores(query)
        np.testing.assert_allclose(index.get_scores(query), want, rtol=REL, atol=1e-12)
        for k in (1, 10, 50):
            assert_same_ranking(index.top_k(query, k), reference_ranking(want, k), want)


def test_extreme_weights_keep_the_ranking_and_the_count() -> None:
    """Weights a trillion times apart: the lightest term still counts every doc holding it,
    and the top k is still the brute-force one."""
    rng = np.random.default_rng(11)
    vocab = [f"w{i}" for i in range(200)]
    docs = [
        [vocab[min(int(z), 199)] for z in rng.zipf(1.3, size=int(rng.integers(1, 30)))]
        for _ in range(2000)
    ]
    index = index_of([("S/1", list(range(1, 2001)), docs)], block_docs=16)
    for _ in range(40):
        query = list(dict.fromkeys(rng.choice(vocab[:60], size=int(rng.integers(1, 6)))))
        weights = [float(w) for w in rng.choice([1e-6, 1e-3, 1.0, 1e3, 1e6], size=len(query))]
        brute = sum(
            (w * index.get_scores([t]) for t, w in zip(query, weights, strict=True)),
            np.zeros(len(docs)),
        )
        for k in (1, 10):
            got, count = index.top_k_counted(query, k, weights=weights, count=query)
            assert_same_ranking(got, reference_ranking(brute, k), brute)
            assert count == int((brute > 0).sum()) == index.matching_count(query)


WORDS = st.sampled_from(["a", "b", "c", "d", "e", "f", "gg", "été", "s/2018/80"])
DOCS = st.lists(st.lists(WORDS, max_size=12), min_size=1, max_size=30)
QUERY = st.lists(st.one_of(WORDS, st.just("zz-unknown")), max_size=6)
FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def corpora(
    draw: st.DrawFn,
) -> tuple[list[list[str]], list[tuple[str, list[int], list[list[str]]]]]:
    """Docs, optionally sharing a term everywhere (negative idf), split into 1-3 reports."""
    docs = draw(DOCS)
    if draw(st.booleans()):
        docs = [[*doc, "everywhere"] for doc in docs]
    cuts = sorted(draw(st.lists(st.integers(0, len(docs)), max_size=2)))
    bounds = [0, *cuts, len(docs)]
    reports = [
        (f"S/{i}", list(range(1, hi - lo + 1)), docs[lo:hi])
        for i, (lo, hi) in enumerate(itertools.pairwise(bounds))
    ]
    return docs, reports


def has_vocabulary(docs: list[list[str]]) -> bool:
    return any(docs)  # BM25Okapi divides by the vocabulary size


SHARES = st.sampled_from([0.0, 0.25, 0.6, 2.0])  # all dense .. none dense


@FAST
@given(corpora(), QUERY, st.sampled_from([1, 2, 4, 1024]), SHARES)
def test_generated_corpora_match_bm25okapi(
    corpus: tuple, query: list[str], block: int, share: float
) -> None:
    docs, reports = corpus
    if not has_vocabulary(docs):
        return
    index = index_of(reports, block_docs=block, dense_share=share)
    want = BM25Okapi(docs, k1=K1, b=B).get_scores(query)
    got = index.get_scores(query)
    assert np.isfinite(got).all()
    np.testing.assert_allclose(got, want, rtol=REL, atol=1e-12)
    assert_same_ranking(index.top_k(query, 10), reference_ranking(want, 10), want)


@FAST
@given(
    corpora(),
    st.lists(st.tuples(WORDS, st.sampled_from([0.0, 0.25, 0.5, 1.0, 3.0])), max_size=6),
    st.integers(1, 12),
    st.data(),
)
def test_top_k_agrees_with_brute_force(corpus: tuple, weighted: list, k: int, data: st.DataObject):
    docs, reports = corpus
    if not has_vocabulary(docs):
        return
    index = index_of(
        reports, block_docs=data.draw(st.sampled_from([1, 2, 8])), dense_share=data.draw(SHARES)
    )
    allowed = np.array(data.draw(st.lists(st.booleans(), min_size=len(docs), max_size=len(docs))))
    query = [t for t, _w in weighted]
    weights = [w for _t, w in weighted]
    brute = sum((w * index.get_scores([t]) for t, w in weighted), np.zeros(len(docs)))
    got = index.top_k(query, k, weights=weights, allowed=allowed)
    assert_same_ranking(got, reference_ranking(brute, k, allowed), brute)
    assert all(allowed[d] and s > 0 for d, s in got)
    # the count made in the same pass (when every counted word is scored) is matching_count's
    count = data.draw(st.lists(st.sampled_from([*query, "zzz", "aa"]) if query else WORDS))
    for mask in (None, allowed):
        counted = index.top_k_counted(query, k, weights=weights, allowed=mask, count=count)
        assert counted == (
            index.top_k(query, k, weights=weights, allowed=mask),
            index.matching_count(count, mask),
        )


@FAST
@given(corpora(), QUERY, st.data())
def test_matching_count_counts_positive_scores(corpus: tuple, query: list, data: st.DataObject):
    docs, reports = corpus
    if not has_vocabulary(docs):
        return
    index = index_of(reports, dense_share=data.draw(SHARES))
    allowed = np.array(data.draw(st.lists(st.booleans(), min_size=len(docs), max_size=len(docs))))
    scores = index.get_scores(query)
    assert index.matching_count(query) == int((scores > 0).sum())
    assert index.matching_count(query, allowed) == int(((scores > 0) & allowed).sum())


@FAST
@given(corpora(), SHARES)
def test_term_statistics(corpus: tuple, share: float) -> None:
    docs, reports = corpus
    index = index_of(reports, dense_share=share)
    for term in ["a", "everywhere", "été", "s/2018/80", "zz-unknown"]:
        df = sum(term in doc for doc in docs)
        assert index.term_doc_frequency(term) == df
        assert index.has_term(term) == (df > 0)


@FAST
@given(corpora(), QUERY)
def test_blobs_round_trip(corpus: tuple, query: list[str]) -> None:
    _docs, reports = corpus
    index = index_of(reports, block_docs=2, dense_share=0.5)
    blobs = {name: bytes(bytearray(data)) for name, data in index.to_blobs().items()}
    loaded = Bm25Index.from_blobs(blobs)
    assert len(loaded) == len(index)
    assert list(loaded.keys) == list(index.keys)
    np.testing.assert_array_equal(loaded.get_scores(query), index.get_scores(query))
    assert loaded.top_k(query, 5) == index.top_k(query, 5)
    assert loaded.to_blobs() == index.to_blobs()


def test_blobs_built_with_other_bm25_parameters_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Stored impacts hold k1 and b: an index saved under other values must be rebuilt."""
    reports = bundled()
    monkeypatch.setattr("retrieval.index.K1", K1 + 0.6)
    monkeypatch.setattr("retrieval.index.B", B + 0.15)
    stale = index_of(reports).to_blobs()
    monkeypatch.undo()
    with pytest.raises(ValueError, match="other BM25 parameters"):
        Bm25Index.from_blobs(stale)
    assert len(Bm25Index.from_blobs(index_of(reports).to_blobs())) == len(index_of(reports))


@FAST
@given(corpora(), QUERY)
def test_segment_order_and_removal(corpus: tuple, query: list[str]) -> None:
    _docs, reports = corpus
    segments = [build_segment(*r) for r in reports]
    reversed_index = Bm25Index.from_segments(segments[::-1])
    flat = [(symbol, n) for symbol, numbers, _d in reports[::-1] for n in numbers]
    assert list(reversed_index.keys) == flat
    kept = reports[1:]  # report 0 removed: idf and avgdl are those of the rest alone
    remaining = [doc for _r, _n, docs in kept for doc in docs]
    index = Bm25Index.from_segments(segments[1:])
    assert len(index) == len(remaining)
    if has_vocabulary(remaining):
        want = BM25Okapi(remaining, k1=K1, b=B).get_scores(query)
        np.testing.assert_allclose(index.get_scores(query), want, rtol=REL, atol=1e-12)
    assert reports[0][0] not in index.reports


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.text(min_size=1, max_size=8), max_size=5), min_size=1, max_size=8))
def test_any_string_is_a_term(docs: list[list[str]]) -> None:
    index = index_of([("S/1", list(range(1, len(docs) + 1)), docs)])
    for doc in docs:
        for term in doc:
            assert index.term_doc_frequency(term) == sum(term in d for d in docs)


# ---------------------------------------------------------------- edges


def test_exact_ties_are_in_doc_order() -> None:
    docs = [["x", "y"], ["y"], ["x", "y"], ["z"], ["x", "y"], ["v"], ["w"], ["u"]]
    index = index_of([("S/1", [8, 7, 6, 5, 4, 3, 2, 1], docs)], block_docs=1)
    top = index.top_k(["x"], 10)
    assert [d for d, _s in top] == [0, 2, 4]
    assert top[0][1] == top[1][1] == top[2][1] > 0
    assert [d for d, _s in index.top_k(["x"], 2)] == [0, 2]


def test_repeated_query_terms_count_twice() -> None:
    index = index_of([("S/1", [1, 2, 3], [["x", "y"], ["y", "y"], ["z"]])])
    np.testing.assert_allclose(index.get_scores(["x", "x"]), 2 * index.get_scores(["x"]))
    assert index.top_k(["x", "x"], 1)[0][1] == pytest.approx(2 * index.top_k(["x"], 1)[0][1])


def test_negative_idf_follows_bm25okapi() -> None:
    docs = [["a", "b"], ["a", "b"], ["a"], ["a", "b", "c"]]  # mean idf < 0: epsilon floor < 0
    index = index_of([("S/1", [1, 2, 3, 4], docs)])
    want = BM25Okapi(docs, k1=K1, b=B).get_scores(["a", "c"])
    np.testing.assert_allclose(index.get_scores(["a", "c"]), want, rtol=REL)
    assert all(s > 0 for _d, s in index.top_k(["a", "c"], 4))
    assert index.top_k(["a"], 4) == []  # every score negative: nothing answers


def test_empty_corpus_and_empty_query() -> None:
    empty = Bm25Index.from_segments([])
    assert len(empty) == 0
    assert empty.top_k(["x"], 3) == []
    assert empty.get_scores(["x"]).shape == (0,)
    assert empty.matching_count(["x"]) == 0
    assert Bm25Index.from_blobs(empty.to_blobs()).top_k(["x"], 3) == []
    blank = index_of([("S/1", [1, 2], [[], []])])
    assert blank.top_k(["x"], 3) == []
    assert blank.get_scores(["x"]).tolist() == [0.0, 0.0]
    index = index_of([("S/1", [1], [["x"]]), ("S/2", [], [])])
    assert index.top_k([], 3) == []
    assert index.top_k(["x"], 0) == []
    assert index.report_slice("S/2") == slice(1, 1)


def test_bad_input_is_refused() -> None:
    segment = build_segment("S/1", [1], [["x"]])
    with pytest.raises(ValueError, match="two segments"):
        Bm25Index.from_segments([segment, segment])
    with pytest.raises(ValueError, match="segment"):
        Bm25Index.from_segments([b"garbage"])
    index = Bm25Index.from_segments([segment])
    with pytest.raises(ValueError, match="weight"):
        index.top_k(["x"], 3, weights=[-1.0])
    with pytest.raises(ValueError, match="weight"):
        index.top_k(["x"], 3, weights=[1.0, 1.0])
    for bad in (float("nan"), float("inf"), 1e7):
        with pytest.raises(ValueError, match="weight"):
            index.top_k(["x"], 3, weights=[bad])
    with pytest.raises(ValueError, match="allowed"):
        index.top_k(["x"], 3, allowed=np.ones(5, dtype=bool))
