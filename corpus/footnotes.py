"""Find footnote marks in text, take them out, and remember where they were."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.lines import SUPERSCRIPT_DIGITS, superscript_value
from corpus.outline import Outline

_SUPERSCRIPT_RUN = re.compile(rf"[{SUPERSCRIPT_DIGITS}]+")
_CLOSERS = ".,;:)”’\"'"  # a mark may follow these directly: "States.4", "security,1"
# How surely a digit run is a mark; the last is "2015.17", which could be a decimal.
_GLUED, _AFTER_PUNCTUATION, _AFTER_WORD, _AFTER_NUMBER = 3, 2, 1, 0


@dataclass(frozen=True)
class Mark:
    """Footnote `number` is cited at `offset` of the text it was removed from."""

    offset: int
    number: int


def remove_superscript_marks(text: str) -> tuple[str, list[Mark]]:
    """Take out superscript marks ("ISIL⁴ in" -> "ISIL in"); superscripts are always marks."""
    marks: list[Mark] = []
    parts: list[str] = []
    position = 0
    for match in _SUPERSCRIPT_RUN.finditer(text):
        parts.append(text[position : match.start()])
        kept = "".join(parts)
        marks.append(Mark(len(kept), superscript_value(match.group(0))))
        position = match.end()
        if kept.endswith(" ") and text[position : position + 1] in (" ", ""):
            position += 1  # "word ¹ next": keep one space, not two
    parts.append(text[position:])
    return "".join(parts), marks


def find_plain_mark(text: str, number: int, start: int = 0) -> tuple[int, int, int] | None:
    """Best place at or after `start` where plain digits `number` read as a footnote mark.

    Returns (score, begin, end) of the span to delete, or None. A mark sits right after a
    word or punctuation ("States.4", "ISIL4") or one space after it ("States. 4 The"); it is
    never part of a larger number, a symbol, a year in brackets or a decimal.
    """
    digits = str(number)
    best: tuple[int, int, int] | None = None
    for match in re.finditer(rf"(?<!\d){digits}(?!\d)", text[start:]):
        begin, end = start + match.start(), start + match.end()
        found = _score(text, begin, end)
        if found and (best is None or found[0] > best[0]):
            best = found
    return best


def _score(text: str, begin: int, end: int) -> tuple[int, int, int] | None:
    after = text[end : end + 2]
    if after and after[0] not in " " + _CLOSERS:
        return None
    if len(after) == 2 and after[0] in ".,:/" and after[1].isdigit():
        return None  # 4.5, 4,000, 4/17
    before = text[max(0, begin - 3) : begin]
    if not before:
        return None
    last = before[-1]
    if last in _CLOSERS:
        weak = _follows_digit(before[:-1]) or _is_reference(before[-1], text[end:])
        return (_AFTER_NUMBER if weak else _GLUED), begin, end
    if last.isalpha() and len(before) >= 2 and before[-2].isalpha():
        return _GLUED, begin, end  # "ISIL4"; one letter ("G20") is a name, not a mark
    if last == " " and len(before) >= 2:
        previous = before[-2]
        if previous in _CLOSERS:
            weak = _follows_digit(before[:-2]) or _is_reference(previous, text[end:])
            return (_AFTER_NUMBER if weak else _AFTER_PUNCTUATION), begin - 1, end
        if previous.isalpha():
            return _AFTER_WORD, begin - 1, end
    return None


def _is_reference(punctuation: str, rest: str) -> bool:
    """After a full stop a mark ends a sentence, so a new one starts after it ("States. 4 The");
    "para. 60)" or "No. 4 of" is an abbreviation and the number it refers to."""
    following = rest.lstrip(" ")[:1]
    starts_sentence = following.isupper() or following in "“‘\"'(["
    return punctuation == "." and bool(following) and not starts_sentence


def _follows_digit(text: str) -> bool:
    return bool(text) and text[-1].isdigit()


def take_marks(outline: Outline) -> list[list[Mark]]:
    """Remove footnote marks from every piece of text; return the marks of each piece."""
    if outline.superscript:
        marks = []
        for piece in outline.pieces:
            piece.text, found = remove_superscript_marks(piece.text)
            marks.append(found)
        return marks
    return _take_plain_marks(outline)


def _take_plain_marks(outline: Outline) -> list[list[Mark]]:
    """Plain digits are marks only by structure: footnote k's mark is the likeliest k after
    mark k-1 and before footnote k's definition."""
    marks: list[list[Mark]] = [[] for _ in outline.pieces]
    cursor_piece, cursor_offset = 0, 0
    for footnote in sorted(outline.footnotes, key=lambda f: f.number):
        best: tuple[int, int, int, int] | None = None  # score, piece, begin, end
        for index in range(cursor_piece, min(footnote.after_piece, len(outline.pieces))):
            start = cursor_offset if index == cursor_piece else 0
            found = find_plain_mark(outline.pieces[index].text, footnote.number, start)
            if found and (best is None or found[0] > best[0]):
                best = (found[0], index, found[1], found[2])
        if best is None:
            continue
        _, index, begin, end = best
        piece = outline.pieces[index]
        piece.text = piece.text[:begin] + piece.text[end:]
        marks[index].append(Mark(begin, footnote.number))
        cursor_piece, cursor_offset = index, begin
    return marks
