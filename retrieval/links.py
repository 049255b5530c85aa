"""Pure: paragraphs linked by their citations ("Cited by"); the values the series view returns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from corpus.model import Paragraph, ReportMeta
from corpus.references import Reference, find_references
from retrieval.novelty import Novelty
from retrieval.tiered import SearchIndex
from retrieval.tokenize import tokenize

Key = tuple[str, int]


def paragraph_references(paragraph: Paragraph) -> list[Reference]:
    """References in a paragraph's text, then in its footnotes (offsets are into each text)."""
    refs = find_references(paragraph.text)
    for footnote in paragraph.footnotes:
        refs += find_references(footnote.text)
    return refs


def mentioning(index: SearchIndex, symbol: str) -> list[Key]:
    """Paragraphs of other reports whose indexed words hold the symbol (the tokeniser keeps
    "S/2018/80" whole): the only candidates for citing it, found without reading any text."""
    terms = [t for t in tokenize(symbol) if "/" in t]
    if not terms:
        return []
    docs = np.flatnonzero(index.get_scores(terms[:1]) > 0)
    keys = [index.keys[int(d)] for d in docs]
    return [k for k in keys if k[0] != symbol]


def citing(candidates: Iterable[Paragraph], cited: Key) -> list[Key]:
    """Which of the candidate paragraphs cite paragraph `cited` by number, in citation order."""
    found = []
    for paragraph in candidates:
        for ref in paragraph_references(paragraph):
            if ref.symbol == cited[0] and cited[1] in ref.paragraphs:
                found.append((paragraph.report, paragraph.number))
                break
    return found


@dataclass(frozen=True)
class ParagraphLinks:
    """A paragraph's references, those the library can open, and the paragraphs citing it."""

    key: Key
    references: tuple[Reference, ...]
    held: tuple[Key, ...]  # referenced paragraphs the library holds, in reading order
    cited_by: tuple[Key, ...]


@dataclass(frozen=True)
class WhatsNew:
    """A report scored paragraph by paragraph against the previous one in the series."""

    meta: ReportMeta
    previous: ReportMeta | None
    scored: tuple[Novelty, ...]

    @property
    def new(self) -> tuple[Novelty, ...]:
        return tuple(n for n in self.scored if n.is_new)
