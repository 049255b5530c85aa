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


def _spec(typed: str, aliases: AliasTable) -> TermSpec:
    own = tuple(tokenize(typed))
    if not own:
        raise TermError(f"“{typed}” has no words that can be counted (too common a word?)")
    names = {own: typed}
    for group in aliases.groups:
        spelled = {tuple(tokenize(n)): n for n in group.names}
        if own in spelled:
            names.update({terms: n for terms, n in spelled.items() if terms and terms not in names})
    ordered = sorted(names, key=lambda t: (-len(t), t))
    return TermSpec(typed, tuple(ordered), tuple(n for t, n in names.items() if t != own))


def count_term(stream: ReportTerms, spec: TermSpec, vocab: Vocabulary) -> int:
    """Occurrences of any of the term's names; where names overlap, the longest counts once."""
    covered = np.zeros(stream.ids.size, dtype=bool)
    total = 0
    for name in spec.names:
        ids = [vocab.id_of(t) for t in name]
        if any(i is None for i in ids) or len(ids) > stream.ids.size:
            continue
        starts = _starts(stream.ids, ids)  # type: ignore[arg-type]
        if len(ids) > 1:
            starts = _not_overlapping(starts, len(ids), _self_overlaps(name))
        if covered.any():
            span = np.add.outer(starts, np.arange(len(ids)))
            starts = starts[~covered[span].any(axis=1)] if starts.size else starts
        total += int(starts.size)
        for k in range(len(ids)):
            covered[starts + k] = True
    return total


def _starts(ids: np.ndarray, name: Sequence[int]) -> np.ndarray:
    n = len(name)
    starts = np.flatnonzero(ids[: ids.size - n + 1] == name[0])
    for k in range(1, n):
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


def build_trend(
    specs: Sequence[TermSpec],
    reports: Sequence[tuple[ReportMeta, ReportTerms]],
    vocab: Vocabulary,
) -> Trend:
    """Count every term in every report (given oldest first)."""
    rows = tuple(
        TrendRow(meta, stream.words, tuple(count_term(stream, s, vocab) for s in specs))
        for meta, stream in reports
    )
    return Trend(tuple(specs), rows)
