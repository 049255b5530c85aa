"""Re-lay-out a parsed report the way other sources deliver reports, to test the parser's rules.

`render_pdf_text` gives what pdftotext (without -layout) makes of a UN PDF: lines wrapped at a
width, compounds broken at their hyphen and words hyphenated, the symbol alone atop each page,
a job-number/page line and a form feed at each page's foot, plain-digit footnote marks, and each
page's footnotes at its bottom. `render_web_page` gives text copied from a web page: navigation
lines, the symbol in the title line, indented paragraph numbers, superscript marks, lettered
list items on lines of their own and the footnotes at the end.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from corpus.footnotes import Mark
from corpus.model import Report
from corpus.parse import ParsedReport

JOB_NUMBER = "18-01235"
MONTHS = "January February March April May June July August September October November December"
SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class PdfStyle:
    """The knobs real conversions differ in."""

    width: int = 80
    lines_per_page: int = 45
    marks_after_punctuation: str = "glued"  # "glued" ("States.4") or "spaced" ("States. 4")
    marks_after_words: str = "glued"  # "glued" ("ISIL4") or "spaced" ("ISIL 4")
    rule_above_footnotes: bool = True  # a "____" line, else a blank line
    hyphenate_words: bool = True  # split long words across lines ("organiza-" / "tion")
    page_number_first: bool = False  # "3/17   18-01235" instead of "18-01235   3/17"
    hanging_labels: bool = False  # "5." and footnote numbers on lines of their own


@dataclass
class _Token:
    text: str
    footnotes: tuple[int, ...] = ()


@dataclass
class _Line:
    text: str
    footnotes: tuple[int, ...] = ()


@dataclass
class _Pages:
    style: PdfStyle
    symbol: str
    footnotes: dict[int, str]
    pages: list[list[str]] = field(default_factory=list)
    body: list[_Line] = field(default_factory=list)

    def add(self, lines: list[_Line], *, keep_together: bool = False) -> None:
        """Add lines, breaking pages between them (a heading and the line after it stay together,
        as typesetters keep a heading with what follows)."""
        if keep_together and len(self.body) + len(lines) + 1 > self.style.lines_per_page:
            self.close_page()
        for line in lines:
            if len(self.body) >= self.style.lines_per_page:
                self.close_page()
            self.body.append(line)

    def close_page(self) -> None:
        cited = [n for line in self.body for n in line.footnotes]
        page = [line.text for line in self.body]
        if cited:
            page.append("__________________" if self.style.rule_above_footnotes else "")
            for number in cited:
                if self.style.hanging_labels and self.style.rule_above_footnotes:
                    page += [str(number), *wrap_plain(self.footnotes[number], self.style.width)]
                else:
                    page += wrap_plain(f"{number} {self.footnotes[number]}", self.style.width)
        self.pages.append(page)
        self.body = []

    def render(self) -> str:
        if self.body:
            self.close_page()
        total = len(self.pages)
        out: list[str] = []
        for index, page in enumerate(self.pages, 1):
            top = ["", self.symbol, ""] if index > 1 else []
            foot = f"{index}/{total}"
            furniture = (
                f"{foot}   {JOB_NUMBER}"
                if self.style.page_number_first
                else f"{JOB_NUMBER}   {foot}"
            )
            out.append("\f" * (index > 1) + "\n".join([*top, *page, "", furniture]))
        return "\n".join(out) + "\n"


def render_pdf_text(parsed: ParsedReport, style: PdfStyle = PdfStyle()) -> str:
    """Lay a parsed report out as hard-wrapped pdftotext output of its PDF."""
    report = parsed.report
    footnotes = {f.number: f.text for f in report.footnotes}
    pages = _Pages(style, report.symbol, footnotes)
    pages.body += [_Line(line) for line in _title_block(report)]
    pages.body += [_Line(line) for line in wrap_plain(report.meta.title, style.width)] + [_Line("")]
    splittable = _splittable_words(report)
    for kind, index in _document_order(report):
        if kind == "heading":
            heading = report.headings[index]
            label, text, marks = heading.label, heading.title, parsed.heading_marks[index]
        else:
            paragraph = report.paragraphs[index]
            label, text = f"{paragraph.number}.", paragraph.text
            marks = parsed.paragraph_marks[index]
        if style.hanging_labels:
            lines = [_Line(label), *_wrap(_tokens("", text, marks, style), style, splittable)]
        else:
            lines = _wrap(_tokens(label, text, marks, style), style, splittable)
        keep = len(lines) if kind == "heading" else 2  # a label stays with its text
        pages.add(lines[:keep], keep_together=True)
        pages.add([*lines[keep:], _Line("")])
    return pages.render()


def render_web_page(
    parsed: ParsedReport, *, blank_lines: bool = True, indent: int = 4, footer: bool = False
) -> str:
    """Lay a parsed report out as text copied from a web page."""
    report = parsed.report
    lines = ["Skip to main content", "Home", "Documents", "Security Council", ""]
    lines.append(f"{report.meta.title} ({report.symbol}) [EN/AR/ZH]")
    if report.meta.date:
        lines.append(f"Distr.: General {_spelled_date(report)}")
    for kind, index in _document_order(report):
        if kind == "heading":
            heading = report.headings[index]
            title = _with_superscripts(heading.title, parsed.heading_marks[index])
            lines.append(f"{heading.label} {title}")
            continue
        paragraph = report.paragraphs[index]
        text = _with_superscripts(paragraph.text, parsed.paragraph_marks[index])
        first, *items = re.split(r" (?=\([a-z]\) )", text)  # list items on lines of their own
        lines.append(" " * indent + f"{paragraph.number}. {first}")
        lines += [" " * (indent + 4) + item for item in items]
    lines.append("")
    lines += [f"{str(f.number).translate(SUPERSCRIPTS)} {f.text}" for f in report.footnotes]
    if footer:
        lines += ["", "Back to top", "Privacy notice", "Terms of use", "© United Nations"]
    separator = "\n\n" if blank_lines else "\n"
    return separator.join(line for line in lines if line or blank_lines) + "\n"


def wrap_plain(text: str, width: int) -> list[str]:
    """Greedy wrap at spaces (a word longer than the width gets a line of its own)."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return [*lines, current] if current else lines


