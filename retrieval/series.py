"""Pure: the reports as a series: their order, their names in words, and their place.

"The sixth report", "the latest report" and "the previous report" are how a team talks about
the series; these functions turn such words into a symbol, given what the library holds.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from corpus.metadata import ORDINALS
from corpus.model import ReportMeta

ORDINAL_WORDS = tuple(ORDINALS)  # "first" … "thirty-ninth", in order
_ORDINAL = ORDINALS
_NEWEST = ("latest", "newest", "most recent", "last", "current")
_PREVIOUS = ("previous", "preceding", "prior", "penultimate")
_OLDEST = ("oldest", "earliest")
_WHICH = "|".join(
    [*sorted(ORDINAL_WORDS, key=len, reverse=True), r"\d{1,3}(?:st|nd|rd|th)"]
    + [w.replace(" ", r"\s+") for w in (*_NEWEST, *_PREVIOUS, *_OLDEST)]
)
# In a question the word "report" is required ("the latest report"): "latest" alone is a time
# word that ranking handles. As a report option, "latest" or "6th" alone is clear enough.
_IN_QUESTION = re.compile(rf"\b(?:the\s+)?(?P<which>{_WHICH})\s+report\b", re.IGNORECASE)
_AS_OPTION = re.compile(rf"^\s*(?:the\s+)?(?P<which>{_WHICH})(?:\s+report)?\s*$", re.IGNORECASE)


class SeriesNameError(ValueError):
    """Words that name a place in the series the library does not hold; says what it holds."""


def series_order(metas: Sequence[ReportMeta]) -> list[ReportMeta]:
    """Oldest first: by date (an undated report sits at the start of its symbol's year)."""
    return sorted(metas, key=_series_key)


def _series_key(meta: ReportMeta) -> tuple[dt.date, int, str]:
    return (meta.date or _symbol_date(meta.symbol), meta.ordinal or 0, meta.symbol)


def _symbol_date(symbol: str) -> dt.date:
    years = [int(y) for y in re.findall(r"\b(19\d\d|2\d\d\d)\b", symbol)]
    return dt.date(years[0], 1, 1) if years else dt.date.min


def ordinal_word(n: int) -> str:
    """6 -> "sixth"; past the word list, "31st"."""
    if 1 <= n <= len(ORDINAL_WORDS):
        return ORDINAL_WORDS[n - 1]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def resolve_series_name(typed: str, metas: Sequence[ReportMeta]) -> str | None:
    """The symbol "sixth report" / "latest" / "the previous report" names; None if not such words.

    SeriesNameError when the words are a series name but the library holds no such report.
    """
    match = _AS_OPTION.match(typed)
    return _symbol_for(match["which"], metas) if match else None


def find_series_name(question: str, metas: Sequence[ReportMeta]) -> tuple[str, str] | None:
    """A series name in a question ("what did the sixth report say"): (symbol, question without
    it); None when the question names none, or one the library does not hold."""
    for match in _IN_QUESTION.finditer(question):
        try:
            symbol = _symbol_for(match["which"], metas)
        except SeriesNameError:
            continue
        rest = " ".join((question[: match.start()] + " " + question[match.end() :]).split())
        return symbol, rest
    return None


def _symbol_for(which: str, metas: Sequence[ReportMeta]) -> str:
    word = " ".join(which.lower().split())
    ordered = series_order(metas)
    if not ordered:
        raise SeriesNameError(f"no {word} report: the library is empty")
    if word in _NEWEST:
        return ordered[-1].symbol
    if word in _OLDEST:
        return ordered[0].symbol
    if word in _PREVIOUS:
        if len(ordered) < 2:
            raise SeriesNameError(f"no previous report: the library holds only {ordered[0].symbol}")
        return ordered[-2].symbol
    number = _ORDINAL.get(word) or int(re.sub(r"\D", "", word))
    for meta in ordered:
        if meta.ordinal == number:
            return meta.symbol
    held = ", ".join(
        f"{ordinal_word(m.ordinal)} {m.symbol}" if m.ordinal else m.symbol for m in ordered
    )
    raise SeriesNameError(f"no {ordinal_word(number)} report in the library (it holds: {held})")


def series_place(meta: ReportMeta, metas: Sequence[ReportMeta]) -> str:
    """Where a report stands: "sixth report · 2 of 2 held · latest"."""
    ordered = [m.symbol for m in series_order(metas)]
    position = ordered.index(meta.symbol) + 1
    parts = [f"{ordinal_word(meta.ordinal)} report"] if meta.ordinal else []
    parts.append(f"{position} of {len(ordered)} held")
    if len(ordered) > 1 and position == len(ordered):
        parts.append("latest")
    elif len(ordered) > 1 and position == len(ordered) - 1:
        parts.append("previous")
    text = " · ".join(parts)
    return text[0].upper() + text[1:]


def previous_in_series(symbol: str, metas: Sequence[ReportMeta]) -> ReportMeta | None:
    """The report just before `symbol` in the series, or None for the first."""
    ordered = series_order(metas)
    at = [m.symbol for m in ordered].index(symbol)
    return ordered[at - 1] if at > 0 else None
