"""Bytes in, text out: read PDFs and web pages, decode text, refuse anything that is neither.

`decode_text` is the one door every report's bytes pass through (files, uploads, links), so a
PDF or an HTML page is turned into the text layout the parser reads here, and markup or a PDF's
binary never reaches a paragraph.
"""

from __future__ import annotations

import codecs
import unicodedata

from corpus.errors import ParseError
from corpus.html_text import (
    has_numbered_paragraphs,
    html_report_text,
    looks_like_html,
    strip_inline_markup,
)

MAX_REPORT_BYTES = 10_000_000  # a report is ~100 kB of text; anything this large is not one

_ALLOWED_CONTROLS = frozenset("\t\n\r\f")
_MAX_CONTROL_SHARE = 0.001  # text has almost none; binary decoded as cp1252 has ~10 %
_PDF = b"%PDF-"
_PDF_HEADER_WITHIN = 1024  # the PDF specification lets junk precede the header this far
_SIGNATURES = {
    b"PK\x03\x04": "a ZIP archive (or a Word/OpenDocument file); save it as plain text first",
    b"\xd0\xcf\x11\xe0": "an old Word/Office document; save it as plain text first",
    b"{\\rtf": "an RTF document; save it as plain text first",
}


def decode_text(data: bytes, *, source: str | None = None) -> str:
    """The report text in `data`: a PDF's or a web page's text as the parser reads it, or the
    bytes decoded (UTF-8, UTF-16 with BOM, or cp1252) with newlines as \\n."""
    if len(data) > MAX_REPORT_BYTES:
        raise ParseError(
            f"the file is {len(data):,} bytes; reports over {MAX_REPORT_BYTES:,} bytes are refused",
            source=source,
        )
    if not data.strip():
        raise ParseError("the file is empty", source=source)
    if _PDF in data[:_PDF_HEADER_WITHIN]:
        return _pdf_text(data, source)
    for signature, what in _SIGNATURES.items():
        if data.startswith(signature):
            raise ParseError(f"this is {what}", source=source)
    text = _decode(data, source)
    _refuse_binary(text, source)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ParseError("the file has no text (only whitespace)", source=source)
    if looks_like_html(text):
        return _html_text(text, source)
    return strip_inline_markup(text)


def _pdf_text(data: bytes, source: str | None) -> str:
    # Imported here: loading PDFium costs every command ~13 ms, and only a PDF ingest needs it.
    from corpus.pdf_glyphs import read_pdf_pages
    from corpus.pdf_text import pdf_report_text

    text = pdf_report_text(read_pdf_pages(data, source=source))
    if not text.strip():
        raise ParseError("this PDF has no text outside its page headers and footers", source=source)
    return text


def _html_text(html: str, source: str | None) -> str:
    """A web page's visible text; refused unless it holds numbered paragraphs, so that a page
    that is not a report (a search result, a login page) is never stored as one."""
    text = html_report_text(html)
    if not has_numbered_paragraphs(text):
        raise ParseError(
            "this HTML page has no numbered paragraphs, so it is not a report's text: save the "
            "report's own page (or its PDF), not a page that links to it",
            source=source,
        )
    return text


def _decode(data: bytes, source: str | None) -> str:
    """Pick the encoding from the BOM, else UTF-8, else cp1252; never replace characters."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8) :], "utf-8", "UTF-8", source)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", "UTF-16", source)
    if b"\x00" in data:
        raise ParseError("this is a binary file (it contains NUL bytes), not text", source=source)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # Python's cp1252 refuses the five bytes Windows-1252 leaves undefined (0x81, 0x8D, ...).
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ParseError(
            f"the file is neither UTF-8, UTF-16 nor Windows-1252 text "
            f"(byte 0x{data[error.start]:02X} at offset {error.start}); save it as UTF-8",
            source=source,
        ) from None


def _strict(data: bytes, codec: str, name: str, source: str | None) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise ParseError(
            f"the file starts with a {name} byte-order mark but is not valid {name} "
            f"(offset {error.start}); save it as UTF-8",
            source=source,
        ) from None


def _refuse_binary(text: str, source: str | None) -> None:
    """Refuse text with NULs or a share of control characters no document has."""
    if "\x00" in text:
        raise ParseError("this is a binary file (it contains NUL characters)", source=source)
    controls = sum(
        1 for char in text if char not in _ALLOWED_CONTROLS and unicodedata.category(char) == "Cc"
    )
    if controls > max(8, len(text) * _MAX_CONTROL_SHARE):
        raise ParseError(
            f"this looks like a binary file ({controls} control characters), not text",
            source=source,
        )
