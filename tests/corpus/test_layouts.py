"""Re-laid-out shipped reports parse to the same paragraphs, headings and footnotes."""

from __future__ import annotations

import functools
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.decode import decode_text
from corpus.files import bundled_manifest, bundled_texts
from corpus.manifest import ManifestEntry
from corpus.model import Report
from corpus.parse import ParsedReport, parse_document, parse_report
from tests.corpus.layouts import PdfStyle, render_pdf_text, render_web_page
from tests.corpus.strategies import SHIPPED_SYMBOLS, pdf_styles


def assert_same_report(parsed: Report, expected: Report) -> None:
    """Compare what a citation depends on: number, text, section and footnotes of each paragraph."""
    assert [p.number for p in parsed.paragraphs] == [p.number for p in expected.paragraphs]
    for got, want in zip(parsed.paragraphs, expected.paragraphs, strict=True):
        assert got.text == want.text, got.number
        assert got.section == want.section, got.number
        assert got.footnotes == want.footnotes, got.number
    assert parsed.headings == expected.headings
    assert parsed.footnotes == expected.footnotes
    # The place in the series is in the text only when the title says it ("Sixth report").
    assert parsed.meta == replace(expected.meta, ordinal=parsed.meta.ordinal)
    assert parsed.warnings == ()


@functools.cache
def _shipped(symbol: str) -> ParsedReport:
    """Parsed once per process (hypothesis calls the tests many times; fixtures would bloat
    its failure reports)."""
    manifest = bundled_manifest()
    entry = next(e for e in manifest if e.meta.symbol == symbol)
    data = {e.meta.symbol: d for e, d in bundled_texts()}[symbol]
    return parse_document(decode_text(data), source=entry.file, manifest=manifest)


@settings(max_examples=30, deadline=None)
@given(symbol=SHIPPED_SYMBOLS, style=pdf_styles())
def test_hard_wrapped_pdf_text_parses_the_same(symbol: str, style: PdfStyle) -> None:
    text = render_pdf_text(_shipped(symbol), style)
    # An uploaded file with no manifest entry: everything must come from the text itself.
    assert_same_report(parse_report(text, source="upload.txt"), _shipped(symbol).report)


@settings(max_examples=25, deadline=None)
@given(
    symbol=SHIPPED_SYMBOLS,
    blank_lines=st.booleans(),
    indent=st.integers(0, 8),
    footer=st.booleans(),
)
def test_web_page_text_parses_the_same(
    symbol: str, blank_lines: bool, indent: int, footer: bool
) -> None:
    text = render_web_page(_shipped(symbol), blank_lines=blank_lines, indent=indent, footer=footer)
    report = parse_report(text, source="page.txt")
    if footer:  # the footer is left out, and the warnings say where it was
        assert len(report.warnings) == 4
        report = replace(report, warnings=())
    assert_same_report(report, _shipped(symbol).report)


@pytest.mark.parametrize("symbol", ["S/2016/501", "S/2018/80"])
def test_layouts_really_differ(shipped: dict[str, ParsedReport], symbol: str) -> None:
    """Guard the guard: the generated texts carry the features the parser must undo."""
    text = render_pdf_text(shipped[symbol], PdfStyle(width=60, lines_per_page=30))
    lines = text.split("\n")
    assert max(len(line) for line in lines) <= 60 + 10
    assert "\f" in text
    assert "18-01235   2/" in text
    assert any(line.endswith("-") for line in lines)
    assert sum(line == symbol for line in lines) > 3
    web = render_web_page(shipped[symbol])
    assert web.startswith("Skip to main content")
    assert f"({symbol}) [EN/AR/ZH]" in web


def test_pdf_text_of_the_footnoted_report_uses_plain_marks(
    shipped: dict[str, ParsedReport], manifest: list[ManifestEntry]
) -> None:
    text = render_pdf_text(shipped["S/2018/80"], PdfStyle(marks_after_punctuation="spaced"))
    assert "__________________\n1 See S/2016/92" in text
    assert "security, 1 was prepared" in text or "security, 1\nwas prepared" in text
    assert "¹" not in text
    # With the manifest as well, the text and the manifest agree.
    report = parse_report(text, source="S-2018-80.txt", manifest=manifest)
    assert_same_report(report, shipped["S/2018/80"].report)
