"""Merging segments without sorting the postings gives exactly the postings the stable sort
did (issue 9, a faster build), even when two digests share their high half."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval import index
from retrieval.segment import build_segment, read_segment


def reference_merge(parts: Sequence[dict[str, np.ndarray]], starts: np.ndarray) -> dict:
    """index._merge_postings as it was at 74c1a09 (a stable argsort of every posting), with the
    postings per term ("df") as _store_postings then counted them (a bincount)."""
    hi = np.concatenate([a["hash_hi"] for a in parts]).astype(np.uint64)
    lo = np.concatenate([a["hash_lo"] for a in parts]).astype(np.uint64)
    order = np.lexsort((lo, hi))
    is_new = np.ones(hi.size, dtype=bool)
    is_new[1:] = (hi[order][1:] != hi[order][:-1]) | (lo[order][1:] != lo[order][:-1])
    global_id = np.empty(hi.size, dtype=np.int32)
    global_id[order] = np.cumsum(is_new) - 1
    base = np.cumsum([0, *[a["hash_hi"].size for a in parts]])
    post_term = np.concatenate(
        [
            global_id[b + np.repeat(np.arange(a["hash_hi"].size), np.diff(a["term_ptr"]))]
            for b, a in zip(base, parts, strict=False)
        ]
    ).astype(np.int32)
    by_term = np.argsort(post_term, kind="stable")
    post_doc = np.concatenate([a["post_doc"] + s for a, s in zip(parts, starts, strict=False)])
    tf_type = max((a["post_tf"].dtype for a in parts), key=lambda d: d.itemsize)
    return {
        "hash_hi": hi[order][is_new].astype("<u8"),
        "hash_lo": lo[order][is_new].astype("<u8"),
        "df": np.bincount(post_term, minlength=int(is_new.sum())),
        "post_term": post_term[by_term],
        "post_doc": post_doc.astype(np.int32)[by_term],
        "post_tf": np.concatenate([a["post_tf"].astype(tf_type) for a in parts])[by_term],
    }


WORDS = st.sampled_from(["isil", "oil", "revenu", "été", "a", "b", "c", "d", "e", "f"])
SEGMENTS = st.lists(
    st.lists(st.lists(WORDS, min_size=0, max_size=12), min_size=1, max_size=6),
    min_size=1,
    max_size=6,
)


def _parts(segments: list[list[list[str]]]) -> tuple[list[dict[str, np.ndarray]], np.ndarray]:
    parts = [
        read_segment(build_segment(f"S/{i}", list(range(1, len(docs) + 1)), docs))[1]
        for i, docs in enumerate(segments)
    ]
    return parts, np.cumsum([0, *[a["numbers"].size for a in parts]])


def _assert_same(got: dict, expected: dict) -> None:
    assert got.keys() == expected.keys()
    for name, array in expected.items():
        assert got[name].dtype == array.dtype, name
        assert got[name].tolist() == array.tolist(), name


@settings(max_examples=150, deadline=None)
@given(SEGMENTS)
def test_merged_postings_equal_the_stable_sorts(segments: list[list[list[str]]]) -> None:
    parts, starts = _parts(segments)
    _assert_same(index._merge_postings(parts, starts), reference_merge(parts, starts))


@settings(max_examples=60, deadline=None)
@given(SEGMENTS)
def test_digests_sharing_their_high_half_still_merge_in_digest_order(
    segments: list[list[list[str]]],
) -> None:
    """Every digest's high half made equal (its old high half becomes the low one, so each
    segment stays in digest order): only the low halves order the terms."""
    parts, starts = _parts(segments)
    parts = [{**a, "hash_hi": np.zeros_like(a["hash_hi"]), "hash_lo": a["hash_hi"]} for a in parts]
    _assert_same(index._merge_postings(parts, starts), reference_merge(parts, starts))


@settings(max_examples=80, deadline=None)
@given(SEGMENTS, st.sampled_from([0.0, 0.2, 0.5, 1.0]))
def test_stored_postings_equal_a_search_of_the_sorted_terms(
    segments: list[list[list[str]]], dense_share: float
) -> None:
    """Common terms become dense rows; the rest's term_ptr is where each term's postings start
    among the sparse ones, as a search of their sorted terms found it (the code at 7231882)."""
    parts, starts = _parts(segments)
    merged = reference_merge(parts, starts)
    post_term = merged.pop("post_term")
    n = int(starts[-1])
    doc_len = np.concatenate([a["doc_len"] for a in parts]).astype(np.int64)
    avgdl = float(doc_len.mean()) if n else 0.0
    stored = index._store_postings({**merged, "post_term": post_term}, doc_len, avgdl, dense_share)
    df = np.bincount(post_term, minlength=merged["hash_hi"].size)
    sparse = ~np.isin(post_term, np.flatnonzero(df >= np.ceil(n * dense_share)))
    expected = np.searchsorted(post_term[sparse], np.arange(df.size + 1))
    assert stored["term_ptr"].tolist() == expected.tolist()
    assert stored["df"].tolist() == df.tolist()
    assert stored["post_doc"].tolist() == merged["post_doc"][sparse].tolist()
