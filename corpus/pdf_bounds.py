"""Refuse PDFs that could not be read in bounded time and memory, before any PDF engine runs.

A PDF bomb is small on disk and huge once inflated (a stream of zeros compresses ~1000:1), or
claims millions of pages. Streams are inflated here chunk by chunk and thrown away, so memory
stays at one chunk however large the claim; the page count is checked once the file is open.
"""

from __future__ import annotations

import re
import zlib

from corpus.errors import ParseError

MAX_INFLATED_BYTES = 200_000_000  # a 40-page report inflates to a few MB; fonts included
_CHUNK = 1 << 20
_STREAM = re.compile(rb"stream\r?\n")
_FLATE = re.compile(rb"/FlateDecode|/Fl\b")
_DICT_LOOKBACK = 1024  # the stream's dictionary sits just before the keyword
_TAIL = 2048  # "%%EOF" ends every complete PDF (some writers add a few bytes after it)


def check_pdf_bounds(data: bytes, *, source: str | None = None) -> None:
    """ParseError if the PDF is cut short or inflates beyond MAX_INFLATED_BYTES."""
    if b"%%EOF" not in data[-_TAIL:]:
        raise ParseError(
            "this PDF is truncated (it does not end with %%EOF): download it again",
            source=source,
        )
    inflated = 0
    for match in _STREAM.finditer(data):
        start = match.end()
        end = data.find(b"endstream", start)
        if end < 0:
            break
        header = data[max(0, match.start() - _DICT_LOOKBACK) : match.start()]
        if _FLATE.search(header[header.rfind(b"<<") :] if b"<<" in header else header):
            inflated += _inflated_size(data[start:end], MAX_INFLATED_BYTES - inflated)
        if inflated > MAX_INFLATED_BYTES:
            raise ParseError(
                f"this PDF inflates to more than {MAX_INFLATED_BYTES:,} bytes "
                "(a decompression bomb, not a report)",
                source=source,
            )


def _inflated_size(stream: bytes, budget: int) -> int:
    """Bytes the stream inflates to, counting no further than budget + 1; broken data counts 0."""
    inflater = zlib.decompressobj()
    total, pending = 0, stream
    try:
        while pending and total <= budget:
            total += len(inflater.decompress(pending, _CHUNK))
            pending = inflater.unconsumed_tail
    except zlib.error:
        return total  # PDFium decides what a damaged stream is worth
    return total
