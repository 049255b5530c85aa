"""Print the shipped reports to PDF the way UN documents are made, with LibreOffice.

Each report becomes a flat OpenDocument text (.fodt) with the UN masthead on the first page,
real footnotes (text:note) at the foot of each page, a running header with the symbol (left on
even pages, right on odd ones), a footer with the job number and "page/total", and on the first
page the job number, the barcode and "Please recycle". LibreOffice then converts it:

    uv run python tests/corpus/documents/make_libreoffice_pdfs.py   # needs `libreoffice`

CI has no LibreOffice: the small PDFs this writes are committed next to this script, and the
tests read those.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from corpus.decode import decode_text
from corpus.files import bundled_manifest, bundled_texts
from corpus.footnotes import Mark
from corpus.parse import ParsedReport, parse_document

HERE = Path(__file__).parent
JOBS = {"S/2016/501": "16-08919", "S/2018/80": "18-01235"}
# A second house style, for S/2018/80 only: 12 pt text with 10 pt footnotes, no space between
# paragraphs but a first-line indent, header and footer in the text's serif face.
COMPACT = [
    ('fo:font-size="10pt" fo:language="en"', 'fo:font-size="12pt" fo:language="en"'),
    (
        '<style:text-properties style:font-name="Serif" fo:font-size="10pt"/>',
        '<style:text-properties style:font-name="Serif" fo:font-size="12pt"/>',
    ),
    (
        'fo:margin-left="1.27cm" fo:text-indent="0cm"\n   fo:margin-bottom="0.21cm"',
        'fo:margin-left="1.27cm" fo:text-indent="0.5cm"\n   fo:margin-bottom="0cm"',
    ),
    ('<style:text-properties fo:font-size="8pt"/>', '<style:text-properties fo:font-size="10pt"/>'),
    (
        '<style:text-properties style:font-name="Sans" fo:font-size="8pt" fo:font-weight="bold"/>',
        '<style:text-properties style:font-name="Serif" fo:font-size="10pt"/>',
    ),
]
MONTHS = "January February March April May June July August September October November December"

_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:font-face-decls>
 <style:font-face style:name="Serif" svg:font-family="'Liberation Serif'"/>
 <style:font-face style:name="Sans" svg:font-family="'Liberation Sans'"/>
</office:font-face-decls>
<office:styles>
 <style:default-style style:family="paragraph">
  <style:paragraph-properties fo:hyphenation-ladder-count="no-limit"/>
  <style:text-properties style:font-name="Serif" fo:font-size="10pt" fo:language="en"
   fo:country="GB"/>
 </style:default-style>
 <style:style style:name="Standard" style:family="paragraph">
  <style:text-properties style:font-name="Serif" fo:font-size="10pt"/>
 </style:style>
 <style:style style:name="Body" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:margin-left="1.27cm" fo:text-indent="0cm"
   fo:margin-bottom="0.21cm" fo:text-align="justify" fo:line-height="115%">
   <style:tab-stops><style:tab-stop style:position="0.6cm"/></style:tab-stops>
  </style:paragraph-properties>
 </style:style>
 <style:style style:name="H1" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:margin-left="0cm" fo:margin-top="0.4cm"
   fo:margin-bottom="0.3cm" fo:keep-with-next="always"/>
  <style:text-properties fo:font-size="12pt" fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="H2" style:family="paragraph" style:parent-style-name="H1">
  <style:paragraph-properties fo:margin-left="0.6cm"/>
  <style:text-properties fo:font-size="11pt"/>
 </style:style>
 <style:style style:name="H3" style:family="paragraph" style:parent-style-name="H1">
  <style:paragraph-properties fo:margin-left="1.27cm"/>
  <style:text-properties fo:font-size="10pt"/>
 </style:style>
 <style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:margin-left="1.27cm" fo:margin-right="2cm"
   fo:margin-top="0.6cm" fo:margin-bottom="0.5cm"/>
  <style:text-properties fo:font-size="14pt" fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="Mast" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="end"/>
  <style:text-properties style:font-name="Sans" fo:font-size="9pt"/>
 </style:style>
 <style:style style:name="MastBig" style:family="paragraph" style:parent-style-name="Standard">
  <style:text-properties style:font-name="Sans" fo:font-size="16pt" fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="Footnote" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:margin-left="1.27cm" fo:text-indent="-0.5cm"/>
  <style:text-properties fo:font-size="8pt"/>
 </style:style>
 <style:style style:name="Furniture" style:family="paragraph" style:parent-style-name="Standard">
  <style:text-properties style:font-name="Sans" fo:font-size="8pt" fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="FurnitureRight" style:family="paragraph"
  style:parent-style-name="Furniture">
  <style:paragraph-properties fo:text-align="end"/>
 </style:style>
 <style:style style:name="Mark" style:family="text">
  <style:text-properties style:text-position="super 58%"/>
 </style:style>
 <text:notes-configuration text:note-class="footnote" text:citation-style-name="Mark"
  text:citation-body-style-name="Mark" text:default-style-name="Footnote"
  style:num-format="1" text:start-value="0" text:footnotes-position="page"
  text:start-numbering-at="document"/>
</office:styles>
<office:automatic-styles>
 <style:page-layout style:name="Page">
  <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm"
   fo:margin-top="1.2cm" fo:margin-bottom="1.2cm" fo:margin-left="2.2cm"
   fo:margin-right="2.2cm">
   <style:footnote-sep style:width="0.018cm" style:distance-before-sep="0.1cm"
    style:distance-after-sep="0.1cm" style:rel-width="25%" style:color="#000000"
    style:adjustment="left"/>
  </style:page-layout-properties>
  <style:header-style><style:header-footer-properties fo:min-height="0.6cm"
   fo:margin-bottom="0.5cm"/></style:header-style>
  <style:footer-style><style:header-footer-properties fo:min-height="0.6cm"
   fo:margin-top="0.5cm"/></style:footer-style>
 </style:page-layout>
 <style:style style:name="FirstBreak" style:family="paragraph" style:parent-style-name="MastBig"
  style:master-page-name="First"/>
</office:automatic-styles>
<office:master-styles>
 <style:master-page style:name="Standard" style:page-layout-name="Page">
  <style:header><text:p text:style-name="FurnitureRight">{symbol}</text:p></style:header>
  <style:header-left><text:p text:style-name="Furniture">{symbol}</text:p></style:header-left>
  <style:footer><text:p text:style-name="FurnitureRight">{job}<text:tab/><text:page-number
   text:select-page="current">1</text:page-number>/<text:page-count>1</text:page-count>
   </text:p></style:footer>
  <style:footer-left><text:p text:style-name="Furniture"><text:page-number
   text:select-page="current">1</text:page-number>/<text:page-count>1</text:page-count><text:tab/>{job}</text:p></style:footer-left>
 </style:master-page>
 <style:master-page style:name="First" style:page-layout-name="Page"
  style:next-style-name="Standard">
  <style:footer><text:p text:style-name="Furniture">{job} (E)<text:tab/>{printed}</text:p>
   <text:p text:style-name="Furniture">*{barcode}*</text:p>
   <text:p text:style-name="FurnitureRight">Please recycle</text:p></style:footer>
 </style:master-page>
</office:master-styles>
<office:body><office:text>
"""
_TAIL = "</office:text></office:body></office:document>\n"


