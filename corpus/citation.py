"""Document symbols and paragraph citations: parse what people type, format the canonical label."""

from __future__ import annotations

import re

from corpus.errors import UserError

# Document symbols of any UN body, as typed: "S/2018/80", "s-2018-80", "S/2017/97/Add.1",
# "A/73/361", "A/HRC/40/52", "E/CN.4/2005/L.10", "S/RES/2253 (2015)". A body's letters, then
# at least two parts, one of them a number; Security Council report symbols carry the year.
_SEP = r"\s*[/\-_]\s*"
_PART = r"(?:[A-Za-z]{1,6}\.?\s*\d{1,4}|[A-Za-z]{1,6}|\d{1,5})"
_YEAR = r"\s*\(\s*\d{4}\s*\)"
_SYMBOL_BODY = rf"[A-Za-z]{{1,5}}(?:{_SEP}{_PART}){{2,}}(?:{_YEAR})?"
_SYMBOL = re.compile(rf"^\s*{_SYMBOL_BODY}\s*$")
_SPLIT_YEAR = re.compile(r"^(.*?)\s*\(\s*(\d{4})\s*\)$")
_NUMBERED_PART = re.compile(r"^([A-Za-z]{1,6})\.?\s*(\d{1,4})$")
_SUFFIXES = {"add": "Add", "rev": "Rev", "corr": "Corr", "amend": "Amend"}
_RANGE = re.compile(r"^\s*(\d{1,6})\s*(?:(?:[-‐‑–—]|to)\s*(\d{1,6})\s*)?$", re.IGNORECASE)
_CITATION = re.compile(
    rf"^\s*(?P<symbol>{_SYMBOL_BODY})"
    r"(?:\s*,?\s*(?:paras?\.?|paragraphs?|¶)\s*|\s*#\s*|\s*,\s*|\s+)"
    r"(?P<range>\d{1,6}(?:\s*(?:[-‐‑–—]|to)\s*\d{1,6})?)\s*\.?\s*$",
    re.IGNORECASE,
)
_TEXT_PART = r"(?:[A-Z]{1,6}(?:\.\d{1,4})?|\d{1,5}|(?:Add|Rev|Corr|Amend)\.\d{1,3})"
SYMBOL_PATTERN = re.compile(
    rf"(?<![\w/])(?=[A-Z]{{1,5}}/[^\s]*\d)[A-Z]{{1,5}}(?:/{_TEXT_PART}){{2,}}"
    r"(?: \(\d{4}\))?(?![\w/])"
)  # a symbol as printed inside running text


def looks_like_symbol(text: str) -> bool:
    """Say whether `text` is a document symbol in any of the spellings people type."""
    return _canonical(text) is not None


def normalize_symbol(text: str) -> str:
    """Return the canonical spelling ("S/2018/80") of a loosely typed symbol; UserError if none."""
    canonical = _canonical(text)
    if canonical is None:
        raise UserError(
            f"{text.strip()!r} is not a document symbol (expected e.g. S/2018/80 or A/73/361)"
        )
    return canonical


def _canonical(text: str) -> str | None:
    """Upper-case letters, numbers without leading zeros, "Add.1", " (2015)"; None if invalid."""
    if _SYMBOL.match(text) is None:
        return None
    body, year = text.strip(), None
    if match := _SPLIT_YEAR.match(body):
        body, year = match.group(1), match.group(2)
    if len(set(re.findall(r"[/\-_]", body))) > 1:
        return None  # "I-24/7" (INTERPOL's network) mixes separators; a typed symbol does not
    parts = re.split(_SEP, body)
    if not any(part.isdigit() for part in parts[1:]):
        return None
    if parts[0].upper() == "S" and parts[1].isdigit() and len(parts[1]) != 4:
        return None  # Security Council reports: S/<year>/<number>
    canonical = [parts[0].upper()] + [_canonical_part(part) for part in parts[1:]]
    return "/".join(canonical) + (f" ({year})" if year else "")


def _canonical_part(part: str) -> str:
    if part.isdigit():
        return str(int(part))
    if match := _NUMBERED_PART.match(part):
        letters = match.group(1)
        letters = _SUFFIXES.get(letters.lower(), letters.upper())
        return f"{letters}.{int(match.group(2))}"
    return part.upper()


def symbol_year(symbol: str) -> int | None:
    """The year a symbol carries ("S/2019/103" -> 2019, "S/RES/2253 (2015)" -> 2015), if any."""
    if match := re.search(r"\((\d{4})\)$", symbol):
        return int(match.group(1))
    for part in symbol.split("/")[1:]:
        if part.isdigit() and len(part) == 4 and 1945 <= int(part) <= 2100:
            return int(part)
    return None


def parse_paragraph_range(text: str) -> tuple[int, int]:
    """Read "13" or "12-14" (any dash) as an inclusive range; UserError says what is wrong."""
    match = _RANGE.match(text)
    if match is None:
        raise UserError(f"{text.strip()!r} is not a paragraph number or range (e.g. 13 or 12-14)")
    first = int(match.group(1))
    last = int(match.group(2)) if match.group(2) else first
    if first < 1 or last < 1:
        raise UserError("paragraph numbers start at 1")
    if last < first:
        raise UserError(f"the range {first}-{last} runs backwards; did you mean {last}-{first}?")
    return first, last


def parse_citation(text: str) -> tuple[str, int, int] | None:
    """Recognise "S/2018/80, para. 13", "S/2018/80 ¶ 12-14", "S/2018/80#13"; None otherwise."""
    match = _CITATION.match(text)
    if match is None:
        return None
    try:
        first, last = parse_paragraph_range(match.group("range"))
    except UserError:
        return None
    symbol = _canonical(match.group("symbol"))
    return (symbol, first, last) if symbol else None


def format_citation(symbol: str, number: int) -> str:
    """Format the label every reply uses, e.g. "S/2018/80, para. 13"."""
    return f"{symbol}, para. {number}"
