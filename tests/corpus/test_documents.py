"""PDFs and saved web pages of the shipped reports read to exactly the text version's paragraphs."""

from __future__ import annotations

import functools
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.cli import main
from corpus.decode import decode_text
from corpus.errors import ParseError
from corpus.manifest import ManifestEntry
from corpus.metadata import MetaFlags
from corpus.parse import ParsedReport, parse_report
from tests.corpus.documents.pages import saved_page

DOCUMENTS = Path(__file__).parent / "documents"
FILES = {"S/2016/501": "S-2016-501", "S/2018/80": "S-2018-80"}


def exported(capsys, db: Path, symbol: str) -> list[dict]:
    assert main(["--db", str(db), "export", "--report", symbol], env={}) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


PDFS = {
    "S-2016-501.pdf": "S/2016/501",  # LibreOffice, A4, Liberation Serif, plain footnote numbers
    "S-2018-80.pdf": "S/2018/80",
    # LibreOffice, 12 pt, no paragraph spacing but a first-line indent, serif header/footer
    "S-2018-80-compact.pdf": "S/2018/80",
    "S-2018-80-letter.pdf": "S/2018/80",  # fpdf2, US Letter, DejaVu Sans, superscript numbers
}


@functools.cache
def pdf_text(name: str) -> str:
    """A fixture PDF read to text once per session (each takes about half a second)."""
    return decode_text((DOCUMENTS / name).read_bytes(), source=name)


@pytest.mark.parametrize(("name", "symbol"), PDFS.items(), ids=PDFS)
def test_a_pdf_parses_to_the_text_versions_paragraphs(
    shipped: dict[str, ParsedReport], manifest: list[ManifestEntry], name: str, symbol: str
) -> None:
    text = pdf_text(name)
    report = parse_report(text, source=name, manifest=manifest)
    expected = shipped[symbol].report
    assert report.meta == expected.meta
    assert report.paragraphs == expected.paragraphs  # text, heading path and footnotes
    assert report.footnotes == expected.footnotes
    assert report.warnings == ()


def test_the_pdf_masthead_gives_symbol_date_and_title_without_a_manifest() -> None:
    report = parse_report(pdf_text("S-2018-80.pdf"), source="S-2018-80.pdf")
    assert report.meta.symbol == "S/2018/80"
    assert report.meta.date is not None
    assert report.meta.date.isoformat() == "2018-01-31"
    assert report.meta.title.startswith("Sixth report of the Secretary-General")
    assert report.meta.ordinal == 6


@pytest.mark.parametrize("name", PDFS)
def test_no_page_furniture_reaches_a_paragraph(manifest: list[ManifestEntry], name: str) -> None:
    report = parse_report(pdf_text(name), source=name, manifest=manifest)
    texts = [p.text for p in report.paragraphs] + [f.text for f in report.footnotes]
    for furniture in ("Please recycle", "18-01235", "16-08919", "*1"):
        assert not any(furniture in text for text in texts), furniture
    page_numbers = re.compile(r"(?<![\w/-])\d{1,2}/\d{1,2}(?![\w/])")  # "3/14", not "S/2018/14"
    assert not any(page_numbers.search(text) for text in texts)


@pytest.mark.parametrize("symbol", FILES)
def test_ingesting_the_pdf_over_the_text_version_changes_no_paragraph(
    capsys, bundled_db: Path, symbol: str
) -> None:
    before = exported(capsys, bundled_db, symbol)
    pdf = DOCUMENTS / f"{FILES[symbol]}.pdf"
    assert main(["--db", str(bundled_db), "ingest", str(pdf)], env={}) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{symbol}: replaced, {len(before)} paragraphs")
    assert "warning" not in out
    assert exported(capsys, bundled_db, symbol) == before


@pytest.mark.parametrize("style", ["paragraphs", "lists"])
@pytest.mark.parametrize("symbol", FILES)
def test_a_saved_web_page_parses_to_the_text_versions_paragraphs(
    shipped: dict[str, ParsedReport], manifest: list[ManifestEntry], symbol: str, style: str
) -> None:
    page = saved_page(shipped[symbol], style=style)
    text = decode_text(page.encode("utf-8"), source="page.html")
    assert "<" not in text  # no markup survives, not even in the title block
    report = parse_report(text, source="page.html", manifest=manifest)
    expected = shipped[symbol].report
    assert report.meta == expected.meta
    assert report.paragraphs == expected.paragraphs
    assert report.warnings == ()


def test_a_web_page_ingests_from_the_command_line_to_the_same_export(
    capsys, bundled_db: Path, tmp_path: Path, shipped: dict[str, ParsedReport]
) -> None:
    before = exported(capsys, bundled_db, "S/2018/80")
    page = tmp_path / "S_2018_80 - Official Documents.html"
    page.write_text(saved_page(shipped["S/2018/80"]), encoding="utf-8")
    assert main(["--db", str(bundled_db), "ingest", str(page)], env={}) == 0
    assert capsys.readouterr().out.startswith("S/2018/80: replaced, 86 paragraphs, 67 footnotes")
    assert exported(capsys, bundled_db, "S/2018/80") == before


