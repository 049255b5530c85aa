"""retrieval.segment keeps its byte format: stored databases must load without re-indexing."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval import index, segment
from retrieval.segment import (
    SEGMENT_MAGIC,
    build_segment,
    hash_terms,
    read_segment,
    read_segment_extras,
    read_segment_report,
    tf_dtype,
)

# Captured from the segment writer as it shipped (RBSEG1), before the format had its own module.
# If this changes, every stored database re-indexes on load: change SEGMENT_MAGIC with it.
PINNED = {
    "small": "3607214455bdf9d88f173e37b5f763b3cb9fcdc95174ba8e63d53e53ecf8cfe4",
    "wide_tf": "ba297efd75afec3764621f714c72f334bf6041418bc4f57dc0b78fb1fa8c1d37",
}
SMALL = (
    "S/2018/80",
    [3, 1, 2],
    [["isil", "oil", "oil", "revenue"], [], ["été", "isil", "s/2018/80"]],
    b'[["ISIL","Da\'esh"]]',
)


def test_format_is_byte_for_byte_the_stored_one() -> None:
    small = build_segment(*SMALL)
    wide_tf = build_segment("S/1", [1], [["x"] * 300])  # tf above 255 needs <u2
    assert hashlib.sha256(small).hexdigest() == PINNED["small"]
    assert hashlib.sha256(wide_tf).hexdigest() == PINNED["wide_tf"]


def test_layout_is_magic_length_header_then_aligned_arrays() -> None:
    data = build_segment(*SMALL)
    assert data.startswith(SEGMENT_MAGIC)
    size = int.from_bytes(data[len(SEGMENT_MAGIC) : len(SEGMENT_MAGIC) + 8], "little")
    base = len(SEGMENT_MAGIC) + 8 + size
    header = json.loads(data[len(SEGMENT_MAGIC) + 8 : base])
    assert base % 8 == 0
    assert header["report"] == "S/2018/80"
    for dtype, shape, offset, length in header["arrays"].values():
        assert offset % 8 == 0
        assert length == np.dtype(dtype).itemsize * int(np.prod(shape))
    assert len(data) == base + sum(-(-length // 8) * 8 for *_x, length in header["arrays"].values())


WORDS = st.one_of(st.sampled_from(["a", "b", "été", "s/2018/80"]), st.text(min_size=1, max_size=6))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(WORDS, max_size=20), max_size=10), st.binary(max_size=30), st.data())
def test_segment_round_trips_numbers_lengths_and_term_counts(
    docs: list[list[str]], extras: bytes, data: st.DataObject
) -> None:
    size = len(docs)
    numbers = data.draw(st.lists(st.integers(1, 9999), min_size=size, max_size=size, unique=True))
    report, arrays = read_segment(build_segment("S/1", numbers, docs, extras))
    assert report == "S/1"
    assert arrays["numbers"].tolist() == numbers
    assert arrays["doc_len"].tolist() == [len(doc) for doc in docs]
    assert arrays["extras"].tobytes() == extras
    ptr, raw = arrays["word_ptr"].tolist(), arrays["words"].tobytes()
    words = [raw[a:b].decode("utf-8", "surrogatepass") for a, b in itertools.pairwise(ptr)]
    hi, lo = hash_terms(words)
    assert hi.tolist() == arrays["hash_hi"].tolist()
    assert lo.tolist() == arrays["hash_lo"].tolist()
    digests = list(zip(hi.tolist(), lo.tolist(), strict=True))
    assert digests == sorted(digests)  # term ids are ranks in digest order
    counts: list[Counter[str]] = [Counter() for _ in docs]
    term_ptr = arrays["term_ptr"]
    for t, word in enumerate(words):
        span = slice(int(term_ptr[t]), int(term_ptr[t + 1]))
        docs_of_t = arrays["post_doc"][span].tolist()
        assert docs_of_t == sorted(docs_of_t)
        for d, tf in zip(docs_of_t, arrays["post_tf"][span].tolist(), strict=True):
            counts[d][word] += tf
    assert counts == [Counter(doc) for doc in docs]


@pytest.mark.parametrize(
    ("max_tf", "dtype"), [(0, "u1"), (255, "u1"), (256, "<u2"), (65535, "<u2"), (65536, "<u4")]
)
def test_term_frequencies_use_the_narrowest_dtype(max_tf: int, dtype: str) -> None:
    assert tf_dtype(max_tf) == np.dtype(dtype)


def test_segment_carries_report_and_extras() -> None:
    data = build_segment("S/2018/80", [1, 2], [["x"], ["y"]], extras=b"\x00aliases\xff")
    assert read_segment_extras(data) == b"\x00aliases\xff"
    assert read_segment_report(data) == "S/2018/80"
    assert read_segment_extras(build_segment("S/1", [], [])) == b""


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="numbers"):
        build_segment("S/1", [1, 2], [["x"]])
    with pytest.raises(ValueError, match="repeat"):
        build_segment("S/1", [1, 1], [["x"], ["y"]])
    for read in (read_segment, read_segment_extras, read_segment_report):
        with pytest.raises(ValueError, match="segment"):
            read(b"RBSEG0\n" + build_segment("S/1", [1], [["x"]])[7:])


@pytest.mark.parametrize(
    "name",
    ["SEGMENT_MAGIC", "build_segment", "hash_terms", "read_segment_extras", "read_segment_report"],
)
def test_index_still_exports_the_segment_functions(name: str) -> None:
    assert getattr(index, name) is getattr(segment, name)
    assert name in index.__all__


@given(st.lists(st.text(max_size=12), min_size=1, max_size=8))
def test_hash_term_is_hash_terms_for_one_term(terms: list[str]) -> None:
    """A question's terms are looked up one at a time by hash_term: the same digests as the
    index was built with, or the term would not be found."""
    hi, lo = hash_terms(terms)
    assert [segment.hash_term(t) for t in terms] == list(zip(hi.tolist(), lo.tolist(), strict=True))
