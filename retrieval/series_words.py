"""Reports named by their place in the series: "latest", "the sixth report", "6th" (pure).

Team members say "the latest report" or "the sixth report" rather than "S/2018/80". These
names resolve against the reports the library holds: "latest"/"newest" is the one with the
newest date, "oldest"/"earliest" the one with the oldest, and an ordinal the report whose
masthead says it is that report of the series (ReportMeta.ordinal).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from corpus.model import ReportMeta

_ORDINALS = (
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
)
_NEWEST = frozenset({"latest", "newest", "last", "current", "most recent"})
_OLDEST = frozenset({"oldest", "earliest"})
_ORDINAL = r"(?:\d{1,2}(?:st|nd|rd|th)|" + "|".join(_ORDINALS) + ")"
# "the sixth report", "the latest report", "6th report": inside a question
REPORT_REFERENCE = re.compile(
    rf"\b(?:the\s+)?(?P<name>{_ORDINAL}|latest|newest|most\s+recent|oldest|earliest)"
    r"\s+(?:report|one)\b",
    re.IGNORECASE,
)


def ordinal_number(word: str) -> int | None:
    """'sixth' -> 6, '6th' -> 6, '6' -> 6; None for anything else."""
    word = word.strip().casefold()
    if word in _ORDINALS:
        return _ORDINALS.index(word) + 1
    digits = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?", word)
    return int(digits.group(1)) if digits else None


def series_symbol(name: str, reports: Mapping[str, ReportMeta]) -> str | None:
    """The symbol a series name stands for among `reports`, or None if it names none."""
    words = " ".join(name.casefold().replace("_", " ").split())
    words = re.sub(r"^the\s+|\s+report$", "", words)
    if not reports:
        return None
    if words in _NEWEST:
        return max(reports, key=lambda s: (_date(reports[s]), reports[s].ordinal or 0))
    if words in _OLDEST:
        return min(reports, key=lambda s: (_date(reports[s]), reports[s].ordinal or 0))
    number = ordinal_number(words)
    if number is None:
        return None
    matches = [s for s, meta in reports.items() if meta.ordinal == number]
    return matches[0] if len(matches) == 1 else None


def _date(meta: ReportMeta) -> dt.date:
    return meta.date or dt.date.min
