"""Read back what `reportbot export` writes: JSON Lines, one object per paragraph."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from corpus.citation import normalize_symbol
from corpus.errors import ParseError, UserError
from corpus.lines import classify_line
from corpus.model import Footnote, Heading, Paragraph, Report, ReportMeta

_KEYS = ("report", "number", "text", "section", "footnotes")


@dataclass(frozen=True)
class ExportedParagraph:
    number: int
    text: str
    section: tuple[str, ...]
    footnotes: tuple[Footnote, ...]
    line: int  # 1-based line of the object in the export


@dataclass(frozen=True)
class Exported:
    symbol: str
    paragraphs: tuple[ExportedParagraph, ...]


def looks_like_export(text: str) -> bool:
    """Say whether text is a reportbot export: its first line is a JSON object with our keys."""
    first = next((line for line in text.split("\n") if line.strip()), "").strip()
    if not first.startswith("{"):
        return False
    try:
        value = json.loads(first)
    except ValueError:
        return False
    return isinstance(value, dict) and all(key in value for key in ("report", "number", "text"))


def parse_export(text: str, *, source: str | None = None) -> Exported:
    """Read an export of one report; errors name the line and the problem."""
    symbols: set[str] = set()
    paragraphs: list[ExportedParagraph] = []
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            symbol, paragraph = _paragraph(line, number, source)
            symbols.add(symbol)
            paragraphs.append(paragraph)
    if len(symbols) > 1:
        raise ParseError(
            f"the export mixes reports ({', '.join(sorted(symbols))}); "
            "ingest one report at a time (reportbot export --report SYMBOL)",
            source=source,
        )
    return Exported(symbols.pop(), tuple(paragraphs))


def _paragraph(line: str, number: int, source: str | None) -> tuple[str, ExportedParagraph]:
    def fail(problem: str) -> ParseError:
        return ParseError(f"export: {problem}", line=number, source=source)

    try:
        value = json.loads(line)
    except ValueError as error:
        raise fail(f"not valid JSON ({error.args[0]})") from None
    if not isinstance(value, dict):
        raise fail("expected a JSON object")
    missing = [key for key in _KEYS if key not in value]
    if missing:
        raise fail(f"missing {', '.join(missing)}")
    try:
        symbol = normalize_symbol(_typed(value["report"], str) or "")
    except UserError as error:
        raise fail(str(error)) from None
    paragraph_number = _typed(value["number"], int)
    paragraph_text = _typed(value["text"], str).strip()
    section = _typed(value["section"], list)
    footnotes = _typed(value["footnotes"], list)
    if None in (paragraph_number, paragraph_text, section, footnotes) or not paragraph_text:
        raise fail("report and text must be strings, number an integer, section a list")
    if not all(isinstance(title, str) for title in section):
        raise fail("section must be a list of heading texts")
    return symbol, ExportedParagraph(
        number=paragraph_number,
        text=paragraph_text,
        section=tuple(section),
        footnotes=tuple(_footnote(item, fail) for item in footnotes),
        line=number,
    )


def _typed(value: Any, kind: type) -> Any:
    if kind is int and isinstance(value, bool):
        return None
    return value if isinstance(value, kind) else None


def _footnote(item: Any, fail: Any) -> Footnote:
    if not isinstance(item, dict):
        raise fail("each footnote must be an object with number and text")
    number, text = _typed(item.get("number"), int), _typed(item.get("text"), str)
    if number is None or text is None or number < 1:
        raise fail("each footnote needs a number (from 1) and a text")
    return Footnote(number, text)


def export_to_report(
    exported: Exported, meta: ReportMeta, warnings: list[str], *, source: str | None = None
) -> Report:
    """Build the Report an export describes; headings come back from the sections."""
    headings: dict[str, Heading] = {}
    footnotes: dict[int, Footnote] = {}
    for paragraph in exported.paragraphs:
        for level, text in enumerate(paragraph.section, 1):
            headings.setdefault(text, _heading(text, level))
        for footnote in paragraph.footnotes:
            if footnotes.setdefault(footnote.number, footnote) != footnote:
                raise ParseError(
                    f"export: footnote {footnote.number} has two different texts",
                    line=paragraph.line,
                    source=source,
                )
    paragraphs = tuple(
        Paragraph(meta.symbol, p.number, p.text, p.section, tuple(sorted(p.footnotes, key=_number)))
        for p in exported.paragraphs
    )
    return Report(
        meta=meta,
        paragraphs=paragraphs,
        headings=tuple(headings.values()),
        footnotes=tuple(sorted(footnotes.values(), key=_number)),
        warnings=tuple(warnings),
    )


def _heading(text: str, level: int) -> Heading:
    """Split "II. Threat assessment" into its label and title (unlabelled texts keep no label)."""
    shape = classify_line(text)
    if any(label is not None for label in (shape.numbered, shape.roman, shape.letter)):
        label, _, title = text.partition(" ")
        return Heading(label, title, level)
    return Heading("", text, level)


def _number(footnote: Footnote) -> int:
    return footnote.number