def document(parsed: ParsedReport, job: str, *, compact: bool = False) -> str:
    """The .fodt of one report: masthead, title, headings and paragraphs with their notes."""
    head = _HEAD
    for old, new in COMPACT if compact else []:
        assert old in head, old
        head = head.replace(old, new)
    report = parsed.report
    meta = report.meta
    assert meta.date is not None
    date = f"{meta.date.day} {MONTHS.split()[meta.date.month - 1]} {meta.date.year}"
    footnotes = {f.number: f.text for f in report.footnotes}
    parts = [
        head.format(
            symbol=meta.symbol,
            job=job,
            printed=meta.date.strftime("%d%m%y"),
            barcode=job.replace("-", ""),
        ),
        '<text:p text:style-name="FirstBreak">United Nations</text:p>',
        f'<text:p text:style-name="Mast">{meta.symbol}</text:p>',
        '<text:p text:style-name="MastBig">Security Council</text:p>',
        '<text:p text:style-name="Mast">Distr.: General</text:p>',
        f'<text:p text:style-name="Mast">{date}</text:p>',
        '<text:p text:style-name="Mast">Original: English</text:p>',
        f'<text:p text:style-name="Title">{escape(meta.title)}</text:p>',
    ]
    next_heading = 0
    for index, paragraph in enumerate(report.paragraphs):
        # Headings come in outline order; the next ones open this paragraph's section.
        while (
            next_heading < len(report.headings)
            and report.headings[next_heading].text in paragraph.section
        ):
            heading = report.headings[next_heading]
            marks = parsed.heading_marks[next_heading]
            title = _with_notes(heading.title, marks, footnotes)
            parts.append(
                f'<text:p text:style-name="H{heading.level}">{escape(heading.label)}'
                f"<text:tab/>{title}</text:p>"
            )
            next_heading += 1
        text = _with_notes(paragraph.text, parsed.paragraph_marks[index], footnotes)
        parts.append(
            f'<text:p text:style-name="Body">{paragraph.number}.<text:tab/>{text}</text:p>'
        )
    parts.append(_TAIL)
    return "\n".join(parts)


def _with_notes(text: str, marks: tuple[Mark, ...], footnotes: dict[int, str]) -> str:
    """Escape the text and put a real footnote (text:note) where each mark stood."""
    out, position = [], 0
    for mark in sorted(marks, key=lambda m: m.offset):
        offset = min(mark.offset, len(text))
        out.append(escape(text[position:offset]))
        body = escape(footnotes.get(mark.number, ""))
        out.append(
            f'<text:note text:note-class="footnote"><text:note-citation>{mark.number}'
            f'</text:note-citation><text:note-body><text:p text:style-name="Footnote">{body}'
            "</text:p></text:note-body></text:note>"
        )
        position = offset
    out.append(escape(text[position:]))
    return "".join(out)


def main() -> int:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        print("needs LibreOffice: apt-get install -y libreoffice-writer-nogui", file=sys.stderr)
        return 1
    manifest = bundled_manifest()
    with tempfile.TemporaryDirectory() as scratch:
        for entry, data in bundled_texts():
            parsed = parse_document(decode_text(data), source=entry.file, manifest=manifest)
            stem = entry.file.removesuffix(".txt")
            variants = [(stem, False)] + ([(f"{stem}-compact", True)] if "80" in stem else [])
            for name, compact in variants:
                source = Path(scratch) / f"{name}.fodt"
                text = document(parsed, JOBS[entry.meta.symbol], compact=compact)
                source.write_text(text, encoding="utf-8")
                _convert(office, source, scratch)
                print(HERE / f"{name}.pdf")
    return 0


def _convert(office: str, source: Path, scratch: str) -> None:
    subprocess.run(
        [office, "--headless", "--convert-to", "pdf", "--outdir", str(HERE), str(source)],
        check=True,
        capture_output=True,
        env={"HOME": scratch, "PATH": "/usr/bin:/bin"},
    )
    if not (HERE / f"{source.stem}.pdf").exists():
        raise SystemExit(f"LibreOffice did not convert {source.name}")


if __name__ == "__main__":
    raise SystemExit(main())
