"""A PDF's pages in, report text out, in the one-block-per-line layout the parser reads.

What the PDF knows and plain text loses decides each line's role:
- position: at a page's top or bottom, lines shaped like UN page furniture, and lines set off
  from the text that recur at the same height on other pages or name the symbol (the running
  header, "3/17  18-01235"), are dropped; a symbol among them is kept once, for the title block;
- size: a run of smaller lines at a page's foot, opening with the next footnote number, is the
  page's footnotes; they are written as "¹² text" after the body;
- size and baseline: small raised digits are footnote marks (corpus.pdf_lines);
- spacing and style: lines join into blocks (a paragraph's lines, a heading, the title) unless a
  gap, a change of size, weight or alignment, or a new label starts another; a
  page's first block continues the page before's last one when it has its style and no label.
  A block the parser finds unlabelled continues the paragraph before it.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from corpus.citation import SYMBOL_PATTERN
from corpus.lines import SUPERSCRIPT_DIGITS, Kind, classify_line, is_sentence_end
from corpus.pdf_glyphs import PdfPage
from corpus.pdf_lines import Line, group_lines
from corpus.pdf_words import Words, join_lines, report_words

_EDGE_LINES = 3  # furniture sits among the first or last few lines of a page
_SET_OFF = 1.5  # a header or footer stands this many line pitches off the text
_SAME_HEIGHT = 3.0  # points: a running header or footer recurs at the same height
_HEADER_WORDS = 8  # a running header naming the symbol is short
# UN page furniture, alone or several on one line ("18-01235 (E)  020218  *1801235*"):
# job number, language, print date, barcode text, "3/17", "Page 3 of 17", "Please recycle".
_FURNITURE_ITEM = (
    r"(?:\d{2}-\d{5}|\([A-Z]\)|\d{6}|\*\d{5,}\*|\d{1,4}|\d{1,4}\s*/\s*\d{1,4}"
    r"|page\s+\d{1,4}(?:\s+of\s+\d{1,4})?|please\s+recycle)"
)
_UN_FURNITURE = re.compile(rf"^{_FURNITURE_ITEM}(?:\s+{_FURNITURE_ITEM})*$", re.IGNORECASE)
_BODY_SHARE = 0.25  # of the characters of regular weight
_PARAGRAPH_START = re.compile(r"^\d{1,4}\.\s")
_FOOTNOTE_SIZE = 0.92  # footnotes are set smaller than the body text
_FOOTNOTE_START = re.compile(rf"^(?:([{SUPERSCRIPT_DIGITS}]{{1,3}})|(\d{{1,3}})[.)]?(?=\s))\s*")
_LABEL = re.compile(r"^(?:\d{1,4}|[IVXLC]{1,7}|[A-Z])\.\s|^\([a-z]{1,4}\)\s")
_FROM_SUPERSCRIPT = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")
_GAP = 1.35  # a baseline gap this many line pitches wide separates blocks
_SHORT = 0.12  # a line ending this share of the column short of the right edge ends a block
_STYLE = 0.1  # sizes differing by more than this share are different styles
_ALIGNMENT = 0.3  # a line starting this share of the column away from the one above: new block


@dataclass
class _Footnote:
    number: int
    text: str


def pdf_report_text(pages: Sequence[PdfPage]) -> str:
    """Lay the pages out as text the structural parser reads like a web page's text."""
    lined = [group_lines(page.glyphs) for page in pages]
    pitch = _pitch(lined)
    furniture = _furniture(lined, pitch)
    # The running header names the document ("S/2018/80", "United Nations  S/2018/80"): the
    # symbol it names most often is the report's, written first for the title block.
    named = Counter(
        match.group(0)
        for drop in furniture
        for line in drop
        for match in SYMBOL_PATTERN.finditer(line.text)
    )
    symbol = named.most_common(1)[0][0] if named else None
    kept = [
        [line for line in page if line not in drop]
        for page, drop in zip(lined, furniture, strict=True)
    ]
    body_lines = [line for page in kept for line in page]
    if not body_lines:
        return ""
    body_size = _body_size(body_lines)
    words = report_words([line.text for line in body_lines])
    blocks: list[_Block] = []
    footnotes: list[_Footnote] = []
    for page in kept:
        body, notes = _split_footnotes(page, body_size, footnotes[-1].number if footnotes else 0)
        page_blocks = _blocks(body, words, pitch)
        if blocks and page_blocks and _runs_on(blocks[-1], page_blocks[0]):
            # A paragraph cut by the page break: join it here, where the words can tell a
            # hyphenated word from a compound, as they do for the page's own lines.
            blocks[-1].text = join_lines(blocks[-1].text, page_blocks[0].text, words)
            blocks[-1].last = page_blocks[0].last
            page_blocks = page_blocks[1:]
        blocks += page_blocks
        _read_footnotes(notes, footnotes, words)
    # Where a definition stands does not matter to the parser (superscript marks are matched by
    # number), and a footnote may run on at the foot of the next page: write them all last.
    texts = [symbol] if symbol else []
    texts += [block.text for block in blocks]
    texts += [f"{_superscript(n.number)} {n.text}" for n in footnotes]
    return "\n\n".join(texts) + "\n"


