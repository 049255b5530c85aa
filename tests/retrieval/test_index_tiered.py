"""The tiered index (a base, small tiers, tombstones) answers exactly as an index built from
scratch over the reports it holds now, after any sequence of adds, removes and replaces."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from retrieval import tiered
from retrieval.index import K1, B, Bm25Index
from retrieval.segment import build_segment
from retrieval.tiered import TieredIndex

WORDS = st.sampled_from(["a", "b", "c", "d", "e", "f", "gg", "été", "rare", "everywhere"])
DOC = st.lists(WORDS, max_size=10)
REPORT = st.lists(DOC, min_size=1, max_size=12)
SYMBOLS = [f"S/{i}" for i in range(8)]
QUERIES = [["a"], ["b", "c"], ["everywhere"], ["rare", "a", "a"], ["gg", "été", "zz"], ["e", "f"]]
WEIGHTS = [[1.0], [0.5, 3.0], [1.0], [1.0, 0.25, 2.0], [1.0, 1.0, 1.0], [0.0, 1.0]]

OPS = st.lists(
    st.tuples(st.sampled_from(["add", "remove"]), st.sampled_from(SYMBOLS), REPORT),
    min_size=1,
    max_size=14,
)


def segment(symbol: str, docs: list[list[str]]) -> bytes:
    return build_segment(symbol, list(range(1, len(docs) + 1)), docs)


def scratch(segments: dict[str, bytes]) -> Bm25Index:
    return Bm25Index.from_segments([segments[s] for s in sorted(segments)])


def assert_same(index: TieredIndex, fresh: Bm25Index, rng: np.random.Generator) -> None:
    assert len(index) == len(fresh)
    assert index.reports == fresh.reports
    assert list(index.keys) == list(fresh.keys)
    for report in fresh.reports:
        assert index.report_slice(report) == fresh.report_slice(report)
    for key in list(fresh.keys)[:5]:
        assert index.doc_index(*key) == fresh.doc_index(*key)
    for word in ["a", "rare", "everywhere", "zz"]:
        assert index.term_doc_frequency(word) == fresh.term_doc_frequency(word)
        assert index.has_term(word) == fresh.has_term(word)
    allowed = rng.random(len(fresh)) < 0.5
    for query, weights in zip(QUERIES, WEIGHTS, strict=True):
        np.testing.assert_array_equal(index.get_scores(query), fresh.get_scores(query))
        for report in fresh.reports:
            for params in ({}, {"k1": 1.2, "b": 0.3}):
                np.testing.assert_array_equal(
                    index.report_scores(query, report, **params),
                    fresh.report_scores(query, report, **params),
                )
        for k in (1, 3, 10):
            assert index.top_k(query, k, weights=weights) == fresh.top_k(query, k, weights=weights)
        assert index.top_k(query, 4, allowed=allowed) == fresh.top_k(query, 4, allowed=allowed)
        assert index.matching_count(query) == fresh.matching_count(query)
        assert index.matching_count(query, allowed) == fresh.matching_count(query, allowed)
        for count in (query, query[:1], [*query[:1], "rare"], []):  # scored or not
            for mask in (None, allowed):
                want = (
                    fresh.top_k(query, 3, weights=weights, allowed=mask),
                    fresh.matching_count(count, mask),
                )
                got = index.top_k_counted(query, 3, weights=weights, allowed=mask, count=count)
                assert got == want
                assert (
                    fresh.top_k_counted(query, 3, weights=weights, allowed=mask, count=count)
                    == want
                )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(SYMBOLS), REPORT, max_size=4), OPS, st.integers(0, 9))
def test_any_sequence_of_changes_answers_as_a_fresh_index(
    initial: dict[str, list[list[str]]], ops: list, seed: int
) -> None:
    segments = {s: segment(s, docs) for s, docs in initial.items()}
    index = TieredIndex.over(scratch(segments), str)
    rng = np.random.default_rng(seed)
    assert_same(index, scratch(segments), rng)
    for op, symbol, docs in ops:
        if op == "remove":
            if symbol not in segments:
                continue
            index = index.with_changes(remove={symbol: segments.pop(symbol)})
        else:
            old = segments.get(symbol)
            segments[symbol] = segment(symbol, docs)
            index = index.with_changes(
                add={symbol: segments[symbol]}, remove={symbol: old} if old else {}
            )
        assert_same(index, scratch(segments), rng)
    assert index.live_segments().keys() <= segments.keys()


def test_scores_are_bm25okapis_over_the_live_reports() -> None:
    """Lengths drift (short reports replaced by long ones): still rank_bm25's scores."""
    rng = np.random.default_rng(3)
    vocab = [f"w{i}" for i in range(60)]

    def docs(n: int, length: int) -> list[list[str]]:
        return [[vocab[min(int(z), 59)] for z in rng.zipf(1.3, size=length)] for _ in range(n)]

    reports = {f"S/{i}": docs(200, 5) for i in range(5)}
    index = TieredIndex.over(scratch({s: segment(s, d) for s, d in reports.items()}), str)
    for i in range(3):  # each replaced by a report of paragraphs eight times longer
        symbol = f"S/{i}"
        old = segment(symbol, reports[symbol])
        reports[symbol] = docs(150, 40)
        index = index.with_changes(
            add={symbol: segment(symbol, reports[symbol])}, remove={symbol: old}
        )
    assert index.avgdl > 2 * index.base.avgdl  # the base's impacts are far off: rescored
    reference = BM25Okapi([d for s in sorted(reports) for d in reports[s]], k1=K1, b=B)
    for _ in range(30):
        query = [vocab[min(int(z), 59)] for z in rng.zipf(1.2, size=3)]
        want = reference.get_scores(query)
        np.testing.assert_allclose(index.get_scores(query), want, rtol=1e-9, atol=1e-12)
        order = np.lexsort((np.arange(want.size), -want))
        expected = [(int(d), float(want[d])) for d in order if want[d] > 0][:10]
        got = index.top_k(query, 10)
        assert [d for d, _s in got] == [d for d, _s in expected]
        np.testing.assert_allclose([s for _d, s in got], [s for _d, s in expected], rtol=1e-9)
    # Any k1 and b, one report at a time (what novelty measures with fixed values).
    other = BM25Okapi([d for s in sorted(reports) for d in reports[s]], k1=1.2, b=0.3)
    for _ in range(10):
        query = list(dict.fromkeys(vocab[min(int(z), 59)] for z in rng.zipf(1.2, size=3)))
        want = other.get_scores(query)
        for report in sorted(reports):
            span = index.report_slice(report)
            got = index.report_scores(query, report, k1=1.2, b=0.3)
            np.testing.assert_allclose(got, want[span], rtol=1e-9, atol=1e-12)
    with pytest.raises(KeyError):
        index.report_scores(["w1"], "S/missing")


def test_small_tiers_merge_and_the_base_falls_due(monkeypatch: pytest.MonkeyPatch) -> None:
    segments = {f"S/{i}": segment(f"S/{i}", [["a", "b"]] * 50) for i in range(10)}
    index = TieredIndex.over(scratch(segments), str)
    assert not index.changed
    assert not index.needs_merge
    for i in range(10, 40):
        index = index.with_changes(add={f"S/{i}": segment(f"S/{i}", [["a", "c"]] * 5)})
    assert len(index.tiers) - 1 <= 6  # 30 adds, geometric tiers
    assert index.changed
    assert index.needs_merge
    monkeypatch.setattr(tiered, "MAX_TIERS", 0)
    fresh = index.with_changes(remove={"S/0": segments["S/0"]})
    assert fresh.needs_merge
    assert fresh.term_doc_frequency("b") == 450


def test_removing_needs_the_indexed_segment_and_an_indexed_report() -> None:
    index = TieredIndex.over(scratch({"S/1": segment("S/1", [["a"]])}), str)
    with pytest.raises(ValueError, match="segment"):
        index.with_changes(remove={"S/1": None})
    with pytest.raises(KeyError):
        index.with_changes(remove={"S/2": segment("S/2", [["a"]])})
