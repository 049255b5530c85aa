"""Pure: how often terms occur in each report, per 10,000 words, counted exactly.

What is counted: the numbered paragraphs' text (not headings, not footnotes). A term is
tokenised like the index (so "drones" counts "drone", "Da'esh" counts "Daesh"), a phrase counts
where its terms follow one another inside one paragraph, and a name counts every other name of
the same thing in the alias table ("ISIL" counts "Da'esh" and "Islamic State in Iraq and the
Levant"). Overlapping names count once, the longest first. Words are runs of letters and
digits (an apostrophe inside a word keeps it whole): the denominator a reader can recount.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from corpus.model import Paragraph, ReportMeta
from retrieval.aliases import AliasTable
from retrieval.tokenize import tokenize

MAX_TERMS = 5
PER_WORDS = 10_000
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_GAP = -1  # between paragraphs: a phrase never spans two


class TermError(ValueError):
    """A trend term that cannot be counted (empty, only stopwords, too many); says which."""


@dataclass(frozen=True)
class ReportTerms:
    """One report's paragraphs as term ids (a gap between paragraphs) and its word count."""

    symbol: str
    ids: np.ndarray
    words: int


class Vocabulary:
    """Term -> id, shared by every report's stream so one lookup serves them all."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}

    def id_of(self, term: str, *, add: bool = False) -> int | None:
        found = self._ids.get(term)
        if found is None and add:
            found = self._ids[term] = len(self._ids)
        return found


def report_terms(symbol: str, paragraphs: Iterable[Paragraph], vocab: Vocabulary) -> ReportTerms:
    """Tokenise a report's paragraphs once, for any number of counts after."""
    ids: list[int] = []
    words = 0
    for paragraph in paragraphs:
        words += len(_WORD.findall(paragraph.text))
        ids.extend(vocab.id_of(t, add=True) for t in tokenize(paragraph.text))  # type: ignore[misc]
        ids.append(_GAP)
    return ReportTerms(symbol, np.asarray(ids, dtype=np.int32), words)


def count_words(text: str) -> int:
    """The words of a text as the trend counts them."""
    return len(_WORD.findall(text))


@dataclass(frozen=True)
class TermSpec:
    """A term as typed and every name it stands for, each as its term sequence."""

    typed: str
    names: tuple[tuple[str, ...], ...]  # longest first
    aliases: tuple[str, ...] = ()  # the other names, as spelled, for the reply


def split_terms(typed: str) -> list[str]:
    """ "ISIL, drones, oil revenue" -> three terms; without commas, words and "quoted phrases"."""
    if "," in typed or ";" in typed:
        return [t.strip() for t in re.split(r"[,;]", typed) if t.strip()]
    phrases = re.findall(r'"([^"]+)"|“([^”]+)”|(\S+)', typed)
    return [next(p for p in groups if p).strip() for groups in phrases]


def term_specs(typed_terms: Sequence[str], aliases: AliasTable) -> list[TermSpec]:
    """Check and expand the typed terms: at most MAX_TERMS, each with words that count."""
    cleaned = list(dict.fromkeys(" ".join(t.split()) for t in typed_terms if t.strip()))
    if not cleaned:
        raise TermError("give at least one term, e.g. drones, “oil revenue”, ISIL")
    if len(cleaned) > MAX_TERMS:
        raise TermError(f"at most {MAX_TERMS} terms at a time; got {len(cleaned)}")
    return [_spec(term, aliases) for term in cleaned]


_SPELLED: weakref.WeakKeyDictionary[AliasTable, list[dict[tuple[str, ...], str]]] = (
    weakref.WeakKeyDictionary()
)


def _spelled_groups(aliases: AliasTable) -> list[dict[tuple[str, ...], str]]:
    """Each alias group as terms -> name, tokenised once per table (a table lives as long as
    the index it came with)."""
    found = _SPELLED.get(aliases)
    if found is None:
        found = [{tuple(tokenize(n)): n for n in group.names} for group in aliases.groups]
        _SPELLED[aliases] = found
    return found


def _spec(typed: str, aliases: AliasTable) -> TermSpec:
    own = tuple(tokenize(typed))
    if not own:
        raise TermError(f"“{typed}” has no words that can be counted (too common a word?)")
    names = {own: typed}
    for spelled in _spelled_groups(aliases):
        if own in spelled:
            names.update({terms: n for terms, n in spelled.items() if terms and terms not in names})
    ordered = sorted(names, key=lambda t: (-len(t), t))
    return TermSpec(typed, tuple(ordered), tuple(n for t, n in names.items() if t != own))