def _furniture(pages: list[list[Line]], pitch: float) -> list[set[Line]]:
    """Per page, the header and footer lines: see _edge_furniture."""
    counts: Counter[tuple[int, str]] = Counter()
    for page in pages:
        counts.update({_furniture_key(line) for line in page[:_EDGE_LINES] + page[-_EDGE_LINES:]})

    def recurs(line: Line) -> bool:
        return counts[_furniture_key(line)] >= 2

    return [
        _edge_furniture(page, recurs, pitch) | _edge_furniture(page[::-1], recurs, pitch)
        for page in pages
    ]


def _edge_furniture(lines: list[Line], recurs: Callable[[Line], bool], pitch: float) -> set[Line]:
    """The furniture among the lines nearest one edge (`lines` run from that edge inwards).

    Candidates, from the edge inwards: lines shaped like UN furniture, lines that recur at the
    same height on other pages, short lines naming a symbol. They are furniture up to the
    innermost one that a wider gap than the text's line spacing sets off from the text. Without
    that gap, a footnote's last line could go: footnotes sit at the foot of the page, so
    "Information provided by a Member State." recurs there on many pages, and a footnote may end
    in a line that is a symbol alone. Only when no candidate is set off (a footer set tight
    under the text) do the furniture-shaped ones go on their shape alone.
    """

    def maybe(line: Line) -> bool:
        if _looks_like_furniture(line.text):
            return True
        # A footnote ("64 Information provided by a Member State.") recurs too, and may cite
        # a symbol; it is never a header or footer.
        return not _opens_footnote(line.text) and (recurs(line) or _names_a_symbol(line.text))

    run = list(itertools.takewhile(maybe, lines))[:_EDGE_LINES]
    set_off = [
        index
        for index, line in enumerate(run)
        if index + 1 >= len(lines)
        or abs(line.y - lines[index + 1].y) > _SET_OFF * pitch * line.size
    ]
    if set_off:
        return set(run[: set_off[-1] + 1])
    return set(itertools.takewhile(lambda line: _looks_like_furniture(line.text), run))


def _furniture_key(line: Line) -> tuple[int, str]:
    return round(line.y / _SAME_HEIGHT), re.sub(r"\d+", "#", line.text)


def _names_a_symbol(text: str) -> bool:
    """A short line naming a symbol ("S/2018/80  Security Council"): a running header's shape."""
    return len(text.split()) <= _HEADER_WORDS and SYMBOL_PATTERN.search(text) is not None


def _looks_like_furniture(text: str) -> bool:
    """UN furniture, the symbol alone, or both ("S/2018/80  3/17")."""
    rest = SYMBOL_PATTERN.sub("", text).strip()
    if not rest or _UN_FURNITURE.match(rest):
        return True
    return classify_line(text).kind in (Kind.FURNITURE, Kind.SYMBOL)


def _body_size(lines: list[Line]) -> float:
    """The body text's size: that of the numbered paragraphs' first lines (the largest, since
    footnotes numbered "12." are smaller), else the largest regular-weight size that holds a
    good share of the characters (footnotes can outweigh a short report's paragraphs, but are
    never larger; a bold title and headings are larger, but bold)."""
    regular = [line for line in lines if not line.bold] or lines
    numbered = [line.size for line in regular if _PARAGRAPH_START.match(line.text)]
    if numbered:
        return max(numbered)
    weights: Counter[float] = Counter()
    for line in regular:
        weights[round(line.size, 1)] += len(line.text)
    total = sum(weights.values())
    shared = [size for size, weight in weights.items() if weight >= _BODY_SHARE * total]
    return max(shared, default=weights.most_common(1)[0][0])