def _title_block(report: Report) -> list[str]:
    block = [report.symbol, "", "Security Council", ""]
    if report.meta.date:
        block += ["Distr.: General", _spelled_date(report), ""]
    return [*block, "Original: English", ""]


def _spelled_date(report: Report) -> str:
    date = report.meta.date
    assert date is not None
    return f"{date.day} {MONTHS.split()[date.month - 1]} {date.year}"


def _document_order(report: Report) -> Iterator[tuple[str, int]]:
    """Headings and paragraphs in reading order: each heading before its first paragraph."""
    open_texts: tuple[str, ...] = ()
    next_heading = 0
    for number, paragraph in enumerate(report.paragraphs):
        common = 0
        while common < min(len(open_texts), len(paragraph.section)) and (
            open_texts[common] == paragraph.section[common]
        ):
            common += 1
        for text in paragraph.section[common:]:
            assert report.headings[next_heading].text == text
            yield "heading", next_heading
            next_heading += 1
        open_texts = paragraph.section
        yield "paragraph", number


def _with_superscripts(text: str, marks: tuple[Mark, ...]) -> str:
    for mark in sorted(marks, key=lambda m: -m.offset):
        digits = str(mark.number).translate(SUPERSCRIPTS)
        text = text[: mark.offset] + digits + text[mark.offset :]
    return text


