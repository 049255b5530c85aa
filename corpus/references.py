"""Pure: find the citations a report's text makes to other documents, with their offsets.

Recognised forms, as the Secretary-General's reports write them:
  "S/2017/573, para. 20"        a paragraph of a report
  "S/2017/35, paras. 43 and 44" several paragraphs ("paras. 12-14", "paras. 3, 5 and 7" too)
  "(see S/2016/213)"            a report as a whole
  "resolution 2253 (2015)"      a Security Council resolution ("resolutions 2178 (2014) and
                                2396 (2017)" gives two)
Each reference keeps the offsets of the words that make it, so a reply can show them verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["report", "paragraph", "resolution"]

_MAX_PARAGRAPHS = 50  # "paras. 1-5000" is a typo, not fifty thousand references

_SYMBOL = r"S/(?P<year>(?:19|20)\d\d)/(?P<number>\d{1,4})"
_PARAS = r"(?P<paras>paras?\.\s*\d{1,4}(?:\s*(?:-|–|,|and|,\s*and)\s*\d{1,4})*)"
# "[S/2017/35](#)" is link residue of PDF-to-Markdown conversion; the brackets are skipped.
_REPORT_REF = re.compile(
    rf"\b{_SYMBOL}(?![\d/])\]?(?:\(#\))?(?:,\s*(?:annex\s+[IVX]+,\s*)?{_PARAS})?"
)
_RESOLUTIONS = re.compile(
    r"\b[Rr]esolutions?\s+(?P<list>\d{3,4}\s*\((?:19|20)\d\d\)"
    r"(?:\s*(?:,|and|,\s*and)\s*\d{3,4}\s*\((?:19|20)\d\d\))*)"
)
_ONE_RESOLUTION = re.compile(r"(?P<number>\d{3,4})\s*\((?P<year>(?:19|20)\d\d)\)")
_NUMBER_OR_RANGE = re.compile(r"(\d{1,4})(?:\s*[-–]\s*(\d{1,4}))?")


@dataclass(frozen=True)
class Reference:
    """One citation in a text: what it points at and where it stands (text[start:end])."""

    kind: Kind
    symbol: str  # "S/2017/573" or "S/RES/2253 (2015)"
    paragraphs: tuple[int, ...] = ()  # empty for a whole report or a resolution
    start: int = 0
    end: int = 0

    @property
    def label(self) -> str:
        """How a reply names it: "S/2017/573, para. 20", "S/2017/35, paras. 43, 44"."""
        if not self.paragraphs:
            return self.symbol
        numbers = ", ".join(str(n) for n in self.paragraphs)
        return f"{self.symbol}, para{'s' if len(self.paragraphs) > 1 else ''}. {numbers}"


def find_references(text: str) -> list[Reference]:
    """Every report, paragraph and resolution reference in `text`, in reading order."""
    found = [_report_reference(m) for m in _REPORT_REF.finditer(text)]
    for match in _RESOLUTIONS.finditer(text):
        base = match.start("list")
        for one in _ONE_RESOLUTION.finditer(match.group("list")):
            symbol = f"S/RES/{one['number']} ({one['year']})"
            start = match.start() if one.start() == 0 else base + one.start()
            found.append(Reference("resolution", symbol, (), start, base + one.end()))
    return sorted(found, key=lambda r: (r.start, r.end))


def _report_reference(match: re.Match[str]) -> Reference:
    symbol = f"S/{match['year']}/{int(match['number'])}"
    paras = match["paras"]
    if not paras:
        return Reference("report", symbol, (), match.start(), match.end("number"))
    return Reference("paragraph", symbol, _paragraph_numbers(paras), match.start(), match.end())


def _paragraph_numbers(written: str) -> tuple[int, ...]:
    """ "paras. 43 and 44" -> (43, 44); "paras. 12-14" -> (12, 13, 14); duplicates dropped."""
    numbers: list[int] = []
    for match in _NUMBER_OR_RANGE.finditer(written):
        first = int(match[1])
        last = int(match[2]) if match[2] else first
        if last < first or last - first >= _MAX_PARAGRAPHS:
            last = first
        numbers.extend(range(first, last + 1))
    return tuple(dict.fromkeys(n for n in numbers if n > 0))
