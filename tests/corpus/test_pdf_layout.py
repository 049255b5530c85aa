"""The PDF layout rules on pages built glyph by glyph: marks, furniture, footnotes, page breaks."""

from __future__ import annotations

from corpus.metadata import MetaFlags
from corpus.parse import parse_report
from corpus.pdf_glyphs import Glyph, PdfPage
from corpus.pdf_text import pdf_report_text

WIDTH, HEIGHT = 600.0, 800.0
FLAGS = MetaFlags(symbol="S/2099/1", date="2099-01-31")


def line(text: str, y: float, size: float = 10.0, *, x: float = 72.0, bold: bool = False):
    """Glyphs of one printed line; "^12" sets 12 as a footnote mark (smaller, raised)."""
    glyphs: list[Glyph] = []
    raised = False
    for char in text:
        if char == "^":
            raised = True
            continue
        if raised and not char.isdigit():
            raised = False
        glyph_size = size * 0.6 if raised else size
        base = y + size * 0.35 if raised else y
        advance = glyph_size * 0.5
        glyphs.append(Glyph(char, x, base, x + advance, glyph_size, bold, False))
        x += advance
    return glyphs


def page(*lines: list[Glyph]) -> PdfPage:
    return PdfPage(WIDTH, HEIGHT, tuple(glyph for glyphs in lines for glyph in glyphs))


def read(*pages: PdfPage):
    return parse_report(pdf_report_text(pages), flags=FLAGS)


def test_a_footnote_carried_to_the_next_page_is_read_whole() -> None:
    first = page(
        line("S/2099/1", 760, 8, bold=True),
        line("I. Introduction", 700, 12, bold=True),
        line("1. The Council met on the threat^1 and heard the", 680),
        line("1 The first part of a long footnote that runs until", 120, 8),
        line("1/2 99-12345", 40, 8),
    )
    second = page(
        line("S/2099/1", 760, 8, bold=True),
        line("briefing of the Office in full.", 700),
        line("12 January 2099, carried over as LibreOffice sets it.", 120, 8),
        line("2/2 99-12345", 40, 8),
    )
    report = read(first, second)
    (paragraph,) = report.paragraphs
    assert paragraph.text == (
        "The Council met on the threat and heard the briefing of the Office in full."
    )
    assert [f.text for f in paragraph.footnotes] == [
        "The first part of a long footnote that runs until 12 January 2099, carried over as "
        "LibreOffice sets it."
    ]
    assert report.warnings == ()


def test_a_raised_small_digit_is_a_mark_and_a_number_in_the_text_is_not() -> None:
    report = read(
        page(
            line("I. Introduction", 700, 12, bold=True),
            line("1. Resolution 2253 (2015) was adopted by 15 votes.^3", 680),
            line("3 See S/2015/975.", 100, 8),
        )
    )
    (paragraph,) = report.paragraphs
    assert paragraph.text == "Resolution 2253 (2015) was adopted by 15 votes."
    assert [f.number for f in paragraph.footnotes] == [3]


def test_a_footnote_ending_in_a_symbol_keeps_it_though_it_looks_like_a_header() -> None:
    pages = [
        page(
            line("S/2099/1", 760, 8),
            *([line("I. Introduction", 720, 12, bold=True)] if n == 1 else []),
            line(f"{n}. The Council met again on the matter.^{n}", 680),
            line(f"{n} Information provided by a Member State; see also", 110, 8),
            line("S/2017/467", 100, 8),
            line(f"{n}/2", 40, 8),
        )
        for n in (1, 2)
    ]
    report = read(*pages)
    assert [p.text for p in report.paragraphs] == ["The Council met again on the matter."] * 2
    assert [f.text for f in report.footnotes] == [
        "Information provided by a Member State; see also S/2017/467",
    ] * 2
    assert report.meta.symbol == "S/2099/1"
