"""Typeset a parsed report as a PDF with fpdf2: any page size, margins, font, header and footer.

Unlike the LibreOffice fixtures, this lays every line out itself, so a test can choose the page
size and margins, the font and size, the running header and footer, and the footnote style
(superscript or "12." numbers, with or without a rule). Each footnote goes to the foot of the
page where its mark is printed; a line whose footnotes no longer fit starts a new page.

    uv run python tests/corpus/documents/fpdf_report.py   # rewrites S-2018-80-letter.pdf
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF

from corpus.model import Report
from corpus.parse import ParsedReport

HERE = Path(__file__).parent
MONTHS = "January February March April May June July August September October November December"
_FONTS = Path("/usr/share/fonts/truetype/dejavu")


@dataclass(frozen=True)
class Style:
    """The knobs; sizes in points."""

    page: tuple[float, float] = (612.0, 792.0)  # US Letter
    margins: tuple[float, float, float, float] = (72.0, 60.0, 72.0, 60.0)  # top right bottom left
    font: str = "Helvetica"  # a core font, or "DejaVuSans"/"DejaVuSerif" (Unicode, from disk)
    size: float = 11.0
    header: str = "{symbol}"  # "" for none
    footer: str = "Page {page} of {nb}"  # "" for none; {symbol}, {page}, {nb}, {job}
    rule: bool = False  # a rule above each page's footnotes
    note_numbers: str = "superscript"  # or "plain" ("12. text")


@dataclass
class _Token:
    word: str
    marks: list[int] = field(default_factory=list)


@dataclass
class _Page:
    notes: list[int] = field(default_factory=list)


class _Typesetter:
    def __init__(self, report: Report, style: Style, total_pages: int) -> None:
        self.style = style
        self.total_pages = total_pages
        self.report = report
        self.notes = {f.number: f.text for f in report.footnotes}
        self.pdf = FPDF(unit="pt", format=style.page)
        self.pdf.set_auto_page_break(False)
        self.pdf.set_compression(True)
        self.family = self._fonts()
        top, right, bottom, left = style.margins
        self.left, self.right = left, style.page[0] - right
        self.top, self.bottom = top, style.page[1] - bottom
        self.line = style.size * 1.35
        self.note_size = style.size * 0.8
        self.note_line = self.note_size * 1.3
        self.y = 0.0
        self.page = _Page()
        self.page_number = 0

    def _fonts(self) -> str:
        if self.style.font in ("Helvetica", "Times", "Courier"):
            return self.style.font
        name = self.style.font
        self.pdf.add_font(name, "", str(_FONTS / f"{name}.ttf"))
        self.pdf.add_font(name, "B", str(_FONTS / f"{name}-Bold.ttf"))
        return name

    # ---- pages -----------------------------------------------------------------------------

    def new_page(self) -> None:
        if self.page_number:
            self.finish_page()
        self.pdf.add_page()
        self.page_number += 1
        self.page = _Page()
        self.y = self.top + self.style.size
        fields = {"symbol": self.report.meta.symbol, "job": "18-01235", "page": "{page}"}
        if self.style.header and self.page_number > 1:
            above = min(24.0, self.top * 0.5)
            self.put(self.left, self.top - above, self.style.header.format(**fields), 8, bold=True)
        if self.style.footer:
            text = self.style.footer.format(
                symbol=fields["symbol"], job="18-01235", page=self.page_number, nb=self.total_pages
            )
            self.put(self.left, self.bottom + min(30.0, self.style.margins[2] * 0.6), text, 8)

    def finish_page(self) -> None:
        if not self.page.notes:
            return
        y = self.bottom - self.notes_height(self.page.notes) + self.note_line
        if self.style.rule:
            self.pdf.set_line_width(0.5)
            self.pdf.line(self.left, y - self.note_line, self.left + 120, y - self.note_line)
        for number in self.page.notes:
            for index, (label, line) in enumerate(self.note_lines(number)):
                if index == 0 and self.style.note_numbers == "superscript":
                    self.put(self.left, y - self.note_size * 0.35, label, self.note_size * 0.65)
                elif index == 0:
                    self.put(self.left, y, label, self.note_size)
                self.put(self.left + 18, y, line, self.note_size)
                y += self.note_line

    def notes_height(self, numbers: list[int]) -> float:
        if not numbers:
            return 0.0
        lines = sum(len(self.note_lines(n)) for n in numbers)
        return lines * self.note_line + self.note_line  # a gap (or the rule) above them

    def note_lines(self, number: int) -> list[tuple[str, str]]:
        label = str(number) if self.style.note_numbers == "superscript" else f"{number}."
        words = [_Token(w) for w in self.notes.get(number, "").split()]
        lines = self.wrap(words, self.right - self.left - 18, self.note_size, bold=False)
        return [(label, " ".join(t.word for t in line)) for line in lines]

    # ---- text --------------------------------------------------------------------------------

    def put(self, x: float, y: float, text: str, size: float, *, bold: bool = False) -> None:
        self.pdf.set_font(self.family, "B" if bold else "", size)
        self.pdf.text(x, y, text)

    def width(self, text: str, size: float, *, bold: bool) -> float:
        self.pdf.set_font(self.family, "B" if bold else "", size)
        return self.pdf.get_string_width(text)

    def token_width(self, token: _Token, size: float, *, bold: bool) -> float:
        marks = " ".join(str(m) for m in token.marks)
        return self.width(token.word, size, bold=bold) + self.width(marks, size * 0.6, bold=False)

    def wrap(self, tokens: list[_Token], width: float, size: float, *, bold: bool) -> list[list]:
        lines: list[list[_Token]] = [[]]
        used = 0.0
        space = self.width(" ", size, bold=bold)
        for token in tokens:
            wide = self.token_width(token, size, bold=bold)
            if lines[-1] and used + space + wide > width:
                lines.append([])
                used = 0.0
            used += (space if lines[-1] else 0.0) + wide
            lines[-1].append(token)
        return [line for line in lines if line]

    def block(self, tokens: list[_Token], size: float, *, bold: bool, after: float) -> None:
        for line in self.wrap(tokens, self.right - self.left, size, bold=bold):
            marks = [m for token in line for m in token.marks]
            needed = self.notes_height(self.page.notes + marks)
            if self.y + self.line > self.bottom - needed:
                self.new_page()
            self.page.notes += marks
            x = self.left
            for token in line:
                self.put(x, self.y, token.word, size, bold=bold)
                x += self.width(token.word, size, bold=bold)
                if token.marks:
                    digits = " ".join(str(m) for m in token.marks)
                    self.put(x, self.y - size * 0.35, digits, size * 0.6)
                    x += self.width(digits, size * 0.6, bold=False)
                x += self.width(" ", size, bold=bold)
            self.y += self.line * size / self.style.size
        self.y += after

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def render_pdf(parsed: ParsedReport, style: Style = Style()) -> bytes:
    """The report as a PDF in the given style; marks and footnotes where the parse found them.

    Set twice: the first pass counts the pages for the footer's "page/total" (fpdf2's {nb}
    alias cannot reach into text set in an embedded Unicode font)."""
    total = _typeset(parsed, style, 0).page_number
    return _typeset(parsed, style, total).output()


def _typeset(parsed: ParsedReport, style: Style, total_pages: int) -> _Typesetter:
    report = parsed.report
    setter = _Typesetter(report, style, total_pages)
    setter.new_page()
    meta = report.meta
    size = style.size
    setter.block([_Token(meta.symbol)], size, bold=False, after=size * 0.4)
    if meta.date is not None:
        date = f"{meta.date.day} {MONTHS.split()[meta.date.month - 1]} {meta.date.year}"
        setter.block(
            [_Token(w) for w in f"Distr.: General {date}".split()], size, bold=False, after=size
        )
    if meta.title:
        setter.block(_tokens(meta.title, ()), size + 3, bold=True, after=size)
    next_heading = 0
    for index, paragraph in enumerate(report.paragraphs):
        while (
            next_heading < len(report.headings)
            and report.headings[next_heading].text in paragraph.section
        ):
            heading = report.headings[next_heading]
            text = f"{heading.label} {heading.title}"
            shift = len(heading.label) + 1
            marks = tuple((m.offset + shift, m.number) for m in parsed.heading_marks[next_heading])
            setter.block(_tokens(text, marks), size + 1, bold=True, after=size * 0.6)
            next_heading += 1
        label = f"{paragraph.number}. "
        marks = tuple((m.offset + len(label), m.number) for m in parsed.paragraph_marks[index])
        setter.block(_tokens(label + paragraph.text, marks), size, bold=False, after=size * 0.6)
    setter.finish_page()
    return setter


def _tokens(text: str, marks: tuple[tuple[int, int], ...]) -> list[_Token]:
    """Words, each footnote mark glued to the word it follows."""
    tokens: list[_Token] = []
    ends: list[int] = []
    for match in re.finditer(r"\S+", text):
        tokens.append(_Token(match.group(0)))
        ends.append(match.end())
    for offset, number in marks:
        owner = max((i for i, end in enumerate(ends) if end <= offset), default=0)
        tokens[owner].marks.append(number)
    return tokens


def main() -> int:
    from corpus.decode import decode_text
    from corpus.files import bundled_manifest, bundled_texts
    from corpus.parse import parse_document

    manifest = bundled_manifest()
    entry, data = next((e, d) for e, d in bundled_texts() if e.meta.symbol == "S/2018/80")
    parsed = parse_document(decode_text(data), source=entry.file, manifest=manifest)
    style = Style(font="DejaVuSans", size=10.5, footer="{symbol}  {page}/{nb}", rule=False)
    (HERE / "S-2018-80-letter.pdf").write_bytes(render_pdf(parsed, style))
    print(HERE / "S-2018-80-letter.pdf")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
