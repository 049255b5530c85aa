"""Compare PDF libraries on the same files, for fidelity and speed (why corpus/ uses pypdfium2).

    uv run --with pdfminer.six --with pdfplumber --with pypdf \\
        python benchmarks/compare_pdf_libraries.py

Fidelity is measured through the project's own pipeline: each library's glyphs (character,
origin on the baseline, right edge, size, boldness) go through corpus.pdf_lines/pdf_text and
the parser, and the paragraphs are compared with the text version's (text, heading path,
footnotes). pypdf gives no per-glyph geometry, so only its plain text is checked: whether
footnote marks survive as marks at all. Speed: median of 3 runs of glyph extraction, one core.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from corpus.decode import decode_text  # noqa: E402
from corpus.files import bundled_manifest, bundled_texts  # noqa: E402
from corpus.parse import parse_report  # noqa: E402
from corpus.pdf_glyphs import Glyph, PdfPage, read_pdf_pages  # noqa: E402
from corpus.pdf_text import pdf_report_text  # noqa: E402

DOCUMENTS = ROOT / "tests" / "corpus" / "documents"
FILES = {
    "S-2016-501.pdf": "S/2016/501",
    "S-2018-80.pdf": "S/2018/80",
    "S-2018-80-letter.pdf": "S/2018/80",
}


def pdfminer_pages(data: bytes) -> list[PdfPage]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTContainer

    def walk(item: object) -> list[object]:
        if isinstance(item, LTContainer):
            return [leaf for child in item for leaf in walk(child)]
        return [item]

    pages = []
    # extract_pages groups characters into boxes whatever laparams says; walk down to them.
    for layout in extract_pages(io.BytesIO(data)):
        glyphs = tuple(
            Glyph(
                item.get_text(),
                item.matrix[4],
                item.matrix[5],
                item.x1,
                item.size,
                "bold" in item.fontname.lower(),
                False,
            )
            for item in walk(layout)
            if isinstance(item, LTChar)
        )
        pages.append(PdfPage(layout.width, layout.height, glyphs))
    return pages


def pdfplumber_pages(data: bytes) -> list[PdfPage]:
    import pdfplumber

    pages = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            glyphs = tuple(
                Glyph(
                    char["text"],
                    char["matrix"][4],
                    char["matrix"][5],
                    char["x1"],
                    char["size"],
                    "bold" in char["fontname"].lower(),
                    False,
                )
                for char in page.chars
            )
            pages.append(PdfPage(page.width, page.height, glyphs))
    return pages


def pypdfium2_pages(data: bytes) -> list[PdfPage]:
    return read_pdf_pages(data)


def fidelity(pages: list[PdfPage], name: str) -> str:
    manifest = bundled_manifest()
    expected = {
        entry.meta.symbol: parse_report(decode_text(raw), source=entry.file, manifest=manifest)
        for entry, raw in bundled_texts()
    }[FILES[name]]
    try:
        report = parse_report(pdf_report_text(pages), source=name, manifest=manifest)
    except Exception as error:  # a comparison script reports every failure as a result
        return f"fails: {str(error)[:80]}"
    same = sum(a == b for a, b in zip(report.paragraphs, expected.paragraphs, strict=False))
    return f"{same}/{len(expected.paragraphs)} paragraphs exact"


def pypdf_marks(data: bytes) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    glued = "affiliates.6" in text or "affiliates.⁶" in text
    return "plain text only; marks glued to words as plain digits" if glued else "plain text only"


def timed(function: Callable[[bytes], object], data: bytes) -> float:
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        function(data)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> int:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    readers = {
        "pypdfium2": pypdfium2_pages,
        "pdfminer.six": pdfminer_pages,
        "pdfplumber": pdfplumber_pages,
    }
    for name in FILES:
        data = (DOCUMENTS / name).read_bytes()
        for library, reader in readers.items():
            seconds = timed(reader, data)
            print(f"{name:<22} {library:<13} {seconds:6.3f}s  {fidelity(reader(data), name)}")
        print(f"{name:<22} {'pypdf':<13} {timed(pypdf_marks, data):6.3f}s  {pypdf_marks(data)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
