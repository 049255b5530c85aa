"""Pure: paragraphs linked by their citations ("Cited by"); the values the series view returns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from corpus.model import Paragraph, ReportMeta
from corpus.references import Reference, find_references
from retrieval.novelty import Novelty

Key = tuple[str, int]


def paragraph_references(paragraph: Paragraph) -> list[Reference]:
    """References in a paragraph's text, then in its footnotes (offsets are into each text)."""
    refs = find_references(paragraph.text)
    for footnote in paragraph.footnotes:
        refs += find_references(footnote.text)
    return refs


def cited_by_index(paragraphs: Iterable[Paragraph]) -> dict[Key, list[Key]]:
    """Paragraph -> the paragraphs of other reports that cite it by number, in citation order."""
    cited: dict[Key, list[Key]] = {}
    for paragraph in paragraphs:
        citer = (paragraph.report, paragraph.number)
        for ref in paragraph_references(paragraph):
            if ref.symbol == paragraph.report:
                continue
            for number in ref.paragraphs:
                citers = cited.setdefault((ref.symbol, number), [])
                if citer not in citers:
                    citers.append(citer)
    return cited


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
