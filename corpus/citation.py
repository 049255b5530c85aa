"""Document symbols and paragraph citations: parse what people type, format the canonical label."""

from __future__ import annotations

import re

from corpus.errors import UserError

# "S/2018/80", "s-2018-80", "S/2017/97/Add.1": the Security Council's document symbols.
_SEP = r"\s*[/\-_]\s*"
_SYMBOL_BODY = rf"S{_SEP}(\d{{4}}){_SEP}(\d{{1,5}})((?:{_SEP}(?:Add|Rev|Corr)\.?\s*\d{{1,3}})*)"
_SYMBOL = re.compile(rf"^\s*{_SYMBOL_BODY}\s*$", re.IGNORECASE)
_SUFFIX = re.compile(r"(Add|Rev|Corr)\.?\s*(\d{1,3})", re.IGNORECASE)
_RANGE = re.compile(r"^\s*(\d{1,6})\s*(?:(?:[-‐‑–—]|to)\s*(\d{1,6})\s*)?$", re.IGNORECASE)
_CITATION = re.compile(
    rf"^\s*(?P<symbol>{_SYMBOL_BODY})"
    r"(?:\s*,?\s*(?:paras?\.?|paragraphs?|¶)\s*|\s*#\s*|\s*,\s*|\s+)"
    r"(?P<range>\d{1,6}(?:\s*(?:[-‐‑–—]|to)\s*\d{1,6})?)\s*\.?\s*$",
    re.IGNORECASE,
)
SYMBOL_PATTERN = re.compile(
    r"(?<![\w/])S/\d{4}/\d{1,5}(?:/(?:Add|Rev|Corr)\.\d{1,3})*(?![\w/])"
)  # a symbol as printed inside running text


def looks_like_symbol(text: str) -> bool:
    """Say whether `text` is a document symbol in any of the spellings people type."""
    return _SYMBOL.match(text) is not None


def normalize_symbol(text: str) -> str:
    """Return the canonical spelling ("S/2018/80") of a loosely typed symbol; UserError if none."""
    match = _SYMBOL.match(text)
    if match is None:
        raise UserError(f"{text.strip()!r} is not a document symbol (expected e.g. S/2018/80)")
    return _canonical(match)


def _canonical(match: re.Match[str]) -> str:
    year, number, suffixes = match.group(1), match.group(2), match.group(3) or ""
    parts = [f"S/{year}/{int(number)}"]
    parts += [f"{kind.capitalize()}.{int(n)}" for kind, n in _SUFFIX.findall(suffixes)]
    return "/".join(parts)


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
    return normalize_symbol(match.group("symbol")), first, last


def format_citation(symbol: str, number: int) -> str:
    """Format the label every reply uses, e.g. "S/2018/80, para. 13"."""
    return f"{symbol}, para. {number}"