def _tokens(label: str, text: str, marks: tuple[Mark, ...], style: PdfStyle) -> list[_Token]:
    """Split text into words, attaching each plain-digit mark to the word it follows."""
    tokens = [_Token(label)] if label else []
    by_offset: dict[int, list[int]] = {}
    for mark in marks:
        by_offset.setdefault(mark.offset, []).append(mark.number)
    for match in re.finditer(r"\S+", text):
        word = match.group(0)
        numbers = by_offset.get(match.end(), [])
        ends_in_word = word[-1].isalnum()
        spaced = (style.marks_after_words if ends_in_word else style.marks_after_punctuation) == (
            "spaced"
        )
        if spaced and numbers:  # a mark never starts a line: in the PDF it touches its word
            tokens.append(_Token(" ".join([word, *map(str, numbers)]), tuple(numbers)))
        else:
            tokens.append(_Token(word + "".join(map(str, numbers)), tuple(numbers)))
    return tokens


def _splittable_words(report: Report) -> set[str]:
    """Words common enough that an unbroken copy survives elsewhere, so the parser can tell a
    hyphenated word from a compound (it uses the document's own vocabulary)."""
    counts = Counter(
        word
        for paragraph in report.paragraphs
        for word in re.findall(r"(?<![\w-])[a-z]{9,}(?![\w-])", paragraph.text)
    )
    common = {word for word, count in counts.items() if count >= 4}
    return common | _ambiguous_compounds(report)


def _ambiguous_compounds(report: Report) -> set[str]:
    """Compounds ("front-line") used once while the report also spells them closed up
    ("frontline"): broken at the hyphen, no reader of the text alone can tell which was meant,
    so these are never broken (a known limit of rejoining hyphenation)."""
    text = " ".join(p.text for p in report.paragraphs).lower()
    compounds = Counter(re.findall(r"(?<![\w-])[a-z]+-[a-z]+(?![\w-])", text))
    closed = set(re.findall(r"(?<![\w-])[a-z]+(?![\w-])", text))
    return {c for c, count in compounds.items() if count == 1 and c.replace("-", "") in closed}


def _wrap(tokens: list[_Token], style: PdfStyle, splittable: set[str]) -> list[_Line]:
    lines: list[_Line] = []
    current: list[_Token] = []
    split_once: set[str] = set()

    def width_of(parts: list[_Token]) -> int:
        return len(" ".join(part.text for part in parts))

    for token in tokens:
        if not current or width_of([*current, token]) <= style.width:
            current.append(token)
            continue
        head, tail = _split(token, style, width_of(current), splittable, split_once)
        if head is not None:
            current.append(head)
            token = tail
        lines.append(_Line(" ".join(t.text for t in current), _numbers(current)))
        current = [token]
    if current:
        lines.append(_Line(" ".join(t.text for t in current), _numbers(current)))
    return lines


def _split(
    token: _Token, style: PdfStyle, used: int, splittable: set[str], split_once: set[str]
) -> tuple[_Token | None, _Token]:
    """Break a word at its own hyphen, or hyphenate a common word once, if a head fits."""
    room = style.width - used - 1
    word = token.text
    hyphens = [i for i, char in enumerate(word) if char == "-" and 0 < i < len(word) - 1]
    fitting = [i for i in hyphens if i + 1 <= room and word[i - 1].isalpha()]
    if word.strip(".,;:()“”’").lower() in splittable:
        fitting = []  # see _ambiguous_compounds: no reader could tell this break apart
    if fitting and word[fitting[-1] + 1].isalpha():
        cut = fitting[-1] + 1
        return _Token(word[:cut]), _Token(word[cut:], token.footnotes)
    bare = word.strip(".,;:()“”’")
    hyphenate = style.hyphenate_words and "-" not in bare and bare not in split_once
    if hyphenate and bare in splittable and room >= 5:
        start = word.index(bare)
        cut = min(start + len(bare) - 3, start + room - 1)
        if cut - start >= 3:
            split_once.add(bare)
            return _Token(word[:cut] + "-"), _Token(word[cut:], token.footnotes)
    return None, token


def _numbers(tokens: list[_Token]) -> tuple[int, ...]:
    return tuple(n for token in tokens for n in token.footnotes)
