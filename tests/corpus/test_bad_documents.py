"""PDFs and web pages that cannot be read faithfully are refused (exit 2), and nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from corpus.pdf_bounds import MAX_INFLATED_BYTES
from corpus.pdf_glyphs import MAX_PDF_PAGES
from tests.corpus.documents import bad_pdfs

BAD_DOCUMENTS: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "encrypted PDF": ("report.pdf", bad_pdfs.encrypted_pdf, "encrypted"),
    "scanned PDF": ("scan.pdf", bad_pdfs.scanned_pdf, "no text layer"),
    "truncated PDF": ("cut.pdf", bad_pdfs.truncated_pdf, "truncated"),
    "PDF claiming too many pages": (
        "pages.pdf",
        lambda: bad_pdfs.many_pages_pdf(MAX_PDF_PAGES + 1),
        f"{MAX_PDF_PAGES + 1} pages",
    ),
    "PDF decompression bomb": (
        "bomb.pdf",
        lambda: bad_pdfs.inflation_bomb(MAX_INFLATED_BYTES + (8 << 20)),
        "decompression bomb",
    ),
    "HTML page with no report": (
        "search.html",
        lambda: (
            b"<!DOCTYPE html><html><body><nav><a href='/'>Home</a></nav><h1>Results</h1>"
            b"<p>2 documents match ISIL.</p><ol><li>S/2018/80</li></ol></body></html>"
        ),
        "HTML page has no numbered paragraphs",
    ),
}


@pytest.mark.parametrize(("name", "make", "says"), BAD_DOCUMENTS.values(), ids=list(BAD_DOCUMENTS))
def test_a_bad_document_is_refused_and_every_table_is_unchanged(
    capsys, bundled_db: Path, tmp_path: Path, table_checksums, name, make, says
) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    before = table_checksums(bundled_db)
    status = main(["--db", str(bundled_db), "ingest", str(path), "--symbol", "S/2099/1"], env={})
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert err.startswith("reportbot: ")
    assert name in err
    assert says in err
    assert "Traceback" not in err
    assert table_checksums(bundled_db) == before


def test_the_control_pdf_made_the_same_way_is_accepted(
    capsys, bundled_db: Path, tmp_path: Path
) -> None:
    """The bad PDFs above fail for what is wrong with them, not for being fpdf2 PDFs."""
    path = tmp_path / "good.pdf"
    path.write_bytes(bad_pdfs.text_pdf())
    status = main(["--db", str(bundled_db), "ingest", str(path)], env={})
    out, err = capsys.readouterr()
    assert status == 0, err
    assert out.startswith("S/2099/1: added, 2 paragraphs")
