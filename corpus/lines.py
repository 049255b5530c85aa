"""Classify one line of report text by its shape: what it could start, never what it must be."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from corpus.citation import SYMBOL_PATTERN

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"  # ¹²³ sit in Latin-1, the rest in the superscripts block
_FROM_SUPERSCRIPT = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")

_NUMBERED = re.compile(r"^(\d{1,4})\.\s+(\S.*)$")
_ROMAN = re.compile(r"^([IVXLC]{1,7})\.\s+(\S.*)$")
_LETTER = re.compile(r"^([A-Z])\.\s+(\S.*)$")
_SUP_FOOTNOTE = re.compile(rf"^([{SUPERSCRIPT_DIGITS}]{{1,3}})\s*(\S.*)$")
_PLAIN_FOOTNOTE = re.compile(r"^(\d{1,3})\s+([^\d\s.,;:%/].*)$")
_ROMAN_VALUE = re.compile(r"^(C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_ROMAN_DIGITS = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
# Page furniture of UN documents: job number and page ("18-01235   3/17", "3/17   18-01235").
_JOB = r"\d{2}-\d{5}(?:\s*\([A-Z]\))?"
_PAGE = r"\d{1,3}/\d{1,3}"
# Also the barcode ("*1801235*") and bare numbers (page numbers, the print date "020218").
_FURNITURE = re.compile(
    rf"^(?:{_JOB}(?:\s+{_PAGE})?|{_PAGE}(?:\s+{_JOB})?|{_JOB}\s+\*\d+\*|\*\d{{5,}}\*|\d{{1,8}})$"
)
_SEPARATOR = re.compile(r"^(?:[_]{3,}|[-*_](?:\s*[-*_]){2,}|[=]{3,})$")


class Kind(Enum):
    """What a line is before context decides: a break, furniture, text, or a possible start."""

    BLANK = "blank"
    FURNITURE = "furniture"  # page furniture: job number, page number, form feed residue
    SYMBOL = "symbol"  # the document symbol alone on a line (title block or page header)
    SEPARATOR = "separator"  # a rule, e.g. the line above a page's footnotes
    TEXT = "text"


@dataclass(frozen=True)
class Shape:
    """A line's kind plus every label it could carry; the parser picks one by the sequence."""

    kind: Kind
    text: str
    numbered: int | None = None  # "12. text": a paragraph or a numbered sub-heading
    roman: int | None = None  # "II. text"
    letter: str | None = None  # "A. text"
    footnote: int | None = None  # "¹² text": a footnote definition (superscript digits)
    plain_footnote: int | None = None  # "12 text": perhaps a footnote definition (plain digits)
    rest: str = ""  # the text after the label
    roman_label: str = ""  # the numeral as printed

    @property
    def is_start(self) -> bool:
        labels = (self.numbered, self.roman, self.letter, self.footnote, self.plain_footnote)
        return any(label is not None for label in labels)


def classify_line(text: str) -> Shape:
    """Return the shape of one cleaned line (stripped, markdown residue already removed)."""
    if not text:
        return Shape(Kind.BLANK, text)
    if _FURNITURE.match(text):
        return Shape(Kind.FURNITURE, text)
    if _SEPARATOR.match(text):
        return Shape(Kind.SEPARATOR, text)
    if SYMBOL_PATTERN.fullmatch(text):
        return Shape(Kind.SYMBOL, text)
    numbered = _NUMBERED.match(text)
    roman = _ROMAN.match(text)
    roman_number = roman_value(roman.group(1)) if roman else None
    letter = _LETTER.match(text)
    footnote = _SUP_FOOTNOTE.match(text)
    plain = _PLAIN_FOOTNOTE.match(text)
    labelled = (numbered, roman if roman_number else None, letter, footnote, plain)
    return Shape(
        Kind.TEXT,
        text,
        numbered=int(numbered.group(1)) if numbered else None,
        roman=roman_number,
        letter=letter.group(1) if letter else None,
        footnote=superscript_value(footnote.group(1)) if footnote else None,
        plain_footnote=int(plain.group(1)) if plain else None,
        rest=next((match.group(2) for match in labelled if match), ""),
        roman_label=roman.group(1) if roman and roman_number else "",
    )


def roman_value(numeral: str) -> int | None:
    """Value of a well-formed Roman numeral up to 399, else None."""
    if not numeral or not _ROMAN_VALUE.match(numeral):
        return None
    total = 0
    for char, following in zip(numeral, [*numeral[1:], ""], strict=True):
        value = _ROMAN_DIGITS[char]
        total += -value if following and _ROMAN_DIGITS[following] > value else value
    return total


def superscript_value(digits: str) -> int:
    """Value of a run of superscript digits ("¹⁴" -> 14)."""
    return int(digits.translate(_FROM_SUPERSCRIPT))


def is_sentence_end(text: str) -> bool:
    """Say whether text ends as a sentence does (full stop, colon, semicolon; closing quotes)."""
    return text.rstrip("”’\"')]").endswith((".", ":", ";", "!", "?"))
