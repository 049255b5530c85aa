"""PDFs that must be refused, made at test time: encrypted, scanned, cut short, and bombs."""

from __future__ import annotations

import io
import zlib

from fpdf import FPDF
from PIL import Image

REPORT_LINES = [
    "S/2099/1",
    "Report of the Secretary-General on the threat posed by testing groups",
    "I. Introduction",
    "1. The Security Council met to consider the threat posed by testing groups.",
    "2. Member States reported progress in countering the financing of terrorism.",
]


def _report(pdf: FPDF) -> FPDF:
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in REPORT_LINES:
        pdf.cell(0, 16, line, new_x="LMARGIN", new_y="NEXT")
    return pdf


def text_pdf() -> bytes:
    """A small, good report PDF (the control for the bad ones)."""
    return bytes(_report(FPDF()).output())


def encrypted_pdf() -> bytes:
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    return bytes(_report(pdf).output())


def scanned_pdf() -> bytes:
    """A page that is one picture of text, with no text layer: what a scanner makes."""
    picture = io.BytesIO()
    Image.new("L", (400, 500), color=255).save(picture, format="PNG")
    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.image(io.BytesIO(picture.getvalue()), x=10, y=10, w=180)
    return bytes(pdf.output())


def truncated_pdf() -> bytes:
    data = text_pdf()
    return data[: len(data) * 2 // 3]


def many_pages_pdf(pages: int) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.cell(0, 16, f"{number}. Page {number} of a document with too many pages.")
    return bytes(pdf.output())


def inflation_bomb(inflated_bytes: int) -> bytes:
    """A one-page PDF whose content stream inflates to `inflated_bytes` of spaces (~1000:1)."""
    deflater = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    parts = [deflater.compress(chunk) for _ in range(inflated_bytes // len(chunk))]
    stream = b"".join(parts) + deflater.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
