"""Read a question: citation, filters (`report:`, `year:`), quoted phrases, and the words (pure).

Nothing here raises for odd input: text that cannot be searched yields a query with no terms
and a `problem` saying why, which the search layer returns as an empty answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from corpus.citation import looks_like_symbol, normalize_symbol, parse_citation
from corpus.model import ReportMeta
from retrieval.series import SeriesNameError, find_series_name, resolve_series_name
from retrieval.tokenize import INVISIBLE, tokenize

MAX_QUERY_CHARS = 1000  # longer questions are cut at a word boundary (and the answer says so)

# Asked-for words that say what kind of answer is wanted but are not what it is about. They are
# dropped from queries only (paragraphs keep them), unless nothing else is left.
QUESTION_WORDS = frozenset(
    tokenize(
        "many much say says said tell told show find explain describe anything something "
        "everything know give list please happen happening happened mention mentioned "
        "regarding concerning report reports paragraph paragraphs document"
    )
)

_SYMBOL = r"[A-Za-z]{1,3}(?:/[A-Za-z0-9.]+)*/\d{4}/\d+(?:/[A-Za-z0-9.]+)?"
_CITATION = re.compile(
    rf"(?<![\w/])(?P<symbol>{_SYMBOL})\s*(?:,\s*)?"
    r"(?:#\s*|¶\s*|paras?\.?\s*|paragraphs?\s+)(?P<first>\d{1,4})(?:\s*[-–]\s*(?P<last>\d{1,4}))?"
    r"(?!\w)",
    re.IGNORECASE,
)
# The same, number first: "para 29 of S/2016/501", "paragraphs 12-14 in S/2018/80"
_CITATION_AFTER = re.compile(
    r"(?<!\w)(?:¶\s*|paras?\.?\s*|paragraphs?\s+)(?P<first>\d{1,4})(?:\s*[-–]\s*(?P<last>\d{1,4}))?"
    rf"\s+(?:of|in|from)\s+(?:the\s+)?(?:report\s+)?(?P<symbol>{_SYMBOL})(?![\w/])",
    re.IGNORECASE,
)
_BARE_SYMBOL = re.compile(rf"(?<![\w/])(?P<symbol>{_SYMBOL})(?![\w/])")
_FILTER = re.compile(r"(?<!\w)(?P<key>report|year):\s*(?P<value>\S+)", re.IGNORECASE)
YEAR = r"(?:19|20)\d\d"  # a year as people type one: 1900-2099
# "the 2018 report", "2016's report", "the report of 2018": the reports of that year, as year:2018
# (one report, not "the 2016 and 2018 reports", which asks about both).
_YEAR_REPORT = re.compile(
    rf"\b(?:(?:the\s+)?(?P<year>{YEAR})(?:'s)?\s+report|(?:the\s+)?report\s+(?:of|from)\s+"
    rf"(?P<of>{YEAR}))\b(?!s)",
    re.IGNORECASE,
)
# Words that ask for the newest state of things, not for a topic: they make the newest report
# win near-ties (search.py) and are not searched for themselves.
_TIME_WORDS = re.compile(
    r"(?<!\w)(?:right now|now|nowadays|currently|current|presently|at present|at the moment|"
    r"these days|this year|today|lately|most recent|recently|recent|latest|newest|up to date)"
    r"(?!\w)",
    re.IGNORECASE,
)
_PHRASE = re.compile(r"[\"“”„]([^\"“”„]+)[\"“”„]")
_QUOTE_CHARS = re.compile(r"[\"“”„]")


@dataclass(frozen=True)
class Query:
    """A question taken apart; `terms` are what BM25 ranks on (question words dropped)."""

    text: str  # the question as searched (control characters removed, maybe truncated)
    terms: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...] = ()
    report: str | None = None
    year: int | None = None
    citation: tuple[str, int, int] | None = None  # (symbol, first, last)
    truncated: bool = False
    problem: str | None = None  # why nothing can be searched, or a filter that was ignored
    recent: bool = False  # asked about now ("currently", "latest"): prefer the newest report


def parse_query(
    question: str,
    *,
    report: str | None = None,
    year: int | None = None,
    known_reports: Collection[str] | Mapping[str, ReportMeta] = (),
) -> Query:
    """Take a question apart; `report`/`year` parameters win over filters typed in the text.

    With the reports' metadata as `known_reports`, series names resolve too: `report:latest`,
    "the sixth report".
    """
    series = known_reports if isinstance(known_reports, Mapping) else {}
    text, truncated = _clean(question)
    problems: list[str] = []
    citation = parse_citation(text)  # the whole question is a citation: "S/2018/80 13"
    if citation is not None:
        citation = (_canonical(citation[0], known_reports), citation[1], citation[2])
        text = ""
    match = _CITATION.search(text) or _CITATION_AFTER.search(text)
    if match:
        first = int(match.group("first"))
        last = int(match.group("last") or first)
        citation = (_canonical(match.group("symbol"), known_reports), first, max(first, last))
        text = _cut(text, match)
    for match in list(_FILTER.finditer(text))[::-1]:
        key, value = match.group("key").lower(), match.group("value")
        if key == "year" and year is None:
            if value.isdigit() and len(value) == 4:
                year = int(value)
            else:
                problems.append(f"ignored year:{value} (a year is four digits, e.g. year:2016)")
        elif key == "report" and report is None:
            report = _series_report(value, series) or _canonical(value, known_reports)
        text = _cut(text, match)
    named = find_series_name(text, list(series.values())) if report is None and series else None
    shown = text  # a reply repeats the series words typed; only the search leaves them out
    dated = None
    if named:
        report, text = named  # "what does the sixth report say about prisons"
    elif report is None and year is None and series:
        dated = _year_report(text, {meta.year for meta in series.values()})
        if dated:
            year, text = dated  # "what does the 2018 report say about prisons"
    recent = bool(_TIME_WORDS.search(text))
    if citation is None and report is None:
        for match in _BARE_SYMBOL.finditer(text):
            symbol = _canonical(match.group("symbol"), known_reports)
            if symbol in known_reports:  # "what does S/2018/80 say about …" asks that report
                report = symbol
                text = _cut(text, match)
                break
    phrases = tuple(p for p in (tuple(tokenize(m)) for m in _PHRASE.findall(text)) if len(p) > 1)
    words = tokenize(_QUOTE_CHARS.sub(" ", _TIME_WORDS.sub(" ", text)))
    terms = tuple(t for t in words if t not in QUESTION_WORDS)
    if not terms and citation is None:
        terms = tuple(words)  # "what does it say": better than nothing, and marked weak later
    if terms and all(t.isdigit() and len(t) < 3 for t in terms):
        terms = ()  # '" OR 1=1 --' is syntax, not a question about the number 1
    if not terms and citation is None:
        problems.append(_why_empty(text))
    return Query(
        text=" ".join((shown if named or dated else text).split()),
        terms=terms,
        phrases=phrases,
        report=report,
        year=year,
        citation=citation,
        truncated=truncated,
        problem="; ".join(problems) or None,
        recent=recent,
    )


def _clean(question: str) -> tuple[str, bool]:
    """Control and format characters become spaces; over-long text is cut at a word boundary."""
    text = "".join(
        ""
        if c in INVISIBLE  # inside a word: "fi\u200bnancing" is "financing"
        else " "
        if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")
        else c
        for c in question[: MAX_QUERY_CHARS * 4]
    )
    if len(text) <= MAX_QUERY_CHARS:
        return text, False
    cut = text[:MAX_QUERY_CHARS]
    space = cut.rfind(" ")
    return (cut[:space] if space > MAX_QUERY_CHARS // 2 else cut), True


def _year_report(text: str, years: Collection[int | None]) -> tuple[int, str] | None:
    """A report named by its year that the library holds ("the 2018 report"): (year, the text
    without those words); None when there is none, or more than one year is named."""
    found = [m for m in _YEAR_REPORT.finditer(text) if int(m["year"] or m["of"]) in years]
    named = {int(y) for y in re.findall(rf"\b{YEAR}\b", text) if int(y) in years}
    if len(found) != 1 or len(named) != 1:  # "in 2016 and in the 2018 report" compares two
        return None
    return int(found[0]["year"] or found[0]["of"]), _cut(text, found[0])


def _series_report(value: str, series: Mapping[str, ReportMeta]) -> str | None:
    """`report:latest`, `report:sixth`: the symbol, if the library holds such a report."""
    try:
        return resolve_series_name(value, list(series.values())) if series else None
    except SeriesNameError:
        return None


def _cut(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " + text[match.end() :]


def _canonical(symbol: str, known: Collection[str]) -> str:
    """The known spelling of a symbol typed in any case ("s/2018/80" -> "S/2018/80")."""
    symbol = symbol.strip().rstrip(".,;")
    upper = normalize_symbol(symbol) if looks_like_symbol(symbol) else symbol.upper()
    for name in known:
        if name.upper() == upper:
            return name
    return upper


def _why_empty(question: str) -> str:
    stripped = question.strip()
    if not stripped:
        return "The question is empty: type some words to search for."
    if not any(c.isalpha() for c in stripped):
        return "The question has no words, only punctuation, symbols or small numbers."
    return (
        "The question has only very common words (like 'the' or 'what') or small numbers; "
        "add a specific term."
    )
