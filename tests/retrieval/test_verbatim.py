"""Quotes are exact slices even where Unicode normalisation would change the text.

The shipped reports hold no character that NFC, NFD, NFKC or NFKD changes, so an excerpt (or a
stored paragraph) quietly normalised would pass every test built on them. These paragraphs mix
precomposed and decomposed accents, ligatures, full-width digits and compatibility symbols.
"""

from __future__ import annotations

import asyncio
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval.library import Library
from tests.conftest import make_report_text

SYMBOL = "S/2099/5"
WORDS = ["couriers", "smuggled", "antiquities", "hawala", "border", "crossings", "brokers"]
# BM25 needs paragraphs without the question's words, or every idf is negative.
FILLER = [f"Member States reported unrelated matter number {i}." for i in range(1, 7)]
# Each changes under at least one normalisation form (checked below).
ODD = ["\ufb01nance", "cafe\u0301", "caf\u00e9", "\uff12\uff10", "\u216b", "\u2122", "\u212bngstr"]


def test_every_odd_piece_changes_under_some_normalisation_form() -> None:
    for piece in ODD:
        forms = {unicodedata.normalize(f, piece) for f in ("NFC", "NFD", "NFKC", "NFKD")}
        assert forms != {piece}, piece


def paragraph_text(words: list[str], odd: list[str]) -> str:
    mixed = [w for pair in zip(words, odd, strict=False) for w in pair] + words[len(odd) :]
    return " ".join(mixed).capitalize() + "."


async def check_quotes_are_slices(db: Path, texts: list[str], question: str) -> None:
    library = await Library.open(db, bootstrap=False)
    try:
        data = make_report_text(texts + FILLER).encode()
        await library.ingest(data, source="odd.txt", symbol=SYMBOL)
        stored = [p.text for p in await library.export(SYMBOL)]
        assert stored == texts + FILLER  # ingest keeps every character as written
        answer = await library.ask(question, k=len(texts))
        assert answer.hits
        for hit in answer.hits:
            source = (texts + FILLER)[hit.paragraph.number - 1]
            assert hit.paragraph.text == source
            assert hit.excerpt.text == source[hit.excerpt.start : hit.excerpt.end]
            assert hit.excerpt.text in source
    finally:
        await library.close()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(WORDS), min_size=3, max_size=12),
            st.lists(st.sampled_from(ODD), min_size=1, max_size=6),
        ),
        min_size=1,
        max_size=4,
    ),
    st.data(),
)
def test_excerpts_are_exact_slices_around_unnormalised_text(
    tmp_path_factory, paragraphs: list[tuple[list[str], list[str]]], data: st.DataObject
) -> None:
    texts = [paragraph_text(words, odd) for words, odd in paragraphs]
    first_words = paragraphs[0][0]
    question = " ".join(data.draw(st.lists(st.sampled_from(first_words), min_size=1, max_size=3)))
    db = tmp_path_factory.mktemp("odd") / "odd.sqlite3"
    asyncio.run(check_quotes_are_slices(db, texts, question))
