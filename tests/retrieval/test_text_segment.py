"""Indexing text through the term table's unit map (a unit straight to its term ids) packs
exactly the segment that the reference tokenizer's terms give the reference packer."""

from __future__ import annotations

import random
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval import segment
from tests.retrieval import reference_segment
from tests.retrieval import reference_tokenize as reference
from tests.retrieval.test_tokenize_reference import _TEXT

# A paragraph is indexed under its text, then its footnotes' and its heading's: 0-3 texts.
DOCS = st.lists(st.lists(_TEXT, max_size=3), max_size=8)


def _expected(report: str, numbers: list[int], docs: list[list[str]]) -> bytes:
    terms = [[term for text in doc for term in reference.tokenize(text)] for doc in docs]
    return reference_segment.build_segment(report, numbers, terms, b"{}")


def _numbers(data: st.DataObject, size: int) -> list[int]:
    return data.draw(st.lists(st.integers(1, 9_999), min_size=size, max_size=size, unique=True))


@settings(max_examples=150, deadline=None)
@given(st.lists(DOCS, min_size=1, max_size=4), st.data())
def test_text_segments_equal_the_reference_tokenizer_and_packer(
    reports: list[list[list[str]]], data: st.DataObject
) -> None:
    for i, docs in enumerate(reports):  # one after the other: later ones reuse learned units
        numbers = _numbers(data, len(docs))
        got = segment.build_text_segment(f"S/{i}", numbers, docs, b"{}")
        assert got == _expected(f"S/{i}", numbers, docs)


@settings(max_examples=40, deadline=None)
@given(st.lists(DOCS, min_size=2, max_size=5), st.sampled_from([1, 3, 50]), st.data())
def test_the_unit_map_and_term_table_starting_again_change_no_byte(
    reports: list[list[list[str]]], bound: int, data: st.DataObject
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(segment, "CACHED_UNITS", bound)  # the unit map starts again
        patch.setattr(segment, "CACHED_TERMS", bound + 2)  # and the whole table
        for docs in reports:
            numbers = _numbers(data, len(docs))
            got = segment.build_text_segment("S/1", numbers, docs, b"{}")
            assert got == _expected("S/1", numbers, docs)


def test_texts_and_terms_of_the_same_paragraphs_pack_alike() -> None:
    """Both ways into the table share its ids: interleaved, each still packs its own bytes."""
    docs = [["ISIL's fighters (S/2017/573)", "2253 (2015) the"], [], ["fighter", ""], ["ISIL"]]
    terms = [[term for text in doc for term in reference.tokenize(text)] for doc in docs]
    for _ in range(3):
        assert segment.build_text_segment("S/1", [1, 2, 3, 4], docs, b"{}") == _expected(
            "S/1", [1, 2, 3, 4], docs
        )
        packed = segment.build_segment("S/1", [1, 2, 3, 4], terms, b"{}")
        assert packed == reference_segment.build_segment("S/1", [1, 2, 3, 4], terms, b"{}")


def test_threads_indexing_text_at_once_get_the_reference_bytes() -> None:
    rng = random.Random(11)
    words = [f"w{i}" for i in range(2000)] + ["the", "2253 (2015)", "counter-terrorism", "FTFs"]
    reports = [
        [[" ".join(rng.choices(words, k=rng.randrange(30)))] for _ in range(25)] for _ in range(40)
    ]
    numbers = list(range(1, 26))
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch often, so races would show
    try:
        with ThreadPoolExecutor(4) as pool:
            built = list(
                pool.map(lambda d: segment.build_text_segment("S/1", numbers, d, b"{}"), reports)
            )
    finally:
        sys.setswitchinterval(interval)
    assert built == [_expected("S/1", numbers, docs) for docs in reports]


def test_bad_input_is_refused_as_for_terms() -> None:
    with pytest.raises(ValueError, match="2 numbers for 1 docs"):
        segment.build_text_segment("S/1", [1, 2], [["text"]])
    with pytest.raises(ValueError, match="paragraph numbers repeat"):
        segment.build_text_segment("S/1", [1, 1], [["a"], ["b"]])
