"""Cut report text into units: a line each, or for hard-wrapped text each run of wrapped lines."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from corpus.lines import Kind, Shape, classify_line, is_sentence_end
from corpus.normalize import clean_line, join_wrapped, vocabulary

_BREAKS = {Kind.BLANK, Kind.FURNITURE, Kind.SEPARATOR, Kind.SYMBOL}
_WRAPPED_SHARE = 0.25  # share of lines that continue the line above, in hard-wrapped text
_LONE_LABEL = re.compile(r"^(\d{1,4}|[IVXLC]{1,7}|[A-Z])\.$")
_NUMBERED_LINE = re.compile(r"^(\d{1,3})\.\s+\S")
_MAX_SUBHEADING = 9  # numbered sub-headings restart at 1 in each section
_ANNEX = re.compile(r"^Annex(?:es)?(?: [IVXLC]{1,7}| \d{1,2})?$")
_LONE_NUMBER = re.compile(r"^\d{1,3}$")
_SHORT_LINE = 0.6  # a line this much shorter than the wrap width ended its paragraph


@dataclass
class Unit:
    """Consecutive lines that belong together before structure is decided."""

    line: int  # 1-based number of its first line in the input
    shape: Shape  # the shape of its first line
    lines: list[str]
    after_break: bool  # a blank line, page furniture or a rule (or the start) comes before it
    after_short_line: bool  # the line before it ended short of the wrap width
    ends_page: bool = False  # page furniture, a form feed or the end of the text follows it

    def text(self, words: frozenset[str]) -> str:
        return _join(self.lines, words)

    def body(self, words: frozenset[str]) -> str:
        """The text after the unit's label ("12." or "II." or a footnote number)."""
        return _join([self.shape.rest, *self.lines[1:]], words)


@dataclass
class Segmented:
    units: list[Unit]
    words: frozenset[str]  # vocabulary, for rejoining hyphenated line ends
    wrapped: bool  # the text is hard-wrapped (lines end where the page width did)
    symbols: list[str] = field(default_factory=list)  # symbols standing alone on a line
    annex_line: int | None = None  # where an annex begins; the report's body ends there


def segment_text(text: str) -> Segmented:
    """Clean every line, drop page furniture, and group wrapped lines into units."""
    raw_lines = text.split("\n")
    cleaned, line_numbers = _attach_lone_labels(raw_lines, [clean_line(line) for line in raw_lines])
    shapes = [classify_line(line) for line in cleaned]
    wrapped = _is_wrapped(shapes)
    short = _SHORT_LINE * _wrap_width(cleaned, shapes) if wrapped else 0.0
    units: list[Unit] = []
    symbols: list[str] = []
    at_break, previous = True, ""
    annex_line, seen_numbered = None, False
    for raw, line, shape, number in zip(raw_lines, cleaned, shapes, line_numbers, strict=True):
        seen_numbered = seen_numbered or shape.numbered is not None
        if _ANNEX.match(line) and seen_numbered:
            annex_line = number  # annexes number their own paragraphs; they are not the report
            break
        if "\f" in raw or shape.kind in (Kind.FURNITURE, Kind.SYMBOL):
            _end_page(units)
        at_break = at_break or "\f" in raw  # a form feed starts a new page
        if shape.kind in _BREAKS:
            if shape.kind is Kind.SYMBOL:
                symbols.append(line)
            at_break, previous = True, ""
            continue
        if wrapped and not at_break and not shape.is_start and units:
            units[-1].lines.append(line)
            units[-1].ends_page = False
        else:
            units.append(Unit(number, shape, [line], at_break, len(previous) < short))
        at_break, previous = False, line
    _end_page(units)
    return Segmented(units, vocabulary(cleaned), wrapped, symbols, annex_line)


def _attach_lone_labels(raw_lines: list[str], lines: list[str]) -> tuple[list[str], list[int]]:
    """pdftotext often sets a hanging label on a line of its own: a paragraph number ("1."),
    a heading label ("II."), or, under a page's footnote rule, a footnote number ("3").
    Put each back in front of the text it labels (on the same page); also return each line's
    number as the user sees it (a label's line, for messages such as "… at line 88")."""
    lines = list(lines)
    numbers = list(range(1, len(lines) + 1))
    in_notes = False  # between a footnote rule and the page's end
    highest = 0  # the highest paragraph-like number seen so far
    for index, line in enumerate(lines):
        kind = classify_line(line).kind
        if kind is Kind.SEPARATOR or "\f" in raw_lines[index]:
            in_notes = kind is Kind.SEPARATOR
        elif not _is_lone_label(line, lines[index - 1] if index else "", in_notes, highest):
            in_notes = in_notes and kind not in (Kind.FURNITURE, Kind.SYMBOL)
        elif (following := _text_after(raw_lines, lines, index)) is not None:
            # Onto the text's line, so the lines wrapped after it still follow directly.
            lines[following] = f"{line} {lines[following]}"
            lines[index] = ""
            numbers[following] = index + 1
        if match := _NUMBERED_LINE.match(lines[index]):
            highest = max(highest, int(match.group(1)))
    return lines, numbers


def _is_lone_label(line: str, above: str, in_notes: bool, highest: int) -> bool:
    """A label alone on its line; "2015." ending a wrapped sentence ("… adopted in") is not."""
    if in_notes and _LONE_NUMBER.match(line):
        return True
    if not (match := _LONE_LABEL.match(line)):
        return False
    if not above or is_sentence_end(above) or not match.group(1).isdigit():
        return True
    number = int(match.group(1))
    return number == highest + 1 or number <= _MAX_SUBHEADING


def _text_after(raw_lines: list[str], lines: list[str], index: int) -> int | None:
    """Index of the unlabelled text line a label belongs to: next, on the same page."""
    following = next((i for i in range(index + 1, len(lines)) if lines[i]), None)
    if following is None or any("\f" in raw for raw in raw_lines[index + 1 : following + 1]):
        return None
    shape = classify_line(lines[following])
    if shape.kind is not Kind.TEXT or shape.is_start or _LONE_LABEL.match(lines[following]):
        return None
    return following


def _end_page(units: list[Unit]) -> None:
    if units:
        units[-1].ends_page = True


def _is_wrapped(shapes: list[Shape]) -> bool:
    """Hard-wrapped text has many plain lines that directly continue the line above.

    Only the body counts (from the first "1. " line): a title block or a web page's
    navigation is a stack of short lines in every layout."""
    body = next((i for i, s in enumerate(shapes) if s.numbered == 1), len(shapes))
    nonblank = [s for s in shapes[body:] if s.kind is Kind.TEXT]
    continued = sum(
        1
        for above, shape in itertools.pairwise(shapes[body:])
        if above.kind is Kind.TEXT and shape.kind is Kind.TEXT and not shape.is_start
    )
    return continued >= 3 and continued >= _WRAPPED_SHARE * len(nonblank)


def _wrap_width(lines: list[str], shapes: list[Shape]) -> int:
    """The column lines wrap at: the 90th percentile of text line lengths."""
    pairs = zip(lines, shapes, strict=True)
    lengths = sorted(len(line) for line, shape in pairs if shape.kind is Kind.TEXT)
    return lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0


def _join(lines: list[str], words: frozenset[str]) -> str:
    text = ""
    for line in lines:
        text = join_wrapped(text, line, words)
    return text