def count_term(series: SeriesTerms, spec: TermSpec, vocab: Vocabulary) -> np.ndarray:
    """Where any of the term's names starts; where names overlap, the longest counts once."""
    covered: np.ndarray | None = None
    found: list[np.ndarray] = []
    for name in spec.names:
        name_ids = [vocab.id_of(t) for t in name]
        if any(i is None for i in name_ids):
            continue
        starts = _starts(series, name_ids)  # type: ignore[arg-type]
        if covered is not None and starts.size:  # first: inside a longer name is no match
            span = np.add.outer(starts, np.arange(len(name_ids)))
            starts = starts[~covered[span].any(axis=1)]
        if len(name_ids) > 1:
            starts = _not_overlapping(starts, len(name_ids), _self_overlaps(name))
        found.append(starts)
        if len(spec.names) > 1:  # later (shorter) names must not count inside this one
            if covered is None:
                covered = np.zeros(series.ids.size, dtype=bool)
            for k in range(len(name_ids)):
                covered[starts + k] = True
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _starts(series: SeriesTerms, name: Sequence[int]) -> np.ndarray:
    """Positions where the name's terms follow one another (its first term from the postings)."""
    starts = series.positions(name[0])
    ids = series.ids
    for k in range(1, len(name)):
        starts = starts[starts + k < ids.size]
        starts = starts[ids[starts + k] == name[k]]
    return starts


def _self_overlaps(name: tuple[str, ...]) -> bool:
    """Whether two matches of a phrase can overlap ("very very" in "very very very")."""
    return any(name[i:] == name[: len(name) - i] for i in range(1, len(name)))


def _not_overlapping(starts: np.ndarray, length: int, can_overlap: bool) -> np.ndarray:
    if not can_overlap:
        return starts
    kept: list[int] = []
    for s in starts.tolist():
        if not kept or s >= kept[-1] + length:
            kept.append(s)
    return np.asarray(kept, dtype=starts.dtype)


@dataclass(frozen=True)
class TrendRow:
    """One report's counts, in the order of the terms."""

    meta: ReportMeta
    words: int
    counts: tuple[int, ...]

    def per_10k(self, i: int) -> float:
        return self.counts[i] * PER_WORDS / self.words if self.words else 0.0


@dataclass(frozen=True)
class Trend:
    """Terms (with the aliases counted for each) and one row per report, oldest first."""

    terms: tuple[TermSpec, ...]
    rows: tuple[TrendRow, ...]


@dataclass(frozen=True)
class SeriesTerms:
    """Every report's term ids end to end (oldest first), where each report starts, and each
    term's positions (a positional index: a name's first term is found without a full scan)."""

    metas: tuple[ReportMeta, ...]
    words: tuple[int, ...]
    ids: np.ndarray
    bounds: np.ndarray  # start offset of each report in `ids`
    order: np.ndarray  # positions sorted by term id (stable: ascending within a term)
    ptr: np.ndarray  # term id t (shifted by one for the gap, -1) -> order[ptr[t+1]:ptr[t+2]]

    def report_ids(self, i: int) -> np.ndarray:
        """Report i's stream as a view into `ids` (no copy)."""
        end = self.bounds[i + 1] if i + 1 < self.bounds.size else self.ids.size
        return self.ids[self.bounds[i] : end]

    def positions(self, term_id: int) -> np.ndarray:
        if term_id + 2 >= self.ptr.size:
            return np.zeros(0, dtype=np.int64)
        return self.order[self.ptr[term_id + 1] : self.ptr[term_id + 2]]


def join_reports(reports: Sequence[tuple[ReportMeta, ReportTerms]]) -> SeriesTerms:
    """One array for all reports: a count is then one pass, not one per report."""
    sizes = [stream.ids.size for _, stream in reports]
    bounds = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) if sizes else np.zeros(0)
    ids = np.concatenate([s.ids for _, s in reports]) if reports else np.zeros(0, dtype=np.int32)
    shifted = ids.astype(np.int64) + 1  # the gap (-1) becomes 0
    order = np.argsort(shifted, kind="stable").astype(np.int32)  # positions < 2**31
    ptr = np.concatenate([[0], np.cumsum(np.bincount(shifted))]).astype(np.int64)
    metas = tuple(m for m, _ in reports)
    return SeriesTerms(metas, tuple(s.words for _, s in reports), ids, bounds, order, ptr)


def build_trend(specs: Sequence[TermSpec], series: SeriesTerms, vocab: Vocabulary) -> Trend:
    """Count every term in every report (each report's stream ends in a gap: no phrase spans
    two reports)."""
    per_term = []
    for spec in specs:
        starts = count_term(series, spec, vocab)
        owner = np.searchsorted(series.bounds, starts, side="right") - 1
        per_term.append(np.bincount(owner, minlength=len(series.metas)))
    rows = tuple(
        TrendRow(meta, words, tuple(int(counts[i]) for counts in per_term))
        for i, (meta, words) in enumerate(zip(series.metas, series.words, strict=True))
    )
    return Trend(tuple(specs), rows)
