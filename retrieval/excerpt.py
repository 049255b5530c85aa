"""Choose the sentence or two of a paragraph that best answer a query (pure; offsets only).

An excerpt is a pair of offsets into the paragraph, so what is quoted is the paragraph's own
text by construction. Sentences are split on . ! ? followed by a space and a capital, except
after abbreviations the reports use ("para.", "No.", "e.g.", "Mr."), between a document symbol
and its parts ("S/2017/573. Annex I"), after initials, and before "(a)"-style list items.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

from corpus.model import Paragraph
from retrieval.answer import Excerpt
from retrieval.tokenize import Term, find_terms

MAX_EXCERPT_CHARS = (
    480  # two sentences are joined only while they fit (a Discord quote stays short)
)

_ABBREVIATIONS = frozenset(
    [
        "para",
        "paras",
        "no",
        "nos",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "art",
        "arts",
        "e.g",
        "i.e",
        "etc",
        "cf",
        "viz",
        "vs",
        "v",
        "vol",
        "vols",
        "p",
        "pp",
        "ch",
        "sect",
        "fig",
        "rev",
        "corr",
        "add",
        "annex",
        "st",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "approx",
        "inc",
        "ltd",
        "co",
        "u.s",
        "u.k",
        "u.n",
        "op",
        "cit",
        "ibid",
        "al",
        "res",
    ]
)
_SYMBOL_PARTS = frozenset({"Annex", "Add", "Corr", "Rev", "Para", "Paras", "Appendix", "Enclosure"})
_END = re.compile(r"[.!?][\"”’')\]]*\s+")
_LIST_ITEM = re.compile(r"\((?:[a-z]{1,2}|[ivx]{1,5}|\d{1,2})\)\s")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of `text` as (start, end) offsets, covering all of its non-space text."""
    spans: list[tuple[int, int]] = []
    start = _skip_space(text, 0)
    for match in _END.finditer(text):
        if match.end() >= len(text) or not _is_boundary(text, match):
            continue
        end = match.end() - len(match.group()) + len(match.group().rstrip())
        if end > start:
            spans.append((start, end))
        start = match.end()
    end = len(text.rstrip())
    if end > start:
        spans.append((start, end))
    return spans


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _is_boundary(text: str, match: re.Match[str]) -> bool:
    after = text[match.end() :]
    if not after or _LIST_ITEM.match(after):
        return False
    first = after[0]
    if not (first.isupper() or first.isdigit() or first in "\"“‘'("):
        return False
    word = text[: match.start()].rsplit(None, 1)[-1] if text[: match.start()].strip() else ""
    word = word.lstrip("(“\"'‘[")
    if match.group()[0] != ".":
        return True
    if word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
        return False
    if "/" in word and any(c.isdigit() for c in word):  # "S/2017/573. Annex I" is one citation
        return after.split(None, 1)[0].strip(".,;:") not in _SYMBOL_PARTS
    return True


def best_excerpt(
    paragraph: Paragraph,
    weights: Mapping[str, float],
    *,
    phrases: Sequence[Sequence[str]] = (),
    max_chars: int = MAX_EXCERPT_CHARS,
    spans: Sequence[Term] | None = None,
) -> Excerpt:
    """The sentence (or two adjacent ones) with the most query weight, with matched words lit.

    `weights` maps each query term to its importance; a term counts once per span, so a span
    that covers more of the query wins over one that repeats a single word. Phrases add the
    weight of their terms again when they occur in order within a span. `spans`, when the
    caller has them, are find_terms(paragraph.text, weights).
    """
    text = paragraph.text
    sentences = list(_sentences(text))
    terms = find_terms(text, weights) if spans is None else spans
    candidates = list(sentences)
    for (a, _), (_, d) in itertools.pairwise(sentences):
        if d - a <= max_chars:
            candidates.append((a, d))

    def score(span: tuple[int, int]) -> tuple[float, int]:
        inside = [t.term for t in terms if span[0] <= t.start and t.end <= span[1]]
        # fsum: exactly rounded whatever the set's order, so near-ties break the same way in
        # every process (a plain sum differed in the last bit with the hash seed).
        value = math.fsum(weights[t] for t in set(inside))
        value += sum(sum(weights.get(t, 0.0) for t in p) for p in phrases if _has_run(inside, p))
        return value, -(span[1] - span[0])

    (start, end), best = candidates[0], score(candidates[0])
    for span in candidates[1:]:  # as max(candidates, key=score): the first of the best
        value = score(span)
        if value > best:
            (start, end), best = span, value
    if best[0] <= 0:
        start, end = sentences[0]
    lit = _merge_spans((t.start, t.end) for t in terms if start <= t.start and t.end <= end)
    return Excerpt(paragraph, start, end, tuple(lit))


@lru_cache(maxsize=4096)
def _sentences(text: str) -> tuple[tuple[int, int], ...]:
    """split_sentences(text), or the whole text as one; cached, as answers quote the same
    paragraphs again (the paragraph reader keeps as many)."""
    return tuple(split_sentences(text)) or ((0, len(text)),)


def _has_run(terms: Sequence[str], phrase: Sequence[str]) -> bool:
    n = len(phrase)
    return n > 0 and any(list(terms[i : i + n]) == list(phrase) for i in range(len(terms) - n + 1))


def _merge_spans(spans: object) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(spans):  # type: ignore[call-overload]
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged
