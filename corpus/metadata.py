"""A report's metadata from three sources (the text, the manifest, flags) and their conflicts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import TypeVar

from corpus.citation import SYMBOL_PATTERN, normalize_symbol
from corpus.errors import MetadataConflict, ParseError
from corpus.manifest import ManifestEntry
from corpus.model import ReportMeta

_MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}
_DISTR_DATE = re.compile(
    r"Distr\.?\s*:?\s*(?:General|Limited|Restricted)\W+(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})",
    re.IGNORECASE,
)
_UNITS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
_TEENS = [
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
]
# Ordinal words as the series' titles spell them ("Sixth report …"), by number; retrieval/series.py
# reads series names in questions with the same list.
ORDINALS = {
    word: number
    for number, word in enumerate(
        [*_UNITS, *_TEENS, "eighteenth", "nineteenth", "twentieth"]
        + [f"twenty-{unit}" for unit in _UNITS]
        + ["thirtieth"]
        + [f"thirty-{unit}" for unit in _UNITS],
        1,
    )
}
_T = TypeVar("_T")
_TITLE_MIN_WORDS = 6  # navigation and header lines are shorter than any report title
_BRACKETS = re.compile(r"\s*\[[^\]]*\]\s*$")


@dataclass(frozen=True)
class MetaFlags:
    """Metadata given on the command line or in /ingest options; the last source consulted."""

    symbol: str | None = None
    date: dt.date | str | None = None  # a date, or "YYYY-MM-DD"
    title: str | None = None


@dataclass(frozen=True)
class TextMeta:
    """What the report's own text says about itself (its title block)."""

    symbol: str | None = None
    date: dt.date | None = None
    title: str | None = None
    ordinal: int | None = None


def read_title_block(units: Sequence[str], symbols: Sequence[str] = ()) -> TextMeta:
    """Find symbol, "Distr.: General" date, title and ordinal in the lines before the body.

    `units` are the title block's lines (wrapped lines joined); `symbols` the symbols printed
    alone on a line anywhere (page headers repeat the document's own).
    """
    title_unit = _title_unit(units)
    symbol = symbols[0] if symbols else None
    if symbol is None and title_unit and (match := SYMBOL_PATTERN.search(title_unit)):
        symbol = match.group(0)
    if symbol is None:  # a masthead line that names more ("United Nations  S/2018/80")
        symbol = next((m.group(0) for u in units if (m := SYMBOL_PATTERN.search(u))), None)
    title = _clean_title(title_unit, symbol) if title_unit else None
    return TextMeta(
        symbol=normalize_symbol(symbol) if symbol else None,
        date=_distr_date("\n".join(units)),
        title=title or None,
        ordinal=ORDINALS.get(title.split()[0].lower()) if title else None,
    )


def _title_unit(units: Sequence[str]) -> str | None:
    """The title: the line naming the symbol in brackets, else the first long line."""
    long_units = [u for u in units if len(u.split()) >= _TITLE_MIN_WORDS and "Distr." not in u]
    for unit in long_units:
        if re.search(rf"\(\s*{SYMBOL_PATTERN.pattern}\s*\)", unit):
            return unit
    return long_units[0] if long_units else None


def _clean_title(unit: str, symbol: str | None) -> str:
    title = unit
    while (stripped := _BRACKETS.sub("", title)) != title:
        title = stripped  # web pages append language links: "[EN/AR]"
    if symbol:
        title = re.sub(rf"\s*\(\s*{re.escape(symbol)}\s*\)", "", title)
    return title.strip(" -–—|")


def _distr_date(text: str) -> dt.date | None:
    match = _DISTR_DATE.search(text)
    if match is None or match.group(2).lower() not in _MONTHS:
        return None
    try:
        return dt.date(int(match.group(3)), _MONTHS[match.group(2).lower()], int(match.group(1)))
    except ValueError:
        return None


def resolve_meta(
    found: TextMeta,
    manifest: Sequence[ReportMeta] | Sequence[ManifestEntry],
    flags: MetaFlags | None,
    *,
    source: str | None = None,
) -> ReportMeta:
    """Merge the three sources: the text first, then the manifest entry, then flags.

    Two sources that both give a value must agree, else MetadataConflict names both.
    """
    flags = flags or MetaFlags()
    flag_symbol = normalize_symbol(flags.symbol) if flags.symbol else None
    _agree("symbol", [("the text", found.symbol), ("--symbol", flag_symbol)])
    entry, entry_name = _manifest_entry(manifest, found.symbol or flag_symbol, source)
    symbols = [("the text", found.symbol), (entry_name, entry.symbol if entry else None)]
    symbol = _agree("symbol", [*symbols, ("--symbol", flag_symbol)])
    if symbol is None:
        raise ParseError(
            "no document symbol found in the text or the manifest; "
            "pass it with --symbol (e.g. --symbol S/2018/80)",
            source=source,
        )
    flag_date = _flag_date(flags.date, source)
    date = _agree(
        "date",
        [
            ("the text", found.date),
            (entry_name, entry.date if entry else None),
            ("--date", flag_date),
        ],
    )
    title = _agree_titles(
        [
            ("the text", found.title),
            (entry_name, entry.title if entry else None),
            ("--title", flags.title),
        ]
    )
    ordinal = _agree(
        "ordinal", [("the text", found.ordinal), (entry_name, entry.ordinal if entry else None)]
    )
    return ReportMeta(
        symbol=symbol,
        title=title or "",
        date=date,
        ordinal=ordinal,
        language=entry.language if entry else "en",
    )


def _manifest_entry(
    manifest: Sequence[ReportMeta] | Sequence[ManifestEntry], symbol: str | None, source: str | None
) -> tuple[ReportMeta | None, str]:
    """The entry for this report, by symbol or else by file name; two different ones conflict."""
    by_symbol = next((m for m in manifest if _meta(m).symbol == symbol), None) if symbol else None
    file_name = PurePath(source).name if source else None
    by_file = next(
        (m for m in manifest if isinstance(m, ManifestEntry) and m.file == file_name), None
    )
    if by_file is not None:
        name = f"the manifest entry for {by_file.file}"
        if by_symbol is not None and by_symbol is not by_file:
            raise MetadataConflict(
                f"symbol conflict: the text says {symbol} but {name} says {by_file.meta.symbol}"
            )
        return by_file.meta, name
    if by_symbol is not None:
        return _meta(by_symbol), f"the manifest entry for {_meta(by_symbol).symbol}"
    return None, "the manifest"


def _meta(item: ReportMeta | ManifestEntry) -> ReportMeta:
    return item.meta if isinstance(item, ManifestEntry) else item


def _agree(field: str, values: list[tuple[str, _T | None]]) -> _T | None:
    """The first value given; MetadataConflict if a later source gives a different one."""
    given = [(name, value) for name, value in values if value not in (None, "")]
    for name, value in given[1:]:
        if value != given[0][1]:
            raise MetadataConflict(
                f"{field} conflict: {given[0][0]} says {given[0][1]} but {name} says {value}"
            )
    return given[0][1] if given else None


def _agree_titles(values: list[tuple[str, str | None]]) -> str | None:
    """Titles agree when they differ only in case, quote style, spacing or punctuation."""
    given = [(name, value) for name, value in values if value]
    for name, value in given[1:]:
        if _title_key(value) != _title_key(given[0][1]):
            raise MetadataConflict(
                f"title conflict: {given[0][0]} says {given[0][1]!r} but {name} says {value!r}"
            )
    return given[0][1] if given else None


def _title_key(title: str) -> str:
    return " ".join(re.findall(r"\w+", title.casefold()))


def _flag_date(value: dt.date | str | None, source: str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ParseError(f"bad --date {value!r} (expected YYYY-MM-DD)", source=source) from None
