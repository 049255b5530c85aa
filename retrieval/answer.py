"""Values the library returns: hits carry offsets into their paragraph, so quotes are verbatim."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from corpus.model import Paragraph, ReportMeta


@dataclass(frozen=True)
class Excerpt:
    """A span of a paragraph: `text` is a slice of the paragraph by construction, never a copy."""

    paragraph: Paragraph
    start: int
    end: int
    highlights: tuple[tuple[int, int], ...] = ()  # matched words, offsets into paragraph.text

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end <= len(self.paragraph.text):
            raise ValueError(f"excerpt {self.start}:{self.end} outside {self.paragraph.citation}")
        for lo, hi in self.highlights:
            if not self.start <= lo < hi <= self.end:
                raise ValueError(f"highlight {lo}:{hi} outside excerpt {self.start}:{self.end}")

    @property
    def text(self) -> str:
        return self.paragraph.text[self.start : self.end]


@dataclass(frozen=True)
class Hit:
    """One ranked paragraph with the evidence for it."""

    paragraph: Paragraph
    score: float
    excerpt: Excerpt
    matched: tuple[str, ...]  # query terms (as typed) found in the paragraph or its footnotes
    coverage: float  # share of the query's weight this paragraph matches, 0..1
    report_date: dt.date | None = None
    similarity: float | None = None  # cosine to the question, when the semantic layer ran

    @property
    def citation(self) -> str:
        return self.paragraph.citation


@dataclass(frozen=True)
class Answer:
    """The result of a question: ranked hits, how many paragraphs matched, and honesty flags."""

    query: str
    hits: tuple[Hit, ...]
    total: int  # paragraphs with a positive score (after filters)
    took_ms: float
    weak: bool = False  # True when no hit covers the query well: say so, don't pretend
    reason: str | None = None  # why there is no answer, or why it is weak


@dataclass(frozen=True)
class ReportSummary:
    """A report as `/reports` lists it."""

    meta: ReportMeta
    paragraph_count: int
    footnote_count: int


@dataclass(frozen=True)
class IngestResult:
    """What an ingest did, for the reply to the user."""

    symbol: str
    status: Literal["added", "replaced", "unchanged"]
    paragraph_count: int
    footnote_count: int
    warnings: tuple[str, ...] = ()
