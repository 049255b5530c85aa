"""Text in, a Report out: paragraphs, headings and footnotes found by the structure of the text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from corpus.errors import ParseError
from corpus.exported import Exported, export_to_report, looks_like_export, parse_export
from corpus.footnotes import Mark, take_marks
from corpus.manifest import ManifestEntry
from corpus.metadata import MetaFlags, TextMeta, read_title_block, resolve_meta
from corpus.model import Footnote, Heading, Paragraph, Report, ReportMeta
from corpus.normalize import join_wrapped
from corpus.numbering import check_numbering
from corpus.outline import Outline, build_outline
from corpus.segment import segment_text

__all__ = ["MetaFlags", "ParsedReport", "parse_document", "parse_report"]

Manifest = Sequence[ReportMeta] | Sequence[ManifestEntry]
_Target = tuple[str, int]  # ("paragraph", index) or ("heading", index)


@dataclass(frozen=True)
class ParsedReport:
    """A Report plus where each footnote mark stood, so a renderer can put marks back."""

    report: Report
    paragraph_marks: tuple[tuple[Mark, ...], ...]  # aligned with report.paragraphs
    heading_marks: tuple[tuple[Mark, ...], ...]  # aligned with report.headings


def parse_report(
    text: str,
    *,
    source: str | None = None,
    manifest: Manifest = (),
    flags: MetaFlags | None = None,
    allow_irregular: bool = False,
) -> Report:
    """Parse a report; metadata from the text, else the manifest entry, else flags."""
    return parse_document(
        text, source=source, manifest=manifest, flags=flags, allow_irregular=allow_irregular
    ).report


def parse_document(
    text: str,
    *,
    source: str | None = None,
    manifest: Manifest = (),
    flags: MetaFlags | None = None,
    allow_irregular: bool = False,
) -> ParsedReport:
    """Like parse_report, and also say where the footnote marks were."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if not text.strip():
        raise ParseError("the text is empty", source=source)
    if looks_like_export(text):
        exported = parse_export(text, source=source)
        return _from_export(exported, manifest, flags, allow_irregular, source)
    segmented = segment_text(text)
    outline = build_outline(segmented)
    if not outline.paragraphs:
        raise ParseError(
            'no numbered paragraphs found: each paragraph must start with its number, as in "1. The'
            ' Security Council …" (headings such as "II. Threat assessment" on their own lines)',
            source=source,
        )
    found = read_title_block(outline.title_block, segmented.symbols)
    meta = resolve_meta(found, manifest, flags, source=source)
    warnings = check_numbering(
        [(p.number, p.line) for p in outline.paragraphs], allow_irregular, source
    )
    warnings += _date_warnings(meta)
    if segmented.annex_line is not None:
        warnings.append(
            f"ignored the annex from line {segmented.annex_line} on: only the report's own "
            "numbered paragraphs are ingested"
        )
    piece_marks = take_marks(outline)
    return _assemble(meta, outline, piece_marks, segmented.words, warnings, source)


def _assemble(
    meta: ReportMeta,
    outline: Outline,
    piece_marks: list[list[Mark]],
    words: frozenset[str],
    warnings: list[str],
    source: str | None,
) -> ParsedReport:
    footnotes = _footnotes(outline, source)
    texts, marks = _join_pieces(outline, piece_marks, words)
    for index, start in enumerate(outline.paragraphs):
        if not texts[("paragraph", index)].strip():
            raise ParseError(
                f"paragraph {start.number} has no text", line=start.line, source=source
            )
    headings = tuple(
        Heading(
            label=start.label,
            title=texts.get(("heading", index), "").strip(),
            level=start.level,
            footnotes=tuple(sorted({m.number for m in marks.get(("heading", index), [])})),
        )
        for index, start in enumerate(outline.headings)
    )
    paragraphs = tuple(
        Paragraph(
            report=meta.symbol,
            number=start.number,
            text=texts[("paragraph", index)].strip(),
            section=tuple(headings[h].text for h in start.section),
            footnotes=tuple(
                footnotes[n]
                for n in sorted({m.number for m in marks[("paragraph", index)]})
                if n in footnotes
            ),
        )
        for index, start in enumerate(outline.paragraphs)
    )
    warnings += _footnote_warnings(outline, marks, footnotes)
    warnings += [
        f"ignored text outside any numbered paragraph at line {line}"
        for line in outline.ignored_lines
    ]
    report = Report(
        meta=meta,
        paragraphs=paragraphs,
        headings=headings,
        footnotes=tuple(footnotes[n] for n in sorted(footnotes)),
        warnings=tuple(warnings),
    )
    return ParsedReport(
        report,
        tuple(tuple(marks[("paragraph", i)]) for i in range(len(paragraphs))),
        tuple(tuple(marks.get(("heading", i), [])) for i in range(len(headings))),
    )