PAGES_WITHOUT_A_REPORT = {
    "search results": "<html><body><nav>Home</nav><h1>Search</h1><p>3 results for ISIL</p>"
    "<ul><li>S/2018/80</li><li>S/2016/501</li></ul></body></html>",
    "fragment": "<div><p>The Security Council met today.</p><p>It adjourned.</p></div>",
    "script only": "<!DOCTYPE html><html><head><script>var x = '1. In adopting';</script>"
    "</head><body></body></html>",
}


@pytest.mark.parametrize("page", PAGES_WITHOUT_A_REPORT.values(), ids=PAGES_WITHOUT_A_REPORT)
def test_a_web_page_without_numbered_paragraphs_is_refused_naming_html(page: str) -> None:
    with pytest.raises(ParseError, match="HTML page has no numbered paragraphs"):
        decode_text(page.encode(), source="page.html")


def test_markup_inside_text_never_reaches_a_paragraph() -> None:
    page = (
        "<p>Report of the Secretary-General on the threat posed by ISIL to peace</p>\n"
        "<h2>I. Introduction</h2>\n"
        "<p>1. The <b>Council</b> met on the threat posed by ISIL.<sup>1</sup></p>\n"
        "<p>2. It &amp; the <i>Committee</i> adjourned until the next report.</p>\n"
        "<ol class='footnotes'><li>See S/2018/80.</li></ol>"
    )
    report = parse_report(
        decode_text(page.encode(), source="p.html"), flags=MetaFlags(symbol="S/2099/1")
    )
    assert [p.text for p in report.paragraphs] == [
        "The Council met on the threat posed by ISIL.",
        "It & the Committee adjourned until the next report.",
    ]
    assert [f.text for f in report.paragraphs[0].footnotes] == ["See S/2018/80."]


WORD_HTML = """<html><body><div class=WordSection1>
<p class=MsoTitle>Report of the Secretary-General on the threat posed by testing groups</p>
<h1>I.&nbsp;&nbsp;Introduction</h1>
<p class=MsoNormal><span>1.</span><span style='mso-tab-count:1'>&nbsp;&nbsp; </span>The Council
met on the threat posed by testing groups.<a href="#_ftn1" name="_ftnref1"><sup><span>[1]</span>
</sup></a> It adjourned.</p>
<p class=MsoNormal>2.&nbsp;Member States reported progress in countering the financing of
terrorism.<a href="#_ftn2"><sup>[2]</sup></a></p>
</div><div style='mso-element:footnote-list'><hr>
<div style='mso-element:footnote' id=ftn1><p class=MsoFootnoteText><a href="#_ftnref1"
name="_ftn1"><span>[1]</span></a> See S/2018/80, para. 3.</p></div>
<div style='mso-element:footnote' id=ftn2><p class=MsoFootnoteText><a href="#_ftnref2">
<sup>[2]</sup></a> Information provided by a Member State.</p></div>
</div></body></html>"""


def test_a_page_exported_by_word_keeps_its_bracketed_footnotes() -> None:
    text = decode_text(WORD_HTML.encode(), source="report.htm")
    report = parse_report(text, flags=MetaFlags(symbol="S/2099/1", date="2099-01-01"))
    assert [(p.text, [f.text for f in p.footnotes]) for p in report.paragraphs] == [
        (
            "The Council met on the threat posed by testing groups. It adjourned.",
            ["See S/2018/80, para. 3."],
        ),
        (
            "Member States reported progress in countering the financing of terrorism.",
            ["Information provided by a Member State."],
        ),
    ]
    assert report.warnings == ()


def test_pdfs_read_in_parallel_threads_come_out_whole() -> None:
    """Ingests parse in worker threads and PDFium is not thread-safe: reads take turns."""
    names = ["S-2016-501.pdf", "S-2018-80-letter.pdf"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        texts = list(pool.map(lambda n: decode_text((DOCUMENTS / n).read_bytes(), source=n), names))
    assert texts == [pdf_text(name) for name in names]


def test_inline_tags_in_a_text_file_are_read_not_stored() -> None:
    """Markdown converted from Word keeps "ISIL<sup>4</sup>" and <b>…</b>; lines stay lines."""
    text = (
        "Report of the Secretary-General on the threat posed by testing groups\n\n"
        "I. Introduction\n\n"
        "1. The <b>Council</b> met on the threat posed by ISIL<sup>4</sup> in the region.\n\n"
        "2. Member States reported progress in countering the financing of terrorism.\n\n"
        "<sup>4</sup> See S/2018/80, para. 3.\n"
    )
    report = parse_report(decode_text(text.encode(), source="r.md"), flags=MetaFlags("S/2099/1"))
    assert [p.text for p in report.paragraphs] == [
        "The Council met on the threat posed by ISIL in the region.",
        "Member States reported progress in countering the financing of terrorism.",
    ]
    assert [f.text for f in report.paragraphs[0].footnotes] == ["See S/2018/80, para. 3."]
