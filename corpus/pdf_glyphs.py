"""A PDF's bytes in, each page's glyphs out (character, baseline, size, weight): pypdfium2's home.

PDFium (the PDF engine of Chromium) reads every glyph with the position and size the PDF gives
it; what a page *means* (marks, footnotes, furniture) is decided by corpus.pdf_text from those.
Everything that could make reading unbounded is refused before PDFium sees the file.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from corpus.errors import ParseError
from corpus.pdf_bounds import check_pdf_bounds

MAX_PDF_PAGES = 400  # the longest reports run to ~40 pages; a bomb claims millions
# PDFium is not thread-safe (pypdfium2's documentation): ingests parse in worker threads, so two
# at once must take turns.
_PDFIUM = threading.Lock()
_CR_LF = ("\r", "\n")


@dataclass(frozen=True, slots=True)
class Glyph:
    """One character as printed: origin on the baseline, right edge, font size, boldness."""

    char: str
    x: float
    y: float  # baseline, in PDF units (1/72 inch) from the page's bottom
    right: float
    size: float
    bold: bool
    generated: bool  # a space PDFium inferred from a gap, not a glyph of the file


@dataclass(frozen=True)
class PdfPage:
    width: float
    height: float
    glyphs: tuple[Glyph, ...]


def read_pdf_pages(data: bytes, *, source: str | None = None) -> list[PdfPage]:
    """Every page's glyphs; ParseError for encrypted, truncated, oversized or textless PDFs."""
    check_pdf_bounds(data, source=source)
    with _PDFIUM:
        pages = _read_pages(data, source)
    if not any(g.char.strip() for page in pages for g in page.glyphs):
        raise ParseError(
            "this PDF has no text layer (it is a scan, images only); run OCR on it or ingest "
            "the report's text instead",
            source=source,
        )
    return pages


def _read_pages(data: bytes, source: str | None) -> list[PdfPage]:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise ParseError(_refusal(str(error)), source=source) from None
    try:
        count = len(document)
        if count > MAX_PDF_PAGES:
            raise ParseError(
                f"the PDF has {count:,} pages; reports over {MAX_PDF_PAGES} pages are refused",
                source=source,
            )
        pages = [_read_page(document[index]) for index in range(count)]
    except pdfium.PdfiumError as error:
        raise ParseError(_refusal(str(error)), source=source) from None
    finally:
        document.close()
    return pages


def _refusal(problem: str) -> str:
    if "password" in problem.lower():
        return "this PDF is encrypted (password-protected); save an unprotected copy first"
    return f"this PDF cannot be read ({problem}); it may be damaged"


def _read_page(page: pdfium.PdfPage) -> PdfPage:
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        glyphs = _glyphs(textpage)
    finally:
        textpage.close()
        page.close()
    return PdfPage(width, height, glyphs)


def _glyphs(textpage: pdfium.PdfTextPage) -> tuple[Glyph, ...]:
    handle = textpage.raw
    count = pdfium_c.FPDFText_CountChars(handle)
    text = textpage.get_text_range(0, count, errors="replace") if count > 0 else ""
    x, y = ctypes.c_double(), ctypes.c_double()
    box = pdfium_c.FS_RECTF()  # the "loose" box spans the advance, not the ink
    fonts: dict[int, bool] = {}
    glyphs: list[Glyph] = []
    for index, char in enumerate(text[:count]):
        if char in _CR_LF:
            continue
        generated = bool(pdfium_c.FPDFText_IsGenerated(handle, index))
        pdfium_c.FPDFText_GetCharOrigin(handle, index, x, y)
        pdfium_c.FPDFText_GetLooseCharBox(handle, index, box)
        size = pdfium_c.FPDFText_GetFontSize(handle, index)
        bold = False if generated else _is_bold(handle, index, fonts)
        glyphs.append(Glyph(char, x.value, y.value, max(box.right, x.value), size, bold, generated))
    return tuple(glyphs)


def _is_bold(handle: pdfium_c.FPDF_TEXTPAGE, index: int, fonts: dict[int, bool]) -> bool:
    """Bold by weight or by name: embedded subsets often lose the weight but keep "-Bold"."""
    text_object = pdfium_c.FPDFText_GetTextObject(handle, index)
    key = ctypes.cast(text_object, ctypes.c_void_p).value or 0
    if key not in fonts:
        weight = pdfium_c.FPDFText_GetFontWeight(handle, index)
        name = ctypes.create_string_buffer(128)
        flags = ctypes.c_int()
        pdfium_c.FPDFText_GetFontInfo(handle, index, name, len(name), flags)
        fonts[key] = weight >= 600 or b"bold" in name.value.lower()
    return fonts[key]