def _date_warnings(meta: ReportMeta) -> list[str]:
    """An undated report is found by --year only through its symbol's year: say which."""
    if meta.date is not None:
        return []
    if meta.year is not None:
        return [
            f"no date in the text, the manifest or --date: the year {meta.year} is taken from "
            f"the symbol {meta.symbol}"
        ]
    return [
        f"no date in the text, the manifest or --date, and {meta.symbol} carries no year: "
        "--year will not find this report (give --date YYYY-MM-DD)"
    ]


def _join_pieces(
    outline: Outline, piece_marks: list[list[Mark]], words: frozenset[str]
) -> tuple[dict[_Target, str], dict[_Target, list[Mark]]]:
    """Join each paragraph's and heading's pieces, moving the marks' offsets along."""
    texts: dict[_Target, str] = {}
    marks: dict[_Target, list[Mark]] = {}
    for piece, found in zip(outline.pieces, piece_marks, strict=True):
        before = texts.get(piece.target, "")
        joined = join_wrapped(before, piece.text, words) if before else piece.text
        shift = len(joined) - len(piece.text)
        texts[piece.target] = joined
        marks.setdefault(piece.target, []).extend(Mark(m.offset + shift, m.number) for m in found)
    return texts, marks


def _footnotes(outline: Outline, source: str | None) -> dict[int, Footnote]:
    found: dict[int, Footnote] = {}
    lines: dict[int, int] = {}
    for definition in outline.footnotes:
        if definition.number in found:
            raise ParseError(
                f"footnote {definition.number} is defined twice "
                f"(first at line {lines[definition.number]})",
                line=definition.line,
                source=source,
            )
        found[definition.number] = Footnote(definition.number, definition.text.strip())
        lines[definition.number] = definition.line
    return found


def _footnote_warnings(
    outline: Outline, marks: dict[tuple[str, int], list[Mark]], footnotes: dict[int, Footnote]
) -> list[str]:
    cited = {m.number for found in marks.values() for m in found}
    warnings = [
        f"footnote {d.number} (line {d.line}) is never referenced in the text"
        for d in outline.footnotes
        if d.number not in cited
    ]
    for (kind, index), found in marks.items():
        where = (
            f"paragraph {outline.paragraphs[index].number}"
            if kind == "paragraph"
            else f"heading at line {outline.headings[index].line}"
        )
        warnings += [
            f"footnote mark {m.number} in {where} has no footnote text"
            for m in found
            if m.number not in footnotes
        ]
    return warnings


def _from_export(
    exported: Exported,
    manifest: Manifest,
    flags: MetaFlags | None,
    allow_irregular: bool,
    source: str | None,
) -> ParsedReport:
    """An export re-ingested gives the same paragraphs (marks are not part of an export)."""
    meta = resolve_meta(TextMeta(symbol=exported.symbol), manifest, flags, source=source)
    numbers = [(p.number, p.line) for p in exported.paragraphs]
    warnings = check_numbering(numbers, allow_irregular, source) + _date_warnings(meta)
    report = export_to_report(exported, meta, warnings, source=source)
    return ParsedReport(
        report, tuple(() for _ in report.paragraphs), tuple(() for _ in report.headings)
    )
