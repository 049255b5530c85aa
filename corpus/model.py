"""What a report is: frozen values that every layer above passes around."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from corpus.citation import symbol_year


@dataclass(frozen=True)
class ReportMeta:
    """Identity and provenance of one report; `symbol` is the key everywhere (e.g. "S/2018/80")."""

    symbol: str
    title: str = ""
    date: dt.date | None = None
    ordinal: int | None = None  # place in the series (6 for the sixth report), when known
    language: str = "en"

    @property
    def year(self) -> int | None:
        """The date's year; for an undated report, the year its symbol carries (S/2019/103)."""
        return self.date.year if self.date else symbol_year(self.symbol)


@dataclass(frozen=True)
class Footnote:
    """A footnote of a report, kept with its number so paragraphs can cite it by number."""

    number: int
    text: str


@dataclass(frozen=True)
class Heading:
    """A heading of the report's outline: `label` as printed ("II.", "A.", "1."), `level` from 1."""

    label: str
    title: str
    level: int
    footnotes: tuple[int, ...] = ()  # numbers of footnotes referenced from the heading itself

    @property
    def text(self) -> str:
        return f"{self.label} {self.title}".strip()


@dataclass(frozen=True)
class Paragraph:
    """One numbered paragraph: complete text without footnote marks, and where it sits."""

    report: str
    number: int
    text: str
    section: tuple[str, ...] = ()  # heading texts, outermost first
    footnotes: tuple[Footnote, ...] = ()  # the footnotes this paragraph cites, in number order

    @property
    def citation(self) -> str:
        return f"{self.report}, para. {self.number}"


@dataclass(frozen=True)
class Report:
    """A parsed report: everything ingest stores, and the warnings worth telling the user."""

    meta: ReportMeta
    paragraphs: tuple[Paragraph, ...]
    headings: tuple[Heading, ...] = ()
    footnotes: tuple[Footnote, ...] = ()
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def symbol(self) -> str:
        return self.meta.symbol