def _pitch(pages: list[list[Line]]) -> float:
    """The usual distance between baselines of consecutive lines of one style, in sizes."""
    gaps = [
        (above.y - below.y) / below.size
        for page in pages
        for above, below in itertools.pairwise(page)
        if _same_style(above, below) and above.y > below.y and below.size > 0
    ]
    return statistics.median(gaps) if gaps else 1.2


def _same_style(a: Line, b: Line) -> bool:
    return abs(a.size - b.size) <= _STYLE * max(a.size, b.size) and a.bold == b.bold


def _split_footnotes(
    page: list[Line], body_size: float, last_footnote: int
) -> tuple[list[Line], list[Line]]:
    """The trailing run of smaller lines holds the page's footnotes: the first page with any
    from the line that opens a footnote number, later pages all of it."""
    start = len(page)
    while start > 0 and page[start - 1].size < _FOOTNOTE_SIZE * body_size:
        start -= 1
    if start < len(page) and last_footnote:
        # After the first footnote, the run is all footnotes: it opens with the next one, or
        # with the rest of one carried over ("12 January 2017 …" included).
        return page[:start], page[start:]
    for index in range(start, len(page)):
        number = _footnote_number(page[index].text)
        if number is not None and (last_footnote == 0 or number == last_footnote + 1):
            return page[:index], page[index:]
    return page, []


def _opens_footnote(text: str) -> bool:
    match = _FOOTNOTE_START.match(text)
    return match is not None and any(char.isalpha() for char in text[match.end() :])


def _footnote_number(text: str) -> int | None:
    match = _FOOTNOTE_START.match(text)
    if match is None:
        return None
    return int((match.group(1) or match.group(2)).translate(_FROM_SUPERSCRIPT))


def _read_footnotes(lines: list[Line], footnotes: list[_Footnote], words: Words) -> None:
    """Add footnotes in number order; a line that does not open the next number continues one."""
    for line in lines:
        number = _footnote_number(line.text)
        expected = footnotes[-1].number + 1 if footnotes else None
        if number is not None and (expected is None or number == expected):
            match = _FOOTNOTE_START.match(line.text)
            assert match is not None
            footnotes.append(_Footnote(number, line.text[match.end() :]))
        elif footnotes:
            footnotes[-1].text = join_lines(footnotes[-1].text, line.text, words)


@dataclass
class _Block:
    text: str
    first: Line
    last: Line


def _blocks(lines: list[Line], words: Words, pitch: float) -> list[_Block]:
    """Join a page's body lines into blocks: paragraphs, headings, title lines."""
    if not lines:
        return []
    right = max(line.x1 for line in lines)
    left = min(line.x0 for line in lines)
    short_of = right - _SHORT * (right - left)
    blocks = [_Block(lines[0].text, lines[0], lines[0])]
    for above, line in itertools.pairwise(lines):
        if _starts_block(above, line, pitch, short_of=short_of, width=right - left):
            blocks.append(_Block(line.text, line, line))
        else:
            blocks[-1].text = join_lines(blocks[-1].text, line.text, words)
            blocks[-1].last = line
    return blocks


def _runs_on(block: _Block, following: _Block) -> bool:
    """The first block of a page continues the last of the page before: same style, no label.
    (The parser would join them too; joined here, a short rest of a report's last paragraph is
    never mistaken for a web page's footer.)"""
    return _same_style(block.last, following.first) and not _LABEL.match(following.text)


def _starts_block(above: Line, line: Line, pitch: float, *, short_of: float, width: float) -> bool:
    if not _same_style(above, line):
        return True
    if abs(line.x0 - above.x0) > _ALIGNMENT * width:
        return True  # from a right-aligned masthead line ("Original: English") to the title
    if above.y - line.y > _GAP * pitch * line.size:
        return True
    # A new label after a finished sentence, a heading or a short line; "2015. The" continuing
    # "… adopted in" is left to the parser, which reads it as the continuation it is. A short
    # line alone ends no block: ragged text has them anywhere, and an unlabelled block after
    # it would only continue the paragraph anyway.
    ends = is_sentence_end(above.text.rstrip(SUPERSCRIPT_DIGITS))
    return bool(_LABEL.match(line.text)) and (ends or above.bold or above.x1 < short_of)


def _superscript(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", SUPERSCRIPT_DIGITS))
